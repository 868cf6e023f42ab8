"""Deployments and their replicas: rolled out, healed, scaled and autoscaled.

Creating, scaling and deleting a deployment are accepted at once and carried out in the
background, as Kubernetes does: each request raises the deployment's `generation`, and
`observed_generation` reaches it when Jonar has done what was asked (or given up, with
the reason). A rollout is done when every new replica answers /healthz; one that cannot
get there (a release that does not exist, a crashing replica, no free port) is torn down
when its deadline passes, or as soon as a replica has crashed three times, and reported
with the reason its replicas gave. Deleting stops a rollout under way. The replicas
asked for across all deployments are held to a quota. A health loop probes every
replica, restarts one that died or stopped answering, scrapes its metrics and lets the
autoscaler decide.

model (the deployment), store (its row), rollout (replicas started and awaited), health
(replicas cared for), controller (changes carried out), routes (the HTTP surface).
"""

from .controller import Controller
from .model import DEPLOYABLE, Deployment, RolloutFailed, RolloutStopped
from .routes import DeploymentRoutes
from .store import MIGRATIONS

__all__ = [
    "DEPLOYABLE",
    "MIGRATIONS",
    "Controller",
    "Deployment",
    "DeploymentRoutes",
    "RolloutFailed",
    "RolloutStopped",
]
