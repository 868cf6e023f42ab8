"""The edge's GraphQL: refused input is marked as a validation error (found by fuzzing)."""

from __future__ import annotations

import httpx


def test_graphql_marks_refused_input_as_a_validation_error(admin: httpx.Client) -> None:
    reply = admin.post("/graphql/", json={"query": "{ users(page: 0, perPage: 0) { id } }"})
    error = reply.json()["errors"][0]
    assert error["extensions"] == {"code": "validation_error", "classification": "ValidationError"}
