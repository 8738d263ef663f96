"""Sending the classroom's e-mail with Django's e-mail framework: plain text rendered from
`templates/classroom/email/<name>.txt` (first line the subject), links made absolute with
`SITE_URL`, since the reminder job runs outside any request."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

VERIFY_SALT = "classroom.verify-email"
VERIFY_MAX_AGE = 60 * 60 * 24 * 3  # three days


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of the template `name`: the subject is its first line."""
    text = render_to_string(f"classroom/email/{name}.txt", {**context, "site_url": settings.SITE_URL.rstrip("/")})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send(*, to: str, name: str, context: dict, unsubscribe_url: str = "") -> None:
    """Sends one message. With `unsubscribe_url`, the message carries the List-Unsubscribe
    headers of RFC 8058, so a mail client's own "unsubscribe" button works in one click."""
    subject, body = render(name, {**context, "unsubscribe_url": unsubscribe_url})
    headers = {}
    if unsubscribe_url:
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers).send()


def verification_token(user, email: str) -> str:
    """A signed, dated token naming the account and the address it was sent to: it proves
    that whoever holds it reads that mailbox."""
    return signing.dumps({"user": user.pk, "email": email}, salt=VERIFY_SALT)


def read_verification_token(token: str) -> dict:
    """The token's content; raises signing.BadSignature (SignatureExpired included)."""
    value = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    if not isinstance(value, dict) or not isinstance(value.get("user"), int) or not isinstance(value.get("email"), str):
        raise signing.BadSignature("Malformed token.")
    return value
