"""Debate assignments: setting them, the student's and the instructor's view, sides, groups and phases."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from historiography import cards as card_cache
from historiography.validators import whole_number

from .. import selectors, services
from ..access import can_read_board, get_assignment, get_assignment_access, get_course
from ..forms import AssignmentForm, GroupSizeForm, QuestionChoiceForm
from ..models import Enrollment, Phase, SideAllocation, Submission
from ..services import ServiceError


def _assignment_fields(form):
    fields = dict(form.cleaned_data)
    fields.pop("confirm_past")
    return fields.pop("positions"), fields


def _assignment_form_page(request, course, form, assignment=None):
    """Step 1 (choose the question) unless one is chosen, then step 2 (its sides and the
    rest). `?choose=1` goes back to step 1; a bad `?question=` shows step 1 with the error."""
    question = None if "choose" in request.GET else form.chosen_question()
    chooser = None
    if question is None:
        asked = "question" in request.GET and "choose" not in request.GET
        chooser = QuestionChoiceForm(request.GET if asked else None, initial={"question": form.question_id()})
        if asked:
            chooser.is_valid()  # shows why the question was not taken
    return render(
        request,
        "classroom/assignment_form.html",
        {"form": form, "course": course, "assignment": assignment, "question": question, "chooser": chooser},
    )


def _chosen_in_query(request):
    """The question picked in step 1 (`?question=<id>`), as initial data for step 2."""
    chooser = QuestionChoiceForm(request.GET) if "question" in request.GET else None
    if chooser and chooser.is_valid():
        return {"question": chooser.cleaned_data["question"].pk}
    return {}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_create(request, pk):
    course = get_course(request.user, pk, teaching=True)
    form = AssignmentForm(request.POST or None, initial=_chosen_in_query(request))
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
                if not assignment.lets_students_choose
                else "Assignment created. Students choose their sides.",
            )
            return redirect(assignment)
    return _assignment_form_page(request, course, form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_edit(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    form = AssignmentForm(request.POST or None, instance=assignment, initial=_chosen_in_query(request))
    if request.method == "POST" and form.is_valid():
        positions, fields = _assignment_fields(form)
        try:
            services.assignment_update(assignment=assignment, positions=positions, **fields)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Assignment saved.")
            return redirect(assignment)
    return _assignment_form_page(request, assignment.course, form, assignment)


@require_safe
@login_required
def my_assignments(request):
    """The student's assignments, grouped: due soon, upcoming, overdue, submitted, graded."""
    now = timezone.now()
    groups = selectors.student_assignments(request.user, now)
    return render(
        request,
        "classroom/my_assignments.html",
        {"groups": groups, "has_any": any(rows for _, rows in groups), "now": now},
    )


@require_safe
@login_required
def assignment_detail(request, pk):
    access = get_assignment_access(request.user, pk)
    if access.teaches:
        return _assignment_instructor_view(request, access.assignment)
    return _assignment_student_view(request, access.assignment)


def _assignment_instructor_view(request, assignment):
    now = timezone.now()
    allocations = assignment.allocations.select_related("student", "position", "group")
    enrolled = Enrollment.objects.filter(course=assignment.course).select_related("student")
    allocated = {allocation.student_id for allocation in allocations}
    unallocated = [e.student for e in enrolled if e.student_id not in allocated]
    held = assignment.submissions.filter(feedback__isnull=False, feedback__returned_at__isnull=True).count()
    return render(
        request,
        "classroom/assignment_instructor.html",
        {
            "assignment": assignment,
            "allocations": allocations,
            "unallocated": unallocated,
            "phases": selectors.phase_rows(assignment, now),
            "phase_now": assignment.current_phase(now),
            "all_ended": assignment.is_past_due(now, assignment.phases[-1]),
            "held_feedback": held,
            "now": now,
        },
    )


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
    # The sides' arguments a page of each column at a time (not every card of a large
    # scholarship), the same for every student: from the shared cache.
    sides = card_cache.sides_page(positions, request.GET.get("page"), heading_level=4)
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
    can_choose_side = (
        phase == Phase.ARGUE
        and assignment.side_choice_refusal(
            now, has_submitted=any(s.is_submitted for p, s in submissions.items() if p != Phase.CONSENSUS)
        )
        is None
    )
    # How many students took each side: shown only to a student who may choose one.
    taken = services.side_counts(assignment) if can_choose_side else {}
    return render(
        request,
        "classroom/assignment_student.html",
        {
            "assignment": assignment,
            "allocation": allocation,
            "submission": submission,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phases": selectors.phase_rows(assignment, now, submissions),
            "side_now": side_now,
            "group_members": group_members,
            "cited": cited,
            "columns": [
                (position, sides.column(position.pk), taken.get(position.pk, 0), sides.counts.get(position.pk, 0))
                for position in positions
            ],
            "page": sides.page,
            "first": sides.first,
            "cards": sides.cards,
            "past_due": past_due,
            "is_open": assignment.is_open(now, phase),
            "can_cite": bool(allocation)
            and assignment.accepts_work(now, phase)
            and not (submission and submission.is_submitted)
            and (phase != Phase.CONSENSUS or bool(group_members)),
            "can_choose_side": can_choose_side,
            "can_read_board": can_read_board(request.user, assignment, phase, now, teaches=False),
            "now": now,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_allocate(request, pk):
    """By hand, or balanced at random. At random deals only the students without a side
    (a late joiner does not re-deal the class) unless the instructor asks to re-deal
    everyone; either way a page first says who gets a side and which submissions move."""
    assignment = get_assignment(request.user, pk, teaching=True)
    positions = list(assignment.positions.all())
    students = [e.student for e in Enrollment.objects.filter(course=assignment.course).select_related("student")]
    current = {a.student_id: a.position_id for a in assignment.allocations.all()}
    if request.method == "POST":
        by_pk = {position.pk: position for position in positions}
        method = request.POST.get("method")
        if method == "balanced":
            redeal = request.POST.get("redeal") == "all"
            dealt = students if redeal else [s for s in students if s.pk not in current]
            if request.POST.get("confirm") != "yes":
                return render(
                    request,
                    "classroom/assignment_deal_confirm.html",
                    {
                        "assignment": assignment,
                        "redeal": redeal,
                        "dealt": dealt,
                        "kept": len(students) - len(dealt),
                        "started": selectors.started_cases(assignment, [s.pk for s in dealt if s.pk in current]),
                    },
                )
            sides = services.balanced_sides(
                dealt, positions, counts=None if redeal else _side_counts(current, positions)
            )
        else:
            sides = {}
            for student in students:
                chosen = whole_number(request.POST.get(f"side_{student.pk}"))
                if chosen in by_pk:
                    sides[student] = by_pk[chosen]
        impact = services.allocation_impact(assignment=assignment, sides=sides)
        if method != "balanced" and impact.moved_submissions and request.POST.get("confirm") != "yes":
            return render(
                request,
                "classroom/assignment_allocate_confirm.html",
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
        "classroom/assignment_allocate.html",
        {
            "assignment": assignment,
            "positions": positions,
            "rows": rows,
            "unallocated": sum(1 for student in students if student.pk not in current),
        },
    )


def _side_counts(current, positions):
    """How many students each side has already, for dealing the rest so sides even out."""
    counts = {position.pk: 0 for position in positions}
    for position_id in current.values():
        if position_id in counts:
            counts[position_id] += 1
    return counts


@login_required
@require_POST
def side_choose(request, pk):
    access = get_assignment_access(request.user, pk)
    if access.teaches:
        raise PermissionDenied("Instructors allocate sides; they do not choose one.")
    assignment = access.assignment
    position_id = whole_number(request.POST.get("position"))
    position = assignment.positions.filter(pk=position_id).first() if position_id else None
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


@require_http_methods(["GET", "HEAD", "POST"])
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
                    if value and whole_number(value) is None:
                        raise ServiceError(f"“{value}” is not a group number: use whole numbers, or leave it empty.")
                    numbers[allocation.student_id] = whole_number(value)
                count = services.groups_set(assignment=assignment, numbers=numbers)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{count} group{'s' if count != 1 else ''} formed.")
            return redirect("classroom:assignment-groups", pk=assignment.pk)
    groups = defaultdict(list)
    for allocation in allocations:
        groups[allocation.group.number if allocation.group_id else None].append(allocation)
    return render(
        request,
        "classroom/assignment_groups.html",
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
    """Ends the running phase now, after a page that says what that does and to whom."""
    assignment = get_assignment(request.user, pk, teaching=True)
    if request.POST.get("confirm") != "yes":
        now = timezone.now()
        phase = assignment.current_phase(now)
        return render(
            request,
            "classroom/assignment_end_confirm.html",
            {
                "assignment": assignment,
                "phase": phase,
                "due": assignment.phase_window(phase)[1],
                "following": phase + 1 if phase + 1 in assignment.phases else None,
                "following_label": Phase(phase + 1).label if phase + 1 in assignment.phases else "",
                "unsubmitted": selectors.unsubmitted_students(assignment, phase),
            },
        )
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
