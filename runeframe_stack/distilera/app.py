"""Distilera: users and identity, alchemy simulations, coordination, collaborations,
the marketplace view and the sensitive-data vault."""

from __future__ import annotations

from starlette.applications import Starlette

from ..contracts.follow import deletions
from ..core import outbox as outbox_module
from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.outbox import Outbox
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from . import collaborations, coordination, simulations, users, vault
from .collaborations import CollaborationRoutes
from .coordination import CoordinationRoutes
from .identity import IdentityRoutes, SigningKey
from .marketplace import MarketplaceRoutes
from .simulations import SimulationRoutes
from .users import UserRoutes, UserStore
from .vault import Vault, VaultRoutes

MIGRATIONS = [
    *users.MIGRATIONS,
    outbox_module.MIGRATION,
    *simulations.MIGRATIONS,
    *coordination.MIGRATIONS,
    *collaborations.MIGRATIONS,
    *vault.MIGRATIONS,
    outbox_module.RETRY_MIGRATION,
    outbox_module.AGE_MIGRATION,
]


def build(settings: StackSettings) -> Starlette:
    data_dir = settings.require_data_dir()
    db = open_database(settings, "distilera")
    key = SigningKey.load_or_create(data_dir / "distilera-signing-key.pem")
    verifier = TokenVerifier(settings, key.lookup)
    peers = Peers(settings, "distilera")
    outbox = Outbox(db, peers, settings.outbox_wait)
    user_store = UserStore(db)

    return create_app(
        "distilera",
        settings,
        verifier,
        [
            UserRoutes(user_store, verifier, outbox),
            IdentityRoutes(key, user_store, settings.token_ttl_seconds, settings.oauth_clients),
            SimulationRoutes(db, user_store, outbox),
            CoordinationRoutes(db, outbox),
            CollaborationRoutes(db, user_store, outbox),
            MarketplaceRoutes(peers),
            VaultRoutes(db, Vault(vault.load_key(settings.vault_key, data_dir))),
        ],
        degraded=peers.degraded,
        gauges=outbox.gauges(),
        lifespan=lifespan(
            db, MIGRATIONS, peers, running=[outbox.running, deletions(peers, verifier).running]
        ),
    )
