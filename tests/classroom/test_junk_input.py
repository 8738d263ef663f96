"""The pages of issue 17 answer junk with 400/404 or a form error, never a 500, for every
kind of user."""

from django.urls import reverse

from historiography.classroom.models import Notification, NotificationKind

from .test_classroom import ClassroomTestCase

JUNK = ["", "x" * 3000, "\x00", "%00", "' OR 1=1 --", "😀", "-1", "99999999999999999999999", "[]", "{}"]


class JunkTests(ClassroomTestCase):
    def test_none_of_the_new_pages_fails_on_junk(self):
        notification = Notification.objects.create(
            user=self.student,
            kind=NotificationKind.ASSIGNMENT_OPENED,
            object_id=1,
            event_key="x",
            title="t",
            url="/",
            created=self.assignment.opens_at,
        )
        paths = [
            reverse("classroom:teach-signup"),
            reverse("classroom:verify-email", args=["junk"]),
            reverse("classroom:unsubscribe", args=["junk:junk"]),
            reverse("classroom:notification-list"),
            reverse("classroom:notification-open", args=[notification.pk]),
            reverse("classroom:notifications-mark-read"),
            reverse("classroom:notification-settings"),
            reverse("classroom:assignment-rubric", args=[self.assignment.pk]),
            f"/notifications/{2**63}/",
            f"/assignments/{2**63}/rubric/",
        ]
        for user in [None, self.student, self.instructor, self.other_instructor, self.editor]:
            self.client.logout()
            if user:
                self.client.force_login(user)
            for path in paths:
                for value in JUNK:
                    data = {
                        "action": value if value else "save",
                        "text": value,
                        "source": value,
                        "page": value,
                        "email": value,
                        "username": value,
                        f"{NotificationKind.DUE_SOON}-site": value,
                    }
                    with self.subTest(user=str(user), path=path, value=value[:10]):
                        for response in (self.client.get(path, {"page": value}), self.client.post(path, data)):
                            self.assertLess(response.status_code, 500)
