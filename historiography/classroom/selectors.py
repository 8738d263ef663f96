"""The classroom's reads that more than one view needs: boards, phases, a student's
progress. Plain functions over querysets with their joins inside, in a fixed number of
queries whatever the class size."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, Max, OuterRef, Prefetch

from . import services
from .models import (
    Assignment,
    Citation,
    Course,
    Criterion,
    CriterionScore,
    Enrollment,
    Phase,
    SideAllocation,
    Submission,
)


def phase_rows(assignment, now, submissions=None):
    """Per phase: its number, label, window, whether it is running, and (for a student)
    their submission in it."""
    rows = []
    for phase in assignment.phases:
        opens, due = assignment.phase_window(phase)
        rows.append(
            {
                "phase": phase,
                "label": Phase(phase).label,
                "opens": opens,
                "due": due,
                "state": "ended" if now > due else ("running" if now >= opens else "not started"),
                "submission": (submissions or {}).get(phase),
            }
        )
    return rows


def group_members(submission) -> list[SideAllocation]:
    """The members of a consensus submission's group: their side allocations, each with its
    student and position."""
    if not submission.group_id:
        return []
    return list(SideAllocation.objects.filter(group_id=submission.group_id).select_related("student", "position"))


def cases_in_view(user, assignment, submission):
    """What a controversy puts beside the editor: in the swap phase, the phase-1 cases the
    student's group-mates submitted for the side the student now argues; in the consensus
    phase, the group's phase-1 and phase-2 cases. Submitted cases only, never drafts."""
    if submission.phase == Phase.ARGUE:
        return []
    allocation = SideAllocation.objects.filter(assignment=assignment, student=user).first()
    if allocation is None or allocation.group_id is None:
        return []
    mates = SideAllocation.objects.filter(group_id=allocation.group_id).values_list("student_id", flat=True)
    cases = (
        Submission.objects.filter(
            assignment=assignment, student_id__in=mates, status=services.SubmissionStatus.SUBMITTED
        )
        .select_related("student", "position")
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related(
                    "argument__historian", "argument__school", "argument__position"
                ),
            )
        )
    )
    if submission.phase == Phase.SWAP:
        cases = cases.filter(phase=Phase.ARGUE, position=submission.position).exclude(student=user)
    else:
        cases = cases.filter(phase__in=[Phase.ARGUE, Phase.SWAP])
    return list(cases.order_by("phase", "position__order", "student__username"))


def started_cases(assignment, student_ids) -> dict:
    """How many of these students have started a phase-1 case, and how many submitted it
    (what a re-deal of their sides would send back to draft)."""
    cases = assignment.submissions.filter(phase=Phase.ARGUE, student_id__in=student_ids)
    return {"started": cases.count(), "submitted": cases.filter(status=services.SubmissionStatus.SUBMITTED).count()}


def unsubmitted_students(assignment, phase) -> list:
    """The enrolled students with a side who have not submitted their work for `phase`
    (in the consensus phase: members of groups whose consensus is not submitted)."""
    enrolled = Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True)
    allocations = assignment.allocations.filter(student_id__in=enrolled).select_related("student")
    submitted = assignment.submissions.filter(phase=phase, status=services.SubmissionStatus.SUBMITTED)
    if phase == Phase.CONSENSUS:
        done = set(submitted.values_list("group_id", flat=True))
        return [a.student for a in allocations if a.group_id not in done]
    done = set(submitted.values_list("student_id", flat=True))
    return [a.student for a in allocations if a.student_id not in done]


# What a board card reads (board_cards.Card.of) and the board's name for a student.
BOARD_STUDENT_FIELDS = ["student__username", "student__first_name", "student__last_name"]
BOARD_SUBMISSION_FIELDS = [
    "assignment_id",  # read by assignment.submissions to link each row back to it
    "student_id",
    "group_id",
    "statement",
    "status",
    "is_late",
    "submitted_at",
    "feedback__returned_at",
    "feedback__grade",
]


def board_rows(assignment, phase=Phase.ARGUE):
    """Per position: each enrolled student allocated to it, with their submission in the
    phase (in the swap phase a student sits in the column of the side they swapped to).
    Only the columns the board shows are loaded (no passwords, dates joined, summaries)."""
    enrolled = Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True)
    allocations = (
        assignment.allocations.filter(student_id__in=enrolled)
        .select_related("student", "position")
        .only("assignment_id", *BOARD_STUDENT_FIELDS, "position__label", "position__slug", "position__order")
    )
    submissions = {
        s.student_id: s
        for s in assignment.submissions.filter(phase=phase)
        .select_related("feedback")
        .only(*BOARD_SUBMISSION_FIELDS)
        .with_citation_count()
        .order_by()  # looked up by student: no joins for the default ordering
    }
    positions = list(assignment.positions.all())
    columns = {position.pk: (position, []) for position in positions}
    for allocation in allocations:
        submission = submissions.get(allocation.student_id)
        side = allocation.position if phase == Phase.ARGUE else services.next_side(positions, allocation.position)
        columns.setdefault(side.pk, (side, []))[1].append((allocation.student, submission))
    return list(columns.values())


def group_rows(assignment):
    """Per group: its members (with their sides) and its consensus submission."""
    enrolled = set(Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True))
    groups = list(
        assignment.groups.prefetch_related(
            Prefetch("allocations", queryset=SideAllocation.objects.select_related("student", "position"))
        )
    )
    submissions = {
        s.group_id: s
        for s in assignment.submissions.filter(phase=Phase.CONSENSUS)
        .select_related("feedback")
        .only(*BOARD_SUBMISSION_FIELDS)
        .with_citation_count()
        .order_by()  # looked up by group
    }
    rows = []
    for group in groups:
        submission = submissions.get(group.pk)
        rows.append((group, [a for a in group.allocations.all() if a.student_id in enrolled], submission))
    return rows


@dataclass
class GradeRow:
    """One line of an assignment's grades export."""

    student: object
    enrolled: bool
    phase: int
    side: str
    submission: object
    status: str

    @property
    def feedback(self):
        return getattr(self.submission, "feedback", None) if self.submission else None


def grade_rows(assignment) -> list[GradeRow]:
    """Per phase, every enrolled student (with a side or not, in a group or not) and every
    removed student who has work in the assignment, with their submission; a consensus
    counts for each member of the group."""
    enrolled = [e.student for e in Enrollment.objects.filter(course=assignment.course).select_related("student")]
    enrolled_ids = {student.pk for student in enrolled}
    allocations = {
        a.student_id: a
        for a in assignment.allocations.select_related("position", "group").order_by("student__username")
    }
    submissions = list(
        assignment.submissions.select_related("student", "position", "group", "feedback").with_citation_count()
    )
    removed = sorted(
        {s.student for s in submissions if s.student_id not in enrolled_ids}, key=lambda student: student.username
    )
    own = {(s.student_id, s.phase): s for s in submissions if s.group_id is None}
    by_group = {s.group_id: s for s in submissions if s.group_id is not None}
    positions = list(assignment.positions.all())
    rows = []
    for phase in assignment.phases:
        for student in [*enrolled, *removed]:
            allocation = allocations.get(student.pk)
            is_enrolled = student.pk in enrolled_ids
            if phase == Phase.CONSENSUS:
                group = allocation.group if allocation else None
                submission = by_group.get(group.pk) if group else None
                if submission is None and not is_enrolled:
                    continue
                side = str(group) if group else ""
                missing = "no group"
            else:
                submission = own.get((student.pk, phase))
                if submission is None and not is_enrolled:
                    continue
                side = submission.position.label if submission else ""
                if not side and allocation:
                    position = allocation.position
                    side = (position if phase == Phase.ARGUE else services.next_side(positions, position)).label
                missing = "no side"
            status = submission.progress if submission else ("not started" if side else missing)
            rows.append(GradeRow(student, is_enrolled, phase, side, submission, status))
    return rows


def rubric_scores(assignment) -> tuple[list, dict]:
    """The assignment's rubric criteria in order, each with `best` (its highest level's
    points), and {feedback id: {criterion id: the chosen Level}}: two queries, one without
    a rubric."""
    criteria = list(Criterion.objects.filter(rubric__assignment=assignment).annotate(best=Max("levels__points")))
    chosen = {}
    if criteria:
        for score in CriterionScore.objects.filter(criterion__in=criteria).select_related("level"):
            chosen.setdefault(score.feedback_id, {})[score.criterion_id] = score.level
    return criteria, chosen


def gradebook(course) -> tuple[list[str], list]:
    """Column titles (an assignment, or each phase of a controversy) and, per student
    (enrolled, then removed ones with work), whether enrolled and the grade per column."""
    assignments = list(course.assignments.order_by("due_at", "title"))
    columns = [(assignment, phase) for assignment in assignments for phase in assignment.phases]
    enrolled = [e.student for e in Enrollment.objects.filter(course=course).select_related("student")]
    enrolled_ids = {student.pk for student in enrolled}
    submissions = list(
        Submission.objects.filter(assignment__course=course, feedback__isnull=False).select_related(
            "student", "feedback"
        )
    )
    members = {}
    for allocation in SideAllocation.objects.filter(assignment__course=course, group__isnull=False):
        members.setdefault(allocation.group_id, []).append(allocation.student_id)
    grades = {}
    for submission in submissions:
        authors = members.get(submission.group_id, []) if submission.group_id else [submission.student_id]
        for student_id in authors:
            grades[(student_id, submission.assignment_id, submission.phase)] = submission.feedback.grade
    removed = sorted(
        {s.student for s in Submission.objects.filter(assignment__course=course).select_related("student")}
        - set(enrolled),
        key=lambda student: student.username,
    )
    titles = [
        assignment.title if not assignment.is_controversy else f"{assignment.title} (phase {phase})"
        for assignment, phase in columns
    ]
    rows = [
        (
            student,
            student.pk in enrolled_ids,
            [grades.get((student.pk, assignment.pk, phase), "") for assignment, phase in columns],
        )
        for student in [*enrolled, *removed]
    ]
    return titles, rows


def anonymise(user, assignment, student_ids):
    """Classmate numbers, stable within the assignment and not in roster order, for
    boards shown to students of an anonymous assignment."""
    others = sorted(
        {pk for pk in student_ids if pk != user.pk},
        key=lambda pk: hashlib.sha256(f"{assignment.pk}:{pk}".encode()).hexdigest(),
    )
    return {user.pk: "You", **{pk: f"Classmate {index}" for index, pk in enumerate(others, start=1)}}


DUE_SOON_HOURS = 48


@dataclass
class StudentAssignment:
    """One line of a student's *My assignments*: the assignment, their side, the phase now
    running and its deadline, their submission in it, and the grades returned to them."""

    assignment: object
    side: object
    phase: int
    due: datetime
    submission: object
    grades: list = field(default_factory=list)

    @property
    def is_graded(self):
        feedback = getattr(self.submission, "feedback", None) if self.submission else None
        return bool(feedback and feedback.is_returned)


def student_assignments(student, now) -> list[tuple[str, list[StudentAssignment]]]:
    """The student's assignments, grouped: due soon, upcoming, overdue, submitted, graded
    (four queries however many)."""
    assignments = (
        Assignment.objects.filter(course__enrollments__student=student)
        .select_related("course", "question")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=SideAllocation.objects.filter(student=student).select_related("position"),
                to_attr="my_allocations",
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.of_student(student).select_related("feedback").order_by("phase"),
                to_attr="my_submissions",
            ),
        )
        .order_by("due_at")
    )
    groups = {"graded": [], "submitted": [], "overdue": [], "due soon": [], "upcoming": []}
    for assignment in assignments:
        # The phase now running decides where the assignment is listed; its deadline is the one shown.
        phase = assignment.current_phase(now)
        by_phase = {submission.phase: submission for submission in assignment.my_submissions}
        row = StudentAssignment(
            assignment=assignment,
            side=assignment.my_allocations[0].position if assignment.my_allocations else None,
            phase=phase,
            due=assignment.phase_window(phase)[1],
            submission=by_phase.get(phase),
            grades=[
                (number, by_phase[number].feedback.grade)
                for number in assignment.phases
                if number in by_phase
                and getattr(by_phase[number], "feedback", None)
                and by_phase[number].feedback.is_returned
            ],
        )
        if row.is_graded:
            groups["graded"].append(row)
        elif row.submission and row.submission.is_submitted:
            groups["submitted"].append(row)
        elif assignment.is_past_due(now, phase):
            groups["overdue"].append(row)
        elif (row.due - now).total_seconds() < DUE_SOON_HOURS * 3600:
            groups["due soon"].append(row)
        else:
            groups["upcoming"].append(row)
    return [(name, groups[name]) for name in ["due soon", "upcoming", "overdue", "submitted", "graded"]]


def taught_by_subquery(user):
    """For annotating courses: whether `user` teaches each one (no extra query)."""
    return Exists(Course.instructors.through.objects.filter(course_id=OuterRef("pk"), user_id=user.pk))


@dataclass
class FirstRunGuide:
    """The three steps a new instructor takes on *My classes*, and which are done; `course`
    is the course the next step is about (their first)."""

    course: Course | None
    created_course: bool
    shared_code: bool
    set_debate: bool

    @property
    def is_done(self) -> bool:
        return self.created_course and self.shared_code and self.set_debate


def first_run_guide(courses) -> FirstRunGuide | None:
    """The guide from the courses of *My classes* (annotated with `taught`, `student_count`,
    `assignment_count`), or None once the instructor has gone through it."""
    taught = [course for course in courses if course.taught]
    guide = FirstRunGuide(
        course=taught[-1] if taught else None,
        created_course=bool(taught),
        shared_code=any(course.student_count for course in taught),
        set_debate=any(course.assignment_count for course in taught),
    )
    return None if guide.is_done else guide


def rubric_criteria(assignment_id) -> list:
    """The criteria of an assignment's rubric, with their levels (2 queries; none: [])."""
    return list(Criterion.objects.filter(rubric__assignment_id=assignment_id).prefetch_related("levels"))


def feedback_scores(feedback) -> dict:
    """{criterion id: CriterionScore, with its level}."""
    return {score.criterion_id: score for score in feedback.scores.select_related("level")}


def next_submission(submission):
    """The id of the submitted work after this one in the assignment's phase, in board
    order (side, then group, then student), or None at the end: *Next submission* while
    grading. One query of ids, whatever the class size."""
    ids = list(
        Submission.objects.filter(
            assignment_id=submission.assignment_id,
            phase=submission.phase,
            status=services.SubmissionStatus.SUBMITTED,
        )
        .order_by("position__order", "group__number", "student__username", "pk")
        .values_list("pk", flat=True)
    )
    if submission.pk not in ids:
        return ids[0] if ids else None
    index = ids.index(submission.pk)
    return ids[index + 1] if index + 1 < len(ids) else None
