"""The Universal Scalability Law fit recovers known coefficients and finds peak and knee."""

from __future__ import annotations

import math

import pytest

from runeframe_nb.load import LoadError, usl


def test_the_fit_recovers_the_coefficients_of_a_known_curve() -> None:
    truth = usl.Usl(lam=50.0, sigma=0.02, kappa=0.0004)
    levels = [1, 10, 50, 100, 200, 500]
    fitted = usl.fit(levels, [truth.throughput(n) for n in levels])
    assert fitted.lam == pytest.approx(50.0, rel=1e-6)
    assert fitted.sigma == pytest.approx(0.02, rel=1e-6)
    assert fitted.kappa == pytest.approx(0.0004, rel=1e-6)
    assert fitted.peak_users == pytest.approx(math.sqrt(0.98 / 0.0004))


def test_the_knee_is_where_throughput_falls_to_80_percent_of_linear() -> None:
    model = usl.Usl(lam=10.0, sigma=0.01, kappa=0.0001)
    knee = model.knee_users
    assert model.throughput(knee) == pytest.approx(0.8 * 10.0 * knee)
    assert model.throughput(knee / 2) > 0.8 * 10.0 * knee / 2


def test_linear_scaling_puts_knee_and_peak_out_of_reach() -> None:
    levels = [10, 50, 100, 200]
    fitted = usl.fit(levels, [20.0 * n for n in levels])
    assert fitted.sigma == pytest.approx(0, abs=1e-9)
    assert fitted.kappa == pytest.approx(0, abs=1e-12)
    assert fitted.knee_users > 1e9 and fitted.peak_users > 1e9  # far beyond any sweep


def test_a_saturated_sweep_has_contention_but_never_negative_coefficients() -> None:
    fitted = usl.fit([10, 50, 100, 200, 500], [1000, 4000, 5200, 5400, 5300])
    assert fitted.sigma > 0 and fitted.kappa >= 0
    assert 10 < fitted.knee_users < 100


def test_too_few_levels_is_a_clear_error() -> None:
    with pytest.raises(LoadError, match="three or more levels"):
        usl.fit([10, 50], [100, 400])


def test_a_perfectly_linear_sweep_summarises_with_no_knee_and_no_peak() -> None:
    users = [10, 50, 100, 200, 500]
    model = usl.fit(users, [13.0 * n for n in users])  # no contention, no coherency cost
    row = model.summary(users, [13.0 * n for n in users])
    assert (row["knee_users"], row["peak_users"], row["peak_rps"]) == ("none", "none", "none")
    assert row["r_squared"] == 1.0
