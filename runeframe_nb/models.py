"""What clients return: models with attribute access.

The seed uses some results both as objects and as ids (`simulation_id = await
create_simulation(...)`, later `simulation.id`); an `Entity` is both: it compares
equal to its id, hashes like it and turns into it with `str()`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict


class Resource(BaseModel):
    """A service's answer; unknown fields are kept, and `x["field"]` works like `x.field`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None


class Entity(Resource):
    id: str

    def __str__(self) -> str:
        return self.id

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.id == other
        if isinstance(other, Entity):
            return type(self) is type(other) and self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.id)


def id_of(value: Entity | str) -> str:
    return value.id if isinstance(value, Entity) else str(value)


class UserProfile(Resource):
    avatar: str | None = None
    bio: str | None = None


class User(Entity):
    name: str
    email: str
    role: str = "user"
    is_active: bool = True
    profile: UserProfile = UserProfile()
    created_at: str | None = None
    updated_at: str | None = None


class AuthResult(Resource):
    """`authenticate`: whether a service accepts a token, and whose it is."""

    is_valid: bool
    user_id: str | None = None
    roles: list[str] = []
    error: str | None = None


class Simulation(Entity):
    user_id: str
    elements: list[str]
    reaction_type: str
    target_result: str
    status: str
    result: str | None = None
    success: bool | None = None
    reward: float = 0.0
    created_at: str | None = None
    completed_at: str | None = None


class Agent(Resource):
    name: str
    role: str
    user_id: str | None = None


class Coordination(Entity):
    owner: str
    agents: list[Agent]
    status: str
    result: str | None = None
    reason: str | None = None


class Contribution(Entity):
    collaboration_id: str
    user_id: str
    element: str
    status: str


class Collaboration(Entity):
    leader: str
    members: list[str]
    simulation_type: str
    status: str
    result: str | None = None
    rewards: dict[str, float] = {}
    contributions: list[Contribution] = []


class MarketItem(Entity):
    item_type: str
    quantity: int
    price_per_unit: float
    seller: str
    total_price: float
    known_product: bool = False
    reward_value: float = 0.0


class VaultEntry(Entity):
    """A vault entry's fields: sealed as stored, or plaintext as retrieved (`entry["ssn"]`)."""


class Message(Entity):
    seq: int
    type: str
    content: str
    sender: str
    user_id: str | None = None
    counterparty_id: str | None = None
    simulation_id: str | None = None
    coordination_id: str | None = None
    collaboration_id: str | None = None
    transaction_id: str | None = None
    channel: str | None = None
    payload: dict[str, Any] | None = None
    created_at: str


class Balance(Resource):
    user_id: str
    essence_coins: float
    currency: str = "essence_coins"


class Transaction(Entity):
    from_user: str
    to_user: str
    amount: float
    currency: str
    transaction_type: str
    status: str
    error: str | None = None
    reference: str | None = None
    created_at: str


class Listing(Entity):
    seller: str
    item_type: str
    quantity: int
    price_per_unit: float
    status: str


class LedgerSummary(Resource):
    accounts: int
    total_essence_coins: float
    treasury_essence_coins: float
    completed_transactions: int
    failed_transactions: int


class Alert(Entity):
    type: str
    component: str
    severity: str
    message: str
    details: Any = None
    created_at: str


class Replica(Resource):
    index: int
    url: str
    pid: int | None = None
    ready: bool
    restarts: int = 0
    last_exit: str | None = None


class Deployment(Entity):
    component: str
    version: str
    replicas: int
    ready_replicas: int
    available_replicas: int
    status: str
    reason: str | None = None
    generation: int = 0  # the changes asked for...
    observed_generation: int = 0  # ...and carried out
    service_url: str
    members: list[Replica] = []


class ComponentMetrics(Resource):
    component: str
    replicas: int
    ready_replicas: int
    requests_per_second: float
    mean_latency_ms: float | None = None
    cpu_percent: float
    memory_bytes: float


class LoadReport(Resource):
    component: str
    deployment_id: str
    requests_sent: int
    errors: int
    achieved_rps: float
    observed_rps_per_replica: float | None = None
    replicas_before: int
    replicas_after: int
    decision: str | None = None


class Event(Entity):
    component: str
    deployment_id: str | None = None
    type: str
    reason: str
    message: str
    created_at: str


class SystemMetrics(Resource):
    services: dict[str, str]
    total_simulations: int
    running_simulations: int
    completed_simulations: int
    deployments: int
    replicas: int
    ready_replicas: int
    alerts: int
    events: int
    requests_per_second: float


class Token(Resource):
    token: str
    token_type: str
    user_id: str
    roles: list[str]
    expires_at: int


E = TypeVar("E", bound=Resource)


class Page(Resource, Generic[E]):
    data: list[E]
    meta: dict[str, Any]
    links: dict[str, str | None]

    @property
    def pagination(self) -> dict[str, int]:
        result: dict[str, int] = self.meta["pagination"]
        return result
