"""The load engine against Locust (FastHttpUser, headless) and wrk, on one core each, over
plain HTTP and over TLS.

    python benchmarks/load_engine.py [--seconds 10] [--connections 50] [--rounds 3]

nginx (one worker, pinned to core 0) serves a two-byte answer on loopback, on a plain
port and on a TLS port (a certificate from a CA made for the run, which our engine and
Locust verify; wrk does not); each load generator in turn gets core 1 and the same
number of connections, kept alive. Prints req/s and p99
per tool (medians over the rounds) and our ratios to the others, then what each request
cost the generator in CPU (its process's user and system time over its requests; wrk's
is the floor). Our open model runs too, at a share (--open-share, default half) of what
our closed model reached in that round, with its percentiles counted from each intended
send time; our generator's own peak CPU says whether those percentiles are nginx's or
its own (past 90% of its core, its own). Over TLS the same tables follow, and what TLS
adds to each generator's CPU per request. Needs nginx and wrk (Debian: `apt-get install
nginx wrk`), taskset, and trustme (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _measure import Figures, rounds, table, wrk

from runeframe_process import any_free_port

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {folder};
    server {{
        listen 127.0.0.1:{port};
        location / {{ return 200 "ok"; }}
    }}
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        ssl_certificate {folder}/cert.pem;
        ssl_certificate_key {folder}/key.pem;
        location / {{ return 200 "ok"; }}
    }}
}}
"""

LOCUSTFILE = """
from locust import FastHttpUser, constant, task

class Hammer(FastHttpUser):
    wait_time = constant(0)
    insecure = False  # over https, verify as our engine does (SSL_CERT_FILE names the CA)

    @task
    def home(self):
        self.client.get("/")
"""

Measure = Callable[[str, int, int, Path], Figures]
COST: dict[str, list[float]] = {}  # tool: CPU microseconds per request, one per round
REACHED: list[float] = []  # our closed model's req/s, the round's reference for the open one
OWN_CPU: dict[str, list[float]] = {}  # model: our generator's peak CPU, % of its core, per round


def certificates(folder: Path) -> Path:
    """nginx's certificate and key in `folder`, from a CA made for the run; the CA's path."""
    import trustme

    ca = trustme.CA()
    served = ca.issue_cert("127.0.0.1")
    served.private_key_pem.write_to_path(str(folder / "key.pem"))
    served.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    return folder / "ca.pem"


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def costed(tool: str, measure: Measure) -> Measure:
    """`measure`, noting the CPU its process spent per request."""

    def run(url: str, seconds: int, connections: int, folder: Path) -> Figures:
        before = children_cpu()
        rps, p99 = measure(url, seconds, connections, folder)
        spent = children_cpu() - before
        COST.setdefault(tool, []).append(1e6 * spent / max(1.0, rps * seconds))
        return rps, p99

    return run


def ours(url: str, seconds: int, connections: int, folder: Path, rate: float = 0) -> Figures:
    command = [str(Path(sys.executable).with_name("runeframe-nb")), "load", url]
    options = ["--users", str(connections), "--duration", str(seconds), "--workers", "1"]
    if rate:
        options += ["--rate", f"{rate:.0f}"]
    done = subprocess.run(
        ["taskset", "-c", "1", *command, *options, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = json.loads(done.stdout)
    if not rate and url.startswith("http:"):
        REACHED.append(summary["rps"])
    OWN_CPU.setdefault(summary["model"], []).append(summary["generator_cpu_percent"])
    return summary["rps"], summary["p99_ms"]


def ours_open(share: float, url: str, seconds: int, connections: int, folder: Path) -> Figures:
    return ours(url, seconds, connections, folder, rate=share * REACHED[-1])


def locust(url: str, seconds: int, connections: int, folder: Path) -> Figures:
    locustfile = folder / "hammer.py"
    locustfile.write_text(LOCUSTFILE)
    stats = folder / "locust"
    command = ["taskset", "-c", "1", sys.executable, "-m", "locust", "-f", str(locustfile)]
    headless = [
        "--headless",
        "--only-summary",
        "--skip-log",
        "-H",
        url.rstrip("/"),
        "-t",
        f"{seconds}s",
    ]
    users = ["-u", str(connections), "-r", str(connections), "--json-file", str(stats)]
    subprocess.run(
        [*command, *headless, *users],
        capture_output=True,
        check=True,
    )
    entries = json.loads(stats.with_suffix(".json").read_text())
    requests = sum(e["num_requests"] for e in entries)
    elapsed = max(e["last_request_timestamp"] for e in entries) - min(
        e["start_time"] for e in entries
    )
    buckets: dict[float, int] = {}
    for entry in entries:
        for ms, count in entry["response_times"].items():
            buckets[float(ms)] = buckets.get(float(ms), 0) + count
    seen, p99 = 0, 0.0
    for ms in sorted(buckets):
        seen += buckets[ms]
        if seen >= 0.99 * requests:
            p99 = ms
            break
    return requests / elapsed, p99


def on_core_1_wrk(url: str, seconds: int, connections: int, folder: Path) -> Figures:
    return wrk(url, seconds, connections, prefix=("taskset", "-c", "1"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--open-share", type=float, default=0.5)
    args = parser.parse_args()
    missing = [tool for tool in ("nginx", "wrk", "taskset") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"load_engine: needs {', '.join(missing)} (Debian: apt-get install nginx wrk)")

    tools: dict[str, tuple[str, Measure]] = {
        "runeframe": ("http", ours),
        f"runeframe open, {args.open_share:.0%}": (
            "http",
            functools.partial(ours_open, args.open_share),
        ),
        "locust FastHttpUser": ("http", locust),
        "wrk": ("http", on_core_1_wrk),
        "runeframe https": ("https", ours),
        "locust FastHttpUser https": ("https", locust),
        "wrk https": ("https", on_core_1_wrk),
    }
    with tempfile.TemporaryDirectory(prefix="load-engine-") as name:
        folder = Path(name)
        os.environ["SSL_CERT_FILE"] = str(certificates(folder))  # for every generator
        ports = {"http": any_free_port(), "https": any_free_port()}
        (folder / "nginx.conf").write_text(
            NGINX_CONF.format(folder=folder, port=ports["http"], tls_port=ports["https"])
        )
        nginx = subprocess.Popen(
            ["taskset", "-c", "0", "nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(0.5)
            medians = rounds(
                {
                    tool: functools.partial(
                        costed(tool, measure),
                        f"{scheme}://127.0.0.1:{ports[scheme]}/",
                        args.seconds,
                        args.connections,
                        folder,
                    )
                    for tool, (scheme, measure) in tools.items()
                },
                args.rounds,
            )
        finally:
            nginx.terminate()
            nginx.wait()
    setting = (
        f"nginx on core 0, each generator on core 1, {args.connections} connections, "
        f"{args.seconds} s, median of {args.rounds}"
    )
    for scheme in ("http", "https"):
        table(
            f"{setting}, {scheme}",
            {tool: medians[tool] for tool, (over, _) in tools.items() if over == scheme},
            "runeframe is",
        )
    floor = statistics.median(COST["wrk"])
    print("\nCPU per request on the generator's core (median of the rounds)")
    for tool, costs in COST.items():
        cost = statistics.median(costs)
        print(f"  {tool:<26} {cost:8.1f} us   {cost / floor:5.1f}x wrk's")
    print("\nWhat TLS adds to a request's CPU (https against plain, median of the rounds)")
    for tool in ("runeframe", "locust FastHttpUser", "wrk"):
        plain, secure = statistics.median(COST[tool]), statistics.median(COST[f"{tool} https"])
        print(f"  {tool:<26} {secure - plain:+8.1f} us   {secure / plain:5.2f}x plain")
    print("\nOur generator's peak CPU, % of its core (median of the rounds; past 90: it ran out)")
    for model, peaks in OWN_CPU.items():
        print(f"  {model:<22} {statistics.median(peaks):8.1f}")


if __name__ == "__main__":
    main()
