"""Test data: hostile text of every kind, from a seed alone."""

from __future__ import annotations

from runeframe_nb.data import HOSTILE, hostile_text


def test_hostile_text_holds_every_kind_and_depends_on_the_seed_alone() -> None:
    text = hostile_text(7, length=200)
    assert all(any(piece in text for piece in kind) for kind in HOSTILE.values())
    assert hostile_text(7, length=200) == text != hostile_text(8, length=200)
    assert len(hostile_text(7, length=20, prefix="x")) <= 20
