"""Names and Role Provisioning: the platform's list of a course's members fills the linked
course's roster (instructors teach it, learners are enrolled), with django-lti's NRPS
client; nobody is removed here, since the site keeps a student's work."""

from __future__ import annotations

import requests
from django.db import DatabaseError, transaction
from django.utils import timezone
from lti_tool.services.nrps import fetch_member_data
from pylti1p3.exception import LtiException

from historiography.services import ServiceError

from ..models import Course, LtiCourseLink
from .enter import memberships_place


def _members(context) -> list:
    if not context.memberships_url:
        raise ServiceError("The platform has not offered this course's member list (Names and Role Provisioning).")
    try:
        return fetch_member_data(context)
    except (LtiException, requests.RequestException, ValueError, KeyError) as error:
        raise ServiceError(f"The platform's member list could not be read: {str(error)[:300]}") from error


def roster_sync(*, course: Course) -> int:
    """Reads each linked platform course's members and places them; returns how many
    members the platforms listed. Raises ServiceError (nothing written) if a platform fails."""
    links = list(LtiCourseLink.objects.filter(course=course).select_related("context__deployment__registration"))
    if not links:
        raise ServiceError("This course is not linked to a course on a learning platform.")
    fetched = [(link, _members(link.context)) for link in links]
    try:
        return _place(fetched)
    except DatabaseError as error:
        raise ServiceError("The platform's member list has entries this site cannot store.") from error


@transaction.atomic
def _place(fetched) -> int:
    placed = 0
    for link, members in fetched:
        usable = [
            {"status": "Active", **member}
            for member in members
            if isinstance(member, dict) and isinstance(member.get("user_id"), str) and member.get("roles")
        ]
        link.context.update_memberships(usable)
        placed += memberships_place(link.context)
        link.roster_synced_at = timezone.now()
        link.save(update_fields=["roster_synced_at"])
    return placed
