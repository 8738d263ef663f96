"""The tool's pages for the learning platform: OIDC login initiation, launch, the tool's
key set and configuration, the deep-linking picker, and the course's learning-platform page
(roster and grades sent back)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key
from pylti1p3.exception import LtiException

from historiography.services import ServiceError

from ..access import get_course
from ..models import GradeSyncStatus, LtiCourseLink, LtiGradeSync
from . import deep_linking, grades, roster
from .enter import launch_enter, teaches
from .launch import LaunchRefused, oidc_redirect, restored_launch, validated_launch

logger = logging.getLogger(__name__)
BACKEND = "django.contrib.auth.backends.ModelBackend"


def refused(request, reason: str, *, status: int = 400):
    """The clear page for a login or launch that was not accepted (nothing was recorded)."""
    return render(request, "classroom/lti/launch_refused.html", {"reason": reason[:500]}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    """Step 1 of a launch: the platform names itself (iss, client_id, login_hint); the tool
    answers with a redirect to the platform's authorization endpoint, a state cookie and a nonce."""
    try:
        return oidc_redirect(request)
    except LaunchRefused as error:
        return refused(request, str(error))


@csrf_exempt
@require_POST
def launch(request):
    """Step 2: the platform posts the signed id_token. Checked, then the user is brought in
    (created at the first launch), logged in and sent where the link points."""
    try:
        lti_launch = validated_launch(request)
        roles = lti_launch.roles_claim if isinstance(lti_launch.roles_claim, list) else []
        if lti_launch.is_deep_link_launch and not teaches(roles):
            raise LaunchRefused("Only a course's instructors can choose what to link from this site.")
        if not (lti_launch.is_resource_launch or lti_launch.is_deep_link_launch):
            raise LaunchRefused("This site answers resource links and deep linking only.")
        entry = launch_enter(lti_launch)
    except LaunchRefused as error:
        return refused(request, str(error))
    except (DatabaseError, ValidationError, ServiceError, LtiException) as error:
        logger.warning("LTI launch not recorded: %s", error)
        return refused(request, "The launch's details could not be recorded (a value is too long or malformed).")
    login(request, entry.user, backend=BACKEND)
    if lti_launch.is_deep_link_launch:
        return deep_linking.picker(request, lti_launch, entry.course)
    return redirect(entry.destination)


@csrf_exempt
@require_POST
def deep_link_return(request):
    """The instructor's choice in the picker, answered with the signed deep-linking response
    (a JWT the browser posts back to the platform). The picker's form carries the launch id,
    which stands for the checked launch: the page is framed by the platform, where the
    site's cookies may not be sent."""
    try:
        lti_launch = restored_launch(request, request.POST.get("launch_id", ""))
        roles = lti_launch.roles_claim if isinstance(lti_launch.roles_claim, list) else []
        if not lti_launch.is_deep_link_launch or not teaches(roles):
            raise LaunchRefused("This launch was not an instructor's deep-linking request.")
        link = LtiCourseLink.objects.filter(context=lti_launch.context).select_related("course").first()
        if link is None:
            raise LaunchRefused("This launch's course is not known here: launch the tool again.")
        return deep_linking.respond(request, lti_launch, link.course)
    except LaunchRefused as error:
        return refused(request, str(error))


@require_GET
def jwks(request):
    """The tool's public keys, with which platforms check what the tool signs."""
    return JsonResponse(Key.objects.as_jwks())


def tool_urls(request) -> dict:
    def absolute(name):
        return request.build_absolute_uri(reverse(name))

    return {
        "login": absolute("classroom:lti-login"),
        "launch": absolute("classroom:lti-launch"),
        "jwks": absolute("classroom:lti-jwks"),
        "config": absolute("classroom:lti-config"),
        "deep_link": absolute("classroom:lti-launch"),
        "domain": request.get_host(),
    }


@require_GET
def config(request):
    """The tool's configuration as Canvas reads it ("Enter URL" of an LTI developer key)."""
    urls = tool_urls(request)
    placement = {
        "text": "Debates in History",
        "enabled": True,
        "message_type": "LtiDeepLinkingRequest",
        "target_link_uri": urls["launch"],
    }
    return JsonResponse(
        {
            "title": "Debates in History",
            "description": "Compare historians' interpretations and argue them in class.",
            "oidc_initiation_url": urls["login"],
            "target_link_uri": urls["launch"],
            "public_jwk_url": urls["jwks"],
            "scopes": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
            ],
            "extensions": [
                {
                    "platform": "canvas.instructure.com",
                    "privacy_level": "public",
                    "domain": urls["domain"],
                    "settings": {
                        "placements": [
                            {**placement, "placement": "assignment_selection"},
                            {**placement, "placement": "link_selection"},
                            {
                                "placement": "course_navigation",
                                "text": "Debates in History",
                                "message_type": "LtiResourceLinkRequest",
                                "target_link_uri": urls["launch"],
                                "windowTarget": "_blank",
                            },
                        ]
                    },
                }
            ],
            "custom_fields": {},
        }
    )


@require_GET
def setup(request):
    """What a school's administrator enters in the platform (Moodle's "Configure a tool
    manually" and Canvas's developer key)."""
    return render(request, "classroom/lti/setup.html", {"urls": tool_urls(request)})


@login_required
@require_http_methods(["GET", "POST"])
def course_platform(request, pk):
    """The course's learning-platform page: its links, the roster from the platform and the
    grades sent back, with what failed."""
    course = get_course(request.user, pk, teaching=True)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "roster":
            try:
                placed = roster.roster_sync(course=course)
                messages.success(request, f"Roster read from the platform: {placed} members in this course.")
            except ServiceError as error:
                messages.error(request, str(error))
        elif action == "resend":
            syncs = list(grades.failed_syncs(course).select_related("link__resource_link__context__deployment"))
            sent = sum(grades.sync_attempt(sync).status == GradeSyncStatus.SENT for sync in syncs)
            messages.success(request, f"Sent again: {sent} of {len(syncs)} grades reached the platform.")
        return redirect("classroom:course-platform", pk=course.pk)
    links = LtiCourseLink.objects.filter(course=course).select_related("context__deployment__registration")
    syncs = (
        LtiGradeSync.objects.filter(link__assignment__course=course)
        .select_related("student", "link__assignment", "feedback")
        .order_by("status", "-updated")[:200]
    )
    return render(request, "classroom/lti/course_platform.html", {"course": course, "links": links, "syncs": syncs})
