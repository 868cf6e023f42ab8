"""Paginated collections: `{"data", "meta": {"pagination"}, "links"}` as the public API has it.

Links are absolute paths. Behind the edge they carry the edge's prefix (taken from
X-Forwarded-Prefix), so a client follows `links.next` on the URL it called.
"""

from __future__ import annotations

import re
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

_PREFIX = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")
MAX_PER_PAGE = 100
_PAGING = ("page", "per_page")


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class Pagination(BaseModel):
    current_page: int
    per_page: int
    total_pages: int
    total_items: int


class PageMeta(BaseModel):
    pagination: Pagination


class PageLinks(BaseModel):
    self: str
    first: str
    prev: str | None
    next: str | None
    last: str


Item = TypeVar("Item", bound=BaseModel)


class Page(BaseModel, Generic[Item]):
    """A page of `Item`s as every collection endpoint answers it (`Page[User]`)."""

    data: list[Item]
    meta: PageMeta
    links: PageLinks

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        return f"{params[0].__name__}Page"  # UserPage: the documents' schema names


class SinceQuery(PageQuery):
    """A listing that can start at a moment: `since` bounds `created_at` from below."""

    since: str | None = Field(
        None, max_length=40, description="ISO-8601 lower bound on created_at."
    )


def public_path(request: Request) -> str:
    prefix = request.headers.get("x-forwarded-prefix", "")
    if prefix and not _PREFIX.match(prefix):
        prefix = ""
    # a matched route's own path: `request.url.path` would build a whole URL to say it
    path: str = request.scope["path"]
    return prefix + path


def page(request: Request, query: PageQuery, items: list[Any], total: int) -> dict[str, Any]:
    """The page envelope for `items`, which is page `query.page` of `total` items."""
    total_pages = max(1, -(-total // query.per_page))
    base = public_path(request)
    kept = urlencode([(k, v) for k, v in request.query_params.items() if k not in _PAGING])
    start = f"{base}?{kept}&page=" if kept else f"{base}?page="
    end = f"&per_page={query.per_page}"

    def link(number: int) -> str:
        return f"{start}{number}{end}"

    return {
        "data": items,
        "meta": {
            "pagination": {
                "current_page": query.page,
                "per_page": query.per_page,
                "total_pages": total_pages,
                "total_items": total,
            }
        },
        "links": {
            "self": link(query.page),
            "first": link(1),
            "prev": link(min(query.page - 1, total_pages)) if query.page > 1 else None,
            "next": link(query.page + 1) if query.page < total_pages else None,
            "last": link(total_pages),
        },
    }
