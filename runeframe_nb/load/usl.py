"""Gunther's Universal Scalability Law, fitted to a load sweep.

    X(N) = lambda * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))

lambda is the throughput of one user, sigma the contention (queueing on a shared
resource), kappa the coherency cost (work that grows with every pair of users). The fit
is the usual linearisation, N / X(N) = (1 + sigma (N-1) + kappa N (N-1)) / lambda, solved
by non-negative least squares (scipy), so it needs no starting guess and cannot diverge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import LoadError

LINEAR_WITHIN = 0.8  # the seed: throughput at least 80% of linear scaling


@dataclass(frozen=True)
class Usl:
    lam: float  # requests per second of a single user
    sigma: float
    kappa: float

    def throughput(self, users: float | np.ndarray) -> float | np.ndarray:
        n = np.asarray(users, dtype=float)
        x = self.lam * n / (1 + self.sigma * (n - 1) + self.kappa * n * (n - 1))
        return float(x) if x.ndim == 0 else x

    @property
    def peak_users(self) -> float:
        """Where throughput stops growing (infinite without coherency cost)."""
        if self.kappa <= 0:
            return math.inf
        return math.sqrt(max(1 - self.sigma, 0.0) / self.kappa)

    @property
    def peak_throughput(self) -> float:
        if math.isinf(self.peak_users):
            return self.lam / self.sigma if self.sigma > 0 else math.inf
        return float(self.throughput(self.peak_users))

    @property
    def knee_users(self) -> float:
        """Where throughput falls below 80% of linear scaling (the seed's bound):
        the N solving 1 + sigma (N-1) + kappa N (N-1) = 1 / 0.8."""
        excess = 1 / LINEAR_WITHIN - 1
        a, b, c = self.kappa, self.sigma - self.kappa, -(self.sigma + excess)
        if a <= 0:
            return 1 + excess / self.sigma if self.sigma > 0 else math.inf
        return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)

    def r_squared(self, users: Sequence[float], throughput: Sequence[float]) -> float:
        """How much of the measured throughput's variation the curve explains."""
        x = np.asarray(throughput, dtype=float)
        residual = ((x - self.throughput(np.asarray(users, dtype=float))) ** 2).sum()
        spread = ((x - x.mean()) ** 2).sum()
        return float(1 - residual / spread) if spread > 0 else 1.0

    def summary(self, users: Sequence[float], throughput: Sequence[float]) -> dict[str, object]:
        """The fit in a table's row; knee and peak are "none" when out of reach: beyond
        a hundred times the largest level measured (a sweep that scaled perfectly has
        neither, and a fit's rounding noise must not invent one)."""
        reach = 100 * max(users)

        def bounded(value: float, limit: float = reach) -> object:
            return round(value) if math.isfinite(value) and value <= limit else "none"

        return {
            "lambda_rps_per_user": round(self.lam, 2),
            "sigma_contention": round(self.sigma, 6),
            "kappa_coherency": round(self.kappa, 8),
            "knee_users": bounded(self.knee_users),
            "peak_users": bounded(self.peak_users),
            "peak_rps": bounded(self.peak_throughput, self.lam * reach),
            "r_squared": round(self.r_squared(users, throughput), 4),
        }


def fit(users: Sequence[float], throughput: Sequence[float]) -> Usl:
    """Fit the law to measured (users, requests per second) points; at least three."""
    from scipy.optimize import nnls  # imported when a fit is asked for: it is heavy

    n = np.asarray(users, dtype=float)
    x = np.asarray(throughput, dtype=float)
    if len(n) < 3 or len(n) != len(x) or (n < 1).any() or (x <= 0).any():
        raise LoadError("a USL fit needs three or more levels with positive throughput")
    design = np.column_stack([np.ones_like(n), n - 1, n * (n - 1)])
    (a, b, c), _ = nnls(design, n / x)
    if a <= 0:
        raise LoadError("the sweep's throughput does not fit a scalability curve")
    return Usl(lam=float(1 / a), sigma=float(b / a), kappa=float(c / a))
