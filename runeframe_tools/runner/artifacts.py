"""What a run leaves behind: results.json (a `RunRecord`), junit.xml and HARs.

results.json holds the seed's IntegrationTestSuite totals (total_tests, passed_tests,
failed_tests, test_details) with real durations, plus the run's notebooks. A notebook
that did not run to its end adds a failed entry of its own, so totals never hide it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from junitparser import (
    Error,
    Failure,
    JUnitXml,
    Properties,
    Property,
    Skipped,
    TestCase,
    TestSuite,
)

from runeframe_nb import __version__
from runeframe_nb.results import Check, RunRecord, RunStatus, Tally

from ..report.capsule import as_text, write_har
from .execute import NotebookResult

KIT_VERSION = __version__


def group_of(area: str) -> str:
    """The seed's suite groups: component, api and e2e tests; other areas by their name."""
    if area.startswith("component"):
        return "component"
    if area.endswith("_api"):
        return "api"
    if area.startswith("e2e"):
        return "e2e"
    return area


@dataclass
class RunResult:
    """A run as it goes; `record()` is what it archives."""

    run_id: str
    profile: str
    folder: Path
    started_at: str
    finished_at: str = ""
    duration: float = 0.0
    interrupted: bool = False
    stack_version: str = ""
    notebooks: list[NotebookResult] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    residue: list[str] = field(default_factory=list)  # users the final sweep could not remove

    @classmethod
    def read(cls, folder: Path) -> RunResult:
        """A run back from its archive (a shard, a run to re-run or report)."""
        record = RunRecord.read(folder)
        result = cls(
            record.run_id,
            record.profile,
            folder,
            record.started_at,
            finished_at=record.finished_at,
            duration=record.duration,
            interrupted=record.status == "interrupted",
            stack_version=record.stack_version,
            parameters=record.parameters,
            residue=record.residue,
        )
        for kept in record.notebooks:
            nb = NotebookResult(
                **{**kept.model_dump(), "output": str(folder / Path(kept.output).name)}
            )
            nb.checks = [
                c.model_copy(update={"group": "", "error": None})
                for c in record.checks_of(nb.name)
                if c.area != "runner"
            ]
            nb.facts = record.facts.get(nb.name, {})
            result.notebooks.append(nb)
        return result

    @property
    def test_details(self) -> list[Check]:
        details = [check for nb in self.notebooks for check in nb.checks]
        for nb in self.notebooks:
            if nb.status in ("failed", "interrupted"):
                details.append(
                    Check(
                        area="runner",
                        notebook=nb.name,
                        name=f"{nb.name} runs to the end",
                        status="failed",
                        detail=nb.error or nb.status,
                        duration=nb.duration,
                    )
                )
        if self.residue:
            details.append(
                Check(
                    area="runner",
                    name="the run leaves nothing behind",
                    status="failed",
                    detail=f"{len(self.residue)} users still there after the final sweep: "
                    + ", ".join(self.residue[:5]),
                )
            )
        return details

    @property
    def failed(self) -> list[Check]:
        return [t for t in self.test_details if not t.passed]

    @property
    def status(self) -> RunStatus:
        if self.interrupted:
            return "interrupted"
        complete = all(nb.status == "completed" for nb in self.notebooks)
        return "passed" if complete and not self.failed else "failed"

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def record(self) -> RunRecord:
        details = [
            t.model_copy(
                update={"group": group_of(t.area), "error": None if t.passed else t.detail}
            )
            for t in self.test_details
        ]
        groups: dict[str, Tally] = {}
        for t in details:
            tally = groups.setdefault(t.group, Tally())
            tally.total += 1
            if t.passed:
                tally.passed += 1
            else:
                tally.failed += 1
        passed = sum(1 for t in details if t.passed)
        return RunRecord(
            run_id=self.run_id,
            profile=self.profile,
            status=self.status,
            started_at=self.started_at,
            finished_at=self.finished_at,
            duration=self.duration,
            parameters=self.parameters,
            total_tests=len(details),
            passed_tests=passed,
            failed_tests=len(details) - passed,
            groups=groups,
            stack_version=self.stack_version,
            notebooks=[nb.summary() for nb in self.notebooks],
            facts={nb.name: nb.facts for nb in self.notebooks if nb.facts},
            residue=self.residue,
            test_details=details,
        )

    def write(self) -> None:
        """results.json, junit.xml, and a HAR of the exchanges of each notebook's failed
        checks (<notebook>.har)."""
        self.record().write(self.folder)
        self.junit().write(str(self.folder / "junit.xml"), pretty=True)
        for nb in self.notebooks:
            write_har(self.folder / f"{nb.name}.har", nb.checks, KIT_VERSION)

    def junit(self) -> JUnitXml:
        xml = JUnitXml(f"runeframe-nb {self.run_id}")
        for nb in self.notebooks:
            suite = TestSuite(nb.name)
            for check in nb.checks:
                case = TestCase(check.name, classname=f"{nb.name}.{check.area}")
                case.time = check.duration
                case.append(_properties(area=check.area, notebook=nb.name))
                if not check.passed:
                    case.result = [Failure(check.detail or "check failed")]
                    exchanges = as_text(check.exchanges)
                    case.system_out = f"{check.detail}\n\n{exchanges}".strip()
                suite.add_testcase(case)
            if nb.status != "completed":
                case = TestCase(f"{nb.name} runs to the end", classname=f"{nb.name}.runner")
                case.time = nb.duration
                if nb.status == "skipped":
                    case.result = [Skipped("an earlier notebook failed (fail fast)")]
                else:
                    case.result = [Error(nb.error or nb.status, nb.status)]
                suite.add_testcase(case)
            xml.add_testsuite(suite)
        if self.residue:
            suite = TestSuite("runner")
            case = TestCase("the run leaves nothing behind", classname="runner")
            case.result = [
                Failure(f"{len(self.residue)} users left: {', '.join(self.residue[:5])}")
            ]
            suite.add_testcase(case)
            xml.add_testsuite(suite)
        return xml


def _properties(**values: str) -> Properties:
    properties = Properties()
    for name, value in values.items():
        properties.add_property(Property(name, value))
    return properties
