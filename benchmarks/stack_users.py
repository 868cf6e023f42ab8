"""GET /api/v1/users/?page=1&per_page=20 on the stack against a FastAPI + SQLAlchemy peer.

    pip install -e '.[bench]'
    python benchmarks/stack_users.py [--seconds 10] [--connections 100] [--rounds 3]
        [--database-url postgresql://postgres@127.0.0.1:5432/runeframe_bench]

Our side is the embedded stack as users meet it: the edge (token check, rate limit,
metrics) forwarding to Distilera. The peer is the same endpoint written the common
way: FastAPI, SQLAlchemy's ORM on aiosqlite, one service, no hop. Both hold the same
200 users and serve under uvicorn; wrk (one thread) measures each in turn. Prints req/s
and p99 (medians over the rounds) and the ratio. With --database-url the stack is also
measured on PostgreSQL and Redis (the ci profile's storage). Then what a request cost
each process in CPU (edge, Distilera, and the PostgreSQL and Redis servers, all sharing
this machine's cores): throughput here is CPU-bound, so this says where a gap comes from.
"""

import argparse
import contextlib
import functools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import httpx
from _measure import Figures, cpu_seconds, rounds, table, wrk

from runeframe_nb.stack import EmbeddedStack
from runeframe_process import any_free_port

USERS = 200
TOKEN = "bench-token"
SETTINGS = {
    "rate_limit": {"requests": 10**9, "window_seconds": 60},
    "static_tokens": {TOKEN: {"user_id": "bench", "roles": ["admin", "user"]}},
}
PATH = "/api/v1/users/?page=1&per_page=20"
AUTHORIZATION = (f"Authorization: Bearer {TOKEN}",)


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"stack_users: {url} did not come up")


def serve_peer(port: int, database: str) -> None:
    """The peer: FastAPI + SQLAlchemy ORM (async, aiosqlite), the same page shape."""
    import asyncio

    import uvicorn
    from fastapi import Depends, FastAPI, Header, HTTPException, Query
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    class Base(DeclarativeBase):
        pass

    class UserRow(Base):
        __tablename__ = "users"
        seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
        id: Mapped[str] = mapped_column(unique=True)
        name: Mapped[str]
        email: Mapped[str] = mapped_column(unique=True)
        role: Mapped[str]
        is_active: Mapped[bool]
        avatar: Mapped[str | None]
        bio: Mapped[str | None]
        created_at: Mapped[str]
        updated_at: Mapped[str]

    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def seed() -> None:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        async with sessions() as session, session.begin():
            stamp = "2026-01-01T00:00:00.000Z"
            session.add_all(
                UserRow(
                    id=f"user-{n}",
                    name=f"User {n}",
                    email=f"user-{n}@bench.example",
                    role="user",
                    is_active=True,
                    created_at=stamp,
                    updated_at=stamp,
                )
                for n in range(USERS)
            )

    asyncio.run(seed())
    app = FastAPI()

    async def session() -> AsyncSession:  # type: ignore[misc]
        async with sessions() as s:
            yield s

    def link(page: int, per_page: int) -> str:
        return f"/api/v1/users/?page={page}&per_page={per_page}"

    @app.get("/api/v1/users/")
    async def list_users(
        page: int = Query(1, ge=1),
        per_page: int = Query(20, ge=1, le=100),
        authorization: str = Header(""),
        db: AsyncSession = Depends(session),  # noqa: B008
    ) -> dict[str, object]:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(401, "unauthorized")
        total = (await db.execute(select(func.count()).select_from(UserRow))).scalar_one()
        rows = await db.scalars(
            select(UserRow).order_by(UserRow.seq).offset((page - 1) * per_page).limit(per_page)
        )
        pages = max(1, -(-total // per_page))
        data = [
            {
                "id": u.id,
                "name": u.name,
                "email": u.email,
                "role": u.role,
                "is_active": u.is_active,
                "profile": {"avatar": u.avatar, "bio": u.bio},
                "created_at": u.created_at,
                "updated_at": u.updated_at,
            }
            for u in rows
        ]
        return {
            "data": data,
            "meta": {
                "pagination": {
                    "current_page": page,
                    "per_page": per_page,
                    "total_pages": pages,
                    "total_items": total,
                }
            },
            "links": {
                "self": link(page, per_page),
                "first": link(1, per_page),
                "prev": link(page - 1, per_page) if page > 1 else None,
                "next": link(page + 1, per_page) if page < pages else None,
                "last": link(pages, per_page),
            },
        }

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", loop="uvloop")


Processes = Callable[[], dict[str, list[int]]]  # what a target runs on, by name, now
COST: dict[str, dict[str, list[float]]] = {}  # target: process: CPU us/request per round


def pgrep(*args: str) -> list[list[str]]:
    """pgrep's lines, split: the pid first (with -a, the command line after it)."""
    listed = subprocess.run(["pgrep", *args], capture_output=True, text=True).stdout
    return [line.split() for line in listed.splitlines()]


def stack_processes(stack: EmbeddedStack, servers: bool) -> Processes:
    """The edge and Distilera of `stack` (its supervisor's children, by service name),
    and with `servers` every PostgreSQL and Redis server process (backends come and go)."""
    assert stack.process is not None
    by_service = {line[-1]: int(line[0]) for line in pgrep("-a", "-P", str(stack.process.pid))}
    own = {"edge": [by_service["api"]], "distilera": [by_service["distilera"]]}
    if not servers:
        return lambda: own
    return lambda: {**own, "postgres": pids("postgres"), "redis": pids("redis-server")}


def pids(name: str) -> list[int]:
    return [int(line[0]) for line in pgrep("-x", name)]


def costed(
    label: str, processes: Processes, seconds: int, measure: Callable[[], Figures]
) -> Callable[[], Figures]:
    """`measure`, noting what each of the target's processes spent per request."""

    def run() -> Figures:
        before = {pid: cpu_seconds(pid) for group in processes().values() for pid in group}
        rps, p99 = measure()
        answered = rps * seconds
        for name, group in processes().items():
            spent = sum(cpu_seconds(pid) - before.get(pid, 0.0) for pid in group)
            COST.setdefault(label, {}).setdefault(name, []).append(1e6 * spent / answered)
        return rps, p99

    return run


def cost_table() -> None:
    print("\nCPU per request, us (median of the rounds)")
    for label, spent in COST.items():
        medians = {name: statistics.median(runs) for name, runs in spent.items()}
        parts = "  ".join(f"{name} {us:,.0f}" for name, us in medians.items())
        print(f"{label:<40}{parts}  = {sum(medians.values()):,.0f}")


def seed_users(edge: str) -> None:
    with httpx.Client(base_url=edge, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        for n in range(USERS):
            body = {"id": f"user-{n}", "name": f"User {n}", "email": f"u{n}@bench.example"}
            client.post("/api/v1/users/", json=body).raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", help="Also measure the stack on this PostgreSQL (and --redis-url)."
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--serve-peer", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_peer:
        serve_peer(int(args.serve_peer[0]), args.serve_peer[1])
        return

    with contextlib.ExitStack() as held:
        name = held.enter_context(tempfile.TemporaryDirectory(prefix="stack-users-"))
        stack = held.enter_context(EmbeddedStack(SETTINGS))
        targets = {"runeframe stack (edge -> distilera)": (stack, stack_processes(stack, False))}
        if args.database_url:
            backed = {**SETTINGS, "database_url": args.database_url, "redis_url": args.redis_url}
            stack = held.enter_context(EmbeddedStack(backed))
            label = "runeframe stack on PostgreSQL + Redis"
            targets[label] = (stack, stack_processes(stack, True))
        peer_port = any_free_port()
        peer = subprocess.Popen(
            [sys.executable, __file__, "--serve-peer", str(peer_port), f"{name}/peer.db"]
        )
        try:
            for stack, _ in targets.values():
                seed_users(stack.urls["api"])
            wait_for(f"http://127.0.0.1:{peer_port}/docs")
            urls = {label: f"{stack.urls['api']}{PATH}" for label, (stack, _) in targets.items()}
            processes = {label: watched for label, (_, watched) in targets.items()}
            peer_label = "FastAPI + SQLAlchemy ORM + aiosqlite"
            urls[peer_label] = f"http://127.0.0.1:{peer_port}{PATH}"
            processes[peer_label] = lambda: {"peer": [peer.pid]}
            medians = rounds(
                {
                    label: costed(
                        label,
                        processes[label],
                        args.seconds,
                        functools.partial(
                            wrk, url, args.seconds, args.connections, headers=AUTHORIZATION
                        ),
                    )
                    for label, url in urls.items()
                },
                args.rounds,
            )
        finally:
            peer.terminate()
            peer.wait()
    caption = f"{PATH}, wrk -t1 -c{args.connections}, {args.seconds} s, median of {args.rounds}"
    table(caption, medians, "stack is")
    cost_table()


if __name__ == "__main__":
    main()
