"""A read replica for the public pages (README, "Running several app servers").

With DATABASE_REPLICA_URL set, the pages anonymous readers request with GET — the public
scholarship, the bulk of the traffic and the part that tolerates a second of replication
lag — read from the replica. Everything else reads from the primary: logged-in users (a
student reads back the draft they just saved), POSTs, the admin and the classroom, so a
read that must see a write (made in a POST, by a logged-in user) is never on the replica.
Writes and migrations always go to the primary.
"""

import contextvars

from django.urls import Resolver404, resolve

from historiography.cache import is_public_page, may_use_cache

REPLICA = "replica"
_read_replica = contextvars.ContextVar("read_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _read_replica.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


def reads_from_replica(request) -> bool:
    """An anonymous GET of a public page (the requests the page cache may answer)."""
    if not may_use_cache(request):
        return False
    try:
        return is_public_page(resolve(request.path_info).view_name)
    except Resolver404:
        return False


class ReplicaReadsMiddleware:
    """Marks the requests whose reads go to the replica, for ReplicaRouter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _read_replica.set(reads_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _read_replica.reset(token)
