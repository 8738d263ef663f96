"""People and works get a draft/published status, as questions and arguments have.

Every row already there stays public: the column is added with the default "published"
(the default data files that name no status keep, too; the admin starts a new one as a
draft).

SQLite cannot add a NOT NULL column with a default in place: Django rebuilds the table,
which drops the search triggers 0014 put on it (historiography/search.py). They are put
back after the change, and before it is undone, and the index refilled, so search keeps
following every write to people and works.
"""

from django.db import migrations, models

from historiography import search


def reinstall_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    drop_triggers = [s for s in search.sqlite_uninstall_statements() if s.startswith("DROP TRIGGER")]
    for statement in drop_triggers + search.sqlite_install_statements() + search.sqlite_refill_statements():
        schema_editor.execute(statement)


def status_field(what, whose):
    return models.CharField(
        choices=[("draft", "Draft"), ("published", "Published")],
        default="published",
        help_text=f"A draft {what} is seen by editors only, and so is every argument {whose}.",
        max_length=10,
    )


class Migration(migrations.Migration):
    dependencies = [("historiography", "0015_title_trigrams")]

    operations = [
        # Undoing the migration rebuilds the tables again: this puts the triggers back then.
        migrations.RunPython(migrations.RunPython.noop, reinstall_search_triggers),
        migrations.AddField(model_name="historian", name="status", field=status_field("person", "of theirs")),
        migrations.AddField(model_name="work", name="status", field=status_field("work", "citing it")),
        migrations.RunPython(reinstall_search_triggers, migrations.RunPython.noop),
    ]
