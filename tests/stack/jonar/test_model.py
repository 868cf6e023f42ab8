"""A deployment as Jonar holds it: ready only once every change asked for is carried
out (and never back to an older one), requests go round the ready replicas alone, and
with none ready the caller is told to come back shortly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from runeframe_stack.core.errors import Conflict
from runeframe_stack.core.settings import Autoscaling
from runeframe_stack.jonar.backend import Replica
from runeframe_stack.jonar.deployments.model import Deployment


def deployment(*ready: bool) -> Deployment:
    d = Deployment("dep_1", "distilera", "1.0", len(ready), Autoscaling(), {})
    d.members = [
        Replica("dep_1", i, 9000 + i, f"http://127.0.0.1:{9000 + i}", Path("/dev/null"), ready=r)
        for i, r in enumerate(ready)
    ]
    return d


async def test_ready_only_once_every_change_asked_for_is_carried_out() -> None:
    d = deployment(True)
    d.generation = 3  # two more changes asked for since the first
    d.observed(1)
    assert (d.status, d.observed_generation) == ("progressing", 1)
    d.observed(3)
    assert (d.status, d.observed_generation) == ("ready", 3)
    d.observed(2)  # a slower, older change finishing late
    assert (d.status, d.observed_generation) == ("ready", 3)


async def test_requests_go_round_the_ready_replicas_alone() -> None:
    d = deployment(True, False, True, True)
    chosen = Counter(d.next_ready().index for _ in range(300))
    assert chosen == {0: 100, 2: 100, 3: 100}
    shown = d.public("http://jonar")
    assert (shown["replicas"], shown["ready_replicas"], len(shown["members"])) == (4, 3, 4)


async def test_with_no_ready_replica_the_caller_is_told_to_retry() -> None:
    with pytest.raises(Conflict) as busy:
        deployment(False, False).next_ready()
    assert busy.value.headers == {"Retry-After": "1"} and "no ready replica" in str(busy.value)
