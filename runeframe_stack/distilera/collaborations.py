"""Collaborations: a leader and participants contribute elements to one reaction.

Only members contribute, only while it is open; completing it reacts the contributed
elements and shares the product's worth among the contributors (at least one
essence_coin each for taking part), paid by Mercatrix.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from ..contracts.notify import Notifier
from ..core.clock import now_iso
from ..core.errors import Conflict, Forbidden, NotFound
from ..core.ids import new_id
from ..core.listing import by_id
from ..core.outbox import Outbox
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row
from . import alchemy
from .simulations import Element, Reaction
from .users import UserStore

MIGRATIONS = [
    """
    CREATE TABLE collaborations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        leader TEXT NOT NULL,
        members TEXT NOT NULL,
        simulation_type TEXT NOT NULL,
        status TEXT NOT NULL,
        result TEXT,
        rewards TEXT,
        created_at TEXT NOT NULL,
        completed_at TEXT
    );
    CREATE TABLE contributions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        collaboration_id TEXT NOT NULL REFERENCES collaborations (id),
        user_id TEXT NOT NULL,
        element TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
]
PARTICIPATION_REWARD = 1.0


class NewCollaboration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    leader: str = Field(min_length=1, max_length=64)
    participants: list[str] = Field(default_factory=list, max_length=50)
    simulation_type: Reaction = "fusion"


class NewContribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=64)
    element: Element


class Contribution(BaseModel):
    id: str
    collaboration_id: str
    user_id: str
    element: str
    status: Literal["accepted"]
    created_at: str


class Collaboration(BaseModel):
    id: str
    leader: str
    members: list[str]
    simulation_type: str
    status: Literal["open", "completed"]
    result: str | None
    rewards: dict[str, float]
    contributions: list[Contribution]
    created_at: str
    completed_at: str | None


CONTRIBUTION = (
    "SELECT id, collaboration_id, user_id, element, status, created_at FROM contributions"
)


class CollaborationStore:
    """The collaborations and contributions tables, read as the API shows them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, collaboration_id: str) -> dict[str, Any]:
        """A collaboration with its contributions in the order made, or NotFound."""
        row = await by_id(self.db, "collaborations", collaboration_id, "collaboration")
        contributions = await self.db.fetch_all(
            f"{CONTRIBUTION} WHERE collaboration_id = $1 ORDER BY seq", collaboration_id
        )
        return _public(row, contributions)

    async def create(self, new: NewCollaboration, members: list[str]) -> str:
        """An open collaboration of `members`, led by `new.leader`; its id."""
        collaboration_id = new_id("col")
        await self.db.execute(
            "INSERT INTO collaborations (id, leader, members, simulation_type, status,"
            " created_at) VALUES ($1, $2, $3, $4, 'open', $5)",
            collaboration_id,
            new.leader,
            orjson.dumps(members).decode(),
            new.simulation_type,
            now_iso(),
        )
        return collaboration_id

    async def contribute(self, collaboration_id: str, new: NewContribution) -> str:
        """An accepted contribution; its id."""
        contribution_id = new_id("ctb")
        await self.db.execute(
            "INSERT INTO contributions (id, collaboration_id, user_id, element, status,"
            " created_at) VALUES ($1, $2, $3, $4, 'accepted', $5)",
            contribution_id,
            collaboration_id,
            new.user_id,
            new.element,
            now_iso(),
        )
        return contribution_id

    async def contribution(self, contribution_id: str) -> Row | None:
        return await self.db.fetch_one(f"{CONTRIBUTION} WHERE id = $1", contribution_id)

    async def complete(
        self, collaboration_id: str, product: str, rewards: dict[str, float]
    ) -> None:
        await self.db.execute(
            "UPDATE collaborations SET status = 'completed', result = $2, rewards = $3,"
            " completed_at = $4 WHERE id = $1",
            collaboration_id,
            product,
            orjson.dumps(rewards).decode(),
            now_iso(),
        )


class CollaborationRoutes(Routes):
    tag = "collaborations"

    def __init__(self, db: Database, users: UserStore, outbox: Outbox) -> None:
        self.db = db
        self.users = users
        self.outbox = outbox
        self.notify = Notifier(outbox, "distilera")
        self.collaborations = CollaborationStore(db)

    @endpoint(
        "POST",
        "/collaborations/",
        body=NewCollaboration,
        responses={201: Collaboration},
        access="user",
    )
    async def create_collaboration(self, call: Call) -> Response:
        """Open a collaboration led by the caller (or by anyone, for an admin)."""
        new: NewCollaboration = call.body
        call.require_self_or_admin(new.leader)
        members = list(dict.fromkeys([new.leader, *new.participants]))
        for member in members:
            if await self.users.get(member) is None:
                raise NotFound(f"user {member} not found")
        async with self.db.transaction():
            collaboration_id = await self.collaborations.create(new, members)
            await self.notify.message(
                "collaboration_started",
                f"collaboration_started {collaboration_id}: {len(members)} members, "
                f"{new.simulation_type}",
                collaboration_id=collaboration_id,
                user_id=new.leader,
            )
        await self.outbox.handed_over()
        return json(await self.collaborations.get(collaboration_id), status=201)

    @endpoint(
        "GET", "/collaborations/{collaboration_id}/", responses={200: Collaboration}, access="user"
    )
    async def get_collaboration(self, call: Call) -> Response:
        """A collaboration with its contributions; for its members and admins."""
        collaboration = await self.collaborations.get(call.path["collaboration_id"])
        identity = call.require_identity()
        if not identity.is_trusted and identity.user_id not in collaboration["members"]:
            raise Forbidden("only members see a collaboration")
        return json(collaboration)

    @endpoint(
        "POST",
        "/collaborations/{collaboration_id}/contributions/",
        body=NewContribution,
        responses={201: Contribution},
        access="user",
    )
    async def add_contribution(self, call: Call) -> Response:
        """A member adds an element while the collaboration is open."""
        new: NewContribution = call.body
        call.require_self_or_admin(new.user_id)
        collaboration_id = call.path["collaboration_id"]
        async with self.db.transaction():
            collaboration = await self.collaborations.get(collaboration_id)
            if new.user_id not in collaboration["members"]:
                raise Forbidden(f"user {new.user_id} is not a member of {collaboration_id}")
            if collaboration["status"] != "open":
                raise Conflict(f"collaboration {collaboration_id} is {collaboration['status']}")
            contribution_id = await self.collaborations.contribute(collaboration_id, new)
        return json(await self.collaborations.contribution(contribution_id), status=201)

    @endpoint(
        "POST",
        "/collaborations/{collaboration_id}/complete/",
        responses={200: Collaboration},
        access="user",
    )
    async def complete_collaboration(self, call: Call) -> Response:
        """React the contributed elements and reward every contributor through Mercatrix."""
        collaboration_id = call.path["collaboration_id"]
        async with self.db.transaction():
            collaboration = await self.collaborations.get(collaboration_id)
            call.require_self_or_admin(collaboration["leader"])
            if collaboration["status"] != "open":
                raise Conflict(f"collaboration {collaboration_id} is {collaboration['status']}")
            contributions = collaboration["contributions"]
            if not contributions:
                raise Conflict(f"collaboration {collaboration_id} has no contributions yet")
            product = alchemy.react(
                [c["element"] for c in contributions], collaboration["simulation_type"]
            )
            contributors = list(dict.fromkeys(c["user_id"] for c in contributions))
            share = round(alchemy.value(product) / len(contributors), 2)
            rewards = {user: max(share, PARTICIPATION_REWARD) for user in contributors}
            await self.collaborations.complete(collaboration_id, product, rewards)
            for user, amount in rewards.items():
                await self.outbox.add(
                    "mercatrix",
                    "/rewards/",
                    {
                        "user_id": user,
                        "amount": amount,
                        "reason": "collaboration_reward",
                        "reference": f"collaboration:{collaboration_id}:{user}",
                    },
                )
            await self.notify.message(
                "collaboration_completed",
                f"collaboration_completed {collaboration_id}: {product}, "
                f"{len(rewards)} contributors rewarded",
                collaboration_id=collaboration_id,
                user_id=collaboration["leader"],
                payload={"result": product, "rewards": rewards},
            )
        await self.outbox.handed_over()
        return json(await self.collaborations.get(collaboration_id))


def _public(row: Row, contributions: list[Row]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "leader": row["leader"],
        "members": orjson.loads(row["members"]),
        "simulation_type": row["simulation_type"],
        "status": row["status"],
        "result": row["result"],
        "rewards": orjson.loads(row["rewards"]) if row["rewards"] else {},
        "contributions": contributions,
        "created_at": row["created_at"],
        "completed_at": row["completed_at"],
    }
