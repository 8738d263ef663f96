"""Requests a user can send that were 500s (issue 15), each now a 400, a form error or a
redirect. tests/test_fuzz.py looks for the next one."""

from axes.models import AccessAttempt
from django.urls import reverse

from .base import BaseTestCase
from .factories import make_question


class KnownServerErrorTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="famine")

    def test_options_on_the_api_docs_is_a_405(self):
        response = self.client.options(reverse("api:docs"))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.client.get(reverse("api:docs")).status_code, 200)

    def test_a_null_byte_in_the_timeline_filters_is_a_400(self):
        for query in ["question=%00", "topic=%00", "question=famine%00"]:
            with self.subTest(query=query):
                response = self.client.get(reverse("historiography:timeline") + "?" + query)
                self.assertContains(response, "Bad request", status_code=400)

    def test_a_null_byte_anywhere_a_client_writes_is_a_400(self):
        url = reverse("historiography:search")
        for response in [
            self.client.get(url + "?q%00=x"),
            self.client.get("/questions/famine%00/"),
            self.client.post(reverse("login"), {"username": "student\x00", "password": "x"}),
            self.client.get(url, headers={"user-agent": "bot\x00"}),
        ]:
            with self.subTest(request=response.request):
                self.assertEqual(response.status_code, 400)
        self.client.cookies["sessionid"] = "abcdefgh\x00"
        self.assertEqual(self.client.get(url).status_code, 400)

    def test_a_username_longer_than_the_lockout_column_is_a_failed_login(self):
        for url in [reverse("login"), reverse("admin:login")]:
            with self.subTest(url=url):
                response = self.client.post(url, {"username": "a" * 300, "password": "wrong"})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "correct username and password")
        attempt = AccessAttempt.objects.get()
        self.assertEqual(attempt.username, "a" * 255)
        self.assertEqual(attempt.failures_since_start, 2)

    def test_a_timezone_next_that_is_not_a_path_goes_home(self):
        self.client.force_login(self.student)
        url = reverse("classroom:set-timezone")
        for next_url in ["abc", "historiography:home", "https://evil.example/", "//evil.example/", ""]:
            with self.subTest(next=next_url):
                response = self.client.post(url, {"timezone": "Europe/Paris", "next": next_url})
                self.assertRedirects(response, reverse("historiography:home"), fetch_redirect_response=False)
        response = self.client.post(url, {"timezone": "Europe/Paris", "next": "/arguments/?page=2"})
        self.assertRedirects(response, "/arguments/?page=2", fetch_redirect_response=False)
