"""Users of the ecosystem: string ids, roles, profiles; the REST resource behind /api/v1/users/."""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..contracts import NewUser, User, UserChanges, UserProfile, UserQuery
from ..contracts.notify import Notifier
from ..core import pagination
from ..core.auth import TokenVerifier
from ..core.clock import now_iso
from ..core.errors import Conflict, Forbidden, NotFound
from ..core.listing import Where, page_of
from ..core.outbox import Outbox
from ..core.pagination import Page
from ..core.routing import Call, Routes, endpoint, json, no_content
from ..core.storage import Database, Row

MIGRATIONS = [
    """
    CREATE TABLE users (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        email TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        is_active INTEGER NOT NULL,
        avatar TEXT,
        bio TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
]


def _public(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "role": row["role"],
        "is_active": bool(row["is_active"]),
        "profile": {"avatar": row["avatar"], "bio": row["bio"]},
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


class UserStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: str) -> dict[str, Any] | None:
        row = await self.db.fetch_one("SELECT * FROM users WHERE id = $1", user_id)
        return None if row is None else _public(row)

    async def create(self, new: NewUser) -> dict[str, Any]:
        user_id = new.id or f"usr_{secrets.token_hex(6)}"
        email = new.email.lower()
        stamp = now_iso()
        profile = new.profile or UserProfile()
        async with self.db.transaction():
            await self._ensure_free(user_id, email)
            await self.db.execute(
                "INSERT INTO users (id, name, email, role, is_active, avatar, bio, created_at,"
                " updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7)",
                user_id,
                new.name,
                email,
                new.role,
                profile.avatar,
                profile.bio,
                stamp,
            )
        user = await self.get(user_id)
        assert user is not None
        return user

    async def update(self, user_id: str, changes: UserChanges) -> dict[str, Any]:
        fields = changes.model_dump(exclude_unset=True)
        async with self.db.transaction():
            if await self.get(user_id) is None:
                raise NotFound(f"user {user_id} not found")
            if "email" in fields and fields["email"] is not None:
                fields["email"] = fields["email"].lower()
                await self._ensure_free(None, fields["email"], except_id=user_id)
            columns: dict[str, Any] = {}
            for name, value in fields.items():
                if name == "profile":  # the fields given change; `null` clears them all
                    given = {"avatar": None, "bio": None} if value is None else value
                    columns.update({key: given[key] for key in ("avatar", "bio") if key in given})
                elif value is not None:
                    columns[name] = int(value) if name == "is_active" else value
            columns["updated_at"] = now_iso()
            assignments = ", ".join(f"{col} = ${i}" for i, col in enumerate(columns, start=2))
            await self.db.execute(
                f"UPDATE users SET {assignments} WHERE id = $1", user_id, *columns.values()
            )
        user = await self.get(user_id)
        assert user is not None
        return user

    async def page(self, request: Request, query: UserQuery) -> Any:
        """One page of users, oldest first; `q` keeps those whose name or email contains it
        (any case, its `%`, `_` and `\\` taken as themselves)."""
        where = Where()
        if query.q:
            escaped = query.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            where.add(
                "(lower(name) LIKE {} ESCAPE '\\' OR lower(email) LIKE {} ESCAPE '\\')",
                pattern,
                pattern,
            )
        return await page_of(self.db, request, query, "users", where, _public)

    async def delete(self, user_id: str) -> bool:
        return await self.db.execute("DELETE FROM users WHERE id = $1", user_id) > 0

    async def _ensure_free(
        self, user_id: str | None, email: str, except_id: str | None = None
    ) -> None:
        if user_id is not None and await self.db.fetch_value(
            "SELECT 1 FROM users WHERE id = $1", user_id
        ):
            raise Conflict(f"user id {user_id} is taken", code="duplicate_id")
        owner = await self.db.fetch_value("SELECT id FROM users WHERE email = $1", email)
        if owner is not None and owner != except_id:
            raise Conflict(f"email {email} is already registered", code="duplicate_email")


class UserRoutes(Routes):
    tag = "users"

    def __init__(self, users: UserStore, verifier: TokenVerifier, outbox: Outbox) -> None:
        self.users = users
        self.verifier = verifier
        self.outbox = outbox
        self.notify = Notifier(outbox, "distilera")

    @endpoint("GET", "/users/", query=UserQuery, responses={200: Page[User]}, access="user")
    async def list_users(self, call: Call) -> Response:
        """One page of users, oldest first; `q` keeps those whose name or email contains it."""
        return json(await self.users.page(call.request, call.query))

    @endpoint("POST", "/users/", body=NewUser, responses={201: User})
    async def create_user(self, call: Call) -> Response:
        """Register a user; only an admin may choose the id or the admin role."""
        new: NewUser = call.body
        admin = call.identity is not None and call.identity.is_admin
        if not admin and (new.id is not None or new.role != "user"):
            raise Forbidden("only an admin may choose a user's id or role")
        async with self.users.db.transaction():
            user = await self.users.create(new)
            await self.outbox.add("mercatrix", "/accounts/", {"user_id": user["id"]})
            await self.notify.message(
                "user_created", f"user_created {user['id']}", user_id=user["id"]
            )
        await self.outbox.handed_over()
        location = f"{pagination.public_path(call.request)}{user['id']}/"
        return json(user, status=201, headers={"Location": location})

    @endpoint("GET", "/users/{user_id}/", responses={200: User}, access="user")
    async def get_user(self, call: Call) -> Response:
        """One user by id."""
        user = await self.users.get(call.path["user_id"])
        if user is None:
            raise NotFound(f"user {call.path['user_id']} not found")
        return json(user)

    @endpoint("PATCH", "/users/{user_id}/", body=UserChanges, responses={200: User}, access="user")
    async def update_user(self, call: Call) -> Response:
        """Change some of a user's fields: the user themself, or an admin."""
        user_id = call.path["user_id"]
        identity = call.require_self_or_admin(user_id)
        changes: UserChanges = call.body
        if not identity.is_admin and (changes.role is not None or changes.is_active is not None):
            raise Forbidden("only an admin may change a role or deactivate a user")
        user = await self.users.update(user_id, changes)
        self.verifier.forget(user_id)
        return json(user)

    @endpoint("DELETE", "/users/{user_id}/", responses={204: None}, access="user")
    async def delete_user(self, call: Call) -> Response:
        """Delete a user: the user themself, or an admin."""
        user_id = call.path["user_id"]
        call.require_self_or_admin(user_id)
        async with self.users.db.transaction():
            if not await self.users.delete(user_id):
                raise NotFound(f"user {user_id} not found")
            await self.notify.message("user_deleted", f"user_deleted {user_id}", user_id=user_id)
        self.verifier.revoke(user_id, time.time())  # here at once; elsewhere via Hoardwell
        await self.outbox.handed_over()
        return no_content()
