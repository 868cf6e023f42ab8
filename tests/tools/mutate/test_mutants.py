"""The catalogue: every part of the system has mutants, and a mutant's routes match paths
and templates alike."""

from __future__ import annotations

from runeframe_tools.mutate import registered
from runeframe_tools.mutate.mutants import Mutant


def test_the_catalogue_covers_every_part_of_the_system() -> None:
    found = registered()
    mutants = [m for m in found.values() if not m.tolerated]
    assert len(mutants) >= 30
    assert {m.service for m in mutants} >= {"api", "distilera", "hoardwell", "mercatrix", "jonar"}
    assert any(m.frames for m in mutants) and any(m.side == "peer" for m in mutants)
    assert sum(m.tolerated for m in found.values()) >= 3
    assert all(m.reveals for m in mutants if m.side == "peer" or m.frames)


def test_routes_match_paths_and_templates_alike() -> None:
    m = Mutant("x", "", "jonar", ("GET /deployments/{deployment_id}/service/{path}",))
    assert m.matches("jonar", "front", "GET", "/deployments/d1/service/http://host:1/a")
    assert m.matches("jonar", "front", "GET", "/deployments/{deployment_id}/service/{path}")
    assert not m.matches("jonar", "peer", "GET", "/deployments/d1/service/x")
    assert not m.matches("api", "front", "GET", "/deployments/d1/service/x")
    anywhere = Mutant("y", "", "*", ("POST *",))
    assert anywhere.matches("hoardwell", "front", "POST", "/messages/")
    assert not anywhere.matches("hoardwell", "front", "GET", "/messages/")
