"""Test data: the seed's factories (factory_boy + Faker) and a manager that creates them for real.

Factories build plain dicts, reproducibly: `reseed(seed)` makes every later build the
same for the same seed. `TestDataManager` turns them into users, simulations,
transactions and messages in the stack, under a namespace of its own, so notebooks that
run at once on one stack never meet each other's data, and deletes what can be deleted
when asked. Simulations, transactions and messages are history (the ledger must keep
conserving money), so they stay, tagged by their namespaced users.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Iterable
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import factory
import factory.random
from factory import Faker

from . import recorder
from .clients import DistileraClient, HoardwellClient, JonarClient, MercatrixClient
from .environment import Environment, active
from .errors import ApiError
from .models import Deployment, Message, Simulation, Transaction, User
from .waits import eventually

ELEMENTS = ["fire", "water", "earth", "air"]
TARGETS = ["phoenix_essence", "dragon_scale", "crystal_shard"]
T = TypeVar("T")
TRANSFER_CAP = Decimal("25.00")  # affordable from a 100.0 welcome grant, several times over


# fixed bounds for built timestamps: Faker's default ends at "now", so two builds of one
# seed a second apart would differ
EPOCH, HORIZON = datetime(2024, 1, 1), datetime(2026, 1, 1)


# text a careless layer mangles, one piece per way of mangling it: accents (precomposed
# and combining), letters that change length when folded, CJK, emoji outside the Basic
# Multilingual Plane (one a joined sequence), right-to-left scripts with a direction mark
HOSTILE = {
    "accents": ("Zoë", "Ångström", "Bjørn"),
    "combining": ("e\u0301", "n\u0303a", "a\u030a"),
    "folding": ("Straße", "İstanbul", "ﬁne"),
    "cjk": ("錬金術師", "炼金术", "연금술"),
    "emoji": ("🧪", "⚗️", "👩\u200d🔬"),
    "right-to-left": ("אלכימאי", "\u200fمختبر"),
}


def hostile_text(seed: int, length: int = 40, prefix: str = "") -> str:
    """Text with one piece of every kind in HOSTILE, in an order `seed` decides, cut to
    at most `length` characters (a kind is never cut in half): what must round-trip
    unchanged through every field that stores text."""
    rng = random.Random(seed)
    pieces = [rng.choice(kind) for kind in HOSTILE.values()]
    rng.shuffle(pieces)
    text = prefix
    for piece in pieces:
        if len(text) + len(piece) + 1 > length:
            break
        text = f"{text} {piece}" if text else piece
    return text


def reseed(seed: int) -> None:
    """Make the factories' next builds depend only on `seed`."""
    factory.random.reseed_random(seed)


class UserFactory(factory.Factory):
    class Meta:
        model = dict

    id = Faker("uuid4")
    name = Faker("name")
    email = Faker("email")
    is_active = True
    created_at = Faker("date_time_between", start_date=EPOCH, end_date=HORIZON)


class SimulationFactory(factory.Factory):
    class Meta:
        model = dict

    id = Faker("uuid4")
    user_id = Faker("uuid4")
    elements = factory.List([Faker("random_element", elements=ELEMENTS)])
    target_result = Faker("random_element", elements=TARGETS)
    status = "pending"
    created_at = Faker("date_time_between", start_date=EPOCH, end_date=HORIZON)


class TransactionFactory(factory.Factory):
    class Meta:
        model = dict

    id = Faker("uuid4")
    from_user = Faker("uuid4")
    to_user = Faker("uuid4")
    amount = Faker("pydecimal", left_digits=3, right_digits=2, positive=True)
    currency = "essence_coins"
    transaction_type = Faker("random_element", elements=["payment", "reward", "refund"])
    status = "completed"
    created_at = Faker("date_time_between", start_date=EPOCH, end_date=HORIZON)


class MessageFactory(factory.Factory):
    class Meta:
        model = dict

    type = "note"
    content = Faker("sentence", nb_words=8)
    channel = "test_data"


class SensitiveFactory(factory.Factory):
    """What the seed stores in the vault, made up for each run instead of written in a
    notebook, so no file of the run shows it."""

    class Meta:
        model = dict

    credit_card = Faker("credit_card_number", card_type="visa16")
    ssn = Faker("ssn")
    password = Faker("password", length=16)


class DeploymentFactory(factory.Factory):
    class Meta:
        model = dict

    component = Faker("random_element", elements=["hoardwell", "mercatrix"])
    version = "1.0.0"
    replicas = 1
    resources = factory.Dict({"cpu": "250m", "memory": "256Mi"})


async def bounded(calls: Iterable[Awaitable[T]], limit: int = 16) -> list[T]:
    """Await `calls` with at most `limit` in flight; results in the order given."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    return await asyncio.gather(*(one(call) for call in calls))


class TestDataManager:
    """Creates test data in the stack under `namespace`, remembers it, and cleans it up."""

    __test__ = False  # a helper, not a test class for pytest

    def __init__(
        self,
        seed: int | None = None,
        namespace: str | None = None,
        environment: Environment | None = None,
    ) -> None:
        self.env = environment or active()
        self.namespace = namespace or self.env.namespace(recorder.default.area)
        if seed is not None:
            reseed(seed)
        self.test_data: dict[str, list[Any]] = {
            "users": [],
            "simulations": [],
            "transactions": [],
            "messages": [],
            "deployments": [],
        }

    async def create_test_users(self, count: int = 10) -> list[User]:
        """Users built by UserFactory, created in Distilera (each opens a Mercatrix account),
        several at a time; the list keeps the factory's order."""
        bodies = []
        for spec in UserFactory.build_batch(count):
            local, _, domain = spec["email"].partition("@")
            uid = f"{self.namespace}-{spec['id'][:8]}"
            # Faker repeats names in large batches: the id keeps each address unique
            bodies.append({"id": uid, "name": spec["name"], "email": f"{local}+{uid}@{domain}"})
        async with DistileraClient(environment=self.env) as distilera:
            created = await bounded(distilera.create_user(body) for body in bodies)
        self.test_data["users"].extend(created)
        return created

    async def _owners(self, count: int) -> list[User]:
        users: list[User] = self.test_data["users"]
        if len(users) < count:
            await self.create_test_users(count - len(users))
        return self.test_data["users"]

    async def create_test_simulations(self, count: int = 5) -> list[Simulation]:
        """Simulations built by SimulationFactory, started for this manager's users."""
        owners = await self._owners(1)
        created = []
        async with DistileraClient(environment=self.env) as distilera:
            for n, spec in enumerate(SimulationFactory.build_batch(count)):
                body = {
                    "user_id": owners[n % len(owners)].id,
                    "elements": spec["elements"],
                    "target_result": spec["target_result"],
                }
                created.append(await distilera.create_simulation(body))
        self.test_data["simulations"].extend(created)
        return created

    async def create_test_transactions(self, count: int = 10) -> list[Transaction]:
        """Transfers built by TransactionFactory between this manager's users.

        Amounts are the factory's, capped at 25 essence_coins so that they are affordable;
        a refused one would still be recorded, as failed.
        """
        users = await self._owners(2)
        created = []
        async with MercatrixClient(environment=self.env) as mercatrix:
            for user in users:  # each account opens through Distilera's outbox
                await eventually(partial(mercatrix.get_user_balance, user), ignoring=ApiError)
            for n, spec in enumerate(TransactionFactory.build_batch(count)):
                source, target = users[n % len(users)], users[(n + 1) % len(users)]
                amount = min(Decimal(spec["amount"]), TRANSFER_CAP)
                body = {
                    "from_user": source.id,
                    "to_user": target.id,
                    "amount": float(amount),
                    "transaction_type": spec["transaction_type"],
                }
                created.append(await mercatrix.process_transaction(body))
        self.test_data["transactions"].extend(created)
        return created

    async def create_test_messages(self, count: int = 10) -> list[Message]:
        """Messages built by MessageFactory, posted to Hoardwell on this namespace's channel."""
        created = []
        async with HoardwellClient(environment=self.env) as hoardwell:
            for spec in MessageFactory.build_batch(count):
                fields = {"channel": spec["channel"], "simulation_id": self.namespace}
                created.append(
                    await hoardwell.post_message(spec["type"], spec["content"], **fields)
                )
        self.test_data["messages"].extend(created)
        return created

    async def create_test_deployments(self, count: int = 1) -> list[Deployment]:
        """Deployments built by DeploymentFactory, rolled out by Jonar."""
        created = []
        async with JonarClient(environment=self.env) as jonar:
            for spec in DeploymentFactory.build_batch(count):
                created.append(await jonar.deploy_component(spec))
        self.test_data["deployments"].extend(created)
        return created

    async def cleanup_test_data(self) -> dict[str, int]:
        """Delete the users and deployments this manager made; forget everything it made."""
        removed = {"users": 0, "deployments": 0}
        async with DistileraClient(environment=self.env) as distilera:

            async def delete(user: User) -> int:
                try:
                    await distilera.delete_user(user)
                except ApiError as exc:
                    if exc.status != 404:
                        raise
                    return 0
                return 1

            removed["users"] = sum(await bounded(delete(u) for u in self.test_data["users"]))
        async with JonarClient(environment=self.env) as jonar:
            for deployment in self.test_data["deployments"]:
                await jonar.delete_deployment(deployment)
                removed["deployments"] += 1
        self.test_data = {kind: [] for kind in self.test_data}
        return removed

    async def residue(self) -> int:
        """How many users of this namespace still exist (0 after a cleanup)."""
        async with DistileraClient(environment=self.env) as distilera:
            page = await distilera.list_users(per_page=1, q=self.namespace)
        return int(page.pagination["total_items"])
