"""A run as Allure results, written by Allure's own Python commons (allure-python-commons).

One Allure test per check, its title path the check's area and notebook (so Allure groups
them as suites), each executed cell up to the check a step (with papermill's times and
status), the environment and the run's parameters as labels and parameters. A failed
check carries its exchanges (as text and as HAR) and the executed notebook as
attachments. A notebook that did not run to its end is a broken test of its own. Each
test's history id is its notebook and name, so Allure's history and trends follow a
check from run to run.
"""

from __future__ import annotations

import json
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from allure_commons.logger import AllureFileLogger
from allure_commons.model2 import (
    Attachment,
    Label,
    Parameter,
    Status,
    StatusDetails,
    TestResult,
    TestStepResult,
)
from allure_commons.types import AttachmentType, LabelType
from allure_commons.utils import md5, uuid4

from runeframe_nb.recorder import METADATA_KEY

from ..report.capsule import as_text, har
from .artifacts import KIT_VERSION, RunResult, group_of
from .execute import NotebookResult

Cell = dict[str, Any]


def _ms(stamp: str | None) -> int | None:
    return int(datetime.fromisoformat(stamp).timestamp() * 1000) if stamp else None


def _steps(cells: list[Cell]) -> list[TestStepResult]:
    """Each executed code cell as a step: its first line, papermill's times and status."""
    steps = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code" or "papermill" not in cell.get("metadata", {}):
            continue
        timing = cell["metadata"]["papermill"]
        first = next((line for line in cell["source"].splitlines() if line.strip()), "")
        status = {"completed": Status.PASSED, "failed": Status.BROKEN}.get(
            timing.get("status", ""), Status.SKIPPED
        )
        steps.append(
            TestStepResult(
                name=f"cell {index}: {first[:80]}",
                status=status,
                start=_ms(timing.get("start_time")),
                stop=_ms(timing.get("end_time")),
            )
        )
    return steps


def _cell_of_checks(cells: list[Cell]) -> dict[str, int]:
    """The cell each check was recorded in, by its name."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        for output in cell.get("outputs", ()):
            check = output.get("metadata", {}).get(METADATA_KEY, {}).get("check")
            if check is not None:
                found.setdefault(check["name"], index)
    return found


class AllureWriter:
    def __init__(self, target: Path, result: RunResult) -> None:
        self.logger = AllureFileLogger(target)
        self.target = target
        self.result = result
        self.host = socket.gethostname()

    def _labels(self, nb: NotebookResult, area: str) -> list[Label]:
        labels = [
            Label(LabelType.PARENT_SUITE, group_of(area)),
            Label(LabelType.SUITE, area),
            Label(LabelType.SUB_SUITE, nb.name),
            Label(LabelType.FRAMEWORK, "runeframe-nb"),
            Label(LabelType.LANGUAGE, "python"),
            Label(LabelType.HOST, self.host),
            Label("profile", self.result.profile),
            Label("run", self.result.run_id),
        ]
        return labels

    def _parameters(self) -> list[Parameter]:
        shown = {k: v for k, v in self.result.parameters.items() if k not in ("urls", "run_id")}
        return [Parameter(name=k, value=json.dumps(v)) for k, v in sorted(shown.items())]

    def _attach(self, test: TestResult, name: str, body: str | bytes, kind: Any) -> None:
        mime, extension = kind.mime_type, kind.extension
        source = f"{uuid4()}-attachment.{extension}"
        self.logger.report_attached_data(body=body, file_name=source)
        test.attachments.append(Attachment(name=name, source=source, type=mime))

    def notebook(self, nb: NotebookResult) -> int:
        executed = Path(nb.output)
        cells: list[Cell] = []
        if executed.exists():
            cells = nbformat.read(executed, as_version=4)["cells"]
        where = _cell_of_checks(cells)
        written = 0
        for check in nb.checks:
            area = check.area
            upto = where.get(check.name, len(cells) - 1)
            steps = _steps(cells[: upto + 1])
            stop = steps[-1].stop if steps else None
            test = TestResult(
                uuid=uuid4(),
                historyId=md5(nb.name, check.name),
                testCaseId=md5(nb.name, check.name),
                fullName=f"{nb.name}: {check.name}",
                name=check.name,
                titlePath=[area, nb.name],
                status=Status.PASSED if check.passed else Status.FAILED,
                labels=self._labels(nb, area)
                + [Label(LabelType.TAG, covers) for covers in check.covers],
                parameters=self._parameters(),
                steps=steps,
                start=int(stop - check.duration * 1000) if stop else None,
                stop=stop,
            )
            if not check.passed:
                test.statusDetails = StatusDetails(
                    message=check.detail or "check failed", trace=as_text(check.exchanges)
                )
                if check.exchanges:
                    self._attach(test, "exchanges", as_text(check.exchanges), AttachmentType.TEXT)
                    capsule = json.dumps(har([check], KIT_VERSION), indent=1)
                    self._attach(test, "exchanges.har", capsule, AttachmentType.JSON)
                if executed.exists():
                    self._attach(test, executed.name, executed.read_bytes(), AttachmentType.JSON)
            self.logger.report_result(test)
            written += 1
        if nb.status not in ("completed", "skipped"):
            test = TestResult(
                uuid=uuid4(),
                historyId=md5(nb.name, "runs to the end"),
                name=f"{nb.name} runs to the end",
                fullName=f"{nb.name}: runs to the end",
                titlePath=["runner", nb.name],
                status=Status.BROKEN,
                statusDetails=StatusDetails(message=nb.error or nb.status),
                labels=self._labels(nb, "runner"),
                steps=_steps(cells),
            )
            if executed.exists():
                self._attach(test, executed.name, executed.read_bytes(), AttachmentType.JSON)
            self.logger.report_result(test)
            written += 1
        return written

    def environment(self) -> None:
        """environment.properties: what Allure shows as the run's environment."""
        lines = {
            "profile": self.result.profile,
            "run": self.result.run_id,
            "stack.version": self.result.stack_version,
            "kit.version": KIT_VERSION,
            "host": self.host,
        }
        text = "".join(f"{k}={v}\n" for k, v in lines.items())
        (self.target / "environment.properties").write_text(text)


def write_allure(result: RunResult, target: Path) -> int:
    """Write `result` as Allure results into `target`; how many tests were written."""
    writer = AllureWriter(target, result)
    writer.environment()
    return sum(writer.notebook(nb) for nb in result.notebooks)
