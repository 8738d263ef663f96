"""Topics and the people, schools and works their debates are made of.

The QuerySets here read arguments, estimates and questions, whose models point back to
these and so live in later modules: they import them inside the method."""

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from .base import PublishableQuerySet, SlugManager, Status, cited_in_topic


class TopicQuerySet(PublishableQuerySet):
    def with_questions(self):
        """Topics with their published questions, in order (two queries)."""
        from .questions import Question

        return self.prefetch_related(
            Prefetch("questions", queryset=Question.objects.published().order_by("order", "title"))
        )


class Topic(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    period_start = models.PositiveSmallIntegerField(null=True, blank=True, help_text="First year covered.")
    period_end = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Last year covered.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects = SlugManager.from_queryset(TopicQuerySet)()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="topic_period_ordered",
                violation_error_message="The period must start before it ends.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:topic-detail", args=[self.slug])


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, topic_slug, year, label):
        return self.get(topic__slug=topic_slug, year=year, label=label)


class Milestone(models.Model):
    """A turning point of a topic's historiography (a death, a speech, an archive opened),
    marked on its timeline so readers see which arguments came before and after it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=40, help_text="A few words, shown on the timeline, e.g. 'Archives open'.")
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence for screen readers and the legend."
    )

    objects = MilestoneManager()

    class Meta:
        ordering = ["topic", "year", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "year", "label"],
                name="milestone_unique_per_topic",
                violation_error_message="This topic already has a milestone with that year and label.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1, year__lte=2100),
                name="milestone_year_plausible",
                violation_error_message="The year must be between 1 and 2100.",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.label}"

    def natural_key(self):
        return (self.topic.slug, self.year, self.label)

    natural_key.dependencies = ["historiography.topic"]


class SchoolQuerySet(models.QuerySet):
    def of_arguments(self, arguments):
        """The schools of the people who made `arguments` (a queryset), e.g. those of one
        question or topic: the filter choices and comparisons of a page come from here."""
        members = Historian.schools.through.objects.filter(historian_id__in=arguments.values("historian_id"))
        # and the schools whose own views they are
        return self.filter(Q(pk__in=members.values("school_id")) | Q(pk__in=arguments.values("school_id")))

    def for_topic(self, topic):
        from .arguments import Argument

        return self.of_arguments(Argument.objects.published().for_topic(topic))


class School(models.Model):
    """A school of thought or tradition, e.g. the intentionalists of a debate."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    active_from = models.PositiveSmallIntegerField(null=True, blank=True)
    active_to = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while still active.")
    order = models.PositiveSmallIntegerField(default=0)
    grouped_by_editors = models.BooleanField(
        default=False,
        help_text="The sources do not use this name or grouping: it is shown as the editors' grouping.",
    )

    objects = SlugManager.from_queryset(SchoolQuerySet)()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_to__isnull=True)
                | Q(active_from__lte=models.F("active_to")),
                name="school_active_years_ordered",
                violation_error_message="A school must start being active before it stops.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:school-detail", args=[self.slug])

    @property
    def active_years(self):
        if not self.active_from:
            return ""
        return f"{self.active_from}–{self.active_to or 'present'}"


class Role(models.TextChoices):
    HISTORIAN = "historian", "Historian"
    BIOGRAPHER = "biographer", "Biographer"
    PARTICIPANT = "participant", "Participant"
    COMMENTATOR = "commentator", "Commentator"
    OFFICIAL = "official", "Official source"


SCHOLARLY_ROLES = (Role.HISTORIAN, Role.BIOGRAPHER)


class HistorianQuerySet(PublishableQuerySet):
    def of_arguments(self, arguments):
        """The people who made `arguments` (a queryset)."""
        return self.filter(pk__in=arguments.values("historian_id"))

    def for_topic(self, topic):
        """The published people with a published argument or estimate in `topic`."""
        from .arguments import Argument
        from .estimates import Estimate

        return self.published().filter(
            Q(pk__in=Argument.objects.published().for_topic(topic).values("historian_id"))
            | Q(pk__in=Estimate.objects.published().filter(question__topic=topic).values("historian_id"))
        )


class Historian(models.Model):
    """Anyone an interpretation is attributed to: scholars, and actors in the events."""

    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, help_text="As a list sorts it, e.g. 'Gibbon, Edward'.")
    slug = models.SlugField(max_length=100, unique=True)
    born = models.PositiveSmallIntegerField(null=True, blank=True)
    died = models.PositiveSmallIntegerField(null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HISTORIAN)
    bio = models.TextField(blank=True)
    schools = models.ManyToManyField(School, blank=True, related_name="historians")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        # Data files that predate the status (the shipped dataset) name none and load
        # published; the admin starts one an editor adds as a draft (StartsAsDraftAdmin).
        default=Status.PUBLISHED,
        help_text="A draft person is seen by editors only, and so is every argument of theirs.",
    )

    objects = SlugManager.from_queryset(HistorianQuerySet)()

    class Meta:
        ordering = ["sort_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(born__isnull=True) | Q(died__isnull=True) | Q(born__lte=models.F("died")),
                name="historian_born_before_died",
                violation_error_message="The year of birth must come before the year of death.",
            ),
        ]
        # The few drafts, so that "not a draft person" (search's keep queries) reads them
        # alone instead of every person.
        indexes = [models.Index(fields=["id"], condition=Q(status="draft"), name="historian_drafts")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:historian-detail", args=[self.slug])

    @property
    def is_scholar(self):
        return self.role in SCHOLARLY_ROLES

    @property
    def life_years(self):
        if self.born and self.died:
            return f"{self.born}–{self.died}"
        if self.born:
            return f"b. {self.born}"
        return ""


class WorkKind(models.TextChoices):
    BOOK = "book", "Book"
    ARTICLE = "article", "Article"
    CHAPTER = "chapter", "Chapter"
    SPEECH = "speech", "Speech"
    INTERVIEW = "interview", "Interview"
    REPORT = "report", "Report"
    DOCUMENT = "document", "Document"
    WEB = "web", "Web page"


class WorkQuerySet(PublishableQuerySet):
    def for_topic(self, topic):
        """The published works a published argument or estimate of `topic` cites."""
        return self.published().filter(cited_in_topic(topic, "work_id"))

    def with_authors(self):
        """With the published authors (one query): a draft person is never named."""
        return self.prefetch_related(Prefetch("authors", queryset=Historian.objects.published()))


class Work(models.Model):
    """A book, article, speech or interview that arguments cite."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=WorkKind.choices, default=WorkKind.BOOK)
    authors = models.ManyToManyField(Historian, blank=True, related_name="works")
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        # Data files that predate the status (the shipped dataset) name none and load
        # published; the admin starts one an editor adds as a draft (StartsAsDraftAdmin).
        default=Status.PUBLISHED,
        help_text="A draft work is seen by editors only, and so is every argument citing it.",
    )

    objects = SlugManager.from_queryset(WorkQuerySet)()

    class Meta:
        ordering = ["year", "title"]
        # The few drafts, so that "not a draft work" reads them alone (see Historian's).
        indexes = [models.Index(fields=["id"], condition=Q(status="draft"), name="work_drafts")]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:work-detail", args=[self.slug])
