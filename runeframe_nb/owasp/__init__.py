"""The OWASP API Security Top 10 (2023), probed against every service where it applies.

Each probe is a real attack over real sockets, with raw requests: user A against user B's
data, forged and stale tokens, mass assignment, oversized pages and bodies, admin
functions as a user, replayed rewards, a URL the services must never fetch, error bodies
and headers, routes missing from the documents, malformed data passed between services.
A probe passes when the stack refuses, or behaves safely, in the way its detail says.

Each family of risks is a module whose probes register themselves (`cases.case`); a new
probe is a decorated function in the module of its item, nothing else.
"""

from . import authentication, authorization, configuration, consumption, forgery, upstream
from .attack import probe
from .cases import CASES, ITEMS, Case

__all__ = ["CASES", "FAMILIES", "ITEMS", "Case", "probe"]

# the risk families; importing one registers its probes
FAMILIES = (authentication, authorization, configuration, consumption, forgery, upstream)
