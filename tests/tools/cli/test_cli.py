"""Bad input to the commands is one readable line and exit code 2, never a traceback, and
leaves no archive of a run that never began."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from runeframe_nb.profiles import SERVICES
from runeframe_nb.stack import free_port_offset

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"
PROFILES = {
    "broken": "stack: embedded\nurls: [\n",
    "badurl": "stack: remote\nurls: {api: 'ftp://x'}\n",
    "down": "stack: remote\nurls: {"
    + ", ".join(f"{s}: 'http://127.0.0.1:9'" for s in SERVICES)
    + "}\n",
    "badstack": "stack: embedded\nstack_settings: {rate_limit: {requests: -1}}\n",
}


@pytest.fixture
def params(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "params"
    folder.mkdir()
    for name, text in PROFILES.items():
        (folder / f"{name}.yaml").write_text(text)
    monkeypatch.setenv("RUNEFRAME_PARAMS", str(folder))
    return folder


def one_line_error(command: list[str], prefix: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("profile", "says"),
    [
        ("broken", "broken.yaml line 3: not valid YAML"),
        ("badurl", "api URL 'ftp://x' must start with http:// or https://"),
        ("down", "api at http://127.0.0.1:9"),
        ("badstack", "runeframe-stack did not start: runeframe-stack: error: bad setting"),
    ],
)
def test_a_run_on_a_bad_profile_is_one_line(
    params: Path, tmp_path: Path, profile: str, says: str
) -> None:
    output = tmp_path / "outputs"
    command = [sys.executable, "-m", "runeframe_tools", "run", "--env", profile]
    line = one_line_error(
        [*command, "--notebooks", str(NOTEBOOKS), "--output", str(output)], "runeframe-nb: error:"
    )
    assert says in line
    archived = list(output.glob("*")) if output.exists() else []
    assert all(any(run.iterdir()) for run in archived), "an empty archive was left behind"


def test_a_bad_load_url_is_one_line() -> None:
    command = [sys.executable, "-m", "runeframe_tools", "load", "http://127.0.0.1:x/"]
    line = one_line_error([*command, "--requests", "1"], "runeframe-nb: error:")
    assert "has no valid port number" in line


@pytest.fixture
def taken_port() -> Iterator[tuple[int, int]]:
    offset = free_port_offset()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 8002 + offset))
        sock.listen()
        yield offset, 8002 + offset


def test_a_port_in_use_is_one_line_naming_it(taken_port: tuple[int, int]) -> None:
    offset, port = taken_port
    command = [sys.executable, "-m", "runeframe_stack", "up", "--port-offset", str(offset)]
    line = one_line_error(command, "runeframe-stack: error:")
    assert line == f"runeframe-stack: error: port {port} (hoardwell) is already in use"


def test_fuzzing_a_remote_profile_needs_to_be_asked_for(params: Path) -> None:
    (params / "far.yaml").write_text("stack: remote\nurls: {api: 'https://far.example'}\n")
    command = [sys.executable, "-m", "runeframe_tools", "fuzz", "--env", "far"]
    line = one_line_error(command, "runeframe-nb: error:")
    assert "pass --remote to go ahead" in line


def test_a_baseline_that_is_not_archived_is_one_line_before_anything_runs(tmp_path: Path) -> None:
    output = tmp_path / "outputs"
    command = [sys.executable, "-m", "runeframe_tools", "run", "--baseline", "nope"]
    line = one_line_error(
        [*command, "--notebooks", str(NOTEBOOKS), "--output", str(output)], "runeframe-nb: error:"
    )
    assert "nope" in line
    assert not output.exists() or not any(output.iterdir())
