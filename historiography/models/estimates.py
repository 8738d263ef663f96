"""Estimates: the figures a question's scholarship gives, and what each topic's bases mean."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from .base import PublishableQuerySet, SlugManager, Status
from .questions import Question
from .sources import SECTION_REQUIRED, Source, passage_errors
from .topics import Historian, Topic, Work


class BasisStyle(models.TextChoices):
    """How the estimates chart draws a basis (shape and words tell them apart, not colour)."""

    HATCHED = "hatched", "Hatched bar"
    SOLID = "solid", "Solid bar"
    OUTLINED = "outlined", "Outlined bar"


class EstimateBasisManager(models.Manager):
    def get_by_natural_key(self, topic_slug, slug):
        return self.get(topic__slug=topic_slug, slug=slug)


class EstimateBasis(models.Model):
    """What an estimate's basis means in one topic, and how its chart draws it: one debate
    counts from archives opened in a given year, another from parish registers. The meaning
    is the topic's data, never a chart's or a template's."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="estimate_bases")
    slug = models.SlugField(max_length=40, help_text="What estimates give as their basis, e.g. 'parish_registers'.")
    label = models.CharField(max_length=60, help_text="A few words, shown on the chart and in the table.")
    description = models.CharField(
        max_length=300, blank=True, help_text="What it means in this topic, for the chart's legend."
    )
    style = models.CharField(max_length=10, choices=BasisStyle.choices, default=BasisStyle.OUTLINED)
    order = models.PositiveSmallIntegerField(default=0)

    objects = EstimateBasisManager()

    class Meta:
        ordering = ["topic", "order", "label"]
        verbose_name_plural = "estimate bases"
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "slug"],
                name="estimate_basis_unique_per_topic",
                violation_error_message="This topic already has a basis with that slug.",
            )
        ]

    def __str__(self):
        return f"{self.topic}: {self.label}"

    def natural_key(self):
        return (self.topic.slug, self.slug)

    natural_key.dependencies = ["historiography.topic"]


BASIS_FIELDS = ("label", "description", "style", "order")


class EstimateQuerySet(PublishableQuerySet):
    published_through = ("question", "question__topic")
    published_if_set = ("historian", "work")

    def for_chart(self):
        """With what each estimate's basis means in its topic (`basis_label`, `basis_description`,
        `basis_style`, `basis_order`, None where the topic does not define it), in the same query,
        and the source (without its text)."""
        basis = EstimateBasis.objects.filter(topic=OuterRef("question__topic"), slug=OuterRef("basis"))
        return (
            self.select_related("historian", "work", "source")
            .defer("source__text")
            .annotate(**{f"basis_{name}": Subquery(basis.values(name)[:1]) for name in BASIS_FIELDS})
            .order_by("measure", "is_consensus", "low", "high")
        )


class Estimate(models.Model):
    """A quantitative claim on a question: e.g. 'military deaths, 9-11 million'."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="estimates")
    slug = models.SlugField(max_length=120, unique=True)
    measure = models.CharField(max_length=200, help_text="What is counted, e.g. 'Military deaths, 1914–1918'.")
    given_by = models.CharField(max_length=200, help_text="Who gives the figure, as the source names them.")
    historian = models.ForeignKey(Historian, on_delete=models.SET_NULL, null=True, blank=True, related_name="estimates")
    work = models.ForeignKey(Work, on_delete=models.SET_NULL, null=True, blank=True, related_name="estimates")
    low = models.PositiveBigIntegerField()
    high = models.PositiveBigIntegerField()
    unit = models.CharField(max_length=50, default="people")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="When the estimate was made.")
    basis = models.SlugField(
        max_length=40,
        default="other",
        help_text="One of the topic's estimate bases (its slug), e.g. 'parish_registers'.",
    )
    is_consensus = models.BooleanField(
        default=False,
        help_text="The range the scholarship broadly accepts, as a source reports it: a band behind the bars.",
    )
    note = models.TextField(blank=True)
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="estimates",
        help_text="Empty only when the figure is taken from the work itself.",
    )
    section = models.CharField(max_length=300, blank=True, help_text="The section of the source, as its headings read.")
    passage = models.TextField(blank=True, help_text="The source's sentence(s) that give the figure, verbatim.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects = SlugManager.from_queryset(EstimateQuerySet)()

    class Meta:
        ordering = ["question", "measure", "low", "high"]
        constraints = [
            models.CheckConstraint(
                condition=Q(low__lte=models.F("high")),
                name="estimate_low_le_high",
                violation_error_message="The low figure must not be above the high one.",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=True) | Q(section__gt=""),
                name="estimate_source_has_section",
                violation_error_message="An estimate from a source names its section.",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(work__isnull=False),
                name="estimate_has_source_or_work",
                violation_error_message="An estimate comes from a source or from a work: name one.",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.given_by}"

    def clean(self):
        errors = passage_errors(self, [("passage", self.source, self.passage)])
        if self.source is not None and not self.section.strip():
            errors["section"] = SECTION_REQUIRED
        if errors:
            raise ValidationError(errors)

    @property
    def basis_display(self):
        """The basis as its topic names it (read by for_chart()), else its slug in words."""
        return getattr(self, "basis_label", None) or self.basis.replace("_", " ").replace("-", " ").capitalize()

    def natural_key(self):
        return (self.slug,)
