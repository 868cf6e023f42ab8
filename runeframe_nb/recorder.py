"""Checks are recorded, not just asserted.

`check(name, condition, detail)` shows one line under the cell (✔ or ✘, the name, the
detail) and stores the full record (area, status, detail, duration) in that output's
metadata, so the runner reads every check back from the executed notebook, even one
that stopped half-way. nbval compares each check's status and name; its detail (often a
measurement) is masked by the sanitize rules (ci/nbval_sanitize.cfg: after " — " in the
text, inside `rf-detail` spans in the HTML), and the metadata is not compared, so a
stored output pins the verdicts and never the numbers.

A check's duration is the time since the previous check or since its cell began,
whichever is later: the time spent producing the evidence it judges.

A check also keeps the exchanges with the services it judged (exchanges.py): those of
the replies it names (`judged=`), or else those of its cell, from the cell's start or
the last check of an earlier cell, whichever is earlier (so every check of a cell judges
what the cell did, and every check of a cell of checks alone what led up to it); a
service's health, metrics and OpenAPI reads never count. A failed check also keeps
those exchanges whole, masked and cut, as its failure capsule. Its evidence is what
coverage is computed from, and what says a mutant was caught by a check that saw it.
`covers` names the checklist requirements it serves (requirements.py).
"""

from __future__ import annotations

import html
import inspect
import json
import os
import reprlib
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import exchanges
from ._tables import pandas
from .errors import CheckFailed, CheckMisused
from .requirements import requirement_ids
from .results import Check, Fact, fact_name

if TYPE_CHECKING:
    import pandas as pd

METADATA_KEY = "runeframe"
# set (by `runeframe-nb run --fail-fast` and `mutate`): the first failed check stops the
# notebook, since one failure is all the verdict needs
STOP_VARIABLE = "RUNEFRAME_STOP_AT_FAILED_CHECK"


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    return get_ipython()


class Recorder:
    def __init__(self, area: str = "notebook") -> None:
        self.area = area
        self.checks: list[Check] = []
        self._mark = time.perf_counter()
        # wall clock: the current cell's start and the previous check; the earlier of the
        # two, at a cell's first check, is where the evidence of all its checks begins
        self._cell_began = self._previous = time.time()
        self._window: float | None = None
        shell = _ipython()
        if shell is not None:
            shell.events.register("pre_run_cell", self._cell_started)

    def _cell_started(self, *_: Any) -> None:
        self._mark = time.perf_counter()
        self._cell_began = time.time()
        self._window = None

    def check(
        self,
        name: str,
        condition: object,
        detail: object = "",
        covers: str | Iterable[str] = (),
        judged: object = None,
    ) -> Check:
        """Record whether `condition` (True or False) holds, and show it under the cell;
        `judged`: the replies (one, or several) it judges, its evidence."""
        now, wall = time.perf_counter(), time.time()
        passed = verdict(name, condition)
        # the replies named are its evidence, else its cell's; a failed check shows the
        # whole of its cell, what a tester reads to see what went wrong
        if self._window is None:
            self._window = min(self._cell_began, self._previous)
        cell = exchanges.journal.between(self._window, wall)
        since = cell if judged is None else _judged(name, judged)
        record = Check(
            area=self.area,
            name=name,
            status="passed" if passed else "failed",
            detail=str(detail),
            duration=round(now - self._mark, 6),
            covers=requirement_ids(covers),
            evidence=exchanges.evidence(since),
            exchanges=[] if passed else [e.as_dict() for e in cell[-exchanges.CAPSULE_LIMIT :]],
        )
        self._mark, self._previous = now, wall
        self.checks.append(record)
        self._show(record)
        if not passed and os.environ.get(STOP_VARIABLE):
            raise CheckFailed(f"{name}: {record.detail}" if record.detail else name)
        return record

    def _show(self, record: Check) -> None:
        if _ipython() is None:
            return
        from IPython.display import display

        mark, colour = ("✔", "#1a7f37") if record.passed else ("✘", "#cf222e")
        detail = f" — {record.detail}" if record.detail else ""
        text = f"{mark} {record.name}{detail}"
        markup = (
            f'<span style="color:{colour};font-weight:bold">{mark}</span> '
            f"{html.escape(record.name)}"
            f'<span class="rf-detail" style="color:#57606a">{html.escape(detail)}</span>'
        )
        display(
            {"text/plain": text, "text/html": markup},
            raw=True,
            metadata={METADATA_KEY: {"check": record.model_dump(mode="json")}},
        )

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def table(self, details: bool = True) -> pd.DataFrame:
        """Every check so far: status, name and detail (durations live in the results).

        Without details the table holds only verdicts: stable from run to run where the
        details are measurements, so nbval still notices a check that turns."""
        pd = pandas()
        rows = [
            {"status": "✔ passed" if c.passed else "✘ failed", "check": c.name, "detail": c.detail}
            for c in self.checks
        ]
        columns = ["status", "check", "detail"] if details else ["status", "check"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        failed = len(self.failed)
        verdict = "all passed" if not failed else f"{failed} failed"
        return f"{self.area}: {len(self.checks)} checks, {verdict}"

    def reset(self) -> None:
        self.checks.clear()
        self._mark = time.perf_counter()
        self._cell_began = self._previous = time.time()


default = Recorder()


def _judged(name: str, replies: object) -> list[exchanges.Exchange]:
    """The exchanges of the replies a check names: each a kit client's reply, or an
    exchange of the journal."""
    many = (
        replies
        if isinstance(replies, Iterable) and not hasattr(replies, "extensions")
        else [replies]
    )
    found = [exchanges.of(r) for r in many]
    if any(e is None for e in found):
        raise CheckMisused(f"check {name!r}: judged= names a reply no kit client made")
    return [e for e in found if e is not None]


def verdict(name: str, condition: object) -> bool:
    """`condition` as a verdict: True or False (numpy's too), never an awaitable (its
    truth is that it exists) nor a value whose truth is only that it is not empty."""
    if inspect.isawaitable(condition):
        if inspect.iscoroutine(condition):
            condition.close()  # never awaited: no warning on top of this error
        raise CheckMisused(f"check {name!r}: its condition is awaitable: await it first")
    if isinstance(condition, bool) or type(condition).__name__ in ("bool_", "bool"):
        return bool(condition)
    raise CheckMisused(
        f"check {name!r}: its condition is {reprlib.repr(condition)} "
        f"({type(condition).__name__}), not True or False: say what must hold of it "
        "(len(x) > 0, x == y, x is not None)"
    )


def check(
    name: str,
    condition: object,
    detail: object = "",
    covers: str | Iterable[str] = (),
    judged: object = None,
) -> None:
    """Record a check in the notebook's recorder (see `Recorder.check`); `covers` names
    the checklist requirements it serves, `judged` the replies it judges (its evidence;
    by default, every exchange since the previous check).

    Returns nothing, so a check as a cell's last line adds no stray output.
    """
    default.check(name, condition, detail, covers, judged)


def checks(details: bool = True) -> pd.DataFrame | None:
    """The notebook's checks as a table (`details=False`: verdicts only).

    As a notebook's last cell it also keeps the latency of every request the kit's
    clients made, per endpoint, in the output's metadata: what the run's report charts.
    """
    table = default.table(details)
    if _ipython() is not None:
        from .timing import timings

        requests = timings()
        samples = {
            endpoint: [round(ms, 3) for ms in _evenly(group["ms"], LATENCY_SAMPLES)]
            for endpoint, group in requests.groupby("endpoint")
        }
        publish(Fact.LATENCY_MS, samples, show=_Verdicts(default, details))
        return None  # shown, with the latencies in its metadata
    return table


class _Verdicts:
    """The check table as a notebook shows it: HTML with the details (each in an
    `rf-detail` span, which nbval's sanitizing masks), text with verdicts only."""

    def __init__(self, recorder: Recorder, details: bool) -> None:
        self.recorder = recorder
        self.details = details

    def _repr_mimebundle_(self, **_: Any) -> dict[str, str]:
        shown = self.recorder.table(self.details)
        if "detail" in shown:
            shown["detail"] = [
                f'<span class="rf-detail">{html.escape(d)}</span>' for d in shown["detail"]
            ]
        return {
            "text/plain": self.recorder.table(details=False).to_string(),
            "text/html": shown.to_html(escape=False, index=True),
        }


LATENCY_SAMPLES = 500  # per endpoint, enough for a distribution, small in the archive


def _evenly(samples: pd.Series, most: int) -> pd.Series:
    """At most `most` of `samples`, drawn evenly from all of them (seeded, so a rerun keeps
    the same), in the order they were taken."""
    if len(samples) <= most:
        return samples
    return samples.sample(n=most, random_state=0).sort_index()


def publish(name: str, value: Any, show: Any = None) -> None:
    """Show `show` (default: `value`) under the cell and keep `value` (JSON-able, or a
    DataFrame as records) in the output's metadata, where the run's report reads it.
    `name` is one of `Fact`'s: a name the report does not read is a ValueError."""
    pd = pandas()
    name = fact_name(name)
    shown = value if show is None else show
    if isinstance(value, pd.DataFrame):
        value = json.loads(value.reset_index().to_json(orient="records"))
    if _ipython() is None:
        return
    from IPython.display import display

    bundle = getattr(shown, "_repr_mimebundle_", None)  # plotly figures draw themselves
    data = bundle() if bundle is not None else _ipython().display_formatter.format(shown)[0]
    display(data, raw=True, metadata={METADATA_KEY: {"fact": {"name": name, "value": value}}})
