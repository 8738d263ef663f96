"""Search: everything a student looks for, found by what they type, on both databases.

One index per database, the same behaviour on both:

- SQLite (the default): an FTS5 table, `historiography_search`, with the porter stemmer
  and diacritics removed, one row per question, position, argument, person, school, work,
  topic and estimate (rowid = id * 8 + the kind's number). Triggers of migration 0014 keep it in
  step with every write, bulk ones and raw SQL included; `manage.py rebuild_search_index`
  refills it.
- PostgreSQL: each kind's document as a tsvector in the `historiography_english` text
  search configuration (English stemming and stop words, accents folded by `unaccent`),
  stored in a generated column `search_document` of each table with a GIN index (migrations
  0014 and 0017; the expressions are DOCUMENTS in index.py). Names are
  also matched by trigram word similarity (pg_trgm), so "Solzhenitsin" finds Solzhenitsyn.

The query is folded (accents, case) and stripped of stop words in Python on both, so
that both databases look for the same words. Every word must match; when nothing does,
any word may, and when still nothing does, "did you mean" offers the nearest names and
title words. Each kind's matches are bounded to CANDIDATES, ranked, then filtered.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL

from . import narrowing, postgresql, sqlite
from .index import (  # noqa: F401 (the index's API, used by migration 0014 and the command)
    CANDIDATES,
    CONFIG,
    DOCUMENTS,
    EVENTS,
    FTS_TABLE,
    KIND_OF_NUMBER,
    TITLED,
    postgresql_claim,
    postgresql_document,
    rebuild,
    sqlite_install_statements,
    sqlite_refill_statements,
    sqlite_uninstall_statements,
)
from .postgresql import Document, postgresql_query  # noqa: F401
from .snippets import highlight
from .suggestions import similar_names, suggestion, vocabulary
from .words import STOP_WORDS, WORD, Query, fold, parse, spellings, tokens, words_of  # noqa: F401

# The search -------------------------------------------------------------------------


@dataclass
class Group:
    kind: str
    label: str
    hits: list = field(default_factory=list)  # [(pk, rank, extra)], best first, filtered
    # Arguments: {pk: (historian id, school id)}, whose view each match is (the school
    # filter's choices); None for a named person's (narrowing), whose ids are in `named`.
    authors: dict = field(default_factory=dict)
    named: set = field(default_factory=set)
    capped: bool = False
    best: float = float("-inf")
    exact: bool = False  # a match's whole title is what was typed
    titled: bool = False  # a match's title has every word typed

    @property
    def count(self):
        return len(self.hits)

    @property
    def count_display(self):
        return f"{CANDIDATES:,}+" if self.capped else f"{self.count:,}"


LABELS = {
    "question": "Questions",
    "person": "People",
    "school": "Schools",
    "work": "Works",
    "topic": "Topics",
    "position": "Positions",
    "argument": "Arguments",
    "estimate": "Estimates",
}


def run(query, querysets, any_word=False):
    """{kind: Group} of the matches of `query` (a words.Query) among `querysets` (the
    kinds' published, filtered querysets), each best first: (pk, rank, question id) for
    arguments, positions and estimates (the question they belong to), (pk, rank, None)
    for the others. Each kind's candidates come from the index, bounded and ranked, in
    one statement; then one query per kind that has candidates keeps those its queryset
    holds (published, inside the filters)."""
    groups = {kind: Group(kind, LABELS[kind]) for kind in querysets}
    if connection.vendor == "sqlite":
        found = sqlite.candidates(query, any_word)
    else:
        found = postgresql.candidates(query, any_word, names=" ".join(query.words))
    exact = " ".join(_singular(word) for word in query.words)
    words = {_singular(word) for word in query.words}
    for kind, queryset in querysets.items():
        ranked = found[kind][: CANDIDATES + 1]
        groups[kind].capped = len(ranked) > CANDIDATES
        ranked = ranked[:CANDIDATES]
        if kind in TITLED:
            titles = [_fold_if_near(title, words) for _pk, _score, title in ranked]
            groups[kind].exact = exact in titles
            groups[kind].titled = any(words <= set(title.split()) for title in titles)
            rank = {pk: _weigh(score, title, words, exact) for (pk, score, _t), title in zip(ranked, titles)}
        else:
            rank = {pk: score for pk, score, _title in ranked}
        hits = _keep(queryset, kind, list(rank))
        groups[kind].hits = sorted(((pk, rank[pk], extra) for pk, extra, _a in hits), key=lambda h: (-h[1], h[0]))
        groups[kind].authors = {pk: author for pk, _extra, author in hits}
    return groups


def fold_title(title):
    """A title's words as they are compared with what was typed, without stop words,
    possessives and plurals: "Lenin's Testament" and "lenins testaments" are both "lenin
    testament"."""
    return " ".join(_singular(word) for word in tokens(title) if word not in STOP_WORDS)


def _fold_if_near(title, words):
    """fold_title(title), or "" when an ASCII title lacks one of `words` (singular, so a
    prefix of any word they come from) even inside another word: then it is neither what
    was typed nor holds every word, and folding it is wasted (most of a common word's
    1,000 titles)."""
    if title.isascii():
        lowered = title.lower()
        if not all(word in lowered for word in words):
            return ""
    return fold_title(title)


def _singular(word):
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _weigh(rank, folded, words, exact):
    """A match's rank, raised when its title (`folded`) is what was typed ("Lenin's
    Testament" for "lenin's testament", thrice) or has every word typed as typed, not only
    their stems (twice: "What kind of system was Stalinism?" before the many titles with
    "Stalin")."""
    if not folded or rank <= 0:
        return rank
    if folded == exact:
        return rank * 3
    if words <= set(folded.split()):
        return rank * 2
    return rank


def _extra(kind):
    return {"argument": ["position__question_id"], "position": ["question_id"], "estimate": ["question_id"]}.get(
        kind, []
    )


# An argument's historian and school (one of them is set), read with its match.
AUTHOR = ["historian_id", "school_id"]


def _keep(queryset, kind, ids):
    """(pk, extra, author) of the ids among `ids` that `queryset` holds (published,
    filtered): the extra column (a question id) where the kind has one, an argument's
    (historian id, school id). No query for a kind without filters or extra column
    (people, schools and works when nothing narrows them)."""
    extra, author = _extra(kind), AUTHOR if kind == "argument" else []
    if not ids:
        return []
    if not queryset.query.where and not extra:
        return [(pk, None, None) for pk in ids]
    rows = queryset.filter(AnyOf("pk", ids)).order_by().values_list("pk", *extra, *author)
    if not author:
        return [(pk, row[0] if extra else None, None) for pk, *row in rows]
    return [(pk, question, (historian, school)) for pk, question, historian, school in rows]


class AnyOf(Func):
    """`field` is one of `ids`: on PostgreSQL `= ANY(%s)` with the ids as one array
    parameter (a list of 1,000 placeholders costs more to build, send and plan than the
    query takes to run), elsewhere `IN (...)`."""

    output_field = BooleanField()

    def __init__(self, field, ids):
        super().__init__(F(field))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s)", [*params, self.ids]
        placeholders = ", ".join(["%s"] * len(self.ids)) or "NULL"
        return f"{sql} IN ({placeholders})", [*params, *self.ids]


# What the results page shows ------------------------------------------------------------

# Kinds in this order where their best matches rank the same.
ORDER = ["question", "person", "school", "work", "topic", "position", "argument", "estimate"]
SHOWN_IN_ALL = {
    "question": 5,
    "person": 8,
    "school": 5,
    "work": 5,
    "topic": 3,
    "position": 5,
    "argument": 10,
    "estimate": 5,
}
PAGE_SIZE = 20
# Questions the question filter offers: the results' best. A common word finds hundreds,
# and a select of them all was half the page (50 KB) and a sixth of its time.
OFFERED_QUESTIONS = 20


@dataclass
class Item:
    """One result: the object, its title and text with the matching words marked, and,
    for a question found through its positions or arguments, how it was found."""

    object: object
    title: str = ""
    text: str = ""
    through: str = ""
    words: str = ""
    html: str = ""  # an argument's card, from the view (cards.rendered, marked)


@dataclass
class Results:
    text: str
    words: list
    groups: list  # [Group] with matches, in reading order; each has .items loaded when shown
    any_word: bool = False
    suggestion: str | None = None
    kind: str = ""
    page: object = None  # the Page of the chosen kind
    excluded: list = field(default_factory=list)  # what was left out ("-word"), as typed words

    @property
    def total(self):
        return sum(group.count for group in self.groups)

    @property
    def total_display(self):
        """The count of results, "3,000+" when a kind has more than it counts."""
        capped = any(group.capped for group in self.groups)
        return f"{self.total:,}+" if capped else f"{self.total:,}"

    @property
    def kind_label(self):
        return LABELS.get(self.kind, "")

    def ids(self, kind):
        """The ids of every match of `kind`, shown or not."""
        return [pk for group in self.groups if group.kind == kind for pk, _rank, _extra in group.hits]

    def filter_choices(self):
        """What the filters offer: the results' best OFFERED_QUESTIONS questions as
        (slug, title) rows in rank order, and the schools of the results' people (a
        queryset). Both come from the results, which the filters already narrow, so one
        topic's search never lists another's debates."""
        from ..models import Historian, Question, School

        ids = self.ids("question")[:OFFERED_QUESTIONS]
        questions = [(q.slug, q.title) for q in _in_order(Question.objects.only("slug", "title"), ids)]
        # The schools of the matching arguments' people and the schools whose views match,
        # from the ids read with the matches: no query of the arguments again.
        people, own = set(), set()
        for group in self.groups:
            if group.kind == "argument":
                hits = {pk for pk, _rank, _extra in group.hits}
                authors = [group.authors.get(pk) for pk in hits]
                people = {h for h, _s in filter(None, authors) if h} | group.named
                own = {s for _h, s in filter(None, authors) if s}
        members = Historian.schools.through.objects.filter(AnyOf("historian_id", sorted(people)))
        schools = School.objects.filter(
            Q(pk__in=self.ids("school")) | Q(pk__in=sorted(own)) | Q(pk__in=members.values("school_id"))
        )
        return questions, schools

    @property
    def first(self):
        """The first result the page shows, or None."""
        for group in self.groups:
            if group.items:
                return group.items[0].object
        return None


def querysets(*, topic=None, question=None, school=None):
    """Each kind's published rows, narrowed by the filters (all by GET, so results can be
    shared). People, schools, works and topics are narrowed to those of the published
    arguments the filters leave."""
    from ..models import Argument, Estimate, Historian, Position, Question, School, Topic, Work

    arguments, estimates = Argument.objects.published(), Estimate.objects.published()
    questions = Question.objects.published()
    positions = Position.objects.published()
    people, works = Historian.objects.published(), Work.objects.published()
    schools, topics = School.objects.all(), Topic.objects.published()
    if topic:
        arguments = arguments.filter(position__question__topic=topic)
        questions, positions = questions.filter(topic=topic), positions.filter(question__topic=topic)
        estimates = estimates.filter(question__topic=topic)
    if question:
        arguments = arguments.filter(position__question=question)
        questions, positions = questions.filter(pk=question.pk), positions.filter(question=question)
        estimates = estimates.filter(question=question)
    if school:
        arguments = arguments.filter(Q(school=school) | Q(historian__schools=school))
        questions = questions.filter(pk__in=arguments.values("position__question"))
        positions = positions.filter(pk__in=arguments.values("position"))
        schools = schools.filter(pk=school.pk)
        estimates = estimates.filter(historian__schools=school)
    if topic or question or school:
        people = people.filter(pk__in=arguments.values("historian"))
        works = works.filter(pk__in=arguments.values("work"))
        topics = topics.filter(pk__in=arguments.values("position__question__topic"))
        if not school:
            schools = schools.filter(Q(pk__in=arguments.values("school")) | Q(historians__in=people)).distinct()
    return {
        "question": questions,
        "position": positions,
        "argument": arguments,
        "person": people,
        "school": schools,
        "work": works,
        "topic": topics,
        "estimate": estimates,
    }


def search(text, *, kind="", page=None, **filters):
    """What a student's `text` finds, grouped by kind, the shown items loaded."""
    query = parse(text)
    words = query.words
    results = Results(text=text, words=words, groups=[], kind=kind)
    results.excluded = [" ".join(term.words) for term in query.excluded]
    if not query:
        # Stop words (or only words to leave out): nothing to look for, so nothing is read.
        return results
    kinds = querysets(**filters)
    groups = run(query, kinds)
    if not any(group.hits for group in groups.values()) and len(query.terms) > 1:
        groups, results.any_word = run(query, kinds, any_word=True), True
    _add_people_by_likeness(groups, kinds["person"], words)
    _add_arguments_by_author(groups, kinds["argument"])
    _add_by_named_people(groups, kinds, query)
    _leave_out_debates(groups, query)
    for group in groups.values():
        group.best = max((rank for _pk, rank, _extra in group.hits), default=float("-inf"))
    direct = {pk for pk, _rank, _extra in groups["question"].hits}
    _add_questions_through(groups, direct)
    # Questions first when one matches by its own words, unless none has every word in
    # its title and a name or title is exactly what was typed ("Lenin's testament": the
    # work); then the kinds by their best match (a name found only by its likeness to a
    # word typed last).
    found = [group for group in groups.values() if group.hits]
    named = not groups["question"].titled and any(g.exact for g in found if g.kind != "question")
    results.groups = sorted(
        found,
        key=lambda g: (
            not (named and g.exact),
            not (g.kind == "question" and direct),
            -g.best,
            ORDER.index(g.kind),
        ),
    )
    if not results.groups or results.any_word:
        # Nothing has every word: offer the nearest names and title words.
        results.suggestion = suggestion(text, vocabulary())
    if not results.groups:
        return results
    from django.core.paginator import Paginator

    for group in results.groups:
        if kind and group.kind != kind:
            group.items = []
            continue
        hits = group.hits
        if kind:
            results.page = Paginator(hits, PAGE_SIZE).get_page(page)
            hits = list(results.page.object_list)
        else:
            hits = hits[: SHOWN_IN_ALL[group.kind]]
        group.items = _load(group.kind, hits, words, direct)
    return results


def _add_people_by_likeness(groups, people, words):
    """People whose name is near a word typed: on SQLite always; on PostgreSQL only when
    nothing else was found, not even a name by trigram similarity ("Kruschev" shares too
    few trigrams with "Khrushchev"), and then only the names with a word that begins as
    one typed does. One query over the names."""
    group = groups["person"]
    names = people.values_list("pk", "name")
    if connection.vendor != "sqlite":
        if any(other.hits for other in groups.values()):
            return
        initials = sorted({word[0] for word in words if len(word) > 3 and word[0].isalnum()})
        if not initials:
            return
        # \m: a word's start; accents folded as similar_names folds them ("Émile": e).
        starts = RawSQL("unaccent(name) ~* %s", [rf"\m[{''.join(initials)}]"], output_field=BooleanField())
        names = names.filter(starts)
    found = {pk for pk, _rank, _extra in group.hits}
    group.hits += [(pk, 0.0, None) for pk in similar_names(names, words) if pk not in found]


# People whose arguments a search by their name lists.
AUTHORS = 5


def _add_arguments_by_author(groups, arguments):
    """The arguments of the people whose name has every word typed ("Conquest", "Robert
    Conquest"), after the arguments that match by their own words, ranked as half their
    author's match so that the person comes before them. One query, only when a name
    matched by its words (not by its likeness to a misspelt one)."""
    people = [(pk, rank) for pk, rank, _extra in groups["person"].hits if rank > 0.01][:AUTHORS]
    if not people:
        return
    group, weight = groups["argument"], dict(people)
    found = {pk for pk, _rank, _extra in group.hits}
    rows = (
        arguments.filter(historian__in=weight)
        .order_by("pk")
        .values_list("pk", "historian_id", *_extra("argument"))[: CANDIDATES + 1]
    )
    added = [(pk, weight[author] / 2, question) for pk, author, question in rows if pk not in found]
    group.authors.update((pk, (author, None)) for pk, author, _question in rows)
    group.hits = sorted(group.hits + added, key=lambda h: (-h[1], h[0]))[:CANDIDATES]
    group.capped = group.capped or len(rows) > CANDIDATES


def _add_by_named_people(groups, kinds, query):
    """A person named among other words ("Conquest famine"): their arguments and
    estimates that have the other words come first in their kinds, the person among the
    people (narrowing.by_named_people)."""
    people, found = narrowing.by_named_people(kinds, query)
    if not people:
        return
    for kind, rows in found.items():
        group, theirs = groups[kind], {pk for pk, _rank, _extra in rows}
        top = max((rank for _pk, rank, _extra in group.hits), default=0.0)
        others = [hit for hit in group.hits if hit[0] not in theirs]
        group.hits = [(pk, top + 1 + rank, extra) for pk, rank, extra in rows] + others
        if kind == "argument" and rows:
            group.named |= set(people)
    listed = {pk for pk, _rank, _extra in groups["person"].hits}
    groups["person"].hits += [(pk, 0.0, None) for pk in people if pk not in listed]


def _leave_out_debates(groups, query):
    """Words left out leave out the questions whose own words have them, with their
    sides, arguments and estimates ("famine -ukraine": no side or argument of the
    Ukrainian famine's question, whose title says Ukraine)."""
    kinds = ("position", "argument", "estimate")
    if not query.excluded or not any(groups[kind].hits for kind in kinds):
        return
    left_out = narrowing.left_out_questions(query)
    for kind in kinds:
        groups[kind].hits = [hit for hit in groups[kind].hits if hit[2] not in left_out]


def _add_questions_through(groups, direct):
    """Questions whose positions, arguments or estimates match, after those that match
    themselves, so that a matching argument is never shown without its debate's sides.
    A question weighs all that matches in it: the one whose estimates answer "death toll"
    outranks another with one estimate that matches better."""
    weight, through = {}, {}
    for kind in ("position", "argument", "estimate"):
        for _pk, rank, question_id in groups[kind].hits:
            weight[question_id] = weight.get(question_id, 0.0) + rank
            if rank > through.get(question_id, (float("-inf"), ""))[0]:
                through[question_id] = (rank, kind)
    group = groups["question"]
    then = sorted(((pk, w, through[pk][1]) for pk, w in weight.items() if pk not in direct), key=lambda hit: -hit[1])
    group.hits += then
    # Among the kinds, the questions found through others weigh as their best match.
    ranks = [rank for _pk, rank, _ in group.hits[: len(direct)]] + [rank for rank, _kind in through.values()]
    group.best = max(ranks, default=float("-inf"))


# An argument's fields that a search marks, and what a card's cache key needs.
MARKED_FIELDS = ("pk", "claim", "words", "passage")


def _in_order(queryset, ids):
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids).order_by()}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _load(kind, hits, words, direct):
    """The shown hits' objects, in rank order, each in as few queries as the page's other
    lists (a question with its positions: two)."""
    from django.db.models import Prefetch

    from ..models import Argument, Estimate, Historian, Position, Question, School, Topic, Work

    ids = [pk for pk, _rank, _extra in hits]
    through = {pk: extra for pk, _rank, extra in hits}
    mark = lambda value, length=240: highlight(value, words, length) if value else ""  # noqa: E731
    if kind == "question":
        positions = Prefetch("positions", queryset=Position.objects.order_by("order", "pk"))
        objects = _in_order(Question.objects.select_related("topic").prefetch_related(positions), ids)
        return [
            Item(
                q,
                mark(q.title, None),
                mark(q.background),
                "" if q.pk in direct else f"through its {through[q.pk]}s",
            )
            for q in objects
        ]
    if kind == "position":
        objects = _in_order(Position.objects.select_related("question"), ids)
        return [Item(p, mark(p.label, None), mark(p.summary)) for p in objects]
    if kind == "argument":
        # Only what the marks need: the view reads the cards from the card cache, and the
        # rows of those it does not hold (cards.rendered's `rows`).
        objects = _in_order(Argument.objects.only(*MARKED_FIELDS), ids)
        return [Item(a, mark(a.claim, None), mark(a.passage, None), words=mark(a.words, None)) for a in objects]
    if kind == "estimate":
        objects = _in_order(Estimate.objects.select_related("question"), ids)
        return [Item(e, mark(e.measure, None), mark(e.passage or e.note)) for e in objects]
    if kind == "person":
        return [Item(h, mark(h.name, None), mark(h.bio)) for h in _in_order(Historian.objects, ids)]
    model = {"school": School, "work": Work, "topic": Topic}[kind]
    return [
        Item(obj, mark(str(obj), None), mark(getattr(obj, "description", "") or getattr(obj, "summary", "")))
        for obj in _in_order(model.objects, ids)
    ]


def arguments(queryset, text):
    """The arguments of `queryset` matching `text`, best first."""
    from django.db.models import Case, IntegerField, Value, When

    query = parse(text)
    if not query:
        return queryset.none()
    ids = [pk for pk, _rank, _extra in run(query, {"argument": queryset})["argument"].hits]
    place = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(place) if ids else queryset.none()
