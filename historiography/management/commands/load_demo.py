from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from historiography import services
from historiography.models import Allocation, Assignment, Course, Question

DEMO_PASSWORD = "debate-demo-2026"
DEMO_COURSE = "Demo: The Historiography of Stalinism"
INSTRUCTOR = ("demo-instructor", "Irina", "Instructor")
STUDENTS = [("demo-student-1", "Sasha", "Student"), ("demo-student-2", "Alex", "Student")]
EDITOR = ("demo-editor", "Edith", "Editor")


class Command(BaseCommand):
    help = "Create (or reset) a demo class: an instructor, two students and an open debate assignment."

    def add_arguments(self, parser):
        parser.add_argument("--question", default="lenin-stalin-continuity", help="Slug of the question to debate.")

    @transaction.atomic
    def handle(self, question, **options):
        question = Question.objects.published().filter(slug=question).first() or Question.objects.published().first()
        if question is None:
            raise CommandError("No published question: load the dataset first (manage.py import_scholarship fixtures/stalinism.json).")
        instructor = self.user(*INSTRUCTOR, role=services.INSTRUCTOR)
        students = [self.user(*student, role=services.STUDENT) for student in STUDENTS]
        editor = self.user(*EDITOR, role=services.EDITOR, is_staff=True)

        course = Course.objects.filter(title=DEMO_COURSE, instructors=instructor).first()
        if course is None:
            course = services.course_create(instructor=instructor, title=DEMO_COURSE)
        for student in students:
            course.enrollments.get_or_create(student=student)
        now = timezone.now()
        assignment = Assignment.objects.filter(course=course, question=question).first()
        if assignment is None:
            assignment = services.assignment_create(
                course=course,
                question=question,
                positions=question.positions.all()[:2],
                title=f"Debate: {question.title}",
                instructions="Argue your side in 300–500 words. Cite at least two historians' arguments, "
                "and answer at least one from the other side.",
                evidence_minimum=2,
                opens_at=now - timedelta(hours=1),
                due_at=now + timedelta(days=14),
                allocation=Allocation.BY_HAND,
            )
            positions = list(assignment.positions.all())
            services.assignment_allocate(assignment=assignment, sides={students[0]: positions[0], students[1]: positions[1]})

        self.stdout.write(self.style.SUCCESS("Demo class ready. Log in at http://127.0.0.1:8000/accounts/login/ with:"))
        for user, what in [(instructor, "instructor"), (students[0], "student"), (students[1], "student"), (editor, "editor (admin)")]:
            self.stdout.write(f"  {what:15} {user.username:16} password: {DEMO_PASSWORD}")
        self.stdout.write(f"  course join code: {course.join_code}")

    def user(self, username, first_name, last_name, *, role, is_staff=False):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.user_add_role(user=user, role=role)
        return user
