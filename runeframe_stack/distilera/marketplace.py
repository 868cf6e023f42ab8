"""Distilera's marketplace: Mercatrix's active listings, seen with the alchemy table's eyes."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.responses import Response

from ..core.peers import Peers
from ..core.routing import Call, Routes, endpoint, json
from . import alchemy

PAGES_READ = 10  # at most 1,000 listings per marketplace view


class MarketItem(BaseModel):
    id: str
    item_type: str
    quantity: int
    price_per_unit: float
    seller: str
    total_price: float
    known_product: bool
    reward_value: float


class Marketplace(BaseModel):
    data: list[MarketItem]


class MarketplaceRoutes(Routes):
    tag = "marketplace"

    def __init__(self, peers: Peers) -> None:
        self.peers = peers

    @endpoint("GET", "/marketplace/", responses={200: Marketplace}, access="user")
    async def get_marketplace(self, call: Call) -> Response:
        """Every active listing in Mercatrix, with what the alchemy table knows of its item."""
        items = []
        for number in range(1, PAGES_READ + 1):
            reply = await self.peers.request(
                "mercatrix", "GET", "/listings/", query=f"status=active&per_page=100&page={number}"
            )
            reply.raise_for_error()
            page = reply.json()
            for listing in page["data"]:
                items.append(
                    {
                        "id": listing["id"],
                        "item_type": listing["item_type"],
                        "quantity": listing["quantity"],
                        "price_per_unit": listing["price_per_unit"],
                        "seller": listing["seller"],
                        "total_price": round(listing["quantity"] * listing["price_per_unit"], 2),
                        "known_product": listing["item_type"] in alchemy.PRODUCTS,
                        "reward_value": alchemy.value(listing["item_type"]),
                    }
                )
            if page["links"]["next"] is None:
                break
        return json({"data": items})
