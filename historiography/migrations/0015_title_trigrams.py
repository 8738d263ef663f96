"""PostgreSQL: trigram indexes on the titles and names that "did you mean" draws its words
from (works, questions, schools, topics; people's names have one since 0014), so a
misspelt word finds its neighbours through an index instead of reading every title.
Nothing on SQLite, whose "did you mean" reads its small tables whole."""

from django.db import migrations

INDEXES = {
    "work_title_trigram": ("historiography_work", "title"),
    "question_title_trigram": ("historiography_question", "title"),
    "school_name_trigram": ("historiography_school", "name"),
    "topic_title_trigram": ("historiography_topic", "title"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("historiography", "0014_search_everything")]

    operations = [migrations.RunPython(create, drop)]
