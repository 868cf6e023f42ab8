"""Distilera: users and tokens, simulations, coordination, collaborations, marketplace, vault."""

from __future__ import annotations

from typing import Any

from .. import masking
from ..models import (
    Collaboration,
    Contribution,
    Coordination,
    Entity,
    MarketItem,
    Page,
    Resource,
    Simulation,
    Token,
    User,
    VaultEntry,
    id_of,
)
from ._service import ServiceClient

TEST_SIMULATION = {
    "elements": ["fire", "water", "earth"],
    "reaction_type": "fusion",
    "target_result": "phoenix_essence",
}
INVALID_SIMULATION = {"elements": ["unobtainium"], "target_result": "phoenix_essence"}


class DistileraClient(ServiceClient):
    service = "distilera"

    # users and identity

    async def create_user(self, data: dict[str, Any]) -> User:
        return await self.fetch(User, "POST", "/users/", json=data)

    async def get_user(self, user_id: Entity | str) -> User:
        return await self.fetch(User, "GET", f"/users/{id_of(user_id)}/")

    async def list_users(
        self, page: int = 1, per_page: int = 20, q: str | None = None
    ) -> Page[User]:
        params: dict[str, Any] = {"page": page, "per_page": per_page}
        if q:
            params["q"] = q
        return await self.fetch(Page[User], "GET", "/users/", params=params)

    async def update_user(self, user_id: Entity | str, changes: dict[str, Any]) -> User:
        return await self.fetch(User, "PATCH", f"/users/{id_of(user_id)}/", json=changes)

    async def delete_user(self, user_id: Entity | str) -> None:
        await self.call("DELETE", f"/users/{id_of(user_id)}/")

    async def issue_token(self, user_id: Entity | str, expires_in: int | None = None) -> Token:
        body: dict[str, Any] = {"user_id": id_of(user_id)}
        if expires_in is not None:
            body["expires_in"] = expires_in
        return await self.fetch(Token, "POST", "/auth/tokens/", json=body)

    async def create_auth_token(self, user_id: Entity | str) -> str:
        """A signed token for the user (the seed's name); `issue_token` gives its details."""
        return (await self.issue_token(user_id)).token

    # simulations

    async def create_simulation(self, simulation_data: dict[str, Any]) -> Simulation:
        """Start a simulation; the result is both the simulation and its id."""
        return await self.fetch(Simulation, "POST", "/simulations/", json=simulation_data)

    async def get_simulation(self, simulation_id: Entity | str) -> Simulation:
        return await self.fetch(Simulation, "GET", f"/simulations/{id_of(simulation_id)}/")

    async def complete_simulation(self, simulation_id: Entity | str) -> Simulation:
        path = f"/simulations/{id_of(simulation_id)}/complete/"
        return await self.fetch(Simulation, "POST", path)

    async def list_simulations(
        self, user_id: str | None = None, status: str | None = None
    ) -> list[Simulation]:
        return await self.collect(Simulation, "/simulations/", user_id=user_id, status=status)

    async def simulation_stats(self, user_id: Entity | str | None = None) -> Resource:
        """Counts of simulations by state: all, or one user's."""
        params = {"user_id": id_of(user_id)} if user_id is not None else None
        return await self.fetch(Resource, "GET", "/simulations/stats/", params=params)

    async def get_public_keys(self) -> list[dict[str, Any]]:
        """The keys Distilera signs tokens with, as every service fetches them (JWKS)."""
        keys: list[dict[str, Any]] = (await self.call("GET", "/.well-known/jwks.json"))["keys"]
        return keys

    async def create_test_simulation(self, **overrides: Any) -> Simulation:
        """A simulation of known outcome, started and completed (so it is rewarded)."""
        simulation = await self.create_simulation({**TEST_SIMULATION, **overrides})
        return await self.complete_simulation(simulation)

    async def create_invalid_simulation(self, **overrides: Any) -> Simulation:
        """Ask for a simulation Distilera must refuse; raises ApiError (400)."""
        return await self.create_simulation({**INVALID_SIMULATION, **overrides})

    # coordination and collaboration

    async def start_coordinated_simulation(
        self, agents: list[dict[str, Any]], **plan: Any
    ) -> Coordination:
        body = {"agents": agents, **plan}
        return await self.fetch(Coordination, "POST", "/coordinations/", json=body)

    async def get_coordination_result(self, coordination_id: Entity | str) -> Coordination:
        path = f"/coordinations/{id_of(coordination_id)}/"
        return await self.fetch(Coordination, "GET", path)

    async def create_collaboration(self, data: dict[str, Any]) -> Collaboration:
        return await self.fetch(Collaboration, "POST", "/collaborations/", json=data)

    async def get_collaboration(self, collaboration_id: Entity | str) -> Collaboration:
        path = f"/collaborations/{id_of(collaboration_id)}/"
        return await self.fetch(Collaboration, "GET", path)

    async def add_contribution(
        self, collaboration_id: Entity | str, user_id: Entity | str, contribution: dict[str, Any]
    ) -> Contribution:
        path = f"/collaborations/{id_of(collaboration_id)}/contributions/"
        body = {"user_id": id_of(user_id), **contribution}
        return await self.fetch(Contribution, "POST", path, json=body)

    async def complete_collaboration(self, collaboration_id: Entity | str) -> Collaboration:
        path = f"/collaborations/{id_of(collaboration_id)}/complete/"
        return await self.fetch(Collaboration, "POST", path)

    # marketplace and vault

    async def get_marketplace_items(self) -> list[MarketItem]:
        reply = await self.call("GET", "/marketplace/")
        return [MarketItem.model_validate(item) for item in reply["data"]]

    async def store_sensitive_data(self, data: dict[str, str]) -> VaultEntry:
        """Store fields encrypted; the result shows them as stored, with the entry's id.
        Every value is a secret: no artifact of the run shows it (masking.py)."""
        masking.remember(*data.values())
        return await self.fetch(VaultEntry, "POST", "/vault/", json=data)

    async def retrieve_sensitive_data(self, entry_id: Entity | str) -> VaultEntry:
        return await self.fetch(VaultEntry, "GET", f"/vault/{id_of(entry_id)}/")

    async def erase_sensitive_data(self, entry_id: Entity | str) -> None:
        await self.call("DELETE", f"/vault/{id_of(entry_id)}/")
