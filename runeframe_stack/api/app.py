"""The public edge: /api/v1 REST (and later GraphQL and WebSocket), rate limited per identity."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from ..core.app import create_app, peer_lifespan
from ..core.auth import TokenVerifier
from ..core.peers import Peers
from ..core.ratelimit import RateLimitMiddleware
from ..core.settings import StackSettings
from .users import PublicUserRoutes


def build(settings: StackSettings) -> Starlette:
    peers = Peers(settings)
    verifier = TokenVerifier(settings, peers.jwks_lookup)

    return create_app(
        "api",
        settings,
        verifier,
        [PublicUserRoutes(peers)],
        extra_middleware=[
            Middleware(
                RateLimitMiddleware,
                limit=settings.rate_limit,
                overrides=settings.rate_limit_overrides,
            )
        ],
        lifespan=peer_lifespan(peers),
    )
