"""The Argdown export: what it writes, how user text is kept inert, a fixed number of
queries, and (where node and @argdown/core are installed) that Argdown's own parser reads
it without an error into the statements, arguments and relations we meant."""

import json
import shutil
import subprocess
import unittest
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from historiography import argdown
from historiography.models import ArgumentRelation, Attribution, PositionStanding, Status

from .base import BaseTestCase
from .factories import ArgumentFactory, HistorianFactory, WorkFactory, make_question

PARSER = Path(settings.BASE_DIR) / "tests" / "argdown_parse.mjs"
NODE = shutil.which("node")
HAVE_ARGDOWN = (Path(settings.BASE_DIR) / "node_modules" / "@argdown" / "core").is_dir()
HOSTILE = "Claims [x]: <y> #tag @[Who] *bold* _it_ // not a comment {a: 1} \\ -> <z>"


def parse(text):
    """What @argdown/core's parser and model plugins make of `text`."""
    result = subprocess.run(["node", str(PARSER)], input=text, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


class ArgdownTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.question = make_question(positions=3, title="Was the terror [centrally] directed?", slug="terror")
        cls.centre, cls.below, cls.both = cls.question.positions.all()
        cls.centre.standing, cls.centre.standing_note = PositionStanding.MAJORITY, "As A Reference Work reports."
        cls.centre.save()
        conquest = HistorianFactory(name="Robert Conquest")
        getty = HistorianFactory(name="J. Arch Getty")
        cls.work = WorkFactory(title="The Great Terror", year=1968)
        cls.work.authors.set([conquest])
        cls.conquest = ArgumentFactory(
            historian=conquest,
            position=cls.centre,
            year=1968,
            work=cls.work,
            locator="p. 12",
            claim="Stalin planned the terror.",
            attribution=Attribution.OWN_WORDS,
            words="The Great Terror was [...] Stalin's work.",
            passage="The Great Terror was [...] Stalin's work.",
        )
        cls.getty = ArgumentFactory(historian=getty, position=cls.below, year=1985, work=None, claim=HOSTILE)
        cls.getty_again = ArgumentFactory(
            historian=getty, position=cls.below, year=1985, work=None, claim="Regions asked for more."
        )
        cls.draft = ArgumentFactory(historian=getty, position=cls.both, status=Status.DRAFT, claim="Draft words.")
        ArgumentRelation.objects.create(source=cls.getty, target=cls.conquest, kind="rebuts")
        ArgumentRelation.objects.create(source=cls.getty_again, target=cls.getty, kind="supports")
        ArgumentRelation.objects.create(source=cls.conquest, target=cls.getty_again, kind="qualifies")
        ArgumentRelation.objects.create(source=cls.draft, target=cls.conquest, kind="rebuts")
        cls.url = reverse("historiography:question-argdown", args=[cls.question.slug])


class ArgdownExportTests(ArgdownTestCase):
    def test_it_is_plain_text_to_download(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="terror.argdown"')

    def test_it_writes_positions_arguments_and_relations(self):
        text = self.client.get(self.url).content.decode()
        self.assertIn("# Was the terror \\[centrally\\] directed?", text)
        self.assertIn("[Side 1]: Side 1 #(majority view)", text)
        self.assertIn("// Majority view: As A Reference Work reports.", text)
        self.assertIn("<Robert Conquest, 1968>: Stalin planned the terror.\n", text)
        # verbatim, not escaped; the person's words said to be theirs, the source's to be the source's
        self.assertIn("  // In Robert Conquest's words: The Great Terror was [...] Stalin's work.\n", text)
        self.assertIn("  // As “A Reference Work” (Reference Site) puts it: Words from the source.\n", text)
        self.assertIn("  // Cite: ", text)
        self.assertIn("  +> [Side 1]\n", text)
        self.assertIn("  -> <Robert Conquest, 1968>", text)  # rebuts
        self.assertIn("  +> <J. Arch Getty, 1985>", text)  # supports
        self.assertIn("  _> <J. Arch Getty, 1985 (2)>", text)  # qualifies, as an undercut
        self.assertNotIn("Draft words", text)

    def test_user_text_is_escaped(self):
        text = self.client.get(self.url).content.decode()
        self.assertIn(
            "<J. Arch Getty, 1985>: Claims \\[x\\]: \\<y\\> \\#tag \\@\\[Who\\] \\*bold\\* \\_it\\_ \\/\\/ not a comment \\{a: 1\\} \\\\ -\\> \\<z\\>",
            text,
        )

    def test_titles_lose_their_brackets(self):
        self.assertEqual(argdown.title("[Side] <one>"), "(Side) (one)")
        self.assertEqual(argdown.title("-> Side"), "Side")

    def test_it_is_linked_from_the_question_page(self):
        response = self.client.get(self.question.get_absolute_url())
        self.assertContains(response, f'href="{self.url}" download>argument map (Argdown)</a>')

    def test_query_count_is_fixed(self):
        # question (topic, standing's source joined), positions, arguments (historian, school,
        # source, work joined), work authors, relations
        for count in (3, 20):
            question = make_question(slug=f"q-{count}")
            positions = list(question.positions.all())
            arguments = [ArgumentFactory(position=positions[n % 2]) for n in range(count)]
            for source, target in zip(arguments[1:], arguments[:-1]):
                ArgumentRelation.objects.create(source=source, target=target, kind="rebuts")
            with self.subTest(arguments=count), self.assertNumQueries(5):
                self.client.get(reverse("historiography:question-argdown", args=[question.slug]))

    def test_unpublished_questions_are_not_exported(self):
        self.question.status = Status.DRAFT
        self.question.save()
        self.assertEqual(self.client.get(self.url).status_code, 404)


@unittest.skipUnless(NODE and HAVE_ARGDOWN, "needs node and node_modules/@argdown/core (run `npm ci`)")
class ArgdownParserTests(ArgdownTestCase):
    def test_argdown_parses_it_as_meant(self):
        model = parse(self.client.get(self.url).content.decode())
        self.assertEqual(model["errors"], [])
        self.assertEqual(model["sections"], ["Was the terror [centrally] directed?"])
        statements = {s["title"]: s for s in model["statements"]}
        self.assertEqual(set(statements), {"Side 1", "Side 2", "Side 3"})
        self.assertEqual(statements["Side 1"]["tags"], ["majority view"])
        arguments = {a["title"]: a["text"] for a in model["arguments"]}
        self.assertEqual(
            arguments,
            {
                "Robert Conquest, 1968": "Stalin planned the terror.",
                "J. Arch Getty, 1985": HOSTILE,  # the escapes read back as the claim, nothing more
                "J. Arch Getty, 1985 (2)": "Regions asked for more.",
            },
        )
        relations = {(r["from"], r["to"], r["type"]) for r in model["relations"]}
        self.assertEqual(
            relations,
            {
                ("Side 1", "Side 2", "attack"),  # positions are contrary to one another
                ("Side 1", "Side 3", "attack"),
                ("Side 2", "Side 3", "attack"),
                ("Robert Conquest, 1968", "Side 1", "support"),
                ("J. Arch Getty, 1985", "Side 2", "support"),
                ("J. Arch Getty, 1985 (2)", "Side 2", "support"),
                ("J. Arch Getty, 1985", "Robert Conquest, 1968", "attack"),
                ("J. Arch Getty, 1985 (2)", "J. Arch Getty, 1985", "support"),
                ("Robert Conquest, 1968", "J. Arch Getty, 1985 (2)", "undercut"),
            },
        )
