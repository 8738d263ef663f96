"""Each list and comparison page runs a fixed number of queries, whatever the rows."""

from django.db import connection
from django.urls import reverse

from historiography.models import ArgumentRelation

from .base import BaseTestCase
from .factories import (
    ArgumentFactory,
    EstimateFactory,
    HistorianFactory,
    SchoolFactory,
    WorkFactory,
    make_class,
    make_question,
)


class QueryCountTests(BaseTestCase):
    def make_arguments(self, count):
        question = make_question(slug=f"question-{count}")
        schools = [SchoolFactory(slug=f"school-a-{count}"), SchoolFactory(slug=f"school-b-{count}")]
        positions = list(question.positions.all())
        arguments = []
        for n in range(count):
            historian = HistorianFactory(schools=schools[: 1 + n % 2])
            arguments.append(
                ArgumentFactory(
                    historian=historian, position=positions[n % 2], tags=[f"tag-{n % 3}", "shared"], year=1950 + n
                )
            )
        for source, target in zip(arguments[1:], arguments[:-1]):
            ArgumentRelation.objects.create(source=source, target=target, kind="rebuts")
        EstimateFactory.create_batch(3, question=question)
        return question

    def assert_constant(self, queries, url_for):
        """`url_for(question, count)` gives the page to load once the rows exist."""
        for count in (5, 50):
            with self.subTest(arguments=count):
                url = url_for(self.make_arguments(count), count)
                with self.assertNumQueries(queries):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    def test_question_page(self):
        # question+topic (and the standing's source), positions, arguments per position, one
        # page of each column's arguments (historian, school, source, position, question,
        # topic, work joined), historians' schools, school views' named examples, tags,
        # incoming relations, estimates; the filter form's choices: schools, tags (-1 since
        # issue 16: the people are a text field with suggestions, not a select of them all)
        self.assert_constant(11, lambda q, n: q.get_absolute_url())

    def test_question_page_two(self):
        self.assert_constant(11, lambda q, n: f"{q.get_absolute_url()}?page=2")

    def test_question_page_filtered_and_grouped(self):
        # as above, plus one lookup per bound model-choice filter (school, tag)
        self.assert_constant(
            13, lambda q, n: f"{q.get_absolute_url()}?group=school&school=school-a-{n}&tag=shared&decade=1950"
        )

    def test_question_page_filtered_by_person(self):
        # as the question page, plus the person's lookup among the question's people
        self.assert_constant(
            12, lambda q, n: f"{q.get_absolute_url()}?historian={q.positions.first().arguments.first().historian.slug}"
        )

    def test_argument_list(self):
        # count, page of arguments (joined), schools, named examples, tags, incoming relations;
        # filter form's choices: questions, schools, tags (-1 since issue 16: no select of
        # every person)
        self.assert_constant(9, lambda q, n: reverse("historiography:argument-list"))

    def test_argument_list_filtered(self):
        # as above, plus the lookup of the bound question filter
        self.assert_constant(10, lambda q, n: f"{reverse('historiography:argument-list')}?question={q.slug}")

    def test_search(self):
        # The index's candidates (one query for all kinds, on both databases), the matching
        # arguments kept (published, filtered), the names (typo tolerance). Then the shown
        # questions and their positions; the shown arguments' marked texts, then for the
        # cards the card cache does not hold (all: it is off here) their rows (joined),
        # their historians' schools, named examples, tags, incoming relations; the
        # filters' topics, questions, schools. PostgreSQL reads the names (likeness to a
        # misspelt one) only when nothing was found: its trigram index finds them in the
        # candidates' query.
        queries = 14 if connection.vendor == "sqlite" else 13
        self.assert_constant(queries, lambda q, n: f"{reverse('historiography:search')}?q=Claim")

    def test_search_one_kind_page_two(self):
        # as above, but no questions shown
        queries = 12 if connection.vendor == "sqlite" else 11
        self.assert_constant(queries, lambda q, n: f"{reverse('historiography:search')}?q=Claim&kind=argument&page=2")

    def test_home(self):
        # topics, their questions
        self.assert_constant(2, lambda q, n: reverse("historiography:home"))

    def test_topic_page(self):
        # topic, questions with counts, positions
        self.assert_constant(3, lambda q, n: q.topic.get_absolute_url())

    def test_historian_list(self):
        # count, a page of historians with counts, their schools
        self.assert_constant(3, lambda q, n: reverse("historiography:historian-list"))

    def test_tag_page(self):
        # tag, count, page of arguments, schools, named examples, tags, incoming relations
        self.assert_constant(7, lambda q, n: reverse("historiography:tag-detail", args=["shared"]))

    def test_school_page(self):
        # school, a page of its historians, a page of arguments (its own views and its
        # people's), schools, named examples, tags, incoming relations; (+2 since issue 16:
        # both lists are paged, so each is counted)
        self.assert_constant(9, lambda q, n: reverse("historiography:school-detail", args=[f"school-a-{n}"]))


class DetailAndClassroomQueryCountTests(BaseTestCase):
    """Detail pages and the classroom's lists: the same number of queries for a small and
    a large class or body of work."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from django.contrib.auth.models import Group

        cls.instructor.groups.add(Group.objects.get(name="Instructor"))
        cls.student.groups.add(Group.objects.get(name="Student"))

    def make_class(self, students):
        """A course with `students` students, each with a submitted, cited case."""
        from datetime import timedelta

        from django.utils import timezone

        from historiography.classroom import services

        assignment, users, arguments = make_class(
            self.instructor,
            students,
            also=[self.student],
            slug=f"class-{students}",
            title="Debate",
            due_at=timezone.now() + timedelta(days=7),
        )
        for user in users:
            submission = services.submission_start(assignment=assignment, student=user)
            services.submission_cite(submission=submission, argument=arguments[0])
            services.submission_save(
                submission=submission,
                version=submission.version,
                statement="My case in words.",
                comments={},
                removed=set(),
            )
        return assignment

    def assert_constant(self, queries, user, url_for):
        for size in (2, 12):
            with self.subTest(size=size):
                url = url_for(self.make_class(size), size)
                self.client.force_login(user)
                with self.assertNumQueries(queries):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)

    # Each count includes the user and the header's unread notifications (2 queries); the
    # session comes from the cache (cached_db; -1 each since issue 16). Whether the user
    # teaches comes with the assignment (-1 for every assignment page, since the board's speed-up).
    def test_instructor_board(self):
        # the assignment with course, question, topic and whether the user teaches it; its
        # positions; submissions of the phase with feedback and citation counts; allocations
        # of enrolled students with their students and positions
        self.assert_constant(6, self.instructor, lambda a, n: reverse("classroom:assignment-board", args=[a.pk]))

    def test_course_page_for_its_instructor(self):
        self.assert_constant(6, self.instructor, lambda a, n: a.course.get_absolute_url())

    def test_my_assignments(self):
        self.assert_constant(5, self.student, lambda a, n: reverse("classroom:my-assignments"))

    def test_student_assignment_page(self):
        # (+1 since issue 11: the cards' school views' named examples; +1 since issue 16:
        # the sides' arguments are counted per position, to show one page of each column;
        # -1: whether the user teaches, asked with the assignment; -1: the students per side
        # are counted only for a student who may choose a side. Card cache off; with it on
        # the columns take none: classroom/test_classroom.py)
        self.assert_constant(13, self.student, lambda a, n: a.get_absolute_url())

    def test_historian_and_argument_pages(self):
        for size in (2, 12):
            with self.subTest(size=size):
                historian = HistorianFactory(schools=[SchoolFactory()])
                question = make_question(slug=f"h-{size}")
                arguments = [
                    ArgumentFactory(historian=historian, position=question.positions.first(), tags=["t"])
                    for _ in range(size)
                ]
                for source in arguments[1:]:
                    ArgumentRelation.objects.create(source=source, target=arguments[0], kind="supports")
                # (each +1 since issue 11: the cards' school views' named examples; the
                # historian's +1 since issue 16: the arguments are paged, so counted)
                with self.assertNumQueries(9):
                    self.assertEqual(self.client.get(historian.get_absolute_url()).status_code, 200)
                with self.assertNumQueries(7):
                    self.assertEqual(self.client.get(arguments[0].get_absolute_url()).status_code, 200)

    def test_work_page(self):
        # work, its authors; arguments citing it (historian, school, source, position, question,
        # topic joined), their historians' schools, school views' named examples, tags,
        # incoming relations; (+1 since issue 16: the arguments are paged, so counted)
        for size in (2, 12):
            with self.subTest(size=size):
                work = WorkFactory()
                work.authors.set([HistorianFactory(schools=[SchoolFactory()]) for _ in range(1 + size // 4)])
                question = make_question(slug=f"w-{size}")
                arguments = [
                    ArgumentFactory(work=work, position=question.positions.first(), tags=["t"]) for _ in range(size)
                ]
                for source in arguments[1:]:
                    ArgumentRelation.objects.create(source=source, target=arguments[0], kind="rebuts")
                with self.assertNumQueries(8):
                    self.assertEqual(self.client.get(work.get_absolute_url()).status_code, 200)
