"""Deployments kept in Jonar's database, on SQLite and PostgreSQL: saving again brings
the one row up to date (replicas, status, reason) and keeps when it was made."""

from __future__ import annotations

from runeframe_stack.core.settings import Autoscaling
from runeframe_stack.core.storage import Database, migrate
from runeframe_stack.jonar.deployments import store
from runeframe_stack.jonar.deployments.model import Deployment


async def test_saving_again_updates_the_one_row(database: Database) -> None:
    await migrate(database, store.MIGRATIONS)
    d = Deployment("dep_ü", "mercatrix", "2.1", 2, Autoscaling(max_replicas=4), {"resources": None})
    await store.save(database, d)
    first = await database.fetch_one("SELECT * FROM deployments WHERE id = $1", d.id)
    d.replicas, d.status, d.reason = 5, "failed", "quota of 4 replicas"
    await store.save(database, d)
    rows = await database.fetch_all("SELECT * FROM deployments")
    assert len(rows) == 1
    row = rows[0]
    assert (row["replicas"], row["status"], row["reason"]) == (5, "failed", "quota of 4 replicas")
    assert (row["component"], row["release"], row["created_at"]) == (
        "mercatrix",
        "2.1",
        first["created_at"],
    )
    assert '"max_replicas":4' in row["spec"]
