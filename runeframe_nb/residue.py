"""What a notebook made, and what of it is left once it has cleaned up.

`await clean_up()` takes everything this kernel's clients created (exchanges.created),
deletes what the API lets a client delete (users, listings, vault entries, deployments;
users last, since other things name them), then asks for each again: what still answers
is residue. What is history by design is kept, and said to be: the ledger's
transactions and rewards (money stays conserved only if every movement stays), the
message log (services replay their streams from it), simulations, coordinations and
collaborations (the ledger's rewards name them), Jonar's alerts and events (its audit
trail). They stay under the notebook's namespaced users.

Every step is one bounded request per resource: nothing here waits on a loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from . import exchanges
from ._tables import pandas
from .clients._service import client_settings
from .environment import Environment, active
from .exchanges import Made
from .waits import eventually

if TYPE_CHECKING:
    import pandas as pd

DELETION_WITHIN = 30.0  # a deployment's replicas drain (5 s each, at once) before it is gone
HISTORY = {
    "transactions": "the ledger: every movement of money stays, so money stays conserved",
    "rewards": "the ledger: every movement of money stays, so money stays conserved",
    "messages": "the message log other services replay their streams from",
    "simulations": "the ledger's rewards name them",
    "coordinations": "the record of a coordinated run and its agents' messages",
    "collaborations": "the ledger's rewards name them",
    "contributions": "part of their collaboration's record",
    "alerts": "Jonar's audit trail",
    "events": "Jonar's audit trail",
    "load": "a load run's report, kept at its status URL (the newest 200 runs)",
}
COLUMNS = ["service", "kind", "made", "deleted", "left", "kept", "why kept"]
IN_FLIGHT = 16


@dataclass
class Residue:
    """Per service and kind: made, deleted, left (residue) and kept (history)."""

    table: pd.DataFrame
    left_behind: list[str]  # paths of what is still there and should not be

    @property
    def left(self) -> int:
        return len(self.left_behind)

    @property
    def summary(self) -> str:
        made, kept = int(self.table["made"].sum()), int(self.table["kept"].sum())
        leftover = (
            f"{self.left} left: {', '.join(self.left_behind[:3])}" if self.left else "none left"
        )
        return f"{made} made, {made - kept - self.left} deleted, {kept} kept as history, {leftover}"

    def _repr_html_(self) -> str:
        return str(self.table.to_html(index=False, na_rep=""))

    def __repr__(self) -> str:
        return str(self.table.to_string(index=False))


def _deleting(reply: httpx.Response | None) -> bool:
    try:
        body = reply.json() if reply is not None else None
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == "deleting"


def _gone(reply: httpx.Response) -> bool:
    """Not found, or kept only as a record of its deletion (a deployment's)."""
    if reply.status_code in (404, 410):
        return True
    try:
        body = reply.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == "deleted"


async def clean_up(
    made: Iterable[Made] | None = None, environment: Environment | None = None
) -> Residue:
    """Delete what `made` (default: everything this kernel created) the API lets us
    delete, and count what is left, per service and kind."""
    env = environment or active()
    things = list(dict.fromkeys(exchanges.created if made is None else made))
    doomed = [m for m in things if m.kind not in HISTORY]
    doomed.sort(key=lambda m: m.kind == "users")  # users last: others name them
    clients: dict[str, httpx.AsyncClient] = {}
    gate = asyncio.Semaphore(IN_FLIGHT)

    def client(m: Made) -> httpx.AsyncClient:
        if m.base_url not in clients:
            clients[m.base_url] = httpx.AsyncClient(
                **client_settings(m.service, environment=env, base_url=m.base_url)
            )
        return clients[m.base_url]

    async def request(method: str, m: Made) -> httpx.Response | None:
        async with gate:
            try:
                return await client(m).request(method, m.path)
            except httpx.HTTPError:
                return None

    async def settled(m: Made) -> httpx.Response | None:
        """Asked again while a deletion is still under way (a deployment's replicas drain)."""
        return await eventually(
            lambda: request("GET", m), lambda r: not _deleting(r), within=DELETION_WITHIN
        )

    try:
        users = [m for m in doomed if m.kind == "users"]
        others = [m for m in doomed if m.kind != "users"]
        for batch in (others, users):
            await asyncio.gather(*(request("DELETE", m) for m in batch))
        answers = await asyncio.gather(*(settled(m) for m in doomed))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients.values()))
    left = [
        m for m, reply in zip(doomed, answers, strict=True) if reply is None or not _gone(reply)
    ]
    if made is None:  # what was dealt with is forgotten; what is left stays to be seen again
        exchanges.created[:] = left
    return Residue(_table(things, set(left)), [f"{m.service} {m.path}" for m in left])


def _table(things: list[Made], left: set[Made]) -> pd.DataFrame:
    pd = pandas()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for m in things:
        row = rows.setdefault(
            (m.service, m.kind),
            {
                "service": m.service,
                "kind": m.kind,
                "made": 0,
                "deleted": 0,
                "left": 0,
                "kept": 0,
                "why kept": HISTORY.get(m.kind, ""),
            },
        )
        row["made"] += 1
        if m.kind in HISTORY:
            row["kept"] += 1
        elif m in left:
            row["left"] += 1
        else:
            row["deleted"] += 1
    return pd.DataFrame(list(rows.values()), columns=COLUMNS)


async def leave_nothing_behind(
    made: Iterable[Made] | None = None, environment: Environment | None = None
) -> Residue:
    """The clean-up every notebook ends with: delete what it made, check that nothing of
    it is left, and publish the table the report sums."""
    from .recorder import check, publish

    residue = await clean_up(made, environment)
    check(
        "nothing this notebook made is left behind",
        residue.left == 0,
        residue.summary,
        covers="test-data-managed",
    )
    publish("residue", residue.table)
    return residue
