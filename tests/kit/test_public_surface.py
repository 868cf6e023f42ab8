"""The package's public surface: everything notebooks import is re-exported, and sorted."""

from __future__ import annotations

import runeframe_nb
from runeframe_nb import clients


def test_the_top_level_re_exports_every_client_and_model() -> None:
    assert set(clients.__all__) <= set(runeframe_nb.__all__)


def test_every_exported_name_exists() -> None:
    missing = [name for name in runeframe_nb.__all__ if not hasattr(runeframe_nb, name)]
    assert missing == []


def test_the_export_lists_are_sorted() -> None:
    for module in (runeframe_nb, clients):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (n[0].islower(), n)), module.__name__
