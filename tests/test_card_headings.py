"""Every page that shows argument cards (or the board's student cards) gives each card's
<article> a heading, at a level that follows the page's outline: no level skipped (h2 then
h4), which the Nu HTML Checker and axe's heading-order rule report. The browser walk in
test_browser_quality.py checks the same in Chromium; this one runs without a browser."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from historiography.classroom import services
from historiography.models import Argument, Historian, Question, School, Work

from .base import BaseTestCase
from .factories import make_class

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "stalinism.json"


class Outline(HTMLParser):
    """The headings of a page in order, and each <article> with the headings inside it."""

    def __init__(self):
        super().__init__()
        self.headings = []  # (level, text)
        self.articles = []  # [class attribute, number of headings inside]
        self.open_articles = []
        self.in_heading = None

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            article = [dict(attrs).get("class", ""), 0]
            self.articles.append(article)
            self.open_articles.append(article)
        elif len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append([int(tag[1]), ""])
            self.in_heading = tag
            for article in self.open_articles:
                article[1] += 1

    def handle_endtag(self, tag):
        if tag == "article" and self.open_articles:
            self.open_articles.pop()
        elif tag == self.in_heading:
            self.in_heading = None

    def handle_data(self, data):
        if self.in_heading:
            self.headings[-1][1] += data


def outline_problems(html):
    """What is wrong with a page's headings: an article without one, a skipped level."""
    outline = Outline()
    outline.feed(html)
    problems = [f"<article class={cls!r}> has no heading" for cls, count in outline.articles if not count]
    if not outline.headings or outline.headings[0][0] != 1:
        problems.append(f"the first heading is not an h1: {outline.headings[:1]}")
    for (before, _), (level, text) in zip(outline.headings, outline.headings[1:]):
        if level > before + 1:
            problems.append(f"h{before} then h{level} ({text.strip()[:60]!r})")
    return problems, outline


class CardHeadingsTestCase(TestCase):
    def assertCardsHaveHeadings(self, response, at_level):
        """No outline problem, and at least one argument card whose claim is an h`at_level`."""
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        problems, outline = outline_problems(html)
        self.assertEqual(problems, [], response.request["PATH_INFO"])
        self.assertTrue(outline.articles, "no card on the page: the test would prove nothing")
        self.assertIn(f'<h{at_level} class="card-claim">', html)


class PublicCardPages(CardHeadingsTestCase):
    fixtures = [FIXTURE]

    @classmethod
    def setUpTestData(cls):
        cls.question = Question.objects.published().get(slug="lenin-stalin-continuity")
        cls.argument = Argument.objects.published().filter(tags__isnull=False).first()

    def test_it_rejects_a_skipped_level_and_a_headless_article(self):
        # The checker itself can fail.
        problems, _ = outline_problems("<h1>A</h1><h2>B</h2><article><h4>C</h4></article><article><p>D</p></article>")
        self.assertEqual(problems, ["<article class=''> has no heading", "h2 then h4 ('C')"])

    def test_it_nests_cards_under_the_question_page_columns(self):
        self.assertCardsHaveHeadings(self.client.get(self.question.get_absolute_url()), at_level=3)

    def test_it_nests_cards_under_school_rows_and_their_columns(self):
        response = self.client.get(self.question.get_absolute_url(), {"group": "school"})
        self.assertCardsHaveHeadings(response, at_level=4)

    def test_it_gives_list_pages_cards_at_level_two(self):
        tag = self.argument.tags.first()
        for url in ("/arguments/", f"/tags/{tag.slug}/", self.argument.get_absolute_url()):
            with self.subTest(url):
                self.assertCardsHaveHeadings(self.client.get(url), at_level=2)

    def test_it_nests_cards_under_a_section_heading_on_people_schools_works_and_search(self):
        historian = Historian.objects.get(slug="stephen-f-cohen")
        school = School.objects.of_arguments(Argument.objects.published().for_question(self.question)).first()
        work = Work.objects.filter(arguments__status="published").first()
        for url in (
            historian.get_absolute_url(),
            school.get_absolute_url(),
            work.get_absolute_url(),
            "/search/?q=Lenin",
        ):
            with self.subTest(url):
                self.assertCardsHaveHeadings(self.client.get(url), at_level=3)


class ClassroomCardPages(BaseTestCase, CardHeadingsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.user_add_role(user=cls.instructor, role=services.INSTRUCTOR)
        cls.assignment, cls.users, _ = make_class(
            cls.instructor, 2, slug="headings", due_at=timezone.now() + timedelta(days=7)
        )

    def test_it_nests_evidence_cards_under_the_student_page_columns(self):
        self.client.force_login(self.users[0])
        self.assertCardsHaveHeadings(self.client.get(self.assignment.get_absolute_url()), at_level=4)

    def test_it_gives_each_student_card_on_the_board_a_heading(self):
        self.client.force_login(self.instructor)
        response = self.client.get(f"/assignments/{self.assignment.pk}/board/")
        self.assertEqual(response.status_code, 200)
        problems, outline = outline_problems(response.content.decode())
        self.assertEqual(problems, [])
        self.assertEqual(len(outline.articles), 2)
        self.assertContains(response, '<h3 class="card-name">', count=2)
