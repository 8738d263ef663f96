"""Issue 17 in Chromium: a new instructor signs up, confirms the address, is approved in
the admin, creates a course and an assignment with a rubric, and grades a submission by
criterion; the student reads the scores. Screenshots in screenshots/onboarding-*.png."""

import re
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Feedback, Submission, SubmissionStatus

from .chromium import ChromiumTestCase
from .factories import ArgumentFactory, HistorianFactory, make_question

PASSWORD = "a long enough demo password"
SCREENSHOTS = settings.BASE_DIR / "screenshots"


class InstructorOnboardingInChromium(ChromiumTestCase):
    def setUp(self):
        self.question = make_question(title="Was Stalin a continuation of Lenin?", slug="lenin-stalin")
        self.continuity, self.discontinuity = self.question.positions.order_by("order")
        ArgumentFactory(
            historian=HistorianFactory(name="Richard Pipes"),
            position=self.continuity,
            claim="Lenin built the one-party state Stalin inherited.",
        )
        ArgumentFactory(
            historian=HistorianFactory(name="Stephen F. Cohen"),
            position=self.discontinuity,
            claim="Bukharin offered a real alternative.",
        )
        User.objects.create_superuser("staff", "staff@example.org", PASSWORD)
        SCREENSHOTS.mkdir(exist_ok=True)

    def new_page(self):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="UTC")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def log_in(self, page, username, path="/accounts/login/"):
        page.goto(self.live_server_url + path)
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():  # the next request waits for the login's answer
            page.click("main button[type=submit], input[type=submit]")

    def shot(self, page, name):
        page.screenshot(path=str(SCREENSHOTS / f"onboarding-{name}.png"), full_page=True)

    def test_a_new_instructor_signs_up_is_approved_sets_a_rubric_and_grades_by_criterion(self):
        from playwright.sync_api import expect

        # "I teach": the request
        ada = self.new_page()
        ada.goto(self.live_server_url + "/accounts/login/")
        ada.click("text=Sign up as an instructor")
        ada.fill("#id_name", "Ada Lovelace")
        ada.fill("#id_email", "ada@school.example.edu")
        ada.fill("#id_institution", "Example High School")
        ada.fill("#id_course", "Soviet history seminar")
        ada.fill("#id_username", "ada")
        ada.fill("#id_password1", PASSWORD)
        ada.fill("#id_password2", PASSWORD)
        self.shot(ada, "1-i-teach")
        ada.click("main button[type=submit]")
        expect(ada.locator("h1")).to_have_text("Check your e-mail")

        # The link in the e-mail confirms the address
        path = re.search(r"http://127\.0\.0\.1:8000(/\S+)", mail.outbox[0].body).group(1)
        ada.goto(self.live_server_url + path)
        expect(ada.locator("h1")).to_have_text("Address confirmed")
        self.shot(ada, "2-verified")

        # Staff approve in the admin
        staff = self.new_page()
        self.log_in(staff, "staff", "/admin/login/")
        staff.goto(self.live_server_url + "/admin/classroom/instructorrequest/")
        staff.check("input[name=_selected_action]")
        staff.select_option("select[name=action]", "approve")
        self.shot(staff, "3-admin-approve")
        staff.click("button[name=index], button:has-text('Go')")
        expect(staff.locator(".messagelist")).to_contain_text("Approved 1 request.")
        self.assertTrue(User.objects.get(username="ada").groups.filter(name="Instructor").exists())
        self.assertEqual(mail.outbox[-1].subject, "Your instructor account is ready")

        # The new instructor logs in: the first-run guide
        self.log_in(ada, "ada")
        ada.goto(self.live_server_url + "/classes/")
        expect(ada.locator(".first-run")).to_contain_text("Getting started: three steps")
        self.shot(ada, "4-first-run-guide")
        ada.locator(".first-run").get_by_role("link", name="Create a course").click()
        ada.fill("#id_title", "Soviet history seminar")
        ada.click("main button[type=submit]")
        expect(ada.locator("h1")).to_have_text("Soviet history seminar")
        ada.click("text=New debate assignment")
        ada.select_option("#id_question", label=self.question.title)
        ada.click("text=Next: choose the sides")
        ada.fill("#id_title", "Continuity debate")
        ada.check(f"input[name=positions][value='{self.continuity.pk}']")
        ada.check(f"input[name=positions][value='{self.discontinuity.pk}']")
        ada.fill("#id_evidence_minimum", "1")
        now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
        ada.fill("#id_opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        ada.fill("#id_due_at", (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
        ada.select_option("#id_allocation", value="student_choice")
        ada.click("main button[type=submit]")
        expect(ada.locator(".messages")).to_contain_text("Assignment created")
        assignment_url = ada.url

        # The rubric
        ada.get_by_role("link", name="Rubric", exact=True).click()
        ada.fill(
            "#id_text",
            "Evidence: Strong = 4 | Adequate = 2 | Missing = 0\n"
            "Argument: Convincing = 4 | Partial = 2 | Weak = 1\n"
            "Rebuttal: Answers the other side = 2 | Ignores it = 0",
        )
        ada.get_by_role("button", name="Save the rubric").click()
        expect(ada.locator(".messages")).to_contain_text("Rubric saved.")
        expect(ada.locator(".rubric caption")).to_contain_text("the best grade is 10 points")
        self.shot(ada, "5-rubric")

        # A student submits (made directly: the student's side is tested in test_browser.py)
        course = User.objects.get(username="ada").taught_courses.get()
        assignment = course.assignments.get()
        sam = User.objects.create_user("sam", "sam@example.org", PASSWORD, first_name="Sam", last_name="Student")
        services.course_join(student=sam, code=course.join_code)
        services.side_choose(assignment=assignment, student=sam, position=self.discontinuity)
        submission = services.submission_start(assignment=assignment, student=sam)
        for argument in self.question.positions.get(pk=self.discontinuity.pk).arguments.all():
            services.submission_cite(submission=submission, argument=argument)
        Submission.objects.filter(pk=submission.pk).update(
            statement="Stalin broke with Lenin's NEP; Bukharin shows the road not taken.",
            status=SubmissionStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )

        # Grading by criterion, with a comment on the evidence
        ada.goto(assignment_url)
        ada.click("text=Read the submissions (board)")
        ada.click("text=Open and give feedback")
        ada.get_by_label("Strong (4)").check()
        ada.get_by_label("Partial (2)").check()
        ada.get_by_label("Answers the other side (2)").check()
        ada.fill("textarea[name^=evidence-]", "Quote Cohen's page, not his chapter.")
        ada.fill("#id_comment", "A clear case; answer Pipes next time.")
        ada.check("#id_release")
        self.shot(ada, "6-grading")
        ada.get_by_role("button", name="Save feedback").click()
        expect(ada.locator(".messages")).to_contain_text("Feedback returned.")
        expect(ada.locator("#feedback-head + p")).to_contain_text("Grade: 8/10")
        feedback = Feedback.objects.get(submission=submission)
        self.assertEqual(feedback.grade, "8/10")
        self.assertEqual(feedback.scores.count(), 3)

        # The student reads the scores and the comment beside the evidence
        student = self.new_page()
        self.log_in(student, "sam")
        student.goto(self.live_server_url + submission.get_absolute_url())
        expect(student.locator(".rubric-scores")).to_contain_text("Partial")
        expect(student.locator(".instructor-comment")).to_contain_text("Quote Cohen's page")
        self.shot(student, "7-student-reads-scores")
