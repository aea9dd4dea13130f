"""Does sparsity pay on conventional hardware? One spiking layer's step, a spike vector times a weight matrix,
computed three ways at activities from 0.1 % to 50 %:

- **dense**: the spike vector as a dense 0/1 vector, one matrix product (what GPUs and their libraries do);
- **event-driven**: find the active inputs and add up their rows of the weight matrix (what neuromorphic
  hardware does in silicon);
- **torch.sparse**: the spike vector converted to a sparse tensor, then a sparse-dense product.

Work is counted (the dense FLOPs are constant; the event-driven adds are active inputs × outputs), and time is
measured as the minimum of k interleaved runs, in several independent rounds so that every slope and ratio has
an interval over rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.counting import flops, min_times
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval

METHODS = ("dense", "event-driven", "torch.sparse")


@dataclass(frozen=True)
class Config:
    inputs: int = 4096
    outputs: int = 1024
    activities: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5)
    typical: float = 0.05  # our assumption for a typical spiking layer's activity (see the page)
    repeats: int = 9  # k in min-of-k
    rounds: int = 7  # independent rounds: intervals are over these
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    dense_slope: Estimate  # log-log slope of dense time against activity
    event_slope: Estimate  # the same for the event-driven kernel (negative control)
    event_speedup: Estimate  # dense time ÷ event-driven time at the typical activity
    sparse_speedup: Estimate  # dense time ÷ torch.sparse time at the typical activity


@dataclass
class Result:
    evidence: Evidence
    activities: list[float]
    times: dict[str, list[float]]  # median over rounds of the min-of-k time, per activity (seconds)
    dense_flops: int
    event_adds: list[int]  # active inputs × outputs, per activity
    crossover: float | None  # activity above which the event-driven kernel is slower than dense (median)
    typical: float
    device: str


def _kernels(spikes, weights):
    import torch

    def dense():
        return spikes @ weights

    def event():
        active = spikes[0].nonzero().squeeze(1)
        return weights.index_select(0, active).sum(0, keepdim=True)

    def sparse():
        return torch.sparse.mm(spikes.to_sparse(), weights)

    return [dense, event, sparse]


def _slope(x: list[float], y: np.ndarray) -> float:
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_num_threads(1)  # one thread: the comparison is about work per step, not about thread wake-ups
    gen = torch.Generator().manual_seed(cfg.seed)
    weights = torch.randn(cfg.inputs, cfg.outputs, generator=gen).to(dev)
    acts = sorted(set(cfg.activities) | {cfg.typical})
    spikes = []
    for a in acts:
        s = torch.zeros(1, cfg.inputs)
        s[0, torch.randperm(cfg.inputs, generator=gen)[: max(1, round(a * cfg.inputs))]] = 1.0
        spikes.append(s.to(dev))
    for fn in (f for s in spikes for f in _kernels(s, weights)):
        fn()  # warm-up: lazy initialisation, caches
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

    times = np.empty((cfg.rounds, len(acts), len(METHODS)))
    for r in progress(range(cfg.rounds), "timing rounds"):
        for i, s in enumerate(spikes):
            fns = [lambda f=f: (f(), sync()) for f in _kernels(s, weights)]
            times[r, i] = min_times(fns, cfg.repeats)
    sweep = [acts.index(a) for a in cfg.activities]
    at = acts.index(cfg.typical)
    dense, event, sparse = (times[:, :, m] for m in range(3))

    median = np.median(times, axis=0)
    slower = [a for a, i in zip(cfg.activities, sweep, strict=True) if median[i, 1] >= median[i, 0]]
    evidence = Evidence(
        dense_slope=t_interval(
            [_slope(list(cfg.activities), dense[r, sweep]) for r in range(cfg.rounds)],
            "t-interval over rounds",
        ),
        event_slope=t_interval(
            [_slope(list(cfg.activities), event[r, sweep]) for r in range(cfg.rounds)],
            "t-interval over rounds",
        ),
        event_speedup=t_interval((dense[:, at] / event[:, at]).tolist(), "t-interval over rounds"),
        sparse_speedup=t_interval((dense[:, at] / sparse[:, at]).tolist(), "t-interval over rounds"),
    )
    return Result(
        evidence=evidence,
        activities=list(cfg.activities),
        times={m: median[sweep, j].tolist() for j, m in enumerate(METHODS)},
        dense_flops=flops(lambda: spikes[0] @ weights),
        event_adds=[max(1, round(a * cfg.inputs)) * cfg.outputs for a in cfg.activities],
        crossover=min(slower) if slower else None,
        typical=cfg.typical,
        device=dev.type,
    )
