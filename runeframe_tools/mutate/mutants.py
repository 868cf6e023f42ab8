"""A mutant: one small, realistic regression of the services, injected by the fault proxy.

A mutant names what it breaks, the service and side it sits on (`front`: between the kit
and a service; `peer`: between two services) and the routes it changes, and is one of:

- `handle(call)`: answer a request, usually by forwarding it (`await call.forward()`)
  and changing what goes up or comes back, or by forwarding it twice, or not at all;
- `answer_mutant`: a `handle` that forwards the request and rewrites the JSON object of
  a successful answer (`change(body, call)` returns the new body, or None to leave it);
- `frames(state, direction, text)`: the WebSocket frames to pass on for one frame seen
  (none to drop it, two to repeat it); `direction` is `send` (client to service) or
  `receive` (service to client), `state` a dict kept for the connection.

A `held_out` mutant belongs to the regressions committed before the property oracles
(catalogue/regressions.py) and not looked at while they were written: the share of them
killed says how well the suite catches what nobody wrote a check for.

A `tolerated` mutant is a fault the stack is designed to absorb (a transient 503 on a
notification between services, say): it runs as a control, and the suite must stay
green. A mutant that takes a service `down` also cuts and refuses its WebSocket streams
while `down(memory)` says so.
Mutants register themselves where they are written (catalogue/), by name.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from .proxy import Call, Reply

Side = Literal["front", "peer"]
Handler = Callable[["Call"], Awaitable["Reply"]]
Change = Callable[[dict[str, Any], "Call"], dict[str, Any] | None]
FrameFilter = Callable[[dict[str, Any], str, str], list[str]]
Down = Callable[[dict[str, Any]], bool]


def _pattern(route: str) -> tuple[str, re.Pattern[str]]:
    """A route's method and path pattern; `*` stands for any method, or any path."""
    method, _, template = route.partition(" ")
    if template == "*":
        return method, re.compile(".*")
    if not template.startswith("/"):
        raise ValueError(f"route {route!r} is not 'METHOD /path/{{param}}/'")
    escaped = re.escape(template).replace(r"\{path\}", ".+")  # a path parameter spans slashes
    regex = re.sub(r"\\\{\w+\\\}", "[^/]+", escaped)
    return method, re.compile(f"^{regex}$")


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str
    service: str
    routes: tuple[str, ...]
    side: Side = "front"
    handle: Handler | None = None
    frames: FrameFilter | None = None
    # where a fault on the peer side shows to the kit ("hoardwell GET /messages/"): the
    # notebooks that read there are the ones that can catch it
    reveals: tuple[str, ...] = ()
    tolerated: bool = False
    down: Down | None = None
    held_out: bool = False
    module: str = ""  # the catalogue module it is written in

    def matches(self, service: str, side: str, method: str, path: str) -> bool:
        if side != self.side or self.service not in ("*", service):
            return False
        for route in self.routes:
            wanted, pattern = _pattern(route)
            if wanted in (method, "*") and pattern.match(path):
                return True
        return False

    def seen_at(self, service: str, method: str, template: str) -> bool:
        """Whether a check that reached this operation (its evidence) could notice the
        mutant: the operation is one it changes, or, for a fault between services or in
        a socket's frames, one where it `reveals` itself."""
        if self.side == "peer" or self.frames is not None:
            return f"{service} {method} {template}" in self.reveals
        return self.matches(service, self.side, method, template)


CATALOGUE: dict[str, Mutant] = {}


def mutant(
    name: str,
    breaks: str,
    service: str,
    *routes: str,
    side: Side = "front",
    reveals: tuple[str, ...] = (),
    tolerated: bool = False,
    down: Down | None = None,
    held_out: bool = False,
) -> Callable[[Handler], Handler]:
    """Register the decorated `handle` as mutant `name`."""

    def register(handle: Handler) -> Handler:
        _register(
            Mutant(
                name,
                breaks,
                service,
                routes,
                side,
                handle,
                None,
                reveals,
                tolerated,
                down,
                held_out,
            ),
            handle,
        )
        return handle

    return register


def answer_mutant(
    name: str,
    breaks: str,
    service: str,
    *routes: str,
    statuses: tuple[int, ...] = (200, 201),
    held_out: bool = False,
) -> Callable[[Change], Change]:
    """Register the decorated `change` of a successful answer's JSON object as mutant `name`."""

    def register(change: Change) -> Change:
        async def handle(call: Call) -> Reply:
            answer = await call.forward()
            body = answer.json() if answer.status in statuses else None
            changed = change(body, call) if isinstance(body, dict) else None
            return answer if changed is None else answer.with_json(changed)

        _register(Mutant(name, breaks, service, routes, "front", handle, held_out=held_out), change)
        return change

    return register


def frame_mutant(
    name: str,
    breaks: str,
    service: str,
    route: str,
    *,
    side: Side = "front",
    reveals: tuple[str, ...] = (),
) -> Callable[[FrameFilter], FrameFilter]:
    """Register the decorated frame filter as mutant `name` on a WebSocket route."""

    def register(frames: FrameFilter) -> FrameFilter:
        _register(Mutant(name, breaks, service, (route,), side, None, frames, reveals), frames)
        return frames

    return register


def _register(found: Mutant, written: Callable[..., Any]) -> None:
    if found.name in CATALOGUE:
        raise ValueError(f"mutant {found.name!r} is registered twice")
    for route in found.routes:
        _pattern(route)
    CATALOGUE[found.name] = replace(found, module=written.__module__)


def registered() -> dict[str, Mutant]:
    """Every registered mutant by name (importing the catalogue registers them)."""
    importlib.import_module(f"{__package__}.catalogue")

    return CATALOGUE


def find(name: str) -> Mutant:
    found = registered().get(name)
    if found is None:
        from runeframe_nb.errors import MutateError  # the kit, only to say so: see __init__

        raise MutateError(f"unknown mutant {name!r}; `runeframe-nb mutate --list` names them")
    return found
