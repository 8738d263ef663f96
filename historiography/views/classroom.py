"""The classroom: courses, debate assignments, sides, submissions, the board, grades.
Every object comes through historiography/access.py, scoped to the user."""
import csv
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services
from ..access import get_assignment, get_course, get_submission, is_instructor
from ..forms import AssignmentForm, CourseForm, FeedbackForm, JoinForm, SubmissionForm
from ..models import (
    Allocation,
    Argument,
    Assignment,
    Course,
    Enrollment,
    SideAllocation,
    Submission,
)
from ..services import ServiceError

DUE_SOON_HOURS = 48


# --- Courses -------------------------------------------------------------------------


@login_required
def course_list(request):
    courses = Course.objects.for_user(request.user).annotate(
        student_count=Count("enrollments", distinct=True), assignment_count=Count("assignments", distinct=True)
    ).order_by("-created")
    return render(
        request,
        "historiography/course_list.html",
        {"courses": courses, "can_create": is_instructor(request.user), "join_form": JoinForm()},
    )


@login_required
def course_create(request):
    if not is_instructor(request.user):
        raise PermissionDenied("Only instructors can create courses.")
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course = services.course_create(instructor=request.user, title=form.cleaned_data["title"])
        messages.success(request, f"Course created. Students join with the code {course.join_code}.")
        return redirect(course)
    return render(request, "historiography/course_form.html", {"form": form})


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
    return render(request, "historiography/course_join.html", {"form": form})


@login_required
def course_detail(request, pk):
    course = get_course(request.user, pk)
    teaches = course.instructors.filter(pk=request.user.pk).exists()
    assignments = course.assignments.select_related("question").order_by("due_at")
    enrollments = course.enrollments.select_related("student") if teaches else None
    return render(
        request,
        "historiography/course_detail.html",
        {"course": course, "teaches": teaches, "assignments": assignments, "enrollments": enrollments, "now": timezone.now()},
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
        messages.success(request, "Joining is open." if course.joining_open else "Joining is closed: the code no longer admits anyone.")
    elif action == "remove":
        enrollment = get_object_or_404(Enrollment.objects.select_related("student"), course=course, student_id=request.POST.get("student"))
        services.course_remove_student(course=course, student=enrollment.student)
        messages.success(request, f"{enrollment.student.get_full_name() or enrollment.student.username} was removed from the course. Their submissions are kept.")
    else:
        messages.error(request, "Unknown action.")
    return redirect(course)


# --- Assignments ---------------------------------------------------------------------


def _assignment_fields(form):
    fields = dict(form.cleaned_data)
    return fields.pop("positions"), fields


@login_required
def assignment_create(request, pk):
    course = get_course(request.user, pk, teaching=True)
    form = AssignmentForm(request.POST or None, initial={"question": request.GET.get("question")})
    if request.method == "POST" and form.is_valid():
        positions, fields = _assignment_fields(form)
        try:
            assignment = services.assignment_create(course=course, positions=positions, **fields)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Assignment created. Now allocate the sides." if assignment.allocation != Allocation.STUDENT_CHOICE else "Assignment created. Students choose their sides.")
            return redirect(assignment)
    return render(request, "historiography/assignment_form.html", {"form": form, "course": course})


@login_required
def assignment_edit(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        positions, fields = _assignment_fields(form)
        try:
            services.assignment_update(assignment=assignment, positions=positions, **fields)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Assignment saved.")
            return redirect(assignment)
    return render(request, "historiography/assignment_form.html", {"form": form, "course": assignment.course, "assignment": assignment})


def _status_for(submission):
    """not started / draft / submitted / late, for the board and the CSV."""
    if submission is None or (not submission.is_submitted and not submission.statement and not submission.citation_count):
        return "not started"
    if submission.is_submitted:
        return "late" if submission.is_late else "submitted"
    return "draft"


@login_required
def my_assignments(request):
    """The student's assignments, grouped: upcoming, due soon, overdue, submitted, graded."""
    now = timezone.now()
    assignments = (
        Assignment.objects.filter(course__enrollments__student=request.user)
        .select_related("course", "question")
        .prefetch_related(
            Prefetch("allocations", queryset=SideAllocation.objects.filter(student=request.user).select_related("position"), to_attr="my_allocations"),
            Prefetch("submissions", queryset=Submission.objects.filter(student=request.user).select_related("feedback"), to_attr="my_submissions"),
        )
        .order_by("due_at")
    )
    groups = {"graded": [], "submitted": [], "overdue": [], "due soon": [], "upcoming": []}
    for assignment in assignments:
        assignment.my_side = assignment.my_allocations[0].position if assignment.my_allocations else None
        submission = assignment.my_submissions[0] if assignment.my_submissions else None
        assignment.my_submission = submission
        feedback = getattr(submission, "feedback", None) if submission else None
        if feedback and feedback.is_returned:
            groups["graded"].append(assignment)
        elif submission and submission.is_submitted:
            groups["submitted"].append(assignment)
        elif assignment.is_past_due(now):
            groups["overdue"].append(assignment)
        elif (assignment.due_at - now).total_seconds() < DUE_SOON_HOURS * 3600:
            groups["due soon"].append(assignment)
        else:
            groups["upcoming"].append(assignment)
    order = ["due soon", "upcoming", "overdue", "submitted", "graded"]
    return render(
        request,
        "historiography/my_assignments.html",
        {"groups": [(name, groups[name]) for name in order], "has_any": any(groups.values()), "now": now},
    )


@login_required
def assignment_detail(request, pk):
    assignment = get_assignment(request.user, pk)
    if assignment.user_teaches:
        return _assignment_instructor_view(request, assignment)
    return _assignment_student_view(request, assignment)


def _assignment_instructor_view(request, assignment):
    allocations = assignment.allocations.select_related("student", "position")
    enrolled = Enrollment.objects.filter(course=assignment.course).select_related("student")
    allocated = {allocation.student_id for allocation in allocations}
    unallocated = [e.student for e in enrolled if e.student_id not in allocated]
    return render(
        request,
        "historiography/assignment_instructor.html",
        {"assignment": assignment, "allocations": allocations, "unallocated": unallocated, "now": timezone.now()},
    )


def _assignment_student_view(request, assignment):
    now = timezone.now()
    allocation = SideAllocation.objects.filter(assignment=assignment, student=request.user).select_related("position").first()
    submission = Submission.objects.filter(assignment=assignment, student=request.user).select_related("feedback").first()
    cited = set(submission.citations.values_list("argument_id", flat=True)) if submission else set()
    positions = list(assignment.positions.all())
    arguments = Argument.objects.published().filter(position__in=positions).for_cards()
    by_position = defaultdict(list)
    for argument in arguments:
        by_position[argument.position_id].append(argument)
    counts = services.side_counts(assignment)
    return render(
        request,
        "historiography/assignment_student.html",
        {
            "assignment": assignment,
            "allocation": allocation,
            "submission": submission,
            "cited": cited,
            "columns": [(position, by_position[position.pk], counts.get(position.pk, 0)) for position in positions],
            "past_due": assignment.is_past_due(now),
            "is_open": assignment.is_open(now),
            "now": now,
        },
    )


@login_required
def assignment_allocate(request, pk):
    """By hand, or balanced at random; asks for confirmation when submissions would move."""
    assignment = get_assignment(request.user, pk, teaching=True)
    positions = list(assignment.positions.all())
    students = [e.student for e in Enrollment.objects.filter(course=assignment.course).select_related("student")]
    current = {a.student_id: a.position_id for a in assignment.allocations.all()}
    if request.method == "POST":
        by_pk = {position.pk: position for position in positions}
        if request.POST.get("method") == "balanced":
            sides = services.balanced_sides(students, positions)
        else:
            sides = {}
            for student in students:
                chosen = request.POST.get(f"side_{student.pk}")
                if chosen and chosen.isdigit() and int(chosen) in by_pk:
                    sides[student] = by_pk[int(chosen)]
        impact = services.allocation_impact(assignment=assignment, sides=sides)
        if impact.moved_submissions and request.POST.get("confirm") != "yes":
            return render(
                request,
                "historiography/assignment_allocate_confirm.html",
                {"assignment": assignment, "impact": impact, "sides": [(s, p) for s, p in sides.items()]},
            )
        try:
            services.assignment_allocate(assignment=assignment, sides=sides)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Sides allocated to {len(sides)} student{'s' if len(sides) != 1 else ''}.")
            return redirect(assignment)
    rows = [(student, current.get(student.pk)) for student in students]
    return render(request, "historiography/assignment_allocate.html", {"assignment": assignment, "positions": positions, "rows": rows})


@login_required
@require_POST
def side_choose(request, pk):
    assignment = get_assignment(request.user, pk)
    if assignment.user_teaches:
        raise PermissionDenied("Instructors allocate sides; they do not choose one.")
    position = assignment.positions.filter(pk=request.POST.get("position") or 0).first() if (request.POST.get("position") or "").isdigit() else None
    if position is None:
        messages.error(request, "Choose one of the sides in play.")
    else:
        try:
            services.side_choose(assignment=assignment, student=request.user, position=position)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You argue “{position.label}”.")
    return redirect(assignment)


# --- Submissions ---------------------------------------------------------------------


def _student_assignment(request, pk):
    assignment = get_assignment(request.user, pk)
    if assignment.user_teaches:
        raise PermissionDenied("Instructors read submissions on the board.")
    return assignment


@login_required
@require_POST
def evidence_add(request, pk):
    assignment = _student_assignment(request, pk)
    argument = Argument.objects.published().filter(slug=request.POST.get("argument", "")).select_related("position").first()
    try:
        submission = services.submission_start(assignment=assignment, student=request.user)
        if argument is None:
            raise ServiceError("That argument does not exist or is not published.")
        services.submission_cite(submission=submission, argument=argument)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Added {argument.historian.name}'s argument to your evidence.")
    if request.POST.get("next") == "editor":
        return redirect("historiography:submission-edit", pk=assignment.pk)
    return redirect(f"{assignment.get_absolute_url()}#argument-{argument.slug if argument else ''}")


@login_required
def submission_edit(request, pk):
    assignment = _student_assignment(request, pk)
    now = timezone.now()
    try:
        submission = services.submission_start(assignment=assignment, student=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(assignment)
    citations = list(submission.citations.select_related("argument__historian", "argument__position", "argument__work"))
    read_only = submission.is_submitted or (assignment.is_past_due(now) and not assignment.accept_late) or not assignment.is_open(now)
    form = SubmissionForm(request.POST or None, citations=citations, initial={"version": submission.version, "statement": submission.statement})
    if request.method == "POST" and not read_only and form.is_valid():
        try:
            submission = services.submission_save(
                submission=submission,
                version=form.cleaned_data["version"],
                statement=form.cleaned_data["statement"],
                comments=form.comments(),
                removed=form.removed(),
            )
            if "submit" in request.POST:
                services.submission_submit(submission=submission)
                messages.success(request, "Submitted. Your instructor can now read it.")
                return redirect(assignment)
        except services.ConflictError as error:
            messages.error(request, str(error))
            return render(request, "historiography/submission_form.html", _editor_context(assignment, submission, form, read_only, conflict=True))
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Draft saved.")
        return redirect("historiography:submission-edit", pk=assignment.pk)
    if request.method == "POST" and read_only:
        messages.error(request, "This submission is read-only: " + ("it has been submitted." if submission.is_submitted else "the deadline has passed."))
    return render(request, "historiography/submission_form.html", _editor_context(assignment, submission, form, read_only))


def _editor_context(assignment, submission, form, read_only, conflict=False):
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    return {
        "assignment": assignment,
        "submission": submission,
        "form": form,
        "read_only": read_only,
        "conflict": conflict,
        "feedback": feedback if feedback and feedback.is_returned else None,
        "past_due": assignment.is_past_due(timezone.now()),
    }


@login_required
def submission_detail(request, pk):
    """One submission: the instructor reads and gives feedback; the author reads it back."""
    submission = get_submission(request.user, pk)
    citations = submission.citations.select_related("argument__historian", "argument__position", "argument__work")
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    form = None
    if submission.user_teaches:
        initial = {"comment": feedback.comment, "grade": feedback.grade, "release": feedback.is_returned} if feedback else {}
        form = FeedbackForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.feedback_save(submission=submission, author=request.user, **form.cleaned_data)
            messages.success(request, "Feedback returned to the student." if form.cleaned_data["release"] else "Feedback saved and held.")
            return redirect(submission)
    elif request.method == "POST":
        raise PermissionDenied("Only instructors give feedback.")
    return render(
        request,
        "historiography/submission_detail.html",
        {"submission": submission, "citations": citations, "feedback": feedback, "form": form},
    )


# --- The board and grades ------------------------------------------------------------


def _board_rows(assignment):
    """Per position: each enrolled student allocated to it, with their submission."""
    enrolled = Enrollment.objects.filter(course=assignment.course).values_list("student_id", flat=True)
    allocations = assignment.allocations.filter(student_id__in=enrolled).select_related("student", "position")
    submissions = {
        s.student_id: s
        for s in assignment.submissions.select_related("feedback").annotate(citation_count=Count("citations"))
    }
    columns = {position.pk: (position, []) for position in assignment.positions.all()}
    for allocation in allocations:
        submission = submissions.get(allocation.student_id)
        if submission is not None:
            submission.board_status = _status_for(submission)
        columns.setdefault(allocation.position_id, (allocation.position, []))[1].append((allocation.student, submission))
    return list(columns.values())


@login_required
def assignment_board(request, pk):
    assignment = get_assignment(request.user, pk)
    if not assignment.user_teaches and not (assignment.board_open and assignment.is_past_due(timezone.now())):
        raise PermissionDenied("The board opens to the class after the deadline, if the instructor opens it.")
    columns = _board_rows(assignment)
    if not assignment.user_teaches:
        # Classmates see submitted cases only: never another student's draft.
        columns = [(position, [(s, sub) for s, sub in rows if sub and sub.is_submitted]) for position, rows in columns]
    return render(request, "historiography/assignment_board.html", {"assignment": assignment, "columns": columns})


@login_required
def assignment_grades_csv(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grades-assignment-{assignment.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["username", "name", "email", "side", "status", "evidence", "words", "submitted_at", "grade", "returned", "feedback"])
    for position, rows in _board_rows(assignment):
        for student, submission in rows:
            feedback = getattr(submission, "feedback", None) if submission and hasattr(submission, "feedback") else None
            writer.writerow([
                _csv_safe(student.username),
                _csv_safe(student.get_full_name()),
                _csv_safe(student.email),
                _csv_safe(position.label),
                submission.board_status if submission else "not started",
                submission.citation_count if submission else 0,
                submission.word_count if submission else 0,
                timezone.localtime(submission.submitted_at).isoformat() if submission and submission.submitted_at else "",
                _csv_safe(feedback.grade) if feedback else "",
                "yes" if feedback and feedback.is_returned else "no",
                _csv_safe(feedback.comment) if feedback else "",
            ])
    return response


def _csv_safe(text):
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
