"""The access helper says beside the object whether the user teaches it, and the pages show
instructors' and students' parts by that flag, never by an attribute stamped on a model."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import access, services
from historiography.classroom.models import Assignment

from .test_classroom import ClassroomTestCase


class AccessTests(ClassroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        submission = services.submission_start(assignment=cls.assignment, student=cls.student)
        for argument in cls.arguments_a:
            services.submission_cite(submission=submission, argument=argument)
        submission = services.submission_save(
            submission=submission, version=submission.version, statement="one two three", comments={}, removed=set()
        )
        cls.submission = services.submission_submit(submission=submission)

    def test_it_says_whether_the_user_teaches_the_assignment(self):
        found = access.get_assignment_access(self.instructor, self.assignment.pk)
        self.assertEqual((found.assignment, found.teaches), (self.assignment, True))
        found = access.get_assignment_access(self.student, self.assignment.pk)
        self.assertEqual((found.assignment, found.teaches), (self.assignment, False))
        self.assertFalse(hasattr(found.assignment, "user_teaches"))
        with self.assertRaises(Http404):
            access.get_assignment_access(self.other_instructor, self.assignment.pk)

    def test_it_keeps_a_student_from_what_only_instructors_do(self):
        self.assertEqual(access.get_assignment(self.instructor, self.assignment.pk, teaching=True), self.assignment)
        with self.assertRaises(PermissionDenied):
            access.get_assignment(self.student, self.assignment.pk, teaching=True)

    def test_it_says_whether_the_user_teaches_the_submission(self):
        found = access.get_submission_access(self.instructor, self.submission.pk)
        self.assertEqual((found.submission, found.teaches), (self.submission, True))
        found = access.get_submission_access(self.student, self.submission.pk)
        self.assertEqual((found.submission, found.teaches), (self.submission, False))
        self.assertFalse(hasattr(found.submission, "user_teaches"))
        with self.assertRaises(Http404):
            access.get_submission_access(self.other_student, self.submission.pk)

    def test_the_board_shows_the_instructor_the_grades_and_feedback_links(self):
        self.client.force_login(self.instructor)
        response = self.client.get(reverse("classroom:assignment-board", args=[self.assignment.pk]))
        self.assertIs(response.context["teaches"], True)
        self.assertContains(response, "Download grades (CSV)")
        self.assertContains(response, "and give feedback")
        self.assertNotContains(response, "Submitted cases only")

    def test_the_board_shows_a_classmate_the_cases_without_them(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(
            peer_visibility="after_deadline",
            opens_at=timezone.now() - timedelta(days=3),
            due_at=timezone.now() - timedelta(days=1),
        )
        self.client.force_login(self.other_student)
        response = self.client.get(reverse("classroom:assignment-board", args=[self.assignment.pk]))
        self.assertIs(response.context["teaches"], False)
        self.assertContains(response, "Submitted cases only")
        self.assertContains(response, '<div class="statement"><p>one two three</p></div>', html=True)
        self.assertNotContains(response, "Download grades (CSV)")
        self.assertNotContains(response, "and give feedback")

    def test_a_submission_leads_only_its_instructor_back_to_the_board(self):
        board = reverse("classroom:assignment-board-phase", args=[self.assignment.pk, self.submission.phase])
        self.client.force_login(self.instructor)
        response = self.client.get(self.submission.get_absolute_url())
        self.assertIs(response.context["teaches"], True)
        self.assertContains(response, f'href="{board}"')
        self.client.force_login(self.student)
        response = self.client.get(self.submission.get_absolute_url())
        self.assertIs(response.context["teaches"], False)
        self.assertNotContains(response, f'href="{board}"')
