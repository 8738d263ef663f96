"""Issue 13: editors preview draft questions and arguments on the site, marked as drafts
and never stored by a cache; everyone else gets a 404."""

from django.test import override_settings

from historiography.models import Status

from .base import BaseTestCase
from .factories import ArgumentFactory, make_question


class DraftPreviewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="draft-question", status=Status.DRAFT, title="Was it planned?")
        cls.draft_argument = ArgumentFactory(
            position=cls.question.positions.first(), status=Status.DRAFT, claim="A claim still in draft."
        )
        published = make_question(slug="published-question")
        cls.argument = ArgumentFactory(position=published.positions.first(), status=Status.DRAFT)

    def test_editors_preview_a_draft_question_with_its_arguments_and_a_banner(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, "Was it planned?")
        self.assertContains(response, "Draft:")
        self.assertContains(response, "A claim still in draft.")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])

    def test_editors_preview_a_draft_argument(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.argument.get_absolute_url())
        self.assertContains(response, "Draft:")
        self.assertIn("no-store", response["Cache-Control"])

    def test_nobody_else_sees_drafts(self):
        for user in (None, self.student, self.instructor):
            with self.subTest(user=user):
                self.client.logout()
                if user:
                    self.client.force_login(user)
                self.assertEqual(self.client.get(self.question.get_absolute_url()).status_code, 404)
                self.assertEqual(self.client.get(self.argument.get_absolute_url()).status_code, 404)

    def test_a_published_page_for_an_editor_has_no_banner_and_is_still_not_stored(self):
        self.client.force_login(self.editor)
        published = make_question(slug="plain")
        response = self.client.get(published.get_absolute_url())
        self.assertNotContains(response, "Draft:")
        self.assertIn("no-store", response["Cache-Control"])

    @override_settings(PAGE_CACHE_SECONDS=600)
    def test_the_page_cache_never_stores_an_editors_page(self):
        from django.core.cache import cache

        cache.clear()
        self.client.force_login(self.editor)
        self.client.get(self.question.get_absolute_url())
        self.client.logout()
        # Anonymous and cookieless: a stored preview would be served here.
        self.client.cookies.clear()
        self.assertEqual(self.client.get(self.question.get_absolute_url()).status_code, 404)
