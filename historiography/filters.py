"""FilterSets for the argument lists; the views hand them a tuned queryset."""
import django_filters
from django import forms
from taggit.models import Tag

from .models import Historian, Question, Role, School

DECADES = [(str(decade), f"{decade}s") for decade in range(1920, 2030, 10)]


class ArgumentFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        field_name="historian__schools",
        to_field_name="slug",
        queryset=School.objects.all(),
        empty_label="Any school",
        label="School",
        distinct=True,
    )
    decade = django_filters.ChoiceFilter(choices=DECADES, method="filter_decade", empty_label="Any decade", label="Decade")
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", to_field_name="slug", queryset=Tag.objects.order_by("name"), empty_label="Any tag", label="Tag",
        distinct=True,
    )
    historian = django_filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Historian.objects.all(), empty_label="Anyone", label="Historian"
    )
    role = django_filters.ChoiceFilter(field_name="historian__role", choices=Role.choices, empty_label="Any role", label="Role")

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
    )

    class Meta:
        fields = ["question", "school", "decade", "tag", "historian", "role"]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", max_length=200, strip=True)
