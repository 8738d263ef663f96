"""Arguments for a position, attributed to a person or a school, with their tags and the
relations between them (rebuts, supports, qualifies)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from .. import verbatim
from .base import PublishableQuerySet, SlugManager, Status
from .questions import Position
from .sources import SECTION_REQUIRED, Source, passage_errors
from .topics import Historian, School, Work


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


def _examples():
    return Prefetch("examples", queryset=Historian.objects.published())


def _tags():
    """The tags through their rows (`argument.tagged_items`, each with its tag), by name:
    taggit's own prefetch of "tags" builds a queryset per argument as it files them and
    takes twice the time; a plain reverse foreign key does not."""
    return Prefetch("tagged_items", queryset=TaggedArgument.objects.select_related("tag"))


def card_prefetches():
    """What an argument card shows beyond its row (`for_card_rows()`), for
    `prefetch_related()` or `prefetch_related_objects()`: a school view's named examples
    (the published ones), the historian's schools, tags (`tagged_items`, each with its
    tag), and the published arguments that answer it."""
    return [
        _examples(),
        "historian__schools",
        _tags(),
        Prefetch(
            "incoming_relations",
            queryset=ArgumentRelation.objects.filter(source__in=Argument.objects.published()).select_related(
                "source__historian", "source__school"
            ),
        ),
    ]


class ArgumentQuerySet(PublishableQuerySet):
    published_through = ("position__question", "position__question__topic")
    published_if_set = ("historian", "work")

    def for_card_rows(self):
        """The rows argument cards show, in one query: historian or school, source (without
        its text), position and question, work. The rest of a card (`card_prefetches()`)
        is fetched by historiography/cards.py for the cards its cache does not hold."""
        return self.select_related("historian", "school", "source", "position__question__topic", "work").defer(
            "source__text"
        )

    def for_cards(self):
        """Everything an argument card shows, in a fixed number of queries: the rows, then
        the historian's schools, a school view's named examples, tags and relations."""
        return self.for_card_rows().prefetch_related(*card_prefetches())

    def with_examples(self):
        """A school's view with the people it names, the published ones (one query)."""
        return self.prefetch_related(_examples())

    def with_tags(self):
        """Each argument's tags as `tagged_items`, each with its tag (one query)."""
        return self.prefetch_related(_tags())

    def with_work_authors(self):
        """The work with its published authors (one query), for its citation."""
        return self.prefetch_related(Prefetch("work__authors", queryset=Historian.objects.published()))

    def on_published_questions(self):
        """Arguments, drafts or not, of published questions: what an editor's preview of a
        draft person or work shows, each card saying what of it is a draft."""
        return self.filter(
            position__question__status=Status.PUBLISHED, position__question__topic__status=Status.PUBLISHED
        )

    def for_citations(self):
        """What a citation needs: historian or school, source (without its text), work and
        its authors (two queries)."""
        return self.select_related("historian", "school", "source", "work").defer("source__text").with_work_authors()

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
        from .. import search

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

    DRAFT_PARTS = {"historian": "its person", "work": "its work"}

    def draft_parts(self):
        """What of this argument is still a draft, its question apart: itself, its person,
        its work ("its person, A. Name"), by the rule of published() (published_if_set),
        from the rows for_cards() joins. Empty when the public may see it."""
        parts = ["this argument"] if self.status != Status.PUBLISHED else []
        for path in ArgumentQuerySet.published_if_set:
            related = getattr(self, path)
            if related is not None and related.status != Status.PUBLISHED:
                parts.append(f"{self.DRAFT_PARTS[path]}, {related}")
        return parts

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
