"""Sessions in the cache with the database behind them: Django's cached_db, made to
survive a Redis that is down as the page cache does (historiography/cache.py).

Django's cached_db already reads from the database when the cache fails, and logs a failed
write to the cache; but after such a read it stores the session back into the cache
unguarded, so with Redis down every logged-in request would fail. Here that write is
guarded too: while Redis is down, sessions are read from the database.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.exception("Session cache unavailable")
            data = None
        if data is not None:
            return data
        session = self._get_session_from_db()
        if session is None:
            return {}
        data = self.decode(session.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=session.expire_date))
        except Exception:
            logger.exception("Session cache unavailable")
        return data
