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
job trains all seeds of one (regime, k), and a seed leaves the batch when it reaches the target (the others keep
the data they would have had). Test accuracy on held-out examples is measured every few steps; a run *learns*
when it reaches the target accuracy within the budget, and each run's accuracy curve is kept so that a run cut
off at the budget while still improving can be told from one that had stopped improving (a plateau).

Training never looks ahead, so a job under a smaller budget is the same job cut short, and a job stopped at its
budget can be trained on to a larger one exactly as an uninterrupted run: :func:`run` keeps the jobs it trained
in this process (:class:`JobState`) and reuses them for every later call that shares them (the robustness map
varies the range of k and the budget; its specifications share most of their jobs). The gradients of the small
network and Adam's update are written out (:func:`mlp_grads`, :func:`adam_step`): the same arithmetic as
autograd and ``torch.optim.Adam``, at one half (outcome only) to two thirds (chains) of the cost per step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from experiments.common import parallel
from experiments.common.progress import Progress, silent

# the statistics import scipy, which the training processes never need: imported where they are used
if TYPE_CHECKING:
    from experiments.common.stats import Estimate
    from experiments.common.training import Stop

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
    steps: int  # steps it took: until it reached the target, or the budget
    cap: int  # the budget
    curve: list[float]  # test accuracy at every evaluation (every ``eval_every`` steps)

    @property
    def stop(self) -> Stop:
        """Stopped by its rule (the target reached), or cut off at the cap: still improving or not."""
        from experiments.common.training import stop_of

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


@dataclass
class JobState:
    """Where a job's training stands: enough to continue it to a higher budget exactly as an uninterrupted run
    would have gone on (weights, optimiser moments, the data generator, the held-out set), as numpy arrays so
    that it travels between processes."""

    weights: list[np.ndarray]  # w1, b1, w2, b2, each with the seeds as its first dimension
    moments: tuple[list[np.ndarray], list[np.ndarray]]  # Adam's first and second moments per weight
    generator: np.ndarray  # the data generator's state
    test_x: np.ndarray
    test_y: np.ndarray
    step: int  # optimiser steps taken
    reached: list[int | None]
    curves: list[list[float]]

    @property
    def done(self) -> bool:
        """Every seed reached the target: more budget changes nothing."""
        return all(r is not None for r in self.reached)


def random_bits(gen, shape: tuple[int, ...], n: int, rows=None):
    """Uniform random bits (…, n) as int64 0/1, cut from 31-bit random words (one draw per 31 bits, not one
    per bit: the draws are the slowest part of a step of these small networks). ``rows``: keep only these
    entries of the first dimension (the draw is the same, so each keeps the bits it would have had)."""
    import torch

    words = torch.randint(0, 2**31, (*shape, -(-n // 31)), generator=gen)
    if rows is not None:
        words = words[rows]
    return ((words[..., None] >> torch.arange(31)) & 1).flatten(-2)[..., :n]


def _start(regime: str, k: int, cfg: Config) -> JobState:
    """A job before its first step: initial weights and the held-out set, drawn from the job's generator."""
    import torch

    gen = torch.Generator().manual_seed(cfg.seed * 1000 + 10 * k + REGIMES.index(regime))
    g_n, n = cfg.seeds, cfg.bits
    right, _ = _subsets(cfg, k, g_n)
    inputs = n if regime in ("outcome", "answers") else n + 1 + k
    w1 = torch.randn(g_n, inputs, cfg.hidden, generator=gen) / inputs**0.5
    w2 = torch.randn(g_n, cfg.hidden, 1, generator=gen) / cfg.hidden**0.5
    weights = [w1, torch.zeros(g_n, 1, cfg.hidden), w2, torch.zeros(g_n, 1, 1)]
    test_x = random_bits(gen, (g_n, cfg.test), n)
    test_y = partial_parities(test_x, torch.tensor(right))[..., -1]
    return JobState(
        weights=[w.numpy() for w in weights],
        moments=([], []),
        generator=gen.get_state().numpy(),
        test_x=test_x.numpy().astype(np.uint8),
        test_y=test_y.numpy(),
        step=0,
        reached=[None] * g_n,
        curves=[[] for _ in range(g_n)],
    )


ADAM = (0.9, 0.999, 1e-8)  # Adam's β₁, β₂ and ε (PyTorch's defaults)


def relu_backward(grad, x):
    """``grad`` where ``x > 0``, else 0: the ReLU's backward pass as autograd runs it (one kernel; a boolean mask
    costs several times more here)."""
    import torch

    return torch.ops.aten.threshold_backward(grad, x, 0.0)


def mlp_grads(z, y, w) -> list:
    """Gradients, with respect to ``w = [w1, b1, w2, b2]``, of the batched network's loss on inputs ``z``
    (G, B, I) with 0/1 targets ``y`` (G, B): binary cross-entropy on the logits, averaged over each group's batch
    and summed over the groups (so each seed's gradient is its own network's). Written out: at these sizes
    autograd's bookkeeping costs more than the arithmetic."""
    import torch

    w1, b1, w2, b2 = w
    pre = torch.baddbmm(b1, z, w1)
    h = torch.relu(pre)
    logits = torch.baddbmm(b2, h, w2)[..., 0]
    d = ((torch.sigmoid(logits) - y) / y.shape[1])[..., None]  # (G, B, 1)
    dh = relu_backward(d @ w2.transpose(1, 2), h)
    return [
        z.transpose(1, 2) @ dh,
        dh.sum(1, keepdim=True),
        h.transpose(1, 2) @ d,
        d.sum(1, keepdim=True),
    ]


def adam_step(w: list, grads: list, m: list, v: list, t: int, lr: float) -> None:
    """One Adam step in place (PyTorch's update, on the whole list at once)."""
    import torch

    beta1, beta2, eps = ADAM
    torch._foreach_lerp_(m, grads, 1 - beta1)
    torch._foreach_mul_(v, beta2)
    torch._foreach_addcmul_(v, grads, grads, 1 - beta2)
    denom = torch._foreach_sqrt(v)
    torch._foreach_div_(denom, (1 - beta2**t) ** 0.5)
    torch._foreach_add_(denom, eps)
    torch._foreach_addcdiv_(w, m, denom, -lr / (1 - beta1**t))


def advance(regime: str, k: int, cfg: Config, state: JobState, cap: int) -> JobState:
    """Train a job on from ``state`` until every seed reached the target or ``cap`` steps were taken. A seed
    stops when it reaches the target; the others train on without it, on the same data they would have had."""
    import torch

    if 2 * k - 1 > cfg.bits:
        raise ValueError(f"k = {k} needs at least {2 * k - 1} bits for a disjoint wrong subset")
    if state.done or state.step >= cap:
        return state
    gen = torch.Generator()
    gen.set_state(torch.from_numpy(state.generator.copy()))
    g_n, n = cfg.seeds, cfg.bits
    right_np, wrong_np = _subsets(cfg, k, g_n)
    outcome_only = regime in ("outcome", "answers")
    batch = cfg.batch * k if regime == "answers" else cfg.batch
    weights = [torch.from_numpy(a.copy()) for a in state.weights]
    moments = [[torch.from_numpy(a.copy()) for a in ms] or [torch.zeros_like(a) for a in weights]
               for ms in state.moments]  # fmt: skip
    full = [weights, *moments]  # every seed's weights, first and second moments
    reached, curves = list(state.reached), [list(c) for c in state.curves]
    live = [s for s in range(g_n) if reached[s] is None]  # the seeds still training, in order
    eye = torch.eye(k)

    def take(seeds: list[int]) -> tuple:
        """The training seeds' slices: weights, moments, subsets and held-out set."""
        idx = torch.tensor(seeds)
        w, m, v = ([t[idx] for t in group] for group in full)
        test = torch.from_numpy(state.test_x[seeds]).float(), torch.from_numpy(state.test_y[seeds])
        return idx, w, m, v, torch.tensor(right_np[seeds]), torch.tensor(wrong_np[seeds]), test

    idx, w, m, v, right, wrong, (test_x, test_y) = take(live)

    def net(z):
        return torch.baddbmm(w[3], torch.relu(torch.baddbmm(w[1], z, w[0])), w[2])[..., 0]

    def chain(x):
        """The k labels of each example's chain (G, B, k): partial parities of S, or of S′ then the truth."""
        truth = partial_parities(x, right)
        if k == 1 or not (regime == "wrong" or (regime == "process" and cfg.process_chain == "wrong")):
            return truth
        return torch.cat([partial_parities(x, wrong)[..., : k - 1], truth[..., -1:]], dim=2)

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

    def keep() -> None:
        """Write the training seeds' weights and moments back."""
        for group, part in zip(full, (w, m, v), strict=True):
            for t, p in zip(group, part, strict=True):
                t[idx] = p

    steps_j = torch.arange(k).repeat(batch)  # every example is scored on all k steps of its chain
    step = state.step
    for step in range(state.step + 1, cap + 1):
        x = random_bits(gen, (g_n, batch), n, None if len(live) == g_n else idx)
        labels = chain(x)
        if outcome_only:
            z, target = 2 * x.float() - 1, labels[..., -1]
        else:  # teacher forcing: step j is given the true partial parity before it (p₀ = 0)
            prev = torch.cat([torch.zeros_like(labels[..., :1]), labels[..., :-1]], dim=2)
            xs = x.float().repeat_interleave(k, dim=1)  # (G, B·k, n)
            z, target = (
                features(xs, prev.reshape(len(live), -1).float(), steps_j),
                labels.reshape(len(live), -1),
            )
        adam_step(w, mlp_grads(z, target.float(), w), m, v, step, cfg.lr)
        if step % cfg.eval_every == 0:
            acc = (predict(test_x) == test_y).float().mean(1).tolist()
            for s, a in zip(live, acc, strict=True):
                curves[s].append(a)
                if a >= cfg.target:
                    reached[s] = step
            if any(reached[s] is not None for s in live):
                keep()
                live = [s for s in live if reached[s] is None]
                if not live:
                    break
                idx, w, m, v, right, wrong, (test_x, test_y) = take(live)
    if live:
        keep()
    return JobState(
        weights=[a.numpy() for a in weights],
        moments=([a.numpy() for a in moments[0]], [a.numpy() for a in moments[1]]),
        generator=gen.get_state().numpy(),
        test_x=state.test_x,
        test_y=state.test_y,
        step=step,
        reached=reached,
        curves=curves,
    )


def runs_of(regime: str, k: int, state: JobState, cap: int, eval_every: int) -> list[RunCurve]:
    """Each seed's run under budget ``cap``, from a state trained to at least that budget or to its end (a
    longer job cut short at ``cap`` is the run that budget gives: training never looks ahead)."""
    if not state.done and state.step < cap:
        raise ValueError(f"the job stopped at step {state.step}, short of the budget {cap}")
    runs = []
    for s, r in enumerate(state.reached):
        steps = min(state.step if r is None else r, cap)
        reached = r if r is not None and r <= cap else None
        runs.append(RunCurve(regime, k, s, reached, steps, cap, state.curves[s][: steps // eval_every]))
    return runs


def run_job(regime: str, k: int, cfg: Config) -> list[RunCurve]:
    """Train every seed of one (regime, k) as one batched network; return each seed's run."""
    return runs_of(
        regime, k, advance(regime, k, cfg, _start(regime, k, cfg), cfg.steps), cfg.steps, cfg.eval_every
    )


def _job(args: tuple) -> JobState:
    regime, k, cfg, state, cap = args
    return advance(regime, k, cfg, state or _start(regime, k, cfg), cap)


def growth_slopes(
    ks: list[int], steps: dict[str, np.ndarray], n_boot: int, seed: int
) -> tuple[dict[str, Estimate], dict[str, Estimate]]:
    """Slope of ln(steps) against k per regime, and its differences from outcome-only, with 95% intervals from a
    bootstrap over seeds (the same seeds drawn for every regime, since seed s has the same subset in all)."""
    from experiments.common.stats import percentile_interval

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


# The jobs this process already trained, by (regime, k, training settings): a later call (a specification of the
# robustness map) that shares a job reuses it, cut short where its budget is lower, trained on where it is higher.
_JOBS: dict[tuple, JobState] = {}


def _training(cfg: Config) -> Config:
    """The settings a job depends on besides its regime, k and budget (the rest set to neutral values)."""
    return replace(cfg, ks=(), steps=0, bootstrap=0)


def _train_all(jobs: list[tuple[str, int]], cfg: Config, progress: Progress) -> list[list[RunCurve]]:
    """Every (regime, k) job's runs under the budget ``cfg.steps``: from the jobs already trained in this process
    where they cover it, else trained (on from where they stopped)."""
    import torch

    key = _training(cfg)
    todo = [
        (r, k, cfg, _JOBS.get((r, k, key)), cfg.steps)
        for r, k in jobs
        if (state := _JOBS.get((r, k, key))) is None or (not state.done and state.step < cfg.steps)
    ]
    states = parallel.run_all(_job, todo, on_gpu=torch.cuda.is_available(), desc="runs", progress=progress)
    for (r, k, *_), state in zip(todo, states, strict=True):
        _JOBS[(r, k, key)] = state
    return [runs_of(r, k, _JOBS[(r, k, key)], cfg.steps, cfg.eval_every) for r, k in jobs]


def run(cfg: Config, progress: Progress = silent) -> Result:
    from experiments.common.stats import t_interval, wilson

    if cfg.steps % cfg.eval_every:
        raise ValueError(f"the budget ({cfg.steps}) must be a multiple of eval_every ({cfg.eval_every})")
    # the wrong chain and the alternative run at k_hardest; outcome and process at every k; the slowest first
    ks = sorted(cfg.ks)
    jobs = [(r, k) for k in reversed(ks) for r in REGIMES if r in ("outcome", "process") or k == ks[-1]]
    done = _train_all(jobs, cfg, progress)
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
