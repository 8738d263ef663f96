"""The classroom: courses, debate assignments, sides, submissions, the board, grades.
Every object comes through historiography/access.py, scoped to the user."""

import csv
import hashlib
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import access, services
from ..access import check_board, get_assignment, get_course, get_submission, is_instructor
from ..forms import AssignmentForm, CourseForm, FeedbackForm, GroupSizeForm, JoinForm, SubmissionForm
from ..models import (
    Allocation,
    Argument,
    Assignment,
    Citation,
    Course,
    Enrollment,
    Phase,
    SideAllocation,
    Submission,
)
from ..services import ServiceError

DUE_SOON_HOURS = 48


# --- Courses -------------------------------------------------------------------------


@login_required
def course_list(request):
    courses = (
        Course.objects.for_user(request.user)
        .annotate(
            student_count=Count("enrollments", distinct=True), assignment_count=Count("assignments", distinct=True)
        )
        .order_by("-created")
    )
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
        enrollment = get_object_or_404(
            Enrollment.objects.select_related("student"), course=course, student_id=request.POST.get("student")
        )
        services.course_remove_student(course=course, student=enrollment.student)
        messages.success(
            request,
            f"{enrollment.student.get_full_name() or enrollment.student.username} was removed from the course. Their submissions are kept.",
        )
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
            messages.success(
                request,
                "Assignment created. Now allocate the sides."
                if assignment.allocation != Allocation.STUDENT_CHOICE
                else "Assignment created. Students choose their sides.",
            )
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
    return render(
        request,
        "historiography/assignment_form.html",
        {"form": form, "course": assignment.course, "assignment": assignment},
    )


def _status_for(submission):
    """not started / draft / submitted / late, for the board and the CSV."""
    if submission is None or (
        not submission.is_submitted and not submission.statement and not submission.citation_count
    ):
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
            Prefetch(
                "allocations",
                queryset=SideAllocation.objects.filter(student=request.user).select_related("position"),
                to_attr="my_allocations",
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.of_student(request.user).select_related("feedback").order_by("phase"),
                to_attr="my_submissions",
            ),
        )
        .order_by("due_at")
    )
    groups = {"graded": [], "submitted": [], "overdue": [], "due soon": [], "upcoming": []}
    for assignment in assignments:
        assignment.my_side = assignment.my_allocations[0].position if assignment.my_allocations else None
        # The phase now running decides where the assignment is listed; its deadline is the one shown.
        assignment.phase_now = assignment.current_phase(now)
        assignment.phase_due = assignment.phase_window(assignment.phase_now)[1]
        by_phase = {submission.phase: submission for submission in assignment.my_submissions}
        submission = by_phase.get(assignment.phase_now)
        assignment.my_submission = submission
        assignment.grades = [
            (phase, by_phase[phase].feedback.grade)
            for phase in assignment.phases
            if phase in by_phase and getattr(by_phase[phase], "feedback", None) and by_phase[phase].feedback.is_returned
        ]
        feedback = getattr(submission, "feedback", None) if submission else None
        if feedback and feedback.is_returned:
            groups["graded"].append(assignment)
        elif submission and submission.is_submitted:
            groups["submitted"].append(assignment)
        elif assignment.is_past_due(now, assignment.phase_now):
            groups["overdue"].append(assignment)
        elif (assignment.phase_due - now).total_seconds() < DUE_SOON_HOURS * 3600:
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
    now = timezone.now()
    allocations = assignment.allocations.select_related("student", "position", "group")
    enrolled = Enrollment.objects.filter(course=assignment.course).select_related("student")
    allocated = {allocation.student_id for allocation in allocations}
    unallocated = [e.student for e in enrolled if e.student_id not in allocated]
    held = assignment.submissions.filter(feedback__isnull=False, feedback__returned_at__isnull=True).count()
    return render(
        request,
        "historiography/assignment_instructor.html",
        {
            "assignment": assignment,
            "allocations": allocations,
            "unallocated": unallocated,
            "phases": _phase_rows(assignment, now),
            "phase_now": assignment.current_phase(now),
            "all_ended": assignment.is_past_due(now, assignment.phases[-1]),
            "held_feedback": held,
            "now": now,
        },
    )


def _phase_rows(assignment, now, submissions=None):
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


def _assignment_student_view(request, assignment):
    now = timezone.now()
    allocation = (
        SideAllocation.objects.filter(assignment=assignment, student=request.user)
        .select_related("position", "group")
        .first()
    )
    submissions = {
        s.phase: s
        for s in Submission.objects.filter(assignment=assignment)
        .of_student(request.user)
        .select_related("feedback", "position")
    }
    phase = assignment.current_phase(now)
    submission = submissions.get(phase)
    cited = set(submission.citations.values_list("argument_id", flat=True)) if submission else set()
    positions = list(assignment.positions.all())
    arguments = Argument.objects.published().filter(position__in=positions).for_cards()
    by_position = defaultdict(list)
    for argument in arguments:
        by_position[argument.position_id].append(argument)
    counts = services.side_counts(assignment)
    group_members = []
    if allocation and allocation.group_id:
        group_members = [
            a.student
            for a in SideAllocation.objects.filter(group_id=allocation.group_id).select_related("student", "position")
        ]
    side_now = None
    if allocation:
        side_now = (
            allocation.position
            if phase == Phase.ARGUE
            else (services.swapped_side(assignment, allocation.position) if phase == Phase.SWAP else None)
        )
    past_due = assignment.is_past_due(now, phase)
    return render(
        request,
        "historiography/assignment_student.html",
        {
            "assignment": assignment,
            "allocation": allocation,
            "submission": submission,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phases": _phase_rows(assignment, now, submissions),
            "side_now": side_now,
            "group_members": group_members,
            "cited": cited,
            "columns": [(position, by_position[position.pk], counts.get(position.pk, 0)) for position in positions],
            "past_due": past_due,
            "is_open": assignment.is_open(now, phase),
            "can_cite": bool(allocation)
            and assignment.is_open(now, phase)
            and (not past_due or assignment.accept_late)
            and not (submission and submission.is_submitted)
            and (phase != Phase.CONSENSUS or bool(group_members)),
            "can_read_board": access.can_read_board(request.user, assignment, phase, now),
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
    return render(
        request,
        "historiography/assignment_allocate.html",
        {"assignment": assignment, "positions": positions, "rows": rows},
    )


@login_required
@require_POST
def side_choose(request, pk):
    assignment = get_assignment(request.user, pk)
    if assignment.user_teaches:
        raise PermissionDenied("Instructors allocate sides; they do not choose one.")
    position = (
        assignment.positions.filter(pk=request.POST.get("position") or 0).first()
        if (request.POST.get("position") or "").isdigit()
        else None
    )
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


def _phase_or_404(assignment, phase):
    if phase not in assignment.phases:
        raise Http404("This assignment has no such phase.")
    return phase


@login_required
@require_POST
def evidence_add(request, pk):
    assignment = _student_assignment(request, pk)
    phase = request.POST.get("phase", "1")
    phase = int(phase) if phase.isdigit() and int(phase) in assignment.phases else Phase.ARGUE
    argument = (
        Argument.objects.published().filter(slug=request.POST.get("argument", "")).select_related("position").first()
    )
    try:
        submission = services.submission_start(assignment=assignment, student=request.user, phase=phase)
        if argument is None:
            raise ServiceError("That argument does not exist or is not published.")
        services.submission_cite(submission=submission, argument=argument)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Added {argument.historian.name}'s argument to your evidence.")
    if request.POST.get("next") == "editor":
        return redirect("historiography:submission-edit-phase", pk=assignment.pk, phase=phase)
    return redirect(f"{assignment.get_absolute_url()}#argument-{argument.slug if argument else ''}")


@login_required
def submission_edit(request, pk, phase=Phase.ARGUE):
    assignment = _student_assignment(request, pk)
    phase = _phase_or_404(assignment, phase)
    now = timezone.now()
    try:
        submission = services.submission_start(assignment=assignment, student=request.user, phase=phase)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(assignment)
    citations = list(submission.citations.select_related("argument__historian", "argument__position", "argument__work"))
    read_only = (
        submission.is_submitted
        or (assignment.is_past_due(now, phase) and not assignment.accept_late)
        or not assignment.is_open(now, phase)
    )
    form = SubmissionForm(
        request.POST or None,
        citations=citations,
        initial={"version": submission.version, "statement": submission.statement},
    )
    here = redirect("historiography:submission-edit-phase", pk=assignment.pk, phase=phase)
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
            return render(
                request,
                "historiography/submission_form.html",
                _editor_context(request, assignment, submission, form, read_only, conflict=True),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Draft saved.")
        return here
    if request.method == "POST" and read_only:
        messages.error(
            request,
            "This submission is read-only: "
            + (
                "it has been submitted."
                if submission.is_submitted
                else "the deadline has passed."
                if assignment.is_open(now, phase)
                else "this phase has not started yet."
            ),
        )
    return render(
        request,
        "historiography/submission_form.html",
        _editor_context(request, assignment, submission, form, read_only),
    )


def _editor_context(request, assignment, submission, form, read_only, conflict=False):
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    now = timezone.now()
    return {
        "assignment": assignment,
        "submission": submission,
        "phase_label": Phase(submission.phase).label,
        "phase_due": assignment.phase_window(submission.phase)[1],
        "form": form,
        "read_only": read_only,
        "conflict": conflict,
        "feedback": feedback if feedback and feedback.is_returned else None,
        "past_due": assignment.is_past_due(now, submission.phase),
        "other_cases": _cases_in_view(request.user, assignment, submission),
        "group_members": _group_members(submission),
    }


def _group_members(submission):
    """The members of a consensus submission's group, each with `side_label`."""
    if not submission.group_id:
        return []
    members = []
    for allocation in SideAllocation.objects.filter(group_id=submission.group_id).select_related("student", "position"):
        allocation.student.side_label = allocation.position.label
        members.append(allocation.student)
    return members


def _cases_in_view(user, assignment, submission):
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


@login_required
def submission_detail(request, pk):
    """One submission: the instructor reads and gives feedback; the authors read it back."""
    submission = get_submission(request.user, pk)
    citations = submission.citations.select_related("argument__historian", "argument__position", "argument__work")
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    form = None
    if submission.user_teaches:
        initial = (
            {"comment": feedback.comment, "grade": feedback.grade, "release": feedback.is_returned} if feedback else {}
        )
        form = FeedbackForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.feedback_save(submission=submission, author=request.user, **form.cleaned_data)
            messages.success(
                request, "Feedback returned." if form.cleaned_data["release"] else "Feedback saved and held."
            )
            return redirect(submission)
    elif request.method == "POST":
        raise PermissionDenied("Only instructors give feedback.")
    return render(
        request,
        "historiography/submission_detail.html",
        {
            "submission": submission,
            "citations": citations,
            "feedback": feedback,
            "form": form,
            "phase_label": Phase(submission.phase).label,
            "group_members": _group_members(submission),
        },
    )


# --- Controversy: groups and phases ----------------------------------------------------


@login_required
def assignment_groups(request, pk):
    """Form consensus groups across the sides automatically, or by hand."""
    assignment = get_assignment(request.user, pk, teaching=True)
    if not assignment.is_controversy:
        messages.error(request, "Groups are for Structured Academic Controversy assignments.")
        return redirect(assignment)
    allocations = list(assignment.allocations.select_related("student", "position", "group"))
    size_form = GroupSizeForm(request.POST if request.POST.get("method") == "auto" else None)
    if request.method == "POST":
        try:
            if request.POST.get("method") == "auto":
                if not size_form.is_valid():
                    raise ServiceError("Choose a group size from 2 to 6.")
                count = services.groups_form(assignment=assignment, size=size_form.cleaned_data["size"])
            else:
                numbers = {}
                for allocation in allocations:
                    value = request.POST.get(f"group_{allocation.student_id}", "").strip()
                    if value and not value.isdigit():
                        raise ServiceError(f"“{value}” is not a group number: use whole numbers, or leave it empty.")
                    numbers[allocation.student_id] = int(value) if value else None
                count = services.groups_set(assignment=assignment, numbers=numbers)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{count} group{'s' if count != 1 else ''} formed.")
            return redirect("historiography:assignment-groups", pk=assignment.pk)
    groups = defaultdict(list)
    for allocation in allocations:
        groups[allocation.group.number if allocation.group_id else None].append(allocation)
    return render(
        request,
        "historiography/assignment_groups.html",
        {
            "assignment": assignment,
            "allocations": allocations,
            "groups": sorted((n, members) for n, members in groups.items() if n is not None),
            "ungrouped": groups.get(None, []),
            "size_form": size_form,
            "locked": assignment.submissions.filter(phase=Phase.CONSENSUS).exists(),
        },
    )


@login_required
@require_POST
def assignment_end_phase(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    try:
        phase = services.assignment_end_phase(assignment=assignment)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        following = phase + 1 if phase + 1 in assignment.phases else None
        messages.success(
            request,
            f"Phase {phase} ended."
            + (
                f" Phase {following} ({Phase(following).label}) is open." if following else " The assignment is closed."
            ),
        )
    return redirect(assignment)


@login_required
@require_POST
def feedback_release(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    released = services.feedback_release(assignment=assignment)
    messages.success(
        request,
        f"Returned {released} held feedback{'s' if released != 1 else ''} to the students."
        if released
        else "No feedback was held.",
    )
    return redirect(assignment)


@login_required
def course_student(request, pk, student_pk):
    """Everything one student did in the course, for its instructors: sides, groups, each
    phase's submission with its evidence count and feedback; releases their held feedback."""
    course = get_course(request.user, pk, teaching=True)
    enrollment = get_object_or_404(Enrollment.objects.select_related("student"), course=course, student_id=student_pk)
    student = enrollment.student
    if request.method == "POST":
        released = services.feedback_release(course=course, student=student)
        messages.success(
            request,
            f"Returned {released} held feedback{'s' if released != 1 else ''} to {student.get_full_name() or student.username}."
            if released
            else "No feedback was held for this student.",
        )
        return redirect("historiography:course-student", pk=course.pk, student_pk=student.pk)
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
                .annotate(citation_count=Count("citations"))
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
            submission.board_status = _status_for(submission)
            feedback = getattr(submission, "feedback", None)
            held += bool(feedback and not feedback.is_returned)
        allocation = assignment.student_allocations[0] if assignment.student_allocations else None
        rows.append(
            (assignment, allocation, [(phase, Phase(phase).label, by_phase.get(phase)) for phase in assignment.phases])
        )
    return render(
        request,
        "historiography/course_student.html",
        {"course": course, "student": student, "enrollment": enrollment, "rows": rows, "held": held},
    )


# --- The board and grades ------------------------------------------------------------


def _board_rows(assignment, phase=Phase.ARGUE):
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
            submission.board_status = _status_for(submission)
        side = allocation.position if phase == Phase.ARGUE else services.next_side(positions, allocation.position)
        columns.setdefault(side.pk, (side, []))[1].append((allocation.student, submission))
    return list(columns.values())


def _group_rows(assignment):
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
            submission.board_status = _status_for(submission)
        rows.append((group, [a for a in group.allocations.all() if a.student_id in enrolled], submission))
    return rows


def _anonymise(request, assignment, student_ids):
    """Classmate numbers, stable within the assignment and not in roster order, for
    boards shown to students of an anonymous assignment."""
    others = sorted(
        {pk for pk in student_ids if pk != request.user.pk},
        key=lambda pk: hashlib.sha256(f"{assignment.pk}:{pk}".encode()).hexdigest(),
    )
    return {request.user.pk: "You", **{pk: f"Classmate {index}" for index, pk in enumerate(others, start=1)}}


@login_required
def assignment_board(request, pk, phase=Phase.ARGUE):
    assignment = get_assignment(request.user, pk)
    phase = _phase_or_404(assignment, phase)
    check_board(request.user, assignment, phase, timezone.now())
    columns, group_rows = [], []
    if phase == Phase.CONSENSUS:
        group_rows = _group_rows(assignment)
        if not assignment.user_teaches:
            group_rows = [(g, members, sub) for g, members, sub in group_rows if sub and sub.is_submitted]
    else:
        columns = _board_rows(assignment, phase)
        if not assignment.user_teaches:
            # Classmates see submitted cases only: never another student's draft.
            columns = [
                (position, [(s, sub) for s, sub in rows if sub and sub.is_submitted]) for position, rows in columns
            ]
    students = [s for _, rows in columns for s, _ in rows] + [
        a.student for _, members, _ in group_rows for a in members
    ]
    aliases = {}
    if assignment.anonymous_peers and not assignment.user_teaches:
        aliases = _anonymise(request, assignment, [student.pk for student in students])
    for student in students:
        student.board_name = aliases.get(student.pk) or student.get_full_name() or student.username
    return render(
        request,
        "historiography/assignment_board.html",
        {
            "assignment": assignment,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_links": [(p, Phase(p).label) for p in assignment.phases],
            "columns": columns,
            "group_rows": group_rows,
            "anonymous": bool(aliases),
        },
    )


@login_required
def assignment_grades_csv(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="grades-assignment-{assignment.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "username",
            "name",
            "email",
            "phase",
            "side",
            "status",
            "evidence",
            "words",
            "submitted_at",
            "grade",
            "returned",
            "feedback",
        ]
    )

    def row(student, phase, side, submission):
        feedback = getattr(submission, "feedback", None) if submission and hasattr(submission, "feedback") else None
        writer.writerow(
            [
                _csv_safe(student.username),
                _csv_safe(student.get_full_name()),
                _csv_safe(student.email),
                phase,
                _csv_safe(side),
                submission.board_status if submission else "not started",
                submission.citation_count if submission else 0,
                submission.word_count if submission else 0,
                timezone.localtime(submission.submitted_at).isoformat()
                if submission and submission.submitted_at
                else "",
                _csv_safe(feedback.grade) if feedback else "",
                "yes" if feedback and feedback.is_returned else "no",
                _csv_safe(feedback.comment) if feedback else "",
            ]
        )

    for phase in assignment.phases:
        if phase == Phase.CONSENSUS:
            # The group's grade is each member's grade for the consensus.
            for group, members, submission in _group_rows(assignment):
                for allocation in members:
                    row(allocation.student, phase, str(group), submission)
        else:
            for position, rows in _board_rows(assignment, phase):
                for student, submission in rows:
                    row(student, phase, position.label, submission)
    return response


def _csv_safe(text):
    """Spreadsheets run cells starting with = + - @ as formulas; quote them out."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
