"""Scale-out on Locust's own distributed runner: a master and `workers` worker processes.

The plan becomes the packaged locustfile's configuration; Locust's final JSON stats
(response-time buckets per endpoint) are turned into the engine's result shape, so both
engines report alike. More workers on other machines join with
`locust --worker -f - --master-host <this machine>` (see the README).
"""

from __future__ import annotations

import base64
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import cloudpickle

from runeframe_process import any_free_port

from ..errors import LoadError
from ..network import Tls, proxy_for
from .plan import LoadPlan
from .stats import LoadResult, Measurements, histogram

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def locustfile_for(plan: LoadPlan) -> str:
    """The packaged locustfile with `plan` written into it: over https with the trust and
    client certificate as PEM text, so a worker on another machine needs no file of ours."""
    host = f"{plan.target.scheme}://{plan.target.authority}"
    config = {
        "host": host,
        "tls": _tls(plan.tls) if plan.target.scheme == "https" else None,
        "proxy": proxy_for(host),
        "path": plan.target.path,
        "users": plan.users,
        "rate": plan.rate,
        "think_time": plan.think_time,
        "headers": dict(plan.headers),
        # the identity provider's token as it is now: Locust's runs renew nothing
        "tokens": list(plan.tokens) or ([plan.auth.token()] if plan.auth else []),
        "scenario": base64.b64encode(cloudpickle.dumps(plan.scenario)).decode()
        if plan.scenario
        else None,
    }
    template = LOCUSTFILE.read_text()
    placeholder = 'PLAN_TEXT = "{}"'
    assert placeholder in template
    return template.replace(placeholder, f"PLAN_TEXT = {json.dumps(config)!r}", 1)


def _tls(tls: Tls) -> dict[str, Any]:
    def pem(path: Path | None) -> str | None:
        try:
            return path.read_text() if path is not None else None
        except OSError as exc:
            raise LoadError(f"cannot read {path}: {exc.strerror}") from None

    return {
        "verify": tls.verify,
        "ca": pem(tls.ca_bundle),
        "cert": pem(tls.client_cert),
        "key": pem(tls.client_key),
    }


def run_locust(plan: LoadPlan) -> LoadResult:
    """Run `plan` on a Locust master with `plan.workers` local workers. With
    `plan.remote_workers`, the master also listens on every interface at
    `plan.master_port` and waits for that many more workers to join from other machines."""
    remote_workers, master_port = plan.remote_workers, plan.master_port
    if plan.duration is None:
        raise LoadError("the locust engine runs for a duration: give --duration")
    bind_host, port = ("0.0.0.0", master_port) if remote_workers else ("127.0.0.1", any_free_port())
    with tempfile.TemporaryDirectory(prefix="runeframe-locust-") as folder:
        stats_path = Path(folder) / "stats.json"
        locustfile = Path(folder) / "runeframe_locustfile.py"
        locustfile.write_text(locustfile_for(plan))
        locust = [sys.executable, "-m", "locust", "-f", str(locustfile)]
        master = subprocess.Popen(
            [
                *locust,
                "--master",
                "--headless",
                "--only-summary",
                "--skip-log",
                "--master-bind-host",
                bind_host,
                "--master-bind-port",
                str(port),
                "--expect-workers",
                str(plan.workers + remote_workers),
                "-u",
                str(plan.users),
                "-r",
                str(plan.users),
                "-t",
                f"{math.ceil(plan.duration)}s",  # Locust takes whole seconds,
                "--stop-timeout",
                "5",
                "--json-file",
                str(stats_path.with_suffix("")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        workers = [
            subprocess.Popen(
                [*locust, "--worker", "--master-port", str(port), "--skip-log"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(plan.workers)
        ]
        try:
            _, errors = master.communicate(timeout=plan.duration + 120)
        except subprocess.TimeoutExpired:
            master.kill()
            raise LoadError("locust did not finish in time") from None
        finally:
            for worker in workers:
                try:
                    worker.wait(15)
                except subprocess.TimeoutExpired:
                    worker.kill()
        if not stats_path.exists():
            last = (errors or "").strip().splitlines()[-1:] or ["no output"]
            raise LoadError(f"locust wrote no statistics: {last[0]}")
        stats = json.loads(stats_path.read_text())
    return LoadResult(
        plan.model, "locust", _recorder(stats), plan.users, plan.workers + remote_workers, plan.rate
    )


def _recorder(stats: list[dict[str, Any]]) -> Measurements:
    """Locust's per-endpoint response-time buckets (ms), as HDR histograms (us). Locust
    keeps one set of buckets for successes and failures together, so its percentiles
    include the failures' times."""
    recorder = Measurements()
    first = min((s["start_time"] for s in stats), default=0.0)
    last = max((s["last_request_timestamp"] or 0.0 for s in stats), default=0.0)
    for entry in stats:
        method, label = entry.get("method") or "", entry["name"]
        name = label if not method or label.startswith(f"{method} ") else f"{method} {label}"
        hist = recorder.endpoints.setdefault(name, histogram())
        for millis, count in entry["response_times"].items():
            hist.record_value(max(1, int(float(millis) * 1000)), count)
        failures = entry.get("num_failures", 0)
        recorder.statuses[(name, 200)] += entry["num_requests"] - failures
        if failures:
            recorder.statuses[(name, 0)] += failures
            recorder.errors["failure"] += failures
    recorder.elapsed = max(last - first, 1e-9)
    return recorder
