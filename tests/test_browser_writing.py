"""Issue 13 in Chromium: a student's draft survives a closed tab, a refused form (CSRF),
a server that stops answering mid-save, and the way to the evidence; with screenshots of
the editor and the error pages (screenshots/writing-*.png, git-ignored)."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Allocation, Submission

from .factories import ArgumentFactory
from .test_browser import PASSWORD, ClassroomInChromium


class DraftsSurviveInChromium(ClassroomInChromium):
    def setUp(self):
        super().setUp()
        self.student = User.objects.create_user("zoe", password=PASSWORD, first_name="Zoë")
        course = services.course_create(instructor=self.instructor, title="Soviet history seminar")
        services.course_join(student=self.student, code=course.join_code)
        now = timezone.now()
        self.assignment = services.assignment_create(
            course=course,
            question=self.question,
            positions=[self.continuity, self.discontinuity],
            title="Continuity debate",
            instructions="Answer the strongest argument of the other side.",
            evidence_minimum=1,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=7),
            allocation=Allocation.BY_HAND,
        )
        services.assignment_allocate(assignment=self.assignment, sides={self.student: self.continuity})
        self.editor = self.live_server_url + reverse("classroom:submission-edit-phase", args=[self.assignment.pk, 1])

    def shot(self, page, name):
        folder = Path(settings.BASE_DIR) / "screenshots"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"writing-{name}.png"), full_page=True)

    def statement(self):
        return Submission.objects.get(assignment=self.assignment, student=self.student).statement

    def test_typed_text_is_autosaved_and_there_after_closing_the_tab(self):
        from playwright.sync_api import expect

        page = self.page_for("zoe")
        page.goto(self.editor)
        expect(page.locator(".brief")).to_contain_text("Answer the strongest argument")
        page.locator("#id_statement").press_sequentially("Lenin built the state Stalin ran.")
        expect(page.locator("[data-word-count]")).to_have_text("6 words")
        expect(page.locator("[data-save-status]")).to_contain_text("Saved ")
        self.shot(page, "editor")
        context = page.context
        page.close()
        self.assertEqual(self.statement(), "Lenin built the state Stalin ran.")
        page = context.new_page()
        page.goto(self.editor)
        expect(page.locator("#id_statement")).to_have_value("Lenin built the state Stalin ran.")

    def test_a_refused_form_shows_the_text_and_the_editor_restores_it(self):
        from playwright.sync_api import expect

        page = self.page_for("zoe")
        page.goto(self.editor)
        # The session changed in another tab: the page's token no longer matches.
        page.evaluate("document.querySelector('form[data-autosave] [name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
        page.fill("#id_statement", "Words the site refused.")
        page.click("button[name=save]")
        expect(page.locator("h1")).to_have_text("Your form could not be sent")
        expect(page.locator(".sent-text")).to_have_value("Words the site refused.")
        self.shot(page, "csrf-failure")
        page.click("text=Back to the page")
        expect(page.locator("#id_statement")).to_have_value("Words the site refused.")
        expect(page.locator(".restored-notice")).to_contain_text("restored from this browser")
        expect(page.locator("[data-save-status]")).to_contain_text("Saved ")
        self.assertEqual(self.statement(), "Words the site refused.")

    def test_text_typed_while_the_server_is_down_comes_back(self):
        from playwright.sync_api import expect

        page = self.page_for("zoe")
        page.goto(self.editor)
        page.route("**/autosave/", lambda route: route.abort("connectionrefused"))
        page.fill("#id_statement", "Typed while the server was down.")
        expect(page.locator("[data-save-status]")).to_contain_text("cannot be reached")
        context = page.context
        page.close()  # the crash: the tab is gone, nothing reached the site
        self.assertEqual(self.statement(), "")
        page = context.new_page()
        page.goto(self.editor)
        expect(page.locator("#id_statement")).to_have_value("Typed while the server was down.")
        expect(page.locator("[data-save-status]")).to_contain_text("Saved ")
        self.assertEqual(self.statement(), "Typed while the server was down.")

    def test_add_more_evidence_keeps_the_text(self):
        from playwright.sync_api import expect

        page = self.page_for("zoe")
        page.goto(self.editor)
        page.fill("#id_statement", "Before looking for evidence.")
        page.click("button[name=add_evidence]")
        expect(page.locator(".messages")).to_contain_text("Draft saved")
        self.assertEqual(self.statement(), "Before looking for evidence.")
        page.click("text=Back to my draft")
        expect(page.locator("#id_statement")).to_have_value("Before looking for evidence.")

    def test_error_pages_screenshots(self):
        from playwright.sync_api import expect

        page = self.page_for("zoe")
        page.goto(self.live_server_url + reverse("classroom:assignment-allocate", args=[self.assignment.pk]))
        expect(page.locator("h1")).to_have_text("You cannot do this here")
        self.shot(page, "403")
        page.goto(self.live_server_url + "/no-such-page/")
        expect(page.locator("h1")).to_have_text("Page not found")
        self.shot(page, "404")
        # The 500 page as the server sends it, with the site's stylesheet.
        page.route("**/broken/", lambda route: route.fulfill(status=500, body=render_to_string("500.html")))
        page.goto(self.live_server_url + "/broken/")
        expect(page.locator("h1")).to_contain_text("Something went wrong")
        self.shot(page, "500")


class PhoneLayoutInChromium(ClassroomInChromium):
    """At 375 px: the question page's jump bar between sides, no sideways scrolling, and a
    form's first error brought into view and focused."""

    def phone(self):
        context = self.browser.new_context(viewport={"width": 375, "height": 740}, timezone_id="Europe/London")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    def test_the_question_page_jumps_between_sides_without_sideways_scrolling(self):
        from playwright.sync_api import expect

        for n in range(6):
            ArgumentFactory(position=self.continuity, claim=f"A long claim number {n} about the continuity of rule.")
        page = self.phone()
        page.goto(self.live_server_url + self.question.get_absolute_url())
        jump = page.locator(".side-jump")
        expect(jump).to_be_visible()
        expect(jump.locator("a")).to_have_count(2)
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 375)
        jump.locator("a").nth(1).click()
        expect(page).to_have_url(
            f"{self.live_server_url}{self.question.get_absolute_url()}#position-{self.discontinuity.slug}"
        )
        # The bar stays in view while the second side is read.
        self.assertGreater(page.evaluate("window.scrollY"), 300)
        self.assertGreaterEqual(jump.bounding_box()["y"], -1)
        DraftsSurviveInChromium.shot(self, page, "phone-question-375")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(settings.BASE_DIR) / "screenshots" / "writing-phone-question-375-top.png"))

    def test_a_form_error_is_brought_into_view_and_focused(self):
        page = self.phone()
        page.goto(self.live_server_url + reverse("classroom:signup"))
        page.fill("#id_username", "newcomer")
        page.fill("#id_password1", PASSWORD)
        page.fill("#id_password2", PASSWORD)
        page.fill("#id_code", "NOPE1234")
        page.click("main button[type=submit]")
        page.wait_for_selector(".has-error")
        # form-errors.js is deferred: it runs after the page is parsed, so wait for its focus
        # (up to the page's timeout) rather than read it at once.
        page.wait_for_function("document.activeElement && document.activeElement.id === 'id_code'")
        self.assertEqual(page.evaluate("document.activeElement.id"), "id_code")
        box = page.locator("#id_code").bounding_box()
        self.assertTrue(0 <= box["y"] <= 740, box)


class TimezoneDetectedInChromium(ClassroomInChromium):
    def test_the_browsers_zone_is_detected_once_and_kept_after_logout(self):
        from playwright.sync_api import expect

        from historiography.classroom.models import Profile

        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(self.live_server_url + "/accounts/login/")
        page.fill("#id_username", "teacher")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        expect(page.locator("[data-timezone-link]")).to_have_text("Asia/Tokyo")
        self.assertEqual(Profile.objects.get(user=self.instructor).timezone, "Asia/Tokyo")
        page.click("text=Log out teacher")
        page.goto(self.live_server_url + "/accounts/login/")
        page.fill("#id_username", "teacher")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        expect(page.locator("[data-timezone-link]")).to_have_text("Asia/Tokyo")
        expect(page.locator("form[data-detect-timezone]")).to_have_count(0)


class AdminFitsInChromium(ClassroomInChromium):
    def test_the_question_editor_fits_1280_px_with_labelled_position_fields(self):
        from playwright.sync_api import expect

        User.objects.create_user("ed", password=PASSWORD, is_staff=True, is_superuser=True)
        page = self.page_for(None)
        page.goto(self.live_server_url + "/admin/login/")
        page.fill("#id_username", "ed")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.goto(self.live_server_url + f"/admin/historiography/question/{self.question.pk}/change/")
        expect(page.locator("label[for=id_positions-0-label]")).to_be_visible()
        expect(page.locator("label[for=id_positions-0-standing_note]")).to_be_visible()
        self.assertLessEqual(page.evaluate("document.documentElement.scrollWidth"), 1280)
        DraftsSurviveInChromium.shot(self, page, "admin-question-1280")
