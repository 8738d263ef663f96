"""A student's case (or a group's consensus): evidence, the editor, feedback on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from historiography.models import Argument
from historiography.validators import whole_number

from .. import rubrics, selectors, services
from ..access import get_assignment_access, get_phase, get_submission_access
from ..forms import GradingForm, SubmissionForm
from ..models import Phase
from ..services import ServiceError


def _student_assignment(request, pk):
    access = get_assignment_access(request.user, pk)
    if access.teaches:
        raise PermissionDenied("Instructors read submissions on the board.")
    return access.assignment


@login_required
@require_POST
def evidence_add(request, pk):
    assignment = _student_assignment(request, pk)
    phase = whole_number(request.POST.get("phase"))
    phase = phase if phase in assignment.phases else Phase.ARGUE
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
    # Back to the page of cards the student was reading, at the card.
    page = whole_number(request.POST.get("page"))
    query = f"?page={page}" if page and page > 1 else ""
    return redirect(f"{assignment.get_absolute_url()}{query}#argument-{argument.slug if argument else ''}")


@require_http_methods(["GET", "HEAD", "POST"])
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
            if "add_evidence" in request.POST:
                # The editor's way to the comparison saves first, so no text is left behind.
                messages.success(request, "Draft saved. Add evidence, then come back to your draft.")
                return redirect(f"{assignment.get_absolute_url()}#sides")
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


@require_POST
def submission_autosave(request, pk, phase=Phase.ARGUE):
    """The editor's autosave (static/js/autosave.js): the statement and comments, under
    the same version check as *Save draft*. JSON both ways, never a redirect, so the script
    can tell a saved draft from an expired session (401), a closed one (403) or a save made
    elsewhere (409); whatever it is told, the text stays in the browser."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": "You are logged out. Log in again: your text is kept in this browser."}, status=401
        )
    assignment = _student_assignment(request, pk)
    phase = get_phase(assignment, phase)
    try:
        submission = services.submission_start(assignment=assignment, student=request.user, phase=phase)
        form = SubmissionForm(request.POST, citations=submission.citations.select_related("argument__historian"))
        if not form.is_valid():
            raise ServiceError(" ".join(error for errors in form.errors.values() for error in errors))
        submission = services.submission_save(
            submission=submission,
            version=form.cleaned_data["version"],
            statement=form.cleaned_data["statement"],
            comments=form.comments(),
            removed=set(),  # removing evidence waits for *Save draft*: the page would not show it gone
        )
    except services.ConflictError as error:
        return JsonResponse({"error": str(error)}, status=409)
    except ServiceError as error:
        return JsonResponse({"error": str(error)}, status=403)
    saved = timezone.localtime(submission.updated)
    return JsonResponse(
        {"version": submission.version, "saved": saved.strftime("%H:%M"), "words": submission.word_count}
    )


def _editor_context(request, assignment, submission, form, read_only, conflict=False):
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    now = timezone.now()
    return {
        "assignment": assignment,
        "submission": submission,
        "phase_label": Phase(submission.phase).label,
        "phase_due": assignment.phase_window(submission.phase)[1],
        "cited_count": len(form.citations),
        "form": form,
        "read_only": read_only,
        "conflict": conflict,
        "feedback": feedback if feedback and feedback.is_returned else None,
        "past_due": assignment.is_past_due(now, submission.phase),
        "other_cases": selectors.cases_in_view(request.user, assignment, submission),
        "group_members": selectors.group_members(submission),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def submission_detail(request, pk):
    """One submission: the instructor grades it (by the rubric's criteria when the
    assignment has one, with comments on particular evidence) and goes on to the next;
    the authors read it back."""
    access = get_submission_access(request.user, pk)
    submission, teaches = access.submission, access.teaches
    citations = list(
        submission.citations.select_related(
            "argument__historian", "argument__school", "argument__position", "argument__work", "instructor_comment"
        )
    )
    feedback = getattr(submission, "feedback", None) if hasattr(submission, "feedback") else None
    criteria = selectors.rubric_criteria(submission.assignment_id)
    scores = selectors.feedback_scores(feedback) if feedback and criteria else {}
    form = next_pk = None
    if teaches:
        form = GradingForm(
            request.POST or None,
            criteria=criteria,
            citations=citations,
            initial=_grading_initial(feedback, scores, citations),
        )
        next_pk = selectors.next_submission(submission)
        if request.method == "POST" and form.is_valid():
            try:
                services.feedback_grade(
                    submission=submission,
                    author=request.user,
                    comment=form.cleaned_data["comment"],
                    grade=form.cleaned_data.get("grade", ""),
                    release=form.cleaned_data["release"],
                    scores=form.scores(),
                    evidence_comments=form.evidence_comments(),
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, "Feedback returned." if form.cleaned_data["release"] else "Feedback saved and held."
                )
                if "save_next" in request.POST and next_pk:
                    return redirect("classroom:submission-detail", pk=next_pk)
                return redirect(submission)
    elif request.method == "POST":
        raise PermissionDenied("Only instructors give feedback.")
    returned = bool(feedback and feedback.is_returned)
    return render(
        request,
        "classroom/submission_detail.html",
        {
            "submission": submission,
            "teaches": teaches,
            "citations": citations,
            "citation_rows": [
                (
                    citation,
                    form[f"evidence-{citation.pk}"] if form else None,
                    _instructor_comment(citation) if (teaches or returned) else None,
                )
                for citation in citations
            ],
            "feedback": feedback,
            "form": form,
            "phase_label": Phase(submission.phase).label,
            "group_members": selectors.group_members(submission),
            "criteria": criteria,
            "score_rows": [(c, scores.get(c.pk)) for c in criteria] if (teaches or returned) else [],
            "rubric_maximum": rubrics.points(rubrics.maximum(criteria)) if criteria else None,
            "next_submission": next_pk,
        },
    )


def _grading_initial(feedback, scores, citations) -> dict:
    if feedback is None:
        return {}
    initial = {"comment": feedback.comment, "grade": feedback.grade, "release": feedback.is_returned}
    initial.update({f"score-{criterion_id}": score.level_id for criterion_id, score in scores.items()})
    for citation in citations:
        comment = _instructor_comment(citation)
        if comment:
            initial[f"evidence-{citation.pk}"] = comment.body
    return initial


def _instructor_comment(citation):
    """The instructor's comment on the citation (joined by the query), or None."""
    return getattr(citation, "instructor_comment", None) if hasattr(citation, "instructor_comment") else None
