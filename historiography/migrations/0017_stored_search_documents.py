"""PostgreSQL: every kind's tsvector stored, as the argument's has been since 0014.

The GIN expression indexes of 0014 found the matches, but ranking them (ts_rank) and
re-checking them computed each matching row's tsvector again: over the synthetic
dataset a common word spent 10 ms re-reading 283 estimates and 5 ms 772 works. A stored
generated column follows its row on every write, as the expression did; its GIN index
keeps the name {kind}_search_document. Nothing on SQLite, whose FTS5 table stores them.
"""

from django.db import migrations

from historiography import search

KINDS = [kind for kind in search.DOCUMENTS if kind != "argument"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in KINDS:
        table = search.DOCUMENTS[kind][1]
        schema_editor.execute(f"DROP INDEX IF EXISTS {kind}_search_document")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({search.postgresql_document(kind)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {kind}_search_document ON {table} USING gin (search_document)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for kind in KINDS:
        table = search.DOCUMENTS[kind][1]
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_document")
        schema_editor.execute(
            f"CREATE INDEX {kind}_search_document ON {table} USING gin ({search.postgresql_document(kind)})"
        )


class Migration(migrations.Migration):
    dependencies = [("historiography", "0016_historians_and_works_drafts")]

    operations = [migrations.RunPython(create, drop)]
