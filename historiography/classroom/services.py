"""The classroom's writes that touch several models, each in one transaction. Names are
`<entity>_<action>`, arguments keyword-only; a rule broken raises ServiceError with a
message fit to show the user, and nothing is written."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from historiography.models import Argument, Position, Status
from historiography.services import ServiceError

from . import rubrics
from .models import (
    Assignment,
    AssignmentMode,
    Citation,
    Course,
    Criterion,
    CriterionScore,
    DebateGroup,
    Enrollment,
    EvidenceComment,
    Feedback,
    Level,
    Phase,
    Profile,
    Rubric,
    SideAllocation,
    Submission,
    SubmissionStatus,
    new_join_code,
)

STUDENT, INSTRUCTOR, EDITOR = "Student", "Instructor", "Editor"


class ConflictError(ServiceError):
    """The submission changed since the form was opened (another tab saved it)."""


# --- Accounts and courses ------------------------------------------------------------


def user_add_role(*, user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))


def profile_set_timezone(*, user, name: str) -> None:
    """Keeps the user's zone beyond the session (read back at each login)."""
    Profile.objects.update_or_create(user=user, defaults={"timezone": name})


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
    if (
        fields.get("mode", assignment.mode) != AssignmentMode.CONTROVERSY
        and assignment.submissions.exclude(phase=Phase.ARGUE).exists()
    ):
        raise ServiceError("Students have started phase 2 or 3, so this assignment stays a controversy.")
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


def balanced_sides(
    students: list, positions: list, rng: random.Random | None = None, counts: dict | None = None
) -> dict:
    """Students shuffled and dealt round the positions (in a shuffled order too, so the
    extra students don't always land on the first side): sides differ by at most one.
    With `counts` (position id: students it has already) each student goes to the side
    with fewest so far, so late joiners even the sides out without moving anyone."""
    rng = rng or random.SystemRandom()
    students, positions = list(students), list(positions)
    rng.shuffle(students)
    rng.shuffle(positions)
    if counts is None:
        return {student: positions[index % len(positions)] for index, student in enumerate(students)}
    counts = {position.pk: counts.get(position.pk, 0) for position in positions}
    sides = {}
    for student in students:
        side = min(positions, key=lambda position: counts[position.pk])
        counts[side.pk] += 1
        sides[student] = side
    return sides


@dataclass
class ReallocationImpact:
    moved_submissions: int
    submitted_moved: int


def allocation_impact(*, assignment: Assignment, sides: dict) -> ReallocationImpact:
    """What a new allocation would do to existing submissions (for the confirmation)."""
    moved = [
        s
        for s in assignment.submissions.filter(phase=Phase.ARGUE)
        if s.student in sides and sides[s.student].pk != s.position_id
    ]
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
        for phase, side in _sides_by_phase(assignment, position):
            assignment.submissions.filter(student=student, phase=phase).exclude(position=side).update(
                position=side, status=SubmissionStatus.DRAFT, submitted_at=None, version=F("version") + 1
            )
    return impact


def _sides_by_phase(assignment: Assignment, position: Position) -> list:
    """The side a student allocated `position` argues in each phase that has one."""
    if assignment.is_controversy:
        return [(Phase.ARGUE, position), (Phase.SWAP, swapped_side(assignment, position))]
    return [(Phase.ARGUE, position)]


@transaction.atomic
def side_choose(*, assignment: Assignment, student, position: Position, now: datetime | None = None) -> SideAllocation:
    """A student picks a side, within the cap. The assignment row is locked so two
    students cannot both take the last place."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    has_submitted = Submission.objects.filter(
        assignment=assignment, student=student, phase__in=[Phase.ARGUE, Phase.SWAP], status=SubmissionStatus.SUBMITTED
    ).exists()
    refusal = assignment.side_choice_refusal(now, has_submitted=has_submitted)
    if refusal:
        raise ServiceError(refusal)
    if not assignment.positions.filter(pk=position.pk).exists():
        raise ServiceError("That side is not in play in this assignment.")
    if assignment.side_cap:
        taken = SideAllocation.objects.filter(assignment=assignment, position=position).exclude(student=student).count()
        if taken >= assignment.side_cap:
            raise ServiceError(f"“{position.label}” is full ({assignment.side_cap} students). Choose another side.")
    allocation, _ = SideAllocation.objects.update_or_create(
        assignment=assignment, student=student, defaults={"position": position}
    )
    for phase, side in _sides_by_phase(assignment, position):
        Submission.objects.filter(assignment=assignment, student=student, phase=phase).exclude(position=side).update(
            position=side, version=F("version") + 1
        )
    return allocation


def side_counts(assignment: Assignment) -> dict:
    return dict(
        SideAllocation.objects.filter(assignment=assignment)
        .values_list("position")
        .annotate(n=Count("pk"))
        .values_list("position", "n")
    )


# --- Submissions ---------------------------------------------------------------------


def _check_writable(submission: Submission, now: datetime) -> None:
    refusal = submission.edit_refusal(now)
    if refusal:
        raise ServiceError(refusal)


def next_side(positions: list, position: Position) -> Position:
    """The side after `position` among `positions` (in order, wrapping round): with two
    sides, the other one."""
    index = next((i for i, p in enumerate(positions) if p.pk == position.pk), -1)
    return positions[(index + 1) % len(positions)]


def swapped_side(assignment: Assignment, position: Position) -> Position:
    """The side a student argues in the swap phase: the next side in play."""
    return next_side(list(assignment.positions.order_by("order", "label")), position)


def submission_start(*, assignment: Assignment, student, phase: int = Phase.ARGUE) -> Submission:
    """The student's submission for a phase, created on first use: on their allocated
    side (phase 1), on the swapped side (phase 2), or their group's shared consensus
    (phase 3)."""
    if phase not in assignment.phases:
        raise ServiceError("This assignment has no such phase.")
    allocation = (
        SideAllocation.objects.filter(assignment=assignment, student=student).select_related("position").first()
    )
    if allocation is None:
        raise ServiceError(
            "You have no side in this debate yet."
            + (" Choose one first." if assignment.lets_students_choose else " Your instructor will allocate one.")
        )
    if phase == Phase.CONSENSUS:
        if allocation.group_id is None:
            raise ServiceError("You are not in a group yet: your instructor forms the groups for the consensus.")
        submission, _ = Submission.objects.get_or_create(
            assignment=assignment, group_id=allocation.group_id, phase=phase, defaults={"student": student}
        )
    else:
        position = allocation.position if phase == Phase.ARGUE else swapped_side(assignment, allocation.position)
        submission, _ = Submission.objects.get_or_create(
            assignment=assignment, student=student, phase=phase, defaults={"position": position}
        )
    submission.assignment = assignment  # the caller's, with its joins: its rules read it without a query
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
        raise ServiceError("Write your statement before submitting.")
    if submission.is_consensus:
        cited_sides = set(submission.citations.values_list("argument__position", flat=True))
        missing = [p.label for p in assignment.positions.order_by("order", "label") if p.pk not in cited_sides]
        if missing:
            raise ServiceError(
                "A consensus cites evidence from every side: add at least one argument for "
                + "; ".join(f"“{m}”" for m in missing)
                + "."
            )
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.is_late = assignment.is_past_due(now, submission.phase)
    submission.version = F("version") + 1
    submission.save(update_fields=["status", "submitted_at", "is_late", "version"])
    submission.refresh_from_db()
    return submission


# --- Structured Academic Controversy ---------------------------------------------------


def _check_groups_changeable(assignment: Assignment) -> None:
    if not assignment.is_controversy:
        raise ServiceError("Groups are for Structured Academic Controversy assignments.")
    if Submission.objects.filter(assignment=assignment, phase=Phase.CONSENSUS).exists():
        raise ServiceError("A group has already started its consensus, so the groups can no longer change.")


def cross_side_groups(allocations: list, size: int, rng: random.Random | None = None) -> list[list]:
    """Deals allocations into groups of about `size` so that every group has students
    from every side whenever the sides are big enough: each side, shuffled, is dealt
    round the groups in turn, and there are never more groups than the smallest side
    has students."""
    rng = rng or random.SystemRandom()
    by_side: dict = {}
    for allocation in allocations:
        by_side.setdefault(allocation.position_id, []).append(allocation)
    sides = sorted(by_side.values(), key=len, reverse=True)
    for side in sides:
        rng.shuffle(side)
    count = max(1, len(allocations) // max(size, 2))
    if len(sides) > 1:
        count = max(1, min(count, len(sides[-1])))
    dealt = [allocation for side in sides for allocation in side]
    groups = [[] for _ in range(count)]
    for index, allocation in enumerate(dealt):
        groups[index % count].append(allocation)
    return [group for group in groups if group]


@transaction.atomic
def groups_form(*, assignment: Assignment, size: int = 2) -> int:
    """Forms consensus groups of about `size` across the sides, replacing any earlier
    groups; returns how many groups there are."""
    _check_groups_changeable(assignment)
    if size < 2:
        raise ServiceError("A group needs at least two students.")
    allocations = list(SideAllocation.objects.filter(assignment=assignment))
    if len(allocations) < 2:
        raise ServiceError("Allocate sides to at least two students before forming groups.")
    SideAllocation.objects.filter(assignment=assignment).update(group=None)
    assignment.groups.all().delete()
    groups = cross_side_groups(allocations, size)
    for number, members in enumerate(groups, start=1):
        group = DebateGroup.objects.create(assignment=assignment, number=number)
        SideAllocation.objects.filter(pk__in=[a.pk for a in members]).update(group=group)
    return len(groups)


@transaction.atomic
def groups_set(*, assignment: Assignment, numbers: dict) -> int:
    """Sets groups by hand: `numbers` maps a student's id to a group number (or None).
    Groups left empty are removed; returns how many groups there are."""
    _check_groups_changeable(assignment)
    allocations = {a.student_id: a for a in SideAllocation.objects.filter(assignment=assignment)}
    if any(student_id not in allocations for student_id in numbers):
        raise ServiceError("Only students with a side can be put in a group.")
    if any(number is not None and not 1 <= number <= 500 for number in numbers.values()):
        raise ServiceError("Group numbers run from 1 to 500.")
    sizes = Counter(number for number in numbers.values() if number is not None)
    if any(size < 2 for size in sizes.values()):
        lonely = sorted(number for number, size in sizes.items() if size < 2)
        raise ServiceError(f"Every group needs at least two students; group {', '.join(map(str, lonely))} has one.")
    groups = {}
    for number in sorted(sizes):
        groups[number], _ = DebateGroup.objects.get_or_create(assignment=assignment, number=number)
    for student_id, allocation in allocations.items():
        allocation.group = groups.get(numbers.get(student_id))
        allocation.save(update_fields=["group"])
    assignment.groups.exclude(number__in=list(groups)).delete()
    return len(groups)


@transaction.atomic
def assignment_end_phase(*, assignment: Assignment, now: datetime | None = None) -> int:
    """Ends the current phase now (a teacher running the controversy in class moves it
    on by hand): its deadline becomes now, so the next phase opens. Returns the phase ended."""
    now = now or timezone.now()
    phase = assignment.current_phase(now)
    opens, due = assignment.phase_window(phase)
    if now > due:
        raise ServiceError("Every phase of this assignment has already ended.")
    if now <= opens:
        raise ServiceError("This phase has not started yet, so it cannot end.")
    field = {Phase.ARGUE: "due_at", Phase.SWAP: "swap_due_at", Phase.CONSENSUS: "consensus_due_at"}[phase]
    setattr(assignment, field, now)
    assignment.save(update_fields=[field])
    return phase


# --- Feedback and grades -------------------------------------------------------------


@transaction.atomic
def feedback_release(
    *, assignment: Assignment | None = None, course: Course | None = None, student=None, now: datetime | None = None
) -> int:
    """Returns held feedback to the students: everything on an assignment, or everything
    of one student in a course (their own submissions and their groups' consensus).
    Returns how many were released."""
    now = now or timezone.now()
    held = Feedback.objects.filter(returned_at__isnull=True)
    if assignment is not None:
        held = held.filter(submission__assignment=assignment)
    if course is not None:
        held = held.filter(submission__assignment__course=course)
    if student is not None:
        held = held.filter(Q(submission__student=student) | Q(submission__group__allocations__student=student))
    if assignment is None and course is None:
        raise ServiceError("Say which assignment or course to release feedback for.")
    pks = list(held.values_list("pk", flat=True))
    _grades_to_platforms(pks)
    return Feedback.objects.filter(pk__in=pks).update(returned_at=now)


def _grades_to_platforms(feedback_ids: list) -> None:
    """Once the returned grades are committed, sends them to the gradebooks of the learning
    platforms that link their assignments (LTI AGS); a failure there is recorded, never undoes them."""
    if feedback_ids:
        from .lti.grades import grades_send

        transaction.on_commit(lambda: grades_send(feedback_ids))


@transaction.atomic
def feedback_save(*, submission: Submission, author, comment: str, grade: str, release: bool) -> Feedback:
    feedback, _ = Feedback.objects.get_or_create(submission=submission)
    feedback.author, feedback.comment, feedback.grade = author, comment, grade
    if release and not feedback.returned_at:
        feedback.returned_at = timezone.now()
    elif not release:
        feedback.returned_at = None
    feedback.save()
    if feedback.returned_at:
        _grades_to_platforms([feedback.pk])
    return feedback


# --- Rubrics and grading -----------------------------------------------------------------


def rubric_locked(assignment: Assignment) -> bool:
    """Whether a submission has been scored with the assignment's rubric, which fixes it."""
    return CriterionScore.objects.filter(criterion__rubric__assignment=assignment).exists()


def _check_rubric_changeable(assignment: Assignment) -> None:
    if rubric_locked(assignment):
        raise ServiceError("Submissions have been scored with this rubric, so it can no longer change.")


@transaction.atomic
def rubric_set(*, assignment: Assignment, criteria: list) -> Rubric | None:
    """Replaces the assignment's rubric with `criteria` (rubrics.CriterionSpec); none
    removes it. Refused once any submission is scored with it."""
    _check_rubric_changeable(assignment)
    Rubric.objects.filter(assignment=assignment).delete()
    if not criteria:
        return None
    rubric = Rubric.objects.create(assignment=assignment)
    for order, spec in enumerate(criteria):
        criterion = Criterion.objects.create(rubric=rubric, title=spec.title, order=order)
        Level.objects.bulk_create(
            Level(criterion=criterion, title=title, points=points, order=index)
            for index, (title, points) in enumerate(spec.levels)
        )
    return rubric


def rubric_copy(*, source: Assignment, target: Assignment) -> Rubric | None:
    """Gives `target` a copy of `source`'s rubric (the caller checks the instructor teaches both)."""
    criteria = Criterion.objects.filter(rubric__assignment=source).prefetch_related("levels")
    if not criteria:
        raise ServiceError("That assignment has no rubric to copy.")
    specs = [
        rubrics.CriterionSpec(c.title, [(level.title, level.points) for level in c.levels.all()]) for c in criteria
    ]
    return rubric_set(assignment=target, criteria=specs)


@transaction.atomic
def feedback_grade(
    *,
    submission: Submission,
    author,
    comment: str,
    release: bool,
    grade: str = "",
    scores: dict | None = None,
    evidence_comments: dict | None = None,
) -> Feedback:
    """Saves feedback with the rubric's scores and comments on particular evidence. With a
    rubric, the grade is the scores added up ("7/8") and every criterion must be scored
    before the feedback is returned; `scores` maps a criterion's id to the chosen Level,
    `evidence_comments` a citation's id to the comment (empty removes it)."""
    criteria = list(Criterion.objects.filter(rubric__assignment_id=submission.assignment_id).prefetch_related("levels"))
    scores = scores or {}
    if criteria:
        by_id = {criterion.pk: criterion for criterion in criteria}
        if any(pk not in by_id or level.criterion_id != pk for pk, level in scores.items()):
            raise ServiceError("A score was given for a criterion that is not in this assignment's rubric.")
        if release and len(scores) < len(criteria):
            missing = [c.title for c in criteria if c.pk not in scores]
            raise ServiceError("Score every criterion before returning the feedback: " + ", ".join(missing) + ".")
        grade = rubrics.grade(scores.values(), criteria) if len(scores) == len(criteria) else ""
    feedback = feedback_save(submission=submission, author=author, comment=comment, grade=grade, release=release)
    if criteria:
        feedback.scores.exclude(criterion_id__in=list(scores)).delete()
        for criterion_id, level in scores.items():
            CriterionScore.objects.update_or_create(
                feedback=feedback, criterion_id=criterion_id, defaults={"level": level}
            )
    citations = set(submission.citations.values_list("pk", flat=True))
    for citation_id, body in (evidence_comments or {}).items():
        if citation_id not in citations:
            raise ServiceError("A comment was given on evidence this submission does not cite.")
        if body.strip():
            EvidenceComment.objects.update_or_create(
                citation_id=citation_id, defaults={"body": body.strip(), "author": author}
            )
        else:
            EvidenceComment.objects.filter(citation_id=citation_id).delete()
    return feedback
