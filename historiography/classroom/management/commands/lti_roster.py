"""Reads the roster of every course linked to a learning platform (LTI Names and Role
Provisioning), e.g. nightly from cron; --course for one."""

from django.core.management.base import BaseCommand

from historiography.classroom.lti.roster import roster_sync
from historiography.classroom.models import Course
from historiography.services import ServiceError


class Command(BaseCommand):
    help = "Fills linked courses' rosters from their learning platforms (LTI NRPS)."

    def add_arguments(self, parser):
        parser.add_argument("--course", type=int, help="Only this course (its id).")

    def handle(self, *args, course=None, **options):
        courses = Course.objects.filter(lti_links__isnull=False).distinct().order_by("pk")
        if course is not None:
            courses = courses.filter(pk=course)
        failed = 0
        for each in courses:
            try:
                placed = roster_sync(course=each)
                self.stdout.write(f"{each}: {placed} members.")
            except ServiceError as error:
                failed += 1
                self.stderr.write(f"{each}: {error}")
        if failed:
            self.stderr.write(f"{failed} course(s) could not be read.")
