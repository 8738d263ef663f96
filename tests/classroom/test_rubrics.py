"""Rubrics: the text form, the arithmetic, copying, grading by criterion, comments on
particular evidence, and Next submission."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from historiography.classroom import rubrics, services
from historiography.classroom.models import (
    Citation,
    CriterionScore,
    EvidenceComment,
    Feedback,
    Level,
    Rubric,
    Submission,
    SubmissionStatus,
)
from historiography.services import ServiceError

from ..factories import make_class
from .test_classroom import ClassroomTestCase

TEXT = "Evidence: Strong = 4 | Adequate = 2 | Missing = 0\nArgument: Convincing = 3.5 | Partial = 1.5"


class RubricTextTests(ClassroomTestCase):
    def test_it_parses_criteria_and_levels(self):
        criteria = rubrics.parse(TEXT + "\n\n")
        self.assertEqual([c.title for c in criteria], ["Evidence", "Argument"])
        self.assertEqual(criteria[1].levels, [("Convincing", Decimal("3.5")), ("Partial", Decimal("1.5"))])

    def test_it_names_the_line_at_fault(self):
        for text, message in [
            ("Evidence Strong = 4", "Line 1: start with the criterion"),
            ("Evidence: Strong 4", "Line 1: write each level"),
            ("A: x = 1\nEvidence: Strong = four", "Line 2: “four” is not a number"),
            ("Evidence: Strong = -1", "points run from 0 to 1000"),
            ("Evidence: Strong = 1e9", "points run from 0 to 1000"),
            ("Evidence: Strong = NaN", "points run from 0 to 1000"),
            ("Evidence: Strong = 1.234", "at most two decimals"),
            ("Evidence: Strong = 1 | strong = 2", "two levels are called"),
            ("E: a = 1\ne: b = 2", "two criteria are called"),
            ("\n".join(f"C{n}: a = 1" for n in range(21)), "At most 20 criteria"),
        ]:
            with self.subTest(text=text[:30]), self.assertRaisesMessage(rubrics.RubricTextError, message):
                rubrics.parse(text)

    def test_the_saved_rubric_reads_back_as_the_same_text(self):
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        criteria = self.assignment.rubric.criteria.prefetch_related("levels")
        self.assertEqual(rubrics.as_text(criteria), TEXT)


class ArithmeticTests(ClassroomTestCase):
    def setUp(self):
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        self.criteria = list(self.assignment.rubric.criteria.prefetch_related("levels"))

    def level(self, title):
        return Level.objects.get(criterion__rubric__assignment=self.assignment, title=title)

    def test_the_maximum_is_each_criterions_best_level_added_up(self):
        self.assertEqual(rubrics.maximum(self.criteria), Decimal("7.5"))

    def test_scores_add_up_to_the_grade(self):
        for chosen, grade in [
            (["Strong", "Convincing"], "7.5/7.5"),
            (["Adequate", "Partial"], "3.5/7.5"),
            (["Missing", "Partial"], "1.5/7.5"),
        ]:
            with self.subTest(chosen=chosen):
                self.assertEqual(rubrics.grade([self.level(t) for t in chosen], self.criteria), grade)

    def test_integral_points_print_without_decimals(self):
        self.assertEqual(rubrics.points(Decimal("10.00")), "10")
        self.assertEqual(rubrics.points(Decimal("2.50")), "2.5")
        self.assertEqual(rubrics.points(Decimal("0")), "0")


class GradingServiceTests(ClassroomTestCase):
    def setUp(self):
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        self.submission = services.submission_start(assignment=self.assignment, student=self.student)
        self.citation = services.submission_cite(submission=self.submission, argument=self.arguments_a[0])
        Submission.objects.filter(pk=self.submission.pk).update(status=SubmissionStatus.SUBMITTED)
        self.evidence, self.argument = self.assignment.rubric.criteria.all()

    def level(self, title):
        return Level.objects.get(criterion__rubric__assignment=self.assignment, title=title)

    def grade(self, release=True, **scores):
        return services.feedback_grade(
            submission=self.submission,
            author=self.instructor,
            comment="Well argued.",
            release=release,
            scores=scores.get("scores", {}),
            evidence_comments=scores.get("evidence_comments"),
        )

    def test_the_grade_is_the_sum_of_the_chosen_levels(self):
        feedback = self.grade(
            scores={self.evidence.pk: self.level("Adequate"), self.argument.pk: self.level("Convincing")}
        )
        self.assertEqual(feedback.grade, "5.5/7.5")
        self.assertTrue(feedback.is_returned)
        self.assertEqual(CriterionScore.objects.filter(feedback=feedback).count(), 2)
        # Re-grading replaces the scores
        feedback = self.grade(scores={self.evidence.pk: self.level("Strong"), self.argument.pk: self.level("Partial")})
        self.assertEqual(feedback.grade, "5.5/7.5")
        self.assertEqual(CriterionScore.objects.filter(feedback=feedback).count(), 2)

    def test_returning_needs_every_criterion_holding_does_not(self):
        with self.assertRaisesMessage(ServiceError, "Score every criterion before returning the feedback: Argument."):
            self.grade(scores={self.evidence.pk: self.level("Strong")})
        self.assertFalse(Feedback.objects.exists())
        feedback = self.grade(release=False, scores={self.evidence.pk: self.level("Strong")})
        self.assertEqual((feedback.grade, feedback.is_returned), ("", False))

    def test_a_level_of_another_criterion_is_refused(self):
        with self.assertRaisesMessage(ServiceError, "not in this assignment's rubric"):
            self.grade(scores={self.evidence.pk: self.level("Convincing"), self.argument.pk: self.level("Partial")})

    def test_a_comment_on_particular_evidence_and_removing_it(self):
        self.grade(release=False, evidence_comments={self.citation.pk: "  Quote the page.  "})
        self.assertEqual(EvidenceComment.objects.get(citation=self.citation).body, "Quote the page.")
        self.grade(release=False, evidence_comments={self.citation.pk: ""})
        self.assertFalse(EvidenceComment.objects.exists())

    def test_a_comment_on_evidence_of_another_submission_is_refused(self):
        other = services.submission_start(assignment=self.assignment, student=self.other_student)
        foreign = services.submission_cite(submission=other, argument=self.arguments_b[0])
        with self.assertRaisesMessage(ServiceError, "does not cite"):
            self.grade(release=False, evidence_comments={foreign.pk: "Hm."})

    def test_a_scored_rubric_can_no_longer_change(self):
        self.grade(release=False, scores={self.evidence.pk: self.level("Strong")})
        with self.assertRaisesMessage(ServiceError, "can no longer change"):
            services.rubric_set(assignment=self.assignment, criteria=rubrics.parse("New: a = 1"))


class RubricPageTests(ClassroomTestCase):
    def url(self, assignment=None):
        return reverse("classroom:assignment-rubric", args=[(assignment or self.assignment).pk])

    def test_the_instructor_writes_a_rubric(self):
        self.client.force_login(self.instructor)
        response = self.client.post(self.url(), {"action": "save", "text": TEXT}, follow=True)
        self.assertContains(response, "Rubric saved.")
        self.assertContains(response, "the best grade is 7.5 points")
        self.assertEqual(self.assignment.rubric.criteria.count(), 2)

    def test_junk_is_a_form_error_not_a_500(self):
        self.client.force_login(self.instructor)
        for text in ["Evidence", "a: b = \x00", "x: y = " + "9" * 400, "a:" + "|" * 5000]:
            with self.subTest(text=text[:20]):
                response = self.client.post(self.url(), {"action": "save", "text": text})
                self.assertIn(response.status_code, (200, 400))
        self.assertFalse(Rubric.objects.exists())
        response = self.client.post(self.url(), {"action": "copy", "source": "not a number"})
        self.assertEqual(response.status_code, 200)

    def test_it_copies_a_rubric_from_another_assignment_the_instructor_teaches(self):
        now = timezone.now()
        second = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=[self.side_a, self.side_b],
            title="Second",
            opens_at=now,
            due_at=now + timezone.timedelta(days=3),
        )
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        theirs, _, _ = make_class(self.other_instructor, 1, slug="theirs", due_at=now + timezone.timedelta(days=3))
        services.rubric_set(assignment=theirs, criteria=rubrics.parse("Theirs: a = 1"))
        self.client.force_login(self.instructor)
        response = self.client.get(self.url(second))
        self.assertContains(response, "History 201: Famine debate")
        self.assertNotContains(response, f'<option value="{theirs.pk}"')  # another instructor's is not offered
        response = self.client.post(self.url(second), {"action": "copy", "source": theirs.pk})
        self.assertFalse(Rubric.objects.filter(assignment=second).exists())
        response = self.client.post(self.url(second), {"action": "copy", "source": self.assignment.pk}, follow=True)
        self.assertContains(response, "Rubric copied")
        self.assertEqual(rubrics.as_text(second.rubric.criteria.prefetch_related("levels")), TEXT)
        # A copy, not a share: the original is untouched when the copy changes
        services.rubric_set(assignment=second, criteria=rubrics.parse("Other: a = 2"))
        self.assertEqual(self.assignment.rubric.criteria.count(), 2)

    def test_students_and_strangers_cannot_reach_it(self):
        self.client.force_login(self.student)
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.client.force_login(self.other_instructor)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_its_query_count(self):
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        self.client.force_login(self.instructor)
        # user (the session from the cache); assignment with context and the instructor
        # check, its positions; criteria, their levels; rubrics to copy from; the lock check;
        # the header's unread count
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(self.url()).status_code, 200)


class GradingPageTests(ClassroomTestCase):
    def setUp(self):
        services.rubric_set(assignment=self.assignment, criteria=rubrics.parse(TEXT))
        self.evidence, self.argument = self.assignment.rubric.criteria.all()
        self.submissions = []
        for student in (self.student, self.other_student):
            submission = services.submission_start(assignment=self.assignment, student=student)
            services.submission_cite(submission=submission, argument=self.arguments_a[0])
            services.submission_cite(submission=submission, argument=self.arguments_b[0])
            Submission.objects.filter(pk=submission.pk).update(status=SubmissionStatus.SUBMITTED, statement="Case.")
            self.submissions.append(submission)
        self.first, self.second = sorted(self.submissions, key=lambda s: (s.position.order, s.student.username))

    def level(self, title):
        return Level.objects.get(criterion__rubric__assignment=self.assignment, title=title).pk

    def test_grading_by_criterion_with_evidence_comments_then_the_next(self):
        self.client.force_login(self.instructor)
        url = self.first.get_absolute_url()
        response = self.client.get(url)
        self.assertContains(response, "out of 7.5")
        self.assertContains(response, 'form="grading-form"')
        self.assertContains(response, reverse("classroom:submission-detail", args=[self.second.pk]))
        citation = Citation.objects.filter(submission=self.first).first()
        response = self.client.post(
            url,
            {
                f"score-{self.evidence.pk}": self.level("Strong"),
                f"score-{self.argument.pk}": self.level("Partial"),
                f"evidence-{citation.pk}": "Which page?",
                "comment": "Good.",
                "release": "on",
                "save_next": "1",
            },
        )
        self.assertRedirects(response, self.second.get_absolute_url())
        feedback = Feedback.objects.get(submission=self.first)
        self.assertEqual(feedback.grade, "5.5/7.5")
        # The last one has no next
        self.assertContains(self.client.get(self.second.get_absolute_url()), "This is the last submitted work")
        # The student reads the scores and the comment beside that evidence
        self.client.force_login(self.first.student)
        response = self.client.get(url)
        self.assertContains(response, "Grade: 5.5/7.5")
        self.assertContains(response, "<td>Partial</td>", html=False)
        self.assertContains(response, "Which page?")
        self.assertNotContains(response, "grading-form")

    def test_held_feedback_shows_the_student_nothing(self):
        citation = Citation.objects.filter(submission=self.first).first()
        services.feedback_grade(
            submission=self.first,
            author=self.instructor,
            comment="Held",
            release=False,
            scores={},
            evidence_comments={citation.pk: "Secret"},
        )
        self.client.force_login(self.first.student)
        self.assertNotContains(self.client.get(self.first.get_absolute_url()), "Secret")

    def test_returning_without_every_score_is_a_form_error(self):
        self.client.force_login(self.instructor)
        response = self.client.post(
            self.first.get_absolute_url(), {f"score-{self.evidence.pk}": self.level("Strong"), "release": "on"}
        )
        self.assertContains(response, "Score every criterion before returning")
        self.assertFalse(Feedback.objects.exists())

    def test_junk_scores_are_form_errors(self):
        self.client.force_login(self.instructor)
        for value in ["abc", "999999", str(self.level("Convincing"))]:
            with self.subTest(value=value):
                response = self.client.post(self.first.get_absolute_url(), {f"score-{self.evidence.pk}": value})
                self.assertEqual(response.status_code, 200)
        self.assertFalse(CriterionScore.objects.exists())

    def test_the_grading_pages_query_count_does_not_grow_with_the_evidence(self):
        self.client.force_login(self.instructor)
        for extra in (0, 1):
            if extra:
                services.submission_cite(submission=self.first, argument=self.arguments_a[1])
                services.submission_cite(submission=self.first, argument=self.arguments_b[1])
            # user (the session from the cache); the submission with its joins, the instructor check; citations with
            # arguments and instructor comments; the feedback; criteria, their levels; the ids for
            # Next submission; the header's unread count (a debate has no group: no query)
            with self.subTest(extra=extra), self.assertNumQueries(9):
                self.assertEqual(self.client.get(self.first.get_absolute_url()).status_code, 200)
