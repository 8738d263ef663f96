from django.urls import reverse

from historiography.models import Role, Status

from .base import BaseTestCase
from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    SchoolFactory,
    TopicFactory,
    WorkFactory,
    make_question,
)


class QuestionPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.topic = TopicFactory(title="Stalinism", slug="stalinism")
        cls.question = make_question(
            topic=cls.topic, title="Was Stalinism a continuation of Leninism?", slug="continuity"
        )
        cls.continuity, cls.discontinuity = cls.question.positions.all()
        cls.totalitarian = SchoolFactory(name="Totalitarian model", slug="totalitarian", order=1)
        cls.revisionist = SchoolFactory(name="Revisionists", slug="revisionist", order=2)
        cls.pipes = HistorianFactory(name="Richard Pipes", slug="richard-pipes", schools=[cls.totalitarian])
        cls.cohen = HistorianFactory(name="Stephen Cohen", slug="stephen-cohen", schools=[cls.revisionist])
        cls.trotsky = HistorianFactory(name="Leon Trotsky", slug="leon-trotsky", role=Role.PARTICIPANT)
        cls.pipes_argument = ArgumentFactory(
            historian=cls.pipes,
            position=cls.continuity,
            year=1990,
            claim="Lenin built the machine Stalin ran.",
            passage="Stalin was a true Leninist",
            tags=["ideology"],
        )
        cls.cohen_argument = ArgumentFactory(
            historian=cls.cohen,
            position=cls.discontinuity,
            year=1973,
            claim="Bukharin offered another road.",
            tags=["nep"],
        )
        cls.trotsky_argument = ArgumentFactory(
            historian=cls.trotsky,
            position=cls.discontinuity,
            year=1936,
            claim="The bureaucracy betrayed the revolution.",
        )
        cls.draft = ArgumentFactory(
            historian=cls.pipes, position=cls.discontinuity, status=Status.DRAFT, claim="An unpublished draft claim."
        )
        cls.url = reverse("historiography:question-detail", args=["continuity"])

    def test_it_shows_positions_as_columns_with_their_arguments(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        columns = response.context["columns"]
        self.assertEqual(
            [(position, total) for position, _, total in columns], [(self.continuity, 1), (self.discontinuity, 2)]
        )
        self.assertEqual(columns[0][1], [self.pipes_argument])
        self.assertEqual(set(columns[1][1]), {self.cohen_argument, self.trotsky_argument})
        self.assertContains(response, "Lenin built the machine Stalin ran.")
        self.assertContains(response, "Stalin was a true Leninist")
        self.assertContains(response, "Totalitarian model")
        self.assertContains(response, 'class="role role-participant"')

    def test_it_hides_drafts(self):
        response = self.client.get(self.url)
        self.assertNotContains(response, "An unpublished draft claim.")
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)

    def test_it_hides_a_draft_question(self):
        draft_question = make_question(status=Status.DRAFT, slug="draft-question")
        self.assertEqual(self.client.get(draft_question.get_absolute_url()).status_code, 404)

    def test_it_filters_by_school(self):
        response = self.client.get(self.url, {"school": "revisionist"})
        self.assertEqual(response.context["argument_count"], 1)
        self.assertContains(response, "Bukharin offered another road.")
        self.assertNotContains(response, "Lenin built the machine Stalin ran.")

    def test_it_filters_by_decade(self):
        response = self.client.get(self.url, {"decade": "1930"})
        self.assertEqual([a for _, args, _ in response.context["columns"] for a in args], [self.trotsky_argument])

    def test_it_filters_by_role(self):
        response = self.client.get(self.url, {"role": "participant"})
        self.assertEqual(response.context["argument_count"], 1)
        self.assertContains(response, "The bureaucracy betrayed the revolution.")

    def test_it_filters_by_tag_and_historian(self):
        response = self.client.get(self.url, {"tag": "ideology", "historian": "richard-pipes"})
        self.assertEqual(response.context["argument_count"], 1)
        response = self.client.get(self.url, {"tag": "nep", "historian": "richard-pipes"})
        self.assertEqual(response.context["argument_count"], 0)
        self.assertContains(response, "No argument for this position matches the filters.")

    def test_it_reports_malformed_filters_and_still_renders(self):
        response = self.client.get(self.url, {"school": "no-such-school", "decade": "1x", "role": "<script>"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That filter was ignored.")
        for label in ("School:", "Decade:", "Role:"):  # each message names the filter as the form does
            self.assertContains(response, label)
        self.assertEqual(response.context["argument_count"], 3)
        self.assertNotContains(response, "<script>")

    def test_it_groups_by_school(self):
        response = self.client.get(self.url, {"group": "school"})
        rows = response.context["school_rows"]
        self.assertEqual([school for school, _ in rows], [self.totalitarian, self.revisionist, None])
        self.assertContains(response, "No school recorded")
        self.assertContains(response, "Grouped by school")

    def test_it_shows_the_estimates_of_the_question(self):
        EstimateFactory(question=self.question, given_by="Conquest (1990)", low=20_000_000, high=20_000_000)
        EstimateFactory(question=self.question, given_by="Draft source", status=Status.DRAFT)
        response = self.client.get(self.url)
        self.assertContains(response, "Conquest (1990)")
        self.assertContains(response, "20 million")
        self.assertNotContains(response, "Draft source")

    def test_long_columns_are_shown_twenty_at_a_time_together(self):
        """Page 2 holds the 21st to 40th argument of every position, in the cards' order,
        and keeps the filters; a position with fewer says so; a bad page falls back."""
        more = [
            ArgumentFactory(historian=self.pipes, position=self.continuity, year=1950 + n, tags=["ideology"])
            for n in range(44)
        ]
        ArgumentFactory(historian=self.pipes, position=self.continuity, status=Status.DRAFT, year=1900)
        continuity = sorted([self.pipes_argument, *more], key=lambda a: (a.year, a.pk))

        response = self.client.get(self.url, {"tag": "ideology"})
        (_, first_page, total), (_, other, other_total) = response.context["columns"]
        self.assertEqual((first_page, total, other, other_total), (continuity[:20], 45, [], 0))
        self.assertContains(response, "Arguments 1–20 of each position (page 1 of 3)")
        self.assertContains(response, 'href="?tag=ideology&amp;page=2"')
        self.assertContains(response, '<details class="filter-box" open>')

        response = self.client.get(self.url, {"page": "2"})
        (_, page_two, total), (_, other, other_total) = response.context["columns"]
        self.assertEqual((page_two, total, other_total), (continuity[20:40], 45, 2))
        self.assertEqual(other, [])
        self.assertContains(response, "All 2 are on the earlier pages.")
        self.assertContains(response, '<details class="filter-box" >')  # paging is not filtering: the box stays shut
        self.assertEqual(response.context["argument_count"], 47)

        for page, expected in (("3", continuity[40:]), ("99", continuity[40:]), ("x", continuity[:20])):
            with self.subTest(page=page):
                response = self.client.get(self.url, {"page": page})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["columns"][0][1], expected)

    def test_it_returns_404_for_an_unknown_question(self):
        response = self.client.get(reverse("historiography:question-detail", args=["no-such-question"]))
        self.assertEqual(response.status_code, 404)

    def test_it_marks_an_answered_argument(self):
        from historiography.models import ArgumentRelation

        ArgumentRelation.objects.create(source=self.cohen_argument, target=self.pipes_argument, kind="rebuts")
        response = self.client.get(self.url)
        self.assertContains(response, "Stephen Cohen rebuts this")
        response = self.client.get(self.pipes_argument.get_absolute_url())
        self.assertContains(response, "Bukharin offered another road.")


class OtherPagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.school = SchoolFactory(name="Post-revisionists", slug="post-revisionist")
        cls.historian = HistorianFactory(name="Oleg Khlevniuk", slug="oleg-khlevniuk", schools=[cls.school])
        cls.work = WorkFactory(title="Master of the House", slug="master-of-the-house", year=2009)
        cls.work.authors.add(cls.historian)
        cls.question = make_question(title="What drove the terror?", slug="terror")
        cls.argument = ArgumentFactory(
            historian=cls.historian,
            position=cls.question.positions.first(),
            work=cls.work,
            claim="The archives show Stalin signing the lists.",
            passage="signed off on albums",
            tags=["archives"],
        )
        cls.draft = ArgumentFactory(historian=cls.historian, status=Status.DRAFT, claim="Hidden draft words")

    def test_every_public_page_renders(self):
        pages = [
            reverse("historiography:home"),
            self.question.topic.get_absolute_url(),
            self.question.get_absolute_url(),
            reverse("historiography:argument-list"),
            self.argument.get_absolute_url(),
            reverse("historiography:historian-list"),
            self.historian.get_absolute_url(),
            reverse("historiography:school-list"),
            self.school.get_absolute_url(),
            self.work.get_absolute_url(),
            reverse("historiography:tag-list"),
            reverse("historiography:tag-detail", args=["archives"]),
            reverse("historiography:search") + "?q=archives",
        ]
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Hidden draft words")

    def test_pages_show_the_argument(self):
        for url in [self.historian.get_absolute_url(), self.school.get_absolute_url(), self.work.get_absolute_url()]:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "The archives show Stalin signing the lists.")

    def test_unknown_slugs_give_404(self):
        for name in [
            "topic-detail",
            "question-detail",
            "argument-detail",
            "historian-detail",
            "school-detail",
            "work-detail",
            "tag-detail",
        ]:
            with self.subTest(name=name):
                response = self.client.get(reverse(f"historiography:{name}", args=["nothing-here"]))
                self.assertEqual(response.status_code, 404)

    def test_the_404_page_is_the_sites_own(self):
        with self.settings(DEBUG=False):
            response = self.client.get("/questions/nothing-here/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)

    def test_draft_topic_is_hidden(self):
        topic = TopicFactory(status=Status.DRAFT, title="Secret topic", slug="secret")
        self.assertEqual(self.client.get(topic.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("historiography:home")), "Secret topic")

    def test_the_historian_list_is_paged_by_name(self):
        names = sorted([f"Zed Historian {n:03}" for n in range(105)])
        for name in names:
            HistorianFactory(name=name, sort_name=name)
        url = reverse("historiography:historian-list")
        response = self.client.get(url)
        page = response.context["page"]
        self.assertEqual((page.paginator.count, len(page.object_list), page.paginator.num_pages), (106, 100, 2))
        response = self.client.get(url, {"page": "2"})
        self.assertEqual([h.sort_name for h in response.context["page"]], names[-6:])
        self.assertContains(response, "Page 2 of 2 (106 in all)")

    def test_tag_list_counts_only_published_arguments(self):
        ArgumentFactory(status=Status.DRAFT, tags=["draft-only"])
        response = self.client.get(reverse("historiography:tag-list"))
        self.assertContains(response, "archives")
        self.assertNotContains(response, "draft-only")


class ArgumentListTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="famine")
        cls.other_question = make_question(slug="cult")
        ArgumentFactory.create_batch(25, position=cls.question.positions.first(), year=1986)
        ArgumentFactory.create_batch(3, position=cls.other_question.positions.first(), year=2004)
        cls.url = reverse("historiography:argument-list")

    def test_it_paginates(self):
        response = self.client.get(self.url)
        self.assertEqual(response.context["page"].paginator.count, 28)
        self.assertEqual(len(response.context["page"].object_list), 20)
        self.assertContains(response, "Page 1 of 2")
        response = self.client.get(self.url, {"page": 2})
        self.assertEqual(len(response.context["page"].object_list), 8)

    def test_a_bad_page_number_falls_back_instead_of_failing(self):
        for page in ["999", "abc", "-1"]:
            with self.subTest(page=page):
                self.assertEqual(self.client.get(self.url, {"page": page}).status_code, 200)

    def test_it_filters_by_question_and_decade(self):
        response = self.client.get(self.url, {"question": "cult"})
        self.assertEqual(response.context["page"].paginator.count, 3)
        response = self.client.get(self.url, {"decade": "1980"})
        self.assertEqual(response.context["page"].paginator.count, 25)

    def test_pagination_keeps_the_filters(self):
        response = self.client.get(self.url, {"question": "famine"})
        self.assertContains(response, "?question=famine&amp;page=2")


class SearchTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.conquest = HistorianFactory(name="Robert Conquest", slug="robert-conquest")
        cls.famine = ArgumentFactory(
            historian=cls.conquest,
            claim="The famine was a deliberate terror.",
            passage="harvest of sorrow was man-made",
        )
        cls.other = ArgumentFactory(claim="Industrial output rose eightfold.", passage="steel production climbing")
        ArgumentFactory(status=Status.DRAFT, claim="famine draft hidden", passage="famine")
        cls.url = reverse("historiography:search")

    def shown(self, text, kind):
        response = self.client.get(self.url, {"q": text})
        groups = {group.kind: group for group in response.context["results"].groups}
        return [item.object for item in groups[kind].items] if kind in groups else []

    def test_it_finds_arguments_by_claim_and_passage(self):
        for text in ["famine", "man-made"]:
            with self.subTest(text=text):
                self.assertEqual(self.shown(text, "argument"), [self.famine])

    def test_it_finds_people_by_name(self):
        self.assertEqual(self.shown("conquest", "person"), [self.conquest])

    def test_it_says_when_nothing_matches(self):
        response = self.client.get(self.url, {"q": "zeppelin"})
        self.assertContains(response, "Nothing matches")

    def test_bad_input_gets_a_message(self):
        for query in ["", "x" * 500]:
            with self.subTest(length=len(query)):
                response = self.client.get(self.url, {"q": query})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Type up to 200 characters")

    def test_search_syntax_never_fails(self):
        for query in ['"unclosed', "a & | ! b", "-", "()", "'; drop table", "famine OR"]:
            with self.subTest(query=query):
                self.assertEqual(self.client.get(self.url, {"q": query}).status_code, 200)
