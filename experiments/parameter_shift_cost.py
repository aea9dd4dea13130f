"""What a gradient costs: the parameter-shift rule in shots, against SPSA, adjoint, backpropagation and an MLP.

The circuit family is a layered real-amplitude ansatz on ``n_qubits`` wires: each layer is an RY rotation on
every wire followed by a CNOT ladder, so P = n_qubits × layers; the output is ⟨Z₀⟩.

The decisive measurement is what hardware pays: the total shots for a gradient whose every component has
standard error ε, against P (the exponent is fitted from ``fit_from`` on, where the asymptote starts), and, on
a small training task, the shots that parameter shift and SPSA (the strongest practical alternative: two
circuits per step, whatever P) need to reach a target cost, each with its step size tuned on a grid. Shot
noise is exact: a ⟨Z⟩ estimated from S shots is one binomial draw, computed from our own state-vector
simulator of the ansatz (checked against lightning.qubit).

Sanity measurements, which hold by construction: circuit executions counted by PennyLane's Tracker against
the light-cone prediction, adjoint and backprop work ratios, and the FLOP ratio of a classical MLP. Min-of-k
timings, interleaved, corroborate the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.counting import bytes_written, flops, min_time_ratio
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, loglog_slope, percentile_interval
from experiments.common.training import Stop, stop_of

METHODS = ("parameter-shift", "adjoint", "backprop")
DEVICE = {"parameter-shift": "lightning.qubit", "adjoint": "lightning.qubit", "backprop": "default.qubit"}


@dataclass(frozen=True)
class Config:
    n_qubits: int = 4  # a small register: P grows through depth, and the state vector stays cheap
    params: tuple[int, ...] = (4, 8, 16, 32)  # P for the counted executions (multiples of n_qubits)
    timing_repeats: int = 2  # k in the min-of-k timings that corroborate the counts
    shot_params: tuple[int, ...] = (4, 8, 16, 32, 64, 128)  # P for the shots of an ε-accurate gradient
    shot_draws: int = 32  # random parameter sets per P
    epsilon: float = 0.01  # target standard error of each gradient component
    fit_from: int = 16  # exponents are fitted on P ≥ fit_from (where the asymptote starts)
    trainable: int = 0  # 0: every parameter; k: only the first k, the others held at 0 (a null: no growth)
    train_params: tuple[int, ...] = (4, 8, 16, 32, 64, 128)  # P for the training task
    train_seeds: int = 16  # random starts per P and method
    train_rates: tuple[float, ...] = (0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6)  # step sizes, tuned per P
    train_shots: int = 100  # shots per circuit execution while training
    train_target: float = -0.95  # the task: bring ⟨Z₀⟩ (minimum −1) down to this
    train_steps: int = 100  # cap for parameter shift
    spsa_steps: int = 1000  # cap for SPSA (its steps are cheaper)
    spsa_c: float = 0.2  # SPSA's perturbation size c₀
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
    stops: list[Stop]  # how every training run at the chosen step sizes ended
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
    """Shots to the target cost, per method and P, at the step size tuned for each."""

    params: list[int]
    median_shots: dict[str, list[float]]  # method -> median over seeds at its best rate, per P
    best_rate: dict[str, list[float]]  # method -> the tuned step size, per P
    reached: dict[str, list[int]]  # method -> seeds that reached the target at the best rate, per P
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

    A layer's rotations form one real 2ⁿ × 2ⁿ matrix, the Kronecker product of its RYs (wire 0 the top bit);
    the CNOT ladder is a permutation of the basis states.
    """
    b, layers, n = theta.shape
    dim = 2**n
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    ry = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)[:, :, :, None]  # (B, layers, n, 1, 2, 2)
    inverse = np.argsort(_ladder_permutation(n))
    state = np.zeros((b, dim))
    state[:, 0] = 1.0
    for layer in range(layers):
        for q in range(n):
            state = np.matmul(ry[:, layer, q], state.reshape(b, 2**q, 2, -1))
        state = state.reshape(b, dim)[:, inverse]  # the CNOT ladder: the amplitude of |i⟩ moves to |perm(i)⟩
    prob = state**2
    return prob[:, : dim // 2].sum(1) - prob[:, dim // 2 :].sum(1)


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


def method_cost(method: str, cfg: Config, progress: Progress) -> MethodCost:
    """Counted executions and work, and the min-of-k time ratio, for one method over P."""
    import pennylane as qml

    rng = np.random.default_rng(cfg.seed)
    executions, work, times = [], [], []
    for p in progress(cfg.params, method):
        layers = p // cfg.n_qubits
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
    return MethodCost(method, executions, work, times, time_exponent=loglog_slope(cfg.params, times))


def gradient_shots(cfg: Config, p: int, rng: np.random.Generator, subset: int | None = None) -> np.ndarray:
    """Total shots for a parameter-shift gradient whose every component has standard error ε, per random draw.

    Each component is (Ĉ₊ − Ĉ₋)/2 from two shifted circuits; a ⟨Z⟩ estimated from S shots has variance
    (1 − ⟨Z⟩²)/S, exactly (one binomial per circuit). So component i needs S_i = (2 − e₊² − e₋²)/(4ε²) shots
    on each of its two circuits. Every parameter that parameter shift runs (those inside the light cone) is
    counted; ``subset`` keeps only the first-layer parameters (the negative control: P grows, the gradient
    asked for does not).
    """
    layers = p // cfg.n_qubits
    mask = _cone(cfg.n_qubits, layers)
    if subset is not None:
        keep = np.zeros_like(mask)
        keep.reshape(-1)[:subset] = True
        mask = mask & keep
    totals = []
    for _ in range(cfg.shot_draws):
        theta = _start(cfg, rng, (layers, cfg.n_qubits))
        plus, minus = shifted(theta, mask)
        e = expval_z0(np.concatenate([plus, minus]), cfg.n_qubits)
        k = len(plus)
        per_circuit = (2 - e[:k] ** 2 - e[k:] ** 2) / (4 * cfg.epsilon**2)
        totals.append(2 * per_circuit.sum())
    return np.array(totals)


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


def shot_cost(cfg: Config, progress: Progress) -> ShotCost:
    """Shots for an ε-accurate gradient, all parameters (the claim) and a fixed subset (the control)."""
    rng = np.random.default_rng(cfg.seed + 1)
    trainable = cfg.trainable or None
    full, fixed, execs = [], [], []
    for p in progress(cfg.shot_params, "shots"):
        full.append(gradient_shots(cfg, p, rng, trainable))
        fixed.append(gradient_shots(cfg, p, rng, cfg.n_qubits))
        mask = _cone(cfg.n_qubits, p // cfg.n_qubits)
        execs.append(1 + 2 * int(mask.reshape(-1)[: trainable or mask.size].sum()))
    params = list(cfg.shot_params)
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


@dataclass
class Runs:
    """Training runs of one method at one P: every rate of the grid × every seed."""

    shots: np.ndarray  # (rates, seeds): shots spent until the target was hit; inf when the cap came first
    stops: list[list[Stop]]  # (rates, seeds)


def train(cfg: Config, method: str, p: int, seed: int) -> Runs:
    """Minimise ⟨Z₀⟩ from random starts until it is at most ``train_target``, for every rate and seed at once.

    Both methods see only shot estimates (``train_shots`` per circuit) and move only the parameters inside the
    light cone (or the ``trainable`` ones); the exact cost is the monitor that says when the target is hit
    (it costs no shots). Parameter shift: a fixed step, the rate. SPSA (Spall 1998): a random ±1 direction,
    two circuits per step, with Spall's gains a_k = rate·(A+1)^0.602/(k+1+A)^0.602, c_k = c/(k+1)^0.101,
    A = 10, so that both methods start with the same step sizes.
    """
    rng = np.random.default_rng(seed)
    layers, n = p // cfg.n_qubits, cfg.n_qubits
    mask = _trainable_mask(cfg, layers)
    rates = np.array(cfg.train_rates)
    g, s = len(rates), cfg.train_seeds
    theta = (
        np.broadcast_to(_start(cfg, rng, (1, s, layers, n)), (g, s, layers, n)).reshape(-1, layers, n).copy()
    )
    rate = np.repeat(rates, s)[:, None, None]
    runs = g * s
    cap = cfg.train_steps if method == "parameter-shift" else cfg.spsa_steps
    spent, done = np.zeros(runs), np.full(runs, -1)
    curves = np.zeros((runs, cap + 1))
    idx = np.argwhere(mask)
    for k in range(cap + 1):
        cost = expval_z0(theta, n)
        curves[:, k] = cost
        done[(done < 0) & (cost <= cfg.train_target)] = k
        active = done < 0
        # once every seed of some step size has reached the target, no other step size can need fewer shots
        if k == cap or (~active.reshape(g, s)).all(axis=1).any():
            break
        if method == "parameter-shift":
            shift = np.zeros((len(idx), layers, n))
            shift[np.arange(len(idx)), idx[:, 0], idx[:, 1]] = np.pi / 2
            pm = np.concatenate([theta[:, None] + shift[None], theta[:, None] - shift[None]], axis=1)
            est = _estimate(expval_z0(pm.reshape(-1, layers, n), n), cfg.train_shots, rng).reshape(
                runs, 2, -1
            )
            grad = np.zeros_like(theta)
            grad[:, idx[:, 0], idx[:, 1]] = (est[:, 0] - est[:, 1]) / 2
            step = rate * grad
            cost_shots = 2 * len(idx) * cfg.train_shots
        else:
            a = rate * 11**0.602 / (k + 11) ** 0.602
            c = cfg.spsa_c / (k + 1) ** 0.101
            delta = np.where(rng.random(theta.shape) < 0.5, -1.0, 1.0) * mask
            pair = np.concatenate([theta + c * delta, theta - c * delta])
            est = _estimate(expval_z0(pair, n), cfg.train_shots, rng)
            step = a * ((est[:runs] - est[runs:]) / (2 * c))[:, None, None] * delta
            cost_shots = 2 * cfg.train_shots
        theta[active] -= step[active]
        spent[active] += cost_shots
    shots = np.where(done >= 0, spent, np.inf).reshape(g, s)
    stops = [
        stop_of(curves[r, : (done[r] + 1 if done[r] >= 0 else cap + 1)].tolist(), cap, bool(done[r] >= 0))
        for r in range(runs)
    ]
    return Runs(shots, [stops[i * s : (i + 1) * s] for i in range(g)])


def _median(shots: np.ndarray, cap_shots: float) -> float:
    """Median shots to target; a run the cap cut off counts as the shots it spent (a lower bound)."""
    return float(np.median(np.where(np.isfinite(shots), shots, cap_shots)))


def train_cost(
    cfg: Config, progress: Progress
) -> tuple[TrainCost, dict[str, Estimate], Estimate, list[Stop]]:
    """Parameter shift against SPSA on the training task, each with its step size tuned per P."""
    methods = ("parameter-shift", "spsa")
    chosen: dict[str, list[np.ndarray]] = {m: [] for m in methods}  # per P: shots per seed at the best rate
    caps: dict[str, list[float]] = {m: [] for m in methods}
    median, rates, reached = ({m: [] for m in methods} for _ in range(3))  # type: ignore[var-annotated]
    stops: list[Stop] = []
    for i, p in enumerate(progress(cfg.train_params, "training")):
        for m in methods:
            runs = train(cfg, m, p, cfg.seed + 100 + i)
            cone = int(_trainable_mask(cfg, p // cfg.n_qubits).sum())
            per_step = 2 * cfg.train_shots * (cone if m == "parameter-shift" else 1)
            cap = per_step * (cfg.train_steps if m == "parameter-shift" else cfg.spsa_steps)
            meds = [_median(row, cap) for row in runs.shots]
            best = int(np.argmin(meds))
            chosen[m].append(runs.shots[best])
            caps[m].append(cap)
            median[m].append(meds[best])
            rates[m].append(cfg.train_rates[best])
            reached[m].append(int(np.isfinite(runs.shots[best]).sum()))
            stops += runs.stops[best]
    x = np.array(cfg.train_params, dtype=float)
    rng = np.random.default_rng(cfg.seed + 5)
    s = cfg.train_seeds

    def finite(m: str, j: int, pick: np.ndarray | None = None) -> np.ndarray:
        v = chosen[m][j] if pick is None else chosen[m][j][pick]
        return np.where(np.isfinite(v), v, caps[m][j])

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
    exponents = {
        m: percentile_interval(_slope(x, np.array(median[m]), cfg.fit_from), np.array(boots[m]),
                               "bootstrap over random starts", s)
        for m in methods
    }  # fmt: skip
    ratio = percentile_interval(median["spsa"][last] / median["parameter-shift"][last], np.array(ratio_boots),
                                "bootstrap over random starts", s)  # fmt: skip
    result = TrainCost(list(cfg.train_params), median, rates, reached, s)
    return result, exponents, ratio, stops


def check_simulator(cfg: Config) -> float:
    """Largest |our ⟨Z₀⟩ − lightning.qubit's| over a few random circuits of the ansatz."""
    import torch

    rng = np.random.default_rng(cfg.seed + 9)
    worst = 0.0
    for layers in (1, 3, 8):
        theta = rng.uniform(0, 2 * np.pi, (3, layers, cfg.n_qubits))
        _, node = _qnode("adjoint", cfg.n_qubits, layers)
        theirs = np.array([float(node(torch.tensor(t))) for t in theta])
        worst = max(worst, float(np.abs(expval_z0(theta, cfg.n_qubits) - theirs).max()))
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
    methods = {m: method_cost(m, cfg, progress) for m in METHODS}
    mlp = mlp_cost(cfg, progress)
    shots = shot_cost(cfg, progress)
    training, train_exp, ratio, stops = train_cost(cfg, progress)
    n_p = len(cfg.params)

    def exponent(m: str) -> Estimate:
        return exact(loglog_slope(cfg.params, methods[m].work_ratio), n_p, "counted exactly")

    worst = int(np.argmax(mlp.flop_ratio))
    evidence = Evidence(
        shots_exponent=shots.exponent,
        fixed_exponent=shots.fixed_exponent,
        ps_train_exponent=train_exp["parameter-shift"],
        spsa_train_exponent=train_exp["spsa"],
        spsa_over_ps=ratio,
        stops=stops,
        params=list(cfg.params),
        ps_executions=methods["parameter-shift"].executions,
        light_cone_zeros=[light_cone_zeros(cfg.n_qubits, p // cfg.n_qubits) for p in cfg.params],
        ps_exponent=exponent("parameter-shift"),
        adjoint_exponent=exponent("adjoint"),
        backprop_exponent=exponent("backprop"),
        mlp_max_ratio=exact(mlp.flop_ratio[worst], len(mlp.params), "FLOPs counted by torch"),
        mlp_exponent=exact(
            loglog_slope(mlp.params, mlp.flop_ratio), len(mlp.params), "FLOPs counted by torch"
        ),
        simulator_error=check_simulator(cfg),
    )
    return Result(evidence=evidence, n_qubits=cfg.n_qubits, methods=methods, shots=shots, training=training,
                  mlp=mlp)  # fmt: skip
