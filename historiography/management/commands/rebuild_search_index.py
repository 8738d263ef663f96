"""Refill the search index from the tables: after restoring a SQLite database from a copy
made without it, or if it was ever touched by hand. The triggers keep it in step otherwise."""

from django.core.management.base import BaseCommand

from historiography import search


class Command(BaseCommand):
    help = "Refill the SQLite search index from the tables (PostgreSQL's indexes need no refill)."

    def handle(self, *args, **options):
        rows = search.rebuild()
        self.stdout.write(f"Search index: {rows} rows." if rows else "PostgreSQL: its indexes follow the tables.")
