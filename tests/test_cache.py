"""The page cache: anonymous readers get the public pages from the cache, every write to
the scholarship drops them, and nothing made for one visitor reaches another."""

import gzip
import json
import tempfile
import time

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from historiography.apps import scholarship_models
from historiography.cache import (
    GENERATION_KEY,
    PublicPageCacheMiddleware,
    invalidate_public_pages,
    is_public_page,
)
from historiography.classroom import services
from historiography.classroom.urls import urlpatterns as classroom_urlpatterns
from historiography.models import Argument, Status
from historiography.urls import urlpatterns

from .base import BaseTestCase
from .factories import ArgumentFactory, SchoolFactory, make_question


@override_settings(PAGE_CACHE_SECONDS=300)
class PageCacheTests(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.question = make_question(slug="continuity")
        self.argument = ArgumentFactory(
            position=self.question.positions.first(), claim="The first claim.", tags=["terror"]
        )
        self.url = self.question.get_absolute_url()
        SchoolFactory(slug="totalitarian")
        SchoolFactory(slug="revisionist")
        self.forget_pending_invalidations()

    def assert_cached(self, url, client=None):
        client = client or Client()
        first = client.get(url)
        self.assertEqual(first.status_code, 200)
        with self.assertNumQueries(0):
            second = client.get(url)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(second.content, first.content)
        return second

    def queries_for(self, url, client=None):
        with CaptureQueriesContext(connection) as context:
            (client or Client()).get(url)
        return len(context.captured_queries)

    def test_it_serves_a_public_page_from_the_cache_without_queries(self):
        for url in [
            reverse("historiography:home"),
            self.url,
            reverse("historiography:argument-list") + f"?question={self.question.slug}",
            self.argument.get_absolute_url(),
            reverse("historiography:compare-schools"),
            reverse("historiography:search") + "?q=claim",
            reverse("api:argument-list"),
        ]:
            with self.subTest(url=url):
                self.assert_cached(url)

    def test_it_keeps_the_security_headers_on_a_cached_page(self):
        response = self.assert_cached(self.url)
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")

    def test_it_sends_the_cached_page_gzipped_to_browsers_that_accept_it(self):
        plain = Client().get(self.url)
        browser = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
        with self.assertNumQueries(0):
            response = browser.get(self.url)
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(response.content), plain.content)
        self.assertEqual(int(response["Content-Length"]), len(response.content))
        self.assertIn("Accept-Encoding", response["Vary"])
        self.assertEqual(Client().get(self.url).content, plain.content)  # inflated for the others

    def test_it_drops_the_pages_when_an_argument_is_edited(self):
        self.assert_cached(self.url)
        with self.committed():
            self.argument.claim = "An edited claim."
            self.argument.save()
        self.assertContains(Client().get(self.url), "An edited claim.")

    def test_it_drops_the_pages_when_an_editor_unpublishes_and_publishes_in_the_admin(self):
        self.assert_cached(self.url)
        editor = Client()
        editor.force_login(self.editor)
        changelist = reverse("admin:historiography_argument_changelist")
        with self.committed():
            editor.post(changelist, {"action": "unpublish", "_selected_action": [self.argument.pk]})
        self.assertNotContains(Client().get(self.url), "The first claim.")
        self.assert_cached(self.url)
        with self.committed():
            editor.post(changelist, {"action": "publish", "_selected_action": [self.argument.pk]})
        self.assertContains(Client().get(self.url), "The first claim.")

    def test_it_drops_the_pages_when_an_editor_saves_in_the_admin(self):
        self.assert_cached(self.url)
        editor = Client()
        editor.force_login(self.editor)
        with self.committed():
            response = editor.post(
                reverse("admin:historiography_argument_change", args=[self.argument.pk]),
                {
                    "attribution": self.argument.attribution,
                    "historian": self.argument.historian_id,
                    "position": self.argument.position_id,
                    "status": Status.PUBLISHED,
                    "slug": self.argument.slug,
                    "claim": "A claim the editor rewrote.",
                    "passage": self.argument.passage,
                    "source": self.argument.source_id,
                    "section": self.argument.section,
                    "tags": "terror",
                    "work": self.argument.work_id,
                    "locator": "",
                    "year": 1990,
                    "outgoing_relations-TOTAL_FORMS": 0,
                    "outgoing_relations-INITIAL_FORMS": 0,
                },
            )
        self.assertEqual(
            response.status_code, 302, getattr(response, "context", None) and response.context.get("errors")
        )
        self.assertContains(Client().get(self.url), "A claim the editor rewrote.")

    def test_it_drops_the_pages_when_a_historian_joins_a_school(self):
        with self.committed():
            school = SchoolFactory(name="The archival school")
        self.assert_cached(self.argument.get_absolute_url())
        with self.committed():
            self.argument.historian.schools.add(school)
        self.assertContains(Client().get(self.argument.get_absolute_url()), "The archival school")

    def test_it_drops_the_pages_when_a_fixture_is_loaded(self):
        self.assert_cached(self.url)
        self.argument.claim = "A claim from a fixture."
        data = serializers.serialize("json", [self.argument], use_natural_foreign_keys=True)
        Argument.objects.filter(pk=self.argument.pk).update(claim="The first claim.")
        with tempfile.NamedTemporaryFile("w", suffix=".json") as fixture:
            fixture.write(data)
            fixture.flush()
            with self.committed():
                call_command("loaddata", fixture.name, verbosity=0)
        self.assertContains(Client().get(self.url), "A claim from a fixture.")

    def test_it_invalidates_once_per_transaction(self):
        with self.captureOnCommitCallbacks() as callbacks:
            for n in range(3):
                ArgumentFactory(position=self.argument.position, tags=[f"tag-{n}"])
        self.assertEqual(len(callbacks), 1)

    def test_classroom_writes_leave_the_pages_cached(self):
        self.assert_cached(self.url)
        generation = cache.get(GENERATION_KEY)
        with self.committed():
            services.course_create(instructor=self.instructor, title="Soviet history")
        self.assertEqual(cache.get(GENERATION_KEY), generation)
        with self.assertNumQueries(0):
            Client().get(self.url)

    def test_logged_in_users_get_the_shared_copy_with_their_own_account_links(self):
        # (tests/test_shared_page_cache.py has every page and kind of user)
        self.assert_cached(self.url)
        student = Client()
        student.force_login(self.student)
        with self.assertNumQueries(2):  # their user, their unread count: the page from the cache
            response = student.get(self.url)
        self.assertContains(response, "Log out student")
        self.assertEqual(response["Cache-Control"], "private, no-store")
        # a page a logged-in request rendered holds no trace of them for the next reader
        cache.clear()
        student.get(self.url)
        with self.assertNumQueries(0):
            response = Client().get(self.url)
        self.assertNotContains(response, "Log out")
        self.assertNotContains(response, "csrfmiddlewaretoken")

    def test_it_does_not_store_a_page_showing_a_message(self):
        url = reverse("historiography:argument-list") + "?decade=abc"
        self.assertContains(Client().get(url), "That filter was ignored.")
        self.assertGreater(self.queries_for(url), 0)
        self.assertContains(Client().get(url), "That filter was ignored.")

    def test_it_does_not_serve_a_cached_page_to_a_visitor_with_messages_waiting(self):
        self.assert_cached(self.url)
        client = Client()
        client.post(reverse("classroom:set-timezone"), {"timezone": "Europe/Moscow"})  # a message waits
        self.assertIn("messages", client.cookies)
        with CaptureQueriesContext(connection) as ran:
            response = client.get(self.url)
        self.assertGreater(len(ran), 0)
        self.assertContains(response, "Times are now shown in Europe/Moscow.")

    def test_a_visitor_with_a_session_gets_the_shared_copy_once_their_message_is_shown(self):
        self.assert_cached(self.url)
        client = Client()
        client.post(reverse("classroom:set-timezone"), {"timezone": "Europe/Moscow"})
        self.assertIn("sessionid", client.cookies)
        self.assertContains(client.get(self.url), "Times are now shown in")  # rendered, for the message
        with self.assertNumQueries(0):  # the session is in the cache; the page is the shared copy
            response = client.get(self.url)
        self.assertContains(response, "Log in")
        self.assertNotContains(response, "Times are now shown in")

    def test_it_never_stores_a_response_that_used_a_csrf_token(self):
        def view_with_token(request):
            get_token(request)
            return HttpResponse("a form")

        request = RequestFactory().get(self.url)
        request.COOKIES["csrftoken"] = "x" * 32  # an existing cookie: no Set-Cookie would warn us
        PublicPageCacheMiddleware(view_with_token)(request)
        self.assertEqual(len([key for key in cache._cache if "public-pages:" in key and "generation" not in key]), 0)

    def test_the_api_is_cached_per_format(self):
        url = reverse("api:topic-list")
        json_response = self.assert_cached(url)
        self.assertEqual(json_response["Content-Type"], "application/json")
        self.assertEqual(json.loads(json_response.content)["count"], 1)
        html = Client(headers={"Accept": "text/html"}).get(url)
        self.assertTrue(html["Content-Type"].startswith("text/html"))

    def test_it_is_off_when_page_cache_seconds_is_zero(self):
        with override_settings(PAGE_CACHE_SECONDS=0):
            Client().get(self.url)
            self.assertGreater(self.queries_for(self.url), 0)

    def test_only_public_pages_are_cached(self):
        self.assertTrue(is_public_page("historiography:question-detail"))
        self.assertTrue(is_public_page("api:argument-list"))
        self.assertFalse(is_public_page("api:schema"))
        self.assertFalse(is_public_page("classroom:submission-edit"))
        self.assertFalse(is_public_page("login"))
        # From the URL namespaces, so a page added later cannot be forgotten (the Argdown
        # export once was, in a hand-kept list).
        self.assertTrue(is_public_page("historiography:question-argdown"))
        for pattern in urlpatterns:
            with self.subTest(name=pattern.name):
                self.assertTrue(is_public_page(f"historiography:{pattern.name}"))
        for pattern in classroom_urlpatterns:
            with self.subTest(name=pattern.name):
                self.assertFalse(is_public_page(f"classroom:{pattern.name}"))

    def test_it_watches_every_scholarship_model_and_no_classroom_model(self):
        watched = {receiver_model._meta.label for receiver_model in scholarship_models()}
        self.assertIn("historiography.Argument", watched)
        self.assertIn("taggit.Tag", watched)
        self.assertFalse({label for label in watched if label.startswith("classroom.")})
        for model in apps.get_app_config("historiography").get_models():
            with self.subTest(model=model._meta.label):
                self.assertIn(model._meta.label, watched)


@override_settings(PAGE_CACHE_SECONDS=300, DATABASE_REPLICA_LAG_SECONDS=5)
class ReplicaLagTests(BaseTestCase):
    def test_pages_are_not_stored_while_a_replica_may_lag_behind_a_write(self):
        url = make_question().get_absolute_url()
        cache.clear()
        invalidate_public_pages()
        with override_settings(DATABASE_REPLICA_URL="postgres://reader@replica.internal/historiography"):
            Client().get(url)
            with CaptureQueriesContext(connection) as just_after_a_write:
                Client().get(url)
            self.assertGreater(len(just_after_a_write.captured_queries), 0)
            generation = cache.get(GENERATION_KEY).rpartition(":")[0]
            cache.set(GENERATION_KEY, f"{generation}:{time.time() - 6}")  # six seconds later
            Client().get(url)
            with self.assertNumQueries(0):
                Client().get(url)
