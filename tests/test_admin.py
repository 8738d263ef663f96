from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from historiography.models import ArgumentRelation, Status

from .base import BaseTestCase
from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, make_question

APP_MODELS = [model for model in admin.site._registry if model._meta.app_label == "historiography"]


class AdminTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def make_rows(self, count):
        school = SchoolFactory()
        question = make_question()
        arguments = []
        for n in range(count):
            historian = HistorianFactory(schools=[school])
            arguments.append(
                ArgumentFactory(historian=historian, position=question.positions.first(), tags=["a", f"t{n}"])
            )
            arguments[-1].work.authors.add(historian)
        for source, target in zip(arguments[1:], arguments):
            ArgumentRelation.objects.create(source=source, target=target, kind="supports")
        EstimateFactory(question=question)

    def test_every_changelist_and_change_form_loads(self):
        self.make_rows(3)
        self.assertGreaterEqual(len(APP_MODELS), 9)
        for model in APP_MODELS:
            opts = model._meta
            with self.subTest(model=opts.model_name):
                response = self.client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
                self.assertEqual(response.status_code, 200)
                response = self.client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
                self.assertEqual(response.status_code, 200)
                obj = model.objects.first()
                response = self.client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
                self.assertEqual(response.status_code, 200)

    def test_changelists_do_not_grow_queries_with_rows(self):
        self.make_rows(3)
        small = self.changelist_query_counts()
        self.make_rows(30)
        self.assertEqual(self.changelist_query_counts(), small)

    def changelist_query_counts(self):
        counts = {}
        for model in APP_MODELS:
            opts = model._meta
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
            counts[opts.model_name] = len(queries)
        return counts

    def test_publish_and_unpublish_actions(self):
        argument = ArgumentFactory(status=Status.DRAFT)
        url = reverse("admin:historiography_argument_changelist")
        self.client.post(url, {"action": "publish", "_selected_action": [argument.pk]})
        argument.refresh_from_db()
        self.assertEqual(argument.status, Status.PUBLISHED)
        response = self.client.post(url, {"action": "unpublish", "_selected_action": [argument.pk]}, follow=True)
        argument.refresh_from_db()
        self.assertEqual(argument.status, Status.DRAFT)
        self.assertContains(response, "1 returned to draft.")

    def test_argument_changelist_filters_and_search(self):
        self.make_rows(2)
        argument = ArgumentFactory(claim="A very particular claim")
        url = reverse("admin:historiography_argument_changelist")
        response = self.client.get(url, {"q": "particular"})
        self.assertEqual(list(response.context["cl"].result_list), [argument])
        response = self.client.get(url, {"status__exact": "draft"})
        self.assertEqual(len(response.context["cl"].result_list), 0)
        response = self.client.get(url, {"historian__role__exact": "historian"})
        self.assertEqual(response.status_code, 200)

    def test_autocomplete_answers_for_foreign_keys(self):
        argument = ArgumentFactory()
        response = self.client.get(
            reverse("admin:autocomplete"),
            {
                "term": argument.historian.name,
                "app_label": "historiography",
                "model_name": "argument",
                "field_name": "historian",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"][0]["text"], argument.historian.name)

    def test_view_on_site_links_to_the_public_page(self):
        argument = ArgumentFactory()
        response = self.client.get(reverse("admin:historiography_argument_change", args=[argument.pk]))
        self.assertContains(response, "View on site")

    def test_anonymous_users_are_sent_to_log_in(self):
        self.client.logout()
        response = self.client.get(reverse("admin:historiography_argument_changelist"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("admin:login"), response["Location"])
