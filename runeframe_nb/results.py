"""What a run archives for everything that reads it: results.json and mutation.json.

The runner writes a `RunRecord`; the report, the diff, the trends, the quality module
and the quality notebook read one. Beside it, `runeframe-nb mutate` writes a
`MutationRecord`, which the report reads. A check is a `Check` from the moment a
notebook records it to the moment the report shows it. Facts (what notebooks
`rf.publish` for the report) go by the names in `Fact`: publishing or archiving any
other name is an error, so a renamed fact fails a test, not a chart.

`schema_version` says which shape a file has. Version 1 (before the field existed) has
the same fields and is read as it is; a newer version than this kit knows is refused
with a readable error, never half-read.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ArchiveError

SCHEMA_VERSION = 2
RESULTS_FILE = "results.json"
MUTATION_FILE = "mutation.json"


class Fact(StrEnum):
    """What notebooks publish for the report, and who reads it."""

    LATENCY_MS = "latency_ms"  # ms per endpoint (rf.checks): latency chart, diff
    RESIDUE = "residue"  # made/deleted/left per resource kind: report table
    LOAD_SUMMARY = "load_summary"  # the load test's figures: charts, diff, trends
    LOAD_TIMELINE = "load_timeline"  # per-second throughput and latency: chart
    LOAD_RESOURCES = "load_resources"  # CPU, memory, loop lag per service: chart
    FIRST_SATURATED = "first_saturated"  # the resource that saturated first: chart title
    SWEEP = "sweep"  # latency per concurrency level: chart
    USL = "usl"  # the Universal Scalability Law fit: notebook only
    QUALITY_METRICS = "quality_metrics"  # the seed's metrics: report table
    API_COVERAGE = "api_coverage"  # coverage per service: chart, table, diff
    UNCOVERED = "uncovered"  # documented responses no check reached: notebook only
    FUZZ_OPERATIONS = "fuzz_operations"  # cases per operation: the coverage map's column


def fact_name(name: str) -> Fact:
    """`name` as a Fact, or a ValueError listing the names there are."""
    try:
        return Fact(name)
    except ValueError:
        known = ", ".join(f.value for f in Fact)
        raise ValueError(f"{name!r} is not a fact the report reads (one of: {known})") from None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Archived(_Model):
    """A file a run archives in its folder: written whole, read back as one model or one
    readable ArchiveError."""

    FILE: ClassVar[str]
    WHAT: ClassVar[str]  # what a folder without the file is not: "no {WHAT} at ..."
    SHAPE: ClassVar[str]  # what a file off the model is not: "... is not {SHAPE}: ..."

    @classmethod
    def read(cls, folder: Path) -> Self:
        """The record in `folder`, or an ArchiveError saying what is wrong."""
        path = folder / cls.FILE
        try:
            text = path.read_text()
        except FileNotFoundError:
            raise ArchiveError(f"no {cls.WHAT} at {folder} (no {cls.FILE})") from None
        except OSError as exc:
            raise ArchiveError(f"{path} is not readable: {exc}") from None
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ArchiveError(f"{path} is not {cls.SHAPE}: {where}: {first['msg']}") from None

    def write(self, folder: Path) -> Path:
        path = folder / self.FILE
        path.write_text(self.model_dump_json(indent=2) + "\n")
        return path


class Check(_Model):
    """One verdict: what was judged, how it came out, and the exchanges behind it."""

    area: str
    name: str
    status: Literal["passed", "failed"]
    detail: str = ""
    duration: float = 0.0
    covers: tuple[str, ...] = ()
    evidence: list[dict[str, Any]] = Field(default_factory=list)  # operations reached
    exchanges: list[dict[str, Any]] = Field(default_factory=list)  # a failed check's cell
    notebook: str = ""  # set when the runner reads it back
    group: str = ""  # the seed's suite group, set in results.json
    error: str | None = None  # the seed's field: the detail of a failed check

    @property
    def passed(self) -> bool:
        return self.status == "passed"


RunStatus = Literal["passed", "failed", "interrupted"]
NotebookStatus = Literal["queued", "running", "completed", "failed", "interrupted", "skipped"]


class NotebookSummary(_Model):
    name: str
    source: str
    output: str
    status: NotebookStatus
    duration: float = 0.0
    cells_done: int = 0
    cells_total: int = 0
    error: str | None = None


class Tally(_Model):
    total: int = 0
    passed: int = 0
    failed: int = 0


class RunRecord(_Archived):
    """A run as results.json holds it: the seed's suite totals plus the run's notebooks."""

    FILE = RESULTS_FILE
    WHAT = "archived run"
    SHAPE = "a run's results"

    schema_version: int = SCHEMA_VERSION
    run_id: str
    profile: str
    status: RunStatus
    started_at: str
    finished_at: str = ""
    duration: float = 0.0
    parameters: dict[str, Any] = Field(default_factory=dict)
    total_tests: int
    passed_tests: int
    failed_tests: int
    groups: dict[str, Tally] = Field(default_factory=dict)
    stack_version: str = ""
    notebooks: list[NotebookSummary] = Field(default_factory=list)
    facts: dict[str, dict[Fact, Any]] = Field(default_factory=dict)  # by notebook
    residue: list[str] = Field(default_factory=list)  # users the final sweep left
    test_details: list[Check] = Field(default_factory=list)

    @field_validator("schema_version")
    @classmethod
    def _known(cls, version: int) -> int:
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"schema version {version} is newer than this kit reads ({SCHEMA_VERSION}):"
                " upgrade runeframe-nb"
            )
        return version

    def fact(self, name: Fact) -> Any:
        """The first value any notebook of the run published under `name`, or None."""
        return next((kept[name] for kept in self.facts.values() if name in kept), None)

    def checks_of(self, notebook: str) -> list[Check]:
        return [c for c in self.test_details if c.notebook == notebook]

    def seed_view(self) -> dict[str, Any]:
        """The run as the seed's metrics read it: a dict, each test named `area: name`."""
        data = self.model_dump(mode="json")
        data["test_details"] = [
            {**t, "name": f"{t['area']}: {t['name']}"} for t in data["test_details"]
        ]
        return data


Verdict = Literal["passed", "failed", "killed", "survived", "unattributed", "crashed", "timed out"]


class Sighting(_Model):
    """A check that failed in a trial, and whether its evidence reached the mutant."""

    notebook: str
    check: str
    detail: str = ""
    saw: bool = False


class Trial(_Model):
    """The control, a tolerated fault or a mutant, run on the notebooks that reach it."""

    name: str
    breaks: str
    service: str
    side: str
    kind: Literal["control", "mutant"]
    verdict: Verdict
    notebooks: list[str]
    caught_by: list[Sighting] = Field(default_factory=list)
    duration: float = 0.0
    run: str = ""  # its archive, relative to the mutation run's
    held_out: bool = False

    @property
    def alarm(self) -> bool:
        return self.verdict not in ("passed", "survived")


class HeldOut(_Model):
    killed: int
    of: int


class MutationRecord(_Archived):
    """A mutation run as mutation.json holds it: its score, each trial and the kill matrix."""

    FILE = MUTATION_FILE
    WHAT = "mutation run"
    SHAPE = "a mutation run's results"

    schema_version: int = 1
    run_id: str
    score: float
    killed: int
    mutants: int
    verdicts: dict[str, int]
    held_out: HeldOut
    false_alarms: int
    duration: float
    control: Trial
    controls: list[Trial]
    results: list[Trial]
    kill_matrix: dict[str, list[str]]  # "notebook: check" -> the mutants it caught
