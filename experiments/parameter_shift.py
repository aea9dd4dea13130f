"""What a gradient costs: the parameter-shift rule against adjoint and backpropagation, and a classical MLP.

The circuit family is a layered real-amplitude ansatz on ``n_qubits`` wires: each layer is an RY rotation on
every wire followed by a CNOT ladder, so P = n_qubits × layers and the forward cost grows with P in a way we
control. Every cost is divided by the same method's own forward pass, so the comparison is about how a
gradient scales, not about which simulator is faster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from experiments.stats import Slope, bootstrap_mean_ci, bootstrap_slope, loglog_slope
from kanguri.progress import track

METHODS = ("parameter-shift", "adjoint", "backprop")
DEVICE = {"parameter-shift": "lightning.qubit", "adjoint": "lightning.qubit", "backprop": "default.qubit"}


@dataclass(frozen=True)
class Config:
    n_qubits: int = 4
    params: tuple[int, ...] = (4, 8, 16, 32, 64, 128)  # trainable parameters P (multiples of n_qubits)
    repeats: int = 3  # timing repeats at every P
    shot_params: tuple[int, ...] = (4, 8, 16, 32)
    shots: int = 1000  # shots per circuit execution in the shot-noise study
    shot_repeats: int = 20  # independent gradient estimates per P
    epsilon: float = 0.01  # target standard error of each gradient component
    mlp_widths: tuple[int, ...] = (16, 64, 256, 1024)
    mlp_depth: int = 4
    mlp_batch: int = 64
    mlp_repeats: int = 5
    bootstrap: int = 2000
    seed: int = 0


@dataclass
class MethodScaling:
    method: str
    executions: list[int]  # circuit executions for one gradient (PennyLane's tracker), per P
    ratio: list[list[float]]  # (forward + gradient) / forward, per P and repeat
    slope: Slope  # exponent of the ratio in P


@dataclass
class ShotCost:
    epsilon: float
    params: list[int]
    executions: list[int]
    sigma_at_shots: list[float]  # measured RMS standard deviation of a gradient component at `shots`
    shots_per_execution: list[float]  # shots each execution needs for standard error epsilon
    total_shots: list[float]  # executions × shots_per_execution
    slope: float


@dataclass
class MlpScaling:
    params: list[int]
    ratio: list[list[float]]  # (forward + backward) / forward, per width and repeat
    slope: Slope
    max_ratio: float  # mean ratio at the width where it is largest, with its interval
    max_ratio_lo: float
    max_ratio_hi: float


@dataclass
class Result:
    n_qubits: int
    params: list[int]
    methods: dict[str, MethodScaling]
    count_slope: float  # exponent of parameter-shift executions in P
    zero_gradient_params: list[int]  # per P: parameters outside the measured wire's light cone
    shots: ShotCost
    mlp: MlpScaling
    torch_threads: int = field(default=1)


def _qnode(method: str, n_qubits: int, layers: int, shots: int | None = None, seed: int = 0):
    import pennylane as qml

    # a shot-based estimate runs on default.qubit's sampler; the analytic runs on each method's device
    name = "default.qubit" if shots is not None else DEVICE[method]
    dev = qml.device(name, wires=n_qubits, **({"seed": seed} if name == "default.qubit" else {}))

    def circuit(weights):
        for layer in range(layers):
            for q in range(n_qubits):
                qml.RY(weights[layer, q], wires=q)
            for q in range(n_qubits - 1):
                qml.CNOT(wires=[q, q + 1])
        return qml.expval(qml.PauliZ(0))

    node = qml.QNode(circuit, dev, diff_method=method, interface="torch")
    if shots is not None:
        node = qml.set_shots(node, shots=shots)
    return dev, node


def _weights(layers: int, n_qubits: int, rng: np.random.Generator):
    import torch

    w = rng.uniform(0, 2 * np.pi, size=(layers, n_qubits))
    return torch.tensor(w, dtype=torch.float64, requires_grad=True)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def gradient_scaling(method: str, cfg: Config) -> tuple[list[int], list[list[float]]]:
    """Executions (tracker) and (forward + gradient)/forward time ratios for one method, over P."""
    import pennylane as qml

    rng = np.random.default_rng(cfg.seed)
    executions, ratios = [], []
    for p in track(cfg.params, method):
        layers = p // cfg.n_qubits
        dev, node = _qnode(method, cfg.n_qubits, layers)
        w = _weights(layers, cfg.n_qubits, rng)
        with qml.Tracker(dev) as tracker:  # counted, and the warm-up (caches, lazy imports) for the timings
            node(w).backward()
        executions.append(int(tracker.totals["executions"]))
        row = []
        for _ in range(cfg.repeats):
            w.grad = None
            forward = _timed(lambda: node(w))  # noqa: B023
            full = _timed(lambda: node(w).backward())  # noqa: B023
            row.append(full / forward)
        ratios.append(row)
    return executions, ratios


def zero_gradient_params(cfg: Config) -> list[int]:
    """Parameters PennyLane proves to have zero gradient (no path to the measured wire), per P."""
    import pennylane as qml

    out = []
    for p in cfg.params:
        layers = p // cfg.n_qubits
        _, node = _qnode("parameter-shift", cfg.n_qubits, layers)
        tape = qml.workflow.construct_tape(node)(_weights(layers, cfg.n_qubits, np.random.default_rng(0)))
        tapes, _ = qml.gradients.param_shift(tape)
        out.append(p - len(tapes) // 2)
    return out


def shot_cost(cfg: Config) -> ShotCost:
    """Measured shot noise of parameter-shift gradients on a shot-based simulator."""
    import pennylane as qml

    rng = np.random.default_rng(cfg.seed + 1)
    sigmas, execs = [], []
    for p in track(cfg.shot_params, "shots"):
        layers = p // cfg.n_qubits
        dev, node = _qnode("parameter-shift", cfg.n_qubits, layers, cfg.shots, int(rng.integers(2**31)))
        w = _weights(layers, cfg.n_qubits, rng)
        grads = []
        with qml.Tracker(dev) as tracker:
            for _ in range(cfg.shot_repeats):
                w.grad = None
                node(w).backward()
                grads.append(w.grad.detach().numpy().ravel().copy())
        execs.append(int(tracker.totals["executions"]) // cfg.shot_repeats)
        g = np.array(grads)
        sigmas.append(float(np.sqrt(np.mean(g.std(axis=0, ddof=1) ** 2))))
    per_exec = [cfg.shots * (s / cfg.epsilon) ** 2 for s in sigmas]
    total = [e * s for e, s in zip(execs, per_exec, strict=True)]
    return ShotCost(
        cfg.epsilon,
        list(cfg.shot_params),
        execs,
        sigmas,
        per_exec,
        total,
        loglog_slope(np.array(cfg.shot_params), np.array(total)),
    )


def mlp_scaling(cfg: Config) -> MlpScaling:
    """The cheap-gradient principle on a classical MLP: (forward + backward) / forward as width grows."""
    import torch

    torch.manual_seed(cfg.seed)
    params, ratios = [], []
    for width in track(cfg.mlp_widths, "mlp"):
        layers: list[torch.nn.Module] = [torch.nn.Linear(32, width), torch.nn.Tanh()]
        for _ in range(cfg.mlp_depth - 1):
            layers += [torch.nn.Linear(width, width), torch.nn.Tanh()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 1))
        x = torch.randn(cfg.mlp_batch, 32)
        params.append(sum(t.numel() for t in model.parameters()))
        inner = max(1, int(2e7 // (params[-1] * cfg.mlp_batch)))  # enough calls to rise above timer noise
        model(x).sum().backward()  # warm-up
        row = []
        for _ in range(cfg.mlp_repeats):
            forward = _timed(lambda: [model(x) for _ in range(inner)])  # noqa: B023
            full = _timed(lambda: [model(x).sum().backward() for _ in range(inner)])  # noqa: B023
            row.append(full / forward)
        ratios.append(row)
    samples = np.array(ratios)
    worst = int(np.argmax(samples.mean(axis=1)))
    mean, lo, hi = bootstrap_mean_ci(samples[worst], cfg.bootstrap, cfg.seed)
    slope = bootstrap_slope(params, samples, cfg.bootstrap, cfg.seed)
    return MlpScaling(params, ratios, slope, mean, lo, hi)


def run(cfg: Config) -> Result:
    import torch

    methods = {}
    for i, method in enumerate(METHODS):
        executions, ratios = gradient_scaling(method, cfg)
        slope = bootstrap_slope(list(cfg.params), np.array(ratios), cfg.bootstrap, cfg.seed + i)
        methods[method] = MethodScaling(method, executions, ratios, slope)
    count_slope = loglog_slope(np.array(cfg.params), np.array(methods["parameter-shift"].executions))
    return Result(
        cfg.n_qubits,
        list(cfg.params),
        methods,
        count_slope,
        zero_gradient_params(cfg),
        shot_cost(cfg),
        mlp_scaling(cfg),
        torch.get_num_threads(),
    )
