"""Security: production settings pass Django's deploy check, every page carries a CSP
without 'unsafe-inline', and text that users and editors write comes out inert."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Allocation

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, WorkFactory, make_question

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
            quotation=f"Quote {IMG}",
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
