"""Learning weights by repetition against writing them down: what each costs, and what repetition buys.

- **Repetition against a closed form.** P random input patterns (N inputs) map to random ±1 targets (M
  outputs). Gradient descent repeats passes over the data until every output bit is recalled; the closed form
  computes the least-squares weights in one step. Both are counted in FLOPs (torch's FlopCounterMode for the
  matrix products, plus the textbook count for the one linear solve) and timed (min of k).
- **Duplication.** K students learning the same mapping independently, against one copy of trained weights
  into a network of the same shape (elements copied), and against distillation into a different architecture
  (a tanh network), which has to learn again (the negative control).
- **What repetition buys.** A Hopfield network of N neurons: one-shot Hebbian storage against iterative
  (perceptron) learning of the same patterns, recall from corrupted cues against the load α = P/N.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from experiments.common.counting import flops, min_time_ratio
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval


@dataclass(frozen=True)
class Config:
    inputs: int = 64  # N for the associative map
    outputs: int = 16  # M
    patterns: tuple[int, ...] = (8, 16, 24, 32, 48)  # P (below N, so the closed form is exact)
    lr: float = 0.05
    max_epochs: int = 20000
    students: int = 4  # K
    hidden: int = 64  # the different architecture distillation must train
    neurons: int = 100  # Hopfield N
    loads: tuple[float, ...] = (0.05, 0.1, 0.14, 0.2, 0.3, 0.4, 0.5)
    corruption: float = 0.1  # share of a cue's bits flipped
    perceptron_epochs: int = 300
    margin: float = 0.5  # perceptron stability margin κ on ξᵢhᵢ/‖wᵢ‖ (Gardner's normalisation)
    capacity_load: float = 0.3  # the load at which the two storage rules are compared
    seeds: int = 5
    timing_repeats: int = 5
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    epochs: Estimate  # passes gradient descent needs at the largest P, over seeds
    flop_ratio: Estimate  # FLOPs of gradient descent ÷ FLOPs of the closed form at the largest P
    students: int  # K
    duplicate_ratio: float  # FLOPs of K independent learners ÷ FLOPs of one
    copy_share: float  # elements copied ÷ FLOPs of one learner (copying trained weights)
    distill_share: Estimate  # FLOPs of distilling into another architecture ÷ FLOPs of one learner
    load: float  # the load α at which the two storage rules are compared
    hebbian_recall: Estimate  # share of patterns recalled at that load, one-shot Hebbian
    iterative_recall: Estimate  # the same, perceptron-trained


@dataclass
class Result:
    evidence: Evidence
    patterns: list[int]
    gd_epochs: list[float]
    gd_flops: list[float]
    closed_flops: list[float]
    time_ratio: list[float]  # min-of-k time, gradient descent ÷ closed form, per P (corroboration)
    loads: list[float]
    hebbian: list[float]  # recall share per load, mean over seeds
    iterative: list[float]
    hebbian_flops: float  # one outer-product pass at capacity_load
    iterative_flops: float
    iterative_epochs: float
    students: int


def associations(p: int, cfg: Config, rng: np.random.Generator):
    import torch

    x = torch.tensor(rng.normal(size=(p, cfg.inputs)) / np.sqrt(cfg.inputs))
    y = torch.tensor(rng.choice([-1.0, 1.0], size=(p, cfg.outputs)))
    return x, y


def gradient_descent(x, y, cfg: Config, init=None):
    """Full-batch gradient descent on the squared error, from zero or ``init``, until every output bit has the
    right sign with a margin of 0.5; returns (weights, passes over the data)."""
    import torch

    w = torch.zeros(x.shape[1], y.shape[1], dtype=torch.float64) if init is None else init.clone()
    for epoch in range(1, cfg.max_epochs + 1):
        out = x @ w
        if bool(((out * y) > 0.5).all()):
            return w, epoch - 1
        w -= cfg.lr * x.T @ (out - y) * (x.shape[1] / x.shape[0])
    raise RuntimeError(f"gradient descent did not recall {x.shape[0]} patterns in {cfg.max_epochs} passes")


def closed_form(x, y):
    """The minimum-norm least-squares weights, W = Xᵀ(XXᵀ)⁻¹Y: exact recall in one step (P < N)."""
    import torch

    return x.T @ torch.linalg.solve(x @ x.T, y)


def closed_form_flops(p: int, n: int, m: int) -> float:
    """FlopCounterMode counts the matrix products; the P×P solve adds (2/3)P³ + 2P²M (LU and substitution)."""
    import torch

    x = torch.zeros(p, n, dtype=torch.float64)
    y = torch.zeros(p, m, dtype=torch.float64)
    counted = flops(lambda: (x @ x.T, x.T @ y))
    return counted + (2 / 3) * p**3 + 2 * p * p * m


def gd_flops(x, y, epochs: int, cfg: Config) -> float:
    """FLOPs of one pass (forward and gradient products), counted, times the passes."""
    import torch

    w = torch.zeros(x.shape[1], y.shape[1], dtype=torch.float64)
    return flops(lambda: x.T @ (x @ w - y)) * max(epochs, 1)


def distill(teacher_w, cfg: Config, rng: np.random.Generator) -> tuple[float, float]:
    """Train a tanh network of another shape to reproduce a linear teacher's outputs on its inputs; returns
    (FLOPs spent, passes). Copying the teacher's weights into it is impossible: the shapes differ."""
    import torch

    x = torch.tensor(rng.normal(size=(4 * cfg.inputs, cfg.inputs)) / np.sqrt(cfg.inputs))
    target = torch.sign(x @ teacher_w)
    torch.manual_seed(int(rng.integers(2**31)))
    net = torch.nn.Sequential(
        torch.nn.Linear(cfg.inputs, cfg.hidden), torch.nn.Tanh(), torch.nn.Linear(cfg.hidden, cfg.outputs)
    ).double()
    opt = torch.optim.Adam(net.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad()
        ((net(x) - target) ** 2).mean().backward()
        opt.step()

    per_pass = flops(step)
    for epoch in range(1, cfg.max_epochs + 1):
        with torch.no_grad():
            if bool(((net(x) * target) > 0).double().mean() >= 0.99):
                return per_pass * epoch, float(epoch)
        step()
    raise RuntimeError("distillation did not reach 99 % agreement")


def hopfield_recall(
    weights: np.ndarray, patterns: np.ndarray, cfg: Config, rng: np.random.Generator
) -> float:
    """Share of patterns recovered (overlap ≥ 0.95) from cues with a share of bits flipped, by synchronous
    sign updates until nothing changes."""
    cues = patterns * np.where(rng.random(patterns.shape) < cfg.corruption, -1, 1)
    state = cues.astype(float)
    for _ in range(50):
        new = np.where(state @ weights.T >= 0, 1.0, -1.0)
        if np.array_equal(new, state):
            break
        state = new
    overlap = (state * patterns).mean(1)
    return float((overlap >= 0.95).mean())


def hebbian(patterns: np.ndarray) -> np.ndarray:
    """One-shot storage: W = (1/N) Σ ξξᵀ, no self-connections."""
    n = patterns.shape[1]
    w = patterns.T @ patterns / n
    np.fill_diagonal(w, 0)
    return w


def perceptron(patterns: np.ndarray, cfg: Config) -> tuple[np.ndarray, int]:
    """Iterative storage: every neuron's weights learn, pass after pass, to make every pattern a fixed point
    with margin κ (Gardner's setting); returns (weights, passes)."""
    w = hebbian(patterns)
    for epoch in range(1, cfg.perceptron_epochs + 1):
        fields = (
            patterns @ w.T * patterns / np.linalg.norm(w, axis=1)
        )  # (P, N) normalised stability of each bit
        wrong = fields < cfg.margin
        if not wrong.any():
            return w, epoch - 1
        w += (wrong * patterns).T @ patterns / patterns.shape[1]
        np.fill_diagonal(w, 0)
    return w, cfg.perceptron_epochs


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    epochs, gd_f, closed_f, ratios = [], [], [], []
    for p in progress(cfg.patterns, "patterns"):
        per_seed = []
        for s in range(cfg.seeds):
            x, y = associations(p, cfg, np.random.default_rng([cfg.seed, p, s]))
            per_seed.append(gradient_descent(x, y, cfg)[1])
        epochs.append(per_seed)
        x, y = associations(p, cfg, np.random.default_rng([cfg.seed, p, 0]))
        gd_f.append(gd_flops(x, y, 1, cfg) * float(np.mean(per_seed)))
        closed_f.append(closed_form_flops(p, cfg.inputs, cfg.outputs))
        ratios.append(
            min_time_ratio(
                partial(gradient_descent, x, y, cfg), partial(closed_form, x, y), cfg.timing_repeats
            )
        )
    per_pass = gd_flops(x, y, 1, cfg)  # x, y: the largest P, seed 0

    # duplication: K students, each from its own random start, learn the same mapping
    teacher, e_one = gradient_descent(x, y, cfg)
    one = per_pass * max(e_one, 1)
    gen = torch.Generator().manual_seed(cfg.seed)
    student_epochs = [
        gradient_descent(x, y, cfg, 0.01 * torch.randn(teacher.shape, generator=gen, dtype=torch.float64))[1]
        for _ in range(cfg.students)
    ]
    k_students = per_pass * sum(max(e, 1) for e in student_epochs)
    copied = torch.empty_like(teacher)
    copied.copy_(teacher)  # the copy itself: one element written per weight
    distill_shares = [
        distill(teacher, cfg, np.random.default_rng([cfg.seed, 99, s]))[0] / one for s in range(cfg.seeds)
    ]

    heb, ite, it_epochs = [], [], []
    for load in progress(cfg.loads, "Hopfield loads"):
        h_s, i_s = [], []
        for s in range(cfg.seeds):
            rng = np.random.default_rng([cfg.seed, int(load * 1000), s])
            pats = rng.choice([-1.0, 1.0], size=(max(1, round(load * cfg.neurons)), cfg.neurons))
            h_s.append(hopfield_recall(hebbian(pats), pats, cfg, rng))
            w, e = perceptron(pats, cfg)
            i_s.append(hopfield_recall(w, pats, cfg, rng))
            if load == cfg.capacity_load:
                it_epochs.append(e)
        heb.append(h_s)
        ite.append(i_s)
    if cfg.capacity_load not in cfg.loads:
        raise ValueError(f"capacity_load {cfg.capacity_load} is not among the loads {cfg.loads}")
    at = cfg.loads.index(cfg.capacity_load)
    n_cap = max(1, round(cfg.capacity_load * cfg.neurons))
    closed = closed_f[-1]
    evidence = Evidence(
        epochs=t_interval([float(e) for e in epochs[-1]], "t-interval over seeds"),
        flop_ratio=t_interval([per_pass * max(e, 1) / closed for e in epochs[-1]], "t-interval over seeds"),
        students=cfg.students,
        duplicate_ratio=k_students / one,
        copy_share=copied.numel() / one,
        distill_share=t_interval(distill_shares, "t-interval over seeds"),
        load=cfg.capacity_load,
        hebbian_recall=t_interval(heb[at], "t-interval over seeds"),
        iterative_recall=t_interval(ite[at], "t-interval over seeds"),
    )
    return Result(
        evidence=evidence,
        patterns=list(cfg.patterns),
        gd_epochs=[float(np.mean(e)) for e in epochs],
        gd_flops=gd_f,
        closed_flops=closed_f,
        time_ratio=ratios,
        loads=list(cfg.loads),
        hebbian=[float(np.mean(h)) for h in heb],
        iterative=[float(np.mean(i)) for i in ite],
        hebbian_flops=2.0 * n_cap * cfg.neurons**2,  # Σ ξξᵀ: one product of a (N×P) and a (P×N) matrix
        iterative_flops=4.0 * n_cap * cfg.neurons**2 * max(float(np.mean(it_epochs)), 1),  # fields + update
        iterative_epochs=float(np.mean(it_epochs)),
        students=cfg.students,
    )
