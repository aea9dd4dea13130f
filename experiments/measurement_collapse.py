"""What does looking at an intermediate quantum state cost? Three measurements.

- **Interference destroyed**: an interferometer (H, phase φ, H) on PennyLane's ``default.qubit`` with finite
  shots. Its fringe P(0) = cos²(φ/2) has visibility 1; a mid-circuit measurement (``qml.measure``) in the
  computational basis should flatten it, and one in the basis where the intermediate state is an eigenstate
  (the negative control) should not.
- **Information against disturbance**: a which-way marker (an ancilla that the qubit controls) of strength
  s = sin(θ/2), and a few hundred random markers (mixed ancillas, random couplings, random readouts). For each:
  the which-way distinguishability D the readout achieves and the fringe visibility V left; Englert's bound
  says D² + V² ≤ 1.
- **The cost of reading a state out as numbers**: Pauli-basis tomography of random n-qubit pure states,
  n = 1…n_max: the total shots needed to reach a fixed fidelity, and its growth per qubit. Beside it, the
  values a classical network saves for backpropagation, counted by autograd's saved-tensor hooks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, percentile_interval

KINDS = ("free", "z", "eigen")  # no measurement, measured in Z, measured in the eigenbasis (X) of |+⟩


@dataclass(frozen=True)
class Config:
    phases: int = 12  # φ on a grid over [0, 2π)
    shots: int = 2000  # per φ
    bootstrap: int = 2000
    strengths: int = 21  # s from 0 to 1 for the marker family
    random_markers: int = 400
    max_qubits: int = 6  # tomography for n = 1…max_qubits
    states: int = 5  # random states per n (the interval on the growth rests on them)
    target_fidelity: float = 0.9
    shot_grid: tuple[int, ...] = tuple(2**k for k in range(1, 23))  # shots per Pauli setting, tried in turn
    mlp_widths: tuple[int, ...] = (1, 2, 3, 4, 5, 6)
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    visibility: dict[str, Estimate]  # fringe visibility per kind, bootstrap over shots
    tradeoff_max: float  # largest D² + V² over every marker tried
    family_min: float  # smallest D² + V² along the optimal (pure, Helstrom-read) family
    growth: Estimate  # log₂ of the factor by which tomography shots grow per added qubit


@dataclass
class Result:
    evidence: Evidence
    phases: list[float]
    fringes: dict[str, list[float]]  # P(0) per φ, per kind
    strength: list[float]
    family_d: list[float]
    family_v: list[float]
    random_d: list[float]
    random_v: list[float]
    qubits: list[int]
    tomography_shots: list[float]  # geometric mean over states of total shots to the target fidelity
    tomography_lo: list[float]
    tomography_hi: list[float]
    settings: list[int]  # Pauli settings, 3ⁿ
    target_fidelity: float
    saved_values: list[int]  # values autograd saves for backprop, per network width
    lightning_deviation: float  # max |our tomography probabilities − lightning.qubit| on a sample


def _fringe(kind: str, cfg: Config, phases: np.ndarray) -> np.ndarray:
    """Counts of outcome 0 at each φ, from PennyLane with finite shots."""
    import pennylane as qml

    dev = qml.device("default.qubit", seed=cfg.seed + KINDS.index(kind))

    def circuit(phi):
        qml.Hadamard(0)
        if kind == "z":
            qml.measure(0)
        elif kind == "eigen":  # measure X: |+⟩ is its eigenstate
            qml.Hadamard(0)
            qml.measure(0)
            qml.Hadamard(0)
        qml.PhaseShift(phi, 0)
        qml.Hadamard(0)
        return qml.counts(wires=0)

    # deferred: each mid-circuit measurement becomes a CNOT onto a fresh wire that is never read again
    node = qml.set_shots(qml.QNode(circuit, dev, mcm_method="deferred"), shots=cfg.shots)
    return np.array([int(node(float(p)).get("0", 0)) for p in phases])


def visibility(p0: np.ndarray, phases: np.ndarray) -> float:
    """Fit P(0) = a + b·cos φ + c·sin φ; the visibility is √(b² + c²)/a."""
    design = np.stack([np.ones_like(phases), np.cos(phases), np.sin(phases)], 1)
    a, b, c = np.linalg.lstsq(design, p0, rcond=None)[0]
    return float(np.hypot(b, c) / a)


def visibility_estimate(counts: np.ndarray, phases: np.ndarray, cfg: Config, seed: int) -> Estimate:
    """Visibility with a parametric bootstrap: counts redrawn from the binomial at the observed rates."""
    rng = np.random.default_rng(seed)
    rates = counts / cfg.shots
    boots = rng.binomial(cfg.shots, rates, size=(cfg.bootstrap, rates.size)) / cfg.shots
    values = np.array([visibility(b, phases) for b in boots])
    return percentile_interval(
        visibility(rates, phases), values, "bootstrap over shots", cfg.shots * phases.size
    )


def marker(theta: float) -> tuple[float, float]:
    """The optimal which-way marker: ancilla |0⟩, rotated by RY(θ) when the qubit is |1⟩, read in the Helstrom
    basis. Returns (D, V): the trace distance of the two ancilla states and their overlap."""
    a0 = np.array([1.0, 0.0])
    a1 = np.array([np.cos(theta / 2), np.sin(theta / 2)])
    return float(np.sqrt(1 - abs(a0 @ a1) ** 2)), float(abs(a0 @ a1))


def _random_unitary(rng: np.random.Generator, d: int = 2) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_marker(rng: np.random.Generator) -> tuple[float, float]:
    """A random marker: a mixed ancilla ρ, unitaries U₀, U₁ applied when the qubit is 0 or 1, and a random
    projective readout. D = |P(read 0 | qubit 0) − P(read 0 | qubit 1)|, V = |Tr(U₀ ρ U₁†)|."""
    w = rng.uniform()
    a = _random_unitary(rng)
    rho = a @ np.diag([w, 1 - w]) @ a.conj().T
    u0, u1, read = _random_unitary(rng), _random_unitary(rng), _random_unitary(rng)
    proj = np.outer(read[:, 0], read[:, 0].conj())
    p0 = np.trace(proj @ u0 @ rho @ u0.conj().T).real
    p1 = np.trace(proj @ u1 @ rho @ u1.conj().T).real
    return float(abs(p0 - p1)), float(abs(np.trace(u0 @ rho @ u1.conj().T)))


# The single-qubit readout rotations of the Pauli settings (X, Y, Z), and each outcome's shadow operator
# 3·U†|x⟩⟨x|U − I: averaging these over settings and outcomes inverts the measurement channel.
_H = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
ROTATIONS = np.stack([_H, _H @ np.diag([1, -1j]), np.eye(2)]).astype(complex)
SHADOW = np.stack(
    [3 * np.outer(u.conj().T[:, x], u[x, :]) - np.eye(2) for u in ROTATIONS for x in (0, 1)]
)  # (6, 2, 2): index 2·setting + outcome


def setting_probabilities(psi: np.ndarray, n: int) -> np.ndarray:
    """P(outcome | setting) for all 3ⁿ Pauli settings at once: shape (3,)*n + (2,)*n."""
    t = psi.reshape((2,) * n)
    for q in range(n):
        # rotate qubit q for each of the three settings; the new setting axis goes in front
        t = np.moveaxis(np.tensordot(ROTATIONS, t, axes=([2], [q + q])), [0, 1], [q, 2 * q + 1])
    return np.abs(t) ** 2


def reconstruct(freq: np.ndarray, n: int) -> np.ndarray:
    """Linear inversion of Pauli-setting frequencies ((3,)*n + (2,)*n) into a 2ⁿ×2ⁿ matrix."""
    axes = [a for q in range(n) for a in (q, n + q)]  # interleave (setting, outcome) per qubit
    w = np.transpose(freq, axes).reshape((6,) * n) / 3**n
    t = w.astype(complex)
    for _ in range(n):
        t = np.tensordot(t, SHADOW, axes=([0], [0]))  # (6,)*(rest) + (2, 2)*(done)
    rows = [2 * q for q in range(n)]
    cols = [2 * q + 1 for q in range(n)]
    return np.transpose(t, rows + cols).reshape(2**n, 2**n)


def physical(rho: np.ndarray) -> np.ndarray:
    """The nearest density matrix by clipping negative eigenvalues and renormalising."""
    vals, vecs = np.linalg.eigh((rho + rho.conj().T) / 2)
    vals = np.clip(vals, 0, None)
    return (vecs * (vals / vals.sum())) @ vecs.conj().T


def shots_to_fidelity(n: int, cfg: Config, rng: np.random.Generator) -> float:
    """Total shots (settings × shots per setting) at which a random pure state is first reconstructed to the
    target fidelity; the shots per setting run over ``cfg.shot_grid``."""
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    probs = setting_probabilities(psi, n)
    flat = probs.reshape(3**n, 2**n)
    for m in cfg.shot_grid:
        counts = rng.multinomial(m, flat / flat.sum(1, keepdims=True))
        rho = physical(reconstruct((counts / m).reshape(probs.shape), n))
        if float((psi.conj() @ rho @ psi).real) >= cfg.target_fidelity:
            return float(3**n * m)
    raise ValueError(
        f"{n} qubits: fidelity {cfg.target_fidelity} not reached with {cfg.shot_grid[-1]} shots per setting"
    )


def check_against_lightning(seed: int, n: int = 3) -> float:
    """Our setting probabilities against lightning.qubit's for a random state, in a few settings."""
    import pennylane as qml

    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    psi /= np.linalg.norm(psi)
    ours = setting_probabilities(psi, n)
    dev = qml.device("lightning.qubit", wires=n)

    @qml.qnode(dev)
    def probs(setting):
        qml.StatePrep(psi, wires=range(n))
        for q, b in enumerate(setting):
            qml.QubitUnitary(ROTATIONS[b], wires=q)
        return qml.probs(wires=range(n))

    worst = 0.0
    for setting in [(0, 1, 2), (2, 2, 2), (1, 0, 1)]:
        theirs = probs(setting).reshape((2,) * n)
        worst = max(worst, float(np.abs(ours[setting] - theirs).max()))
    return worst


def saved_values(width: int, depth: int = 3) -> int:
    """Intermediate values autograd saves for backprop in a tanh network of this width (weights excluded,
    each tensor counted once): every activation is kept, once."""
    import torch

    torch.manual_seed(0)
    layers = [torch.nn.Linear(width, width) for _ in range(depth)]
    weights = {p.data_ptr() for layer in layers for p in layer.parameters()}
    seen: dict[int, int] = {}

    def pack(t):
        if t.data_ptr() not in weights:
            seen[t.data_ptr()] = t.numel()
        return t

    x = torch.randn(1, width)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        for layer in layers:
            x = torch.tanh(layer(x))
    return sum(seen.values())


def run(cfg: Config, progress: Progress = silent) -> Result:
    phases = np.arange(cfg.phases) * 2 * np.pi / cfg.phases
    counts = {k: _fringe(k, cfg, phases) for k in progress(KINDS, "interferometers")}
    vis = {k: visibility_estimate(c, phases, cfg, cfg.seed + i) for i, (k, c) in enumerate(counts.items())}

    strength = np.linspace(0, 1, cfg.strengths)
    family = [marker(2 * np.arcsin(s)) for s in strength]
    rng = np.random.default_rng(cfg.seed)
    randoms = [random_marker(rng) for _ in range(cfg.random_markers)]
    sums = [d * d + v * v for d, v in family + randoms]

    qubits = list(range(1, cfg.max_qubits + 1))
    shots = np.array(
        [
            [shots_to_fidelity(n, cfg, np.random.default_rng([cfg.seed, n, k])) for k in range(cfg.states)]
            for n in progress(qubits, "tomography")
        ]
    )
    logs = np.log2(shots)
    slope = float(np.polyfit(qubits, logs.mean(1), 1)[0])
    boot_rng = np.random.default_rng(cfg.seed + 7)
    boots = [
        np.polyfit(
            qubits, np.take_along_axis(logs, boot_rng.integers(0, cfg.states, logs.shape), 1).mean(1), 1
        )[0]
        for _ in range(cfg.bootstrap)
    ]
    spread = logs.std(1, ddof=1) / np.sqrt(cfg.states)
    evidence = Evidence(
        visibility=vis,
        tradeoff_max=max(sums),
        family_min=min(d * d + v * v for d, v in family),
        growth=percentile_interval(slope, np.array(boots), "bootstrap over seeds", cfg.states),
    )
    return Result(
        evidence=evidence,
        phases=phases.tolist(),
        fringes={k: (c / cfg.shots).tolist() for k, c in counts.items()},
        strength=strength.tolist(),
        family_d=[d for d, _ in family],
        family_v=[v for _, v in family],
        random_d=[d for d, _ in randoms],
        random_v=[v for _, v in randoms],
        qubits=qubits,
        tomography_shots=(2 ** logs.mean(1)).tolist(),
        tomography_lo=(2 ** (logs.mean(1) - 2 * spread)).tolist(),
        tomography_hi=(2 ** (logs.mean(1) + 2 * spread)).tolist(),
        settings=[3**n for n in qubits],
        target_fidelity=cfg.target_fidelity,
        saved_values=[saved_values(w) for w in cfg.mlp_widths],
        lightning_deviation=check_against_lightning(cfg.seed),
    )
