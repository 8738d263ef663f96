"""Issue 13: people and works gain a draft/published status without losing the public any
of them. The migration leaves every existing row published (and, on SQLite, search still
follows writes to the rebuilt tables); the shipped dataset and the made-up second topic,
which name no status, import published, by import_scholarship and by loaddata alike."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from historiography import search
from historiography.models import Historian, Status, Work

from .base import BaseTestCase
from .fictional import FICTIONAL_TOPIC, STALINISM, import_topics

BEFORE = [("historiography", "0015_title_trigrams")]
AFTER = [("historiography", "0016_historians_and_works_drafts")]


class MigrationTests(TransactionTestCase):
    # Flushed afterwards and restored from the serialized test database, as in
    # tests/classroom/test_upgrade.py.
    serialized_rollback = True

    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        call_command("migrate", verbosity=0)  # leave the schema as the other tests expect it

    def test_existing_people_and_works_stay_published(self):
        old = self.migrate(BEFORE)
        OldHistorian, OldWork = old.get_model("historiography", "Historian"), old.get_model("historiography", "Work")
        person = OldHistorian.objects.create(name="Edward Gibbon", sort_name="Gibbon, Edward", slug="gibbon")
        book = OldWork.objects.create(title="Decline and Fall", slug="decline-and-fall", year=1776)
        book.authors.add(person)

        new = self.migrate(AFTER)
        Historian, Work = new.get_model("historiography", "Historian"), new.get_model("historiography", "Work")
        self.assertEqual(Historian.objects.get(slug="gibbon").status, Status.PUBLISHED)
        self.assertEqual(Work.objects.get(slug="decline-and-fall").status, Status.PUBLISHED)
        self.assertEqual([a.slug for a in Work.objects.get(slug="decline-and-fall").authors.all()], ["gibbon"])

        # The rebuilt tables are still indexed for search: old rows, and new writes too; with
        # the later migrations applied as well, since search's code reads the latest schema.
        latest = self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("historiography"))
        Historian = latest.get_model("historiography", "Historian")
        Historian.objects.create(name="Thucydides Newcomer", sort_name="Newcomer", slug="newcomer")
        found = search.run(search.parse("gibbon"), {"person": Historian.objects.all()})["person"].hits
        self.assertEqual([pk for pk, _rank, _extra in found], [Historian.objects.get(slug="gibbon").pk])
        found = search.run(search.parse("newcomer"), {"person": Historian.objects.all()})["person"].hits
        self.assertEqual(len(found), 1)

        # And undone, the tables lose the column and keep their rows.
        old = self.migrate(BEFORE)
        self.assertTrue(old.get_model("historiography", "Historian").objects.filter(slug="gibbon").exists())


class ImportTests(BaseTestCase):
    def test_both_datasets_import_published(self):
        import_topics(STALINISM, FICTIONAL_TOPIC)
        self.assertGreater(Historian.objects.count(), 50)
        self.assertGreater(Work.objects.count(), 10)
        self.assertFalse(Historian.objects.exclude(status=Status.PUBLISHED).exists())
        self.assertFalse(Work.objects.exclude(status=Status.PUBLISHED).exists())
        self.assertEqual(Historian.objects.published().count(), Historian.objects.count())

    def test_loaddata_gives_published_rows_too(self):
        call_command("loaddata", STALINISM, verbosity=0)
        self.assertFalse(Historian.objects.exclude(status=Status.PUBLISHED).exists())
        self.assertFalse(Work.objects.exclude(status=Status.PUBLISHED).exists())

    def test_importing_again_keeps_an_editors_draft(self):
        """A file naming no status leaves the status as it is: a person an editor took back
        to draft stays a draft when the dataset is imported again."""
        import_topics(STALINISM)
        person = Historian.objects.order_by("pk").first()
        Historian.objects.filter(pk=person.pk).update(status=Status.DRAFT)
        import_topics(STALINISM)
        person.refresh_from_db()
        self.assertEqual(person.status, Status.DRAFT)
