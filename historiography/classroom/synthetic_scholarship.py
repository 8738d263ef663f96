"""The scholarship half of `generate_synthetic` (the classroom's command): schools, people,
works, topics, questions, a synthetic source, arguments, tags, relations and estimates,
written in bulk. A mixin of the command, which holds the random generator and `insert`."""

from django.utils.text import slugify
from taggit.models import Tag

from historiography.classroom.synthetic_vocabulary import (
    FACTORS,
    FIRST_NAMES,
    OBJECTS,
    PUBLISHERS,
    QUALIFIERS,
    QUESTION_FORMS,
    QUOTE_OPENERS,
    SIDE_SETS,
    SLUG_PREFIX,
    SOURCE_PASSAGES,
    SOURCE_SLUG,
    SUBJECTS,
    SURNAME_HEADS,
    SURNAME_TAILS,
    SYNTHETIC_BASES,
    TAG_WORDS,
    TITLE_FORMS,
    TITLE_PREFIX,
    TOPIC_TERMS,
    TOPICS,
    VERBS,
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


class ScholarshipWriter:
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
                    background=(
                        f"Synthetic background: historians have long asked how {factor} and {other} bear on {subject}."
                    ),
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
