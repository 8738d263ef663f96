"""The classroom: courses, debate assignments, sides, submissions and feedback, built on
the scholarship (`historiography.models`), which never refers back to them.

The tables keep the names they had when these models lived in the `historiography` app
(`db_table`), so an existing database moved over with `migrate` alone and no data was copied."""

from .accounts import (
    EmailStatus,
    InstructorRequest,
    InstructorRequestStatus,
    Notification,
    NotificationCheckpoint,
    NotificationKind,
    NotificationPreference,
    NotificationQuerySet,
)
from .courses import (
    Allocation,
    Assignment,
    AssignmentMode,
    AssignmentQuerySet,
    Citation,
    Course,
    CourseQuerySet,
    DebateGroup,
    Enrollment,
    Feedback,
    PeerVisibility,
    Phase,
    Profile,
    SideAllocation,
    Submission,
    SubmissionQuerySet,
    SubmissionStatus,
    new_join_code,
    teaches_course,
)
from .grading import (
    Criterion,
    CriterionScore,
    EvidenceComment,
    Level,
    Rubric,
)
from .lti import GradeSyncStatus, LtiAssignmentLink, LtiCourseLink, LtiGradeSync

__all__ = [
    "new_join_code",
    "teaches_course",
    "CourseQuerySet",
    "Course",
    "Enrollment",
    "Profile",
    "Allocation",
    "AssignmentMode",
    "Phase",
    "PeerVisibility",
    "AssignmentQuerySet",
    "Assignment",
    "DebateGroup",
    "SideAllocation",
    "SubmissionStatus",
    "SubmissionQuerySet",
    "Submission",
    "Citation",
    "Feedback",
    "InstructorRequestStatus",
    "InstructorRequest",
    "NotificationKind",
    "NotificationPreference",
    "EmailStatus",
    "NotificationQuerySet",
    "Notification",
    "NotificationCheckpoint",
    "Rubric",
    "Criterion",
    "Level",
    "CriterionScore",
    "EvidenceComment",
    "LtiCourseLink",
    "LtiAssignmentLink",
    "GradeSyncStatus",
    "LtiGradeSync",
]
