"""The forged tokens security tests send: each keeps what an attacker keeps and breaks
only what makes it a forgery."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runeframe_nb import tokens

KEY = Ed25519PrivateKey.generate()
REAL = jwt.encode(tokens.claims("u1"), KEY, algorithm="EdDSA", headers={"kid": "k1"})


def read(token: str) -> dict[str, object]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def test_claims_are_the_issuers_for_the_subject() -> None:
    claims = tokens.claims("u1", roles=["admin"], lifetime=60)
    assert (claims["sub"], claims["roles"], claims["iss"], claims["aud"]) == (
        "u1",
        ["admin"],
        "distilera",
        "runeframe",
    )
    assert claims["exp"] == claims["iat"] + 60  # type: ignore[operator]


def test_a_tampered_token_keeps_its_claims_and_loses_its_proof() -> None:
    forged = tokens.tampered(REAL)
    assert read(forged) == read(REAL) and forged != REAL
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, KEY.public_key(), algorithms=["EdDSA"], audience="runeframe")


def test_a_foreign_token_keeps_the_key_id_and_takes_the_changes() -> None:
    forged = tokens.foreign(REAL, roles=["admin"])
    assert jwt.get_unverified_header(forged)["kid"] == "k1"
    assert read(forged) == {**read(REAL), "roles": ["admin"]}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, KEY.public_key(), algorithms=["EdDSA"], audience="runeframe")


@pytest.mark.parametrize("alg", ["none", "HS256"])
def test_an_unsigned_token_has_no_signature(alg: str) -> None:
    token = tokens.unsigned(tokens.claims("u1"), alg=alg)
    assert token.endswith(".") and jwt.get_unverified_header(token)["alg"] == alg
    assert read(token)["sub"] == "u1"
