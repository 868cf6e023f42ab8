"""The requirements of the seed's quality checklist, named so a check can say which it serves.

`rf.check(name, condition, covers="error-scenarios")` ties a check to an item; the
checklist ticks an item from the checks that cover it, never from words in their names.
"""

from __future__ import annotations

from collections.abc import Iterable

REQUIREMENTS = {
    "component-interactions": "All component interactions tested",
    "api-endpoints": "All API endpoints tested",
    "user-workflows": "All user workflows tested",
    "performance": "Performance requirements verified",
    "security": "Security requirements verified",
    "error-scenarios": "Error scenarios tested",
    "data-consistency": "Data consistency verified",
    "environment-isolated": "Test environment isolated",
    "test-data-managed": "Test data properly managed",
    "results-documented": "Test results documented",
}


def requirement_ids(covers: str | Iterable[str]) -> tuple[str, ...]:
    """`covers` as a tuple of known requirement ids; an unknown one is an error, at once."""
    ids = (covers,) if isinstance(covers, str) else tuple(covers)
    unknown = [i for i in ids if i not in REQUIREMENTS]
    if unknown:
        raise ValueError(f"unknown requirement {unknown[0]!r}; one of {', '.join(REQUIREMENTS)}")
    return ids
