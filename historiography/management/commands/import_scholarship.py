import time

from django.core.management.base import BaseCommand, CommandError

from historiography import services


class Command(BaseCommand):
    help = (
        "Import scholarship files in the fixture format (like fixtures/stalinism.json). Every object is "
        "checked first; on any problem all of them are listed and nothing is written. Objects are matched "
        "by natural key, so importing again updates instead of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="JSON files in the fixture format.")
        parser.add_argument("--dry-run", action="store_true", help="Check the files and report, writing nothing.")

    def handle(self, files, dry_run, **options):
        started = time.perf_counter()
        try:
            summary = services.scholarship_import(files=files, dry_run=dry_run)
        except services.ScholarshipImportError as error:
            raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started
        what = "Checked (nothing written)" if dry_run else "Imported"
        self.stdout.write(f"{what} {', '.join(files)} in {seconds:.1f} s:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"  {summary.total('created')} created, {summary.total('updated')} "
            f"updated, {summary.total('unchanged')} unchanged."
        )
