"""What a gradient costs: the parameter-shift rule in shots, against SPSA, adjoint, backpropagation and an MLP.

The circuit family is a layered real-amplitude ansatz on ``n_qubits`` wires: each layer is an RY rotation on
every wire followed by a CNOT ladder, so P = n_qubits × layers; the output is ⟨Z₀⟩.

What hardware pays is measured twice: the total shots for a gradient whose every component has standard error
ε, against P (bounded by P/ε² by arithmetic, so a sanity check), and, decisively, on a small training task, the
shots that parameter shift and SPSA (the strongest practical alternative: two
circuits per step, whatever P) need to reach a target cost. Parameter shift's step size is tuned on a grid;
SPSA's gain and its perturbation c are tuned together, on the same step-size grid and a grid of c fixed by
Spall's guideline. Shot noise is exact: a ⟨Z⟩ estimated from S shots is one binomial draw, computed from our
own state-vector simulator of the ansatz (checked against lightning.qubit). Every shifted circuit's ⟨Z₀⟩
comes from one forward and one backward (Heisenberg-picture) pass, so a gradient costs O(P) layer products
to simulate, not O(P²).

Results that a robustness specification cannot change (the counts at the same qubit number, the training runs
at the same shots) are computed once per process and reused across the specifications.

Sanity measurements, which hold by construction: circuit executions counted by PennyLane's Tracker against
the light-cone prediction, adjoint and backprop work ratios, and the FLOP ratio of a classical MLP. Min-of-k
timings, interleaved, corroborate the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np

from experiments.common.counting import bytes_written, flops, min_time_ratio
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, loglog_slope, percentile_interval
from experiments.common.training import Stop, stop_of

METHODS = ("parameter-shift", "adjoint", "backprop")
DEVICE = {"parameter-shift": "lightning.qubit", "adjoint": "lightning.qubit", "backprop": "default.qubit"}


@dataclass(frozen=True)
class Config:
    n_qubits: int = 4  # a small register: P grows through depth (P = n_qubits × layers)
    layers: tuple[int, ...] = (1, 2, 4, 8)  # depths for the counted executions
    timing_repeats: int = 2  # k in the min-of-k timings that corroborate the counts
    shot_layers: tuple[int, ...] = (1, 2, 4, 8, 16, 32)  # depths for the shots of an ε-accurate gradient
    shot_draws: int = 32  # random parameter sets per P
    epsilon: float = 0.01  # target standard error of each gradient component
    fit_from: int = (
        16  # exponents are fitted on P ≥ fit_from (a knob: the per-parameter demand levels off late)
    )
    trainable: int = 0  # 0: every parameter; k: only the first k, the others held at 0 (a null: no growth)
    train_layers: tuple[int, ...] = (1, 2, 4, 8, 16, 32)  # depths for the training task
    train_seeds: int = 16  # random starts per P and method
    # step sizes (parameter shift) and SPSA's initial gain a₀, tuned per P
    train_rates: tuple[float, ...] = (0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
    train_shots: int = 100  # shots per circuit execution while training
    train_target: float = -0.95  # the task: bring ⟨Z₀⟩ (minimum −1) down to this
    train_steps: int = 100  # cap for parameter shift
    spsa_steps: int = 1000  # cap for SPSA (its steps are cheaper)
    # SPSA's perturbation c₀, tuned per P with its gain, on a grid fixed by a rule: Spall's guideline puts c near
    # the standard deviation σ = 1/√S of one estimate of ⟨Z⟩ from S shots; the grid runs from σ/2 to 8σ in
    # factors of 2 (0.05 to 0.8 rad at 100 shots)
    spsa_c_factors: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0)
    bootstrap: int = 1000  # replicates for the exponents' intervals
    mlp_widths: tuple[int, ...] = (16, 64, 256)  # 4 hidden layers: parameters grow ~16× per step
    mlp_depth: int = 4
    mlp_batch: int = 64
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads (counted shots and counted executions; a busy machine cannot change them)."""

    shots_exponent: Estimate  # exponent in P of the total shots for an ε-accurate gradient (P ≥ fit_from)
    fixed_exponent: Estimate  # the same for a fixed set of parameters while P grows (negative control)
    ps_train_exponent: Estimate  # exponent in P of parameter shift's shots to the target cost (tuned)
    spsa_train_exponent: Estimate  # the same for SPSA (tuned)
    spsa_over_ps: Estimate  # SPSA's shots to target ÷ parameter shift's, at the largest trained P
    stops: dict[str, list[Stop]]  # how every training run at the chosen settings ended, per method
    # sanity: counted executions, true by construction
    params: list[int]
    ps_executions: list[int]  # circuit executions for forward + gradient by parameter shift (Tracker), per P
    light_cone_zeros: list[int]  # parameters outside the measured wire's light cone (our own count), per P
    ps_exponent: Estimate  # exponent of parameter-shift executions in P
    adjoint_exponent: Estimate  # exponent of adjoint executions (Tracker) in P
    backprop_exponent: Estimate  # exponent of backprop's (forward + gradient)/forward bytes written in P
    mlp_max_ratio: Estimate  # largest (forward + backward)/forward FLOP ratio of the classical MLP
    mlp_exponent: Estimate  # exponent of that ratio in the MLP's parameter count
    simulator_error: float  # largest |our ⟨Z₀⟩ − lightning.qubit's| on a sample of circuits


@dataclass
class MethodCost:
    method: str
    executions: list[int]  # circuit executions for forward + gradient (Tracker), per P
    work_ratio: list[float]  # counted (forward + gradient)/forward: executions, or bytes for backprop
    time_ratio: list[float]  # min-of-k (forward + gradient)/forward time ratio, per P (corroboration)
    time_exponent: float


@dataclass
class ShotCost:
    epsilon: float
    params: list[int]
    executions: list[int]  # circuits parameter shift runs for one gradient (forward included)
    total_shots: list[float]  # mean over draws of the shots for standard error ε on every component
    fixed_shots: list[float]  # the same for the first-layer parameters only
    exponent: Estimate
    fixed_exponent: Estimate


@dataclass
class TrainCost:
    """Shots to the target cost, per method and P, at the settings tuned for each."""

    params: list[int]
    median_shots: dict[str, list[float]]  # method -> median over seeds at its best setting, per P
    median_steps: dict[str, list[float]]  # method -> median steps to the target (or to the cap), per P
    best_rate: dict[str, list[float]]  # method -> the tuned step size (SPSA: its initial gain a₀), per P
    best_c: list[float]  # SPSA's tuned perturbation c₀, per P
    c_grid: list[float]  # the c₀ SPSA was tuned on
    reached: dict[str, list[int]]  # method -> seeds that reached the target at the best setting, per P
    seeds: int


@dataclass
class MlpCost:
    params: list[int]
    flop_ratio: list[float]  # (forward + backward)/forward FLOPs, per width
    time_ratio: list[float]  # min-of-k time ratio, per width (corroboration)


@dataclass
class Result:
    evidence: Evidence
    n_qubits: int
    methods: dict[str, MethodCost]
    shots: ShotCost
    training: TrainCost
    mlp: MlpCost
    fit_from: int  # exponents are fitted on P ≥ this


def circuit_gates(n_qubits: int, layers: int) -> list[tuple[str, tuple[int, ...]]]:
    """The ansatz as a gate list: per layer an RY on every wire, then a CNOT ladder."""
    gates: list[tuple[str, tuple[int, ...]]] = []
    for _ in range(layers):
        gates += [("RY", (q,)) for q in range(n_qubits)]
        gates += [("CNOT", (q, q + 1)) for q in range(n_qubits - 1)]
    return gates


def light_cone_zeros(n_qubits: int, layers: int, measured: int = 0) -> int:
    """Rotations that cannot reach the measured wire: walk the gates backwards from the measurement."""
    live, outside = {measured}, 0
    for name, wires in reversed(circuit_gates(n_qubits, layers)):
        if name == "CNOT" and live & set(wires):
            live |= set(wires)
        elif name == "RY" and wires[0] not in live:
            outside += 1
    return outside


# --- own real-amplitude simulator for the ansatz (RY + CNOT ladder are real) -----------------------------


def _ladder_permutation(n_qubits: int) -> np.ndarray:
    """The CNOT ladder CNOT(0,1)…CNOT(n−2,n−1) as a permutation of basis states (wire 0 is the top bit)."""
    perm = np.arange(2**n_qubits)
    for q in range(n_qubits - 1):
        c, t = n_qubits - 1 - q, n_qubits - 2 - q  # bit positions of control and target
        perm = np.where((perm >> c) & 1, perm ^ (1 << t), perm)
    return perm


def expval_z0(theta: np.ndarray, n_qubits: int) -> np.ndarray:
    """⟨Z₀⟩ of the ansatz for a batch of angle sets ``theta`` of shape (B, layers, n_qubits).

    The state is held as (2ⁿ, B), the batch last, so that each RY is four vectorised products over the
    batch (wire 0 is the top bit); the CNOT ladder is a permutation of the basis states.
    """
    b, layers, n = theta.shape
    dim = 2**n
    cos = np.ascontiguousarray(np.cos(theta / 2).transpose(1, 2, 0))  # (layers, n, B)
    sin = np.ascontiguousarray(np.sin(theta / 2).transpose(1, 2, 0))
    inverse = np.argsort(_ladder_permutation(n))
    state, out, tmp = np.zeros((dim, b)), np.empty((dim, b)), np.empty((dim // 2, b))
    state[0] = 1.0
    for layer in range(layers):
        for q in range(n):
            v, o, t = state.reshape(2**q, 2, -1, b), out.reshape(2**q, 2, -1, b), tmp.reshape(2**q, -1, b)
            c, s = cos[layer, q], sin[layer, q]
            np.multiply(v[:, 0], c, out=o[:, 0])
            np.multiply(v[:, 1], s, out=t)
            o[:, 0] -= t
            np.multiply(v[:, 0], s, out=o[:, 1])
            np.multiply(v[:, 1], c, out=t)
            o[:, 1] += t
            state, out = out, state
        state = state[inverse]  # the CNOT ladder: the amplitude of |i⟩ moves to |perm(i)⟩
        out = np.empty_like(state)
    prob = state**2
    return prob[: dim // 2].sum(0) - prob[dim // 2 :].sum(0)


def _apply_ry(state: np.ndarray, n_qubits: int, q: int, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """RY on wire ``q`` of a batch of real states (B, 2ⁿ), with cos and sin of half the angle, (B,) or scalars."""
    b = state.shape[0]
    v = state.reshape(b, 2**q, 2, -1)
    c, s = np.reshape(c, (-1, 1, 1)), np.reshape(s, (-1, 1, 1))
    a0, a1 = v[:, :, 0, :], v[:, :, 1, :]
    return np.stack([c * a0 - s * a1, s * a0 + c * a1], 2).reshape(b, -1)


def layer_matrix(theta_layer: np.ndarray, n_qubits: int) -> np.ndarray:
    """One layer (RY on every wire, then the CNOT ladder) as real 2ⁿ × 2ⁿ matrices, from angles (B, n)."""
    c, s = np.cos(theta_layer / 2), np.sin(theta_layer / 2)
    ry = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)  # (B, n, 2, 2)
    k = ry[:, 0]
    for q in range(1, n_qubits):  # wire 0 is the top bit: RY₀ ⊗ RY₁ ⊗ …
        k = np.einsum("bij,bkl->bikjl", k, ry[:, q]).reshape(len(k), 2 * k.shape[1], 2 * k.shape[2])
    return k[:, np.argsort(_ladder_permutation(n_qubits)), :]  # the ladder moves |i⟩ to |perm(i)⟩


def shifted_expvals(theta: np.ndarray, n_qubits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """⟨Z₀⟩ at θ and at θ ± π/2 on each single angle: (B,), (B, layers, n), (B, layers, n).

    One forward pass keeps the state before every layer; one backward pass carries the observable back
    through the layers (Heisenberg picture, H ← Mᵀ H M). Since RY(θ + s) = RY(θ)·RY(s) and rotations on
    different wires commute, shifting angle (l, q) gives ⟨Z₀⟩ = χᵀ H_l χ with χ = RY_q(s)ψ_l, where ψ_l and
    H_l are the state and the observable just before layer l. Equal to simulating every shifted circuit.
    """
    b, layers, n = theta.shape
    dim = 2**n
    states = np.empty((b, layers + 1, dim))
    state = np.zeros((b, dim))
    state[:, 0] = 1.0
    for layer in range(layers):
        states[:, layer] = state
        state = (layer_matrix(theta[:, layer], n) @ state[..., None])[..., 0]
    z = np.where(np.arange(dim) < dim // 2, 1.0, -1.0)
    value = (state**2 * z).sum(1)
    h = np.broadcast_to(np.diag(z), (b, dim, dim)).copy()
    plus, minus = np.empty((b, layers, n)), np.empty((b, layers, n))
    r = np.sqrt(0.5)  # cos and sin of π/4, half the shift
    for layer in range(layers - 1, -1, -1):
        m = layer_matrix(theta[:, layer], n)
        h = np.swapaxes(m, 1, 2) @ h @ m
        psi = states[:, layer]
        chi = np.stack([_apply_ry(psi, n, q, r, sign * r) for sign in (1.0, -1.0) for q in range(n)], 1)
        e = ((chi @ h) * chi).sum(-1)  # (B, 2n)
        plus[:, layer], minus[:, layer] = e[:, :n], e[:, n:]
    return value, plus, minus


def _cone(n_qubits: int, layers: int) -> np.ndarray:
    """Mask (layers, n_qubits): True for rotations inside the measured wire's light cone."""
    live, inside = {0}, np.zeros((layers, n_qubits), dtype=bool)
    gates = circuit_gates(n_qubits, layers)
    k = len([g for g in gates if g[0] == "RY"])
    for name, wires in reversed(gates):
        if name == "CNOT" and live & set(wires):
            live |= set(wires)
        elif name == "RY":
            k -= 1
            inside[k // n_qubits, k % n_qubits] = wires[0] in live
    return inside


def shifted(theta: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ± π/2 shifted copies of one angle set, one per parameter in ``mask``: (K, layers, n) each."""
    idx = np.argwhere(mask)
    plus = np.repeat(theta[None], len(idx), 0)
    minus = plus.copy()
    rows = np.arange(len(idx))
    plus[rows, idx[:, 0], idx[:, 1]] += np.pi / 2
    minus[rows, idx[:, 0], idx[:, 1]] -= np.pi / 2
    return plus, minus


def _qnode(method: str, n_qubits: int, layers: int, shots: int | None = None, seed: int = 0):
    import pennylane as qml

    # a shot-based estimate samples on lightning.qubit (seeded); the analytic runs on each method's device
    name = "lightning.qubit" if shots is not None else DEVICE[method]
    dev = qml.device(name, wires=n_qubits, **({"seed": seed} if shots is not None else {}))
    gate = {"RY": qml.RY, "CNOT": qml.CNOT}

    def circuit(weights):
        flat = weights.reshape(-1)
        k = 0
        for name_, wires in circuit_gates(n_qubits, layers):
            if name_ == "RY":
                gate[name_](flat[k], wires=wires)
                k += 1
            else:
                gate[name_](wires=list(wires))
        return qml.expval(qml.PauliZ(0))

    node = qml.QNode(circuit, dev, diff_method=method, interface="torch")
    if shots is not None:
        node = qml.set_shots(node, shots=shots)
    return dev, node


def _weights(layers: int, n_qubits: int, rng: np.random.Generator):
    import torch

    w = rng.uniform(0, 2 * np.pi, size=(layers, n_qubits))
    return torch.tensor(w, dtype=torch.float64, requires_grad=True)


T = TypeVar("T")
_MEMO: dict[Hashable, Any] = {}


def _once(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per process for each key: the robustness map reruns the experiment at specifications
    that share most of their work (the key names every config field that the work depends on)."""
    if key not in _MEMO:
        _MEMO[key] = compute()
    return _MEMO[key]


def method_cost(method: str, cfg: Config, progress: Progress) -> MethodCost:
    """Counted executions and work, and the min-of-k time ratio, for one method over P."""
    import pennylane as qml

    rng = np.random.default_rng(cfg.seed)
    executions, work, times = [], [], []
    params = [cfg.n_qubits * layers for layers in cfg.layers]
    for layers in progress(cfg.layers, method):
        dev, node = _qnode(method, cfg.n_qubits, layers)
        w = _weights(layers, cfg.n_qubits, rng)

        def forward(node=node, w=w):
            return node(w)

        def gradient(node=node, w=w):
            w.grad = None
            node(w).backward()

        with qml.Tracker(dev) as tracker:  # counted, and the warm-up (caches, lazy imports) for the timings
            gradient()
        executions.append(int(tracker.totals["executions"]))
        if method == "backprop":  # one execution either way: count the simulator's work instead
            work.append(bytes_written(gradient) / bytes_written(forward))
        else:
            with qml.Tracker(dev) as fwd:
                forward()
            work.append(executions[-1] / int(fwd.totals["executions"]))
        times.append(min_time_ratio(gradient, forward, cfg.timing_repeats))
    return MethodCost(method, executions, work, times, time_exponent=loglog_slope(params, times))


def gradient_shots(
    cfg: Config, layers: int, rng: np.random.Generator, subset: int | None = None
) -> np.ndarray:
    """Total shots for a parameter-shift gradient whose every component has standard error ε, per random draw.

    Each component is (Ĉ₊ − Ĉ₋)/2 from two shifted circuits; a ⟨Z⟩ estimated from S shots has variance
    (1 − ⟨Z⟩²)/S, exactly (one binomial per circuit). So component i needs S_i = (2 − e₊² − e₋²)/(4ε²) shots
    on each of its two circuits. Every parameter that parameter shift runs (those inside the light cone) is
    counted; ``subset`` keeps only the first ``subset`` parameters (the negative control: P grows, the
    gradient asked for does not).
    """
    mask = _cone(cfg.n_qubits, layers)
    if subset is not None:
        keep = np.zeros_like(mask)
        keep.reshape(-1)[:subset] = True
        mask = mask & keep
    theta = np.stack([_start(cfg, rng, (layers, cfg.n_qubits)) for _ in range(cfg.shot_draws)])
    _, plus, minus = shifted_expvals(theta, cfg.n_qubits)
    per_circuit = (2 - plus[:, mask] ** 2 - minus[:, mask] ** 2) / (4 * cfg.epsilon**2)
    return 2 * per_circuit.sum(1)


def _slope(x: np.ndarray, y: np.ndarray, fit_from: int) -> float:
    keep = x >= fit_from
    return loglog_slope(x[keep], y[keep])


def shots_exponent(cfg: Config, params: list[int], draws: list[np.ndarray], seed: int, how: str) -> Estimate:
    """Exponent of the mean over draws against P (fitted for P ≥ fit_from), bootstrap over draws."""
    x = np.array(params, dtype=float)
    boot_rng = np.random.default_rng(seed)
    mean = np.array([d.mean() for d in draws])
    boots = []
    for _ in range(cfg.bootstrap):
        m = np.array([d[boot_rng.integers(0, len(d), len(d))].mean() for d in draws])
        boots.append(_slope(x, m, cfg.fit_from))
    return percentile_interval(_slope(x, mean, cfg.fit_from), np.array(boots), how, len(draws[0]))


def _shot_draws(cfg: Config, progress: Progress) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
    """Shots per draw for every parameter and for the first layer's, and the executions, per depth."""
    rng = np.random.default_rng(cfg.seed + 1)
    trainable = cfg.trainable or None
    full, fixed, execs = [], [], []
    for layers in progress(cfg.shot_layers, "shots"):
        full.append(gradient_shots(cfg, layers, rng, trainable))
        fixed.append(gradient_shots(cfg, layers, rng, cfg.n_qubits))
        mask = _cone(cfg.n_qubits, layers)
        execs.append(1 + 2 * int(mask.reshape(-1)[: trainable or mask.size].sum()))
    return full, fixed, execs


def shot_cost(cfg: Config, progress: Progress) -> ShotCost:
    """Shots for an ε-accurate gradient, all parameters (the claim) and a fixed subset (the control)."""
    key = ("shots", cfg.n_qubits, cfg.shot_layers, cfg.shot_draws, cfg.epsilon, cfg.trainable, cfg.seed)
    full, fixed, execs = _once(key, lambda: _shot_draws(cfg, progress))
    params = [cfg.n_qubits * layers for layers in cfg.shot_layers]
    return ShotCost(
        epsilon=cfg.epsilon,
        params=params,
        executions=execs,
        total_shots=[float(d.mean()) for d in full],
        fixed_shots=[float(d.mean()) for d in fixed],
        exponent=shots_exponent(cfg, params, full, cfg.seed + 2, "bootstrap over circuits"),
        fixed_exponent=shots_exponent(cfg, params, fixed, cfg.seed + 3, "bootstrap over circuits"),
    )


# --- the strongest practical alternative: SPSA, on a small training task ---------------------------------


def _estimate(e: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """⟨Z⟩ as hardware reports it from ``shots`` shots: one binomial draw per circuit."""
    p0 = np.clip((1 + e) / 2, 0.0, 1.0)
    return 2 * rng.binomial(shots, p0) / shots - 1


def _start(cfg: Config, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random angles; with ``trainable`` set, only the first ``trainable`` of each set are random, the rest 0."""
    theta = rng.uniform(0, 2 * np.pi, shape)
    if cfg.trainable:
        flat = theta.reshape(*shape[:-2], -1)
        flat[..., cfg.trainable :] = 0.0
        theta = flat.reshape(shape)
    return theta


def _trainable_mask(cfg: Config, layers: int) -> np.ndarray:
    mask = _cone(cfg.n_qubits, layers)
    if cfg.trainable:
        keep = np.zeros_like(mask)
        keep.reshape(-1)[: cfg.trainable] = True
        mask &= keep
    return mask


def spsa_c_grid(cfg: Config) -> list[float]:
    """SPSA's perturbations c₀: the factors times σ = 1/√S, the largest standard deviation of one estimate."""
    return [f / np.sqrt(cfg.train_shots) for f in cfg.spsa_c_factors]


@dataclass
class Trained:
    """One method at one P, at the setting (step size or gain, and SPSA's c₀) with the lowest median shots."""

    shots: np.ndarray  # (seeds,): shots spent until the target was hit; inf when the cap came first
    stops: list[Stop]  # (seeds,)
    rate: float
    c: float  # SPSA's c₀ (0 for parameter shift)
    median: float  # median shots over seeds, a run the cap cut off counted as the shots it spent
    cap_shots: float


def _settings(cfg: Config, method: str) -> list[tuple[float, float]]:
    """The grid a method is tuned on: (step size or a₀, c₀)."""
    if method == "parameter-shift":
        return [(r, 0.0) for r in cfg.train_rates]
    return [(r, c) for r in cfg.train_rates for c in spsa_c_grid(cfg)]


def _prune(done: np.ndarray, pruned: np.ndarray, k: int, per_step: float) -> None:
    """Drop settings that can no longer have the lowest median (in place), so a tuned grid costs little more
    than its winner. Every run of a setting spends the same shots per step, so a run that has not reached the
    target by step k will spend at least (k + 1) steps' shots: that bounds its setting's median from below.
    Once some setting's median is settled (more than half its runs reached), any setting whose bound is above
    it (or equal to it, listed later: the search keeps the first of equals) cannot win. Each setting draws
    from its own generator, so the winner's runs are exactly those of the full grid."""
    g, s = done.shape
    spent = np.where(done >= 0, done * per_step, (k + 1) * per_step)
    bound = np.median(spent, axis=1)
    settled = (done >= 0).sum(1) >= s // 2 + 1
    if not settled.any():
        return
    best = int(np.flatnonzero(settled)[np.argmin(bound[settled])])
    index = np.arange(g)
    pruned |= (bound > bound[best]) | ((bound == bound[best]) & (index > best))


def _ps_step(theta, rows, cols, plus, minus, mask, settings, gens, cfg: Config) -> None:
    """One parameter-shift step for the runs (rows: setting, cols: seed), each setting's shots from its stream."""
    grad = np.zeros((len(rows), *mask.shape))
    for j in np.unique(rows):
        sel = rows == j
        est_p = _estimate(plus[sel], cfg.train_shots, gens[j])
        est_m = _estimate(minus[sel], cfg.train_shots, gens[j])
        g = np.zeros((int(sel.sum()), *mask.shape))
        g[:, mask] = (est_p - est_m) / 2
        grad[sel] = settings[j][0] * g
    theta[rows, cols] -= grad


def _spsa_step(theta, rows, cols, k: int, mask, settings, gens, cfg: Config) -> None:
    """One SPSA step for the runs, all perturbed pairs simulated at once; directions and shots come from each
    setting's own stream, in the same order as if it ran alone."""
    deltas = np.zeros((len(rows), *mask.shape))
    for j in np.unique(rows):
        sel = rows == j
        deltas[sel] = np.where(gens[j].random((int(sel.sum()), *mask.shape)) < 0.5, -1.0, 1.0) * mask
    rate = np.array([settings[j][0] for j in rows]) * 11**0.602 / (k + 11) ** 0.602
    c = (np.array([settings[j][1] for j in rows]) / (k + 1) ** 0.101)[:, None, None]
    here = theta[rows, cols]
    exact_pm = expval_z0(np.concatenate([here + c * deltas, here - c * deltas]), cfg.n_qubits).reshape(2, -1)
    diff = np.zeros(len(rows))
    for j in np.unique(rows):
        sel = np.flatnonzero(rows == j)
        est = _estimate(np.concatenate([exact_pm[0, sel], exact_pm[1, sel]]), cfg.train_shots, gens[j])
        diff[sel] = est[: len(sel)] - est[len(sel) :]
    theta[rows, cols] -= (rate * diff / (2 * c[:, 0, 0]))[:, None, None] * deltas


def train(cfg: Config, method: str, layers: int, seed: int) -> Trained:
    """Minimise ⟨Z₀⟩ from random starts until it is at most ``train_target``, for every setting and seed.

    Both methods see only shot estimates (``train_shots`` per circuit) and move only the parameters inside the
    light cone (or the ``trainable`` ones); the exact cost is the monitor that says when the target is hit
    (it costs no shots). Parameter shift: a fixed step, the rate. SPSA (Spall 1998): a random ±1 direction,
    two circuits per step, with Spall's gains a_k = a₀(A+1)^0.602/(k+1+A)^0.602, c_k = c₀/(k+1)^0.101,
    A = 10, so that both methods start with the same step sizes; a₀ and c₀ are tuned together.
    """
    n, s = cfg.n_qubits, cfg.train_seeds
    mask = _trainable_mask(cfg, layers)
    settings = _settings(cfg, method)
    g = len(settings)
    start = _start(cfg, np.random.default_rng(seed), (s, layers, n))
    theta = np.broadcast_to(start, (g, s, layers, n)).copy()
    gens = [np.random.default_rng([seed, j + 1]) for j in range(g)]  # one stream per setting
    ps = method == "parameter-shift"
    cap = cfg.train_steps if ps else cfg.spsa_steps
    per_step = 2 * cfg.train_shots * (int(mask.sum()) if ps else 1)
    done = np.full((g, s), -1)
    pruned = np.zeros(g, dtype=bool)
    curves = np.full((g, s, cap + 1), np.nan)
    for k in range(cap + 1):
        running = (done < 0) & ~pruned[:, None]  # (g, s)
        if not running.any():
            break
        rows, cols = np.nonzero(running)
        batch = theta[rows, cols]
        if ps:
            cost, plus, minus = shifted_expvals(batch, n)
        else:
            cost = expval_z0(batch, n)
        curves[rows, cols, k] = cost
        hit = cost <= cfg.train_target
        done[rows[hit], cols[hit]] = k
        _prune(done, pruned, k, per_step)
        if k == cap:
            break
        go = ~hit & ~pruned[rows]  # the runs that take a step
        if not go.any():
            continue
        if ps:
            _ps_step(
                theta, rows[go], cols[go], plus[go][:, mask], minus[go][:, mask], mask, settings, gens, cfg
            )
        else:
            _spsa_step(theta, rows[go], cols[go], k, mask, settings, gens, cfg)
    cap_shots = float(per_step * cap)
    shots = np.where(done >= 0, done * per_step, np.inf).astype(float)
    medians = [np.inf if pruned[j] else _median(shots[j], cap_shots) for j in range(g)]
    best = int(np.argmin(medians))
    stops = [
        stop_of(curves[best, i, : (done[best, i] + 1 if done[best, i] >= 0 else cap + 1)].tolist(), cap,
                bool(done[best, i] >= 0))
        for i in range(s)
    ]  # fmt: skip
    rate, c0 = settings[best]
    return Trained(shots[best], stops, rate, c0, medians[best], cap_shots)


def _median_steps(t: Trained) -> float:
    """Median steps to the target; a run the cap cut off counts as the cap (shots ÷ shots per step)."""
    return t.median / (t.cap_shots / t.stops[0].cap)


def _median(shots: np.ndarray, cap_shots: float) -> float:
    """Median shots to target; a run the cap cut off counts as the shots it spent (a lower bound)."""
    return float(np.median(np.where(np.isfinite(shots), shots, cap_shots)))


def _trained(cfg: Config, method: str, i: int, layers: int) -> Trained:
    key = ("train", method, layers, i, cfg.n_qubits, cfg.train_seeds, cfg.train_rates, cfg.train_shots,
           cfg.train_target, cfg.train_steps, cfg.spsa_steps, cfg.spsa_c_factors, cfg.trainable, cfg.seed)  # fmt: skip
    return _once(key, lambda: train(cfg, method, layers, cfg.seed + 100 + i))


def train_cost(
    cfg: Config, progress: Progress
) -> tuple[TrainCost, dict[str, Estimate], Estimate, dict[str, list[Stop]]]:
    """Parameter shift against SPSA on the training task, each with its settings tuned per P."""
    methods = ("parameter-shift", "spsa")
    runs: dict[str, list[Trained]] = {m: [] for m in methods}
    for i, layers in enumerate(progress(cfg.train_layers, "training")):
        for m in methods:
            runs[m].append(_trained(cfg, m, i, layers))
    x = np.array([cfg.n_qubits * layers for layers in cfg.train_layers], dtype=float)
    rng = np.random.default_rng(cfg.seed + 5)
    s = cfg.train_seeds

    def finite(m: str, j: int, pick: np.ndarray) -> np.ndarray:
        v = runs[m][j].shots[pick]
        return np.where(np.isfinite(v), v, runs[m][j].cap_shots)

    boots: dict[str, list[float]] = {m: [] for m in methods}
    ratio_boots = []
    last = len(x) - 1
    for _ in range(cfg.bootstrap):
        picks = [rng.integers(0, s, s) for _ in x]
        for m in methods:
            med = np.array([np.median(finite(m, j, picks[j])) for j in range(len(x))])
            boots[m].append(_slope(x, med, cfg.fit_from))
        other = rng.integers(0, s, s)
        ratio_boots.append(
            np.median(finite("spsa", last, picks[last])) / np.median(finite("parameter-shift", last, other))
        )
    median = {m: [t.median for t in runs[m]] for m in methods}
    exponents = {
        m: percentile_interval(_slope(x, np.array(median[m]), cfg.fit_from), np.array(boots[m]),
                               "bootstrap over random starts", s)
        for m in methods
    }  # fmt: skip
    ratio = percentile_interval(median["spsa"][last] / median["parameter-shift"][last], np.array(ratio_boots),
                                "bootstrap over random starts", s)  # fmt: skip
    result = TrainCost(
        params=[int(p) for p in x],
        median_shots=median,
        median_steps={m: [_median_steps(t) for t in runs[m]] for m in methods},
        best_rate={m: [t.rate for t in runs[m]] for m in methods},
        best_c=[t.c for t in runs["spsa"]],
        c_grid=spsa_c_grid(cfg),
        reached={m: [int(np.isfinite(t.shots).sum()) for t in runs[m]] for m in methods},
        seeds=s,
    )
    stops = {m: [st for t in runs[m] for st in t.stops] for m in methods}
    return result, exponents, ratio, stops


def check_simulator(cfg: Config) -> float:
    """Largest |ours − lightning.qubit's| of ⟨Z₀⟩ over a few random circuits of the ansatz, and of our shifted
    values (forward and backward pass) against simulating every shifted circuit on its own."""
    import torch

    rng = np.random.default_rng(cfg.seed + 9)
    worst = 0.0
    for layers in (1, 3, 8):
        theta = rng.uniform(0, 2 * np.pi, (3, layers, cfg.n_qubits))
        _, node = _qnode("adjoint", cfg.n_qubits, layers)
        theirs = np.array([float(node(torch.tensor(t))) for t in theta])
        value, plus, minus = shifted_expvals(theta, cfg.n_qubits)
        worst = max(worst, float(np.abs(expval_z0(theta, cfg.n_qubits) - theirs).max()),
                    float(np.abs(value - theirs).max()))  # fmt: skip
        for t, p, m in zip(theta, plus, minus, strict=True):
            up, down = shifted(t, np.ones((layers, cfg.n_qubits), dtype=bool))
            direct = np.concatenate([expval_z0(up, cfg.n_qubits), expval_z0(down, cfg.n_qubits)])
            worst = max(worst, float(np.abs(direct - np.concatenate([p.reshape(-1), m.reshape(-1)])).max()))
    return worst


def mlp_cost(cfg: Config, progress: Progress) -> MlpCost:
    """The cheap-gradient principle on a classical MLP: (forward + backward)/forward FLOPs as it grows."""
    import torch

    torch.manual_seed(cfg.seed)
    params, ratios, times = [], [], []
    for width in progress(cfg.mlp_widths, "mlp"):
        layers: list[torch.nn.Module] = [torch.nn.Linear(32, width), torch.nn.Tanh()]
        for _ in range(cfg.mlp_depth - 1):
            layers += [torch.nn.Linear(width, width), torch.nn.Tanh()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))
        x = torch.randn(cfg.mlp_batch, 32)
        params.append(sum(t.numel() for t in model.parameters()))

        def forward(model=model, x=x):
            return model(x)

        def gradient(model=model, x=x):
            model.zero_grad()
            model(x).sum().backward()

        ratios.append(flops(gradient) / flops(forward))
        times.append(min_time_ratio(gradient, forward, cfg.timing_repeats))
    return MlpCost(params, ratios, times)


def run(cfg: Config, progress: Progress = silent) -> Result:
    at = (cfg.n_qubits, cfg.layers, cfg.timing_repeats, cfg.seed)
    methods = {m: _once(("method", m, *at), partial(method_cost, m, cfg, progress)) for m in METHODS}
    mlp_key = ("mlp", cfg.mlp_widths, cfg.mlp_depth, cfg.mlp_batch, cfg.timing_repeats, cfg.seed)
    mlp = _once(mlp_key, lambda: mlp_cost(cfg, progress))
    shots = shot_cost(cfg, progress)
    training, train_exp, ratio, stops = train_cost(cfg, progress)
    params = [cfg.n_qubits * layers for layers in cfg.layers]

    def exponent(m: str) -> Estimate:
        return exact(loglog_slope(params, methods[m].work_ratio), len(params), "counted exactly")

    worst = int(np.argmax(mlp.flop_ratio))
    evidence = Evidence(
        shots_exponent=shots.exponent,
        fixed_exponent=shots.fixed_exponent,
        ps_train_exponent=train_exp["parameter-shift"],
        spsa_train_exponent=train_exp["spsa"],
        spsa_over_ps=ratio,
        stops=stops,
        params=params,
        ps_executions=methods["parameter-shift"].executions,
        light_cone_zeros=[light_cone_zeros(cfg.n_qubits, layers) for layers in cfg.layers],
        ps_exponent=exponent("parameter-shift"),
        adjoint_exponent=exponent("adjoint"),
        backprop_exponent=exponent("backprop"),
        mlp_max_ratio=exact(mlp.flop_ratio[worst], len(mlp.params), "FLOPs counted by torch"),
        mlp_exponent=exact(
            loglog_slope(mlp.params, mlp.flop_ratio), len(mlp.params), "FLOPs counted by torch"
        ),
        simulator_error=_once(("simulator", cfg.n_qubits, cfg.seed), lambda: check_simulator(cfg)),
    )
    return Result(evidence=evidence, n_qubits=cfg.n_qubits, methods=methods, shots=shots, training=training,
                  mlp=mlp, fit_from=cfg.fit_from)  # fmt: skip
