"""Access control in one place: every classroom object is fetched through a queryset
already scoped to the user, so another course's object is a 404, not a leak; a member of
the course who lacks the role gets a 403.

Whether the user teaches the course comes back beside the object (`AssignmentAccess`,
`SubmissionAccess`), for views to pass to templates, never stamped on the instance."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Assignment, Course, PeerVisibility, SideAllocation, Submission, SubmissionStatus, teaches_course
from .services import INSTRUCTOR


def is_instructor(user) -> bool:
    return user.is_authenticated and user.groups.filter(name=INSTRUCTOR).exists()


def get_course(user, pk, *, teaching=False) -> Course:
    course = get_object_or_404(Course.objects.for_user(user), pk=pk)
    if teaching and not course.instructors.filter(pk=user.pk).exists():
        raise PermissionDenied("Only the course's instructors can do this.")
    return course


@dataclass(frozen=True)
class AssignmentAccess:
    assignment: Assignment
    teaches: bool  # the user is one of the course's instructors (else one of its students)


@dataclass(frozen=True)
class SubmissionAccess:
    submission: Submission
    teaches: bool  # the user is one of the course's instructors (else one of its authors)


def get_assignment_access(user, pk) -> AssignmentAccess:
    """An assignment of one of the user's courses, and whether they teach it (asked in the
    same query: every assignment page pays for this one)."""
    queryset = Assignment.objects.for_user(user).with_context().annotate(user_teaches=teaches_course(user))
    assignment = get_object_or_404(queryset, pk=pk)
    return AssignmentAccess(assignment, assignment.__dict__.pop("user_teaches"))  # beside it, not on it


def get_assignment(user, pk, *, teaching=False) -> Assignment:
    access = get_assignment_access(user, pk)
    if teaching and not access.teaches:
        raise PermissionDenied("Only the course's instructors can do this.")
    return access.assignment


def get_submission_access(user, pk) -> SubmissionAccess:
    """A submission for its author (for a consensus: every member of the group) or the
    course's instructors; nobody else (a student never sees another student's draft)."""
    queryset = Submission.objects.select_related(
        "assignment__course", "assignment__question", "student", "position", "group"
    )
    submission = get_object_or_404(queryset, pk=pk)
    teaches = submission.assignment.course.instructors.filter(pk=user.pk).exists()
    authors = submission.student_id == user.pk or (
        submission.group_id is not None
        and SideAllocation.objects.filter(group_id=submission.group_id, student_id=user.pk).exists()
    )
    if not teaches and not authors:
        raise Http404("No such submission.")
    return SubmissionAccess(submission, teaches)


def can_read_board(user, assignment: Assignment, phase: int, now, *, teaches: bool) -> bool:
    """Instructors always; classmates as the assignment's peer visibility says: after the
    phase's deadline, or once their own case for the phase is submitted."""
    if teaches:
        return True
    if assignment.peer_visibility == PeerVisibility.AFTER_DEADLINE:
        return assignment.is_past_due(now, phase)
    if assignment.peer_visibility == PeerVisibility.AFTER_SUBMITTING:
        return (
            Submission.objects.of_student(user)
            .filter(assignment=assignment, phase=phase, status=SubmissionStatus.SUBMITTED)
            .exists()
        )
    return False


def check_board(user, assignment: Assignment, phase: int, now, *, teaches: bool) -> None:
    if not can_read_board(user, assignment, phase, now, teaches=teaches):
        raise PermissionDenied(
            {
                PeerVisibility.AFTER_DEADLINE: "The class board opens to students after the deadline.",
                PeerVisibility.AFTER_SUBMITTING: (
                    "You can read your classmates' cases once you have submitted your own."
                ),
            }.get(assignment.peer_visibility, "Only the instructors read the submissions in this assignment.")
        )


def get_phase(assignment: Assignment, phase: int) -> int:
    """`phase` if the assignment has it (a debate has only the first), else 404."""
    if phase not in assignment.phases:
        raise Http404("This assignment has no such phase.")
    return phase
