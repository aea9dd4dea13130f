"""How far below a GPU is the brain's 20 W, in total and per operation? Arithmetic on cited inputs, with Monte
Carlo over their ranges.

Per operation, a synaptic event (one spike arriving at one synapse) is set beside one floating-point operation.
Synaptic events per second are synapses × mean firing rate; the rate is drawn log-uniformly between the lowest
and highest cited estimates, which span two orders of magnitude. The accelerator's joules per FLOP are its
power over its peak throughput at one precision, divided by the share of that peak a real workload uses
(``utilisation``): a GPU's useful FLOP costs more than its peak figure says. How the answer moves when one
synaptic event is counted as k FLOPs is reported for each k in ``flops_per_event``; the rule reads
``event_flops``. Utilisation and FLOPs per event are our choices, not cited numbers: both are knobs.

The essay's own point (the 20 W, against one GPU's power) and our extension (per operation) are computed
separately, so that each gets its own check.
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
    flops_per_event: tuple[float, ...] = (1.0, 10.0, 100.0)  # what one synaptic event is counted as (table)
    event_flops: float = 1.0  # the count the rule reads
    utilisation: float = 0.4  # share of the GPU's peak that a real workload reaches (training: about 0.4)
    gpu_power: str = "gpu_board_power"  # the cited input that stands for one GPU's power


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    power_ratio: Estimate  # GPU board power ÷ brain power (the essay's point)
    per_op_ratio: Estimate  # GPU joules per useful FLOP (BF16, dense) × event_flops ÷ brain joules per event
    favourable_ratio: Estimate  # one event = one FLOP at the GPU's most favourable cited figure (FP8, sparse)
    utilisation: float
    event_flops: float
    unverified: tuple[str, ...]  # cited inputs that could not be checked against their source
    gpu_power: str = "gpu_board_power"  # the cited input that stood for one GPU's power


@dataclass
class Result:
    evidence: Evidence
    joules_per_event: Estimate  # the brain's
    joules_per_flop: dict[str, Estimate]  # each accelerator's
    ratios: dict[str, dict[float, Estimate]]  # accelerator → FLOPs per event → GPU ÷ brain, per operation


def _ranges(inputs: Ranges, cfg: Config) -> dict[str, tuple[float, float]]:
    """The cited inputs, plus the firing rate as a range between its lowest and highest cited estimates, and
    our choices as fixed numbers."""
    return {**inputs, "rate": (inputs["rate_low"][0], inputs["rate_high"][0]), "elcap_watt": (1.0, 1.0),
            "utilisation": (cfg.utilisation, cfg.utilisation), "gpu_power": inputs[cfg.gpu_power]}  # fmt: skip


def joules_per_event(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["brain_power"] / (x["synapses"] * x["rate"])


def joules_per_flop(x: Mapping[str, np.ndarray], accelerator: str, useful: bool = False) -> np.ndarray:
    """Joules per FLOP at peak, or per useful FLOP (at the configured utilisation) when ``useful``. El Capitan's
    figure is a measured benchmark (HPL), not a peak: utilisation does not apply to it."""
    power, flops = ACCELERATORS[accelerator]
    share = x["utilisation"] if useful and not accelerator.startswith("el_capitan") else 1.0
    return x[power] / (x[flops] * share)


def ratio(x: Mapping[str, np.ndarray], accelerator: str, flops_per_event: float = 1.0) -> np.ndarray:
    """GPU joules per useful FLOP ÷ brain joules per FLOP-equivalent, when one event counts as
    ``flops_per_event``."""
    return joules_per_flop(x, accelerator, useful=True) * flops_per_event / joules_per_event(x)


def power_ratio(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["gpu_power"] / x["brain_power"]


def run(cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset()) -> Result:
    ranges, n, seed = _ranges(inputs, cfg), cfg.samples, cfg.seed
    mc = partial(propagate, inputs=ranges, samples=n, seed=seed, log=("rate",))
    ratios = {
        a: {k: mc(partial(ratio, accelerator=a, flops_per_event=k)) for k in cfg.flops_per_event}
        for a in ACCELERATORS
    }
    return Result(
        evidence=Evidence(
            power_ratio=mc(power_ratio),
            per_op_ratio=mc(partial(ratio, accelerator="h100_bf16_dense", flops_per_event=cfg.event_flops)),
            favourable_ratio=mc(partial(ratio, accelerator="h100_fp8_sparse")),
            utilisation=cfg.utilisation,
            event_flops=cfg.event_flops,
            unverified=tuple(sorted(unverified)),
            gpu_power=cfg.gpu_power,
        ),
        joules_per_event=mc(joules_per_event),
        joules_per_flop={a: mc(partial(joules_per_flop, accelerator=a)) for a in ACCELERATORS},
        ratios=ratios,
    )
