"""Creating a user while every notification between services is 1.5 s late, against
the same stack without the fault.

    python benchmarks/slow_notifications.py [--users 200] [--concurrency 10] [--rounds 3]

Each round starts a fresh stack behind the fault proxy twice: once passing everything
on (the peer), once with `slow-notifications` (each of a user's two notifications, its
account and its `user_created` message, 1.5 s late). Both create the same number of
users at the same concurrency through the proxy's front, as the kit does. Prints the
p50 and p95 of a creation for each, medians over the rounds, and their ratio: the stack
promises that a write waits at most its outbox bound (100 ms) for its peers, so the
faulty run should stay within 2x of the peer.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from runeframe_nb.profiles import load_profile
from runeframe_tools.mutate.harness import proxied_stack


async def create_users(front: str, token: str, users: int, concurrency: int) -> list[float]:
    """Seconds each creation took, `concurrency` in flight."""
    took: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=front, headers=headers, timeout=30) as client:

        async def one(n: int) -> None:
            body = {"name": f"Bench {n}", "email": f"bench{n}@runeframe.dev"}
            started = time.perf_counter()
            reply = await client.post("/users/", json=body)
            took.append(time.perf_counter() - started)
            if reply.status_code != 201:
                raise SystemExit(f"slow_notifications: {reply.status_code} {reply.text[:200]}")

        for first in range(0, users, concurrency):
            await asyncio.gather(*(one(n) for n in range(first, min(users, first + concurrency))))
    return took


def sitting(mutant: str | None, users: int, concurrency: int) -> tuple[float, float]:
    with (
        tempfile.TemporaryDirectory() as folder,
        proxied_stack(load_profile("local"), mutant, Path(folder)) as stack,
    ):
        took = asyncio.run(
            create_users(stack.front["distilera"], str(stack.token), users, concurrency)
        )
    quantiles = statistics.quantiles(took, n=20)
    return statistics.median(took), quantiles[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float]]] = {"peer (no fault)": [], "slow-notifications": []}
    for _ in range(args.rounds):
        for name, mutant in (
            ("peer (no fault)", None),
            ("slow-notifications", "slow-notifications"),
        ):
            runs[name].append(sitting(mutant, args.users, args.concurrency))
    print(f"user creation, {args.users} users, {args.concurrency} in flight, {args.rounds} rounds")
    medians = {}
    for name, found in runs.items():
        p50 = statistics.median(p for p, _ in found) * 1000
        p95 = statistics.median(p for _, p in found) * 1000
        medians[name] = (p50, p95)
        print(f"  {name:<20} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    (peer50, peer95), (slow50, slow95) = medians.values()
    print(f"  ratio (slow / peer)  p50 {slow50 / peer50:8.2f}x    p95 {slow95 / peer95:8.2f}x")
    print("  goal: within 2x" + ("" if max(slow50 / peer50, slow95 / peer95) <= 2 else " MISSED"))


if __name__ == "__main__":
    main()
