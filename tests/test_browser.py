"""The whole classroom flow in a real browser: Debian's Chromium driven by Playwright.

Skipped, with the reason, only when Chromium is not installed (`.ci/run` installs it)."""

import zoneinfo
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone

from historiography.classroom.models import Feedback, Submission, SubmissionStatus
from historiography.models import Attribution

from .chromium import ChromiumTestCase
from .factories import ArgumentFactory, HistorianFactory, make_question

PASSWORD = "a long enough demo password"


class ClassroomInChromium(ChromiumTestCase):
    """A question with an argument a side, an instructor, and logged-in pages."""

    def setUp(self):
        self.question = make_question(title="Was Stalin a continuation of Lenin?", slug="lenin-stalin")
        self.continuity, self.discontinuity = self.question.positions.order_by("order")
        pipes = HistorianFactory(name="Richard Pipes")
        cohen = HistorianFactory(name="Stephen F. Cohen")
        ArgumentFactory(
            historian=pipes,
            position=self.continuity,
            claim="Lenin built the one-party state Stalin inherited.",
            attribution=Attribution.OWN_WORDS,  # so the Chicago note begins with his name: "…, quoted in"
            words="disagree about nearly everything",
            passage='Historians, as the source says, "disagree about nearly everything" and always will.',
        )
        ArgumentFactory(historian=cohen, position=self.discontinuity, claim="Bukharin offered a real alternative.")
        self.instructor = User.objects.create_user("teacher", password=PASSWORD, first_name="Tess")
        self.instructor.groups.add(Group.objects.get_or_create(name="Instructor")[0])

    def page_for(self, username):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/London")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if username:
            page.goto(self.live_server_url + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            # Wait for the logged-in page: a request sent while the login is still being
            # answered would share the live server's one in-memory SQLite connection with it.
            with page.expect_navigation():
                page.click("main button[type=submit]")
        return page


class ClassroomFlowInChromium(ClassroomInChromium):
    def test_instructor_assigns_student_argues_instructor_grades_student_reads(self):
        from playwright.sync_api import expect

        # The instructor creates a course and reads its join code.
        teacher = self.page_for("teacher")
        teacher.goto(self.live_server_url + "/classes/new/")
        teacher.fill("#id_title", "Soviet history seminar")
        teacher.click("main button[type=submit]")
        expect(teacher.locator("h1")).to_have_text("Soviet history seminar")
        code = teacher.locator(".join-code code").inner_text().strip()

        # ...and a debate assignment on the question, students choosing their sides.
        teacher.click("text=New debate assignment")
        # Step 1, the question; step 2, its sides and the rest.
        teacher.select_option("#id_question", label=self.question.title)
        teacher.click("text=Next: choose the sides")
        teacher.fill("#id_title", "Continuity debate")
        teacher.check(f"input[name=positions][value='{self.continuity.pk}']")
        teacher.check(f"input[name=positions][value='{self.discontinuity.pk}']")
        teacher.fill("#id_instructions", "Argue your side with the historians' own words.")
        teacher.fill("#id_evidence_minimum", "1")
        # The form reads times in the user's zone: the default, as this user picked none.
        now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
        teacher.fill("#id_opens_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
        teacher.fill("#id_due_at", (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
        teacher.select_option("#id_allocation", value="student_choice")
        teacher.click("main button[type=submit]")
        expect(teacher.locator(".messages")).to_contain_text("Assignment created")
        assignment_url = teacher.url

        # A student signs up with the code, chooses a side, adds evidence, saves a draft, submits.
        student = self.page_for(None)
        student.goto(self.live_server_url + f"/accounts/signup/?code={code}")
        student.fill("#id_username", "sam")
        student.fill("#id_first_name", "Sam")
        student.fill("#id_password1", PASSWORD)
        student.fill("#id_password2", PASSWORD)
        student.click("main button[type=submit]")
        expect(student.locator(".messages")).to_contain_text("Soviet history seminar")
        student.click("text=Continuity debate")
        student.check(f"input[name=position][value='{self.discontinuity.pk}']")
        student.get_by_role("button", name="Choose", exact=True).click()
        expect(student.locator(".my-side")).to_have_text(self.discontinuity.label)
        student.get_by_role("button", name="Add to my evidence").filter(has_text="Stephen F. Cohen's argument").click()
        expect(student.locator(".cited-note")).to_have_count(1)
        student.click("text=Write my submission")
        student.fill("#id_statement", "Stalin broke with Lenin's NEP; Bukharin shows the road not taken.")
        student.fill("textarea[name^=comment_]", "Cohen's Bukharin is my main evidence.")
        student.click("button[name=save]")
        expect(student.locator(".messages")).to_contain_text("saved")
        student.click("button[name=submit]")
        expect(student.locator(".messages")).to_contain_text("Submitted")
        expect(student.locator(".assignment-status .phase")).to_contain_text("Submitted")

        submission = Submission.objects.get(student__username="sam")
        self.assertEqual(submission.status, SubmissionStatus.SUBMITTED)
        self.assertEqual(submission.citations.get().comment, "Cohen's Bukharin is my main evidence.")

        # The instructor reads the board, writes feedback and a grade, and returns it.
        teacher.goto(assignment_url)
        teacher.click("text=Read the submissions (board)")
        expect(teacher.locator("main")).to_contain_text("submitted")
        teacher.click("text=Open and give feedback")
        teacher.fill("#id_comment", "A clear case; answer Pipes next time.")
        teacher.fill("#id_grade", "B+")
        teacher.check("#id_release")
        teacher.click("text=Save feedback")
        expect(teacher.locator(".messages")).to_contain_text("returned")
        self.assertTrue(Feedback.objects.get(submission=submission).is_returned)

        # The student sees the grade and the feedback.
        student.goto(assignment_url)
        expect(student.locator(".assignment-status")).to_contain_text("Grade: B+")
        student.click("text=Read my submission")
        expect(student.locator(".notice")).to_contain_text("You submitted this")
        expect(student.locator(".feedback")).to_contain_text("answer Pipes next time")

    def test_copy_buttons_copy_citations_and_the_page_works_without_them(self):
        from playwright.sync_api import expect

        argument = self.question.positions.first().arguments.get()
        url = self.live_server_url + argument.get_absolute_url()

        context = self.browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(url)
        expect(page.locator(".cite .copy-button")).to_have_count(3)  # Chicago, BibTeX, CSL-JSON
        page.get_by_role("button", name="Copy the BibTeX").click()
        expect(page.locator("[data-copy-status]")).to_have_text("BibTeX copied")
        self.assertEqual(page.evaluate("navigator.clipboard.readText()"), page.locator("#cite-bibtex").input_value())
        page.get_by_role("button", name="Copy the Chicago note").click()
        expect(page.locator("[data-copy-status]")).to_have_text("Chicago note copied")
        self.assertTrue(page.evaluate("navigator.clipboard.readText()").startswith("Richard Pipes"))

        # Without JavaScript: no buttons, the citations still there to select.
        context = self.browser.new_context(java_script_enabled=False)
        self.addCleanup(context.close)
        page = context.new_page()
        page.goto(url)
        expect(page.locator(".copy-button")).to_have_count(0)
        self.assertIn("@misc{", page.locator("#cite-bibtex").input_value())


class ControversyInChromium(ClassroomInChromium):
    """A Structured Academic Controversy run through all three phases in the browser,
    with a screenshot at each step (screenshots/controversy-*.png, git-ignored)."""

    def shot(self, page, name):
        folder = Path(settings.BASE_DIR) / "screenshots"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"controversy-{name}.png"), full_page=True)

    def add_evidence(self, page, historian):
        page.get_by_role("button", name="Add to my evidence").filter(has_text=f"{historian}'s argument").click()
        from playwright.sync_api import expect

        expect(page.locator(".messages")).to_contain_text(f"Added {historian}")

    def test_three_phases_argue_swap_consensus_then_grades(self):
        from playwright.sync_api import expect

        from historiography.classroom import services
        from historiography.classroom.models import Assignment, Phase, SideAllocation

        course = services.course_create(instructor=self.instructor, title="Soviet history seminar")
        for username, name in [("ana", "Ana"), ("ben", "Ben")]:
            user = User.objects.create_user(username, password=PASSWORD, first_name=name)
            services.course_join(student=user, code=course.join_code)

        # The instructor sets a controversy: three deadlines, cases visible once submitted, anonymous.
        teacher = self.page_for("teacher")
        teacher.goto(self.live_server_url + course.get_absolute_url())
        teacher.click("text=New debate assignment")
        # Step 1, the question; step 2, its sides and the rest.
        teacher.select_option("#id_question", label=self.question.title)
        teacher.click("text=Next: choose the sides")
        teacher.fill("#id_title", "Continuity controversy")
        teacher.check(f"input[name=positions][value='{self.continuity.pk}']")
        teacher.check(f"input[name=positions][value='{self.discontinuity.pk}']")
        teacher.check("input[name=mode][value=controversy]")
        teacher.fill("#id_evidence_minimum", "1")
        now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
        for field, delta in [("opens_at", -1), ("due_at", 24), ("swap_due_at", 48), ("consensus_due_at", 72)]:
            teacher.fill(f"#id_{field}", (now + timedelta(hours=delta)).strftime("%Y-%m-%dT%H:%M"))
        teacher.select_option("#id_allocation", value="balanced")
        teacher.check("input[name=peer_visibility][value=after_submitting]")
        teacher.check("#id_anonymous_peers")
        teacher.click("main button[type=submit]")
        expect(teacher.locator(".messages")).to_contain_text("Assignment created")
        assignment_url = teacher.url
        assignment = Assignment.objects.get(title="Continuity controversy")
        self.assertTrue(assignment.is_controversy)

        teacher.click("text=Allocate sides")
        teacher.click("text=Allocate at random")
        expect(teacher.locator("main")).to_contain_text("2 students will get a side at random")
        teacher.click("text=Yes, deal 2 sides")
        expect(teacher.locator(".messages")).to_contain_text("Sides allocated to 2 students")
        teacher.click("text=Consensus groups")
        teacher.click("text=Form groups across the sides")
        expect(teacher.locator(".messages")).to_contain_text("1 group formed")
        teacher.goto(assignment_url)
        self.shot(teacher, "1-instructor-assignment")
        sides = {
            a.student.username: a.position
            for a in SideAllocation.objects.filter(assignment=assignment).select_related("student", "position")
        }
        self.assertNotEqual(sides["ana"], sides["ben"])
        historian = {self.continuity.pk: "Richard Pipes", self.discontinuity.pk: "Stephen F. Cohen"}

        # Phase 1: each argues the allocated side and submits.
        students = {}
        for username in ("ana", "ben"):
            page = self.page_for(username)
            students[username] = page
            page.goto(self.live_server_url + assignment.get_absolute_url())
            expect(page.locator(".assignment-status")).to_contain_text("Phase 1: Argue your side")
            self.add_evidence(page, historian[sides[username].pk])
            page.click("text=Write phase 1")
            page.fill("#id_statement", f"The phase-1 case for {sides[username].label}.")
            page.click("button[name=submit]")
            expect(page.locator(".messages")).to_contain_text("Submitted")
        self.shot(students["ana"], "2-student-phase-1-submitted")

        # The instructor moves the class on to phase 2.
        teacher.goto(assignment_url)
        teacher.click("text=End phase 1 now")
        expect(teacher.locator(".warning")).to_contain_text("Phase 2 (Swap: argue the other side) opens at once")
        teacher.click("text=Yes, end phase 1 now")
        expect(teacher.locator(".messages")).to_contain_text("Phase 2 (Swap: argue the other side) is open")

        # Phase 2: Ana argues Ben's side, with Ben's phase-1 case beside the editor.
        for username, other in (("ana", "ben"), ("ben", "ana")):
            page = students[username]
            page.goto(self.live_server_url + assignment.get_absolute_url())
            expect(page.locator(".assignment-status")).to_contain_text(
                f"Now (Swap: argue the other side): {sides[other].label}"
            )
            self.add_evidence(page, historian[sides[other].pk])
            page.click("text=Write phase 2")
            expect(page.locator(".cases-in-view")).to_contain_text(f"The phase-1 case for {sides[other].label}.")
            if username == "ana":
                self.shot(page, "3-student-swap-with-partners-case")
            page.fill("#id_statement", f"Swapped: now arguing {sides[other].label}.")
            page.click("button[name=submit]")
            expect(page.locator(".messages")).to_contain_text("Submitted")

        # Classmates' cases are readable once one's own is submitted, and anonymous.
        page = students["ana"]
        page.goto(self.live_server_url + assignment.get_absolute_url())
        page.click("text=Read the class board")
        expect(page.locator("main")).to_contain_text("Classmate 1")
        expect(page.locator("main")).not_to_contain_text("Ben")

        teacher.goto(assignment_url)
        teacher.click("text=End phase 2 now")
        teacher.click("text=Yes, end phase 2 now")
        expect(teacher.locator(".messages")).to_contain_text("Phase 3 (Consensus) is open")

        # Phase 3: one consensus for the pair; Ana drafts it citing both sides, Ben submits it.
        page = students["ana"]
        page.goto(self.live_server_url + assignment.get_absolute_url())
        self.add_evidence(page, "Richard Pipes")
        self.add_evidence(page, "Stephen F. Cohen")
        page.click("text=Write phase 3")
        expect(page.locator("h1")).to_contain_text("Our consensus: Group 1")
        page.fill("#id_statement", "Lenin made Stalin possible; he did not make him inevitable.")
        page.click("button[name=save]")
        expect(page.locator(".messages")).to_contain_text("Draft saved")
        expect(page.get_by_label("Remove from our evidence")).to_have_count(2)
        self.shot(page, "4-consensus-editor")
        page = students["ben"]
        page.goto(self.live_server_url + assignment.get_absolute_url())
        page.click("text=Write phase 3")
        expect(page.locator("#id_statement")).to_have_value(
            "Lenin made Stalin possible; he did not make him inevitable."
        )
        page.click("button[name=submit]")
        expect(page.locator(".messages")).to_contain_text("Submitted")

        # The instructor reads each phase's board, grades the consensus, holds it, then returns all.
        teacher.goto(self.live_server_url + f"/assignments/{assignment.pk}/board/phase-2/")
        expect(teacher.locator("main")).to_contain_text("Ana")
        teacher.goto(self.live_server_url + f"/assignments/{assignment.pk}/board/phase-3/")
        expect(teacher.locator(".group-card")).to_contain_text("submitted")
        self.shot(teacher, "5-board-consensus")
        teacher.click("text=Open and give feedback")
        teacher.fill("#id_comment", "A real synthesis of both sides.")
        teacher.fill("#id_grade", "A")
        teacher.click("text=Save feedback")
        expect(teacher.locator(".messages")).to_contain_text("held")
        students["ana"].goto(self.live_server_url + assignment.get_absolute_url())
        expect(students["ana"].locator(".assignment-status")).not_to_contain_text("Grade: A")
        teacher.goto(assignment_url)
        teacher.click("text=Return all 1 held feedback")
        expect(teacher.locator(".messages")).to_contain_text("Returned 1 held feedback")
        for username in ("ana", "ben"):
            students[username].goto(self.live_server_url + assignment.get_absolute_url())
            expect(students[username].locator(".assignment-status")).to_contain_text("Grade: A")
        self.shot(students["ben"], "6-student-reads-consensus-grade")
        self.assertEqual(assignment.submissions.filter(phase=Phase.CONSENSUS).get().feedback.grade, "A")
