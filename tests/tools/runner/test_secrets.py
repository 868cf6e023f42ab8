"""No artifact of a run holds a secret: a notebook that prints its token, shows a vault
value it read back, sends a cookie and fails a check naming both, run twice through the
command line with Allure results and a CI summary, then diffed."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Command, Tiny


def test_no_file_a_run_leaves_holds_a_secret(
    tmp_path: Path,
    params_dir: Path,
    tiny: Tiny,
    admin_token: str,
    monkeypatch: pytest.MonkeyPatch,
    command: Command,
) -> None:
    vault, cookie = f"vault-{secrets.token_hex(8)}", f"cookie-{secrets.token_hex(8)}"
    monkeypatch.setenv("TINY_VAULT_VALUE", vault)
    monkeypatch.setenv("TINY_COOKIE", cookie)
    output, allure, summary = tmp_path / "outputs", tmp_path / "allure", tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    said = []
    for _ in range(2):
        done = command(
            *tiny.arguments(
                output, "run", "--env", "remote", "--only", "leaks", "--allure", str(allure)
            )
        )
        assert done.returncode == 1, done.stderr  # its check fails, by design
        said += [done.stdout, done.stderr]
    first, second = sorted(p.name for p in output.iterdir())
    diffed = command("diff", first, second, "--output", str(output))
    assert diffed.returncode == 0, diffed.stderr
    said += [diffed.stdout, diffed.stderr]
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
