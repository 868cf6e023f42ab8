"""The documented alchemy rules, the kit's own copy: what a simulation must come to.

Distilera's table is deterministic on purpose, so a notebook predicts each simulation's
product, success and reward before it asks, from this copy and not from the service:
a service that reports another product, a miss as a success, or pays another reward
disagrees with the rules, not with itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INERT = "inert_residue"

# what each product is worth, in essence_coins, to a simulation that aims for it and gets it
WORTH: dict[str, float] = {
    "phoenix_essence": 50.0,
    "dragon_scale": 40.0,
    "crystal_shard": 25.0,
    "storm_glass": 30.0,
    "ember_salt": 10.0,
    "quintessence": 100.0,
    INERT: 0.0,
}

RECIPES: dict[tuple[str, frozenset[str]], str] = {
    ("fusion", frozenset({"fire", "water", "earth"})): "phoenix_essence",
    ("fusion", frozenset({"fire", "air"})): "dragon_scale",
    ("fusion", frozenset({"earth", "water"})): "crystal_shard",
    ("fusion", frozenset({"fire", "water", "earth", "air", "aether"})): "quintessence",
    ("transmutation", frozenset({"earth"})): "crystal_shard",
    ("transmutation", frozenset({"fire", "earth"})): "dragon_scale",
    ("distillation", frozenset({"water", "air"})): "storm_glass",
    ("sublimation", frozenset({"fire"})): "ember_salt",
    ("complex_fusion", frozenset({"fire"})): "ember_salt",
    ("complex_fusion", frozenset({"fire", "water", "earth"})): "phoenix_essence",
    ("complex_fusion", frozenset({"fire", "air"})): "dragon_scale",
}


@dataclass(frozen=True)
class Outcome:
    """A completed simulation as the rules say it ends."""

    result: str
    success: bool
    reward: float


def predict(elements: Iterable[str], reaction_type: str, target: str) -> Outcome:
    """The product of the reaction (inert residue when no recipe matches), whether it is
    the target, and the reward: the product's worth when it is, else nothing."""
    product = RECIPES.get((reaction_type, frozenset(elements)), INERT)
    success = product == target
    return Outcome(product, success, WORTH.get(product, 0.0) if success else 0.0)
