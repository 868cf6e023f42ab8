"""A stack for the package's probes to attack, and the test every family's module runs:
each of its probes fails against a target made vulnerable to it (a mutant of
`runeframe-nb mutate` in front of that stack)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import closing
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import runeframe_nb as rf
from runeframe_nb import owasp
from runeframe_nb.environment import Environment, open_environment
from runeframe_nb.profiles import SERVICES, Profile
from runeframe_nb.stack import free_port_block
from runeframe_tools.mutate.harness import ProxyProcess
from runeframe_tools.mutate.proxy import Route


@pytest.fixture(scope="package")
def target_stack(profile: Profile) -> Iterator[rf.Environment]:
    """The stack the package's probes attack, directly or through a mutant each (the session
    stack, which other tests read, is never attacked): stopped after the package's last."""
    with closing(open_environment(profile)) as env:
        yield env


@pytest.fixture
def vulnerable(
    request: pytest.FixtureRequest, target_stack: rf.Environment, profile: Profile, tmp_path: Path
) -> Iterator[Environment]:
    """The package's stack behind the fault proxy with the mutant `request.param`."""
    first = free_port_block(len(SERVICES))
    routes = [Route(s, "front", first + i, target_stack.urls[s]) for i, s in enumerate(SERVICES)]
    proxy = ProxyProcess(routes, request.param, target_stack.token or "", tmp_path / "proxy.log")
    proxy.start()
    try:
        front = {r.service: f"http://127.0.0.1:{r.port}" for r in routes}
        yield Environment(profile, front, token=target_stack.token)
    finally:
        proxy.stop()


def probes_fail_when_vulnerable(
    family: ModuleType, vulnerable: dict[str, str]
) -> tuple[Callable[[], None], Callable[..., Coroutine[Any, Any, None]]]:
    """A family's two tests: every probe it registers has a target vulnerable to it (a
    mutant's name), and each probe fails against its target."""

    def test_every_probe_has_a_vulnerable_target() -> None:
        written = [c.probe.__name__ for c in owasp.CASES if c.probe.__module__ == family.__name__]
        assert written and sorted(written) == sorted(vulnerable)

    @pytest.mark.parametrize(
        ("probe", "vulnerable"),
        sorted(vulnerable.items()),
        indirect=["vulnerable"],
        ids=sorted(vulnerable),
    )
    async def test_a_probe_fails_against_a_target_vulnerable_to_it(
        probe: str, vulnerable: Environment
    ) -> None:
        (outcome,) = (await owasp.probe(vulnerable, only=[probe])).itertuples()
        assert not outcome.passed, outcome.detail

    return (
        test_every_probe_has_a_vulnerable_target,
        test_a_probe_fails_against_a_target_vulnerable_to_it,
    )
