"""Jonar: infrastructure: deployments, replicas, health, metrics, autoscaling and alerts."""

from __future__ import annotations

from starlette.applications import Starlette

from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from . import alerts
from .alerts import AlertRoutes

MIGRATIONS = [*alerts.MIGRATIONS]


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings.require_data_dir(), "jonar")
    peers = Peers(settings, "jonar")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    return create_app(
        "jonar", settings, verifier, [AlertRoutes(db)], lifespan=lifespan(db, MIGRATIONS, peers)
    )
