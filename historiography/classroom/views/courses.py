"""Courses: my classes, creating and joining one, the roster, one student's work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from historiography.validators import whole_number

from .. import selectors, services
from ..access import get_course, is_instructor
from ..forms import CourseForm, JoinForm
from ..models import Course, Enrollment, Phase, SideAllocation, Submission
from ..services import ServiceError


@require_safe
@login_required
def course_list(request):
    courses = (
        Course.objects.for_user(request.user)
        .annotate(
            student_count=Count("enrollments", distinct=True),
            assignment_count=Count("assignments", distinct=True),
            taught=selectors.taught_by_subquery(request.user),
        )
        .order_by("-created")
    )
    can_create = is_instructor(request.user)
    return render(
        request,
        "classroom/course_list.html",
        {
            "courses": courses,
            "can_create": can_create,
            "join_form": JoinForm(),
            "guide": selectors.first_run_guide(courses) if can_create else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def course_create(request):
    if not is_instructor(request.user):
        raise PermissionDenied("Only instructors can create courses.")
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.course_create(instructor=request.user, title=form.cleaned_data["title"])
        messages.success(request, f"Course created. Students join with the code {course.join_code}.")
        return redirect(course)
    return render(request, "classroom/course_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def course_join(request):
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_join(student=request.user, code=form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, f"You joined “{course.title}”.")
            return redirect(course)
    return render(request, "classroom/course_join.html", {"form": form})


@require_safe
@login_required
def course_detail(request, pk):
    course = get_course(request.user, pk)
    teaches = course.instructors.filter(pk=request.user.pk).exists()
    assignments = course.assignments.select_related("question").order_by("due_at")
    enrollments = course.enrollments.select_related("student") if teaches else None
    return render(
        request,
        "classroom/course_detail.html",
        {
            "course": course,
            "teaches": teaches,
            "assignments": assignments,
            "enrollments": enrollments,
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def course_update(request, pk):
    course = get_course(request.user, pk, teaching=True)
    action = request.POST.get("action")
    if action == "rotate":
        code = services.course_rotate_code(course=course)
        messages.success(request, f"New join code: {code}. The old code no longer works.")
    elif action in ("open", "close"):
        course.joining_open = action == "open"
        course.save(update_fields=["joining_open"])
        messages.success(
            request,
            "Joining is open." if course.joining_open else "Joining is closed: the code no longer admits anyone.",
        )
    elif action == "remove":
        student_id = whole_number(request.POST.get("student"))
        if student_id is None:
            raise Http404("No such student in this course.")
        enrollment = get_object_or_404(
            Enrollment.objects.select_related("student"), course=course, student_id=student_id
        )
        student = enrollment.student
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "classroom/course_remove_confirm.html",
                {
                    "course": course,
                    "student": student,
                    "sides": SideAllocation.objects.filter(assignment__course=course, student=student).count(),
                    "submissions": Submission.objects.filter(assignment__course=course, student=student).count(),
                },
            )
        services.course_remove_student(course=course, student=student)
        messages.success(
            request,
            f"{student.get_full_name() or student.username} was removed from the course. Their submissions are kept.",
        )
    else:
        messages.error(request, "Unknown action.")
    return redirect(course)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def course_student(request, pk, student_pk):
    """Everything one student did in the course, for its instructors: sides, groups, each
    phase's submission with its evidence count and feedback; releases their held feedback."""
    course = get_course(request.user, pk, teaching=True)
    enrollment = get_object_or_404(Enrollment.objects.select_related("student"), course=course, student_id=student_pk)
    student = enrollment.student
    if request.method == "POST":
        released = services.feedback_release(course=course, student=student)
        name = student.get_full_name() or student.username
        messages.success(
            request,
            f"Returned {released} held feedback{'s' if released != 1 else ''} to {name}."
            if released
            else "No feedback was held for this student.",
        )
        return redirect("classroom:course-student", pk=course.pk, student_pk=student.pk)
    assignments = (
        course.assignments.select_related("question")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=SideAllocation.objects.filter(student=student).select_related("position", "group"),
                to_attr="student_allocations",
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.of_student(student)
                .select_related("position", "group", "feedback")
                .with_citation_count()
                .order_by("phase"),
                to_attr="student_submissions",
            ),
        )
        .order_by("due_at")
    )
    rows = []
    held = 0
    for assignment in assignments:
        by_phase = {submission.phase: submission for submission in assignment.student_submissions}
        for submission in by_phase.values():
            feedback = getattr(submission, "feedback", None)
            held += bool(feedback and not feedback.is_returned)
        allocation = assignment.student_allocations[0] if assignment.student_allocations else None
        rows.append(
            (assignment, allocation, [(phase, Phase(phase).label, by_phase.get(phase)) for phase in assignment.phases])
        )
    return render(
        request,
        "classroom/course_student.html",
        {"course": course, "student": student, "enrollment": enrollment, "rows": rows, "held": held},
    )
