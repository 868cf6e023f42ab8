"""Reading a table for the API: one row by id or a 404, or a filtered page of rows.
The SQL every resource endpoint shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from . import pagination
from .errors import NotFound
from .pagination import PageQuery, SinceQuery
from .storage import Database, Row

_TOTAL = "total_matching_rows"


class Where:
    """Conditions with numbered placeholders, added in order: `where.add("a = {}", 1)`."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, template: str, *values: Any) -> Where:
        """A condition whose `{}`s are filled with placeholders for `values`, in order."""
        marks = []
        for value in values:
            self.args.append(value)
            marks.append(f"${len(self.args)}")
        self.parts.append(template.format(*marks))
        return self

    def equals(self, **columns: Any) -> Where:
        """`column = value` for each column whose value is not None."""
        for column, value in columns.items():
            if value is not None:
                self.add(f"{column} = {{}}", value)
        return self

    def since(self, query: SinceQuery) -> Where:
        """`created_at >= since` when the query gives a moment."""
        if query.since:
            self.add("created_at >= {}", query.since)
        return self

    @property
    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.parts)}" if self.parts else ""


async def by_id(db: Database, table: str, key: str, what: str) -> Row:
    """The row of `table` whose id is `key`, or a 404 naming `what` was not found."""
    row = await db.fetch_one(f"SELECT * FROM {table} WHERE id = $1", key)
    if row is None:
        raise NotFound(f"{what} {key} not found")
    return row


async def count(db: Database, table: str) -> int:
    """How many rows `table` holds."""
    row = await db.fetch_one(f"SELECT COUNT(*) AS n FROM {table}")
    assert row is not None
    return int(row["n"])


async def page_of(
    db: Database,
    request: Request,
    query: PageQuery,
    table: str,
    where: Where,
    shape: Callable[[Row], dict[str, Any]],
    *,
    order: str = "seq",
) -> dict[str, Any]:
    """One page of `table`'s rows matching `where`, shaped, in the page envelope.

    The rows and their total come in one query (the count as a scalar subquery, which
    both databases evaluate once), one round trip instead of two; only a page past the
    end asks for the total apart."""
    n = len(where.args)
    count = f"SELECT COUNT(*) FROM {table} {where.sql}"
    rows = await db.fetch_all(
        f"SELECT *, ({count}) AS {_TOTAL} FROM {table} {where.sql}"
        f" ORDER BY {order} LIMIT ${n + 1} OFFSET ${n + 2}",
        *where.args,
        query.per_page,
        query.offset,
    )
    if rows:
        total = rows[0][_TOTAL]
    elif query.offset:
        total = await db.fetch_value(count, *where.args)
    else:
        total = 0
    for row in rows:
        del row[_TOTAL]
    return pagination.page(request, query, [shape(r) for r in rows], int(total))
