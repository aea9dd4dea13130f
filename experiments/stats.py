"""Small statistics shared by experiments: log-log slopes with bootstrap confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Slope:
    """The exponent b of y ∝ x^b, with a 95% bootstrap interval."""

    value: float
    lo: float
    hi: float


def loglog_slope(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def bootstrap_slope(x: list[float], samples: np.ndarray, n_boot: int, seed: int) -> Slope:
    """Slope of log(y) on log(x), where ``samples[i, r]`` is repeat r at x[i].

    Each bootstrap replicate draws, for every x, repeats with replacement and fits their mean; the
    interval is the 2.5th to 97.5th percentile of the replicate slopes.
    """
    x = np.asarray(x, dtype=float)
    samples = np.asarray(samples, dtype=float)
    rng = np.random.default_rng(seed)
    n, r = samples.shape
    idx = rng.integers(0, r, size=(n_boot, n, r))
    means = np.take_along_axis(samples[None, :, :].repeat(n_boot, 0), idx, axis=2).mean(axis=2)
    logx = np.log(x)
    xc = logx - logx.mean()
    slopes = (np.log(means) - np.log(means).mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    lo, hi = np.percentile(slopes, [2.5, 97.5])
    return Slope(loglog_slope(x, samples.mean(axis=1)), float(lo), float(hi))


def bootstrap_mean_ci(samples: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Mean of ``samples`` with a 95% percentile-bootstrap interval."""
    samples = np.asarray(samples, dtype=float)
    rng = np.random.default_rng(seed)
    boots = samples[rng.integers(0, len(samples), size=(n_boot, len(samples)))].mean(axis=1)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return float(samples.mean()), float(lo), float(hi)


@dataclass(frozen=True)
class VarianceSeries:
    """Sample variance of a quantity at each x, with 95% bootstrap intervals, and the decay rate of ln Var."""

    x: list[float]
    var: list[float]
    lo: list[float]
    hi: list[float]
    rate: Slope  # slope of ln Var against x, fitted where x >= tail_from
    tail_from: float


def variance_decay(
    x: list[float], draws: list[np.ndarray], tail_from: float, n_boot: int, seed: int
) -> VarianceSeries:
    """Bootstrap the draws at every x; fit ln Var = a + b·x on the tail (x ≥ tail_from) in every replicate.

    An exponential decay Var ∝ e^{b·x} has a constant b < 0; a power law has a tail slope that tends to 0.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=float)
    boots = np.empty((n_boot, len(x)))
    for i, d in enumerate(draws):
        d = np.asarray(d, dtype=float)
        boots[:, i] = d[rng.integers(0, len(d), size=(n_boot, len(d)))].var(axis=1, ddof=1)
    var = np.array([np.var(d, ddof=1) for d in draws])
    tail = x >= tail_from
    xt = x[tail] - x[tail].mean()
    logb = np.log(np.maximum(boots[:, tail], 1e-300))
    slopes = (logb - logb.mean(axis=1, keepdims=True)) @ xt / (xt @ xt)
    value = float(np.polyfit(x[tail], np.log(var[tail]), 1)[0])
    lo, hi = np.percentile(slopes, [2.5, 97.5])
    vlo, vhi = np.percentile(boots, [2.5, 97.5], axis=0)
    return VarianceSeries(
        x.tolist(),
        var.tolist(),
        vlo.tolist(),
        vhi.tolist(),
        Slope(value, float(lo), float(hi)),
        float(tail_from),
    )


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float, float]:
    """A proportion k/n with its 95% Wilson score interval."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, float(max(0.0, centre - half)), float(min(1.0, centre + half))
