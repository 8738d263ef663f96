import zoneinfo

from django.utils import timezone

from .models import Profile

SESSION_KEY = "timezone"


def restore_timezone(sender, request, user, **kwargs):
    """On login (Django's `user_logged_in`: the one hook every way of logging in passes,
    the login page, sign-up and django-axes alike), the zone kept on the user's profile
    goes back into the new session, so it survives logging out. Reads one row at login
    instead of one on every page."""
    name = Profile.objects.filter(user=user).values_list("timezone", flat=True).first()
    if name:
        request.session[SESSION_KEY] = name


class TimezoneMiddleware:
    """Shows and reads times in the user's zone (kept in the session, and for a logged-in
    user on their profile)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY)
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the zone belongs to this request, not to the thread
