"""TODO: what this experiment measures, in one paragraph: the question, the method, the data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval


@dataclass(frozen=True)
class Config:
    samples: int = 100  # TODO: the knobs that change between quick, site and full, each with its reason
    seeds: int = 5  # the verdict's intervals rest on this many independent runs
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads, each an Estimate with its interval and sample size."""

    effect: Estimate  # TODO: where the claimed effect should appear
    control: Estimate  # TODO: the same measurement where the effect must be absent


@dataclass
class Result:
    evidence: Evidence
    per_seed: list[float]  # TODO: whatever else the page shows


def run(cfg: Config, progress: Progress = silent) -> Result:
    # Import torch / pennylane / snntorch here, inside the function, and derive every random number from
    # cfg.seed. TODO: replace this placeholder measurement with the experiment.
    per_seed = []
    for k in progress(range(cfg.seeds), "seeds"):
        rng = np.random.default_rng(cfg.seed + k)
        per_seed.append(float(rng.normal(size=cfg.samples).mean()))
    estimate = t_interval(per_seed, "t-interval over seeds")
    return Result(Evidence(effect=estimate, control=estimate), per_seed)
