"""Tools fixtures: a params folder whose `remote` profile points at the session's stack, and
the tiny notebooks the runner's tests run on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from runeframe_tools.runner import RunOptions, run

TINY_NOTEBOOKS = Path(__file__).parent / "notebooks"


@pytest.fixture
def params_dir(
    tmp_path: Path, urls: dict[str, str], admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    folder = tmp_path / "params"
    folder.mkdir()
    monkeypatch.setenv("RUNEFRAME_TEST_TOKEN", admin_token)
    remote = {"stack": "remote", "urls": urls, "token_env": "RUNEFRAME_TEST_TOKEN", "seed": 7}
    (folder / "remote.yaml").write_text(yaml.safe_dump(remote))
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(folder))
    yield folder


@dataclass
class Tiny:
    """The tiny notebooks (tests/tools/notebooks) on the `remote` profile: run by the runner
    into `output`, or by the command line."""

    output: Path
    folder: Path = TINY_NOTEBOOKS

    def run(self, *only: str, **parameters: object) -> Path:
        """Run the notebooks named in `only`; the run's archive folder."""
        options = RunOptions(
            profile="remote",
            only=list(only),
            jobs=2,
            notebooks=self.folder,
            output=self.output,
            parameters=dict(parameters),
        )
        return run(options).folder

    def command(self, output: Path, *arguments: str) -> list[str]:
        """The runeframe-nb command on the tiny notebooks, archiving into `output`."""
        return [
            sys.executable,
            "-m",
            "runeframe_tools",
            *arguments,
            "--notebooks",
            str(self.folder),
            "--output",
            str(output),
        ]


@pytest.fixture
def tiny(tmp_path: Path) -> Tiny:
    return Tiny(tmp_path / "outputs")
