"""The management commands: the demo class `make run` creates, and create_instructor."""

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from historiography.classroom.models import Assignment, Course, SideAllocation
from historiography.models import Status

from .factories import ArgumentFactory, make_question


class LoadDemoTests(TestCase):
    def test_it_creates_a_class_ready_to_debate_and_prints_the_logins(self):
        question = make_question(slug="lenin-stalin-continuity")
        for position in question.positions.all():
            ArgumentFactory(position=position)
        out = StringIO()
        call_command("load_demo", stdout=out)

        course = Course.objects.get()
        self.assertEqual(course.instructors.get().username, "demo-instructor")
        self.assertEqual(course.enrollments.count(), 4)
        assignment = Assignment.objects.get(course=course, mode="debate")
        self.assertEqual(assignment.question, question)
        sides = SideAllocation.objects.filter(assignment=assignment)
        self.assertEqual(
            sorted(sides.values_list("student__username", flat=True)), ["demo-student-1", "demo-student-2"]
        )
        self.assertEqual(len({side.position_id for side in sides}), 2, "the two students argue opposite sides")
        self.assertTrue(assignment.is_open(timezone.now()) and not assignment.is_past_due(timezone.now()))
        self.assertTrue(User.objects.get(username="demo-student-1").check_password("debate-demo-2026"))
        self.assertTrue(User.objects.get(username="demo-editor").is_staff)
        for username in ["demo-instructor", "demo-student-1", "demo-student-2", "demo-student-4", "demo-editor"]:
            self.assertIn(username, out.getvalue())
        self.assertIn(course.join_code, out.getvalue())

        # The controversy: two a side, paired across the sides, phase 1 running.
        controversy = Assignment.objects.get(course=course, mode="controversy")
        self.assertEqual(controversy.current_phase(timezone.now()), 1)
        pairs = {}
        for allocation in SideAllocation.objects.filter(assignment=controversy).select_related("group"):
            pairs.setdefault(allocation.group.number, set()).add(allocation.position_id)
        self.assertEqual(len(pairs), 2)
        self.assertTrue(all(len(sides) == 2 for sides in pairs.values()), "each pair argued opposite sides")

    def test_it_prints_the_address_the_site_is_served_on(self):
        make_question(slug="lenin-stalin-continuity")
        out = StringIO()
        call_command("load_demo", "--site", "http://127.0.0.1:8765/", stdout=out)
        self.assertIn("Log in at http://127.0.0.1:8765/accounts/login/ with:", out.getvalue())
        self.assertNotIn(":8000", out.getvalue())

    def test_running_it_again_changes_nothing(self):
        make_question(slug="lenin-stalin-continuity")
        call_command("load_demo", stdout=StringIO())
        counts = (
            User.objects.count(),
            Course.objects.count(),
            Assignment.objects.count(),
            SideAllocation.objects.count(),
        )
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(
            (User.objects.count(), Course.objects.count(), Assignment.objects.count(), SideAllocation.objects.count()),
            counts,
        )

    def test_it_refuses_without_published_scholarship(self):
        make_question(status=Status.DRAFT)
        with self.assertRaisesMessage(CommandError, "load the dataset first"):
            call_command("load_demo", stdout=StringIO())
        self.assertFalse(User.objects.exists())


class CreateInstructorTests(TestCase):
    def test_it_creates_an_instructor_who_can_create_courses(self):
        call_command("create_instructor", "ada", "--password", "a sufficiently long password", stdout=StringIO())
        user = User.objects.get(username="ada")
        self.assertTrue(user.groups.filter(name="Instructor").exists())
        self.client.force_login(user)
        self.assertEqual(self.client.get("/classes/new/").status_code, 200)

    def test_it_rejects_a_weak_password_and_creates_nobody(self):
        with self.assertRaises(CommandError):
            call_command("create_instructor", "bob", "--password", "123", stdout=StringIO())
        self.assertFalse(User.objects.filter(username="bob").exists())

    def test_it_promotes_an_existing_user(self):
        User.objects.create_user("carol", password="x")
        call_command("create_instructor", "carol", stdout=StringIO())
        self.assertTrue(User.objects.get(username="carol").groups.filter(name="Instructor").exists())
