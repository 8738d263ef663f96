from django.db import IntegrityError, transaction
from django.test import TestCase

from historiography.models import (
    Argument,
    ArgumentRelation,
    Estimate,
    Historian,
    Position,
    Question,
    RelationKind,
    Status,
    Topic,
)
from historiography.templatetags.historiography import figure, figure_range

from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, PositionFactory, make_question


class ConstraintTests(TestCase):
    def test_it_rejects_an_estimate_whose_low_exceeds_high(self):
        with self.assertRaises(IntegrityError):
            EstimateFactory(low=5, high=4)

    def test_it_accepts_a_single_figure_estimate(self):
        estimate = EstimateFactory(low=700_000, high=700_000)
        self.assertEqual(estimate.low, estimate.high)

    def test_it_rejects_a_duplicate_position_slug_within_a_question(self):
        question = make_question()
        with self.assertRaises(IntegrityError):
            PositionFactory(question=question, slug="side-1")

    def test_it_allows_the_same_position_slug_in_two_questions(self):
        make_question()
        make_question()
        self.assertEqual(Position.objects.filter(slug="side-1").count(), 2)

    def test_it_rejects_a_historian_who_died_before_being_born(self):
        with self.assertRaises(IntegrityError):
            HistorianFactory(born=1950, died=1900)

    def test_it_rejects_an_argument_relation_to_itself(self):
        argument = ArgumentFactory()
        with self.assertRaises(IntegrityError):
            ArgumentRelation.objects.create(source=argument, target=argument, kind=RelationKind.REBUTS)

    def test_it_rejects_the_same_relation_twice(self):
        first, second = ArgumentFactory(), ArgumentFactory()
        ArgumentRelation.objects.create(source=first, target=second, kind=RelationKind.REBUTS)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentRelation.objects.create(source=first, target=second, kind=RelationKind.REBUTS)

    def test_it_rejects_an_argument_without_a_source_document(self):
        with self.assertRaises(IntegrityError):
            ArgumentFactory(source_document="")

    def test_it_rejects_an_implausible_argument_year(self):
        with self.assertRaises(IntegrityError):
            ArgumentFactory(year=3000)

    def test_it_rejects_duplicate_argument_slugs(self):
        ArgumentFactory(slug="same")
        with self.assertRaises(IntegrityError):
            ArgumentFactory(slug="same")

    def test_an_arguments_question_is_its_positions_question(self):
        argument = ArgumentFactory()
        self.assertEqual(Argument.objects.for_question(argument.position.question).get(), argument)
        other = make_question()
        self.assertFalse(Argument.objects.for_question(other).exists())


class NaturalKeyTests(TestCase):
    def test_it_round_trips_natural_keys(self):
        argument = ArgumentFactory(tags=["archives"])
        position = argument.position
        self.assertEqual(Position.objects.get_by_natural_key(*position.natural_key()), position)
        self.assertEqual(Argument.objects.get_by_natural_key(*argument.natural_key()), argument)
        self.assertEqual(Historian.objects.get_by_natural_key(*argument.historian.natural_key()), argument.historian)
        tagged = argument.tagged_items.get()
        self.assertEqual(tagged.natural_key(), (argument.slug, "archives"))
        self.assertEqual(type(tagged).objects.get_by_natural_key(argument.slug, "archives"), tagged)


class DisplayTests(TestCase):
    def test_it_formats_figures_as_people_say_them(self):
        self.assertEqual(figure(20_000_000), "20 million")
        self.assertEqual(figure(1_500_000), "1.5 million")
        self.assertEqual(figure(681_692), "681,692")

    def test_it_formats_ranges_with_one_unit(self):
        self.assertEqual(figure_range(EstimateFactory.build(low=3_500_000, high=5_000_000)), "3.5–5 million")
        self.assertEqual(figure_range(EstimateFactory.build(low=700_000, high=700_000)), "700,000")

    def test_it_tells_scholars_from_historical_actors(self):
        self.assertTrue(HistorianFactory.build(role="historian").is_scholar)
        self.assertFalse(HistorianFactory.build(role="participant").is_scholar)

    def test_it_links_a_position_to_its_column(self):
        position = make_question(slug="continuity-q").positions.first()
        self.assertEqual(position.get_absolute_url(), "/questions/continuity-q/#position-side-1")


class PublishedTests(TestCase):
    """Published means published all the way up: a draft question or topic hides what is under it."""

    def test_a_published_argument_on_a_draft_question_is_not_published(self):
        argument = ArgumentFactory()
        self.assertTrue(Argument.objects.published().filter(pk=argument.pk).exists())
        Question.objects.filter(pk=argument.position.question_id).update(status=Status.DRAFT)
        self.assertFalse(Argument.objects.published().filter(pk=argument.pk).exists())
        self.assertFalse(Position.objects.published().filter(pk=argument.position_id).exists())

    def test_a_draft_topic_hides_its_questions_arguments_and_estimates(self):
        argument = ArgumentFactory()
        question = argument.position.question
        estimate = EstimateFactory(question=question)
        Topic.objects.filter(pk=question.topic_id).update(status=Status.DRAFT)
        self.assertFalse(Question.objects.published().filter(pk=question.pk).exists())
        self.assertFalse(Argument.objects.published().filter(pk=argument.pk).exists())
        self.assertFalse(Estimate.objects.published().filter(pk=estimate.pk).exists())

    def test_saving_an_argument_moves_its_updated_time(self):
        argument = ArgumentFactory()
        before = argument.updated
        argument.claim = "Edited."
        argument.save(update_fields=["claim"])
        argument.refresh_from_db()
        self.assertGreater(argument.updated, before)
        self.assertLessEqual(argument.created, before)
