"""What services say to each other: the paths they call and the bodies they send.

A service that receives one of these validates it with the model here, and a service
that sends one builds it with the same model (notify.py), so a renamed field fails at
the sender, not silently at the receiver; follow.py reads Hoardwell's stream. The edge
serves Distilera's user contract as it is. Services import from here; core does not.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from ..core.pagination import PageQuery
from ..core.routing import FreeJson, JsonObject

# Hoardwell
MESSAGES = "/messages/"  # POST a NewMessage
MESSAGE_STREAM = "/messages/stream/"  # WebSocket: messages as they arrive, resumable
# Jonar
ALERTS = "/alerts/"  # POST a NewAlert

_ID = r"^[A-Za-z0-9_.:-]{1,64}$"  # ids senders choose, so a retried delivery is one
_NAME = r"^[a-z][a-z0-9_]{0,63}$"
REFERENCE = Field(None, max_length=128)  # an id a message refers to


class NewMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=_ID)
    type: str = Field(pattern=_NAME)
    content: str = Field(min_length=1, max_length=10_000)
    sender: str | None = Field(None, max_length=64)
    user_id: str | None = REFERENCE
    counterparty_id: str | None = REFERENCE
    simulation_id: str | None = REFERENCE
    coordination_id: str | None = REFERENCE
    collaboration_id: str | None = REFERENCE
    transaction_id: str | None = REFERENCE
    channel: str | None = Field(None, pattern=_NAME)
    payload: JsonObject | None = None


Severity = Literal["info", "warning", "critical"]


class NewAlert(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=_ID)
    type: str = Field(pattern=_NAME)
    component: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")
    severity: Severity = "warning"
    message: str = Field(min_length=1, max_length=2000)
    details: FreeJson = None


# Distilera's users, served by Distilera and by the edge
Role = Literal["user", "admin"]
Email = Annotated[EmailStr, Field(max_length=254)]  # RFC 5321's longest deliverable address
_USER_ID = r"^[A-Za-z0-9_.-]{1,64}$"


class UserProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    avatar: str | None = Field(None, max_length=500)
    bio: str | None = Field(None, max_length=2000)


class User(BaseModel):
    id: str
    name: str
    email: str
    role: Role
    is_active: bool
    profile: UserProfile
    created_at: str
    updated_at: str


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(None, pattern=_USER_ID, description="Chosen id; admins only.")
    name: str = Field(min_length=1, max_length=200)
    email: Email
    role: Role = "user"
    profile: UserProfile | None = None


class UserChanges(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=200)
    email: Email | None = None
    role: Role | None = None
    is_active: bool | None = None
    profile: UserProfile | None = None


class UserQuery(PageQuery):
    q: str | None = Field(None, min_length=1, max_length=100, description="Part of name or email.")
