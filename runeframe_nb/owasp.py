"""The OWASP API Security Top 10 (2023), probed against every service where it applies.

Each probe is a real attack over real sockets, with raw requests: user A against user B's
data, forged and stale tokens, mass assignment, oversized pages and bodies, admin
functions as a user, replayed rewards, a URL the services must never fetch, error bodies
and headers, routes missing from the documents, malformed data passed between services.
A probe passes when the stack refuses, or behaves safely, in the way its detail says.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd

from . import tokens
from .environment import Environment
from .exchanges import sweep
from .timing import TimedTransport
from .waits import eventually

ITEMS = {
    "API1": "Broken object level authorization",
    "API2": "Broken authentication",
    "API3": "Broken object property level authorization",
    "API4": "Unrestricted resource consumption",
    "API5": "Broken function level authorization",
    "API6": "Unrestricted access to sensitive business flows",
    "API7": "Server side request forgery",
    "API8": "Security misconfiguration",
    "API9": "Improper inventory management",
    "API10": "Unsafe consumption of APIs",
}
PROTECTED = {  # a route of each service that needs a token
    "api": "/api/v1/users/",
    "distilera": "/users/",
    "hoardwell": "/messages/",
    "mercatrix": "/accounts/",
    "jonar": "/alerts/",
}
UNDOCUMENTED = ("/admin/", "/debug/", "/docs", "/redoc", "/.env", "/swagger.json", "/console/")


@dataclass
class Actors:
    """Two users, A (the attacker) and B (the victim), and an admin, on one environment."""

    env: Environment
    http: httpx.AsyncClient
    admin: str
    a: str
    a_token: str
    b: str
    b_token: str

    def url(self, service: str, path: str) -> str:
        return self.env.url(service) + path

    def as_(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def status(
        self, method: str, service: str, path: str, token: str | None, **kw: Any
    ) -> int:
        headers = {**self.as_(token), **kw.pop("headers", {})}
        reply = await self.http.request(method, self.url(service, path), headers=headers, **kw)
        return reply.status_code


Outcome = tuple[bool, str]
Probe = Callable[[Actors], Awaitable[Outcome]]


@dataclass(frozen=True)
class Case:
    item: str
    service: str
    name: str
    probe: Probe


async def _user_with_token(
    env: Environment, http: httpx.AsyncClient, admin: str, name: str, email: str
) -> tuple[str, str]:
    """A new user made by the admin, and a token issued to it: (id, token)."""
    headers = {"Authorization": f"Bearer {admin}"}
    base = env.url("distilera")
    reply = await http.post(f"{base}/users/", json={"name": name, "email": email}, headers=headers)
    reply.raise_for_status()
    user = reply.json()["id"]
    issued = await http.post(f"{base}/auth/tokens/", json={"user_id": user}, headers=headers)
    issued.raise_for_status()
    return user, issued.json()["token"]


async def actors(env: Environment, http: httpx.AsyncClient) -> Actors:
    """Create A and B (tokens, accounts) with the environment's admin token."""
    admin = env.token or ""
    made: list[str] = []
    for who in ("a", "b"):
        email = f"owasp-{who}-{uuid.uuid4().hex[:8]}@{env.run_id or 'probe'}.example"
        made += await _user_with_token(env, http, admin, f"Probe {who.upper()}", email)
    return Actors(env, http, admin, *made)


def _json(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None


def _every(check: Callable[[int], bool], statuses: dict[str, int]) -> Outcome:
    """Passed when every status passes `check`; the detail lists them all."""
    return all(map(check, statuses.values())), ", ".join(f"{s} {c}" for s, c in statuses.items())


async def _refused_everywhere(x: Actors, token: str | None) -> Outcome:
    statuses = {s: await x.status("GET", s, path, token) for s, path in PROTECTED.items()}
    return _every(lambda code: code == 401, statuses)


# API1: one user's token against another user's objects
async def bola_user(x: Actors) -> Outcome:
    code = await x.status("PATCH", "distilera", f"/users/{x.b}/", x.a_token, json={"name": "pwned"})
    edge = await x.status("DELETE", "api", f"/api/v1/users/{x.b}/", x.a_token)
    return code == 403 and edge == 403, f"change B: {code}; delete B at the edge: {edge}"


async def bola_account(x: Actors) -> Outcome:
    read = await x.status("GET", "mercatrix", f"/accounts/{x.b}/", x.a_token)
    order = {"from_user": x.b, "to_user": x.a, "amount": 1.0}
    spend = await x.status("POST", "mercatrix", "/transactions/", x.a_token, json=order)
    return read == 403 and spend == 403, f"read B's balance: {read}; spend B's money: {spend}"


async def bola_vault(x: Actors) -> Outcome:
    stored = await x.http.post(
        x.url("distilera", "/vault/"), json={"ssn": "123-45-6789"}, headers=x.as_(x.b_token)
    )
    entry = stored.json()["id"]
    code = await x.status("GET", "distilera", f"/vault/{entry}/", x.a_token)
    return code == 403, f"read B's vault entry: {code}"


async def bola_messages(x: Actors) -> Outcome:
    code = await x.status("GET", "hoardwell", f"/messages/?user_id={x.b}", x.a_token)
    return code == 403, f"read B's messages: {code}"


# API2: tokens that must not work, on every service
async def no_token(x: Actors) -> Outcome:
    return await _refused_everywhere(x, None)


async def forged_signature(x: Actors) -> Outcome:
    return await _refused_everywhere(x, tokens.tampered(x.a_token))


async def alg_none(x: Actors) -> Outcome:
    return await _refused_everywhere(x, tokens.unsigned(tokens.claims(x.a, roles=["admin"])))


async def wrong_key(x: Actors) -> Outcome:
    return await _refused_everywhere(x, tokens.foreign(x.a_token, roles=["admin"]))


async def expired(x: Actors) -> Outcome:
    issued = await x.http.post(
        x.url("distilera", "/auth/tokens/"),
        json={"user_id": x.a, "expires_in": 1},
        headers=x.as_(x.admin),
    )
    await asyncio.sleep(2.1)
    return await _refused_everywhere(x, issued.json()["token"])


async def deleted_user(x: Actors) -> Outcome:
    email = f"gone-{uuid.uuid4().hex[:8]}@probe.example"
    gone, token = await _user_with_token(x.env, x.http, x.admin, "Gone", email)
    for service, path in PROTECTED.items():  # each service has seen and cached the token
        await x.status("GET", service, path, token)
    await x.status("DELETE", "distilera", f"/users/{gone}/", x.admin)
    # each service learns of the deletion from Hoardwell's stream: give it a bounded moment
    return await eventually(lambda: _refused_everywhere(x, token), lambda outcome: outcome[0])


# API3: properties a user must not set or see
async def mass_assign_role(x: Actors) -> Outcome:
    own = await x.status("PATCH", "distilera", f"/users/{x.a}/", x.a_token, json={"role": "admin"})
    edge = await x.status(
        "PATCH", "api", f"/api/v1/users/{x.a}/", x.a_token, json={"role": "admin"}
    )
    return own == 403 and edge == 403, f"make oneself admin: distilera {own}, edge {edge}"


async def mass_assign_balance(x: Actors) -> Outcome:
    body = {"user_id": x.a, "balance": 1_000_000}
    code = await x.status("POST", "mercatrix", "/accounts/", x.admin, json=body)
    balance = (
        await x.http.get(x.url("mercatrix", f"/accounts/{x.a}/"), headers=x.as_(x.a_token))
    ).json()
    return code == 400 and balance[
        "essence_coins"
    ] <= 100, f"open with a balance: {code}; A has {balance['essence_coins']}"


async def hidden_fields(x: Actors) -> Outcome:
    user = (
        await x.http.get(x.url("distilera", f"/users/{x.a}/"), headers=x.as_(x.a_token))
    ).text.lower()
    keys = (await x.http.get(x.url("distilera", "/.well-known/jwks.json"))).json()["keys"]
    leaked = [w for w in ("password", "secret", "hash", "token") if w in user]
    private = [k for k in keys if "d" in k]
    return (
        not leaked and not private,
        f"user fields leaking: {leaked or 'none'}; private keys published: {len(private)}",
    )


# API4: limits on what one caller may consume
async def page_size_cap(x: Actors) -> Outcome:
    statuses = {
        s: await x.status("GET", s, f"{p}?per_page=100000", x.admin) for s, p in PROTECTED.items()
    }
    return _every(lambda code: code == 400, statuses)


async def body_size_cap(x: Actors) -> Outcome:
    big = b'{"pad": "' + b"x" * 2_000_000 + b'"}'
    posts = {
        "api": "/api/v1/users/",
        "distilera": "/users/",
        "hoardwell": "/messages/",
        "mercatrix": "/transactions/",
        "jonar": "/alerts/",
    }
    statuses = {
        s: await x.status(
            "POST", s, p, x.admin, content=big, headers={"Content-Type": "application/json"}
        )
        for s, p in posts.items()
    }
    return _every(lambda code: code == 413, statuses)


async def rate_limit(x: Actors) -> Outcome:
    codes = [
        await x.status("GET", "api", "/api/v1/users/?per_page=1", x.b_token) for _ in range(70)
    ]
    reply = await x.http.get(x.url("api", "/api/v1/users/"), headers=x.as_(x.b_token))
    limited = codes.count(429)
    return (
        limited > 0 and "retry-after" in reply.headers,
        f"{limited} of 70 answered 429; Retry-After {reply.headers.get('retry-after')}",
    )


async def graphql_limits(x: Actors) -> Outcome:
    """Each limit refuses with its own reason: an error about something else (a typo, a
    missing field) would be no evidence that the limit exists."""
    aliases = "{ " + " ".join(f"a{i}: users {{ id }}" for i in range(60)) + " }"
    depth = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    results = {}
    for name, query, reason in (
        ("60 aliases", aliases, "aliases"),
        ("deep introspection", depth, "depth"),
    ):
        reply = await x.http.post(
            x.url("api", "/graphql/"), json={"query": query}, headers=x.as_(x.admin)
        )
        said = " ".join(str(e.get("message", "")) for e in reply.json().get("errors") or [])
        results[name] = reply.json().get("data") is None and reason in said.lower()
    batch = [{"query": "{ users { id } }"}, {"query": "{ users { name } }"}]
    reply = await x.http.post(x.url("api", "/graphql/"), json=batch, headers=x.as_(x.admin))
    results["a batch of queries"] = reply.status_code == 400 and "error" in reply.json()
    return all(results.values()), ", ".join(
        f"{k}: {'refused' if v else 'served'}" for k, v in results.items()
    )


# API5: admin and service functions as a plain user
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
            {"user_id": x.a, "amount": 5, "reference": "r"},
        ),
        "mercatrix ledger": ("GET", "mercatrix", "/ledger/", None),
        "hoardwell post": ("POST", "hoardwell", "/messages/", {"type": "x", "content": "c"}),
        "distilera token for B": ("POST", "distilera", "/auth/tokens/", {"user_id": x.b}),
    }
    statuses = {
        name: await x.status(m, s, p, x.a_token, **({"json": b} if b is not None else {}))
        for name, (m, s, p, b) in attempts.items()
    }
    return _every(lambda code: code == 403, statuses)


# API6: flows worth money, abused
async def welcome_grant_farming(x: Actors) -> Outcome:
    codes = [
        await x.status("POST", "mercatrix", "/accounts/", x.admin, json={"user_id": x.a})
        for _ in range(3)
    ]
    grants = (
        await x.http.get(
            x.url("mercatrix", f"/transactions/?user_id={x.a}&transaction_type=welcome_grant"),
            headers=x.as_(x.admin),
        )
    ).json()
    count = grants["meta"]["pagination"]["total_items"]
    return (
        count == 1,
        f"account opened again {len(codes)} times ({', '.join(map(str, codes))}); grants: {count}",
    )


async def reward_replay(x: Actors) -> Outcome:
    reward = {"user_id": x.b, "amount": 5.0, "reference": f"probe-{uuid.uuid4().hex}"}
    replies = [
        await x.http.post(x.url("mercatrix", "/rewards/"), json=reward, headers=x.as_(x.admin))
        for _ in range(3)
    ]
    ids = {r.json()["id"] for r in replies}
    return len(ids) == 1, f"the same reward sent 3 times: {len(ids)} transaction(s)"


# API7: a URL the services must never fetch
async def ssrf(x: Actors) -> Outcome:
    """A listener's URL given where a service might fetch it: as an avatar, in a message,
    and as the path behind a real deployment's service proxy. No connection may reach
    the listener, and each answer must be a refusal or plain storage, never the page."""
    hits: list[str] = []

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        hits.append("connection")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nlistener!")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    trap = f"http://127.0.0.1:{port}/probe"
    deployed = await x.http.post(
        x.url("jonar", "/deployments/"),
        json={"component": "hoardwell", "version": "1.0.0", "replicas": 1},
        headers=x.as_(x.admin),
        timeout=60,
    )
    deployment = deployed.json().get("id", "dep_missing")

    async def status() -> str:
        reply = await x.http.get(
            x.url("jonar", f"/deployments/{deployment}/"), headers=x.as_(x.admin)
        )
        return str(reply.json().get("status")) if reply.status_code == 200 else "missing"

    # the proxy is probed with a ready replica behind it, so a fetch would really happen
    await eventually(status, lambda now: now != "progressing", within=60)
    try:
        async with server:
            avatar = await x.status(
                "PATCH",
                "distilera",
                f"/users/{x.a}/",
                x.a_token,
                json={"profile": {"avatar": trap}},
            )
            proxied = await x.http.get(
                x.url("jonar", f"/deployments/{deployment}/service/{trap}"), headers=x.as_(x.admin)
            )
            message = await x.status(
                "POST",
                "hoardwell",
                "/messages/",
                x.admin,
                json={"type": "note", "content": trap, "sender": "jonar"},
            )
            await asyncio.sleep(0.5)
    finally:
        await x.status("DELETE", "jonar", f"/deployments/{deployment}/", x.admin)
    answers = {"avatar": avatar, "service proxy": proxied.status_code, "message": message}
    safe = (
        avatar in (200, 400)
        and proxied.status_code in (400, 404)
        and "listener!" not in proxied.text
        and message == 201
        and deployed.status_code in (200, 201, 202)
    )
    said = ", ".join(f"{k} {v}" for k, v in answers.items())
    return not hits and safe, f"connections to the listener: {len(hits)}; answers: {said}"


# API8: what errors and headers give away
async def error_bodies(x: Actors) -> Outcome:
    leaks = []
    for service in PROTECTED:
        for method, path, body in (
            ("GET", "/nothing-here/", None),
            ("DELETE", "/healthz", None),
            ("POST", "/auth/verify/", b"{oops"),
        ):
            reply = await x.http.request(
                method, x.url(service, path), content=body, headers=x.as_(x.admin)
            )
            envelope = (
                "error" in reply.json()
                if reply.headers.get("content-type", "").startswith("application/json")
                else False
            )
            if not envelope or "Traceback" in reply.text or 'File "' in reply.text:
                leaks.append(f"{service} {method} {path} {reply.status_code}")
    return (
        not leaks,
        "404, 405 and 400 on every service in the envelope, no stack trace; "
        f"bad: {leaks or 'none'}",
    )


async def headers(x: Actors) -> Outcome:
    problems = []
    for service, path in PROTECTED.items():
        reply = await x.http.options(
            x.url(service, path),
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        if reply.headers.get("access-control-allow-origin") in ("*", "https://evil.example"):
            problems.append(f"{service}: CORS allows any origin")
        answer = await x.http.get(x.url(service, path), headers=x.as_(x.admin))
        if answer.headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{service}: no nosniff")
        if "server" in answer.headers:
            problems.append(f"{service}: server banner {answer.headers['server']!r}")
    return not problems, "; ".join(problems) or "no CORS for strangers, nosniff, no server banner"


# API9: routes served and documented are the same
async def inventory(x: Actors) -> Outcome:
    stray = []
    for service in PROTECTED:
        document = (await x.http.get(x.url(service, "/openapi.json"))).json()
        for path, item in document["paths"].items():
            for method in item:
                if path.endswith("/stream/") or path == "/ws/":
                    continue
                concrete = path.replace("{", "").replace("}", "")
                reply = await x.http.request(
                    method.upper(), x.url(service, concrete), headers=x.as_(x.admin)
                )
                said = str(((_json(reply) or {}).get("error") or {}).get("message", ""))
                unrouted = reply.status_code == 404 and said.startswith("no route")
                if reply.status_code == 405 or unrouted or reply.status_code >= 500:
                    stray.append(
                        f"{service} {method.upper()} {path} documented, answered "
                        f"{reply.status_code}"
                    )
        for path in UNDOCUMENTED:
            if (await x.status("GET", service, path, x.admin)) != 404:
                stray.append(f"{service} {path} served, not documented")
    return not stray, "; ".join(
        stray
    ) or "every documented operation served, no undocumented route found"


# API10: malformed data from another service
async def unsafe_consumption(x: Actors) -> Outcome:
    """While A listens to their own updates, messages on the relay's channel that no edge
    published (no user, no data, a stranger) are posted to Hoardwell, then A publishes one
    real update: A must receive that update and nothing else, and the edge stay healthy."""
    import websockets

    odd = [
        {"type": "user_update", "channel": "user_updates", "content": "no user", "sender": "jonar"},
        {
            "type": "user_update",
            "channel": "user_updates",
            "content": "no data",
            "sender": "jonar",
            "user_id": x.a,
            "payload": {"x": [1, {"y": None}]},
        },
        {
            "type": "user_update",
            "channel": "user_updates",
            "content": "nobody",
            "sender": "jonar",
            "user_id": "nobody-" + "x" * 50,
        },
    ]
    ws_url = x.url("api", "/ws/").replace("http", "ws", 1)
    frames: list[dict[str, Any]] = []
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": x.a_token}))
        await ws.recv()
        await ws.send(json.dumps({"type": "subscribe", "channel": "user_updates", "user_id": x.a}))
        await ws.send(json.dumps({"type": "ping"}))
        await ws.recv()  # pong: the subscription is in place
        for message in odd:
            await x.status("POST", "hoardwell", "/messages/", x.admin, json=message)
        await ws.send(
            json.dumps({"type": "user_update", "user_id": x.a, "data": {"after": "odd messages"}})
        )
        while True:
            try:
                frames.append(json.loads(await asyncio.wait_for(ws.recv(), 1.5)))
            except TimeoutError:
                break
    healthy = (await x.http.get(x.url("api", "/healthz"))).status_code == 200
    wanted = [f for f in frames if f.get("data") == {"after": "odd messages"}]
    stray = [f for f in frames if f not in wanted]
    return (
        healthy and len(wanted) == 1 and not stray,
        f"{len(odd)} malformed relay messages: edge healthy {healthy}, the real update "
        f"received {len(wanted)} times, {len(stray)} other frames",
    )


CASES = [
    Case("API1", "distilera, api", "A changes or deletes B's user", bola_user),
    Case("API1", "mercatrix", "A reads B's balance or spends B's money", bola_account),
    Case("API1", "distilera", "A reads B's vault entry", bola_vault),
    Case("API1", "hoardwell", "A reads B's messages", bola_messages),
    Case("API2", "all five", "no token", no_token),
    Case("API2", "all five", "forged signature", forged_signature),
    Case("API2", "all five", "alg=none", alg_none),
    Case("API2", "all five", "signed with another key", wrong_key),
    Case("API2", "all five", "expired token", expired),
    Case("API2", "all five", "token of a deleted user", deleted_user),
    Case("API3", "distilera, api", "a user makes themself admin", mass_assign_role),
    Case("API3", "mercatrix", "an account opened with a balance", mass_assign_balance),
    Case("API3", "distilera", "secrets in user objects or the key set", hidden_fields),
    Case("API4", "all five", "a page of 100,000 items", page_size_cap),
    Case("API4", "all five", "a 2 MB body", body_size_cap),
    Case("API4", "api", "70 requests a minute from one user", rate_limit),
    Case("API4", "api", "GraphQL aliases, depth and batches", graphql_limits),
    Case(
        "API5",
        "jonar, mercatrix, hoardwell, distilera",
        "admin and service functions as a user",
        admin_functions,
    ),
    Case("API6", "mercatrix", "welcome grant farming", welcome_grant_farming),
    Case("API6", "mercatrix", "reward replay", reward_replay),
    Case("API7", "distilera, jonar, hoardwell", "URLs in inputs are never fetched", ssrf),
    Case("API8", "all five", "error bodies without stack traces", error_bodies),
    Case("API8", "all five", "CORS and response headers", headers),
    Case("API9", "all five", "served and documented routes agree", inventory),
    Case("API10", "api, hoardwell", "malformed messages on the live relay", unsafe_consumption),
]


async def _outcome(case: Case, x: Actors) -> Outcome:
    try:
        return await case.probe(x)
    except Exception as exc:  # a probe that cannot run is a failed probe, said plainly
        return False, f"probe failed: {type(exc).__name__}: {exc}"


async def probe(env: Environment, only: list[str] | None = None) -> pd.DataFrame:
    """Every case (or those whose probe function is named in `only`) against `env`:
    item, risk, services, probe, passed, detail.

    The attacks' requests are kept in the exchange journal as the `owasp` sweep: shown
    beside API coverage, never counted as it."""
    cases = [c for c in CASES if not only or c.probe.__name__ in only]
    transport = TimedTransport(httpx.AsyncHTTPTransport(), "", "", urls=env.urls)
    with sweep("owasp"):
        async with httpx.AsyncClient(timeout=30, transport=transport) as http:
            x = await actors(env, http)
            try:
                outcomes = [(case, await _outcome(case, x)) for case in cases]
            finally:
                for user in (x.a, x.b):  # the attack's users go with it
                    await x.status("DELETE", "distilera", f"/users/{user}/", x.admin)
    return pd.DataFrame(
        [
            {
                "item": case.item,
                "risk": ITEMS[case.item],
                "services": case.service,
                "probe": case.name,
                "passed": passed,
                "detail": detail,
            }
            for case, (passed, detail) in outcomes
        ]
    )
