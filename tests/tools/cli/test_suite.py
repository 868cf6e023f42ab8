"""The run command: a broken check names itself in a non-zero exit, bad input and an
unreachable service are one line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from conftest import Command, Tiny


NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def test_the_command_exits_nonzero_naming_the_broken_check(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
    command: Command,
) -> None:
    done = command(*tiny.arguments(tmp_path, "run", "--env", "remote", "--only", "fails_*"))
    assert done.returncode == 1
    assert "fails_check: this check is broken — 1 + 1 is 2, not 3" in done.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "--env", "nope"], "runeframe-nb: error: unknown profile 'nope'"),
        (["run", "--env", "remote", "-p", "oops"], "parameter 'oops' is not key=value"),
        (["run", "--env", "remote", "--only", "zzz*"], "no notebooks matching zzz*"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    params_dir: Path,
    arguments: list[str],
    message: str,
    tiny: Tiny,
    command: Command,
) -> None:
    done = command(*tiny.arguments(tmp_path, *arguments))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert message in done.stderr


def test_an_unreachable_service_is_one_line(
    tmp_path: Path, params_dir: Path, tiny: Tiny, command: Command
) -> None:
    closed = {
        name: "http://127.0.0.1:9"
        for name in ("api", "distilera", "hoardwell", "mercatrix", "jonar")
    }
    (params_dir / "dead.yaml").write_text(yaml.safe_dump({"stack": "remote", "urls": closed}))
    done = command(*tiny.arguments(tmp_path, "run", "--env", "dead"))
    assert done.returncode == 2
    assert done.stderr.startswith("runeframe-nb: error: api at http://127.0.0.1:9: ")
    assert done.stderr.count("\n") == 1
