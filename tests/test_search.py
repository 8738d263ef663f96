"""Search (historiography/search/): what it finds of each kind, how a student's words
are read (stems, stop words, accents, typos), the index kept in step with every write,
the results page (groups, a question's sides, filters, pages, marks) and, on PostgreSQL,
that each kind's match goes through its GIN index."""

import re
import unittest
from unittest import skipUnless

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from historiography import search
from historiography.cache import invalidate_public_pages
from historiography.models import Argument, Attribution, Question, Status

from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    SchoolFactory,
    TopicFactory,
    WorkFactory,
    make_question,
)

on_postgresql = skipUnless(connection.vendor == "postgresql", "PostgreSQL full-text search")
URL = reverse("historiography:search")


def found(text, **filters):
    """{kind: [object, ...]} of what `text` finds, the kinds in the page's order."""
    results = search.search(text, **filters)
    return {group.kind: [item.object for item in group.items] for group in results.groups}


class WhatItFindsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.topic = TopicFactory(title="Stalinism", slug="stalinism")
        cls.famine = make_question(
            topic=cls.topic,
            title="Was the famine in Ukraine genocide?",
            slug="famine",
            background="Millions starved in 1932–33.",
        )
        cls.genocide, cls.not_genocide = cls.famine.positions.all()
        cls.toll = make_question(topic=cls.topic, title="How many died under Stalin?", slug="death-toll")
        cls.school = SchoolFactory(name="Revisionist social history", slug="revisionist")
        cls.broue = HistorianFactory(name="Pierre Broué", sort_name="Broué, Pierre", schools=[cls.school])
        cls.conquest = HistorianFactory(name="Robert Conquest", sort_name="Conquest, Robert")
        cls.work = WorkFactory(title="The Harvest of Sorrow")
        cls.by_conquest = ArgumentFactory(
            historian=cls.conquest,
            position=cls.genocide,
            work=cls.work,
            claim="The famine was made by policy.",
            passage="The kulaks were deported and dekulakization emptied the villages.",
        )
        cls.by_broue = ArgumentFactory(
            historian=cls.broue,
            position=cls.not_genocide,
            claim="Grain requisitions, not a plan, starved the villages.",
            passage="<b>Requisitions</b> continued.",
        )
        cls.estimate = EstimateFactory(question=cls.toll, measure="Executions in the Great Terror", low=680_000)
        ArgumentFactory(position=cls.genocide, status=Status.DRAFT, claim="A hidden zeppelin draft.")

    def test_it_finds_every_kind(self):
        self.assertEqual(found("Ukraine")["question"], [self.famine])
        self.assertEqual(found("dekulakization")["argument"], [self.by_conquest])
        self.assertEqual(found("Conquest")["person"], [self.conquest])
        self.assertEqual(found("revisionist")["school"], [self.school])
        self.assertEqual(found("harvest sorrow")["work"], [self.work])
        self.assertEqual(found("stalinism")["topic"], [self.topic])
        self.assertEqual(found("executions")["estimate"], [self.estimate])
        self.assertEqual(len(found("side")["position"]), 4)
        self.assertEqual(found("side", question=self.famine)["position"], [self.genocide, self.not_genocide])

    def test_drafts_are_never_found(self):
        self.assertEqual(found("zeppelin"), {})

    def test_an_argument_or_estimate_by_a_draft_person_or_citing_a_draft_work_is_never_found(self):
        draft_person = HistorianFactory(name="Hidden Person", status=Status.DRAFT)
        draft_work = WorkFactory(title="Hidden Work", status=Status.DRAFT)
        ArgumentFactory(position=self.genocide, historian=draft_person, claim="A zeppelin by a draft person.")
        ArgumentFactory(position=self.genocide, work=draft_work, claim="A zeppelin citing a draft work.")
        EstimateFactory(question=self.toll, measure="Zeppelin losses", historian=draft_person)
        EstimateFactory(question=self.toll, measure="Zeppelin crews", work=draft_work)
        shown = ArgumentFactory(
            position=self.genocide,
            attribution=Attribution.SCHOOL,
            historian=None,
            school=self.school,
            work=None,
            claim="A zeppelin, a school's view citing no work.",
        )
        self.assertEqual(found("zeppelin"), {"question": [self.famine], "argument": [shown]})

    def test_plain_words_stems_and_stop_words(self):
        self.assertEqual(found("how many died")["question"][0], self.toll)
        self.assertEqual(found("kulak")["argument"], [self.by_conquest])
        self.assertEqual(found("requisition")["argument"], [self.by_broue])

    def test_accents_and_case_fold(self):
        for text in ("Broue", "BROUÉ", "broué"):
            with self.subTest(text=text):
                self.assertEqual(found(text)["person"], [self.broue])

    def test_a_name_among_other_words_finds_that_persons_arguments_with_the_others(self):
        # His argument's own text has "famine" but not his name; another's has both.
        about_him = ArgumentFactory(
            historian=self.broue, position=self.not_genocide, claim="Conquest's famine figures are too high."
        )
        results = found("Conquest famine")
        self.assertEqual(results["argument"], [self.by_conquest, about_him])
        self.assertIn(self.conquest, results["person"])

    def test_misspelt_names_find_the_person(self):
        self.assertEqual(found("Conqest")["person"], [self.conquest])
        self.assertEqual(found("Brue")["person"], [self.broue])

    def test_stop_words_alone_read_nothing(self):
        with self.assertNumQueries(0):
            results = search.search("the of and why")
        self.assertEqual((results.words, results.groups), ([], []))

    def test_when_no_result_has_every_word_some_do(self):
        results = search.search("famine zeppelin")
        self.assertTrue(results.any_word)
        self.assertEqual(results.first, self.famine)

    def test_did_you_mean(self):
        results = search.search("Ukrane genocde")
        self.assertEqual(results.groups, [])
        self.assertEqual(results.suggestion, "ukraine genocide")
        # Also when only some of the words were found
        results = search.search("famine Ukrane")
        self.assertEqual((results.any_word, results.suggestion), (True, "famine ukraine"))

    def test_a_matching_argument_brings_its_question_first(self):
        results = search.search("dekulakization")
        self.assertEqual(results.first, self.famine)
        self.assertEqual(results.groups[0].items[0].through, "through its arguments")

    def test_filters(self):
        other = ArgumentFactory(claim="Starvation elsewhere.", passage="starved")
        self.assertEqual(set(found("starved")["argument"]), {self.by_broue, other})
        self.assertEqual(found("starved", topic=self.topic)["argument"], [self.by_broue])
        self.assertEqual(found("starved", question=self.famine)["argument"], [self.by_broue])
        self.assertEqual(found("starved", school=self.school)["argument"], [self.by_broue])
        shown = {kind: objects for kind, objects in found("starved", kind="argument").items() if objects}
        self.assertEqual(shown, {"argument": [self.by_broue, other]})

    def test_the_queryset_method_delegates(self):
        self.assertEqual(set(Argument.objects.published().search("villages")), {self.by_broue, self.by_conquest})
        self.assertEqual(list(Argument.objects.published().search("the")), [])

    def test_marks_are_escaped(self):
        marked = search.highlight("<b>Requisitions</b> & more requisition", ["requisitions"])
        self.assertEqual(marked, "&lt;b&gt;<mark>Requisitions</mark>&lt;/b&gt; &amp; more <mark>requisition</mark>")


@override_settings(CARD_CACHE_SECONDS=300)
class DidYouMeanVocabularyTests(TestCase):
    """ "Did you mean" draws from the words of every published name and title, kept in
    the shared cache under the generation that every committed write replaces."""

    def setUp(self):
        cache.clear()

    def test_the_words_are_read_once_per_generation(self):
        TopicFactory(title="Stalinism")
        WorkFactory(title="The colonial economy")
        TopicFactory(title="Terror", status=Status.DRAFT)
        vocabulary = search.vocabulary()
        # "econmy" shares too few trigrams with "economy" for a trigram match to find it.
        self.assertEqual(search.suggestion("stalinsm econmy", vocabulary), "stalinism economy")
        self.assertIsNone(search.suggestion("terorr", vocabulary))  # a draft's title is never offered
        with self.assertNumQueries(0):
            vocabulary = search.vocabulary()
        TopicFactory(title="Collectivisation")
        self.assertIsNone(search.suggestion("colectivisation", search.vocabulary()))
        invalidate_public_pages()  # what a committed write to the scholarship does
        self.assertEqual(search.suggestion("colectivisation", search.vocabulary()), "collectivisation")


class IndexInStepTests(TestCase):
    """Triggers on SQLite, the generated column and expression indexes on PostgreSQL:
    every write path, bulk ones included, changes what is found."""

    def test_edits_bulk_updates_and_deletes(self):
        argument = ArgumentFactory(claim="Output rose.", passage="steel")
        self.assertEqual(found("steel")["argument"], [argument])
        Argument.objects.filter(pk=argument.pk).update(passage="cement")
        self.assertNotIn("argument", found("steel"))
        self.assertEqual(found("cement")["argument"], [argument])
        question = argument.position.question
        Question.objects.filter(pk=question.pk).update(title="Was there a zeppelin plan?")
        self.assertEqual(found("zeppelin")["question"], [question])
        argument.delete()
        self.assertNotIn("argument", found("cement"))

    def test_the_rebuild_command_refills_it(self):
        argument = ArgumentFactory(claim="Output rose.", passage="steel")
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {search.FTS_TABLE}")
            self.assertEqual(found("steel"), {})
        call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
        self.assertEqual(found("steel")["argument"], [argument])


class ResultsPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.question = make_question(title="Was the famine genocide?", slug="famine")
        side = cls.question.positions.first()
        cls.arguments = [
            ArgumentFactory(position=side, claim=f"Famine claim {n}.", passage="Grain was taken.") for n in range(25)
        ]

    def test_it_shows_groups_counts_and_the_questions_sides(self):
        response = self.client.get(URL, {"q": "famine"})
        self.assertContains(response, "26 results for “famine”")
        self.assertContains(response, "Arguments (25)")
        # Only the first side has arguments, yet both sides show under the question.
        self.assertContains(response, "Side 1")
        self.assertContains(response, "Side 2")
        self.assertContains(response, "<mark>famine</mark>", html=False)
        self.assertContains(response, "All 25 arguments")

    def test_one_kind_pages(self):
        response = self.client.get(URL, {"q": "famine", "kind": "argument", "page": 2})
        self.assertEqual(len(response.context["results"].groups[1].items), 5)
        self.assertContains(response, "Page 2 of 2")

    def test_did_you_mean_links_the_suggestion(self):
        response = self.client.get(URL, {"q": "famnie genocde"})
        self.assertContains(response, "Did you mean")
        self.assertContains(response, "?q=famine+genocide")

    def test_a_bad_filter_is_reported_and_ignored(self):
        response = self.client.get(URL, {"q": "famine", "topic": "no-such-topic"})
        self.assertContains(response, "That filter was ignored")
        self.assertContains(response, "26 results")

    def test_a_kind_without_matches_says_so(self):
        self.assertContains(self.client.get(URL, {"q": "famine", "kind": "person"}), "No people match")

    def test_stop_words_alone_are_explained(self):
        self.assertContains(self.client.get(URL, {"q": "the"}), "holds no word to look for")

    def test_the_school_filter_offers_the_schools_of_the_results(self):
        members, viewing, unrelated, chosen = (
            SchoolFactory(name=f"{name} school", slug=name) for name in ("members", "viewing", "unrelated", "chosen")
        )
        side = self.question.positions.last()
        ArgumentFactory(position=side, historian=HistorianFactory(schools=[members]), claim="Harvest, a member says.")
        ArgumentFactory(
            position=side, historian=None, school=viewing, attribution=Attribution.SCHOOL, claim="Harvest, they say."
        )
        ArgumentFactory(position=side, historian=HistorianFactory(schools=[unrelated]), claim="Something else.")

        def offered(text, **filters):
            page = self.client.get(URL, {"q": text, **filters}).content.decode()
            select = re.search(r'<select[^>]*name="school".*?</select>', page, re.S).group()
            return set(re.findall(r'<option value="([^"]+)"', select))

        self.assertEqual(offered("harvest"), {"members", "viewing"})
        # A chosen school stays offered (and selected) even where nothing of it matches.
        self.assertEqual(offered("something", school="chosen"), {"chosen"})

    def test_the_question_filter_offers_the_results_best_questions(self):
        many = [
            make_question(title=f"Harvests of year {n}?", slug=f"harvest-{n}") for n in range(search.OFFERED_QUESTIONS)
        ]
        best = make_question(title="The harvest", slug="the-harvest")

        def offered(**query):
            page = self.client.get(URL, {"q": "harvest", **query}).content.decode()
            select = re.search(r'<select[^>]*name="question".*?</select>', page, re.S).group()
            return re.findall(r'<option value="([^"]*)"( selected)?', select)

        options = offered()
        # "Any question", then the best match (its title is what was typed), then the
        # others up to OFFERED_QUESTIONS; never a question the results do not hold.
        self.assertEqual(len(options), search.OFFERED_QUESTIONS + 1)
        self.assertEqual([slug for slug, _ in options[:2]], ["", best.slug])
        self.assertNotIn(self.question.slug, {slug for slug, _ in options})
        # A chosen question is offered and selected, whatever its rank.
        self.assertIn((many[-1].slug, " selected"), offered(question=many[-1].slug))


@on_postgresql
class PostgreSQLIndexTests(TestCase):
    def test_every_kind_is_matched_through_its_gin_index(self):
        from historiography.search import postgresql

        sql, params = postgresql.candidates_sql(search.parse('famine "great terror" -zeppelin'), names="Conquest")
        with connection.cursor() as cursor:
            # The tables are tiny, where a sequential scan is cheapest: forbid it to see
            # whether an index *can* serve each kind.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        for kind in search.DOCUMENTS:
            with self.subTest(kind=kind):
                self.assertIn(f"Bitmap Index Scan on {kind}_search_document", plan)
        self.assertIn("Bitmap Index Scan on historian_name_trigram", plan)
        self.assertIn("Bitmap Index Scan on argument_claim_search", plan)

    def test_the_bounded_pool_takes_the_arguments_whose_claim_matches_first(self):
        from unittest import mock

        from historiography.search import postgresql

        question = make_question()
        position = question.positions.first()
        for n in range(3):  # older rows, where the index's first matches are
            ArgumentFactory(position=position, claim=f"Claim {n}.", passage="Ration cards in the cities.")
        titled = ArgumentFactory(position=position, claim="Ration cards everywhere.", passage="Queues.")
        with mock.patch.object(postgresql, "POOL", 2):
            found = [pk for pk, _rank, _title in postgresql.candidates(search.parse("ration"))["argument"]]
        self.assertEqual(found[0], titled.pk)
        self.assertEqual(len(found), 2)

    def test_the_claims_pool_leaves_out_a_word_left_out_anywhere_in_the_argument(self):
        from historiography.search import postgresql

        position = make_question().positions.first()
        kept = ArgumentFactory(position=position, claim="Ration cards everywhere.", passage="Queues.")
        ArgumentFactory(position=position, claim="Ration cards in the cities.", passage="Queues in Leningrad.")
        found = [pk for pk, _rank, _title in postgresql.candidates(search.parse("ration -leningrad"))["argument"]]
        self.assertEqual(found, [kept.pk])


class ParserTests(unittest.TestCase):
    """The search syntax (words.parse), and that each database's syntax is written from
    its words alone, whatever was typed."""

    def test_phrases_words_left_out_and_alternatives(self):
        query = search.parse('"Cult of personality" -famine -"great terror" lenin or Trotsky\'s')
        self.assertEqual(
            query.groups,
            [
                [search.words.Term(("cult", "of", "personality")), search.words.Term(("lenin",))],
                [search.words.Term(("trotsky",))],
            ],
        )
        self.assertEqual(query.excluded, [search.words.Term(("famine",)), search.words.Term(("great", "terror"))])
        self.assertEqual(query.words, ["cult", "personality", "lenin", "trotsky"])

    def test_nothing_to_look_for(self):
        for text in ["", "the of", "-famine", "or", '""', '"the"', "- -", "\x00"]:
            with self.subTest(text=text):
                self.assertFalse(search.parse(text))

    @hypothesis_settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(st.text(max_size=120))
    def test_any_text_parses_into_quoted_words_only(self, text):
        from historiography.search import postgresql, sqlite

        query = search.parse(text)
        for term in query.terms + query.excluded:
            self.assertTrue(term.words)
            for word in term.words:
                self.assertRegex(word, r"^\w+$")
        if query:
            expression = sqlite.fts_expression(query)
            # Outside the double-quoted words, only FTS5's operators and parentheses.
            self.assertRegex(re.sub(r'"[^"]*"', "", expression), r"^[()\sANDORT]*$")
            sql, params = postgresql.tsquery(query)
            self.assertEqual(sql.count("%s"), len(params))
            self.assertNotIn("'", sql.replace(f"'{search.CONFIG}'", ""))  # the user's words are all parameters
