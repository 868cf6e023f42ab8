"""A profile's fixtures and the run's final sweep, against a fake Distilera."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from runeframe_nb import fixtures
from runeframe_nb.environment import Environment
from runeframe_nb.profiles import Profile


def distilera(
    handler: Callable[[httpx.Request], httpx.Response], monkeypatch: pytest.MonkeyPatch
) -> Environment:
    """An environment whose Distilera is `handler`."""
    env = Environment(Profile(name="fake", stack="remote"), {"distilera": "http://distilera"})

    def client(url: str = "", **kwargs: object) -> httpx.Client:
        transport = httpx.MockTransport(handler)
        return httpx.Client(base_url=url, transport=transport, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(env, "http_client", client)
    return env


def test_the_sweep_deletes_the_runs_users(monkeypatch: pytest.MonkeyPatch) -> None:
    users = {"run1-a", "run1-b"}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            users.discard(request.url.path.split("/")[2])
            return httpx.Response(204)
        return httpx.Response(200, json={"data": [{"id": u} for u in sorted(users)]})

    assert fixtures.sweep(distilera(handler, monkeypatch), "run1") == []
    assert users == set()


def test_a_delete_that_does_not_take_effect_ends_as_residue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "DELETE":
            return httpx.Response(204)  # says done, changes nothing
        return httpx.Response(200, json={"data": [{"id": "run1-stuck"}]})

    assert fixtures.sweep(distilera(handler, monkeypatch), "run1") == ["run1-stuck"]
    assert calls == ["GET", "DELETE", "GET"]  # the same page again: no use going on


def test_more_leftovers_than_a_page_are_all_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The performance notebook alone leaves 600 users when it fails midway."""
    users = {f"run1-{n:03}" for n in range(650)}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            users.discard(request.url.path.split("/")[2])
            return httpx.Response(204)
        page = sorted(users)[: int(request.url.params["per_page"])]
        return httpx.Response(200, json={"data": [{"id": u} for u in page]})

    assert fixtures.sweep(distilera(handler, monkeypatch), "run1") == []
    assert users == set()
