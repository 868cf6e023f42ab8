"""Clients for every service, named and shaped as the seed's test code calls them."""

from .api import ApiClient
from .distilera import DistileraClient
from .graphql import GraphQLClient
from .hoardwell import HoardwellClient
from .jonar import JonarClient
from .mercatrix import MercatrixClient
from .models import (
    Alert,
    AuthResult,
    Balance,
    Collaboration,
    Contribution,
    Coordination,
    Entity,
    LedgerSummary,
    Listing,
    MarketItem,
    Message,
    Page,
    Resource,
    Simulation,
    Token,
    Transaction,
    User,
    VaultEntry,
    id_of,
)
from .websocket import connect_websocket, websocket_url

__all__ = [
    "Alert",
    "ApiClient",
    "AuthResult",
    "Balance",
    "Collaboration",
    "Contribution",
    "Coordination",
    "DistileraClient",
    "Entity",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "LedgerSummary",
    "Listing",
    "MarketItem",
    "MercatrixClient",
    "Message",
    "Page",
    "Resource",
    "Simulation",
    "Token",
    "Transaction",
    "User",
    "VaultEntry",
    "connect_websocket",
    "id_of",
    "websocket_url",
]
