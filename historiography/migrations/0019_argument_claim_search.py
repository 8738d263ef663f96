"""PostgreSQL: a GIN index over the arguments' claims alone, so that the search's bounded
pool of a common word's arguments takes those whose claim has the words first (their
title, weighed A, ranks them above any match in the words or passage) instead of the
first 1,001 matches the table happens to hold. Nothing on SQLite, where bm25 ranks every
match."""

from django.db import migrations

from historiography import search

INDEX = "argument_claim_search"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON historiography_argument USING gin ({search.postgresql_claim()})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("historiography", "0018_draft_indexes")]

    operations = [migrations.RunPython(create, drop)]
