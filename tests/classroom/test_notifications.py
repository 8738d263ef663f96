"""Notifications: each kind told once to the right people, preferences and unsubscribes
respected, the job run twice, the list and the header's count."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import notifications, services
from historiography.classroom.models import (
    AssignmentMode,
    EmailStatus,
    Feedback,
    Notification,
    NotificationCheckpoint,
    NotificationKind,
    Phase,
    Profile,
    Submission,
    SubmissionStatus,
)

from .test_classroom import ClassroomTestCase

OPENED, DUE, FEEDBACK, PHASE, DIGEST = (
    NotificationKind.ASSIGNMENT_OPENED,
    NotificationKind.DUE_SOON,
    NotificationKind.FEEDBACK_RETURNED,
    NotificationKind.PHASE_CHANGED,
    NotificationKind.SUBMISSIONS_DIGEST,
)


class NotificationTestCase(ClassroomTestCase):
    """The classroom's course, with its assignment opened a day ago and due in a week."""

    def run_job(self, now=None):
        return notifications.run(now)

    def told(self, kind):
        return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))

    def mails_to(self, user):
        return [message for message in mail.outbox if message.to == [user.email]]

    def submit(self, student, phase=Phase.ARGUE, assignment=None):
        submission = services.submission_start(assignment=assignment or self.assignment, student=student, phase=phase)
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now(), statement="A case."
        )
        return submission


class AssignmentOpenedTests(NotificationTestCase):
    def test_it_tells_each_enrolled_student_once(self):
        counts = self.run_job()
        self.assertEqual(counts[OPENED], 2)
        self.assertEqual(self.told(OPENED), ["other_student", "student"])
        self.assertEqual(len(mail.outbox), 2)
        message = self.mails_to(self.student)[0]
        self.assertEqual(message.subject, "New assignment in History 201: Famine debate")
        self.assertIn(f"http://127.0.0.1:8000{self.assignment.get_absolute_url()}", message.body)
        self.assertIn("/notifications/unsubscribe/", message.body)
        self.assertEqual(message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # Run again, and again: nothing new, no mail
        self.assertEqual(self.run_job().get(OPENED, 0), 0)
        self.run_job()
        self.assertEqual(Notification.objects.filter(kind=OPENED).count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_not_before_it_opens(self):
        self.assertEqual(self.run_job(timezone.now() - timedelta(days=2)).get(OPENED, 0), 0)

    def test_a_first_run_long_after_does_not_announce_it(self):
        # A job started on an old database: it reads back only LOOKBACK.
        self.assertEqual(self.run_job(timezone.now() + timedelta(days=3)).get(OPENED, 0), 0)

    def test_a_student_who_left_is_not_told(self):
        services.course_remove_student(course=self.course, student=self.other_student)
        self.run_job()
        self.assertEqual(self.told(OPENED), ["student"])


class PreferenceTests(NotificationTestCase):
    def test_no_email_means_on_site_only(self):
        notifications.preference_set(user=self.student, kind=OPENED, by_email=False)
        self.run_job()
        self.assertEqual(self.mails_to(self.student), [])
        self.assertEqual(len(self.mails_to(self.other_student)), 1)
        self.assertEqual(notifications.unread_count(self.student), 1)
        self.assertEqual(Notification.objects.get(user=self.student).email_status, EmailStatus.NOT_WANTED)

    def test_nothing_on_site_keeps_it_off_the_list_but_still_told_once(self):
        notifications.preference_set(user=self.student, kind=OPENED, on_site=False)
        self.run_job()
        self.assertEqual(notifications.unread_count(self.student), 0)
        self.assertEqual(len(self.mails_to(self.student)), 1)
        self.client.force_login(self.student)
        self.assertNotContains(self.client.get(reverse("classroom:notification-list")), "Famine debate")

    def test_the_settings_page_saves_both_boxes_per_kind(self):
        self.client.force_login(self.student)
        url = reverse("classroom:notification-settings")
        # user (the session from the cache); the instructor check; the user's preferences; the
        # header's unread count
        with self.assertNumQueries(4):
            response = self.client.get(url)
        self.assertContains(response, "Feedback on my work is returned")
        self.assertNotContains(response, "digest")  # students get no digest
        data = {f"{kind}-site": "on" for kind in notifications.STUDENT_KINDS}
        data[f"{DUE}-email"] = "on"
        self.client.post(url, data)
        self.assertEqual(notifications.preferences([self.student.pk], DUE)[self.student.pk], (True, True))
        self.assertEqual(notifications.preferences([self.student.pk], OPENED)[self.student.pk], (True, False))
        self.client.force_login(self.instructor)
        self.assertContains(self.client.get(url), "digest")


class UnsubscribeTests(NotificationTestCase):
    def test_the_link_in_the_mail_stops_that_kind_in_one_post_without_login(self):
        self.run_job()
        link = re.search(
            r"http://127\.0\.0\.1:8000(/notifications/unsubscribe/\S+)", self.mails_to(self.student)[0].body
        )
        path = link.group(1)
        # Opening the link (as a link checker would) changes nothing
        response = self.client.get(path)
        self.assertContains(response, "Stop these e-mails?")
        self.assertEqual(notifications.preferences([self.student.pk], OPENED)[self.student.pk], (True, True))
        # The mail client's one-click POST, with no session and no CSRF token
        client = self.client_class(enforce_csrf_checks=True)
        response = client.post(path, {"List-Unsubscribe": "One-Click"})
        self.assertContains(response, "Unsubscribed")
        self.assertEqual(notifications.preferences([self.student.pk], OPENED)[self.student.pk], (True, False))
        # Another assignment opening: no mail for the student, still on the site; other kinds still mailed
        mail.outbox.clear()
        second = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=[self.side_a, self.side_b],
            title="Second debate",
            opens_at=timezone.now() - timedelta(hours=1),
            due_at=timezone.now() + timedelta(hours=10),
        )
        self.run_job()
        self.assertEqual([m.subject for m in self.mails_to(self.student)], ["Due within 24 hours: Second debate"])
        self.assertTrue(Notification.objects.filter(user=self.student, kind=OPENED, object_id=second.pk).exists())

    def test_an_unsubscribe_between_writing_and_sending_is_honoured(self):
        with mock.patch.object(notifications, "send_pending", return_value=(0, 0)):
            self.run_job()
        notifications.preference_set(user=self.student, kind=OPENED, by_email=False)
        self.run_job()
        self.assertEqual(self.mails_to(self.student), [])
        self.assertEqual(len(self.mails_to(self.other_student)), 1)

    def test_bad_tokens_are_refused(self):
        forged = notifications.unsubscribe_token(self.student.pk, OPENED)[:-2] + "xx"
        for token in ["junk", forged, notifications.unsubscribe_token(10**9, OPENED)]:
            with self.subTest(token=token):
                self.assertEqual(self.client.post(reverse("classroom:unsubscribe", args=[token])).status_code, 400)
                self.assertEqual(self.client.get(reverse("classroom:unsubscribe", args=[token])).status_code, 400)


class DeadlineTests(NotificationTestCase):
    def setUp(self):
        now = timezone.now()
        self.assignment.due_at = now + timedelta(hours=20)
        self.assignment.save(update_fields=["due_at"])

    def test_only_students_who_have_not_submitted_are_reminded_once(self):
        self.submit(self.student)
        self.run_job()
        self.run_job()
        self.assertEqual(self.told(DUE), ["other_student"])
        self.assertEqual(
            [m.subject for m in self.mails_to(self.other_student)],
            ["New assignment in History 201: Famine debate", "Due within 24 hours: Famine debate"],
        )

    def test_a_draft_does_not_count_as_submitted(self):
        services.submission_start(assignment=self.assignment, student=self.student)
        self.run_job()
        self.assertEqual(self.told(DUE), ["other_student", "student"])

    def test_not_yet_when_the_deadline_is_further_off(self):
        self.run_job(timezone.now() - timedelta(hours=5))
        self.assertEqual(self.told(DUE), [])

    def test_a_deadline_moved_later_is_reminded_of_again(self):
        self.run_job()
        self.assignment.due_at += timedelta(days=2)
        self.assignment.save(update_fields=["due_at"])
        self.run_job(timezone.now() + timedelta(days=2))
        self.assertEqual(self.told(DUE), ["other_student", "other_student", "student", "student"])


class ControversyTests(NotificationTestCase):
    def setUp(self):
        now = timezone.now()
        self.assignment.mode = AssignmentMode.CONTROVERSY
        self.assignment.due_at = now - timedelta(hours=1)
        self.assignment.swap_due_at = now + timedelta(hours=10)
        self.assignment.consensus_due_at = now + timedelta(days=3)
        self.assignment.save()

    def test_phase_two_starting_is_told_once_to_every_student(self):
        self.run_job()
        self.run_job()
        self.assertEqual(self.told(PHASE), ["other_student", "student"])
        self.assertEqual(Notification.objects.filter(kind=PHASE).first().event_key, "phase-2")
        # And phase 2 is due within 24 hours: both are reminded, of phase 2
        self.assertEqual(self.told(DUE), ["other_student", "student"])
        self.assertTrue(Notification.objects.filter(kind=DUE, event_key__startswith="phase-2:").exists())

    def test_the_instructor_ending_phase_two_starts_phase_three(self):
        self.run_job()
        services.assignment_end_phase(assignment=self.assignment)
        self.run_job()
        self.assertEqual(
            sorted(Notification.objects.filter(kind=PHASE).values_list("event_key", flat=True)),
            ["phase-2", "phase-2", "phase-3", "phase-3"],
        )


class FeedbackReturnedTests(NotificationTestCase):
    def test_the_author_is_told_once_and_held_feedback_is_not_told(self):
        submission = self.submit(self.student)
        other = self.submit(self.other_student)
        services.feedback_save(submission=submission, author=self.instructor, comment="Good.", grade="A", release=True)
        services.feedback_save(submission=other, author=self.instructor, comment="Held.", grade="B", release=False)
        self.run_job()
        self.run_job()
        self.assertEqual(self.told(FEEDBACK), ["student"])
        message = [m for m in self.mails_to(self.student) if "Feedback" in m.subject][0]
        self.assertIn("and a grade (A)", message.body)
        self.assertIn(submission.get_absolute_url(), message.body)

    def test_a_consensus_tells_every_member_of_the_group(self):
        self.assignment.mode = AssignmentMode.CONTROVERSY
        now = timezone.now()
        self.assignment.opens_at = now - timedelta(days=3)
        self.assignment.due_at, self.assignment.swap_due_at = now - timedelta(days=2), now - timedelta(days=1)
        self.assignment.consensus_due_at = now + timedelta(days=1)
        self.assignment.save()
        services.groups_form(assignment=self.assignment, size=2)
        consensus = services.submission_start(assignment=self.assignment, student=self.student, phase=Phase.CONSENSUS)
        Feedback.objects.create(submission=consensus, grade="A", returned_at=now)
        self.run_job()
        self.assertEqual(self.told(FEEDBACK), ["other_student", "student"])


@override_settings(NOTIFICATION_DIGEST_HOUR=24)  # no digest: it goes by the clock, not the window
class CatchUpTests(NotificationTestCase):
    """A job down for weeks: the next runs tell what was missed, once, a bounded stretch
    of the past (CATCH_UP) a run."""

    def test_events_missed_while_the_job_was_down_are_told_once(self):
        now = timezone.now()
        self.run_job(now - timedelta(days=20))  # the job's last run before the outage
        self.assertEqual(Notification.objects.count(), 0)
        submission = self.submit(self.student)
        services.feedback_save(submission=submission, author=self.instructor, comment="Good.", grade="A", release=True)
        Feedback.objects.update(returned_at=now - timedelta(days=15))  # returned during the outage

        # Back up: each run reads a week on from where the last stopped.
        self.assertEqual(self.run_job(now), {FEEDBACK: 1, "emails_sent": 1, "emails_failed": 0})
        self.assertEqual(NotificationCheckpoint.objects.get().until, now - timedelta(days=13))
        self.assertEqual(self.run_job(now).get(OPENED, 0), 0)  # up to now - 6 days
        self.assertEqual(self.run_job(now)[OPENED], 2)  # opened a day ago
        self.assertEqual(NotificationCheckpoint.objects.get().until, now)
        # Caught up: again, and again, nothing new.
        self.assertEqual(self.run_job(now)["emails_sent"], 0)
        self.run_job(now + timedelta(minutes=10))
        self.assertEqual(self.told(FEEDBACK), ["student"])
        self.assertEqual(self.told(OPENED), ["other_student", "student"])
        self.assertEqual(
            sorted(m.subject for m in self.mails_to(self.student)),
            [
                "Feedback returned: Famine debate",
                "New assignment in History 201: Famine debate",
            ],
        )

    def test_an_assignment_that_closed_during_the_outage_is_not_announced_as_open(self):
        now = timezone.now()
        self.run_job(now - timedelta(days=20))
        type(self.assignment).objects.filter(pk=self.assignment.pk).update(
            opens_at=now - timedelta(days=19), due_at=now - timedelta(days=12)
        )
        for _ in range(4):
            self.run_job(now)
        self.assertEqual(self.told(OPENED), [])

    def test_an_opening_dated_into_the_past_after_a_run_is_still_announced(self):
        now = timezone.now()
        self.run_job(now)
        self.assertEqual(self.told(OPENED), ["other_student", "student"])
        later = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=[self.side_a, self.side_b],
            title="Second debate",
            opens_at=now - timedelta(hours=5),  # saved after the run, opening before it
            due_at=now + timedelta(days=7),
        )
        self.run_job(now + timedelta(minutes=10))
        self.assertEqual(Notification.objects.filter(kind=OPENED, object_id=later.pk).count(), 2)

    def test_a_run_sends_at_most_a_batch_of_e_mail_and_the_next_the_rest(self):
        with mock.patch.object(notifications, "EMAIL_BATCH", 1):
            self.assertEqual(self.run_job()["emails_sent"], 1)
            self.assertEqual(self.run_job()["emails_sent"], 1)
            self.assertEqual(self.run_job()["emails_sent"], 0)
        self.assertEqual(len(mail.outbox), 2)


@override_settings(NOTIFICATION_DIGEST_HOUR=7)
class DigestTests(NotificationTestCase):
    def at(self, hour):
        return datetime.now(UTC).replace(hour=hour, minute=30)

    def test_instructors_get_one_digest_a_day_of_new_submissions(self):
        morning = self.at(8)
        with mock.patch("django.utils.timezone.now", return_value=morning - timedelta(hours=3)):
            self.submit(self.student)
            self.submit(self.other_student)
        self.run_job(self.at(6))
        self.assertEqual(self.told(DIGEST), [])  # before the digest hour
        self.run_job(morning)
        self.run_job(morning + timedelta(minutes=10))
        self.assertEqual(self.told(DIGEST), ["instructor"])  # not other_instructor, whose course has none
        digest = Notification.objects.get(kind=DIGEST)
        self.assertEqual(digest.title, "2 new submissions since yesterday")
        self.assertIn("History 201: Famine debate: 2 new submissions", digest.body)
        self.assertEqual([m.subject for m in self.mails_to(self.instructor)], [digest.title])

    def test_the_digest_comes_at_the_hour_in_each_instructors_own_zone(self):
        self.course.instructors.add(self.other_instructor)
        Profile.objects.create(user=self.instructor, timezone="Asia/Tokyo")  # UTC+9
        Profile.objects.create(user=self.other_instructor, timezone="America/New_York")  # UTC-5 (-4 in summer)
        for student in (self.student, self.other_student):
            Submission.objects.filter(pk=self.submit(student).pk).update(submitted_at=self.at(8))
        self.run_job(self.at(9))  # 18:30 in Tokyo, 04:30 (05:30) in New York
        self.assertEqual(self.told(DIGEST), ["instructor"])
        tokyo = Notification.objects.get(kind=DIGEST)
        self.assertEqual(tokyo.event_key, self.at(9).astimezone(ZoneInfo("Asia/Tokyo")).date().isoformat())
        self.run_job(self.at(11))  # 06:30 (07:30) in New York: not yet in winter
        self.run_job(self.at(12))  # 07:30 (08:30) in New York; Tokyo's day has its digest
        self.run_job(self.at(13))
        self.assertEqual(self.told(DIGEST), ["instructor", "other_instructor"])
        self.assertEqual(
            [m.subject for m in self.mails_to(self.other_instructor)], ["2 new submissions since yesterday"]
        )
        self.assertEqual(len(self.mails_to(self.instructor)), 1)

    def test_no_new_submissions_no_digest(self):
        self.run_job(self.at(8))
        self.assertEqual(self.told(DIGEST), [])


class JobTests(NotificationTestCase):
    def test_a_failed_send_is_retried_by_the_next_run_and_sent_once(self):
        with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")):
            counts = self.run_job()
        self.assertEqual((counts["emails_sent"], counts["emails_failed"]), (0, 2))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.run_job()["emails_sent"], 2)
        self.assertEqual(self.run_job()["emails_sent"], 0)
        self.assertEqual(len(mail.outbox), 2)

    def test_a_row_another_run_claimed_is_not_sent_again(self):
        with mock.patch.object(notifications, "send_pending", return_value=(0, 0)):
            self.run_job()
        Notification.objects.filter(user=self.student).update(email_status=EmailStatus.SENDING)
        self.run_job()
        self.assertEqual(self.mails_to(self.student), [])

    def test_the_command(self):
        from io import StringIO

        out = StringIO()
        call_command("send_notifications", stdout=out)
        self.assertIn("assignment_opened: 2", out.getvalue())
        out = StringIO()
        call_command("send_notifications", stdout=out)
        self.assertEqual(out.getvalue().strip(), "nothing new")


class NotificationPageTests(NotificationTestCase):
    def test_the_list_and_the_header_count(self):
        self.run_job()
        self.client.force_login(self.student)
        url = reverse("classroom:notification-list")
        # user (the session from the cache); the page's count and rows; the header's unread count
        with self.assertNumQueries(4):
            response = self.client.get(url)
        self.assertContains(response, "New assignment in History 201: Famine debate")
        self.assertContains(response, '<span class="badge">1<span class="visually-hidden"> unread</span>', html=False)
        notification = Notification.objects.get(user=self.student)
        response = self.client.get(notification.get_absolute_url())
        self.assertRedirects(response, self.assignment.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(notifications.unread_count(self.student), 0)
        self.assertNotContains(self.client.get(url), 'class="badge"')

    def test_the_count_stays_one_query_whatever_the_number(self):
        for n in range(12):
            Notification.objects.create(
                user=self.student,
                kind=OPENED,
                object_id=n,
                event_key="x",
                title=f"N{n}",
                url="/",
                created=timezone.now(),
            )
        self.client.force_login(self.student)
        with self.assertNumQueries(4):
            response = self.client.get(reverse("classroom:notification-list"))
        self.assertContains(response, '<span class="badge">12', html=False)

    def test_mark_all_read(self):
        self.run_job()
        self.client.force_login(self.student)
        self.client.post(reverse("classroom:notifications-mark-read"))
        self.assertEqual(notifications.unread_count(self.student), 0)
        self.assertEqual(notifications.unread_count(self.other_student), 1)

    def test_another_users_notification_is_a_404(self):
        self.run_job()
        theirs = Notification.objects.get(user=self.other_student)
        self.client.force_login(self.student)
        self.assertEqual(self.client.get(theirs.get_absolute_url()).status_code, 404)
        self.assertIsNone(Notification.objects.get(pk=theirs.pk).read_at)

    def test_anonymous_pages_pay_no_query_for_the_count(self):
        with self.assertNumQueries(0):
            self.client.get(reverse("classroom:teach-signup"))
