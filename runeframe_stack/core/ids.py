"""Ids the services give what they make: a kind's prefix and 48 random bits (`sim_1a2b...`)."""

from __future__ import annotations

import uuid


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"
