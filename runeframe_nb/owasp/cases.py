"""The OWASP API Security Top 10 (2023) items, and the registry of probes against them.

A probe registers itself where it is written, with `@case(item, services, name)`; the
registry keeps the cases in item order, and in the order written within an item.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .actors import Actors

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

Outcome = tuple[bool, str]
Probe = Callable[["Actors"], Awaitable[Outcome]]


@dataclass(frozen=True)
class Case:
    item: str
    service: str
    name: str
    probe: Probe


CASES: list[Case] = []


def case(item: str, services: str, name: str) -> Callable[[Probe], Probe]:
    """Register the decorated probe as a case of `item` against `services`."""
    if item not in ITEMS:
        raise ValueError(f"{item} is not an item of the OWASP API Top 10 (2023)")

    def register(probe: Probe) -> Probe:
        CASES.append(Case(item, services, name, probe))
        CASES.sort(key=lambda c: int(c.item.removeprefix("API")))  # stable: written order
        return probe

    return register
