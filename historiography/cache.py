"""Whole-page caching of the public pages for anonymous readers, in the shared cache.

What is cached: the HTML (and API JSON) of the public pages (`is_public_page`), for GET
requests that carry neither a session cookie nor a messages cookie — anonymous readers
with nothing pending to show. Everyone else (logged in, or an anonymous visitor who set a
time zone, which lives in the session) goes through the view as usual. A response is kept
only when it is a plain 200 that sets no cookie, used no CSRF token and showed no message
(the filters report bad values with `django.contrib.messages`), so a page made for one
visitor is never served to another.

The middleware sits right after SecurityMiddleware and WhiteNoise: HTTPS redirects and
security headers still apply to every hit, while a hit skips sessions, authentication,
CSRF, messages and the view. The headers the inner middleware added (CSP, X-Frame-Options,
Vary) are kept with the page. The cache key is the absolute URL with its query string and
the Accept header (the API negotiates on it); the cookies that the pages vary on are the
ones whose presence bypasses the cache.

Invalidation: one *generation* token in the cache, stored alongside every page. A page
whose generation is not the current one is a miss, so replacing the token drops every
page at once, in one write, on every app server sharing the cache. Whole-site rather
than per-object invalidation because any change shows on many pages (an argument appears
on its question, the lists, its historian, school, work and tags, the comparisons, the
timeline, search and the API), editors write rarely, and a page costs milliseconds to
rebuild. A request records the generation before it reads the database and stores its
page under that one, so a page rendered from data that a concurrent write has since
replaced is never taken for current.

The token is replaced after every committed write to the scholarship. Model signals
(post_save, post_delete, m2m_changed, connected in `apps.py`) are the one hook that every
ORM write path passes through — admin forms and inlines, list_editable, delete cascades,
`loaddata`, the shell — so no write path can forget. The house style keeps business
logic out of signals; this is infrastructure: the receiver decides nothing about the
domain and writes nothing to the database, it only schedules `invalidate_public_pages()`
for when the transaction commits (once per transaction). Writes that send no signals
(`QuerySet.update()`, `bulk_create()`, raw SQL) call `invalidate_public_pages()` themselves,
as the admin's publish/unpublish actions do; `PAGE_CACHE_SECONDS` bounds anything missed.

With a read replica (config/routers.py) a page rendered in the first seconds after a write
may come from a replica that has not replayed it yet, so pages are not stored until
DATABASE_REPLICA_LAG_SECONDS have passed since the last invalidation.

Correct invalidation across processes needs a shared cache, so the page cache is on by
default only when `REDIS_URL` is set and `DEBUG` is off (see settings).

Logged-in readers (SharedPageMiddleware, further in, after authentication, CSRF and the
time zone): they get the same shared copy of a public page, with only the part of it that
depends on the user — the header's account links (name, unread count, Admin link, time
zone, the log-out form's CSRF token) — rendered for each request. The shared copy is
rendered *as an anonymous reader* (request.user swapped for AnonymousUser, the default
time zone), with an unguessable marker in place of the account links, so nothing of the
user who happened to trigger the render can get into it, whatever a template reads; the
marker is replaced per request, after the copy is stored. Staff never share it: editors
see drafts, and their pages are neither served from nor stored into the cache (the views
mark them `private, no-store`). Nor does a visitor with messages waiting, so that they see
them. Every response to a logged-in user stays `private, no-store`
(SecurityHeadersMiddleware). This middleware also renders every miss of the outer one, so
an anonymous page and a logged-in one come from the same render.

Gzip for logged-in readers too: the shared copy is kept as two raw deflate streams, the
part before the marker (ended with a sync flush, so more may follow) and the part after
it, each with its CRC-32. A hit compresses only its own account links (a few hundred
bytes) and joins the three into one gzip member, its CRC combined from the parts' rather
than computed over the page; the page itself is never recompressed per request. The
links are compressed on their own, so no compression back-reference joins them to text a
URL put into the page; and their CSRF token is masked afresh for each response (Django),
so response sizes cannot spell it out (BREACH).

No stampede: when a page is missing or stale (an editor's change replaced the generation),
the request that takes a lock in the cache (`cache.add`, with a timeout in case it dies)
renders it; the others meanwhile get the previous copy, or with none to give, wait for
the new one for up to LOCK_WAIT_SECONDS before rendering it themselves.
"""

import gzip
import hashlib
import logging
import re
import time
import uuid
import zlib

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

from .apps import scholarship_models

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
# The format of the entries: a new one when it changes, since during a rolling deploy old
# and new app servers share the cache.
PAGE_KEY_PREFIX = "public-pages:v2:"
# The shared copies with the marker in place of the account links (SharedPageMiddleware).
SHARED_KEY_PREFIX = "public-pages:shared-v2:"
ACCOUNT_LINKS_TEMPLATE = "includes/_account_links.html"
# A render taking longer than this (or a process dying mid-render) lets another request
# take over; meanwhile the others wait at most LOCK_WAIT_SECONDS when they have no
# earlier copy to serve.
LOCK_SECONDS = 30
LOCK_WAIT_SECONDS = 3.0
LOCK_POLL_SECONDS = 0.05
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

# The pages served from the cache: every page of the scholarship's URL namespace (the
# classroom has its own, `classroom`, and the accounts pages Django's), and the whole
# read-only API except its schema and docs. A new public page is cached by being routed.
PUBLIC_NAMESPACES = ("historiography", "api")
UNCACHED_API_PAGES = {"api:schema", "api:docs"}


def is_public_page(view_name: str) -> bool:
    namespace, _, _ = view_name.rpartition(":")
    return namespace in PUBLIC_NAMESPACES and view_name not in UNCACHED_API_PAGES


def _new_generation() -> str:
    return f"{uuid.uuid4().hex}:{time.time():.3f}"


def _settled(generation: str) -> bool:
    """False for a few seconds after a write when pages read from a replica: a page
    rendered from a replica that has not caught up yet must not be stored as current."""
    if not settings.DATABASE_REPLICA_URL:
        return True
    return time.time() - float(generation.rpartition(":")[2] or 0) > settings.DATABASE_REPLICA_LAG_SECONDS


def invalidate_public_pages() -> None:
    """Drops every cached page, on every server sharing the cache (a new generation)."""
    try:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception:  # the cache being down must not fail an editor's save
        logger.exception("Could not invalidate the page cache")


def schedule_invalidation(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Invalidates once the current transaction commits (at once outside one); a
    transaction that writes a thousand rows schedules it once."""
    connection = connections[using]
    if connection.in_atomic_block and any(func is invalidate_public_pages for _, func, _ in connection.run_on_commit):
        return
    transaction.on_commit(invalidate_public_pages, using=using)


def scholarship_changed(sender, using=DEFAULT_DB_ALIAS, action="post_", **kwargs):
    """Receiver for post_save, post_delete and m2m_changed on the scholarship models."""
    if action.startswith("post_"):
        schedule_invalidation(using=using)


def connect_invalidation() -> None:
    """Called from AppConfig.ready(), so management commands invalidate too."""
    # The models the public pages show (historiography.apps): classroom writes (students
    # saving drafts) never invalidate, nor do users or sessions.
    for model in scholarship_models():
        label = model._meta.label
        post_save.connect(scholarship_changed, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(scholarship_changed, sender=model, dispatch_uid=f"page-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                scholarship_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"page-cache-m2m-{label}-{field.name}",
            )


def _current_generation(found: dict) -> str:
    generation = found.get(GENERATION_KEY)
    if generation is None:  # first request after the cache was emptied
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _page_key(request, prefix=PAGE_KEY_PREFIX) -> str:
    identity = f"{request.build_absolute_uri()}\n{request.META.get('HTTP_ACCEPT', '')}"
    return prefix + hashlib.sha256(identity.encode()).hexdigest()


def may_use_cache(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _may_store(request, response, *, used_csrf_token=None) -> bool:
    messages = getattr(request, "_messages", None)
    cache_control = response.get("Cache-Control", "")
    if used_csrf_token is None:
        used_csrf_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not used_csrf_token
        and not (messages is not None and (messages.used or messages.added_new))
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def _cached_response(request, status, headers, compressed):
    """Pages are kept gzipped: a fifth of the bytes to move out of Redis, and sent as they
    are to the browsers that accept gzip (all of them); inflated for the others."""
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(compressed, status=status)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), status=status)
    for header, value in headers:
        response[header] = value
    response["Content-Length"] = len(response.content)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


class PublicPageCacheMiddleware:
    """Serves and stores the public pages for anonymous readers (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not may_use_cache(request):
            return self.get_response(request)
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return self.get_response(request)
        if not is_public_page(view_name):
            return self.get_response(request)

        key = _page_key(request)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = _current_generation(found)
        except Exception:  # serve the page uncached rather than fail while the cache is down
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _cached_response(request, *entry[1:])

        response = self.get_response(request)
        # An earlier copy served while another request renders the page is not current.
        stale = getattr(request, "served_stale_page", False)
        if not stale and _may_store(request, response) and _settled(generation):
            headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
            entry = (
                generation,
                response.status_code,
                headers,
                gzip.compress(response.content, compresslevel=1, mtime=0),
            )
            try:
                cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("Page cache unavailable")
        return response


def account_links_marker() -> str:
    """What stands in for the account links in a shared copy: an HTML comment keyed on
    SECRET_KEY, so no text a visitor gets into a page can pass for it."""
    return f"<!--account-links {salted_hmac('page-cache-account-links', 'marker').hexdigest()[:24]}-->"


def shared_page(request):
    """Context processor: the marker, on a page rendered for the shared cache (base.html
    then leaves out the account links)."""
    if getattr(request, "renders_shared_page", False):
        return {"account_links_marker": mark_safe(account_links_marker())}
    return {}


def _shares_pages(request) -> bool:
    """Whether this visitor may be served the shared copy: anyone but staff (editors see
    drafts) and visitors with messages waiting (a cached page would not show them)."""
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META or request.user.is_staff:
        return False
    return not len(get_messages(request))  # from the messages cookie and the session


def _with_own_links(request, body: bytes) -> bytes:
    """A shared copy with this request's own account links in place of the marker."""
    marker = account_links_marker().encode()
    if marker not in body:  # the API's JSON, a CSV
        return body
    return body.replace(marker, _own_links(request), 1)


def _own_links(request) -> bytes:
    return render_to_string(ACCOUNT_LINKS_TEMPLATE, request=request).strip().encode()


# CRC-32 of a concatenation from the CRCs of its parts, as zlib's crc32_combine (which
# Python does not expose): polynomial arithmetic modulo the CRC's, reflected.
CRC_POLY = 0xEDB88320


def _crc_multiply(a: int, b: int) -> int:
    product, bit = 0, 1 << 31
    while bit:
        if a & bit:
            product ^= b
        bit >>= 1
        b = (b >> 1) ^ CRC_POLY if b & 1 else b >> 1
    return product


def _crc_shift(length: int) -> int:
    """x^(8 * length) modulo the polynomial: what a CRC is multiplied by when `length`
    bytes follow it. Computed once per stored page, for the part after the marker."""
    power, square = 1 << 31, 1 << 30  # x^0, x^1
    n = 8 * length
    while n:
        if n & 1:
            power = _crc_multiply(square, power)
        square = _crc_multiply(square, square)
        n >>= 1
    return power


def _deflate(data: bytes, *, last: bool, small: bool = False) -> bytes:
    # A small window and little memory for the few hundred bytes of account links: setting
    # up the full-size compressor costs more than compressing them.
    compressor = zlib.compressobj(1, zlib.DEFLATED, -9 if small else -zlib.MAX_WBITS, 1 if small else 8)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _split_copy(body: bytes) -> tuple:
    """The shared copy as kept: compressed before and after the marker (see the module
    docstring), with what joining them per request needs."""
    head, found, tail = body.partition(account_links_marker().encode())
    return (
        bool(found),
        _deflate(head, last=False),
        zlib.crc32(head),
        len(head),
        _deflate(tail, last=True),
        zlib.crc32(tail),
        len(tail),
        _crc_shift(len(tail)),
    )


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime


def _gzipped(request, split) -> bytes:
    """One gzip member: the stored parts around this request's own links."""
    has_marker, head, head_crc, head_len, tail, tail_crc, tail_len, tail_shift = split
    own = _own_links(request) if has_marker else b""
    crc = _crc_multiply(tail_shift, zlib.crc32(own, head_crc)) ^ tail_crc
    size = (head_len + len(own) + tail_len) & 0xFFFFFFFF
    trailer = crc.to_bytes(4, "little") + size.to_bytes(4, "little")
    return b"".join((GZIP_HEADER, head, _deflate(own, last=False, small=True), tail, trailer))


def shared_copy(entry) -> bytes:
    """The stored shared copy, with the marker where the account links go."""
    has_marker, head, _, _, tail, *_ = entry[3]
    marker = account_links_marker().encode() if has_marker else b""
    return zlib.decompressobj(-zlib.MAX_WBITS).decompress(head) + marker + zlib.decompress(tail, -zlib.MAX_WBITS)


def _personalised(request, entry) -> HttpResponse:
    _generation, status, headers, split = entry
    if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(_gzipped(request, split), status=status)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(_with_own_links(request, shared_copy(entry)), status=status)
    for header, value in headers:
        response[header] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _acquire(lock: str) -> bool:
    try:
        return cache.add(lock, 1, timeout=LOCK_SECONDS)
    except Exception:
        logger.exception("Page cache unavailable")
        return True  # nobody to wait for: render


def _wait_for(key: str, generation: str):
    """The copy another request is rendering, once stored; None after LOCK_WAIT_SECONDS."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(LOCK_POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None and entry[0] == generation:
            return entry
    return None


class SharedPageMiddleware:
    """Serves the public pages to logged-in readers from the shared copy, and renders every
    miss once (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS:
            return self.get_response(request)
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            return self.get_response(request)
        if not is_public_page(view_name) or not _shares_pages(request):
            return self.get_response(request)

        key = _page_key(request, SHARED_KEY_PREFIX)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = _current_generation(found)
        except Exception:
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            return _personalised(request, entry)

        lock = f"{key}:lock:{generation}"
        locked = _acquire(lock)
        if not locked:
            # Another request is rendering this page: the previous copy meanwhile.
            waited = entry or _wait_for(key, generation)
            if waited is not None:
                request.served_stale_page = waited[0] != generation
                return _personalised(request, waited)
        try:
            response, used_csrf_token = self._render_shared(request)
            if _may_store(request, response, used_csrf_token=used_csrf_token) and _settled(generation):
                headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
                entry = (generation, response.status_code, headers, _split_copy(response.content))
                try:
                    cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
                except Exception:
                    logger.exception("Page cache unavailable")
        finally:
            if locked:
                try:
                    cache.delete(lock)
                except Exception:
                    logger.exception("Page cache unavailable")
        if not response.streaming:
            response.content = _with_own_links(request, response.content)
        return response

    def _render_shared(self, request):
        """The page as an anonymous reader in the default time zone sees it, with the
        marker for the account links; and whether it used a CSRF token (its own, not one
        the CSRF middleware had already decided to renew)."""
        user, renewing = request.user, request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        request.user, request.renders_shared_page = AnonymousUser(), True
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        try:
            with timezone.override(None):
                response = self.get_response(request)
        finally:
            request.user, request.renders_shared_page = user, False
            used_csrf_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = renewing or used_csrf_token
        return response, used_csrf_token
