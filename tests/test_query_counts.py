"""Each list and comparison page runs a fixed number of queries, whatever the rows."""
from django.urls import reverse

from historiography.models import ArgumentRelation

from .base import BaseTestCase
from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, make_question


class QueryCountTests(BaseTestCase):
    def make_arguments(self, count):
        question = make_question(slug=f"question-{count}")
        schools = [SchoolFactory(slug=f"school-a-{count}"), SchoolFactory(slug=f"school-b-{count}")]
        positions = list(question.positions.all())
        arguments = []
        for n in range(count):
            historian = HistorianFactory(schools=schools[: 1 + n % 2])
            arguments.append(
                ArgumentFactory(historian=historian, position=positions[n % 2], tags=[f"tag-{n % 3}", "shared"], year=1950 + n)
            )
        for source, target in zip(arguments[1:], arguments[:-1]):
            ArgumentRelation.objects.create(source=source, target=target, kind="rebuts")
        EstimateFactory.create_batch(3, question=question)
        return question

    def assert_constant(self, queries, url_for):
        """`url_for(question, count)` gives the page to load once the rows exist."""
        for count in (5, 50):
            with self.subTest(arguments=count):
                url = url_for(self.make_arguments(count), count)
                with self.assertNumQueries(queries):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_question_page(self):
        # question+topic, positions, arguments (historian, position, question, topic, work joined),
        # historians' schools, tags, incoming relations, estimates;
        # the filter form's choices: schools, tags, historians
        self.assert_constant(10, lambda q, n: q.get_absolute_url())

    def test_question_page_filtered_and_grouped(self):
        # as above, plus one lookup per bound model-choice filter (school, tag)
        self.assert_constant(
            12, lambda q, n: f"{q.get_absolute_url()}?group=school&school=school-a-{n}&tag=shared&decade=1950"
        )

    def test_argument_list(self):
        # count, page of arguments (joined), schools, tags, incoming relations;
        # filter form's choices: questions, schools, tags, historians
        self.assert_constant(9, lambda q, n: reverse("historiography:argument-list"))

    def test_argument_list_filtered(self):
        # as above, plus the lookup of the bound question filter
        self.assert_constant(10, lambda q, n: f"{reverse('historiography:argument-list')}?question={q.slug}")

    def test_search(self):
        # count, page of matches (joined), schools, tags, incoming relations, matching people
        self.assert_constant(6, lambda q, n: f"{reverse('historiography:search')}?q=Claim")

    def test_home(self):
        # topics, their questions
        self.assert_constant(2, lambda q, n: reverse("historiography:home"))

    def test_topic_page(self):
        # topic, questions with counts, positions
        self.assert_constant(3, lambda q, n: q.topic.get_absolute_url())

    def test_historian_list(self):
        # historians with counts, schools
        self.assert_constant(2, lambda q, n: reverse("historiography:historian-list"))

    def test_tag_page(self):
        # tag, count, page of arguments, schools, tags, incoming relations
        self.assert_constant(6, lambda q, n: reverse("historiography:tag-detail", args=["shared"]))

    def test_school_page(self):
        # school, its historians, arguments, schools, tags, incoming relations
        self.assert_constant(6, lambda q, n: reverse("historiography:school-detail", args=[f"school-a-{n}"]))
