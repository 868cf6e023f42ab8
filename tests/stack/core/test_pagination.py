"""Page envelopes: counts and links, with the edge's prefix and the caller's filters kept."""

from __future__ import annotations

from starlette.requests import Request

from runeframe_stack.core.pagination import PageQuery, page


def request(path: str, query: str = "", prefix: str | None = None) -> Request:
    headers = [(b"x-forwarded-prefix", prefix.encode())] if prefix else []
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": headers,
        "server": ("t", 80),
        "scheme": "http",
    }
    return Request(scope)


def test_a_middle_page_links_everywhere() -> None:
    body = page(request("/users/", "q=al"), PageQuery(page=2, per_page=3), [1, 2, 3], 7)
    assert body["meta"]["pagination"] == {
        "current_page": 2,
        "per_page": 3,
        "total_pages": 3,
        "total_items": 7,
    }
    assert body["links"] == {
        "self": "/users/?q=al&page=2&per_page=3",
        "first": "/users/?q=al&page=1&per_page=3",
        "prev": "/users/?q=al&page=1&per_page=3",
        "next": "/users/?q=al&page=3&per_page=3",
        "last": "/users/?q=al&page=3&per_page=3",
    }


def test_links_carry_the_edge_prefix_and_ignore_a_bad_one() -> None:
    good = page(request("/users/", prefix="/api/v1"), PageQuery(), [], 0)
    assert good["links"]["self"] == "/api/v1/users/?page=1&per_page=20"
    bad = page(request("/users/", prefix="https://evil.example"), PageQuery(), [], 0)
    assert bad["links"]["self"] == "/users/?page=1&per_page=20"


def test_an_empty_collection_has_one_page_and_no_neighbours() -> None:
    body = page(request("/users/"), PageQuery(), [], 0)
    assert body["meta"]["pagination"]["total_pages"] == 1
    assert (body["links"]["prev"], body["links"]["next"]) == (None, None)
