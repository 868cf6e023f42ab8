"""Authorization at every level: one user against another's objects (API1), properties
a user must not set or see (API3), admin and service functions as a plain user (API5)."""

from __future__ import annotations

from .actors import Actors, every
from .cases import Outcome, case


@case("API1", "distilera, api", "A changes or deletes B's user")
async def bola_user(x: Actors) -> Outcome:
    code = await x.status(
        "PATCH", "distilera", f"/users/{x.victim}/", x.attacker_token, json={"name": "pwned"}
    )
    edge = await x.status("DELETE", "api", f"/api/v1/users/{x.victim}/", x.attacker_token)
    return code == 403 and edge == 403, f"change B: {code}; delete B at the edge: {edge}"


@case("API1", "mercatrix", "A reads B's balance or spends B's money")
async def bola_account(x: Actors) -> Outcome:
    read = await x.status("GET", "mercatrix", f"/accounts/{x.victim}/", x.attacker_token)
    order = {"from_user": x.victim, "to_user": x.attacker, "amount": 1.0}
    spend = await x.status("POST", "mercatrix", "/transactions/", x.attacker_token, json=order)
    return read == 403 and spend == 403, f"read B's balance: {read}; spend B's money: {spend}"


@case("API1", "distilera", "A reads B's vault entry")
async def bola_vault(x: Actors) -> Outcome:
    stored = await x.http.post(
        x.url("distilera", "/vault/"), json={"ssn": "123-45-6789"}, headers=x.as_(x.victim_token)
    )
    entry = stored.json()["id"]
    code = await x.status("GET", "distilera", f"/vault/{entry}/", x.attacker_token)
    return code == 403, f"read B's vault entry: {code}"


@case("API1", "hoardwell", "A reads B's messages")
async def bola_messages(x: Actors) -> Outcome:
    code = await x.status("GET", "hoardwell", f"/messages/?user_id={x.victim}", x.attacker_token)
    return code == 403, f"read B's messages: {code}"


@case("API3", "distilera, api", "a user makes themself admin")
async def mass_assign_role(x: Actors) -> Outcome:
    own = await x.status(
        "PATCH", "distilera", f"/users/{x.attacker}/", x.attacker_token, json={"role": "admin"}
    )
    edge = await x.status(
        "PATCH", "api", f"/api/v1/users/{x.attacker}/", x.attacker_token, json={"role": "admin"}
    )
    return own == 403 and edge == 403, f"make oneself admin: distilera {own}, edge {edge}"


@case("API3", "mercatrix", "an account opened with a balance")
async def mass_assign_balance(x: Actors) -> Outcome:
    body = {"user_id": x.attacker, "balance": 1_000_000}
    code = await x.status("POST", "mercatrix", "/accounts/", x.admin_token, json=body)
    balance = (
        await x.http.get(
            x.url("mercatrix", f"/accounts/{x.attacker}/"), headers=x.as_(x.attacker_token)
        )
    ).json()
    return code == 400 and balance[
        "essence_coins"
    ] <= 100, f"open with a balance: {code}; A has {balance['essence_coins']}"


@case("API3", "distilera", "secrets in user objects or the key set")
async def hidden_fields(x: Actors) -> Outcome:
    user = (
        await x.http.get(
            x.url("distilera", f"/users/{x.attacker}/"), headers=x.as_(x.attacker_token)
        )
    ).text.lower()
    keys = (await x.http.get(x.url("distilera", "/.well-known/jwks.json"))).json()["keys"]
    leaked = [w for w in ("password", "secret", "hash", "token") if w in user]
    private = [k for k in keys if "d" in k]
    return (
        not leaked and not private,
        f"user fields leaking: {leaked or 'none'}; private keys published: {len(private)}",
    )


@case("API5", "jonar, mercatrix, hoardwell, distilera", "admin and service functions as a user")
async def admin_functions(x: Actors) -> Outcome:
    attempts = {
        "jonar deploy": (
            "POST",
            "jonar",
            "/deployments/",
            {"component": "hoardwell", "version": "1.0.0"},
        ),
        "jonar alert": (
            "POST",
            "jonar",
            "/alerts/",
            {"type": "x", "component": "api", "message": "m"},
        ),
        "mercatrix reward": (
            "POST",
            "mercatrix",
            "/rewards/",
            {"user_id": x.attacker, "amount": 5, "reference": "r"},
        ),
        "mercatrix ledger": ("GET", "mercatrix", "/ledger/", None),
        "hoardwell post": ("POST", "hoardwell", "/messages/", {"type": "x", "content": "c"}),
        "distilera token for B": ("POST", "distilera", "/auth/tokens/", {"user_id": x.victim}),
    }
    statuses = {
        name: await x.status(m, s, p, x.attacker_token, **({"json": b} if b is not None else {}))
        for name, (m, s, p, b) in attempts.items()
    }
    return every(lambda code: code == 403, statuses)
