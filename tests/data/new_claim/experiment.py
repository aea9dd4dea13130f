"""Toy claim for the new-claim test: a matrix product's work grows as n³, an elementwise sum's as n²."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from experiments.common.counting import flops
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, loglog_slope


@dataclass(frozen=True)
class Config:
    sizes: tuple[int, ...] = (8, 16, 32, 64)  # enough doublings for a slope
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    matmul_exponent: Estimate  # the claimed effect: work of n×n @ n×n against n
    add_exponent: Estimate  # the control: the same fit where the effect is absent (n×n + n×n)


@dataclass
class Result:
    evidence: Evidence
    sizes: list[int]
    matmul_flops: list[int]


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    torch.manual_seed(cfg.seed)
    mm, add = [], []
    for n in progress(cfg.sizes, "sizes"):
        a, b = torch.rand(n, n), torch.rand(n, n)
        mm.append(flops(partial(torch.matmul, a, b)))
        add.append(max(1, n * n))  # elementwise: one addition per entry
    sizes = list(cfg.sizes)
    evidence = Evidence(
        exact(loglog_slope(sizes, mm), len(sizes)), exact(loglog_slope(sizes, add), len(sizes))
    )
    return Result(evidence, sizes, mm)
