"""Writes that touch several models, each in one transaction. Names are
`<entity>_<action>`, arguments keyword-only; a rule broken raises ServiceError with a
message fit to show the user, and nothing is written."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction
from django.db.models import Count, F
from django.utils import timezone

from . import importing
from .models import (
    Allocation,
    Argument,
    Assignment,
    Citation,
    Course,
    Enrollment,
    Feedback,
    Position,
    SideAllocation,
    Status,
    Submission,
    SubmissionStatus,
    new_join_code,
)

STUDENT, INSTRUCTOR, EDITOR = "Student", "Instructor", "Editor"


class ServiceError(Exception):
    """A rule was broken; the message says which, in words for the user."""


class ConflictError(ServiceError):
    """The submission changed since the form was opened (another tab saved it)."""


# --- Accounts and courses ------------------------------------------------------------


def user_add_role(*, user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))


def course_by_code(code: str) -> Course:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    course = Course.objects.filter(join_code=code).first()
    if course is None:
        raise ServiceError("That join code is not valid. Check it with your instructor: codes can be changed.")
    if not course.joining_open:
        raise ServiceError(f"“{course.title}” is not accepting new students at the moment. Ask your instructor.")
    return course


@transaction.atomic
def course_create(*, instructor, title: str) -> Course:
    course = Course.objects.create(title=title)
    course.instructors.add(instructor)
    return course


@transaction.atomic
def course_join(*, student, code: str) -> Course:
    course = course_by_code(code)
    if course.instructors.filter(pk=student.pk).exists():
        raise ServiceError("You teach this course, so you cannot join it as a student.")
    _, created = Enrollment.objects.get_or_create(course=course, student=student)
    if not created:
        raise ServiceError(f"You are already in “{course.title}”.")
    user_add_role(user=student, role=STUDENT)
    return course


def course_rotate_code(*, course: Course) -> str:
    course.join_code = new_join_code()
    course.save(update_fields=["join_code"])
    return course.join_code


@transaction.atomic
def course_remove_student(*, course: Course, student) -> None:
    """Takes the student off the roster and their sides; their submissions are kept."""
    Enrollment.objects.filter(course=course, student=student).delete()
    SideAllocation.objects.filter(assignment__course=course, student=student).delete()


# --- Assignments and sides -----------------------------------------------------------


@transaction.atomic
def assignment_create(*, course: Course, positions, **fields) -> Assignment:
    positions = list(positions)
    _check_positions(fields["question"], positions)
    assignment = Assignment.objects.create(course=course, **fields)
    assignment.positions.set(positions)
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, positions, **fields) -> Assignment:
    positions = list(positions)
    _check_positions(fields.get("question", assignment.question), positions)
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.save()
    assignment.positions.set(positions)
    return assignment


def _check_positions(question, positions):
    if len(positions) < 2:
        raise ServiceError("Choose at least two sides for the debate.")
    if any(position.question_id != question.pk for position in positions):
        raise ServiceError("Every side must be a position of the assignment's question.")


def balanced_sides(students: list, positions: list, rng: random.Random | None = None) -> dict:
    """Students shuffled and dealt round the positions (in a shuffled order too, so the
    extra students don't always land on the first side): sides differ by at most one."""
    rng = rng or random.SystemRandom()
    students, positions = list(students), list(positions)
    rng.shuffle(students)
    rng.shuffle(positions)
    return {student: positions[index % len(positions)] for index, student in enumerate(students)}


@dataclass
class ReallocationImpact:
    moved_submissions: int
    submitted_moved: int


def allocation_impact(*, assignment: Assignment, sides: dict) -> ReallocationImpact:
    """What a new allocation would do to existing submissions (for the confirmation)."""
    moved = [s for s in assignment.submissions.all() if s.student in sides and sides[s.student].pk != s.position_id]
    return ReallocationImpact(len(moved), sum(1 for s in moved if s.is_submitted))


@transaction.atomic
def assignment_allocate(*, assignment: Assignment, sides: dict) -> ReallocationImpact:
    """Sets each student's side. A student whose side changes keeps their submission's
    text and evidence; it moves to the new side and returns to draft for revision."""
    in_play = {position.pk for position in assignment.positions.all()}
    if any(position.pk not in in_play for position in sides.values()):
        raise ServiceError("A side was chosen that is not in play in this assignment.")
    enrolled = set(Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True))
    if any(student.pk not in enrolled for student in sides):
        raise ServiceError("Sides can only be given to students enrolled in the course.")
    impact = allocation_impact(assignment=assignment, sides=sides)
    for student, position in sides.items():
        SideAllocation.objects.update_or_create(assignment=assignment, student=student, defaults={"position": position})
        assignment.submissions.filter(student=student).exclude(position=position).update(
            position=position, status=SubmissionStatus.DRAFT, submitted_at=None, version=F("version") + 1
        )
    return impact


@transaction.atomic
def side_choose(*, assignment: Assignment, student, position: Position, now: datetime | None = None) -> SideAllocation:
    """A student picks a side, within the cap. The assignment row is locked so two
    students cannot both take the last place."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.allocation != Allocation.STUDENT_CHOICE:
        raise ServiceError("Your instructor allocates the sides in this assignment.")
    if assignment.is_past_due(now):
        raise ServiceError("The deadline has passed: sides can no longer be changed.")
    if not assignment.positions.filter(pk=position.pk).exists():
        raise ServiceError("That side is not in play in this assignment.")
    if Submission.objects.filter(assignment=assignment, student=student, status=SubmissionStatus.SUBMITTED).exists():
        raise ServiceError("You have already submitted, so your side is fixed.")
    if assignment.side_cap:
        taken = SideAllocation.objects.filter(assignment=assignment, position=position).exclude(student=student).count()
        if taken >= assignment.side_cap:
            raise ServiceError(f"“{position.label}” is full ({assignment.side_cap} students). Choose another side.")
    allocation, _ = SideAllocation.objects.update_or_create(
        assignment=assignment, student=student, defaults={"position": position}
    )
    Submission.objects.filter(assignment=assignment, student=student).exclude(position=position).update(
        position=position, version=F("version") + 1
    )
    return allocation


def side_counts(assignment: Assignment) -> dict:
    return dict(
        SideAllocation.objects.filter(assignment=assignment).values_list("position").annotate(n=Count("pk")).values_list("position", "n")
    )


# --- Submissions ---------------------------------------------------------------------


def _check_writable(submission: Submission, now: datetime) -> None:
    assignment = submission.assignment
    if submission.is_submitted:
        raise ServiceError("This submission has been submitted and can no longer be changed.")
    if not assignment.is_open(now):
        raise ServiceError("This assignment is not open yet.")
    if assignment.is_past_due(now) and not assignment.accept_late:
        raise ServiceError("The deadline has passed: this submission is read-only.")


def submission_start(*, assignment: Assignment, student) -> Submission:
    """The student's submission, created on first use, on their allocated side."""
    allocation = SideAllocation.objects.filter(assignment=assignment, student=student).select_related("position").first()
    if allocation is None:
        raise ServiceError("You have no side in this debate yet." + (
            " Choose one first." if assignment.allocation == Allocation.STUDENT_CHOICE else " Your instructor will allocate one."
        ))
    submission, _ = Submission.objects.get_or_create(
        assignment=assignment, student=student, defaults={"position": allocation.position}
    )
    return submission


@transaction.atomic
def submission_cite(*, submission: Submission, argument: Argument, now: datetime | None = None) -> Citation:
    now = now or timezone.now()
    _check_writable(submission, now)
    if argument.status != Status.PUBLISHED or argument.position.question_id != submission.assignment.question_id:
        raise ServiceError("Only published arguments on this assignment's question can be cited.")
    citation, created = Citation.objects.get_or_create(
        submission=submission, argument=argument, defaults={"order": submission.citations.count()}
    )
    if not created:
        raise ServiceError("That argument is already in your evidence.")
    # No version bump: adding evidence overwrites no text, so an editor open in another
    # tab can still save its statement.
    return citation


@transaction.atomic
def submission_save(
    *, submission: Submission, version: int, statement: str, comments: dict, removed: set, now: datetime | None = None
) -> Submission:
    """Saves the draft if nobody saved it since `version` was read; else ConflictError."""
    now = now or timezone.now()
    _check_writable(submission, now)
    updated = Submission.objects.filter(pk=submission.pk, version=version).update(
        statement=statement, version=F("version") + 1, updated=now
    )
    if not updated:
        raise ConflictError(
            "This draft was saved from another tab or window after you opened it, so your changes were not saved. "
            "Your text is still in the form below: copy what you need, reload the page, and merge."
        )
    for citation in submission.citations.all():
        if citation.pk in removed:
            citation.delete()
        elif citation.pk in comments and comments[citation.pk] != citation.comment:
            citation.comment = comments[citation.pk]
            citation.save(update_fields=["comment"])
    submission.refresh_from_db()
    return submission


@transaction.atomic
def submission_submit(*, submission: Submission, now: datetime | None = None) -> Submission:
    now = now or timezone.now()
    _check_writable(submission, now)
    assignment = submission.assignment
    cited = submission.citations.count()
    if cited < assignment.evidence_minimum:
        raise ServiceError(
            f"Cite at least {assignment.evidence_minimum} argument{'s' if assignment.evidence_minimum != 1 else ''} "
            f"before submitting (you have {cited})."
        )
    if not submission.statement.strip():
        raise ServiceError("Write your opening statement before submitting.")
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.is_late = assignment.is_past_due(now)
    submission.version = F("version") + 1
    submission.save(update_fields=["status", "submitted_at", "is_late", "version"])
    submission.refresh_from_db()
    return submission


@transaction.atomic
def feedback_save(*, submission: Submission, author, comment: str, grade: str, release: bool) -> Feedback:
    feedback, _ = Feedback.objects.get_or_create(submission=submission)
    feedback.author, feedback.comment, feedback.grade = author, comment, grade
    if release and not feedback.returned_at:
        feedback.returned_at = timezone.now()
    elif not release:
        feedback.returned_at = None
    feedback.save()
    return feedback

# --- Importing scholarship -----------------------------------------------------------


class ScholarshipImportError(ServiceError):
    """The files have problems; `problems` lists them all, and nothing was written."""

    def __init__(self, problems: list[importing.Problem]):
        self.problems = problems
        super().__init__(importing.format_problems(problems))


@transaction.atomic
def scholarship_import(*, files: list | tuple = (), data: dict | None = None, dry_run: bool = False) -> importing.ImportSummary:
    """Import scholarship in the fixture format (`fixtures/stalinism.json`) from `files`,
    or from `data` (a name -> JSON text or parsed list, for callers without a file).

    Every object is checked before anything is written (`importing.plan_import`); on any
    problem ScholarshipImportError lists them all and nothing is written. Objects are
    matched by natural key, so importing again updates instead of duplicating, and
    fields a file leaves out keep their values. `dry_run` checks only."""
    texts, problems = importing.read_files(files)
    plan = importing.plan_import({**texts, **(data or {})})
    problems += plan.problems
    if problems:
        raise ScholarshipImportError(problems)
    if dry_run:
        return plan.summary(written=False)
    for entry in plan.entries:  # in dependency order: what an object refers to is saved first
        if entry.exists and not entry.changed:
            continue
        try:
            entry.instance.save()
            for name, targets in entry.m2m.items():
                getattr(entry.instance, name).set(targets)
        except DatabaseError as error:
            # A rule only the database knew: raising rolls the whole import back.
            raise ScholarshipImportError([importing.Problem(entry.file, f"refused by the database: {error}", entry.where)]) from error
    return plan.summary(written=True)
