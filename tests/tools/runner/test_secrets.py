"""No artifact of a run holds a secret: a notebook that prints its token, shows a vault
value it read back, sends a cookie and fails a check naming both, run twice through the
command line with Allure results and a CI summary, then diffed."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Tiny


def test_no_file_a_run_leaves_holds_a_secret(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
    admin_token: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault, cookie = f"vault-{secrets.token_hex(8)}", f"cookie-{secrets.token_hex(8)}"
    monkeypatch.setenv("TINY_VAULT_VALUE", vault)
    monkeypatch.setenv("TINY_COOKIE", cookie)
    output, allure, summary = tmp_path / "outputs", tmp_path / "allure", tmp_path / "summary.md"
    said = []
    for _ in range(2):
        done = subprocess.run(
            tiny.command(
                output, "run", "--env", "remote", "--only", "leaks", "--allure", str(allure)
            ),
            capture_output=True,
            text=True,
            env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
            timeout=300,
        )
        assert done.returncode == 1, done.stderr  # its check fails, by design
        said += [done.stdout, done.stderr]
    first, second = sorted(p.name for p in output.iterdir())
    diff = [sys.executable, "-m", "runeframe_tools", "diff", first, second, "--output", str(output)]
    subprocess.run(diff, check=True, capture_output=True, timeout=120)
    files = [p for folder in (output, allure) for p in folder.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"results.json", "junit.xml", "leaks.har", "report.html", "diff.html"} <= names
    everything = {str(p.relative_to(tmp_path)): p.read_text(errors="replace") for p in files}
    everything |= {"summary.md": summary.read_text(), "the command's output": "".join(said)}
    leaks = [
        (where, s[:8])
        for where, text in everything.items()
        for s in (admin_token, vault, cookie)
        if s in text
    ]
    assert leaks == []
    shown = (output / first / "leaks.ipynb").read_text()
    assert "the token, printed: ***" in shown and "'password': '***'" in shown
