"""Rubrics and grading: criteria with levels and points, scores, comments on evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .courses import Assignment, Citation, Feedback

# --- Rubrics and grading ---------------------------------------------------------------


class Rubric(models.Model):
    """An assignment's rubric: criteria, each with levels worth points. The grade of a
    submission is the sum of the points of the level chosen for each criterion, out of the
    sum of each criterion's best level."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="rubric")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assignment"]

    def __str__(self):
        return f"Rubric of {self.assignment}"

    def get_absolute_url(self):
        return reverse("classroom:assignment-rubric", args=[self.assignment_id])


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["rubric", "title"], name="criterion_title_unique_per_rubric")]

    def __str__(self):
        return self.title


class Level(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    title = models.CharField(max_length=200)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="level_points_not_negative"),
            models.UniqueConstraint(fields=["criterion", "title"], name="level_title_unique_per_criterion"),
        ]

    def __str__(self):
        return f"{self.title} ({self.points:g})"


class CriterionScore(models.Model):
    """The level an instructor chose for one criterion in one submission's feedback."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="scores")

    class Meta:
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["feedback", "criterion"], name="score_one_per_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.level}"


class EvidenceComment(models.Model):
    """The instructor's comment on one piece of evidence a submission cites; the student
    reads it beside that evidence once the feedback is returned."""

    citation = models.OneToOneField(Citation, on_delete=models.CASCADE, related_name="instructor_comment")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["citation"]

    def __str__(self):
        return f"Comment on {self.citation}"
