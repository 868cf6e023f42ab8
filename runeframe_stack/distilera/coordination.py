"""Coordinated simulations: several agents, each with a role, run one reaction together.

Every agent announces itself in Hoardwell and reports its step there (an element master
prepares, a reaction controller reacts, a quality assurer validates); the coordination
completes only when all three roles took part.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..contracts.notify import Notifier
from ..core.clock import now_iso
from ..core.ids import new_id
from ..core.listing import by_id
from ..core.outbox import Outbox
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row
from . import alchemy
from .simulations import Element, Product, Reaction

MIGRATIONS = [
    """
    CREATE TABLE coordinations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        agents TEXT NOT NULL,
        plan TEXT NOT NULL,
        status TEXT NOT NULL,
        result TEXT,
        reason TEXT,
        created_at TEXT NOT NULL,
        completed_at TEXT
    )
    """,
]
Role = Literal["element_master", "reaction_controller", "quality_assurance"]
STEPS: dict[str, str] = {
    "element_master": "prepared the elements",
    "reaction_controller": "ran the reaction",
    "quality_assurance": "validated the product",
}


class Agent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role
    user_id: str | None = Field(None, max_length=64)


class NewCoordination(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agents: list[Agent] = Field(min_length=1, max_length=20)
    elements: list[Element] = Field(default=["fire", "water", "earth"], min_length=1, max_length=8)
    reaction_type: Reaction = "fusion"
    target_result: Product = "phoenix_essence"


class Coordination(BaseModel):
    id: str
    owner: str
    agents: list[Agent]
    status: Literal["completed", "failed"]
    result: str | None
    reason: str | None
    created_at: str
    completed_at: str | None


def _public(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "owner": row["owner"],
        "agents": orjson.loads(row["agents"]),
        "status": row["status"],
        "result": row["result"],
        "reason": row["reason"],
        "created_at": row["created_at"],
        "completed_at": row["completed_at"],
    }


class CoordinationStore:
    """The coordinations table, read as the API shows it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, coordination_id: str) -> dict[str, Any]:
        """One coordination, or NotFound."""
        return _public(await by_id(self.db, "coordinations", coordination_id, "coordination"))

    async def record(
        self,
        coordination_id: str,
        owner: str,
        plan: NewCoordination,
        status: str,
        product: str | None,
        reason: str | None,
    ) -> None:
        """A coordination that ran, with its outcome: a product, or why it failed."""
        await self.db.execute(
            "INSERT INTO coordinations (id, owner, agents, plan, status, result, reason,"
            " created_at, completed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            coordination_id,
            owner,
            orjson.dumps([agent.model_dump() for agent in plan.agents]).decode(),
            plan.model_dump_json(),
            status,
            product,
            reason,
            now_iso(),
        )


class CoordinationRoutes(Routes):
    tag = "coordinations"

    def __init__(self, db: Database, outbox: Outbox) -> None:
        self.db = db
        self.coordinations = CoordinationStore(db)
        self.outbox = outbox
        self.notify = Notifier(outbox, "distilera")

    @endpoint(
        "POST",
        "/coordinations/",
        body=NewCoordination,
        responses={201: Coordination},
        access="user",
    )
    async def start_coordination(self, call: Call) -> Response:
        """Run a coordinated simulation; every agent reports in Hoardwell."""
        plan: NewCoordination = call.body
        owner = call.require_identity().user_id
        coordination_id = new_id("crd")
        roles = {agent.role for agent in plan.agents}
        missing = [role for role in STEPS if role not in roles]
        product = alchemy.react(plan.elements, plan.reaction_type)
        status = "failed" if missing else "completed"
        reason = f"no agent for {', '.join(missing)}" if missing else None
        async with self.db.transaction():
            for agent in plan.agents:
                await self.notify.message(
                    "agent_message",
                    f"agent {agent.name} ({agent.role}) joined coordination {coordination_id}",
                    coordination_id=coordination_id,
                    user_id=agent.user_id or owner,
                )
            for agent in plan.agents:
                if not missing:
                    await self.notify.message(
                        "agent_message",
                        f"agent {agent.name} {STEPS[agent.role]} in {coordination_id}",
                        coordination_id=coordination_id,
                        user_id=agent.user_id or owner,
                    )
            await self.notify.message(
                f"coordination_{status}",
                f"coordination_{status} {coordination_id}: {product if not missing else reason}",
                coordination_id=coordination_id,
                user_id=owner,
            )
            await self.coordinations.record(
                coordination_id, owner, plan, status, None if missing else product, reason
            )
        await self.outbox.handed_over()
        return json(await self.coordinations.get(coordination_id), status=201)

    @endpoint(
        "GET", "/coordinations/{coordination_id}/", responses={200: Coordination}, access="user"
    )
    async def get_coordination(self, call: Call) -> Response:
        """A coordination's outcome: completed with its product, or failed with a reason."""
        coordination = await self.coordinations.get(call.path["coordination_id"])
        call.require_self_or_admin(coordination["owner"])
        return json(coordination)
