"""SQLite: the FTS5 table's matches, ranked by bm25."""

from django.db import connection

from .index import CANDIDATES, DOCUMENTS, FTS_TABLE, KIND_OF_NUMBER
from .words import spellings


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
