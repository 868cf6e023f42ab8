"""The catalogue of mutants; importing it registers them.

A module per stack package a mutant targets:
api             the edge: REST contract (rest), GraphQL (graphql), live WebSocket (live)
distilera       simulations, coordinations, collaborations, users, the vault
hoardwell       messages lost, reordered, repeated
mercatrix       money, rewards, balances
jonar           scaling, status, alerts, events, load

and the families that reach every service:
identity        authentication and authorization
security        the holes the OWASP API Top 10 names
faults          faults the stack absorbs: run as controls
properties      one per class of property oracle: round trip, filters, pages, headers, ...
regressions     held out: committed before the property oracles, to measure them
"""

from . import (  # noqa: F401
    api,
    distilera,
    faults,
    hoardwell,
    identity,
    jonar,
    mercatrix,
    properties,
    regressions,
    security,
)
