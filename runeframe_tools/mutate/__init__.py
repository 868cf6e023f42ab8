"""`runeframe-nb mutate`: realistic regressions injected between the kit and the services,
and the share the suite catches (run.py). Kept light: the fault proxy imports this package."""

from runeframe_nb.errors import MutateError

from .mutants import CATALOGUE, Mutant, find, frame_mutant, mutant, registered

__all__ = ["CATALOGUE", "Mutant", "MutateError", "find", "frame_mutant", "mutant", "registered"]
