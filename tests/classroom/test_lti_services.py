"""LTI Advantage services with the test suite as the platform: Deep Linking (the signed
response), Names and Role Provisioning (the roster) and Assignment and Grade Services (the
grade sent back; a failure recorded, the grade on the site kept)."""

import json
import re
from datetime import timedelta
from urllib.parse import parse_qs

import jwt
import responses
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key, LtiUser

from historiography.classroom import services
from historiography.classroom.lti.grades import score_of
from historiography.classroom.models import (
    Course,
    Enrollment,
    Feedback,
    GradeSyncStatus,
    LtiAssignmentLink,
    LtiGradeSync,
    Submission,
    SubmissionStatus,
)
from historiography.models import Status

from ..factories import QuestionFactory, make_class
from .lti_platform import (
    AGS_SCOPES,
    CLIENT_ID,
    DEPLOYMENT_ID,
    DL_RETURN_URL,
    INSTRUCTOR,
    ISS,
    KEYSET_URL,
    LEARNER,
    LINEITEM_URL,
    LTI,
    MEMBERSHIPS_URL,
    TOKEN_URL,
)
from .test_lti_launch import LtiTestCase

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


class LinkedCourseMixin:
    def bring_class(self):
        """An instructor launches (creating the course), an assignment is set in it, and a
        learner launches the link to it."""
        self.platform.launch(self.client, roles=[INSTRUCTOR], sub="teacher-1")
        self.teacher = User.objects.get()
        self.course = Course.objects.get()
        self.assignment, _, _ = make_class(self.teacher, 0, slug="lti-q", due_at=timezone.now() + timedelta(days=7))
        self.assignment.course = self.course
        self.assignment.save()
        self.client.logout()

    def launch_link(self, sub="learner-1", roles=(LEARNER,)):
        ags = {"scope": AGS_SCOPES, "lineitem": LINEITEM_URL, "lineitems": LINEITEM_URL.rsplit("/", 1)[0]}
        return self.platform.launch(
            self.client,
            sub=sub,
            roles=roles,
            **{
                LTI + "custom": {"assignment": str(self.assignment.pk)},
                "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
            },
        )

    def platform_calls(self):
        """The tool's calls to the platform's services (not the key set fetched at launches)."""
        return [call for call in self.mock.calls if call.request.url != KEYSET_URL]

    def tool_public_key(self):
        return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(Key.objects.get().as_jwk()))

    def assert_token_request(self, call, scopes):
        """The tool asked the platform's token endpoint for `scopes`, with a client assertion
        signed by its own key."""
        self.assertEqual(call.request.url, TOKEN_URL)
        body = {key: values[0] for key, values in parse_qs(call.request.body).items()}
        self.assertEqual(body["grant_type"], "client_credentials")
        self.assertEqual(sorted(body["scope"].split()), sorted(scopes))
        assertion = jwt.decode(
            body["client_assertion"], self.tool_public_key(), algorithms=["RS256"], audience=TOKEN_URL
        )
        self.assertEqual((assertion["iss"], assertion["sub"]), (CLIENT_ID, CLIENT_ID))


class DeepLinkingTests(LinkedCourseMixin, LtiTestCase):
    def setUp(self):
        super().setUp()
        self.bring_class()

    def pick(self):
        response = self.platform.launch(
            self.client, roles=[INSTRUCTOR], sub="teacher-1", message="LtiDeepLinkingRequest"
        )
        self.assertEqual(response.status_code, 200)
        return response

    def test_an_instructor_gets_the_picker_with_the_courses_assignments_and_the_questions(self):
        draft = QuestionFactory(status=Status.DRAFT)
        response = self.pick()
        self.assertNotContains(response, f"question:{draft.slug}")
        self.assertTemplateUsed(response, "classroom/lti/deep_link_picker.html")
        self.assertContains(response, f'value="assignment:{self.assignment.pk}"')
        self.assertContains(response, f'value="question:{self.assignment.question.slug}"')
        self.assertIn(ISS, response["Content-Security-Policy"].split("frame-ancestors")[1])
        self.assertFalse(response.has_header("X-Frame-Options"))

    def test_the_choice_comes_back_as_a_deep_linking_response_signed_by_the_tool(self):
        launch_id = re.search(r'name="launch_id" value="([^"]+)"', self.pick().content.decode())[1]
        items = [f"assignment:{self.assignment.pk}", f"question:{self.assignment.question.slug}"]
        # The launch's registration, key, deployment, context and course link, the chosen
        # assignment, its rubric, the question; the user and their unread count (the session
        # comes from the cache: cached_db, issue 16).
        with self.assertNumQueries(10):
            response = self.client.post(reverse("classroom:lti-deep-link"), {"launch_id": launch_id, "item": items})
        self.assertContains(response, f'action="{DL_RETURN_URL}"')
        self.assertIn(ISS, response["Content-Security-Policy"].split("form-action")[1].split(";")[0])
        token = re.search(r'name="JWT" value="([^"]+)"', response.content.decode())[1]
        message = jwt.decode(token, self.tool_public_key(), algorithms=["RS256"], audience=ISS)
        self.assertEqual(message["iss"], CLIENT_ID)
        self.assertEqual(message[LTI + "message_type"], "LtiDeepLinkingResponse")
        self.assertEqual(message[LTI + "deployment_id"], DEPLOYMENT_ID)
        self.assertEqual(message[DL + "data"], "platform-opaque-data")
        link, question = message[DL + "content_items"]
        self.assertEqual(link["type"], "ltiResourceLink")
        self.assertEqual(link["url"], "http://testserver/lti/launch/")
        self.assertEqual(link["custom"], {"assignment": str(self.assignment.pk)})
        self.assertEqual(link["lineItem"]["scoreMaximum"], 100)
        self.assertEqual(link["lineItem"]["resourceId"], f"assignment-{self.assignment.pk}")
        self.assertEqual(question["custom"], {"question": self.assignment.question.slug})
        self.assertEqual(jwt.get_unverified_header(token)["kid"], str(Key.objects.get()))

    def test_another_courses_assignment_or_a_stale_launch_is_refused(self):
        other, _, _ = make_class(self.teacher, 0, slug="else-q", due_at=timezone.now() + timedelta(days=7))
        launch_id = re.search(r'name="launch_id" value="([^"]+)"', self.pick().content.decode())[1]
        for data in (
            {"launch_id": launch_id, "item": f"assignment:{other.pk}"},
            {"launch_id": launch_id, "item": "assignment:99999999999999999999"},
            {"launch_id": launch_id},
            {"launch_id": "lti1p3-launch-unknown", "item": f"assignment:{self.assignment.pk}"},
            {"launch_id": "x" * 500, "item": "question:x"},
        ):
            with self.subTest(data=data):
                response = self.client.post(reverse("classroom:lti-deep-link"), data)
                self.assertEqual(response.status_code, 400)
                self.assertTemplateUsed(response, "classroom/lti/launch_refused.html")

    def test_a_learner_cannot_deep_link(self):
        before = User.objects.count()
        response = self.platform.launch(self.client, message="LtiDeepLinkingRequest")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Only a course", status_code=400)
        self.assertEqual(User.objects.count(), before)


class RosterTests(LinkedCourseMixin, LtiTestCase):
    def setUp(self):
        super().setUp()
        self.bring_class()
        self.mock.add(responses.POST, TOKEN_URL, json={"access_token": "platform-token", "expires_in": 3600})
        members = [
            {"user_id": "teacher-1", "roles": [INSTRUCTOR], "status": "Active", "name": "T"},
            {"user_id": "learner-2", "roles": [LEARNER], "given_name": "Grace", "family_name": "Hopper"},
            {"user_id": "learner-3", "roles": [LEARNER], "status": "Inactive"},
            {"user_id": None, "roles": [LEARNER]},
        ]
        self.mock.add(responses.GET, MEMBERSHIPS_URL, json={"id": MEMBERSHIPS_URL, "members": members})

    def test_the_roster_button_fills_the_course_from_the_platform(self):
        self.client.force_login(self.teacher)
        response = self.client.post(reverse("classroom:course-platform", args=[self.course.pk]), {"action": "roster"})
        self.assertRedirects(response, reverse("classroom:course-platform", args=[self.course.pk]))
        token_call, members_call = self.platform_calls()
        self.assert_token_request(token_call, [NRPS_SCOPE])
        self.assertEqual(members_call.request.headers["Authorization"], "Bearer platform-token")
        self.assertIn(
            "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", members_call.request.headers["Accept"]
        )
        grace = LtiUser.objects.get(sub="learner-2").auth_user
        self.assertEqual((grace.first_name, grace.last_name), ("Grace", "Hopper"))
        self.assertEqual([e.student for e in Enrollment.objects.filter(course=self.course)], [grace])
        self.assertEqual(list(self.course.instructors.all()), [self.teacher])
        self.assertFalse(LtiUser.objects.get(sub="learner-3").auth_user)  # inactive: not placed

    def test_a_platform_error_is_shown_and_nothing_changes(self):
        self.mock.replace(responses.GET, MEMBERSHIPS_URL, status=403, json={"error": "scope not granted"})
        self.client.force_login(self.teacher)
        before = (User.objects.count(), Enrollment.objects.count(), LtiUser.objects.count())
        response = self.client.post(
            reverse("classroom:course-platform", args=[self.course.pk]), {"action": "roster"}, follow=True
        )
        self.assertContains(response, "could not be read")
        self.assertEqual((User.objects.count(), Enrollment.objects.count(), LtiUser.objects.count()), before)

    def test_the_command_reads_every_linked_course(self):
        from django.core.management import call_command

        call_command("lti_roster", verbosity=0)
        self.assertEqual(Enrollment.objects.filter(course=self.course).count(), 1)


class GradePassbackTests(LinkedCourseMixin, LtiTestCase):
    def setUp(self):
        super().setUp()
        self.bring_class()
        self.launch_link()
        self.student = LtiUser.objects.get(sub="learner-1").auth_user
        self.submission = Submission.objects.create(
            assignment=self.assignment,
            student=self.student,
            position=self.assignment.positions.first(),
            status=SubmissionStatus.SUBMITTED,
        )
        self.mock.add(responses.POST, TOKEN_URL, json={"access_token": "platform-token", "expires_in": 3600})

    def grade(self, grade):
        with self.captureOnCommitCallbacks(execute=True):
            services.feedback_grade(
                submission=self.submission, author=self.teacher, comment="Well argued.", grade=grade, release=True
            )

    def test_a_returned_grade_is_sent_to_the_platforms_line_item(self):
        self.mock.add(responses.POST, LINEITEM_URL + "/scores", status=200, json={})
        self.grade("72")
        token_call, score_call = self.platform_calls()
        self.assert_token_request(token_call, AGS_SCOPES)
        self.assertEqual(score_call.request.headers["Content-Type"], "application/vnd.ims.lis.v1.score+json")
        self.assertEqual(score_call.request.headers["Authorization"], "Bearer platform-token")
        score = json.loads(score_call.request.body)
        self.assertEqual((score["scoreGiven"], score["scoreMaximum"]), (72, 100))
        self.assertEqual((score["userId"], score["gradingProgress"]), ("learner-1", "FullyGraded"))
        self.assertEqual(score["comment"], "Well argued.")
        sync = LtiGradeSync.objects.get()
        self.assertEqual((sync.status, sync.attempts, sync.student), (GradeSyncStatus.SENT, 1, self.student))

    def test_a_held_grade_is_not_sent(self):
        services.feedback_grade(submission=self.submission, author=self.teacher, comment="", grade="5", release=False)
        self.assertFalse(LtiGradeSync.objects.exists())
        self.assertEqual(self.platform_calls(), [])

    def test_a_platform_failure_is_recorded_and_the_grade_is_kept(self):
        self.mock.add(responses.POST, LINEITEM_URL + "/scores", status=500, body="gradebook down")
        self.grade("7/8")
        self.assertEqual(Feedback.objects.get().grade, "7/8")
        sync = LtiGradeSync.objects.get()
        self.assertEqual(sync.status, GradeSyncStatus.FAILED)
        self.assertIn("500", sync.error)
        self.assertIn("gradebook down", sync.error)
        self.client.force_login(self.teacher)
        # User, course, teaching check, unread count, the links, the grades sent (the session
        # comes from the cache: cached_db, issue 16).
        with self.assertNumQueries(6):
            page = self.client.get(reverse("classroom:course-platform", args=[self.course.pk]))
        self.assertContains(page, "gradebook down")
        # Sent again once the platform is back.
        self.mock.replace(responses.POST, LINEITEM_URL + "/scores", status=200, json={})
        self.client.post(reverse("classroom:course-platform", args=[self.course.pk]), {"action": "resend"})
        sync.refresh_from_db()
        self.assertEqual((sync.status, sync.attempts, sync.error), (GradeSyncStatus.SENT, 2, ""))
        self.assertEqual(json.loads(self.mock.calls[-1].request.body)["scoreGiven"], 7)

    def test_a_letter_grade_is_recorded_as_not_sendable_without_calling_the_platform(self):
        self.grade("B+")
        sync = LtiGradeSync.objects.get()
        self.assertEqual((sync.status, sync.score_given), (GradeSyncStatus.FAILED, None))
        self.assertIn("B+", sync.error)
        self.assertEqual(self.platform_calls(), [])

    def test_released_in_bulk_grades_are_sent_too(self):
        self.mock.add(responses.POST, LINEITEM_URL + "/scores", status=200, json={})
        services.feedback_grade(submission=self.submission, author=self.teacher, comment="", grade="64", release=False)
        with self.captureOnCommitCallbacks(execute=True):
            services.feedback_release(assignment=self.assignment)
        self.assertEqual(LtiGradeSync.objects.get().status, GradeSyncStatus.SENT)
        self.assertEqual(json.loads(self.mock.calls[-1].request.body)["scoreGiven"], 64)

    def test_grades_are_read_as_numbers_only_when_they_are(self):
        cases = {
            "7/8": (7, 8),
            "72": (72, 100),
            " 3.5 / 4 ": (3.5, 4),
            "80%": (80, 100),
            "B+": None,
            "1/0": None,
            "": None,
        }
        for grade, score in cases.items():
            with self.subTest(grade=grade):
                self.assertEqual(score_of(grade), score)
        self.assertTrue(LtiAssignmentLink.objects.filter(lineitem_url=LINEITEM_URL).exists())
