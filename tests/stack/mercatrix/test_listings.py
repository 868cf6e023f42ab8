"""Market listings, served in the test's event loop on SQLite and PostgreSQL: a listing
reads back as offered (its price to the cent), listing by seller and item returns all
and only the matching ones, oldest first, page by page; a withdrawn one is gone from
every view; and only a seller with an account may offer."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from ..conftest import alone, every_page, serving

OFFERS = [
    ("usr_a", "phoenix_essence", 1, 0.1),
    ("usr_b", "moon_dew", 7, 12.35),
    ("usr_a", "moon_dew", 1_000_000, 0.01),
    ("usr_b", "phoenix_essence", 2, 999.99),
    ("usr_a", "phoenix_essence", 3, 50.0),
]


async def test_listings_read_back_filter_and_withdraw(
    tmp_path: Path, database_url: str | None
) -> None:
    async with serving("mercatrix", alone(tmp_path, database_url)) as http:
        for seller in ("usr_a", "usr_b"):
            assert (await http.post("/accounts/", json={"user_id": seller})).status_code == 201
        made: list[dict[str, Any]] = []
        for seller, item, quantity, price in OFFERS:
            offer = {"seller": seller, "item_type": item, "quantity": quantity}
            reply = await http.post("/listings/", json={**offer, "price_per_unit": price})
            assert reply.status_code == 201
            assert {k: reply.json()[k] for k in offer} == offer
            assert reply.json()["price_per_unit"] == price
            made.append(reply.json())
        withdrawn = made.pop(1)
        assert (await http.delete(f"/listings/{withdrawn['id']}/")).status_code == 204
        assert (await http.get(f"/listings/{withdrawn['id']}/")).status_code == 404

        for seller, item in itertools.product(
            ["usr_a", "usr_b", None], ["moon_dew", "phoenix_essence", None]
        ):
            query = {k: v for k, v in (("seller", seller), ("item_type", item)) if v}
            expected = [x["id"] for x in made if all(x[k] == v for k, v in query.items())]
            assert await every_page(http, "/listings/", 2, status="active", **query) == expected, (
                query
            )

        stranger = {"seller": "usr_nobody", "item_type": "moon_dew", "quantity": 1}
        refused = await http.post("/listings/", json={**stranger, "price_per_unit": 1})
        assert refused.status_code == 404 and "no account for usr_nobody" in refused.text
