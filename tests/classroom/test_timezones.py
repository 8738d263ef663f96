"""Issue 13: every time-zone path — detected from the browser, kept on the profile across
logout, deadlines shown in the zone, absurd years refused, past deadlines confirmed."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from historiography.classroom.models import Assignment, Profile

from .test_classroom import ClassroomTestCase


class TimezoneTests(ClassroomTestCase):
    def detect(self, name):
        return self.client.post(reverse("classroom:set-timezone"), {"timezone": name, "detected": "1"})

    def test_a_detected_zone_is_kept_in_the_session_and_on_the_profile(self):
        self.client.force_login(self.student)
        self.assertContains(self.client.get(reverse("classroom:my-assignments")), "data-detect-timezone")
        self.assertEqual(self.detect("Asia/Tokyo").status_code, 204)
        self.assertEqual(self.client.session["timezone"], "Asia/Tokyo")
        self.assertEqual(Profile.objects.get(user=self.student).timezone, "Asia/Tokyo")
        # Known now: the page no longer asks the browser.
        self.assertNotContains(self.client.get(reverse("classroom:my-assignments")), "data-detect-timezone")

    def test_a_detected_zone_that_does_not_exist_is_refused(self):
        self.client.force_login(self.student)
        self.assertEqual(self.detect("Mars/Olympus").status_code, 400)
        self.assertFalse(Profile.objects.filter(user=self.student).exists())

    def test_the_zone_is_kept_after_logout_and_back_at_login(self):
        self.client.post(reverse("login"), {"username": "student", "password": self.password})
        self.client.post(reverse("classroom:set-timezone"), {"timezone": "America/New_York"})
        self.client.post(reverse("logout"))
        self.assertNotIn("timezone", self.client.session)
        self.client.post(reverse("login"), {"username": "student", "password": self.password})
        self.assertEqual(self.client.session["timezone"], "America/New_York")
        self.assertContains(self.client.get(reverse("classroom:my-assignments")), "(America/New_York)")

    def test_deadlines_are_shown_in_the_zone_with_its_name(self):
        due = timezone.now().replace(microsecond=0) + timedelta(days=3)
        Assignment.objects.filter(pk=self.assignment.pk).update(due_at=due)
        self.client.force_login(self.student)
        self.detect("Asia/Tokyo")
        tokyo = timezone.localtime(due, timezone=__import__("zoneinfo").ZoneInfo("Asia/Tokyo"))
        shown = tokyo.strftime("%H:%M") + "</time>"
        pages = [
            reverse("classroom:my-assignments"),
            self.assignment.get_absolute_url(),
            reverse("classroom:submission-edit-phase", args=[self.assignment.pk, 1]),
            self.course.get_absolute_url(),
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, shown)
                self.assertContains(response, '<span class="zone">(Asia/Tokyo)</span>')
        self.client.force_login(self.instructor)
        self.detect("America/Los_Angeles")
        self.assertContains(self.client.get(self.assignment.get_absolute_url()), "(America/Los_Angeles)")


class DueDateValidationTests(ClassroomTestCase):
    def post(self, **dates):
        data = {
            "title": "Dated",
            "question": self.question.pk,
            "positions": [self.side_a.pk, self.side_b.pk],
            "evidence_minimum": 1,
            "allocation": "by_hand",
            "mode": "debate",
            "peer_visibility": "instructors",
            **dates,
        }
        return self.client.post(reverse("classroom:assignment-create", args=[self.course.pk]), data)

    def setUp(self):
        self.client.force_login(self.instructor)
        self.client.post(reverse("classroom:set-timezone"), {"timezone": "Asia/Tokyo"})

    def local(self, delta):
        return timezone.localtime(timezone.now() + delta, __import__("zoneinfo").ZoneInfo("Asia/Tokyo")).strftime(
            "%Y-%m-%dT%H:%M"
        )

    def test_the_year_9999_is_refused_and_no_page_breaks(self):
        response = self.post(opens_at=self.local(timedelta(days=-1)), due_at="9999-12-31T23:59")
        self.assertContains(response, "Enter a date between 1900 and 2999.")  # the model's validator
        response = self.post(opens_at=self.local(timedelta(days=-1)), due_at="2062-01-01T09:00")
        self.assertContains(response, "2062 looks like a slip")
        self.assertFalse(Assignment.objects.filter(title="Dated").exists())

    def test_a_date_far_back_is_refused(self):
        response = self.post(opens_at="1999-01-01T09:00", due_at=self.local(timedelta(days=3)))
        self.assertContains(response, "looks like a slip")
        self.assertFalse(Assignment.objects.filter(title="Dated").exists())

    def test_a_past_deadline_asks_for_confirmation_then_is_saved(self):
        dates = {"opens_at": self.local(timedelta(days=-3)), "due_at": self.local(timedelta(days=-1))}
        response = self.post(**dates)
        self.assertContains(response, "This deadline is in the past")
        self.assertContains(response, 'type="checkbox" name="confirm_past"')
        self.assertFalse(Assignment.objects.filter(title="Dated").exists())
        response = self.post(**dates, confirm_past="on")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Assignment.objects.get(title="Dated").due_at < timezone.now())

    def test_the_confirmation_box_is_hidden_until_needed(self):
        response = self.client.get(
            reverse("classroom:assignment-create", args=[self.course.pk]) + f"?question={self.question.pk}"
        )
        self.assertContains(response, 'type="hidden" name="confirm_past"')
        self.assertNotContains(response, 'type="checkbox" name="confirm_past"')

    def test_an_unchanged_past_deadline_needs_no_confirmation_when_editing(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(
            opens_at=timezone.now() - timedelta(days=5), due_at=timezone.now() - timedelta(days=2)
        )
        self.assignment.refresh_from_db()
        tokyo = __import__("zoneinfo").ZoneInfo("Asia/Tokyo")
        data = {
            "title": "Still past",
            "question": self.question.pk,
            "positions": [self.side_a.pk, self.side_b.pk],
            "evidence_minimum": 2,
            "allocation": "by_hand",
            "mode": "debate",
            "peer_visibility": "instructors",
            # As the form shows them: in the user's zone, to the minute.
            "opens_at": timezone.localtime(self.assignment.opens_at, tokyo).strftime("%Y-%m-%dT%H:%M"),
            "due_at": timezone.localtime(self.assignment.due_at, tokyo).strftime("%Y-%m-%dT%H:%M"),
        }
        response = self.client.post(reverse("classroom:assignment-edit", args=[self.assignment.pk]), data)
        self.assertEqual(response.status_code, 302, response.context and response.context["form"].errors)
        self.assertEqual(Assignment.objects.get(pk=self.assignment.pk).title, "Still past")
