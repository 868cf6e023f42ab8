"""What a run leaves behind: results.json in the seed's suite shape, and junit.xml.

results.json holds the seed's IntegrationTestSuite totals (total_tests, passed_tests,
failed_tests, test_details) with real durations, plus the run's notebooks. A notebook
that did not run to its end adds a failed entry of its own, so totals never hide it.
"""

from __future__ import annotations

import json
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

from .._version import __version__
from .capsule import as_text, write_har
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
        """A run back from its archive's results.json (a shard, a run to re-run or report)."""
        data = json.loads((folder / "results.json").read_text())
        result = cls(
            data["run_id"],
            data["profile"],
            folder,
            data["started_at"],
            finished_at=data.get("finished_at", ""),
            duration=data.get("duration", 0.0),
            interrupted=data.get("status") == "interrupted",
            stack_version=data.get("stack_version", ""),
            parameters=data.get("parameters", {}),
            residue=data.get("residue", []),
        )
        facts = data.get("facts", {})
        for kept in data["notebooks"]:
            nb = NotebookResult(**{**kept, "output": str(folder / Path(kept["output"]).name)})
            nb.checks = [
                {k: v for k, v in t.items() if k not in ("group", "error")}
                for t in data["test_details"]
                if t.get("notebook") == nb.name and t["area"] != "runner"
            ]
            nb.facts = facts.get(nb.name, {})
            result.notebooks.append(nb)
        return result

    @property
    def test_details(self) -> list[dict[str, Any]]:
        details = [check for nb in self.notebooks for check in nb.checks]
        for nb in self.notebooks:
            if nb.status in ("failed", "interrupted"):
                details.append(
                    {
                        "area": "runner",
                        "notebook": nb.name,
                        "name": f"{nb.name} runs to the end",
                        "status": "failed",
                        "detail": nb.error or nb.status,
                        "duration": nb.duration,
                    }
                )
        if self.residue:
            details.append(
                {
                    "area": "runner",
                    "notebook": "",
                    "name": "the run leaves nothing behind",
                    "status": "failed",
                    "detail": f"{len(self.residue)} users still there after the final sweep: "
                    + ", ".join(self.residue[:5]),
                    "duration": 0.0,
                }
            )
        return details

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [t for t in self.test_details if t["status"] != "passed"]

    @property
    def status(self) -> str:
        if self.interrupted:
            return "interrupted"
        complete = all(nb.status == "completed" for nb in self.notebooks)
        return "passed" if complete and not self.failed else "failed"

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def as_dict(self) -> dict[str, Any]:
        details = [
            {
                **t,
                "group": group_of(t["area"]),
                "error": t["detail"] if t["status"] != "passed" else None,
            }
            for t in self.test_details
        ]
        passed = sum(1 for t in details if t["status"] == "passed")
        groups: dict[str, dict[str, int]] = {}
        for t in details:
            tally = groups.setdefault(t["group"], {"total": 0, "passed": 0, "failed": 0})
            tally["total"] += 1
            tally["passed" if t["status"] == "passed" else "failed"] += 1
        return {
            "run_id": self.run_id,
            "profile": self.profile,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration": self.duration,
            "parameters": self.parameters,
            "total_tests": len(details),
            "passed_tests": passed,
            "failed_tests": len(details) - passed,
            "groups": groups,
            "stack_version": self.stack_version,
            "notebooks": [nb.as_dict() for nb in self.notebooks],
            "facts": {nb.name: nb.facts for nb in self.notebooks if nb.facts},
            "residue": self.residue,
            "test_details": details,
        }

    def write(self) -> None:
        """results.json, junit.xml, and a HAR of the exchanges of each notebook's failed
        checks (<notebook>.har)."""
        (self.folder / "results.json").write_text(json.dumps(self.as_dict(), indent=2) + "\n")
        self.junit().write(str(self.folder / "junit.xml"), pretty=True)
        for nb in self.notebooks:
            write_har(self.folder / f"{nb.name}.har", nb.checks, KIT_VERSION)

    def junit(self) -> JUnitXml:
        xml = JUnitXml(f"runeframe-nb {self.run_id}")
        for nb in self.notebooks:
            suite = TestSuite(nb.name)
            for check in nb.checks:
                case = TestCase(check["name"], classname=f"{nb.name}.{check['area']}")
                case.time = check["duration"]
                case.append(_properties(area=check["area"], notebook=nb.name))
                if check["status"] != "passed":
                    case.result = [Failure(check["detail"] or "check failed")]
                    exchanges = as_text(check.get("exchanges") or [])
                    case.system_out = f"{check['detail']}\n\n{exchanges}".strip()
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
