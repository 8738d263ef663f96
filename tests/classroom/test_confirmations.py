"""Issue 13: every destructive instructor action asks first, saying what will happen and
to whom; random allocation deals only the students without a side unless asked."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Assignment, Enrollment, SideAllocation

from .test_classroom import ClassroomTestCase


class ConfirmationTests(ClassroomTestCase):
    def setUp(self):
        self.client.force_login(self.instructor)

    def test_removing_a_student_asks_first_and_names_what_happens(self):
        url = reverse("classroom:course-update", args=[self.course.pk])
        response = self.client.post(url, {"action": "remove", "student": self.student.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Remove student from “History 201”?")
        self.assertContains(response, "They lose their side in 1 assignment")
        self.assertContains(response, 'name="confirm" value="yes"')
        self.assertTrue(Enrollment.objects.filter(course=self.course, student=self.student).exists())
        response = self.client.post(url, {"action": "remove", "student": self.student.pk, "confirm": "yes"})
        self.assertRedirects(response, self.course.get_absolute_url())
        self.assertFalse(Enrollment.objects.filter(course=self.course, student=self.student).exists())

    def test_removing_a_student_of_another_course_is_a_404(self):
        outsider = User.objects.create_user("outsider")
        response = self.client.post(
            reverse("classroom:course-update", args=[self.course.pk]), {"action": "remove", "student": outsider.pk}
        )
        self.assertEqual(response.status_code, 404)

    def test_ending_the_assignment_asks_first_and_lists_who_has_not_submitted(self):
        url = reverse("classroom:assignment-end-phase", args=[self.assignment.pk])
        due = self.assignment.due_at
        response = self.client.post(url)
        self.assertContains(response, "End “Famine debate” now?")
        self.assertContains(response, "2 students have not submitted")
        self.assertContains(response, "Their drafts become read-only.")
        self.assertEqual(Assignment.objects.get(pk=self.assignment.pk).due_at, due)
        self.client.post(url, {"confirm": "yes"})
        self.assertLess(Assignment.objects.get(pk=self.assignment.pk).due_at, timezone.now() + timedelta(seconds=1))

    def test_random_allocation_deals_only_students_without_a_side(self):
        late = User.objects.create_user("late", first_name="Late", last_name="Joiner")
        services.course_join(student=late, code=self.course.join_code)
        before = dict(SideAllocation.objects.filter(assignment=self.assignment).values_list("student", "position"))
        url = reverse("classroom:assignment-allocate", args=[self.assignment.pk])
        response = self.client.post(url, {"method": "balanced"})
        self.assertContains(response, "1 student will get a side at random")
        self.assertContains(response, "Late Joiner")
        self.assertContains(response, "The 2 students who already have a side keep it")
        self.assertFalse(SideAllocation.objects.filter(student=late).exists())
        self.client.post(url, {"method": "balanced", "confirm": "yes"})
        after = dict(SideAllocation.objects.filter(assignment=self.assignment).values_list("student", "position"))
        self.assertEqual({k: v for k, v in after.items() if k != late.pk}, before)
        self.assertIn(after[late.pk], {self.side_a.pk, self.side_b.pk})

    def test_re_dealing_everyone_is_asked_for_and_warns_about_started_cases(self):
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        services.submission_save(submission=submission, version=1, statement="Begun", comments={}, removed=set())
        url = reverse("classroom:assignment-allocate", args=[self.assignment.pk])
        response = self.client.post(url, {"method": "balanced", "redeal": "all"})
        self.assertContains(response, "Re-deal every side at random?")
        self.assertContains(response, "2 students will get a side at random")
        self.assertContains(response, "1 of them has started a case")
        self.assertContains(response, 'name="redeal" value="all"')
        response = self.client.post(url, {"method": "balanced", "redeal": "all", "confirm": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(SideAllocation.objects.filter(assignment=self.assignment).count(), 2)

    def test_late_joiners_even_out_the_sides(self):
        students = [User.objects.create_user(f"new{n}") for n in range(4)]
        for student in students:
            services.course_join(student=student, code=self.course.join_code)
        SideAllocation.objects.filter(assignment=self.assignment, student=self.other_student).update(
            position=self.side_a
        )  # two on side A, none on side B
        self.client.post(
            reverse("classroom:assignment-allocate", args=[self.assignment.pk]),
            {"method": "balanced", "confirm": "yes"},
        )
        counts = [
            SideAllocation.objects.filter(assignment=self.assignment, position=side).count()
            for side in (self.side_a, self.side_b)
        ]
        self.assertEqual(counts, [3, 3])
