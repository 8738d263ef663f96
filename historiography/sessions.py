"""Sessions in the cache with the database behind them: Django's cached_db, made to
survive a Redis that is down as the page cache does (historiography/cache.py).

Django's cached_db already reads from the database when the cache fails, and logs a failed
write to the cache; but after such a read it stores the session back into the cache
unguarded, so with Redis down every logged-in request would fail; and it asks the cache
unguarded whether a new key is taken (every login) and deletes unguarded (every logout).
Here every call to the cache is guarded: while Redis is down, sessions are read, created
and deleted in the database alone.

What that leaves: a logout while Redis is unreachable but not emptied (a network split,
not a restart) deletes the database row but not the cached copy, which lives on until
its expiry; the browser has dropped the cookie, so only someone who had copied it could
use it meanwhile. Failing the logout instead would not delete the copy either.
"""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore

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

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.exception("Session cache unavailable")
        return DBStore.exists(self, session_key)

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.exception("Session cache unavailable")
