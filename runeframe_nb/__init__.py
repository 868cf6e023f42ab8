"""runeframe_nb: the kit behind the RuneFrame notebooks.

A notebook starts with `env = connect(profile, urls=urls)`, talks to the services with
the clients (`ApiClient`, `DistileraClient`, ...), records checks with `check(...)`,
charts with `charts`, and ends with `checks()`.
"""

from . import charts
from .clients import (
    Alert,
    ApiClient,
    AuthResult,
    Balance,
    Collaboration,
    Contribution,
    Coordination,
    DistileraClient,
    Entity,
    GraphQLClient,
    HoardwellClient,
    JonarClient,
    LedgerSummary,
    Listing,
    MarketItem,
    MercatrixClient,
    Message,
    Page,
    Resource,
    Simulation,
    Token,
    Transaction,
    User,
    VaultEntry,
    connect_websocket,
    id_of,
    websocket_url,
)
from .environment import Environment, active, connect
from .errors import (
    ApiError,
    ClientError,
    EnvironmentUnreachable,
    KitError,
    ProfileError,
    RunError,
    StackStartError,
)
from .profiles import Profile, load_profile
from .recorder import Check, Recorder, check, checks
from .timing import timings

__version__ = "0.1.0"

__all__ = [
    "Alert",
    "ApiClient",
    "ApiError",
    "AuthResult",
    "Balance",
    "Check",
    "ClientError",
    "Collaboration",
    "Contribution",
    "Coordination",
    "DistileraClient",
    "Entity",
    "Environment",
    "EnvironmentUnreachable",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "KitError",
    "LedgerSummary",
    "Listing",
    "MarketItem",
    "MercatrixClient",
    "Message",
    "Page",
    "Profile",
    "ProfileError",
    "Recorder",
    "Resource",
    "RunError",
    "Simulation",
    "StackStartError",
    "Token",
    "Transaction",
    "User",
    "VaultEntry",
    "active",
    "charts",
    "check",
    "checks",
    "connect",
    "connect_websocket",
    "id_of",
    "load_profile",
    "timings",
    "websocket_url",
]
