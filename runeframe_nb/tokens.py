"""Tokens an attacker can make without the signing key, for tests that must see them refused.

`claims(user)` are the claims Distilera signs; `unsigned(claims)` wraps them in a token
with no signature (alg none, or any header you name); `tampered(token)` is a real
token whose signature no longer matches; `foreign(token, ...)` is the same token, its
claims changed as you say, signed by a key the services never published. Services must
answer each with a 401.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable

ISSUER = "distilera"
AUDIENCE = "runeframe"


def claims(
    subject: str, roles: Iterable[str] = ("user",), *, lifetime: int = 600
) -> dict[str, object]:
    """What Distilera puts in a token for `subject`, valid for `lifetime` seconds."""
    now = int(time.time())
    return {
        "sub": subject,
        "roles": list(roles),
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + lifetime,
    }


def _part(value: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def unsigned(payload: dict[str, object], alg: str = "none") -> str:
    """A token of header and claims with no signature at all."""
    return f"{_part({'alg': alg, 'typ': 'JWT'})}.{_part(payload)}."


def foreign(token: str, **changes: object) -> str:
    """`token` with `changes` to its claims, signed by a key of its own under the real
    key's id: what a stolen key id and a self-made key give an attacker."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    kid = jwt.get_unverified_header(token).get("kid")
    payload = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    return jwt.encode(
        payload, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}
    )


def tampered(token: str) -> str:
    """`token` with the end of its signature changed: the claims are intact, the proof
    is not."""
    return token[:-4] + ("BBBB" if token.endswith("AAAA") else "AAAA")
