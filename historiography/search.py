"""Search: everything a student looks for, found by what they type, on both databases.

One index per database, the same behaviour on both:

- SQLite (the default): an FTS5 table, `historiography_search`, with the porter stemmer
  and diacritics removed, one row per question, position, argument, person, school, work,
  topic and estimate (rowid = id * 8 + the kind's number). Triggers of migration 0014 keep it in
  step with every write, bulk ones and raw SQL included; `manage.py rebuild_search_index`
  refills it.
- PostgreSQL: each kind's document as a tsvector in the `historiography_english` text
  search configuration (English stemming and stop words, accents folded by `unaccent`),
  through a GIN index each (an argument's a stored column, the others expression indexes:
  PostgreSQL uses one only for the very same expression, hence DOCUMENTS here). Names are
  also matched by trigram word similarity (pg_trgm), so "Solzhenitsin" finds Solzhenitsyn.

The query is folded (accents, case) and stripped of stop words in Python on both, so
that both databases look for the same words. Every word must match; when nothing does,
any word may, and when still nothing does, "did you mean" offers the nearest names and
title words. Each kind's matches are bounded to CANDIDATES, ranked, then filtered.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Expression, Q, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "historiography_english"
FTS_TABLE = "historiography_search"
# Matches ranked per kind; more are counted as "1,000+".
CANDIDATES = 1000

# What each kind's document is made of: (kind number, table, title, body). A change here
# needs a migration that reinstalls the triggers (SQLite) and indexes (PostgreSQL).
DOCUMENTS = {
    "question": (1, "historiography_question", "title", ["background"]),
    "position": (2, "historiography_position", "label", ["summary"]),
    "argument": (3, "historiography_argument", "claim", ["words", "passage"]),
    "person": (4, "historiography_historian", "name", ["sort_name"]),
    "school": (5, "historiography_school", "name", ["description"]),
    "work": (6, "historiography_work", "title", []),
    "topic": (7, "historiography_topic", "title", ["summary"]),
    "estimate": (0, "historiography_estimate", "measure", ["given_by", "note", "passage"]),
}
KIND_OF_NUMBER = {number: kind for kind, (number, *_rest) in DOCUMENTS.items()}

# Words a student's question carries that say nothing about what they look for. The same
# list on both databases (PostgreSQL's english configuration drops these too).
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just like many me more most much my no nor not of off on once only or
    other our out over own same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your""".split()
)
WORD = re.compile(r"\w+")


def fold(text):
    """Lower case without accents: "Jäckel" -> "jackel" (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text):
    """The words to look for in `text`: folded, without stop words, each once."""
    seen = []
    for word in WORD.findall(fold(text)):
        if word not in STOP_WORDS and word not in seen and word.replace("_", ""):
            seen.append(word)
    return seen[:12]


# Installing the index ---------------------------------------------------------------


def _sqlite_row(kind, alias):
    number, _table, title, body = DOCUMENTS[kind]
    text = " || ' ' || ".join(f"{alias}.{column}" for column in body) or "''"
    return f"{alias}.id * 8 + {number}, {alias}.{title}, {text}"


def sqlite_install_statements():
    """The FTS5 table and, per kind, the triggers that keep it in step."""
    statements = [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "title, body, tokenize='porter unicode61 remove_diacritics 2')"
    ]
    for kind, (number, table, _title, _body) in DOCUMENTS.items():
        insert = f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES ({_sqlite_row(kind, 'new')});"
        delete = f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id * 8 + {number};"
        statements += [
            f"CREATE TRIGGER {FTS_TABLE}_{kind}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER {FTS_TABLE}_{kind}_update AFTER UPDATE ON {table} BEGIN {delete} {insert} END",
            f"CREATE TRIGGER {FTS_TABLE}_{kind}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        ]
    return statements


def sqlite_uninstall_statements():
    statements = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{kind}_{event}" for kind in DOCUMENTS for event in EVENTS]
    return [*statements, f"DROP TABLE IF EXISTS {FTS_TABLE}"]


EVENTS = ("insert", "update", "delete")


def sqlite_refill_statements():
    statements = [f"DELETE FROM {FTS_TABLE}"]
    for kind, (_number, table, _title, _body) in DOCUMENTS.items():
        statements.append(f"INSERT INTO {FTS_TABLE}(rowid, title, body) SELECT {_sqlite_row(kind, table)} FROM {table}")
    return statements


def postgresql_document(kind, table=None):
    """The tsvector SQL of a kind's document, its title weighed A and the rest D (as
    SQLite's bm25 weighs them 10 to 1); `table` qualifies the columns in a query."""
    _number, _table, title, body = DOCUMENTS[kind]
    prefix = f'"{table}".' if table else ""
    document = f"setweight(to_tsvector('{CONFIG}'::regconfig, {prefix}{title}), 'A')"
    if body:
        text = " || ' ' || ".join(f"{prefix}{column}" for column in body)
        document += f" || to_tsvector('{CONFIG}'::regconfig, {text})"
    return f"({document})"


def rebuild():
    """Refill the SQLite index from the tables (PostgreSQL's indexes need no refill)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        for statement in sqlite_refill_statements():
            cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
        return cursor.fetchone()[0]


# Matching ---------------------------------------------------------------------------


class Document(Expression):
    """A kind's tsvector, the very expression its GIN index holds (an argument's is the
    stored column `search_document`)."""

    output_field = SearchVectorField()

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if self.kind == "argument":
            return f"{table}.search_document", []
        return postgresql_document(self.kind, table.strip('"')), []


def spellings(word):
    """`word` and, for a British "-isation", the "-ization" that the stemmers fold
    differently ("collectivisation" is "collectivization")."""
    american = re.sub(r"isation(s?)$", r"ization\1", word)
    return [word] if american == word else [word, american]


def _fts_query(words, any_word):
    terms = ["(" + " OR ".join(f'"{spelling}"' for spelling in spellings(word)) + ")" for word in words]
    return (" OR " if any_word else " AND ").join(terms)


def sqlite_candidates(words, any_word):
    """{kind: [(id, rank), ...]} best first, at most CANDIDATES + 1 per kind, in one query."""
    # bm25() may not stand in a window function: rank in a subquery, number outside it.
    sql = (
        "SELECT kind, id, rank FROM (SELECT kind, id, rank,"
        " row_number() OVER (PARTITION BY kind ORDER BY rank) AS place"
        f" FROM (SELECT rowid %% 8 AS kind, rowid / 8 AS id, bm25({FTS_TABLE}, 10.0, 1.0) AS rank"
        f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)) WHERE place <= %s ORDER BY rank"
    )
    found = {kind: [] for kind in DOCUMENTS}
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts_query(words, any_word), CANDIDATES + 1])
        for number, pk, rank in cursor.fetchall():
            # bm25 is lower for better matches; ranks here are higher for better.
            found[KIND_OF_NUMBER[number]].append((pk, -rank))
    return found


def postgresql_query(words, any_word):
    terms = ["(" + " | ".join(spellings(word)) + ")" for word in words]
    return SearchQuery((" | " if any_word else " & ").join(terms), search_type="raw", config=CONFIG)


def similar_names(names, words, cutoff=0.8):
    """The ids of `names` ((id, name) pairs) with a word close to one of `words`: the
    typo tolerance for names where there is no trigram index (SQLite)."""
    by_word = {}
    for pk, name in names:
        for word in WORD.findall(fold(name)):
            by_word.setdefault(word, set()).add(pk)
    found = []
    for word in words:
        if len(word) < 4:
            continue
        for close in difflib.get_close_matches(word, by_word, n=3, cutoff=cutoff):
            found += [pk for pk in sorted(by_word[close]) if pk not in found]
    return found


def suggestion(text, vocabulary):
    """ "Did you mean": `text` with each word replaced by the nearest of `vocabulary`, or
    None when no word changes."""
    vocabulary = {fold(word) for entry in vocabulary for word in WORD.findall(entry) if len(word) > 2}
    changed, out = False, []
    for word in WORD.findall(text):
        folded = fold(word)
        if folded in STOP_WORDS or folded in vocabulary:
            out.append(word)
            continue
        close = difflib.get_close_matches(folded, vocabulary, n=1, cutoff=0.7)
        out.append(close[0] if close else word)
        changed |= bool(close)
    return " ".join(out) if changed else None


# Snippets ---------------------------------------------------------------------------

SUFFIXES = ("ization", "isation", "ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ism", "ist", "y")


def _stem(word):
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def highlight(text, words, length=240):
    """`text` escaped, cut to about `length` characters around the first match, with the
    words that match (by the same folding and a rough stem) in <mark>."""
    stems = {_stem(word) for word in words}
    length = length or len(text)

    def matches(token):
        folded = fold(token)
        return _stem(folded) in stems or any(len(s) > 3 and s in folded for s in stems)

    tokens = list(WORD.finditer(text))
    hits = [t for t in tokens if matches(t.group())]
    start = 0
    if len(text) > length and hits:
        start = max(0, hits[0].start() - length // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + length)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    out, cursor = [], start
    for token in tokens:
        if token.start() < start or token.end() > end:
            continue
        if matches(token.group()):
            out += [escape(text[cursor : token.start()]), "<mark>", escape(token.group()), "</mark>"]
            cursor = token.end()
    out.append(escape(text[cursor:end]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(text) else ""))


# The search -------------------------------------------------------------------------


@dataclass
class Group:
    kind: str
    label: str
    hits: list = field(default_factory=list)  # [(pk, rank)], best first, filtered
    capped: bool = False
    best: float = float("-inf")

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


def run(words, querysets, any_word=False):
    """{kind: Group} of the matches of `words` among `querysets` (the kinds' published,
    filtered querysets), each best first. The arguments' and positions' questions are
    returned with each argument and position id: (pk, rank, question id)."""
    groups = {kind: Group(kind, LABELS[kind]) for kind in querysets}
    if connection.vendor == "sqlite":
        found = sqlite_candidates(words, any_word)
        for kind, queryset in querysets.items():
            ranked = found[kind]
            groups[kind].capped = len(ranked) > CANDIDATES
            rank = dict(ranked[:CANDIDATES])
            hits = _keep(queryset, kind, list(rank))
            groups[kind].hits = sorted(((pk, rank.get(pk, 0.0), extra) for pk, extra in hits), key=lambda h: -h[1])
        return groups
    query = postgresql_query(words, any_word)
    for kind, queryset in querysets.items():
        matched = Q(document=query)
        if kind == "person":
            matched |= Q(name__trigram_word_similar=" ".join(words))
        ranked = (
            queryset.alias(document=Document(kind))
            .filter(matched)
            # Divided by 1 + log(length): a name's match outweighs a long passage's, as
            # bm25 weighs them on SQLite.
            .annotate(rank=SearchRank(Document(kind), query, normalization=Value(1)))
            .order_by("-rank", "pk")
            .values_list("pk", "rank", *_extra(kind))[: CANDIDATES + 1]
        )
        ranked = [(pk, rank, extra[0] if extra else None) for pk, rank, *extra in ranked]
        groups[kind].capped = len(ranked) > CANDIDATES
        groups[kind].hits = ranked[:CANDIDATES]
    return groups


def _extra(kind):
    return {"argument": ["position__question_id"], "position": ["question_id"], "estimate": ["question_id"]}.get(
        kind, []
    )


def _keep(queryset, kind, ids):
    """The ids among `ids` that `queryset` holds (published, filtered), with the extra
    column (a question id) where the kind has one."""
    rows = queryset.filter(pk__in=ids).values_list("pk", *_extra(kind))
    return [(pk, extra[0] if extra else None) for pk, *extra in rows]


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


@dataclass
class Item:
    """One result: the object, its title and text with the matching words marked, and,
    for a question found through its positions or arguments, how it was found."""

    object: object
    title: str = ""
    text: str = ""
    through: str = ""
    words: str = ""


@dataclass
class Results:
    text: str
    words: list
    groups: list  # [Group] with matches, in reading order; each has .items loaded when shown
    any_word: bool = False
    suggestion: str | None = None
    kind: str = ""
    page: object = None  # the Page of the chosen kind

    @property
    def total(self):
        return sum(group.count for group in self.groups)

    @property
    def kind_label(self):
        return LABELS.get(self.kind, "")

    def ids(self, kind):
        """The ids of every match of `kind`, shown or not."""
        return [pk for group in self.groups if group.kind == kind for pk, _rank, _extra in group.hits]

    def filter_choices(self, topic=None):
        """The questions and schools the filters offer: the chosen topic's, else those of
        the results, so that one topic's search never lists another's debates."""
        from .models import Argument, Question, School

        if topic:
            return Question.objects.published().filter(topic=topic), School.objects.for_topic(topic)
        questions = Question.objects.published().filter(pk__in=self.ids("question"))
        arguments = Argument.objects.published().filter(position__question__in=self.ids("question"))
        schools = School.objects.filter(
            Q(pk__in=self.ids("school")) | Q(pk__in=School.objects.of_arguments(arguments).values("pk"))
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
    from .models import Argument, Estimate, Historian, Position, Question, School, Topic, Work

    arguments, estimates = Argument.objects.published(), Estimate.objects.published()
    questions = Question.objects.published()
    positions = Position.objects.published()
    people, schools, works, topics = Historian.objects.all(), School.objects.all(), Work.objects.all(), Topic.objects
    topics = topics.published()
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
    words = words_of(text)
    results = Results(text=text, words=words, groups=[], kind=kind)
    if not words:
        # Stop words alone: nothing to look for, so nothing is read.
        return results
    kinds = querysets(**filters)
    groups = run(words, kinds)
    if not any(group.hits for group in groups.values()) and len(words) > 1:
        groups, results.any_word = run(words, kinds, any_word=True), True
    _add_people_by_likeness(groups["person"], kinds["person"], words)
    for group in groups.values():
        group.best = max((rank for _pk, rank, _extra in group.hits), default=float("-inf"))
    direct = {pk for pk, _rank, _extra in groups["question"].hits}
    _add_questions_through(groups, direct)
    # Questions first when one matches by its own words; then the kinds by their best
    # match (a name found only by its likeness to a word typed comes last).
    found = [group for group in groups.values() if group.hits]
    results.groups = sorted(found, key=lambda g: (not (g.kind == "question" and direct), -g.best, ORDER.index(g.kind)))
    if not results.groups or results.any_word:
        # Nothing has every word: offer the nearest names and title words.
        results.suggestion = suggestion(text, _vocabulary())
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


def _add_people_by_likeness(group, people, words):
    """People whose name is near a word typed: on SQLite always; on PostgreSQL only when
    its trigram similarity found no one ("Kruschev" shares too few trigrams with
    "Khrushchev"). One query over the names."""
    if connection.vendor != "sqlite" and group.hits:
        return
    found = {pk for pk, _rank, _extra in group.hits}
    names = people.values_list("pk", "name")
    group.hits += [(pk, 0.0, None) for pk in similar_names(names, words) if pk not in found]


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


def _vocabulary():
    from .models import Historian, Question, School, Topic, Work

    for model, column in ((Historian, "name"), (School, "name"), (Work, "title"), (Topic, "title")):
        yield from model.objects.values_list(column, flat=True)
    yield from Question.objects.published().values_list("title", flat=True)


def _in_order(queryset, ids):
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _load(kind, hits, words, direct):
    """The shown hits' objects, in rank order, each in as few queries as the page's other
    lists (a question with its positions: two)."""
    from django.db.models import Prefetch

    from .models import Argument, Estimate, Historian, Position, Question, School, Topic, Work

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
        objects = _in_order(Argument.objects.for_cards(), ids)
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

    words = words_of(text)
    if not words:
        return queryset.none()
    ids = [pk for pk, _rank, _extra in run(words, {"argument": queryset})["argument"].hits]
    place = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], output_field=IntegerField())
    return queryset.filter(pk__in=ids).order_by(place) if ids else queryset.none()
