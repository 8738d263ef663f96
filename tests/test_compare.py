from django.urls import reverse

from historiography.charts import axis_span, estimate_chart, marker_rows, nice_max, tick_step, timeline, wrap
from historiography.models import EstimateBasis, Milestone, Question, Status

from .base import BaseTestCase
from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, TopicFactory, make_question


class CompareTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.totalitarian = SchoolFactory(name="Totalitarian model", slug="totalitarian", order=1)
        cls.revisionist = SchoolFactory(name="Revisionists", slug="revisionist", order=2)
        cls.archival = SchoolFactory(name="Post-revisionists", slug="post-revisionist", order=3)
        cls.conquest = HistorianFactory(name="Robert Conquest", slug="robert-conquest", schools=[cls.totalitarian])
        cls.getty = HistorianFactory(name="J. Arch Getty", slug="j-arch-getty", schools=[cls.revisionist])
        cls.kotkin = HistorianFactory(name="Stephen Kotkin", slug="stephen-kotkin", schools=[cls.archival])
        cls.topic = TopicFactory(title="Stalinism", slug="stalinism")
        cls.terror = make_question(topic=cls.topic, title="What drove the terror?", slug="terror", order=1)
        cls.famine = make_question(topic=cls.topic, title="Was the famine genocide?", slug="famine", order=2)
        stalin, below = cls.terror.positions.all()
        genocide, not_genocide = cls.famine.positions.all()
        ArgumentFactory(historian=cls.conquest, position=stalin, year=1968, passage="Stalin was the terror's author")
        ArgumentFactory(historian=cls.getty, position=below, year=1985, passage="chaos in the regions")
        ArgumentFactory(historian=cls.kotkin, position=stalin, year=2017, passage="", source=None)
        ArgumentFactory(historian=cls.conquest, position=genocide, year=1986, passage="terror-famine")
        ArgumentFactory(historian=cls.getty, position=genocide, year=1990, status=Status.DRAFT, passage="draft words")


class CompareSchoolsTests(CompareTestCase):
    url = reverse("historiography:compare-schools")

    def test_it_defaults_to_the_first_topic_and_its_first_two_schools(self):
        response = self.client.get(self.url)
        self.assertEqual(response.context["topic"], self.topic)
        self.assertEqual(response.context["schools"], [self.totalitarian, self.revisionist])
        self.assertContains(response, 'value="totalitarian" id="id_school_0" checked', html=False)
        question, cells = response.context["rows"][0]
        self.assertEqual(question, self.terror)
        self.assertEqual([c["positions"][0].label for c in cells], ["Side 1", "Side 2"])
        self.assertContains(response, "Stalin was the terror&#x27;s author")
        self.assertContains(response, "No recorded view from this school.")
        self.assertNotContains(response, "draft words")

    def test_the_selection_is_in_the_query_string(self):
        response = self.client.get(self.url, {"school": ["totalitarian", "revisionist", "post-revisionist"]})
        self.assertEqual(len(response.context["schools"]), 3)

    def test_bad_selections_get_a_message(self):
        for params in [{"school": "totalitarian"}, {"school": ["nope", "other"]}]:
            with self.subTest(params=params):
                response = self.client.get(self.url, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(list(response.context["messages"])), 1)

    def test_query_count_is_fixed(self):
        # topics, the topic's schools (the form's choices and the chosen ones), its
        # questions, their positions, one row per argument and school, the representative
        # arguments (historian and work joined)
        with self.assertNumQueries(6):
            self.client.get(self.url, {"school": ["totalitarian", "revisionist"]})
        for n in range(30):
            ArgumentFactory(
                historian=HistorianFactory(schools=[self.revisionist]), position=self.famine.positions.last()
            )
        with self.assertNumQueries(6):
            self.client.get(self.url, {"school": ["totalitarian", "revisionist"]})


class CompareHistoriansTests(CompareTestCase):
    url = reverse("historiography:compare-historians")

    def test_it_marks_opposition_and_agreement(self):
        response = self.client.get(self.url, {"historian": ["robert-conquest", "j-arch-getty", "stephen-kotkin"]})
        verdicts = {question.slug: verdict for question, _, verdict in response.context["rows"]}
        self.assertEqual(verdicts, {"terror": "mixed", "famine": None})
        response = self.client.get(self.url, {"historian": ["robert-conquest", "j-arch-getty"]})
        self.assertContains(response, "opposite positions")
        response = self.client.get(self.url, {"historian": ["robert-conquest", "stephen-kotkin"]})
        self.assertContains(response, "✓ agree")

    def test_one_or_five_people_get_a_message(self):
        response = self.client.get(self.url, {"historian": ["robert-conquest"]})
        self.assertContains(response, "Pick two to four people")

    def test_query_count_is_fixed(self):
        # topics, the topic's people (the form's choices and the chosen ones), arguments,
        # schools prefetch
        with self.assertNumQueries(4):
            self.client.get(self.url, {"historian": ["robert-conquest", "j-arch-getty"]})


class TimelineTests(CompareTestCase):
    url = reverse("historiography:timeline")

    def test_a_question_is_laned_by_position(self):
        topic = Question.objects.get(slug="terror").topic
        Milestone.objects.create(topic=topic, year=1991, label="Archives open", description="the archives opening")
        Milestone.objects.create(topic=topic, year=1900, label="Off the axis")
        response = self.client.get(self.url, {"question": "terror"})
        lanes = response.context["chart"].lanes
        self.assertEqual([lane.label for lane in lanes], ["Side 1", "Side 2"])
        self.assertEqual(sorted(dot.argument.year for dot in lanes[0].dots), [1968, 2017])
        self.assertContains(response, "1991 Archives open")
        # The axis reaches back to the earliest milestone: nothing is dropped off its edge.
        self.assertContains(response, "1900 Off the axis</text>")
        self.assertEqual(
            [(year, text) for _, year, text in response.context["chart"].markers],
            [(1900, "Off the axis"), (1991, "Archives open")],
        )
        self.assertContains(response, "Vertical lines mark")
        self.assertContains(response, '<title id="timeline-title">')

    def test_query_count_is_fixed(self):
        topic = self.terror.topic
        Milestone.objects.create(topic=topic, year=1991, label="Archives open")
        # every question with its topic (the choosers); the question asked for (topic
        # joined) and its positions; the arguments (historian, position, question, work
        # joined, a page of them) and their historians' schools; how many and the years
        # they span (the page's count); the topic's milestones
        for params, queries in [({"question": "terror"}, 7), ({}, 5), ({"topic": "stalinism"}, 5)]:
            for extra in (0, 20):
                with self.subTest(params=params, extra=extra):
                    for n in range(extra):
                        ArgumentFactory(
                            historian=HistorianFactory(schools=[self.revisionist]),
                            position=self.terror.positions.last(),
                            year=1950 + n,
                        )
                    with self.assertNumQueries(queries):
                        self.client.get(self.url, params)

    def test_a_topic_without_milestones_has_no_markers(self):
        response = self.client.get(self.url, {"question": "terror"})
        self.assertEqual(response.context["chart"].markers, [])
        self.assertNotContains(response, "Vertical lines mark")

    def test_a_topic_is_laned_by_school(self):
        response = self.client.get(self.url)
        self.assertEqual(
            [lane.label for lane in response.context["chart"].lanes],
            ["Totalitarian model", "Revisionists", "Post-revisionists"],
        )

    def test_an_unknown_question_gets_a_message(self):
        response = self.client.get(self.url, {"question": "nope"})
        self.assertContains(response, "No published question by that name")

    def test_dots_sit_at_their_years(self):
        chart = timeline([("A", [ArgumentFactory.build(year=1991), ArgumentFactory.build(year=1953)])])
        self.assertLess(chart.x(1953), chart.x(1991))
        self.assertEqual(sorted(dot.x for dot in chart.lanes[0].dots), [chart.x(1953), chart.x(1991)])

    def test_the_axis_spans_the_debates_own_years(self):
        # A debate since the eighteenth century draws as well as one about the 1930s.
        chart = timeline([("A", [ArgumentFactory.build(year=1776), ArgumentFactory.build(year=1998)])])
        self.assertEqual((chart.start, chart.end), (1770, 2000))
        self.assertEqual(len(chart.lanes[0].dots), 2)
        self.assertEqual([year for _, year in chart.decades][:3], [1780, 1800, 1820])  # fewer ticks on a long axis
        self.assertEqual(
            (axis_span([1937]), axis_span([]), axis_span([], default=(1924, 1953))),
            ((1930, 1950), (1950, 2030), (1920, 1960)),
        )
        self.assertEqual([tick_step(span) for span in (90, 230, 2000)], [10, 20, 200])

    def test_arguments_without_a_year_are_left_to_the_table(self):
        chart = timeline([("A", [ArgumentFactory.build(year=None), ArgumentFactory.build(year=1937)])])
        self.assertEqual([dot.argument.year for dot in chart.lanes[0].dots], [1937])

    def test_milestone_labels_of_close_years_stack_instead_of_overprinting(self):
        milestones = [
            Milestone(year=year, label=label)
            for year, label in [(1953, "Stalin dies"), (1956, "Secret Speech"), (1991, "Archives open"), (1993, "Two")]
        ]
        chart = timeline([("A", [ArgumentFactory.build(year=1960)])], milestones)
        rows = {marker.year: marker.row for marker in chart.markers}
        self.assertEqual(rows, {1953: 0, 1956: 1, 1991: 0, 1993: 1})
        boxes = [(m.row, m.label_x - 2.8 * len(m.text), m.label_x + 2.8 * len(m.text)) for m in chart.markers]
        for a in boxes:
            for b in boxes:
                if a is not b and a[0] == b[0]:
                    self.assertTrue(a[2] < b[1] or b[2] < a[1], (a, b))
        self.assertLess(max(lane.y for lane in chart.lanes) - 20, chart.axis_y)
        self.assertGreater(chart.lanes[0].y, max(m.label_y for m in chart.markers))
        self.assertEqual(marker_rows([], 800), 0)

    def test_long_lane_labels_wrap_whole(self):
        self.assertEqual(
            wrap("Developmental dictatorship (Soviet modernisation)"),
            ["Developmental", "dictatorship (Soviet", "modernisation)"],
        )
        chart = timeline([("Developmental dictatorship (Soviet modernisation)", [])])
        self.assertEqual(
            [text for text, _ in chart.lanes[0].lines], wrap("Developmental dictatorship (Soviet modernisation)")
        )
        self.assertGreaterEqual(chart.left, 6.6 * len("dictatorship (Soviet") + 8)


class EstimateChartTests(BaseTestCase):
    def test_bars_match_the_estimates(self):
        question = make_question()
        conquest = EstimateFactory(
            question=question,
            measure="Total deaths",
            given_by="Conquest",
            low=20_000_000,
            high=20_000_000,
            basis="pre_archival",
        )
        archival = EstimateFactory(
            question=question,
            measure="Total deaths",
            given_by="Archives",
            low=6_000_000,
            high=9_000_000,
            basis="post_archival",
        )
        executions = EstimateFactory(
            question=question,
            measure="Executions 1937–38",
            given_by="NKVD",
            low=681_692,
            high=681_692,
            basis="official",
        )
        for slug, label, style in [
            ("pre_archival", "Before the archives", "hatched"),
            ("post_archival", "From the archives", "solid"),
        ]:
            EstimateBasis.objects.create(
                topic=question.topic, slug=slug, label=label, style=style, description=f"{label} opened"
            )
        chart = estimate_chart([conquest, archival, executions])
        groups = {group.measure: group for group in chart.groups}
        deaths = groups["Total deaths"]
        self.assertEqual([bar.estimate for bar in deaths.bars], [archival, conquest])  # sorted by low
        scale = 420 / nice_max(20_000_000)
        self.assertAlmostEqual(deaths.bars[0].x, 250 + 6_000_000 * scale)
        self.assertAlmostEqual(deaths.bars[0].width, 3_000_000 * scale)
        # Without the topic's definitions (not read by for_chart()), a basis is drawn outlined.
        self.assertEqual([bar.style for bar in deaths.bars], ["outlined", "outlined"])
        self.assertEqual(deaths.bars[1].value_label, "20 million")
        self.assertEqual(groups["Executions 1937–38"].bars[0].value_label, "681,692")
        # "Executions" sorts first by name, but the measure with more sources leads.
        self.assertEqual([group.measure for group in chart.groups], ["Total deaths", "Executions 1937–38"])

        response = self.client.get(question.get_absolute_url())
        self.assertContains(response, 'data-low="6000000" data-high="9000000" data-source="Archives"')
        self.assertContains(response, "20 million · Before the archives")
        self.assertContains(response, 'class="bar bar-hatched"')
        self.assertContains(response, 'class="bar bar-solid"')
        # The legend: only the kinds drawn, as the topic defines them; nothing else.
        self.assertContains(
            response, '<span class="legend legend-hatched">Before the archives: Before the archives opened</span>'
        )
        self.assertContains(response, '<span class="legend legend-outlined">Official</span>')
        self.assertNotContains(response, "legend-consensus")
        self.assertNotContains(response, "1991")

    def test_nice_max(self):
        self.assertEqual(
            [nice_max(v) for v in (7, 20_000_000, 681_692, 1_600_000)], [10, 20_000_000, 1_000_000, 2_000_000]
        )
