"""The scholarship (topics, schools, historians, works, questions, positions, arguments,
estimates) and the classroom built on it. Ordered by dependency."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, Min, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from . import verbatim


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class SlugManager(models.Manager):
    """Looks rows up by slug, so fixtures can use natural keys and load twice."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PublishableQuerySet(models.QuerySet):
    # Related rows that must be published too: a published argument on a draft
    # question is still a draft to the public.
    published_through = ()

    def published(self):
        return self.filter(
            status=Status.PUBLISHED,
            **{f"{path}__status": Status.PUBLISHED for path in self.published_through},
        )


# --- Topics, schools, people, works -------------------------------------------------


class TopicQuerySet(PublishableQuerySet):
    def with_questions(self):
        """Topics with their published questions, in order (two queries)."""
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


class HistorianQuerySet(models.QuerySet):
    def of_arguments(self, arguments):
        """The people who made `arguments` (a queryset)."""
        return self.filter(pk__in=arguments.values("historian_id"))

    def for_topic(self, topic):
        """The people with a published argument or estimate in `topic`."""
        return self.filter(
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


def cited_in_topic(topic, field):
    """Rows whose pk is `field` (work_id, source_id) of a published argument or estimate of `topic`."""
    return Q(pk__in=Argument.objects.published().for_topic(topic).values(field)) | Q(
        pk__in=Estimate.objects.published().filter(question__topic=topic).values(field)
    )


class WorkQuerySet(models.QuerySet):
    def for_topic(self, topic):
        """The works a published argument or estimate of `topic` cites."""
        return self.filter(cited_in_topic(topic, "work_id"))


class Work(models.Model):
    """A book, article, speech or interview that arguments cite."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=WorkKind.choices, default=WorkKind.BOOK)
    authors = models.ManyToManyField(Historian, blank=True, related_name="works")
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)

    objects = SlugManager.from_queryset(WorkQuerySet)()

    class Meta:
        ordering = ["year", "title"]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:work-detail", args=[self.slug])


class SourceKind(models.TextChoices):
    ENCYCLOPEDIA = "encyclopedia", "Encyclopedia article"
    REFERENCE = "reference", "Reference note"
    QA = "qa", "Q&A answer"
    PODCAST = "podcast", "Podcast summary"
    BOOK = "book", "Book"
    ARTICLE = "article", "Article"
    WEB = "web", "Web page"
    OTHER = "other", "Other"


class SourceQuerySet(models.QuerySet):
    def without_text(self):
        """Everything but the full text (a source's text runs to a hundred pages)."""
        return self.defer("text")

    def for_topic(self, topic):
        """The sources a published argument or estimate of `topic` comes from."""
        return self.filter(cited_in_topic(topic, "source_id"))


class Source(models.Model):
    """What the editors read: an encyclopedia article, a reference note, a Q&A answer, a
    podcast summary, a book. Its full text is stored so the product checks words against
    it and shows them in context. `key` is an internal name (the file it came from), never
    shown to readers."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300, help_text="The document's own title, as its header gives it.")
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.OTHER)
    site = models.CharField(max_length=200, blank=True, help_text="Site or publisher; empty when unknown.")
    author = models.CharField(max_length=200, blank=True, help_text="Empty when the source names none.")
    url = models.URLField(blank=True, help_text="Empty when not known: never invent one.")
    published = models.DateField(null=True, blank=True)
    accessed = models.DateField(null=True, blank=True, help_text="When the editors read it.")
    description = models.TextField(blank=True, help_text="One or two sentences a reader can recognise it by.")
    key = models.CharField(max_length=200, blank=True, help_text="Internal: the file it was read from. Never shown.")
    text = models.TextField(blank=True, help_text="The full text, verbatim: passages are checked against it.")

    objects = SlugManager.from_queryset(SourceQuerySet)()

    class Meta:
        ordering = ["title", "slug"]

    def __str__(self):
        return f"{self.title} ({self.site})" if self.site else self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def display_name(self):
        """“Stalinism” (Hubbry): how pages name it when it speaks."""
        return f"“{self.title}” ({self.site})" if self.site else f"“{self.title}”"

    def check_passage(self, passage, field_label="The passage"):
        """None when `passage` stands verbatim in this source's text, else the error to show
        (with the closest wording the source has)."""
        if verbatim.is_verbatim(passage, self.text):
            return None
        return verbatim.not_found_message(field_label, passage, self.text, f"“{self.title}”")


SECTION_REQUIRED = "The section is required with a source: where the passage stands in it, as its headings read."


def passage_errors(instance, checks):
    """{field name: error} for each text that is missing or not verbatim in its source (with
    the closest match the source has). `checks`: (field name, source, text); a text with no
    source is not checked."""
    errors = {}
    for name, source, text in checks:
        if source is None:
            continue
        label = "The " + str(instance._meta.get_field(name).verbose_name)
        if not text.strip():
            errors[name] = f"{label} is required with a source: the source's own sentence, verbatim."
            continue
        error = source.check_passage(text, label)
        if error:
            errors[name] = error
    return errors


def check_passages(instance, checks):
    errors = passage_errors(instance, checks)
    if errors:
        raise ValidationError(errors)


# --- Questions and positions ---------------------------------------------------------


class Standing(models.TextChoices):
    """Where the scholarship stands on a question, so balance never becomes false balance."""

    CONSENSUS = "consensus", "Consensus"
    MAJORITY = "majority", "Majority view"
    CONTESTED = "contested", "Contested"
    OPEN = "open", "Open"


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
        return self.annotate(
            argument_count=Count(
                "positions__arguments", filter=Q(positions__arguments__status=Status.PUBLISHED), distinct=True
            )
        )

    def with_estimate_counts(self):
        return self.annotate(
            estimate_count=Count("estimates", filter=Q(estimates__status=Status.PUBLISHED), distinct=True)
        )

    def with_year_span(self):
        """`first_year` and `last_year`: when its published arguments were made (None
        without any), in the same query, for decade filters that fit the debate."""
        published = Q(positions__arguments__status=Status.PUBLISHED)
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


# --- Arguments -----------------------------------------------------------------------


class TaggedArgumentManager(models.Manager):
    def get_by_natural_key(self, argument_slug, tag_name):
        return self.get(content_object__slug=argument_slug, tag__name=tag_name)


class TaggedArgument(TaggedItemBase):
    """The tag through model, with a natural key so tags travel in fixtures."""

    content_object = models.ForeignKey("Argument", on_delete=models.CASCADE, related_name="tagged_items")

    objects = TaggedArgumentManager()

    class Meta:
        ordering = ["tag__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"],
                name="argument_tag_unique",
                violation_error_message="This argument already has that tag.",
            ),
        ]

    def natural_key(self):
        return (self.content_object.slug, self.tag.name)

    natural_key.dependencies = ["historiography.argument", "taggit.tag"]


def tags_of(arguments):
    """The tags of `arguments` (a queryset), by name: one question's or topic's, not all."""
    return Tag.objects.filter(pk__in=TaggedArgument.objects.filter(content_object__in=arguments).values("tag_id"))


class ArgumentQuerySet(PublishableQuerySet):
    published_through = ("position__question", "position__question__topic")

    def for_cards(self):
        """Everything an argument card shows, in a fixed number of queries: historian or
        school, source (without its text), position and question, work (one join), then
        the historian's schools, a school view's named examples, tags and relations."""
        return (
            self.select_related("historian", "school", "source", "position__question__topic", "work")
            .defer("source__text")
            .prefetch_related(
                "historian__schools",
                "examples",
                "tags",
                Prefetch(
                    "incoming_relations",
                    queryset=ArgumentRelation.objects.filter(source__status=Status.PUBLISHED).select_related(
                        "source__historian", "source__school"
                    ),
                ),
            )
        )

    def for_citations(self):
        """What a citation needs: historian or school, source (without its text), work and
        its authors (two queries)."""
        return (
            self.select_related("historian", "school", "source", "work")
            .defer("source__text")
            .prefetch_related("work__authors")
        )

    def for_question(self, question):
        return self.filter(position__question=question)

    def for_topic(self, topic):
        return self.filter(position__question__topic=topic)

    def per_position_counts(self):
        """{position id: number of arguments} over this queryset (one query)."""
        return dict(
            self.order_by().values("position_id").annotate(n=Count("pk", distinct=True)).values_list("position_id", "n")
        )

    def places_in_position(self, first, last):
        """The arguments ranked `first` to `last` (from 1) within each position, in the
        cards' order (year, then id): one slice of every column of a question page, in
        one query however many arguments a position has."""
        place = Window(RowNumber(), partition_by=F("position_id"), order_by=[F("year").asc(), F("pk").asc()])
        return self.annotate(place=place).filter(place__gte=first, place__lte=last)

    def for_comparison(self):
        """Just what a comparison cell shows: historian, position, question, work, and the
        historians' schools (two queries)."""
        return self.select_related("historian", "school", "position__question", "work").prefetch_related(
            "historian__schools"
        )

    def for_timeline(self):
        return (
            self.filter(year__isnull=False)
            .select_related("historian", "school", "position__question", "work")
            .prefetch_related("historian__schools")
            .order_by("year", "pk")
        )

    def search(self, text):
        """These arguments matching `text`, best first (historiography/search.py)."""
        from . import search

        return search.arguments(self, text)


class Attribution(models.TextChoices):
    """Whose words: the person's own (quoted by the source), the source's report of the
    person's view, or the source's description of a group."""

    OWN_WORDS = "own_words", "In their own words"
    REPORTED = "reported", "As the source reports it"
    SCHOOL = "school", "A school's view"


class Argument(models.Model):
    """An argument for one position on a question, attributed to a person or a school.

    The question is the position's question, so an argument can never sit on a
    position of another question. `passage` is the source's verbatim sentence that
    carries the argument, `words` only what the source puts in the person's mouth."""

    slug = models.SlugField(max_length=120, unique=True)
    attribution = models.CharField(max_length=20, choices=Attribution.choices, default=Attribution.REPORTED)
    historian = models.ForeignKey(
        Historian,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arguments",
        help_text="Whose argument it is (empty for a school's).",
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arguments",
        help_text="For a school's argument: the school the source describes.",
    )
    examples = models.ManyToManyField(
        Historian,
        blank=True,
        related_name="example_arguments",
        help_text="For a school's argument: the people the passage names as its members or examples.",
    )
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="arguments")
    claim = models.TextField(help_text="One sentence in the editors' words, saying no more than the passage.")
    words = models.TextField(
        blank=True, help_text="Own words only: exactly what the source puts inside quotation marks as theirs."
    )
    passage = models.TextField(blank=True, help_text="The source's sentence(s) that carry the argument, verbatim.")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="arguments",
        help_text="Empty when the argument is taken from the person's own work.",
    )
    section = models.CharField(max_length=300, blank=True, help_text="The section of the source, as its headings read.")
    work = models.ForeignKey(Work, on_delete=models.SET_NULL, null=True, blank=True, related_name="arguments")
    locator = models.CharField(max_length=100, blank=True, help_text="Page, chapter or section in the work.")
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="When the argument was made.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tags = TaggableManager(through=TaggedArgument, blank=True)
    # Defaults rather than auto_now: fixtures are loaded raw, which skips auto_now.
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now, editable=False)

    objects = SlugManager.from_queryset(ArgumentQuerySet)()

    class Meta:
        ordering = ["position__order", "year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1, year__lte=2100),
                name="argument_year_plausible",
                violation_error_message="The year must be between 1 and 2100, or left empty.",
            ),
            models.CheckConstraint(
                condition=~Q(attribution=Attribution.SCHOOL) | Q(school__isnull=False, historian__isnull=True),
                name="argument_school_view_has_school_only",
                violation_error_message=(
                    "A school's view names its school and no single person (the people it names go in examples)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.SCHOOL) | Q(historian__isnull=False, school__isnull=True),
                name="argument_person_view_has_person",
                violation_error_message="A person's view (own words or reported) names the person, and no school.",
            ),
            models.CheckConstraint(
                condition=Q(attribution=Attribution.OWN_WORDS, words__gt="")
                | (~Q(attribution=Attribution.OWN_WORDS) & Q(words="")),
                name="argument_words_only_own_words",
                violation_error_message=(
                    "Words are only for own words, and own words need them: "
                    "what the source puts in quotation marks as the person's."
                ),
            ),
            # A draft may still lack its passage (rows from before sources were records);
            # a published argument from a source never does.
            models.CheckConstraint(
                condition=Q(source__isnull=True)
                | Q(section__gt="", passage__gt="")
                | Q(section__gt="", status="draft"),
                name="argument_source_has_passage_and_section",
                violation_error_message=(
                    "An argument from a source names its section and, once published, quotes its passage."
                ),
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(work__isnull=False),
                name="argument_has_source_or_work",
                violation_error_message="An argument comes from a source or from the person's own work: name one.",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self):
        return f"{self.speaker}: {self.claim[:80]}"

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("historiography:argument-detail", args=[self.slug])

    def save(self, *args, **kwargs):
        self.updated = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated"}
        super().save(*args, **kwargs)

    @property
    def decade(self):
        return self.year - self.year % 10 if self.year else None

    @property
    def speaker(self):
        """Whose view it is: the person, or for a school's argument the school."""
        return self.school if self.attribution == Attribution.SCHOOL else self.historian

    @property
    def is_own_words(self):
        return self.attribution == Attribution.OWN_WORDS

    @property
    def is_reported(self):
        return self.attribution == Attribution.REPORTED

    @property
    def is_school_view(self):
        return self.attribution == Attribution.SCHOOL

    def evidence_errors(self):
        """{field: error} when the passage is not verbatim in the source, the words not
        inside the passage or, for own words, not inside quotation marks in the source: the
        content rules (README, "Content rules"). Empty when all hold."""
        errors = passage_errors(self, [("passage", self.source, self.passage)])
        if self.source is not None and not self.section.strip():
            errors["section"] = SECTION_REQUIRED
        if self.words.strip() and "passage" not in errors:
            if self.passage.strip() and not verbatim.is_verbatim(self.words, self.passage):
                errors["words"] = verbatim.not_found_message("The words", self.words, self.passage, "the passage")
            elif self.source is not None and self.is_own_words and not verbatim.is_quoted(self.words, self.source.text):
                errors["words"] = (
                    "The words must stand inside quotation marks in the source, as the person's own; "
                    "otherwise the argument is reported, not in their own words."
                )
        return errors

    def clean(self):
        errors = self.evidence_errors()
        if errors:
            raise ValidationError(errors)


class RelationKind(models.TextChoices):
    REBUTS = "rebuts", "rebuts"
    SUPPORTS = "supports", "supports"
    QUALIFIES = "qualifies", "qualifies"


class ArgumentRelationManager(models.Manager):
    def get_by_natural_key(self, source_slug, target_slug, kind):
        return self.get(source__slug=source_slug, target__slug=target_slug, kind=kind)


class ArgumentRelation(models.Model):
    """`source` rebuts / supports / qualifies `target`."""

    source = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="outgoing_relations")
    target = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="incoming_relations")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    note = models.TextField(blank=True)

    objects = ArgumentRelationManager()

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"],
                name="argument_relation_unique",
                violation_error_message="These two arguments are already linked in this way.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="argument_relation_not_self",
                violation_error_message="An argument cannot be linked to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source.slug} {self.kind} {self.target.slug}"

    def natural_key(self):
        return (self.source.slug, self.target.slug, self.kind)

    natural_key.dependencies = ["historiography.argument"]


# --- Estimates -----------------------------------------------------------------------


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
