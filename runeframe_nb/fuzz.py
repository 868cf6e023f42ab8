"""Schema fuzzing: schemathesis against every service's OpenAPI document and the edge's
GraphQL schema, checking that no generated request gets a server error (5xx) and that
every answer conforms to its documented schema.

Each target runs as a `schemathesis run` process with a seed, so a run is reproducible;
its NDJSON event log is read back for the number of cases (per operation) and the
failures, each with the request that shows it. A run that schemathesis could not finish
(a fatal error, an interruption, an exit code that no recorded failure explains) fails
too: an empty log is not a clean one. Jonar's operations that start real replica processes (deploy,
scale, delete, load, the service proxy) take seconds per case: they are left out unless
asked for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._tables import pandas
from .environment import Environment
from .errors import FuzzError
from .extras import require
from .network import Tls
from .profiles import SERVICES, Profile
from .stepwise import steps

if TYPE_CHECKING:
    import pandas as pd

CHECKS = "not_a_server_error,response_schema_conformance"
# Jonar's operations are fuzzed too: a deployment it accepts starts real replica
# processes in the background, so the stack fuzzed holds them to a small quota
FUZZED_STACK = {"jonar": {"max_replicas": 4}}
REQUEST_TIMEOUT = 10.0  # seconds; a request open longer is an error of the target's


@dataclass(frozen=True)
class FuzzTarget:
    name: str
    schema_url: str


@dataclass
class FuzzResult:
    target: str
    cases: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    fatal: list[str] = field(default_factory=list)  # why the run did not finish
    operations: dict[str, int] = field(default_factory=dict)  # cases per operation label
    seconds: float = 0.0
    slowest_ms: float = 0.0  # the longest a request stayed open
    slowest: str = ""  # and which it was

    @property
    def ok(self) -> bool:
        return not self.failures and not self.errors and not self.fatal and self.cases > 0


def own_stack(profile: str | Profile) -> Environment:
    """A fresh embedded stack of the profile's, to fuzz: fuzzing changes and deletes data."""
    from .environment import open_environment

    return open_environment(profile, stack_settings=FUZZED_STACK)


def targets(env: Environment, only: list[str] | None = None) -> list[FuzzTarget]:
    """Every service's OpenAPI document, then the edge's GraphQL schema."""
    found = [FuzzTarget(s, f"{env.url(s)}/openapi.json") for s in SERVICES]
    found.append(FuzzTarget("graphql", f"{env.url('api')}/graphql/"))
    if only:
        unknown = sorted(set(only) - {t.name for t in found})
        if unknown:
            names = ", ".join(t.name for t in found)
            raise FuzzError(f"no fuzz target {unknown[0]!r}; one of {names}")
        found = [t for t in found if t.name in only]
    return found


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which(
        "schemathesis"
    )
    if found is None:
        require("fuzz", "schemathesis", "fuzzing", FuzzError)
        raise FuzzError("schemathesis is installed, but its command is not on the PATH")
    return found


def run_target(
    target: FuzzTarget,
    token: str | None,
    report_dir: Path,
    *,
    max_examples: int = 25,
    seed: int = 42,
    request_timeout: float = REQUEST_TIMEOUT,
    tls: Tls | None = None,
) -> FuzzResult:
    """Fuzz one target; its NDJSON log lands in `report_dir`. Over https, `tls` says
    whom to trust and which client certificate to show (schemathesis's requests reads
    REQUESTS_CA_BUNDLE and the proxy variables, never SSL_CERT_FILE: it is told)."""
    report = report_dir / f"{target.name}.ndjson"
    command = [
        _schemathesis(),
        "run",
        target.schema_url,
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--request-timeout",
        str(request_timeout),
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--no-color",
        "--warnings",
        "off",
        *(tls or Tls().resolved()).fuzzer_options(),
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if not report.exists():
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise FuzzError(f"schemathesis did not run against {target.name}: {reason[0]}")
    result = read_report(target.name, report)
    if done.returncode != 0 and not (result.failures or result.errors or result.fatal):
        said = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["nothing"]
        result.fatal.append(f"schemathesis exited with code {done.returncode}: {said[0][:300]}")
    result.seconds = round(time.perf_counter() - started, 1)
    return result


def read_report(name: str, path: Path) -> FuzzResult:
    """Cases, failures and errors from a schemathesis NDJSON event log."""
    result = FuzzResult(name)
    for line in path.read_text().splitlines():
        event = json.loads(line)
        kind, body = next(iter(event.items()))
        if kind == "NonFatalError":  # no answer to judge: a timeout, a schema it cannot read
            error = body.get("value") or {}
            message = str(error.get("message", "")).splitlines()[0][:300] if error else ""
            result.errors.append(
                {"operation": body.get("label", ""), "error": f"{error.get('type')}: {message}"}
            )
        if kind == "FatalError":
            error = body.get("exception") or body.get("value") or body
            result.fatal.append(f"fatal error: {str(error)[:300]}")
        if kind == "Interrupted":
            result.fatal.append("interrupted before the end")
        if kind != "ScenarioFinished":
            continue
        recorder = body.get("recorder") or {}
        cases = recorder.get("cases") or {}
        result.cases += len(cases)
        label = str(recorder.get("label", ""))
        result.operations[label] = result.operations.get(label, 0) + len(cases)
        for interaction in (recorder.get("interactions") or {}).values():
            elapsed = 1000 * float((interaction.get("response") or {}).get("elapsed") or 0)
            if elapsed > result.slowest_ms:
                result.slowest_ms, result.slowest = round(elapsed, 1), label
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check["status"] != "failure":
                    continue
                failure = (check.get("failure_info") or {}).get("failure", {})
                case = (cases.get(case_id) or {}).get("value", {})
                result.failures.append(
                    {
                        "operation": failure.get("operation") or recorder.get("label", ""),
                        "check": f"{failure.get('code', '')} {failure.get('title', check['name'])}",
                        "request": _request(case),
                    }
                )
    return result


def _request(case: dict[str, Any]) -> str:
    """The failing request in one line: method, path with its parameters, body."""
    path = case.get("path", "")
    for name, value in (case.get("path_parameters") or {}).items():
        path = path.replace(f"{{{name}}}", str(value))
    query = case.get("query") or {}
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body = case.get("body")
    shown = f" {json.dumps(body)[:300]}" if body is not None else ""
    return f"{case.get('method', '')} {path}{shown}"


def fuzz(
    env: Environment,
    report_dir: Path,
    *,
    only: list[str] | None = None,
    max_examples: int = 25,
    seed: int = 42,
) -> list[FuzzResult]:
    report_dir.mkdir(parents=True, exist_ok=True)
    return [
        run_target(t, env.token, report_dir, max_examples=max_examples, seed=seed, tls=env.tls)
        for t in steps(targets(env, only), "fuzzing target", lambda t: t.name)
    ]


def summary(results: list[FuzzResult]) -> pd.DataFrame:
    pd = pandas()
    return pd.DataFrame(
        [
            {
                "target": r.target,
                "cases": r.cases,
                "failures": len(r.failures),
                "errors": len(r.errors),
                "fatal": len(r.fatal),
                "seconds": r.seconds,
                "slowest_ms": r.slowest_ms,
            }
            for r in results
        ]
    ).set_index("target")


def failures(results: list[FuzzResult]) -> pd.DataFrame:
    pd = pandas()
    rows = [{"target": r.target, **f} for r in results for f in r.failures]
    rows += [{"target": r.target, "check": "error", **e} for r in results for e in r.errors]
    rows += [{"target": r.target, "check": "fatal", "error": f} for r in results for f in r.fatal]
    return pd.DataFrame(rows, columns=["target", "operation", "check", "request", "error"])
