"""The benchmark's baseline page lives in bench/, routed only under its settings."""

import copy

from django.test import override_settings

from bench import settings as bench_settings

from .base import BaseTestCase


class MinimalViewTests(BaseTestCase):
    @override_settings(ROOT_URLCONF="bench.urls", TEMPLATES=copy.deepcopy(bench_settings.TEMPLATES))
    def test_it_renders_the_benchmark_baseline_without_queries(self):
        with self.assertNumQueries(0):
            response = self.client.get("/bench/minimal/")
        self.assertContains(response, "<li>three</li>")

    def test_the_product_does_not_route_it(self):
        self.assertEqual(self.client.get("/bench/minimal/").status_code, 404)
