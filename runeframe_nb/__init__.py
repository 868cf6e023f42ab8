"""runeframe_nb: the notebook API, what a RuneFrame notebook imports. The tools that run
notebooks (the `runeframe-nb` command, runner, reports, mutation testing) are
`runeframe_tools`, which imports this package, never the reverse.

A notebook starts with `env = rf.connect(profile, urls=urls)`, talks to the services
with the clients (`rf.ApiClient`, `rf.DistileraClient`, ...), records checks with
`rf.check(...)`, charts with `rf.charts`, and ends with `rf.leave_nothing_behind()` and
`rf.checks()`. What the clients return is in `rf.models`, what they raise in
`rf.errors`. The load engine is imported by name where a notebook drives load
(`from runeframe_nb import load`): it is the `load` command's engine as much as theirs.
"""

from . import (
    alchemy,
    charts,
    coverage,
    data,
    errors,
    fuzz,
    models,
    oracles,
    owasp,
    quality,
    tokens,
)
from ._version import __version__
from .clients import (
    ApiClient,
    DistileraClient,
    GraphQLClient,
    HoardwellClient,
    JonarClient,
    MercatrixClient,
    connect_websocket,
)
from .data import TestDataManager, hostile_text, reseed
from .environment import Environment, connect
from .recorder import check, checks, publish
from .residue import clean_up, leave_nothing_behind
from .results import Fact
from .stepwise import steps, ticking
from .timing import latency_budget, timings
from .waits import DELIVERY_WITHIN, eventually

__all__ = [
    "DELIVERY_WITHIN",
    "ApiClient",
    "DistileraClient",
    "Environment",
    "Fact",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "MercatrixClient",
    "TestDataManager",
    "__version__",
    "alchemy",
    "charts",
    "check",
    "checks",
    "clean_up",
    "connect",
    "connect_websocket",
    "coverage",
    "data",
    "errors",
    "eventually",
    "fuzz",
    "hostile_text",
    "latency_budget",
    "leave_nothing_behind",
    "models",
    "oracles",
    "owasp",
    "publish",
    "quality",
    "reseed",
    "steps",
    "ticking",
    "timings",
    "tokens",
]
