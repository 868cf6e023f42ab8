"""The load engine's front: an engine chosen by name from the registry."""

from __future__ import annotations

import pytest

from runeframe_nb import load
from runeframe_nb.load.stats import Measurements


def test_an_engine_is_chosen_by_name_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = load.LoadPlan("http://127.0.0.1:9/", users=1, requests=1)
    ran: list[load.LoadPlan] = []

    def recording(given: load.LoadPlan) -> load.LoadResult:
        ran.append(given)
        return load.LoadResult("closed", "recording", Measurements(), 1, 1, None)

    monkeypatch.setitem(load.ENGINES, "recording", recording)
    assert load.run_sync(plan, engine="recording").engine == "recording" and ran == [plan]
    with pytest.raises(load.LoadError, match="unknown engine 'k6': one of runeframe, locust"):
        load.run_sync(plan, engine="k6")
    remote = load.LoadPlan("http://127.0.0.1:9/", users=1, requests=1, remote_workers=2)
    with pytest.raises(load.LoadError, match="remote workers join Locust's runner"):
        load.run_sync(remote)
