"""The test suite as a learning platform: its own RSA key pair and key set (served through
`responses`, which answers pylti1p3's HTTP requests), a registration in the tool's admin
tables, OIDC login initiation, and id_tokens it signs with PyJWT."""

from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

ISS = "https://lms.example.edu"
CLIENT_ID = "10000000000042"
DEPLOYMENT_ID = "1:deployment"
KEYSET_URL = f"{ISS}/api/lti/security/jwks"
AUTH_URL = f"{ISS}/api/lti/authorize_redirect"
TOKEN_URL = f"{ISS}/login/oauth2/token"
MEMBERSHIPS_URL = f"{ISS}/api/lti/courses/7/names_and_roles"
LINEITEMS_URL = f"{ISS}/api/lti/courses/7/line_items"
LINEITEM_URL = f"{LINEITEMS_URL}/31"
DL_RETURN_URL = f"{ISS}/courses/7/deep_linking_response"

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


class Platform:
    """One platform (Canvas-like), registered with the tool by `register()`."""

    KID = "platform-key-1"

    def __init__(self, key=None):
        self.key = key or rsa_key()

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.KID, "alg": "RS256", "use": "sig"}]}

    @staticmethod
    def register(*, deployment_active=True) -> LtiRegistration:
        registration = LtiRegistration.objects.create(
            name="Example State University Canvas",
            issuer=ISS,
            client_id=CLIENT_ID,
            auth_url=AUTH_URL,
            token_url=TOKEN_URL,
            keyset_url=KEYSET_URL,
        )
        LtiDeployment.objects.create(
            registration=registration, deployment_id=DEPLOYMENT_ID, is_active=deployment_active
        )
        if not Key.objects.exists():
            Key.objects.generate()
        return registration

    def serve_jwks(self, mock: responses.RequestsMock) -> None:
        mock.add(responses.GET, KEYSET_URL, json=self.jwks())

    def login(self, client, **params) -> dict:
        """Initiates the login as the platform does; returns the tool's parameters for the
        authorization request (state, nonce, redirect_uri...)."""
        data = {
            "iss": ISS,
            "login_hint": "user-hint",
            "target_link_uri": "https://tool.example/lti/launch/",
            "client_id": CLIENT_ID,
            "lti_message_hint": "message-hint",
            **params,
        }
        response = client.get(reverse("classroom:lti-login"), data)
        assert response.status_code == 302, response.content[:500]
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        return {key: values[0] for key, values in parse_qs(location.query).items()}

    def claims(self, nonce: str, *, roles=(LEARNER,), sub="learner-1", message="LtiResourceLinkRequest", **extra):
        now = int(time.time())
        claims = {
            "iss": ISS,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "email": f"{sub}@example.edu",
            LTI + "message_type": message,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": DEPLOYMENT_ID,
            LTI + "target_link_uri": "https://tool.example/lti/launch/",
            LTI + "roles": list(roles),
            LTI + "context": {"id": "course-7", "label": "HIST 210", "title": "Soviet History", "type": []},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": MEMBERSHIPS_URL,
                "service_versions": ["2.0"],
            },
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": AGS_SCOPES,
                "lineitems": LINEITEMS_URL,
            },
        }
        if message == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {"id": "link-1", "title": "Debate"}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": DL_RETURN_URL,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": True,
                "data": "platform-opaque-data",
            }
        claims.update(extra)
        return {key: value for key, value in claims.items() if value is not None}

    def sign(self, claims: dict, *, key=None, kid=None) -> str:
        return jwt.encode(claims, pem(key or self.key), algorithm="RS256", headers={"kid": kid or self.KID})

    def launch(self, client, *, key=None, claims=None, state=None, **claim_args):
        """A whole launch: login initiation, then the signed id_token posted to the tool."""
        auth = self.login(client)
        body = claims if claims is not None else self.claims(auth["nonce"], **claim_args)
        token = self.sign(body, key=key)
        response = client.post(reverse("classroom:lti-launch"), {"id_token": token, "state": state or auth["state"]})
        response.id_token, response.state = token, auth["state"]
        return response


def new_nonce() -> str:
    return uuid.uuid4().hex
