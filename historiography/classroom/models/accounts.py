"""Instructor requests and notifications: who may teach, and what each user is told."""

from django.conf import settings
from django.db import models
from django.urls import reverse

# --- Instructor onboarding -------------------------------------------------------------


class InstructorRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class InstructorRequest(models.Model):
    """“I teach”: someone asks for an instructor account. The account is created inactive
    with the request; it becomes active, with the Instructor role, when staff approve the
    request in the admin, or at once when the e-mail is verified and its domain is in
    `INSTRUCTOR_EMAIL_DOMAINS`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instructor_request")
    name = models.CharField(max_length=200)
    institution = models.CharField(max_length=200)
    email = models.EmailField()
    course = models.CharField(max_length=200, help_text="The course they mean to teach with the site.")
    status = models.CharField(
        max_length=10, choices=InstructorRequestStatus.choices, default=InstructorRequestStatus.PENDING
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.institution})"

    @property
    def is_email_verified(self):
        return self.email_verified_at is not None


# --- Notifications ---------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    ASSIGNMENT_OPENED = "assignment_opened", "An assignment opens"
    DUE_SOON = "due_soon", "A deadline is 24 hours away and I have not submitted"
    FEEDBACK_RETURNED = "feedback_returned", "Feedback on my work is returned"
    PHASE_CHANGED = "phase_changed", "A controversy moves on to its next phase"
    SUBMISSIONS_DIGEST = "submissions_digest", "A daily digest of new submissions in the courses I teach"


class NotificationPreference(models.Model):
    """What a user wants of one kind of notification. No row: both (the default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    on_site = models.BooleanField(default=True, help_text="In the notification list on the site.")
    by_email = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()}"


class EmailStatus(models.TextChoices):
    NOT_WANTED = "not_wanted", "Not wanted"
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class NotificationCheckpoint(models.Model):
    """How far the notification job has read the past: every event dated up to `until` is
    recorded. The next run reads on from there, so a job that was down for a week still
    tells everything it missed (a few days a run, see notifications.CATCH_UP)."""

    name = models.CharField(max_length=30, unique=True)
    until = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}: up to {self.until:%Y-%m-%d %H:%M}"


class NotificationQuerySet(models.QuerySet):
    def on_site(self):
        return self.filter(on_site=True)

    def unread(self):
        return self.filter(on_site=True, read_at__isnull=True)


class Notification(models.Model):
    """One event told to one user: the row is written before the e-mail goes, and the
    unique constraint on (user, kind, object, event) means no event is ever told twice,
    however often or concurrently the job runs. `object_id` is the assignment (opened, due,
    phase), the submission (feedback) or the instructor (digest); `event_key` tells apart
    the events of one object (a phase, a deadline, a return, a day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    object_id = models.PositiveBigIntegerField()
    event_key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, help_text="A path on this site.")
    on_site = models.BooleanField(default=True)
    email_status = models.CharField(max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    created = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_id", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return f"{self.user}: {self.title}"

    def get_absolute_url(self):
        return reverse("classroom:notification-open", args=[self.pk])

    @property
    def is_read(self):
        return self.read_at is not None
