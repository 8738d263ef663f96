"""An existing database, made by the code before the classroom had its own app, upgrades
with `migrate` alone: its rows, content types and permissions come through."""

from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

from historiography.classroom.models import Course, Enrollment, Submission

BEFORE = [("historiography", "0008_years_of_any_debate"), ("classroom", None)]


class UpgradeFromOneAppTests(TransactionTestCase):
    # Flushed afterwards and restored from the serialized test database, like the browser
    # tests, so the content types keep the ids those tests restore.
    serialized_rollback = True

    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state([t for t in targets if t[1]]).apps

    def tearDown(self):
        call_command("migrate", verbosity=0)  # leave the schema as the other tests expect it

    def test_it_keeps_every_row_and_moves_the_content_types_and_permissions(self):
        old = self.migrate(BEFORE)
        # The database as the old code left it: classroom rows under the historiography app.
        OldCourse = old.get_model("historiography", "Course")
        OldEnrollment = old.get_model("historiography", "Enrollment")
        OldAssignment = old.get_model("historiography", "Assignment")
        OldSubmission = old.get_model("historiography", "Submission")
        OldSideAllocation = old.get_model("historiography", "SideAllocation")
        Topic = old.get_model("historiography", "Topic")
        Question = old.get_model("historiography", "Question")
        Position = old.get_model("historiography", "Position")
        OldUser = old.get_model("auth", "User")
        OldContentType = old.get_model("contenttypes", "ContentType")
        OldPermission = old.get_model("auth", "Permission")

        teacher = OldUser.objects.create(username="teacher")
        student = OldUser.objects.create(username="zoe")
        topic = Topic.objects.create(title="T", slug="t", status="published")
        question = Question.objects.create(topic=topic, title="Q?", slug="q", status="published")
        side = Position.objects.create(question=question, label="Yes", slug="yes")
        course = OldCourse.objects.create(title="History 101", join_code="ABCD2345")
        course.instructors.add(teacher)
        OldEnrollment.objects.create(course=course, student=student)
        now = timezone.now()
        assignment = OldAssignment.objects.create(
            course=course, question=question, title="Debate", opens_at=now, due_at=now + timezone.timedelta(days=7)
        )
        assignment.positions.add(side)
        OldSideAllocation.objects.create(assignment=assignment, student=student, position=side)
        OldSubmission.objects.create(assignment=assignment, student=student, position=side, statement="Zoë's case")
        # As an old database has them (going back, the migration returned them to the old label).
        course_type, _ = OldContentType.objects.get_or_create(app_label="historiography", model="course")
        permission, _ = OldPermission.objects.get_or_create(
            content_type=course_type, codename="view_course", defaults={"name": "Can view course"}
        )
        teacher.user_permissions.add(permission)

        self.migrate(self.latest())

        course = Course.objects.get(join_code="ABCD2345")
        self.assertEqual([u.username for u in course.instructors.all()], ["teacher"])
        self.assertEqual(Enrollment.objects.get(course=course).student.username, "zoe")
        self.assertEqual(Submission.objects.get().statement, "Zoë's case")
        self.assertEqual(ContentType.objects.get_for_model(Course).pk, course_type.pk)  # moved, not new
        self.assertFalse(ContentType.objects.filter(app_label="historiography", model="course").exists())
        self.assertTrue(User.objects.get(username="teacher").has_perm("classroom.view_course"))
        self.assertEqual(Permission.objects.get(pk=permission.pk).content_type.app_label, "classroom")

    def latest(self):
        executor = MigrationExecutor(connection)
        return executor.loader.graph.leaf_nodes()
