"""A checked launch brought into the classroom: the platform's user becomes (or is) a site
user, the platform's course a Course, the role from the LTI roles claim decides whether they
teach it or are enrolled in it, and a link to an assignment opens that assignment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify
from lti_tool.lti_core.constants import ContextRole
from lti_tool.lti_core.utils import normalize_role
from lti_tool.models import LtiContext, LtiLaunch, LtiMembership, LtiUser
from lti_tool.utils import sync_data_from_launch

from historiography.models import Question
from historiography.validators import whole_number

from ..models import Assignment, Course, Enrollment, LtiAssignmentLink, LtiCourseLink
from ..services import INSTRUCTOR, STUDENT, user_add_role

TEACHING_ROLES = {ContextRole.INSTRUCTOR, ContextRole.ADMINISTRATOR, ContextRole.CONTENT_DEVELOPER}


@dataclass
class Entry:
    user: object
    course: Course
    teaches: bool
    destination: str


def teaches(roles) -> bool:
    """Whether an LTI roles claim (or an NRPS member's roles) makes its holder teach."""
    return any(normalize_role(role) in TEACHING_ROLES for role in roles if isinstance(role, str))


def site_user(lti_user: LtiUser):
    """The site user of a platform user, created at their first launch (or roster sync)
    with a username no one can choose and no password: they come in through the platform."""
    if lti_user.auth_user_id:
        return lti_user.auth_user
    User = get_user_model()
    base = slugify(lti_user.name or f"{lti_user.given_name} {lti_user.family_name}".strip())[:40] or "student"
    username = f"{base}-{secrets.token_hex(4)}"  # shown as "Log out ada-lovelace-3f9c01ab"
    user = User(
        username=username,
        first_name=lti_user.given_name[:150],
        last_name=lti_user.family_name[:150],
        email=lti_user.email[:254],
    )
    if not user.first_name and not user.last_name and lti_user.name:
        user.first_name = lti_user.name[:150]
    user.set_unusable_password()
    user.save()
    lti_user.auth_user = user
    lti_user.save(update_fields=["auth_user"])
    return user


def course_of(context: LtiContext) -> Course:
    """The site course the platform's course is taught as, created at its first launch."""
    link = LtiCourseLink.objects.filter(context=context).select_related("course").first()
    if link is not None:
        return link.course
    title = (context.title or context.label or "Course from the learning platform")[:200]
    course = Course.objects.create(title=title, joining_open=False)
    LtiCourseLink.objects.create(context=context, course=course)
    return course


def place(user, course: Course, *, teaching: bool) -> None:
    """Gives the user their role in the course (and the site's matching group)."""
    if teaching:
        course.instructors.add(user)
        user_add_role(user=user, role=INSTRUCTOR)
    elif not course.instructors.filter(pk=user.pk).exists():
        Enrollment.objects.get_or_create(course=course, student=user)
        user_add_role(user=user, role=STUDENT)


def _custom(lti_launch: LtiLaunch, name: str) -> str:
    value = lti_launch.get_custom_claim(name)
    return value if isinstance(value, str) else ""


def _destination(lti_launch: LtiLaunch, course: Course, teaching: bool) -> str:
    """Where a resource-link launch lands: the linked assignment (remembering the link and
    its gradebook column), the linked question, or the course."""
    assignment_pk = whole_number(_custom(lti_launch, "assignment"))
    if lti_launch.is_resource_launch and assignment_pk is not None:
        assignment = Assignment.objects.filter(pk=assignment_pk, course=course).first()
        if assignment is not None:
            ags = lti_launch.ags_claim or {}
            lineitem = ags.get("lineitem") if isinstance(ags, dict) else None
            defaults = {"assignment": assignment}
            if isinstance(lineitem, str) and lineitem.startswith(("https://", "http://")) and len(lineitem) <= 500:
                defaults["lineitem_url"] = lineitem
            LtiAssignmentLink.objects.update_or_create(resource_link=lti_launch.resource_link, defaults=defaults)
            return assignment.get_absolute_url()
    slug = _custom(lti_launch, "question")
    if slug and Question.objects.published().filter(slug=slug).exists():
        return reverse("historiography:question-detail", args=[slug])
    return course.get_absolute_url()


@transaction.atomic
def launch_enter(lti_launch: LtiLaunch) -> Entry:
    """Records the launch (django-lti's user, context, membership, resource link) and maps
    it onto the classroom. One transaction: an error leaves nothing behind."""
    sync_data_from_launch(lti_launch)
    roles = lti_launch.roles_claim if isinstance(lti_launch.roles_claim, list) else []
    teaching = teaches(roles)
    user = site_user(lti_launch.user)
    course = course_of(lti_launch.context)
    place(user, course, teaching=teaching)
    destination = course.get_absolute_url()
    if not lti_launch.is_deep_link_launch:
        destination = _destination(lti_launch, course, teaching)
    return Entry(user=user, course=course, teaches=teaching, destination=destination)


def memberships_place(context: LtiContext) -> int:
    """Puts the platform course's members (django-lti's memberships, from NRPS) into the
    linked course; returns how many active members were placed."""
    course = course_of(context)
    placed = 0
    memberships = LtiMembership.objects.filter(context=context, is_active=True).select_related("user__auth_user")
    for membership in memberships:
        teaching = membership.is_instructor or membership.is_administrator or membership.is_content_developer
        place(site_user(membership.user), course, teaching=teaching)
        placed += 1
    return placed
