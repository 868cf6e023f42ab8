"""Distilera's vault is judged where it keeps the values, not by what it answers: the
stored column holds none of them, and each field opens only with the vault's key and
its own entry and field."""

from __future__ import annotations

import base64
import sqlite3

import httpx
import orjson
import pytest
import yaml
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from runeframe_nb.stack import EmbeddedStack
from runeframe_stack.core.settings import StackSettings

SECRETS = {"card": "4111 1111 1111 1111", "note": "clé privée: 秘密 🔑"}


async def stored_row(stack: EmbeddedStack, entry_id: str) -> str:
    """The entry's `sealed` column as Distilera's database holds it (SQLite or PostgreSQL)."""
    settings = StackSettings(**yaml.safe_load((stack.data_dir / "stack.yaml").read_text()))
    if settings.database_url is None:
        with sqlite3.connect(stack.data_dir / "data" / "distilera.sqlite3") as db:
            (sealed,) = db.execute(
                "SELECT sealed FROM vault_entries WHERE id = ?", (entry_id,)
            ).fetchone()
        return str(sealed)
    import asyncpg

    connection = await asyncpg.connect(settings.database_url)
    try:
        schema = settings.schema_of("distilera")
        query = f'SELECT sealed FROM "{schema}".vault_entries WHERE id = $1'
        return str(await connection.fetchval(query, entry_id))
    finally:
        await connection.close()


def vault_key(stack: EmbeddedStack) -> bytes:
    """The key Distilera made for its data directory (no profile of ours sets one)."""
    return base64.b64decode((stack.data_dir / "data" / "distilera-vault.key").read_bytes())


async def test_the_stored_column_holds_no_plaintext_and_opens_only_with_the_key(
    stack: EmbeddedStack, urls: dict[str, str], admin_token: str
) -> None:
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(base_url=urls["distilera"], headers=headers) as distilera:
        made = (await distilera.post("/vault/", json=SECRETS)).json()
        read = (await distilera.get(f"/vault/{made['id']}/")).json()
        sealed = orjson.loads(await stored_row(stack, made["id"]))
        await distilera.delete(f"/vault/{made['id']}/")
    assert read == {"id": made["id"], **SECRETS}
    stored_text = orjson.dumps(sealed).decode()
    for value in SECRETS.values():
        assert value not in stored_text and value.encode().hex() not in stored_text
    aead = AESGCM(vault_key(stack))
    for field, value in SECRETS.items():
        raw = base64.urlsafe_b64decode(sealed[field])
        opened = aead.decrypt(raw[:12], raw[12:], f"{made['id']}/{field}".encode())
        assert opened.decode() == value
    raw = base64.urlsafe_b64decode(sealed["card"])
    with pytest.raises(InvalidTag):  # sealed for one field, it does not open as another
        aead.decrypt(raw[:12], raw[12:], f"{made['id']}/note".encode())


def test_the_key_file_is_the_owners_alone(stack: EmbeddedStack) -> None:
    key = stack.data_dir / "data" / "distilera-vault.key"
    assert key.stat().st_mode & 0o777 == 0o600
