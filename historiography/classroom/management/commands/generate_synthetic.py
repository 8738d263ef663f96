"""A large synthetic scholarship and classroom, for load tests, benchmarks and query plans.

Everything it writes is marked as synthetic (topic and course titles start "Synthetic —",
slugs "synthetic-", arguments' source document is "synthetic", usernames "synth-"), and it
refuses to run on a database that holds real scholarship, so the two never mix.
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag
from tqdm import tqdm

from historiography.classroom import services
from historiography.classroom.models import (
    Allocation,
    Assignment,
    Citation,
    Course,
    Enrollment,
    Feedback,
    SideAllocation,
    Submission,
    SubmissionStatus,
)
from historiography.classroom.synthetic_scholarship import ScholarshipWriter
from historiography.classroom.synthetic_vocabulary import (
    FIRST_NAMES,
    GRADES,
    SLUG_PREFIX,
    SURNAME_HEADS,
    SURNAME_TAILS,
    TITLE_PREFIX,
    TOPICS,
)
from historiography.models import (
    Argument,
    ArgumentRelation,
    Estimate,
    Historian,
    Position,
    Question,
    School,
    Source,
    TaggedArgument,
    Topic,
    Work,
)

USERNAME_PREFIX = "synth-"
DEFAULT_PASSWORD = "synthetic-debate-2026"

# Counts at --scale 1; an explicit option wins over the scale.
DEFAULTS = {
    "topics": 20,
    "schools": 60,
    "questions": 400,
    "historians": 5000,
    "works": 12000,
    "arguments": 100000,
    "relations": 20000,
    "estimates": 1000,
    "courses": 200,
    "instructors": 120,
    "students": 6000,
}
# The least that still makes a coherent dataset, whatever the scale.
MINIMUMS = {
    "topics": 1,
    "schools": 2,
    "questions": 1,
    "historians": 2,
    "works": 1,
    "arguments": 2,
    "courses": 1,
    "instructors": 1,
    "students": 2,
}

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def non_synthetic_scholarship():
    """The name of the first kind of real (non-synthetic) scholarship found, or None."""
    for model in (Topic, School, Historian, Work, Source, Question, Argument, Estimate):
        if model.objects.exclude(slug__startswith=SLUG_PREFIX).exists():
            return model._meta.verbose_name_plural
    return None


def synthetic_exists():
    return (
        Topic.objects.filter(slug__startswith=SLUG_PREFIX).exists()
        or User.objects.filter(username__startswith=USERNAME_PREFIX).exists()
        or Course.objects.filter(title__startswith=TITLE_PREFIX).exists()
    )


def delete_rows(queryset):
    """One DELETE for the queryset's rows. QuerySet.delete() would first load every row
    and look up its dependents with an IN list of 100,000 ids; flush_synthetic deletes
    the dependents first, so there are none to look for."""
    model = queryset.model
    quote = connection.ops.quote_name
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({sql})", params
        )
        return cursor.rowcount


def flush_synthetic():
    """Deletes a previous synthetic run, dependents first. The big tables without
    dependents of their own go in one statement each; the rest through Django, which
    also clears what other parts of the project may have attached (groups, admin log)."""
    courses = Course.objects.filter(title__startswith=TITLE_PREFIX)
    arguments = Argument.objects.filter(slug__startswith=SLUG_PREFIX)
    steps = [
        Feedback.objects.filter(submission__assignment__course__in=courses),
        Citation.objects.filter(submission__assignment__course__in=courses),
        Submission.objects.filter(assignment__course__in=courses),
        SideAllocation.objects.filter(assignment__course__in=courses),
        Assignment.positions.through.objects.filter(assignment__course__in=courses),
        Assignment.objects.filter(course__in=courses),
        Enrollment.objects.filter(course__in=courses),
        Course.instructors.through.objects.filter(course__in=courses),
        courses,
        User.groups.through.objects.filter(user__username__startswith=USERNAME_PREFIX),
        User.objects.filter(username__startswith=USERNAME_PREFIX),
        TaggedArgument.objects.filter(content_object__in=arguments),
        ArgumentRelation.objects.filter(source__in=arguments),
        arguments,
        Argument.examples.through.objects.filter(argument__in=arguments),
        Estimate.objects.filter(slug__startswith=SLUG_PREFIX),
        Source.objects.filter(slug__startswith=SLUG_PREFIX),
        Position.objects.filter(question__slug__startswith=SLUG_PREFIX),
        Question.objects.filter(slug__startswith=SLUG_PREFIX),
        Topic.objects.filter(slug__startswith=SLUG_PREFIX),
        Work.authors.through.objects.filter(work__slug__startswith=SLUG_PREFIX),
        Work.objects.filter(slug__startswith=SLUG_PREFIX),
        Historian.schools.through.objects.filter(historian__slug__startswith=SLUG_PREFIX),
        Historian.objects.filter(slug__startswith=SLUG_PREFIX),
        School.objects.filter(slug__startswith=SLUG_PREFIX),
        Tag.objects.filter(slug__startswith=SLUG_PREFIX),
    ]
    deleted = 0
    for queryset in steps:
        if queryset.model in (Citation, SideAllocation, TaggedArgument, ArgumentRelation, Argument):
            deleted += delete_rows(queryset)
        else:
            deleted += queryset.delete()[0]
    return deleted


# Estimate bases by slug; a synthetic topic defines none, so the chart names them by slug.


class Command(ScholarshipWriter, BaseCommand):
    help = (
        "Fill the database with a large synthetic scholarship and classroom (by default 20 topics, 400 questions, "
        "5,000 historians, 100,000 arguments, 200 courses with 6,000 students), clearly marked as synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every default count (e.g. 0.01 for tests)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same content.")
        parser.add_argument("--flush", action="store_true", help="Delete a previous synthetic run first.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password of every synthetic user.")
        parser.add_argument("--assignments-per-course", type=int, default=3)
        for name, default in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, help=f"How many {name} (default {default:,} × scale).")

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        self.batch_size = options["batch_size"]
        self.progress = options["verbosity"] >= 1
        self.counts = {
            name: options[name]
            if options[name] is not None
            else max(MINIMUMS.get(name, 0), round(default * options["scale"]))
            for name, default in DEFAULTS.items()
        }
        self.counts["questions"] = max(self.counts["questions"], self.counts["topics"])
        self.assignments_per_course = options["assignments_per_course"]
        self.timings = {}

        real = non_synthetic_scholarship()
        if real:
            raise CommandError(
                f"This database holds real scholarship ({real} not marked synthetic). Synthetic data is never mixed "
                "into a real dataset: run generate_synthetic on an empty database of its own."
            )
        started = time.perf_counter()
        with transaction.atomic():
            if synthetic_exists():
                if not options["flush"]:
                    raise CommandError("A synthetic dataset is already here: add --flush to replace it.")
                with self.phase("flush"):
                    deleted = flush_synthetic()
                self.log(f"Deleted {deleted:,} rows of the previous synthetic run.")
            self.generate(options["password"])
        total = time.perf_counter() - started

        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Synthetic dataset ready in {total:.1f} s ({connection.vendor})."))
            for name, seconds in self.timings.items():
                self.stdout.write(f"  {name:22} {seconds:7.1f} s")
            self.stdout.write(
                f"  Users {USERNAME_PREFIX}instructor-1…, {USERNAME_PREFIX}student-1…, password: {options['password']}"
            )

    def log(self, message):
        if self.progress:
            self.stdout.write(message)

    @contextmanager
    def phase(self, name):
        started = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - started

    def insert(self, model, rows, total, keep=None):
        """bulk_create `rows` (any iterable, consumed lazily) in batches under a progress
        bar. Returns keep(obj) for each row created, so 100,000 instances needn't stay in memory."""
        kept = []
        rows = iter(rows)
        with tqdm(
            total=total, desc=model._meta.verbose_name_plural, unit=" rows", disable=not self.progress, leave=True
        ) as bar:
            while batch := list(islice(rows, self.batch_size)):
                created = model.objects.bulk_create(batch)
                kept.extend(map(keep, created) if keep else created)
                bar.update(len(batch))
        return kept

    # --- Generation ----------------------------------------------------------------------

    def generate(self, password):
        with self.phase("scholarship: people"):
            schools = self.make_schools()
            historians = self.make_historians(schools)
            works_by_author = self.make_works(historians)
        with self.phase("scholarship: questions"):
            topics = self.make_topics()
            questions, positions_by_question, subject_of = self.make_questions(topics)
        with self.phase("arguments"):
            self.source = self.make_source()
            arguments_by_question = self.make_arguments(historians, works_by_author, positions_by_question, subject_of)
        with self.phase("tags and relations"):
            self.make_tags(arguments_by_question)
            self.make_relations(arguments_by_question)
            self.make_estimates(questions, historians, works_by_author)
        with self.phase("users"):
            instructors, students = self.make_users(password)
        with self.phase("courses and allocations"):
            assignments = self.make_courses(instructors, students, questions, positions_by_question)
        with self.phase("submissions"):
            self.make_submissions(assignments, arguments_by_question)

    def make_users(self, password):
        rng = self.rng
        # One hash for every user: hashing 6,000 passwords would take minutes.
        hashed = make_password(password)

        def rows(kind, n):
            for i in range(1, n + 1):
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
                username = f"{USERNAME_PREFIX}{kind}-{i}"
                yield User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=hashed,
                )

        instructors = self.insert(
            User, rows("instructor", self.counts["instructors"]), self.counts["instructors"], keep=lambda u: u.pk
        )
        students = self.insert(
            User, rows("student", self.counts["students"]), self.counts["students"], keep=lambda u: u.pk
        )
        Membership = User.groups.through
        groups = {
            group.name: group.pk for group in Group.objects.filter(name__in=[services.INSTRUCTOR, services.STUDENT])
        }
        if len(groups) < 2:
            raise CommandError("The Instructor and Student groups are missing: run manage.py migrate first.")
        memberships = [Membership(user_id=pk, group_id=groups[services.INSTRUCTOR]) for pk in instructors] + [
            Membership(user_id=pk, group_id=groups[services.STUDENT]) for pk in students
        ]
        self.insert(Membership, memberships, len(memberships))
        return instructors, students

    def make_courses(self, instructors, students, questions, positions_by_question):
        rng, n = self.rng, self.counts["courses"]
        codes = set(Course.objects.values_list("join_code", flat=True))
        new_codes = []
        while len(new_codes) < n:
            code = "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(8))
            if code not in codes:
                codes.add(code)
                new_codes.append(code)
        courses = self.insert(
            Course,
            (
                Course(title=f"{TITLE_PREFIX}HIST {1000 + i}: {TOPICS[i % len(TOPICS)].capitalize()}", join_code=code)
                for i, code in enumerate(new_codes)
            ),
            n,
            keep=lambda c: c.pk,
        )
        Teaching = Course.instructors.through
        teachers = {course: [instructors[i % len(instructors)]] for i, course in enumerate(courses)}
        for course in courses:
            if rng.random() < 0.2:
                teachers[course] = sorted({*teachers[course], rng.choice(instructors)})
        self.insert(Teaching, (Teaching(course_id=c, user_id=u) for c, us in teachers.items() for u in us), None)

        # Every student in one course, a fifth of them in a second.
        roster = {course: [] for course in courses}
        for i, student in enumerate(students):
            roster[courses[i % n]].append(student)
            if rng.random() < 0.2:
                other = rng.choice(courses)
                if student not in roster[other]:
                    roster[other].append(student)
        self.insert(Enrollment, (Enrollment(course_id=c, student_id=s) for c, ss in roster.items() for s in ss), None)

        now = timezone.now()
        windows = {  # (opens, due) relative to now: closed, open, not yet open
            "past": (timedelta(days=-60), timedelta(days=-30)),
            "open": (timedelta(days=-7), timedelta(days=14)),
            "future": (timedelta(days=7), timedelta(days=30)),
        }
        plans = []
        for course in courses:
            for k in range(self.assignments_per_course):
                question = rng.choice(questions)
                sides = positions_by_question[question]
                in_play = sides if len(sides) <= 3 else rng.sample(sides, 2)
                when = ["past", "open", "future"][k % 3]
                plans.append((course, question, in_play, when))
        assignments = self.insert(
            Assignment,
            (
                Assignment(
                    course_id=course,
                    question_id=question,
                    title=f"{TITLE_PREFIX}debate {i + 1}",
                    instructions="Argue your side in 300–500 words, citing the historians' arguments.",
                    evidence_minimum=rng.choice([2, 3]),
                    opens_at=now + windows[when][0],
                    due_at=now + windows[when][1],
                    accept_late=rng.random() < 0.3,
                    allocation=rng.choice(
                        [Allocation.BALANCED, Allocation.BALANCED, Allocation.BY_HAND, Allocation.STUDENT_CHOICE]
                    ),
                )
                for i, (course, question, in_play, when) in enumerate(plans)
            ),
            len(plans),
        )
        Sides = Assignment.positions.through
        self.insert(
            Sides,
            (Sides(assignment_id=a.pk, position_id=p) for a, plan in zip(assignments, plans) for p in plan[2]),
            None,
        )

        # Who argues which side: balanced at random as the service deals them; when
        # students choose, a few have not chosen yet.
        allocated = []
        for assignment, (course, question, in_play, when) in zip(assignments, plans):
            students_here = roster[course]
            if assignment.allocation == Allocation.STUDENT_CHOICE:
                sides = {s: rng.choice(in_play) for s in students_here if rng.random() < 0.8}
            else:
                sides = services.balanced_sides(students_here, in_play, rng)
            allocated.append((assignment, when, teachers[course], sorted(sides.items())))
        self.insert(
            SideAllocation,
            (
                SideAllocation(assignment_id=assignment.pk, student_id=student, position_id=position)
                for assignment, _, _, sides in allocated
                for student, position in sides
            ),
            sum(len(sides) for *_, sides in allocated),
        )
        return allocated

    def make_submissions(self, allocated, arguments_by_question):
        rng = self.rng
        now = timezone.now()
        plans = []  # (submission, question, its instructors)

        def rows():
            for assignment, when, teachers, sides in allocated:
                if when == "future":
                    continue
                for student, position in sides:
                    if rng.random() < 0.25:
                        continue  # never started
                    submitted = rng.random() < (0.85 if when == "past" else 0.4)
                    submitted_at = None
                    if submitted:
                        submitted_at = min(now, assignment.due_at - timedelta(hours=rng.randrange(-12, 240)))
                    statement = " ".join(f"{self.sentence()}." for _ in range(rng.randrange(3, 12)))
                    submission = Submission(
                        assignment_id=assignment.pk,
                        student_id=student,
                        position_id=position,
                        statement=statement,
                        status=SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT,
                        is_late=bool(submitted_at and submitted_at > assignment.due_at),
                        version=rng.randrange(1, 8),
                        submitted_at=submitted_at,
                    )
                    plans.append((assignment.question_id, teachers, when))
                    yield submission

        submissions = self.insert(Submission, rows(), None, keep=lambda s: (s.pk, s.status))

        def citation_rows():
            for (submission, _), (question, _, _) in zip(submissions, plans):
                candidates = arguments_by_question.get(question, [])
                for order, argument in enumerate(rng.sample(candidates, k=min(len(candidates), rng.randrange(1, 6)))):
                    yield Citation(
                        submission_id=submission,
                        argument_id=argument,
                        comment="This supports my side." if rng.random() < 0.5 else "",
                        order=order,
                    )

        self.insert(Citation, citation_rows(), None)

        def feedback_rows():
            for (submission, status), (_, teachers, when) in zip(submissions, plans):
                if status == SubmissionStatus.SUBMITTED and when == "past" and rng.random() < 0.6:
                    yield Feedback(
                        submission_id=submission,
                        author_id=rng.choice(teachers),
                        comment="Good use of the evidence; answer the other side more directly.",
                        grade=rng.choice(GRADES),
                        returned_at=now if rng.random() < 0.5 else None,
                    )

        self.insert(Feedback, feedback_rows(), None)
