"""A TestCase with ready users, as in healthchecks' hc/test.py."""

from django.contrib.auth.models import Permission, User
from django.test import TestCase


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
