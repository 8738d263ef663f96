"""factory_boy factories for the scholarship; published unless told otherwise."""

import datetime

import factory

from historiography import models
from historiography.classroom import models as classroom_models


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    status = models.Status.PUBLISHED


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.School

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")


class HistorianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Historian
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Historian {n}")
    sort_name = factory.LazyAttribute(lambda o: o.name)
    slug = factory.Sequence(lambda n: f"historian-{n}")
    role = models.Role.HISTORIAN

    @factory.post_generation
    def schools(self, create, extracted, **kwargs):
        if create and extracted:
            self.schools.set(extracted)


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Work

    title = factory.Sequence(lambda n: f"Work {n}")
    slug = factory.Sequence(lambda n: f"work-{n}")
    year = 1990


# A source's text: the factories' passages stand in it, verbatim, as the product requires.
SOURCE_TEXT = """Historiography

Some text before. Words from the source. More text after it.
Historians, as the source says, "disagree about nearly everything" and always will."""


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ["slug"]

    slug = "a-reference-work"
    title = "A Reference Work"
    kind = models.SourceKind.ENCYCLOPEDIA
    site = "Reference Site"
    accessed = datetime.date(2026, 11, 22)
    key = "001_38c86745db62a3cb.txt"
    text = SOURCE_TEXT


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Question

    topic = factory.SubFactory(TopicFactory)
    title = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.Sequence(lambda n: f"question-{n}")
    status = models.Status.PUBLISHED


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Position

    question = factory.SubFactory(QuestionFactory)
    label = factory.Sequence(lambda n: f"Position {n}")
    slug = factory.Sequence(lambda n: f"position-{n}")
    order = factory.Sequence(lambda n: n)


class ArgumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Argument
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"argument-{n}")
    historian = factory.SubFactory(HistorianFactory)
    position = factory.SubFactory(PositionFactory)
    claim = factory.Sequence(lambda n: f"Claim number {n} about the period.")
    attribution = models.Attribution.REPORTED
    passage = "Words from the source."
    source = factory.SubFactory(SourceFactory)
    section = "Historiography"
    work = factory.SubFactory(WorkFactory)
    year = 1990
    status = models.Status.PUBLISHED

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class EstimateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Estimate

    question = factory.SubFactory(QuestionFactory)
    slug = factory.Sequence(lambda n: f"estimate-{n}")
    measure = "Total deaths"
    given_by = factory.Sequence(lambda n: f"Source {n}")
    low = 1_000_000
    high = 2_000_000
    basis = "post_archival"
    source = factory.SubFactory(SourceFactory)
    section = "Total Death Toll Estimates (Stalin Era)"
    passage = "Words from the source."
    status = models.Status.PUBLISHED


def make_question(positions=2, **kwargs):
    """A published question with `positions` ordered positions."""
    question = QuestionFactory(**kwargs)
    for order in range(positions):
        PositionFactory(question=question, order=order, label=f"Side {order + 1}", slug=f"side-{order + 1}")
    return question


def make_class(instructor, students, *, also=(), slug, days_open=1, **assignment_fields):
    """A course of `students` new students plus the users in `also`, and an assignment
    (opened `days_open` days ago) on a new two-sided question with four arguments, sides
    allocated alternately by hand. Returns (assignment, users, arguments)."""
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from historiography.classroom import services

    question = make_question(slug=slug)
    sides = list(question.positions.all())
    arguments = [ArgumentFactory(position=sides[n % 2]) for n in range(4)]
    course = services.course_create(instructor=instructor, title=f"Class of {students}")
    users = [User.objects.create_user(f"s{students}-{n}") for n in range(students)] + list(also)
    for user in users:
        services.course_join(student=user, code=course.join_code)
    assignment = services.assignment_create(
        course=course,
        question=question,
        positions=sides,
        evidence_minimum=1,
        allocation=classroom_models.Allocation.BY_HAND,
        opens_at=timezone.now() - timedelta(days=days_open),
        **assignment_fields,
    )
    services.assignment_allocate(assignment=assignment, sides={user: sides[n % 2] for n, user in enumerate(users)})
    return assignment, users, arguments
