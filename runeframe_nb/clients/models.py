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


class Profile(Resource):
    avatar: str | None = None
    bio: str | None = None


class User(Entity):
    name: str
    email: str
    role: str = "user"
    is_active: bool = True
    profile: Profile = Profile()
    created_at: str | None = None
    updated_at: str | None = None


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
