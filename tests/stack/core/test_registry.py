"""Backends are chosen by name through registries; an unknown name says which there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from runeframe_stack.core.errors import StackConfigError
from runeframe_stack.core.ratelimit import MemoryCounters, RedisCounters, counters_for
from runeframe_stack.core.registry import Registry
from runeframe_stack.core.settings import StackSettings
from runeframe_stack.core.storage import DATABASES, SqliteDatabase, open_database
from runeframe_stack.hoardwell.hub import Hub, RedisHub, hub_for


def test_a_url_chooses_by_its_scheme_and_no_url_takes_the_default() -> None:
    found: Registry[type[object]] = Registry("thing")
    found.register("redis", "rediss")(int)
    found.register("memory")(str)
    assert found.for_url("rediss://host:6380/0", "memory") is int
    assert found.for_url(None, "memory") is str


def test_an_unknown_name_is_one_line_listing_the_names() -> None:
    with pytest.raises(StackConfigError, match=r"no database named 'mysql' \(one of: postgres"):
        DATABASES.for_url("mysql://db/x", "sqlite")


def test_the_stack_picks_its_backends_from_its_settings(tmp_path: Path) -> None:
    plain = StackSettings(data_dir=tmp_path)
    assert isinstance(open_database(plain, "distilera"), SqliteDatabase)
    assert isinstance(counters_for(None, ""), MemoryCounters)
    assert type(hub_for(None, "")) is Hub
    assert isinstance(counters_for("redis://127.0.0.1:1/0", "x_"), RedisCounters)
    assert isinstance(hub_for("redis://127.0.0.1:1/0", "x_"), RedisHub)


def test_an_unknown_jonar_backend_is_refused_by_name(tmp_path: Path) -> None:
    from runeframe_stack.jonar.app import build

    settings = StackSettings(data_dir=tmp_path, jonar={"backend": "kubernetes"})
    with pytest.raises(StackConfigError, match="no Jonar backend named 'kubernetes'"):
        build(settings)
