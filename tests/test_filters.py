"""The filter forms: selects written in Python (fast with thousands of people), and the
question page offering only the people who argue on that question."""

from historiography.filters import ArgumentFilter, QuickSelect
from historiography.models import Argument

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, make_question


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
        self.assertIn(
            '<option value="robert-conquest" selected>Robert Conquest</option>', str(filterset.form["historian"])
        )
        self.assertIn('<option value="1990" selected>1990s</option>', str(filterset.form["decade"]))

    def test_the_question_page_offers_only_its_own_people(self):
        question = make_question()
        ArgumentFactory(historian=HistorianFactory(name="On the question"), position=question.positions.first())
        ArgumentFactory(historian=HistorianFactory(name="Elsewhere"))
        response = self.client.get(question.get_absolute_url())
        self.assertContains(response, "On the question</option>")
        self.assertNotContains(response, "Elsewhere</option>")
