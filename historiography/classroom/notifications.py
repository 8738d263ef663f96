"""Notifications: what each event tells whom, the user's choices, and the job that sends
them (`manage.py send_notifications`, run by cron).

The job is idempotent. Each run reads the events dated in a window of the past: from where
the last run stopped (its `NotificationCheckpoint`), less an overlap of `LOOKBACK` for
events dated into the past after the fact, up to now, or at most `CATCH_UP` further on, so
that a job that was down for weeks catches up over a few runs with bounded work in each;
the first run ever reads back only LOOKBACK (last term's assignments are not announced).
For each event and person concerned it writes a `Notification` row keyed by (user, kind,
object, event) before any e-mail goes. The key is unique in the database, so a second run,
an overlapping window, or two runs at once find the row there and tell nobody twice. The
checkpoint moves on only after every event of the window is recorded. E-mail is sent
afterwards for the rows still pending (at most `EMAIL_BATCH` a run), each claimed by a
conditional UPDATE so only one run sends it; a failed send stays pending, for the next run
to retry while it is within LOOKBACK."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import emails
from .models import (
    Assignment,
    AssignmentMode,
    Course,
    EmailStatus,
    Enrollment,
    Feedback,
    Notification,
    NotificationCheckpoint,
    NotificationKind,
    NotificationPreference,
    Phase,
    Profile,
    SideAllocation,
    Submission,
    SubmissionStatus,
)

logger = logging.getLogger(__name__)

# Read again by every run before where the last one stopped (an assignment saved with an
# opening time already past is still announced), and all a first run reads, so that a first
# run on an old database does not announce last term's assignments.
LOOKBACK = timedelta(days=2)
# How much further than the checkpoint one run reads: after an outage the job catches up
# this much of the past a run, and a run's work stays bounded.
CATCH_UP = timedelta(days=7)
EMAIL_BATCH = 500
CHECKPOINT = "events"
DUE_SOON = timedelta(hours=24)
UNSUBSCRIBE_SALT = "classroom.unsubscribe"

STUDENT_KINDS = [
    NotificationKind.ASSIGNMENT_OPENED,
    NotificationKind.DUE_SOON,
    NotificationKind.FEEDBACK_RETURNED,
    NotificationKind.PHASE_CHANGED,
]
INSTRUCTOR_KINDS = [NotificationKind.SUBMISSIONS_DIGEST]


@dataclass(frozen=True)
class Window:
    """What one run reads: the events dated in (since, until]; `now` is the clock (deadlines
    near, the digest's hour)."""

    since: datetime
    until: datetime
    now: datetime


def window_for(now: datetime) -> Window:
    """The window of a run at `now`, from the checkpoint (see the module docstring)."""
    checked = NotificationCheckpoint.objects.filter(name=CHECKPOINT).values_list("until", flat=True).first()
    if checked is None:
        checked = now - LOOKBACK
    until = min(now, checked + CATCH_UP)
    return Window(since=min(checked, until - LOOKBACK), until=until, now=now)


def checkpoint_advance(until: datetime) -> None:
    """Records that every event up to `until` is recorded; never moves back."""
    checkpoint, created = NotificationCheckpoint.objects.get_or_create(name=CHECKPOINT, defaults={"until": until})
    if not created:
        NotificationCheckpoint.objects.filter(pk=checkpoint.pk, until__lt=until).update(until=until)


@dataclass
class Event:
    """One thing to tell some users: the same title, body and link for each of them."""

    kind: str
    object_id: int
    event_key: str
    title: str
    body: str
    url: str
    user_ids: set


# --- Preferences and unsubscribing ---------------------------------------------------


def preferences(user_ids, kind) -> dict:
    """{user id: (on_site, by_email)} for `kind`; users without a row get both."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind)
    chosen = {row.user_id: (row.on_site, row.by_email) for row in rows}
    return {user_id: chosen.get(user_id, (True, True)) for user_id in user_ids}


def preference_set(*, user, kind: str, on_site: bool | None = None, by_email: bool | None = None) -> None:
    """Sets one or both choices of `user` for `kind`."""
    changes = {name: value for name, value in [("on_site", on_site), ("by_email", by_email)] if value is not None}
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=changes)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token for one user and one kind of e-mail, with no expiry: an unsubscribe
    link in an old message must still work."""
    return signing.dumps({"user": user_id, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; raises signing.BadSignature when it is not ours."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("user"), int)
        or value.get("kind") not in NotificationKind.values
    ):
        raise signing.BadSignature("Malformed token.")
    return value["user"], value["kind"]


# --- The events ------------------------------------------------------------------------


def _enrolled(course_ids) -> dict:
    """{course id: set of enrolled student ids}."""
    students = defaultdict(set)
    for course_id, student_id in Enrollment.objects.filter(course_id__in=course_ids).values_list(
        "course_id", "student_id"
    ):
        students[course_id].add(student_id)
    return students


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y, %H:%M %Z")


def assignments_opened(window: Window) -> list[Event]:
    """Every enrolled student, when an assignment opens. One that closed before the job
    caught up with its opening is not announced: it could only be reported as missed."""
    assignments = list(
        Assignment.objects.filter(opens_at__gt=window.since, opens_at__lte=window.until)
        .filter(
            Q(mode=AssignmentMode.DEBATE, due_at__gt=window.now)
            | Q(mode=AssignmentMode.CONTROVERSY, consensus_due_at__gt=window.now)
        )
        .select_related("course")
    )
    students = _enrolled({assignment.course_id for assignment in assignments})
    return [
        Event(
            kind=NotificationKind.ASSIGNMENT_OPENED,
            object_id=assignment.pk,
            event_key="opened",
            title=f"New assignment in {assignment.course.title}: {assignment.title}",
            body=f"It is open now and due {_when(assignment.due_at)}.",
            url=assignment.get_absolute_url(),
            user_ids=students[assignment.course_id],
        )
        for assignment in assignments
    ]


def deadlines_near(window: Window) -> list[Event]:
    """A phase due within 24 hours: the enrolled students who have not submitted its work
    (for a consensus, whose group has not). Keyed by the deadline, so a deadline moved
    later is reminded of again. Read at the clock, not the window: a reminder of a
    deadline past is no use."""
    now = window.now
    window = Q(due_at__gt=now, due_at__lte=now + DUE_SOON) | Q(
        mode=AssignmentMode.CONTROVERSY,
        swap_due_at__gt=now,
        swap_due_at__lte=now + DUE_SOON,
    )
    window |= Q(mode=AssignmentMode.CONTROVERSY, consensus_due_at__gt=now, consensus_due_at__lte=now + DUE_SOON)
    assignments = list(Assignment.objects.filter(window).select_related("course"))
    students = _enrolled({assignment.course_id for assignment in assignments})
    events = []
    for assignment in assignments:
        for phase in assignment.phases:
            opens, due = assignment.phase_window(phase)
            if not (opens <= now < due <= now + DUE_SOON):
                continue
            if phase == Phase.CONSENSUS:
                done = SideAllocation.objects.filter(
                    assignment=assignment,
                    group__submissions__phase=Phase.CONSENSUS,
                    group__submissions__status=SubmissionStatus.SUBMITTED,
                ).values_list("student_id", flat=True)
            else:
                done = Submission.objects.filter(
                    assignment=assignment, phase=phase, status=SubmissionStatus.SUBMITTED
                ).values_list("student_id", flat=True)
            waiting = students[assignment.course_id] - set(done)
            label = f" (phase {phase}: {Phase(phase).label})" if assignment.is_controversy else ""
            events.append(
                Event(
                    kind=NotificationKind.DUE_SOON,
                    object_id=assignment.pk,
                    event_key=f"phase-{phase}:{due.isoformat()}",
                    title=f"Due within 24 hours: {assignment.title}{label}",
                    body=f"{assignment.course.title}: due {_when(due)}, and you have not submitted yet.",
                    url=assignment.get_absolute_url(),
                    user_ids=waiting,
                )
            )
    return events


def phases_changed(window: Window) -> list[Event]:
    """A controversy's phase 2 or 3 starting (its earlier phase's deadline passed, or the
    instructor ended it): every enrolled student, unless that phase ended too before the
    job caught up."""
    since, until = window.since, window.until
    assignments = list(
        Assignment.objects.filter(mode=AssignmentMode.CONTROVERSY)
        .filter(Q(due_at__gt=since, due_at__lte=until) | Q(swap_due_at__gt=since, swap_due_at__lte=until))
        .select_related("course")
    )
    students = _enrolled({assignment.course_id for assignment in assignments})
    events = []
    for assignment in assignments:
        for phase in (Phase.SWAP, Phase.CONSENSUS):
            opens, due = assignment.phase_window(phase)
            if since < opens <= until and due > window.now:
                events.append(
                    Event(
                        kind=NotificationKind.PHASE_CHANGED,
                        object_id=assignment.pk,
                        event_key=f"phase-{phase}",
                        title=f"Phase {phase} has started: {assignment.title}",
                        body=f"{assignment.course.title}: {Phase(phase).label}, due {_when(due)}.",
                        url=assignment.get_absolute_url(),
                        user_ids=students[assignment.course_id],
                    )
                )
    return events


def feedback_returned(window: Window) -> list[Event]:
    """Returned feedback: the submission's author, or every member of a consensus group.
    Keyed by the moment of return, so feedback held back and returned again is told again."""
    feedbacks = list(
        Feedback.objects.filter(returned_at__gt=window.since, returned_at__lte=window.until).select_related(
            "submission__assignment"
        )
    )
    members = defaultdict(set)
    group_ids = {f.submission.group_id for f in feedbacks if f.submission.group_id}
    for group_id, student_id in SideAllocation.objects.filter(group_id__in=group_ids).values_list(
        "group_id", "student_id"
    ):
        members[group_id].add(student_id)
    events = []
    for feedback in feedbacks:
        submission = feedback.submission
        events.append(
            Event(
                kind=NotificationKind.FEEDBACK_RETURNED,
                object_id=submission.pk,
                event_key=feedback.returned_at.isoformat(),
                title=f"Feedback returned: {submission.assignment.title}",
                body="Your instructor has returned feedback"
                + (f" and a grade ({feedback.grade})." if feedback.grade else "."),
                url=submission.get_absolute_url(),
                user_ids=members[submission.group_id] if submission.group_id else {submission.student_id},
            )
        )
    return events


def _zone(name: str):
    """A Profile's zone, or the site's when it has none (or one this system does not know)."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def submissions_digest(window: Window) -> list[Event]:
    """Once a day, from `NOTIFICATION_DIGEST_HOUR` in each instructor's own time zone (their
    Profile's; the site's without one): their courses' new submissions since their last
    digest (the first: a day back; at most CATCH_UP back), by course and assignment.
    Keyed by the instructor's local date. Nothing new, no digest."""
    now = window.now
    submissions = list(
        Submission.objects.filter(status=SubmissionStatus.SUBMITTED, submitted_at__gt=now - CATCH_UP)
        .filter(submitted_at__lte=now)
        .select_related("assignment__course")
        .order_by("assignment__course__title", "assignment__due_at", "submitted_at")
    )
    if not submissions:
        return []
    course_ids = {submission.assignment.course_id for submission in submissions}
    teachers = defaultdict(set)
    for course_id, user_id in (Course.instructors.through.objects.filter(course_id__in=course_ids)).values_list(
        "course_id", "user_id"
    ):
        teachers[user_id].add(course_id)
    zones = dict(Profile.objects.filter(user_id__in=teachers).values_list("user_id", "timezone"))
    last_digest = dict(
        Notification.objects.filter(kind=NotificationKind.SUBMISSIONS_DIGEST, user_id__in=teachers)
        .order_by("user_id", "created")
        .values_list("user_id", "created")
    )
    events = []
    for user_id, courses in teachers.items():
        local = now.astimezone(_zone(zones.get(user_id, "")))
        if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
            continue
        since = last_digest.get(user_id, now - timedelta(days=1))
        new = [s for s in submissions if s.assignment.course_id in courses and s.submitted_at > since]
        if not new:
            continue
        counts = Counter((s.assignment.course.title, s.assignment.title) for s in new)
        lines = [
            f"- {course}: {title}: {n} new submission{'s' if n != 1 else ''}" for (course, title), n in counts.items()
        ]
        when = "yesterday" if since >= now - timedelta(hours=36) else since.astimezone(local.tzinfo).strftime("%-d %B")
        events.append(
            Event(
                kind=NotificationKind.SUBMISSIONS_DIGEST,
                object_id=user_id,
                event_key=local.date().isoformat(),
                title=f"{len(new)} new submission{'s' if len(new) != 1 else ''} since {when}",
                body="\n".join(lines),
                url=reverse("classroom:course-list"),
                user_ids={user_id},
            )
        )
    return events


COLLECTORS = [assignments_opened, deadlines_near, phases_changed, feedback_returned, submissions_digest]


# --- Recording and sending -------------------------------------------------------------


def record(event: Event, now: datetime) -> int:
    """Writes the event's row for each of its users who has none yet; returns how many
    were new. The database's unique constraint is what makes this idempotent."""
    created = 0
    chosen = preferences(event.user_ids, event.kind)
    for user_id in sorted(event.user_ids):
        on_site, by_email = chosen[user_id]
        _, new = Notification.objects.get_or_create(
            user_id=user_id,
            kind=event.kind,
            object_id=event.object_id,
            event_key=event.event_key,
            defaults={
                "title": event.title[:300],
                "body": event.body,
                "url": event.url,
                "on_site": on_site,
                "email_status": EmailStatus.PENDING if by_email else EmailStatus.NOT_WANTED,
                "created": now,
            },
        )
        created += new
    return created


def send_pending(now: datetime) -> tuple[int, int]:
    """E-mails the pending notifications of the last LOOKBACK, at most EMAIL_BATCH of them
    (the rest wait for the next run); returns (sent, failed).
    Each row is claimed (pending to sending) by one UPDATE, so two runs never both send it;
    preferences are read again, so an unsubscribe since the row was written is honoured."""
    sent = failed = 0
    pending = (
        Notification.objects.filter(email_status=EmailStatus.PENDING, created__gt=now - LOOKBACK)
        .select_related("user")
        .order_by("pk")[:EMAIL_BATCH]
    )
    for notification in pending:
        if not Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.SENDING
        ):
            continue
        user = notification.user
        _, by_email = preferences([user.pk], notification.kind)[user.pk]
        if not by_email or not user.email or not user.is_active:
            _set_status(notification, EmailStatus.NOT_WANTED)
            continue
        try:
            emails.send(
                to=user.email,
                name="notification",
                context={"notification": notification, "user": user, "link": emails.absolute(notification.url)},
                unsubscribe_url=emails.absolute(
                    reverse("classroom:unsubscribe", args=[unsubscribe_token(user.pk, notification.kind)])
                ),
            )
        except Exception:  # noqa: BLE001 - any transport error: keep the row for the next run
            logger.exception("Sending notification %s failed", notification.pk)
            _set_status(notification, EmailStatus.PENDING)
            failed += 1
        else:
            _set_status(notification, EmailStatus.SENT)
            sent += 1
    return sent, failed


def _set_status(notification, status):
    Notification.objects.filter(pk=notification.pk).update(email_status=status)


def run(now: datetime | None = None) -> dict:
    """One pass of the job: every collector's events in its window recorded, the checkpoint
    moved to the window's end, then the e-mail sent. Returns how many notifications of each
    kind were new, and the e-mail sent and failed."""
    now = now or timezone.now()
    window = window_for(now)
    counts = Counter()
    for collect in COLLECTORS:
        for event in collect(window):
            counts[event.kind] += record(event, now)
    checkpoint_advance(window.until)
    counts["emails_sent"], counts["emails_failed"] = send_pending(now)
    return dict(counts)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user).unread().count()
