"""The edge's relay to the services behind it: what it forwards arrives intact."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_id_of_any_unicode_and_control_characters_reaches_distilera_intact(
    admin: httpx.Client, method: str
) -> None:
    """Found by fuzzing the edge: a decoded id with non-ASCII or control characters was
    written into the forwarded request line as it was, and the edge answered 500."""
    path = "/api/v1/users/%D9%81%C3%B6%F0%AE%81%BB%06%7C%20%0D%0Aa%2541/"
    body = {"name": "x"} if method == "PATCH" else None
    reply = admin.request(method, path, json=body)
    assert reply.status_code == 404, reply.text
    assert reply.json()["error"]["message"] == "user \u0641\u00f6\U0002e07b\x06| \r\na%41 not found"
