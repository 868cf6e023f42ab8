"""Token verification without a stack: a key made here stands in for Distilera's."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runeframe_stack.core.auth import ALGORITHM, AUDIENCE, ISSUER, TokenVerifier
from runeframe_stack.core.errors import Unauthorized
from runeframe_stack.core.settings import StackSettings

KEY = Ed25519PrivateKey.generate()
PUBLIC_JWK = jwt.algorithms.OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True)
PUBLIC = jwt.PyJWK.from_dict({**PUBLIC_JWK, "kid": "k1"})


def token(sub: str = "usr_a", *, key: Any = KEY, kid: str = "k1", **claims: Any) -> str:
    now = time.time()
    body = {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 60}
    return jwt.encode({**body, **claims}, key, algorithm=ALGORITHM, headers={"kid": kid})


@pytest.fixture
def lookups() -> list[str]:
    return []


@pytest.fixture
def verifier(lookups: list[str]) -> TokenVerifier:
    async def lookup(kid: str) -> jwt.PyJWK | None:
        lookups.append(kid)
        return PUBLIC if kid == "k1" else None

    settings = StackSettings(
        static_tokens={"fixed": {"user_id": "tester", "roles": ["admin"]}},
        service_tokens={"mercatrix": "svc-secret"},
    )
    return TokenVerifier(settings, lookup)


async def test_a_signed_token_names_its_user_and_roles(verifier: TokenVerifier) -> None:
    who = await verifier.verify(token(roles=["user"]))
    assert (who.user_id, who.roles, who.kind) == ("usr_a", ("user",), "jwt")
    assert who.may_act_for("usr_a") and not who.may_act_for("usr_b")


async def test_static_and_service_tokens_are_known_without_a_key(
    verifier: TokenVerifier, lookups: list[str]
) -> None:
    fixed = await verifier.verify("fixed")
    service = await verifier.verify("svc-secret")
    assert (fixed.user_id, fixed.is_admin) == ("tester", True)
    assert (service.user_id, service.is_trusted) == ("service:mercatrix", True)
    assert lookups == []


@pytest.mark.parametrize(
    ("forged", "reason"),
    [
        (lambda: jwt.encode({"sub": "x"}, None, algorithm="none"), "algorithm 'none'"),
        (lambda: jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256"), "algorithm 'HS256'"),
        (lambda: token(key=Ed25519PrivateKey.generate()), "invalid token"),
        (lambda: token(kid="stranger"), "unknown key"),
        (lambda: token(exp=time.time() - 1), "token expired"),
        (lambda: token(aud="elsewhere"), "invalid token"),
        (lambda: "not.a.token", "malformed token"),
    ],
)
async def test_a_forged_or_stale_token_is_refused_with_its_reason(
    verifier: TokenVerifier, forged: Any, reason: str
) -> None:
    with pytest.raises(Unauthorized, match=reason):
        await verifier.verify(forged())


async def test_a_verified_token_is_cached_until_its_user_is_forgotten(
    verifier: TokenVerifier, lookups: list[str]
) -> None:
    signed = token()
    await verifier.verify(signed)
    await verifier.verify(signed)
    assert lookups == ["k1"]
    verifier.forget("usr_a")
    await verifier.verify(signed)
    assert lookups == ["k1", "k1"]


async def test_a_deleted_users_tokens_fail_and_a_later_token_works(
    verifier: TokenVerifier,
) -> None:
    before = token(iat=time.time() - 10)
    await verifier.verify(before)
    verifier.revoke("usr_a", time.time() - 5)
    with pytest.raises(Unauthorized, match="deleted"):
        await verifier.verify(before)  # cached, and still refused
    assert (await verifier.verify(token())).user_id == "usr_a"
