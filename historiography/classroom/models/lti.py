"""What ties the learning platform's records (django-lti's `lti_tool` models: registration,
deployment, context, resource link, user) to the classroom's: a platform course to a Course,
a platform link to an Assignment, and each grade sent back to the platform's gradebook."""

from django.conf import settings
from django.db import models

from .courses import Assignment, Course, Feedback


class LtiCourseLink(models.Model):
    """A platform's course (an LTI context) taught here as `course`."""

    context = models.OneToOneField("lti_tool.LtiContext", on_delete=models.CASCADE, related_name="course_link")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lti_links")
    roster_synced_at = models.DateTimeField(null=True, blank=True, help_text="Last roster from the platform.")

    class Meta:
        verbose_name = "LTI course link"

    def __str__(self):
        return f"{self.context} → {self.course}"


class LtiAssignmentLink(models.Model):
    """A platform's resource link that opens `assignment`, and the gradebook column
    (AGS line item) its grades go to."""

    resource_link = models.OneToOneField(
        "lti_tool.LtiResourceLink", on_delete=models.CASCADE, related_name="assignment_link"
    )
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="lti_links")
    lineitem_url = models.URLField(max_length=500, blank=True, help_text="The platform's gradebook column.")

    class Meta:
        verbose_name = "LTI assignment link"

    def __str__(self):
        return f"{self.resource_link} → {self.assignment}"


class GradeSyncStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class LtiGradeSync(models.Model):
    """One returned grade on its way to a platform's gradebook. A failure is kept here with
    the platform's answer (the grade on the site is untouched) and can be sent again."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="lti_syncs")
    link = models.ForeignKey(LtiAssignmentLink, on_delete=models.CASCADE, related_name="grade_syncs")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GradeSyncStatus.choices, default=GradeSyncStatus.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "LTI grade sent back"
        verbose_name_plural = "LTI grades sent back"
        ordering = ["-updated"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "link", "student"], name="lti_grade_sync_once_per_student")
        ]

    def __str__(self):
        return f"{self.feedback} → {self.link.resource_link}: {self.get_status_display()}"
