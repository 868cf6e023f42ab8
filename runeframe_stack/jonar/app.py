"""Jonar: infrastructure: deployments, replicas, health, metrics, autoscaling and alerts."""

from __future__ import annotations

from starlette.applications import Starlette

from ..contracts.follow import deletions
from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from . import alerts, deployments, events
from .alerts import AlertRoutes, AlertStore
from .backend import BACKENDS
from .deployments import Controller, DeploymentRoutes
from .events import EventLog, EventRoutes
from .load import LoadRoutes
from .metrics import MetricsRoutes
from .scrape import Scraper

MIGRATIONS = [*alerts.MIGRATIONS, *events.MIGRATIONS, *deployments.MIGRATIONS]


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings, "jonar")
    peers = Peers(settings, "jonar")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    log = EventLog(db)
    alerts = AlertStore(db)
    controller = Controller(
        settings, BACKENDS[settings.jonar.backend](settings), db, peers, log, Scraper(peers)
    )
    return create_app(
        "jonar",
        settings,
        verifier,
        [
            AlertRoutes(alerts),
            DeploymentRoutes(settings, controller, peers),
            MetricsRoutes(settings, controller, peers, alerts, log),
            LoadRoutes(controller, peers),
            EventRoutes(log),
        ],
        lifespan=lifespan(
            db, MIGRATIONS, peers, running=[controller.running, deletions(peers, verifier).running]
        ),
    )
