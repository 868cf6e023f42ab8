"""Distilera: users, identity and (in later parts) alchemy simulations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.settings import StackSettings
from ..core.storage import migrate, open_database
from .identity import IdentityRoutes, SigningKey
from .users import MIGRATIONS, UserRoutes, UserStore


def build(settings: StackSettings) -> Starlette:
    data_dir = settings.require_data_dir()
    db = open_database(data_dir, "distilera")
    key = SigningKey.load_or_create(data_dir / "distilera-signing-key.pem")
    verifier = TokenVerifier(settings, key.lookup)
    users = UserStore(db)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await migrate(db, MIGRATIONS)
        yield
        await db.close()

    return create_app(
        "distilera",
        settings,
        verifier,
        [UserRoutes(users, verifier), IdentityRoutes(key, users, settings.token_ttl_seconds)],
        lifespan=lifespan,
    )
