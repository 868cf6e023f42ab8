"""Secrets remembered as the kit meets them, and masked wherever a run writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from runeframe_nb import masking


@pytest.fixture(autouse=True)
def forgetful(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(masking, "_known", set())
    monkeypatch.delenv(masking.VARIABLE, raising=False)
    yield


def test_a_remembered_secret_is_masked_as_written_and_escaped() -> None:
    secret = 'tok"en<&>/x'
    masking.remember(secret)
    text = f"{secret} {json.dumps(secret)} {'tok&quot;en&lt;&amp;&gt;/x'}"
    assert masking.redact(text) == '*** "***" ***'


def test_short_values_are_words_not_secrets() -> None:
    masking.remember("abc", "", None, 42)
    assert masking.known() == frozenset()


def test_credentials_in_headers_and_secret_fields_are_masked_and_remembered() -> None:
    headers = masking.masked_headers({"Authorization": "Bearer s3cret-t0ken", "Accept": "x"})
    assert headers == {"authorization": "Bearer ***", "accept": "x"}
    body = masking.masked_fields({"user": {"password": "hunter22", "name": "Al"}, "n": [1]})
    assert body == {"user": {"password": "***", "name": "Al"}, "n": [1]}
    assert masking.known() == {"Bearer s3cret-t0ken", "s3cret-t0ken", "hunter22"}


def test_a_longer_secret_is_masked_before_one_inside_it() -> None:
    masking.remember("Bearer abcdefgh", "abcdefgh")
    assert masking.redact("Authorization: Bearer abcdefgh") == "Authorization: ***"


def test_kernels_write_what_they_learn_where_the_runner_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with masking.collected() as sink:
        assert oct(sink.stat().st_mode & 0o777) == "0o600"
        monkeypatch.setenv(masking.VARIABLE, str(sink))
        masking.remember("first-secret", "second-secret")
        masking.remember("first-secret")  # once is enough
        assert masking.read(sink) == {"first-secret", "second-secret"}
        assert len(sink.read_text().splitlines()) == 2
    assert not sink.exists()


def test_every_file_of_a_folder_is_redacted(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "results.json").write_text('{"detail": "token s3cret-t0ken"}')
    (tmp_path / "html" / "page.html").write_text("<p>s3cret-t0ken</p>")
    (tmp_path / "clean.txt").write_text("nothing here")
    (tmp_path / "bytes.bin").write_bytes(b"\xff\xfes3cret-t0ken")
    changed = masking.redact_folder(tmp_path, {"s3cret-t0ken"})
    assert sorted(p.name for p in changed) == ["bytes.bin", "page.html", "results.json"]
    assert (tmp_path / "results.json").read_text() == '{"detail": "token ***"}'
    assert (tmp_path / "bytes.bin").read_bytes() == b"\xff\xfe***"


def test_a_notebook_keeps_its_sources_and_loses_its_secrets(tmp_path: Path) -> None:
    """*** in a cell's code would not run; a secret written in code is in git already."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell('token = "s3cret-t0ken"\nprint(token)')
    cell.outputs = [new_output("stream", name="stdout", text="s3cret-t0ken\n")]
    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[cell]), path)
    masking.redact_folder(tmp_path, {"s3cret-t0ken"})
    stored = nbformat.read(path, as_version=4).cells[0]
    assert stored.source == 'token = "s3cret-t0ken"\nprint(token)'
    assert stored.outputs[0].text == "***\n"
