"""The read replica: anonymous GETs of public pages read from it, nothing else does."""

import os
import subprocess
import sys

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from config.routers import ReplicaReadsMiddleware, ReplicaRouter
from historiography.models import Argument

from .base import BaseTestCase
from .factories import make_question


class ReplicaTests(BaseTestCase):
    def setUp(self):
        self.question = make_question(slug="continuity")

    def database_read_by(self, request):
        """The database ReplicaRouter picks for a read made while serving `request`."""
        seen = {}

        def view(request):
            seen["db"] = ReplicaRouter().db_for_read(Argument)
            return HttpResponse()

        ReplicaReadsMiddleware(view)(request)
        return seen["db"]

    def test_an_anonymous_reader_of_a_public_page_reads_from_the_replica(self):
        for url in [self.question.get_absolute_url(), "/", "/api/arguments/"]:
            with self.subTest(url=url):
                self.assertEqual(self.database_read_by(RequestFactory().get(url)), "replica")

    def test_everything_else_reads_from_the_primary(self):
        logged_in = RequestFactory().get(self.question.get_absolute_url())
        logged_in.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
        for request in [
            logged_in,
            RequestFactory().post(self.question.get_absolute_url()),
            RequestFactory().get("/accounts/login/"),
            RequestFactory().get("/assignments/1/submission/"),
            RequestFactory().get("/no/such/page/"),
        ]:
            with self.subTest(path=request.path, method=request.method):
                self.assertEqual(self.database_read_by(request), "default")
        self.assertEqual(ReplicaRouter().db_for_read(Argument), "default")  # outside any request

    def test_writes_and_migrations_go_to_the_primary(self):
        self.assertEqual(ReplicaRouter().db_for_write(Argument), "default")
        self.assertTrue(ReplicaRouter().allow_migrate("default", "historiography"))
        self.assertFalse(ReplicaRouter().allow_migrate("replica", "historiography"))

    def test_the_settings_add_the_replica_only_when_asked(self):
        script = (
            "import django; django.setup(); from django.conf import settings; "
            "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
            "'config.routers.ReplicaReadsMiddleware' in settings.MIDDLEWARE)"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/historiography",
        }
        with_replica = subprocess.run(
            [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(
            with_replica.stdout.strip(),
            "['default', 'replica'] ['config.routers.ReplicaRouter'] True",
            with_replica.stderr,
        )
        env.pop("DATABASE_REPLICA_URL")
        without = subprocess.run(
            [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(without.stdout.strip(), "['default'] [] False", without.stderr)
