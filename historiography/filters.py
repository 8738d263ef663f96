"""FilterSets for the argument lists; the views hand them a tuned queryset."""

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from taggit.models import Tag

from .models import Historian, Question, Role, School

DECADES = [(str(decade), f"{decade}s") for decade in range(1920, 2030, 10)]


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


class ArgumentFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        field_name="historian__schools",
        to_field_name="slug",
        queryset=School.objects.all(),
        empty_label="Any school",
        label="School",
        distinct=True,
        widget=QuickSelect,
    )
    decade = django_filters.ChoiceFilter(
        choices=DECADES, method="filter_decade", empty_label="Any decade", label="Decade", widget=QuickSelect
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
    historian = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Historian.objects.all(),
        empty_label="Anyone",
        label="Historian",
        widget=QuickSelect,
    )
    role = django_filters.ChoiceFilter(
        field_name="historian__role", choices=Role.choices, empty_label="Any role", label="Role", widget=QuickSelect
    )

    def __init__(self, *args, people=None, **kwargs):
        """`people`: the historians to offer (default everyone), e.g. those on one question."""
        super().__init__(*args, **kwargs)
        if people is not None:
            self.filters["historian"].queryset = people

    def filter_decade(self, queryset, name, value):
        start = int(value)  # validated against DECADES
        return queryset.filter(year__gte=start, year__lt=start + 10)


class ArgumentListFilter(ArgumentFilter):
    """The argument list adds the question, since it spans them all."""

    question = django_filters.ModelChoiceFilter(
        field_name="position__question",
        to_field_name="slug",
        queryset=Question.objects.published(),
        empty_label="Any question",
        label="Question",
        widget=QuickSelect,
    )

    class Meta:
        fields = ["question", "school", "decade", "tag", "historian", "role"]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, strip=True)
