"""A student's case (or a group's consensus): evidence, the editor, feedback on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from historiography.models import Argument

from .. import selectors, services
from ..access import get_assignment, get_phase, get_submission
from ..forms import FeedbackForm, SubmissionForm
from ..models import Phase
from ..services import ServiceError


def _student_assignment(request, pk):
    assignment = get_assignment(request.user, pk)
    if assignment.user_teaches:
        raise PermissionDenied("Instructors read submissions on the board.")
    return assignment


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
        return redirect("classroom:submission-edit-phase", pk=assignment.pk, phase=phase)
    return redirect(f"{assignment.get_absolute_url()}#argument-{argument.slug if argument else ''}")


@login_required
def submission_edit(request, pk, phase=Phase.ARGUE):
    assignment = _student_assignment(request, pk)
    phase = get_phase(assignment, phase)
    now = timezone.now()
    try:
        submission = services.submission_start(assignment=assignment, student=request.user, phase=phase)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(assignment)
    citations = list(
        submission.citations.select_related(
            "argument__historian", "argument__school", "argument__position", "argument__work"
        )
    )
    read_only = not submission.is_editable(now)
    form = SubmissionForm(
        request.POST or None,
        citations=citations,
        initial={"version": submission.version, "statement": submission.statement},
    )
    here = redirect("classroom:submission-edit-phase", pk=assignment.pk, phase=phase)
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
                "classroom/submission_form.html",
                _editor_context(request, assignment, submission, form, read_only, conflict=True),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Draft saved.")
        return here
    if request.method == "POST" and read_only:
        messages.error(request, submission.edit_refusal(now))
    return render(
        request,
        "classroom/submission_form.html",
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
        "other_cases": selectors.cases_in_view(request.user, assignment, submission),
        "group_members": selectors.group_members(submission),
    }


@login_required
def submission_detail(request, pk):
    """One submission: the instructor reads and gives feedback; the authors read it back."""
    submission = get_submission(request.user, pk)
    citations = submission.citations.select_related(
        "argument__historian", "argument__school", "argument__position", "argument__work"
    )
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
        "classroom/submission_detail.html",
        {
            "submission": submission,
            "citations": citations,
            "feedback": feedback,
            "form": form,
            "phase_label": Phase(submission.phase).label,
            "group_members": selectors.group_members(submission),
        },
    )
