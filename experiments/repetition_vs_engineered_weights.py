"""Learning weights by repetition against writing them down: what each costs, and what repetition buys.

- **Repetition against a closed form.** P random input patterns (N inputs) map to random ±1 targets (M
  outputs), for P up to a share ``fill`` of N (the problem's shape: M and P/N). An iterative method repeats
  passes over the data until its stopping rule (``stop``: the closed form's own quality, every output within
  ``tolerance`` of its target, or only the right sign with a margin); the closed form computes the
  least-squares weights in one step. The iterative method is tuned as well as we can: gradient descent with the optimal fixed step
  2/(λmax+λmin) of its quadratic loss, or conjugate gradient on the least squares (CGLS), which needs no step at
  all. Both are counted in FLOPs (torch's FlopCounterMode for the matrix products, plus the textbook count for the
  linear solve, the vector updates, the stopping test and the set-up products) and timed (min of k). The
  negative control runs the same methods on orthonormal inputs, where one pass is exact.
- **Duplication.** K students learning the same mapping independently, against one copy of trained weights
  into a network of the same shape (elements copied), and against distillation into a different architecture
  (a tanh network), which has to learn again (the negative control).
- **What repetition buys.** A Hopfield network of N neurons: weights written in one shot against iterative
  (perceptron) learning of the same patterns, recall from corrupted cues against the load α = P/N. The one-shot
  comparator is the projection (pseudo-inverse) rule, the one-shot counterpart of the closed form above; local
  Hebbian storage, which breaks down above α ≈ 0.14, is run beside it (the negative control).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from experiments.common.counting import flops, min_time_ratio
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval
from experiments.common.training import Stop, stop_of

METHODS = ("gd_tuned", "cg")  # the iterative methods: tuned gradient descent, conjugate gradient
ONE_SHOT = ("projection", "hebbian")  # the one-shot storage rules
# the iterative methods' stopping rules: every output bit on the right side of its target by this margin, or
# (None) every output within ``tolerance`` of its target, the quality of the closed form
STOPS: dict[str, float | None] = {"margin50": 0.5, "margin90": 0.9, "exact": None}


@dataclass(frozen=True)
class Config:
    inputs: int = 64  # N for the associative map
    outputs: int = 16  # M
    fill: float = 0.75  # the largest P as a share of N (below 1, so the closed form is exact)
    sizes: tuple[float, ...] = (1 / 6, 1 / 3, 1 / 2, 2 / 3, 1.0)  # the P of the cost curve, ÷ the largest P
    method: str = "gd_tuned"  # the iterative method the verdict reads (one of METHODS)
    stop: str = "exact"  # the iterative methods' stopping rule (one of STOPS)
    tolerance: float = 1e-6  # "exact": every output within this of its target
    max_epochs: int = 20000
    students: int = 4  # K
    hidden: int = 64  # the different architecture distillation must train
    neurons: int = 100  # Hopfield N
    loads: tuple[float, ...] = (0.05, 0.1, 0.14, 0.2, 0.3, 0.4, 0.5, 0.6)
    corruption: float = 0.1  # share of a cue's bits flipped
    perceptron_epochs: int = 1000
    margin: float = 0.5  # perceptron stability margin κ on ξᵢhᵢ/‖wᵢ‖ (Gardner's normalisation)
    capacity_load: float = 0.3  # the load at which the storage rules are compared
    one_shot: str = "projection"  # the one-shot rule the verdict reads (one of ONE_SHOT)
    seeds: int = 5
    timing_repeats: int = 5
    seed: int = 0

    @property
    def patterns(self) -> tuple[int, ...]:
        """P of the cost curve: the shares ``sizes`` of the largest P, ``fill`` × N, rounded."""
        largest = self.fill * self.inputs
        return tuple(sorted({max(1, round(share * largest)) for share in self.sizes}))


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    method: str  # the iterative method the verdict reads
    stop: str  # its stopping rule
    epochs: Estimate  # passes that method needs at the largest P, over seeds
    flop_ratio: Estimate  # its FLOPs ÷ FLOPs of the closed form at the largest P
    control_epochs: Estimate  # the same on orthonormal inputs (the negative control: one pass is exact)
    control_flop_ratio: Estimate
    students: int  # K
    duplicate_ratio: float  # FLOPs of K independent learners ÷ FLOPs of one
    copy_share: float  # elements copied ÷ FLOPs of one learner (copying trained weights)
    distill_share: Estimate  # FLOPs of distilling into another architecture ÷ FLOPs of one learner
    load: float  # the load α at which the storage rules are compared
    one_shot: str  # the one-shot rule the verdict reads
    one_shot_recall: Estimate  # share of patterns recalled at that load with that rule
    hebbian_recall: Estimate  # the same, one-shot Hebbian (the negative control)
    iterative_recall: Estimate  # the same, perceptron-trained
    one_shot_gap: Estimate  # one-shot minus iterative recall, paired by seed (same patterns, same cues)
    hebbian_gap: Estimate  # the same for Hebbian storage
    stops: tuple[Stop, ...]  # how the perceptron runs at that load ended (the iterative methods above always
    # reach their rule or raise)


@dataclass
class Result:
    evidence: Evidence
    patterns: list[int]
    epochs: dict[str, list[float]]  # passes per P, mean over seeds, per method
    flops: dict[str, list[float]]  # FLOPs per P, mean over seeds, per method
    ratio: dict[str, Estimate]  # FLOPs ÷ closed form at the largest P, per method
    passes: dict[str, Estimate]  # passes at the largest P, per method
    closed_flops: list[float]
    time_ratio: list[float]  # min-of-k time, the verdict's method ÷ closed form, per P (corroboration)
    loads: list[float]
    recall: dict[str, list[float]]  # recall share per load, mean over seeds, per rule (and "iterative")
    recall_at: dict[str, Estimate]  # recall at capacity_load, per rule (and "iterative")
    storage_flops: dict[str, float]  # FLOPs to store αN patterns at capacity_load, per rule (and "iterative")
    iterative_epochs: float
    students: int
    stops: list[Stop]  # every perceptron run, at every load


def associations(p: int, cfg: Config, rng: np.random.Generator):
    import torch

    x = torch.tensor(rng.normal(size=(p, cfg.inputs)) / np.sqrt(cfg.inputs))
    y = torch.tensor(rng.choice([-1.0, 1.0], size=(p, cfg.outputs)))
    return x, y


def orthonormal_associations(p: int, cfg: Config, rng: np.random.Generator):
    """The negative control's inputs: P orthonormal patterns (XXᵀ = I), for which one pass of either iterative
    method is exact; random ±1 targets as above."""
    import torch

    q, _ = np.linalg.qr(rng.normal(size=(cfg.inputs, p)))
    y = torch.tensor(rng.choice([-1.0, 1.0], size=(p, cfg.outputs)))
    return torch.tensor(q.T.copy()), y


def _recalled(out, y, cfg: Config) -> bool:
    """The stopping rule of every iterative method: every output within ``tolerance`` of its target ("exact",
    the closed form's quality), or every output bit on the right side with the stop's margin."""
    margin = STOPS[cfg.stop]
    if margin is None:
        return bool(((out - y).abs() <= cfg.tolerance).all())
    return bool(((out * y) > margin).all())


def optimal_step(x) -> float:
    """2/(λmax+λmin) over the non-zero eigenvalues of the loss's Hessian (N/P)·XᵀX: the fixed step that
    minimises the worst contraction factor of gradient descent. It is an oracle: its cost is not counted."""
    import torch

    lam = torch.linalg.eigvalsh(x @ x.T) * (x.shape[1] / x.shape[0])
    return float(2.0 / (lam.max() + lam.min()))


def gradient_descent(x, y, cfg: Config, init=None):
    """Full-batch gradient descent on the squared error with the optimal fixed step, from zero or ``init``,
    until its stopping rule holds; returns (weights, passes over the data)."""
    import torch

    step = optimal_step(x) * (x.shape[1] / x.shape[0])
    w = torch.zeros(x.shape[1], y.shape[1], dtype=torch.float64) if init is None else init.clone()
    for epoch in range(1, cfg.max_epochs + 1):
        out = x @ w
        if _recalled(out, y, cfg):
            return w, epoch - 1
        w -= step * x.T @ (out - y)
    raise RuntimeError(f"gradient descent did not stop ({cfg.stop}) in {cfg.max_epochs} passes")


def conjugate_gradient(x, y, cfg: Config, init=None):
    """Conjugate gradient on the least squares ‖Xw − y‖² (CGLS), every output column at once, from zero or
    ``init``, until its stopping rule holds; returns (weights, passes over the data)."""
    import torch

    w = torch.zeros(x.shape[1], y.shape[1], dtype=torch.float64) if init is None else init.clone()
    r = y - x @ w
    s = x.T @ r
    d, g = s.clone(), (s * s).sum(0)
    for epoch in range(1, cfg.max_epochs + 1):
        if _recalled(y - r, y, cfg):
            return w, epoch - 1
        q = x @ d
        a = g / (q * q).sum(0)
        w += a * d
        r -= a * q
        s = x.T @ r
        g_new = (s * s).sum(0)
        d = s + g_new / g * d
        g = g_new
    raise RuntimeError(f"conjugate gradient did not stop ({cfg.stop}) in {cfg.max_epochs} passes")


LEARN = {"gd_tuned": gradient_descent, "cg": conjugate_gradient}


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


def pass_flops(x, y, method: str) -> float:
    """FLOPs of one pass: the two matrix products, counted, plus the textbook count of the vector updates
    (gradient descent: scale and subtract, 2NM + PM; CGLS: 10NM + 6PM for its dot products and updates) and of
    the stopping test on every output (3PM: difference or product, absolute value, comparison)."""
    import torch

    p, n = x.shape
    m = y.shape[1]
    w = torch.zeros(n, m, dtype=torch.float64)
    products = flops(lambda: x.T @ (x @ w - y))
    return products + 3 * p * m + (2 * n * m + p * m if method == "gd_tuned" else 10 * n * m + 6 * p * m)


def learn_flops(x, y, method: str, passes: int) -> float:
    """FLOPs of a whole run: its passes, and what a run does besides them. Gradient descent tests the stop once
    more after its last pass (one product XW and the test); CGLS sets up its residual and first direction, Y −
    XW and XᵀR (a pass's two products), and tests the stop once more."""
    p, n = x.shape
    m = y.shape[1]
    extra = 2 * p * n * m if method == "gd_tuned" else 4 * p * n * m + p * m + 2 * n * m
    return pass_flops(x, y, method) * passes + extra + 3 * p * m


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


def cues_of(patterns: np.ndarray, cfg: Config, rng: np.random.Generator) -> np.ndarray:
    """Recall cues: the patterns with a share ``corruption`` of their bits flipped."""
    return patterns * np.where(rng.random(patterns.shape) < cfg.corruption, -1, 1)


def recall_from(weights: np.ndarray, patterns: np.ndarray, cues: np.ndarray) -> float:
    """Share of patterns recovered (overlap ≥ 0.95) from the cues, by synchronous sign updates until nothing
    changes."""
    state = cues.astype(float)
    for _ in range(50):
        new = np.where(state @ weights.T >= 0, 1.0, -1.0)
        if np.array_equal(new, state):
            break
        state = new
    overlap = (state * patterns).mean(1)
    return float((overlap >= 0.95).mean())


def hopfield_recall(
    weights: np.ndarray, patterns: np.ndarray, cfg: Config, rng: np.random.Generator
) -> float:
    """Share of patterns recovered from fresh cues with a share ``corruption`` of their bits flipped."""
    return recall_from(weights, patterns, cues_of(patterns, cfg, rng))


def hebbian(patterns: np.ndarray) -> np.ndarray:
    """One-shot local storage: W = (1/N) Σ ξξᵀ, no self-connections."""
    n = patterns.shape[1]
    w = patterns.T @ patterns / n
    np.fill_diagonal(w, 0)
    return w


def projection(patterns: np.ndarray) -> np.ndarray:
    """One-shot projection (pseudo-inverse) storage: W = Ξᵀ(ΞΞᵀ)⁻¹Ξ, the projector onto the patterns, with
    the self-connections removed (Kanter & Sompolinsky 1987), which widens the basins of attraction."""
    w = patterns.T @ np.linalg.solve(patterns @ patterns.T, patterns)
    np.fill_diagonal(w, 0)
    return w


STORE = {"projection": projection, "hebbian": hebbian}


def storage_flops(rule: str, p: int, n: int) -> float:
    """Textbook FLOPs of one-shot storage: Hebb, one (N×P)(P×N) product; projection, ΞΞᵀ, its solve against
    Ξ, and the product Ξᵀ(…)."""
    if rule == "hebbian":
        return 2.0 * p * n * n
    return 2.0 * p * p * n + (2 / 3) * p**3 + 2.0 * p * p * n + 2.0 * p * n * n


def perceptron_flops(p: int, n: int, stop: Stop) -> float:
    """Textbook FLOPs of one perceptron run: its Hebbian starting weights (2PN²), the fields at every pass and
    once more at the end when its rule stopped it (2PN² each, plus norms and the margin test), and one update
    product (2PN²) per pass."""
    fields = stop.steps + (1 if stop.reached else 0)
    return (
        2.0 * p * n * n
        + fields * (2.0 * p * n * n + 2.0 * n * n + 3.0 * p * n)
        + stop.steps * 2.0 * p * n * n
    )


def perceptron(patterns: np.ndarray, cfg: Config) -> tuple[np.ndarray, Stop]:
    """Iterative storage: every neuron's weights learn, pass after pass, to make every pattern a fixed point
    with margin κ (Gardner's setting); returns (weights, how the run ended). Its stated rule: no bit below
    the margin; the curve is the share of bits still below it."""
    w = hebbian(patterns)
    curve: list[float] = []
    for epoch in range(1, cfg.perceptron_epochs + 1):
        fields = (
            patterns @ w.T * patterns / np.linalg.norm(w, axis=1)
        )  # (P, N) normalised stability of each bit
        wrong = fields < cfg.margin
        curve.append(float(wrong.mean()))
        if not wrong.any():
            return w, stop_of(curve, cfg.perceptron_epochs, reached=True, steps=epoch - 1)
        w += (wrong * patterns).T @ patterns / patterns.shape[1]
        np.fill_diagonal(w, 0)
    return w, stop_of(curve, cfg.perceptron_epochs, reached=False)


def _over_seeds(xs: list[float]) -> Estimate:
    return t_interval([float(x) for x in xs], "t-interval over seeds")


def _repetition(cfg: Config, progress: Progress):
    """Passes and FLOPs of both iterative methods and of the closed form, per P."""
    epochs: dict[str, list[list[int]]] = {m: [] for m in METHODS}
    fl: dict[str, list[list[float]]] = {m: [] for m in METHODS}
    closed_f, ratios = [], []
    for p in progress(cfg.patterns, "patterns"):
        per: dict[str, list[int]] = {m: [] for m in METHODS}
        for s in range(cfg.seeds):
            x, y = associations(p, cfg, np.random.default_rng([cfg.seed, p, s]))
            for m in METHODS:
                per[m].append(LEARN[m](x, y, cfg)[1])
        for m in METHODS:
            epochs[m].append(per[m])
            fl[m].append([learn_flops(x, y, m, e) for e in per[m]])
        closed_f.append(closed_form_flops(p, cfg.inputs, cfg.outputs))
        x, y = associations(p, cfg, np.random.default_rng([cfg.seed, p, 0]))
        learn = LEARN[cfg.method]
        ratios.append(
            min_time_ratio(partial(learn, x, y, cfg), partial(closed_form, x, y), cfg.timing_repeats)
        )
    return epochs, fl, closed_f, ratios, (x, y)


def _control(cfg: Config, closed: float) -> tuple[Estimate, Estimate]:
    """The verdict's method on orthonormal inputs at the largest P, over seeds: (passes, FLOPs ÷ closed form)."""
    p, learn = cfg.patterns[-1], LEARN[cfg.method]
    passes, ratios = [], []
    for s in range(cfg.seeds):
        x, y = orthonormal_associations(p, cfg, np.random.default_rng([cfg.seed, 77, s]))
        e = learn(x, y, cfg)[1]
        passes.append(e)
        ratios.append(learn_flops(x, y, cfg.method, e) / closed)
    return _over_seeds(passes), _over_seeds(ratios)


def _storage(cfg: Config, progress: Progress):
    """Recall per load and per rule (one-shot rules and the iterative perceptron), and passes at capacity."""
    rules = (*ONE_SHOT, "iterative")
    recall: dict[str, list[list[float]]] = {r: [] for r in rules}
    stops: list[list[Stop]] = []
    for load in progress(cfg.loads, "Hopfield loads"):
        per: dict[str, list[float]] = {r: [] for r in rules}
        stops.append([])
        for s in range(cfg.seeds):
            rng = np.random.default_rng([cfg.seed, int(load * 1000), s])
            pats = rng.choice([-1.0, 1.0], size=(max(1, round(load * cfg.neurons)), cfg.neurons))
            cues = cues_of(pats, cfg, rng)  # the same cues for every rule: the comparison is paired by seed
            for rule in ONE_SHOT:
                per[rule].append(recall_from(STORE[rule](pats), pats, cues))
            w, stop = perceptron(pats, cfg)
            per["iterative"].append(recall_from(w, pats, cues))
            stops[-1].append(stop)
        for r in rules:
            recall[r].append(per[r])
    return recall, stops


def run(cfg: Config, progress: Progress = silent) -> Result:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # small matrices: one BLAS thread is fastest and does not fight other workers
        return _run(cfg, progress)


def _run(cfg: Config, progress: Progress) -> Result:
    import torch

    if cfg.method not in METHODS or cfg.one_shot not in ONE_SHOT:
        raise ValueError(
            f"method {cfg.method!r} / one_shot {cfg.one_shot!r}: not among {METHODS} / {ONE_SHOT}"
        )
    if not 0 < cfg.fill < 1:
        raise ValueError(f"fill {cfg.fill}: the largest P must stay below N for the closed form to be exact")
    if cfg.stop not in STOPS:
        raise ValueError(f"stop {cfg.stop!r}: not among {list(STOPS)}")
    if cfg.capacity_load not in cfg.loads:
        raise ValueError(f"capacity_load {cfg.capacity_load} is not among the loads {cfg.loads}")
    torch.set_num_threads(1)
    epochs, fl, closed_f, ratios, (x, y) = _repetition(cfg, progress)
    closed = closed_f[-1]
    learn = LEARN[cfg.method]  # x, y: the largest P, seed 0
    control_epochs, control_ratio = _control(cfg, closed)

    # duplication: K students, each from its own random start, learn the same mapping
    teacher, e_one = learn(x, y, cfg)
    one = learn_flops(x, y, cfg.method, e_one)
    gen = torch.Generator().manual_seed(cfg.seed)
    student_epochs = [
        learn(x, y, cfg, 0.01 * torch.randn(teacher.shape, generator=gen, dtype=torch.float64))[1]
        for _ in range(cfg.students)
    ]
    k_students = sum(learn_flops(x, y, cfg.method, e) for e in student_epochs)
    copied = torch.empty_like(teacher)
    copied.copy_(teacher)  # the copy itself: one element written per weight
    distill_shares = [
        distill(teacher, cfg, np.random.default_rng([cfg.seed, 99, s]))[0] / one for s in range(cfg.seeds)
    ]

    recall, stops = _storage(cfg, progress)
    at = cfg.loads.index(cfg.capacity_load)
    it_epochs = [s.steps for s in stops[at]]
    recall_at = {r: _over_seeds(v[at]) for r, v in recall.items()}
    n_cap = max(1, round(cfg.capacity_load * cfg.neurons))
    it_mean = float(np.mean(it_epochs))
    it_flops = float(np.mean([perceptron_flops(n_cap, cfg.neurons, s) for s in stops[at]]))
    gap = {r: _over_seeds(np.subtract(recall[r][at], recall["iterative"][at]).tolist()) for r in ONE_SHOT}
    ratio = {m: _over_seeds([f / closed for f in fl[m][-1]]) for m in METHODS}
    passes = {m: _over_seeds(epochs[m][-1]) for m in METHODS}
    evidence = Evidence(
        method=cfg.method,
        stop=cfg.stop,
        epochs=passes[cfg.method],
        flop_ratio=ratio[cfg.method],
        control_epochs=control_epochs,
        control_flop_ratio=control_ratio,
        students=cfg.students,
        duplicate_ratio=k_students / one,
        copy_share=copied.numel() / one,
        distill_share=_over_seeds(distill_shares),
        load=cfg.capacity_load,
        one_shot=cfg.one_shot,
        one_shot_recall=recall_at[cfg.one_shot],
        hebbian_recall=recall_at["hebbian"],
        iterative_recall=recall_at["iterative"],
        one_shot_gap=gap[cfg.one_shot],
        hebbian_gap=gap["hebbian"],
        stops=tuple(stops[at]),
    )
    return Result(
        evidence=evidence,
        patterns=list(cfg.patterns),
        epochs={m: [float(np.mean(e)) for e in epochs[m]] for m in METHODS},
        flops={m: [float(np.mean(f)) for f in fl[m]] for m in METHODS},
        ratio=ratio,
        passes=passes,
        closed_flops=closed_f,
        time_ratio=ratios,
        loads=list(cfg.loads),
        recall={r: [float(np.mean(v)) for v in vs] for r, vs in recall.items()},
        recall_at=recall_at,
        storage_flops={
            **{r: storage_flops(r, n_cap, cfg.neurons) for r in ONE_SHOT},
            "iterative": it_flops,
        },
        iterative_epochs=it_mean,
        students=cfg.students,
        stops=[s for per_load in stops for s in per_load],
    )
