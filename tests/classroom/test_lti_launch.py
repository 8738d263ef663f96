"""LTI 1.3 login and launch, with the test suite playing the platform (lti_platform.py):
a good launch brings the user and the course in; forged, expired, replayed, wrong-audience
and unregistered-deployment launches get the clear page and change nothing."""

import time
from datetime import timedelta

import responses
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key, LtiContext, LtiDeployment, LtiMembership, LtiResourceLink, LtiUser

from historiography.classroom import services
from historiography.classroom.models import Course, Enrollment, LtiAssignmentLink, LtiCourseLink

from ..factories import make_class
from .lti_platform import (
    CLIENT_ID,
    INSTRUCTOR,
    ISS,
    KEYSET_URL,
    LINEITEM_URL,
    LTI,
    Platform,
    rsa_key,
)

TABLES = [User, LtiUser, LtiContext, LtiMembership, LtiResourceLink, LtiDeployment, Course, Enrollment, LtiCourseLink]


def counts():
    return {model.__name__: model.objects.count() for model in TABLES}


class LtiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.platform = Platform()
        cls.registration = Platform.register()

    def setUp(self):
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.mock.start()
        self.addCleanup(self.mock.stop)
        self.addCleanup(self.mock.reset)
        self.platform.serve_jwks(self.mock)


class ToolEndpointsTests(LtiTestCase):
    def test_the_jwks_publishes_the_tools_active_public_keys(self):
        Key.objects.create(public_key=Key.objects.get().public_key, private_key="x", is_active=False)
        with self.assertNumQueries(1):
            response = self.client.get(reverse("classroom:lti-jwks"))
        keys = response.json()["keys"]
        self.assertEqual([key["kid"] for key in keys], [str(Key.objects.filter(is_active=True).get())])
        self.assertEqual(keys[0]["kty"], "RSA")
        self.assertNotIn("d", keys[0])  # never the private part

    def test_the_canvas_configuration_names_the_tools_urls(self):
        with self.assertNumQueries(0):
            config = self.client.get(reverse("classroom:lti-config")).json()
        self.assertEqual(config["oidc_initiation_url"], "http://testserver/lti/login/")
        self.assertEqual(config["target_link_uri"], "http://testserver/lti/launch/")
        self.assertEqual(config["public_jwk_url"], "http://testserver/lti/jwks.json")
        self.assertIn("https://purl.imsglobal.org/spec/lti-ags/scope/score", config["scopes"])

    def test_the_setup_page_gives_moodle_its_values(self):
        with self.assertNumQueries(0):
            response = self.client.get(reverse("classroom:lti-setup"))
        self.assertContains(response, "http://testserver/lti/login/")
        self.assertContains(response, "http://testserver/lti/jwks.json")

    def test_login_initiation_redirects_to_the_platform_with_state_and_nonce(self):
        auth = self.platform.login(self.client)
        self.assertEqual(auth["client_id"], CLIENT_ID)
        self.assertEqual(auth["redirect_uri"], "http://testserver/lti/launch/")
        self.assertEqual(
            (auth["response_type"], auth["response_mode"], auth["scope"]), ("id_token", "form_post", "openid")
        )
        self.assertEqual(auth["lti_message_hint"], "message-hint")
        self.assertTrue(auth["nonce"])
        self.assertEqual(self.client.cookies[f"lti1p3-{auth['state']}"].value, auth["state"])

    def test_login_from_an_unknown_platform_gets_the_clear_page(self):
        before = counts()
        for params in ({"iss": "https://elsewhere.example"}, {"client_id": "nope"}, {"login_hint": ""}, {"iss": ""}):
            with self.subTest(params=params):
                response = self.client.get(reverse("classroom:lti-login"), {"iss": ISS, "login_hint": "h", **params})
                self.assertEqual(response.status_code, 400)
                self.assertTemplateUsed(response, "classroom/lti/launch_refused.html")
        self.assertEqual(counts(), before)


class LaunchTests(LtiTestCase):
    def test_a_learners_first_launch_creates_them_and_the_course_and_logs_them_in(self):
        response = self.platform.launch(self.client)
        course = Course.objects.get()
        self.assertRedirects(response, course.get_absolute_url(), fetch_redirect_response=False)
        user = User.objects.get()
        self.assertEqual((user.first_name, user.last_name, user.email), ("Ada", "Lovelace", "learner-1@example.edu"))
        self.assertFalse(user.has_usable_password())
        self.assertRegex(user.username, r"^ada-lovelace-[0-9a-f]{8}$")
        self.assertEqual(course.title, "Soviet History")
        self.assertTrue(Enrollment.objects.filter(course=course, student=user).exists())
        self.assertFalse(course.instructors.exists())
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertEqual(LtiUser.objects.get().auth_user, user)

    def test_an_instructors_launch_makes_them_teach_the_course(self):
        self.platform.launch(self.client, roles=[INSTRUCTOR], sub="teacher-1")
        user = User.objects.get()
        course = Course.objects.get()
        self.assertEqual(list(course.instructors.all()), [user])
        self.assertTrue(user.groups.filter(name=services.INSTRUCTOR).exists())
        self.assertFalse(Enrollment.objects.exists())

    def test_a_second_launch_finds_the_same_user_and_course(self):
        self.platform.launch(self.client)
        self.client.logout()
        self.platform.launch(self.client)
        self.assertEqual((User.objects.count(), Course.objects.count(), Enrollment.objects.count()), (1, 1, 1))

    def test_a_link_to_an_assignment_lands_on_it_and_remembers_its_gradebook_column(self):
        self.platform.launch(self.client, roles=[INSTRUCTOR], sub="teacher-1")
        teacher = User.objects.get()
        course = Course.objects.get()
        assignment, _, _ = make_class(teacher, 0, slug="lti-q", due_at=timezone.now() + timedelta(days=7))
        assignment.course = course
        assignment.save()
        ags = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"], "lineitem": LINEITEM_URL}
        response = self.platform.launch(
            self.client,
            **{
                LTI + "custom": {"assignment": str(assignment.pk)},
                "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
            },
        )
        self.assertRedirects(response, assignment.get_absolute_url(), fetch_redirect_response=False)
        link = LtiAssignmentLink.objects.get()
        self.assertEqual((link.assignment, link.lineitem_url), (assignment, LINEITEM_URL))
        self.assertEqual(link.resource_link.id_on_platform, "link-1")

    def test_a_link_to_another_courses_assignment_lands_on_the_course(self):
        teacher = User.objects.create_user("elsewhere")
        assignment, _, _ = make_class(teacher, 0, slug="other-q", due_at=timezone.now() + timedelta(days=7))
        response = self.platform.launch(self.client, **{LTI + "custom": {"assignment": str(assignment.pk)}})
        self.assertRedirects(
            response, Course.objects.get(lti_links__isnull=False).get_absolute_url(), fetch_redirect_response=False
        )
        self.assertFalse(LtiAssignmentLink.objects.exists())

    def test_a_returning_learners_launch_takes_a_fixed_number_of_queries(self):
        self.platform.launch(self.client)
        self.client.logout()
        auth = self.platform.login(self.client)
        token = self.platform.sign(self.platform.claims(auth["nonce"]))
        # Registration, key, deployment; django-lti's records of the user, context, membership
        # and link (a read and an update each); the site user, course link, role and group;
        # the session and django-axes' bookkeeping of the login.
        with self.assertNumQueries(41):
            response = self.client.post(reverse("classroom:lti-launch"), {"id_token": token, "state": auth["state"]})
        self.assertEqual(response.status_code, 302)


class RefusedLaunchTests(LtiTestCase):
    def assertRefused(self, response, reason):
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "classroom/lti/launch_refused.html")
        self.assertTemplateUsed(response, "base.html")
        self.assertContains(response, "was not accepted", status_code=400)
        self.assertContains(response, reason, status_code=400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_token_signed_with_another_key_is_refused(self):
        before = counts()
        response = self.platform.launch(self.client, key=rsa_key())
        self.assertRefused(response, "Signature verification failed")
        self.assertEqual(counts(), before)

    def test_an_expired_token_is_refused(self):
        before = counts()
        auth = self.platform.login(self.client)
        past = int(time.time()) - 3600
        claims = self.platform.claims(auth["nonce"], iat=past - 300, exp=past)
        response = self.platform.launch(self.client, claims=claims)
        self.assertRefused(response, "Signature has expired")
        self.assertEqual(counts(), before)

    def test_a_replayed_token_is_refused(self):
        first = self.platform.launch(self.client)
        self.assertEqual(first.status_code, 302)
        self.client.logout()
        before = counts()
        response = self.client.post(reverse("classroom:lti-launch"), {"id_token": first.id_token, "state": first.state})
        self.assertRefused(response, "already used")
        self.assertEqual(counts(), before)

    def test_a_token_for_another_audience_is_refused(self):
        before = counts()
        auth = self.platform.login(self.client)
        for audience in ("another-tool", ["another-tool", CLIENT_ID]):
            with self.subTest(audience=audience):
                auth = self.platform.login(self.client)
                response = self.platform.launch(self.client, claims=self.platform.claims(auth["nonce"], aud=audience))
                self.assertEqual(response.status_code, 400)
                self.assertTemplateUsed(response, "classroom/lti/launch_refused.html")
        self.assertEqual(counts(), before)

    def test_a_token_from_another_issuer_is_refused(self):
        before = counts()
        auth = self.platform.login(self.client)
        response = self.platform.launch(
            self.client, claims=self.platform.claims(auth["nonce"], iss="https://evil.example")
        )
        self.assertRefused(response, "Registration not found")
        self.assertEqual(counts(), before)

    def test_an_unregistered_or_inactive_deployment_is_refused(self):
        before = counts()
        response = self.platform.launch(self.client, **{LTI + "deployment_id": "2:unknown"})
        self.assertRefused(response, "Unable to find deployment")
        LtiDeployment.objects.update(is_active=False)
        response = self.platform.launch(self.client)
        self.assertRefused(response, "Unable to find deployment")
        self.assertEqual(counts(), before)

    def test_a_nonce_the_tool_never_issued_is_refused(self):
        self.platform.login(self.client)
        before = counts()
        response = self.platform.launch(self.client, claims=self.platform.claims("made-up-nonce"))
        self.assertRefused(response, "nonce")
        self.assertEqual(counts(), before)

    def test_a_launch_without_the_state_cookie_is_refused(self):
        auth = self.platform.login(self.client)
        self.client.cookies.clear()
        token = self.platform.sign(self.platform.claims(auth["nonce"]))
        response = self.client.post(reverse("classroom:lti-launch"), {"id_token": token, "state": auth["state"]})
        self.assertRefused(response, "State not found")

    def test_junk_is_refused_with_the_clear_page(self):
        before = counts()
        for data in ({}, {"id_token": "a.b.c", "state": "x"}, {"id_token": "x" * 5000, "state": "\u0663"}):
            with self.subTest(data=str(data)[:40]):
                response = self.client.post(reverse("classroom:lti-launch"), data)
                self.assertEqual(response.status_code, 400)
        self.assertEqual(counts(), before)

    def test_the_refused_page_takes_a_fixed_number_of_queries(self):
        auth = self.platform.login(self.client)
        token = self.platform.sign(self.platform.claims(auth["nonce"]), key=rsa_key())
        with self.assertNumQueries(2):  # the registration, and the tool's key for it
            response = self.client.post(reverse("classroom:lti-launch"), {"id_token": token, "state": auth["state"]})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(len(self.mock.calls), 1)
        self.assertEqual(self.mock.calls[0].request.url, KEYSET_URL)
