"""Every route a service serves is in its OpenAPI document, and every documented one is served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runeframe_stack.core.settings import SERVICES, StackSettings
from runeframe_stack.serve import build

from ...conftest import served


def documented(app: object) -> set[tuple[str, str]]:
    document = app.state.openapi  # type: ignore[attr-defined]
    return {(m.upper(), path) for path, item in document["paths"].items() for m in item}


@pytest.mark.parametrize("service", SERVICES)
def test_served_and_documented_routes_are_the_same(service: str, tmp_path: Path) -> None:
    app = build(service, StackSettings(data_dir=tmp_path))
    assert served(app) == documented(app)
    assert not [p for _, p in documented(app) if re.search(r"{\w+:", p)]  # valid OpenAPI
    assert ("GET", "/healthz") in served(app)
    assert ("POST", "/auth/verify/") in served(app)
