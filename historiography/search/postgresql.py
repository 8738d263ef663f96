"""PostgreSQL: each kind's tsvector (its stored column, which its GIN index holds), the tsquery of a
parsed Query, and every kind's candidates in one statement.

The tsquery is built from the Query's words with `phraseto_tsquery`, which reads any text
as plain words (a phrase's stop words count as gaps, as in `websearch_to_tsquery`), and
combined with && || !!: nothing typed is read as tsquery syntax.

Each kind's candidates are bounded before they are ranked: the first POOL rows its GIN
index (and, for names, the trigram index) finds, then ts_rank over those only, so a common
word ranks at most POOL rows per kind instead of every match; no join, no count."""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Expression

from .index import CANDIDATES, CONFIG, DOCUMENTS, KIND_OF_NUMBER, TITLED, postgresql_claim
from .words import spellings

# Rows of each kind ranked: the first this many matches the index finds.
POOL = CANDIDATES + 1


class Document(Expression):
    """A kind's tsvector: the stored column `search_document` of its table (migrations
    0014 and 0017), which its GIN index holds."""

    output_field = SearchVectorField()

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


def _term(term):
    texts = [" ".join(term.words)] if term.phrase else spellings(term.words[0])
    sql = " || ".join(f"phraseto_tsquery('{CONFIG}'::regconfig, %s)" for _text in texts)
    return f"({sql})", list(texts)


def _join(terms, operator):
    parts = [_term(term) for term in terms]
    return "(" + f" {operator} ".join(sql for sql, _params in parts) + ")", [p for _sql, ps in parts for p in ps]


def tsquery(query, any_word=False):
    """(SQL, params) of the tsquery of `query` (see sqlite.fts_expression for its reading)."""
    if any_word:
        sql, params = _join(query.terms, "||")
    else:
        groups = [_join(group, "&&") for group in query.groups]
        sql = "(" + " || ".join(s for s, _p in groups) + ")"
        params = [p for _s, ps in groups for p in ps]
    if query.excluded:
        excluded, more = _join(query.excluded, "||")
        sql, params = f"({sql} && !!{excluded})", params + more
    return sql, params


def postgresql_query(query, any_word=False):
    """The tsquery of `query` as a Django expression (for a queryset's filter or rank)."""
    from django.db.models.expressions import RawSQL

    sql, params = tsquery(query, any_word)
    return RawSQL(sql, params, output_field=SearchQuery(" ").output_field)


def candidates_sql(query, any_word=False, names=""):
    """(SQL, params) of the statement of `candidates`."""
    q_sql, q_params = tsquery(query, any_word)
    parts, params = [], []
    for kind, (number, table, title, _body) in DOCUMENTS.items():
        document = "search_document"
        match, match_params = f"{document} @@ {q_sql}", list(q_params)
        rank, rank_params = f"ts_rank(document, {q_sql}, 1)", list(q_params)
        if kind == "person" and names:
            match, match_params = f"({match} OR name %%> %s)", [*match_params, names]
            rank, rank_params = f"{rank} + word_similarity(%s, title) / 1000", [*rank_params, names]
        # A claim, label or measure is not read: only a name or title is weighed.
        title = title if kind in TITLED else "NULL::text"
        pool = f"SELECT id, {title} AS title, {document} AS document FROM {table} WHERE {match} LIMIT {POOL}"
        if kind == "argument":
            # The arguments whose claim has the words first (migration 0019's index), then
            # the first matches of the whole index: the best of a common word's 15,000.
            # The others fill the pool up, none when the claims alone fill it.
            # A claim that has the words is in a document that has them (the claim is part
            # of it), so the whole document is matched again only to leave out words
            # ("-ukraine" may be elsewhere in it): ANDing its index for a common word
            # read 15,000 entries for nothing.
            claimed = f"SELECT id, {title} AS title, {document} AS document FROM {table}"
            claimed += f" WHERE {postgresql_claim()} @@ {q_sql}"
            claimed_params = list(q_params)
            if query.excluded:
                claimed, claimed_params = f"{claimed} AND {match}", [*claimed_params, *match_params]
            claimed += f" LIMIT {POOL}"
            rest = pool.replace(
                f" LIMIT {POOL}",
                f" AND id NOT IN (SELECT id FROM claimed) LIMIT (SELECT {POOL} - count(*) FROM claimed)",
            )
            pool = f"WITH claimed AS ({claimed}) SELECT * FROM claimed UNION ALL ({rest})"
            match_params = [*claimed_params, *match_params]
        parts.append(
            f"(SELECT {number} AS kind, id, {rank} AS rank, title FROM ({pool}) AS pool"
            f" ORDER BY 3 DESC, 2 LIMIT {CANDIDATES + 1})"
        )
        params += rank_params + match_params
    return " UNION ALL ".join(parts), params


def candidates(query, any_word=False, names=""):
    """{kind: [(id, rank, title), ...]} best first, at most CANDIDATES + 1 per kind, in
    one statement. People are also found by trigram word similarity of their name to
    `names` (ranked below every person whose name has the words)."""
    found = {kind: [] for kind in DOCUMENTS}
    with connection.cursor() as cursor:
        cursor.execute(*candidates_sql(query, any_word, names))
        for number, pk, rank, title in cursor.fetchall():
            found[KIND_OF_NUMBER[number]].append((pk, rank, title or ""))
    return found


def ranked_among(kind, query, kept_sql, kept_params):
    """[(id, rank, extra)] best first of the rows of `kind` that match `query` among those
    `kept_sql` selects as (kept_id, kept_extra): a few rows (one person's), each matched
    against its stored tsvector, so no pool of the whole index."""
    table = DOCUMENTS[kind][1]
    q_sql, q_params = tsquery(query)
    sql = (
        f"SELECT t.id, ts_rank(t.search_document, {q_sql}, 1), kept.kept_extra FROM {table} AS t"
        f" JOIN ({kept_sql}) AS kept ON kept.kept_id = t.id WHERE t.search_document @@ {q_sql}"
        f" ORDER BY 2 DESC, 1 LIMIT {CANDIDATES}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*q_params, *kept_params, *q_params])
        return cursor.fetchall()


def matching_ids(kind, query):
    """The ids of the rows of `kind` that match any term of `query` (its GIN index)."""
    table = DOCUMENTS[kind][1]
    q_sql, q_params = tsquery(query, any_word=True)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE search_document @@ {q_sql}", q_params)
        return {row[0] for row in cursor.fetchall()}
