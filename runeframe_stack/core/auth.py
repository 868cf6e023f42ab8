"""Who is calling: every service verifies bearer tokens itself.

Tokens are JWTs signed by Distilera with an Ed25519 key (EdDSA) and verified against the
keys Distilera publishes at /.well-known/jwks.json; static tokens exist only when the
settings list them (test profiles). The algorithm is pinned, so `alg=none` and HMAC
tricks are refused like any forged signature.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import jwt
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import Unauthorized
from .settings import StackSettings

ISSUER = "distilera"
AUDIENCE = "runeframe"
ALGORITHM = "EdDSA"
JWKS_PATH = "/.well-known/jwks.json"  # where the issuer publishes its keys
KeyLookup = Callable[[str], Awaitable[jwt.PyJWK | None]]
_CACHE_LIMIT = 10_000


@dataclass(frozen=True)
class Identity:
    user_id: str
    roles: tuple[str, ...]
    kind: str = "jwt"
    issued_at: float = 0.0  # a JWT's iat; static and service tokens have none

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_service(self) -> bool:
        return "service" in self.roles

    @property
    def is_trusted(self) -> bool:
        """An admin or one of the stack's own services: may act for any user."""
        return self.is_admin or self.is_service

    def may_act_for(self, user_id: str) -> bool:
        return self.is_trusted or self.user_id == user_id

    def has_permission(self, permission: str) -> bool:
        """The permission vocabulary every service answers `check_permission` with."""
        if permission == "admin_access":
            return self.is_admin
        if permission == "service_access":
            return self.is_service
        return permission in PERMISSIONS


PERMISSIONS = frozenset({"read_own", "write_own", "admin_access", "service_access"})


class TokenVerifier:
    """Static tokens first, then JWTs; verified JWTs are cached until they expire."""

    def __init__(self, settings: StackSettings, key_lookup: KeyLookup) -> None:
        self._static = {
            token: Identity(spec.user_id, tuple(spec.roles), kind="static")
            for token, spec in settings.static_tokens.items()
        }
        for service, token in settings.service_tokens.items():
            self._static[token] = Identity(f"service:{service}", ("service",), kind="service")
        self._key_lookup = key_lookup
        self._cache: dict[str, tuple[Identity, float]] = {}
        self._deleted: dict[str, float] = {}  # user id -> when the user was deleted

    async def verify(self, token: str) -> Identity:
        static = self._static.get(token)
        if static is not None:
            return static
        cached = self._cache.get(token)
        if cached is not None and cached[1] > time.time():
            identity = cached[0]
        else:
            identity, expires = await self._decode(token)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = (identity, expires)
        if identity.issued_at <= self._deleted.get(identity.user_id, 0.0):
            raise Unauthorized("the token's user has been deleted")
        return identity

    def revoke(self, user_id: str, deleted_at: float) -> None:
        """Refuse every token of `user_id` issued up to `deleted_at` (epoch seconds); a
        user created again under the same id gets new tokens that work."""
        self._deleted[user_id] = max(deleted_at, self._deleted.get(user_id, 0.0))

    def forget(self, user_id: str) -> None:
        """Drop cached verifications of a user (deleted, role changed)."""
        for token in [t for t, (i, _) in self._cache.items() if i.user_id == user_id]:
            del self._cache[token]

    async def _decode(self, token: str) -> tuple[Identity, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("malformed token") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthorized(f"token algorithm {header.get('alg')!r} is not accepted")
        key = await self._key_lookup(str(header.get("kid", "")))
        if key is None:
            raise Unauthorized("token signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                options={"require": ["exp", "sub", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token expired") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"invalid token: {exc}") from None
        roles = tuple(str(r) for r in claims.get("roles", ()))
        identity = Identity(str(claims["sub"]), roles, issued_at=float(claims["iat"]))
        return identity, float(claims["exp"])


def bearer_token(scope: Scope) -> str | None:
    """The bearer token a request presents; None for none, or for credentials of another
    scheme, which are the endpoint's to read (a client's HTTP Basic at /oauth/token/)."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() != "bearer":
                return None
            if not token.strip():
                raise Unauthorized("Authorization must be 'Bearer <token>'")
            return token.strip()
    return None


class AuthMiddleware:
    """Sets scope["identity"] from the bearer token; a presented bad token is a 401."""

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            try:
                token = bearer_token(scope)
                scope["identity"] = await self.verifier.verify(token) if token else None
            except Unauthorized as exc:
                if scope["type"] == "http":
                    await exc.response()(scope, receive, send)
                else:  # refuse the upgrade: the client sees 403
                    await send({"type": "websocket.close", "code": 1008, "reason": exc.message})
                return
        await self.app(scope, receive, send)
