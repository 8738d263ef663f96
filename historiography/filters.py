"""FilterSets for the argument lists; the views hand them a tuned queryset."""

import django_filters
from django import forms
from django.db.models import Max, Min, Q
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from .models import Argument, Historian, Question, Role, School, Topic, tags_of


def decade_choices(first_year, last_year):
    """The decades from `first_year`'s to `last_year`'s, as filter choices: a debate about
    Rome and one about the 1930s each get their own. None when there are no years."""
    if first_year is None or last_year is None:
        return []
    return [(str(decade), f"{decade}s") for decade in range(first_year - first_year % 10, last_year + 1, 10)]


class QuickSelect(forms.Select):
    """A <select> whose options are written in Python. Django renders each option through
    a template, which for the thousands of people of a large dataset took most of the
    page's time (bench/run.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) in selected else ""}>{escape(label)}</option>'
            for v, label in self.choices
        )
        return mark_safe(
            f"<select{flatatt(self.build_attrs(self.attrs, {**(attrs or {}), 'name': name}))}>{options}</select>"
        )


class PersonField(forms.CharField):
    """A person typed by name (or part of one) or slug, among `queryset` (the people in
    view): cleans to the matching people's ids. An exact slug or full name picks that one
    person (what the autocomplete fills in); otherwise everyone whose name contains the
    words, up to MAX_MATCHES, so a one-letter query cannot name half the scholarship."""

    MAX_MATCHES = 50

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)
        self.queryset = queryset if queryset is not None else Historian.objects.published()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = list(
            self.queryset.filter(Q(slug=value) | Q(name__icontains=value) | Q(sort_name__icontains=value))
            .order_by()
            .values_list("pk", "slug", "name")[: self.MAX_MATCHES + 1]
        )
        exact = [pk for pk, slug, name in found if value in (slug, name) or name.casefold() == value.casefold()]
        if exact:
            return exact
        if not found:
            raise forms.ValidationError(f"nobody named “{value}” has arguments here.")
        if len(found) > self.MAX_MATCHES:
            raise forms.ValidationError(f"more than {self.MAX_MATCHES} people match “{value}”: type more of the name.")
        return [pk for pk, _, _ in found]


class PersonFilter(django_filters.CharFilter):
    """The people filter as a text field with suggestions (static/js/people.js fills its
    <datalist> from the people-suggest endpoint): no <select> of every person."""

    field_class = PersonField

    def filter(self, qs, value):
        return qs.filter(historian__in=value) if value else qs


class ArgumentFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        method="filter_school",
        to_field_name="slug",
        queryset=School.objects.all(),
        empty_label="Any school",
        label="School",
        widget=QuickSelect,
    )
    decade = django_filters.ChoiceFilter(
        choices=[], method="filter_decade", empty_label="Any decade", label="Decade", widget=QuickSelect
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        to_field_name="slug",
        queryset=Tag.objects.order_by("name"),
        empty_label="Any tag",
        label="Tag",
        distinct=True,
        widget=QuickSelect,
    )
    historian = PersonFilter(
        label="Person",
        widget=forms.TextInput(
            attrs={
                "list": "people-suggestions",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "Anyone: type a name",
                "aria-describedby": "people-help",
                "data-suggest": "people",
            }
        ),
    )
    role = django_filters.ChoiceFilter(
        field_name="historian__role", choices=Role.choices, empty_label="Any role", label="Role", widget=QuickSelect
    )

    def __init__(self, *args, scope=None, decades=None, **kwargs):
        """`scope`: the arguments whose schools, tags and people to offer (default all),
        e.g. those of one question; `decades`: (first year, last year) of the decades to
        offer, by default those of the scope (one query)."""
        super().__init__(*args, **kwargs)
        if scope is not None:
            self.scope_choices(scope)
        if not isinstance(self.filters["decade"], django_filters.ChoiceFilter):
            return  # the API takes any decade
        if decades is None:
            years = (scope if scope is not None else self.queryset).aggregate(first=Min("year"), last=Max("year"))
            decades = years["first"], years["last"]
        self.filters["decade"].extra["choices"] = decade_choices(*decades)

    def scope_choices(self, arguments):
        self.filters["school"].queryset = School.objects.of_arguments(arguments)
        self.filters["tag"].queryset = tags_of(arguments).order_by("name")
        self.filters["historian"].extra["queryset"] = Historian.objects.of_arguments(arguments)

    def filter_school(self, queryset, name, value):
        """The school's own views and those of its people."""
        return queryset.filter(Q(school=value) | Q(historian__schools=value)).distinct()

    def filter_decade(self, queryset, name, value):
        start = int(value)  # validated against the choices
        return queryset.filter(year__gte=start, year__lt=start + 10)


class ArgumentListFilter(ArgumentFilter):
    """The argument list adds the topic and the question, since it spans them all; the
    other choices are those of the chosen question, or else of the chosen topic.

    The questions are read once, with their topics and the years of their arguments, and
    give the topic, question and decade choices without a query of their own."""

    topic = django_filters.ModelChoiceFilter(
        field_name="position__question__topic",
        to_field_name="slug",
        queryset=Topic.objects.published(),
        empty_label="Any topic",
        label="Topic",
        widget=QuickSelect,
    )
    question = django_filters.ModelChoiceFilter(
        field_name="position__question",
        to_field_name="slug",
        queryset=Question.objects.published(),
        empty_label="Any question",
        label="Question",
        widget=QuickSelect,
    )

    class Meta:
        fields = ["topic", "question", "school", "decade", "tag", "historian", "role"]

    def __init__(self, data=None, *args, arguments=None, **kwargs):
        """`arguments`: every argument listable (default: the published), which the
        choices narrow."""
        arguments = Argument.objects.published() if arguments is None else arguments
        questions = list(
            Question.objects.published().with_topic().with_year_span().order_by("topic__title", "order", "title")
        )
        data = data or {}
        topics = {q.topic.slug: q.topic for q in questions}
        topic = topics.get(data.get("topic"))
        question = next((q for q in questions if q.slug == data.get("question")), None)
        # A chosen question narrows the choices to its own topic's.
        in_view = topic or (question.topic if question else None)
        offered = [q for q in questions if in_view is None or q.topic_id == in_view.pk]
        within = [question] if question else offered
        years = [y for q in within for y in (q.first_year, q.last_year) if y is not None]
        scope = None
        if question:
            scope = arguments.for_question(question)
        elif topic:
            scope = arguments.for_topic(topic)
        super().__init__(
            data or None, *args, scope=scope, decades=(min(years, default=None), max(years, default=None)), **kwargs
        )
        self.form.fields["topic"].widget.choices = [("", "Any topic")] + [(t.slug, t.title) for t in topics.values()]
        self.form.fields["question"].widget.choices = [("", "Any question")] + [
            (q.slug, q.title if in_view else f"{q.topic.title}: {q.title}") for q in offered
        ]


class RowChoiceIterator(forms.models.ModelChoiceIterator):
    """A model's choices read as (slug, label) rows: no model instance per option and no
    server-side cursor (ModelChoiceIterator's queryset.iterator() is a DECLARE, FETCH and
    CLOSE on PostgreSQL), for the hundreds of questions a common word's search offers."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name, self.field.label_field)


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of `queryset` by slug, labelled by its `label_field` (what the model's
    str() is), its options read as rows (RowChoiceIterator)."""

    iterator = RowChoiceIterator

    def __init__(self, *args, label_field, **kwargs):
        self.label_field = label_field
        super().__init__(*args, to_field_name="slug", **kwargs)


class SearchForm(forms.Form):
    """What to look for and where: every field by GET, so a search can be shared."""

    KINDS = [
        ("", "Everything"),
        ("question", "Questions"),
        ("person", "People"),
        ("school", "Schools"),
        ("work", "Works"),
        ("topic", "Topics"),
        ("position", "Positions"),
        ("argument", "Arguments"),
        ("estimate", "Estimates"),
    ]

    q = forms.CharField(label="Search", max_length=200, strip=True)
    kind = forms.ChoiceField(label="Show", choices=KINDS, required=False, widget=QuickSelect)
    topic = SlugChoiceField(
        label_field="title",
        label="Topic",
        queryset=Topic.objects.published(),
        required=False,
        empty_label="Any topic",
        widget=QuickSelect,
    )
    question = SlugChoiceField(
        label_field="title",
        label="Question",
        queryset=Question.objects.published(),
        required=False,
        empty_label="Any question",
        widget=QuickSelect,
    )
    school = SlugChoiceField(
        label_field="name",
        label="School",
        queryset=School.objects.all(),
        required=False,
        empty_label="Any school",
        widget=QuickSelect,
    )

    def offer(self, questions, schools):
        """Offer these questions ((slug, title) rows, in their order) and schools (a
        queryset), those of the results (search.Results.filter_choices), and the chosen
        ones, each read as its slug and label alone."""
        chosen = self.cleaned_data.get("question")
        if chosen and chosen.slug not in {slug for slug, _title in questions}:
            questions = [(chosen.slug, chosen.title), *questions]
        self.fields["question"].widget.choices = [("", self.fields["question"].empty_label), *questions]
        chosen = self.cleaned_data.get("school")
        if chosen:
            schools = School.objects.filter(Q(pk__in=schools.values("pk")) | Q(pk=chosen.pk))
        self.fields["school"].queryset = schools

    def filters(self):
        """The filters that are set, for search.search()."""
        return {name: self.cleaned_data.get(name) for name in ("topic", "question", "school")}


class PeopleSuggestForm(forms.Form):
    """The people-suggest endpoint's query: a name's letters, and the question or topic
    whose people to suggest."""

    LIMIT = 10

    q = forms.CharField(min_length=2, max_length=100)
    question = forms.SlugField(required=False, max_length=120)
    topic = forms.SlugField(required=False, max_length=100)

    def people(self):
        """LIMIT + 1 people (one more tells that there are more), by sort name."""
        words = self.cleaned_data["q"]
        arguments = Argument.objects.published()
        if self.cleaned_data["question"]:
            arguments = arguments.filter(position__question__slug=self.cleaned_data["question"])
        elif self.cleaned_data["topic"]:
            arguments = arguments.filter(position__question__topic__slug=self.cleaned_data["topic"])
        return (
            Historian.objects.of_arguments(arguments)
            .filter(Q(name__icontains=words) | Q(sort_name__icontains=words))
            .only("name", "slug", "role")
            .order_by("sort_name", "pk")[: self.LIMIT + 1]
        )
