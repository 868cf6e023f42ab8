"""The stack's promise under an outage between services: what one service tells another
is delayed, never lost, never doubled, and a write does not wait for the absent peer.

Each test runs the suite's kinds of traffic (users, simulations and their rewards and
events, refusals and their alerts, live updates between WebSocket clients) through the
fault proxy while one peer is down for 10 s from its first notification, then counts
end to end what arrived."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
import websockets

from runeframe_nb.profiles import Profile
from runeframe_tools.mutate.catalogue.faults import OUTAGE_SECONDS
from runeframe_tools.mutate.harness import Proxied, proxied_stack

ROUNDS = 7  # one round every two seconds: before, during and after the outage
UPDATES_PER_ROUND = 2
ARRIVAL_SECONDS = 20.0  # the outage's end, the outbox's backoff, and a margin


DOWN = {"hoardwell-down": "hoardwell", "mercatrix-down": "mercatrix", "jonar-down": "jonar"}


@pytest.fixture(params=list(DOWN))
def outage(request: pytest.FixtureRequest, profile: Profile, tmp_path: Path) -> Iterator[Proxied]:
    """A stack of the session's profile (SQLite, or PostgreSQL and Redis) behind the fault
    proxy, one peer going down at its first notification."""
    with proxied_stack(profile, request.param, tmp_path) as proxied:
        yield proxied


@pytest.fixture
async def http(outage: Proxied) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {outage.token}"}
    async with httpx.AsyncClient(headers=headers, timeout=10) as client:
        yield client


class Traffic:
    """What the test did, by id: the oracle the counts are held to."""

    def __init__(self, front: dict[str, str], http: httpx.AsyncClient) -> None:
        self.front, self.http = front, http
        self.users: list[str] = []
        self.simulations: dict[str, str] = {}  # id: its user
        self.rewarded: set[str] = set()
        self.refused: list[str] = []  # the user each refusal named
        self.write_seconds: list[float] = []

    async def post(self, service: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        reply = await self.http.post(self.front[service] + path, json=body)
        self.write_seconds.append(time.perf_counter() - started)
        assert reply.status_code in (200, 201), reply.text
        answer: dict[str, Any] = reply.json()
        return answer

    async def round(self, n: int) -> None:
        user = await self.post(
            "distilera", "/users/", {"name": f"Outage {n}", "email": f"outage{n}@runeframe.dev"}
        )
        self.users.append(user["id"])
        new = {"user_id": user["id"], "elements": ["fire", "air"], "target_result": "dragon_scale"}
        simulation = await self.post("distilera", "/simulations/", new)
        self.simulations[simulation["id"]] = user["id"]
        done = await self.post("distilera", f"/simulations/{simulation['id']}/complete/", {})
        if done["reward"]:
            self.rewarded.add(simulation["id"])
        wrong = {"user_id": user["id"], "elements": [], "target_result": "dragon_scale"}
        refused = await self.http.post(self.front["distilera"] + "/simulations/", json=wrong)
        assert refused.status_code == 400
        self.refused.append(user["id"])

    async def get_all(self, service: str, path: str, **query: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        url: str | None = self.front[service] + path
        params: dict[str, str] | None = {**query, "per_page": "100"}
        while url:
            page = (await self.http.get(url, params=params)).json()
            found += page["data"]
            url, params = page["links"]["next"], None
            if url and url.startswith("/"):
                url = self.front[service] + url
        return found


async def live_updates(front: str, token: str, user: str, rounds: int) -> tuple[int, list[int]]:
    """Publish UPDATES_PER_ROUND updates a round, two seconds apart, to `user`'s
    subscriber; how many were accepted, and the numbers the subscriber received."""
    url = front.replace("http", "ws", 1) + "/ws/"
    async with websockets.connect(url) as publisher, websockets.connect(url) as subscriber:
        for socket in (publisher, subscriber):
            await socket.send(json.dumps({"type": "auth", "token": token}))
            assert json.loads(await socket.recv())["status"] == "authenticated"
        await subscriber.send(
            json.dumps({"type": "subscribe", "channel": "user_updates", "user_id": user})
        )
        await subscriber.send(json.dumps({"type": "ping"}))
        assert json.loads(await subscriber.recv())["type"] == "pong"
        sent = 0
        for _ in range(rounds):
            for _ in range(UPDATES_PER_ROUND):
                frame = {"type": "user_update", "user_id": user, "data": {"n": sent}}
                await publisher.send(json.dumps(frame))
                sent += 1
            await publisher.send(json.dumps({"type": "ping"}))
            while json.loads(await publisher.recv())["type"] != "pong":
                pass  # its own updates come back too; the pong says all were taken
            await asyncio.sleep(2)
        received: list[int] = []
        deadline = time.monotonic() + ARRIVAL_SECONDS
        while len(received) < sent and time.monotonic() < deadline:
            try:
                frame = json.loads(await asyncio.wait_for(subscriber.recv(), 1))
            except TimeoutError:
                continue
            if frame.get("type") == "user_update":
                received.append(frame["data"]["n"])
        try:  # anything more is a repeat
            while True:
                frame = json.loads(await asyncio.wait_for(subscriber.recv(), 1))
                if frame.get("type") == "user_update":
                    received.append(frame["data"]["n"])
        except TimeoutError:
            pass
        return sent, received


async def counted(traffic: Traffic) -> dict[str, Any]:
    """What arrived of what the traffic caused, read from each receiving service."""
    users = set(traffic.users)
    messages = Counter(
        (m["type"], m.get("simulation_id") or m.get("user_id"))
        for m in await traffic.get_all("hoardwell", "/messages/", sender="distilera")
        if m.get("user_id") in users
    )
    accounts = [
        (await traffic.http.get(f"{traffic.front['mercatrix']}/accounts/{u}/")).status_code
        for u in traffic.users
    ]
    paid = [
        t
        for u in traffic.users
        for t in await traffic.get_all("mercatrix", "/transactions/", user_id=u)
    ]
    rewards = Counter(t["reference"] for t in paid if t["transaction_type"] != "grant")
    events = Counter(
        e["id"] for e in await traffic.get_all("jonar", "/events/", component="distilera")
    )
    alerts = Counter(
        a["details"]["user_id"]
        for a in await traffic.get_all("jonar", "/alerts/", type="distilera_error")
        if a["details"]["user_id"] in users
    )
    return {
        "user_created": sorted(messages[("user_created", u)] for u in traffic.users),
        "accounts": accounts,
        "started": sorted(messages[("simulation_started", s)] for s in traffic.simulations),
        "completed": sorted(messages[("simulation_completed", s)] for s in traffic.simulations),
        "errors": sorted(messages[("error", u)] for u in traffic.refused),
        "rewards": sorted(rewards[f"simulation:{s}"] for s in traffic.rewarded),
        "events": sorted(events[f"evt_{s}"] for s in traffic.simulations),
        "alerts": sorted(alerts[u] for u in traffic.refused),
    }


class Watch:
    """Distilera's /healthz and /metrics, read every half second, as an operator would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.degraded: set[str] = set()
        self.pending = self.oldest = 0.0

    async def read(self, http: httpx.AsyncClient) -> dict[str, Any]:
        health: dict[str, Any] = (await http.get(f"{self.url}/healthz")).json()
        self.degraded |= set(health["degraded"])
        for line in (await http.get(f"{self.url}/metrics")).text.splitlines():
            name, _, value = line.partition(" ")
            if name.startswith("outbox_pending{"):
                self.pending = max(self.pending, float(value))
            elif name.startswith("outbox_oldest_pending_seconds{"):
                self.oldest = max(self.oldest, float(value))
        return health

    async def forever(self, http: httpx.AsyncClient) -> None:
        while True:
            await self.read(http)
            await asyncio.sleep(0.5)


async def test_every_notification_arrives_once_through_an_outage(
    outage: Proxied, http: httpx.AsyncClient, request: pytest.FixtureRequest
) -> None:
    traffic = Traffic(outage.front, http)
    watch = Watch(outage.direct["distilera"])
    watching = asyncio.create_task(watch.forever(http))
    listener = {"name": "Live Outage", "email": "live-outage@runeframe.dev"}
    first = await traffic.post("distilera", "/users/", listener)
    started = time.monotonic()

    async def rounds() -> None:
        for n in range(ROUNDS):
            await traffic.round(n)
            await asyncio.sleep(max(0.0, started + 2 * (n + 1) - time.monotonic()))

    _, (sent, received) = await asyncio.gather(
        rounds(), live_updates(outage.front["api"], str(outage.token), first["id"], ROUNDS)
    )
    assert time.monotonic() - started > OUTAGE_SECONDS  # the traffic outlasted the outage
    n, s, r = len(traffic.users), len(traffic.simulations), len(traffic.rewarded)
    expected = {
        "user_created": [1] * n,
        "accounts": [200] * n,
        "started": [1] * s,
        "completed": [1] * s,
        "errors": [1] * n,
        "rewards": [1] * r,
        "events": [1] * s,
        "alerts": [1] * n,
    }
    deadline = time.monotonic() + ARRIVAL_SECONDS
    found = await counted(traffic)
    while found != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        found = await counted(traffic)
    watching.cancel()
    assert found == expected
    assert r > 0
    # while it lasted, Distilera said which peer failed, and its outbox's depth and age
    peer = DOWN[request.node.callspec.params["outage"]]
    assert peer in watch.degraded, watch.degraded
    assert watch.pending >= 1 and watch.oldest >= 1.0, (watch.pending, watch.oldest)
    assert await watch.read(http) == {
        "status": "ok",
        "service": "distilera",
        "version": ANY,
        "degraded": [],
    }
    assert sorted(received) == list(range(sent)), (sent, received)  # all, none twice
    assert received == sorted(received)  # and in the order they were published
    # no write waited on the absent peer: at most the outbox's bound and some
    assert max(traffic.write_seconds) < 1.0, max(traffic.write_seconds)
