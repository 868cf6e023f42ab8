"""The locustfile the `locust` engine runs: one FastHttpUser class driven by a load plan.

The engine writes a copy of this file with the plan (JSON; the scenario, if any,
cloudpickled) in PLAN_TEXT, so remote workers that fetch the file from the master
(`locust --worker -f - --master-host ...`) get the plan with it.
"""

from __future__ import annotations

import base64
import itertools
import json
import tempfile
from typing import Any
from urllib.parse import urlsplit

import certifi
import cloudpickle
import gevent
import gevent.ssl
from locust import FastHttpUser, constant, constant_throughput, task

PLAN_TEXT = "{}"  # replaced by the plan in the copy the engine runs
PLAN: dict[str, Any] = json.loads(PLAN_TEXT)
SCENARIO = cloudpickle.loads(base64.b64decode(PLAN["scenario"])) if PLAN.get("scenario") else None
_numbers = itertools.count()


class Done:
    """An awaitable that is already resolved: lets a coroutine run to its end without a loop."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        return self.value
        yield  # a generator: `await` takes its return value at once


class LocustReply:
    """The engine's Reply (load/user.py: `status`, `body`, `json()`), restated here so that
    a remote worker needs nothing but Locust to run this file."""

    __slots__ = ("body", "status")

    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


class LocustVirtualUser:
    """The scenario API (`get`, `post`, `request`, `think`) on top of Locust's client."""

    def __init__(self, user: FastHttpUser, index: int) -> None:
        self._user = user
        self.index = index
        tokens = PLAN.get("tokens") or []
        self.token = tokens[index % len(tokens)] if tokens else None
        self.headers = dict(PLAN.get("headers") or {})
        if self.token:
            self.headers["Authorization"] = f"Bearer {self.token}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Any = None,
        name: str | None = None,
    ) -> Done:
        reply = self._user.client.request(
            method,
            path,
            json=json,
            headers={**self.headers, **(headers or {})},
            name=name or f"{method} {path}",
        )
        return Done(LocustReply(reply.status_code or 0, reply.content or b""))

    def get(self, path: str, **kwargs: Any) -> Done:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Done:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Done:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Done:
        return self.request("DELETE", path, **kwargs)

    def think(self, seconds: float) -> Done:
        gevent.sleep(seconds)
        return Done(None)


def drive(scenario: Any, user: LocustVirtualUser) -> None:
    coroutine = scenario(user)
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    raise TypeError("a scenario may await only its user's methods (get, post, think...)")


def _ssl_context(**_: Any) -> Any:
    """The plan's trust and client certificate, as geventhttpclient asks for a context
    (it offers a `cafile` of its own: the plan's CA is the one to trust)."""
    tls = PLAN["tls"]
    context = gevent.ssl.create_default_context(
        cadata=tls["ca"] if tls["ca"] else None, cafile=None if tls["ca"] else certifi.where()
    )
    if tls["cert"]:
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as pem:  # read at once, then gone
            pem.write(tls["cert"] + "\n" + (tls["key"] or ""))
            pem.flush()
            context.load_cert_chain(pem.name)
    return context


def _proxy() -> tuple[str | None, int | None]:
    parts = urlsplit(PLAN.get("proxy") or "")
    return (parts.hostname, parts.port or 80) if parts.hostname else (None, None)


def _wait_time() -> Any:
    if PLAN.get("rate"):
        return constant_throughput(PLAN["rate"] / max(PLAN.get("users", 1), 1))
    return constant(PLAN.get("think_time", 0.0))


class RuneframeUser(FastHttpUser):
    host = PLAN.get("host", "http://127.0.0.1")
    wait_time = _wait_time()
    insecure = not (PLAN.get("tls") or {}).get("verify", True)  # Locust's default: unverified
    ssl_context_factory = None if insecure or not PLAN.get("tls") else staticmethod(_ssl_context)
    proxy_host, proxy_port = _proxy()

    def on_start(self) -> None:
        self.virtual = LocustVirtualUser(self, next(_numbers))

    @task
    def iteration(self) -> None:
        if SCENARIO is None:
            self.client.get(PLAN.get("path", "/"), headers=self.virtual.headers)
        else:
            drive(SCENARIO, self.virtual)
