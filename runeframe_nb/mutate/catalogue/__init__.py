"""The catalogue of mutants, one module per part of the system; importing it registers them."""

from . import economy, faults  # noqa: F401
