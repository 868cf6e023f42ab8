"""The fault proxy of `runeframe-nb mutate` against mitmproxy's reverse mode, and no proxy.

    python benchmarks/mutate_proxy.py [--mitmdump PATH] [--seconds 5] [--rounds 3]

A bare asyncio target answers a fixed users page (core 0); each proxy forwards to it
(core 1) with no mutant; wrk (core 0, 50 connections) measures through each. Prints
req/s and p99 (medians over the rounds), the proxy's CPU per request, and each one's
CPU cost relative to ours. mitmproxy goes in a virtual environment of its own:

    python3 -m venv /tmp/mitm && /tmp/mitm/bin/pip install mitmproxy
    python benchmarks/mutate_proxy.py --mitmdump /tmp/mitm/bin/mitmdump
"""

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from _measure import TARGET, cpu_seconds, wrk

from runeframe_process import any_free_port

PATH = "/users/?page=1&per_page=20"


def wait_port(port: int) -> None:
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    sys.exit(f"nothing listens on {port}")


@contextmanager
def process(command: list[str], port: int) -> Iterator[int]:
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        yield child.pid
    finally:
        child.terminate()
        child.wait(10)


def ours(target: int, port: int) -> list[str]:
    config = {
        "routes": [
            {
                "service": "api",
                "side": "front",
                "port": port,
                "upstream": f"http://127.0.0.1:{target}",
            }
        ],
        "mutant": None,
    }
    path = Path(tempfile.mkstemp(suffix=".json")[1])
    path.write_text(json.dumps(config))
    return [sys.executable, "-m", "runeframe_tools.mutate.proxy", str(path)]


def mitm(mitmdump: str) -> Callable[[int, int], list[str]]:
    def command(target: int, port: int) -> list[str]:
        mode = f"reverse:http://127.0.0.1:{target}@{port}"
        return [mitmdump, "--mode", mode, "-q", "--set", "connection_strategy=lazy"]

    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mitmdump", default=shutil.which("mitmdump"))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    proxies: dict[str, Callable[[int, int], list[str]] | None] = {
        "runeframe fault proxy (uvicorn + aiohttp)": ours,
    }
    if args.mitmdump:
        proxies["mitmproxy reverse mode (mitmdump)"] = mitm(args.mitmdump)
    else:
        print("mitmdump not found: pass --mitmdump (see the docstring); measuring ours alone")
    proxies["no proxy"] = None
    target = any_free_port()
    on = {"core0": ["taskset", "-c", "0"], "core1": ["taskset", "-c", "1"]}
    taken: dict[str, list[tuple[float, float, float]]] = {label: [] for label in proxies}
    with process([*on["core0"], sys.executable, "-c", TARGET, str(target)], target):
        for round_ in range(args.rounds):
            for label, make in proxies.items():
                if make is None:
                    rps, p99 = wrk(
                        f"http://127.0.0.1:{target}{PATH}",
                        args.seconds,
                        args.connections,
                        on["core0"],
                    )
                    taken[label].append((rps, p99, 0.0))
                    continue
                port = any_free_port()
                with process([*on["core1"], *make(target, port)], port) as pid:
                    url = f"http://127.0.0.1:{port}{PATH}"
                    wrk(url, 1, args.connections, on["core0"])  # warm: connections, caches
                    before = cpu_seconds(pid)
                    rps, p99 = wrk(url, args.seconds, args.connections, on["core0"])
                    per_request = (cpu_seconds(pid) - before) / (rps * args.seconds) * 1e6
                taken[label].append((rps, p99, per_request))
                print(
                    f"round {round_ + 1} {label:<42} {rps:>9,.0f} req/s  p99 {p99:7.2f} ms  "
                    f"{per_request:6.1f} us CPU/req"
                )
    medians = {
        label: tuple(statistics.median(run[i] for run in runs) for i in range(3))
        for label, runs in taken.items()
    }
    ours_cpu = next(iter(medians.values()))[2]
    print(
        f"\nGET {PATH} through each proxy, wrk -t1 -c{args.connections} {args.seconds}s, "
        f"median of {args.rounds}"
    )
    print(f"{'':<44}{'req/s':>10}{'p99 ms':>10}{'us CPU/req':>12}{'CPU vs ours':>13}")
    for label, (rps, p99, cpu) in medians.items():
        ratio = f"{cpu / ours_cpu:.2f}x" if cpu else "-"
        print(f"{label:<44}{rps:>10,.0f}{p99:>10.2f}{cpu:>12.1f}{ratio:>13}")


if __name__ == "__main__":
    main()
