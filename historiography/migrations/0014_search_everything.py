"""Search over questions, positions, arguments, people, schools, works and topics.

SQLite: an FTS5 table (porter stemmer, diacritics removed) kept in step by triggers on
the seven tables, so every write path updates it, bulk ones and raw SQL included; then
filled from the rows already there.

PostgreSQL: the `unaccent` and `pg_trgm` extensions (both trusted, so the database's
owner can create them), a text search configuration that is English with accents folded,
the argument's stored tsvector now over claim, words and passage (0006's was claim and
the old quotation), a GIN expression index per other kind, and a trigram index on names.
0006's name and title indexes served the old argument search only and are dropped.

The documents come from historiography/search/index.py (DOCUMENTS); changing them there needs a
new migration that reinstalls these.
"""

from django.db import migrations

from historiography import search

OLD_ARGUMENT_COLUMN = (
    "ALTER TABLE historiography_argument ADD COLUMN search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, claim || ' ' || passage)) STORED"
)


def postgresql_statements():
    statements = [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE TEXT SEARCH CONFIGURATION {search.CONFIG} (COPY = english)",
        f"ALTER TEXT SEARCH CONFIGURATION {search.CONFIG} "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
        "DROP INDEX IF EXISTS historian_name_search",
        "DROP INDEX IF EXISTS work_title_search",
        "ALTER TABLE historiography_argument DROP COLUMN IF EXISTS search_document",
        "ALTER TABLE historiography_argument ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({search.postgresql_document('argument')}) STORED",
        "CREATE INDEX argument_search_document ON historiography_argument USING gin (search_document)",
        "CREATE INDEX historian_name_trigram ON historiography_historian USING gin (name gin_trgm_ops)",
    ]
    for kind, (_number, table, _title, _body) in search.DOCUMENTS.items():
        if kind != "argument":
            statements.append(
                f"CREATE INDEX {kind}_search_document ON {table} USING gin ({search.postgresql_document(kind)})"
            )
    return statements


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = search.sqlite_install_statements() + search.sqlite_refill_statements()
    elif vendor == "postgresql":
        statements = postgresql_statements()
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search.sqlite_uninstall_statements():
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for kind in search.DOCUMENTS:
            if kind != "argument":
                schema_editor.execute(f"DROP INDEX IF EXISTS {kind}_search_document")
        schema_editor.execute("DROP INDEX IF EXISTS historian_name_trigram")
        schema_editor.execute("ALTER TABLE historiography_argument DROP COLUMN search_document")
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION {search.CONFIG}")
        schema_editor.execute(OLD_ARGUMENT_COLUMN)
        schema_editor.execute(
            "CREATE INDEX argument_search_document ON historiography_argument USING gin (search_document)"
        )


class Migration(migrations.Migration):
    dependencies = [("historiography", "0013_constraint_messages")]

    operations = [migrations.RunPython(create, drop)]
