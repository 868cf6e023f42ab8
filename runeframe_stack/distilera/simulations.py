"""Alchemy simulations: started by a user, run through the alchemy table, rewarded when done.

Creating one posts `simulation_started` to Hoardwell; completing it posts
`simulation_completed` and pays the product's worth through Mercatrix when the target
was reached. Input that cannot be simulated is refused (4xx) and reported: an error
message in Hoardwell and a `distilera_error` alert in Jonar, and no transaction.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ..contracts.notify import Notifier
from ..core.clock import now_iso
from ..core.errors import ApiError, Conflict, Forbidden, NotFound
from ..core.ids import new_id
from ..core.listing import Where, by_id, page_of
from ..core.outbox import Outbox
from ..core.pagination import Page, PageQuery
from ..core.routing import Call, Routes, endpoint, json
from ..core.storage import Database, Row
from . import alchemy
from .users import UserStore

MIGRATIONS = [
    """
    CREATE TABLE simulations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        elements TEXT NOT NULL,
        reaction_type TEXT NOT NULL,
        target_result TEXT NOT NULL,
        status TEXT NOT NULL,
        result TEXT,
        success INTEGER,
        reward REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        completed_at TEXT
    );
    CREATE INDEX simulations_user ON simulations (user_id)
    """,
]
Element = Literal["fire", "water", "earth", "air", "aether"]
Reaction = Literal["fusion", "transmutation", "distillation", "sublimation", "complex_fusion"]
Product = Literal[
    "phoenix_essence", "dragon_scale", "crystal_shard", "storm_glass", "ember_salt", "quintessence"
]


class NewSimulation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(
        None, max_length=64, description="Whose it is; the caller's own by default."
    )
    elements: list[Element] = Field(min_length=1, max_length=8)
    reaction_type: Reaction = "fusion"
    target_result: Product


class Simulation(BaseModel):
    id: str
    user_id: str
    elements: list[str]
    reaction_type: str
    target_result: str
    status: Literal["running", "completed"]
    result: str | None
    success: bool | None
    reward: float
    created_at: str
    completed_at: str | None


class SimulationQuery(PageQuery):
    user_id: str | None = Field(None, max_length=64)
    status: Literal["running", "completed"] | None = None


class StatsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str | None = Field(None, max_length=64, description="Only this user's simulations.")


class SimulationStats(BaseModel):
    total_simulations: int
    running: int
    completed: int
    successful: int


def _named_user(raw: bytes) -> str | None:
    """The `user_id` a refused request's body names, when it is readable and names one."""
    try:
        named = orjson.loads(raw).get("user_id") if raw else None
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return named if isinstance(named, str) and named else None


def _public(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "user_id": row["user_id"],
        "elements": orjson.loads(row["elements"]),
        "reaction_type": row["reaction_type"],
        "target_result": row["target_result"],
        "status": row["status"],
        "result": row["result"],
        "success": None if row["success"] is None else bool(row["success"]),
        "reward": row["reward"],
        "created_at": row["created_at"],
        "completed_at": row["completed_at"],
    }


class SimulationStore:
    """The simulations table: what the routes read and write, as the API shows it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, simulation_id: str) -> dict[str, Any]:
        """One simulation, or NotFound."""
        return _public(await by_id(self.db, "simulations", simulation_id, "simulation"))

    async def create(self, owner: str, new: NewSimulation) -> str:
        """A running simulation of `owner`'s; its id."""
        simulation_id = new_id("sim")
        await self.db.execute(
            "INSERT INTO simulations (id, user_id, elements, reaction_type, target_result,"
            " status, created_at) VALUES ($1, $2, $3, $4, $5, 'running', $6)",
            simulation_id,
            owner,
            orjson.dumps(new.elements).decode(),
            new.reaction_type,
            new.target_result,
            now_iso(),
        )
        return simulation_id

    async def page(self, request: Request, query: SimulationQuery, owner: str | None) -> Any:
        """One page of simulations (of `owner`'s, when named), oldest first."""
        where = Where().equals(user_id=owner, status=query.status)
        return await page_of(self.db, request, query, "simulations", where, _public)

    async def stats(self, user_id: str | None) -> dict[str, int]:
        """Counts by state, of one user's simulations or of all."""
        where = Where().equals(user_id=user_id)
        row = await self.db.fetch_one(
            "SELECT COUNT(*) AS total,"
            " COUNT(*) FILTER (WHERE status = 'running') AS running,"
            " COUNT(*) FILTER (WHERE status = 'completed') AS completed,"
            f" COUNT(*) FILTER (WHERE success = 1) AS successful FROM simulations {where.sql}",
            *where.args,
        )
        assert row is not None
        return {
            "total_simulations": row["total"],
            "running": row["running"],
            "completed": row["completed"],
            "successful": row["successful"],
        }

    async def complete(
        self, simulation_id: str, product: str, success: bool, reward: float
    ) -> None:
        await self.db.execute(
            "UPDATE simulations SET status = 'completed', result = $2, success = $3,"
            " reward = $4, completed_at = $5 WHERE id = $1",
            simulation_id,
            product,
            int(success),
            reward,
            now_iso(),
        )


class SimulationRoutes(Routes):
    tag = "simulations"

    def __init__(self, db: Database, users: UserStore, outbox: Outbox) -> None:
        self.db = db
        self.simulations = SimulationStore(db)
        self.users = users
        self.outbox = outbox
        self.notify = Notifier(outbox, "distilera")

    async def report_invalid(self, call: Call, error: ApiError) -> None:
        """A refused simulation: an error message in Hoardwell, an alert in Jonar, both
        naming the user it was for (the caller, unless the request named another)."""
        who = _named_user(call.raw_body) or (call.identity.user_id if call.identity else None)
        text = f"distilera_error: simulation refused: {error.message}"
        async with self.db.transaction():
            await self.notify.message(
                "error", text, user_id=who, payload={"code": error.code, "details": error.details}
            )
            await self.notify.alert(
                "distilera_error",
                text,
                details={"code": error.code, "status": error.status, "user_id": who},
            )
        await self.outbox.handed_over()

    @endpoint(
        "POST",
        "/simulations/",
        body=NewSimulation,
        responses={201: Simulation},
        access="user",
        on_reject="report_invalid",
    )
    async def create_simulation(self, call: Call) -> Response:
        """Start a simulation: status running, `simulation_started` posted to Hoardwell."""
        new: NewSimulation = call.body
        identity = call.require_identity()
        owner = new.user_id or identity.user_id
        try:
            if not identity.may_act_for(owner):
                raise Forbidden("only an admin may start a simulation for another user")
            if not identity.is_service and await self.users.get(owner) is None:
                raise NotFound(f"user {owner} not found")
        except ApiError as error:
            await self.report_invalid(call, error)
            raise
        summary = f"{' + '.join(new.elements)} by {new.reaction_type} toward {new.target_result}"
        async with self.db.transaction():
            simulation_id = await self.simulations.create(owner, new)
            await self.notify.message(
                "simulation_started",
                f"simulation_started {simulation_id}: {summary}",
                user_id=owner,
                simulation_id=simulation_id,
            )
        await self.outbox.handed_over()
        return json(await self.simulations.get(simulation_id), status=201)

    @endpoint(
        "GET",
        "/simulations/",
        query=SimulationQuery,
        responses={200: Page[Simulation]},
        access="user",
    )
    async def list_simulations(self, call: Call) -> Response:
        """Simulations, oldest first; a user sees their own."""
        query: SimulationQuery = call.query
        identity = call.require_identity()
        if query.user_id and not identity.may_act_for(query.user_id):
            raise Forbidden("a user may list only their own simulations")
        owner = query.user_id if identity.is_trusted else identity.user_id
        return json(await self.simulations.page(call.request, query, owner))

    @endpoint(
        "GET",
        "/simulations/stats/",
        query=StatsQuery,
        responses={200: SimulationStats},
        access="trusted",
    )
    async def simulation_stats(self, call: Call) -> Response:
        """Counts of simulations by state (of one user's, if asked), for Jonar's metrics."""
        return json(await self.simulations.stats(call.query.user_id))

    @endpoint("GET", "/simulations/{simulation_id}/", responses={200: Simulation}, access="user")
    async def get_simulation(self, call: Call) -> Response:
        """One simulation: its owner's, or any for an admin."""
        simulation = await self.simulations.get(call.path["simulation_id"])
        call.require_self_or_admin(simulation["user_id"])
        return json(simulation)

    @endpoint(
        "POST",
        "/simulations/{simulation_id}/complete/",
        responses={200: Simulation},
        access="user",
    )
    async def complete_simulation(self, call: Call) -> Response:
        """Finish a running simulation; a reached target is rewarded through Mercatrix."""
        simulation_id = call.path["simulation_id"]
        async with self.db.transaction():
            simulation = await self.simulations.get(simulation_id)
            call.require_self_or_admin(simulation["user_id"])
            if simulation["status"] != "running":
                raise Conflict(f"simulation {simulation_id} is already {simulation['status']}")
            product = alchemy.react(simulation["elements"], simulation["reaction_type"])
            success = product == simulation["target_result"]
            reward = alchemy.value(product) if success else 0.0
            await self.simulations.complete(simulation_id, product, success, reward)
            await self.notify.message(
                "simulation_completed",
                f"simulation_completed {simulation_id}: {product}"
                + (f", reward {reward:.2f} essence_coins" if reward else ""),
                user_id=simulation["user_id"],
                simulation_id=simulation_id,
                payload={"result": product, "success": success, "reward": reward},
            )
            await self.outbox.add(
                "jonar",
                "/events/",
                {
                    "id": f"evt_{simulation_id}",
                    "component": "distilera",
                    "type": "workload",
                    "reason": "simulation_completed",
                    "message": f"simulation {simulation_id} completed: {product}",
                },
            )
            if reward > 0:
                await self.outbox.add(
                    "mercatrix",
                    "/rewards/",
                    {
                        "user_id": simulation["user_id"],
                        "amount": reward,
                        "reason": "simulation_reward",
                        "reference": f"simulation:{simulation_id}",
                    },
                )
        await self.outbox.handed_over()
        return json(await self.simulations.get(simulation_id))
