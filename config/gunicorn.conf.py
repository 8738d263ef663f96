"""Gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Sync workers: the pages are short and CPU-bound (rendering), so one request per process
is simplest and, with persistent database connections (CONN_MAX_AGE), each worker keeps
one PostgreSQL connection. Every value can be overridden from the environment.
"""

import multiprocessing
import os

from gunicorn.http import wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Gunicorn's rule of thumb, (2 x cores) + 1: a worker waiting on PostgreSQL or Redis
# leaves its core to another.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 10
# Load the app once in the master and fork: workers share its memory until they write.
preload_app = True
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")


def _without_server_banner(default_headers):
    """Gunicorn has no setting for its `Server: gunicorn` header: drop the line, so a
    response does not name the server software for a scanner to look up."""

    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


wsgi.Response.default_headers = _without_server_banner(wsgi.Response.default_headers)
