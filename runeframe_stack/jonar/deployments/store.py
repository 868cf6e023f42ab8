"""Deployments kept in Jonar's database, so what was asked for outlives a restart's view."""

from __future__ import annotations

import orjson

from ...core.clock import now_iso
from ...core.storage import Database
from .model import Deployment

MIGRATIONS = [
    """
    CREATE TABLE deployments (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        component TEXT NOT NULL,
        release TEXT NOT NULL,
        replicas INTEGER NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        spec TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
]


async def save(db: Database, deployment: Deployment) -> None:
    """Insert the deployment, or bring its row up to date."""
    spec = orjson.dumps({**deployment.spec, "autoscaling": deployment.policy.model_dump()})
    await db.execute(
        "INSERT INTO deployments (id, component, release, replicas, status, reason, spec,"
        " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
        " ON CONFLICT (id) DO UPDATE SET replicas = $4, status = $5, reason = $6,"
        " updated_at = $8",
        deployment.id,
        deployment.component,
        deployment.release,
        deployment.replicas,
        deployment.status,
        deployment.reason,
        spec.decode(),
        now_iso(),
    )
