"""A TestCase with ready users, as in healthchecks' hc/test.py."""

from contextlib import contextmanager

from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import TestCase

from historiography.cache import invalidate_public_pages


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.password = "correct horse battery staple"
        cls.student = User.objects.create_user("student", "student@example.org", cls.password)
        cls.other_student = User.objects.create_user("other_student", "other@example.org", cls.password)
        cls.instructor = User.objects.create_user("instructor", "instructor@example.org", cls.password)
        cls.other_instructor = User.objects.create_user("other_instructor", "oi@example.org", cls.password)
        cls.editor = User.objects.create_user("editor", "editor@example.org", cls.password, is_staff=True)
        cls.editor.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["historiography", "taggit"])
        )

    @staticmethod
    def forget_pending_invalidations():
        """The test's own transaction never commits, so the cache invalidations its set-up
        scheduled would stay pending and stand in for the ones the test's writes
        schedule: drop them."""
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not invalidate_public_pages]

    @contextmanager
    def committed(self):
        """Runs the on-commit callbacks of the writes inside (the cache invalidation), and
        forgets them, as a commit would."""
        start = len(connection.run_on_commit)
        with self.captureOnCommitCallbacks(execute=True):
            yield
        del connection.run_on_commit[start:]
