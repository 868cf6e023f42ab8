"""Mutants of the edge (runeframe_stack.api): its REST contract, its GraphQL, its live
WebSocket and the stream behind it; importing it registers them."""

from . import graphql, live, rest  # noqa: F401
