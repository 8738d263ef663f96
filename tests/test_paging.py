"""No page's size grows with the dataset (issue 16): every list is paged, the people
filter is a text field with a bounded autocomplete, the student's assignment page shows
a page of each side with one form, and argument cards come from a shared fragment cache
that every write to the scholarship invalidates."""

from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from historiography.cache import GENERATION_KEY, invalidate_public_pages
from historiography.cards import CARD_KEY_PREFIX, CARDS_PER_COLUMN, slug_url
from historiography.classroom import services
from historiography.filters import PersonField
from historiography.models import Argument, ArgumentRelation, Historian
from historiography.models.arguments import card_prefetches

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, SchoolFactory, WorkFactory, make_class, make_question

CARD = '<article class="card '


def cards_in(response):
    return response.content.decode().count(CARD)


class ListsArePagedTests(BaseTestCase):
    """Each list shows a bounded page, whatever the rows, and any `?page=` answers 200."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.school = SchoolFactory(slug="the-school")
        cls.historian = HistorianFactory(slug="prolific", schools=[cls.school])
        cls.work = WorkFactory(slug="the-work")
        cls.question = make_question(slug="q")
        positions = list(cls.question.positions.all())
        for n in range(45):
            ArgumentFactory(
                historian=cls.historian, work=cls.work, position=positions[n % 2], tags=["common"], year=1900 + n
            )
        for n in range(105):
            HistorianFactory(schools=[cls.school])
        for n in range(105):
            Tag.objects.create(name=f"tag {n:03}", slug=f"tag-{n:03}")
        # a tag counts on the tag list once an argument carries it
        argument = Argument.objects.first()
        argument.tags.add(*Tag.objects.filter(slug__startswith="tag-"))

    def assert_pages(self, url, counts, context_name="page", param="page"):
        """`counts`: how many items each page shows, in order."""
        for number, count in enumerate(counts, start=1):
            with self.subTest(url=url, page=number):
                response = self.client.get(url, {param: number})
                self.assertEqual(response.status_code, 200)
                page = response.context[context_name]
                self.assertEqual((page.number, len(page.object_list)), (number, count))

    def test_historian_page(self):
        url = self.historian.get_absolute_url()
        self.assert_pages(url, [20, 20, 5])
        response = self.client.get(url)
        self.assertEqual(cards_in(response), 20)
        self.assertContains(response, "Page 1 of 3 (45 in all)")
        self.assertContains(response, 'aria-current="page"')
        self.assertContains(response, 'href="?page=2"')

    def test_school_page_pages_people_and_arguments(self):
        url = self.school.get_absolute_url()
        self.assert_pages(url, [20, 20, 5])
        self.assert_pages(url, [100, 6], context_name="people", param="people")
        # each list keeps the other's page
        response = self.client.get(url, {"page": 2, "people": 2})
        self.assertContains(response, 'rel="next" href="?page=3&amp;people=2"')
        self.assertContains(response, 'rel="prev" href="?people=2"')
        self.assertContains(response, 'rel="prev" href="?page=2"')

    def test_work_and_tag_pages(self):
        self.assert_pages(self.work.get_absolute_url(), [20, 20, 5])
        self.assert_pages(reverse("historiography:tag-detail", args=["common"]), [20, 20, 5])

    def test_tag_and_school_lists(self):
        self.assert_pages(reverse("historiography:tag-list"), [100, 6])
        for n in range(101):
            SchoolFactory()
        self.assert_pages(reverse("historiography:school-list"), [100, 2])

    def test_any_page_parameter_answers(self):
        url = self.historian.get_absolute_url()
        for junk in ["0", "-1", "999", "abc", "1.5", "٣", "9" * 5000, "", "２"]:
            with self.subTest(page=junk):
                response = self.client.get(url, {"page": junk})
                self.assertEqual(response.status_code, 200)
                self.assertLessEqual(cards_in(response), 20)
        # a null byte is refused before any view (historiography/middleware.py)
        self.assertEqual(self.client.get(url, {"page": "\x00"}).status_code, 400)
        self.assertEqual(self.client.get(url, {"page": "999"}).context["page"].number, 3)

    def test_the_first_page_has_one_address(self):
        response = self.client.get(self.historian.get_absolute_url(), {"page": 2})
        self.assertContains(response, f'href="{self.historian.get_absolute_url()}" rel', count=0)
        self.assertContains(response, 'rel="prev" href="/historians/prolific/"')


class QueriesDoNotGrowTests(BaseTestCase):
    """The same queries, and no more than a page of cards, for 5 and 500 arguments."""

    def make(self, count, slug):
        school = SchoolFactory(slug=f"school-{slug}")
        historian = HistorianFactory(slug=f"h-{slug}", schools=[school])
        work = WorkFactory(slug=f"w-{slug}")
        question = make_question(slug=f"q-{slug}")
        position = question.positions.first()
        ArgumentFactory.create_batch(count, historian=historian, work=work, position=position, tags=[f"t-{slug}"])
        return historian, school, work

    def test_pages_over_5_and_500_arguments(self):
        sizes = {}
        for count in (5, 500):
            historian, school, work = self.make(count, str(count))
            urls = {
                "historian": historian.get_absolute_url(),
                "school": school.get_absolute_url(),
                "work": work.get_absolute_url(),
                "tag": reverse("historiography:tag-detail", args=[f"t-{count}"]),
            }
            for name, url in urls.items():
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url)
                self.assertLessEqual(cards_in(response), 20)
                sizes.setdefault(name, []).append((len(queries), len(response.content)))
        for name, ((queries_small, bytes_small), (queries_large, bytes_large)) in sizes.items():
            with self.subTest(page=name):
                self.assertEqual(queries_small, queries_large)
                # 5 cards against a full page of 20: bounded by the page, not the 500 rows
                self.assertLess(bytes_large, bytes_small * 5)


class TimelineIsPagedTests(BaseTestCase):
    """The timeline shows a hundred arguments a page, by year, whatever the debate's size:
    the same queries and about the same bytes for 150 and 450 arguments, and paging
    through it shows every argument once."""

    def make(self, count, slug):
        school = SchoolFactory(slug=f"school-{slug}")
        question = make_question(slug=f"q-{slug}")
        positions = list(question.positions.all())
        for n in range(count):
            ArgumentFactory(
                historian=HistorianFactory(schools=[school]), position=positions[n % 2], year=1900 + n % 120
            )
        return question

    def test_its_size_and_queries_do_not_grow(self):
        sizes = {}
        for count in (150, 450):
            question = self.make(count, str(count))
            url = reverse("historiography:timeline")
            for name, params in (("question", {"question": question.slug}), ("topic", {"topic": question.topic.slug})):
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(url, params)
                self.assertEqual(len(response.context["arguments"]), 100)
                self.assertContains(response, f"Page 1 of {-(-count // 100)} ({count} in all)")
                sizes.setdefault(name, []).append((len(queries), len(response.content)))
        for name, ((queries_small, bytes_small), (queries_large, bytes_large)) in sizes.items():
            with self.subTest(view=name):
                self.assertEqual(queries_small, queries_large)
                self.assertLess(bytes_large, bytes_small * 1.1)

    def test_paging_through_shows_every_argument_once_with_the_same_axis(self):
        question = self.make(250, "all")
        url = reverse("historiography:timeline")
        seen, axes = [], set()
        for number in (1, 2, 3):
            response = self.client.get(url, {"question": question.slug, "page": number})
            seen += [argument.pk for argument in response.context["arguments"]]
            chart = response.context["chart"]
            axes.add((chart.start, chart.end))
            self.assertEqual(sum(len(lane.dots) for lane in chart.lanes), len(response.context["arguments"]))
        self.assertEqual(
            sorted(seen), sorted(Argument.objects.filter(position__question=question).values_list("pk", flat=True))
        )
        self.assertEqual(len(seen), 250)
        self.assertEqual(len(axes), 1)  # the whole debate's years on every page
        # the links keep the question chosen
        self.assertContains(response, f'href="?question={question.slug}&amp;page=2"')


class PeopleFieldTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="q")
        cls.conquest = HistorianFactory(name="Robert Conquest", sort_name="Conquest, Robert", slug="robert-conquest")
        ArgumentFactory(historian=cls.conquest, position=cls.question.positions.first())
        for n in range(30):
            ArgumentFactory(
                historian=HistorianFactory(name=f"Anna Smith {n:02}", sort_name=f"Smith {n:02}, Anna"),
                position=cls.question.positions.last(),
            )
        cls.elsewhere = HistorianFactory(name="Robert Elsewhere", slug="robert-elsewhere")
        ArgumentFactory(historian=cls.elsewhere)  # on another question
        cls.suggest = reverse("historiography:people-suggest")

    def test_no_select_of_everyone(self):
        response = self.client.get(reverse("historiography:argument-list"))
        html = response.content.decode()
        self.assertNotIn("Anna Smith 07</option>", html)
        self.assertIn('<label for="id_historian">Person</label>', html)
        self.assertIn('list="people-suggestions"', html)
        self.assertIn('aria-describedby="people-help"', html)
        self.assertIn('<datalist id="people-suggestions" data-url="/people/suggest/"></datalist>', html)
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, 'data-url="/people/suggest/?question=q"')

    def test_without_javascript_a_name_part_or_slug_filters(self):
        url = reverse("historiography:argument-list")
        for typed, expected in [
            ("robert-conquest", ["Robert Conquest"]),
            ("Robert Conquest", ["Robert Conquest"]),
            ("conq", ["Robert Conquest"]),
            ("Robert", ["Robert Conquest", "Robert Elsewhere"]),
            ("Smith 0", [f"Anna Smith {n:02}" for n in range(10)]),
        ]:
            with self.subTest(typed=typed):
                response = self.client.get(url, {"historian": typed})
                self.assertEqual(sorted(a.historian.name for a in response.context["page"]), sorted(expected))

    def test_nobody_matching_is_said_and_the_filter_ignored(self):
        response = self.client.get(reverse("historiography:argument-list"), {"historian": "Zzyzx"})
        self.assertContains(response, "Person: nobody named “Zzyzx” has arguments here. That filter was ignored.")
        self.assertEqual(response.context["page"].paginator.count, 32)
        # on a question, only its own people match
        response = self.client.get(self.question.get_absolute_url(), {"historian": "Elsewhere"})
        self.assertContains(response, "nobody named “Elsewhere” has arguments here")

    def test_too_many_matches_ask_for_more_of_the_name(self):
        field = PersonField(queryset=Historian.objects.all())
        field.MAX_MATCHES = 10
        with self.assertRaisesMessage(ValidationError, "more than 10 people match “Smith”: type more of the name."):
            field.clean("Smith")
        self.assertEqual(len(field.clean("Smith 0")), 10)

    def test_the_autocomplete_answers_a_bounded_list(self):
        response = self.client.get(self.suggest, {"q": "smith"})
        data = response.json()
        self.assertEqual(len(data["people"]), 10)
        self.assertTrue(data["more"])
        self.assertEqual(
            data["people"][0], {"name": "Anna Smith 00", "slug": data["people"][0]["slug"], "role": "Historian"}
        )
        data = self.client.get(self.suggest, {"q": "conquest"}).json()
        self.assertEqual(
            data,
            {"people": [{"name": "Robert Conquest", "slug": "robert-conquest", "role": "Historian"}], "more": False},
        )

    def test_the_autocomplete_is_scoped_and_refuses_junk(self):
        data = self.client.get(self.suggest, {"q": "robert", "question": "q"}).json()
        self.assertEqual([p["name"] for p in data["people"]], ["Robert Conquest"])
        data = self.client.get(self.suggest, {"q": "robert"}).json()
        self.assertEqual([p["name"] for p in data["people"]], ["Robert Conquest", "Robert Elsewhere"])
        for params in ({"q": "r"}, {}, {"q": "x" * 500}, {"q": "rob", "question": "no such/slug"}):
            with self.subTest(params=params):
                response = self.client.get(self.suggest, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["people"], [])
                self.assertTrue(response.json()["error"])

    def test_the_autocomplete_queries_do_not_grow(self):
        with self.assertNumQueries(1):
            self.client.get(self.suggest, {"q": "smith", "question": "q"})


@override_settings(CARD_CACHE_SECONDS=300)
class CardCacheTests(BaseTestCase):
    """Cards come from the shared cache, and every kind of related edit replaces them."""

    def setUp(self):
        cache.clear()
        self.question = make_question(slug="q")
        self.school = SchoolFactory(name="Old school", slug="old-school")
        self.historian = HistorianFactory(name="Old Name", slug="old-name", schools=[self.school])
        self.work = WorkFactory(title="Old Title", slug="old-title")
        self.argument = ArgumentFactory(
            historian=self.historian, work=self.work, position=self.question.positions.first(), claim="Old claim."
        )
        self.answer = ArgumentFactory(position=self.question.positions.last(), claim="An answer.")
        self.url = self.historian.get_absolute_url()
        self.forget_pending_invalidations()
        invalidate_public_pages()
        self.assertContains(self.client.get(self.url), "Old claim.")

    def test_a_card_is_served_from_the_cache(self):
        # A write that sends no signal (and so does not invalidate) shows the cached card:
        # proof that the card came from the cache, not from a new render.
        Argument.objects.filter(pk=self.argument.pk).update(claim="Changed behind the cache's back.")
        response = self.client.get(self.url)
        self.assertContains(response, "Old claim.")
        # The same card shows on other pages (the work's) from the same fragment.
        self.assertContains(self.client.get(self.work.get_absolute_url()), "Old claim.")
        invalidate_public_pages()
        self.assertContains(self.client.get(self.url), "Changed behind the cache&#x27;s back.")

    def test_a_search_shows_the_cached_card_with_its_own_marks(self):
        url = reverse("historiography:search")
        with CaptureQueriesContext(connection) as first:
            self.assertContains(self.client.get(url, {"q": "claim"}), "Old <mark>claim</mark>.", html=False)
        # Renamed without a signal: the card still names "Old Name", so it is the cached
        # one, and neither its row (seven tables) nor what it shows beyond it is read...
        Historian.objects.filter(pk=self.historian.pk).update(name="Renamed behind the cache")
        with CaptureQueriesContext(connection) as again:
            response = self.client.get(url, {"q": "claim"})
        self.assertContains(response, "Old Name")
        self.assertEqual(len(again), len(first) - 1 - len(card_prefetches()))
        # ...while each search marks its own words in it.
        response = self.client.get(url, {"q": "old claim"})
        self.assertContains(response, "<mark>Old</mark> <mark>claim</mark>.", html=False)
        self.assertContains(response, "Old Name")
        invalidate_public_pages()
        self.assertContains(self.client.get(url, {"q": "claim"}), "Renamed behind the cache")

    def test_each_kind_of_related_edit_replaces_the_card(self):
        def rename_historian():
            self.historian.name = "New Name"
            self.historian.save()

        def retitle_work():
            self.work.title = "New Title"
            self.work.save()

        def rename_school():
            self.school.name = "New school"
            self.school.save()

        def tag():
            self.argument.tags.add("new-tag")

        def rename_tag():
            Tag.objects.filter(slug="new-tag").update(name="renamed-tag")  # no signal: the next edit shows it
            self.argument.tags.add("another-tag")

        def relate():
            ArgumentRelation.objects.create(source=self.answer, target=self.argument, kind="rebuts")

        def edit_argument():
            self.argument.claim = "New claim."
            self.argument.save()

        for edit, shown in [
            (rename_historian, "New Name"),
            (retitle_work, "New Title"),
            (rename_school, "New school"),
            (tag, "new-tag"),
            (rename_tag, "renamed-tag"),
            (relate, "rebuts this"),
            (edit_argument, "New claim."),
        ]:
            with self.subTest(edit=edit.__name__):
                self.assertNotContains(self.client.get(self.url), shown)
                with self.committed():
                    edit()
                self.assertContains(self.client.get(self.url), shown)

    def test_reader_dependent_controls_stay_outside_the_card(self):
        assignment, users, arguments = make_class(
            self.instructor, 1, also=[self.student], slug="c", due_at=timezone.now() + timedelta(days=7)
        )
        self.client.force_login(self.student)
        response = self.client.get(assignment.get_absolute_url())
        self.assertContains(response, "Add to my evidence")
        generation = cache.get(GENERATION_KEY)
        for argument in arguments:
            html = cache.get(f"{CARD_KEY_PREFIX}{generation}:0:4:{argument.pk}")
            self.assertIn(argument.claim, html)
            self.assertNotIn("evidence", html)
            self.assertNotIn("csrfmiddlewaretoken", html)

    def test_cached_cards_fetch_nothing_of_their_own(self):
        """A student's assignment page fetches what a card shows beyond its row (a school
        view's people, the historian's schools, tags, relations) only for the cards the
        cache lacks: none once all are cached, however many cards the page has."""
        card_tables = ("taggit_tag", "historiography_argumentrelation", "historiography_historian_schools")
        assignment, users, arguments = make_class(
            self.instructor, 1, also=[self.student], slug="c", due_at=timezone.now() + timedelta(days=7)
        )
        self.client.force_login(self.student)
        url = assignment.get_absolute_url()

        def reads_of_cards():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries), [q["sql"] for q in queries if any(table in q["sql"] for table in card_tables)]

        first_count, first_reads = reads_of_cards()
        self.assertEqual(len(first_reads), 3)  # the cards rendered: their schools, tags, relations
        cached_count, cached_reads = reads_of_cards()
        self.assertEqual(cached_reads, [])
        for n in range(6):
            ArgumentFactory(position=arguments[n % 2].position, tags=["more"])
        invalidate_public_pages()
        self.assertEqual(len(reads_of_cards()[1]), 3)  # new generation: rendered again
        self.assertEqual(reads_of_cards(), (cached_count, []))


class SlugUrlTests(BaseTestCase):
    def test_it_matches_reverse(self):
        for name, slug in [
            ("historiography:historian-detail", "robert-conquest"),
            ("historiography:argument-context", "a_b-1"),
            ("historiography:tag-detail", "terror"),
        ]:
            self.assertEqual(slug_url(name, slug), reverse(name, args=[slug]))


class StudentAssignmentPageTests(BaseTestCase):
    """At scale the student's page shows a page of each side and one form for all its
    cards' buttons, not every card with a form of its own."""

    def setUp(self):
        self.assignment, users, self.arguments = make_class(
            self.instructor, 1, also=[self.student], slug="big", due_at=timezone.now() + timedelta(days=7)
        )
        sides = list(self.assignment.positions.all())
        for n in range(46):
            ArgumentFactory(position=sides[n % 2], year=1950 + n)
        self.client.force_login(self.student)
        self.url = self.assignment.get_absolute_url()

    def test_a_page_of_each_side_and_one_form(self):
        response = self.client.get(self.url)
        html = response.content.decode()
        self.assertEqual(cards_in(response), 2 * CARDS_PER_COLUMN)
        self.assertEqual(html.count('action="' + reverse("classroom:evidence-add", args=[self.assignment.pk])), 1)
        self.assertEqual(html.count('name="argument"'), 2 * CARDS_PER_COLUMN)
        self.assertContains(response, "25 arguments", count=2)
        self.assertContains(response, "Arguments 1–20 of each position (page 1 of 2)")
        response = self.client.get(self.url, {"page": 2})
        self.assertEqual(cards_in(response), 10)
        for junk in ["x", "99", "-3", "1e9"]:
            self.assertEqual(self.client.get(self.url, {"page": junk}).status_code, 200)

    def test_adding_evidence_returns_to_the_same_page(self):
        argument = Argument.objects.filter(position__in=self.assignment.positions.all()).order_by("-year").first()
        response = self.client.post(
            reverse("classroom:evidence-add", args=[self.assignment.pk]),
            {"argument": argument.slug, "phase": "1", "page": "2"},
        )
        self.assertRedirects(response, f"{self.url}?page=2#argument-{argument.slug}", fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url, {"page": 2}), "✓ In your evidence")

    def test_queries_do_not_grow_with_the_scholarship(self):
        with CaptureQueriesContext(connection) as small:
            self.client.get(self.url)
        sides = list(self.assignment.positions.all())
        for n in range(150):
            ArgumentFactory(position=sides[n % 2])
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(self.url)
        self.assertEqual(len(small), len(large))
        self.assertEqual(cards_in(response), 2 * CARDS_PER_COLUMN)

    def test_the_submission_keeps_its_evidence(self):
        first = Argument.objects.filter(position__in=self.assignment.positions.all()).order_by("year", "pk").first()
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        services.submission_cite(submission=submission, argument=first)
        self.assertContains(self.client.get(self.url), "✓ In your evidence", count=1)
