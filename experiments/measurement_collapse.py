"""What does looking at an intermediate quantum state cost? The mechanism the essay names first, then three
demonstrations kept as sanity checks.

- **Reusing a measured intermediate layer** (the decisive measurement): a layered circuit (RY, RZ on each
  qubit, a CNOT chain) on n qubits. Backprop would read the state after the first half and reuse it; here every
  qubit is measured in Z after ``split`` of the layers and the circuit continues from the collapsed state. The
  parameter-shift gradient of ⟨Z₀⟩ on that measure-and-continue circuit is set against the parameter-shift
  gradient of the unmeasured circuit, both from finite shots over random parameter draws: the relative bias.
  The negative control continues with layers that commute with the measurement (RZ, CZ), where no bias may
  appear. The strongest alternative is a gentler look: a weak marker of strength s, which biases less but
  needs 1/s² more copies to read the same value.
- **Copies per accuracy**: reading an intermediate value to accuracy ε takes about 1/ε² copies of the state
  (each is destroyed by its measurement, and an unknown state cannot be cloned); a parameter-shift gradient
  takes 2P circuits at that many shots each; classical backprop takes one forward and one backward pass.

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
    qubits: int = 3  # the layered circuit of the reuse experiment
    layers: int = 4
    split: float = 0.5  # share of the layers before the intermediate measurement (1.0: measured at the end)
    draws: int = 20  # random parameter vectors
    grad_shots: int = 2000  # shots per circuit evaluation, for both gradients
    gentle: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)  # marker strengths s of the weak look (1: projective)
    accuracies: tuple[float, ...] = (0.1, 0.03, 0.01)  # ε for the copy count
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    visibility: dict[str, Estimate]  # fringe visibility per kind, bootstrap over shots (clipped to ≤ 1)
    tradeoff_max: float  # largest D² + V² over every marker tried
    family_min: float  # smallest D² + V² along the optimal (pure, Helstrom-read) family
    growth: Estimate  # log₂ of the factor by which tomography shots grow per added qubit
    reuse: Estimate  # relative bias of the measure-and-continue gradient against parameter shift
    commuting: Estimate  # the same when the continuation commutes with the measurement (negative control)
    gentle: tuple[float, ...]  # marker strengths s
    gentle_bias: list[Estimate]  # relative bias at each s
    gentle_copies: list[float]  # copies to read every intermediate ⟨Z_q⟩ to the smallest ε, at each s
    copies_exponent: Estimate  # b in copies ∝ ε^(−b), from simulated shots


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
    reuse_exact: float  # relative bias without shot noise
    parameters: int  # P of the reuse circuit
    accuracies: list[float]
    intermediate_copies: list[float]  # copies to read every ⟨Z_q⟩ at the split to ε (projective)
    gradient_copies: list[float]  # circuit runs for a parameter-shift gradient with each component to ε
    raw_visibility: dict[str, float]  # the fitted visibilities before clipping at the physical maximum 1
    pennylane_deviation: float  # our measure-and-continue cost against PennyLane's mid-circuit measurement


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
    """Visibility with a parametric bootstrap: counts redrawn from the binomial at the observed rates. A
    visibility cannot exceed 1; a fit can, by shot noise, so the estimate and its bounds are clipped at 1
    (the raw fit is kept in the result)."""
    rng = np.random.default_rng(seed)
    rates = counts / cfg.shots
    boots = rng.binomial(cfg.shots, rates, size=(cfg.bootstrap, rates.size)) / cfg.shots
    values = np.minimum([visibility(b, phases) for b in boots], 1.0)
    return percentile_interval(
        min(visibility(rates, phases), 1.0),
        values,
        "bootstrap over shots (clipped at 1)",
        cfg.shots * phases.size,
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


# --- The mechanism: reuse a measured intermediate layer, and what reading intermediates costs -------------
_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1.0, -1.0]).astype(complex)


def _rot(theta: np.ndarray, pauli: np.ndarray) -> np.ndarray:
    """exp(−iθP/2) for a batch of angles: shape (..., 2, 2)."""
    c, s = np.cos(theta / 2)[..., None, None], np.sin(theta / 2)[..., None, None]
    return c * np.eye(2) - 1j * s * pauli


def _kron_batch(mats: list[np.ndarray]) -> np.ndarray:
    """Kronecker product over qubits of batched 2×2 gates (first qubit most significant): (B, 2ⁿ, 2ⁿ)."""
    u = mats[0]
    for g in mats[1:]:
        b = u.shape[0]
        u = np.einsum("bij,bkl->bikjl", u, g).reshape(b, u.shape[1] * 2, u.shape[2] * 2)
    return u


def _entangler(n: int, diagonal: bool) -> np.ndarray:
    """A CNOT chain (0→1→…), or for the diagonal (commuting) continuation a CZ chain."""
    d = 2**n
    bits = (np.arange(d)[:, None] >> (n - 1 - np.arange(n))) & 1  # (d, n), qubit 0 most significant
    if diagonal:
        sign = np.ones(d)
        for q in range(n - 1):
            sign *= 1 - 2 * (bits[:, q] & bits[:, q + 1])
        return np.diag(sign).astype(complex)
    u = np.eye(d, dtype=complex)
    for q in range(n - 1):
        target = bits.copy()
        target[:, q + 1] ^= target[:, q]
        perm = target @ (1 << (n - 1 - np.arange(n)))
        step = np.zeros((d, d), dtype=complex)
        step[perm, np.arange(d)] = 1
        u = step @ u
    return u


def _layer(theta: np.ndarray, n: int, diagonal: bool) -> np.ndarray:
    """One layer for a batch of parameters ``theta`` (B, n, 2): RY then RZ on each qubit (RZ, RZ when the layer
    must commute with a Z measurement), then the entangler."""
    first = _Z if diagonal else _Y
    gates = [_rot(theta[:, q, 1], _Z) @ _rot(theta[:, q, 0], first) for q in range(n)]
    return _entangler(n, diagonal) @ _kron_batch(gates)


def _popcount_xor(n: int) -> np.ndarray:
    idx = np.arange(2**n)
    x = idx[:, None] ^ idx[None, :]
    return np.array([[bin(int(v)).count("1") for v in row] for row in x])


def split_costs(theta: np.ndarray, n: int, split: int, visibility: float, diagonal_after: bool) -> np.ndarray:
    """⟨Z₀⟩ at the end of the circuit when every qubit is measured in Z after ``split`` layers (``visibility``
    0: a projective, collapsing measurement; 1: no measurement; between: a weak one, a marker of strength
    s = √(1 − V²) per qubit) and the circuit then continues from the post-measurement state.
    ``theta``: (B, L, n, 2). Exact density-matrix arithmetic; returns (B,)."""
    batch, layers = theta.shape[0], theta.shape[1]
    d = 2**n
    psi = np.zeros((batch, d), dtype=complex)
    psi[:, 0] = 1
    for layer in range(split):
        psi = np.einsum("bij,bj->bi", _layer(theta[:, layer], n, False), psi)
    rho = psi[:, :, None] * psi[:, None, :].conj() * visibility ** _popcount_xor(n)[None]
    for layer in range(split, layers):
        u = _layer(theta[:, layer], n, diagonal_after)
        rho = u @ rho @ u.conj().transpose(0, 2, 1)
    z0 = np.where(np.arange(d) < d // 2, 1.0, -1.0)
    return np.einsum("bii,i->b", rho, z0).real


def shifted(theta: np.ndarray) -> np.ndarray:
    """The 2P parameter-shift points of each parameter vector: (B, 2, P, L, n, 2) flattened to (B·2P, L, n, 2)."""
    batch, shape = theta.shape[0], theta.shape[1:]
    p = int(np.prod(shape))
    eye = np.eye(p).reshape(p, *shape) * np.pi / 2
    plus, minus = theta[:, None] + eye[None], theta[:, None] - eye[None]
    return np.stack([plus, minus], 1).reshape(batch * 2 * p, *shape)


def gradients(costs: np.ndarray, batch: int) -> np.ndarray:
    """Parameter-shift gradients (B, P) from the costs at ``shifted`` points."""
    c = costs.reshape(batch, 2, -1)
    return (c[:, 0] - c[:, 1]) / 2


def with_shots(costs: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """Each ⟨Z₀⟩ estimated from ``shots`` single-shot ±1 outcomes (a binomial draw at the exact probability)."""
    p = np.clip((1 + costs) / 2, 0, 1)
    return 2 * rng.binomial(shots, p) / shots - 1


def relative_bias(delta: tuple[np.ndarray, np.ndarray], grad: tuple[np.ndarray, np.ndarray], boot: int,
                  seed: int) -> Estimate:  # fmt: skip
    """‖E[g_reused] − ∇C‖ / ‖∇C‖ from two independent shot replicates: Δ⁽¹⁾·Δ⁽²⁾ estimates ‖bias‖² without the
    shot noise's own contribution (likewise g⁽¹⁾·g⁽²⁾ for ‖∇C‖²). Ratio of sums over parameter draws, with a
    bootstrap over draws; reported as a signed square root (noise can make the estimate of a zero bias
    slightly negative)."""
    x = (delta[0] * delta[1]).sum(1)
    y = (grad[0] * grad[1]).sum(1)

    def root(v: np.ndarray | float) -> np.ndarray:
        return np.sign(v) * np.sqrt(np.abs(v))

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(boot, len(x)))
    boots = root(x[idx].sum(1) / y[idx].sum(1))
    return percentile_interval(
        float(root(x.sum() / y.sum())), boots, "bootstrap over parameter draws", len(x)
    )


@dataclass(frozen=True)
class Reuse:
    """The measure-and-continue gradient against the parameter-shift gradient of the unmeasured circuit."""

    bias: Estimate  # relative bias, from shots (two replicates)
    exact_bias: float  # the same without shot noise
    parameters: int
    draws: int


def reuse_bias(cfg: Config, visibility: float, diagonal_after: bool, seed: int) -> Reuse:
    """Draw ``cfg.draws`` random parameter vectors; for each, estimate the gradient of ⟨Z₀⟩ by parameter shift
    (i) on the unmeasured circuit and (ii) on the circuit measured after ``split`` layers and continued from
    the collapsed state (the gradient that reuses the measured intermediate layer), each with
    ``cfg.grad_shots`` shots per evaluation, twice."""
    rng = np.random.default_rng([cfg.seed, seed])
    n, layers = cfg.qubits, cfg.layers
    split = round(cfg.split * layers)
    theta = rng.uniform(0, 2 * np.pi, size=(cfg.draws, layers, n, 2))
    points = shifted(theta)
    plain = split_costs(points, n, split, 1.0, diagonal_after)
    reused = split_costs(points, n, split, visibility, diagonal_after)
    reps = [(with_shots(plain, cfg.grad_shots, rng), with_shots(reused, cfg.grad_shots, rng)) for _ in (0, 1)]
    g = [gradients(p, cfg.draws) for p, _ in reps]
    delta = [gradients(r, cfg.draws) - gradients(p, cfg.draws) for p, r in reps]
    exact_g, exact_r = gradients(plain, cfg.draws), gradients(reused, cfg.draws)
    exact = float(np.linalg.norm(exact_r - exact_g)) / max(float(np.linalg.norm(exact_g)), 1e-300)
    return Reuse(
        bias=relative_bias((delta[0], delta[1]), (g[0], g[1]), cfg.bootstrap, cfg.seed + seed),
        exact_bias=exact,
        parameters=theta[0].size,
        draws=cfg.draws,
    )


def intermediate_z(cfg: Config, seed: int) -> np.ndarray:
    """⟨Z_q⟩ of every qubit after ``split`` layers, for fresh random parameter draws: (draws, n)."""
    rng = np.random.default_rng([cfg.seed, seed])
    n, split = cfg.qubits, round(cfg.split * cfg.layers)
    theta = rng.uniform(0, 2 * np.pi, size=(cfg.draws, max(split, 1), n, 2))
    psi = np.zeros((cfg.draws, 2**n), dtype=complex)
    psi[:, 0] = 1
    for layer in range(max(split, 1)):
        psi = np.einsum("bij,bj->bi", _layer(theta[:, layer], n, False), psi)
    bits = (np.arange(2**n)[:, None] >> (n - 1 - np.arange(n))) & 1
    return (np.abs(psi) ** 2) @ (1 - 2 * bits)


def copies_slope(z: np.ndarray, cfg: Config, rng: np.random.Generator) -> Estimate:
    """The copies needed to read the intermediate values ⟨Z_q⟩ to RMS error ε, from simulated single shots: the
    RMS error at m copies is measured for m on a grid, and ε ∝ m^(−1/b) gives the exponent b of copies ∝ ε^(−b)
    (b = 2 without entangled measurements across copies). Bootstrap over parameter draws."""
    grid = np.array([16, 64, 256, 1024, 4096])
    p = (1 + z.ravel()) / 2
    reps = 200
    errs = np.array(
        [
            np.sqrt(((2 * rng.binomial(m, p, size=(reps, p.size)) / m - 1 - z.ravel()) ** 2).mean(0))
            for m in grid
        ]
    )  # (grid, values): RMS error per value
    logm = np.log(grid)

    def exponent(cols: np.ndarray) -> float:
        return float(-1 / np.polyfit(logm, np.log(errs[:, cols].mean(1)), 1)[0])

    boot = np.random.default_rng(cfg.seed + 11)
    draws = [boot.integers(0, p.size, p.size) for _ in range(min(cfg.bootstrap, 500))]
    return percentile_interval(
        exponent(np.arange(p.size)), np.array([exponent(c) for c in draws]), "bootstrap over values", p.size
    )


def weak_marker(cfg: Config, z: np.ndarray) -> tuple[list[Reuse], list[float]]:
    """The gentler look (the strongest alternative): a weak Z marker of strength s on each qubit at the split,
    which keeps V = √(1 − s²) of each coherence. For each s: the bias of the gradient that continues from the
    marked state, and the copies needed to read every ⟨Z_q⟩ to accuracy ε from the marker (a ±1 readout with
    mean s·⟨Z_q⟩: (1 − s²⟨Z_q⟩²)/(s²ε²) copies, the largest over qubits, mean over draws)."""
    eps = min(cfg.accuracies)
    bias, copies = [], []
    for i, s in enumerate(cfg.gentle):
        bias.append(reuse_bias(cfg, float(np.sqrt(1 - s * s)), False, 100 + i))
        copies.append(float(((1 - s * s * z**2) / (s * s * eps * eps)).max(1).mean()))
    return bias, copies


def check_against_pennylane(seed: int, n: int = 2, layers: int = 2) -> float:
    """Our measure-and-continue cost against PennyLane's mid-circuit measurements (``qml.measure``, deferred,
    exact expectation) for one random parameter vector."""
    import pennylane as qml

    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, 2 * np.pi, size=(1, layers, n, 2))
    ours = float(split_costs(theta, n, 1, 0.0, False)[0])

    @qml.qnode(qml.device("default.qubit", wires=2 * n), mcm_method="deferred")
    def circuit():
        for layer in range(layers):
            if layer == 1:
                for q in range(n):
                    qml.measure(q)
            for q in range(n):
                qml.RY(theta[0, layer, q, 0], wires=q)
                qml.RZ(theta[0, layer, q, 1], wires=q)
            for q in range(n - 1):
                qml.CNOT(wires=[q, q + 1])
        return qml.expval(qml.PauliZ(0))

    return abs(ours - float(circuit()))


def run(cfg: Config, progress: Progress = silent) -> Result:
    phases = np.arange(cfg.phases) * 2 * np.pi / cfg.phases
    counts = {k: _fringe(k, cfg, phases) for k in progress(KINDS, "interferometers")}
    vis = {k: visibility_estimate(c, phases, cfg, cfg.seed + i) for i, (k, c) in enumerate(counts.items())}
    raw = {k: visibility(c / cfg.shots, phases) for k, c in counts.items()}

    reuse = reuse_bias(cfg, 0.0, False, 1)
    commuting = reuse_bias(cfg, 0.0, True, 2)
    z = intermediate_z(cfg, 3)
    gentle_bias, gentle_copies = weak_marker(cfg, z)
    exponent = copies_slope(z, cfg, np.random.default_rng([cfg.seed, 4]))
    theta = np.random.default_rng([cfg.seed, 5]).uniform(
        0, 2 * np.pi, size=(cfg.draws, cfg.layers, cfg.qubits, 2)
    )
    var = 1 - split_costs(shifted(theta), cfg.qubits, cfg.layers, 1.0, False) ** 2  # per-shot variance of ±1
    var = var.reshape(cfg.draws, 2, -1)
    per_component = (var[:, 0] + var[:, 1]) / 4  # variance of (C₊ − C₋)/2 from one shot at each point
    grad_copies = [float((2 * per_component.sum(1) / e**2).mean()) for e in cfg.accuracies]
    inter_copies = [float(((1 - z**2) / e**2).max(1).mean()) for e in cfg.accuracies]

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
        reuse=reuse.bias,
        commuting=commuting.bias,
        gentle=tuple(cfg.gentle),
        gentle_bias=[g.bias for g in gentle_bias],
        gentle_copies=gentle_copies,
        copies_exponent=exponent,
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
        reuse_exact=reuse.exact_bias,
        parameters=reuse.parameters,
        accuracies=list(cfg.accuracies),
        intermediate_copies=inter_copies,
        gradient_copies=grad_copies,
        raw_visibility=raw,
        pennylane_deviation=check_against_pennylane(cfg.seed),
    )
