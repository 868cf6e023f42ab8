"""The Kubernetes HPA rule, with its tolerance, bounds and scale-down stabilization.

    desired = ceil(current x observed / target)

No change while observed/target is within the tolerance of 1. Scaling up is immediate;
scaling down goes only to the highest recommendation of the stabilization window, so a
short lull does not shed replicas that the next burst needs.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from ..core.settings import Autoscaling


@dataclass(frozen=True)
class Decision:
    current: int
    desired: int
    observed: float
    target: float
    reason: str

    @property
    def kind(self) -> str | None:
        if self.desired > self.current:
            return "scale_up"
        if self.desired < self.current:
            return "scale_down"
        return None


def recommend(current: int, observed: float, policy: Autoscaling) -> int:
    """The HPA's raw recommendation for `current` replicas at `observed` per replica."""
    ratio = observed / policy.target_rps_per_replica
    if current > 0 and abs(ratio - 1.0) <= policy.tolerance:
        return current
    desired = math.ceil(current * ratio) if current > 0 else math.ceil(ratio)
    return max(policy.min_replicas, min(policy.max_replicas, desired))


@dataclass
class Stabilizer:
    """Remembers recent recommendations; scale-down takes the window's highest."""

    policy: Autoscaling
    history: deque[tuple[float, int]] = field(default_factory=deque)

    def decide(self, now: float, current: int, observed: float) -> Decision:
        raw = recommend(current, observed, self.policy)
        self.history.append((now, raw))
        while self.history and now - self.history[0][0] > self.policy.stabilization_seconds:
            self.history.popleft()
        desired = raw if raw >= current else min(current, max(r for _, r in self.history))
        target = self.policy.target_rps_per_replica
        reason = (
            f"{observed:.1f} req/s per replica against a target of {target:.1f}: "
            f"ceil({current} x {observed:.1f} / {target:.1f}) = {raw}"
        )
        if raw < current and desired == current:
            reason += (
                f", held by the {self.policy.stabilization_seconds:.0f} s stabilization window"
            )
        return Decision(current, desired, observed, target, reason)
