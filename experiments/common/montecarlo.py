"""Uncertainty carried through arithmetic on cited numbers: Monte Carlo over the cited ranges.

A cited range ``(low, high)`` is read as "somewhere in this range", drawn uniformly, or log-uniformly for
quantities that span orders of magnitude; a point ``(x, x)`` stays fixed. The result is the median of the
draws with their central 95% range. This says how far the conclusion moves across the cited ranges, not a
probability the sources gave.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import numpy as np

from experiments.common.stats import LEVEL, Estimate

Ranges = Mapping[str, tuple[float, float]]
# draws per profile for the sourced claims: at 2,000 the 95% range's ends move by about a percent between seeds,
# enough for tests; the published pages use ten times more, a GPU run a hundred
DRAWS = {"quick": 2_000, "site": 20_000, "full": 200_000}


def draw(inputs: Ranges, samples: int, seed: int, log: Collection[str] = ()) -> dict[str, np.ndarray]:
    """``samples`` draws of every input: uniform within its range, log-uniform for the names in ``log``."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, (low, high) in sorted(inputs.items()):
        if name in log:
            out[name] = np.exp(rng.uniform(np.log(low), np.log(high), samples))
        else:
            out[name] = rng.uniform(low, high, samples)
    return out


def propagate(
    fn: Callable[[Mapping[str, np.ndarray]], np.ndarray],
    inputs: Ranges,
    samples: int,
    seed: int,
    log: Collection[str] = (),
) -> Estimate:
    """``fn`` (vectorised over draws) evaluated across the cited ranges: median and central 95% range."""
    values = np.asarray(fn(draw(inputs, samples, seed, log)), dtype=float)
    lo, mid, hi = np.percentile(values, [50 * (1 - LEVEL), 50, 50 * (1 + LEVEL)])
    return Estimate(float(mid), float(lo), float(hi), "Monte Carlo over the cited ranges", samples)
