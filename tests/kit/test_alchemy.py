"""The kit's copy of the alchemy rules: product, success and reward as documented."""

from __future__ import annotations

from runeframe_nb import alchemy


def test_alchemy_predicts_product_success_and_reward() -> None:
    assert alchemy.predict(["fire", "water", "earth"], "fusion", "phoenix_essence") == (
        alchemy.Outcome("phoenix_essence", True, 50.0)
    )
    assert alchemy.predict(["fire", "air"], "fusion", "phoenix_essence") == (
        alchemy.Outcome("dragon_scale", False, 0.0)
    )
    assert alchemy.predict(["aether"], "fusion", "quintessence").result == alchemy.INERT
