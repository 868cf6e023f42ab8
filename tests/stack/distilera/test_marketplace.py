"""Distilera's marketplace on the session's stack: all and only Mercatrix's active
listings, each priced as its quantity times its unit price and valued as the alchemy
table values its item."""

from __future__ import annotations

import runeframe_nb as rf
from runeframe_nb import alchemy
from runeframe_nb.errors import ApiError
from runeframe_nb.waits import eventually

from ..conftest import new_user


async def test_the_marketplace_is_every_active_listing_priced_and_valued(
    distilera: rf.DistileraClient, mercatrix: rf.MercatrixClient
) -> None:
    seller = await new_user(distilera, "seller")
    await eventually(lambda: mercatrix.get_user_balance(seller), ignoring=ApiError)
    offered = [
        await mercatrix.create_market_listing(
            {"seller": seller.id, "item_type": item, "quantity": quantity, "price_per_unit": price}
        )
        for item, quantity, price in [
            ("phoenix_essence", 3, 12.35),
            ("moon_dew", 7, 0.1),
            ("ember_salt", 1, 2),
        ]
    ]
    await mercatrix.withdraw_listing(offered[1])

    items = await distilera.get_marketplace_items()
    active = await mercatrix.get_listings(status="active")
    assert sorted(i.id for i in items) == sorted(x.id for x in active)
    assert offered[0].id in [i.id for i in items] and offered[1].id not in [i.id for i in items]
    for item in items:
        assert item.total_price == round(item.quantity * item.price_per_unit, 2)
        assert item.known_product == (
            item.item_type in alchemy.WORTH and item.item_type != alchemy.INERT
        )
        assert item.reward_value == alchemy.WORTH.get(item.item_type, 0.0)
