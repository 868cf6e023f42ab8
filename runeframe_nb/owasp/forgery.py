"""A URL the services must never fetch (API7)."""

from __future__ import annotations

import asyncio

from ..waits import eventually
from .actors import Actors
from .cases import Outcome, case


@case("API7", "distilera, jonar, hoardwell", "URLs in inputs are never fetched")
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
        headers=x.as_(x.admin_token),
        timeout=60,
    )
    deployment = deployed.json().get("id", "dep_missing")

    async def status() -> str:
        reply = await x.http.get(
            x.url("jonar", f"/deployments/{deployment}/"), headers=x.as_(x.admin_token)
        )
        return str(reply.json().get("status")) if reply.status_code == 200 else "missing"

    # the proxy is probed with a ready replica behind it, so a fetch would really happen
    await eventually(status, lambda now: now != "progressing", within=60)
    try:
        async with server:
            avatar = await x.status(
                "PATCH",
                "distilera",
                f"/users/{x.attacker}/",
                x.attacker_token,
                json={"profile": {"avatar": trap}},
            )
            proxied = await x.http.get(
                x.url("jonar", f"/deployments/{deployment}/service/{trap}"),
                headers=x.as_(x.admin_token),
            )
            message = await x.status(
                "POST",
                "hoardwell",
                "/messages/",
                x.admin_token,
                json={"type": "note", "content": trap, "sender": "jonar"},
            )
            await asyncio.sleep(0.5)
    finally:
        await x.status("DELETE", "jonar", f"/deployments/{deployment}/", x.admin_token)
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
