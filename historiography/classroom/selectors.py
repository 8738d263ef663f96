"""The classroom's reads that more than one view needs: boards, phases, a student's
progress. Plain functions over querysets with their joins inside, in a fixed number of
queries whatever the class size."""

import hashlib

from django.db.models import Count, Prefetch

from . import services
from .models import Citation, Enrollment, Phase, SideAllocation, Submission


def status_for(submission):
    """not started / draft / submitted / late, for the board and the CSV."""
    if submission is None or (
        not submission.is_submitted and not submission.statement and not submission.citation_count
    ):
        return "not started"
    if submission.is_submitted:
        return "late" if submission.is_late else "submitted"
    return "draft"


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


def group_members(submission):
    """The members of a consensus submission's group, each with `side_label`."""
    if not submission.group_id:
        return []
    members = []
    for allocation in SideAllocation.objects.filter(group_id=submission.group_id).select_related("student", "position"):
        allocation.student.side_label = allocation.position.label
        members.append(allocation.student)
    return members


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
            Prefetch("citations", queryset=Citation.objects.select_related("argument__historian", "argument__position"))
        )
    )
    if submission.phase == Phase.SWAP:
        cases = cases.filter(phase=Phase.ARGUE, position=submission.position).exclude(student=user)
    else:
        cases = cases.filter(phase__in=[Phase.ARGUE, Phase.SWAP])
    return list(cases.order_by("phase", "position__order", "student__username"))


def board_rows(assignment, phase=Phase.ARGUE):
    """Per position: each enrolled student allocated to it, with their submission in the
    phase (in the swap phase a student sits in the column of the side they swapped to)."""
    enrolled = Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True)
    allocations = assignment.allocations.filter(student_id__in=enrolled).select_related("student", "position")
    submissions = {
        s.student_id: s
        for s in assignment.submissions.filter(phase=phase)
        .select_related("feedback")
        .annotate(citation_count=Count("citations"))
    }
    positions = list(assignment.positions.all())
    columns = {position.pk: (position, []) for position in positions}
    for allocation in allocations:
        submission = submissions.get(allocation.student_id)
        if submission is not None:
            submission.board_status = status_for(submission)
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
        .select_related("feedback", "student")
        .annotate(citation_count=Count("citations"))
    }
    rows = []
    for group in groups:
        submission = submissions.get(group.pk)
        if submission is not None:
            submission.board_status = status_for(submission)
        rows.append((group, [a for a in group.allocations.all() if a.student_id in enrolled], submission))
    return rows


def anonymise(user, assignment, student_ids):
    """Classmate numbers, stable within the assignment and not in roster order, for
    boards shown to students of an anonymous assignment."""
    others = sorted(
        {pk for pk in student_ids if pk != user.pk},
        key=lambda pk: hashlib.sha256(f"{assignment.pk}:{pk}".encode()).hexdigest(),
    )
    return {user.pk: "You", **{pk: f"Classmate {index}" for index, pk in enumerate(others, start=1)}}
