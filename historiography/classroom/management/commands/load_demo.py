from datetime import timedelta

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Allocation, Assignment, AssignmentMode, Course, PeerVisibility
from historiography.models import Question

DEMO_PASSWORD = "debate-demo-2026"
DEMO_COURSE = "Demo: The Historiography of Stalinism"
INSTRUCTOR = ("demo-instructor", "Irina", "Instructor")
STUDENTS = [
    ("demo-student-1", "Sasha", "Student"),
    ("demo-student-2", "Alex", "Student"),
    ("demo-student-3", "Maya", "Student"),
    ("demo-student-4", "Jonah", "Student"),
]
EDITOR = ("demo-editor", "Edith", "Editor")


class Command(BaseCommand):
    help = (
        "Create a demo class (kept as it is when it exists): an instructor, four students, an open debate and a "
        "three-phase Structured Academic Controversy with its pairs formed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--question", default="lenin-stalin-continuity", help="Slug of the question to debate.")
        parser.add_argument(
            "--controversy-question", default="famine-genocide", help="Slug of the question of the controversy."
        )
        parser.add_argument(
            "--site", default="http://127.0.0.1:8000", help="Where the site is served, for the login address printed."
        )

    @transaction.atomic
    def handle(self, question, controversy_question, site, **options):
        question = Question.objects.published().filter(slug=question).first() or Question.objects.published().first()
        controversy_question = Question.objects.published().filter(slug=controversy_question).first() or question
        if question is None:
            raise CommandError(
                "No published question: load the dataset first (manage.py import_scholarship fixtures/stalinism.json)."
            )
        instructor = self.user(*INSTRUCTOR, role=services.INSTRUCTOR)
        students = [self.user(*student, role=services.STUDENT) for student in STUDENTS]
        editor = self.user(*EDITOR, role=services.EDITOR, is_staff=True)

        course = Course.objects.filter(title=DEMO_COURSE, instructors=instructor).first()
        if course is None:
            course = services.course_create(instructor=instructor, title=DEMO_COURSE)
        for student in students:
            course.enrollments.get_or_create(student=student)
        now = timezone.now()
        assignment = Assignment.objects.filter(course=course, mode=AssignmentMode.DEBATE).first()
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
            services.assignment_allocate(
                assignment=assignment, sides={students[0]: positions[0], students[1]: positions[1]}
            )
        if not Assignment.objects.filter(course=course, mode=AssignmentMode.CONTROVERSY).exists():
            self.controversy(course, controversy_question, students, now)

        self.stdout.write(self.style.SUCCESS(f"Demo class ready. Log in at {site.rstrip('/')}/accounts/login/ with:"))
        for user, what in [
            (instructor, "instructor"),
            *[(student, "student") for student in students],
            (editor, "editor (admin)"),
        ]:
            self.stdout.write(f"  {what:15} {user.username:16} password: {DEMO_PASSWORD}")
        self.stdout.write(f"  course join code: {course.join_code}")
        self.stdout.write(
            "  The controversy runs in three phases a week apart; as the instructor, "
            "“End phase 1 now” on its page moves the class on."
        )

    def controversy(self, course, question, students, now):
        """Students 1 and 3 argue the first side, 2 and 4 the second; pairs (1, 2) and (3, 4)."""
        assignment = services.assignment_create(
            course=course,
            question=question,
            positions=question.positions.all()[:2],
            title=f"Controversy: {question.title}",
            instructions="Phase 1: argue your side with at least two arguments. Phase 2: swap, and argue the side your "
            "partner argued, from their case. Phase 3: drop the roles "
            "and write one consensus together, citing both sides.",
            mode=AssignmentMode.CONTROVERSY,
            evidence_minimum=2,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=7),
            swap_due_at=now + timedelta(days=14),
            consensus_due_at=now + timedelta(days=21),
            allocation=Allocation.BY_HAND,
            peer_visibility=PeerVisibility.AFTER_SUBMITTING,
        )
        first, second = list(assignment.positions.all())[:2]
        services.assignment_allocate(
            assignment=assignment, sides={s: (first if n % 2 == 0 else second) for n, s in enumerate(students)}
        )
        services.groups_set(assignment=assignment, numbers={s.pk: 1 + n // 2 for n, s in enumerate(students)})

    def user(self, username, first_name, last_name, *, role, is_staff=False):
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        services.user_add_role(user=user, role=role)
        return user
