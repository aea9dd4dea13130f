"""How far below a GPU is the brain's 20 W, in total and per operation? Arithmetic on cited inputs, with Monte
Carlo over their ranges.

Per operation, a synaptic event (one spike arriving at one synapse) is set beside one floating-point operation.
Synaptic events per second are synapses × mean firing rate; the rate is drawn log-uniformly between the lowest
and highest cited estimates, which span two orders of magnitude. The accelerator's joules per FLOP are its
power over its peak throughput at one precision. How the answer moves when one synaptic event is counted as k
FLOPs is reported for each k in ``flops_per_event``: that choice is ours, not a cited number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np

from experiments.common.montecarlo import Ranges, propagate
from experiments.common.stats import Estimate

# accelerator → (power input, peak FLOP/s input); El Capitan's efficiency is given directly in FLOP/s per watt
ACCELERATORS = {
    "el_capitan_fp64": ("elcap_watt", "elcap_flops_per_watt"),
    "h100_bf16_dense": ("h100_power", "h100_bf16"),
    "h100_fp8_sparse": ("h100_power", "h100_fp8_sparse"),
}


@dataclass(frozen=True)
class Config:
    samples: int = 10_000  # Monte Carlo draws over the cited ranges
    seed: int = 0
    flops_per_event: tuple[float, ...] = (1.0, 10.0, 100.0)  # what one synaptic event is counted as


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    power_ratio: Estimate  # GPU board power ÷ brain power
    per_op_ratio: Estimate  # GPU joules per FLOP (BF16, dense) ÷ brain joules per synaptic event
    favourable_ratio: Estimate  # the same at the GPU's most favourable cited figure (FP8, sparse)
    unverified: tuple[str, ...]  # cited inputs that could not be checked against their source


@dataclass
class Result:
    evidence: Evidence
    joules_per_event: Estimate  # the brain's
    joules_per_flop: dict[str, Estimate]  # each accelerator's
    ratios: dict[str, dict[float, Estimate]]  # accelerator → FLOPs per event → GPU ÷ brain, per operation


def _ranges(inputs: Ranges) -> dict[str, tuple[float, float]]:
    """The cited inputs, plus the firing rate as a range between its lowest and highest cited estimates."""
    return {**inputs, "rate": (inputs["rate_low"][0], inputs["rate_high"][0]), "elcap_watt": (1.0, 1.0)}


def joules_per_event(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["brain_power"] / (x["synapses"] * x["rate"])


def joules_per_flop(x: Mapping[str, np.ndarray], accelerator: str) -> np.ndarray:
    power, flops = ACCELERATORS[accelerator]
    return x[power] / x[flops]


def ratio(x: Mapping[str, np.ndarray], accelerator: str, flops_per_event: float = 1.0) -> np.ndarray:
    """GPU joules per FLOP ÷ brain joules per FLOP-equivalent, when one event counts as ``flops_per_event``."""
    return joules_per_flop(x, accelerator) * flops_per_event / joules_per_event(x)


def power_ratio(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["gpu_board_power"] / x["brain_power"]


def run(cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset()) -> Result:
    ranges, n, seed = _ranges(inputs), cfg.samples, cfg.seed
    mc = partial(propagate, inputs=ranges, samples=n, seed=seed, log=("rate",))
    ratios = {
        a: {k: mc(partial(ratio, accelerator=a, flops_per_event=k)) for k in cfg.flops_per_event}
        for a in ACCELERATORS
    }
    return Result(
        evidence=Evidence(
            power_ratio=mc(power_ratio),
            per_op_ratio=mc(partial(ratio, accelerator="h100_bf16_dense")),
            favourable_ratio=mc(partial(ratio, accelerator="h100_fp8_sparse")),
            unverified=tuple(sorted(unverified)),
        ),
        joules_per_event=mc(joules_per_event),
        joules_per_flop={a: mc(partial(joules_per_flop, accelerator=a)) for a in ACCELERATORS},
        ratios=ratios,
    )
