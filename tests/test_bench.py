"""The benchmark's baseline page lives in bench/, routed only under its settings."""

import copy
import sys
from pathlib import Path

from django.test import SimpleTestCase, override_settings

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


class TargetsTests(SimpleTestCase):
    """`make bench` reports the issue's targets: pages as logged-in users read them,
    anonymous cached pages and search; the uncached mode is a reference with no target."""

    def setUp(self):
        sys.path.insert(0, str(Path(bench_settings.__file__).parent))
        self.addCleanup(sys.path.remove, str(Path(bench_settings.__file__).parent))
        from bench import run

        self.run = run

    def runs(self, **logged_in):
        def result(rps, p99_ms):
            return {"rps": rps, "p99_ms": p99_ms}

        pages = {name: result(90, 100) for name in self.run.ANONYMOUS_PAGES}
        pages |= {"instructor's board": result(20, 200), "student's assignment page": result(20, 200)}
        runs = {mode: {"minimal view": result(100, 400), **pages} for mode in self.run.MODES}
        runs["uncached"]["question"] = result(1, 5000)  # the worst case: reported, not a target
        runs["logged-in"] |= {name: result(*values) for name, values in logged_in.items()}
        return runs

    def test_only_the_issues_targets_are_reported(self):
        search = {kind: {"p95_ms": 20} for kind in ("common", "rare", "misspelt")}
        self.assertEqual(self.run.targets_missed(self.runs(), search), [])
        missed = self.run.targets_missed(
            self.runs(question=(10, 100), **{"student's assignment page": (20, 300)}), search | {"rare": {"p95_ms": 60}}
        )
        self.assertEqual(
            missed,
            [
                "question: logged-in 0.100 × minimal (target 0.2)",
                "student's assignment page: logged-in p99 300 ms (target < 250)",
                "search, rare words: p95 60 ms (target < 50)",
            ],
        )
