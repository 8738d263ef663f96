"""Who is logging in, as django-axes counts failed logins: the client's address as seen
through the trusted proxies, and the username as typed (settings: AXES_*)."""

import ipaddress

from django.conf import settings

# django-axes keeps the username in a column of this many characters.
AXES_USERNAME_LENGTH = 255


def client_ip(request) -> str | None:
    """The address of whoever connected to the first of our `TRUSTED_PROXY_COUNT` proxies.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the last
    `TRUSTED_PROXY_COUNT` entries are written by our proxies and the one furthest left of
    them is the client; anything before it is the client's own claim and is ignored. With
    no proxy (0, the default) the header is ignored altogether and the connecting address
    counts, so a forged header neither escapes a lockout nor blames someone else."""
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR")
    if proxies:
        forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def login_username(request, credentials) -> str | None:
    """The username of a login attempt, cut to what django-axes can store: no account has
    a longer one (Django's are 150 characters), and a longer one was a 500 on PostgreSQL."""
    username = (credentials or {}).get("username", request.POST.get("username"))
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username
