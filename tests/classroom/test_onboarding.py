"""“I teach” sign-up, e-mail verification, approval in the admin, password reset, and the
first-run guide on My classes."""

import re
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import emails, onboarding, services
from historiography.classroom.models import InstructorRequest, InstructorRequestStatus
from historiography.classroom.services import ServiceError

from ..base import BaseTestCase
from ..factories import make_question

SIGNUP = {
    "name": "Ada Teacher",
    "email": "ada@school.example.edu",
    "institution": "Example High",
    "course": "History 10",
    "username": "ada",
    "password1": "a long unusual password 77",
    "password2": "a long unusual password 77",
}


def logs_in(client, username, password) -> bool:
    """Logs in through the login page (django-axes needs the request)."""
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def link_in(message) -> str:
    """The first path on this site in an e-mail's body."""
    return re.search(r"http://127\.0\.0\.1:8000(/\S+)", message.body).group(1)


class InstructorSignUpTests(BaseTestCase):
    def sign_up(self, **changes):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("classroom:teach-signup"), {**SIGNUP, **changes})

    def test_it_creates_an_inactive_account_and_a_request_and_sends_a_verification_link(self):
        response = self.sign_up()
        self.assertContains(response, "Check your e-mail")
        user = User.objects.get(username="ada")
        self.assertFalse(user.is_active)
        self.assertEqual((user.first_name, user.last_name, user.email), ("Ada", "Teacher", SIGNUP["email"]))
        request = user.instructor_request
        self.assertEqual(
            (request.institution, request.course, request.status), ("Example High", "History 10", "pending")
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [SIGNUP["email"]])
        self.assertIn("/accounts/verify/", mail.outbox[0].body)
        # Not yet able to log in
        self.assertFalse(logs_in(self.client, "ada", SIGNUP["password1"]))

    def test_it_refuses_an_address_with_an_account(self):
        response = self.sign_up(email="STUDENT@example.org")
        self.assertContains(response, "An account with this e-mail address exists already")
        self.assertFalse(User.objects.filter(username="ada").exists())
        self.assertEqual(mail.outbox, [])

    def test_it_shows_errors_on_junk(self):
        response = self.sign_up(email="not an address", password2="different")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(InstructorRequest.objects.exists())

    def test_verification_marks_the_address_and_leaves_approval_to_staff(self):
        self.sign_up()
        response = self.client.get(link_in(mail.outbox[0]))
        self.assertContains(response, "Address confirmed")
        self.assertContains(response, "A member of staff will look at your request")
        request = InstructorRequest.objects.get()
        self.assertIsNotNone(request.email_verified_at)
        self.assertEqual(request.status, InstructorRequestStatus.PENDING)
        self.assertFalse(User.objects.get(username="ada").is_active)
        # A second use changes nothing
        verified_at = request.email_verified_at
        self.assertEqual(self.client.get(link_in(mail.outbox[0])).status_code, 200)
        request.refresh_from_db()
        self.assertEqual(request.email_verified_at, verified_at)

    @override_settings(INSTRUCTOR_EMAIL_DOMAINS=["example.edu"])
    def test_an_allowed_domain_is_approved_once_verified(self):
        self.sign_up()
        self.assertIn("opens as soon as you confirm", mail.outbox[0].body)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.get(link_in(mail.outbox[0]))
        self.assertContains(response, "Your instructor account is ready")
        user = User.objects.get(username="ada")
        self.assertTrue(user.is_active)
        self.assertTrue(user.groups.filter(name="Instructor").exists())
        self.assertEqual(mail.outbox[1].subject, "Your instructor account is ready")

    @override_settings(INSTRUCTOR_EMAIL_DOMAINS=["example.edu"])
    def test_a_lookalike_domain_is_not_allowed(self):
        self.assertTrue(onboarding.email_domain_auto_approved("a@history.example.edu"))
        self.assertFalse(onboarding.email_domain_auto_approved("a@evilexample.edu"))
        self.assertFalse(onboarding.email_domain_auto_approved("a@example.edu.evil.com"))

    def test_bad_expired_and_forged_tokens_are_refused(self):
        self.sign_up()
        user = User.objects.get(username="ada")
        forged = signing.dumps({"user": user.pk, "email": SIGNUP["email"]}, salt="another-salt")
        other_address = emails.verification_token(user, "someone@else.example")
        for token in ["junk", forged, other_address, "x" * 500]:
            with self.subTest(token=token[:20]):
                response = self.client.get(reverse("classroom:verify-email", args=[token]))
                self.assertEqual(response.status_code, 400)
        token = emails.verification_token(user, SIGNUP["email"])
        with self.settings(), self.subTest("expired"):
            later = timezone.now() + timedelta(days=4)
            from unittest import mock

            with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
                response = self.client.get(reverse("classroom:verify-email", args=[token]))
            self.assertContains(response, "expired", status_code=400)
        self.assertIsNone(InstructorRequest.objects.get().email_verified_at)


class ApprovalTests(BaseTestCase):
    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.request = onboarding.instructor_request_create(
                username="ada",
                password="a long unusual password 77",
                name="Ada Teacher",
                institution="Example High",
                email="ada@school.example.edu",
                course="History 10",
            )
        mail.outbox.clear()
        self.admin = User.objects.create_superuser("boss", "boss@example.org", "pw")
        self.client.force_login(self.admin)

    def verify(self):
        onboarding.instructor_request_verify(token=emails.verification_token(self.request.user, self.request.email))
        self.request.refresh_from_db()

    def test_the_admin_action_activates_adds_the_role_and_writes(self):
        self.verify()
        url = reverse("admin:classroom_instructorrequest_changelist")
        self.assertContains(self.client.get(url), "Example High")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"action": "approve", "_selected_action": [self.request.pk]}, follow=True)
        self.assertContains(response, "Approved 1 request.")
        user = User.objects.get(username="ada")
        self.assertTrue(user.is_active)
        self.assertTrue(user.groups.filter(name="Instructor").exists())
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.decided_by), ("approved", self.admin))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Log in as ada", mail.outbox[0].body)
        # Approving again does nothing and writes nothing
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"action": "approve", "_selected_action": [self.request.pk]})
        self.assertEqual(len(mail.outbox), 1)
        # They can log in now
        self.client.logout()
        self.assertTrue(logs_in(self.client, "ada", "a long unusual password 77"))

    def test_an_unverified_address_is_not_approved_and_staff_are_told_why(self):
        url = reverse("admin:classroom_instructorrequest_changelist")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"action": "approve", "_selected_action": [self.request.pk]}, follow=True)
        self.assertContains(
            response,
            "Not approved: Ada Teacher has not verified ada@school.example.edu yet: it can be approved once they "
            "follow the link in the verification e-mail.",
        )
        self.assertNotContains(response, "Approved 0 requests.")
        self.request.refresh_from_db()
        self.assertEqual((self.request.status, self.request.decided_by), ("pending", None))
        user = User.objects.get(username="ada")
        self.assertFalse(user.is_active)
        self.assertFalse(user.groups.filter(name="Instructor").exists())
        self.assertEqual(mail.outbox, [])
        with self.assertRaisesMessage(ServiceError, "has not verified"):
            onboarding.instructor_request_approve(instructor_request=self.request, by=self.admin)

    def test_a_mixed_selection_approves_the_verified_and_names_the_rest(self):
        with self.captureOnCommitCallbacks(execute=True):
            other = onboarding.instructor_request_create(
                username="bo",
                password="a long unusual password 78",
                name="Bo Verified",
                institution="Example High",
                email="bo@school.example.edu",
                course="History 11",
            )
        onboarding.instructor_request_verify(token=emails.verification_token(other.user, other.email))
        url = reverse("admin:classroom_instructorrequest_changelist")
        response = self.client.post(
            url, {"action": "approve", "_selected_action": [self.request.pk, other.pk]}, follow=True
        )
        self.assertContains(response, "Approved 1 request.")
        self.assertContains(response, "Not approved: Ada Teacher has not verified")
        self.assertEqual(
            dict(InstructorRequest.objects.values_list("name", "status")),
            {"Ada Teacher": "pending", "Bo Verified": "approved"},
        )

    def test_staff_resend_the_verification_e_mail_and_approve_once_it_is_followed(self):
        url = reverse("admin:classroom_instructorrequest_changelist")
        response = self.client.post(
            url, {"action": "resend_verification", "_selected_action": [self.request.pk]}, follow=True
        )
        self.assertContains(response, "Sent the verification e-mail again to 1 unverified pending request.")
        self.assertEqual([message.to for message in mail.outbox], [["ada@school.example.edu"]])
        path = re.search(r"https?://[^/\s]+(/accounts/verify/\S+)", mail.outbox[0].body).group(1)
        self.client.get(path)
        self.request.refresh_from_db()
        self.assertTrue(self.request.is_email_verified)
        self.client.post(url, {"action": "resend_verification", "_selected_action": [self.request.pk]})
        self.assertEqual(len(mail.outbox), 1)  # verified: nothing more to send
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"action": "approve", "_selected_action": [self.request.pk]})
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "approved")

    def test_requests_are_not_added_by_hand(self):
        self.assertEqual(self.client.get(reverse("admin:classroom_instructorrequest_add")).status_code, 403)

    def test_decline_leaves_the_account_inactive(self):
        url = reverse("admin:classroom_instructorrequest_changelist")
        self.client.post(url, {"action": "decline", "_selected_action": [self.request.pk]})
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, "declined")
        self.assertFalse(User.objects.get(username="ada").is_active)
        self.assertFalse(onboarding.instructor_request_approve(instructor_request=self.request, by=self.admin))


class PasswordResetTests(BaseTestCase):
    def test_the_reset_mail_is_sent_and_its_link_sets_a_new_password(self):
        response = self.client.post(reverse("password_reset"), {"email": "student@example.org"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
        response = self.client.get(path, follow=True)
        self.assertContains(response, "new password")
        form_path = response.redirect_chain[-1][0]
        new = "another long unusual password 88"
        response = self.client.post(form_path, {"new_password1": new, "new_password2": new})
        self.assertRedirects(response, reverse("password_reset_complete"))
        self.assertTrue(logs_in(self.client, "student", new))

    def test_development_prints_mail_and_production_reads_email_url(self):
        import environ

        env = environ.Env()
        config = env.email_url_config("smtp+tls://user:secret@smtp.example.edu:587")
        self.assertEqual(config["EMAIL_BACKEND"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual(
            (config["EMAIL_HOST"], config["EMAIL_PORT"], config["EMAIL_USE_TLS"]), ("smtp.example.edu", 587, True)
        )
        self.assertEqual(
            env.email_url_config("consolemail://")["EMAIL_BACKEND"], "django.core.mail.backends.console.EmailBackend"
        )


class FirstRunGuideTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.instructor.groups.add(Group.objects.get(name="Instructor"))

    def test_it_walks_a_new_instructor_through_three_steps(self):
        self.client.force_login(self.instructor)
        url = reverse("classroom:course-list")
        # user (the session from the cache); the instructor check; courses (with taught, counts);
        # the header's unread count
        with self.assertNumQueries(4):
            response = self.client.get(url)
        self.assertContains(response, "Getting started: three steps")
        self.assertContains(response, reverse("classroom:course-create"))
        course = services.course_create(instructor=self.instructor, title="History 10")
        response = self.client.get(url)
        self.assertContains(response, course.join_code)
        self.assertContains(response, reverse("classroom:assignment-create", args=[course.pk]))
        services.course_join(student=self.student, code=course.join_code)
        question = make_question(slug="q")
        now = timezone.now()
        services.assignment_create(
            course=course,
            question=question,
            positions=question.positions.all(),
            title="First",
            opens_at=now,
            due_at=now + timedelta(days=2),
        )
        with self.assertNumQueries(4):
            response = self.client.get(url)
        self.assertNotContains(response, "Getting started")

    def test_students_see_no_guide(self):
        self.client.force_login(self.student)
        self.assertNotContains(self.client.get(reverse("classroom:course-list")), "Getting started")
