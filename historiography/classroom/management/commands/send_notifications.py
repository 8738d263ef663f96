from django.core.management.base import BaseCommand

from historiography.classroom import notifications


class Command(BaseCommand):
    help = (
        "Tell students and instructors what happened: assignments opened, deadlines within 24 hours, "
        "feedback returned, controversy phases, the instructors' daily digest. Run it from cron every few "
        "minutes: it never tells anyone the same thing twice."
    )

    def handle(self, **options):
        counts = notifications.run()
        summary = ", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items()) if n) or "nothing new"
        self.stdout.write(summary)
