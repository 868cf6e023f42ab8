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
    ComponentMetrics,
    Contribution,
    Coordination,
    Deployment,
    Entity,
    Event,
    LedgerSummary,
    Listing,
    LoadReport,
    MarketItem,
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
    id_of,
)
from .websocket import connect_websocket, websocket_url

__all__ = [
    "Alert",
    "ApiClient",
    "AuthResult",
    "Balance",
    "Collaboration",
    "ComponentMetrics",
    "Contribution",
    "Coordination",
    "Deployment",
    "DistileraClient",
    "Entity",
    "Event",
    "GraphQLClient",
    "HoardwellClient",
    "JonarClient",
    "LedgerSummary",
    "Listing",
    "LoadReport",
    "MarketItem",
    "MercatrixClient",
    "Message",
    "Page",
    "Replica",
    "Resource",
    "Simulation",
    "SystemMetrics",
    "Token",
    "Transaction",
    "User",
    "VaultEntry",
    "connect_websocket",
    "id_of",
    "websocket_url",
]
