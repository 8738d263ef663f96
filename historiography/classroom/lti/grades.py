"""Assignment and Grade Services: a grade returned on the site is sent to the gradebook
column (line item) of every platform link that opens its assignment. It is sent after the
site's transaction has committed, so the grade on the site never depends on the platform;
each attempt is recorded (LtiGradeSync), failures with the platform's answer, and can be
sent again from the course's learning-platform page."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import requests
from django.db.models import Q
from lti_tool.lti_core.constants import AgsScope
from lti_tool.models import LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from ..models import Feedback, GradeSyncStatus, LtiAssignmentLink, LtiGradeSync, SideAllocation

logger = logging.getLogger(__name__)

FRACTION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*$")
NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")
SCALE = 100.0  # a bare number ("72") is read as out of 100
HTTP_TIMEOUT = 10


def score_of(grade: str) -> tuple[float, float] | None:
    """(given, maximum) of a grade as the site writes it: "7/8" (a rubric's sum) or "72"
    (out of 100); None for a grade a gradebook cannot take as a number ("B+")."""
    match = FRACTION.match(grade or "")
    if match:
        given, maximum = float(match[1]), float(match[2])
        return (given, maximum) if 0 < maximum and given <= maximum * 10 else None
    match = NUMBER.match(grade or "")
    if match and len(match[1]) <= 12:
        return float(match[1]), SCALE
    return None


def _students(feedback: Feedback) -> list:
    """Whose grade it is: the submission's author, or every member of a consensus group."""
    submission = feedback.submission
    if submission.group_id:
        allocations = SideAllocation.objects.filter(group_id=submission.group_id).select_related("student")
        return [allocation.student for allocation in allocations]
    return [submission.student]


class _Session(requests.Session):
    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def _service(link: LtiAssignmentLink) -> AssignmentsGradesService:
    context = link.resource_link.context
    scopes = [AgsScope.PUBLISH_SCORES] if context.can_publish_scores else []
    if context.can_manage_lineitems:
        scopes.append(AgsScope.MANAGE_LINEITEMS)
    registration = context.deployment.registration.to_registration()
    return AssignmentsGradesService(
        ServiceConnector(registration, requests_session=_Session()),
        {"scope": scopes, "lineitem": link.lineitem_url, "lineitems": context.lineitems_url},
    )


def _send(sync: LtiGradeSync, sub: str, comment: str) -> None:
    grade = (
        Grade()
        .set_score_given(sync.score_given)
        .set_score_maximum(sync.score_maximum)
        .set_timestamp(datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"))
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_user_id(sub)
    )
    if comment:
        grade.set_comment(comment[:1000])
    _service(sync.link).put_grade(grade)


def _failure(error: Exception) -> str:
    if isinstance(error, LtiServiceException):
        return f"The platform answered {error.response.status_code}: {error.response.text[:500]}"
    return str(error)[:1000] or error.__class__.__name__


def sync_attempt(sync: LtiGradeSync) -> LtiGradeSync:
    """Sends one recorded grade (again) and records the outcome."""
    sync.attempts += 1
    registration_id = sync.link.resource_link.context.deployment.registration_id
    lti_user = LtiUser.objects.filter(registration_id=registration_id, auth_user=sync.student).first()
    if sync.score_given is None:
        sync.status, sync.error = (
            GradeSyncStatus.FAILED,
            (f"The grade “{sync.feedback.grade}” is not a number or a fraction (like 7/8) the gradebook can take."),
        )
    elif lti_user is None:
        sync.status, sync.error = GradeSyncStatus.FAILED, "This student has never come from the platform."
    elif not sync.link.lineitem_url:
        sync.status, sync.error = GradeSyncStatus.FAILED, "The platform gave no gradebook column for this link."
    else:
        try:
            _send(sync, lti_user.sub, sync.feedback.comment)
            sync.status, sync.error = GradeSyncStatus.SENT, ""
        except (LtiException, LtiServiceException, requests.RequestException, ValueError, KeyError) as error:
            logger.warning("LTI grade %s not sent: %s", sync.pk, error)
            sync.status, sync.error = GradeSyncStatus.FAILED, _failure(error)
    sync.save()
    return sync


def grades_send(feedback_ids) -> list[LtiGradeSync]:
    """Sends the returned grades of these feedbacks to every platform that links their
    assignment. Never raises for the platform's sake: outcomes are recorded."""
    feedbacks = list(
        Feedback.objects.filter(pk__in=list(feedback_ids), returned_at__isnull=False).select_related("submission")
    )
    assignment_ids = {feedback.submission.assignment_id for feedback in feedbacks}
    links = list(
        LtiAssignmentLink.objects.filter(assignment_id__in=assignment_ids).select_related(
            "resource_link__context__deployment__registration"
        )
    )
    syncs = []
    for feedback in feedbacks:
        for link in (link for link in links if link.assignment_id == feedback.submission.assignment_id):
            score = score_of(feedback.grade)
            for student in _students(feedback):
                sync, _ = LtiGradeSync.objects.update_or_create(
                    feedback=feedback,
                    link=link,
                    student=student,
                    defaults={
                        "score_given": score[0] if score else None,
                        "score_maximum": score[1] if score else None,
                        "status": GradeSyncStatus.PENDING,
                    },
                )
                syncs.append(sync_attempt(sync))
    return syncs


def failed_syncs(course):
    return (
        LtiGradeSync.objects.filter(link__assignment__course=course)
        .filter(~Q(status=GradeSyncStatus.SENT))
        .select_related("student", "link__assignment", "feedback")
    )
