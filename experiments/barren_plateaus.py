"""Barren plateaus: how the gradient of a variational circuit's cost varies over random parameters.

Three circuit families on the batched torch simulator (:mod:`experiments.statevector`):

- *deep random* (McClean et al. 2018): RY(π/4) on every qubit, then L layers of a randomly chosen Pauli
  rotation per qubit with a uniform random angle and a CZ ladder; observable Z₀Z₁; L grows with n;
- the same with a *fixed* shallow depth, which stays too structured to be random: its variance flattens;
- *shallow layered* (Cerezo et al. 2021): ⌈log₂ n⌉ alternating layers of RY and brick-wall CZs, with the
  *global* cost 1 − p(0…0) and the *local* cost 1 − (1/n)·Σⱼ pⱼ(0).

Gradients are exact parameter-shift gradients of the first parameter, computed under ``no_grad``.
Training is what hardware would do: gradient descent on the shallow circuits at several sizes, every gradient
component a parameter-shift difference of two circuits estimated from a fixed budget of shots (exact binomial
and multinomial shot noise, on a real-amplitude simulator of the same circuits). The classical contrast is a
deep ReLU MLP with He initialisation, the standard choice for such networks.

Every sampler is pure and seeded, so its draws are kept for the rest of the process (:func:`functools.cache`):
the robustness map's specifications vary the shot budget and the fit window, and share the rest.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from experiments.common import statevector as sv
from experiments.common.progress import Progress, silent
from experiments.common.stats import DecaySeries, Estimate, variance_decay, variance_ratio, wilson
from experiments.common.training import Stop, stop_of

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class Config:
    qubits: tuple[int, ...] = (2, 4, 6, 8, 10)
    samples: int = 200  # random circuits per n
    shallow_factor: int = (
        5  # the shallow families (⌈log₂ n⌉ layers) are cheap: they get this many times the circuits
    )
    depth_per_qubit: int = (
        20  # L = 20n (at 10n the variance still fell when the depth doubled); 0: fixed_depth
    )
    cost: str = "global"  # the claim's cost on shallow circuits; "local" is a null (no plateau expected)
    fixed_depth: int = 2  # the shallow random series that stops being random enough
    fit_from: int = 4  # decay models are fitted for n ≥ fit_from
    windows: tuple[int, ...] = (2, 4, 6)  # κ is also reported for fits from each of these n
    depth_check_qubits: int = 8  # at this n, the variance is measured again at twice the depth
    second_seed: bool = False  # measure the deep series again from independent circuits
    train_sizes: tuple[int, ...] = (4, 6, 8)  # qubits of the training runs
    train_shots: int = 1000  # shots per circuit execution: the budget of every gradient component
    train_runs: int = 12  # random starts per size and cost
    train_steps: int = 40
    learning_rate: float = 0.5
    solved: float = 0.1  # a run has reached its goal when the global cost is below this
    mlp_widths: tuple[int, ...] = (16, 32, 64, 128, 256)
    mlp_depth: int = 8
    check_qubits: int = 4  # cross-check against lightning.qubit on this many qubits
    check_circuits: int = 4
    bootstrap: int = 1000
    seed: int = 0


@dataclass
class Training:
    """Gradient descent with shot-noise gradients, on the global or the local cost, at one size."""

    qubits: int
    objective: str  # "global" or "local": what gradient descent minimised
    final_global_cost: list[float]  # per run
    stuck: int  # stalled runs: global cost still ≥ 0.5 at the end, and no longer improving
    runs: int
    mean_curve: list[float]  # the global cost averaged over runs, per step
    stops: list[Stop]


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    deep_random: DecaySeries  # the claim: random circuits, deep enough to be random
    shallow_global: DecaySeries  # the claim: a global cost on shallow circuits
    shallow_local: DecaySeries  # control: a local cost on the same circuits
    fixed_depth: DecaySeries  # control: random circuits of fixed, shallow depth
    mlp: DecaySeries  # control: a classical deep ReLU MLP, against width
    train_sizes: list[int]  # qubits of the training runs
    stuck_global: list[
        Estimate
    ]  # share of runs stuck on the plateau under the shot budget, global cost, per size
    stuck_local: list[Estimate]  # … local cost
    stall_p: (
        float  # Fisher's exact test: more global-cost runs stuck at the largest size than at the smallest
    )
    stall_p_local: float  # the same test on the local-cost runs (negative control)
    stops: list[Stop]  # how every training run ended
    check_max_error: float  # largest |ours − lightning.qubit| over energies and gradients


@dataclass(frozen=True)
class WindowFit:
    """κ of one series, fitted from a given n upwards: how much the answer depends on the window."""

    series: str
    fit_from: int
    rate: Estimate  # slope of ln Var against n
    exp_share: float


@dataclass
class Result:
    evidence: Evidence
    windows: list[WindowFit]
    deep_second_seed: DecaySeries | None  # the deep series again, from independent random circuits
    depth_ratio: Estimate  # Var at twice the depth ÷ Var at the depth used, at depth_check_qubits
    depth_check_qubits: int
    training: dict[str, list[Training]]  # "claim" (the cost under test) and "local" -> one per size
    device: str
    layers_per_qubit: int  # deep random circuits: L = layers_per_qubit · n
    fixed_layers: int
    train_shots: int


def _generator(seed: int) -> torch.Generator:
    import torch

    return torch.Generator().manual_seed(seed)


def two_design_variance(n: int) -> float:
    """Var[∂⟨Z₀Z₁⟩/∂θ₁] if everything after the first rotation were a unitary 2-design.

    For a 2-design U₊ and a traceless observable H, Var = Tr(H²)·Tr(A²) / (N² − 1) with N = 2ⁿ and
    A = −(i/2)[P, ρ] the derivative of the state ρ before the rotation exp(−iθP/2). Here Tr(H²) = N, and for a
    pure state Tr(A²) = (1 − ⟨P⟩²)/2. Qubit 0 starts in RY(π/4)|0⟩, so ⟨X⟩ = ⟨Z⟩ = 1/√2 and ⟨Y⟩ = 0: over the
    random Pauli P, 1 − ⟨P⟩² averages 2/3. Hence Var = N / (3(N² − 1)), about 2^(−n)/3.
    """
    big_n = 2**n
    return big_n / (3 * (big_n * big_n - 1))


def mcclean_energies(paulis, theta, n: int, dev):
    """⟨Z₀Z₁⟩ for a batch of McClean circuits given their Paulis and angles, both (B, L, n)."""
    import torch

    b, layers, _ = theta.shape
    phase = sv.cz_phase(n, [(q, q + 1) for q in range(n - 1)], dev)
    zz = sv.z_signs(n, 0, dev) * sv.z_signs(n, min(1, n - 1), dev)
    ry4 = sv.ry(torch.tensor([math.pi / 4], dtype=torch.float64, device=dev))
    gates = sv.rotation(paulis.reshape(-1), theta.reshape(-1)).reshape(b, layers, n, 2, 2)
    state, buf = sv.zero_state(b, n, dev), torch.empty(b, 2**n, dtype=sv.DTYPE, device=dev)
    for q in range(n):
        state, buf = sv.apply_1q_(state, buf, n, q, ry4)
    for layer in range(layers):
        for q in range(n):
            state, buf = sv.apply_1q_(state, buf, n, q, gates[:, layer, q])
        state *= phase
    return sv.expval(state, zz)


def _frozen(a: np.ndarray) -> np.ndarray:
    """A cached array, made read-only so that no caller can change what the next one reads."""
    a.flags.writeable = False
    return a


@functools.cache
def deep_random_gradients(n: int, layers: int, samples: int, seed: int, dev) -> np.ndarray:
    """∂⟨Z₀Z₁⟩/∂θ₁₁ for ``samples`` McClean circuits (exact parameter shift)."""
    import torch

    gen = _generator(seed)
    out = []
    with torch.no_grad():
        for b in sv.chunks(samples, n, copies=2):  # the two shifted copies of a circuit travel together
            paulis = torch.randint(1, 4, (b, layers, n), generator=gen)
            theta = torch.rand((b, layers, n), generator=gen, dtype=torch.float64) * 2 * math.pi
            e = mcclean_energies(paulis.repeat(2, 1, 1).to(dev), sv.shift_pair(theta, (0, 0)).to(dev), n, dev)
            out.append(((e[:b] - e[b:]) / 2).cpu().numpy())
    return _frozen(np.concatenate(out))


def _layered_state(theta, n: int, dev):
    """Alternating layers: RY on every qubit, CZ on even pairs, RY again, CZ on odd pairs.

    Differentiable when ``theta`` requires grad (training); otherwise written in place (sweeps).
    """
    import torch

    even = sv.cz_phase(n, [(q, q + 1) for q in range(0, n - 1, 2)], dev)
    odd = sv.cz_phase(n, [(q, q + 1) for q in range(1, n - 1, 2)], dev)
    b, layers = theta.shape[:2]
    gates = sv.ry(theta.reshape(-1)).reshape(b, layers, 2, n, 2, 2)
    state = sv.zero_state(b, n, dev)
    in_place = not theta.requires_grad
    buf = torch.empty_like(state)  # scratch space for the in-place gates
    for layer in range(layers):
        for half, phase in ((0, even), (1, odd)):
            for q in range(n):
                u = gates[:, layer, half, q]
                if in_place:
                    state, buf = sv.apply_1q_(state, buf, n, q, u)
                else:
                    state = sv.apply_1q(state, n, q, u)
            state = state * phase
    return state


def cost_diagonals(n: int, dev) -> tuple[torch.Tensor, torch.Tensor]:
    """Diagonals D with cost = 1 − ⟨D⟩: the projector on |0…0⟩ (global) and the mean of |0⟩⟨0|ⱼ (local)."""
    import torch

    glob = torch.zeros(2**n, dtype=torch.float64, device=dev)
    glob[0] = 1
    local = torch.stack([(1 + sv.z_signs(n, j, dev)) / 2 for j in range(n)]).mean(dim=0)
    return glob, local


def deep_layers(cfg: Config, n: int) -> int:
    """Layers of the deep random circuits: depth_per_qubit · n, or the fixed shallow depth when that is 0."""
    return cfg.depth_per_qubit * n or cfg.fixed_depth


def shallow_layers(n: int) -> int:
    return max(1, math.ceil(math.log2(n)))


@functools.cache
def shallow_gradients(n: int, samples: int, seed: int, dev) -> tuple[np.ndarray, np.ndarray]:
    """∂C/∂θ₁ of the global and the local cost, for the same ``samples`` random shallow circuits."""
    import torch

    gen = _generator(seed)
    glob, local = cost_diagonals(n, dev)
    g_out: list[np.ndarray] = []
    l_out: list[np.ndarray] = []
    with torch.no_grad():
        for b in sv.chunks(samples, n, copies=2):
            theta = torch.rand((b, shallow_layers(n), 2, n), generator=gen, dtype=torch.float64) * 2 * math.pi
            state = _layered_state(sv.shift_pair(theta, (0, 0, 0)).to(dev), n, dev)
            for diag, out in ((glob, g_out), (local, l_out)):
                c = 1 - sv.expval(state, diag)
                out.append(((c[:b] - c[b:]) / 2).cpu().numpy())
    return _frozen(np.concatenate(g_out)), _frozen(np.concatenate(l_out))


def _layered_real(theta: np.ndarray, n: int) -> np.ndarray:
    """The shallow layered circuit's real amplitudes for a batch of angles (B, layers, 2, n) (RY and CZ are real)."""
    b, layers = theta.shape[:2]
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    ry = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)[..., None, :, :]  # (B, L, 2, n, 1, 2, 2)
    bits = (np.arange(2**n)[:, None] >> (n - 1 - np.arange(n))[None, :]) & 1  # wire 0 is the top bit
    signs = []
    for start in (0, 1):
        pairs = [(q, q + 1) for q in range(start, n - 1, 2)]
        signs.append(np.prod([1 - 2 * (bits[:, a] & bits[:, c]) for a, c in pairs], axis=0) if pairs else 1)
    state = np.zeros((b, 2**n))
    state[:, 0] = 1.0
    for layer in range(layers):
        for half in (0, 1):
            for q in range(n):
                state = np.matmul(ry[:, layer, half, q], state.reshape(b, 2**q, 2, -1))
            state = state.reshape(b, -1) * signs[half]
    return state


def _sampled_costs(
    state: np.ndarray, n: int, shots: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The global and the local cost as hardware reports them from ``shots`` shots of each circuit.

    Global: 1 − (shots that read 0…0)/shots, one binomial draw. Local: 1 − the mean share of zeros per qubit,
    from one multinomial draw over the number of zeros in a shot (exact: each shot reads all qubits at once).
    """
    prob = state**2
    prob /= prob.sum(1, keepdims=True)
    glob = 1 - rng.binomial(shots, np.clip(prob[:, 0], 0, 1)) / shots
    zeros = n - np.array([bin(i).count("1") for i in range(2**n)])
    by_zeros = np.stack([prob[:, zeros == k].sum(1) for k in range(n + 1)], 1)
    counts = rng.multinomial(shots, by_zeros / by_zeros.sum(1, keepdims=True))
    local = 1 - counts @ (np.arange(n + 1) / n) / shots
    return glob, local


def train(cfg: Config, n: int, seed: int) -> dict[str, Training]:
    """Gradient descent on the global and on the local cost from the same random starts, at ``n`` qubits.

    Every gradient component is a parameter-shift difference of two circuits, each estimated from
    ``train_shots`` shots, as on hardware; the exact global cost is recorded after every step.
    """
    return _train(
        cfg.cost, cfg.train_runs, cfg.train_steps, cfg.train_shots, cfg.learning_rate, cfg.solved, n, seed
    )


@functools.cache
def _train(
    cost: str, runs: int, steps: int, shots: int, learning_rate: float, solved: float, n: int, seed: int
) -> dict[str, Training]:
    rng = np.random.default_rng(seed)
    layers = shallow_layers(n)
    start = rng.uniform(0, 2 * np.pi, (runs, layers, 2, n))
    out = {}
    for objective in dict.fromkeys((cost, "local")):
        theta = start.copy()
        p = theta[0].size
        shift = np.zeros((p, layers, 2, n))
        shift.reshape(p, -1)[np.arange(p), np.arange(p)] = np.pi / 2
        curves = []
        for _ in range(steps + 1):
            exact = 1 - _layered_real(theta, n)[:, 0] ** 2
            curves.append(exact)
            pm = np.concatenate([theta[:, None] + shift[None], theta[:, None] - shift[None]], 1)
            glob, local = _sampled_costs(_layered_real(pm.reshape(-1, layers, 2, n), n), n, shots, rng)
            est = (glob if objective == "global" else local).reshape(runs, 2, p)
            theta -= learning_rate * ((est[:, 0] - est[:, 1]) / 2).reshape(theta.shape)
        h = np.array(curves)
        final = h[-1]
        stops = []
        for r in range(runs):
            hit = np.nonzero(h[:, r] < solved)[0]
            stop = int(hit[0]) if len(hit) else len(h) - 1
            stops.append(stop_of(h[: stop + 1, r].tolist(), steps, bool(len(hit))))
        stalled = int(sum(f >= 0.5 and not st.still_improving for f, st in zip(final, stops, strict=True)))
        out[objective] = Training(n, objective, final.tolist(), stalled, runs, h.mean(axis=1).tolist(), stops)
    return out


@functools.cache
def mlp_gradients(width: int, depth: int, samples: int, seed: int) -> np.ndarray:
    """∂output/∂W₁[0,0] of a deep ReLU MLP with He (Kaiming) initialisation, over ``samples`` inits."""
    import torch

    x = torch.ones(16)  # the same input at every width
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(samples):
        sizes = [16] + [width] * (depth - 1) + [1]
        weights = [torch.randn(o, i, generator=gen) * math.sqrt(2 / i) for i, o in itertools.pairwise(sizes)]
        weights[0].requires_grad_(True)
        h = x
        for w in weights[:-1]:
            h = torch.relu(w @ h)
        (weights[-1] @ h).sum().backward()
        grad = weights[0].grad
        assert grad is not None
        out.append(float(grad[0, 0]))
    return _frozen(np.array(out))


def pennylane_mcclean(n: int, layers: int, device: str = "lightning.qubit", diff_method: str = "adjoint"):
    """The McClean circuit as a PennyLane QNode ``circuit(theta, paulis)``: the reference we check against."""
    import pennylane as qml

    gates = {sv.PAULI_X: qml.RX, sv.PAULI_Y: qml.RY, sv.PAULI_Z: qml.RZ}

    @qml.qnode(qml.device(device, wires=n), diff_method=diff_method)
    def circuit(theta, paulis):
        for q in range(n):
            qml.RY(math.pi / 4, wires=q)
        for layer in range(layers):
            for q in range(n):
                gates[int(paulis[layer, q])](theta[layer, q], wires=q)
            for q in range(n - 1):
                qml.CZ(wires=[q, q + 1])
        return qml.expval(qml.PauliZ(0) @ qml.PauliZ(1))

    return circuit


def check_against_lightning(cfg: Config) -> float:
    """Energies and gradients of our simulator against PennyLane's lightning.qubit (adjoint)."""
    return _check(cfg.check_qubits, deep_layers(cfg, cfg.check_qubits), cfg.check_circuits, cfg.seed)


@functools.cache
def _check(n: int, layers: int, circuits: int, seed: int) -> float:
    import pennylane as qml
    import torch

    circuit = pennylane_mcclean(n, layers)
    gen = _generator(seed + 99)
    worst = 0.0
    for _ in range(circuits):
        paulis = torch.randint(1, 4, (layers, n), generator=gen)
        theta = torch.rand((layers, n), generator=gen, dtype=torch.float64) * 2 * math.pi
        t = qml.numpy.array(theta.numpy(), requires_grad=True)
        p = paulis.numpy()
        energy = float(circuit(t, p))
        grad = float(qml.grad(lambda x, p=p: circuit(x, p))(t)[0, 0])
        batch = torch.cat([theta[None], sv.shift_pair(theta[None], (0, 0))])
        with torch.no_grad():
            e = mcclean_energies(paulis[None].repeat(3, 1, 1), batch, n, torch.device("cpu"))
        worst = max(worst, abs(float(e[0]) - energy), abs(float(e[1] - e[2]) / 2 - grad))
    return worst


def run(cfg: Config, progress: Progress = silent) -> Result:
    from scipy.stats import fisher_exact

    dev = sv.device()
    deep, fixed, glob, local = [], [], [], []
    for n in progress(cfg.qubits, "qubits"):
        deep.append(deep_random_gradients(n, deep_layers(cfg, n), cfg.samples, cfg.seed + n, dev))
        fixed.append(deep_random_gradients(n, cfg.fixed_depth, cfg.samples, cfg.seed + 1000 + n, dev))
        g, l_ = shallow_gradients(n, cfg.samples * cfg.shallow_factor, cfg.seed + 2000 + n, dev)
        glob.append(g)
        local.append(l_)
    widths = cfg.mlp_widths
    mlp = [mlp_gradients(w, cfg.mlp_depth, cfg.samples, cfg.seed + w) for w in progress(widths, "mlp")]

    def series(draws, k: int, x=cfg.qubits, fit_from=cfg.fit_from) -> DecaySeries:
        return variance_decay(list(x), draws, fit_from, cfg.bootstrap, cfg.seed + k)

    n_check = cfg.depth_check_qubits
    at_depth = deep[list(cfg.qubits).index(n_check)]
    twice = deep_random_gradients(n_check, 2 * deep_layers(cfg, n_check), cfg.samples, cfg.seed + 3000, dev)
    second = (
        [
            deep_random_gradients(n, deep_layers(cfg, n), cfg.samples, cfg.seed + 4000 + n, dev)
            for n in progress(cfg.qubits, "second seed")
        ]
        if cfg.second_seed
        else None
    )
    windows = []
    for name, draws in (("deep_random", deep), ("shallow_global", glob), ("shallow_local", local)):
        for w in cfg.windows:
            fit = series(draws, 10 + w, fit_from=w)
            windows.append(WindowFit(name, w, fit.rate, fit.exp_share))
    runs = [train(cfg, n, cfg.seed + 7 + n) for n in progress(cfg.train_sizes, "training")]
    training = {"claim": [r[cfg.cost] for r in runs], "local": [r["local"] for r in runs]}

    def trend(ts: list[Training]) -> float:
        """Fisher's exact test: more runs stuck at the largest size than at the smallest."""
        big, small = ts[-1], ts[0]
        table = [[big.stuck, big.runs - big.stuck], [small.stuck, small.runs - small.stuck]]
        return float(fisher_exact(table, alternative="greater").pvalue)

    evidence = Evidence(
        deep_random=series(deep, 1),
        shallow_global=series(glob if cfg.cost == "global" else local, 3),
        shallow_local=series(local, 4),
        fixed_depth=series(fixed, 2),
        mlp=series(mlp, 5, x=widths, fit_from=widths[0]),
        train_sizes=list(cfg.train_sizes),
        stuck_global=[wilson(t.stuck, t.runs) for t in training["claim"]],
        stuck_local=[wilson(t.stuck, t.runs) for t in training["local"]],
        stall_p=trend(training["claim"]),
        stall_p_local=trend(training["local"]),
        stops=[st for t in training["claim"] for st in t.stops],
        check_max_error=check_against_lightning(cfg),
    )
    return Result(
        evidence=evidence,
        windows=windows,
        deep_second_seed=series(second, 6) if second else None,
        depth_ratio=variance_ratio(twice, at_depth, cfg.bootstrap, cfg.seed + 7),
        depth_check_qubits=n_check,
        training=training,
        device=str(dev),
        layers_per_qubit=cfg.depth_per_qubit,
        fixed_layers=cfg.fixed_depth,
        train_shots=cfg.train_shots,
    )
