"""Access control in one place: every classroom object is fetched through a queryset
already scoped to the user, so another course's object is a 404, not a leak; a member of
the course who lacks the role gets a 403."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Assignment, Course, Submission
from .services import INSTRUCTOR


def is_instructor(user) -> bool:
    return user.is_authenticated and user.groups.filter(name=INSTRUCTOR).exists()


def get_course(user, pk, *, teaching=False) -> Course:
    course = get_object_or_404(Course.objects.for_user(user), pk=pk)
    if teaching and not course.instructors.filter(pk=user.pk).exists():
        raise PermissionDenied("Only the course's instructors can do this.")
    return course


def get_assignment(user, pk, *, teaching=False) -> Assignment:
    assignment = get_object_or_404(Assignment.objects.for_user(user).with_context(), pk=pk)
    assignment.user_teaches = assignment.course.instructors.filter(pk=user.pk).exists()
    if teaching and not assignment.user_teaches:
        raise PermissionDenied("Only the course's instructors can do this.")
    return assignment


def get_submission(user, pk) -> Submission:
    """A submission for its author or the course's instructors; nobody else (a student
    never sees another student's draft)."""
    queryset = Submission.objects.select_related("assignment__course", "assignment__question", "student", "position")
    submission = get_object_or_404(queryset, pk=pk)
    teaches = submission.assignment.course.instructors.filter(pk=user.pk).exists()
    if not teaches and submission.student_id != user.pk:
        raise Http404("No such submission.")
    submission.user_teaches = teaches
    return submission
