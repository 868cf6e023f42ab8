"""Hoardwell: the message hub between components, with live fan-out to subscribers."""

from __future__ import annotations

from starlette.applications import Starlette

from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from .hub import Hub
from .messages import MIGRATIONS, MessageRoutes


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings.require_data_dir(), "hoardwell")
    peers = Peers(settings, "hoardwell")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    return create_app(
        "hoardwell",
        settings,
        verifier,
        [MessageRoutes(db, Hub())],
        lifespan=lifespan(db, MIGRATIONS, peers),
    )
