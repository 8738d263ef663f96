"""Public pages over the published scholarship. Each page's reads live in QuerySet
methods (historiography/models/), so the query count of a page does not grow with its rows."""

import json
from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from taggit.models import Tag

from .. import cards as card_cache
from .. import citations, verbatim
from .. import search as fulltext
from ..charts import estimate_chart
from ..filters import ArgumentFilter, ArgumentListFilter, PeopleSuggestForm, SearchForm
from ..models import Argument, Historian, Question, School, Status, Topic, Work

PAGE_SIZE = 20
# Lists of names (people of a school, works of a historian, schools, tags) page by this many.
NAMES_PER_PAGE = 100


def _filtered_arguments(request, queryset, filterset_class=ArgumentFilter, **choices):
    """Apply the filters in the query string; a bad value is reported, not fatal.
    `choices` tell the FilterSet what to offer (see ArgumentFilter)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, **choices)
    if filterset.is_bound and not filterset.is_valid():
        for field, errors in filterset.errors.items():
            label = filterset.form.fields[field].label or field
            messages.warning(request, f"{label}: {' '.join(errors)} That filter was ignored.")
    return filterset


def _topic_asked(request):
    """The published topic of `?topic=` (one query, only when asked), else None; an unknown
    one is reported and ignored, as a bad filter is."""
    slug = request.GET.get("topic")
    if not slug:
        return None
    topic = Topic.objects.published().filter(slug=slug).first()
    if topic is None:
        messages.warning(request, "Topic: no published topic by that name. That filter was ignored.")
    return topic


def _page(request, queryset, per_page=PAGE_SIZE, param="page"):
    """One page of `queryset`, the number from `?<param>=`: a number that is not one gives
    the first page, one past the end the last, so no query string fails the page."""
    return Paginator(queryset, per_page).get_page(request.GET.get(param))


@require_safe
def home(request):
    topics = Topic.objects.published().with_questions()
    return render(request, "historiography/home.html", {"topics": topics})


@require_safe
def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.published(), slug=slug)
    questions = (
        topic.questions.published()
        .with_positions()
        .with_argument_counts()
        .with_estimate_counts()
        .order_by("order", "title")
    )
    return render(request, "historiography/topic_detail.html", {"topic": topic, "questions": questions})


def previews_drafts(request, model) -> bool:
    """Editors (staff who may view the model in the admin) see drafts, marked as such, so
    "View on site" works before publishing."""
    user = request.user
    return user.is_authenticated and user.is_staff and user.has_perm(f"historiography.view_{model._meta.model_name}")


def _published(*models):
    return [model.objects.published() for model in models]


def private(response):
    """A page made for an editor is never stored, by the page cache or any other."""
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def question_detail(request, slug):
    """The positions of a question as side-by-side columns, or grouped by school. An
    editor previews a draft question with all its arguments."""
    preview = previews_drafts(request, Question)
    questions = Question.objects.all() if preview else Question.objects.published()
    question = get_object_or_404(questions.with_topic().with_positions().with_year_span(), slug=slug)
    is_draft = question.status != Status.PUBLISHED or question.topic.status != Status.PUBLISHED
    positions = list(question.positions.all())
    on_question = (Argument.objects.all() if is_draft else Argument.objects.published()).for_question(question)
    # The schools, tags, people and decades of this question, not those of the whole
    # scholarship (thousands of people, other topics' schools).
    filterset = _filtered_arguments(
        request, on_question.for_cards(), scope=on_question, decades=(question.first_year, question.last_year)
    )
    counts, page, first, arguments = card_cache.column_page(filterset.qs, request.GET.get("page"))
    arguments = list(arguments)

    by_position = defaultdict(list)
    for argument in arguments:
        by_position[argument.position_id].append(argument)
    columns = [(position, by_position[position.pk], counts.get(position.pk, 0)) for position in positions]

    grouped = request.GET.get("group") == "school"
    school_rows = _group_by_school(arguments, positions) if grouped else []

    estimates = list(question.estimates.published().for_chart())
    chart = estimate_chart(estimates)
    response = render(
        request,
        "historiography/question_detail.html",
        {
            "cards": card_cache.rendered(arguments, heading_level=4 if grouped else 3, marks_drafts=is_draft),
            "question": question,
            "is_draft": is_draft,
            "marks_drafts": is_draft,
            "columns": columns,
            "argument_count": sum(counts.values()),
            "filtering": any(request.GET.get(name) for name in filterset.filters),
            "page": page,
            "first": first,
            "filter": filterset,
            "grouped": grouped,
            "school_rows": school_rows,
            "estimates": estimates,
            "chart": chart,
        },
    )
    return private(response) if preview else response


def _group_by_school(arguments, positions):
    """Rows of (school, [(position, arguments)]); a historian of two schools shows in both."""
    cells = defaultdict(lambda: defaultdict(list))
    schools = {}
    for argument in arguments:
        if argument.is_school_view:
            historian_schools = [argument.school]
        else:
            historian_schools = list(argument.historian.schools.all()) or [None]
        for school in historian_schools:
            key = school.pk if school else None
            schools[key] = school
            cells[key][argument.position_id].append(argument)
    ordered = sorted(schools.items(), key=lambda item: (item[1] is None, item[1].order if item[1] else 0, str(item[1])))
    return [(school, [(position, cells[key][position.pk]) for position in positions]) for key, school in ordered]


@require_safe
def argument_list(request):
    published = Argument.objects.published()
    filterset = _filtered_arguments(
        request,
        published.for_cards().order_by("position__question__order", "position__order", "year", "pk"),
        ArgumentListFilter,
        arguments=published,
    )
    page = _page(request, filterset.qs)
    return render(
        request,
        "historiography/argument_list.html",
        {"filter": filterset, "page": page, "cards": card_cache.rendered(page, show_question=True, heading_level=2)},
    )


def _citation(bibtex, csl_item):
    return {"bibtex": bibtex, "csl": json.dumps([csl_item], ensure_ascii=False, indent=2)}


@require_safe
def argument_detail(request, slug):
    preview = previews_drafts(request, Argument)
    arguments = Argument.objects.all() if preview else Argument.objects.published()
    argument = get_object_or_404(arguments.for_cards().with_work_authors(), slug=slug)
    outgoing = argument.outgoing_relations.filter(target__in=Argument.objects.published()).select_related(
        "target__historian", "target__school", "target__position"
    )
    citation = _citation(citations.argument_bibtex(argument), citations.argument_csl(argument))
    is_draft = not Argument.objects.published().filter(pk=argument.pk).exists() if preview else False
    response = render(
        request,
        "historiography/argument_detail.html",
        {
            "argument": argument,
            "outgoing": outgoing,
            "citation": citation,
            "is_draft": is_draft,
            "marks_drafts": is_draft,
        },
    )
    return private(response) if preview else response


@require_safe
def argument_context(request, slug):
    """The passage highlighted in its paragraph of the source, under its section, with the
    source's title, site and access date: where the words stand, without JavaScript."""
    argument = get_object_or_404(
        Argument.objects.published().select_related("historian", "school", "source", "position__question__topic"),
        slug=slug,
        source__isnull=False,
    )
    return render(
        request,
        "historiography/argument_context.html",
        {"argument": argument, "context": verbatim.in_context(argument.passage, argument.source.text)},
    )


@require_safe
def historian_list(request):
    topic = _topic_asked(request)
    published = Argument.objects.published_q("arguments__")
    historians = Historian.objects.published()
    if topic:
        historians = historians.for_topic(topic)
        published &= Q(arguments__position__question__topic=topic)
    historians = (
        historians.prefetch_related("schools").annotate(argument_count=Count("arguments", filter=published))
    ).order_by("sort_name", "pk")
    return render(
        request,
        "historiography/historian_list.html",
        {"page": _page(request, historians, per_page=100), "topic": topic},
    )


@require_safe
def historian_detail(request, slug):
    """A person, their works and their arguments. An editor previews a draft person with
    their arguments on published questions, each card that is not public marked."""
    preview = previews_drafts(request, Historian)
    people = Historian.objects.all() if preview else Historian.objects.published()
    historian = get_object_or_404(people.prefetch_related("schools"), slug=slug)
    is_draft = historian.status != Status.PUBLISHED
    arguments = historian.arguments.on_published_questions() if is_draft else historian.arguments.published()
    page = _page(request, arguments.for_cards().order_by("position__question__order", "year", "pk"))
    works = historian.works.all() if preview else historian.works.published()
    response = render(
        request,
        "historiography/historian_detail.html",
        {
            "historian": historian,
            "works": _page(request, works.order_by("year", "title", "pk"), NAMES_PER_PAGE, "works"),
            "page": page,
            "cards": card_cache.rendered(page, show_question=True, marks_drafts=is_draft),
            "is_draft": is_draft,
        },
    )
    return private(response) if preview else response


@require_safe
def people_suggest(request):
    """What the people field's autocomplete offers (static/js/people.js): up to
    PeopleSuggestForm.LIMIT people with published arguments whose name contains `q`, on
    `question` or in `topic` when given, as JSON; bounded however many people there are.
    A query too short or malformed gets no one, and says why."""
    form = PeopleSuggestForm(request.GET)
    if not form.is_valid():
        reason = " ".join(error for errors in form.errors.values() for error in errors)
        return JsonResponse({"people": [], "more": False, "error": reason})
    people = list(form.people())
    more = len(people) > form.LIMIT
    return JsonResponse(
        {
            "people": [
                {"name": person.name, "slug": person.slug, "role": person.get_role_display()}
                for person in people[: form.LIMIT]
            ],
            "more": more,
        }
    )


@require_safe
def school_list(request):
    topic = _topic_asked(request)
    schools = School.objects.for_topic(topic) if topic else School.objects.all()
    schools = schools.annotate(
        historian_count=Count("historians", filter=Q(historians__status=Status.PUBLISHED))
    ).order_by("order", "name", "pk")
    return render(
        request, "historiography/school_list.html", {"page": _page(request, schools, NAMES_PER_PAGE), "topic": topic}
    )


@require_safe
def school_detail(request, slug):
    school = get_object_or_404(School, slug=slug)
    historians = school.historians.published().order_by("sort_name", "pk")
    arguments = (
        Argument.objects.published()
        .filter(Q(historian__schools=school) | Q(school=school))
        .for_cards()
        .order_by("position__question__order", "position__order", "year", "pk")
    )
    page = _page(request, arguments)
    return render(
        request,
        "historiography/school_detail.html",
        {
            "school": school,
            "people": _page(request, historians, NAMES_PER_PAGE, "people"),
            "page": page,
            "cards": card_cache.rendered(page, show_question=True),
        },
    )


@require_safe
def work_detail(request, slug):
    """A work, its authors and the arguments citing it. An editor previews a draft work
    (or one by a draft author) with its arguments on published questions, drafts marked."""
    preview = previews_drafts(request, Work)
    works, people = (Work.objects.all(), Historian.objects.all()) if preview else _published(Work, Historian)
    work = get_object_or_404(works.prefetch_related(Prefetch("authors", queryset=people)), slug=slug)
    is_draft = work.status != Status.PUBLISHED
    arguments = work.arguments.on_published_questions() if is_draft else work.arguments.published()
    page = _page(request, arguments.for_cards())
    citation = _citation(citations.work_bibtex(work), citations.work_csl(work))
    response = render(
        request,
        "historiography/work_detail.html",
        {
            "work": work,
            "page": page,
            "cards": card_cache.rendered(page, show_question=True, marks_drafts=is_draft),
            "citation": citation,
            "is_draft": is_draft,
        },
    )
    return private(response) if preview else response


@require_safe
def tag_list(request):
    topic = _topic_asked(request)
    published = Argument.objects.published_q("historiography_taggedargument_items__content_object__")
    if topic:
        published &= Q(historiography_taggedargument_items__content_object__position__question__topic=topic)
    tags = (
        Tag.objects.annotate(argument_count=Count("historiography_taggedargument_items", filter=published))
        .filter(argument_count__gt=0)
        .order_by("name", "pk")
    )
    return render(
        request, "historiography/tag_list.html", {"page": _page(request, tags, NAMES_PER_PAGE), "topic": topic}
    )


@require_safe
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    topic = _topic_asked(request)
    arguments = Argument.objects.published().filter(tags=tag)
    if topic:
        arguments = arguments.for_topic(topic)
    page = _page(request, arguments.for_cards())
    return render(
        request,
        "historiography/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            "topic": topic,
            "cards": card_cache.rendered(page, show_question=True, heading_level=2),
        },
    )


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_bound:
        if "q" in form.errors:
            messages.warning(request, "Type up to 200 characters to search questions, arguments, people and works.")
        else:
            for name, errors in form.errors.items():
                messages.warning(request, f"{form.fields[name].label}: {' '.join(errors)} That filter was ignored.")
            results = fulltext.search(
                form.cleaned_data["q"],
                kind=form.cleaned_data.get("kind", ""),
                page=request.GET.get("page"),
                **form.filters(),
            )
            questions, schools = results.filter_choices()
            form.offer(questions, schools)
            _render_search_cards(results)
    return render(request, "historiography/search.html", {"form": form, "results": results})


def _render_search_cards(results):
    """The argument cards the results show, from the shared card cache with the matching
    words marked in each (cards.rendered with `marks`); the rows of the cards it does not
    hold read then (`rows`), the search having read only what it marks."""
    for group in results.groups:
        if group.kind == "argument" and group.items:
            marks = {
                item.object.pk: {"marked_claim": item.title, "marked_passage": item.text, "marked_words": item.words}
                for item in group.items
            }
            cards = card_cache.rendered(
                [item.object for item in group.items],
                show_question=True,
                marks=marks,
                rows=Argument.objects.for_card_rows(),
            )
            for item in group.items:
                item.html = cards[item.object.pk, True, 3]
