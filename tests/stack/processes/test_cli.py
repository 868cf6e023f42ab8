"""The `runeframe-stack` command: bad arguments and bad TLS files are one line and exit
code 2 before anything starts; `serve` runs one service in its process, answering until
it is told to stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from runeframe_process import any_free_port
from runeframe_stack.cli import _tls
from runeframe_stack.core.errors import StackError


def one_line(*arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "runeframe_stack", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["up", "--only", "nowhere"], "unknown service 'nowhere'"),
        (["up", "--config", "/nonexistent.yaml"], "cannot read /nonexistent.yaml"),
        (["up", "--port-offset", "90000"], "bad setting port_offset"),
        (["serve", "hoardwell", "--release", "9.9.9"], "no release 9.9.9 of hoardwell"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path: Path, arguments: list[str], message: str) -> None:
    assert message in one_line(*arguments, "--data-dir", str(tmp_path))


def test_tls_files_are_checked_before_anything_starts(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    with pytest.raises(StackError, match="--tls-cert and --tls-key go together"):
        _tls(cert, None, None)
    with pytest.raises(StackError, match=f"--tls-key {key}: no such file"):
        cert.write_text("not a certificate")
        _tls(cert, key, None)
    key.write_text("not a key")
    with pytest.raises(StackError, match=rf"--tls-cert {cert} with --tls-key {key}: \w"):
        _tls(cert, key, None)
    assert _tls(None, None, None) is None


def test_serve_runs_one_service_until_told_to_stop(tmp_path: Path) -> None:
    port = any_free_port()
    command = [sys.executable, "-m", "runeframe_stack", "serve", "hoardwell"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--data-dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, health = time.monotonic() + 30, None
        while health is None and time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
            except httpx.HTTPError:
                time.sleep(0.1)
        assert health is not None and health["service"] == "hoardwell"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()
    assert (tmp_path / "hoardwell.sqlite3").exists()
