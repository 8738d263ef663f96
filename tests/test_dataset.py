"""The shipped dataset: loads (twice, without duplicates), meets the content rules, and
every public page renders for it."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import TestCase
from django.urls import reverse
from taggit.models import Tag

from historiography.models import (
    Argument,
    ArgumentRelation,
    Estimate,
    Historian,
    Position,
    Question,
    School,
    Status,
    Topic,
    Work,
)

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "stalinism.json"
SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
MODELS = [Topic, School, Historian, Work, Question, Argument, ArgumentRelation, Estimate, Tag]


class DatasetTests(TestCase):
    fixtures = [FIXTURE]

    def test_it_loads_twice_without_duplicates(self):
        before = {model.__name__: model.objects.count() for model in MODELS}
        call_command("loaddata", FIXTURE, verbosity=0)
        self.assertEqual({model.__name__: model.objects.count() for model in MODELS}, before)

    def test_it_has_the_promised_size(self):
        self.assertGreaterEqual(Question.objects.published().count(), 12)
        self.assertGreaterEqual(Historian.objects.count(), 40)
        self.assertGreaterEqual(School.objects.count(), 8)
        self.assertGreaterEqual(Argument.objects.published().count(), 90)
        self.assertGreaterEqual(Argument.objects.published().exclude(quotation="").count(), 60)
        self.assertGreaterEqual(Estimate.objects.published().count(), 25)

    def test_every_question_has_arguments_on_two_positions(self):
        for question in Question.objects.published():
            with self.subTest(question=question.slug):
                argued = question.positions.annotate(
                    n=Count("arguments", filter=Q(arguments__status=Status.PUBLISHED))
                ).filter(n__gt=0)
                self.assertGreaterEqual(argued.count(), 2)

    def test_every_argument_names_its_source(self):
        seed_names = {path.name for path in SEEDS.glob("*.txt")}
        for argument in Argument.objects.all():
            with self.subTest(argument=argument.slug):
                self.assertTrue(argument.source_document.endswith(".txt"))
                self.assertTrue(argument.source_section.strip())
                if seed_names:
                    self.assertIn(argument.source_document, seed_names)

    def test_every_question_says_where_the_scholarship_stands_and_from_where(self):
        seed_names = {path.name for path in SEEDS.glob("*.txt")}
        for question in Question.objects.all():
            with self.subTest(question=question.slug):
                self.assertTrue(question.standing_basis.strip())
                self.assertTrue(question.standing_source_section.strip())
                self.assertTrue(question.standing_source_document.endswith(".txt"))
                self.assertIn(question.standing_source_document, question.standing_basis)  # cited by file name
                if seed_names:
                    self.assertIn(question.standing_source_document, seed_names)

    def test_every_marked_position_says_why_naming_the_seed(self):
        marked = Position.objects.exclude(standing="")
        self.assertTrue(marked.exists())
        for position in marked:
            with self.subTest(position=str(position)):
                self.assertRegex(position.standing_note, r"\d{3}_[0-9a-f]+\.txt")

    def test_the_consensus_ranges_the_seeds_report_are_bands(self):
        bands = {(e.measure, e.low, e.high) for e in Estimate.objects.published().filter(is_consensus=True)}
        self.assertIn(("Total deaths under Stalin", 6_000_000, 20_000_000), bands)
        self.assertIn(("Gulag deaths", 1_500_000, 1_700_000), bands)
        for estimate in Estimate.objects.filter(is_consensus=True):
            with self.subTest(estimate=estimate.slug):
                self.assertIn(estimate.source_document, estimate.source)

    def test_every_public_page_renders(self):
        urls = [
            reverse("historiography:home"),
            reverse("historiography:argument-list"),
            reverse("historiography:historian-list"),
            reverse("historiography:school-list"),
            reverse("historiography:tag-list"),
            reverse("historiography:search") + "?q=Stalin",
        ]
        for model in [Topic, Question, Historian, School, Work, Argument]:
            urls += [
                obj.get_absolute_url()
                for obj in model.objects.all()
                if getattr(obj, "status", Status.PUBLISHED) == Status.PUBLISHED
            ]
        urls += [reverse("historiography:tag-detail", args=[tag.slug]) for tag in Tag.objects.all()]
        urls += [question.get_absolute_url() + "?group=school" for question in Question.objects.all()]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
