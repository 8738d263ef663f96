"""The filter forms: selects written in Python (fast with many choices), the people as a
text field (no <select> of thousands), and the question page matching only the people
who argue on that question."""

from django.urls import reverse

from historiography.filters import ArgumentFilter, QuickSelect
from historiography.models import Argument

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, SchoolFactory, TopicFactory, make_question


class FilterTests(BaseTestCase):
    def test_quick_select_marks_the_choice_and_escapes(self):
        widget = QuickSelect(choices=[("", "Anyone"), ("a", "<b>A</b> & co"), ("b", "B")])
        html = widget.render("historian", "a", attrs={"id": "id_historian"})
        self.assertEqual(
            html,
            '<select id="id_historian" name="historian"><option value="">Anyone</option>'
            '<option value="a" selected>&lt;b&gt;A&lt;/b&gt; &amp; co</option><option value="b">B</option></select>',
        )

    def test_the_filter_form_renders_and_validates_as_before(self):
        historian = HistorianFactory(name="Robert Conquest", slug="robert-conquest")
        ArgumentFactory(historian=historian)
        filterset = ArgumentFilter({"historian": "robert-conquest", "decade": "1990"}, queryset=Argument.objects.all())
        self.assertTrue(filterset.is_valid())
        self.assertEqual(filterset.qs.count(), 1)
        self.assertIn('value="robert-conquest"', str(filterset.form["historian"]))
        self.assertNotIn("<option", str(filterset.form["historian"]))
        self.assertIn('<option value="1990" selected>1990s</option>', str(filterset.form["decade"]))

    def test_the_question_page_offers_only_its_own_people(self):
        question = make_question()
        ArgumentFactory(historian=HistorianFactory(name="On the question"), position=question.positions.first())
        ArgumentFactory(historian=HistorianFactory(name="Elsewhere"))
        response = self.client.get(question.get_absolute_url(), {"historian": "On the"})
        self.assertEqual(response.context["argument_count"], 1)
        response = self.client.get(question.get_absolute_url(), {"historian": "Elsewhere"})
        self.assertContains(response, "Person: nobody named “Elsewhere” has arguments here. That filter was ignored.")


class TopicScopeTests(BaseTestCase):
    """Two topics side by side: each page offers only its own topic's choices."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ours, cls.theirs = TopicFactory(title="Ours", slug="ours"), TopicFactory(title="Theirs", slug="theirs")
        cls.question = make_question(topic=cls.ours, title="Our question?", slug="our-question")
        cls.elsewhere = make_question(topic=cls.theirs, title="Their question?", slug="their-question")
        ArgumentFactory(
            historian=HistorianFactory(name="Our man", schools=[SchoolFactory(name="Our school")]),
            position=cls.question.positions.first(),
            tags=["our-tag"],
            year=1776,
        )
        ArgumentFactory(
            historian=HistorianFactory(name="Their man", schools=[SchoolFactory(name="Their school")]),
            position=cls.elsewhere.positions.first(),
            tags=["their-tag"],
            year=1937,
        )

    def assert_only_ours(self, response):
        for ours in ("Our school</option>", "our-tag</option>"):
            self.assertContains(response, ours)
        for theirs in ("Their school", "their-tag", "Their man", "1930s"):
            self.assertNotContains(response, theirs)

    def test_the_question_page_offers_its_own_schools_tags_people_and_decades(self):
        response = self.client.get(self.question.get_absolute_url())
        self.assert_only_ours(response)
        self.assertContains(response, '<option value="1770">1770s</option>')

    def test_the_argument_list_is_scoped_by_topic_or_question(self):
        url = reverse("historiography:argument-list")
        for params in ({"topic": "ours"}, {"question": "our-question"}):
            with self.subTest(params=params):
                response = self.client.get(url, params)
                self.assert_only_ours(response)
                self.assertNotContains(response, "Their question?")
                self.assertEqual([a.historian.name for a in response.context["page"]], ["Our man"])
                # The people field matches only this topic's or question's people.
                response = self.client.get(url, {**params, "historian": "Their man"})
                self.assertContains(response, "Person: nobody named “Their man” has arguments here.")
        # Unscoped, it offers everything, each question under its topic.
        response = self.client.get(url)
        self.assertContains(response, "Theirs: Their question?</option>")
        self.assertContains(response, '<option value="1930">1930s</option>')
        self.assertContains(response, '<option value="1770">1770s</option>')

    def test_a_bad_topic_is_reported_and_ignored(self):
        response = self.client.get(reverse("historiography:argument-list"), {"topic": "nope"})
        self.assertContains(response, "Topic: Select a valid choice.")
        self.assertEqual(len(response.context["page"]), 2)
