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
