"""The one way the browser tests start Debian's Chromium through Playwright, beside a
live server. Skipped, with the reason, when Chromium (or a tool a subclass needs) is
missing; `.ci/run` installs Chromium."""

import os
import unittest
from pathlib import Path

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class ChromiumTestCase(StaticLiveServerTestCase):
    """One Chromium for the class, in `cls.browser`."""

    # Each test empties the database after itself; restore what the migrations create
    # (the role groups) before the next one.
    serialized_rollback = True

    @classmethod
    def missing_requirement(cls) -> str | None:
        """Why the class cannot run here, or None. Subclasses add their own tools."""
        if not CHROMIUM.exists():
            return "Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)"
        return None

    @classmethod
    def setUpClass(cls):
        reason = cls.missing_requirement()
        if reason:
            raise unittest.SkipTest(reason)
        # Playwright's sync API runs an event loop in this thread; the ORM calls in the
        # tests themselves are synchronous and safe.
        cls._async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from django.db import connections
        from playwright.sync_api import sync_playwright

        # Playwright's loop gives this thread new connection objects (asgiref's
        # context-local storage) without the copy of the migrated database that
        # serialized_rollback restores from: hand it over.
        serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
        cls.playwright = sync_playwright().start()
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        cls.browser = cls.playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        if cls._async_unsafe is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = cls._async_unsafe
