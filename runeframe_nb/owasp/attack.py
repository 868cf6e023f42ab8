"""Every registered case against one environment, as a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .._tables import pandas
from ..environment import Environment
from ..exchanges import sweep
from ..network import AsyncTransport
from ..timing import TimedTransport
from .actors import Actors, actors
from .cases import CASES, ITEMS, Case, Outcome

if TYPE_CHECKING:
    import pandas as pd


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
    pd = pandas()
    cases = [c for c in CASES if not only or c.probe.__name__ in only]
    transport = TimedTransport(AsyncTransport(env.tls), "", "", urls=env.urls)
    with sweep("owasp"):
        async with httpx.AsyncClient(timeout=30, transport=transport) as http:
            x = await actors(env, http)
            try:
                outcomes = [(case, await _outcome(case, x)) for case in cases]
            finally:
                for user in (x.attacker, x.victim):  # the attack's users go with it
                    await x.status("DELETE", "distilera", f"/users/{user}/", x.admin_token)
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
