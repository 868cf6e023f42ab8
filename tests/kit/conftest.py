"""Kit fixtures: a params folder whose `remote` profile points at the session's stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def params_dir(
    tmp_path: Path, urls: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    folder = tmp_path / "params"
    folder.mkdir()
    remote = {"stack": "remote", "urls": urls, "token": "suite_token", "seed": 7}
    (folder / "remote.yaml").write_text(yaml.safe_dump(remote))
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(folder))
    yield folder
