"""The contract's oracles: each holds of a right answer and finds the fault in a wrong one."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest

from runeframe_nb import oracles


def _walk(ids: list[str], per_page: int) -> list[dict[str, Any]]:
    """A right walk of `ids` in pages, as the stack serves them."""
    total = len(ids)
    pages = max(1, math.ceil(total / per_page))
    link = "/items/?page={}&per_page=" + str(per_page)
    return [
        {
            "data": [{"id": i} for i in ids[(n - 1) * per_page : n * per_page]],
            "meta": {
                "pagination": {
                    "current_page": n,
                    "per_page": per_page,
                    "total_pages": pages,
                    "total_items": total,
                }
            },
            "links": {
                "self": link.format(n),
                "prev": link.format(n - 1) if n > 1 else None,
                "next": link.format(n + 1) if n < pages else None,
            },
        }
        for n in range(1, pages + 1)
    ]


def _reply(status: int, limit: int, left: int, reset: int, retry: str | None = None) -> Any:
    headers = {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(left),
        "x-ratelimit-reset": str(reset),
    }
    if retry is not None:
        headers["retry-after"] = retry
    return httpx.Response(status, headers=headers)


def _created(location: str, kind: str = "application/json") -> httpx.Response:
    reply = httpx.Response(
        201,
        headers={"location": location, "content-type": kind},
        content=b'{"id": "u1"}',
        request=httpx.Request("POST", "http://edge/api/v1/users/"),
    )
    return reply


def test_changed_reads_numbers_by_value_and_nested_fields_by_path() -> None:
    sent = {"price_per_unit": "12.50", "profile": {"bio": "Zoë"}, "quantity": 3}
    assert (
        oracles.changed(sent, {"price_per_unit": 12.5, "profile": {"bio": "Zoë"}, "quantity": 3})
        == {}
    )
    wrong = {"price_per_unit": 12.0, "profile": {"bio": "Zoe"}}
    assert oracles.changed(sent, wrong) == {
        "price_per_unit": ("12.50", 12.0),
        "profile.bio": ("Zoë", "Zoe"),
        "quantity": (3, None),
    }
    assert set(oracles.changed(sent, None)) == {"price_per_unit", "profile", "quantity"}


def test_a_boolean_is_not_the_number_one() -> None:
    assert oracles.changed({"n": 1}, {"n": True}) == {"n": (1, True)}


def test_filter_faults_find_the_unsound_and_the_incomplete() -> None:
    made = [{"id": "a", "status": "x"}, {"id": "b", "status": "x"}, {"id": "c", "status": "y"}]

    def is_x(item: Any) -> bool:
        return item["status"] == "x"

    assert oracles.filter_faults(made[:2], made, is_x) == []
    assert oracles.filter_faults([made[0], made[2]], made, is_x) == [
        "returned but does not match: c",
        "matches but not returned: b",
    ]


def test_page_faults_hold_of_a_right_walk_and_of_an_empty_list() -> None:
    ids = [f"i{n}" for n in range(7)]
    assert oracles.page_faults(_walk(ids, 3), 3, made=ids) == []
    assert oracles.page_faults(_walk([], 3), 3) == []


def test_page_faults_find_overlap_miscount_and_broken_links() -> None:
    ids = [f"i{n}" for n in range(7)]
    overlapping = _walk(ids, 3)
    overlapping[1]["data"][0] = {"id": "i2"}
    assert any("listed twice: i2" in f for f in oracles.page_faults(overlapping, 3, made=ids))
    assert any("never listed: i3" in f for f in oracles.page_faults(overlapping, 3, made=ids))
    plus_one = _walk(ids, 3)
    for page in plus_one:
        page["meta"]["pagination"]["total_items"] = 8
    assert oracles.page_faults(plus_one, 3)
    unchained = _walk(ids, 3)
    unchained[2]["links"]["prev"] = "/items/?page=1&per_page=3"
    assert oracles.page_faults(unchained, 3) == ["links of pages 2 and 3 do not chain"]


def test_rate_limit_faults_hold_of_a_budget_spent_then_refused() -> None:
    replies = [_reply(200, 3, 2, 60), _reply(200, 3, 1, 59), _reply(200, 3, 0, 59)]
    replies.append(_reply(429, 3, 0, 58, retry="58"))
    assert oracles.rate_limit_faults(replies, window=60) == []
    # a new window gives the budget back
    assert oracles.rate_limit_faults([_reply(200, 3, 0, 1), _reply(200, 3, 2, 60)], 60) == []


@pytest.mark.parametrize(
    ("replies", "fault"),
    [
        ([_reply(200, 3, 2, 60_000)], "resets in 60000 s"),
        ([_reply(200, 3, 2, 60), _reply(429, 3, 0, 60, retry="0")], "Retry-After '0'"),
        ([_reply(200, 3, 2, 60), _reply(429, 3, 0, 60)], "Retry-After None"),
        ([_reply(200, 3, 2, 60), _reply(200, 3, 2, 60)], "not down by one"),
        ([_reply(200, 3, 2, 60), _reply(429, 3, 1, 60, retry="5")], "refused with 1 remaining"),
        ([_reply(200, 3, 2, 60), _reply(200, 4, 1, 60)], "the limit changed"),
    ],
)
def test_rate_limit_faults_find_wrong_arithmetic(replies: list[Any], fault: str) -> None:
    assert any(fault in f for f in oracles.rate_limit_faults(replies, window=60))


def test_location_and_content_type() -> None:
    template = "/api/v1/users/{id}/"
    assert oracles.location_faults(_created("/api/v1/users/u1/"), template) == []
    assert oracles.location_faults(_created("/api/v1/users/"), template)
    assert oracles.json_faults([_created("/api/v1/users/u1/")]) == []
    assert oracles.json_faults([_created("/x/", kind="text/plain")]) == [
        "POST /api/v1/users/: text/plain"
    ]


def test_bounds_from_a_schema() -> None:
    schema = {
        "properties": {
            "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
            "amount": {
                "anyOf": [
                    {"type": "number", "exclusiveMinimum": 0, "maximum": 100},
                    {"type": "string"},
                ]
            },
            "name": {"type": "string", "minLength": 1, "maxLength": 5},
            "kind": {"type": "string", "pattern": "^[a-z]+$"},
            "email": {"type": "string", "format": "email"},
        }
    }
    probes = {(p.field, p.why): (p.value, p.accepted) for p in oracles.bounds(schema, step=0.01)}
    assert probes[("quantity", "minimum")] == (1, True)
    assert probes[("quantity", "zero")] == (0, False)
    assert probes[("quantity", "negative")] == (-1, False)
    assert probes[("quantity", "maximum")] == (10, True)
    assert probes[("quantity", "one past maximum")] == (11, False)
    assert probes[("amount", "zero")] == (0, False)
    assert probes[("amount", "just above the exclusive minimum")] == (0.01, True)
    assert probes[("amount", "one past maximum")] == (100.01, False)
    assert probes[("name", "at maxLength")] == ("ä" * 5, True)
    assert probes[("name", "one past maxLength")] == ("ä" * 6, False)
    assert probes[("name", "one short of minLength")] == ("", False)
    assert ("email", "no maxLength: unbounded") in probes  # the finding
    assert not any(field == "kind" for field, _ in probes)


def test_bounds_reach_into_nested_objects_and_probes_set_them() -> None:
    """A bio inside a profile is bounded like a top-level field; a probe sets it in a copy
    of the body, keeping the profile's other fields."""
    document = {
        "components": {
            "schemas": {
                "Profile": {"properties": {"bio": {"type": "string", "maxLength": 3}}},
                "NewUser": {
                    "properties": {
                        "name": {"type": "string", "maxLength": 2},
                        "profile": {"anyOf": [{"$ref": "#/components/schemas/Profile"}]},
                    }
                },
            }
        }
    }
    probes = oracles.bounds(oracles.schema_of(document, "NewUser"), document=document)
    nested = {p.why: p for p in probes if p.field == "profile.bio"}
    assert (nested["one past maxLength"].value, nested["one past maxLength"].accepted) == (
        "ä" * 4,
        False,
    )
    body = {"name": "x", "profile": {"avatar": "a.png"}}
    assert nested["at maxLength"].applied(body) == {
        "name": "x",
        "profile": {"avatar": "a.png", "bio": "äää"},
    }
    assert body == {"name": "x", "profile": {"avatar": "a.png"}}
    assert nested["at maxLength"].applied({}) == {"profile": {"bio": "äää"}}
