"""Two historiographies side by side: Stalinism (fixtures/stalinism.json) and a made-up one
(tests/data/fictional_topic.json). Every page type and export of the made-up topic is walked,
and none may show Stalinism's schools, questions, people or tags in its main content."""

import re

from django.db.models import Q
from django.urls import reverse
from taggit.models import Tag

from historiography.models import Argument, Historian, Question, School, Topic, Work, tags_of

from .base import BaseTestCase
from .fictional import FICTIONAL_TOPIC, STALINISM, import_topics

API_LISTS = ["topic", "question", "position", "argument", "historian", "school", "work", "estimate"]


def main_content(response):
    """What a page says: the <main> element of an HTML page, or the whole of an export."""
    text = response.content.decode()
    if response["Content-Type"].startswith("text/html"):
        found = re.search(r"<main\b.*?</main>", text, re.S)
        assert found, "a page without <main>"
        return found.group(0)
    return text


class TwoTopicsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        import_topics(STALINISM, FICTIONAL_TOPIC)
        cls.stalinism = Topic.objects.get(slug="stalinism")
        cls.topic = Topic.objects.get(slug="velorian-republic")

    def pages(self):
        """Every page and export of the made-up topic: (name, url)."""
        topic = self.topic
        arguments = Argument.objects.published().for_topic(topic)
        questions = Question.objects.published().filter(topic=topic)
        people = Historian.objects.for_topic(topic)
        pages = [
            ("topic", topic.get_absolute_url()),
            ("arguments of the topic", f"{reverse('historiography:argument-list')}?topic={topic.slug}"),
            ("people of the topic", f"{reverse('historiography:historian-list')}?topic={topic.slug}"),
            ("schools of the topic", f"{reverse('historiography:school-list')}?topic={topic.slug}"),
            ("tags of the topic", f"{reverse('historiography:tag-list')}?topic={topic.slug}"),
            ("schools compared", f"{reverse('historiography:compare-schools')}?topic={topic.slug}"),
            (
                "all the schools compared",
                f"{reverse('historiography:compare-schools')}?topic={topic.slug}&"
                + "&".join(f"school={school.slug}" for school in School.objects.for_topic(topic)),
            ),
            (
                "historians compared",
                f"{reverse('historiography:compare-historians')}?topic={topic.slug}&"
                + "&".join(f"historian={person.slug}" for person in people[:4]),
            ),
            ("timeline", f"{reverse('historiography:timeline')}?topic={topic.slug}"),
            ("search", f"{reverse('historiography:search')}?q=Amalric"),
        ]
        for question in questions:
            url = question.get_absolute_url()
            pages += [
                (f"question {question.slug}", url),
                (f"question {question.slug} by school", f"{url}?group=school"),
                (
                    f"arguments of {question.slug}",
                    f"{reverse('historiography:argument-list')}?question={question.slug}",
                ),
                (f"timeline of {question.slug}", f"{reverse('historiography:timeline')}?question={question.slug}"),
            ]
            for export in ("question-handout", "question-bibliography", "question-aif", "question-argdown"):
                pages.append((f"{export} {question.slug}", reverse(f"historiography:{export}", args=[question.slug])))
        for argument in arguments:
            pages.append((f"argument {argument.slug}", argument.get_absolute_url()))
            for export in ("argument-bibtex", "argument-csl", "argument-ris"):
                pages.append((f"{export} {argument.slug}", reverse(f"historiography:{export}", args=[argument.slug])))
        for person in people:
            pages.append((f"historian {person.slug}", person.get_absolute_url()))
        for school in School.objects.for_topic(topic):
            pages.append((f"school {school.slug}", school.get_absolute_url()))
        for work in Work.objects.for_topic(topic):
            pages.append((f"work {work.slug}", work.get_absolute_url()))
            for export in ("work-bibtex", "work-csl", "work-ris"):
                pages.append((f"{export} {work.slug}", reverse(f"historiography:{export}", args=[work.slug])))
        for tag in tags_of(arguments):
            pages.append(
                (f"tag {tag.slug}", f"{reverse('historiography:tag-detail', args=[tag.slug])}?topic={topic.slug}")
            )
        for basename in API_LISTS:
            pages.append((f"API {basename}s", f"{reverse(f'api:{basename}-list')}?topic={topic.slug}"))
        return pages

    def stalinism_markers(self):
        """What only Stalinism has: its schools' names, its questions' titles, its people's
        names, its tags' links."""
        stalinism = self.stalinism
        arguments = Argument.objects.published().for_topic(stalinism)
        ours = set(tags_of(Argument.objects.published().for_topic(self.topic)).values_list("slug", flat=True))
        markers = [school.name for school in School.objects.for_topic(stalinism)]
        markers += [question.title for question in Question.objects.filter(topic=stalinism)]
        markers += [person.name for person in Historian.objects.for_topic(stalinism)]
        markers += [f"/tags/{tag.slug}/" for tag in tags_of(arguments) if tag.slug not in ours]
        return markers


class FictionalTopicTests(TwoTopicsTestCase):
    def test_the_dataset_is_what_the_tests_need(self):
        topic = self.topic
        self.assertEqual(School.objects.for_topic(topic).count(), 3)
        self.assertEqual(Question.objects.filter(topic=topic).count(), 5)
        self.assertEqual(Argument.objects.published().for_topic(topic).count(), 20)
        self.assertFalse(Argument.objects.for_topic(topic).exclude(words="").exists())  # nobody quoted
        # each from a work, read in no intermediary source
        self.assertFalse(Argument.objects.for_topic(topic).filter(Q(work=None) | Q(source__isnull=False)).exists())
        estimates_only = Question.objects.get(slug="velorian-emigration")
        self.assertFalse(estimates_only.positions.exists())
        self.assertTrue(estimates_only.estimates.exists())
        self.assertFalse(
            set(Tag.objects.filter(pk__in=tags_of(Argument.objects.for_topic(topic))).values_list("slug", flat=True))
            & set(tags_of(Argument.objects.for_topic(self.stalinism)).values_list("slug", flat=True))
        )

    def test_no_page_of_the_made_up_topic_shows_stalinism(self):
        markers = self.stalinism_markers()
        self.assertGreater(len(markers), 100)
        pages = self.pages()
        self.assertGreater(len(pages), 150)
        for name, url in pages:
            with self.subTest(page=name, url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                content = main_content(response)
                leaks = [marker for marker in markers if marker in content]
                self.assertEqual(leaks, [], f"{url} shows Stalinism's {leaks[:5]}")

    def test_the_made_up_topic_shows_on_its_pages(self):
        """The walk is not vacuous: each kind of page shows the made-up topic's own content."""
        cases = [
            (
                self.topic.get_absolute_url(),
                [
                    "Was Regent Amalric a reformer or a usurper?",
                    "5 arguments",
                    "6 estimates",
                ],
            ),
            (
                f"{reverse('historiography:compare-schools')}?topic=velorian-republic",
                ["Tariff determinists", "Harbour-guild historians", "Claim (editors' words):", "Argued in figures"],
            ),
            (
                f"{reverse('historiography:timeline')}?topic=velorian-republic",
                ["1702 Skarra chronicle", "Regency revisionists", "from 1700 to 2020"],
            ),
            (
                "/questions/velorian-emigration/",
                [
                    "argued in figures",
                    "Chronicle counts: Figures from contemporary chronicles",
                    "legend-solid",
                    "legend-outlined",
                    "140–190 ships · Port ledgers",
                ],
            ),
            (
                f"{reverse('historiography:argument-list')}?topic=velorian-republic",
                ["1700s", "2010s", "Regency revisionists</option>"],
            ),
        ]
        for url, expected in cases:
            with self.subTest(url=url):
                response = self.client.get(url)
                for text in expected:
                    self.assertContains(response, text)

    def test_an_estimates_only_question_says_so(self):
        response = self.client.get("/questions/velorian-emigration/")
        chart = response.context["chart"]
        for bar in [bar for group in chart.groups for bar in group.bars]:  # no text runs off the chart
            self.assertLessEqual(bar.value_x + 6.6 * len(f"{bar.value_label} · {bar.basis}"), chart.width)
        self.assertNotContains(response, "0 arguments")
        self.assertNotContains(response, "Group by school")
        self.assertNotContains(response, 'legend-hatched">Pre-archival')
        topic_page = self.client.get(self.topic.get_absolute_url())
        self.assertNotContains(topic_page, "0 arguments")
        self.assertContains(topic_page, "6 estimates")

    def test_a_topic_without_milestones_has_a_timeline_without_markers(self):
        self.topic.milestones.all().delete()
        response = self.client.get(reverse("historiography:timeline"), {"topic": "velorian-republic"})
        self.assertEqual(response.context["chart"].markers, [])
        self.assertNotContains(response, "Vertical lines mark")
        self.assertEqual((response.context["chart"].start, response.context["chart"].end), (1700, 2020))

    def test_query_counts_hold_with_two_topics(self):
        question = "/questions/velorian-regent-amalric/"
        # (the question page and the argument list +1 since issue 11: school views' examples,
        # and -1 since issue 16: the people filter is a text field, no list of every person;
        # the timeline +1 since issue 16: it is paged, one query counting its arguments)
        for url, queries in [
            (question, 11),
            (self.topic.get_absolute_url(), 3),
            (reverse("historiography:home"), 2),
            (f"{reverse('historiography:argument-list')}?topic=velorian-republic", 10),
            (f"{reverse('historiography:compare-schools')}?topic=velorian-republic", 6),
            (f"{reverse('historiography:timeline')}?topic=velorian-republic", 5),
        ]:
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(url).status_code, 200)
