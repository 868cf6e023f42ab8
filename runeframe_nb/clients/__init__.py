"""Clients for every service, named and shaped as the seed's test code calls them; what
they return is in `runeframe_nb.models`."""

from .api import ApiClient
from .distilera import DistileraClient
from .graphql import GraphQLClient
from .hoardwell import HoardwellClient
from .jonar import JonarClient
from .mercatrix import MercatrixClient
from .websocket import connect_websocket, websocket_url

__all__ = [
    "ApiClient",
    "DistileraClient",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "MercatrixClient",
    "connect_websocket",
    "websocket_url",
]
