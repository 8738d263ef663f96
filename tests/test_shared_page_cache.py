"""Logged-in readers get the shared cached copy of the public pages with only their own
account links filled in; nothing of one user ever reaches another; staff pages are never
shared; one request rebuilds a page after a change while the others get the previous copy."""

import gzip
import re
import threading
from unittest import mock

from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from historiography import cache as page_cache
from historiography.api_urls import router
from historiography.classroom import services
from historiography.classroom.models import Notification, NotificationKind
from historiography.models import Argument, Status
from historiography.urls import urlpatterns

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, SchoolFactory, WorkFactory, make_question

ACCOUNT_LINKS = re.compile(r'<div class="account">.*?\n</div>', re.DOTALL)
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BADGE = re.compile(r'<span class="badge">(\d+)<')
DRAFT_WORDS = "Hidden draft words"


def shared_entries():
    """The bodies of every page the cache holds (anonymous copies and shared copies)."""
    return [
        (page_cache.shared_copy(value) if isinstance(value[3], tuple) else gzip.decompress(value[3])).decode()
        for key, value in ((key, cache.get(key.split(":", 2)[2])) for key in list(cache._cache))
        if "public-pages:" in key and "generation" not in key and ":lock:" not in key and value
    ]


@override_settings(PAGE_CACHE_SECONDS=300)
class SharedPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_editor = User.objects.create_user("other_editor", "oe@example.org", cls.password, is_staff=True)
        cls.other_editor.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["historiography", "taggit"])
        )
        cls.school = SchoolFactory(name="Post-revisionists", slug="post-revisionist")
        cls.historian = HistorianFactory(name="Oleg Khlevniuk", slug="oleg-khlevniuk", schools=[cls.school])
        cls.work = WorkFactory(title="Master of the House", slug="master-of-the-house", year=2009)
        cls.work.authors.add(cls.historian)
        cls.question = make_question(title="What drove the terror?", slug="terror")
        cls.argument = ArgumentFactory(
            historian=cls.historian,
            position=cls.question.positions.first(),
            work=cls.work,
            claim="The archives show Stalin signing the lists.",
            tags=["archives"],
            year=1990,
        )
        cls.draft_question = make_question(title="A draft question?", slug="draft-question", status=Status.DRAFT)
        ArgumentFactory(
            historian=cls.historian,
            position=cls.draft_question.positions.last(),
            claim=DRAFT_WORDS,
            status=Status.DRAFT,
        )
        # Instructors teach a course each; the students are in the first.
        course = services.course_create(instructor=cls.instructor, title="Soviet history")
        services.course_create(instructor=cls.other_instructor, title="Modern Europe")
        for student in (cls.student, cls.other_student):
            services.course_join(student=student, code=course.join_code)
        cls.unread = {cls.student: 3, cls.other_student: 1, cls.instructor: 2, cls.other_instructor: 0}
        for user, count in cls.unread.items():
            for n in range(count):
                Notification.objects.create(
                    user=user,
                    kind=NotificationKind.ASSIGNMENT_OPENED,
                    object_id=n,
                    event_key=f"opened-{n}",
                    title="An assignment opens",
                    url="/assignments/",
                    created=timezone.now(),
                )
        cls.kinds = {
            "anonymous": [None, None],
            "student": [cls.student, cls.other_student],
            "instructor": [cls.instructor, cls.other_instructor],
            "editor": [cls.editor, cls.other_editor],
        }

    def setUp(self):
        cache.clear()
        # One client per user for the whole test, so each keeps its session and CSRF cookie;
        # the two anonymous readers share None's (they have no cookie to tell them apart).
        self.clients = {None: Client()}
        for user in self.unread.keys() | {self.editor, self.other_editor}:
            self.clients[user] = Client()
            self.clients[user].force_login(user)

    def client_for(self, user):
        return self.clients[user]

    def public_pages(self):
        """Every route of the scholarship's namespace, with a real object, and every API list."""
        slugs = {
            "topics": self.question.topic.slug,
            "questions": self.question.slug,
            "arguments": self.argument.slug,
            "historians": self.historian.slug,
            "schools": self.school.slug,
            "works": self.work.slug,
            "tags": "archives",
        }
        pages = []
        for pattern in urlpatterns:
            route = str(pattern.pattern)
            kwargs = {"slug": slugs[route.split("/")[0]]} if "<slug:slug>" in route else {}
            # (with words to look up: the people field's suggestions run no query without)
            query = {"search": "?q=archives", "people-suggest": "?q=Khlev"}.get(pattern.name, "")
            pages.append(reverse(f"historiography:{pattern.name}", kwargs=kwargs) + query)
        pages += [reverse(f"api:{basename}-list") for _, _, basename in router.registry]
        return pages

    def assert_own_parts(self, response, user, url):
        """The response shows this user's own header and nothing of anyone else's."""
        body = response.content.decode()
        others = [other for users in self.kinds.values() for other in users if other not in (None, user)]
        for other in others:
            self.assertNotIn(f"Log out {other.username}<", body)
        client = self.client_for(user)
        for token in CSRF_TOKEN.findall(body):
            # a token masks the secret of this client's own CSRF cookie, nobody else's
            self.assertEqual(_unmask_cipher_token(token), client.cookies["csrftoken"].value)
        if user is None:
            self.assertNotIn("csrfmiddlewaretoken", body)
            self.assertNotIn("Log out", body)
            self.assertNotIn("private", response.get("Cache-Control", ""))
            return
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])
        if "<html" not in body:  # the API's JSON, an export
            self.assertNotIn(user.username, body)
            return
        self.assertIn(f"Log out {user.username}<", body)
        self.assertEqual(BADGE.findall(body), [str(self.unread[user])] if self.unread.get(user) else [])
        self.assertEqual(len(CSRF_TOKEN.findall(body)), 2)  # the log-out and time-zone forms
        if user.is_staff:
            self.assertIn(">Admin<", body)
        else:
            self.assertNotIn(">Admin<", body)

    def test_every_public_page_for_every_kind_of_user(self):
        pages = self.public_pages()
        self.assertGreater(len(pages), 35)
        kinds = list(self.kinds)
        for n, url in enumerate(pages):
            # Whoever comes first renders the page: each kind in turn.
            first_kind = kinds[n % len(kinds)]
            with self.subTest(first=first_kind, url=url):
                cache.clear()
                first = self.client_for(self.kinds[first_kind][0]).get(url)
                self.assertEqual(first.status_code, 200)
                # A hit costs the session's user and, on an HTML page, their unread count.
                header_queries = 2 if first["Content-Type"].startswith("text/html") else 1
                shared_bodies = set()
                for kind, users in self.kinds.items():
                    for user in users:
                        with CaptureQueriesContext(connection) as ran:
                            response = self.client_for(user).get(url)
                        self.assertEqual(response.status_code, 200)
                        self.assert_own_parts(response, user, url)
                        if kind == "editor":
                            # staff are never served the shared copy: their page runs its queries
                            self.assertGreater(len(ran), header_queries)
                            continue
                        if not (first_kind == "editor" and kind == "anonymous" and user is users[0]):
                            # the shared copy: no page queries
                            expected = 0 if user is None else header_queries
                            self.assertEqual(len(ran), expected, [q["sql"] for q in ran.captured_queries])
                        shared_bodies.add(ACCOUNT_LINKS.sub("", response.content.decode()))
                # one page for all but staff, apart from the account links
                self.assertEqual(len(shared_bodies), 1)
                self.assertNotIn(DRAFT_WORDS, next(iter(shared_bodies)))

    def test_the_second_user_of_a_kind_runs_no_page_queries(self):
        url = self.question.get_absolute_url()
        self.client_for(self.student).get(url)
        # the other student: the user (the session is in the cache) and the unread count
        with self.assertNumQueries(2):
            response = self.client_for(self.other_student).get(url)
        self.assertContains(response, "Log out other_student<")
        self.assertContains(response, '<span class="badge">1<')
        self.assertNotContains(response, "Log out student<")
        with self.assertNumQueries(2):
            response = self.client_for(self.other_instructor).get(url)
        self.assertNotContains(response, 'class="badge"')
        with self.assertNumQueries(0):
            Client().get(url)

    def test_a_hit_is_gzipped_with_the_readers_own_links_inside(self):
        url = self.question.get_absolute_url()
        self.client_for(self.student).get(url)  # renders and stores the shared copy
        for user in (self.other_student, self.instructor, self.student):
            with self.subTest(user=user.username):
                plain = self.client_for(user).get(url)
                response = self.client_for(user).get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
                self.assertEqual(response["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", response["Vary"])
                self.assertLess(len(response.content), len(plain.content) / 2)
                # one valid gzip member (its CRC and length checked) holding this reader's own header
                body = gzip.decompress(response.content)
                response.content = body
                self.assert_own_parts(response, user, url)
                self.assertEqual(CSRF_TOKEN.sub("", body.decode()), CSRF_TOKEN.sub("", plain.content.decode()))
        api = reverse("api:argument-list")
        self.client_for(self.student).get(api)
        response = self.client_for(self.other_student).get(api, HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response["Content-Encoding"], "gzip")
        self.assertEqual(gzip.decompress(response.content), self.client_for(self.other_student).get(api).content)

    def test_staff_pages_are_never_served_from_nor_stored_in_the_cache(self):
        draft_url = self.draft_question.get_absolute_url()
        question_url = self.question.get_absolute_url()
        for url in (question_url, draft_url):
            response = self.client_for(self.editor).get(url)
            self.assertEqual(response.status_code, 200)
            self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(self.client_for(self.editor).get(draft_url), DRAFT_WORDS)
        self.assertEqual(shared_entries(), [])
        self.assertEqual(self.client_for(self.student).get(draft_url).status_code, 404)
        self.client_for(self.student).get(question_url)
        self.assertTrue(shared_entries())
        for body in shared_entries():
            self.assertNotIn(DRAFT_WORDS, body)
            self.assertNotIn("Log out", body)
            self.assertNotIn("csrfmiddlewaretoken", body)
        # and an editor is not served what a student's request stored
        with CaptureQueriesContext(connection) as ran:
            response = self.client_for(self.editor).get(question_url)
        self.assertGreater(len(ran), 5)
        self.assertContains(response, "Log out editor<")

    def test_the_shared_copy_holds_nothing_of_the_user_who_rendered_it(self):
        url = self.question.get_absolute_url()
        student = self.client_for(self.student)
        student.post(reverse("classroom:set-timezone"), {"timezone": "Asia/Tokyo"})
        student.get(url)  # the message of the time-zone change: shown, so not stored
        student.get(url)
        self.assertEqual(len(shared_entries()), 1)  # the shared copy
        Client().get(url)
        bodies = shared_entries()
        self.assertEqual(len(bodies), 2)  # and the anonymous one, from the shared copy
        for body in bodies:
            for text in ("student", "Asia/Tokyo", "csrfmiddlewaretoken", 'class="badge"'):
                self.assertNotIn(text, body)
        self.assertEqual(sum(page_cache.account_links_marker() in body for body in bodies), 1)
        self.assertContains(student.get(url), "Asia/Tokyo")

    def test_a_visitor_with_messages_waiting_sees_them(self):
        url = self.question.get_absolute_url()
        self.client_for(self.other_student).get(url)
        student = self.client_for(self.student)
        student.post(reverse("classroom:set-timezone"), {"timezone": "Europe/Moscow"})
        response = student.get(url)
        self.assertContains(response, "Europe/Moscow", count=2)  # the message, and the header's link
        self.assertContains(response, 'class="message')

    def test_the_marker_cannot_be_forged_in_a_page(self):
        marker = page_cache.account_links_marker()
        self.assertNotIn(marker, "<!--account-links-->")
        self.assertRegex(marker, r"^<!--account-links [0-9a-f]{24}-->$")
        with override_settings(SECRET_KEY="another-secret-key-for-another-site-entirely"):
            self.assertNotEqual(page_cache.account_links_marker(), marker)


@override_settings(PAGE_CACHE_SECONDS=300)
class StampedeTests(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.question = make_question(slug="continuity")
        self.argument = ArgumentFactory(position=self.question.positions.first(), claim="The first claim.")
        self.url = self.question.get_absolute_url()
        self.student = Client()
        self.student.force_login(self.other_student)

    def lock_key(self):
        key = page_cache._page_key(RequestFactory().get(self.url), page_cache.SHARED_KEY_PREFIX)
        return f"{key}:lock:{cache.get(page_cache.GENERATION_KEY)}"

    def test_while_one_request_rebuilds_the_others_get_the_previous_copy(self):
        self.student.get(self.url)
        Argument.objects.filter(pk=self.argument.pk).update(claim="An edited claim.")
        page_cache.invalidate_public_pages()
        self.assertTrue(cache.add(self.lock_key(), 1))  # another request is rebuilding it
        with self.assertNumQueries(2):  # the user and the unread count: no page queries
            response = self.student.get(self.url)
        self.assertContains(response, "The first claim.")
        self.assertContains(response, "Log out other_student<")
        with self.assertNumQueries(0):
            response = Client().get(self.url)
        self.assertContains(response, "The first claim.")
        # the previous copy was not stored as the new one: once the lock is gone, a rebuild
        cache.delete(self.lock_key())
        with CaptureQueriesContext(connection) as ran:
            response = Client().get(self.url)
        self.assertGreater(len(ran), 2)
        self.assertContains(response, "An edited claim.")
        self.assertIsNone(cache.get(self.lock_key()))  # the rebuilding request let go of it
        with self.assertNumQueries(2):
            self.assertContains(self.student.get(self.url), "An edited claim.")

    def test_with_no_previous_copy_it_waits_for_the_one_being_rendered(self):
        Client().get(self.url)
        key = page_cache._page_key(RequestFactory().get(self.url), page_cache.SHARED_KEY_PREFIX)
        rendered = cache.get(key)
        cache.clear()
        cache.set(page_cache.GENERATION_KEY, rendered[0])
        self.assertTrue(cache.add(self.lock_key(), 1))
        # the request holding the lock stores the page a moment later
        storing = threading.Timer(0.2, cache.set, [key, rendered])
        storing.start()
        try:
            with self.assertNumQueries(2):
                response = self.student.get(self.url)
        finally:
            storing.join()
        self.assertContains(response, "The first claim.")
        self.assertContains(response, "Log out other_student<")

    def test_it_renders_itself_when_the_lock_is_held_too_long(self):
        self.assertTrue(cache.add(self.lock_key(), 1))
        with mock.patch.object(page_cache, "LOCK_WAIT_SECONDS", 0.1):
            with CaptureQueriesContext(connection) as ran:
                response = self.student.get(self.url)
        self.assertGreater(len(ran), 2)
        self.assertContains(response, "The first claim.")

    def test_one_render_for_many_concurrent_requests(self):
        """Eight requests at once after a change: one renders, the seven others get the
        previous copy meanwhile, and none waits for the render."""
        Client().get(self.url)
        key = page_cache._page_key(RequestFactory().get(self.url), page_cache.SHARED_KEY_PREFIX)
        entry = cache.get(key)
        status, body = entry[1], page_cache.shared_copy(entry)
        page_cache.invalidate_public_pages()
        renders, responses, others_done = [], [], threading.Event()

        def render(middleware, request):
            # Threads do not see the test's uncommitted rows, so the render is stood in for
            # by the page it would make; it ends only once the seven others have their answer.
            renders.append(request.path)
            others_done.wait(timeout=10)
            return HttpResponse(body, status=status), False

        def ask():
            response = Client().get(self.url)
            responses.append(response)
            if len(responses) == 7:
                others_done.set()

        with mock.patch.object(page_cache.SharedPageMiddleware, "_render_shared", render):
            threads = [threading.Thread(target=ask) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=15)
        self.assertEqual(len(renders), 1)
        self.assertEqual([response.status_code for response in responses], [200] * 8)
        for response in responses:
            self.assertContains(response, "The first claim.")
        self.assertIsNone(cache.get(self.lock_key()))
