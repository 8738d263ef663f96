"""Issue 13: a student's writing is never lost — the autosave endpoint, the editor's task
panel, saving on the way to the evidence, and the site's own error pages."""

from django.test import Client
from django.urls import reverse

from historiography.classroom import services
from historiography.classroom.models import Submission

from .test_classroom import ClassroomTestCase


class AutosaveTests(ClassroomTestCase):
    def setUp(self):
        self.client.force_login(self.student)
        self.editor_url = reverse("classroom:submission-edit-phase", args=[self.assignment.pk, 1])
        self.autosave_url = reverse("classroom:submission-autosave", args=[self.assignment.pk, 1])
        self.submission = services.submission_start(assignment=self.assignment, student=self.student)

    def test_it_saves_under_the_version_check_and_answers_json(self):
        response = self.client.post(self.autosave_url, {"version": self.submission.version, "statement": "Two words"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["version"], self.submission.version + 1)
        self.assertRegex(body["saved"], r"^\d\d:\d\d$")
        self.assertEqual(body["words"], 2)
        self.assertEqual(Submission.objects.get(pk=self.submission.pk).statement, "Two words")

    def test_a_stale_version_is_a_409_and_nothing_is_overwritten(self):
        self.client.post(self.autosave_url, {"version": self.submission.version, "statement": "First"})
        response = self.client.post(self.autosave_url, {"version": self.submission.version, "statement": "Stale"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("another tab", response.json()["error"])
        self.assertEqual(Submission.objects.get(pk=self.submission.pk).statement, "First")

    def test_a_logged_out_save_is_a_401_not_a_redirect(self):
        self.client.logout()
        response = self.client.post(self.autosave_url, {"version": 1, "statement": "Text"})
        self.assertEqual(response.status_code, 401)
        self.assertIn("kept in this browser", response.json()["error"])

    def test_a_submitted_case_is_refused_with_the_reason(self):
        Submission.objects.filter(pk=self.submission.pk).update(status="submitted")
        response = self.client.post(self.autosave_url, {"version": self.submission.version, "statement": "Late"})
        self.assertEqual(response.status_code, 403)
        self.assertIn("submitted", response.json()["error"])

    def test_autosave_never_removes_evidence(self):
        citation = services.submission_cite(submission=self.submission, argument=self.arguments_a[0])
        self.client.post(
            self.autosave_url,
            {"version": self.submission.version, "statement": "x", f"remove_{citation.pk}": "on"},
        )
        self.assertTrue(self.submission.citations.filter(pk=citation.pk).exists())

    def test_get_is_refused(self):
        self.assertEqual(self.client.get(self.autosave_url).status_code, 405)

    def test_the_editor_shows_the_task_the_count_and_the_script(self):
        self.assignment.instructions = "Use at least one primary source."
        self.assignment.save()
        services.submission_save(
            submission=self.submission, version=1, statement="One two three", comments={}, removed=set()
        )
        response = self.client.get(self.editor_url)
        self.assertContains(response, "Use at least one primary source.")
        self.assertContains(response, "at least 2 cited arguments")
        self.assertContains(response, "3 words")
        self.assertContains(response, 'aria-live="polite"')
        self.assertContains(response, "js/autosave.js")
        self.assertContains(response, self.autosave_url)
        self.assertContains(response, '<span class="zone">(UTC)</span>', html=False)

    def test_add_more_evidence_saves_the_text_first(self):
        response = self.client.post(
            self.editor_url, {"version": self.submission.version, "statement": "Unsaved words", "add_evidence": ""}
        )
        self.assertRedirects(response, self.assignment.get_absolute_url() + "#sides", fetch_redirect_response=False)
        self.assertEqual(Submission.objects.get(pk=self.submission.pk).statement, "Unsaved words")


class ErrorPageTests(ClassroomTestCase):
    def test_a_refused_form_shows_the_text_sent_and_a_way_back(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.student)
        url = reverse("classroom:submission-edit-phase", args=[self.assignment.pk, 1])
        response = client.post(
            url, {"version": 1, "statement": "My long essay about the famine.", "password": "secret"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Your form could not be sent", status_code=403)
        self.assertContains(response, "My long essay about the famine.", status_code=403)
        self.assertNotContains(response, "secret", status_code=403)
        self.assertContains(response, f'href="{url}"', status_code=403)
        self.assertContains(response, "site-header", status_code=403)

    def test_a_403_explains_in_the_sites_design(self):
        self.client.force_login(self.student)
        response = self.client.get(reverse("classroom:assignment-allocate", args=[self.assignment.pk]))
        self.assertContains(response, "Only the course&#x27;s instructors can do this.", status_code=403)
        self.assertContains(response, "site-header", status_code=403)

    def test_the_404_and_500_pages_are_in_the_sites_design(self):
        self.assertContains(self.client.get("/no-such-page/"), "site-header", status_code=404)
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("css/site.css", html)
        self.assertIn("Something went wrong", html)
