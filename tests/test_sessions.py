"""Sessions live in the cache (Redis in production) with the database behind them
(historiography/sessions.py): read from the cache, written to both, so a flushed or absent
Redis logs nobody out."""

from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .base import BaseTestCase


class SessionTests(BaseTestCase):
    def test_sessions_live_in_the_cache_with_the_database_behind_them(self):
        client = Client()
        client.post(reverse("login"), {"username": "student", "password": self.password})
        url = reverse("classroom:course-list")
        client.get(url)
        with CaptureQueriesContext(connection) as ran:
            self.assertEqual(client.get(url).status_code, 200)
        self.assertFalse([q for q in ran.captured_queries if "django_session" in q["sql"]])
        caches["sessions"].clear()  # Redis flushed, or restarted empty
        response = client.get(url)
        self.assertEqual(response.status_code, 200)  # still logged in: read back from the database
        self.assertContains(response, "Log out student<")

    def test_logging_out_ends_the_session_in_the_cache_too(self):
        client = Client()
        client.force_login(self.student)
        session_key = client.cookies["sessionid"].value
        client.post(reverse("logout"))
        stale = Client()
        stale.cookies["sessionid"] = session_key
        self.assertEqual(stale.get(reverse("classroom:course-list")).status_code, 302)


def redis_reachable(url="redis://127.0.0.1:6379/13"):
    try:
        import redis

        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        return False


REDIS_SESSIONS = {
    "BACKEND": "config.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:6379/13",
    "KEY_PREFIX": "test-sessions",
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}


class RedisCacheBackendTests(BaseTestCase):
    """config/cache.py: Django's Redis backend, reusing one redis-py client per pool."""

    def test_it_reuses_its_client_and_still_reads_and_writes(self):
        if not redis_reachable():
            self.skipTest("no Redis on 127.0.0.1:6379 (CI has one)")
        with override_settings(CACHES={"default": REDIS_SESSIONS}):
            redis_cache = caches.create_connection("default")
            client = redis_cache._cache.get_client()
            self.assertIs(redis_cache._cache.get_client(write=True), client)
            redis_cache.set("reused", "yes", 30)
            self.assertEqual(redis_cache.get_many(["reused", "absent"]), {"reused": "yes"})
            self.assertIs(redis_cache._cache.get_client(), client)
            redis_cache.delete("reused")


class RedisSessionTests(BaseTestCase):
    def caches_with_sessions_at(self, sessions):
        from django.conf import settings

        return override_settings(
            CACHES={**settings.CACHES, "sessions": sessions}, SESSION_ENGINE="historiography.sessions"
        )

    def test_sessions_survive_a_redis_flush(self):
        if not redis_reachable():
            self.skipTest("no Redis on 127.0.0.1:6379 (CI has one)")
        with self.caches_with_sessions_at(REDIS_SESSIONS):
            client = Client()
            client.post(reverse("login"), {"username": "student", "password": self.password})
            url = reverse("classroom:course-list")
            self.assertEqual(client.get(url).status_code, 200)
            session_key = client.cookies["sessionid"].value
            sessions = caches["sessions"]
            self.assertIsNotNone(sessions.get(f"django.contrib.sessions.cached_db{session_key}"))
            sessions.clear()  # FLUSHDB
            response = client.get(url)
            self.assertContains(response, "Log out student<")
            # read back from the database, and into Redis again
            self.assertIsNotNone(sessions.get(f"django.contrib.sessions.cached_db{session_key}"))
            sessions.clear()

    def test_a_redis_that_is_down_costs_a_database_read_not_a_failure(self):
        client = Client()
        client.force_login(self.student)
        with self.caches_with_sessions_at({**REDIS_SESSIONS, "LOCATION": "redis://127.0.0.1:1/0"}):
            with self.assertLogs("historiography.sessions", "ERROR"):
                response = client.get(reverse("classroom:course-list"))
        self.assertContains(response, "Log out student<")

    def test_logging_out_while_redis_is_down_ends_the_session_in_the_database(self):
        from django.contrib.sessions.models import Session

        client = Client()
        client.force_login(self.student)
        session_key = client.cookies["sessionid"].value
        with self.caches_with_sessions_at({**REDIS_SESSIONS, "LOCATION": "redis://127.0.0.1:1/0"}):
            with self.assertLogs("historiography.sessions", "ERROR"):
                response = client.post(reverse("logout"))
            self.assertEqual(response.status_code, 302)
            self.assertFalse(Session.objects.filter(session_key=session_key).exists())
            # and logging in again, which asks whether a new session key is taken, works too
            with self.assertLogs("historiography.sessions", "ERROR"):
                response = client.post(reverse("login"), {"username": "student", "password": self.password})
            self.assertEqual(response.status_code, 302)
