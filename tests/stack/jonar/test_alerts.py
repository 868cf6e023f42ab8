"""Jonar's alerts over HTTP: details no JSON writer can store are a 400, not a 500 (found
by fuzzing)."""

from __future__ import annotations

import httpx

HUGE = 10**30  # beyond 64 bits: Python reads it, orjson cannot write it (found by fuzzing)


def test_alert_details_beyond_64_bit_integers_are_a_400_not_a_500(
    urls: dict[str, str], admin: httpx.Client
) -> None:
    body = {"type": "probe", "component": "jonar", "message": "m", "details": [HUGE]}
    reply = httpx.post(f"{urls['jonar']}/alerts/", json=body, headers=admin.headers)
    assert reply.status_code == 400, reply.text
