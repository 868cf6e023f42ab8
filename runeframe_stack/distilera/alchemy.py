"""The alchemy table: which product a reaction of elements yields, and what it is worth.

Deterministic on purpose: the same elements and reaction always give the same product,
so a test can state the expected result and a wrong one is a real failure.
"""

from __future__ import annotations

from collections.abc import Iterable

ELEMENTS = ("fire", "water", "earth", "air", "aether")
REACTIONS = ("fusion", "transmutation", "distillation", "sublimation", "complex_fusion")
INERT = "inert_residue"

# product -> reward in essence_coins when a simulation aims for it and gets it
PRODUCTS: dict[str, float] = {
    "phoenix_essence": 50.0,
    "dragon_scale": 40.0,
    "crystal_shard": 25.0,
    "storm_glass": 30.0,
    "ember_salt": 10.0,
    "quintessence": 100.0,
    INERT: 0.0,
}

_RECIPES: dict[tuple[str, frozenset[str]], str] = {
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


def react(elements: Iterable[str], reaction_type: str) -> str:
    """The product of a reaction; inert residue when the table has no such recipe."""
    return _RECIPES.get((reaction_type, frozenset(elements)), INERT)


def value(product: str) -> float:
    return PRODUCTS.get(product, 0.0)
