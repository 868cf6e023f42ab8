"""The stack spread over processes as over hosts: one `runeframe-stack up --only SERVICE`
per service on PostgreSQL and Redis, finding each other through URLs, with two edges and
two Hoardwells. A rate limit and a WebSocket broadcast hold across the edges."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
import yaml

from runeframe_nb.stack import free_port_offset
from runeframe_stack.core.postgres import drop_database

SERVER = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = SERVER.rsplit("/", 1)[0] + f"/runeframe_mp_{secrets.token_hex(3)}"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SERVICES = ("distilera", "hoardwell", "mercatrix", "jonar")
LIMIT = 10


def reachable(url: str, default_port: int) -> bool:
    rest = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = rest.partition(":")
    try:
        socket.create_connection((host, int(port or default_port)), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def backing() -> None:
    if not (reachable(DATABASE_URL, 5432) and reachable(REDIS_URL, 6379)):
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL and Redis must run in CI")
        pytest.skip("PostgreSQL or Redis is not running")


def url(offset: int, service: str) -> str:
    return f"http://127.0.0.1:{8000 + offset + ('api', *SERVICES).index(service)}"


def start(folder: Path, name: str, service: str, offset: int, settings: dict[str, Any]) -> Any:
    config = folder / f"{name}.yaml"
    config.write_text(yaml.safe_dump(settings))
    with (folder / f"{name}.log").open("ab") as log:  # the child keeps its own handle
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runeframe_stack",
                "up",
                "--only",
                service,
                "--config",
                str(config),
                "--port-offset",
                str(offset),
                "--data-dir",
                str(folder / name),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_healthy(urls: list[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    pending = set(urls)
    while pending and time.monotonic() < deadline:
        for candidate in list(pending):
            try:
                if httpx.get(f"{candidate}/healthz", timeout=1).status_code == 200:
                    pending.discard(candidate)
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    assert not pending, f"not healthy: {sorted(pending)}"


@pytest.fixture(scope="module")
def edges(backing: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two edges: A follows Hoardwell 1, B posts to Hoardwell 2; everything else shared."""
    folder = tmp_path_factory.mktemp("multiprocess")
    main, second = free_port_offset(), free_port_offset()
    namespace = f"mp{secrets.token_hex(3)}_"
    shared = {
        "database_url": DATABASE_URL,
        "redis_url": REDIS_URL,
        "namespace": namespace,
        "service_tokens": {s: secrets.token_urlsafe(16) for s in ("api", *SERVICES)},
        "rate_limit": {"requests": LIMIT, "window_seconds": 60},
        "static_tokens": {
            "limited": {"user_id": "limited", "roles": ["user"]},
            "burst": {"user_id": "burst", "roles": ["user"]},
        },
        "urls": {s: url(main, s) for s in SERVICES},
    }
    second_hoardwell = url(second, "hoardwell")
    processes = [start(folder, s, s, main, shared) for s in SERVICES]
    processes.append(start(folder, "hoardwell-2", "hoardwell", second, shared))
    processes.append(start(folder, "edge-a", "api", main, shared))
    edge_b = {**shared, "urls": {**shared["urls"], "hoardwell": second_hoardwell}}
    processes.append(start(folder, "edge-b", "api", second, edge_b))
    try:
        wait_healthy([url(main, s) for s in ("api", *SERVICES)] + [second_hoardwell])
        wait_healthy([url(second, "api")])
        yield [url(main, "api"), url(second, "api")]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(30)
        asyncio.run(drop_database(DATABASE_URL))  # the services created it on first start


def test_a_rate_limit_counts_requests_at_every_edge(edges: list[str]) -> None:
    headers = {"Authorization": "Bearer limited"}
    statuses = [
        httpx.get(f"{edge}/api/v1/users/", headers=headers, timeout=10).status_code
        for _ in range(LIMIT // 2 + 1)
        for edge in edges
    ]
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == 2


async def test_an_update_sent_at_one_edge_reaches_a_subscriber_at_the_other(
    edges: list[str],
) -> None:
    a, b = (edge.replace("http", "ws", 1) + "/ws/" for edge in edges)
    async with websockets.connect(a) as listener, websockets.connect(b) as sender:
        for ws in (listener, sender):
            await ws.send(json.dumps({"type": "auth", "token": "limited"}))
            assert json.loads(await ws.recv())["status"] == "authenticated"
        await listener.send(
            json.dumps({"type": "subscribe", "channel": "user_updates", "user_id": "limited"})
        )
        await listener.send(json.dumps({"type": "ping"}))  # the subscription is in place
        assert json.loads(await listener.recv())["type"] == "pong"
        await sender.send(
            json.dumps({"type": "user_update", "user_id": "limited", "data": {"status": "online"}})
        )
        update = json.loads(await asyncio.wait_for(listener.recv(), timeout=10))
    assert (update["type"], update["user_id"], update["data"]) == (
        "user_update",
        "limited",
        {"status": "online"},
    )


async def test_a_burst_beyond_the_redis_pool_waits_for_connections_instead_of_failing(
    edges: list[str],
) -> None:
    """Found by the performance notebook on PostgreSQL + Redis: 500 users at once made the
    rate limiter's Redis pool raise 'Too many connections', answered as 500s."""
    limits = httpx.Limits(max_connections=300)
    headers = {"Authorization": "Bearer burst"}
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        replies = await asyncio.gather(
            *(client.get(f"{edges[0]}/api/v1/users/?per_page=1") for _ in range(300))
        )
    statuses = Counter(r.status_code for r in replies)
    assert set(statuses) <= {200, 429}, statuses
    assert statuses[200] == LIMIT
