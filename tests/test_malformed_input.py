"""Requests a user can send that were 500s (issue 15), each now a 400, a form error or a
redirect. tests/test_fuzz.py looks for the next one."""

from datetime import UTC, datetime, timedelta

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from historiography.validators import whole_number

from .base import BaseTestCase
from .factories import make_class, make_question


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


class ClassroomServerErrorTests(BaseTestCase):
    """The classroom's three: a null byte in the evidence form, a student id that is not a
    number, a deadline in the year 9999 read in a zone east of UTC."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.instructor.groups.add(Group.objects.get(name="Instructor"))
        cls.assignment, _, cls.arguments = make_class(
            cls.instructor, 2, also=[cls.student], slug="debate", due_at=timezone.now() + timedelta(days=7)
        )

    def test_a_null_byte_in_the_evidence_form_is_a_400(self):
        self.client.force_login(self.student)
        url = reverse("classroom:evidence-add", args=[self.assignment.pk])
        response = self.client.post(url, {"argument": "x\x00", "phase": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.assignment.submissions.exists())

    def test_removing_a_student_who_is_not_a_number_is_a_404(self):
        self.client.force_login(self.instructor)
        url = reverse("classroom:course-update", args=[self.assignment.course_id])
        for student in ["abc", "²", "-1", "99999999999999999999", ""]:
            with self.subTest(student=student):
                response = self.client.post(url, {"action": "remove", "student": student})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.assignment.course.enrollments.count(), 3)

    def test_digits_that_are_not_ascii_are_refused_without_a_500(self):
        self.client.force_login(self.student)
        evidence = reverse("classroom:evidence-add", args=[self.assignment.pk])
        response = self.client.post(evidence, {"argument": self.arguments[0].slug, "phase": "²"})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(reverse("classroom:side-choose", args=[self.assignment.pk]), {"position": "²"})
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.instructor)
        student_field = f"side_{self.student.pk}"
        response = self.client.post(
            reverse("classroom:assignment-allocate", args=[self.assignment.pk]), {student_field: "²"}
        )
        self.assertIn(response.status_code, (200, 302))

    def test_a_deadline_in_the_year_9999_shows_in_a_zone_east_of_utc(self):
        # Saved before dates were bounded: the pages must still show it.
        self.assignment.due_at = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
        self.assignment.save()
        pages = {
            self.student: [reverse("classroom:my-assignments"), self.assignment.get_absolute_url()],
            self.instructor: [
                self.assignment.course.get_absolute_url(),
                self.assignment.get_absolute_url(),
                reverse("classroom:assignment-edit", args=[self.assignment.pk]),
            ],
        }
        for user, urls in pages.items():
            self.client.force_login(user)
            self.client.post(reverse("classroom:set-timezone"), {"timezone": "Asia/Tokyo", "next": "/"})
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertContains(self.client.get(url), "9999")

    def test_the_assignment_form_refuses_dates_past_2999(self):
        self.client.force_login(self.instructor)
        self.client.post(reverse("classroom:set-timezone"), {"timezone": "Etc/GMT+12", "next": "/"})
        question = self.assignment.question
        response = self.client.post(
            reverse("classroom:assignment-create", args=[self.assignment.course_id]),
            {
                "title": "Far future",
                "question": question.pk,
                "positions": [position.pk for position in question.positions.all()],
                "mode": "debate",
                "evidence_minimum": 1,
                "opens_at": "2026-01-01T10:00",
                "due_at": "9999-12-31T23:59",
                "allocation": "by_hand",
                "peer_visibility": "instructors",
            },
        )
        self.assertContains(response, "Enter a date between 1900 and 2999.")
        self.assertEqual(self.assignment.course.assignments.count(), 1)

    def test_a_position_id_beyond_any_integer_is_a_form_error(self):
        # Found by tests/test_fuzz.py: Django's pk__in check of the ticked positions
        # overflowed SQLite's integer.
        self.client.force_login(self.instructor)
        question = self.assignment.question
        response = self.client.post(
            reverse("classroom:assignment-create", args=[self.assignment.course_id]),
            {"title": "Huge", "question": question.pk, "positions": ["99999999999999999999999"], "mode": "debate"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tick only positions of the chosen question.")


class WholeNumberTests(SimpleTestCase):
    """One reading of an id or number sent by hand, for the classroom's forms, the API's
    paging and the LTI claims alike."""

    def test_only_ascii_digits_below_the_bound(self):
        for value, expected in [
            ("42", 42),
            (" 7 ", 7),
            ("0", 0),
            ("²", None),
            ("٣", None),
            ("-1", None),
            ("1e3", None),
            ("", None),
            (None, None),
            (str(2**31 - 1), 2**31 - 1),
            (str(2**31), None),
        ]:
            with self.subTest(value=value):
                self.assertEqual(whole_number(value), expected)
        self.assertEqual(whole_number(str(2**40), below=2**63), 2**40)
        self.assertIsNone(whole_number(str(2**63), below=2**63))
