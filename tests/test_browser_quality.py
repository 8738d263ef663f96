"""Every page type in a real browser (Debian's Chromium through Playwright), at 375 px and
1280 px: no console or page errors, no axe-core violation of WCAG 2.1 A/AA or of its
heading-order rule, an outline with every <article> headed and no level skipped, no horizontal
overflow on a phone, and no Nu HTML Checker error (nor its "lacks heading" warning) in the
HTML the server sends. Full-page
screenshots go to screenshots/<page>-<width>.png for a human to look at. A second test
uses the submission editor with the keyboard alone.

axe-core and the checker's jar come from package.json (`make install` runs `npm ci`).
Skipped, with the reason, only when Chromium or Java is missing."""

import json
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from historiography.classroom import services
from historiography.classroom.models import Allocation, Submission
from historiography.classroom.notifications import unsubscribe_token
from historiography.models import Argument, ArgumentRelation, Historian, Question, School, Topic, Work

from .chromium import ChromiumTestCase
from .fictional import FICTIONAL_TOPIC, import_topics

pytestmark = pytest.mark.browser

BASE_DIR = Path(settings.BASE_DIR)
FIXTURE = BASE_DIR / "fixtures" / "stalinism.json"
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = BASE_DIR / "screenshots"
WIDTHS = (375, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "a long enough demo password"
# The page's outline as a reader of headings meets it: every <article> (an argument card, a
# board card) has a heading of its own, and no heading skips a level below the one before.
OUTLINE_PROBLEMS = """() => {
    const problems = [];
    const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
    document.querySelectorAll("article").forEach(article => {
        if (!article.querySelector("h1, h2, h3, h4, h5, h6")) {
            problems.push(`<article id="${article.id}" class="${article.className}"> has no heading`);
        }
    });
    headings.slice(1).forEach((heading, n) => {
        const before = Number(headings[n].tagName[1]), level = Number(heading.tagName[1]);
        if (level > before + 1) {
            problems.push(`heading level skipped: h${before} then h${level} "${heading.textContent.trim().slice(0, 60)}"`);
        }
    });
    return problems;
}"""
# The checker's warnings that are outline faults (it reports them as warnings, not errors).
VNU_OUTLINE_WARNINGS = ("lacks heading",)


class BrowserTestCase(ChromiumTestCase):
    """One Chromium for the class; the dataset and a small classroom for each test."""

    fixtures = [FIXTURE]

    @classmethod
    def missing_requirement(cls):
        if not shutil.which("java"):
            return "Java is not installed: the Nu HTML Checker needs it (apt-get install -y default-jre-headless)"
        return super().missing_requirement()

    def setUp(self):
        self.assertTrue(AXE.exists() and VNU.exists(), "axe-core or vnu-jar is missing: run `make install` (npm ci)")
        import_topics(FICTIONAL_TOPIC)  # a second, made-up topic beside Stalinism
        now = timezone.now()
        self.question = Question.objects.published().get(slug="lenin-stalin-continuity")
        self.instructor = self.user("irina", services.INSTRUCTOR)
        self.student = self.user("alex", services.STUDENT)  # submitted, feedback returned
        self.drafting = self.user("sasha", services.STUDENT)  # a draft with one piece of evidence
        self.editor = self.user("edith", services.EDITOR, is_staff=True)
        self.editor.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["historiography", "taggit"])
        )

        self.course = services.course_create(instructor=self.instructor, title="Soviet history seminar")
        for student in (self.student, self.drafting):
            services.course_join(student=student, code=self.course.join_code)
        self.assignment = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=self.question.positions.order_by("order")[:2],
            title="Continuity debate",
            instructions="Argue your side with the historians' own words.",
            evidence_minimum=1,
            opens_at=now - timedelta(hours=1),
            due_at=now + timedelta(days=7),
            allocation=Allocation.BY_HAND,
        )
        ours, theirs = self.assignment.positions.order_by("order")
        services.assignment_allocate(assignment=self.assignment, sides={self.student: ours, self.drafting: theirs})

        self.submitted = services.submission_start(assignment=self.assignment, student=self.student)
        for argument in Argument.objects.published().filter(position__in=[ours, theirs])[:2]:
            services.submission_cite(submission=self.submitted, argument=argument)
        self.submitted = services.submission_save(
            submission=self.submitted,
            version=self.submitted.version,
            statement="Lenin built the state Stalin inherited.",
            comments={},
            removed=set(),
        )
        self.submitted = services.submission_submit(submission=self.submitted)
        services.feedback_save(
            submission=self.submitted,
            author=self.instructor,
            comment="Answer Cohen next time.",
            grade="B+",
            release=True,
        )

        self.draft = services.submission_start(assignment=self.assignment, student=self.drafting)
        services.submission_cite(
            submission=self.draft, argument=Argument.objects.published().filter(position=theirs).first()
        )

        # A controversy in its swap phase: the pair's phase-1 cases submitted, anonymous board.
        self.controversy = services.assignment_create(
            course=self.course,
            question=self.question,
            positions=[ours, theirs],
            title="Continuity controversy",
            mode="controversy",
            evidence_minimum=1,
            allocation=Allocation.BY_HAND,
            peer_visibility="after_submitting",
            anonymous_peers=True,
            opens_at=now - timedelta(days=2),
            due_at=now - timedelta(days=1),
            swap_due_at=now + timedelta(days=1),
            consensus_due_at=now + timedelta(days=2),
            accept_late=True,
        )
        services.assignment_allocate(assignment=self.controversy, sides={self.student: ours, self.drafting: theirs})
        services.groups_form(assignment=self.controversy, size=2)
        for student, side in ((self.student, ours), (self.drafting, theirs)):
            case = services.submission_start(assignment=self.controversy, student=student)
            services.submission_cite(
                submission=case, argument=Argument.objects.published().filter(position=side).first()
            )
            case = services.submission_save(
                submission=case, version=case.version, statement=f"{side.label}: my case.", comments={}, removed=set()
            )
            services.submission_submit(submission=case)

    def user(self, username, role, is_staff=False):
        user = User.objects.create_user(
            username, f"{username}@example.org", PASSWORD, first_name=username.title(), is_staff=is_staff
        )
        services.user_add_role(user=user, role=role)
        return user

    def context_for(self, user, **options):
        """A browser context, logged in as `user` (None: anonymous) without the login form."""
        context = self.browser.new_context(**options)
        self.addCleanup(context.close)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}])
        return context


class EveryPageInChromium(BrowserTestCase):
    def pages(self):
        """(name, who, path, expected status[, submit]): every page type the site serves.
        With a submit button's selector, the page is the form sent back empty: its errors."""
        question = self.question
        topic = Topic.objects.published().first()
        argument = ArgumentRelation.objects.select_related("target").filter(target__status="published").first().target
        historian = Historian.objects.get(slug="stephen-f-cohen")
        work = Work.objects.get(slug="the-great-terror")
        # The audited dataset gives Cohen no school: then one of the question's schools.
        school = (
            historian.schools.first()
            or School.objects.of_arguments(Argument.objects.published().for_question(question)).first()
        )
        tag = argument.tags.first() or Argument.objects.published().filter(tags__isnull=False).first().tags.first()
        assignment, course, controversy = self.assignment.pk, self.course.pk, self.controversy.pk
        anon, instructor, student, drafting, editor = None, self.instructor, self.student, self.drafting, self.editor
        return [
            # Public
            ("home", anon, "/", 200),
            ("topic", anon, f"/topics/{topic.slug}/", 200),
            ("question", anon, f"/questions/{question.slug}/", 200),
            ("question-by-school", anon, f"/questions/{question.slug}/?group=school", 200),
            ("question-filtered", anon, f"/questions/{question.slug}/?school={school.slug}&role=historian", 200),
            ("question-estimates", anon, "/questions/death-toll/", 200),
            ("argument-list", anon, "/arguments/", 200),
            ("argument-list-filtered", anon, f"/arguments/?question={question.slug}&decade=1950", 200),
            ("argument-list-page-2", anon, "/arguments/?page=2", 200),
            ("argument", anon, argument.get_absolute_url(), 200),
            ("argument-in-context", anon, f"{argument.get_absolute_url()}context/", 200),
            ("historian-list", anon, "/historians/", 200),
            ("historian", anon, historian.get_absolute_url(), 200),
            ("school-list", anon, "/schools/", 200),
            ("school", anon, school.get_absolute_url(), 200),
            ("work", anon, work.get_absolute_url(), 200),
            ("tag-list", anon, "/tags/", 200),
            ("tag", anon, f"/tags/{tag.slug}/", 200),
            ("compare-schools", anon, "/compare/schools/", 200),
            ("compare-historians", anon, "/compare/historians/?historian=richard-pipes&historian=stephen-f-cohen", 200),
            ("timeline", anon, "/timeline/", 200),
            ("timeline-question", anon, f"/timeline/?question={question.slug}", 200),
            ("search", anon, "/search/?q=Lenin", 200),
            ("search-question", anon, "/search/?q=famine+genocide", 200),
            ("search-arguments-page-2", anon, "/search/?q=stalin&kind=argument&page=2", 200),
            ("search-none", anon, "/search/?q=zzyzxqv", 200),
            ("handout", anon, f"/questions/{question.slug}/handout/", 200),
            ("not-found", anon, "/no-such-page/", 404),
            # Accounts
            ("login", anon, "/accounts/login/", 200),
            ("login-errors", anon, "/accounts/login/", 200, "main button[type=submit]"),
            ("signup", anon, f"/accounts/signup/?code={self.course.join_code}", 200),
            ("signup-errors", anon, "/accounts/signup/", 200, "main button[type=submit]"),
            ("password-reset", anon, "/accounts/password_reset/", 200),
            ("password-change", student, "/accounts/password_change/", 200),
            # The made-up second topic (tests/data/fictional_topic.json)
            ("fictional-topic", anon, "/topics/velorian-republic/", 200),
            ("fictional-question", anon, "/questions/velorian-regent-amalric/", 200),
            ("fictional-estimates-only-question", anon, "/questions/velorian-emigration/", 200),
            ("fictional-schools-matrix", anon, "/compare/schools/?topic=velorian-republic", 200),
            ("fictional-timeline", anon, "/timeline/?topic=velorian-republic", 200),
            ("fictional-arguments", anon, "/arguments/?topic=velorian-republic", 200),
            # Classroom: the instructor
            ("instructor-classes", instructor, "/classes/", 200),
            ("instructor-course", instructor, f"/classes/{course}/", 200),
            ("instructor-new-course", instructor, "/classes/new/", 200),
            ("instructor-new-assignment", instructor, f"/classes/{course}/assignments/new/", 200),
            (
                "instructor-new-assignment-no-question",
                instructor,
                f"/classes/{course}/assignments/new/",
                200,
                "main button[type=submit]",
            ),
            (
                "instructor-new-assignment-sides",
                instructor,
                f"/classes/{course}/assignments/new/?question={question.pk}",
                200,
            ),
            (
                "instructor-new-assignment-errors",
                instructor,
                f"/classes/{course}/assignments/new/?question={question.pk}",
                200,
                "main button[type=submit]",
            ),
            ("instructor-assignment", instructor, f"/assignments/{assignment}/", 200),
            ("instructor-allocate", instructor, f"/assignments/{assignment}/allocate/", 200),
            ("instructor-board", instructor, f"/assignments/{assignment}/board/", 200),
            ("instructor-submission", instructor, f"/submissions/{self.submitted.pk}/", 200),
            ("instructor-edit-assignment", instructor, f"/assignments/{assignment}/edit/", 200),
            ("instructor-controversy", instructor, f"/assignments/{controversy}/", 200),
            ("instructor-groups", instructor, f"/assignments/{controversy}/groups/", 200),
            ("instructor-board-swap", instructor, f"/assignments/{controversy}/board/phase-2/", 200),
            ("instructor-board-consensus", instructor, f"/assignments/{controversy}/board/phase-3/", 200),
            ("instructor-student-page", instructor, f"/classes/{course}/students/{self.student.pk}/", 200),
            # Classroom: the students
            ("student-classes", drafting, "/classes/", 200),
            ("student-join", drafting, "/classes/join/", 200),
            ("student-assignments", drafting, "/assignments/", 200),
            ("student-assignment", drafting, f"/assignments/{assignment}/", 200),
            ("student-editor", drafting, f"/assignments/{assignment}/submission/", 200),
            ("student-assignment-graded", student, f"/assignments/{assignment}/", 200),
            ("student-submission", student, f"/submissions/{self.submitted.pk}/", 200),
            ("student-controversy", drafting, f"/assignments/{controversy}/", 200),
            ("student-swap-editor", drafting, f"/assignments/{controversy}/submission/phase-2/", 200),
            ("student-consensus-not-open", drafting, f"/assignments/{controversy}/submission/phase-3/", 200),
            ("student-board-anonymous", drafting, f"/assignments/{controversy}/board/phase-1/", 200),
            # Onboarding and notifications
            ("teach-signup", anon, "/accounts/teach/", 200),
            ("teach-signup-errors", anon, "/accounts/teach/", 200, "main button[type=submit]"),
            ("verify-email-bad-link", anon, "/accounts/verify/not-a-token/", 400),
            ("student-notifications", student, "/notifications/", 200),
            ("instructor-notification-settings", instructor, "/notifications/settings/", 200),
            ("unsubscribe", anon, f"/notifications/unsubscribe/{unsubscribe_token(self.student.pk, 'due_soon')}/", 200),
            # Admin
            ("admin-login", anon, "/admin/login/", 200),
            ("admin-index", editor, "/admin/", 200),
            # The site's own error pages
            ("error-404", anon, "/no-such-page/", 404),
            ("error-403", student, f"/assignments/{assignment}/allocate/", 403),
        ]

    def test_every_page_is_clean_at_both_widths(self):
        SCREENSHOTS.mkdir(exist_ok=True)
        html_dir = Path(tempfile.mkdtemp(prefix="vnu-"))
        self.addCleanup(shutil.rmtree, html_dir, ignore_errors=True)
        problems = []
        browser_pages = {}  # one context and page per user, reused

        for name, user, path, status, *submit in self.pages():
            if user not in browser_pages:
                context = self.context_for(user)
                # An init script goes in through the DevTools protocol, so the site's strict
                # CSP (which would refuse an injected <script>) stays on, and its violations
                # still show as console errors.
                context.add_init_script(path=AXE)
                page = context.new_page()
                page.set_default_timeout(30_000)  # generous: CI machines are shared
                page.errors = []
                page.on("console", lambda message, page=page: message.type == "error" and page.errors.append(message))
                page.on("pageerror", lambda error, page=page: page.errors.append(error))
                browser_pages[user] = page
            page = browser_pages[user]
            url = self.live_server_url + path
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.errors.clear()
                response = page.goto(url, wait_until="load")
                if submit:
                    page.evaluate("document.querySelectorAll('form').forEach(form => form.noValidate = true)")
                    with page.expect_navigation(wait_until="load") as navigation:
                        page.click(submit[0])
                    response = navigation.value
                where = f"{name} @{width}px ({path})"
                if response.status != status:
                    problems.append(f"{where}: HTTP {response.status}, expected {status}")
                if width == WIDTHS[-1]:
                    (html_dir / f"{name}.html").write_bytes(response.body())
                for error in page.errors:
                    text = getattr(error, "text", None)
                    if text is None:
                        problems.append(f"{where}: page error: {error}")
                    # The 404 page's own status is logged as a console error; that one is expected.
                    elif not (status != 200 and error.location.get("url") == url and f"status of {status}" in text):
                        problems.append(f"{where}: console error: {text} at {error.location.get('url')}")
                # With every <details> open (the filter forms), then as they were for the screenshot.
                violations = page.evaluate(
                    """async tags => {
                        const closed = [...document.querySelectorAll("details:not([open])")];
                        closed.forEach(d => d.open = true);
                        const result = await axe.run(document, {
                            runOnly: {type: "tag", values: tags},
                            // Best practice, outside the WCAG tags: a heading one level below the last.
                            rules: {"heading-order": {enabled: true}},
                            resultTypes: ["violations"],
                        });
                        closed.forEach(d => d.open = false);
                        return result.violations.map(v => ({id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(" "))}));
                    }""",
                    AXE_TAGS,
                )
                for violation in violations:
                    for target in violation["targets"]:
                        problems.append(f"{where}: axe {violation['id']} ({violation['help']}): {target}")
                if width == WIDTHS[-1]:
                    problems += [f"{where}: {problem}" for problem in page.evaluate(OUTLINE_PROBLEMS)]
                if width == WIDTHS[0]:
                    overflow = page.evaluate(
                        """() => document.documentElement.scrollWidth > window.innerWidth
                            ? [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""))
                            : null"""
                    )
                    if overflow is not None:
                        problems.append(f"{where}: wider than the screen; elements past the right edge: {overflow}")
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True, timeout=60_000)

        problems += self.nu_html_checker_errors(html_dir)
        self.assertFalse(problems, f"{len(problems)} problems:\n" + "\n".join(problems))

    def nu_html_checker_errors(self, html_dir):
        """The Nu HTML Checker over every page's HTML at once (one JVM start): its errors,
        and its warnings of an <article> or <section> without a heading."""
        files = sorted(html_dir.glob("*.html"))
        result = subprocess.run(
            ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(result.stderr or result.stdout)
        return [
            f"{Path(m.get('url', '?')).stem}: vnu line {m.get('lastLine', '?')}: {m['message']} [{(m.get('extract') or '').strip()[:100]}]"
            for m in report["messages"]
            if m["type"] in ("error", "non-document-error")
            or (m.get("subType") == "warning" and any(w in m["message"] for w in VNU_OUTLINE_WARNINGS))
        ]


class SubmissionEditorByKeyboard(BrowserTestCase):
    def focused(self, page):
        return page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
                return {id: e.id, name: e.getAttribute("name"), tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
                        outline: s.outlineStyle, outlineWidth: s.outlineWidth}; }"""
        )

    def tab_to(self, page, matches, limit=80, key="Tab"):
        """Presses Tab (or `key`) until the focused element matches and shows its focus;
        fails after `limit` presses."""
        for _ in range(limit):
            page.keyboard.press(key)
            focused = self.focused(page)
            if matches(focused):
                self.assertNotEqual(focused["outline"], "none", f"no visible focus on {focused}")
                self.assertNotEqual(focused["outlineWidth"], "0px", f"no visible focus on {focused}")
                return focused
        self.fail(f"Tab never reached the element; last focused: {self.focused(page)}")

    def test_a_student_writes_and_saves_a_draft_with_the_keyboard_alone(self):
        citation = self.draft.citations.get()
        page = self.context_for(self.drafting, viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{self.live_server_url}/assignments/{self.assignment.pk}/submission/")

        # The first Tab shows the skip link; Enter takes focus past the header to the content.
        skip = self.tab_to(page, lambda f: True, limit=1)
        self.assertEqual(skip["text"], "Skip to content")
        box = page.locator(".skip-link").bounding_box()
        self.assertGreaterEqual(box["x"], 0, "the focused skip link is off screen")
        page.keyboard.press("Enter")
        self.assertEqual(self.focused(page)["id"], "main")

        self.tab_to(page, lambda f: f["id"] == "id_statement")
        page.keyboard.type("Stalin broke with Lenin's NEP; Bukharin shows the road not taken.")
        self.tab_to(page, lambda f: f["name"] == f"comment_{citation.pk}")
        page.keyboard.type("Cohen's Bukharin is my main evidence.")
        # Back to the statement with Shift+Tab, then forward past the comment to Save.
        self.tab_to(page, lambda f: f["id"] == "id_statement", key="Shift+Tab")
        self.tab_to(page, lambda f: f["name"] == "save")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.assertIn("Draft saved", page.locator(".messages").inner_text())

        draft = Submission.objects.get(pk=self.draft.pk)
        self.assertEqual(draft.statement, "Stalin broke with Lenin's NEP; Bukharin shows the road not taken.")
        self.assertEqual(draft.status, "draft")
        citation.refresh_from_db()
        self.assertEqual(citation.comment, "Cohen's Bukharin is my main evidence.")


class ApiDocsInChromium(ChromiumTestCase):
    """/api/docs/ once Swagger UI has drawn it, with an endpoint opened: an outline that
    skips no level (axe's heading-order, which Lighthouse runs too) and one main landmark."""

    RULES = ["heading-order", "landmark-no-duplicate-main", "landmark-main-is-top-level", "landmark-unique"]
    OPERATION = "#operations-arguments-arguments_list"

    def open_docs(self, width=1280):
        """/api/docs/ drawn, with the argument list's endpoint opened; and the list that
        collects the page's console errors."""
        self.assertTrue(AXE.exists(), "axe-core is missing: run `make install` (npm ci)")
        context = self.browser.new_context(viewport={"width": width, "height": 900})
        self.addCleanup(context.close)
        context.add_init_script(path=AXE)
        page = context.new_page()
        errors = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(self.live_server_url + "/api/docs/", wait_until="load")
        page.wait_for_selector("h3.opblock-tag", timeout=30_000)
        page.click(f"{self.OPERATION} .opblock-summary-control")
        page.wait_for_selector(f"{self.OPERATION} .parameters", timeout=30_000)
        return page, errors

    def test_every_axe_rule_passes_before_and_after_trying_an_endpoint(self):
        """All of axe's rules, not only the outline's: Swagger UI's own markup nested a link
        in each endpoint's button, left its description outside a landmark, an example's
        scrolling <pre> out of keyboard reach, a list of values unnamed and its buttons
        short of contrast (static/js/api-docs.js, static/css/api-docs.css)."""
        axe_all = """async () => (await axe.run(document)).violations.map(
            v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "))"""
        for width in (1280, 375):
            with self.subTest(width=width):
                page, errors = self.open_docs(width)
                self.assertEqual(page.evaluate(axe_all), [])
                self.assertTrue(page.url.endswith("#/arguments/arguments_list"), page.url)  # deep links still set
                page.click(f"{self.OPERATION} .try-out__btn")
                role = page.locator(self.OPERATION).get_by_label("role", exact=False)  # the list of values has a name
                role.select_option("historian")
                page.click(f"{self.OPERATION} .execute")
                page.wait_for_selector(f"{self.OPERATION} .live-responses-table", timeout=30_000)
                self.assertIn(
                    '"results"', page.locator(f"{self.OPERATION} .response-col_description pre").first.inner_text()
                )
                self.assertEqual(page.evaluate(axe_all), [])
                self.assertEqual(errors, [])

    def test_swagger_ui_headings_follow_in_order(self):
        page, errors = self.open_docs()

        headings = page.evaluate("() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => h.tagName)")
        self.assertEqual(headings[:4], ["H1", "H1", "H2", "H3"])  # the page, the API's title, Endpoints, a tag
        self.assertEqual(page.evaluate(OUTLINE_PROBLEMS), [])
        result = page.evaluate(
            """async rules => {
                const result = await axe.run(document, {runOnly: {type: "rule", values: rules}});
                return {violations: result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")),
                        passes: result.passes.map(v => v.id)};
            }""",
            self.RULES,
        )
        self.assertEqual(result["violations"], [])
        self.assertIn("heading-order", result["passes"])  # it ran, and found headings to check
        self.assertEqual(errors, [])
        # SWAGGER_UI_SETTINGS replaces drf-spectacular's plugin list, which is empty only
        # while the API has no authentication.
        self.assertEqual(page.evaluate("() => schemaAuthNames"), [], "keep drf-spectacular's plugins beside ours")
