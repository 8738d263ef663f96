from django.contrib.auth import SESSION_KEY
from django.core.exceptions import BadRequest
from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control
from django.views.defaults import bad_request
from rest_framework.views import APIView

# Browsers may use none of these on our pages (https://www.w3.org/TR/permissions-policy/).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    ]
)
# The methods a page of this site can take; the API's views answer for themselves.
PAGE_METHODS = {"GET", "HEAD", "POST"}


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on every
    response to a logged-in user, so no shared cache or browser history keeps a page made
    for one person (their classes, a student's work, the grades CSV). Outermost but for
    SecurityMiddleware, so it also covers pages served from the page cache and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # The session, not request.user: the API's views set an anonymous user of their own.
        # A page-cache hit has no session: it was anonymous.
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            patch_cache_control(response, private=True, no_store=True)
        return response


class RejectMalformedInputMiddleware:
    """A 400 for a null byte anywhere a client can put one: the path, the query string,
    form fields (names and values), cookies and headers. PostgreSQL refuses NUL in text,
    so without this any lookup of such a value was a 500; no real input contains one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in text for text in _client_strings(request)):
            # The 400 page, without the traceback an exception would log for each one.
            return bad_request(request, BadRequest("A null byte in the request."))
        return self.get_response(request)


def _client_strings(request):
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            yield key
            yield from (value for value in values if isinstance(value, str))
    for key, value in request.COOKIES.items():
        yield key
        yield value
    for key, value in request.META.items():
        if key.startswith("HTTP_") and isinstance(value, str):
            yield value


class AllowedMethodsMiddleware:
    """405 for a method no page takes: only GET, HEAD and POST reach a page (our views
    narrow that further with Django's `require_safe`/`require_POST`), so OPTIONS, TRACE,
    PUT, DELETE and the like never render one. The API's views (Django REST framework)
    answer each method themselves, OPTIONS included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        if request.method not in PAGE_METHODS:
            return HttpResponseNotAllowed(sorted(PAGE_METHODS))
        return None
