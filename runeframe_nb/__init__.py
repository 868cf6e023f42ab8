"""runeframe_nb: the kit behind the RuneFrame notebooks.

A notebook starts with `env = connect(profile, urls=urls)`, talks to the services with
the clients (`ApiClient`, `DistileraClient`, ...), records checks with `check(...)`,
charts with `charts`, and ends with `checks()`.
"""

from . import charts
from .clients import ApiClient, DistileraClient, Entity, Page, Resource, Token, User, id_of
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
    "ApiClient",
    "ApiError",
    "Check",
    "ClientError",
    "DistileraClient",
    "Entity",
    "Environment",
    "EnvironmentUnreachable",
    "KitError",
    "Page",
    "Profile",
    "ProfileError",
    "Recorder",
    "Resource",
    "RunError",
    "StackStartError",
    "Token",
    "User",
    "active",
    "charts",
    "check",
    "checks",
    "connect",
    "id_of",
    "load_profile",
    "timings",
]
