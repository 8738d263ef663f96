"""A large synthetic scholarship and classroom, for load tests, benchmarks and query plans.

Everything it writes is marked as synthetic (topic and course titles start "Synthetic —",
slugs "synthetic-", arguments' source document is "synthetic", usernames "synth-"), and it
refuses to run on a database that holds real scholarship, so the two never mix.
"""

import random
import time
from contextlib import contextmanager
from datetime import timedelta
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from tqdm import tqdm

from historiography.classroom import services
from historiography.classroom.models import (
    Allocation,
    Assignment,
    Citation,
    Course,
    Enrollment,
    Feedback,
    SideAllocation,
    Submission,
    SubmissionStatus,
)
from historiography.models import (
    Argument,
    ArgumentRelation,
    Estimate,
    Historian,
    Position,
    Question,
    RelationKind,
    Role,
    School,
    Source,
    Standing,
    Status,
    TaggedArgument,
    Topic,
    Work,
    WorkKind,
)

SLUG_PREFIX = "synthetic-"
TITLE_PREFIX = "Synthetic — "
SOURCE_SLUG = f"{SLUG_PREFIX}source"
# The synthetic source's text: this many passages, which arguments and estimates quote.
SOURCE_PASSAGES = 400
USERNAME_PREFIX = "synth-"
DEFAULT_PASSWORD = "synthetic-debate-2026"

# Counts at --scale 1; an explicit option wins over the scale.
DEFAULTS = {
    "topics": 20,
    "schools": 60,
    "questions": 400,
    "historians": 5000,
    "works": 12000,
    "arguments": 100000,
    "relations": 20000,
    "estimates": 1000,
    "courses": 200,
    "instructors": 120,
    "students": 6000,
}
# The least that still makes a coherent dataset, whatever the scale.
MINIMUMS = {
    "topics": 1,
    "schools": 2,
    "questions": 1,
    "historians": 2,
    "works": 1,
    "arguments": 2,
    "courses": 1,
    "instructors": 1,
    "students": 2,
}

TOPICS = [
    "the origins of the First World War",
    "the French Revolution",
    "the fall of the Roman Empire in the West",
    "the Industrial Revolution",
    "the English Civil War",
    "the origins of the Cold War",
    "the Atlantic slave trade",
    "the Reformation",
    "the Meiji Restoration",
    "the decline of the Ottoman Empire",
    "the Crusades",
    "the partition of India",
    "the American Revolution",
    "the scramble for Africa",
    "the collapse of Weimar Germany",
    "the Great Depression",
    "the Black Death",
    "the Enlightenment",
    "the Mexican Revolution",
    "the Opium Wars",
]
FACTORS = [
    "ideology",
    "economic interests",
    "the state",
    "the peasantry",
    "the working class",
    "the elites",
    "nationalism",
    "religion",
    "the army",
    "the bureaucracy",
    "trade",
    "famine",
    "climate",
    "demography",
    "the press",
    "diplomacy",
    "empire",
    "gender",
    "the city",
    "the countryside",
    "taxation",
    "credit",
    "technology",
    "propaganda",
    "terror",
    "law",
    "the church",
    "the nobility",
    "the merchants",
    "migration",
    "disease",
    "war finance",
    "education",
]
QUESTION_FORMS = [
    "How far was {subject} driven by {factor}?",
    "Did {factor} cause {subject}?",
    "Was {subject} a turning point for {factor}?",
    "Who benefited from {subject}: {factor} or {other}?",
    "Was {subject} inevitable once {factor} changed?",
    "How important was {factor} compared with {other} in {subject}?",
    "Did {subject} break with the past or continue it?",
]
SIDE_SETS = [
    ["Decisive", "Secondary", "Negligible", "Misframed"],
    ["Continuity", "Rupture", "Mixed", "Regional variation"],
    ["From above", "From below", "Both at once", "Neither"],
    ["Intended", "Unintended", "Contingent", "Structural"],
]
SUBJECTS = [
    "the regime",
    "local officials",
    "the peasants",
    "urban workers",
    "the central government",
    "the archives",
    "contemporary observers",
    "the ruling party",
    "provincial elites",
    "the secret police",
    "the clergy",
    "foreign diplomats",
    "merchants",
    "soldiers",
    "women workers",
    "the statistics",
    "later memoirs",
    "the census",
    "village communities",
    "the courts",
    "landowners",
    "tax collectors",
    "pamphleteers",
    "the officer corps",
    "artisans",
    "bankers",
    "missionaries",
    "schoolteachers",
    "newspaper editors",
    "governors",
    "exiles",
    "veterans",
]
VERBS = [
    "shaped",
    "undermined",
    "exaggerated",
    "concealed",
    "accelerated",
    "resisted",
    "reflected",
    "transformed",
    "depended on",
    "misrepresented",
    "reinforced",
    "limited",
    "provoked",
    "anticipated",
    "obscured",
    "mobilised",
    "negotiated",
    "financed",
    "opposed",
    "sustained",
    "distorted",
    "delayed",
    "welcomed",
    "tolerated",
    "exploited",
    "documented",
    "ignored",
    "radicalised",
    "moderated",
    "legitimised",
    "contested",
    "outlasted",
    "weakened",
]
# Each topic's own vocabulary: real fields share few content words, so a search term
# matches mostly within one topic rather than across the whole dataset.
TOPIC_TERMS = {
    "the origins of the First World War": [
        "the July Crisis",
        "the Schlieffen Plan",
        "naval rivalry",
        "the alliance system",
        "Balkan nationalism",
        "mobilisation timetables",
    ],
    "the French Revolution": [
        "the Estates-General",
        "the Jacobins",
        "the sans-culottes",
        "the Terror",
        "the assignats",
        "the Vendée rising",
    ],
    "the fall of the Roman Empire in the West": [
        "the Gothic federates",
        "the frontier legions",
        "imperial taxation",
        "the Vandal conquest of Africa",
        "the senatorial aristocracy",
        "barbarian settlement",
    ],
    "the Industrial Revolution": [
        "cotton mills",
        "steam power",
        "real wages",
        "enclosure",
        "coal output",
        "child labour",
    ],
    "the English Civil War": [
        "Ship Money",
        "the Long Parliament",
        "the New Model Army",
        "Puritan preaching",
        "the Scottish Covenanters",
        "county neutralism",
    ],
    "the origins of the Cold War": [
        "the Marshall Plan",
        "the Yalta agreements",
        "atomic diplomacy",
        "the Truman Doctrine",
        "Soviet security interests",
        "the Berlin blockade",
    ],
    "the Atlantic slave trade": [
        "the Middle Passage",
        "plantation profits",
        "abolitionist campaigns",
        "the Royal African Company",
        "sugar islands",
        "slave revolts",
    ],
    "the Reformation": [
        "indulgences",
        "the printing press",
        "princely territories",
        "the Peasants' War",
        "the confessions",
        "monastic dissolution",
    ],
    "the Meiji Restoration": [
        "the domains",
        "the samurai stipends",
        "the Charter Oath",
        "treaty ports",
        "conscription",
        "the Satsuma rebellion",
    ],
    "the decline of the Ottoman Empire": [
        "the Tanzimat reforms",
        "the capitulations",
        "the janissaries",
        "provincial notables",
        "public debt administration",
        "the Young Turks",
    ],
    "the Crusades": [
        "papal indulgence",
        "the Latin states",
        "the military orders",
        "pilgrimage",
        "Italian maritime cities",
        "the Fourth Crusade",
    ],
    "the partition of India": [
        "the Muslim League",
        "the Radcliffe line",
        "communal violence",
        "the Cabinet Mission",
        "princely states",
        "refugee camps",
    ],
    "the American Revolution": [
        "the Stamp Act",
        "the Continental Congress",
        "loyalists",
        "French intervention",
        "the frontier",
        "republican ideology",
    ],
    "the scramble for Africa": [
        "the Berlin Conference",
        "chartered companies",
        "the Maxim gun",
        "indirect rule",
        "concession regimes",
        "the Niger delta",
    ],
    "the collapse of Weimar Germany": [
        "hyperinflation",
        "Article 48",
        "the Nazi vote",
        "presidential cabinets",
        "reparations",
        "street violence",
    ],
    "the Great Depression": [
        "the gold standard",
        "bank failures",
        "tariff walls",
        "the Dust Bowl",
        "unemployment relief",
        "deflation",
    ],
    "the Black Death": [
        "plague mortality",
        "labour shortages",
        "the Statute of Labourers",
        "flagellants",
        "manorial rents",
        "the Jacquerie",
    ],
    "the Enlightenment": [
        "the salons",
        "the Encyclopédie",
        "enlightened absolutism",
        "the republic of letters",
        "coffeehouses",
        "religious toleration",
    ],
    "the Mexican Revolution": [
        "the ejidos",
        "Zapatismo",
        "the Constitution of 1917",
        "the Porfiriato",
        "oil concessions",
        "the Cristero war",
    ],
    "the Opium Wars": [
        "the opium trade",
        "the Canton system",
        "the unequal treaties",
        "silver outflows",
        "the Taiping rebellion",
        "gunboat diplomacy",
    ],
}
OBJECTS = [
    "the collectivisation of agriculture",
    "grain procurement",
    "industrial output",
    "the purges",
    "popular opinion",
    "the famine",
    "the reforms",
    "the monarchy",
    "the constitution",
    "foreign policy",
    "the labour camps",
    "the price of bread",
    "rural resistance",
    "the church's authority",
    "the party line",
    "military planning",
    "the colonial economy",
    "the tax burden",
    "literacy",
    "the wartime economy",
    "urban growth",
    "the slave economy",
    "the treaty system",
    "the sovereign debt",
    "the cult of the leader",
    "censorship",
    "land reform",
    "the guilds",
]
QUALIFIERS = [
    "more than earlier accounts allowed",
    "only in the short term",
    "against the leadership's intentions",
    "as the newly opened archives show",
    "in the provinces more than in the capital",
    "after the crisis of the 1930s",
    "for reasons of ideology rather than economics",
    "because of chronic shortages",
    "through everyday negotiation",
    "largely by improvisation",
    "in ways the official statistics hide",
    "well before the war",
    "under pressure from below",
    "with the tacit support of the church",
    "at great cost to the poorest",
    "despite the protests of the provinces",
    "as contemporaries already noticed",
    "long after the event",
    "to a degree the censors concealed",
    "in the capital first",
    "according to the surviving ledgers",
    "for want of reliable credit",
    "in the name of the nation",
    "without any coherent plan",
]
QUOTE_OPENERS = [
    "The evidence points unmistakably to the conclusion that",
    "It would be wrong to suppose that",
    "What the documents reveal is that",
    "No serious reading of the sources can deny that",
    "We must abandon the comfortable assumption that",
    "Far from being an accident,",
    "In the end,",
]
TAG_WORDS = [
    "archives",
    "famine",
    "terror",
    "ideology",
    "economy",
    "peasantry",
    "industry",
    "war",
    "diplomacy",
    "religion",
    "gender",
    "memory",
    "propaganda",
    "statistics",
    "demography",
    "nationalism",
    "empire",
    "labour",
    "law",
    "cities",
    "countryside",
    "elites",
    "culture",
    "science",
    "education",
    "violence",
    "reform",
    "revolution",
    "trade",
    "credit",
]
FIRST_NAMES = [
    "Anna",
    "Boris",
    "Clara",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Irene",
    "Jonas",
    "Katya",
    "Leon",
    "Maria",
    "Nikolai",
    "Olga",
    "Pavel",
    "Rosa",
    "Simon",
    "Tamara",
    "Viktor",
    "Wanda",
    "Yuri",
    "Zofia",
    "Adam",
    "Beatrice",
    "Carl",
    "Dora",
    "Emil",
    "Frieda",
    "George",
    "Hannah",
    "Ivan",
    "Julia",
    "Karl",
    "Lena",
    "Martin",
    "Nora",
    "Oskar",
]
# Surnames built from syllables, so no invented quotation lands on a real historian's name.
SURNAME_HEADS = [
    "Brel",
    "Castel",
    "Dorn",
    "Evers",
    "Fal",
    "Gran",
    "Hollen",
    "Ister",
    "Jarn",
    "Kessel",
    "Lind",
    "Morro",
    "Norr",
    "Ostra",
    "Pell",
    "Quin",
    "Rask",
    "Sander",
    "Tarn",
    "Ulm",
    "Varen",
    "Wessel",
    "Yar",
    "Zell",
]
SURNAME_TAILS = [
    "ov",
    "ick",
    "berg",
    "stad",
    "ani",
    "ewski",
    "ton",
    "ard",
    "eau",
    "ez",
    "mann",
    "sen",
    "ova",
    "ley",
    "ini",
]
TITLE_FORMS = [
    "{Object}: {subject} and the crisis of {factor}",
    "The politics of {factor}",
    "{Subject} and {factor}, {start}–{end}",
    "Rethinking {object}",
    "Between {factor} and {other}: {object}",
    "A social history of {object}",
    "{Subject} reconsidered",
    "The making of {object}",
]
PUBLISHERS = [
    "Northbridge University Press",
    "Halden & Roe",
    "Marlow Academic",
    "Greyford University Press",
    "Ostrand Books",
]
GRADES = ["A", "A-", "B+", "B", "B-", "C+", "C", "72", "65", "58"]
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def non_synthetic_scholarship():
    """The name of the first kind of real (non-synthetic) scholarship found, or None."""
    for model in (Topic, School, Historian, Work, Source, Question, Argument, Estimate):
        if model.objects.exclude(slug__startswith=SLUG_PREFIX).exists():
            return model._meta.verbose_name_plural
    return None


def synthetic_exists():
    return (
        Topic.objects.filter(slug__startswith=SLUG_PREFIX).exists()
        or User.objects.filter(username__startswith=USERNAME_PREFIX).exists()
        or Course.objects.filter(title__startswith=TITLE_PREFIX).exists()
    )


def delete_rows(queryset):
    """One DELETE for the queryset's rows. QuerySet.delete() would first load every row
    and look up its dependents with an IN list of 100,000 ids; flush_synthetic deletes
    the dependents first, so there are none to look for."""
    model = queryset.model
    quote = connection.ops.quote_name
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({sql})", params
        )
        return cursor.rowcount


def flush_synthetic():
    """Deletes a previous synthetic run, dependents first. The big tables without
    dependents of their own go in one statement each; the rest through Django, which
    also clears what other parts of the project may have attached (groups, admin log)."""
    courses = Course.objects.filter(title__startswith=TITLE_PREFIX)
    arguments = Argument.objects.filter(slug__startswith=SLUG_PREFIX)
    steps = [
        Feedback.objects.filter(submission__assignment__course__in=courses),
        Citation.objects.filter(submission__assignment__course__in=courses),
        Submission.objects.filter(assignment__course__in=courses),
        SideAllocation.objects.filter(assignment__course__in=courses),
        Assignment.positions.through.objects.filter(assignment__course__in=courses),
        Assignment.objects.filter(course__in=courses),
        Enrollment.objects.filter(course__in=courses),
        Course.instructors.through.objects.filter(course__in=courses),
        courses,
        User.groups.through.objects.filter(user__username__startswith=USERNAME_PREFIX),
        User.objects.filter(username__startswith=USERNAME_PREFIX),
        TaggedArgument.objects.filter(content_object__in=arguments),
        ArgumentRelation.objects.filter(source__in=arguments),
        arguments,
        Argument.examples.through.objects.filter(argument__in=arguments),
        Estimate.objects.filter(slug__startswith=SLUG_PREFIX),
        Source.objects.filter(slug__startswith=SLUG_PREFIX),
        Position.objects.filter(question__slug__startswith=SLUG_PREFIX),
        Question.objects.filter(slug__startswith=SLUG_PREFIX),
        Topic.objects.filter(slug__startswith=SLUG_PREFIX),
        Work.authors.through.objects.filter(work__slug__startswith=SLUG_PREFIX),
        Work.objects.filter(slug__startswith=SLUG_PREFIX),
        Historian.schools.through.objects.filter(historian__slug__startswith=SLUG_PREFIX),
        Historian.objects.filter(slug__startswith=SLUG_PREFIX),
        School.objects.filter(slug__startswith=SLUG_PREFIX),
        Tag.objects.filter(slug__startswith=SLUG_PREFIX),
    ]
    deleted = 0
    for queryset in steps:
        if queryset.model in (Citation, SideAllocation, TaggedArgument, ArgumentRelation, Argument):
            deleted += delete_rows(queryset)
        else:
            deleted += queryset.delete()[0]
    return deleted


# Estimate bases by slug; a synthetic topic defines none, so the chart names them by slug.
SYNTHETIC_BASES = ("archival", "official", "demographic", "other")


class Command(BaseCommand):
    help = (
        "Fill the database with a large synthetic scholarship and classroom (by default 20 topics, 400 questions, "
        "5,000 historians, 100,000 arguments, 200 courses with 6,000 students), clearly marked as synthetic."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every default count (e.g. 0.01 for tests)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same content.")
        parser.add_argument("--flush", action="store_true", help="Delete a previous synthetic run first.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT.")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="The password of every synthetic user.")
        parser.add_argument("--assignments-per-course", type=int, default=3)
        for name, default in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, help=f"How many {name} (default {default:,} × scale).")

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        self.batch_size = options["batch_size"]
        self.progress = options["verbosity"] >= 1
        self.counts = {
            name: options[name]
            if options[name] is not None
            else max(MINIMUMS.get(name, 0), round(default * options["scale"]))
            for name, default in DEFAULTS.items()
        }
        self.counts["questions"] = max(self.counts["questions"], self.counts["topics"])
        self.assignments_per_course = options["assignments_per_course"]
        self.timings = {}

        real = non_synthetic_scholarship()
        if real:
            raise CommandError(
                f"This database holds real scholarship ({real} not marked synthetic). Synthetic data is never mixed "
                "into a real dataset: run generate_synthetic on an empty database of its own."
            )
        started = time.perf_counter()
        with transaction.atomic():
            if synthetic_exists():
                if not options["flush"]:
                    raise CommandError("A synthetic dataset is already here: add --flush to replace it.")
                with self.phase("flush"):
                    deleted = flush_synthetic()
                self.log(f"Deleted {deleted:,} rows of the previous synthetic run.")
            self.generate(options["password"])
        total = time.perf_counter() - started

        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(f"Synthetic dataset ready in {total:.1f} s ({connection.vendor})."))
            for name, seconds in self.timings.items():
                self.stdout.write(f"  {name:22} {seconds:7.1f} s")
            self.stdout.write(
                f"  Users {USERNAME_PREFIX}instructor-1…, {USERNAME_PREFIX}student-1…, password: {options['password']}"
            )

    def log(self, message):
        if self.progress:
            self.stdout.write(message)

    @contextmanager
    def phase(self, name):
        started = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - started

    def insert(self, model, rows, total, keep=None):
        """bulk_create `rows` (any iterable, consumed lazily) in batches under a progress
        bar. Returns keep(obj) for each row created, so 100,000 instances needn't stay in memory."""
        kept = []
        rows = iter(rows)
        with tqdm(
            total=total, desc=model._meta.verbose_name_plural, unit=" rows", disable=not self.progress, leave=True
        ) as bar:
            while batch := list(islice(rows, self.batch_size)):
                created = model.objects.bulk_create(batch)
                kept.extend(map(keep, created) if keep else created)
                bar.update(len(batch))
        return kept

    # --- Generation ----------------------------------------------------------------------

    def generate(self, password):
        with self.phase("scholarship: people"):
            schools = self.make_schools()
            historians = self.make_historians(schools)
            works_by_author = self.make_works(historians)
        with self.phase("scholarship: questions"):
            topics = self.make_topics()
            questions, positions_by_question, subject_of = self.make_questions(topics)
        with self.phase("arguments"):
            self.source = self.make_source()
            arguments_by_question = self.make_arguments(historians, works_by_author, positions_by_question, subject_of)
        with self.phase("tags and relations"):
            self.make_tags(arguments_by_question)
            self.make_relations(arguments_by_question)
            self.make_estimates(questions, historians, works_by_author)
        with self.phase("users"):
            instructors, students = self.make_users(password)
        with self.phase("courses and allocations"):
            assignments = self.make_courses(instructors, students, questions, positions_by_question)
        with self.phase("submissions"):
            self.make_submissions(assignments, arguments_by_question)

    def make_schools(self):
        rng, n = self.rng, self.counts["schools"]
        kinds = ["model", "school", "tradition", "history", "approach", "synthesis"]
        adjectives = [
            "Totalising",
            "Revisionist",
            "Archival",
            "Structural",
            "Cultural",
            "Economic",
            "Post-colonial",
            "Marxist",
            "Liberal",
            "Institutional",
            "Everyday-life",
            "Comparative",
            "Global",
            "Demographic",
        ]

        def rows():
            for i in range(1, n + 1):
                start = rng.randrange(1930, 2010)
                name = f"{rng.choice(adjectives)} {rng.choice(kinds)} {i}"
                yield School(
                    name=name,
                    slug=f"{SLUG_PREFIX}school-{i}",
                    description=f"A synthetic school of thought, active from {start}.",
                    active_from=start,
                    active_to=None if rng.random() < 0.5 else min(start + rng.randrange(10, 40), 2025),
                    order=i,
                )

        return self.insert(School, rows(), n, keep=lambda school: school.pk)

    def make_historians(self, schools):
        rng, n = self.rng, self.counts["historians"]
        roles = [Role.HISTORIAN] * 18 + [Role.BIOGRAPHER, Role.COMMENTATOR, Role.PARTICIPANT]

        def rows():
            for i in range(1, n + 1):
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
                born = rng.randrange(1880, 1990)
                died = born + rng.randrange(55, 95) if born < 1940 and rng.random() < 0.7 else None
                yield Historian(
                    name=f"{first} {last}",
                    sort_name=f"{last}, {first}",
                    slug=f"{SLUG_PREFIX}{slugify(last)}-{slugify(first)}-{i}",
                    born=born,
                    died=min(died, 2025) if died else None,
                    role=rng.choice(roles),
                    bio=f"A synthetic {'scholar' if i % 7 else 'commentator'} of the {born // 10 * 10 + 40}s.",
                )

        # (pk, name, born, died): what arguments and estimates need later.
        historians = self.insert(Historian, rows(), n, keep=lambda h: (h.pk, h.name, h.born, h.died))
        Membership = Historian.schools.through
        memberships = (
            Membership(historian_id=pk, school_id=school)
            for pk, *_ in historians
            for school in rng.sample(schools, k=min(len(schools), rng.choice([1, 1, 1, 2])))
        )
        self.insert(Membership, memberships, None)
        return historians

    def make_works(self, historians):
        rng, n = self.rng, self.counts["works"]
        kinds = (
            [WorkKind.BOOK] * 5 + [WorkKind.ARTICLE] * 4 + [WorkKind.CHAPTER] * 2 + [WorkKind.SPEECH, WorkKind.REPORT]
        )
        authors = [rng.choice(historians) for _ in range(n)]

        def rows():
            for i, (_, _, born, died) in enumerate(authors, start=1):
                year = rng.randrange(max(born + 25, 1900), min(died or 2025, 2025) + 1)
                factor, other = rng.sample(FACTORS, 2)
                obj, subject = rng.choice(OBJECTS), rng.choice(SUBJECTS)
                title = rng.choice(TITLE_FORMS).format(
                    object=obj,
                    Object=obj[0].upper() + obj[1:],
                    subject=subject,
                    Subject=subject[0].upper() + subject[1:],
                    factor=factor,
                    other=other,
                    start=year - rng.randrange(20, 60),
                    end=year - rng.randrange(0, 19),
                )
                yield Work(
                    title=title,
                    slug=f"{SLUG_PREFIX}work-{i}",
                    year=year,
                    kind=rng.choice(kinds),
                    publisher=rng.choice(PUBLISHERS),
                )

        works = self.insert(Work, rows(), n, keep=lambda work: work.pk)
        Authorship = Work.authors.through
        works_by_author = {}
        authorships = []
        for work, (author, *_) in zip(works, authors):
            works_by_author.setdefault(author, []).append(work)
            authorships.append(Authorship(work_id=work, historian_id=author))
            if rng.random() < 0.15:
                co_author = rng.choice(historians)[0]
                if co_author != author:
                    authorships.append(Authorship(work_id=work, historian_id=co_author))
        self.insert(Authorship, authorships, len(authorships))
        return works_by_author

    def make_topics(self):
        rng, n = self.rng, self.counts["topics"]

        def rows():
            for i in range(1, n + 1):
                subject = TOPICS[(i - 1) % len(TOPICS)]
                suffix = f" ({(i - 1) // len(TOPICS) + 1})" if i > len(TOPICS) else ""
                start = rng.randrange(300, 1950)
                yield Topic(
                    title=f"{TITLE_PREFIX}{subject[0].upper()}{subject[1:]}{suffix}",
                    slug=f"{SLUG_PREFIX}{slugify(subject)}{'-' + str(i) if suffix else ''}",
                    summary=f"A synthetic historiography of {subject}, generated for load tests: none of it is real.",
                    period_start=start,
                    period_end=start + rng.randrange(5, 80),
                    status=Status.PUBLISHED,
                )

        topics = self.insert(Topic, rows(), n)
        return [(topic.pk, TOPICS[(i) % len(TOPICS)]) for i, topic in enumerate(topics)]

    def make_questions(self, topics):
        rng, n = self.rng, self.counts["questions"]
        standings = [Standing.CONTESTED] * 3 + [Standing.MAJORITY, Standing.CONSENSUS, Standing.OPEN]

        def rows():
            for i in range(n):
                topic, subject = topics[i % len(topics)]
                factor, other = rng.sample(FACTORS, 2)
                title = rng.choice(QUESTION_FORMS).format(subject=subject, factor=factor, other=other)
                title = title[0].upper() + title[1:]
                yield Question(
                    topic_id=topic,
                    title=title,
                    slug=f"{SLUG_PREFIX}{slugify(title)[:90]}-{i + 1}",
                    background=f"Synthetic background: historians have long asked how {factor} and {other} bear on {subject}.",
                    order=i // len(topics),
                    standing=rng.choice(standings),
                    standing_basis="Synthetic: no real scholarship stands behind this.",
                    status=Status.PUBLISHED,
                )

        questions = self.insert(Question, rows(), n, keep=lambda q: q.pk)

        def position_rows():
            for question in questions:
                sides = rng.choice(SIDE_SETS)[: rng.choice([2, 2, 3, 4])]
                for order, label in enumerate(sides):
                    yield Position(
                        question_id=question,
                        label=label,
                        slug=f"{SLUG_PREFIX}{slugify(label)}",
                        summary=f"Synthetic position: {label.lower()}.",
                        order=order,
                    )

        positions_by_question = {}
        for pk, question in self.insert(Position, position_rows(), None, keep=lambda p: (p.pk, p.question_id)):
            positions_by_question.setdefault(question, []).append(pk)
        subject_of = {question: topics[i % len(topics)][1] for i, question in enumerate(questions)}
        return questions, positions_by_question, subject_of

    def sentence(self, topic=None):
        """One claim-like sentence, mostly about the topic's own matters when given one."""
        rng = self.rng
        thing = rng.choice(TOPIC_TERMS[topic]) if topic and rng.random() < 0.6 else rng.choice(OBJECTS)
        return f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {thing} {rng.choice(QUALIFIERS)}"

    def make_source(self):
        """One source whose text is the passages arguments and estimates quote, so each
        passage is verbatim in it, as the product requires of real ones."""
        rng = self.rng
        self.passages = [
            f"{rng.choice(QUOTE_OPENERS)} {self.sentence().lower()}. {self.sentence()}." for _ in range(SOURCE_PASSAGES)
        ]
        return Source.objects.create(
            slug=SOURCE_SLUG,
            title="Synthetic source (generated test data)",
            kind="other",
            site="Debates in History",
            description="Generated for load tests: no real text.",
            text="\n\n".join(self.passages),
        )

    def make_arguments(self, historians, works_by_author, positions_by_question, subject_of):
        rng, n = self.rng, self.counts["arguments"]
        positions = [(pk, question) for question, pks in positions_by_question.items() for pk in pks]
        # A few prolific historians and a long tail, as in a real field.
        weights = [1 / (rank + 10) for rank in range(len(historians))]
        authors = rng.choices(historians, weights=weights, k=n)

        def rows():
            for i, (historian, _, born, died) in enumerate(authors, start=1):
                position, question = rng.choice(positions)
                topic = subject_of[question]
                works = works_by_author.get(historian)
                work = rng.choice(works) if works and rng.random() < 0.9 else None
                # Most from the historian's own work; the rest, and some of those too, as
                # the synthetic source reports them.
                from_source = work is None or rng.random() < 0.4
                yield Argument(
                    slug=f"{SLUG_PREFIX}argument-{i}",
                    historian_id=historian,
                    position_id=position,
                    claim=f"{self.sentence(topic)}.",
                    attribution="reported",
                    passage=rng.choice(self.passages) if from_source else "",
                    source_id=self.source.pk if from_source else None,
                    section=f"Synthetic section {rng.randrange(1, 50)}" if from_source else "",
                    work_id=work,
                    locator=rng.choice([f"p. {rng.randrange(1, 600)}", f"ch. {rng.randrange(1, 15)}", ""]),
                    year=rng.randrange(max(born + 25, 1900), min(died or 2025, 2025) + 1),
                    status=Status.PUBLISHED,
                )

        question_of = dict(positions)
        arguments_by_question = {}
        for pk, position in self.insert(Argument, rows(), n, keep=lambda a: (a.pk, a.position_id)):
            arguments_by_question.setdefault(question_of[position], []).append(pk)
        return arguments_by_question

    def make_tags(self, arguments_by_question):
        rng = self.rng
        tags = self.insert(
            Tag, (Tag(name=f"{SLUG_PREFIX}{word}", slug=f"{SLUG_PREFIX}{word}") for word in TAG_WORDS), len(TAG_WORDS)
        )
        tags = [tag.pk for tag in tags]
        arguments = [pk for pks in arguments_by_question.values() for pk in pks]
        tagged = (
            TaggedArgument(content_object_id=argument, tag_id=tag)
            for argument in arguments
            for tag in rng.sample(tags, k=rng.choice([0, 1, 1, 2, 2, 3]))
        )
        self.insert(TaggedArgument, tagged, None)

    def make_relations(self, arguments_by_question):
        rng, n = self.rng, self.counts["relations"]
        questions = [pks for pks in arguments_by_question.values() if len(pks) > 1]
        kinds = [RelationKind.REBUTS] * 3 + [RelationKind.SUPPORTS] * 2 + [RelationKind.QUALIFIES]
        seen = set()
        for _ in range(n * 2):
            if len(seen) >= n or not questions:
                break
            source, target = rng.sample(rng.choice(questions), 2)
            seen.add((source, target, rng.choice(kinds)))
        rows = (
            ArgumentRelation(source_id=source, target_id=target, kind=kind) for source, target, kind in sorted(seen)
        )
        self.insert(ArgumentRelation, rows, len(seen))

    def make_estimates(self, questions, historians, works_by_author):
        rng, n = self.rng, self.counts["estimates"]
        with_estimates = rng.sample(questions, k=max(1, len(questions) // 4))
        measures = ["Deaths attributable to {}", "People displaced by {}", "Output lost to {}", "Arrests during {}"]

        def rows():
            for i in range(1, n + 1):
                question = with_estimates[i % len(with_estimates)]
                historian, name, born, died = rng.choice(historians)
                works = works_by_author.get(historian)
                low = rng.randrange(10_000, 5_000_000)
                yield Estimate(
                    question_id=question,
                    slug=f"{SLUG_PREFIX}estimate-{i}",
                    measure=measures[question % len(measures)].format(rng.choice(OBJECTS)),
                    given_by=name,
                    historian_id=historian,
                    work_id=rng.choice(works) if works else None,
                    low=low,
                    high=low + rng.randrange(0, low),
                    year=rng.randrange(max(born + 25, 1900), min(died or 2025, 2025) + 1),
                    basis=rng.choice(SYNTHETIC_BASES),
                    source_id=self.source.pk,
                    section=f"Synthetic section {rng.randrange(1, 50)}",
                    passage=rng.choice(self.passages),
                    status=Status.PUBLISHED,
                )

        self.insert(Estimate, rows(), n)

    def make_users(self, password):
        rng = self.rng
        # One hash for every user: hashing 6,000 passwords would take minutes.
        hashed = make_password(password)

        def rows(kind, n):
            for i in range(1, n + 1):
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(SURNAME_HEADS) + rng.choice(SURNAME_TAILS)
                username = f"{USERNAME_PREFIX}{kind}-{i}"
                yield User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    password=hashed,
                )

        instructors = self.insert(
            User, rows("instructor", self.counts["instructors"]), self.counts["instructors"], keep=lambda u: u.pk
        )
        students = self.insert(
            User, rows("student", self.counts["students"]), self.counts["students"], keep=lambda u: u.pk
        )
        Membership = User.groups.through
        groups = {
            group.name: group.pk for group in Group.objects.filter(name__in=[services.INSTRUCTOR, services.STUDENT])
        }
        if len(groups) < 2:
            raise CommandError("The Instructor and Student groups are missing: run manage.py migrate first.")
        memberships = [Membership(user_id=pk, group_id=groups[services.INSTRUCTOR]) for pk in instructors] + [
            Membership(user_id=pk, group_id=groups[services.STUDENT]) for pk in students
        ]
        self.insert(Membership, memberships, len(memberships))
        return instructors, students

    def make_courses(self, instructors, students, questions, positions_by_question):
        rng, n = self.rng, self.counts["courses"]
        codes = set(Course.objects.values_list("join_code", flat=True))
        new_codes = []
        while len(new_codes) < n:
            code = "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(8))
            if code not in codes:
                codes.add(code)
                new_codes.append(code)
        courses = self.insert(
            Course,
            (
                Course(title=f"{TITLE_PREFIX}HIST {1000 + i}: {TOPICS[i % len(TOPICS)].capitalize()}", join_code=code)
                for i, code in enumerate(new_codes)
            ),
            n,
            keep=lambda c: c.pk,
        )
        Teaching = Course.instructors.through
        teachers = {course: [instructors[i % len(instructors)]] for i, course in enumerate(courses)}
        for course in courses:
            if rng.random() < 0.2:
                teachers[course] = sorted({*teachers[course], rng.choice(instructors)})
        self.insert(Teaching, (Teaching(course_id=c, user_id=u) for c, us in teachers.items() for u in us), None)

        # Every student in one course, a fifth of them in a second.
        roster = {course: [] for course in courses}
        for i, student in enumerate(students):
            roster[courses[i % n]].append(student)
            if rng.random() < 0.2:
                other = rng.choice(courses)
                if student not in roster[other]:
                    roster[other].append(student)
        self.insert(Enrollment, (Enrollment(course_id=c, student_id=s) for c, ss in roster.items() for s in ss), None)

        now = timezone.now()
        windows = {  # (opens, due) relative to now: closed, open, not yet open
            "past": (timedelta(days=-60), timedelta(days=-30)),
            "open": (timedelta(days=-7), timedelta(days=14)),
            "future": (timedelta(days=7), timedelta(days=30)),
        }
        plans = []
        for course in courses:
            for k in range(self.assignments_per_course):
                question = rng.choice(questions)
                sides = positions_by_question[question]
                in_play = sides if len(sides) <= 3 else rng.sample(sides, 2)
                when = ["past", "open", "future"][k % 3]
                plans.append((course, question, in_play, when))
        assignments = self.insert(
            Assignment,
            (
                Assignment(
                    course_id=course,
                    question_id=question,
                    title=f"{TITLE_PREFIX}debate {i + 1}",
                    instructions="Argue your side in 300–500 words, citing the historians' arguments.",
                    evidence_minimum=rng.choice([2, 3]),
                    opens_at=now + windows[when][0],
                    due_at=now + windows[when][1],
                    accept_late=rng.random() < 0.3,
                    allocation=rng.choice(
                        [Allocation.BALANCED, Allocation.BALANCED, Allocation.BY_HAND, Allocation.STUDENT_CHOICE]
                    ),
                )
                for i, (course, question, in_play, when) in enumerate(plans)
            ),
            len(plans),
        )
        Sides = Assignment.positions.through
        self.insert(
            Sides,
            (Sides(assignment_id=a.pk, position_id=p) for a, plan in zip(assignments, plans) for p in plan[2]),
            None,
        )

        # Who argues which side: balanced at random as the service deals them; when
        # students choose, a few have not chosen yet.
        allocated = []
        for assignment, (course, question, in_play, when) in zip(assignments, plans):
            students_here = roster[course]
            if assignment.allocation == Allocation.STUDENT_CHOICE:
                sides = {s: rng.choice(in_play) for s in students_here if rng.random() < 0.8}
            else:
                sides = services.balanced_sides(students_here, in_play, rng)
            allocated.append((assignment, when, teachers[course], sorted(sides.items())))
        self.insert(
            SideAllocation,
            (
                SideAllocation(assignment_id=assignment.pk, student_id=student, position_id=position)
                for assignment, _, _, sides in allocated
                for student, position in sides
            ),
            sum(len(sides) for *_, sides in allocated),
        )
        return allocated

    def make_submissions(self, allocated, arguments_by_question):
        rng = self.rng
        now = timezone.now()
        plans = []  # (submission, question, its instructors)

        def rows():
            for assignment, when, teachers, sides in allocated:
                if when == "future":
                    continue
                for student, position in sides:
                    if rng.random() < 0.25:
                        continue  # never started
                    submitted = rng.random() < (0.85 if when == "past" else 0.4)
                    submitted_at = None
                    if submitted:
                        submitted_at = min(now, assignment.due_at - timedelta(hours=rng.randrange(-12, 240)))
                    statement = " ".join(f"{self.sentence()}." for _ in range(rng.randrange(3, 12)))
                    submission = Submission(
                        assignment_id=assignment.pk,
                        student_id=student,
                        position_id=position,
                        statement=statement,
                        status=SubmissionStatus.SUBMITTED if submitted else SubmissionStatus.DRAFT,
                        is_late=bool(submitted_at and submitted_at > assignment.due_at),
                        version=rng.randrange(1, 8),
                        submitted_at=submitted_at,
                    )
                    plans.append((assignment.question_id, teachers, when))
                    yield submission

        submissions = self.insert(Submission, rows(), None, keep=lambda s: (s.pk, s.status))

        def citation_rows():
            for (submission, _), (question, _, _) in zip(submissions, plans):
                candidates = arguments_by_question.get(question, [])
                for order, argument in enumerate(rng.sample(candidates, k=min(len(candidates), rng.randrange(1, 6)))):
                    yield Citation(
                        submission_id=submission,
                        argument_id=argument,
                        comment="This supports my side." if rng.random() < 0.5 else "",
                        order=order,
                    )

        self.insert(Citation, citation_rows(), None)

        def feedback_rows():
            for (submission, status), (_, teachers, when) in zip(submissions, plans):
                if status == SubmissionStatus.SUBMITTED and when == "past" and rng.random() < 0.6:
                    yield Feedback(
                        submission_id=submission,
                        author_id=rng.choice(teachers),
                        comment="Good use of the evidence; answer the other side more directly.",
                        grade=rng.choice(GRADES),
                        returned_at=now if rng.random() < 0.5 else None,
                    )

        self.insert(Feedback, feedback_rows(), None)
