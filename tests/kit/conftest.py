"""Kit fixtures: a params folder whose `remote` profile points at the session's stack."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
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


@pytest.fixture
def installed() -> Callable[[str, str], str]:
    """A command's path: a test that needs a missing one skips, and fails in CI."""

    def find(command: str, install: str) -> str:
        found = shutil.which(command)
        if found is None:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{command} is missing in CI ({install})")
            pytest.skip(f"{command} is not installed ({install})")
        return found

    return find
