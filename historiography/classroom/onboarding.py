"""Instructor onboarding: an "I teach" request, its e-mail verification, and staff's
approval (or a domain allowed by INSTRUCTOR_EMAIL_DOMAINS). Writes in transactions, as in
services.py."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import emails
from .models import InstructorRequest, InstructorRequestStatus
from .services import INSTRUCTOR, ServiceError, user_add_role


def email_domain_auto_approved(email: str) -> bool:
    """Whether `email` is at a domain (or a subdomain of one) in `INSTRUCTOR_EMAIL_DOMAINS`."""
    domain = email.rpartition("@")[2].lower()
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in settings.INSTRUCTOR_EMAIL_DOMAINS)


@transaction.atomic
def instructor_request_create(*, username: str, password: str, name: str, institution: str, email: str, course: str):
    """An inactive account and its instructor request; the verification e-mail is sent once
    the transaction commits. Refuses an address that already has an account."""
    email = User.objects.normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ServiceError("An account with this e-mail address exists already: log in, or reset its password.")
    first_name, _, last_name = name.strip().partition(" ")
    user = User(username=username, email=email, first_name=first_name[:150], last_name=last_name[:150], is_active=False)
    user.set_password(password)
    user.save()
    instructor_request = InstructorRequest.objects.create(
        user=user, name=name, institution=institution, email=email, course=course
    )
    transaction.on_commit(lambda: _send_verification(instructor_request))
    return instructor_request


def instructor_request_resend_verification(*, instructor_request) -> bool:
    """Sends the verification e-mail again (say, the first went to spam); False, sending
    nothing, when the address is verified already or the request decided."""
    if instructor_request.is_email_verified or instructor_request.status != InstructorRequestStatus.PENDING:
        return False
    _send_verification(instructor_request)
    return True


def _send_verification(instructor_request) -> None:
    token = emails.verification_token(instructor_request.user, instructor_request.email)
    emails.send(
        to=instructor_request.email,
        name="verify_email",
        context={
            "name": instructor_request.name,
            "institution": instructor_request.institution,
            "verify_path": reverse("classroom:verify-email", args=[token]),
            "auto_approve": email_domain_auto_approved(instructor_request.email),
        },
    )


@transaction.atomic
def instructor_request_verify(*, token: str, now: datetime | None = None):
    """Marks the request's address verified (a second use changes nothing) and, for an
    allowed domain, approves it. Raises ServiceError for a bad, expired or stale token."""
    try:
        value = emails.read_verification_token(token)
    except signing.SignatureExpired as error:
        raise ServiceError("This link has expired: links work for three days. Sign up again.") from error
    except signing.BadSignature as error:
        raise ServiceError("This link is not valid. Copy the whole link from the e-mail.") from error
    instructor_request = (
        InstructorRequest.objects.select_for_update()
        .select_related("user")
        .filter(user_id=value["user"], email__iexact=value["email"])
        .first()
    )
    if instructor_request is None:
        raise ServiceError("This link is not valid any more: the request it confirms no longer exists.")
    if instructor_request.email_verified_at is None:
        instructor_request.email_verified_at = now or timezone.now()
        instructor_request.save(update_fields=["email_verified_at"])
    if instructor_request.status == InstructorRequestStatus.PENDING and email_domain_auto_approved(
        instructor_request.email
    ):
        instructor_request_approve(instructor_request=instructor_request, by=None, now=now)
    return instructor_request


@transaction.atomic
def instructor_request_approve(*, instructor_request, by, now: datetime | None = None) -> bool:
    """Activates the account with the Instructor role and tells them by e-mail. Returns
    False (and does nothing) when the request was already decided. Refuses (ServiceError)
    a request whose address is not verified: nobody gets an instructor account, and its
    students' data, on an address they may not own."""
    if instructor_request.status != InstructorRequestStatus.PENDING:
        return False
    if not instructor_request.is_email_verified:
        raise ServiceError(
            f"{instructor_request.name} has not verified {instructor_request.email} yet: "
            "it can be approved once they follow the link in the verification e-mail."
        )
    instructor_request.status = InstructorRequestStatus.APPROVED
    instructor_request.decided_at = now or timezone.now()
    instructor_request.decided_by = by
    instructor_request.save(update_fields=["status", "decided_at", "decided_by"])
    user = instructor_request.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    user_add_role(user=user, role=INSTRUCTOR)
    context = {"name": instructor_request.name, "username": user.username, "login_path": reverse("login")}
    transaction.on_commit(lambda: emails.send(to=instructor_request.email, name="instructor_approved", context=context))
    return True


@transaction.atomic
def instructor_request_decline(*, instructor_request, by, now: datetime | None = None) -> bool:
    """Declines a pending request; the account stays inactive. No e-mail: staff write
    themselves when a word of explanation is due."""
    if instructor_request.status != InstructorRequestStatus.PENDING:
        return False
    instructor_request.status = InstructorRequestStatus.DECLINED
    instructor_request.decided_at = now or timezone.now()
    instructor_request.decided_by = by
    instructor_request.save(update_fields=["status", "decided_at", "decided_by"])
    return True
