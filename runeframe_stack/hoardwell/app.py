"""Hoardwell: the message hub between components."""

from __future__ import annotations

from starlette.applications import Starlette

from ..core.app import create_app, peer_lifespan
from ..core.auth import TokenVerifier
from ..core.peers import Peers
from ..core.settings import StackSettings


def build(settings: StackSettings) -> Starlette:
    peers = Peers(settings)
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    return create_app("hoardwell", settings, verifier, [], lifespan=peer_lifespan(peers))
