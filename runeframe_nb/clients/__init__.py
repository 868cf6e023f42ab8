"""Clients for every service, named and shaped as the seed's test code calls them."""

from .api import ApiClient
from .distilera import DistileraClient
from .models import Entity, Page, Resource, Token, User, id_of

__all__ = [
    "ApiClient",
    "DistileraClient",
    "Entity",
    "Page",
    "Resource",
    "Token",
    "User",
    "id_of",
]
