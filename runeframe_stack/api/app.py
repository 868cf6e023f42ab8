"""The public edge: /api/v1 REST, /graphql/ and the /ws/ WebSocket, rate limited per identity."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from ..contracts.follow import deletions
from ..core import outbox as outbox_module
from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.outbox import Outbox
from ..core.peers import Peers
from ..core.ratelimit import RateLimitMiddleware
from ..core.settings import StackSettings
from ..core.storage import open_database
from .graphql import GraphQLRoutes
from .live import LiveRoutes
from .relay import Relay
from .users import PublicUserRoutes


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings, "api")  # the outbox of live updates
    peers = Peers(settings, "api")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    outbox = Outbox(db, peers, settings.outbox_wait)
    relay = Relay(peers, db, outbox)

    return create_app(
        "api",
        settings,
        verifier,
        [
            PublicUserRoutes(peers),
            GraphQLRoutes(peers, settings.graphql_introspection),
            LiveRoutes(verifier, relay),
        ],
        extra_middleware=[
            Middleware(
                RateLimitMiddleware,
                limit=settings.rate_limit,
                overrides=settings.rate_limit_overrides,
                redis_url=settings.redis_url,
                namespace=settings.namespace,
            )
        ],
        degraded=peers.degraded,
        gauges=outbox.gauges(),
        lifespan=lifespan(
            db,
            outbox_module.MIGRATIONS,
            peers,
            running=[outbox.running, relay.running, deletions(peers, verifier).running],
        ),
    )
