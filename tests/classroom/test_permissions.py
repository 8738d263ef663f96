"""Every classroom URL × every kind of user: nothing leaks, nothing is lost.

Expected answers: "login" (redirect to log in), 403 (a member of the course without the
role), 404 (outside the course: its existence is not even confirmed), or 200/302 (allowed;
302 for POSTs that redirect after doing their work)."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.urls import reverse

from historiography.classroom import services

from .test_classroom import ClassroomTestCase

USERS = ["anonymous", "student", "other_student", "outsider", "instructor", "other_instructor", "editor"]

# url name, method, how to get the pk, then the expected answer for each user above (in order)
MATRIX = [
    ("course-list", "get", None, ["login", 200, 200, 200, 200, 200, 200]),
    ("course-create", "get", None, ["login", 403, 403, 403, 200, 200, 403]),
    ("course-join", "get", None, ["login", 200, 200, 200, 200, 200, 200]),
    ("my-assignments", "get", None, ["login", 200, 200, 200, 200, 200, 200]),
    ("course-detail", "get", "course", ["login", 200, 200, 404, 200, 404, 404]),
    ("course-update", "post", "course", ["login", 403, 403, 404, 302, 404, 404]),
    ("assignment-create", "get", "course", ["login", 403, 403, 404, 200, 404, 404]),
    ("assignment-detail", "get", "assignment", ["login", 200, 200, 404, 200, 404, 404]),
    ("assignment-edit", "get", "assignment", ["login", 403, 403, 404, 200, 404, 404]),
    ("assignment-allocate", "get", "assignment", ["login", 403, 403, 404, 200, 404, 404]),
    ("assignment-grades", "get", "assignment", ["login", 403, 403, 404, 200, 404, 404]),
    ("assignment-board", "get", "assignment", ["login", 403, 403, 404, 200, 404, 404]),
    ("side-choose", "post", "assignment", ["login", 302, 302, 404, 403, 404, 404]),
    ("evidence-add", "post", "assignment", ["login", 302, 302, 404, 403, 404, 404]),
    ("submission-edit", "get", "assignment", ["login", 200, 200, 404, 403, 404, 404]),
    ("submission-detail", "get", "submission", ["login", 200, 404, 404, 200, 404, 404]),
    ("submission-detail", "post", "submission", ["login", 403, 404, 404, 302, 404, 404]),
    # Structured Academic Controversy and grade release
    ("course-student", "get", "course_student", ["login", 403, 403, 404, 200, 404, 404]),
    ("course-student", "post", "course_student", ["login", 403, 403, 404, 302, 404, 404]),
    ("assignment-groups", "get", "controversy", ["login", 403, 403, 404, 200, 404, 404]),
    # 200: the groups are fixed (a consensus exists), so the page says so instead of redirecting
    ("assignment-groups", "post", "controversy", ["login", 403, 403, 404, 200, 404, 404]),
    # 200: the instructor is first asked to confirm
    ("assignment-end-phase", "post", "controversy", ["login", 403, 403, 404, 200, 404, 404]),
    ("feedback-release", "post", "assignment", ["login", 403, 403, 404, 302, 404, 404]),
    ("assignment-board-phase", "get", "controversy_phase_2", ["login", 403, 403, 404, 200, 404, 404]),
    ("submission-edit-phase", "get", "controversy_phase_2", ["login", 200, 200, 404, 403, 404, 404]),
    ("submission-detail", "get", "consensus", ["login", 200, 200, 404, 200, 404, 404]),
]


class PermissionMatrixTests(ClassroomTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outsider = User.objects.create_user("outsider", password=cls.password)
        other_course = services.course_create(instructor=cls.other_instructor, title="Another class")
        services.course_join(student=cls.outsider, code=other_course.join_code)
        cls.submission = services.submission_start(assignment=cls.assignment, student=cls.student)
        services.submission_save(
            submission=cls.submission,
            version=cls.submission.version,
            statement="private draft",
            comments={},
            removed=set(),
        )
        controversy = services.assignment_create(
            course=cls.course,
            question=cls.question,
            positions=[cls.side_a, cls.side_b],
            title="Controversy",
            mode="controversy",
            opens_at=cls.assignment.opens_at,
            due_at=cls.assignment.due_at,
            swap_due_at=cls.assignment.due_at + timedelta(days=1),
            consensus_due_at=cls.assignment.due_at + timedelta(days=2),
        )
        services.assignment_allocate(
            assignment=controversy, sides={cls.student: cls.side_a, cls.other_student: cls.side_b}
        )
        services.groups_form(assignment=controversy, size=2)
        consensus = services.submission_start(assignment=controversy, student=cls.student, phase=3)
        cls.pks = {
            "course": [cls.course.pk],
            "course_student": [cls.course.pk, cls.student.pk],
            "assignment": [cls.assignment.pk],
            "submission": [cls.submission.pk],
            "controversy": [controversy.pk],
            "controversy_phase_2": [controversy.pk, 2],
            "consensus": [consensus.pk],
        }

    def test_every_classroom_url_for_every_user(self):
        self.assertEqual(len(MATRIX), 26)
        for name, method, pk_of, expected in MATRIX:
            url = reverse(f"classroom:{name}", args=self.pks[pk_of] if pk_of else [])
            for who, answer in zip(USERS, expected, strict=True):
                with self.subTest(url=name, method=method, user=who):
                    self.client.logout()
                    if who != "anonymous":
                        self.client.force_login(getattr(self, who))
                    response = getattr(self.client, method)(url, self.post_data(name) if method == "post" else None)
                    if answer == "login":
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(response["Location"].startswith(reverse("login")), response["Location"])
                    else:
                        self.assertEqual(response.status_code, answer)

    def post_data(self, name):
        return {
            "course-update": {"action": "open"},
            "side-choose": {"position": self.side_a.pk},
            "evidence-add": {"argument": self.arguments_a[0].slug},
            "submission-detail": {"comment": "ok", "grade": "B"},
            "assignment-groups": {"method": "auto", "size": 2},
        }.get(name, {})

    def test_another_students_draft_never_shows(self):
        self.client.force_login(self.other_student)
        for url in [
            self.submission.get_absolute_url(),
            reverse("classroom:assignment-detail", args=[self.assignment.pk]),
            reverse("classroom:submission-edit", args=[self.assignment.pk]),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, "private draft", status_code=response.status_code)

    def test_forms_carry_csrf_protection(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.instructor)
        response = client.post(reverse("classroom:course-update", args=[self.course.pk]), {"action": "rotate"})
        self.assertEqual(response.status_code, 403)
        old = self.course.join_code
        self.course.refresh_from_db()
        self.assertEqual(self.course.join_code, old)

    def test_editor_reaches_the_admin_students_do_not(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(reverse("admin:historiography_argument_changelist")).status_code, 200)
        self.client.force_login(self.student)
        self.assertEqual(self.client.get(reverse("admin:historiography_argument_changelist")).status_code, 302)


class LoginThrottleTests(ClassroomTestCase):
    def test_login_is_throttled_after_repeated_failures(self):
        url = reverse("login")
        for _ in range(4):
            response = self.client.post(url, {"username": "student", "password": "wrong"})
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.client.post(url, {"username": "student", "password": "wrong"}).status_code, 429)
        # locked out: even the right password is refused for now
        response = self.client.post(url, {"username": "student", "password": self.password})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed log-in attempts", status_code=429)

    def test_a_correct_login_works(self):
        response = self.client.post(reverse("login"), {"username": "student", "password": self.password})
        self.assertEqual(response.status_code, 302)

    def test_no_open_redirect_after_login(self):
        response = self.client.post(
            reverse("login") + "?next=https://evil.example/",
            {"username": "student", "password": self.password, "next": "https://evil.example/"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(response["Location"].startswith("https://evil.example"))
