"""SQLite: the FTS5 table's matches, ranked by bm25, in one statement for every kind.

The FTS5 expression is written here from the parsed Query's words alone, each in double
quotes (a word holds no quote), so nothing a student types is read as FTS5 syntax."""

import sqlite3

from django.db import connection
from django.db.utils import OperationalError

from .index import CANDIDATES, DOCUMENTS, FTS_TABLE, KIND_OF_NUMBER, TITLED
from .words import spellings


def _term(term):
    if term.phrase:
        return '"' + " ".join(term.words) + '"'
    return "(" + " OR ".join(f'"{spelling}"' for spelling in spellings(term.words[0])) + ")"


def fts_expression(query, any_word=False):
    """The MATCH expression of `query`: its groups OR'ed, each group's terms AND'ed (with
    `any_word`, every term OR'ed), then NOT the excluded terms."""
    if any_word:
        positive = " OR ".join(_term(term) for term in query.terms)
    else:
        positive = " OR ".join("(" + " AND ".join(_term(term) for term in group) + ")" for group in query.groups)
    if query.excluded:
        return f"({positive}) NOT ({' OR '.join(_term(term) for term in query.excluded)})"
    return positive


# Only names and titles are read with the candidates (a claim is not weighed).
TITLED_NUMBERS = ", ".join(str(DOCUMENTS[kind][0]) for kind in TITLED)


def candidates(query, any_word=False):
    """{kind: [(id, rank, title), ...]} best first, at most CANDIDATES + 1 per kind."""
    # bm25() may not stand in a window function: rank in a subquery, number outside it.
    sql = (
        "SELECT kind, id, rank, title FROM (SELECT kind, id, rank, title,"
        " row_number() OVER (PARTITION BY kind ORDER BY rank) AS place"
        f" FROM (SELECT rowid %% 8 AS kind, rowid / 8 AS id, bm25({FTS_TABLE}, 10.0, 1.0) AS rank,"
        f" CASE WHEN rowid %% 8 IN ({TITLED_NUMBERS}) THEN title END AS title"
        f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)) WHERE place <= %s ORDER BY rank"
    )
    found = {kind: [] for kind in DOCUMENTS}
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, [fts_expression(query, any_word), CANDIDATES + 1])
        except (OperationalError, sqlite3.OperationalError):
            # A word the tokenizer reads as nothing ("" is an FTS5 syntax error): no match.
            return found
        for number, pk, rank, title in cursor.fetchall():
            # bm25 is lower for better matches; ranks here are higher for better.
            found[KIND_OF_NUMBER[number]].append((pk, -rank, title or ""))
    return found


def ranked_among(kind, query, kept_sql, kept_params):
    """[(id, rank, extra)] best first of the rows of `kind` that match `query` among those
    `kept_sql` selects as (kept_id, kept_extra)."""
    number = DOCUMENTS[kind][0]
    sql = (
        f"SELECT {FTS_TABLE}.rowid / 8, -bm25({FTS_TABLE}, 10.0, 1.0), kept.kept_extra FROM {FTS_TABLE}"
        f" JOIN ({kept_sql}) AS kept ON kept.kept_id = {FTS_TABLE}.rowid / 8"
        f" WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid %% 8 = {number} ORDER BY 2 DESC, 1 LIMIT {CANDIDATES}"
    )
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, [*kept_params, fts_expression(query)])
        except (OperationalError, sqlite3.OperationalError):
            return []
        return cursor.fetchall()


def matching_ids(kind, query):
    """The ids of the rows of `kind` that match any term of `query`."""
    sql = f"SELECT rowid / 8 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid %% 8 = {DOCUMENTS[kind][0]}"
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql, [fts_expression(query, any_word=True)])
        except (OperationalError, sqlite3.OperationalError):
            return set()
        return {row[0] for row in cursor.fetchall()}
