"""Where the scholarship stands: the question's state of the debate, positions marked as
consensus, majority, minority or discredited wherever a position is named, and a
consensus range drawn as a band behind the estimates."""

from django.urls import reverse

from historiography.charts import PLOT_WIDTH, band_label, estimate_chart, nice_max
from historiography.models import PositionStanding, Standing

from .base import BaseTestCase
from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, SourceFactory, make_question


class StandingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(
            title="How many died?",
            slug="death-toll",
            standing=Standing.CONSENSUS,
            standing_basis="Consensus on a range: A Reference Work gives 6–20 million.",
            standing_source=SourceFactory(),
            standing_section="Total Death Toll Estimates",
            standing_passage="Words from the source.",
        )
        cls.high, cls.archival = cls.question.positions.all()
        cls.high.standing, cls.high.standing_note = (
            PositionStanding.MINORITY,
            "Above the range A Reference Work reports.",
        )
        cls.high.save()
        cls.archival.standing, cls.archival.standing_note = (
            PositionStanding.CONSENSUS,
            "The range A Reference Work reports.",
        )
        cls.archival.save()
        cls.school = SchoolFactory(slug="totalitarian")
        cls.other_school = SchoolFactory(slug="revisionist")
        cls.conquest = HistorianFactory(name="Robert Conquest", slug="robert-conquest", schools=[cls.school])
        cls.wheatcroft = HistorianFactory(
            name="Stephen Wheatcroft", slug="stephen-wheatcroft", schools=[cls.other_school]
        )
        ArgumentFactory(historian=cls.conquest, position=cls.high)
        ArgumentFactory(historian=cls.wheatcroft, position=cls.archival)


class QuestionPageStandingTests(StandingTestCase):
    def test_it_shows_the_state_of_the_debate_with_its_source(self):
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(
            response,
            # The basis opens with the standing's word: said once.
            "<strong>Where the scholarship stands: Consensus</strong> on a range: A Reference Work gives 6–20 million.",
        )
        self.assertContains(
            response,
            "As “A Reference Work” (Reference Site) puts it (“Total Death Toll Estimates”): “Words from the source.”",
        )

    def test_each_marked_position_has_a_badge_in_words_and_its_note(self):
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, '<span class="standing standing-minority">Minority view</span>')
        self.assertContains(response, '<span class="standing standing-consensus">Scholarly consensus</span>')
        self.assertContains(response, "Above the range A Reference Work reports.")
        self.assertContains(response, "The range A Reference Work reports.")
        grouped = self.client.get(self.question.get_absolute_url() + "?group=school")
        self.assertContains(grouped, '<span class="standing standing-minority">Minority view</span>')

    def test_an_unmarked_position_has_no_badge(self):
        self.high.standing = ""
        self.high.save()
        response = self.client.get(self.question.get_absolute_url())
        self.assertNotContains(response, "Minority view")

    def test_the_handout_says_it_too(self):
        response = self.client.get(reverse("historiography:question-handout", args=[self.question.slug]))
        self.assertContains(
            response,
            "(Source: “A Reference Work” (Reference Site), “Total Death Toll Estimates”: “Words from the source.”)",
        )
        self.assertContains(response, '<span class="standing standing-minority">Minority view</span>')


class StandingStatementTests(StandingTestCase):
    """The standing's word is said once, whether or not the basis opens with it."""

    def statement(self, standing, basis):
        self.question.standing, self.question.standing_basis = standing, basis
        return self.question.standing_statement()

    def test_a_basis_opening_with_the_standings_word_gives_the_lead_its_word(self):
        cases = [
            (Standing.CONTESTED, "Contested. The sources disagree.", ("Contested.", " The sources disagree.")),
            (Standing.CONTESTED, "contested on who built it.", ("contested", " on who built it.")),
            (
                Standing.CONSENSUS,
                "Consensus on a range, not on a figure.",
                ("Consensus", " on a range, not on a figure."),
            ),
            (Standing.MAJORITY, "Majority view. Most say so.", ("Majority view.", " Most say so.")),
            (Standing.MAJORITY, "Majority. Most say so.", ("Majority.", " Most say so.")),
            (Standing.OPEN, "  Open.  ", ("Open.", "")),
        ]
        for standing, basis, expected in cases:
            with self.subTest(basis):
                self.assertEqual(self.statement(standing, basis), expected)

    def test_any_other_basis_follows_the_standings_name(self):
        cases = [
            (Standing.CONTESTED, "The sources disagree.", ("Contested.", " The sources disagree.")),
            (Standing.OPEN, "Openly disputed by two sources.", ("Open.", " Openly disputed by two sources.")),
            (Standing.OPEN, "Contested, some say.", ("Open.", " Contested, some say.")),
            (Standing.CONSENSUS, "", ("Consensus.", "")),
        ]
        for standing, basis, expected in cases:
            with self.subTest(basis):
                self.assertEqual(self.statement(standing, basis), expected)

    def test_the_dataset_never_says_a_standing_twice(self):
        from django.conf import settings
        from django.core.management import call_command

        from historiography.models import Question

        call_command("loaddata", settings.BASE_DIR / "fixtures" / "stalinism.json", verbosity=0)
        questions = list(Question.objects.published())
        self.assertGreater(len(questions), 10)
        for question in questions:
            with self.subTest(question.slug):
                page = self.client.get(question.get_absolute_url()).content.decode()
                handout = self.client.get(reverse("historiography:question-handout", args=[question.slug]))
                word = question.get_standing_display()
                for html in (page, handout.content.decode()):
                    self.assertNotIn(f"{word}.</strong> {word}", html)
                    self.assertNotIn(f"{word}. {word}", html)
                self.assertIn(f"Where the scholarship stands: {word}", page)


class ComparisonStandingTests(StandingTestCase):
    def test_the_schools_matrix_marks_positions(self):
        response = self.client.get(
            reverse("historiography:compare-schools"), {"school": ["totalitarian", "revisionist"]}
        )
        self.assertContains(
            response, '<strong>Side 1</strong> <span class="standing standing-minority">Minority view</span>'
        )
        self.assertContains(
            response, '<strong>Side 2</strong> <span class="standing standing-consensus">Scholarly consensus</span>'
        )

    def test_the_historians_comparison_marks_positions(self):
        response = self.client.get(
            reverse("historiography:compare-historians"), {"historian": ["robert-conquest", "stephen-wheatcroft"]}
        )
        self.assertContains(
            response, '<strong>Side 1</strong> <span class="standing standing-minority">Minority view</span>'
        )
        self.assertContains(
            response, '<strong>Side 2</strong> <span class="standing standing-consensus">Scholarly consensus</span>'
        )


class ConsensusBandTests(StandingTestCase):
    def make_estimates(self):
        conquest = EstimateFactory(
            question=self.question,
            measure="Total deaths",
            given_by="Conquest",
            low=20_000_000,
            high=20_000_000,
            basis="pre_archival",
        )
        snyder = EstimateFactory(
            question=self.question, measure="Total deaths", given_by="Snyder", low=6_000_000, high=6_000_000
        )
        consensus = EstimateFactory(
            question=self.question,
            measure="Total deaths",
            given_by="Scholarly consensus as reported in A Reference Work",
            low=6_000_000,
            high=20_000_000,
            is_consensus=True,
            section="Totals",
        )
        return conquest, snyder, consensus

    def test_the_band_spans_the_range_behind_the_bars(self):
        conquest, snyder, consensus = self.make_estimates()
        chart = estimate_chart([conquest, consensus, snyder])
        (group,) = chart.groups
        self.assertEqual([bar.estimate for bar in group.bars], [snyder, conquest])  # not a bar
        (band,) = group.bands
        scale = PLOT_WIDTH / nice_max(20_000_000)
        self.assertAlmostEqual(band.x, 250 + 6_000_000 * scale)
        self.assertAlmostEqual(band.width, 14_000_000 * scale)
        self.assertAlmostEqual(band.right, 250 + 20_000_000 * scale)
        # From above the first bar to the axis: behind every bar of the group.
        self.assertLess(band.y, min(bar.y for bar in group.bars))
        self.assertEqual(band.bottom, group.axis_y)
        self.assertEqual((band.label, band.value_label), ("Consensus range", "6–20 million"))
        self.assertEqual(band_label(consensus), band.title)
        self.assertEqual(
            band.title, "Consensus range: 6–20 million (Scholarly consensus as reported in A Reference Work)"
        )
        # No text over the band: its label is left of the plot, its figures right of it.
        self.assertGreater(band.value_x, band.right)
        self.assertEqual(chart.width, estimate_chart([conquest, snyder]).width)  # the band leaves the width alone

    def test_a_consensus_does_not_count_as_a_source(self):
        conquest, snyder, consensus = self.make_estimates()
        executions = [EstimateFactory(question=self.question, measure="Executions", low=n, high=n) for n in (1, 2)]
        chart = estimate_chart([conquest, snyder, consensus, *executions])
        self.assertEqual([group.measure for group in chart.groups], ["Executions", "Total deaths"])  # a tie: by name

    def test_the_page_draws_it_first_and_explains_it(self):
        self.make_estimates()
        response = self.client.get(self.question.get_absolute_url())
        html = response.content.decode()
        self.assertIn('<g class="consensus-band" data-low="6000000" data-high="20000000"', html)
        self.assertLess(html.index('class="consensus-band"'), html.index('class="bar '))  # drawn behind the bars
        self.assertIn(">Consensus range</text>", html)
        self.assertIn(">6–20 million</text>", html)
        self.assertIn(
            "<title>Consensus range: 6–20 million (Scholarly consensus as reported in A Reference Work)", html
        )
        self.assertIn("A shaded band with dashed edges, behind the bars, spans the range", html)  # <desc>
        self.assertIn("Shaded band with dashed edges: the consensus range a source reports", html)  # figcaption
        self.assertIn(
            '<strong class="standing standing-consensus">Consensus range</strong> '
            "Scholarly consensus as reported in A Reference Work",
            html,
        )  # table

    def test_a_chart_without_a_consensus_says_nothing_of_bands(self):
        EstimateFactory(question=self.question, measure="Total deaths", given_by="Conquest")
        response = self.client.get(self.question.get_absolute_url())
        self.assertNotContains(response, "consensus-band")
        self.assertNotContains(response, "Shaded band")
