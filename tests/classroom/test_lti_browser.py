"""LTI in Chromium: the browser follows the tool's redirect to the platform, whose
authorization endpoint (played by the test through Playwright's routing) posts the signed
id_token back; a deep-linking launch shows the picker, a forged one the refusal page."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.contrib.auth.models import User
from django.utils import timezone

from ..chromium import ChromiumTestCase
from ..factories import make_class
from .lti_platform import AUTH_URL, CLIENT_ID, INSTRUCTOR, ISS, Platform, rsa_key

SHOTS = Path("/work/notes/shots")


@pytest.mark.browser
class LtiBrowserTests(ChromiumTestCase):
    host = "127.0.0.1"

    def setUp(self):
        self.platform = Platform()
        Platform.register()
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.mock.add_passthru("http://127.0.0.1")
        self.mock.start()
        self.addCleanup(self.mock.stop)
        self.platform.serve_jwks(self.mock)
        self.page = self.browser.new_page(viewport={"width": 1000, "height": 900})
        self.addCleanup(self.page.close)

    def play_platform(self, *, key=None, **claim_args):
        """Initiates the login as the platform and plays its authorization endpoint: the
        tool's redirect (with its state cookie) is answered by a page posting the id_token,
        signed for the nonce the tool chose, to the redirect URI. (Playwright cannot route a
        redirect's target, so the login request itself is routed and fetched.)"""
        login = f"{self.live_server_url}/lti/login/?iss={ISS}&client_id={CLIENT_ID}&login_hint=u&target_link_uri=x"

        def authorize(route):
            answer = route.fetch(max_redirects=0)
            location = answer.headers["location"]
            self.assertTrue(location.startswith(AUTH_URL))
            query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
            for header in answer.headers_array:
                if header["name"].lower() == "set-cookie":
                    name, value = header["value"].split(";")[0].split("=", 1)
                    self.page.context.add_cookies([{"name": name, "value": value, "url": self.live_server_url}])
            token = self.platform.sign(self.platform.claims(query["nonce"], **claim_args), key=key)
            html = (
                f'<form method="post" action="{query["redirect_uri"]}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{query["state"]}"></form>'
                "<script>document.forms[0].submit()</script>"
            )
            route.fulfill(status=200, content_type="text/html", body=html)

        self.page.route(login, authorize)
        self.page.goto(login)
        self.page.wait_for_url(f"{self.live_server_url}/lti/launch/")
        self.page.wait_for_load_state("networkidle")

    def shoot(self, name):
        if SHOTS.is_dir():
            self.page.screenshot(path=str(SHOTS / name), full_page=True)

    def test_a_forged_launch_shows_the_refusal_page(self):
        self.play_platform(key=rsa_key())
        self.assertEqual(
            self.page.locator("h1").inner_text(), "This launch from your learning platform was not accepted"
        )
        self.assertIn("Signature verification failed", self.page.locator("main").inner_text())
        self.shoot("lti-launch-refused.png")
        self.assertFalse(User.objects.exists())

    def test_an_instructor_picks_an_assignment_in_the_deep_linking_picker(self):
        self.play_platform(roles=[INSTRUCTOR], sub="teacher-1", message="LtiDeepLinkingRequest")
        teacher = User.objects.get()
        self.assertEqual(self.page.locator("h1").inner_text(), "Choose what to link into your course")
        self.assertTrue(self.page.locator("input[value^='question:']").count() == 0)
        self.assertIn("no assignment yet", self.page.locator("main").inner_text())
        assignment, _, _ = make_class(
            teacher, 0, slug="lti-pick", title="Was the famine a genocide?", due_at=timezone.now() + timedelta(days=7)
        )
        assignment.course = teacher.taught_courses.get(lti_links__isnull=False)
        assignment.save()
        self.page.close()
        self.page = self.browser.new_page(viewport={"width": 1000, "height": 900})
        self.play_platform(roles=[INSTRUCTOR], sub="teacher-1", message="LtiDeepLinkingRequest")
        self.shoot("lti-deep-link-picker.png")
        received = []

        def platform_receives(route):
            received.append(route.request.post_data)
            route.fulfill(status=200, body="platform received")

        self.page.route(lambda url: url.startswith(ISS + "/courses/"), platform_receives)
        self.page.check(f"input[value='assignment:{assignment.pk}']")
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: url.startswith(ISS))
        self.assertEqual(len(received), 1)
        self.assertTrue(received[0].startswith("JWT=ey"))
