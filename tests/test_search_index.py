"""Argument search: what it matches, how PostgreSQL ranks it, and that it goes through the
GIN indexes of migration 0006 (an expression the index doesn't hold verbatim would
silently fall back to reading every row)."""

from unittest import skipUnless

from django.db import connection
from django.test import TestCase

from historiography.models import Argument

from .factories import ArgumentFactory, HistorianFactory, WorkFactory

on_postgresql = skipUnless(connection.vendor == "postgresql", "PostgreSQL full-text search")


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.by_name = ArgumentFactory(
            historian=HistorianFactory(name="Sheila Fitzpatrick"), claim="Everyday life adapted."
        )
        cls.in_text = ArgumentFactory(claim="Fitzpatrick's critics stressed terror.", passage="", source=None)
        cls.in_title = ArgumentFactory(
            work=WorkFactory(title="Stalin's Peasants: Resistance and Survival"), claim="Villages endured."
        )
        cls.other = ArgumentFactory(claim="Output rose.", passage="steel")

    def search(self, text):
        return list(Argument.objects.published().search(text))

    def test_it_matches_names_claims_quotations_and_titles(self):
        self.assertEqual(set(self.search("Fitzpatrick")), {self.by_name, self.in_text})
        self.assertEqual(self.search("peasants"), [self.in_title])
        self.assertEqual(self.search("steel"), [self.other])
        self.assertEqual(self.search("zeppelin"), [])

    def test_each_word_may_be_in_a_different_field(self):
        self.assertEqual(self.search("Fitzpatrick everyday"), [self.by_name])
        self.assertEqual(self.search("peasants endured"), [self.in_title])
        self.assertEqual(self.search("Fitzpatrick zeppelin"), [])

    @on_postgresql
    def test_stop_words_and_punctuation_are_ignored(self):
        self.assertEqual(self.search("the peasants !"), [self.in_title])

    @on_postgresql
    def test_websearch_operators_still_work(self):
        self.assertEqual(self.search('"critics stressed"'), [self.in_text])
        self.assertEqual(self.search("Fitzpatrick -terror"), [self.by_name])
        self.assertEqual(set(self.search("steel or peasants")), {self.other, self.in_title})

    @on_postgresql
    def test_a_name_ranks_above_the_text_and_the_text_above_a_title(self):
        title_too = ArgumentFactory(work=WorkFactory(title="The Fitzpatrick Papers"), claim="Letters survive.")
        self.assertEqual(self.search("Fitzpatrick"), [self.by_name, self.in_text, title_too])

    @on_postgresql
    def test_every_part_of_the_search_uses_its_gin_index(self):
        with connection.cursor() as cursor:
            # The tables are tiny, where a sequential scan is cheapest: forbid it to see
            # whether an index *can* serve each part (without published(), whose status
            # index would do as well here).
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = Argument.objects.search("famine").explain()
        for index in ("argument_search_document", "historian_name_search", "work_title_search"):
            self.assertIn(index, plan)
        self.assertIn("BitmapOr", plan)
