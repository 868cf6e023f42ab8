"""What the kit said to the services and what they answered: the evidence behind a check.

Every request a kit client makes (REST, GraphQL) and every WebSocket connection it opens
is kept in a bounded journal: method, URL, headers with secrets masked, bodies up to a
size limit, status and timing; WebSocket frames each way with their times. A check takes
the exchanges of its window (since its cell began or the previous check, whichever is
earlier): a failed check keeps them whole, as its failure capsule; every check keeps the
operations they reached (service, method, path template, status), the evidence that
API coverage is computed from. GraphQL requests name their root fields and WebSocket
frames their message types, so those are covered the same way.

While a sweep runs (`with sweep("owasp"): ...`) its exchanges are marked with its name:
attacks and fuzzing are shown beside coverage, never counted as it.

Whatever a request created (a 201, or a 202 of work under way, naming an `id`, or a
GraphQL `createUser`) is remembered in `created`, so that a clean-up knows everything
the notebook made (residue.py), through whichever client it was made.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from . import masking
from .openapi import shared_matcher

BODY_LIMIT = 2_000  # characters of a body kept in a capsule
KEPT = 2_000  # exchanges the journal holds
CAPSULE_LIMIT = 20  # exchanges a failed check keeps, its latest

_sweep: ContextVar[str | None] = ContextVar("runeframe_sweep", default=None)


@contextlib.contextmanager
def sweep(name: str) -> Iterator[None]:
    """Mark the exchanges made inside the block as part of sweep `name` (owasp, fuzz)."""
    token = _sweep.set(name)
    try:
        yield
    finally:
        _sweep.reset(token)


mask_headers = masking.masked_headers


def mask_body(content: bytes | str) -> str:
    """A body as text, secret fields of JSON masked, cut at BODY_LIMIT characters."""
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
    with contextlib.suppress(ValueError):
        text = json.dumps(masking.masked_fields(json.loads(text)), ensure_ascii=False)
    if len(text) > BODY_LIMIT:
        return f"{text[:BODY_LIMIT]}… ({len(text):,} characters)"
    return text


def graphql_fields(body: bytes) -> list[str]:
    """The root fields a GraphQL request asks for: `query user`, `mutation createUser`."""
    from graphql import FieldNode, OperationDefinitionNode, parse

    try:
        sent = json.loads(body)
    except ValueError:
        return []
    found: list[str] = []
    for request in sent if isinstance(sent, list) else [sent]:
        query = request.get("query") if isinstance(request, dict) else None
        if not isinstance(query, str):
            continue
        try:
            document = parse(query)
        except Exception:  # a malformed query reaches no field
            continue
        for node in document.definitions:
            if isinstance(node, OperationDefinitionNode):
                kind = node.operation.value
                found += [
                    f"{kind} {f.name.value}"
                    for f in node.selection_set.selections
                    if isinstance(f, FieldNode) and not f.name.value.startswith("__")
                ]
    return found


@dataclass
class Frame:
    direction: str  # send or receive
    at: float
    data: str
    kind: str  # the frame's "type", or "" when it has none


@dataclass
class Exchange:
    service: str
    base_url: str
    method: str
    path: str
    query: str
    request_headers: dict[str, str]
    request_body: str
    started: float  # wall-clock seconds
    ms: float = 0.0
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    error: str = ""
    sweep: str | None = None
    graphql: list[str] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)  # a WebSocket's, in order
    count: int = 1  # more than one: a tally of like requests (the load engine's)

    @property
    def websocket(self) -> bool:
        return self.method == "WEBSOCKET"

    @property
    def http_base(self) -> str:
        """The service's HTTP base URL (a WebSocket's is ws://)."""
        return (
            self.base_url.replace("ws", "http", 1)
            if self.base_url.startswith("ws")
            else self.base_url
        )

    @property
    def url(self) -> str:
        return f"{self.base_url}{self.path}" + (f"?{self.query}" if self.query else "")

    @property
    def ended(self) -> float:
        last = self.frames[-1].at if self.frames else 0.0
        return max(self.started + self.ms / 1000, last)

    def within(self, start: float, end: float) -> Exchange | None:
        """This exchange as seen inside [start, end]: a WebSocket keeps only the frames
        of that span; None when nothing of it happened there."""
        if not self.websocket:
            return self if start <= self.started <= end else None
        frames = [f for f in self.frames if start <= f.at <= end]
        if not frames and not start <= self.started <= end:
            return None
        return replace(self, frames=frames)

    def operations(self) -> list[tuple[str, str, str, int]]:
        """(service, method, template, status) this exchange reached; GraphQL fields and
        WebSocket message types as operations of the edge."""
        if self.websocket:
            kinds = {(f.direction, f.kind) for f in self.frames if f.kind}
            template = shared_matcher().template(self.http_base, "GET", self.path)
            handshake = [(self.service, "GET", template, self.status)] if self.status else []
            return handshake + [(self.service, "WS", f"{d} {k}", 0) for d, k in sorted(kinds)]
        if self.status == 0:
            return []
        template = shared_matcher().template(self.base_url, self.method, self.path)
        found = [(self.service, self.method, template, self.status)]
        found += [(self.service, "GRAPHQL", f, self.status) for f in self.graphql]
        return found

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["url"] = self.url
        return data


class Journal:
    """The latest exchanges of this process, oldest first."""

    def __init__(self, limit: int = KEPT) -> None:
        self.exchanges: deque[Exchange] = deque(maxlen=limit)

    def add(self, exchange: Exchange) -> Exchange:
        exchange.sweep = _sweep.get()
        self.exchanges.append(exchange)
        return exchange

    def between(self, start: float, end: float | None = None) -> list[Exchange]:
        stop = time.time() if end is None else end
        seen = (e.within(start, stop) for e in self.exchanges if e.ended >= start)
        return [e for e in seen if e is not None]

    def clear(self) -> None:
        self.exchanges.clear()


journal = Journal()


def tally(service: str, base_url: str, endpoint: str, status: int, count: int) -> None:
    """Keep `count` like requests as one exchange: how the load engine's work becomes a
    check's evidence without a journal entry per request."""
    method, _, path = endpoint.partition(" ")
    if not path.startswith("/"):
        method, path = "GET", endpoint
    path = path.partition("?")[0]
    exchange = Exchange(service, base_url, method, path, "", {}, "", time.time(), status=status)
    exchange.count = count
    journal.add(exchange)


@dataclass(frozen=True)
class Made:
    """A resource a request created: where it lives, and the path that reads it."""

    service: str
    base_url: str
    path: str  # its own URL's path: /users/u1/, /api/v1/users/u1/

    @property
    def kind(self) -> str:
        """Its collection: users, listings, vault, ..."""
        return self.path.strip("/").split("/")[-2]


created: list[Made] = []


def remember_created(exchange: Exchange, location: str | None, body: bytes) -> None:
    """Keep what `exchange` created, if anything."""
    if exchange.method != "POST":
        return
    try:
        answer = json.loads(body) if body else None
    except ValueError:
        return
    if exchange.graphql and exchange.status == 200 and isinstance(answer, dict):
        made = ((answer.get("data") or {}).get("createUser") or {}).get("user") or {}
        if made.get("id"):
            prefix = exchange.path.removesuffix("/graphql/")
            created.append(
                Made(exchange.service, exchange.base_url, f"{prefix}/api/v1/users/{made['id']}/")
            )
        return
    if exchange.status not in (201, 202) or not isinstance(answer, dict) or not answer.get("id"):
        return
    path = location if location and location.startswith("/") else f"{exchange.path}{answer['id']}/"
    created.append(Made(exchange.service, exchange.base_url, path))


# a service's own plumbing: a read of these says it is up, not that it works
PLUMBING = frozenset({"/healthz", "/metrics", "/openapi.json"})


def functional(template: str) -> bool:
    """Whether an operation is the service's function (not its health, metrics or document)."""
    return template not in PLUMBING


def of(reply: Any) -> Exchange | None:
    """The exchange a kit client's reply (an httpx.Response) came from (an exchange is
    its own)."""
    if isinstance(reply, Exchange):
        return reply
    extensions = getattr(reply, "extensions", None)
    found = extensions.get(EXTENSION) if isinstance(extensions, dict) else None
    return found if isinstance(found, Exchange) else None


EXTENSION = "runeframe_exchange"  # where a reply keeps its exchange


def evidence(exchanges: list[Exchange]) -> list[dict[str, Any]]:
    """The functional operations a set of exchanges reached, counted: what coverage and
    the mutants' attribution read."""
    counts: dict[tuple[str, str, str, int, str | None], int] = {}
    for exchange in exchanges:
        for op in exchange.operations():
            if not functional(op[2]):
                continue
            key = (*op, exchange.sweep)
            counts[key] = counts.get(key, 0) + exchange.count
    return [
        {
            "service": s,
            "method": m,
            "operation": t,
            "status": st,
            **({"sweep": sw} if sw else {}),
            "count": n,
        }
        for (s, m, t, st, sw), n in sorted(counts.items(), key=lambda kv: str(kv[0]))
    ]
