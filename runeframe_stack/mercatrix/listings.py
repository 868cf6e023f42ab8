"""Market listings: items for sale by account holders, shown in Distilera's marketplace."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from ..core.clock import now_iso
from ..core.errors import NotFound
from ..core.ids import new_id
from ..core.listing import Where, by_id, page_of
from ..core.pagination import Page, PageQuery
from ..core.routing import Call, Routes, endpoint, json, no_content
from ..core.storage import Database, Row
from .ledger import Ledger, cents, coins
from .ledger_routes import Amount

MIGRATIONS = [
    """
    CREATE TABLE listings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        seller TEXT NOT NULL,
        item_type TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        price_per_unit INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
]


class NewListing(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    quantity: int = Field(ge=1, le=1_000_000)
    price_per_unit: Amount
    seller: str = Field(min_length=1, max_length=64)


class Listing(BaseModel):
    id: str
    seller: str
    item_type: str
    quantity: int
    price_per_unit: float
    status: Literal["active"]
    created_at: str


class ListingQuery(PageQuery):
    status: Literal["active"] | None = None
    seller: str | None = Field(None, max_length=64)
    item_type: str | None = Field(None, max_length=64)


def _public(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "seller": row["seller"],
        "item_type": row["item_type"],
        "quantity": row["quantity"],
        "price_per_unit": coins(row["price_per_unit"]),
        "status": row["status"],
        "created_at": row["created_at"],
    }


class ListingStore:
    """The listings table, read as the API shows it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, listing_id: str) -> dict[str, Any]:
        """One listing, or NotFound."""
        return _public(await by_id(self.db, "listings", listing_id, "listing"))

    async def create(self, new: NewListing) -> str:
        """An active listing; its id."""
        listing_id = new_id("lst")
        await self.db.execute(
            "INSERT INTO listings (id, seller, item_type, quantity, price_per_unit, status,"
            " created_at) VALUES ($1, $2, $3, $4, $5, 'active', $6)",
            listing_id,
            new.seller,
            new.item_type,
            new.quantity,
            cents(new.price_per_unit),
            now_iso(),
        )
        return listing_id

    async def page(self, request: Request, query: ListingQuery) -> Any:
        """One page of listings, oldest first, by status, seller or item."""
        where = Where().equals(status=query.status, seller=query.seller, item_type=query.item_type)
        return await page_of(self.db, request, query, "listings", where, _public)

    async def delete(self, listing_id: str) -> None:
        await self.db.execute("DELETE FROM listings WHERE id = $1", listing_id)


class ListingRoutes(Routes):
    tag = "market"

    def __init__(self, db: Database, ledger: Ledger) -> None:
        self.listings = ListingStore(db)
        self.ledger = ledger

    @endpoint("POST", "/listings/", body=NewListing, responses={201: Listing}, access="user")
    async def create_market_listing(self, call: Call) -> Response:
        """Offer an item for sale; the seller must hold an account."""
        new: NewListing = call.body
        call.require_self_or_admin(new.seller)
        if await self.ledger.balance(new.seller) is None:
            raise NotFound(f"no account for {new.seller}")
        listing_id = await self.listings.create(new)
        return json(await self.listings.get(listing_id), status=201)

    @endpoint(
        "GET", "/listings/", query=ListingQuery, responses={200: Page[Listing]}, access="user"
    )
    async def list_listings(self, call: Call) -> Response:
        """Listings, oldest first, by status, seller or item."""
        return json(await self.listings.page(call.request, call.query))

    @endpoint("GET", "/listings/{listing_id}/", responses={200: Listing}, access="user")
    async def get_listing(self, call: Call) -> Response:
        """One listing."""
        return json(await self.listings.get(call.path["listing_id"]))

    @endpoint("DELETE", "/listings/{listing_id}/", responses={204: None}, access="user")
    async def withdraw_listing(self, call: Call) -> Response:
        """Withdraw a listing from the market: its seller (or an admin) may."""
        listing = await self.listings.get(call.path["listing_id"])
        call.require_self_or_admin(listing["seller"])
        await self.listings.delete(listing["id"])
        return no_content()
