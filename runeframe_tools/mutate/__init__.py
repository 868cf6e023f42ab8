"""`runeframe-nb mutate`: realistic regressions injected between the kit and the services,
and the share the suite catches (run.py). Kept light: the fault proxy imports this package
and the catalogue, and none of the kit (a proxy starts for every trial and probe)."""

from .mutants import CATALOGUE, Mutant, find, frame_mutant, mutant, registered

__all__ = ["CATALOGUE", "Mutant", "find", "frame_mutant", "mutant", "registered"]
