"""TODO: the arithmetic on the cited inputs, in one paragraph."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.common.montecarlo import Ranges, propagate
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate


@dataclass(frozen=True)
class Config:
    samples: int = 10_000  # Monte Carlo draws over the cited ranges
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    effect: Estimate  # TODO: the quantity the claim is about, carried through from the cited ranges
    control: Estimate  # TODO: the same quantity where the claim must fail
    unverified: tuple[str, ...] = ()  # inputs not checked against their source; see kanguri.inputs_checked


@dataclass
class Result:
    evidence: Evidence


def run(
    cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset(), progress: Progress = silent
) -> Result:
    # ``inputs`` holds every cited value of claims/<id>.sources.yml as a (low, high) pair (a date as its day
    # number); ``unverified`` names those that could not be checked. TODO: the arithmetic.
    effect = propagate(lambda x: x["todo_input"], inputs, cfg.samples, cfg.seed)
    control = propagate(lambda x: 0 * x["todo_input"], inputs, cfg.samples, cfg.seed)  # TODO: a real control
    return Result(Evidence(effect=effect, control=control, unverified=tuple(sorted(unverified))))
