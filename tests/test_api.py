"""The open-data API (/api/): every endpoint lists and retrieves, drafts never show, pages
are fixed in size and in queries, and every filter the schema declares works or says why not."""

import json
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from historiography import api_paging
from historiography.models import EstimateBasis, Position, Role, Standing, Status, WorkKind

from .base import BaseTestCase
from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    SchoolFactory,
    SourceFactory,
    TopicFactory,
    WorkFactory,
    make_question,
)

ENDPOINTS = ["topic", "question", "position", "argument", "historian", "school", "work", "source", "estimate"]


def list_url(basename):
    return reverse(f"api:{basename}-list")


def detail_url(basename, key):
    return reverse(f"api:{basename}-detail", args=[key])


def keys(response):
    """The slugs (positions: ids) of a list page's results."""
    return {key(row) for row in response.json()["results"]}


def key(row):
    """What a row is looked up by: its slug, or a position's id."""
    return row["id"] if "id" in row else row["slug"]


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.topic = TopicFactory(title="Stalinism", slug="stalinism")
        cls.continuity = make_question(topic=cls.topic, slug="continuity", order=1, standing=Standing.CONTESTED)
        cls.lenin_side, cls.break_side = cls.continuity.positions.all()
        cls.famine = make_question(topic=cls.topic, slug="famine", order=2, standing=Standing.CONTESTED)
        cls.cold_war = TopicFactory(title="Cold War", slug="cold-war")
        cls.origins = make_question(topic=cls.cold_war, slug="origins", standing=Standing.CONSENSUS)

        cls.totalitarian = SchoolFactory(name="Totalitarian model", slug="totalitarian", order=1)
        cls.revisionist = SchoolFactory(name="Revisionists", slug="revisionist", order=2)
        cls.pipes = HistorianFactory(
            name="Richard Pipes", sort_name="Pipes, Richard", slug="richard-pipes", schools=[cls.totalitarian]
        )
        cls.fitzpatrick = HistorianFactory(
            name="Sheila Fitzpatrick", slug="sheila-fitzpatrick", schools=[cls.revisionist]
        )
        cls.trotsky = HistorianFactory(name="Leon Trotsky", slug="leon-trotsky", role=Role.PARTICIPANT)
        cls.revolution = WorkFactory(title="The Russian Revolution", slug="russian-revolution", year=1990)
        cls.revolution.authors.add(cls.pipes)
        cls.betrayed = WorkFactory(
            title="The Revolution Betrayed", slug="revolution-betrayed", year=1936, kind=WorkKind.SPEECH
        )
        cls.betrayed.authors.add(cls.trotsky)
        cls.everyday = WorkFactory(title="Everyday Stalinism", slug="everyday-stalinism", year=1999)
        cls.everyday.authors.add(cls.fitzpatrick)

        cls.pipes_argument = ArgumentFactory(
            slug="pipes-continuity",
            historian=cls.pipes,
            position=cls.lenin_side,
            work=cls.revolution,
            year=1990,
            claim="Lenin built the machine Stalin ran.",
            passage="Stalin was a true Leninist",
            locator="p. 10",
            tags=["Ideology", "Lenin"],
        )
        cls.trotsky_argument = ArgumentFactory(
            slug="trotsky-betrayal",
            historian=cls.trotsky,
            position=cls.break_side,
            work=cls.betrayed,
            year=1936,
            tags=["Bureaucracy"],
        )
        cls.fitzpatrick_argument = ArgumentFactory(
            slug="fitzpatrick-famine",
            historian=cls.fitzpatrick,
            position=cls.famine.positions.first(),
            work=cls.everyday,
            year=1994,
            tags=["Ideology"],
        )
        cls.estimate = EstimateFactory(
            slug="famine-deaths",
            question=cls.famine,
            historian=cls.fitzpatrick,
            work=cls.everyday,
            basis="post_archival",
        )
        cls.official_estimate = EstimateFactory(slug="famine-official", question=cls.famine, basis="official")
        for slug in ("official", "post_archival"):
            EstimateBasis.objects.create(topic=cls.topic, slug=slug, label=slug)

        # Drafts, and published rows under drafts: none of them is ever served.
        cls.draft_topic = TopicFactory(slug="draft-topic", status=Status.DRAFT)
        cls.in_draft_topic = make_question(topic=cls.draft_topic, slug="in-draft-topic")
        cls.draft_question = make_question(topic=cls.topic, slug="draft-question", status=Status.DRAFT)
        cls.draft_position = cls.draft_question.positions.first()
        cls.draft_argument = ArgumentFactory(
            slug="draft-argument",
            historian=cls.pipes,
            position=cls.lenin_side,
            work=cls.revolution,
            status=Status.DRAFT,
        )
        cls.under_draft_question = ArgumentFactory(
            slug="under-draft-question", historian=cls.pipes, position=cls.draft_position, work=cls.revolution
        )
        cls.draft_estimate = EstimateFactory(slug="draft-estimate", question=cls.famine, status=Status.DRAFT)
        cls.estimate_under_draft = EstimateFactory(slug="estimate-under-draft", question=cls.draft_question)

        # What each endpoint lists: exactly the published rows.
        cls.published = {
            "topic": {"stalinism", "cold-war"},
            "question": {"continuity", "famine", "origins"},
            "position": set(
                Position.objects.filter(question__in=[cls.continuity, cls.famine, cls.origins]).values_list(
                    "pk", flat=True
                )
            ),
            "argument": {"pipes-continuity", "trotsky-betrayal", "fitzpatrick-famine"},
            "historian": {"richard-pipes", "sheila-fitzpatrick", "leon-trotsky"},
            "school": {"totalitarian", "revisionist"},
            "work": {"russian-revolution", "revolution-betrayed", "everyday-stalinism"},
            "source": {"a-reference-work"},
            "estimate": {"famine-deaths", "famine-official"},
        }
        cls.drafts = {
            "topic": ["draft-topic"],
            "question": ["draft-question", "in-draft-topic"],
            "position": [cls.draft_position.pk, cls.in_draft_topic.positions.first().pk],
            "argument": ["draft-argument", "under-draft-question"],
            "estimate": ["draft-estimate", "estimate-under-draft"],
        }


class ApiEndpointTests(ApiTestCase):
    def test_it_lists_and_retrieves_every_endpoint(self):
        for basename in ENDPOINTS:
            with self.subTest(endpoint=basename):
                response = self.client.get(list_url(basename))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/json")
                body = response.json()
                self.assertEqual(keys(response), self.published[basename])
                self.assertEqual(body["count"], len(self.published[basename]))
                self.assertIsNone(body["next"])
                for row in body["results"]:
                    detail = self.client.get(detail_url(basename, key(row)))
                    self.assertEqual(detail.status_code, 200)
                    # a source's own page adds its full text, which the list leaves out
                    self.assertEqual({k: v for k, v in detail.json().items() if k != "text"}, row)

    def test_it_never_serves_a_draft(self):
        for basename, lookups in self.drafts.items():
            for key in lookups:
                with self.subTest(endpoint=basename, draft=key):
                    self.assertNotIn(key, keys(self.client.get(list_url(basename))))
                    self.assertEqual(self.client.get(detail_url(basename, key)).status_code, 404)
        content = self.client.get(list_url("topic")).content + self.client.get(list_url("question")).content
        self.assertNotIn(b"draft-question", content)
        self.assertNotIn(b"in-draft-topic", content)

    def test_an_argument_has_its_people_sources_and_page(self):
        response = self.client.get(detail_url("argument", "pipes-continuity"))
        self.assertEqual(
            response.json(),
            {
                "slug": "pipes-continuity",
                "attribution": "reported",
                "historian": {"slug": "richard-pipes", "name": "Richard Pipes"},
                "school": None,
                "examples": [],
                "position": {"id": self.lenin_side.pk, "slug": "side-1", "label": "Side 1"},
                "question": "continuity",
                "claim": "Lenin built the machine Stalin ran.",
                "words": "",
                "passage": "Stalin was a true Leninist",
                "source": {
                    "slug": "a-reference-work",
                    "title": "A Reference Work",
                    "kind": "encyclopedia",
                    "site": "Reference Site",
                    "author": "",
                    "url": "",
                    "accessed": "2026-11-22",
                },
                "section": "Historiography",
                "work": "russian-revolution",
                "locator": "p. 10",
                "year": 1990,
                "tags": ["Ideology", "Lenin"],
                "html_url": "http://testserver/arguments/pipes-continuity/",
            },
        )

    def test_sources_are_listed_without_their_text_which_their_own_page_has(self):
        [source] = self.client.get(list_url("source")).json()["results"]
        self.assertEqual(
            source,
            {
                "slug": "a-reference-work",
                "title": "A Reference Work",
                "kind": "encyclopedia",
                "site": "Reference Site",
                "author": "",
                "url": "",
                "published": None,
                "accessed": "2026-11-22",
                "description": "",
            },
        )
        detail = self.client.get(detail_url("source", "a-reference-work")).json()
        self.assertIn("Words from the source.", detail["text"])
        self.assertNotIn("key", detail)

    def test_the_other_shapes(self):
        question = self.client.get(detail_url("question", "continuity")).json()
        self.assertEqual(question["topic"], "stalinism")
        self.assertEqual([p["slug"] for p in question["positions"]], ["side-1", "side-2"])
        self.assertEqual(question["html_url"], "http://testserver/questions/continuity/")
        topic = self.client.get(detail_url("topic", "stalinism")).json()
        self.assertEqual(topic["questions"], ["continuity", "famine"])
        historian = self.client.get(detail_url("historian", "richard-pipes")).json()
        self.assertEqual((historian["schools"], historian["role"]), (["totalitarian"], "historian"))
        work = self.client.get(detail_url("work", "russian-revolution")).json()
        self.assertEqual(work["authors"], ["richard-pipes"])
        self.assertEqual(work["html_url"], "http://testserver/works/russian-revolution/")
        estimate = self.client.get(detail_url("estimate", "famine-deaths")).json()
        self.assertEqual(
            (estimate["question"], estimate["historian"], estimate["work"], estimate["low"], estimate["basis"]),
            ("famine", "sheila-fitzpatrick", "everyday-stalinism", 1_000_000, "post_archival"),
        )
        self.assertIsNone(self.client.get(detail_url("estimate", "famine-official")).json()["historian"])
        position = self.client.get(detail_url("position", self.break_side.pk)).json()
        self.assertEqual(position["question"], "continuity")
        self.assertEqual(position["html_url"], "http://testserver/questions/continuity/#position-side-2")

    def test_it_is_read_only(self):
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                url = list_url("argument") if method == "post" else detail_url("argument", "pipes-continuity")
                response = getattr(self.client, method)(url, {}, content_type="application/json")
                self.assertEqual(response.status_code, 405)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.delete(detail_url("argument", "pipes-continuity")).status_code, 405)
        self.assertEqual(self.client.get(detail_url("argument", "pipes-continuity")).status_code, 200)

    def test_unknown_slugs_give_404_in_json(self):
        response = self.client.get(detail_url("historian", "nobody"))
        self.assertEqual(response.status_code, 404)
        self.assertIn("detail", response.json())

    def test_the_browsable_api_and_its_root_render(self):
        response = self.client.get(reverse("api:api-root"))
        self.assertEqual(set(response.json()), {f"{basename}s" for basename in ENDPOINTS})
        response = self.client.get(list_url("argument"), HTTP_ACCEPT="text/html")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "pipes-continuity")

    def test_the_docs_page_serves_swagger_from_the_sidecar_not_a_cdn(self):
        response = self.client.get(reverse("api:docs"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
        self.assertNotContains(response, "cdn.jsdelivr.net")
        self.assertNotContains(response, "<script>")  # no inline script: the CSP forbids it
        script = self.client.get(reverse("api:docs") + "?script=")
        self.assertEqual(script.status_code, 200)
        self.assertContains(script, reverse("api:schema"))
        self.assertNotIn("'unsafe-inline'", response["Content-Security-Policy"].split("script-src")[1].split(";")[0])


class ApiPaginationTests(BaseTestCase):
    def test_it_pages_by_fifty(self):
        SchoolFactory.create_batch(53)
        first = self.client.get(list_url("school")).json()
        self.assertEqual((first["count"], len(first["results"]), first["previous"]), (53, 50, None))
        self.assertIs(first["count_is_estimate"], False)
        self.assertTrue(first["next"].endswith("/api/schools/?page=2"))
        second = self.client.get(first["next"]).json()
        self.assertEqual((len(second["results"]), second["next"]), (3, None))
        slugs = [row["slug"] for row in first["results"] + second["results"]]
        self.assertEqual(len(set(slugs)), 53)

    def test_past_the_exact_limit_the_count_may_be_an_estimate_and_next_still_walks_every_row(self):
        SchoolFactory.create_batch(120)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE historiography_school")
        with mock.patch.object(api_paging, "EXACT_COUNT_LIMIT", 20):
            # the page and one more row, a count of at most 21 rows, then (past 20) the
            # planner's estimate on PostgreSQL or an exact count elsewhere
            with self.assertNumQueries(3):
                first = self.client.get(list_url("school")).json()
            estimated = connection.vendor == "postgresql"
            self.assertIs(first["count_is_estimate"], estimated)
            if estimated:
                self.assertGreater(first["count"], 20)  # never less than is known to be there
            else:
                self.assertEqual(first["count"], 120)
            slugs, url = [], list_url("school")
            while url:
                body = self.client.get(url).json()
                slugs += [row["slug"] for row in body["results"]]
                url = body["next"]
            self.assertEqual(len(slugs), 120)
            self.assertEqual(len(set(slugs)), 120)
            self.assertEqual(
                self.client.get(list_url("school"), {"page": 3}).json()["previous"],
                "http://testserver/api/schools/?page=2",
            )
        # up to the limit the count is exact: the page and the count
        with self.assertNumQueries(2):
            body = self.client.get(list_url("school")).json()
        self.assertEqual((body["count"], body["count_is_estimate"]), (120, False))

    def test_arguments_page_by_id_after_the_last_one_seen(self):
        question = make_question(slug="many")
        made = [ArgumentFactory(position=question.positions.first()).pk for _ in range(120)]
        seen, url, urls = [], list_url("argument"), []
        while url:
            urls.append(url)
            # the rows after an id, however deep: the same queries as the first page
            with self.assertNumQueries(4):
                body = self.client.get(url).json()
            seen += [row["slug"] for row in body["results"]]
            url = body["next"]
        self.assertEqual(len(seen), 120)
        self.assertEqual(len(set(seen)), 120)
        self.assertEqual(
            urls[1:],
            [
                f"http://testserver/api/arguments/?after={made[49]}",
                f"http://testserver/api/arguments/?after={made[99]}",
            ],
        )
        # filters are kept in the links, and ?page= still answers
        body = self.client.get(list_url("argument"), {"question": "many", "page": 2}).json()
        self.assertEqual(body["next"], f"http://testserver/api/arguments/?after={made[99]}&question=many")
        self.assertEqual(
            (len(body["results"]), body["previous"]), (50, "http://testserver/api/arguments/?question=many")
        )
        for bad in ("abc", "-1", "²", str(2**64)):
            with self.subTest(after=bad):
                response = self.client.get(list_url("argument"), {"after": bad})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()), ["after"])
        # a list in another order has no such cursor: it is ignored there
        self.assertEqual(self.client.get(list_url("school"), {"after": "abc"}).status_code, 200)

    def test_a_page_past_the_end_is_a_404(self):
        SchoolFactory.create_batch(3)
        for page in ("2", "abc", "0", "-1", "²", "99999999999999999999999", "last"):
            with self.subTest(page=page):
                response = self.client.get(list_url("school"), {"page": page})
                self.assertEqual(response.status_code, 404)
                self.assertIn("detail", response.json())


class ApiTopicTests(ApiTestCase):
    def test_every_list_takes_a_topic_and_lists_only_its_rows(self):
        gaddis = HistorianFactory(
            name="John Lewis Gaddis", slug="john-lewis-gaddis", schools=[SchoolFactory(slug="orthodox")]
        )
        known = WorkFactory(slug="we-now-know", year=1997)
        known.authors.add(gaddis)
        read = SourceFactory(slug="cold-war-source", title="The Cold War", key="")
        ArgumentFactory(
            slug="gaddis-origins", historian=gaddis, position=self.origins.positions.first(), work=known, source=read
        )
        EstimateFactory(slug="cold-war-cost", question=self.origins, historian=gaddis, work=known, source=read)
        origins_positions = set(self.origins.positions.values_list("pk", flat=True))
        cold_war = {
            "topic": {"cold-war"},
            "question": {"origins"},
            "position": origins_positions,
            "argument": {"gaddis-origins"},
            "historian": {"john-lewis-gaddis"},
            "school": {"orthodox"},
            "work": {"we-now-know"},
            "source": {"cold-war-source"},
            "estimate": {"cold-war-cost"},
        }
        for basename in ENDPOINTS:
            with self.subTest(endpoint=basename):
                response = self.client.get(list_url(basename), {"topic": "cold-war"})
                self.assertEqual(keys(response), cold_war[basename])
                response = self.client.get(list_url(basename), {"topic": "stalinism"})
                self.assertEqual(keys(response), self.published[basename] - cold_war[basename] - origins_positions)
                response = self.client.get(list_url(basename), {"topic": "no-such-topic"})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(list(response.json()), ["topic"])


class ApiSchemaTests(ApiTestCase):
    # A valid value for every filter of every list, and what it lists. The test fails when
    # the schema declares a filter missing here, so a new filter cannot go untested.
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.valid_filters = {
            "/api/topics/": {"topic": ("stalinism", {"stalinism"})},
            "/api/schools/": {"topic": ("stalinism", {"totalitarian", "revisionist"})},
            "/api/sources/": {"topic": ("stalinism", {"a-reference-work"})},
            "/api/questions/": {"topic": ("cold-war", {"origins"}), "standing": ("consensus", {"origins"})},
            "/api/positions/": {
                "topic": ("cold-war", set(cls.origins.positions.values_list("pk", flat=True))),
                "question": ("continuity", {cls.lenin_side.pk, cls.break_side.pk}),
            },
            "/api/arguments/": {
                "topic": ("stalinism", cls.published["argument"]),
                "question": ("continuity", {"pipes-continuity", "trotsky-betrayal"}),
                "position": (cls.break_side.pk, {"trotsky-betrayal"}),
                "school": ("totalitarian", {"pipes-continuity"}),
                "decade": ("1990", {"pipes-continuity", "fitzpatrick-famine"}),
                "tag": ("ideology", {"pipes-continuity", "fitzpatrick-famine"}),
                "historian": ("leon-trotsky", {"trotsky-betrayal"}),
                "role": ("participant", {"trotsky-betrayal"}),
            },
            "/api/historians/": {
                "topic": ("stalinism", cls.published["historian"]),
                "role": ("participant", {"leon-trotsky"}),
                "school": ("revisionist", {"sheila-fitzpatrick"}),
            },
            "/api/works/": {
                "topic": ("stalinism", cls.published["work"]),
                "author": ("richard-pipes", {"russian-revolution"}),
                "kind": ("speech", {"revolution-betrayed"}),
            },
            "/api/estimates/": {
                "topic": ("stalinism", cls.published["estimate"]),
                "question": ("famine", {"famine-deaths", "famine-official"}),
                "basis": ("official", {"famine-official"}),
            },
        }
        # Values that name something real but unpublished are as invalid as nonsense.
        cls.invalid_filters = [
            ("/api/arguments/", {"decade": "abc"}),
            ("/api/arguments/", {"decade": "1995"}),
            ("/api/arguments/", {"school": "no-such"}),
            ("/api/arguments/", {"position": "abc"}),
            ("/api/arguments/", {"position": str(cls.draft_position.pk)}),
            ("/api/arguments/", {"question": "draft-question"}),
            ("/api/questions/", {"topic": "draft-topic"}),
            ("/api/arguments/", {"topic": "draft-topic"}),
            ("/api/schools/", {"topic": "draft-topic"}),
            ("/api/estimates/", {"question": "in-draft-topic"}),
        ]

    def schema(self):
        response = self.client.get(reverse("api:schema"), {"format": "json"})
        self.assertEqual(response.status_code, 200)
        return json.loads(response.content)

    def declared_filters(self):
        """{list path: the query parameters its GET declares, bar `page` and `after`}."""
        return {
            path: {p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"} - {"page", "after"}
            for path, item in self.schema()["paths"].items()
            if item["get"]["operationId"].endswith("_list")
        }

    def test_the_schema_validates_and_generates_without_warnings(self):
        validate_schema(self.schema())
        with tempfile.TemporaryDirectory() as folder:
            # --fail-on-warn: an unresolved type or filter would fail here.
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(Path(folder) / "schema.yaml"))

    def test_every_list_endpoint_is_in_the_schema(self):
        self.assertEqual(set(self.declared_filters()), {list_url(basename) for basename in ENDPOINTS})

    def test_every_declared_filter_works_with_a_valid_value(self):
        declared = self.declared_filters()
        self.assertEqual({path: set(filters) for path, filters in self.valid_filters.items()}, declared)
        for path, filters in self.valid_filters.items():
            for name, (value, expected) in filters.items():
                with self.subTest(path=path, filter=name):
                    response = self.client.get(path, {name: value})
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(keys(response), expected)

    def test_every_declared_filter_refuses_an_invalid_value_with_a_message(self):
        every_filter = [
            (path, {name: "no-such-value"}) for path, names in self.declared_filters().items() for name in names
        ]
        for path, params in every_filter + self.invalid_filters:
            with self.subTest(path=path, params=params):
                response = self.client.get(path, params)
                self.assertEqual(response.status_code, 400)
                (name,) = params
                self.assertEqual(list(response.json()), [name])
                self.assertIn("valid choice", response.json()[name][0])

    def test_filters_combine(self):
        response = self.client.get(
            list_url("argument"), {"question": "continuity", "role": "historian", "decade": "1990"}
        )
        self.assertEqual(keys(response), {"pipes-continuity"})


class ApiQueryCountTests(BaseTestCase):
    """Each list runs a fixed number of queries, whatever the rows (as tests/test_query_counts.py)."""

    def make_rows(self, count):
        """`count` of everything: topics, questions, positions, historians, works, arguments, estimates."""
        schools = [SchoolFactory(slug=f"school-a-{count}"), SchoolFactory(slug=f"school-b-{count}")]
        for n in range(count):
            question = make_question(topic=TopicFactory(), slug=f"question-{count}-{n}")
            historian = HistorianFactory(schools=schools[: 1 + n % 2])
            work = WorkFactory()
            work.authors.add(historian)
            ArgumentFactory(
                historian=historian,
                position=question.positions.first(),
                work=work,
                tags=[f"tag-{n % 3}", "shared"],
                year=1950 + n % 10,
            )
            EstimateFactory(question=question, historian=historian, work=work)
        return question

    def assert_constant(self, queries, url_for):
        """`url_for(question, count)` gives the URL to load once the rows exist."""
        for count in (5, 50):
            with self.subTest(rows=count):
                url = url_for(self.make_rows(count), count)
                with self.assertNumQueries(queries):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(len(response.json()["results"]), 1)

    def test_topics(self):
        # count, page of topics, their published questions
        self.assert_constant(3, lambda q, n: list_url("topic"))

    def test_questions(self):
        # count, page of questions (topic joined), their positions
        self.assert_constant(3, lambda q, n: list_url("question"))

    def test_positions(self):
        # count, page of positions (question joined)
        self.assert_constant(2, lambda q, n: list_url("position"))

    def test_arguments(self):
        # count, page of arguments (historian, school, source, position, question, work
        # joined), a school view's named examples, tags
        self.assert_constant(4, lambda q, n: list_url("argument"))

    def test_arguments_filtered(self):
        # as above, plus one lookup per bound model-choice filter (question, school, tag)
        self.assert_constant(
            7,
            lambda q, n: (
                f"{list_url('argument')}?question={q.slug}&school=school-a-{n}&tag=shared&decade=1950&role=historian"
            ),
        )

    def test_historians(self):
        # count, page of historians, their schools
        self.assert_constant(3, lambda q, n: list_url("historian"))

    # Filtered by topic: as unfiltered, plus the lookup of the bound topic.
    def test_arguments_of_a_topic(self):
        # the topic, then as test_arguments (examples +1 since issue 11)
        self.assert_constant(5, lambda q, n: f"{list_url('argument')}?topic={q.topic.slug}")

    def test_historians_of_a_topic(self):
        self.assert_constant(4, lambda q, n: f"{list_url('historian')}?topic={q.topic.slug}")

    def test_schools_of_a_topic(self):
        self.assert_constant(3, lambda q, n: f"{list_url('school')}?topic={q.topic.slug}")

    def test_works_of_a_topic(self):
        self.assert_constant(4, lambda q, n: f"{list_url('work')}?topic={q.topic.slug}")

    def test_estimates_of_a_topic(self):
        self.assert_constant(3, lambda q, n: f"{list_url('estimate')}?topic={q.topic.slug}")

    def test_historians_filtered(self):
        # as above, plus the lookup of the bound school
        self.assert_constant(4, lambda q, n: f"{list_url('historian')}?school=school-b-{n}&role=historian")

    def test_schools(self):
        # count, page of schools
        self.assert_constant(2, lambda q, n: list_url("school"))

    def test_works(self):
        # count, page of works, their authors
        self.assert_constant(3, lambda q, n: list_url("work"))

    def test_sources(self):
        # count, page of sources (without their text)
        self.assert_constant(2, lambda q, n: list_url("source"))

    def test_estimates(self):
        # count, page of estimates (question, historian, work, source joined)
        self.assert_constant(2, lambda q, n: list_url("estimate"))

    def test_details(self):
        question = self.make_rows(5)
        argument = question.positions.first().arguments.get()
        historian = argument.historian
        cases = [
            # the topic, its questions
            (2, detail_url("topic", question.topic.slug)),
            # the question (topic joined), its positions
            (2, detail_url("question", question.slug)),
            # the position (question joined)
            (1, detail_url("position", argument.position_id)),
            # the argument (joined), its examples, its tags
            (3, detail_url("argument", argument.slug)),
            # the source, with its text
            (1, detail_url("source", argument.source.slug)),
            # the historian, their schools
            (2, detail_url("historian", historian.slug)),
            (1, detail_url("school", "school-a-5")),
            # the work, its authors
            (2, detail_url("work", argument.work.slug)),
            (1, detail_url("estimate", question.estimates.get().slug)),
        ]
        for queries, url in cases:
            with self.subTest(url=url), self.assertNumQueries(queries):
                self.assertEqual(self.client.get(url).status_code, 200)


class ApiStandingTests(BaseTestCase):
    def test_where_the_scholarship_stands_is_in_the_api(self):
        question = make_question(
            slug="tolls",
            standing=Standing.CONSENSUS,
            standing_source=SourceFactory(),
            standing_section="Estimates",
            standing_passage="Words from the source.",
        )
        low = question.positions.first()
        Position.objects.filter(pk=low.pk).update(
            standing="consensus", standing_note="A Reference Work gives the range."
        )
        EstimateFactory(question=question, slug="band", is_consensus=True)
        data = self.client.get("/api/questions/tolls/").json()
        self.assertEqual(
            (data["standing"], data["standing_source"], data["standing_passage"]),
            ("consensus", "a-reference-work", "Words from the source."),
        )
        self.assertEqual(data["positions"][0]["standing"], "consensus")
        self.assertEqual(data["positions"][0]["standing_note"], "A Reference Work gives the range.")
        estimates = self.client.get("/api/estimates/?question=tolls").json()["results"]
        self.assertEqual([e["is_consensus"] for e in estimates], [True])
