"""Questions of a topic and the positions (the sides) taken on them."""

import re

from django.db import models
from django.db.models import Count, Max, Min, Prefetch, Q
from django.urls import reverse

from .base import PublishableQuerySet, SlugManager, Status
from .sources import Source, check_passages
from .topics import Topic


class Standing(models.TextChoices):
    """Where the scholarship stands on a question, so balance never becomes false balance."""

    CONSENSUS = "consensus", "Consensus"
    MAJORITY = "majority", "Majority view"
    CONTESTED = "contested", "Contested"
    OPEN = "open", "Open"


def _published_arguments():
    """What published() asks of an argument, seen from a question (its own question and
    topic apart): for counts and years of the arguments the public sees."""
    from .arguments import Argument

    return Argument.objects.published_q("positions__arguments__", through=False)


class QuestionQuerySet(PublishableQuerySet):
    published_through = ("topic",)

    def with_topic(self):
        """With the topic and the source the standing rests on (without its text): one join."""
        return self.select_related("topic", "standing_source").defer("standing_source__text")

    def with_positions(self):
        """With the positions in order, each with the source its standing rests on (joined,
        without its text)."""
        positions = Position.objects.select_related("standing_source").defer("standing_source__text")
        return self.prefetch_related(Prefetch("positions", queryset=positions.order_by("order", "label")))

    def with_argument_counts(self):
        published = _published_arguments()
        return self.annotate(argument_count=Count("positions__arguments", filter=published, distinct=True))

    def with_estimate_counts(self):
        return self.annotate(
            estimate_count=Count("estimates", filter=Q(estimates__status=Status.PUBLISHED), distinct=True)
        )

    def with_year_span(self):
        """`first_year` and `last_year`: when its published arguments were made (None
        without any), in the same query, for decade filters that fit the debate."""
        published = _published_arguments()
        return self.annotate(
            first_year=Min("positions__arguments__year", filter=published),
            last_year=Max("positions__arguments__year", filter=published),
        )


class Question(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    background = models.TextField(blank=True, help_text="What students need to know before reading the arguments.")
    order = models.PositiveSmallIntegerField(default=0)
    standing = models.CharField(max_length=20, choices=Standing.choices, default=Standing.CONTESTED)
    standing_basis = models.TextField(blank=True, help_text="Why the debate stands where it does, with sources.")
    standing_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source whose sentence the standing rests on.",
    )
    standing_section = models.CharField(max_length=300, blank=True, help_text="Its section in that source.")
    standing_passage = models.TextField(blank=True, help_text="The source's sentence the standing rests on, verbatim.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects = SlugManager.from_queryset(QuestionQuerySet)()

    class Meta:
        ordering = ["topic", "order", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        check_passages(self, [("standing_passage", self.standing_source, self.standing_passage)])

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:question-detail", args=[self.slug])

    def standing_statement(self) -> tuple[str, str]:
        """Where the scholarship stands, as (lead, rest), shown "…stands: <lead>" in bold and
        `rest` right after it: the standing's name, then its basis. A basis that opens with
        that name itself ("Contested. The …", "Consensus on a range …") gives the lead its
        own word, so the name is not said twice ("Contested. Contested. The …")."""
        label, basis = self.get_standing_display(), self.standing_basis.strip()
        names = "|".join(re.escape(name) for name in (label, self.standing) if name)
        opening = re.match(rf"(?:{names})\b", basis, re.IGNORECASE)
        if not opening:
            return f"{label}.", f" {basis}" if basis else ""
        lead, rest = opening.group(), basis[opening.end() :]
        return (lead + ".", rest[1:]) if rest.startswith(".") else (lead, rest)


class PositionStanding(models.TextChoices):
    """How the scholarship regards a position; blank when the editors have not marked it."""

    CONSENSUS = "consensus", "Scholarly consensus"
    MAJORITY = "majority", "Majority view"
    MINORITY = "minority", "Minority view"
    DISCREDITED = "discredited", "Discredited"


class PositionManager(models.Manager):
    def get_by_natural_key(self, question_slug, slug):
        return self.get(question__slug=question_slug, slug=slug)


class PositionQuerySet(models.QuerySet):
    def published(self):
        """Positions of published questions (a position has no status of its own)."""
        return self.filter(question__status=Status.PUBLISHED, question__topic__status=Status.PUBLISHED)


class Position(models.Model):
    """One side of a question: a column of the side-by-side view."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="positions")
    label = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    summary = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    standing = models.CharField(
        max_length=20,
        choices=PositionStanding.choices,
        blank=True,
        help_text="Leave empty unless the seeds say where it stands.",
    )
    standing_note = models.TextField(blank=True, help_text="Why it stands there, naming the source.")
    standing_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The source whose sentence the standing rests on.",
    )
    standing_passage = models.TextField(blank=True, help_text="That sentence, verbatim.")

    objects = PositionManager.from_queryset(PositionQuerySet)()

    class Meta:
        ordering = ["question", "order", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "slug"],
                name="position_slug_unique_per_question",
                violation_error_message="This question already has a position with that slug.",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.label}"

    def clean(self):
        check_passages(self, [("standing_passage", self.standing_source, self.standing_passage)])

    def natural_key(self):
        return (self.question.slug, self.slug)

    natural_key.dependencies = ["historiography.question"]

    def get_absolute_url(self):
        return f"{self.question.get_absolute_url()}#position-{self.slug}"
