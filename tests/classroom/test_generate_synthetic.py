"""generate_synthetic: a large synthetic dataset, here at a tiny scale, clearly marked and
never mixed into real scholarship."""

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import TestCase
from django.urls import reverse

from historiography import verbatim
from historiography.classroom.management.commands.generate_synthetic import DEFAULT_PASSWORD
from historiography.classroom.models import (
    Assignment,
    Citation,
    Course,
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
    Source,
    Status,
    TaggedArgument,
    Topic,
    Work,
)

from ..factories import TopicFactory

SMALL = {
    "topics": 2,
    "schools": 3,
    "questions": 6,
    "historians": 30,
    "works": 40,
    "arguments": 300,
    "relations": 50,
    "estimates": 6,
    "courses": 3,
    "instructors": 2,
    "students": 30,
}


def generate(**options):
    call_command("generate_synthetic", verbosity=0, stdout=StringIO(), stderr=StringIO(), **{**SMALL, **options})


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Topic,
            Question,
            Position,
            Historian,
            Work,
            Argument,
            ArgumentRelation,
            Estimate,
            Course,
            Assignment,
            SideAllocation,
            Submission,
            User,
        )
    }


class GenerateSyntheticTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        generate()

    def test_it_creates_the_counts_asked_for(self):
        self.assertEqual(Topic.objects.count(), 2)
        self.assertEqual(Question.objects.count(), 6)
        self.assertEqual(Historian.objects.count(), 30)
        self.assertEqual(Work.objects.count(), 40)
        self.assertEqual(Argument.objects.count(), 300)
        self.assertEqual(ArgumentRelation.objects.count(), 50)
        self.assertEqual(Estimate.objects.count(), 6)
        self.assertEqual(Course.objects.count(), 3)
        self.assertEqual(Assignment.objects.count(), 9, "three assignments a course")
        self.assertEqual(User.objects.filter(groups__name="Student").count(), 30)
        self.assertEqual(User.objects.filter(groups__name="Instructor").count(), 2)
        self.assertTrue(TaggedArgument.objects.exists())
        self.assertTrue(Citation.objects.exists())
        self.assertTrue(Feedback.objects.exists())

    def test_every_question_has_two_to_four_positions(self):
        sides = Question.objects.annotate(n=Count("positions")).values_list("n", flat=True)
        self.assertTrue(all(2 <= n <= 4 for n in sides), list(sides))

    def test_the_classroom_is_coherent(self):
        # Each student is enrolled where they argue, on a side in play in that assignment.
        for allocation in SideAllocation.objects.select_related("assignment"):
            self.assertTrue(allocation.assignment.course.enrollments.filter(student=allocation.student_id).exists())
            self.assertTrue(allocation.assignment.positions.filter(pk=allocation.position_id).exists())
        # A submission argues its allocated side and cites arguments on its question.
        for submission in Submission.objects.select_related("assignment"):
            allocation = SideAllocation.objects.get(assignment=submission.assignment, student=submission.student)
            self.assertEqual(submission.position_id, allocation.position_id)
        self.assertFalse(
            Citation.objects.exclude(argument__position__question=F("submission__assignment__question")).exists()
        )
        self.assertFalse(Feedback.objects.exclude(submission__status=SubmissionStatus.SUBMITTED).exists())
        self.assertFalse(Feedback.objects.exclude(author__taught_courses=F("submission__assignment__course")).exists())
        self.assertFalse(
            Submission.objects.filter(status=SubmissionStatus.SUBMITTED, submitted_at__isnull=True).exists()
        )

    def test_everything_is_marked_synthetic_and_published(self):
        self.assertFalse(Topic.objects.exclude(title__startswith="Synthetic — ").exists())
        self.assertFalse(Course.objects.exclude(title__startswith="Synthetic — ").exists())
        for model in (Topic, Question, Historian, Work, Source, Argument, Estimate):
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.exclude(slug__startswith="synthetic-").exists())
        # every passage verbatim in the synthetic source, as the product requires of real ones
        source = Source.objects.get()
        for argument in Argument.objects.filter(source__isnull=False)[:50]:
            self.assertTrue(verbatim.is_verbatim(argument.passage, source.text))
        self.assertFalse(Argument.objects.filter(source__isnull=True, work__isnull=True).exists())
        self.assertFalse(Estimate.objects.exclude(source=source).exists())
        self.assertFalse(User.objects.exclude(username__startswith="synth-").exists())
        self.assertEqual(Argument.objects.published().count(), 300)
        self.assertEqual(Question.objects.published().count(), 6)
        self.assertEqual(Estimate.objects.published().count(), 6)

    def test_every_user_shares_one_usable_password(self):
        users = User.objects.all()
        self.assertEqual(len({user.password for user in users}), 1, "one hash, computed once")
        self.assertTrue(users.first().check_password(DEFAULT_PASSWORD))

    def test_public_pages_render_over_it(self):
        question = Question.objects.first()
        argument = Argument.objects.filter(work__isnull=False).first()
        word = argument.claim.split()[1]
        pages = [
            reverse("historiography:home"),
            question.topic.get_absolute_url(),
            question.get_absolute_url(),
            question.get_absolute_url() + "?group=school",
            reverse("historiography:argument-list"),
            argument.get_absolute_url(),
            reverse("historiography:historian-list"),
            argument.historian.get_absolute_url(),
            reverse("historiography:school-list"),
            argument.work.get_absolute_url(),
            reverse("historiography:tag-list"),
            reverse("historiography:timeline") + f"?question={question.slug}",
            reverse("historiography:search") + f"?q={word}",
            "/api/arguments/",
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.get(reverse("historiography:search"), {"q": word})
        self.assertGreater(response.context["results"].total, 0)

    def test_classroom_pages_render_over_it(self):
        submission = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related("assignment").first()
        self.client.force_login(submission.student)
        self.assertContains(self.client.get(reverse("classroom:my-assignments")), submission.assignment.title)
        self.assertEqual(self.client.get(submission.assignment.get_absolute_url()).status_code, 200)
        self.client.force_login(submission.assignment.course.instructors.first())
        self.assertEqual(
            self.client.get(reverse("classroom:assignment-board", args=[submission.assignment.pk])).status_code,
            200,
        )

    def test_it_refuses_to_run_twice_without_flush(self):
        with self.assertRaisesMessage(CommandError, "--flush"):
            generate()
        self.assertEqual(Argument.objects.count(), 300)

    def test_flush_replaces_the_previous_run_and_keeps_real_users(self):
        User.objects.create_user("alice")
        before = counts()
        slugs = list(Argument.objects.order_by("slug").values_list("slug", "claim"))
        generate(flush=True)
        self.assertEqual(counts(), before)
        self.assertTrue(User.objects.filter(username="alice").exists())
        self.assertEqual(
            list(Argument.objects.order_by("slug").values_list("slug", "claim")), slugs, "same seed, same content"
        )

    def test_another_seed_gives_other_content(self):
        claims = set(Argument.objects.values_list("claim", flat=True)[:50])
        generate(flush=True, seed=7)
        self.assertNotEqual(set(Argument.objects.values_list("claim", flat=True)[:50]), claims)


class RefusalTests(TestCase):
    def test_it_refuses_a_database_with_real_scholarship(self):
        TopicFactory(slug="stalinism", title="Stalinism")
        with self.assertRaisesMessage(CommandError, "real scholarship"):
            generate()
        self.assertEqual(Topic.objects.count(), 1)
        self.assertFalse(User.objects.exists())

    def test_flush_does_not_override_the_refusal(self):
        TopicFactory(slug="stalinism", title="Stalinism")
        with self.assertRaisesMessage(CommandError, "real scholarship"):
            generate(flush=True)
        self.assertTrue(Topic.objects.filter(slug="stalinism").exists())


class ScaleTests(TestCase):
    def test_scale_shrinks_every_default_count(self):
        out = StringIO()
        call_command("generate_synthetic", scale=0.01, seed=1, stdout=out, stderr=StringIO(), verbosity=0)
        self.assertEqual(Topic.objects.count(), 1)
        self.assertEqual(Question.objects.count(), 4)
        self.assertEqual(Historian.objects.count(), 50)
        self.assertEqual(Argument.objects.count(), 1000)
        self.assertEqual(Course.objects.count(), 2)
        self.assertEqual(User.objects.filter(groups__name="Student").count(), 60)
        self.assertEqual(Argument.objects.filter(status=Status.PUBLISHED).count(), 1000)
