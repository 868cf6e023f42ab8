"""The catalogue's modules, each by what it promises: a stack package's module holds that
package's mutants, a family's module holds its kind (controls, held-out regressions), and
every route a mutant changes is one its service serves, so no mutant waits for a request
that never comes."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from runeframe_stack.core.settings import SERVICES, StackSettings
from runeframe_stack.serve import build
from runeframe_tools.mutate import registered
from runeframe_tools.mutate.mutants import Mutant

from ...conftest import served

PACKAGES = {"api.graphql": "api", "api.live": "api", "api.rest": "api"} | {
    s: s for s in ("distilera", "hoardwell", "mercatrix", "jonar")
}
FAMILIES = ("identity", "security", "faults", "properties", "regressions")
# a mutant that serves what the stack does not: a route the inventory probe must find
ADDS_A_ROUTE = {"debug-route-exposed"}


def written_in(module: str) -> list[Mutant]:
    return [m for m in registered().values() if m.module.endswith(f".catalogue.{module}")]


@cache
def routes_of(service: str, data_dir: Path) -> frozenset[tuple[str, str]]:
    return frozenset(served(build(service, StackSettings(data_dir=data_dir))))


def unserved(m: Mutant, data_dir: Path) -> list[str]:
    """The mutant's routes that match no route its service (any, for `*`) serves."""
    services = SERVICES if m.service == "*" else (m.service,)
    return [
        route
        for route in m.routes
        if not any(
            replace(m, routes=(route,), service=s).matches(s, m.side, method, template)
            for s in services
            for method, template in routes_of(s, data_dir)
        )
    ]


def test_every_module_of_the_catalogue_is_named_here() -> None:
    modules = {m.module.split(".catalogue.")[1] for m in registered().values()}
    assert modules == set(PACKAGES) | set(FAMILIES)


@pytest.mark.parametrize("module", sorted(PACKAGES))
def test_a_package_s_module_changes_what_that_package_serves(module: str) -> None:
    mutants = written_in(module)
    assert mutants
    strays = [m.name for m in mutants if m.side == "front" and m.service != PACKAGES[module]]
    assert strays == []


@pytest.mark.parametrize("module", FAMILIES)
def test_controls_are_the_faults_and_held_out_mutants_the_regressions(module: str) -> None:
    mutants = written_in(module)
    assert mutants
    assert {m.tolerated for m in mutants} == {module == "faults"}
    assert {m.held_out for m in mutants} == {module == "regressions"}


@pytest.mark.parametrize("module", sorted(PACKAGES) + list(FAMILIES))
def test_every_route_a_mutant_changes_is_served(
    module: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = tmp_path_factory.getbasetemp() / "catalogue-services"
    found = {m.name: unserved(m, data_dir) for m in written_in(module)}
    assert {
        name: routes for name, routes in found.items() if routes and name not in ADDS_A_ROUTE
    } == {}
    assert all(found[name] for name in ADDS_A_ROUTE if name in found)  # and those are not served
