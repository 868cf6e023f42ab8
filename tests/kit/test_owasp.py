"""The OWASP API Top 10 probes: every item probed, and the stack withstands every probe."""

from __future__ import annotations

import runeframe_nb as rf
from runeframe_nb import owasp


async def test_every_item_is_probed_and_every_probe_is_withstood(
    own_environment: rf.Environment,
) -> None:
    table = await owasp.probe(own_environment)
    assert set(table["item"]) == set(owasp.ITEMS)
    failed = table[~table["passed"]]
    assert failed.empty, failed[["item", "probe", "detail"]].to_string()
