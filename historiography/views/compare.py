"""Comparisons across the whole debate: schools x questions, historian vs historian,
and the debate over time. Each runs a fixed number of queries and groups in Python."""

from collections import defaultdict
from itertools import combinations

from django import forms
from django.contrib import messages
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.shortcuts import render

from ..charts import timeline
from ..models import Argument, Historian, Question, School, Topic

DEFAULT_SCHOOLS = ["totalitarian", "revisionist"]


class SchoolsForm(forms.Form):
    school = forms.ModelMultipleChoiceField(
        queryset=School.objects.all(), to_field_name="slug", widget=forms.CheckboxSelectMultiple, label="Schools"
    )

    def clean_school(self):
        schools = self.cleaned_data["school"]
        if len(schools) < 2:
            raise forms.ValidationError("Pick at least two schools to compare.")
        return schools


class HistoriansForm(forms.Form):
    historian = forms.ModelMultipleChoiceField(
        queryset=Historian.objects.all(),
        to_field_name="slug",
        label="Historians",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def clean_historian(self):
        historians = self.cleaned_data["historian"]
        if not 2 <= len(historians) <= 4:
            raise forms.ValidationError("Pick two to four people to compare.")
        return historians


def _report(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.warning(request, error)


def compare_schools(request):
    """Questions x schools: per cell, the positions the school's people argue, how many
    arguments, and one representative quotation (the latest). The cells are worked out
    from one narrow query, so only the quotations shown are loaded, however many arguments
    the schools have (tens of thousands in bench/run.py's data)."""
    form = SchoolsForm(request.GET if "school" in request.GET else {"school": DEFAULT_SCHOOLS})
    if form.is_valid():
        schools = list(form.cleaned_data["school"])
    else:
        _report(request, form)
        schools = list(School.objects.filter(slug__in=DEFAULT_SCHOOLS)) or list(School.objects.all()[:2])
    questions = list(Question.objects.published().with_topic().with_positions().order_by("topic__title", "order"))
    positions = {position.pk: position for question in questions for position in question.positions.all()}
    # One row per argument and chosen school of its historian.
    rows = (
        Argument.objects.published()
        .filter(historian__schools__in=schools)
        .annotate(quoted=ExpressionWrapper(~Q(quotation=""), output_field=BooleanField()))
        .values_list("pk", "position_id", "position__question_id", "historian__schools", "year", "quoted")
        .order_by()
    )
    cells = defaultdict(lambda: {"arguments": [], "positions": set(), "latest": None})
    for pk, position_id, question_id, school_id, year, quoted in rows:
        cell = cells[(question_id, school_id)]
        cell["arguments"].append(pk)
        cell["positions"].add(position_id)
        if quoted and (cell["latest"] is None or (year or 0, pk) > cell["latest"]):
            cell["latest"] = (year or 0, pk)
    representatives = (
        Argument.objects.select_related("historian", "work")
        .order_by()
        .in_bulk([cell["latest"][1] for cell in cells.values() if cell["latest"]])
    )

    table = []
    for question in questions:
        row = []
        for school in schools:
            cell = cells.get((question.pk, school.pk), {"arguments": [], "positions": (), "latest": None})
            row.append(
                {
                    "school": school,
                    "arguments": cell["arguments"],
                    "positions": sorted((positions[pk] for pk in cell["positions"]), key=lambda p: p.order),
                    "representative": representatives.get(cell["latest"][1]) if cell["latest"] else None,
                }
            )
        table.append((question, row))
    return render(request, "historiography/compare_schools.html", {"form": form, "schools": schools, "rows": table})


def compare_historians(request):
    """Questions x 2-4 historians, marking per question: all on one position ("agree"),
    nobody sharing a position ("disagree"), or some of each ("mixed")."""
    form = HistoriansForm(request.GET if "historian" in request.GET else None)
    historians, rows = [], []
    if form.is_bound and form.is_valid():
        historians = list(form.cleaned_data["historian"])
    elif form.is_bound:
        _report(request, form)
    if historians:
        arguments = Argument.objects.published().filter(historian__in=historians).for_comparison()
        cells = defaultdict(list)
        questions = {}
        for argument in arguments:
            cells[(argument.position.question_id, argument.historian_id)].append(argument)
            questions[argument.position.question_id] = argument.position.question
        for question in sorted(questions.values(), key=lambda q: (q.topic_id, q.order)):
            row = [(historian, cells[(question.pk, historian.pk)]) for historian in historians]
            sides = [{a.position_id for a in found} for _, found in row if found]
            if len(sides) < 2:
                verdict = None
            elif len(set().union(*sides)) == 1:
                verdict = "agree"
            elif all(not (a & b) for a, b in combinations(sides, 2)):
                verdict = "disagree"  # nobody shares a position with anybody
            else:
                verdict = "mixed"
            rows.append((question, row, verdict))
    return render(
        request, "historiography/compare_historians.html", {"form": form, "historians": historians, "rows": rows}
    )


def debate_timeline(request):
    """One question's arguments by position, or a topic's by school, over the decades."""
    question = topic = None
    slug = request.GET.get("question")
    if slug:
        question = Question.objects.published().with_topic().with_positions().filter(slug=slug).first()
        if question is None:
            messages.warning(request, "No published question by that name; showing the whole topic.")
    if question:
        arguments = list(Argument.objects.published().for_question(question).for_timeline())
        lanes = [(p.label, [a for a in arguments if a.position_id == p.pk]) for p in question.positions.all()]
        topic = question.topic
    else:
        topic = (
            Topic.objects.published().filter(slug=request.GET.get("topic", "")).first()
            or Topic.objects.published().first()
        )
        arguments = (
            list(Argument.objects.published().filter(position__question__topic=topic).for_timeline()) if topic else []
        )
        by_school = defaultdict(list)
        for argument in arguments:
            for school in argument.historian.schools.all() or [None]:
                by_school[school].append(argument)
        ordered = sorted(by_school, key=lambda s: (s is None, s.order if s else 0, str(s)))
        lanes = [(school.name if school else "No school recorded", by_school[school]) for school in ordered]
    questions = Question.objects.published().filter(topic=topic).order_by("order") if topic else []
    milestones = list(topic.milestones.all()) if topic else []
    return render(
        request,
        "historiography/timeline.html",
        {
            "chart": timeline(lanes, milestones),
            "milestones": milestones,
            "arguments": arguments,
            "question": question,
            "topic": topic,
            "questions": questions,
        },
    )
