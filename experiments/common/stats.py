"""Statistics shared by experiments. Every estimate is an :class:`Estimate`: a value, its 95% interval, how
the interval was obtained and how many independent samples it rests on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95  # every interval in Kanguri is a 95% interval


@dataclass(frozen=True)
class Estimate:
    """A number with its 95% interval ``[lo, hi]``, the method behind the interval and the sample size."""

    value: float
    lo: float
    hi: float
    method: str  # e.g. "t-interval over seeds", "bootstrap over circuits", "exact count"
    n: int  # independent samples (seeds, circuits, repeats) the interval rests on

    def __post_init__(self) -> None:
        # NaN or infinity would reach the record as null and the page as "nan": a failed measurement, said so
        for name in ("value", "lo", "hi"):
            x = getattr(self, name)
            if not math.isfinite(x):
                raise ValueError(f"Estimate ({self.method}, n={self.n}): {name} is {x}, not a finite number")


def exact(value: float, n: int = 1, method: str = "counted exactly") -> Estimate:
    """A counted quantity: no sampling error, so the interval is the value itself."""
    return Estimate(float(value), float(value), float(value), method, n)


def t_interval(samples: Sequence[float], method: str = "t-interval") -> Estimate:
    """Mean with a Student-t 95% interval over independent samples (seeds, groups)."""
    a = np.asarray(samples, dtype=float)
    half = stats.t.ppf(0.5 + LEVEL / 2, len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a)) if len(a) > 1 else 0.0
    return Estimate(float(a.mean()), float(a.mean() - half), float(a.mean() + half), method, len(a))


def percentile_interval(value: float, boots: np.ndarray, method: str, n: int) -> Estimate:
    lo, hi = np.percentile(boots, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return Estimate(float(value), float(lo), float(hi), method, n)


def loglog_slope(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def bootstrap_slope(x: Sequence[float], samples: np.ndarray, n_boot: int, seed: int) -> Estimate:
    """Exponent b of y ∝ x^b, where ``samples[i, r]`` is repeat r at x[i].

    Each bootstrap replicate draws, for every x, repeats with replacement and fits their mean.
    """
    xs = np.asarray(x, dtype=float)
    samples = np.asarray(samples, dtype=float)
    rng = np.random.default_rng(seed)
    n, r = samples.shape
    idx = rng.integers(0, r, size=(n_boot, n, r))
    means = np.take_along_axis(samples[None, :, :].repeat(n_boot, 0), idx, axis=2).mean(axis=2)
    logx = np.log(xs)
    xc = logx - logx.mean()
    slopes = (np.log(means) - np.log(means).mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    return percentile_interval(loglog_slope(xs, samples.mean(axis=1)), slopes, "bootstrap over repeats", r)


def bootstrap_mean(samples: Sequence[float], n_boot: int, seed: int) -> Estimate:
    """Mean with a 95% percentile-bootstrap interval."""
    a = np.asarray(samples, dtype=float)
    rng = np.random.default_rng(seed)
    boots = a[rng.integers(0, len(a), size=(n_boot, len(a)))].mean(axis=1)
    return percentile_interval(float(a.mean()), boots, "bootstrap over samples", len(a))


def _fit_slopes(u: np.ndarray, logv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares slope and residual sum of squares of each row of ``logv`` against ``u``."""
    uc = u - u.mean()
    centred = logv - logv.mean(axis=-1, keepdims=True)
    slope = centred @ uc / (uc @ uc)
    sse = ((centred - slope[..., None] * uc) ** 2).sum(axis=-1)
    return slope, sse


@dataclass(frozen=True)
class DecaySeries:
    """Sample variance of a quantity against x, with 95% bootstrap intervals, and how it decays.

    Two models with two parameters each are fitted to ln Var: exponential (ln Var linear in x) and power law
    (ln Var linear in ln x). ``exp_share`` is the share of bootstrap replicates in which the exponential model
    fits better (equal parameter counts, so AIC and BIC order the models as the residuals do).
    """

    x: list[float]
    var: list[float]
    lo: list[float]
    hi: list[float]
    rate: Estimate  # slope of ln Var against x (exponential model)
    power: Estimate  # slope of ln Var against ln x (power-law model)
    exp_share: float  # share of replicates where the exponential model fits better
    fit_from: float  # the models are fitted where x ≥ fit_from
    samples: int  # draws per x


def variance_decay(
    x: Sequence[float], draws: Sequence[np.ndarray], fit_from: float, n_boot: int, seed: int
) -> DecaySeries:
    """Bootstrap the draws at every x; in every replicate fit both decay models where x ≥ fit_from."""
    rng = np.random.default_rng(seed)
    xs = np.asarray(x, dtype=float)
    boots = np.empty((n_boot, len(xs)))
    for i, d in enumerate(draws):
        d = np.asarray(d, dtype=float)
        boots[:, i] = d[rng.integers(0, len(d), size=(n_boot, len(d)))].var(axis=1, ddof=1)
    var = np.array([np.var(d, ddof=1) for d in draws])
    window = xs >= fit_from
    logb = np.log(np.maximum(boots[:, window], 1e-300))
    logv = np.log(np.maximum(var[window], 1e-300))
    rate_b, sse_exp = _fit_slopes(xs[window], logb)
    power_b, sse_pow = _fit_slopes(np.log(xs[window]), logb)
    samples = min(len(d) for d in draws)
    method = "bootstrap over draws"
    vlo, vhi = np.percentile(boots, [50 * (1 - LEVEL), 50 * (1 + LEVEL)], axis=0)
    return DecaySeries(
        x=xs.tolist(),
        var=var.tolist(),
        lo=vlo.tolist(),
        hi=vhi.tolist(),
        rate=percentile_interval(float(_fit_slopes(xs[window], logv)[0]), rate_b, method, samples),
        power=percentile_interval(float(_fit_slopes(np.log(xs[window]), logv)[0]), power_b, method, samples),
        exp_share=float(np.mean(sse_exp < sse_pow)),
        fit_from=float(fit_from),
        samples=samples,
    )


def variance_ratio(a: np.ndarray, b: np.ndarray, n_boot: int, seed: int) -> Estimate:
    """Var(a) ÷ Var(b) with a 95% bootstrap interval, each sample resampled on its own."""
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    va = a[rng.integers(0, len(a), size=(n_boot, len(a)))].var(axis=1, ddof=1)
    vb = b[rng.integers(0, len(b), size=(n_boot, len(b)))].var(axis=1, ddof=1)
    value = float(np.var(a, ddof=1) / np.var(b, ddof=1))
    return percentile_interval(value, va / vb, "bootstrap over draws", min(len(a), len(b)))


def wilson(k: int, n: int, z: float = 1.96) -> Estimate:
    """A proportion k/n with its 95% Wilson score interval."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, float(max(0.0, centre - half)), float(min(1.0, centre + half)), "Wilson score", n)
