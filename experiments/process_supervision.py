"""Scoring the steps, not only the answer: k-sparse parity learned from its outcome or from its chain.

The task: n random bits, and the parity of a hidden subset of k of them. Three ways to train a small ReLU network
on fresh examples every step, with the same optimiser and step budget:

- **outcome**: the network sees the bits and is scored on the final parity only;
- **process**: the network is scored on every partial parity of the chain p_j = p_{j−1} ⊕ x_{s_j}: given the bits,
  the previous partial parity and the step index j, it predicts p_j; at test time it runs the chain on its own
  outputs, from p₀ = 0, and is scored on the final parity (teacher forcing in training, as in chain-of-thought
  supervision);
- **shuffled** (negative control): the same as process, but the intermediate labels come from another example,
  so the chain carries no information; only the last step is scored against the true parity.

Every (k, seed) is one group of a single batched network (one weight matrix per group, batched matrix
products). Test accuracy is measured every few steps on held-out examples; a run "learns" when it reaches the
target accuracy within the budget.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from experiments.common import parallel
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval, wilson

REGIMES = ("outcome", "process", "shuffled")


@dataclass(frozen=True)
class Config:
    bits: int = 30  # n
    ks: tuple[int, ...] = (2, 3, 4, 5, 6)
    seeds: int = 5
    hidden: int = 64
    batch: int = 256
    steps: int = 2500  # the budget
    lr: float = 3e-3
    eval_every: int = 100
    test: int = 500
    target: float = 0.99
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Share of seeds that learn within the budget, per regime, at the smallest and largest k."""

    learned_small: dict[str, Estimate]  # k = min(ks)
    learned_large: dict[str, Estimate]  # k = max(ks)
    speedup: Estimate  # steps to the target at the largest k, outcome ÷ process, paired by seed (censored)
    shuffled_speedup: Estimate  # the same, outcome ÷ shuffled (the negative control)


@dataclass
class Result:
    evidence: Evidence
    ks: list[int]
    steps_to_target: dict[
        str, list[list[int | None]]
    ]  # regime → per k → per seed (None: not within the budget)
    final_accuracy: dict[str, list[float]]  # regime → per k, mean over seeds
    budget: int


def _chain(x, subset):
    """Partial parities p_1..p_k (as 0/1) of bits x (G, B, n) along each group's subset (G, k_max, padded)."""
    import torch

    bits = torch.gather(x, 2, subset[:, None, :].expand(-1, x.shape[1], -1))
    return torch.cumsum(bits, dim=2) % 2


def run_regime(regime: str, cfg: Config) -> tuple[list[int | None], list[float], list[int]]:
    """Train every (k, seed) group for one regime; return steps to the target, final accuracy and each group's k."""
    import torch

    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed + REGIMES.index(regime))
    groups = [(k, s) for k in cfg.ks for s in range(cfg.seeds)]
    g_n, k_max, n = len(groups), max(cfg.ks), cfg.bits
    ks = torch.tensor([k for k, _ in groups])
    subset = torch.zeros(g_n, k_max, dtype=torch.long)
    for i, (k, s) in enumerate(groups):
        rng = np.random.default_rng([cfg.seed, k, s])
        subset[i, :k] = torch.tensor(rng.choice(n, size=k, replace=False))
    inputs = n if regime == "outcome" else n + 1 + k_max
    w1 = (torch.randn(g_n, inputs, cfg.hidden, generator=gen) / inputs**0.5).requires_grad_(True)
    b1 = torch.zeros(g_n, 1, cfg.hidden, requires_grad=True)
    w2 = (torch.randn(g_n, cfg.hidden, 1, generator=gen) / cfg.hidden**0.5).requires_grad_(True)
    b2 = torch.zeros(g_n, 1, 1, requires_grad=True)
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=cfg.lr)

    def net(z):
        return (torch.relu(z @ w1 + b1) @ w2 + b2)[..., 0]

    def features(x, prev, j):
        """Bits as ±1, the previous partial parity as ±1, and the step index one-hot."""
        onehot = torch.nn.functional.one_hot(j, k_max).float()
        return torch.cat([2 * x - 1, (2 * prev - 1)[..., None], onehot], dim=2)

    def predict(x):
        """The final parity (0/1): directly, or by running the chain on the network's own outputs."""
        if regime == "outcome":
            return (net(2 * x - 1) > 0).long()
        prev = torch.zeros(x.shape[:2], dtype=torch.long)
        final = torch.zeros_like(prev)
        for j in range(k_max):
            step = torch.full_like(prev, j)
            prev = (net(features(x, prev, step)) > 0).long()
            final = torch.where((ks == j + 1)[:, None], prev, final)
        return final

    test_x = torch.randint(0, 2, (g_n, cfg.test, n), generator=gen).float()
    chain = _chain(test_x.long(), subset)
    test_y = torch.gather(chain, 2, (ks - 1)[:, None, None].expand(-1, cfg.test, 1))[..., 0]
    reached: list[int | None] = [None] * g_n
    acc = torch.zeros(g_n)
    for step in range(1, cfg.steps + 1):
        x = torch.randint(0, 2, (g_n, cfg.batch, n), generator=gen)
        partial = _chain(x, subset)  # (G, B, k_max)
        y = torch.gather(partial, 2, (ks - 1)[:, None, None].expand(-1, cfg.batch, 1))[..., 0]
        if regime == "outcome":
            logits, target = net(2 * x.float() - 1), y
        else:
            j = (
                torch.rand(g_n, cfg.batch, generator=gen) * ks[:, None]
            ).long()  # a step of each group's chain
            labels = partial
            if regime == "shuffled":  # intermediate labels from another example of the batch
                labels = partial[:, torch.randperm(cfg.batch, generator=gen)]
            prev = torch.where(j > 0, torch.gather(labels, 2, (j - 1).clamp(min=0)[..., None])[..., 0], 0)
            target = torch.gather(labels, 2, j[..., None])[..., 0]
            target = torch.where(
                j == (ks - 1)[:, None], y, target
            )  # the last step is always scored on the truth
            logits = net(features(x.float(), prev, j))
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target.float())
        opt.zero_grad()
        (loss * g_n).backward()
        opt.step()
        if step % cfg.eval_every == 0:
            with torch.no_grad():
                acc = (predict(test_x) == test_y).float().mean(1)
            for g in range(g_n):
                if reached[g] is None and acc[g] >= cfg.target:
                    reached[g] = step
            if all(r is not None for r in reached):
                break
    return reached, acc.tolist(), [k for k, _ in groups]


def _job(args: tuple) -> tuple[list[int | None], list[float], list[int]]:
    regime, cfg, k = args
    return run_regime(
        regime, replace(cfg, ks=(k,))
    )  # one k per job: jobs balance across cores and stop early


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    steps, final = {}, {}
    learned: dict[str, dict[int, Estimate]] = {}
    jobs = [(r, cfg, k) for r in REGIMES for k in sorted(cfg.ks, reverse=True)]  # the slowest first
    done = parallel.run_all(_job, jobs, on_gpu=torch.cuda.is_available(), desc="runs", progress=progress)
    merged: dict[str, tuple[list, list, list]] = {r: ([], [], []) for r in REGIMES}
    for (regime, _, _), (reached, acc, group_k) in sorted(
        zip(jobs, done, strict=True), key=lambda jd: jd[0][2]
    ):
        for into, part in zip(merged[regime], (reached, acc, group_k), strict=True):
            into.extend(part)
    for regime, (reached, acc, group_k) in merged.items():
        steps[regime] = [[r for r, k in zip(reached, group_k, strict=True) if k == kk] for kk in cfg.ks]
        final[regime] = [
            float(np.mean([a for a, k in zip(acc, group_k, strict=True) if k == kk])) for kk in cfg.ks
        ]
        learned[regime] = {
            kk: wilson(sum(r is not None for r in per_k), len(per_k))
            for kk, per_k in zip(cfg.ks, steps[regime], strict=True)
        }
    small, large = min(cfg.ks), max(cfg.ks)
    censored = (
        cfg.steps + cfg.eval_every
    )  # a run that never got there counts as one evaluation past the budget

    def ratio(a: str, b: str) -> Estimate:
        pairs = zip(steps[a][-1], steps[b][-1], strict=True)
        return t_interval(
            [(x or censored) / (y or censored) for x, y in pairs], "t-interval over seeds (paired)"
        )

    evidence = Evidence(
        learned_small={r: learned[r][small] for r in REGIMES},
        learned_large={r: learned[r][large] for r in REGIMES},
        speedup=ratio("outcome", "process"),
        shuffled_speedup=ratio("outcome", "shuffled"),
    )
    return Result(
        evidence=evidence, ks=list(cfg.ks), steps_to_target=steps, final_accuracy=final, budget=cfg.steps
    )
