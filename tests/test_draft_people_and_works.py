"""Issue 13: historians and works have the draft/published status of questions and
arguments. A draft person or work appears nowhere public (pages, filters, search, the
comparisons, the timeline, exports, the API), nor does an argument by such a person or
citing such a work; editors preview them on the site, marked as drafts and never cached,
and a draft question's preview marks each card that is itself a draft."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from historiography.models import Argument, Attribution, Estimate, Historian, Status, Work

from .base import BaseTestCase
from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, WorkFactory, make_question

# What must never reach the public: the draft person's and the draft work's names and
# slugs, and the claims of the arguments they make hidden.
SECRETS = [
    "Zoltan Draftperson",
    "Draftperson, Zoltan",
    "zoltan-draftperson",
    "Unfinished Manuscript",
    "unfinished-manuscript",
    "Claim by the draft person.",
    "Claim citing the draft work.",
    "Counted by the draft person",
]


class DraftPeopleAndWorksTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="the-question", title="Was it planned?")
        cls.topic = cls.question.topic
        side_a, side_b = cls.question.positions.all()
        cls.school = SchoolFactory(name="Planners", slug="planners")
        cls.other_school = SchoolFactory(name="Drifters", slug="drifters")
        cls.person = HistorianFactory(
            name="Zoltan Draftperson", sort_name="Draftperson, Zoltan", slug="zoltan-draftperson",
            status=Status.DRAFT, schools=[cls.school],
        )  # fmt: skip
        cls.public_person = HistorianFactory(
            name="Paula Public", sort_name="Public, Paula", slug="paula-public", schools=[cls.school]
        )
        cls.drifter = HistorianFactory(name="Dora Drift", slug="dora-drift", schools=[cls.other_school])
        cls.work = WorkFactory(title="Unfinished Manuscript", slug="unfinished-manuscript", status=Status.DRAFT)
        cls.work.authors.set([cls.public_person])
        cls.book = WorkFactory(title="Finished Book", slug="finished-book")
        cls.book.authors.set([cls.public_person, cls.person])  # a published work, co-written by a draft person
        cls.by_draft_person = ArgumentFactory(
            position=side_a, historian=cls.person, work=cls.book, claim="Claim by the draft person.",
            slug="by-draft-person", tags=["planning"],
        )  # fmt: skip
        cls.citing_draft_work = ArgumentFactory(
            position=side_b, historian=cls.public_person, work=cls.work, claim="Claim citing the draft work.",
            slug="citing-draft-work", tags=["planning"],
        )  # fmt: skip
        # From the person's own book, with no source: its citation names the book's authors.
        cls.public = ArgumentFactory(
            position=side_a, historian=cls.public_person, work=cls.book, claim="Claim fully public.",
            slug="fully-public", tags=["planning"], source=None, section="", passage="", locator="p. 12",
        )  # fmt: skip
        cls.school_view = ArgumentFactory(
            position=side_b, historian=None, school=cls.school, attribution=Attribution.SCHOOL, work=None,
            claim="The planners' own view.", slug="planners-view",
        )  # fmt: skip
        cls.school_view.examples.set([cls.person, cls.public_person])
        ArgumentFactory(position=side_b, historian=cls.drifter, work=None, claim="A drifter's view.")
        cls.estimate = EstimateFactory(
            question=cls.question, historian=cls.person, measure="Counted by the draft person"
        )
        cls.public_estimate = EstimateFactory(question=cls.question, measure="Counted in public")

    def clients(self):
        """The public: an anonymous reader and a logged-in student."""
        for user in (None, self.student):
            self.client.logout()
            if user:
                self.client.force_login(user)
            yield "anonymous" if user is None else user.username


class PublicSurfacesTests(DraftPeopleAndWorksTestCase):
    def pages(self):
        """(url, something the page shows, so an empty page cannot pass)."""
        topic, question = self.topic.slug, self.question.slug
        return [
            (reverse("historiography:historian-list"), "Public, Paula"),
            (reverse("historiography:historian-list") + f"?topic={topic}", "Public, Paula"),
            (self.public_person.get_absolute_url(), "Finished Book"),
            (self.question.get_absolute_url(), "Claim fully public."),
            (self.question.get_absolute_url() + "?group=school", "Claim fully public."),
            (reverse("historiography:argument-list"), "Claim fully public."),
            (reverse("historiography:argument-list") + f"?topic={topic}", "Claim fully public."),
            (self.public.get_absolute_url(), "Claim fully public."),
            (self.school_view.get_absolute_url(), "Paula Public"),
            (self.book.get_absolute_url(), "Paula Public"),
            (self.school.get_absolute_url(), "Paula Public"),
            (reverse("historiography:school-list"), "Planners"),
            (reverse("historiography:tag-detail", args=["planning"]), "Claim fully public."),
            (reverse("historiography:compare-historians") + f"?topic={topic}", "Paula Public"),
            (
                reverse("historiography:compare-historians")
                + f"?topic={topic}&historian=paula-public&historian=dora-drift",
                "Claim fully public.",
            ),
            (
                reverse("historiography:compare-schools") + f"?topic={topic}&school=planners&school=drifters",
                "Planners",
            ),
            (reverse("historiography:timeline") + f"?topic={topic}", "Claim fully public."),
            (reverse("historiography:timeline") + f"?question={question}", "Claim fully public."),
            (reverse("historiography:search") + "?q=zoltan", "Search"),
            (reverse("historiography:search") + "?q=draftperson&kind=person", "Search"),
            (reverse("historiography:search") + "?q=unfinished manuscript", "Search"),
            (reverse("historiography:search") + "?q=zoltam", "Search"),  # no "did you mean Zoltan"
            (reverse("historiography:search") + "?q=paula", "<mark>Paula</mark>"),
            (reverse("historiography:search") + "?q=finished", "<mark>Finished</mark>"),
            (reverse("historiography:question-bibliography", args=[question]), "Finished Book"),
            (reverse("historiography:question-handout", args=[question]), "Claim fully public."),
            (reverse("historiography:question-aif", args=[question]), "Claim fully public."),
            (reverse("historiography:question-argdown", args=[question]), "Claim fully public."),
            (reverse("historiography:work-bibtex", args=["finished-book"]), "Public, Paula"),
            (reverse("historiography:work-csl", args=["finished-book"]), "Paula"),
            (reverse("historiography:work-ris", args=["finished-book"]), "Public, Paula"),
            (reverse("historiography:argument-bibtex", args=["fully-public"]), "Finished Book"),
            ("/api/historians/", "paula-public"),
            (f"/api/historians/?topic={topic}", "paula-public"),
            ("/api/works/", "finished-book"),
            ("/api/works/finished-book/", "paula-public"),
            ("/api/arguments/", "fully-public"),
            (f"/api/arguments/?question={question}", "fully-public"),
            ("/api/arguments/planners-view/", "paula-public"),
            ("/api/estimates/", "Counted in public"),
        ]

    def test_no_page_shows_a_draft_person_or_work_or_their_arguments(self):
        for who in self.clients():
            for url, shown in self.pages():
                with self.subTest(who=who, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    content = response.content.decode()
                    self.assertIn(shown, content)
                    for secret in SECRETS:
                        self.assertNotIn(secret, content)

    def test_their_own_pages_and_exports_are_404(self):
        urls = [
            self.person.get_absolute_url(),
            self.work.get_absolute_url(),
            self.by_draft_person.get_absolute_url(),
            self.citing_draft_work.get_absolute_url(),
            reverse("historiography:argument-context", args=["by-draft-person"]),
            reverse("historiography:argument-bibtex", args=["by-draft-person"]),
            reverse("historiography:argument-csl", args=["citing-draft-work"]),
            reverse("historiography:work-bibtex", args=["unfinished-manuscript"]),
            reverse("historiography:work-csl", args=["unfinished-manuscript"]),
            reverse("historiography:work-ris", args=["unfinished-manuscript"]),
            "/api/historians/zoltan-draftperson/",
            "/api/works/unfinished-manuscript/",
            "/api/arguments/by-draft-person/",
            "/api/arguments/citing-draft-work/",
            f"/api/estimates/{self.estimate.slug}/",
        ]
        for who in self.clients():
            for url in urls:
                with self.subTest(who=who, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_filters_do_not_offer_or_accept_a_draft_person(self):
        for url in [
            self.question.get_absolute_url() + "?historian=zoltan-draftperson",
            reverse("historiography:argument-list") + "?historian=zoltan-draftperson",
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "That filter was ignored")
                self.assertContains(response, "Claim fully public.")  # the filter is ignored, not applied
                self.assertNotContains(response, "Claim by the draft person.")
        for url in ["/api/arguments/?historian=zoltan-draftperson", "/api/works/?author=zoltan-draftperson"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 400)
        response = self.client.get(
            reverse("historiography:compare-historians")
            + f"?topic={self.topic.slug}&historian=paula-public&historian=zoltan-draftperson"
        )
        self.assertContains(response, "is not one of the available choices")

    def test_counts_leave_out_what_the_public_does_not_see(self):
        response = self.client.get(self.topic.get_absolute_url())
        # fully-public, planners-view and the drifter's: not the two hidden ones
        self.assertEqual(response.context["questions"][0].argument_count, 3)
        people = {h.slug: h for h in self.client.get(reverse("historiography:historian-list")).context["page"]}
        self.assertEqual(people["paula-public"].argument_count, 1)  # not the one citing the draft work
        schools = {s.slug: s for s in self.client.get(reverse("historiography:school-list")).context["page"]}
        self.assertEqual(schools["planners"].historian_count, 1)
        tags = {t.slug: t for t in self.client.get(reverse("historiography:tag-list")).context["page"]}
        self.assertEqual(tags["planning"].argument_count, 1)

    def test_the_published_queryset_admits_arguments_without_a_person_or_a_work(self):
        published = set(Argument.objects.published().values_list("slug", flat=True))
        self.assertIn("planners-view", published)  # a school's view: no person, no work
        self.assertNotIn("by-draft-person", published)
        self.assertNotIn("citing-draft-work", published)
        self.assertEqual(set(Historian.objects.published()), {self.public_person, self.drifter})
        self.assertEqual(list(Work.objects.published().filter(slug__contains="-")), [self.book])
        self.assertEqual(list(Estimate.objects.published()), [self.public_estimate])

    def test_draft_parts_follow_the_published_rule(self):
        """A card's draft mark and published() never disagree (on a published question)."""
        published = set(Argument.objects.published())
        for argument in Argument.objects.for_cards():
            with self.subTest(argument=argument.slug):
                self.assertEqual(argument.draft_parts() == [], argument in published)

    def test_publishing_the_person_and_the_work_brings_everything_back(self):
        Historian.objects.filter(pk=self.person.pk).update(status=Status.PUBLISHED)
        Work.objects.filter(pk=self.work.pk).update(status=Status.PUBLISHED)
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, "Claim by the draft person.")
        self.assertContains(response, "Claim citing the draft work.")
        self.assertEqual(self.client.get(self.person.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(self.work.get_absolute_url()).status_code, 200)
        self.assertContains(self.client.get("/api/works/finished-book/"), "zoltan-draftperson")


class EditorPreviewTests(DraftPeopleAndWorksTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def assert_private(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])

    def test_editors_preview_a_draft_person_with_a_banner_and_marked_cards(self):
        response = self.client.get(self.person.get_absolute_url())
        self.assert_private(response)
        self.assertContains(response, "Zoltan Draftperson")
        self.assertContains(response, "<strong>Draft:</strong>", html=False)
        self.assertContains(response, "Claim by the draft person.")
        self.assertContains(response, "card-is-draft")
        self.assertContains(response, "Not public yet: its person, Zoltan Draftperson.")

    def test_editors_preview_a_draft_work_with_a_banner_and_marked_cards(self):
        response = self.client.get(self.work.get_absolute_url())
        self.assert_private(response)
        self.assertContains(response, "<strong>Draft:</strong>", html=False)
        self.assertContains(response, "Claim citing the draft work.")
        self.assertContains(response, "Not public yet: its work, Unfinished Manuscript (1990).")

    def test_editors_preview_an_argument_of_a_draft_person(self):
        response = self.client.get(self.by_draft_person.get_absolute_url())
        self.assert_private(response)
        self.assertContains(response, "<strong>Draft:</strong>", html=False)
        self.assertContains(response, "its person, Zoltan Draftperson")

    def test_the_draft_works_citations_linked_from_its_preview_download_for_editors(self):
        for name in ("work-bibtex", "work-csl", "work-ris"):
            with self.subTest(name=name):
                response = self.client.get(reverse(f"historiography:{name}", args=["unfinished-manuscript"]))
                self.assert_private(response)
                self.assertContains(response, "Unfinished Manuscript")

    def test_editors_see_draft_works_and_authors_marked_in_the_lists(self):
        response = self.client.get(self.public_person.get_absolute_url())
        self.assertContains(response, 'Unfinished Manuscript</cite></a> (1990) <span class="draft-label">Draft</span>')
        response = self.client.get(self.book.get_absolute_url())
        self.assertContains(response, 'Zoltan Draftperson</a> <span class="draft-label">Draft</span>')

    def test_a_published_person_previewed_by_an_editor_has_no_banner_and_is_not_stored(self):
        response = self.client.get(self.public_person.get_absolute_url())
        self.assert_private(response)
        self.assertNotContains(response, "Draft:")
        self.assertNotContains(response, "card-is-draft")

    def test_view_on_site_reaches_the_preview(self):
        for obj in (self.person, self.work):
            with self.subTest(obj=obj):
                change = reverse(f"admin:historiography_{obj._meta.model_name}_change", args=[obj.pk])
                self.assertContains(self.client.get(change), "View on site")
                content_type = ContentType.objects.get_for_model(obj)
                response = self.client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
                # on the sites framework's domain
                self.assertTrue(response["Location"].endswith(obj.get_absolute_url()))
                self.assertContains(self.client.get(obj.get_absolute_url()), "<strong>Draft:</strong>", html=False)

    @override_settings(PAGE_CACHE_SECONDS=600)
    def test_the_page_cache_never_stores_a_preview(self):
        cache.clear()
        for url in (self.person.get_absolute_url(), self.work.get_absolute_url()):
            with self.subTest(url=url):
                self.client.force_login(self.editor)
                self.assertEqual(self.client.get(url).status_code, 200)
                self.client.logout()
                self.client.cookies.clear()
                # Anonymous and cookieless: a stored preview would be served here.
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.get(url).status_code, 404)


class AdminTests(DraftPeopleAndWorksTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_changelists_filter_by_status(self):
        for model, draft, published in [
            ("historian", "Zoltan Draftperson", "Paula Public"),
            ("work", "Unfinished Manuscript", "Finished Book"),
        ]:
            with self.subTest(model=model):
                url = reverse(f"admin:historiography_{model}_changelist")
                response = self.client.get(url + "?status__exact=draft")
                self.assertContains(response, draft)
                self.assertNotContains(response, published)
                self.assertContains(self.client.get(url), "?status__exact=published")

    def test_publish_and_unpublish_actions(self):
        url = reverse("admin:historiography_historian_changelist")
        self.client.post(url, {"action": "publish", "_selected_action": [self.person.pk]})
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Status.PUBLISHED)
        self.client.post(url, {"action": "unpublish", "_selected_action": [self.person.pk]})
        self.person.refresh_from_db()
        self.assertEqual(self.person.status, Status.DRAFT)
        url = reverse("admin:historiography_work_changelist")
        self.client.post(url, {"action": "publish", "_selected_action": [self.work.pk]})
        self.work.refresh_from_db()
        self.assertEqual(self.work.status, Status.PUBLISHED)

    def test_a_person_or_work_added_in_the_admin_starts_as_a_draft(self):
        for model in ("historian", "work"):
            with self.subTest(model=model):
                form = self.client.get(reverse(f"admin:historiography_{model}_add")).context["adminform"].form
                self.assertEqual(form.initial["status"], Status.DRAFT)
        self.client.post(
            reverse("admin:historiography_historian_add"),
            {"name": "New Person", "sort_name": "Person, New", "slug": "new-person", "role": "historian",
             "status": Status.DRAFT, "arguments-TOTAL_FORMS": 0, "arguments-INITIAL_FORMS": 0},
        )  # fmt: skip
        self.assertEqual(Historian.objects.get(slug="new-person").status, Status.DRAFT)
        self.client.logout()
        self.assertEqual(self.client.get("/historians/new-person/").status_code, 404)


class DraftCardsInAQuestionPreviewTests(BaseTestCase):
    """Part B: in a draft question's preview, each card that is itself a draft, or whose
    person or work is, says so; the others do not."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="draft-question", status=Status.DRAFT)
        side = cls.question.positions.first()
        ArgumentFactory(position=side, status=Status.DRAFT, claim="A draft argument.")
        ArgumentFactory(position=side, historian=HistorianFactory(name="Ada Draft", status=Status.DRAFT))
        ArgumentFactory(position=side, work=WorkFactory(title="Draft Book", status=Status.DRAFT))
        ArgumentFactory(position=side, claim="A ready argument.")

    def cards(self, response):
        return [
            (argument.claim, argument.draft_parts())
            for _position, arguments, _count in response.context["columns"]
            for argument in arguments
        ]

    def test_each_draft_card_is_marked(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, "<strong>Draft:</strong>", html=False)  # the page's banner
        self.assertContains(response, "card-is-draft", count=3)
        self.assertContains(response, '<strong class="draft-label">Draft</strong>', count=3)
        self.assertContains(response, "Not public yet: this argument.")
        self.assertContains(response, "Not public yet: its person, Ada Draft.")
        self.assertContains(response, "Not public yet: its work, Draft Book (1990).")
        ready = response.content.decode().split("A ready argument.")[0].rsplit("<article", 1)[1]
        self.assertNotIn("card-is-draft", ready)

    def test_the_public_never_sees_a_draft_mark(self):
        published = make_question(slug="open-question")
        ArgumentFactory(position=published.positions.first(), claim="Open.")
        response = self.client.get(published.get_absolute_url())
        self.assertContains(response, "Open.")
        self.assertNotContains(response, "card-is-draft")
        self.assertNotContains(response, "draft-label")
        self.assertEqual(self.client.get(self.question.get_absolute_url()).status_code, 404)


class ApiJsonTests(DraftPeopleAndWorksTestCase):
    def test_nested_rows_name_no_draft_person(self):
        row = json.loads(self.client.get("/api/arguments/planners-view/").content)
        self.assertEqual([person["slug"] for person in row["examples"]], ["paula-public"])
        work = json.loads(self.client.get("/api/works/finished-book/").content)
        self.assertEqual(work["authors"], ["paula-public"])


class PublishedQueryShapeTests(BaseTestCase):
    """published() checks a person and a work as "not one of the drafts", a subquery over
    a partial index, rather than joining every person and work to read their status."""

    def test_it_joins_no_person_or_work(self):
        for queryset in (Argument.objects.published(), Estimate.objects.published()):
            with self.subTest(model=queryset.model.__name__):
                sql = str(queryset.query)
                self.assertNotIn('JOIN "historiography_historian"', sql)
                self.assertNotIn('JOIN "historiography_work"', sql)
                self.assertIn('"historian_id" IN (SELECT', sql)
                self.assertIn('"work_id" IN (SELECT', sql)

    def test_absent_published_and_draft_people_and_works(self):
        question = make_question()
        position = question.positions.first()
        draft_person = HistorianFactory(status=Status.DRAFT)
        draft_work = WorkFactory(status=Status.DRAFT)
        shown = [
            ArgumentFactory(
                position=position, historian=None, school=SchoolFactory(), attribution=Attribution.SCHOOL, work=None
            ),
            ArgumentFactory(position=position, historian=HistorianFactory(), work=WorkFactory()),
        ]
        ArgumentFactory(position=position, historian=draft_person)
        ArgumentFactory(position=position, work=draft_work)
        ArgumentFactory(position=position, historian=draft_person, work=draft_work)
        self.assertEqual(set(Argument.objects.published()), set(shown))
