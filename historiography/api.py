"""The open-data API: the published scholarship as read-only JSON (Django REST framework).

Only published content is served, and publication cascades: a question counts only in a
published topic, a position, argument or estimate only under such a question, so the API
never names a draft by its slug. Every list runs a fixed number of queries whatever its
rows, so each viewset's queryset carries its joins; tests/test_api.py pins the counts.
"""

import django_filters
from django import forms
from django.http import JsonResponse
from django.views import defaults
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from .filters import ArgumentFilter
from .models import (
    Argument,
    Estimate,
    EstimateBasis,
    Historian,
    Position,
    Question,
    Role,
    School,
    Source,
    Standing,
    Topic,
    Work,
    WorkKind,
)

# --- Serializers ---------------------------------------------------------------------


class PageUrlMixin(serializers.Serializer):
    """`html_url`: the object's page on this site (`url` is taken by Work's own link)."""

    html_url = serializers.SerializerMethodField()

    def get_html_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


def slugs(**kwargs):
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **kwargs)


class TopicSerializer(PageUrlMixin, serializers.ModelSerializer):
    questions = slugs(many=True)

    class Meta:
        model = Topic
        fields = ["slug", "title", "summary", "period_start", "period_end", "questions", "html_url"]


class PositionInQuestionSerializer(serializers.ModelSerializer):
    standing_source = slugs(allow_null=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "slug",
            "label",
            "summary",
            "order",
            "standing",
            "standing_note",
            "standing_source",
            "standing_passage",
        ]


class QuestionSerializer(PageUrlMixin, serializers.ModelSerializer):
    topic = slugs()
    standing_source = slugs(allow_null=True)
    positions = PositionInQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "slug",
            "title",
            "topic",
            "background",
            "order",
            "standing",
            "standing_basis",
            "standing_source",
            "standing_section",
            "standing_passage",
            "positions",
            "html_url",
        ]


class PositionSerializer(PageUrlMixin, PositionInQuestionSerializer):
    """A position on its own: as within its question, with the question and its page."""

    question = slugs()

    class Meta(PositionInQuestionSerializer.Meta):
        fields = [*PositionInQuestionSerializer.Meta.fields, "question", "html_url"]


class HistorianRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Historian
        fields = ["slug", "name"]


class PositionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "slug", "label"]


class SchoolRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["slug", "name"]


class SourceRefSerializer(serializers.ModelSerializer):
    """A source as an argument row names it: enough to find it (never its internal key)."""

    class Meta:
        model = Source
        fields = ["slug", "title", "kind", "site", "author", "url", "accessed"]


class ArgumentSerializer(PageUrlMixin, serializers.ModelSerializer):
    historian = HistorianRefSerializer(read_only=True, allow_null=True)
    school = SchoolRefSerializer(read_only=True, allow_null=True)
    examples = HistorianRefSerializer(many=True, read_only=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)
    position = PositionRefSerializer(read_only=True)
    question = slugs(source="position.question")
    work = slugs(allow_null=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Argument
        fields = [
            "slug",
            "attribution",
            "historian",
            "school",
            "examples",
            "position",
            "question",
            "claim",
            "words",
            "passage",
            "source",
            "section",
            "work",
            "locator",
            "year",
            "tags",
            "html_url",
        ]

    def get_tags(self, obj) -> list[str]:
        # Sorted here, the same on both databases (their collations differ).
        return sorted(item.tag.name for item in obj.tagged_items.all())


class SourceSerializer(serializers.ModelSerializer):
    """A source in the list: what it is and where to find it; its full text on its own page."""

    class Meta:
        model = Source
        fields = ["slug", "title", "kind", "site", "author", "url", "published", "accessed", "description"]


class SourceDetailSerializer(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "text"]


class HistorianSerializer(PageUrlMixin, serializers.ModelSerializer):
    schools = slugs(many=True)

    class Meta:
        model = Historian
        fields = ["slug", "name", "sort_name", "role", "born", "died", "bio", "schools", "html_url"]


class SchoolSerializer(PageUrlMixin, serializers.ModelSerializer):
    class Meta:
        model = School
        fields = ["slug", "name", "description", "active_from", "active_to", "order", "html_url"]


class WorkSerializer(PageUrlMixin, serializers.ModelSerializer):
    authors = slugs(many=True)

    class Meta:
        model = Work
        fields = ["slug", "title", "year", "kind", "authors", "publisher", "url", "html_url"]


class EstimateSerializer(serializers.ModelSerializer):
    question = slugs()
    historian = slugs(allow_null=True)
    work = slugs(allow_null=True)
    source = SourceRefSerializer(read_only=True, allow_null=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Estimate
        fields = [
            "slug",
            "question",
            "measure",
            "given_by",
            "historian",
            "work",
            "low",
            "high",
            "unit",
            "year",
            "basis",
            "is_consensus",
            "note",
            "source",
            "section",
            "passage",
            "html_url",
        ]

    def get_html_url(self, obj) -> str:
        """Estimates have no page of their own: their question's page charts them."""
        return self.context["request"].build_absolute_uri(obj.question.get_absolute_url())


# --- The schema ------------------------------------------------------------------------


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()


FILTER_ERRORS = {
    "type": "object",
    "description": "Each filter with a bad value, and why.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


class APISchema(AutoSchema):
    """Each operation with the errors it answers, so generated clients expect them: 404 for
    an unknown slug or id or a page past the last, 400 for a bad filter value."""

    def _get_filter_parameters(self):
        """A filter that takes a slug says so (a pattern, not any string)."""
        parameters = super()._get_filter_parameters()
        filters = self.view.filterset_class.base_filters if getattr(self.view, "filterset_class", None) else {}
        for parameter in parameters:
            found = filters.get(parameter["name"])
            if isinstance(found, django_filters.ModelChoiceFilter) and found.extra.get("to_field_name") == "slug":
                parameter["schema"] = {"type": "string", "pattern": SLUG_PATTERN}
                parameter.setdefault("description", f"The slug of a {parameter['name']}.")
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response" and self.method == "GET":
            responses.setdefault("404", self._get_response_for_code(NotFoundSerializer, "404", direction=direction))
            if self._is_list_view() and getattr(self.view, "filterset_class", None):
                responses.setdefault("400", self._get_response_for_code(FILTER_ERRORS, "400", direction=direction))
        return responses


# --- FilterSets ----------------------------------------------------------------------
# An invalid value (an unknown slug, decade=abc) is a 400 with the reason, from
# django-filter's DRF backend; model choices are looked up among published rows only.


def slug_choice(field_name, queryset, **kwargs):
    return django_filters.ModelChoiceFilter(field_name=field_name, to_field_name="slug", queryset=queryset, **kwargs)


class DecadeField(forms.IntegerField):
    default_error_messages = {"invalid": "Select a valid choice: a decade, as its first year (e.g. 1930)."}

    def validate(self, value):
        super().validate(value)
        if value is not None and (not 0 <= value <= 2100 or value % 10):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 2100, "multipleOf": 10})
class DecadeFilter(django_filters.NumberFilter):
    """Any decade, as the API has no page offering choices (the pages offer the decades
    of the question or topic in view)."""

    field_class = DecadeField


class BasisField(forms.SlugField):
    """A basis some topic defines (its slug); checked only when given."""

    def validate(self, value):
        super().validate(value)
        if value and not EstimateBasis.objects.filter(slug=value).exists():
            raise forms.ValidationError("Select a valid choice: no topic has an estimate basis by that name.")


class BasisFilter(django_filters.CharFilter):
    field_class = BasisField


@extend_schema_field(OpenApiTypes.STR)
class TopicFilter(django_filters.ModelChoiceFilter):
    """A published topic's slug."""


def topic_choice(field_name=None, method=None):
    """`topic`, accepted by every list: the rows of that topic."""
    return TopicFilter(field_name=field_name, to_field_name="slug", queryset=Topic.objects.published(), method=method)


class ArgumentAPIFilter(ArgumentFilter):
    """The pages' argument filters (school, decade, tag, historian, role), plus topic,
    question and position (by id, as a position's slug is only unique within its question).
    Any decade is accepted (a year ending in 0), as the API offers no choices to pick from."""

    topic = topic_choice("position__question__topic")
    question = slug_choice("position__question", Question.objects.published())
    position = django_filters.ModelChoiceFilter(queryset=Position.objects.published())
    decade = DecadeFilter(method="filter_decade")
    # The API names a person by slug, exactly (the pages' field also takes part of a name).
    historian = slug_choice("historian", Historian.objects.published())

    class Meta:
        model = Argument
        fields = ["topic", "question", "position", "school", "decade", "tag", "historian", "role"]


class QuestionAPIFilter(django_filters.FilterSet):
    topic = topic_choice("topic")
    standing = django_filters.ChoiceFilter(choices=Standing.choices)

    class Meta:
        model = Question
        fields = ["topic", "standing"]


class TopicAPIFilter(django_filters.FilterSet):
    topic = topic_choice(method="filter_topic")

    class Meta:
        model = Topic
        fields = ["topic"]

    def filter_topic(self, queryset, name, value):
        return queryset.filter(pk=value.pk)


class PositionAPIFilter(django_filters.FilterSet):
    topic = topic_choice("question__topic")
    question = slug_choice("question", Question.objects.published())

    class Meta:
        model = Position
        fields = ["topic", "question"]


class InTopicAPIFilter(django_filters.FilterSet):
    """`topic` for the lists whose rows belong to a topic through what cites them rather
    than through a column: the model's `for_topic()` says which (the people who argue in
    it, their schools, the works and sources its arguments and estimates cite)."""

    topic = topic_choice(method="filter_topic")

    def filter_topic(self, queryset, name, value):
        return queryset.for_topic(value)


class HistorianAPIFilter(InTopicAPIFilter):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    school = slug_choice("schools", School.objects.all(), distinct=True)

    class Meta:
        model = Historian
        fields = ["topic", "role", "school"]


class SchoolAPIFilter(InTopicAPIFilter):
    class Meta:
        model = School
        fields = ["topic"]


class WorkAPIFilter(InTopicAPIFilter):
    author = slug_choice("authors", Historian.objects.published(), distinct=True)
    kind = django_filters.ChoiceFilter(choices=WorkKind.choices)

    class Meta:
        model = Work
        fields = ["topic", "author", "kind"]


class SourceAPIFilter(InTopicAPIFilter):
    class Meta:
        model = Source
        fields = ["topic"]


class EstimateAPIFilter(django_filters.FilterSet):
    topic = topic_choice("question__topic")
    question = slug_choice("question", Question.objects.published())
    basis = BasisFilter()

    class Meta:
        model = Estimate
        fields = ["topic", "question", "basis"]


# --- ViewSets ------------------------------------------------------------------------
# Orderings end on a unique column so pages never overlap.


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """Published topics, with the slugs of their published questions."""

    queryset = Topic.objects.published().with_questions().order_by("title", "slug")
    serializer_class = TopicSerializer
    filterset_class = TopicAPIFilter
    lookup_field = "slug"


class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Published questions with their positions (the sides of the debate)."""

    queryset = (
        Question.objects.published().with_topic().with_positions().order_by("topic__title", "order", "title", "pk")
    )
    serializer_class = QuestionSerializer
    filterset_class = QuestionAPIFilter
    lookup_field = "slug"


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    """The positions of published questions, by id (a slug is unique only within its question)."""

    queryset = (
        Position.objects.published()
        .select_related("question")
        .order_by("question__topic__title", "question__order", "question__title", "order", "pk")
    )
    serializer_class = PositionSerializer
    filterset_class = PositionAPIFilter


class ArgumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Published arguments: who argued which position (a person, or for a school's view the
    school), how the source attributes it (`attribution`), the person's own words when the
    source quotes them (`words`), the source's verbatim passage and the source itself."""

    # By id: a page reads 50 rows down the primary key, where ordering by question and
    # position sorted all 100,000 arguments for every page (bench/run.py); new arguments
    # come last, so a harvester can resume where it stopped.
    queryset = (
        Argument.objects.published()
        .select_related("historian", "school", "source", "position__question", "work")
        .defer("source__text")
        .with_examples()
        .with_tags()
        .order_by("pk")
    )
    serializer_class = ArgumentSerializer
    filterset_class = ArgumentAPIFilter
    lookup_field = "slug"


class HistorianViewSet(viewsets.ReadOnlyModelViewSet):
    """Everyone an argument is attributed to, scholars and historical actors, with their
    schools: the published people only."""

    queryset = Historian.objects.published().prefetch_related("schools").order_by("sort_name", "pk")
    serializer_class = HistorianSerializer
    filterset_class = HistorianAPIFilter
    lookup_field = "slug"


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Schools of thought."""

    queryset = School.objects.order_by("order", "name", "pk")
    serializer_class = SchoolSerializer
    filterset_class = SchoolAPIFilter
    lookup_field = "slug"


class WorkViewSet(viewsets.ReadOnlyModelViewSet):
    """The published books, articles, speeches and documents that arguments cite, with
    their published authors."""

    queryset = Work.objects.published().with_authors().order_by("year", "title", "pk")
    serializer_class = WorkSerializer
    filterset_class = WorkAPIFilter
    lookup_field = "slug"


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """What the editors read: encyclopedia articles, reference notes, Q&A answers, books.
    The list leaves out the full text; a source's own page has it."""

    queryset = Source.objects.order_by("title", "pk")
    filterset_class = SourceAPIFilter
    lookup_field = "slug"

    def get_queryset(self):
        return self.queryset.defer("text") if self.action == "list" else self.queryset

    def get_serializer_class(self):
        return SourceSerializer if self.action == "list" else SourceDetailSerializer


class EstimateViewSet(viewsets.ReadOnlyModelViewSet):
    """Published quantitative claims on published questions (e.g. a death toll), low to high."""

    queryset = (
        Estimate.objects.published()
        .select_related("question", "historian", "work", "source")
        .defer("source__text")
        .order_by("question__order", "measure", "low", "high", "pk")
    )
    serializer_class = EstimateSerializer
    filterset_class = EstimateAPIFilter
    lookup_field = "slug"


def page_not_found(request, exception):
    """The site's 404 (settings' handler404), in JSON under /api/: an address the API's
    routes do not match (`/api/positions/1.5/`) answers as its unknown rows do."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
