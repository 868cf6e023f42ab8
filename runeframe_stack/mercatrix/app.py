"""Mercatrix: accounts, transfers that conserve money, rewards and market listings."""

from __future__ import annotations

from starlette.applications import Starlette

from ..contracts.follow import deletions
from ..contracts.notify import Notifier
from ..core import outbox as outbox_module
from ..core.app import create_app
from ..core.auth import TokenVerifier
from ..core.lifecycle import lifespan
from ..core.outbox import Outbox
from ..core.peers import Peers
from ..core.settings import StackSettings
from ..core.storage import open_database
from . import ledger, listings
from .ledger import Ledger
from .ledger_routes import LedgerRoutes
from .listings import ListingRoutes

MIGRATIONS = [
    *ledger.MIGRATIONS,
    outbox_module.MIGRATION,
    *listings.MIGRATIONS,
    outbox_module.RETRY_MIGRATION,
    outbox_module.AGE_MIGRATION,
]


def build(settings: StackSettings) -> Starlette:
    db = open_database(settings, "mercatrix")
    peers = Peers(settings, "mercatrix")
    verifier = TokenVerifier(settings, peers.jwks_lookup)
    outbox = Outbox(db, peers, settings.outbox_wait)
    book = Ledger(db, Notifier(outbox, "mercatrix"))

    async def open_treasury() -> None:
        await book.ensure_treasury(settings.treasury_supply)

    return create_app(
        "mercatrix",
        settings,
        verifier,
        [LedgerRoutes(book, outbox, settings.welcome_grant), ListingRoutes(db, book)],
        degraded=peers.degraded,
        gauges=outbox.gauges(),
        lifespan=lifespan(
            db,
            MIGRATIONS,
            peers,
            on_start=[open_treasury],
            running=[outbox.running, deletions(peers, verifier).running],
        ),
    )
