"""The hop between services (runeframe_stack.core.hop) against aiohttp and httpx.

    python benchmarks/peer_hop.py [--requests 20000] [--concurrency 100] [--rounds 3]

One process sends GET requests with 100 in flight to a target that answers a fixed
users page at once (a bare asyncio protocol in another process, so the client is what
is measured). Prints the client's CPU time per request and its req/s (medians over the
rounds) for each client, and each one's CPU cost relative to the hop.
"""

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx
import uvloop
from _measure import TARGET

from runeframe_process import any_free_port
from runeframe_stack.core.hop import Peer, Pool

PATH = "/users/?page=1&per_page=20"
HEADERS = {"authorization": "Bearer bench", "x-forwarded-prefix": "/api/v1"}
Send = Callable[[], Awaitable[int]]


async def measure(
    make: Callable[[str], Awaitable[tuple[Send, Callable[[], Awaitable[None]]]]],
    base: str,
    requests: int,
    concurrency: int,
) -> tuple[float, float]:
    send, close = await make(base)

    async def user(count: int) -> None:
        for _ in range(count):
            if await send() != 200:
                raise SystemExit("peer_hop: the target did not answer 200")

    await user(10)
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(user(requests // concurrency) for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await close()
    return cpu / requests * 1e6, requests / wall


async def hop(base: str) -> tuple[Send, Callable[[], Awaitable[None]]]:
    pool, peer = Pool(), Peer.of(base)

    async def send() -> int:
        return (await pool.request(peer, "GET", PATH, HEADERS, None)).status

    async def close() -> None:
        pool.close()

    return send, close


async def with_aiohttp(base: str) -> tuple[Send, Callable[[], Awaitable[None]]]:
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=256),
        timeout=aiohttp.ClientTimeout(total=30, connect=5),
        auto_decompress=False,
    )

    async def send() -> int:
        async with session.get(base + PATH, headers=HEADERS) as reply:
            await reply.read()
            return reply.status

    return send, session.close


async def with_httpx(base: str) -> tuple[Send, Callable[[], Awaitable[None]]]:
    client = httpx.AsyncClient(limits=httpx.Limits(max_connections=256))

    async def send() -> int:
        return (await client.get(base + PATH, headers=HEADERS)).status_code

    return send, client.aclose


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    clients = {
        "runeframe hop": hop,
        "aiohttp 3 ClientSession": with_aiohttp,
        "httpx AsyncClient": with_httpx,
    }
    port = any_free_port()
    target = subprocess.Popen([sys.executable, "-c", TARGET, str(port)])
    taken: dict[str, list[tuple[float, float]]] = {label: [] for label in clients}
    try:
        time.sleep(1)
        for round_ in range(args.rounds):
            for label, make in clients.items():
                # httpx collapses under 100 in flight (DESIGN.md): a tenth of the requests
                count = args.requests // (10 if make is with_httpx else 1)
                cpu, rps = uvloop.run(
                    measure(make, f"http://127.0.0.1:{port}", count, args.concurrency)
                )
                taken[label].append((cpu, rps))
                print(
                    f"round {round_ + 1} {label:<24} {cpu:8.1f} us CPU/request {rps:>10,.0f} req/s"
                )
    finally:
        target.kill()
    medians = {
        label: (statistics.median(c for c, _ in runs), statistics.median(r for _, r in runs))
        for label, runs in taken.items()
    }
    first = medians["runeframe hop"][0]
    print(f"\nGET {PATH}, {args.concurrency} in flight, median of {args.rounds}")
    print(f"{'':<26}{'us CPU/req':>12}{'req/s':>10}{'CPU vs hop':>12}")
    for label, (cpu, rps) in medians.items():
        print(f"{label:<26}{cpu:>12.1f}{rps:>10,.0f}{cpu / first:>11.2f}x")


if __name__ == "__main__":
    main()
