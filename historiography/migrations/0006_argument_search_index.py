"""Full-text search indexes, on PostgreSQL only (SQLite searches by word matching).

An argument's claim and quotation are kept as a tsvector in a column PostgreSQL generates
and stores, with a GIN index. Stored, because ranking reads the vector of every match:
with an expression index instead, finding a word in 6,000 of 100,000 arguments is as
fast, but ts_rank then parses each of those texts again (240 ms instead of 60 ms). The
model does not declare the column (SQLite has no tsvector); historiography/search.py
reads it. Names and titles are short and only looked up, so an expression index each.

The expressions must stay identical to those in historiography/search.py: PostgreSQL
uses an expression index only for the very same expression.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

ARGUMENT_COLUMN = (
    "ALTER TABLE historiography_argument ADD COLUMN search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, claim || ' ' || quotation)) STORED"
)
ARGUMENT_INDEX = "CREATE INDEX argument_search_document ON historiography_argument USING gin (search_document)"


def name_indexes():
    return [
        ("Historian", GinIndex(SearchVector("name", config="english"), name="historian_name_search")),
        ("Work", GinIndex(SearchVector("title", config="english"), name="work_title_search")),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ARGUMENT_COLUMN)
    schema_editor.execute(ARGUMENT_INDEX)
    for model, index in name_indexes():
        schema_editor.add_index(apps.get_model("historiography", model), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in name_indexes():
        schema_editor.remove_index(apps.get_model("historiography", model), index)
    # Dropping the column drops its index.
    schema_editor.execute("ALTER TABLE historiography_argument DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("historiography", "0005_controversy_and_standing")]

    operations = [migrations.RunPython(create, drop)]
