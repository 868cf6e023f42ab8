"""Hoardwell: the message hub between components, with live fan-out to subscribers."""

from __future__ import annotations

from starlette.applications import Starlette

from ..contracts.follow import deletions
from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from .hub import hub_for
from .messages import MIGRATIONS, MessageRoutes


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings, "hoardwell")
    peers = Peers(settings, "hoardwell")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    hub = hub_for(settings.redis_url, settings.namespace)
    return create_app(
        "hoardwell",
        settings,
        verifier,
        [MessageRoutes(db, hub)],
        lifespan=lifespan(
            db, MIGRATIONS, peers, running=[hub.running, deletions(peers, verifier).running]
        ),
    )
