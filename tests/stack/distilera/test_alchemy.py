"""Distilera's alchemy table agrees with the kit's documented copy on every reaction of
every set of elements: product, success and reward, so a notebook's expected result is the
service's, and a change to either side is seen."""

from __future__ import annotations

import itertools

from runeframe_nb import alchemy as documented
from runeframe_stack.distilera import alchemy


def every_set_of_elements() -> list[tuple[str, ...]]:
    return [
        chosen
        for size in range(1, len(alchemy.ELEMENTS) + 1)
        for chosen in itertools.combinations(alchemy.ELEMENTS, size)
    ]


def test_every_reaction_of_every_set_gives_the_documented_outcome() -> None:
    for elements in every_set_of_elements():
        for reaction in alchemy.REACTIONS:
            product = alchemy.react(elements, reaction)
            for target in alchemy.PRODUCTS:
                reward = alchemy.value(product) if product == target else 0.0
                served = documented.Outcome(product, product == target, reward)
                assert documented.predict(elements, reaction, target) == served, (
                    elements,
                    reaction,
                    target,
                )


def test_a_reaction_does_not_depend_on_the_order_of_its_elements() -> None:
    for elements in every_set_of_elements():
        for reaction in alchemy.REACTIONS:
            products = {
                alchemy.react(order, reaction) for order in itertools.permutations(elements)
            }
            assert len(products) == 1, (elements, reaction)


def test_only_inert_residue_is_worthless() -> None:
    assert alchemy.value(alchemy.INERT) == 0.0
    assert all(alchemy.value(p) > 0 for p in alchemy.PRODUCTS if p != alchemy.INERT)
