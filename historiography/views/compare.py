"""Comparisons across the whole debate: schools x questions, historian vs historian,
and the debate over time. Each runs a fixed number of queries and groups in Python."""

from collections import defaultdict
from itertools import combinations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Min, Q
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..charts import timeline
from ..models import Argument, Historian, Question, School, Topic

# Arguments on a page of the timeline: its size does not grow with the debate's.
TIMELINE_PAGE_SIZE = 100


def _topic_in_view(request, topics):
    """The topic asked for (`?topic=`), else the first: a comparison or a timeline is always
    of one topic, chosen from `topics` (a list already read). A bad slug gets a message."""
    slug = request.GET.get("topic")
    chosen = next((topic for topic in topics if topic.slug == slug), None)
    if slug and chosen is None:
        messages.warning(request, "No published topic by that name; showing the first one.")
    return chosen or (topics[0] if topics else None)


class ChoiceOfRows(forms.MultipleChoiceField):
    """Several of `rows` (a list already read), by slug: validated and rendered from the
    same list, so offering and checking the choices costs one query, not two."""

    def __init__(self, rows, **kwargs):
        self.rows = {row.slug: row for row in rows}
        super().__init__(choices=[(row.slug, str(row)) for row in rows], **kwargs)

    def clean(self, value):
        return [self.rows[slug] for slug in super().clean(value)]


class SchoolsForm(forms.Form):
    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"] = ChoiceOfRows(schools, widget=forms.CheckboxSelectMultiple, label="Schools")

    def clean_school(self):
        schools = self.cleaned_data["school"]
        if len(schools) < 2:
            raise forms.ValidationError("Pick at least two schools to compare.")
        return schools


class HistoriansForm(forms.Form):
    def __init__(self, *args, historians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["historian"] = ChoiceOfRows(
            historians, label="Historians", widget=forms.SelectMultiple(attrs={"size": 10})
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


@require_safe
def compare_schools(request):
    """Questions x schools of one topic: per cell, the positions the school's people argue,
    how many arguments, and one representative argument (the latest with a passage, else
    the latest). The cells are worked out from one narrow query, so only the arguments shown
    are loaded, however many the schools have (tens of thousands in bench/run.py's data).
    With no schools chosen, the topic's first two are compared."""
    topics = list(Topic.objects.published())
    topic = _topic_in_view(request, topics)
    offered = list(School.objects.for_topic(topic)) if topic else []
    schools = offered[:2]
    form = SchoolsForm(
        request.GET if "school" in request.GET else None,
        schools=offered,
        initial={"school": [school.slug for school in schools]},
    )
    if form.is_bound and form.is_valid():
        schools = form.cleaned_data["school"]
    elif form.is_bound:
        _report(request, form)
    questions = list(
        Question.objects.published().filter(topic=topic).with_topic().with_positions().order_by("order", "title")
    )
    positions = {position.pk: position for question in questions for position in question.positions.all()}
    # One row per argument and chosen school: a school's own view, or each chosen school of
    # the person whose view it is.
    rows = (
        Argument.objects.published()
        .filter(position__question__in=[question.pk for question in questions])
        .filter(Q(school__in=schools) | Q(historian__schools__in=schools))
        .annotate(
            quoted=ExpressionWrapper(~Q(passage="") | ~Q(words=""), output_field=BooleanField()),
            in_school=Coalesce("school", "historian__schools"),
        )
        .values_list("pk", "position_id", "position__question_id", "in_school", "year", "quoted")
        .order_by()
    )
    cells = defaultdict(lambda: {"arguments": [], "positions": set(), "latest": None})
    for pk, position_id, question_id, school_id, year, quoted in rows:
        cell = cells[(question_id, school_id)]
        cell["arguments"].append(pk)
        cell["positions"].add(position_id)
        # A passage is preferred; a claim in the editors' words stands in for a school
        # whose arguments come from its members' books, with no words quoted.
        if cell["latest"] is None or (quoted, year or 0, pk) > cell["latest"]:
            cell["latest"] = (quoted, year or 0, pk)
    representatives = (
        Argument.objects.select_related("historian", "school", "source", "work")
        .defer("source__text")
        .order_by()
        .in_bulk([cell["latest"][2] for cell in cells.values() if cell["latest"]])
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
                    "representative": representatives.get(cell["latest"][2]) if cell["latest"] else None,
                }
            )
        table.append((question, row))
    return render(
        request,
        "historiography/compare_schools.html",
        {"form": form, "schools": schools, "rows": table, "topic": topic, "topics": topics},
    )


@require_safe
def compare_historians(request):
    """Questions x 2-4 historians, marking per question: all on one position ("agree"),
    nobody sharing a position ("disagree"), or some of each ("mixed")."""
    topics = list(Topic.objects.published())
    topic = _topic_in_view(request, topics)
    offered = list(Historian.objects.for_topic(topic)) if topic else []
    form = HistoriansForm(request.GET if "historian" in request.GET else None, historians=offered)
    historians, rows = [], []
    if form.is_bound and form.is_valid():
        historians = form.cleaned_data["historian"]
    elif form.is_bound:
        _report(request, form)
    if historians:
        arguments = Argument.objects.published().for_topic(topic).filter(historian__in=historians).for_comparison()
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
        request,
        "historiography/compare_historians.html",
        {"form": form, "historians": historians, "rows": rows, "topic": topic, "topics": topics},
    )


@require_safe
def debate_timeline(request):
    """One question's arguments by position, or a topic's by school, over the years its
    debate spans, a hundred at a time by year (`?page=`); the axis spans the whole
    debate's years on every page. The topic is chosen (`?topic=`, default the first), or
    is the question's."""
    # Every published question with its topic: the choosers of both, in one query.
    all_questions = list(Question.objects.published().with_topic().order_by("topic__title", "order", "title"))
    topics = list({q.topic_id: q.topic for q in all_questions}.values())
    question = None
    slug = request.GET.get("question")
    if slug:
        question = Question.objects.published().with_topic().with_positions().filter(slug=slug).first()
        if question is None:
            messages.warning(request, "No published question by that name; showing the whole topic.")
    if question:
        topic = question.topic
        dated = Argument.objects.published().for_question(question).for_timeline()
    else:
        topic = _topic_in_view(request, topics)
        dated = Argument.objects.published().for_topic(topic).for_timeline() if topic else Argument.objects.none()
    # How many, and the years they span, in one query (the paginator's count among them).
    span = dated.aggregate(count=Count("pk"), first=Min("year"), last=Max("year")) if topic else {"count": 0}
    paginator = Paginator(dated, TIMELINE_PAGE_SIZE)
    paginator.count = span["count"]
    page = paginator.get_page(request.GET.get("page"))
    arguments = list(page.object_list)
    if question:
        lanes = [(p.label, [a for a in arguments if a.position_id == p.pk]) for p in question.positions.all()]
    else:
        by_school = defaultdict(list)
        for argument in arguments:
            schools_of = [argument.school] if argument.is_school_view else argument.historian.schools.all()
            for school in schools_of or [None]:
                by_school[school].append(argument)
        ordered = sorted(by_school, key=lambda s: (s is None, s.order if s else 0, str(s)))
        lanes = [(school.name if school else "No school recorded", by_school[school]) for school in ordered]
    questions = [q for q in all_questions if topic and q.topic_id == topic.pk]
    milestones = list(topic.milestones.all()) if topic else []
    chart = timeline(
        lanes,
        milestones,
        period=(topic.period_start, topic.period_end) if topic else (None, None),
        span=(span.get("first"), span.get("last")),
    )
    return render(
        request,
        "historiography/timeline.html",
        {
            "chart": chart,
            "milestones": milestones,
            "arguments": arguments,
            "page": page,
            "question": question,
            "topic": topic,
            "topics": topics,
            "questions": questions,
        },
    )
