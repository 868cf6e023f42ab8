"""Distilera as the token issuer: its Ed25519 signing key, tokens and the published key set.

The key lives in the data directory so that every replica of Distilera (and a restarted
one) signs with the same key and earlier tokens stay valid.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..core.auth import ALGORITHM, AUDIENCE, ISSUER, JWKS_PATH
from ..core.errors import NotFound
from ..core.routing import Call, Routes, endpoint, json
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


class IdentityRoutes(Routes):
    tag = "identity"

    def __init__(self, key: SigningKey, users: UserStore, default_ttl: int) -> None:
        self.key = key
        self.users = users
        self.default_ttl = default_ttl

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
