"""runeframe_nb: the notebook API, what a RuneFrame notebook imports. The tools that run
notebooks (the `runeframe-nb` command, runner, reports, mutation testing) are
`runeframe_tools`, which imports this package, never the reverse.

A notebook starts with `env = connect(profile, urls=urls)`, talks to the services with
the clients (`ApiClient`, `DistileraClient`, ...), records checks with `check(...)`,
charts with `charts`, and ends with `checks()`.

Names are imported when first used, so `import runeframe_nb.errors`, a load worker or
the fault proxy does not pay for pandas and plotly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names

if TYPE_CHECKING:
    from . import alchemy, charts, coverage, data, fuzz, load, oracles, owasp, quality, tokens
    from .clients import (
        Alert,
        ApiClient,
        AuthResult,
        Balance,
        Collaboration,
        ComponentMetrics,
        Contribution,
        Coordination,
        Deployment,
        DistileraClient,
        Entity,
        Event,
        GraphQLClient,
        HoardwellClient,
        JonarClient,
        LedgerSummary,
        Listing,
        LoadReport,
        MarketItem,
        MercatrixClient,
        Message,
        Page,
        Replica,
        Resource,
        Simulation,
        SystemMetrics,
        Token,
        Transaction,
        User,
        VaultEntry,
        connect_websocket,
        id_of,
        websocket_url,
    )
    from .data import (
        TestDataManager,
        bounded,
        hostile_text,
        reseed,
    )
    from .environment import (
        Environment,
        active,
        connect,
    )
    from .errors import (
        ApiError,
        CheckFailed,
        CheckMisused,
        ClientError,
        EnvironmentUnreachable,
        KitError,
        ProfileError,
        RunError,
        StackStartError,
    )
    from .profiles import (
        Profile,
        load_profile,
    )
    from .recorder import (
        Recorder,
        check,
        checks,
        publish,
    )
    from .residue import clean_up, leave_nothing_behind
    from .results import Check, Fact, RunRecord
    from .stepwise import steps, ticking
    from .timing import (
        latency_budget,
        timings,
    )
    from .waits import DELIVERY_WITHIN, eventually

_SUBMODULES = frozenset(
    {
        "alchemy",
        "charts",
        "coverage",
        "data",
        "fuzz",
        "load",
        "oracles",
        "owasp",
        "quality",
        "tokens",
    }
)
# the module each public name lives in (a submodule is its own)
_WHERE = {
    "__version__": "._version",
    "Alert": ".clients",
    "alchemy": ".alchemy",
    "ApiClient": ".clients",
    "ApiError": ".errors",
    "AuthResult": ".clients",
    "Balance": ".clients",
    "Check": ".results",
    "CheckFailed": ".errors",
    "CheckMisused": ".errors",
    "ClientError": ".errors",
    "Collaboration": ".clients",
    "ComponentMetrics": ".clients",
    "Contribution": ".clients",
    "Coordination": ".clients",
    "Deployment": ".clients",
    "DistileraClient": ".clients",
    "Entity": ".clients",
    "Environment": ".environment",
    "EnvironmentUnreachable": ".errors",
    "Event": ".clients",
    "Fact": ".results",
    "GraphQLClient": ".clients",
    "HoardwellClient": ".clients",
    "JonarClient": ".clients",
    "KitError": ".errors",
    "LedgerSummary": ".clients",
    "Listing": ".clients",
    "LoadReport": ".clients",
    "MarketItem": ".clients",
    "MercatrixClient": ".clients",
    "Message": ".clients",
    "Page": ".clients",
    "Profile": ".profiles",
    "ProfileError": ".errors",
    "Recorder": ".recorder",
    "Replica": ".clients",
    "Resource": ".clients",
    "RunError": ".errors",
    "RunRecord": ".results",
    "Simulation": ".clients",
    "StackStartError": ".errors",
    "SystemMetrics": ".clients",
    "TestDataManager": ".data",
    "Token": ".clients",
    "Transaction": ".clients",
    "User": ".clients",
    "VaultEntry": ".clients",
    "active": ".environment",
    "bounded": ".data",
    "charts": ".charts",
    "check": ".recorder",
    "checks": ".recorder",
    "clean_up": ".residue",
    "connect": ".environment",
    "connect_websocket": ".clients",
    "coverage": ".coverage",
    "data": ".data",
    "eventually": ".waits",
    "DELIVERY_WITHIN": ".waits",
    "fuzz": ".fuzz",
    "hostile_text": ".data",
    "id_of": ".clients",
    "latency_budget": ".timing",
    "leave_nothing_behind": ".residue",
    "load": ".load",
    "load_profile": ".profiles",
    "oracles": ".oracles",
    "owasp": ".owasp",
    "publish": ".recorder",
    "quality": ".quality",
    "reseed": ".data",
    "steps": ".stepwise",
    "ticking": ".stepwise",
    "timings": ".timing",
    "tokens": ".tokens",
    "websocket_url": ".clients",
}


__getattr__ = lazy_names(__name__, _WHERE, _SUBMODULES)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


__all__ = [
    "DELIVERY_WITHIN",
    "Alert",
    "ApiClient",
    "ApiError",
    "AuthResult",
    "Balance",
    "Check",
    "CheckFailed",
    "CheckMisused",
    "ClientError",
    "Collaboration",
    "ComponentMetrics",
    "Contribution",
    "Coordination",
    "Deployment",
    "DistileraClient",
    "Entity",
    "Environment",
    "EnvironmentUnreachable",
    "Event",
    "Fact",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "KitError",
    "LedgerSummary",
    "Listing",
    "LoadReport",
    "MarketItem",
    "MercatrixClient",
    "Message",
    "Page",
    "Profile",
    "ProfileError",
    "Recorder",
    "Replica",
    "Resource",
    "RunError",
    "RunRecord",
    "Simulation",
    "StackStartError",
    "SystemMetrics",
    "TestDataManager",
    "Token",
    "Transaction",
    "User",
    "VaultEntry",
    "active",
    "alchemy",
    "bounded",
    "charts",
    "check",
    "checks",
    "clean_up",
    "connect",
    "connect_websocket",
    "coverage",
    "data",
    "eventually",
    "fuzz",
    "hostile_text",
    "id_of",
    "latency_budget",
    "leave_nothing_behind",
    "load",
    "load_profile",
    "oracles",
    "owasp",
    "publish",
    "quality",
    "reseed",
    "steps",
    "ticking",
    "timings",
    "tokens",
    "websocket_url",
]
