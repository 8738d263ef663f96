"""import_scholarship: a broken file is refused with every problem named and nothing
written; the shipped dataset imports as loaddata loads it, and again without change; a
second historiography imports through the same path and shows on the same pages.

The second historiography here is synthetic test content, read from its historians' own
works and one synthetic source: real passages live only in fixtures/, verbatim from the
sources."""

import copy
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from taggit.models import Tag

from historiography import services
from historiography.models import (
    Argument,
    ArgumentRelation,
    Estimate,
    Historian,
    Position,
    Question,
    School,
    Source,
    TaggedArgument,
    Topic,
    Work,
)

from .factories import ArgumentFactory, SourceFactory, make_question

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "stalinism.json"
SCHOLARSHIP = [
    Topic,
    Source,
    School,
    Historian,
    Work,
    Question,
    Position,
    Argument,
    ArgumentRelation,
    Estimate,
    Tag,
    TaggedArgument,
]

H = "historiography."
WW1 = [
    {
        "model": H + "topic",
        "fields": {
            "title": "Causes of the First World War",
            "slug": "ww1-causes",
            "period_start": 1890,
            "period_end": 1914,
            "status": "published",
        },
    },
    {"model": H + "school", "fields": {"name": "Fischer school", "slug": "fischer-school", "active_from": 1961}},
    {
        "model": H + "historian",
        "fields": {
            "name": "Fritz Fischer",
            "sort_name": "Fischer, Fritz",
            "slug": "fritz-fischer",
            "born": 1908,
            "died": 1999,
            "schools": [["fischer-school"]],
        },
    },
    {
        "model": H + "historian",
        "fields": {
            "name": "Christopher Clark",
            "sort_name": "Clark, Christopher",
            "slug": "christopher-clark",
            "born": 1960,
        },
    },
    {
        "model": H + "work",
        "fields": {
            "title": "Griff nach der Weltmacht",
            "slug": "griff-nach-der-weltmacht",
            "year": 1961,
            "authors": [["fritz-fischer"]],
        },
    },
    {
        "model": H + "question",
        "fields": {
            "topic": ["ww1-causes"],
            "title": "Did Germany bear the main responsibility?",
            "slug": "ww1-responsibility",
            "order": 1,
            "status": "published",
        },
    },
    {
        "model": H + "position",
        "fields": {
            "question": ["ww1-responsibility"],
            "label": "Germany sought the war",
            "slug": "german-aims",
            "order": 1,
        },
    },
    {
        "model": H + "position",
        "fields": {
            "question": ["ww1-responsibility"],
            "label": "The powers sleepwalked into it",
            "slug": "shared",
            "order": 2,
        },
    },
    {
        "model": H + "argument",
        "fields": {
            "slug": "fischer-war-aims",
            "historian": ["fritz-fischer"],
            "position": ["ww1-responsibility", "german-aims"],
            "claim": "Test claim: Germany's leaders pursued expansionist war aims.",
            "attribution": "own_words",
            "words": "Synthetic test quotation one.",
            "work": ["griff-nach-der-weltmacht"],
            "year": 1961,
            "status": "published",
        },
    },
    {
        "model": H + "argument",
        "fields": {
            "slug": "clark-sleepwalkers",
            "historian": ["christopher-clark"],
            "position": ["ww1-responsibility", "shared"],
            "claim": "Test claim: responsibility was spread across the powers.",
            "attribution": "reported",
            "source": ["test-source"],
            "section": "Clark",
            "passage": "Synthetic test passage about Clark.",
            "year": 2012,
            "status": "published",
        },
    },
    {
        "model": H + "argumentrelation",
        "fields": {"source": ["clark-sleepwalkers"], "target": ["fischer-war-aims"], "kind": "rebuts"},
    },
    {
        "model": H + "estimate",
        "fields": {
            "question": ["ww1-responsibility"],
            "slug": "ww1-military-deaths",
            "measure": "Military deaths",
            "given_by": "Test source",
            "low": 9000000,
            "high": 11000000,
            "source": ["test-source"],
            "section": "Deaths",
            "passage": "Synthetic test figure: 9 to 11 million military deaths.",
            "status": "published",
        },
    },
    {"model": "taggit.tag", "fields": {"name": "war aims", "slug": "war-aims"}},
    {"model": H + "taggedargument", "fields": {"content_object": ["fischer-war-aims"], "tag": ["war aims"]}},
    {
        "model": H + "source",
        "fields": {
            "slug": "test-source",
            "title": "A synthetic test source",
            "kind": "reference",
            "accessed": "2026-11-22",
            "key": "test-source.txt",
            "text": "# Clark\nSynthetic test passage about Clark.\n# Deaths\nSynthetic test figure: 9 to 11 million "
            "military deaths.\n",
        },
    },
]


def ww1(**changes):
    """The synthetic WW1 set, with `changes` keyed "slug.field" (or "slug" to replace an
    object's fields wholesale) applied to copies."""
    objects = copy.deepcopy(WW1)
    by_slug = {obj["fields"].get("slug"): obj for obj in objects}
    for target, value in changes.items():
        slug, _, name = target.partition(".")
        by_slug[slug]["fields"][name] = value
    return objects


def counts():
    return {model.__name__: model.objects.count() for model in SCHOLARSHIP}


class ImportTestCase(TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.dir = Path(directory.name)

    def write(self, content, name="scholarship.json"):
        path = self.dir / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1), encoding="utf-8")
        return str(path)

    def run_import(self, *paths, **options):
        out = StringIO()
        call_command("import_scholarship", *paths, stdout=out, **options)
        return out.getvalue()

    def assertRefused(self, content, *messages, name="scholarship.json"):
        """Importing `content` fails naming the file and every message, and writes nothing."""
        path = self.write(content, name)
        before = counts()
        with self.assertRaises(CommandError) as raised:
            self.run_import(path)
        error = str(raised.exception)
        self.assertIn("Nothing was imported", error)
        self.assertIn(name, error)
        for message in messages:
            self.assertIn(message, error)
        self.assertEqual(counts(), before, "nothing is written")
        return error


class BrokenFileTests(ImportTestCase):
    def test_it_reports_invalid_json_with_line_and_column(self):
        text = json.dumps(WW1[:2], indent=1).replace('"slug": "ww1-causes",', '"slug": "ww1-causes"', 1)
        self.assertRefused(text, "not valid JSON: Expecting ',' delimiter at line 7, column 4")

    def test_it_reports_an_empty_file(self):
        self.assertRefused("", "not valid JSON: Expecting value at line 1, column 1")

    def test_it_reports_a_file_that_is_not_a_list(self):
        self.assertRefused(WW1[0], "must be a JSON list of objects, not an object")

    def test_it_reports_an_object_without_model_or_fields(self):
        self.assertRefused(
            [{"fields": {}}, {"model": H + "topic"}, "topic", {"model": H + "topic", "fields": {}, "extra": 1}],
            "object 1 (line 2): has no “model”",
            "object 2 (line 5): historiography.topic: “fields” must be an object, not null",
            "object 3 (line 8): must be an object",
            "object 4 (line 9): unexpected key 'extra'",
        )

    def test_it_reports_an_unreadable_file(self):
        before = counts()
        with self.assertRaisesMessage(CommandError, "no-such-file.json: cannot be read: No such file or directory"):
            self.run_import(str(self.dir / "no-such-file.json"))
        self.assertEqual(counts(), before)

    def test_it_reports_a_file_that_is_not_utf8(self):
        path = self.dir / "latin1.json"
        path.write_bytes('[{"model": "historiography.topic", "fields": {"title": "Gr\u00fcnde"}}]'.encode("latin-1"))
        with self.assertRaisesMessage(CommandError, "latin1.json: not UTF-8 text: byte 0xfc"):
            self.run_import(str(path))
        self.assertEqual(Topic.objects.count(), 0)


class UnknownThingsTests(ImportTestCase):
    def test_it_reports_an_unknown_model(self):
        objects = ww1()
        objects[1]["model"] = "historiography.schol"
        self.assertRefused(
            objects, "object 2 (line 12): unknown model “historiography.schol” (did you mean “historiography.school”?)"
        )

    def test_it_refuses_models_outside_the_scholarship(self):
        self.assertRefused(
            [
                {"model": "auth.user", "fields": {"username": "mallory", "is_superuser": True}},
                {"model": "classroom.course", "fields": {"title": "Not scholarship"}},
            ],
            "object 1 (line 2): “auth.user” is not part of the scholarship and cannot be imported",
            "object 2 (line 9): “classroom.course” is not part of the scholarship and cannot be imported",
        )

    def test_it_reports_an_unknown_field(self):
        objects = ww1()
        objects[0]["fields"]["titel"] = objects[0]["fields"].pop("title")
        self.assertRefused(
            objects,
            "object 1 (line 2), historiography.topic “ww1-causes”: titel: unknown field (did you mean “title”?)",
        )

    def test_it_reports_tags_set_on_the_argument_instead_of_taggedargument_objects(self):
        self.assertRefused(
            ww1(**{"fischer-war-aims.tags": [["war aims"]]}), "tags: is set with historiography.taggedargument objects"
        )

    def test_it_reports_an_unknown_position(self):
        self.assertRefused(
            ww1(**{"fischer-war-aims.position": ["ww1-responsibility", "no-such-position"]}),
            "historiography.argument “fischer-war-aims”: position: unknown position "
            '["ww1-responsibility", "no-such-position"]: '
            "not in this import nor in the database",
        )

    def test_it_reports_each_unknown_reference_by_its_field(self):
        objects = ww1(
            **{
                "ww1-responsibility.topic": ["ww1"],
                "fritz-fischer.schools": [["fischer-school"], ["no-such-school"]],
                "griff-nach-der-weltmacht.authors": [["fritz-fisher"]],
                "clark-sleepwalkers.historian": ["chris-clark"],
                "fischer-war-aims.work": ["no-such-work"],
                "ww1-military-deaths.question": ["ww1-guilt"],
            }
        )
        objects[-2]["fields"]["tag"] = ["war-aims"]  # by slug: a tag's natural key is its name
        objects[-5]["fields"]["target"] = ["no-such-argument"]
        self.assertRefused(
            objects,
            'topic: unknown topic ["ww1"]',
            'schools: unknown school ["no-such-school"]',
            'authors: unknown historian ["fritz-fisher"]',
            'historian: unknown historian ["chris-clark"]',
            'work: unknown work ["no-such-work"]',
            'question: unknown question ["ww1-guilt"]',
            'tag: unknown tag ["war-aims"]',
            'target: unknown argument ["no-such-argument"]',
        )

    def test_it_wants_natural_keys_not_ids(self):
        self.assertRefused(
            ww1(**{"fischer-war-aims.historian": 7, "fischer-war-aims.position": ["ww1-responsibility"]}),
            'historian: must name a historian by its natural key, a list such as ["its-slug"], not 7',
            'position: ["ww1-responsibility"] is not a natural key of a position (wrong number of parts)',
        )

    def test_a_reference_may_be_to_the_database(self):
        question = make_question(slug="existing-question")
        source = SourceFactory()
        objects = [obj for obj in ww1() if obj["model"] in (H + "historian", H + "school")]
        objects.append(
            {
                "model": H + "argument",
                "fields": {
                    "slug": "onto-existing",
                    "historian": ["fritz-fischer"],
                    "position": ["existing-question", "side-1"],
                    "claim": "Test claim.",
                    "source": ["a-reference-work"],
                    "section": "S",
                    "passage": "Words from the source.",
                },
            }
        )
        self.run_import(self.write(objects))
        argument = Argument.objects.get(slug="onto-existing")
        self.assertEqual(argument.position, question.positions.get(slug="side-1"))
        self.assertEqual(argument.source, source)


class DuplicateTests(ImportTestCase):
    def test_it_reports_a_duplicate_slug_in_a_file(self):
        objects = ww1()
        objects.append(copy.deepcopy(objects[5]))  # the question again
        self.assertRefused(
            objects,
            "object 16 (line 194), historiography.question “ww1-responsibility”: duplicate: "
            "historiography.question “ww1-responsibility” is also object 6 (line 57); each object may appear once",
        )

    def test_it_reports_a_duplicate_across_files(self):
        first = self.write(ww1(), "first.json")
        second = self.write(ww1()[:1], "second.json")
        with self.assertRaises(CommandError) as raised:
            self.run_import(first, second)
        self.assertIn(
            "second.json, object 1 (line 2), historiography.topic “ww1-causes”: duplicate: "
            "historiography.topic “ww1-causes” is also object 1 (line 2) of " + first,
            str(raised.exception),
        )
        self.assertEqual(Topic.objects.count(), 0)

    def test_it_reports_a_duplicate_position_of_one_question(self):
        objects = ww1(**{"shared.slug": "german-aims"})
        self.assertRefused(objects, 'historiography.position ["ww1-responsibility", "german-aims"]: duplicate')

    def test_it_reports_two_new_objects_sharing_a_unique_field(self):
        objects = ww1()
        objects.append({"model": "taggit.tag", "fields": {"name": "War aims", "slug": "war-aims"}})
        self.assertRefused(objects, "taggit.tag “War aims”: duplicate: slug 'war-aims' is also used by object 13")

    def test_it_reports_a_unique_field_taken_in_the_database(self):
        Tag.objects.create(name="aims of war", slug="war-aims")
        self.assertRefused(ww1(), "taggit.tag “war aims”: slug: Tag with this Slug already exists.")


class PassageTests(ImportTestCase):
    """The import refuses what the model refuses (README, "Content rules"): passages not
    verbatim in their source, with the closest match the source has."""

    def test_it_refuses_an_invented_passage_and_shows_the_closest_match(self):
        error = self.assertRefused(
            ww1(**{"clark-sleepwalkers.passage": "Synthetic test passage about Clark and the Kaiser's guilt."}),
            "historiography.argument “clark-sleepwalkers”: passage: The passage is not verbatim in "
            "“A synthetic test source”. Closest match in the source: “Synthetic test passage about Clark.”",
        )
        self.assertEqual(error.count("clark-sleepwalkers"), 1, "one message")

    def test_it_refuses_an_invented_passage_of_an_estimate(self):
        self.assertRefused(
            ww1(**{"ww1-military-deaths.passage": "Synthetic test figure: 20 million military deaths."}),
            "“ww1-military-deaths”: passage: The passage is not verbatim in “A synthetic test source”. "
            "Closest match in the source: “Synthetic test figure: 9 to 11 million military deaths.”",
        )

    def test_it_refuses_a_source_with_no_passage_or_section(self):
        self.assertRefused(
            ww1(**{"clark-sleepwalkers.passage": ""}),
            "“clark-sleepwalkers”: passage: The passage is required with a source",
        )
        self.assertRefused(
            ww1(**{"clark-sleepwalkers.section": ""}),
            "“clark-sleepwalkers”: section: The section is required with a source",
        )

    def test_an_argument_comes_from_a_source_or_a_work(self):
        self.assertRefused(
            ww1(**{"clark-sleepwalkers.source": None, "clark-sleepwalkers.passage": ""}),
            "“clark-sleepwalkers”: An argument comes from a source or from the person's own work: name one.",
        )

    def test_own_words_must_be_in_quotation_marks_in_the_source(self):
        self.assertRefused(
            ww1(
                **{
                    "clark-sleepwalkers.attribution": "own_words",
                    "clark-sleepwalkers.words": "passage about Clark",
                }
            ),
            "“clark-sleepwalkers”: words: The words must stand inside quotation marks in the source",
        )


class FieldValidationTests(ImportTestCase):
    def test_it_reports_a_value_too_long(self):
        self.assertRefused(
            ww1(**{"ww1-causes.title": "x" * 201}),
            "historiography.topic “ww1-causes”: title: Ensure this value has at most 200 characters (it has 201).",
        )

    def test_it_reports_a_bad_choice(self):
        self.assertRefused(
            ww1(**{"clark-sleepwalkers.status": "live", "ww1-responsibility.standing": "settled"}),
            "“clark-sleepwalkers”: status: Value 'live' is not a valid choice.",
            "“ww1-responsibility”: standing: Value 'settled' is not a valid choice.",
        )

    def test_it_reports_a_missing_required_field(self):
        objects = ww1()
        del objects[8]["fields"]["claim"]
        self.assertRefused(objects, "“fischer-war-aims”: claim: This field cannot be blank.")

    def test_it_reports_a_value_of_the_wrong_type(self):
        self.assertRefused(
            ww1(**{"ww1-military-deaths.low": "nine million"}),
            "“ww1-military-deaths”: low: “nine million” value must be an integer.",
        )

    def test_it_reports_a_nul_character(self):
        self.assertRefused(
            ww1(**{"clark-sleepwalkers.claim": "Test\u0000claim"}),
            "“clark-sleepwalkers”: claim: contains a NUL character",
        )

    def test_it_reports_an_estimate_low_above_high(self):
        self.assertRefused(
            ww1(**{"ww1-military-deaths.low": 12000000}),
            "historiography.estimate “ww1-military-deaths”: The low figure must not be above the high one. "
            "(low=12000000, high=11000000)",
        )

    def test_it_reports_impossible_years(self):
        self.assertRefused(
            ww1(
                **{
                    "fritz-fischer.died": 1899,
                    "clark-sleepwalkers.year": 2200,
                    "ww1-causes.period_end": 1889,
                    "christopher-clark.born": -1,
                }
            ),
            "“fritz-fischer”: The year of birth must come before the year of death. (born=1908, died=1899)",
            "“clark-sleepwalkers”: The year must be between 1 and 2100, or left empty. (year=2200)",
            "“ww1-causes”: The period must start before it ends. (period_start=1890, period_end=1889)",
            "“christopher-clark”: born: Ensure this value is greater than or equal to 0.",
        )

    def test_it_lists_every_problem_of_every_file_up_to_a_cap(self):
        objects = [{"model": H + "school", "fields": {"name": f"School {n}", "slug": f"school {n}"}} for n in range(60)]
        error = self.assertRefused(objects, "Nothing was imported: 60 problems found.", "… and 10 more.")
        self.assertIn("object 50 (line", error)
        self.assertNotIn("object 51 (line", error)


class DatabaseRuleTests(ImportTestCase):
    def test_a_rule_only_the_database_checks_still_writes_nothing(self):
        # Both ends are new, so only the database can compare them: it refuses, and the
        # whole import rolls back.
        objects = ww1()
        objects[10]["fields"]["source"] = ["fischer-war-aims"]
        objects[10]["fields"]["target"] = ["fischer-war-aims"]
        self.assertRefused(
            objects, "historiography.argumentrelation", "refused by the database", "argument_relation_not_self"
        )


class LoaddataTests(ImportTestCase):
    def test_loaddata_of_a_broken_file_writes_nothing_either(self):
        objects = ww1(**{"clark-sleepwalkers.position": ["ww1-responsibility", "no-such-position"]})
        before = counts()
        # loaddata saves as it reads, so the topic and the rest were saved before the
        # argument failed: its own transaction takes them back.
        with self.assertRaisesMessage(Exception, "Could not load historiography.Argument"):
            call_command("loaddata", self.write(objects), verbosity=0)
        self.assertEqual(counts(), before)


class DatasetImportTests(ImportTestCase):
    def test_the_dataset_imports_as_loaddata_loads_it(self):
        self.run_import(str(FIXTURE))
        imported = counts()
        call_command("loaddata", FIXTURE, verbosity=0)
        self.assertEqual(counts(), imported, "loaddata finds every object the import wrote")

    def test_importing_after_loaddata_changes_nothing(self):
        call_command("loaddata", FIXTURE, verbosity=0)
        loaded = counts()
        out = self.run_import(str(FIXTURE))
        self.assertIn(f"0 created, 0 updated, {len(json.loads(FIXTURE.read_text()))} unchanged.", out)
        self.assertEqual(counts(), loaded)

    def test_it_imports_again_without_duplicates(self):
        out = self.run_import(str(FIXTURE))
        self.assertIn(f"{len(json.loads(FIXTURE.read_text()))} created, 0 updated, 0 unchanged.", out)
        first = counts()
        created = dict(Argument.objects.values_list("slug", "created"))
        out = self.run_import(str(FIXTURE))
        self.assertIn(f"0 created, 0 updated, {len(json.loads(FIXTURE.read_text()))} unchanged.", out)
        self.assertEqual(counts(), first)
        self.assertEqual(dict(Argument.objects.values_list("slug", "created")), created)


class UpdateTests(ImportTestCase):
    def test_it_updates_by_natural_key_and_keeps_fields_the_file_leaves_out(self):
        self.run_import(self.write(ww1()))
        Position.objects.filter(slug="shared").update(summary="Written by an editor.")
        first = counts()
        objects = ww1(**{"clark-sleepwalkers.claim": "Test claim, revised."})
        objects[4]["fields"]["authors"] = []
        out = self.run_import(self.write(objects, "revised.json"))
        self.assertRegex(out, r"historiography\.argument +2 +\(0 created, 1 updated, 1 unchanged\)")
        self.assertRegex(out, r"historiography\.work +1 +\(0 created, 1 updated, 0 unchanged\)")
        self.assertEqual(counts(), first)
        self.assertEqual(Argument.objects.get(slug="clark-sleepwalkers").claim, "Test claim, revised.")
        self.assertFalse(Work.objects.get(slug="griff-nach-der-weltmacht").authors.exists())
        self.assertEqual(Position.objects.get(slug="shared").summary, "Written by an editor.")

    def test_a_broken_update_leaves_every_row_as_it_was(self):
        self.run_import(self.write(ww1()))
        objects = ww1(**{"clark-sleepwalkers.claim": "Test claim, revised.", "ww1-military-deaths.high": 1})
        self.assertRefused(
            objects, "“ww1-military-deaths”: The low figure must not be above the high one.", name="revised.json"
        )
        self.assertEqual(Argument.objects.get(slug="clark-sleepwalkers").claim, WW1[9]["fields"]["claim"])
        self.assertEqual(Estimate.objects.get(slug="ww1-military-deaths").high, 11000000)

    def test_dry_run_checks_and_writes_nothing(self):
        out = self.run_import(self.write(ww1()), dry_run=True)
        self.assertIn("Checked (nothing written)", out)
        self.assertIn("15 created", out)
        self.assertEqual(Topic.objects.count(), 0)

    def test_the_service_takes_data_without_a_file(self):
        summary = services.scholarship_import(data={"ww1": ww1()})
        self.assertEqual(summary.total("created"), len(WW1))
        with self.assertRaisesMessage(
            services.ScholarshipImportError, "ww1, object 9, historiography.argument “fischer-war-aims”: historian"
        ):
            services.scholarship_import(data={"ww1": ww1(**{"fischer-war-aims.historian": ["nobody"]})})


class SecondHistoriographyTests(ImportTestCase):
    def test_it_shows_on_the_same_pages_beside_the_dataset(self):
        ArgumentFactory()  # something already there, untouched
        self.run_import(str(FIXTURE), self.write(ww1(), "ww1.json"))

        home = self.client.get(reverse("historiography:home"))
        self.assertContains(home, "Causes of the First World War")
        self.assertContains(home, "Did Germany bear the main responsibility?")
        self.assertContains(home, "Stalinism")

        page = self.client.get(reverse("historiography:question-detail", args=["ww1-responsibility"]))
        self.assertContains(page, "Germany sought the war")
        self.assertContains(page, "The powers sleepwalked into it")
        self.assertContains(page, "Germany&#x27;s leaders pursued expansionist war aims")
        self.assertContains(page, "Christopher Clark")
        self.assertContains(page, "Military deaths")

        topic = self.client.get(reverse("historiography:topic-detail", args=["ww1-causes"]))
        self.assertContains(topic, "Did Germany bear the main responsibility?")
        self.assertEqual(
            self.client.get(reverse("historiography:argument-detail", args=["fischer-war-aims"])).status_code, 200
        )
