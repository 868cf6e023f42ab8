"""The sensitive-data vault: fields stored encrypted at rest, handed back decrypted to their owner.

Each field is sealed with AES-256-GCM under the vault key, with a fresh nonce and the
entry id and field name as associated data, so a ciphertext moved to another entry or
field fails to open. The database never holds a plaintext byte.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, RootModel, field_validator
from starlette.responses import Response

from ..core.clock import now_iso
from ..core.errors import Conflict, Forbidden
from ..core.ids import new_id
from ..core.listing import by_id
from ..core.routing import Call, Routes, endpoint, json, no_content
from ..core.storage import Database, Row

MIGRATIONS = [
    """
    CREATE TABLE vault_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        sealed TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
]
MAX_FIELDS = 50
MAX_VALUE = 4096


class SensitiveData(RootModel[dict[str, str]]):
    """Field names to plaintext values; `id` is reserved."""

    @field_validator("root")
    @classmethod
    def _fields(cls, fields: dict[str, str]) -> dict[str, str]:
        if not fields or len(fields) > MAX_FIELDS:
            raise ValueError(f"between 1 and {MAX_FIELDS} fields")
        for name, value in fields.items():
            if name in ("id", "owner") or not name.isidentifier() or len(name) > 64:
                raise ValueError(f"field name {name[:64]!r} is not allowed")
            if len(value) > MAX_VALUE:
                raise ValueError(f"field {name} is over {MAX_VALUE} characters")
        return fields


class VaultEntry(BaseModel):
    """`id` plus every stored field (sealed on store, plaintext on retrieval)."""

    model_config = ConfigDict(extra="allow")

    id: str


def load_key(setting: str | None, data_dir: Path) -> bytes:
    """The key from the settings, else the data directory's own (made once, 0600)."""
    if setting:
        key = base64.b64decode(setting)
    else:
        path = data_dir / "distilera-vault.key"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = base64.b64decode(path.read_bytes())
        else:
            key = AESGCM.generate_key(bit_length=256)
            with os.fdopen(fd, "wb") as out:
                out.write(base64.b64encode(key))
    if len(key) != 32:
        raise ValueError("the vault key must be 32 bytes (base64)")
    return key


class Vault:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, entry_id: str, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), f"{entry_id}/{field}".encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, entry_id: str, field: str, token: str) -> str:
        raw = base64.urlsafe_b64decode(token)
        return self._aead.decrypt(raw[:12], raw[12:], f"{entry_id}/{field}".encode()).decode()


class VaultStore:
    """The vault's entries as they lie at rest: sealed fields, never a plain value."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, entry_id: str, owner: str, sealed: dict[str, str]) -> None:
        await self.db.execute(
            "INSERT INTO vault_entries (id, owner, sealed, created_at) VALUES ($1, $2, $3, $4)",
            entry_id,
            owner,
            orjson.dumps(sealed).decode(),
            now_iso(),
        )

    async def get(self, entry_id: str) -> Row:
        """The entry, or NotFound."""
        return await by_id(self.db, "vault_entries", entry_id, "vault entry")

    async def erase(self, entry_id: str) -> None:
        await self.db.execute("DELETE FROM vault_entries WHERE id = $1", entry_id)


class VaultRoutes(Routes):
    tag = "vault"

    def __init__(self, db: Database, vault: Vault) -> None:
        self.entries = VaultStore(db)
        self.vault = vault

    @endpoint("POST", "/vault/", body=SensitiveData, responses={201: VaultEntry}, access="user")
    async def store_sensitive_data(self, call: Call) -> Response:
        """Store fields encrypted; the answer shows them as stored (sealed)."""
        fields: dict[str, str] = call.body.root
        entry_id = new_id("vlt")
        sealed = {name: self.vault.seal(entry_id, name, value) for name, value in fields.items()}
        await self.entries.put(entry_id, call.require_identity().user_id, sealed)
        return json({"id": entry_id, **sealed}, status=201)

    async def _owned(self, call: Call) -> Row:
        """The entry the path names, for its owner or an admin."""
        entry_id = call.path["entry_id"]
        row = await self.entries.get(entry_id)
        identity = call.require_identity()
        if identity.user_id != row["owner"] and not identity.is_admin:
            raise Forbidden("only the owner may read or erase a vault entry")
        return row

    @endpoint("GET", "/vault/{entry_id}/", responses={200: VaultEntry}, access="user")
    async def retrieve_sensitive_data(self, call: Call) -> Response:
        """The fields decrypted, for their owner (or an admin)."""
        row = await self._owned(call)
        entry_id = row["id"]
        sealed: dict[str, Any] = orjson.loads(row["sealed"])
        try:
            plain = {name: self.vault.open(entry_id, name, token) for name, token in sealed.items()}
        except Exception:
            raise Conflict("the entry was sealed under another vault key") from None
        return json({"id": entry_id, **plain})

    @endpoint("DELETE", "/vault/{entry_id}/", responses={204: None}, access="user")
    async def erase_sensitive_data(self, call: Call) -> Response:
        """Erase an entry for good: its owner (or an admin) may."""
        row = await self._owned(call)
        await self.entries.erase(row["id"])
        return no_content()
