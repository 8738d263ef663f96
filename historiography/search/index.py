"""The index on each database: what each kind's document is made of, SQLite's FTS5 table
and the triggers that keep it in step, PostgreSQL's tsvector expressions (the very ones
its GIN indexes hold). Migration 0014 installs these; a change here needs a new one."""

from django.db import connection

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
# Kinds whose title is a name or a title (not a claim, a side's label or a measure): what
# was typed may be one of these exactly. Only their titles are read with the candidates.
TITLED = ("question", "person", "school", "work", "topic")


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


def postgresql_claim(table=None):
    """The tsvector SQL of an argument's claim alone, which migration 0019's GIN index
    holds: the arguments whose claim has the words enter the ranked pool first."""
    prefix = f"{table}." if table else ""
    return f"(to_tsvector('{CONFIG}'::regconfig, {prefix}claim))"


def rebuild():
    """Refill the SQLite index from the tables (PostgreSQL's indexes need no refill)."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        for statement in sqlite_refill_statements():
            cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")
        return cursor.fetchone()[0]
