"""An assignment's rubric: written as text, or copied from another assignment the
instructor teaches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .. import rubrics, services
from ..access import get_assignment
from ..forms import RubricCopyForm, RubricForm
from ..models import Assignment, Criterion
from ..services import ServiceError


@login_required
def assignment_rubric(request, pk):
    assignment = get_assignment(request.user, pk, teaching=True)
    criteria = list(Criterion.objects.filter(rubric__assignment=assignment).prefetch_related("levels"))
    sources = list(
        Assignment.objects.taught_by(request.user)
        .filter(rubric__isnull=False)
        .exclude(pk=assignment.pk)
        .select_related("course")
        .order_by("course__title", "title")
    )
    action = request.POST.get("action")
    form = RubricForm(request.POST if action == "save" else None, initial={"text": rubrics.as_text(criteria)})
    copy_form = RubricCopyForm(request.POST if action == "copy" else None, sources=sources)
    bound = form if action == "save" else copy_form if action == "copy" else None
    if bound is not None and bound.is_valid():
        try:
            if bound is form:
                services.rubric_set(assignment=assignment, criteria=form.criteria)
            else:
                services.rubric_copy(source=copy_form.cleaned_data["source"], target=assignment)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Rubric saved." if bound is form else "Rubric copied: adjust it below if need be."
            )
            return redirect("classroom:assignment-rubric", pk=assignment.pk)
    return render(
        request,
        "classroom/assignment_rubric.html",
        {
            "assignment": assignment,
            "criteria": criteria,
            "maximum": rubrics.points(rubrics.maximum(criteria)) if criteria else None,
            "form": form,
            "copy_form": copy_form if sources else None,
            "locked": services.rubric_locked(assignment),
        },
    )
