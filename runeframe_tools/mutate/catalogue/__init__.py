"""The catalogue of mutants, one module per part of the system; importing it registers them.

edge            the public REST contract: statuses, envelope, pagination, rate limits
identity        authentication and authorization
economy         Mercatrix: money, rewards, balances
messages        Hoardwell: messages lost, reordered, repeated
infrastructure  Jonar: scaling, status, alerts, events, load
simulations     Distilera: outcomes, states, users, the vault
graphql         the edge's GraphQL
websocket       the live WebSocket and the stream behind it
security        the holes the OWASP API Top 10 names
faults          faults the stack absorbs: run as controls
properties      one per class of property oracle: round trip, filters, pages, headers, ...
regressions     held out: committed before the property oracles, to measure them
"""

from . import (  # noqa: F401
    economy,
    edge,
    faults,
    graphql,
    identity,
    infrastructure,
    messages,
    properties,
    regressions,
    security,
    simulations,
    websocket,
)
