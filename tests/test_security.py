"""Security: production settings pass Django's deploy check, every page carries a CSP
without 'unsafe-inline', and text that users and editors write comes out inert."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Allocation

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, WorkFactory, make_class, make_question

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


class DeployCheckTests(BaseTestCase):
    def test_production_settings_pass_the_deploy_check(self):
        env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "debates.example.edu",
            "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "x"}
        env.pop("SECRET_KEY", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)


class ContentSecurityPolicyTests(BaseTestCase):
    def test_pages_forbid_inline_scripts_and_styles(self):
        question = make_question()
        for url in [
            reverse("historiography:home"),
            question.get_absolute_url(),
            reverse("login"),
            reverse("api:topic-list"),
        ]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Content-Security-Policy"]
                directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
                self.assertEqual(directives["script-src"], "'self'")
                self.assertEqual(directives["style-src"], "'self'")
                self.assertEqual(directives["object-src"], "'none'")
                self.assertEqual(directives["frame-ancestors"], "'none'")

    def test_no_template_has_inline_script_or_style(self):
        for path in (settings.BASE_DIR / "templates").rglob("*.html"):
            text = path.read_text()
            with self.subTest(template=str(path.relative_to(settings.BASE_DIR))):
                self.assertNotIn("<script>", text)
                self.assertNotIn("<style", text)
                self.assertNotIn(" style=", text)
                self.assertNotIn(" onclick=", text)


class EscapingTests(BaseTestCase):
    """XSS payloads in every field a person writes, read back on every page that shows it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.instructor.groups.add(Group.objects.get(name="Instructor"))
        cls.student.groups.add(Group.objects.get(name="Student"))
        cls.student.first_name, cls.student.last_name = f"Name {IMG}", f"Surname {SCRIPT}"
        cls.student.save()
        cls.question = make_question(background=f"Background {SCRIPT}", slug="xss")
        cls.historian = HistorianFactory(name=f"Evil {IMG}")
        cls.work = WorkFactory(title=f"Title {SCRIPT}", url="javascript:alert(1)")
        cls.argument = ArgumentFactory(
            historian=cls.historian,
            work=cls.work,
            position=cls.question.positions.first(),
            claim=f"Claim {SCRIPT}",
            passage=f"Quote {IMG}",
            tags=["xss"],
        )
        cls.course = services.course_create(instructor=cls.instructor, title=f"Course {SCRIPT}")
        services.course_join(student=cls.student, code=cls.course.join_code)
        now = timezone.now()
        cls.assignment = services.assignment_create(
            course=cls.course,
            question=cls.question,
            positions=list(cls.question.positions.all()),
            title=f"Debate {IMG}",
            instructions=f"Do {SCRIPT}",
            evidence_minimum=1,
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=1),
            allocation=Allocation.BY_HAND,
        )
        services.assignment_allocate(assignment=cls.assignment, sides={cls.student: cls.question.positions.first()})
        cls.submission = services.submission_start(assignment=cls.assignment, student=cls.student)
        citation = services.submission_cite(submission=cls.submission, argument=cls.argument)
        services.submission_save(
            submission=cls.submission,
            version=cls.submission.version,
            statement=f"Statement {SCRIPT}",
            comments={citation.pk: f"Comment {IMG}"},
            removed=set(),
        )
        cls.submission.refresh_from_db()
        services.feedback_save(
            submission=cls.submission,
            author=cls.instructor,
            comment=f"Feedback {SCRIPT}",
            grade="<img src=x>",
            release=True,
        )  # grades are 20 characters at most

    def assert_inert(self, response):
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNotIn(SCRIPT, body)
        self.assertNotIn("<img src=x", body)
        self.assertNotIn('href="javascript:', body)

    def test_public_pages(self):
        urls = [
            self.question.get_absolute_url(),
            self.argument.get_absolute_url(),
            self.historian.get_absolute_url(),
            self.work.get_absolute_url(),
            reverse("historiography:argument-list"),
            reverse("historiography:historian-list"),
            reverse("historiography:tag-detail", args=["xss"]),
            reverse("historiography:question-handout", args=["xss"]),
            reverse("historiography:search") + "?q=" + SCRIPT,
            reverse("historiography:search") + "?q=Claim",
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assert_inert(self.client.get(url))
        response = self.client.get(self.argument.get_absolute_url())
        self.assertContains(response, "Claim &lt;script&gt;alert(1)&lt;/script&gt;")

    def test_classroom_pages(self):
        self.client.force_login(self.instructor)
        for url in [
            self.course.get_absolute_url(),
            self.assignment.get_absolute_url(),
            reverse("classroom:assignment-board", args=[self.assignment.pk]),
            self.submission.get_absolute_url(),
            reverse("classroom:course-student", args=[self.course.pk, self.student.pk]),
            reverse("classroom:assignment-allocate", args=[self.assignment.pk]),
        ]:
            with self.subTest(url=url, who="instructor"):
                self.assert_inert(self.client.get(url))
        self.client.force_login(self.student)
        for url in [
            self.assignment.get_absolute_url(),
            reverse("classroom:submission-edit", args=[self.assignment.pk]),
            reverse("classroom:my-assignments"),
        ]:
            with self.subTest(url=url, who="student"):
                self.assert_inert(self.client.get(url))

    def test_admin_changelists(self):
        self.client.force_login(self.editor)
        for model in ["argument", "historian", "work"]:
            with self.subTest(model=model):
                self.assert_inert(self.client.get(reverse(f"admin:historiography_{model}_changelist")))

    def test_the_grades_csv_defuses_formulas(self):
        services.feedback_save(
            submission=self.submission, author=self.instructor, comment="", grade='=HYPERLINK("x")', release=True
        )
        self.client.force_login(self.instructor)
        body = self.client.get(reverse("classroom:assignment-grades", args=[self.assignment.pk])).content.decode()
        self.assertNotIn(",=HYPERLINK", body)


@override_settings(TRUSTED_PROXY_COUNT=1)
class LoginLockoutTests(BaseTestCase):
    """Five failures lock one username at one address, the address read through the one
    trusted proxy (REMOTE_ADDR is the proxy's for everyone)."""

    PROXY = "10.0.0.2"

    def log_in(self, username, password, forwarded):
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=self.PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    def assert_locked(self, response):
        self.assertEqual(response.status_code, 429)
        self.assertTemplateUsed(response, "registration/locked_out.html")

    def assert_logged_in(self, response):
        self.assertRedirects(response, reverse("historiography:home"), fetch_redirect_response=False)
        self.client.logout()

    def test_five_wrong_passwords_for_one_user_do_not_lock_another(self):
        statuses = [self.log_in("student", "wrong", "203.0.113.5").status_code for _ in range(5)]
        self.assertEqual(statuses, [200, 200, 200, 200, 429])  # the fifth failure locks
        self.assert_locked(self.log_in("student", self.password, "203.0.113.5"))
        self.assert_logged_in(self.log_in("other_student", self.password, "203.0.113.5"))
        # The same user from another address behind the same proxy.
        self.assert_logged_in(self.log_in("student", self.password, "198.51.100.7"))

    def test_a_spoofed_forwarded_header_does_not_escape_the_lockout(self):
        for n in range(5):
            self.log_in("student", "wrong", f"192.0.2.{n}, 203.0.113.5")
        self.assert_locked(self.log_in("student", self.password, "192.0.2.99, 203.0.113.5"))
        self.assert_locked(self.log_in("student", self.password, "not-an-address, 203.0.113.5"))

    @override_settings(TRUSTED_PROXY_COUNT=0)
    def test_without_a_proxy_the_forwarded_header_is_ignored(self):
        for n in range(5):
            self.log_in("student", "wrong", f"192.0.2.{n}")
        self.assert_locked(self.log_in("student", self.password, "198.51.100.7"))
        attempt = AccessAttempt.objects.get()
        self.assertEqual((attempt.username, attempt.ip_address), ("student", self.PROXY))

    def test_staff_see_and_lift_lockouts_in_the_admin(self):
        for _ in range(5):
            self.log_in("student", "wrong", "203.0.113.5")
        attempt = AccessAttempt.objects.get()
        self.client.force_login(self.editor)
        changelist = reverse("admin:axes_accessattempt_changelist")
        self.assertContains(self.client.get(reverse("admin:index")), changelist)
        self.assertContains(self.client.get(changelist), "203.0.113.5")
        self.client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
        self.assertFalse(AccessAttempt.objects.exists())
        self.client.logout()
        self.assert_logged_in(self.log_in("student", self.password, "203.0.113.5"))
        self.client.force_login(self.student)
        self.assertEqual(self.client.get(changelist).status_code, 302)  # not staff: to the admin's login


class HeaderTests(BaseTestCase):
    def test_every_response_carries_a_permissions_policy(self):
        for url in ["/", "/no-such-page/", reverse("api:topic-list"), reverse("login"), "/static/js/copy.js"]:
            with self.subTest(url=url):
                policy = self.client.get(url)["Permissions-Policy"]
                self.assertIn("camera=()", policy)
                self.assertIn("geolocation=()", policy)

    def test_responses_to_a_logged_in_user_are_private_and_not_stored(self):
        self.client.force_login(self.student)
        for url in ["/", reverse("classroom:set-timezone"), reverse("api:topic-list"), "/no-such-page/"]:
            with self.subTest(url=url):
                cache_control = {part.strip() for part in self.client.get(url)["Cache-Control"].split(",")}
                self.assertLessEqual({"private", "no-store"}, cache_control)

    def test_public_pages_for_anonymous_readers_stay_cacheable(self):
        self.assertNotIn("no-store", self.client.get("/").get("Cache-Control", ""))

    def test_the_csrf_cookie_is_http_only_and_no_script_reads_cookies(self):
        response = self.client.get(reverse("login"))
        self.assertTrue(response.cookies["csrftoken"]["httponly"])
        for path in (settings.BASE_DIR / "static" / "js").rglob("*.js"):
            with self.subTest(script=path.name):
                self.assertNotIn("cookie", path.read_text().lower())

    def test_gunicorn_sends_no_server_banner(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/js/copy.js", timeout=5) as response:
                        headers = response.headers
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
        self.assertIsNone(headers["Server"])
        self.assertIn("camera=()", headers["Permissions-Policy"])


class MethodTests(BaseTestCase):
    """Pages take GET, HEAD and, where they have a form, POST; every other method is a 405.
    tests/test_fuzz.py checks every URL pattern."""

    def test_no_page_takes_options_trace_put_or_delete(self):
        self.client.force_login(self.editor)
        for url in ["/", reverse("login"), reverse("admin:index"), reverse("admin:login")]:
            for method in ["OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "PROPFIND"]:
                with self.subTest(url=url, method=method):
                    response = self.client.generic(method, url)
                    self.assertEqual(response.status_code, 405)
                    self.assertEqual(response["Allow"], "GET, HEAD, POST")

    def test_read_only_pages_refuse_post(self):
        question = make_question()
        for url in ["/", question.get_absolute_url(), reverse("historiography:argument-list"), reverse("api:docs")]:
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url).status_code, 405)
                self.assertEqual(self.client.head(url).status_code, 200)

    def test_the_api_answers_options_itself(self):
        response = self.client.options(reverse("api:topic-list"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["name"], "Topic List")


class StudentDataExportTests(BaseTestCase):
    def test_the_grades_csv_is_private_and_not_stored(self):
        self.instructor.groups.add(Group.objects.get(name="Instructor"))
        assignment, _, _ = make_class(self.instructor, 2, slug="csv", due_at=timezone.now() + timedelta(days=1))
        self.client.force_login(self.instructor)
        response = self.client.get(reverse("classroom:assignment-grades", args=[assignment.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertLessEqual({"private", "no-store"}, {part.strip() for part in response["Cache-Control"].split(",")})
