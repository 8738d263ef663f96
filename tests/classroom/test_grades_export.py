"""Issue 13: the grades CSV has every student (with a side or not, removed ones flagged),
opens in Excel with its accents (UTF-8 with a BOM) and gives times to the minute in the
instructor's zone; the gradebook export has a row per student, a column per assignment."""

import csv
import io
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import rubrics, services
from historiography.classroom.models import Level, Submission

from .test_classroom import ClassroomTestCase


def read_as_excel(response):
    """Decoded as Excel does a UTF-8 file: the BOM says the encoding and is not data."""
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


class GradesExportTests(ClassroomTestCase):
    def setUp(self):
        self.zoe = User.objects.create_user("zoe", first_name="Zoë", last_name="Ångström")
        services.course_join(student=self.zoe, code=self.course.join_code)  # no side
        submission = services.submission_start(assignment=self.assignment, student=self.student)
        for argument in self.arguments_a:
            services.submission_cite(submission=submission, argument=argument)
        services.submission_save(submission=submission, version=1, statement="My case.", comments={}, removed=set())
        services.submission_submit(submission=submission)
        Submission.objects.filter(pk=submission.pk).update(
            submitted_at=datetime(2026, 3, 1, 12, 57, 18, 253215, tzinfo=UTC)
        )
        services.feedback_save(submission=submission, author=self.instructor, comment="Good.", grade="B+", release=True)
        self.client.force_login(self.instructor)
        self.client.post(reverse("classroom:set-timezone"), {"timezone": "Asia/Tokyo"})

    def test_every_student_is_in_the_grades_csv_with_times_to_the_minute_in_the_zone(self):
        services.course_remove_student(course=self.course, student=self.student)
        response = self.client.get(reverse("classroom:assignment-grades", args=[self.assignment.pk]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = {row["username"]: row for row in read_as_excel(response)}
        self.assertEqual(set(rows), {"student", "other_student", "zoe"})
        self.assertEqual(rows["zoe"]["name"], "Zoë Ångström")
        self.assertEqual(rows["zoe"]["status"], "no side")
        self.assertEqual(rows["zoe"]["enrolled"], "yes")
        self.assertEqual(rows["student"]["enrolled"], "removed")
        self.assertEqual(rows["student"]["grade"], "B+")
        self.assertEqual(rows["student"]["submitted_at"], "2026-03-01 21:57")  # 12:57 UTC in Tokyo
        self.assertEqual(rows["student"]["time_zone"], "Asia/Tokyo")
        self.assertEqual(rows["other_student"]["status"], "not started")
        self.assertEqual(rows["other_student"]["side"], self.side_b.label)
        self.assertEqual(
            list(rows["zoe"]),
            [
                "username",
                "name",
                "email",
                "enrolled",
                "phase",
                "side",
                "status",
                "evidence",
                "words",
                "submitted_at",
                "time_zone",
                "grade",
                "returned",
                "feedback",
            ],
        )

    def test_the_gradebook_has_a_row_per_student_and_a_column_per_assignment(self):
        second = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=[self.side_a, self.side_b],
            title="=Second debate",
            opens_at=timezone.now() - timedelta(days=1),
            due_at=timezone.now() + timedelta(days=9),
        )
        services.assignment_allocate(assignment=second, sides={self.zoe: self.side_a})
        theirs = services.submission_start(assignment=second, student=self.zoe)
        services.feedback_save(submission=theirs, author=self.instructor, comment="", grade="A", release=False)
        services.course_remove_student(course=self.course, student=self.other_student)
        response = self.client.get(reverse("classroom:course-gradebook", args=[self.course.pk]))
        rows = read_as_excel(response)
        self.assertEqual(list(rows[0]), ["username", "name", "email", "enrolled", "Famine debate", "'=Second debate"])
        by_user = {row["username"]: row for row in rows}
        self.assertEqual(by_user["student"]["Famine debate"], "B+")
        self.assertEqual(by_user["zoe"]["'=Second debate"], "A")
        self.assertEqual(by_user["zoe"]["Famine debate"], "")
        self.assertNotIn("other_student", by_user)  # removed, and had no work
        self.assertContains(self.client.get(self.course.get_absolute_url()), "Gradebook (CSV")

    def test_only_the_courses_instructors_export(self):
        self.client.force_login(self.student)
        self.assertEqual(self.client.get(reverse("classroom:course-gradebook", args=[self.course.pk])).status_code, 403)
        self.client.force_login(self.other_instructor)
        self.assertEqual(self.client.get(reverse("classroom:course-gradebook", args=[self.course.pk])).status_code, 404)


class GradesExportWithRubricTests(ClassroomTestCase):
    """With a rubric, a column per criterion after the grade: the points of the level chosen."""

    def setUp(self):
        services.rubric_set(
            assignment=self.assignment,
            criteria=rubrics.parse(
                "Evidence: Strong = 4 | Adequate = 2 | Missing = 0\n=Argument: Convincing = 3.5 | Partial = 1.5"
            ),
        )
        self.evidence, self.argument = self.assignment.rubric.criteria.all()
        self.graded = self.submit(self.student)
        services.feedback_grade(
            submission=self.graded,
            author=self.instructor,
            comment="Good.",
            release=True,
            scores={self.evidence.pk: self.level("Adequate"), self.argument.pk: self.level("Convincing")},
        )
        held = self.submit(self.other_student)
        services.feedback_grade(
            submission=held,
            author=self.instructor,
            comment="",
            release=False,
            scores={self.evidence.pk: self.level("Missing")},
        )
        self.client.force_login(self.instructor)

    def submit(self, student):
        submission = services.submission_start(assignment=self.assignment, student=student)
        for argument in self.arguments_a:
            services.submission_cite(submission=submission, argument=argument)
        services.submission_save(submission=submission, version=1, statement="My case.", comments={}, removed=set())
        return services.submission_submit(submission=submission)

    def level(self, title):
        return Level.objects.get(criterion__rubric__assignment=self.assignment, title=title)

    def test_each_criterion_has_a_column_with_the_points_chosen(self):
        # 1 user (the session comes from the cache), 2 the assignment and whether the user
        # teaches it, 3 its positions, 4 the rubric's criteria with their best points,
        # 5 the scores with their levels, 6 enrolments, 7 allocations, 8 submissions with
        # their feedback: the same whatever the class's or the rubric's size.
        with self.assertNumQueries(8):
            response = self.client.get(reverse("classroom:assignment-grades", args=[self.assignment.pk]))
        rows = {row["username"]: row for row in read_as_excel(response)}
        header = list(rows["student"])
        self.assertEqual(
            header[header.index("grade") : header.index("returned")],
            ["grade", "rubric: Evidence (of 4)", "rubric: =Argument (of 3.5)"],
        )
        self.assertEqual(rows["student"]["grade"], "5.5/7.5")
        self.assertEqual(rows["student"]["rubric: Evidence (of 4)"], "2")
        self.assertEqual(rows["student"]["rubric: =Argument (of 3.5)"], "3.5")
        # Held, one criterion scored so far: that one's points, the other empty.
        self.assertEqual(rows["other_student"]["rubric: Evidence (of 4)"], "0")
        self.assertEqual(rows["other_student"]["rubric: =Argument (of 3.5)"], "")
        self.assertEqual(rows["other_student"]["returned"], "no")
