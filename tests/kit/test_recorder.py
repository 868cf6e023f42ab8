"""The recorder: checks are kept with status, detail and duration, and read back by the runner."""

from __future__ import annotations

import nbformat
import pytest

from runeframe_nb.errors import CheckMisused
from runeframe_nb.recorder import METADATA_KEY, Recorder
from runeframe_nb.results import Check
from runeframe_tools.runner import collect_checks


def test_a_check_records_its_verdict_and_detail() -> None:
    recorder = Recorder(area="demo")
    recorder.check("holds", 1 == 1)
    recorder.check("breaks", [] != [], "empty list")
    assert [(c.name, c.status, c.detail) for c in recorder.checks] == [
        ("holds", "passed", ""),
        ("breaks", "failed", "empty list"),
    ]
    assert all(c.area == "demo" and c.duration >= 0 for c in recorder.checks)
    assert recorder.summary() == "demo: 2 checks, 1 failed"


async def test_a_condition_that_is_no_verdict_is_refused_in_one_line() -> None:
    """An awaitable not awaited is truthy, and so is any list that is not empty: a check
    given one would pass whatever the service said."""
    import numpy as np

    recorder = Recorder(area="demo")

    async def answer() -> bool:
        return False

    for condition, said in [
        (answer(), "check 'c': its condition is awaitable: await it first"),
        ([0], "check 'c': its condition is [0] (list), not True or False: say what must"),
        (None, "check 'c': its condition is None (NoneType), not True or False"),
        (1, "check 'c': its condition is 1 (int), not True or False"),
    ]:
        with pytest.raises(CheckMisused) as refused:
            recorder.check("c", condition)
        assert str(refused.value).startswith(said)
    recorder.check("numpy", np.int64(3) > 2)
    assert [c.status for c in recorder.checks] == ["passed"]


def test_the_table_shows_status_name_and_detail() -> None:
    recorder = Recorder(area="demo")
    recorder.check("holds", True, "fine")
    table = recorder.table()
    assert list(table.columns) == ["status", "check", "detail"]
    assert table.iloc[0].tolist() == ["✔ passed", "holds", "fine"]


def test_the_runner_reads_checks_from_output_metadata() -> None:
    record = {"area": "a", "name": "n", "status": "failed", "detail": "d", "duration": 0.1}
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("check(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/plain": "✘ n"}, metadata={METADATA_KEY: {"check": record}}
        ),
        nbformat.v4.new_output("stream", name="stdout", text="noise"),
    ]
    nb.cells = [cell]
    assert collect_checks(nb, "nb1") == [Check(**record, notebook="nb1")]


def test_evidence_is_what_a_check_judged_and_never_plumbing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check's evidence: the replies it names, else its window's exchanges; a health,
    metrics or OpenAPI read is never among them."""
    import time

    import httpx

    from runeframe_nb import exchanges

    journal = exchanges.Journal()
    monkeypatch.setattr(exchanges, "journal", journal)
    monkeypatch.setattr(exchanges, "shared_matcher", lambda: _Paths())

    def made(path: str) -> httpx.Response:
        exchange = journal.add(
            exchanges.Exchange(
                "jonar", "http://j", "GET", path, "", {}, "", time.time(), status=200
            )
        )
        reply = httpx.Response(200)
        reply.extensions[exchanges.EXTENSION] = exchange
        return reply

    recorder = Recorder(area="demo")
    health, alerts, events = made("/healthz"), made("/alerts/"), made("/events/")
    named = recorder.check("names its reply", True, judged=events)
    window = recorder.check("judges its window", True)
    assert [e["operation"] for e in named.evidence] == ["/events/"]
    assert [e["operation"] for e in window.evidence] == ["/alerts/", "/events/"]
    assert health.status_code == alerts.status_code == 200
    with pytest.raises(CheckMisused, match="judged= names a reply no kit client made"):
        recorder.check("names a stranger", True, judged=httpx.Response(200))


def test_every_check_of_a_cell_of_checks_judges_what_led_up_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Requests in one cell, checks in the next: each of those checks judges the requests,
    not only the first (which the rest would otherwise leave with nothing)."""
    import time

    from runeframe_nb import exchanges

    journal = exchanges.Journal()
    monkeypatch.setattr(exchanges, "journal", journal)
    monkeypatch.setattr(exchanges, "shared_matcher", lambda: _Paths())

    def made(path: str) -> None:
        time.sleep(0.01)
        journal.add(
            exchanges.Exchange(
                "jonar", "http://j", "GET", path, "", {}, "", time.time(), status=200
            )
        )
        time.sleep(0.01)

    recorder = Recorder(area="demo")
    made("/alerts/")
    recorder.check("before", True)
    recorder._cell_started()  # a cell of requests
    made("/events/")
    recorder._cell_started()  # a cell of checks
    time.sleep(0.01)
    checks = [recorder.check(f"check {n}", True) for n in range(3)]
    assert [[e["operation"] for e in c.evidence] for c in checks] == [["/events/"]] * 3


class _Paths:
    def template(self, base_url: str, method: str, path: str) -> str:
        return path
