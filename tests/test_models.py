from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from historiography.models import (
    Argument,
    ArgumentRelation,
    Attribution,
    Estimate,
    Historian,
    Position,
    Question,
    RelationKind,
    Status,
    Topic,
)
from historiography.templatetags.historiography import figure, figure_range

from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    PositionFactory,
    SchoolFactory,
    SourceFactory,
    WorkFactory,
    make_question,
)


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

    def test_it_rejects_an_argument_with_neither_source_nor_work(self):
        with self.assertRaises(IntegrityError):
            ArgumentFactory(source=None, work=None)

    def test_it_rejects_a_published_argument_from_a_source_without_its_passage(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(passage="")
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(section="")
        self.assertEqual(ArgumentFactory(passage="", status=Status.DRAFT).status, Status.DRAFT)

    def test_a_schools_view_has_a_school_and_no_person(self):
        school = SchoolFactory()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(attribution=Attribution.SCHOOL, school=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(attribution=Attribution.SCHOOL, school=school)  # and the factory's historian
        argument = ArgumentFactory(attribution=Attribution.SCHOOL, school=school, historian=None)
        self.assertEqual(argument.speaker, school)

    def test_a_persons_view_has_a_person_and_no_school(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(historian=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(school=SchoolFactory())

    def test_only_own_words_have_words_and_they_always_do(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(attribution=Attribution.OWN_WORDS, words="")
        with self.assertRaises(IntegrityError), transaction.atomic():
            ArgumentFactory(attribution=Attribution.REPORTED, words="Words")
        ArgumentFactory(attribution=Attribution.OWN_WORDS, words="Words")

    def test_it_rejects_an_estimate_with_neither_source_nor_work(self):
        with self.assertRaises(IntegrityError):
            EstimateFactory(source=None, work=None)

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


class EvidenceTests(TestCase):
    """The product checks the evidence itself (README, "Content rules"): a passage verbatim
    in its source, words inside the passage and, for own words, inside quotation marks."""

    def argument(self, **fields):
        defaults = {"work": None, "source": SourceFactory(), "slug": "checked"}
        return ArgumentFactory.build(position=PositionFactory(), historian=HistorianFactory(), **{**defaults, **fields})

    def test_it_accepts_a_passage_verbatim_apart_from_typography(self):
        argument = self.argument(passage="words   FROM the source.")
        argument.full_clean()
        self.argument(passage="Some text before ... More text after it").full_clean()

    def test_it_refuses_an_invented_passage_and_shows_the_closest_match(self):
        argument = self.argument(passage="Words invented by the editor, from the source.")
        with self.assertRaises(ValidationError) as caught:
            argument.full_clean()
        [message] = caught.exception.message_dict["passage"]
        self.assertIn("The passage is not verbatim in “A Reference Work”", message)
        self.assertIn("Closest match in the source: “Words from the source.”", message)

    def test_fragments_must_come_in_order(self):
        with self.assertRaises(ValidationError):
            self.argument(passage="More text after it ... Some text before").full_clean()

    def test_a_passage_is_required_with_a_source(self):
        with self.assertRaises(ValidationError) as caught:
            self.argument(passage="", status=Status.DRAFT).full_clean()
        self.assertIn("required", caught.exception.message_dict["passage"][0])

    def test_own_words_stand_inside_quotation_marks_in_the_source(self):
        passage = 'Historians, as the source says, "disagree about nearly everything" and always will.'
        argument = self.argument(
            attribution=Attribution.OWN_WORDS, passage=passage, words="disagree about nearly everything"
        )
        argument.full_clean()
        argument.words = "as the source says"  # in the passage, but the source's words, not theirs
        with self.assertRaises(ValidationError) as caught:
            argument.full_clean()
        self.assertIn("quotation marks", caught.exception.message_dict["words"][0])

    def test_words_stand_inside_the_passage(self):
        argument = self.argument(
            attribution=Attribution.OWN_WORDS,
            passage="Words from the source.",
            words="disagree about nearly everything",
        )
        with self.assertRaises(ValidationError) as caught:
            argument.full_clean()
        self.assertIn("The words is not verbatim in the passage", caught.exception.message_dict["words"][0])

    def test_an_argument_from_the_persons_own_work_needs_no_passage(self):
        self.argument(source=None, passage="", section="", work=WorkFactory()).full_clean()

    def test_estimates_questions_and_positions_check_their_passage_too(self):
        source = SourceFactory()
        estimate = EstimateFactory.build(question=make_question(), source=source, passage="An invented figure.")
        question = make_question(slug="q-standing")
        question.standing_source, question.standing_passage = source, "Everyone agrees."
        position = question.positions.first()
        position.standing_source, position.standing_passage = source, "A majority agrees."
        for obj, field in ((estimate, "passage"), (question, "standing_passage"), (position, "standing_passage")):
            with self.subTest(model=type(obj).__name__), self.assertRaises(ValidationError) as caught:
                obj.full_clean()
            self.assertIn("Closest match in the source", caught.exception.message_dict[field][0])
        question.standing_passage = "Words from the source."
        question.full_clean()
