"""Checking what a learning platform sends: the OIDC login initiation and the id_token of a
launch. pylti1p3 (through django-lti) does the protocol; three things are made stricter here:

- a deployment must be registered by staff and active (django-lti would create any
  deployment id it is sent, which would be a write from an unchecked launch);
- the id_token is decoded with its audience, issuer and the claims LTI requires (pylti1p3
  turns the audience check off and relies on finding a registration by `aud`);
- a nonce is good once: it is taken out of the cache when checked, so a replayed id_token
  is refused (pylti1p3 only looks it up).

Nothing in this module writes to the database."""

from __future__ import annotations

import jwt
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiLaunch, LtiRegistration
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException

LAUNCH_DATA_SECONDS = 60 * 60  # how long a checked launch can be picked up again (deep linking)


class LaunchRefused(Exception):
    """A login or launch that cannot be trusted; the message says why, fit to show."""


class ToolConfig(DjangoToolConfig):
    """django-lti's registration lookups, with deployments that must exist and be active."""

    def find_deployment(self, iss, deployment_id):
        return self._active_deployment(registration__issuer=iss, deployment_id=deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._active_deployment(
            registration__issuer=iss, registration__client_id=client_id, deployment_id=deployment_id
        )

    def _active_deployment(self, **lookups):
        if not isinstance(lookups["deployment_id"], str):
            return None
        self.deployment = (
            LtiDeployment.objects.filter(registration__is_active=True, is_active=True, **lookups)
            .select_related("registration")
            .first()
        )
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)


class OnceCacheDataStorage(DjangoCacheDataStorage):
    """pylti1p3's cache storage, where checking a value uses it up. pylti1p3 checks only
    nonces with `check_value`, so each nonce lets one launch through."""

    def check_value(self, key: str) -> bool:
        return bool(self._get_cache().delete(self._prepare_key(key)))


class CheckedMessageLaunch(DjangoMessageLaunch):
    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise LtiException("The id_token has no nonce.")
        if not self._session_service.check_nonce(nonce):
            raise LtiException("The id_token's nonce is unknown or was already used: a launch is good once.")
        return self

    def validate_jwt_signature(self):
        public_key, algorithm = self.get_public_key()
        client_id = self._registration.get_client_id()
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=[algorithm],
                audience=client_id,
                issuer=self._registration.get_issuer(),
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
                leeway=30,
            )
        except jwt.InvalidTokenError as error:
            raise LtiException(f"The id_token was refused: {error}.") from error
        audience = body["aud"]
        if isinstance(audience, list) and len(audience) > 1 and body.get("azp") != client_id:
            raise LtiException("The id_token names several audiences and this tool is not its authorized party.")
        return self


def _storage():
    return OnceCacheDataStorage()


def oidc_redirect(request):
    """The redirect to the platform's authorization URL, with the state cookie set, for a
    login initiation (GET or POST with iss, login_hint, client_id...)."""
    login = DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=_storage())
    try:
        return login.redirect(request.build_absolute_uri(reverse("classroom:lti-launch")))
    except (LtiException, OIDCException) as error:
        raise LaunchRefused(str(error)) from error
    except Key.DoesNotExist as error:
        raise LaunchRefused(
            "This tool has no key yet: the site's staff must create one (manage.py rotate_keys)."
        ) from error


def validated_launch(request) -> LtiLaunch:
    """The launch in `request` (the platform's form post of id_token and state), checked:
    state cookie, nonce (used up), registration by issuer and client id, signature against
    the platform's key set, audience, issuer, expiry, deployment id, message claims."""
    message_launch = CheckedMessageLaunch(request, ToolConfig(), launch_data_storage=_storage())
    message_launch.set_launch_data_lifetime(LAUNCH_DATA_SECONDS)
    try:
        message_launch.validate()
    except LtiException as error:
        raise LaunchRefused(str(error)) from error
    except Key.DoesNotExist as error:
        raise LaunchRefused(
            "This tool has no key yet: the site's staff must create one (manage.py rotate_keys)."
        ) from error
    except (ValueError, TypeError, KeyError, AttributeError, AssertionError) as error:
        # A token pylti1p3 could not even read (claims of the wrong shape).
        raise LaunchRefused("The launch's id_token is malformed.") from error
    return LtiLaunch(message_launch)


def restored_launch(request, launch_id: str) -> LtiLaunch:
    """A launch checked earlier, by its id (deep linking answers it a page later)."""
    if not isinstance(launch_id, str) or not launch_id.startswith("lti1p3-launch-") or len(launch_id) > 100:
        raise LaunchRefused("This page came from a launch that is unknown or has expired: launch the tool again.")
    try:
        message_launch = CheckedMessageLaunch.from_cache(
            launch_id, request, ToolConfig(), launch_data_storage=_storage()
        )
    except LtiException as error:
        raise LaunchRefused(
            "This page came from a launch that is unknown or has expired: launch the tool again."
        ) from error
    except Key.DoesNotExist as error:
        raise LaunchRefused(
            "This tool has no key yet: the site's staff must create one (manage.py rotate_keys)."
        ) from error
    return LtiLaunch(message_launch)


def registration_origins(registration: LtiRegistration) -> list[str]:
    """The platform's web origins, which may frame the tool's deep-linking pages."""
    from urllib.parse import urlsplit

    origins = []
    for url in (registration.issuer, registration.auth_url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins
