"""What a gradient costs: the parameter-shift rule against adjoint and backpropagation, and a classical MLP.

The circuit family is a layered real-amplitude ansatz on ``n_qubits`` wires: each layer is an RY rotation on
every wire followed by a CNOT ladder, so P = n_qubits × layers and the forward cost grows with P in a way we
control. Every cost is divided by the same method's own forward pass, so the comparison is about how a
gradient scales, not about which simulator is faster.

Costs are counted, not timed: circuit executions (PennyLane's Tracker), bytes written by the simulator's
torch operations (backprop), and FLOPs (the MLP). Min-of-k timings, interleaved, are kept beside them as
corroboration. The zero-gradient parameters are counted from the circuit's light cone by our own code, so the
execution count is checked against an independent prediction, not against PennyLane's own bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.counting import bytes_written, flops, min_time_ratio
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, loglog_slope, percentile_interval

METHODS = ("parameter-shift", "adjoint", "backprop")
DEVICE = {"parameter-shift": "lightning.qubit", "adjoint": "lightning.qubit", "backprop": "default.qubit"}


@dataclass(frozen=True)
class Config:
    n_qubits: int = 4  # a small register: P grows through depth, and the state vector stays cheap
    params: tuple[int, ...] = (4, 8, 16, 32, 64, 128)  # trainable parameters P (multiples of n_qubits)
    timing_repeats: int = 5  # k in the min-of-k timings that corroborate the counts
    shot_params: tuple[int, ...] = (4, 8, 16, 32)
    shots: int = 1000  # shots per circuit execution in the shot-noise study
    shot_repeats: int = 20  # independent gradient estimates per P
    epsilon: float = 0.01  # target standard error of each gradient component
    bootstrap: int = 1000  # replicates for the shots exponent's interval
    mlp_widths: tuple[int, ...] = (16, 64, 256, 1024)  # 4 hidden layers: parameters grow ~16× per step
    mlp_depth: int = 4
    mlp_batch: int = 64
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads. Costs are counted, so a busy machine cannot change them."""

    params: list[int]
    ps_executions: list[int]  # circuit executions for forward + gradient by parameter shift (Tracker), per P
    light_cone_zeros: list[int]  # parameters outside the measured wire's light cone (our own count), per P
    ps_exponent: Estimate  # exponent of parameter-shift executions in P
    adjoint_exponent: Estimate  # exponent of adjoint executions (Tracker) in P
    backprop_exponent: Estimate  # exponent of backprop's (forward + gradient)/forward bytes written in P
    mlp_max_ratio: Estimate  # largest (forward + backward)/forward FLOP ratio of the classical MLP
    mlp_exponent: Estimate  # exponent of that ratio in the MLP's parameter count


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
    executions: list[int]
    sigma_at_shots: list[float]  # RMS standard deviation of the non-zero gradient components at `shots`
    total_shots: list[float]  # executions × the shots each needs for standard error epsilon
    exponent: Estimate  # of total shots in P, with a bootstrap over the repeated gradient estimates


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


def shot_cost(cfg: Config, progress: Progress) -> ShotCost:
    """Shot noise of parameter-shift gradients on a shot-based simulator, over the non-zero components."""
    import pennylane as qml

    rng = np.random.default_rng(cfg.seed + 1)
    sigmas, execs, samples = [], [], []
    for p in progress(cfg.shot_params, "shots"):
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
        g = g[
            :, g.std(axis=0) > 0
        ]  # parameters outside the light cone never vary: their gradient is exactly 0
        samples.append(g)
        sigmas.append(float(np.sqrt(np.mean(g.std(axis=0, ddof=1) ** 2))))

    def total_shots(sig: list[float]) -> list[float]:
        return [e * cfg.shots * (s / cfg.epsilon) ** 2 for e, s in zip(execs, sig, strict=True)]

    total = total_shots(sigmas)
    boot_rng = np.random.default_rng(cfg.seed + 2)
    boots = []
    for _ in range(cfg.bootstrap):
        sig = []
        for g in samples:  # resample the repeated gradient estimates at every P
            pick = g[boot_rng.integers(0, len(g), len(g))]
            sig.append(float(np.sqrt(np.mean(pick.std(axis=0, ddof=1) ** 2))))
        boots.append(loglog_slope(cfg.shot_params, total_shots(sig)))
    return ShotCost(
        epsilon=cfg.epsilon,
        params=list(cfg.shot_params),
        executions=execs,
        sigma_at_shots=sigmas,
        total_shots=total,
        exponent=percentile_interval(
            loglog_slope(cfg.shot_params, total), np.array(boots), "bootstrap over repeats", cfg.shot_repeats
        ),
    )


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
    n_p = len(cfg.params)

    def exponent(m: str) -> Estimate:
        return exact(loglog_slope(cfg.params, methods[m].work_ratio), n_p, "counted exactly")

    worst = int(np.argmax(mlp.flop_ratio))
    evidence = Evidence(
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
    )
    return Result(
        evidence=evidence, n_qubits=cfg.n_qubits, methods=methods, shots=shot_cost(cfg, progress), mlp=mlp
    )
