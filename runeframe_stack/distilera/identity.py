"""Distilera as the token issuer: its Ed25519 signing key, tokens and the published key set.

The key lives in the data directory so that every replica of Distilera (and a restarted
one) signs with the same key and earlier tokens stay valid.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel, ConfigDict, Field, RootModel
from starlette.responses import Response

from ..core.auth import ALGORITHM, AUDIENCE, ISSUER, JWKS_PATH
from ..core.errors import NotFound
from ..core.openapi import ErrorEnvelope
from ..core.routing import Call, Routes, endpoint, json
from ..core.settings import OAuthClient
from .users import UserStore


class SigningKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.kid = hashlib.sha256(raw).hexdigest()[:16]
        jwk: dict[str, Any] = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.jwk = {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}
        self._public = jwt.PyJWK(self.jwk)

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """Read the key, or create it once: concurrent replicas race to one file."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(50):  # the creator may still be writing
                pem = path.read_bytes()
                if pem.endswith(b"-----\n"):
                    break
                time.sleep(0.01)
            key = serialization.load_pem_private_key(pem, password=None)
            assert isinstance(key, Ed25519PrivateKey)
            return cls(key)
        private = Ed25519PrivateKey.generate()
        with os.fdopen(fd, "wb") as out:
            out.write(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        return cls(private)

    async def lookup(self, kid: str) -> jwt.PyJWK | None:
        return self._public if kid == self.kid else None

    def issue(self, user_id: str, roles: list[str], ttl_seconds: int) -> tuple[str, int]:
        issued = time.time()
        now = int(issued)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": user_id,
            "roles": roles,
            "iat": round(issued, 3),  # to the millisecond: older than a deletion, or not
            "exp": now + ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self.private, algorithm=ALGORITHM, headers={"kid": self.kid})
        return token, now + ttl_seconds


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=64)
    expires_in: int | None = Field(None, ge=1, le=30 * 24 * 3600)


class IssuedToken(BaseModel):
    token: str
    token_type: str = "Bearer"
    user_id: str
    roles: list[str]
    expires_at: int


class KeySet(BaseModel):
    keys: list[dict[str, Any]]


class TokenForm(BaseModel):
    """A token request of RFC 6749 (section 4.4.2), as a form; the client's credentials
    here or in HTTP Basic (section 2.3.1). Other parameters are ignored, as it says."""

    grant_type: str = Field("", max_length=64)
    client_id: str = Field("", max_length=128)
    client_secret: str = Field("", max_length=256)
    scope: str = Field("", max_length=256)


class AccessToken(BaseModel):
    """A successful answer (RFC 6749, section 5.1)."""

    access_token: str
    token_type: str
    expires_in: int


class OAuthError(BaseModel):
    """A refusal in OAuth's own shape (RFC 6749, section 5.2), which OAuth clients read."""

    error: str
    error_description: str = ""


class TokenRefusal(RootModel[OAuthError | ErrorEnvelope]):
    """OAuth's shape for what the grant refuses; the envelope for a body that is no form."""


class IdentityRoutes(Routes):
    tag = "identity"

    def __init__(
        self,
        key: SigningKey,
        users: UserStore,
        default_ttl: int,
        clients: Mapping[str, OAuthClient] | None = None,
    ) -> None:
        self.key = key
        self.users = users
        self.default_ttl = default_ttl
        self.clients = dict(clients or {})

    @endpoint("GET", JWKS_PATH, responses={200: KeySet})
    async def jwks(self, call: Call) -> Response:
        """The public keys every service verifies tokens with."""
        return json({"keys": [self.key.jwk]})

    @endpoint(
        "POST", "/auth/tokens/", body=TokenRequest, responses={201: IssuedToken}, access="user"
    )
    async def create_token(self, call: Call) -> Response:
        """Issue a token for a user: an admin for anyone, a user for themself."""
        request: TokenRequest = call.body
        call.require_self_or_admin(request.user_id)
        user = await self.users.get(request.user_id)
        if user is None or not user["is_active"]:
            raise NotFound(f"user {request.user_id} not found")
        roles = ["admin", "user"] if user["role"] == "admin" else ["user"]
        token, expires = self.key.issue(user["id"], roles, request.expires_in or self.default_ttl)
        body = {"token": token, "token_type": "Bearer", "user_id": user["id"], "roles": roles}
        return json({**body, "expires_at": expires}, status=201)

    @endpoint(
        "POST",
        "/oauth/token/",
        form=TokenForm,
        responses={200: AccessToken, 400: TokenRefusal, 401: OAuthError},
    )
    async def oauth_token(self, call: Call) -> Response:
        """A token for a registered client: OAuth 2.0's client-credentials grant."""
        form: TokenForm = call.body
        client_id, secret = _basic(call.request.headers.get("authorization", ""))
        client_id, secret = client_id or form.client_id, secret or form.client_secret
        if form.grant_type != "client_credentials":
            return _refusal(400, "unsupported_grant_type", "only client_credentials is granted")
        client = self.clients.get(client_id)
        offered = hashlib.sha256(secret.encode()).hexdigest()
        if client is None or not hmac.compare_digest(offered, client.secret_sha256):
            return _refusal(401, "invalid_client", "unknown client or wrong secret")
        token, _ = self.key.issue(client.user_id, list(client.roles), self.default_ttl)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.default_ttl}
        return json(body, headers={"cache-control": "no-store"})


def _basic(header: str) -> tuple[str, str]:
    """The client id and secret of an HTTP Basic header (each form-decoded), or blanks."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        pair = base64.b64decode(encoded, validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = pair.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


def _refusal(status: int, error: str, description: str) -> Response:
    headers = {"cache-control": "no-store"}
    if status == 401:
        headers["www-authenticate"] = 'Basic realm="distilera"'
    return json({"error": error, "error_description": description}, status, headers)
