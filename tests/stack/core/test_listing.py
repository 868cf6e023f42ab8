"""Reading a table for the API, on SQLite and PostgreSQL: a filter returns all and only the
rows that match, every page in order with their total, a page past the end is empty with
the total still said, text outside ASCII matches as written; one row by id, or a 404."""

from __future__ import annotations

import random

import pytest

from runeframe_stack.core.errors import NotFound
from runeframe_stack.core.listing import Where, by_id, count, page_of
from runeframe_stack.core.pagination import SinceQuery
from runeframe_stack.core.storage import Database, migrate

from .test_pagination import request

TABLE = """
CREATE TABLE things (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    owner TEXT,
    created_at TEXT NOT NULL
)
"""
KINDS = ("élixir", "ash", "salt")
OWNERS = ("ann", "bo", None)


async def things(database: Database) -> list[dict[str, object]]:
    await migrate(database, [TABLE])
    chosen = random.Random(7)
    made = [
        {
            "id": f"t{n}",
            "kind": chosen.choice(KINDS),
            "owner": chosen.choice(OWNERS),
            "created_at": f"2026-01-01T00:00:{n:02d}.000Z",
        }
        for n in range(23)
    ]
    for row in made:
        await database.execute(
            "INSERT INTO things (id, kind, owner, created_at) VALUES ($1, $2, $3, $4)",
            *row.values(),
        )
    return made


async def every_page(database: Database, query: dict[str, object], where: Where) -> list[str]:
    seen, number = [], 1
    while True:
        wanted = SinceQuery(page=number, per_page=4, since=query.get("since"))
        body = await page_of(database, request("/things/"), wanted, "things", where, dict)
        assert body["meta"]["pagination"]["total_items"] >= len(seen) + len(body["data"])
        seen += [row["id"] for row in body["data"]]
        if body["links"]["next"] is None:
            return seen
        number += 1


async def test_a_filter_returns_all_and_only_the_matching_rows_in_order(database: Database) -> None:
    made = await things(database)
    for kind in (*KINDS, None):
        for owner in (*OWNERS[:2], None):
            for since in (None, "2026-01-01T00:00:15.000Z"):
                query = {"kind": kind, "owner": owner, "since": since}
                where = Where().equals(kind=kind, owner=owner).since(SinceQuery(since=since))
                expected = [
                    r["id"]
                    for r in made
                    if (kind is None or r["kind"] == kind)
                    and (owner is None or r["owner"] == owner)
                    and (since is None or str(r["created_at"]) >= since)
                ]
                assert await every_page(database, query, where) == expected, query


async def test_a_page_past_the_end_is_empty_and_still_says_the_total(database: Database) -> None:
    await things(database)
    past = SinceQuery(page=9, per_page=4)
    body = await page_of(database, request("/things/"), past, "things", Where(), dict)
    assert body["data"] == [] and body["meta"]["pagination"]["total_items"] == 23
    assert await count(database, "things") == 23


async def test_one_row_by_id_or_a_404_naming_it(database: Database) -> None:
    made = await things(database)
    assert (await by_id(database, "things", "t3", "thing"))["kind"] == made[3]["kind"]
    with pytest.raises(NotFound, match="thing nope not found"):
        await by_id(database, "things", "nope", "thing")
