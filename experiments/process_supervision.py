"""Scoring the steps, not only the answer: k-sparse parity learned from its outcome or from its chain.

The task: n random bits, and the parity of a hidden subset S of k of them. Three ways to train a small ReLU
network on fresh examples every step, with the same optimiser, batch and step budget:

- **outcome**: the network sees the bits and is scored on the final parity only;
- **process**: the network is also scored on every partial parity of the chain p_j = p_{j−1} ⊕ x_{s_j}: given
  the bits, the previous partial parity and the step index j, it predicts p_j. Every example is scored on all k
  steps, the last of which is the final parity (teacher forcing in training, as in chain-of-thought
  supervision). At test time it runs the chain on its own outputs, from p₀ = 0, and is scored on the final
  parity only;
- **wrong** (negative control): the same chain format and the same number of labels, but the k − 1
  intermediate labels are the partial parities of a wrong subset S′ (disjoint from S): a consistent chain of
  the wrong computation. The last step is scored on the true parity of S on every example, as in outcome-only
  training, so the control differs from it only by supervised steps that carry no information about S;
- **answers** (the strongest alternative): outcome-only training with k times the batch, so that it scores as
  many predictions per step as process supervision does, all of them on the answer.

The wrong chain and the alternative run at the hardest k only.

Every seed is one group of a single batched network (one weight matrix per group, batched matrix products); one
job trains all seeds of one (regime, k). Test accuracy on held-out examples is measured every few steps; a run
*learns* when it reaches the target accuracy within the budget, and each run's accuracy curve is kept so that a
run cut off at the budget while still improving can be told from one that had stopped improving (a plateau).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common import parallel
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, percentile_interval, t_interval, wilson
from experiments.common.training import Stop, stop_of

REGIMES = ("outcome", "process", "wrong", "answers")


@dataclass(frozen=True)
class Config:
    bits: int = 30  # n
    ks: tuple[int, ...] = (2, 3, 4, 5)  # parity sizes; the largest is k_hardest
    seeds: int = 6
    hidden: int = 64  # width of the hidden layer
    batch: int = 128
    steps: int = 6000  # the budget: the most optimiser steps a run may take
    lr: float = 3e-3
    eval_every: int = 50
    test: int = 400
    target: float = 0.99
    bootstrap: int = 2000
    process_chain: str = "right"  # "wrong": the process regime itself supervises the wrong chain (the null)
    seed: int = 0


@dataclass
class RunCurve:
    """One (regime, k, seed) run: where it ended and how its test accuracy moved on the way."""

    regime: str
    k: int
    seed: int
    reached: int | None  # the first evaluation step at which it reached the target (None: not within budget)
    steps: int  # steps it actually took (it stops when every seed of its job reached the target)
    cap: int  # the budget
    curve: list[float]  # test accuracy at every evaluation (every ``eval_every`` steps)

    @property
    def stop(self) -> Stop:
        """Stopped by its rule (the target reached), or cut off at the cap: still improving or not."""
        ran = self.reached or self.steps
        return stop_of(self.curve, self.cap, self.reached is not None, steps=ran, lower_is_better=False)


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict and the control read."""

    k_hardest: int
    learned_hardest: dict[str, Estimate]  # share of seeds that learn k_hardest within the budget, per regime
    speedup: Estimate  # steps to the target at k_hardest, outcome ÷ process, paired by seed (censored at cap)
    wrong_speedup: Estimate  # the same, outcome ÷ wrong chain (the negative control)
    answers_speedup: Estimate  # the same, more answers ÷ process (the strongest alternative against process)
    growth: dict[str, Estimate]  # slope of ln(steps to the target) against k, outcome and process (censored)
    growth_gap: Estimate  # growth outcome − growth process, bootstrap over seeds (paired)
    censored: dict[str, int]  # runs per regime that never reached the target (their steps count as the cap)
    stops: dict[str, list[Stop]]  # how every run ended, per regime (all k)
    stops_hardest: dict[str, list[Stop]]  # … at k_hardest only


@dataclass
class Result:
    evidence: Evidence
    ks: list[int]
    bits: int
    steps_to_target: dict[str, list[list[int | None]]]  # regime → per k → per seed (None: not within budget)
    final_accuracy: dict[
        str, list[float]
    ]  # regime → per k, mean over seeds (the wrong chain: k_hardest only)
    runs: list[RunCurve]
    budget: int
    eval_every: int


def _subsets(cfg: Config, k: int, seeds: int) -> tuple[np.ndarray, np.ndarray]:
    """Each seed's hidden subset S (k bits) and a wrong subset S′ (k − 1 other bits), the same in every regime."""
    right, wrong = np.zeros((seeds, k), int), np.zeros((seeds, max(k - 1, 1)), int)
    for s in range(seeds):
        order = np.random.default_rng([cfg.seed, k, s]).permutation(cfg.bits)
        right[s], wrong[s, : k - 1] = order[:k], order[k : 2 * k - 1]
    return right, wrong


def partial_parities(x, subset):
    """Partial parities along each group's subset: bits x (G, B, n), subset (G, m) → (G, B, m) as 0/1."""
    import torch

    bits = torch.gather(x, 2, subset[:, None, :].expand(-1, x.shape[1], -1))
    return torch.cumsum(bits, dim=2) % 2


def run_job(regime: str, k: int, cfg: Config) -> list[RunCurve]:
    """Train every seed of one (regime, k) as one batched network; return each seed's run."""
    import torch

    if 2 * k - 1 > cfg.bits:
        raise ValueError(f"k = {k} needs at least {2 * k - 1} bits for a disjoint wrong subset")
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed * 1000 + 10 * k + REGIMES.index(regime))
    g_n, n = cfg.seeds, cfg.bits
    right_np, wrong_np = _subsets(cfg, k, g_n)
    right, wrong = torch.tensor(right_np), torch.tensor(wrong_np)
    outcome_only = regime in ("outcome", "answers")
    batch = cfg.batch * k if regime == "answers" else cfg.batch
    inputs = n if outcome_only else n + 1 + k
    w1 = (torch.randn(g_n, inputs, cfg.hidden, generator=gen) / inputs**0.5).requires_grad_(True)
    b1 = torch.zeros(g_n, 1, cfg.hidden, requires_grad=True)
    w2 = (torch.randn(g_n, cfg.hidden, 1, generator=gen) / cfg.hidden**0.5).requires_grad_(True)
    b2 = torch.zeros(g_n, 1, 1, requires_grad=True)
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=cfg.lr)
    eye = torch.eye(k)

    def net(z):
        return (torch.relu(z @ w1 + b1) @ w2 + b2)[..., 0]

    parity = partial_parities

    def chain(x):
        """The k labels of each example's chain (G, B, k): partial parities of S, or of S′ then the truth."""
        truth = parity(x, right)
        if k == 1 or not (regime == "wrong" or (regime == "process" and cfg.process_chain == "wrong")):
            return truth
        return torch.cat([parity(x, wrong)[..., : k - 1], truth[..., -1:]], dim=2)

    def features(x, prev, j):
        """Bits as ±1, the previous partial parity as ±1, and the step index one-hot."""
        onehot = eye[j].expand(*x.shape[:2], k)
        return torch.cat([2 * x - 1, (2 * prev - 1)[..., None], onehot], dim=-1)

    def predict(x):
        """The final parity (0/1): directly, or by running the chain on the network's own outputs."""
        if outcome_only:
            return (net(2 * x - 1) > 0).long()
        prev = torch.zeros(x.shape[:2], dtype=torch.long)
        for j in range(k):
            prev = (net(features(x, prev.float(), torch.full_like(prev, j))) > 0).long()
        return prev

    test_x = torch.randint(0, 2, (g_n, cfg.test, n), generator=gen)
    test_y = parity(test_x, right)[..., -1]
    test_x = test_x.float()
    reached: list[int | None] = [None] * g_n
    curves: list[list[float]] = [[] for _ in range(g_n)]
    steps_j = torch.arange(k).repeat(batch)  # every example is scored on all k steps of its chain
    step = 0
    for step in range(1, cfg.steps + 1):
        x = torch.randint(0, 2, (g_n, batch, n), generator=gen)
        labels = chain(x)
        if outcome_only:
            logits, target = net(2 * x.float() - 1), labels[..., -1]
        else:
            prev = torch.cat([torch.zeros_like(labels[..., :1]), labels[..., :-1]], dim=2)
            xs = x.float().repeat_interleave(k, dim=1)  # (G, B·k, n)
            logits = net(features(xs, prev.reshape(g_n, -1).float(), steps_j))
            target = labels.reshape(g_n, -1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target.float())
        opt.zero_grad()
        (loss * g_n).backward()
        opt.step()
        if step % cfg.eval_every == 0:
            with torch.no_grad():
                acc = (predict(test_x) == test_y).float().mean(1).tolist()
            for g in range(g_n):
                curves[g].append(acc[g])
                if reached[g] is None and acc[g] >= cfg.target:
                    reached[g] = step
            if all(r is not None for r in reached):
                break
    return [RunCurve(regime, k, s, reached[s], step, cfg.steps, curves[s]) for s in range(g_n)]


def _job(args: tuple) -> list[RunCurve]:
    regime, k, cfg = args
    return run_job(regime, k, cfg)


def growth_slopes(
    ks: list[int], steps: dict[str, np.ndarray], n_boot: int, seed: int
) -> tuple[dict[str, Estimate], dict[str, Estimate]]:
    """Slope of ln(steps) against k per regime, and its differences from outcome-only, with 95% intervals from a
    bootstrap over seeds (the same seeds drawn for every regime, since seed s has the same subset in all)."""
    x = np.asarray(ks, float)
    xc = x - x.mean()
    logs = {r: np.log(a) for r, a in steps.items()}  # (k, seeds)
    seeds = next(iter(logs.values())).shape[1]
    idx = np.random.default_rng(seed).integers(0, seeds, size=(n_boot, len(ks), seeds))

    def slope(means):  # (..., k)
        return (means - means.mean(-1, keepdims=True)) @ xc / (xc @ xc)

    boot = {r: slope(np.take_along_axis(a[None].repeat(n_boot, 0), idx, 2).mean(2)) for r, a in logs.items()}
    point = {r: float(slope(a.mean(1))) for r, a in logs.items()}
    method = "bootstrap over seeds"
    growth = {r: percentile_interval(point[r], boot[r], method, seeds) for r in logs}
    gaps = {
        r: percentile_interval(point["outcome"] - point[r], boot["outcome"] - boot[r], method, seeds)
        for r in logs
        if r != "outcome"
    }
    return growth, gaps


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    # the wrong chain and the alternative run at k_hardest; outcome and process at every k; the slowest first
    ks = sorted(cfg.ks)
    jobs = [(r, k, cfg) for k in reversed(ks) for r in REGIMES if r in ("outcome", "process") or k == ks[-1]]
    done = parallel.run_all(_job, jobs, on_gpu=torch.cuda.is_available(), desc="runs", progress=progress)
    runs = sorted(
        (run for part in done for run in part), key=lambda r: (REGIMES.index(r.regime), r.k, r.seed)
    )
    ran = {r: [k for k in ks if any(x.regime == r and x.k == k for x in runs)] for r in REGIMES}
    steps: dict[str, list[list[int | None]]] = {
        r: [[x.reached for x in runs if x.regime == r and x.k == k] for k in ran[r]] for r in REGIMES
    }
    final = {
        r: [float(np.mean([x.curve[-1] for x in runs if x.regime == r and x.k == k])) for k in ran[r]]
        for r in REGIMES
    }
    censored_at = (
        cfg.steps + cfg.eval_every
    )  # a run that never got there counts as one evaluation past the cap
    filled = {r: np.array([[s or censored_at for s in per_k] for per_k in steps[r]], float) for r in REGIMES}
    growth, gaps = growth_slopes(ks, {r: filled[r] for r in ("outcome", "process")}, cfg.bootstrap, cfg.seed)

    def ratio(b: str, a: str = "outcome") -> Estimate:
        return t_interval(list(filled[a][-1] / filled[b][-1]), "t-interval over seeds (paired)")

    evidence = Evidence(
        k_hardest=ks[-1],
        learned_hardest={r: wilson(sum(s is not None for s in steps[r][-1]), cfg.seeds) for r in REGIMES},
        speedup=ratio("process"),
        wrong_speedup=ratio("wrong"),
        answers_speedup=ratio("process", "answers"),
        growth=growth,
        growth_gap=gaps["process"],
        censored={r: sum(s is None for per_k in steps[r] for s in per_k) for r in REGIMES},
        stops={r: [x.stop for x in runs if x.regime == r] for r in REGIMES},
        stops_hardest={r: [x.stop for x in runs if x.regime == r and x.k == ks[-1]] for r in REGIMES},
    )
    return Result(
        evidence=evidence,
        ks=ks,
        bits=cfg.bits,
        steps_to_target=steps,
        final_accuracy=final,
        runs=runs,
        budget=cfg.steps,
        eval_every=cfg.eval_every,
    )
