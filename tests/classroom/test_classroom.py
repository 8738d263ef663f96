import csv
import io
import random
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from historiography.cache import invalidate_public_pages
from historiography.cards import CARDS_PER_COLUMN
from historiography.classroom import services
from historiography.classroom.models import (
    Allocation,
    Assignment,
    Citation,
    Course,
    Enrollment,
    Feedback,
    Profile,
    SideAllocation,
    Submission,
    SubmissionStatus,
)
from historiography.classroom.services import ConflictError
from historiography.models import Historian
from historiography.services import ServiceError

from ..base import BaseTestCase
from ..factories import ArgumentFactory, make_question


class ClassroomTestCase(BaseTestCase):
    """A course taught by `instructor` with `student` and `other_student` enrolled, and an
    open assignment on a two-sided question with two arguments a side."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user, role in [
            (cls.instructor, "Instructor"),
            (cls.other_instructor, "Instructor"),
            (cls.student, "Student"),
            (cls.other_student, "Student"),
        ]:
            user.groups.add(Group.objects.get(name=role))
        cls.question = make_question(title="Was the famine a genocide?", slug="famine")
        cls.side_a, cls.side_b = cls.question.positions.all()
        cls.arguments_a = ArgumentFactory.create_batch(2, position=cls.side_a)
        cls.arguments_b = ArgumentFactory.create_batch(2, position=cls.side_b)
        cls.course = services.course_create(instructor=cls.instructor, title="History 201")
        services.course_join(student=cls.student, code=cls.course.join_code)
        services.course_join(student=cls.other_student, code=cls.course.join_code)
        now = timezone.now()
        cls.assignment = services.assignment_create(
            course=cls.course,
            question=cls.question,
            positions=[cls.side_a, cls.side_b],
            title="Famine debate",
            evidence_minimum=2,
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=7),
            allocation=Allocation.BY_HAND,
        )
        services.assignment_allocate(
            assignment=cls.assignment, sides={cls.student: cls.side_a, cls.other_student: cls.side_b}
        )


class CourseTests(ClassroomTestCase):
    def test_it_joins_with_a_code_in_any_case_or_spacing(self):
        newcomer = self.make_user("newcomer")
        code = self.course.join_code
        course = services.course_join(student=newcomer, code=f" {code[:4].lower()}-{code[4:]} ")
        self.assertEqual(course, self.course)
        self.assertTrue(newcomer.groups.filter(name="Student").exists())

    def test_a_wrong_code_says_so(self):
        with self.assertRaisesMessage(ServiceError, "That join code is not valid"):
            services.course_join(student=self.make_user("newcomer"), code="NOPE1234")

    def test_a_rotated_code_no_longer_works(self):
        old = self.course.join_code
        new = services.course_rotate_code(course=self.course)
        self.assertNotEqual(old, new)
        with self.assertRaisesMessage(ServiceError, "not valid"):
            services.course_join(student=self.make_user("late"), code=old)

    def test_a_closed_course_says_so(self):
        Course.objects.filter(pk=self.course.pk).update(joining_open=False)
        with self.assertRaisesMessage(ServiceError, "not accepting new students"):
            services.course_join(student=self.make_user("late"), code=self.course.join_code)

    def test_joining_twice_says_so(self):
        with self.assertRaisesMessage(ServiceError, "already in"):
            services.course_join(student=self.student, code=self.course.join_code)

    def test_removing_a_student_keeps_their_submission(self):
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        services.course_remove_student(course=self.course, student=self.student)
        self.assertFalse(Enrollment.objects.filter(course=self.course, student=self.student).exists())
        self.assertFalse(SideAllocation.objects.filter(assignment=self.assignment, student=self.student).exists())
        self.assertTrue(Submission.objects.filter(pk=submission.pk).exists())

    def test_signup_with_a_code_creates_and_enrolls(self):
        response = self.client.post(
            reverse("classroom:signup"),
            {
                "username": "newstudent",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
                "code": self.course.join_code,
            },
        )
        self.assertRedirects(response, self.course.get_absolute_url())
        self.assertTrue(Enrollment.objects.filter(course=self.course, student__username="newstudent").exists())

    def test_signup_with_a_bad_code_creates_nothing(self):
        response = self.client.post(
            reverse("classroom:signup"),
            {
                "username": "newstudent",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
                "code": "WRONG123",
            },
        )
        self.assertContains(response, "That join code is not valid")
        self.assertFalse(type(self.student).objects.filter(username="newstudent").exists())

    def make_user(self, username):
        return type(self.student).objects.create_user(username, password=self.password)


class AllocationTests(ClassroomTestCase):
    def test_balanced_sides_differ_by_at_most_one(self):
        positions = [self.side_a, self.side_b]
        for students in range(1, 12):
            with self.subTest(students=students):
                sides = services.balanced_sides(list(range(students)), positions, rng=random.Random(students))
                counts = [list(sides.values()).count(position) for position in positions]
                self.assertLessEqual(max(counts) - min(counts), 1)
                self.assertEqual(sum(counts), students)

    def test_balanced_sides_over_three_positions(self):
        third = self.question.positions.create(label="Third", slug="third", order=3)
        sides = services.balanced_sides(list(range(10)), [self.side_a, self.side_b, third], rng=random.Random(1))
        counts = sorted(list(sides.values()).count(p) for p in [self.side_a, self.side_b, third])
        self.assertEqual(counts, [3, 3, 4])

    def test_reallocation_moves_submissions_back_to_draft_keeping_text(self):
        submission = self.submitted(self.student)
        impact = services.allocation_impact(assignment=self.assignment, sides={self.student: self.side_b})
        self.assertEqual((impact.moved_submissions, impact.submitted_moved), (1, 1))
        services.assignment_allocate(assignment=self.assignment, sides={self.student: self.side_b})
        submission.refresh_from_db()
        self.assertEqual(submission.position, self.side_b)
        self.assertEqual(submission.status, SubmissionStatus.DRAFT)
        self.assertEqual(submission.statement, "My case.")
        self.assertEqual(submission.citations.count(), 2)

    def test_reallocation_asks_for_confirmation(self):
        self.submitted(self.student)
        self.client.force_login(self.instructor)
        url = reverse("classroom:assignment-allocate", args=[self.assignment.pk])
        response = self.client.post(
            url,
            {
                "method": "by_hand",
                f"side_{self.student.pk}": self.side_b.pk,
                f"side_{self.other_student.pk}": self.side_b.pk,
            },
        )
        self.assertContains(response, "goes back to <strong>draft</strong>")
        self.assertEqual(
            SideAllocation.objects.get(assignment=self.assignment, student=self.student).position, self.side_a
        )
        self.client.post(url, {"method": "by_hand", "confirm": "yes", f"side_{self.student.pk}": self.side_b.pk})
        self.assertEqual(
            SideAllocation.objects.get(assignment=self.assignment, student=self.student).position, self.side_b
        )

    def test_random_allocation_from_the_page(self):
        self.client.force_login(self.instructor)
        self.client.post(
            reverse("classroom:assignment-allocate", args=[self.assignment.pk]),
            {"method": "balanced", "redeal": "all", "confirm": "yes"},
        )
        positions = list(SideAllocation.objects.filter(assignment=self.assignment).values_list("position", flat=True))
        self.assertEqual(sorted(positions), sorted([self.side_a.pk, self.side_b.pk]))

    def test_sides_only_for_enrolled_students(self):
        with self.assertRaisesMessage(ServiceError, "enrolled"):
            services.assignment_allocate(assignment=self.assignment, sides={self.other_instructor: self.side_a})

    def test_students_choose_within_the_cap(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(allocation=Allocation.STUDENT_CHOICE, side_cap=1)
        SideAllocation.objects.all().delete()
        services.side_choose(assignment=self.assignment, student=self.student, position=self.side_a)
        with self.assertRaisesMessage(ServiceError, "is full"):
            services.side_choose(assignment=self.assignment, student=self.other_student, position=self.side_a)
        services.side_choose(assignment=self.assignment, student=self.other_student, position=self.side_b)
        # changing one's own side does not count oneself against the cap
        services.side_choose(assignment=self.assignment, student=self.student, position=self.side_a)

    def test_the_page_counts_each_sides_students_for_a_student_who_may_choose(self):
        self.client.force_login(self.student)
        self.assertNotContains(self.client.get(self.assignment.get_absolute_url()), "chosen")
        Assignment.objects.filter(pk=self.assignment.pk).update(allocation=Allocation.STUDENT_CHOICE, side_cap=1)
        self.assertContains(self.client.get(self.assignment.get_absolute_url()), "(1 chosen of 1)", count=2)

    def test_choosing_is_refused_when_the_instructor_allocates(self):
        with self.assertRaisesMessage(ServiceError, "allocates the sides"):
            services.side_choose(assignment=self.assignment, student=self.student, position=self.side_b)

    def submitted(self, student):
        submission = services.submission_start(assignment=self.assignment, student=student)
        for argument in self.arguments_a:
            services.submission_cite(submission=submission, argument=argument)
        submission = services.submission_save(
            submission=submission, version=submission.version, statement="My case.", comments={}, removed=set()
        )
        return services.submission_submit(submission=submission)


class SubmissionRuleTests(ClassroomTestCase):
    def setUp(self):
        self.submission = services.submission_start(assignment=self.assignment, student=self.student)

    def test_the_evidence_minimum_is_enforced(self):
        self.save("My case.")
        services.submission_cite(submission=self.submission, argument=self.arguments_a[0])
        with self.assertRaisesMessage(ServiceError, "Cite at least 2 arguments before submitting (you have 1)"):
            services.submission_submit(submission=self.submission)
        services.submission_cite(submission=self.submission, argument=self.arguments_b[0])  # rebutting counts
        self.assertTrue(services.submission_submit(submission=self.submission).is_submitted)

    def test_an_argument_from_another_question_cannot_be_cited(self):
        with self.assertRaisesMessage(ServiceError, "this assignment's question"):
            services.submission_cite(submission=self.submission, argument=ArgumentFactory())

    def test_a_second_tab_cannot_silently_overwrite(self):
        stale_version = self.submission.version
        self.save("Text from tab one.")
        with self.assertRaises(ConflictError):
            services.submission_save(
                submission=self.submission,
                version=stale_version,
                statement="Text from tab two.",
                comments={},
                removed=set(),
            )
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.statement, "Text from tab one.")

    def test_after_the_deadline_it_is_read_only(self):
        after = self.assignment.due_at + timedelta(minutes=1)
        with self.assertRaisesMessage(ServiceError, "read-only"):
            services.submission_save(
                submission=self.submission,
                version=self.submission.version,
                statement="x",
                comments={},
                removed=set(),
                now=after,
            )

    def test_late_work_is_accepted_and_marked_when_allowed(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(accept_late=True)
        self.submission.refresh_from_db()
        after = self.assignment.due_at + timedelta(hours=2)
        for argument in self.arguments_a:
            services.submission_cite(submission=self.submission, argument=argument, now=after)
        self.save("Late case.", now=after)
        submitted = services.submission_submit(submission=self.submission, now=after)
        self.assertTrue(submitted.is_late)

    def test_on_time_work_is_not_late(self):
        for argument in self.arguments_a:
            services.submission_cite(submission=self.submission, argument=argument)
        self.save("On time.")
        self.assertFalse(services.submission_submit(submission=self.submission).is_late)

    def test_submitted_work_is_frozen(self):
        for argument in self.arguments_a:
            services.submission_cite(submission=self.submission, argument=argument)
        self.save("Done.")
        services.submission_submit(submission=self.submission)
        with self.assertRaisesMessage(ServiceError, "can no longer be changed"):
            self.save("Changed.")

    def test_before_opening_nothing_can_be_written(self):
        before = self.assignment.opens_at - timedelta(minutes=1)
        with self.assertRaisesMessage(ServiceError, "not open yet"):
            services.submission_cite(submission=self.submission, argument=self.arguments_a[0], now=before)

    def save(self, statement, now=None):
        self.submission.refresh_from_db()
        self.submission = services.submission_save(
            submission=self.submission,
            version=self.submission.version,
            statement=statement,
            comments={},
            removed=set(),
            now=now,
        )


class EditorPageTests(ClassroomTestCase):
    def setUp(self):
        self.client.force_login(self.student)
        self.url = reverse("classroom:submission-edit", args=[self.assignment.pk])

    def test_the_student_adds_evidence_writes_comments_saves_and_submits(self):
        for argument in [self.arguments_a[0], self.arguments_b[0]]:
            self.client.post(reverse("classroom:evidence-add", args=[self.assignment.pk]), {"argument": argument.slug})
        submission = Submission.objects.get(student=self.student)
        own, rebutted = submission.citations.order_by("order")
        response = self.client.get(self.url)
        self.assertContains(response, "supports my side")
        self.assertContains(response, "I rebut it")
        response = self.client.post(
            self.url,
            {
                "version": submission.version,
                "statement": "Stalin's famine policy...",
                f"comment_{own.pk}": "This is my best evidence.",
                f"comment_{rebutted.pk}": "This misreads the archive.",
                "save": "",
            },
            follow=True,
        )
        self.assertContains(response, "Draft saved.")
        own.refresh_from_db()
        self.assertEqual(own.comment, "This is my best evidence.")
        submission.refresh_from_db()
        response = self.client.post(
            self.url, {"version": submission.version, "statement": "Final.", "submit": ""}, follow=True
        )
        self.assertContains(response, "Submitted.")
        self.assertEqual(Submission.objects.get(pk=submission.pk).status, SubmissionStatus.SUBMITTED)

    def test_a_conflict_keeps_the_students_text_on_screen(self):
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        stale = submission.version
        services.submission_save(
            submission=submission, version=stale, statement="Saved in another tab.", comments={}, removed=set()
        )
        response = self.client.post(self.url, {"version": stale, "statement": "My unsaved paragraph.", "save": ""})
        self.assertContains(response, "not saved")
        self.assertContains(response, "My unsaved paragraph.")
        submission.refresh_from_db()
        self.assertEqual(submission.statement, "Saved in another tab.")

    def test_removing_evidence(self):
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        citation = services.submission_cite(submission=submission, argument=self.arguments_a[0])
        self.client.post(
            self.url, {"version": submission.version, "statement": "", f"remove_{citation.pk}": "on", "save": ""}
        )
        self.assertFalse(Citation.objects.filter(pk=citation.pk).exists())

    def test_after_the_deadline_the_page_says_read_only(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(
            opens_at=timezone.now() - timedelta(days=3), due_at=timezone.now() - timedelta(days=1)
        )
        response = self.client.get(self.url)
        self.assertContains(response, "The deadline has passed, so this submission is read-only.")
        self.assertNotContains(response, "Save draft")


class BoardAndGradesTests(ClassroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        submission = services.submission_start(assignment=cls.assignment, student=cls.student)
        for argument in cls.arguments_a:
            services.submission_cite(submission=submission, argument=argument)
        submission = services.submission_save(
            submission=submission, version=submission.version, statement="one two three", comments={}, removed=set()
        )
        cls.submission = services.submission_submit(submission=submission)
        draft = services.submission_start(assignment=cls.assignment, student=cls.other_student)
        services.submission_save(
            submission=draft, version=draft.version, statement="secret draft words", comments={}, removed=set()
        )

    def setUp(self):
        cache.clear()  # the board's cards are cached; each test starts without them

    def board(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("classroom:assignment-board", args=[self.assignment.pk]))

    def test_the_board_renders_each_card_once_then_reads_it_from_the_cache(self):
        first = self.board(self.instructor)
        self.assertTemplateUsed(first, "classroom/_board_card.html")
        second = self.board(self.instructor)
        self.assertTemplateNotUsed(second, "classroom/_board_card.html")
        columns = [response.content.decode().split('<div class="columns', 1)[1] for response in (first, second)]
        self.assertEqual(columns[1], columns[0])

    def test_an_edited_statement_shows_on_the_next_load(self):
        self.assertContains(self.board(self.instructor), "one two three")
        # Even a write that bypasses save() (and so `version` and `updated`) is never served stale.
        Submission.objects.filter(pk=self.submission.pk).update(statement="four five six seven")
        response = self.board(self.instructor)
        self.assertContains(response, "four five six seven")
        self.assertContains(response, "2 cited arguments · 4 words")
        self.assertNotContains(response, "one two three")
        draft = Submission.objects.get(student=self.other_student)
        services.submission_save(
            submission=draft, version=draft.version, statement="a rewritten draft", comments={}, removed=set()
        )
        self.assertContains(self.board(self.instructor), "a rewritten draft")

    def test_feedback_and_a_returned_grade_show_on_the_next_load(self):
        self.assertContains(self.board(self.instructor), "and give feedback")
        services.feedback_save(
            submission=self.submission, author=self.instructor, comment="Good.", grade="B+", release=False
        )
        self.assertContains(self.board(self.instructor), "feedback held")
        services.feedback_release(assignment=self.assignment)  # an update() of returned_at alone
        response = self.board(self.instructor)
        self.assertContains(response, "returned, grade B+")
        self.assertNotContains(response, "feedback held")

    def test_a_changed_name_shows_on_the_next_load(self):
        self.assertContains(self.board(self.instructor), '<h3 class="card-name">student</h3>', html=True)
        self.student.first_name, self.student.last_name = "Ada", "Renamed"
        self.student.save()
        response = self.board(self.instructor)
        self.assertContains(response, '<h3 class="card-name">Ada Renamed</h3>', html=True)
        self.assertNotContains(response, '<h3 class="card-name">student</h3>', html=True)

    def test_each_reader_sees_the_time_in_their_own_zone(self):
        Submission.objects.filter(pk=self.submission.pk).update(submitted_at=datetime(2030, 1, 15, 12, 0, tzinfo=UTC))
        self.course.instructors.add(self.other_instructor)
        Profile.objects.create(user=self.other_instructor, timezone="Asia/Tokyo")  # UTC+9
        self.assertContains(self.board(self.instructor), "submitted 15 Jan, 12:00")
        self.assertContains(self.board(self.other_instructor), "submitted 15 Jan, 21:00")

    def test_the_board_shows_each_side_with_status_evidence_and_words(self):
        self.client.force_login(self.instructor)
        response = self.client.get(reverse("classroom:assignment-board", args=[self.assignment.pk]))
        self.assertContains(response, "2 cited arguments · 3 words")
        self.assertContains(response, 'status-submitted">submitted')
        self.assertContains(response, 'status-draft">draft')

    def test_feedback_is_held_until_returned(self):
        self.client.force_login(self.instructor)
        url = self.submission.get_absolute_url()
        self.client.post(url, {"comment": "Strong use of Conquest.", "grade": "A-"})
        self.assertFalse(Feedback.objects.get().is_returned)
        self.client.force_login(self.student)
        self.assertNotContains(self.client.get(url), "Strong use of Conquest.")
        self.client.force_login(self.instructor)
        self.client.post(url, {"comment": "Strong use of Conquest.", "grade": "A-", "release": "on"})
        self.client.force_login(self.student)
        response = self.client.get(url)
        self.assertContains(response, "Strong use of Conquest.")
        self.assertContains(response, "Grade: A-")

    def test_grades_csv(self):
        services.feedback_save(
            submission=self.submission, author=self.instructor, comment="=HYPERLINK(bad)", grade="B+", release=True
        )
        self.client.force_login(self.instructor)
        response = self.client.get(reverse("classroom:assignment-grades", args=[self.assignment.pk]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        by_user = {row["username"]: row for row in rows}
        self.assertEqual(set(by_user), {"student", "other_student"})
        self.assertEqual(by_user["student"]["grade"], "B+")
        self.assertEqual(by_user["student"]["status"], "submitted")
        self.assertEqual(by_user["student"]["evidence"], "2")
        self.assertEqual(by_user["student"]["words"], "3")
        self.assertEqual(by_user["student"]["returned"], "yes")
        self.assertEqual(by_user["student"]["feedback"], "'=HYPERLINK(bad)")
        self.assertEqual(by_user["other_student"]["status"], "draft")
        self.assertEqual(by_user["other_student"]["grade"], "")

    def test_an_open_board_shows_classmates_submitted_cases_never_drafts(self):
        Assignment.objects.filter(pk=self.assignment.pk).update(
            peer_visibility="after_deadline",
            opens_at=timezone.now() - timedelta(days=3),
            due_at=timezone.now() - timedelta(days=1),
        )
        self.assertContains(self.board(self.instructor), "secret draft words")  # its card now cached
        response = self.board(self.other_student)
        self.assertContains(response, "one two three")
        self.assertNotContains(response, "secret draft words")

    def test_my_assignments_groups_by_state(self):
        services.feedback_save(submission=self.submission, author=self.instructor, comment="", grade="A", release=True)
        self.client.force_login(self.student)
        response = self.client.get(reverse("classroom:my-assignments"))
        self.assertEqual([name for name, items in response.context["groups"] if items], ["graded"])
        self.client.force_login(self.other_student)
        response = self.client.get(reverse("classroom:my-assignments"))
        self.assertEqual([name for name, items in response.context["groups"] if items], ["upcoming"])


class AssignmentFormTests(ClassroomTestCase):
    def test_the_instructor_creates_an_assignment_with_sides_of_the_question(self):
        self.client.force_login(self.instructor)
        url = reverse("classroom:assignment-create", args=[self.course.pk])
        data = {
            "title": "New debate",
            "question": self.question.pk,
            "positions": [self.side_a.pk, self.side_b.pk],
            "instructions": "Argue.",
            "evidence_minimum": 3,
            "opens_at": "2030-01-01T09:00",
            "due_at": "2030-01-08T17:00",
            "allocation": "balanced",
            "mode": "debate",
            "peer_visibility": "instructors",
        }
        response = self.client.post(url, data)
        assignment = Assignment.objects.get(title="New debate")
        self.assertRedirects(response, assignment.get_absolute_url())
        self.assertEqual(set(assignment.positions.all()), {self.side_a, self.side_b})

    def test_the_question_comes_first_then_only_its_positions(self):
        self.client.force_login(self.instructor)
        other = make_question(slug="other-topic-question", title="A question of another topic?")
        url = reverse("classroom:assignment-create", args=[self.course.pk])
        step_one = self.client.get(url)
        self.assertContains(step_one, "Step 1 of 2")
        self.assertContains(step_one, f'<optgroup label="{self.question.topic.title}">', html=False)
        self.assertContains(step_one, f'<optgroup label="{other.topic.title}">', html=False)
        self.assertNotContains(step_one, 'name="positions"')
        step_two = self.client.get(url, {"question": self.question.pk})
        self.assertContains(step_two, "Step 2 of 2")
        self.assertContains(step_two, f'value="{self.side_a.pk}"')
        for position in other.positions.all():
            self.assertNotContains(step_two, f'name="positions" value="{position.pk}"')
        self.assertEqual(
            list(step_two.context["form"].fields["positions"].queryset), list(self.question.positions.all())
        )
        # Back to step 1, or a question that is not published: the list again.
        self.assertContains(self.client.get(url, {"question": self.question.pk, "choose": 1}), "Step 1 of 2")
        self.assertContains(self.client.get(url, {"question": "abc"}), "Step 1 of 2")

    def test_bad_input_is_explained_and_saves_nothing(self):
        self.client.force_login(self.instructor)
        other = make_question(slug="other")
        url = reverse("classroom:assignment-create", args=[self.course.pk])
        response = self.client.post(
            url,
            {
                "title": "Bad",
                "question": self.question.pk,
                "positions": [self.side_a.pk, other.positions.first().pk],
                "evidence_minimum": 1,
                "opens_at": "2030-01-08T09:00",
                "due_at": "2030-01-01T09:00",
                "allocation": "by_hand",
                "side_cap": 3,
            },
        )
        self.assertContains(response, "Tick only positions of the chosen question.")
        self.assertContains(response, "The deadline must come after the opening time.")
        self.assertContains(response, "A cap applies only when students choose their side.")
        self.assertFalse(Assignment.objects.filter(title="Bad").exists())

    def test_times_are_read_in_the_users_time_zone(self):
        self.client.force_login(self.instructor)
        self.client.post(reverse("classroom:set-timezone"), {"timezone": "Asia/Tokyo"})
        self.client.post(
            reverse("classroom:assignment-create", args=[self.course.pk]),
            {
                "title": "Tokyo",
                "question": self.question.pk,
                "positions": [self.side_a.pk, self.side_b.pk],
                "evidence_minimum": 1,
                "opens_at": "2030-01-01T09:00",
                "due_at": "2030-01-02T09:00",
                "allocation": "by_hand",
                "mode": "debate",
                "peer_visibility": "instructors",
            },
        )
        due = Assignment.objects.get(title="Tokyo").due_at
        self.assertEqual(due.astimezone(timezone.get_fixed_timezone(0)).hour, 0)  # 09:00 in Tokyo is 00:00 UTC


@override_settings(CARD_CACHE_SECONDS=300)
class StudentAssignmentPageCacheTests(ClassroomTestCase):
    """With the shared cache on, the sides' columns of a student's assignment page come
    whole from it (historiography/cards.py, `sides_page()`): the same for every student of
    the class and never older than the scholarship; each student's own marks and buttons
    are no part of it."""

    def setUp(self):
        cache.clear()
        self.forget_pending_invalidations()
        invalidate_public_pages()
        self.url = self.assignment.get_absolute_url()
        self.client.force_login(self.student)

    def cite(self, student, argument):
        submission = services.submission_start(assignment=self.assignment, student=student)
        services.submission_cite(submission=submission, argument=argument)

    def test_a_warm_page_runs_a_fixed_number_of_queries(self):
        self.cite(self.student, self.arguments_a[0])
        self.client.get(self.url)  # fills the cache
        # the user; the assignment with course, question and topic, and whether the user
        # teaches it (the access check); its positions; the student's side; their
        # submissions; the arguments they cited; the header's unread notifications.
        # Nothing of the columns.
        with self.assertNumQueries(7):
            self.client.get(self.url)
        for n in range(40):
            ArgumentFactory(position=(self.side_a, self.side_b)[n % 2], year=1900 + n)
        invalidate_public_pages()
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        self.assertEqual(len(queries), 7)
        self.assertFalse([q["sql"] for q in queries if 'FROM "historiography_argument"' in q["sql"]])
        self.assertContains(response, "22 arguments", count=2)
        self.assertEqual(response.content.decode().count('<article class="card '), 2 * CARDS_PER_COLUMN)

    def test_page_two_comes_from_the_cache(self):
        for n in range(25):
            ArgumentFactory(position=self.side_a, year=2000 + n, claim=f"Late claim {n:02}.")
        invalidate_public_pages()
        self.client.get(self.url, {"page": 2})
        with self.assertNumQueries(6):  # as above, with no submission (so no citations)
            response = self.client.get(self.url, {"page": 2})
        self.assertContains(response, "Arguments 21–27 of each position (page 2 of 2)")
        self.assertContains(response, "Late claim 24.")
        self.assertNotContains(response, "Late claim 00.")
        self.assertContains(response, "No more arguments for this position")
        self.assertContains(response, "Add to my evidence", count=7)
        # A page past the end is the last page, from its own entry: the count, then the cache.
        with self.assertNumQueries(7):
            response = self.client.get(self.url, {"page": 99})
        self.assertContains(response, "Arguments 21–27 of each position (page 2 of 2)")

    def test_an_edit_shows_on_the_next_request(self):
        argument = self.arguments_a[0]
        historian = argument.historian
        label = f"{historian.name}'s argument"
        self.assertContains(self.client.get(self.url), label)
        # A write that sends no signal (so does not invalidate) leaves the cached page: proof
        # that the button's label came from the cache, not from the argument's row.
        Historian.objects.filter(pk=historian.pk).update(name="Renamed Behind The Cache")
        self.assertContains(self.client.get(self.url), label)
        with self.committed():
            historian.name = "Robert New-Name"
            historian.save()
        response = self.client.get(self.url)
        self.assertContains(response, "Robert New-Name's argument")
        self.assertNotContains(response, label)
        with self.committed():
            argument.claim = "A claim edited a moment ago."
            argument.save()
        self.assertContains(self.client.get(self.url), "A claim edited a moment ago.")

    def test_each_student_sees_only_their_own_marks(self):
        self.cite(self.student, self.arguments_a[0])
        self.cite(self.other_student, self.arguments_b[1])
        pages = {}
        for user in (self.student, self.other_student, self.student):  # the second from the cache
            self.client.force_login(user)
            pages[user] = self.client.get(self.url).content.decode()
        for user, own, other in [
            (self.student, self.arguments_a[0], self.arguments_b[1]),
            (self.other_student, self.arguments_b[1], self.arguments_a[0]),
        ]:
            with self.subTest(user=user.username):
                html = pages[user]
                self.assertEqual(html.count("✓ In your evidence"), 1)
                self.assertNotIn(f'name="argument" value="{own.slug}"', html)
                self.assertIn(f'name="argument" value="{other.slug}"', html)
                self.assertEqual(html.count("Add to my evidence"), 3)
