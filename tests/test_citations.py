"""Citations to take away (BibTeX, CSL-JSON, Chicago notes), the printable handout, the
bibliography and the AIF export. Parsed with real parsers, not string checks."""

import json

import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import splitname
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.urls import reverse

from historiography import citations
from historiography.models import ArgumentRelation, Attribution, Role, Status, WorkKind

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, WorkFactory, make_question


def parse_bibtex(text):
    parser = BibTexParser(common_strings=True)
    return bibtexparser.loads(text, parser=parser).entries


def render_csl(items):
    """Format CSL-JSON items with citeproc-py's bundled Harvard (Cite Them Right) style, as a
    reference manager would."""
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False), source, formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


QUOTED = 'Historians, as the source says, "disagree about nearly everything" and always will.'
OWN_WORDS = {"attribution": Attribution.OWN_WORDS, "passage": QUOTED, "words": "disagree about nearly everything"}


class CitationFixtures(BaseTestCase):
    """A question with a historian's own words quoted from their own work, a view the
    source reports about someone else's work, one by an institution with no work, and a
    draft; all read in one source."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(slug="continuity")
        cls.continuity, cls.discontinuity = cls.question.positions.order_by("order")
        cls.conquest = HistorianFactory(name="Robert Conquest", sort_name="Conquest, Robert")
        cls.great_terror = WorkFactory(
            title="The Great Terror & After", slug="great-terror", year=1968, kind=WorkKind.BOOK, publisher="Macmillan"
        )
        cls.great_terror.authors.set([cls.conquest])
        cls.with_work = ArgumentFactory(
            historian=cls.conquest,
            position=cls.continuity,
            work=cls.great_terror,
            year=1968,
            locator="p. 12",
            slug="conquest-terror",
            **OWN_WORDS,
        )
        cls.lewin = HistorianFactory(name="Moshe Lewin", sort_name="Lewin, Moshe")
        lenin = HistorianFactory(name="Vladimir Lenin", sort_name="Lenin, Vladimir", role=Role.PARTICIPANT)
        testament = WorkFactory(title="Lenin's Testament", slug="testament", year=1923, kind=WorkKind.DOCUMENT)
        testament.authors.set([lenin])
        cls.about_another_work = ArgumentFactory(
            historian=cls.lewin, position=cls.discontinuity, work=testament, year=None, slug="lewin-testament"
        )
        cls.parliament = HistorianFactory(
            name="European Parliament", sort_name="European Parliament", role=Role.OFFICIAL
        )
        cls.without_work = ArgumentFactory(
            historian=cls.parliament, position=cls.discontinuity, work=None, year=2008, slug="ep-2008"
        )
        cls.draft = ArgumentFactory(position=cls.continuity, status=Status.DRAFT, claim="Draft words", slug="draft-one")


class CitationTests(CitationFixtures):
    def test_argument_bibtex_parses_with_author_title_year_and_provenance(self):
        response = self.client.get(reverse("historiography:argument-bibtex", args=[self.with_work.slug]))
        self.assertEqual(response["Content-Type"], "application/x-bibtex; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="conquest-terror.bib"')
        [entry] = parse_bibtex(response.content.decode())
        self.assertEqual(entry["ENTRYTYPE"], "book")
        self.assertEqual(entry["author"], "Conquest, Robert")
        self.assertEqual(entry["title"], r"{The Great Terror \& After}")
        self.assertEqual(entry["year"], "1968")
        self.assertEqual(entry["pages"], "12")  # the locator's page, not "p. 12" (styles add their own "p.")
        self.assertEqual(
            entry["note"], "Quoted in “A Reference Work,” Reference Site, Historiography, accessed November 22, 2026."
        )

    def test_a_reported_view_cites_the_source_with_its_site_as_one_author(self):
        [entry] = parse_bibtex(
            self.client.get(reverse("historiography:argument-bibtex", args=[self.without_work.slug])).content.decode()
        )
        self.assertEqual(entry["author"], "{Reference Site}")  # braces: one institutional name, not two people
        self.assertEqual(entry["title"], "{A Reference Work}")
        self.assertEqual(entry["ENTRYTYPE"], "misc")
        self.assertEqual(entry["urldate"], "2026-11-22")
        self.assertEqual(entry["note"], "Historiography. Reports the view of European Parliament.")

    def test_work_bibtex_and_csl(self):
        [entry] = parse_bibtex(
            self.client.get(reverse("historiography:work-bibtex", args=["great-terror"])).content.decode()
        )
        self.assertEqual(
            (entry["author"], entry["year"], entry["publisher"]), ("Conquest, Robert", "1968", "Macmillan")
        )
        response = self.client.get(reverse("historiography:work-csl", args=["great-terror"]))
        self.assertEqual(response["Content-Type"], "application/vnd.citationstyles.csl+json; charset=utf-8")
        [item] = json.loads(response.content)
        self.assertEqual(item["author"], [{"family": "Conquest", "given": "Robert"}])
        self.assertEqual(item["issued"], {"date-parts": [[1968]]})
        [rendered] = render_csl([item])
        self.assertIn("Conquest", rendered)
        self.assertIn("The Great Terror & After", rendered)
        self.assertIn("1968", rendered)

    def test_argument_csl_renders_in_a_citation_processor(self):
        items = []
        for argument in (self.with_work, self.without_work):
            response = self.client.get(reverse("historiography:argument-csl", args=[argument.slug]))
            items += json.loads(response.content)
        self.assertEqual(items[1]["author"], [{"literal": "Reference Site"}])
        self.assertEqual(items[1]["accessed"], {"date-parts": [[2026, 11, 22]]})
        self.assertEqual((items[0]["locator"], items[0]["page"]), ("p. 12", "12"))
        rendered = " ".join(render_csl(items))
        self.assertIn("Conquest", rendered)
        self.assertIn("Reference Site", rendered)
        self.assertIn("A Reference Work", rendered)
        self.assertNotIn("European Parliament", rendered.split("Reports the view")[0])

    def test_a_view_the_source_reports_is_cited_to_the_source_never_to_the_person(self):
        response = self.client.get(self.about_another_work.get_absolute_url())
        self.assertContains(
            response,
            "“A Reference Work,” Reference Site, Historiography, accessed November 22, 2026. "
            "Reports the view of Moshe Lewin.",
        )
        self.assertNotContains(response, "Moshe Lewin, quoted in")
        [entry] = parse_bibtex(
            self.client.get(
                reverse("historiography:argument-bibtex", args=[self.about_another_work.slug])
            ).content.decode()
        )
        self.assertEqual(entry["author"], "{Reference Site}")
        self.assertNotIn("Lewin", entry["author"])
        self.assertNotIn("Testament", entry["title"])

    def test_pages_offer_the_citation_as_selectable_text(self):
        response = self.client.get(self.with_work.get_absolute_url())
        self.assertContains(
            response,
            "Robert Conquest, <cite>The Great Terror &amp; After</cite> (Macmillan, 1968), p. 12, quoted in "
            "“A Reference Work,” Reference Site, Historiography, accessed November 22, 2026.",
            html=False,
        )
        self.assertContains(response, '<textarea id="cite-bibtex" readonly')
        self.assertContains(response, reverse("historiography:argument-csl", args=[self.with_work.slug]))
        self.assertContains(response, "js/copy.js")
        response = self.client.get(self.great_terror.get_absolute_url())
        self.assertContains(response, "@book{conquest1968great,")

    def test_drafts_and_unknown_slugs_are_404(self):
        for name, slug in [
            ("argument-bibtex", "draft-one"),
            ("argument-csl", "draft-one"),
            ("argument-csl", "nope"),
            ("work-bibtex", "nope"),
        ]:
            with self.subTest(name=name, slug=slug):
                self.assertEqual(self.client.get(reverse(f"historiography:{name}", args=[slug])).status_code, 404)
        draft_question = make_question(slug="draft-q", status=Status.DRAFT)
        for name in ["question-handout", "question-bibliography", "question-aif"]:
            with self.subTest(name=name):
                self.assertEqual(
                    self.client.get(reverse(f"historiography:{name}", args=[draft_question.slug])).status_code, 404
                )

    def test_bibliography_lists_each_source_once(self):
        for n in range(2):  # two arguments from the work itself, read in no source
            ArgumentFactory(
                historian=self.conquest, position=self.discontinuity, work=self.great_terror, source=None, passage=""
            )
        response = self.client.get(reverse("historiography:question-bibliography", args=[self.question.slug]))
        items = json.loads(response.content)
        ids = [item["id"] for item in items]
        self.assertEqual(len(ids), len(set(ids)))
        # the work once; the quotation of Conquest as quoted in the source; the source once for
        # the two views it reports
        self.assertEqual(sorted(ids), ["argument-conquest-terror", "source-a-reference-work", "work-great-terror"])
        self.assertEqual(len(render_csl(items)), len(items))

    def test_handout_has_every_published_argument_and_no_draft(self):
        response = self.client.get(reverse("historiography:question-handout", args=[self.question.slug]))
        for argument in (self.with_work, self.about_another_work, self.without_work):
            self.assertContains(response, argument.claim)
        self.assertNotContains(response, "Draft words")
        self.assertContains(response, "print.css")

    def test_aif_graph_is_well_formed(self):
        ArgumentRelation.objects.create(source=self.about_another_work, target=self.with_work, kind="rebuts")
        ArgumentRelation.objects.create(source=self.without_work, target=self.about_another_work, kind="supports")
        response = self.client.get(reverse("historiography:question-aif", args=[self.question.slug]))
        self.assertEqual(response["Content-Type"], "application/json")
        graph = json.loads(response.content)
        nodes = {node["nodeID"]: node for node in graph["nodes"]}
        self.assertEqual(len(nodes), len(graph["nodes"]), "node ids are unique")
        i_nodes = [node for node in graph["nodes"] if node["type"] == "I"]
        self.assertEqual(len(i_nodes), 3 + 2)  # three published arguments, two positions
        self.assertNotIn("Draft words", [node["text"] for node in i_nodes])
        for edge in graph["edges"]:
            self.assertIn(edge["fromID"], nodes)
            self.assertIn(edge["toID"], nodes)
        for node in graph["nodes"]:
            if node["type"] in ("RA", "CA"):
                incoming = [e for e in graph["edges"] if e["toID"] == node["nodeID"]]
                outgoing = [e for e in graph["edges"] if e["fromID"] == node["nodeID"]]
                self.assertEqual((len(incoming), len(outgoing)), (1, 1), node)
                self.assertEqual(nodes[incoming[0]["fromID"]]["type"], "I")
                self.assertEqual(nodes[outgoing[0]["toID"]]["type"], "I")
        kinds = [node["type"] for node in graph["nodes"]]
        # 3 arguments support their positions + 1 supports relation; 2 position conflicts + 1 rebuttal
        self.assertEqual((kinds.count("RA"), kinds.count("CA")), (4, 3))

    def test_csl_items_use_only_csl_variables(self):
        # csl-data.json forbids other keys (additionalProperties: false)
        allowed = {"id", "type", "title", "author", "issued", "accessed", "container-title", "publisher", "URL"}
        allowed |= {"locator", "page", "note"}
        response = self.client.get(reverse("historiography:question-bibliography", args=[self.question.slug]))
        for item in json.loads(response.content):
            with self.subTest(item=item["id"]):
                self.assertLessEqual(set(item), allowed)
                self.assertTrue(item["title"])
                for name in item.get("author", []):
                    self.assertTrue(
                        set(name) in ({"literal"}, {"family", "given"}, {"family", "given", "non-dropping-particle"}),
                        name,
                    )

    def test_a_published_argument_on_a_draft_question_is_404(self):
        self.question.status = Status.DRAFT
        self.question.save()
        for name in ["argument-bibtex", "argument-csl", "argument-ris"]:
            with self.subTest(name=name):
                self.assertEqual(
                    self.client.get(reverse(f"historiography:{name}", args=[self.with_work.slug])).status_code, 404
                )
        # a work has no status: its citation stays public
        self.assertEqual(self.client.get(reverse("historiography:work-bibtex", args=["great-terror"])).status_code, 200)

    def test_question_page_links_to_its_exports(self):
        response = self.client.get(self.question.get_absolute_url())
        for name in ["question-handout", "question-bibliography", "question-aif"]:
            self.assertContains(response, reverse(f"historiography:{name}", args=[self.question.slug]))

    def test_handout_ends_with_an_alphabetical_bibliography(self):
        for slug in ("conquest-again", "conquest-once-more"):
            ArgumentFactory(
                historian=self.conquest,
                position=self.discontinuity,
                work=self.great_terror,
                source=None,
                passage="",
                slug=slug,
            )
        response = self.client.get(reverse("historiography:question-handout", args=[self.question.slug]))
        html = response.content.decode()
        bibliography = html[html.index('id="bibliography-head"') :]
        entries = [
            "“A Reference Work.” Reference Site. Accessed November 22, 2026.",
            "Conquest, Robert. <cite>The Great Terror &amp; After</cite>. Macmillan, 1968.</li>",
            "Conquest, Robert. <cite>The Great Terror &amp; After</cite>. Macmillan, 1968. "
            "Quoted in “A Reference Work.”",
        ]
        positions = [bibliography.index(entry) for entry in entries]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(bibliography.count(entries[1]), 1, "a work cited twice is listed once")
        self.assertEqual(bibliography.count("<li>" + entries[0]), 1, "a source two views come from is listed once")
        self.assertNotIn("Lewin, Moshe", bibliography, "a reported view does not make its person an author")
        self.assertNotIn("Draft words", bibliography)


class ChicagoTests(BaseTestCase):
    """The note and the bibliography entry follow the kind of work, as Chicago has it."""

    def work(self, kind, authors, **fields):
        work = WorkFactory(kind=kind, **fields)
        work.authors.set(authors)
        return work

    def test_book_titles_in_italics_others_in_quotation_marks(self):
        fitzpatrick = HistorianFactory(name="Sheila Fitzpatrick", sort_name="Fitzpatrick, Sheila")
        khrushchev = HistorianFactory(name="Nikita Khrushchev", sort_name="Khrushchev, Nikita", role=Role.PARTICIPANT)
        book = self.work(
            WorkKind.BOOK, [fitzpatrick], title="Everyday Stalinism", year=1999, publisher="Oxford University Press"
        )
        article = self.work(
            WorkKind.ARTICLE,
            [fitzpatrick],
            title="New Perspectives on Stalinism",
            year=1986,
            publisher="Russian Review",
        )
        speech = self.work(
            WorkKind.SPEECH, [khrushchev], title='On the Cult of Personality ("Secret Speech")', year=1956
        )
        cases = [
            (
                book,
                "Sheila Fitzpatrick, <cite>Everyday Stalinism</cite> (Oxford University Press, 1999).",
                "Fitzpatrick, Sheila. <cite>Everyday Stalinism</cite>. Oxford University Press, 1999.",
            ),
            (
                article,
                "Sheila Fitzpatrick, “New Perspectives on Stalinism,” <cite>Russian Review</cite> (1986).",
                "Fitzpatrick, Sheila. “New Perspectives on Stalinism.” <cite>Russian Review</cite>, 1986.",
            ),
            (
                speech,
                "Nikita Khrushchev, “On the Cult of Personality (‘Secret Speech’)” (speech, 1956).",
                "Khrushchev, Nikita. “On the Cult of Personality (‘Secret Speech’).” Speech, 1956.",
            ),
        ]
        for work, note, entry in cases:
            with self.subTest(kind=work.kind):
                self.assertEqual(citations.chicago_note_html(work), note)
                self.assertEqual(citations.chicago_entry_html(work), entry)
        self.assertEqual(
            citations.chicago_note(book), "Sheila Fitzpatrick, Everyday Stalinism (Oxford University Press, 1999)."
        )

    def test_html_is_escaped(self):
        author = HistorianFactory(name="<b>Bold</b>", sort_name="<b>Bold</b>")
        work = self.work(WorkKind.BOOK, [author], title="<script>x</script>", year=None)
        self.assertEqual(
            citations.chicago_note_html(work), "&lt;b&gt;Bold&lt;/b&gt;, <cite>&lt;script&gt;x&lt;/script&gt;</cite>."
        )

    def test_authors_two_three_and_more(self):
        people = [HistorianFactory(name=f"Ann Author{n}", sort_name=f"Author{n}, Ann") for n in range(4)]
        self.assertTrue(
            citations.chicago_note(self.work(WorkKind.BOOK, people[:2], title="T", year=None)).startswith(
                "Ann Author0 and Ann Author1, "
            )
        )
        self.assertTrue(
            citations.chicago_note(self.work(WorkKind.BOOK, people[:3], title="T", year=None)).startswith(
                "Ann Author0, Ann Author1, and Ann Author2, "
            )
        )
        four = self.work(WorkKind.BOOK, people, title="T", year=None)
        self.assertTrue(citations.chicago_note(four).startswith("Ann Author0 et al., "))
        self.assertTrue(
            citations.chicago_entry(four).startswith("Author0, Ann, Ann Author1, Ann Author2, and Ann Author3. ")
        )

    def test_particles_accents_and_co_authors(self):
        van_ree = HistorianFactory(name="Erik van Ree", sort_name="Ree, Erik van")
        broue = HistorianFactory(name="Pierre Broué", sort_name="Broué, Pierre")
        work = self.work(WorkKind.BOOK, [broue, van_ree], title="Écrits", year=1980)
        argument = ArgumentFactory(historian=van_ree, work=work, year=1980, locator="pp. 12-15", **OWN_WORDS)
        [entry] = parse_bibtex(citations.argument_bibtex(argument))
        self.assertTrue(entry["ID"].startswith("broue1980"), entry["ID"])  # the key is ASCII
        names = [splitname(name) for name in entry["author"].split(" and ")]
        self.assertEqual(names[0], {"first": ["Pierre"], "von": [], "last": ["Broué"], "jr": []})
        self.assertEqual(names[1], {"first": ["Erik"], "von": ["van"], "last": ["Ree"], "jr": []})
        self.assertEqual(entry["pages"], "12–15")
        item = citations.argument_csl(argument)
        self.assertEqual(item["author"][1], {"family": "Ree", "given": "Erik", "non-dropping-particle": "van"})
        self.assertEqual(item["page"], "12–15")
        self.assertIn(
            "Pierre Broué and Erik van Ree, <cite>Écrits</cite> (1980), pp. 12-15, quoted in",
            citations.chicago_note_html(argument),
        )
        rendered = " ".join(render_csl([item]))
        self.assertIn("van Ree", rendered)

    def test_a_locator_that_is_not_a_page_goes_in_the_note(self):
        author = HistorianFactory(name="Robert Service", sort_name="Service, Robert")
        work = self.work(WorkKind.BOOK, [author], title="Stalin", year=2004)
        argument = ArgumentFactory(historian=author, work=work, locator="ch. 3", **OWN_WORDS)
        [entry] = parse_bibtex(citations.argument_bibtex(argument))
        self.assertNotIn("pages", entry)
        self.assertTrue(entry["note"].startswith("ch. 3. Quoted in"), entry["note"])
        item = citations.argument_csl(argument)
        self.assertEqual(item["locator"], "ch. 3")
        self.assertNotIn("page", item)


class ExportQueryCountTests(BaseTestCase):
    def make_question_with(self, count):
        question = make_question()
        positions = list(question.positions.all())
        work = WorkFactory()
        historians = [HistorianFactory() for _ in range(3)]
        work.authors.set(historians[:2])
        arguments = [
            ArgumentFactory(
                historian=historians[n % 3], position=positions[n % 2], work=work if n % 2 else None, tags=["t"]
            )
            for n in range(count)
        ]
        for source, target in zip(arguments[1:], arguments[:-1]):
            ArgumentRelation.objects.create(source=source, target=target, kind="rebuts")
        return question, arguments[1]

    def test_each_export_runs_a_fixed_number_of_queries(self):
        pages = [
            # question (topic, standing's source joined), positions, arguments (historian, school,
            # source, work joined), work authors, school views' named examples, estimates
            (6, lambda q, a: reverse("historiography:question-handout", args=[q.slug])),
            # question, positions, arguments (historian, school, source, work joined), work authors
            (4, lambda q, a: reverse("historiography:question-bibliography", args=[q.slug])),
            # question, positions, arguments, relations
            (4, lambda q, a: reverse("historiography:question-aif", args=[q.slug])),
            # argument (historian, school, source, work joined), work authors
            (2, lambda q, a: reverse("historiography:argument-bibtex", args=[a.slug])),
            (2, lambda q, a: reverse("historiography:argument-csl", args=[a.slug])),
            (2, lambda q, a: reverse("historiography:argument-ris", args=[a.slug])),
        ]
        for queries, url_for in pages:
            for count in (3, 20):
                question, argument = self.make_question_with(count)
                url = url_for(question, argument)
                with self.subTest(url=url), self.assertNumQueries(queries):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_work_citations_run_a_fixed_number_of_queries(self):
        # work, its authors; the same for 1 or 6 authors and 2 or 20 arguments citing it
        for authors, arguments in ((1, 2), (6, 20)):
            work = WorkFactory()
            work.authors.set([HistorianFactory() for _ in range(authors)])
            ArgumentFactory.create_batch(arguments, work=work)
            for name in ["work-bibtex", "work-csl", "work-ris"]:
                url = reverse(f"historiography:{name}", args=[work.slug])
                with self.subTest(url=url, authors=authors), self.assertNumQueries(2):
                    self.assertEqual(self.client.get(url).status_code, 200)


class ReferenceManagerTests(CitationFixtures):
    """RIS downloads and the Highwire <meta name="citation_*"> tags Zotero's connector reads."""

    def meta_tags(self, url):
        from html.parser import HTMLParser

        found = []

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "meta" and attrs.get("name", "").startswith("citation_"):
                    found.append((attrs["name"], attrs["content"]))

        Parser().feed(self.client.get(url).content.decode())
        return found

    def test_ris_parses_with_author_title_year(self):
        import rispy

        response = self.client.get(reverse("historiography:argument-ris", args=[self.with_work.slug]))
        self.assertEqual(response["Content-Type"], "application/x-research-info-systems; charset=utf-8")
        [entry] = rispy.loads(response.content.decode())
        self.assertEqual(entry["type_of_reference"], "BOOK")
        self.assertEqual(entry["authors"], ["Conquest, Robert"])
        self.assertEqual(entry["title"], "The Great Terror & After")
        self.assertEqual(entry["year"], "1968")
        self.assertEqual(entry["start_page"], "12")
        [entry] = rispy.loads(
            self.client.get(reverse("historiography:work-ris", args=["great-terror"])).content.decode()
        )
        self.assertEqual((entry["publisher"], entry["authors"]), ("Macmillan", ["Conquest, Robert"]))
        [entry] = rispy.loads(
            self.client.get(reverse("historiography:argument-ris", args=[self.without_work.slug])).content.decode()
        )
        self.assertEqual(
            (entry["type_of_reference"], entry["authors"], entry["title"]),
            ("ENCYC", ["Reference Site"], "A Reference Work"),
        )
        self.assertEqual(entry["access_date"], "2026-11-22")
        self.assertEqual(self.client.get(reverse("historiography:argument-ris", args=["draft-one"])).status_code, 404)

    def test_pages_carry_highwire_meta_tags(self):
        self.assertEqual(
            self.meta_tags(self.with_work.get_absolute_url()),
            [
                ("citation_title", "The Great Terror & After"),
                ("citation_author", "Conquest, Robert"),
                ("citation_publication_date", "1968"),
                ("citation_publisher", "Macmillan"),
                ("citation_firstpage", "12"),
            ],
        )
        self.assertEqual(
            self.meta_tags(self.about_another_work.get_absolute_url()),
            [
                ("citation_title", "A Reference Work"),
                ("citation_author", "Reference Site"),
                ("citation_publisher", "Reference Site"),
            ],
        )
        self.assertIn(
            ("citation_title", "The Great Terror & After"), self.meta_tags(self.great_terror.get_absolute_url())
        )
