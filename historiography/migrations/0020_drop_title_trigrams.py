"""PostgreSQL: drops the trigram indexes of migration 0015 on the titles and names "did
you mean" read through them. It now reads its words from a vocabulary kept in the shared
cache (search/suggestions.py), so nothing uses them and every write paid for them.
People's names keep theirs (0014): the search matches misspelt names through it."""

from importlib import import_module

from django.db import migrations

title_trigrams = import_module("historiography.migrations.0015_title_trigrams")


class Migration(migrations.Migration):
    dependencies = [("historiography", "0019_argument_claim_search")]

    operations = [migrations.RunPython(title_trigrams.drop, title_trigrams.create)]
