"""Deep Linking: from inside the platform an instructor picks a question or one of the
course's assignments; the tool answers with a deep-linking response, a JWT signed with the
tool's key, naming the chosen resource links (an assignment's with a gradebook column)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import reverse
from lti_tool.models import LtiLaunch
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from historiography.models import Question
from historiography.validators import whole_number

from ..models import Assignment, Course, Criterion
from .grades import SCALE
from .launch import LaunchRefused, registration_origins


def _settings(lti_launch: LtiLaunch) -> dict:
    claim = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
    return claim if isinstance(claim, dict) else {}


def _accepts_multiple(settings: dict) -> bool:
    return settings.get("accept_multiple") in (True, "true")


def _framed(request, response, lti_launch: LtiLaunch, form_action: str = ""):
    """Lets the platform show the page in its frame (Canvas and Moodle open deep linking in
    one) and, for the response, post its form back to the platform."""
    origins = registration_origins(lti_launch.registration)
    response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
    if form_action:
        response._csp_update = {"form-action": [form_action]}
    response.xframe_options_exempt = True
    return response


def picker(request, lti_launch: LtiLaunch, course: Course):
    settings = _settings(lti_launch)
    context = {
        "course": course,
        "launch_id": lti_launch.get_launch_id(),
        "multiple": _accepts_multiple(settings),
        "assignments": Assignment.objects.filter(course=course).order_by("due_at", "pk"),
        "questions": Question.objects.published().select_related("topic").order_by("topic__title", "order", "title"),
    }
    return _framed(request, render(request, "classroom/lti/deep_link_picker.html", context), lti_launch)


def _score_maximum(assignment: Assignment) -> float:
    """The gradebook column's maximum: the rubric's (its best level in each criterion), else 100."""
    criteria = Criterion.objects.filter(rubric__assignment=assignment).prefetch_related("levels")
    total = sum(max((level.points for level in criterion.levels.all()), default=0) for criterion in criteria)
    return float(total) if total > 0 else SCALE


def _resources(request, lti_launch: LtiLaunch, course: Course, chosen: list[str]) -> list[DeepLinkResource]:
    launch_url = request.build_absolute_uri(reverse("classroom:lti-launch"))
    resources = []
    for item in chosen:
        kind, _, key = item.partition(":")
        resource = DeepLinkResource().set_url(launch_url)
        if kind == "assignment" and (pk := whole_number(key)) is not None:
            assignment = Assignment.objects.filter(course=course, pk=pk).first()
            if assignment is None:
                raise LaunchRefused("That assignment is not one of this course's.")
            lineitem = (
                LineItem()
                .set_label(assignment.title)
                .set_score_maximum(_score_maximum(assignment))
                .set_resource_id(f"assignment-{assignment.pk}")
            )
            resource.set_title(assignment.title).set_custom_params({"assignment": str(assignment.pk)})
            resource.set_lineitem(lineitem)
        elif kind == "question" and key and len(key) <= 120:
            question = Question.objects.published().filter(slug=key).first()
            if question is None:
                raise LaunchRefused("That question is not on this site.")
            resource.set_title(question.title).set_custom_params({"question": question.slug})
        else:
            raise LaunchRefused("Choose an assignment or a question to link.")
        resources.append(resource)
    return resources


def respond(request, lti_launch: LtiLaunch, course: Course):
    """The signed deep-linking response for the instructor's choice, in a page whose form
    the browser posts to the platform's return URL."""
    settings = _settings(lti_launch)
    return_url = settings.get("deep_link_return_url")
    if not isinstance(return_url, str) or urlsplit(return_url).scheme not in ("http", "https"):
        raise LaunchRefused("The platform gave no address to return the choice to.")
    chosen = [item for item in request.POST.getlist("item") if isinstance(item, str)][:20]
    if not chosen:
        raise LaunchRefused("Nothing was chosen: go back and pick an assignment or a question.")
    if len(chosen) > 1 and not _accepts_multiple(settings):
        raise LaunchRefused("The platform accepts one link at a time: choose one.")
    resources = _resources(request, lti_launch, course, chosen)
    token = lti_launch.get_message_launch().get_deep_link().get_response_jwt(resources)
    parts = urlsplit(return_url)
    response = render(
        request,
        "classroom/lti/deep_link_return.html",
        {"return_url": return_url, "jwt": token, "titles": [resource.get_title() for resource in resources]},
    )
    return _framed(request, response, lti_launch, form_action=f"{parts.scheme}://{parts.netloc}")
