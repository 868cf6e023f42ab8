"""What the benchmarks share: wrk's figures, processes' CPU, rounds taken in turn, medians.

Each target is measured once per round, in turn, so that drift on a shared machine
touches them all alike; the table gives the median over the rounds and each target's
ratio to the first.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Figures = tuple[float, float]  # requests per second, p99 in ms

# a target that answers a fixed users page at once (a bare asyncio protocol, run as
# `python -c TARGET PORT`), so that what stands in front of it is what is measured
BODY = b'{"data":[' + b'{"id":"user-1","name":"User 1"},' * 19 + b'{"id":"user-2"}]}'
TARGET = f"""
import asyncio, sys, uvloop
HEAD = b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\n"
ANSWER = HEAD + b"content-length: {len(BODY)}\\r\\n\\r\\n" + {BODY!r}
class Answer(asyncio.Protocol):
    def connection_made(self, transport): self.transport = transport
    def data_received(self, data): self.transport.write(ANSWER * data.count(b"\\r\\n\\r\\n"))
async def main():
    server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", int(sys.argv[1]))
    await server.serve_forever()
uvloop.run(main())
"""


def wrk(
    url: str,
    seconds: int,
    connections: int,
    prefix: Sequence[str] = (),
    headers: Sequence[str] = (),
) -> Figures:
    """wrk with one thread; exits naming the URL if any answer was not a success."""
    given = [part for header in headers for part in ("-H", header)]
    command = [*prefix, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *given, url]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if failed:
        sys.exit(f"{failed.group(1)} failed answers from {url}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", done.stdout).groups()  # type: ignore[union-attr]
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def cpu_seconds(pid: int) -> float:
    """User and system CPU a live process has used (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rounds(measures: dict[str, Callable[[], Figures]], count: int) -> dict[str, Figures]:
    """Every measure once per round, in turn; the medians over the rounds."""
    taken: dict[str, list[Figures]] = {label: [] for label in measures}
    width = max(map(len, measures))
    for round_ in range(count):
        for label, measure in measures.items():
            rps, p99 = measure()
            taken[label].append((rps, p99))
            print(f"round {round_ + 1} {label:<{width}} {rps:>10,.0f} req/s  p99 {p99:.2f} ms")
    return {
        label: (statistics.median(r for r, _ in runs), statistics.median(p for _, p in runs))
        for label, runs in taken.items()
    }


def table(caption: str, medians: dict[str, Figures], ratio: str) -> None:
    """The medians, with how many times the first target's req/s each one is."""
    first = next(iter(medians.values()))[0]
    width = max(map(len, medians)) + 2
    print(f"\n{caption}")
    print(f"{'':<{width}}{'req/s':>10}{'p99 ms':>10}{ratio:>16}")
    for label, (rps, p99) in medians.items():
        print(f"{label:<{width}}{rps:>10,.0f}{p99:>10.2f}{first / rps:>15.2f}x")
