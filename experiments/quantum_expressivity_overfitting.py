"""Does expressivity buy performance on little data? Data re-uploading circuits and classical networks of
growing size trained on a small, noisy two-moons problem, and what regularisers recover.

Data: scikit-learn's ``make_moons`` with Gaussian noise and a share of flipped labels, a fresh draw per seed;
N_train runs over a range, and a large test set (same distribution) measures generalisation.

Quantum models: w qubits, L layers; each layer encodes the two features on every qubit (RY, RZ), applies a
trainable rotation to each qubit and a ring of CZs; the prediction is the sign of ⟨Z₀⟩. Every (seed, N,
regulariser) is one group in a single batched torch simulation: a layer is the Kronecker product of the
per-qubit 2×2 gates, so one step is a handful of batched matrix products whatever the group count.
Classical models: one-hidden-layer tanh networks of growing width, trained the same way.

Regularisers, at the smallest N and the largest model of each family: weight decay (on angles, for circuits),
early stopping on a held-out quarter of the training set, dropout (of whole rotations for circuits, after Scala
et al. 2023; of hidden units for networks), and, for circuits, shot noise in training. Each is scored by the
share of the unregularised generalisation gap it closes, paired by seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval

QUANTUM_REGULARISERS = ("none", "weight decay", "early stopping", "dropout", "shot noise")
CLASSICAL_REGULARISERS = ("none", "weight decay", "early stopping", "dropout")


@dataclass(frozen=True)
class Config:
    circuits: tuple[tuple[int, int], ...] = ((1, 1), (2, 2), (2, 4), (3, 4))  # (qubits w, layers L)
    widths: tuple[int, ...] = (2, 8, 32, 128)  # hidden units of the classical networks
    sizes: tuple[int, ...] = (20, 40, 80, 160, 320)  # N_train
    test: int = 2000
    noise: float = 0.25  # make_moons' Gaussian noise
    flip: float = 0.1  # share of labels flipped, in training and test alike
    seeds: int = 5  # per N above the smallest
    small_seeds: int = (
        20  # at the smallest N, where test accuracy is noisiest: overfitting, its trend with model
    )
    # size and the regulariser comparison (paired, same seeds) rest on these
    steps: int = 300  # full-batch Adam steps
    lr: float = 0.05
    weight_decay: float = 0.01
    dropout: float = 0.1
    shots: int = 50  # shot noise in training: ⟨Z⟩ estimated from this many shots
    check_every: int = 10  # early stopping: validation accuracy every this many steps
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads (accuracies are fractions; gaps are train − test accuracy)."""

    small_gap: Estimate  # most expressive circuit, smallest N
    large_gap: Estimate  # the same circuit, largest N (the negative control)
    gap_trend: Estimate  # slope of the gap in log₂(trainable parameters) at the smallest N, over seeds
    quantum_closed: dict[str, Estimate]  # share of the gap each circuit regulariser closes
    classical_closed: dict[str, Estimate]  # the same for the networks
    quantum_gain: dict[str, Estimate]  # change in test accuracy each circuit regulariser brings (paired)
    classical_gain: dict[str, Estimate]


@dataclass
class FamilyResult:
    params: list[int]  # trainable parameters per model
    train: list[list[list[float]]]  # [model][N][seed] accuracy
    test: list[list[list[float]]]
    regularised: dict[str, tuple[list[float], list[float]]]  # name → (train, test) per seed


@dataclass
class Result:
    evidence: Evidence
    sizes: list[int]
    quantum: FamilyResult
    classical: FamilyResult
    classical_small_gap: Estimate
    classical_large_gap: Estimate
    lightning_deviation: float


def make_data(n: int, cfg: Config, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two moons, features scaled to about [−π/2, π/2], labels ±1 with a share flipped."""
    from sklearn.datasets import make_moons

    x, y = make_moons(n, noise=cfg.noise, random_state=int(rng.integers(2**31)))
    x = (x - np.array([0.5, 0.25])) * np.array([1.0, 2.0])  # centre and balance the two axes
    y = 2 * y - 1
    flip = rng.random(n) < cfg.flip
    return x.astype(np.float64), np.where(flip, -y, y).astype(np.float64)


Plan = list[tuple[int, int, str]]  # (seed, N, regulariser) per group


@dataclass
class Groups:
    """Training runs batched together: each has its own data rows, parameters and regulariser."""

    x: np.ndarray  # (rows, 2) all groups' training rows, concatenated
    y: np.ndarray
    group: np.ndarray  # (rows,) the group of each row
    fit: np.ndarray  # (rows,) 1 where the row is fitted, 0 where it is held out for early stopping
    regulariser: list[str]  # per group
    seed: list[int]
    size: list[int]


def build_groups(cfg: Config, plan: Plan) -> Groups:
    """``plan``: (seed, N, regulariser) per group. A seed's data are the same for every N and regulariser."""
    xs, ys, gs, fits = [], [], [], []
    for g, (seed, n, reg) in enumerate(plan):
        x, y = make_data(max(cfg.sizes), cfg, np.random.default_rng([cfg.seed, seed]))
        x, y = x[:n], y[:n]
        fit = np.ones(n)
        if reg == "early stopping":
            fit[: n // 4] = 0
        xs.append(x)
        ys.append(y)
        gs.append(np.full(n, g))
        fits.append(fit)
    return Groups(
        x=np.concatenate(xs),
        y=np.concatenate(ys),
        group=np.concatenate(gs),
        fit=np.concatenate(fits),
        regulariser=[p[2] for p in plan],
        seed=[p[0] for p in plan],
        size=[p[1] for p in plan],
    )


def _kron(mats: list) -> Any:
    """Kronecker product of batched square matrices, first factor on the most significant qubit."""
    import torch

    u = mats[0]
    for g in mats[1:]:
        u = torch.einsum("bij,bkl->bikjl", u, g).reshape(u.shape[0], u.shape[1] * g.shape[1], -1)
    return u


def encoding(x, w: int):
    """The data gate RZ(πx₁/2)·RY(πx₀/2) on every qubit, as one (rows, 2^w, 2^w) matrix; it has no parameters."""
    import torch

    from experiments.common import statevector as sv

    rows = x.shape[0]
    ry = sv.ry(x[:, 0] * math.pi / 2)
    rz = sv.rotation(torch.full((rows,), sv.PAULI_Z, dtype=torch.long), x[:, 1] * math.pi / 2)
    return _kron([rz @ ry] * w)


def circuit_output(theta, idx, encoded, w: int):
    """⟨Z₀⟩ per row. ``theta``: (groups, L, w, 3); ``idx``: each row's group; ``encoded``: from ``encoding``.

    The trainable layer is built once per group (a Kronecker product of general rotations) and gathered per
    row, so a layer costs two batched matrix-vector products whatever the number of groups.
    """
    from experiments.common import statevector as sv

    groups, layers = theta.shape[0], theta.shape[1]
    flat = theta.reshape(-1, 3)
    rots = sv.rot(flat[:, 0], flat[:, 1], flat[:, 2]).reshape(groups, layers, w, 2, 2)
    ring = [(q, (q + 1) % w) for q in range(w)] if w > 2 else ([(0, 1)] if w == 2 else [])
    cz = sv.cz_phase(w, ring, theta.device)
    state = sv.zero_state(idx.shape[0], w, theta.device)
    for layer in range(layers):
        u = _kron([rots[:, layer, q] for q in range(w)])[idx]
        state = (u @ (encoded @ state[..., None]))[..., 0] * cz
    return sv.expval(state, sv.z_signs(w, 0, theta.device))


def train_circuits(groups: Groups, w: int, layers: int, cfg: Config, gen) -> tuple[np.ndarray, Any]:
    """Train every group's circuit at once; returns per-group train accuracy, and the parameters to test."""
    import torch

    n_groups = len(groups.regulariser)
    theta = (torch.rand((n_groups, layers, w, 3), generator=gen, dtype=torch.float64) - 0.5) * math.pi
    theta.requires_grad_(True)
    x, y = torch.tensor(groups.x), torch.tensor(groups.y)
    idx = torch.tensor(groups.group)
    encoded = encoding(x, w)
    fit = torch.tensor(groups.fit)
    counts = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, fit)
    reg = groups.regulariser
    decay = torch.tensor([cfg.weight_decay if r == "weight decay" else 0.0 for r in reg], dtype=torch.float64)
    drop = torch.tensor([r == "dropout" for r in reg])
    shot = torch.tensor([r == "shot noise" for r in reg])[idx]
    early = [g for g, r in enumerate(reg) if r == "early stopping"]
    best_val = torch.full((n_groups,), -1.0, dtype=torch.float64)
    best = theta.detach().clone()
    opt = torch.optim.Adam([theta], lr=cfg.lr)
    for step in range(cfg.steps):
        opt.zero_grad()
        keep = torch.rand((n_groups, layers, w, 1), generator=gen) >= cfg.dropout
        mask = torch.where(drop[:, None, None, None], keep, torch.ones_like(keep)).to(torch.float64)
        f = circuit_output(theta * mask, idx, encoded, w)
        noise = torch.randn(f.shape, generator=gen, dtype=torch.float64)
        f = torch.where(shot, f + noise * torch.sqrt((1 - f.detach() ** 2).clamp_min(0) / cfg.shots), f)
        loss = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, fit * (f - y) ** 2) / counts
        (loss.sum() + (decay * (theta**2).sum(dim=(1, 2, 3))).sum()).backward()
        opt.step()
        if early and step % cfg.check_every == 0:
            with torch.no_grad():
                correct = ((circuit_output(theta, idx, encoded, w) * y > 0) & (fit == 0)).to(torch.float64)
                val = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, correct)
                val = val / torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, 1 - fit).clamp_min(
                    1
                )
                for g in early:
                    if val[g] > best_val[g]:
                        best_val[g], best[g] = val[g], theta[g].detach()
    final = theta.detach().clone()
    final[early] = best[early]
    with torch.no_grad():
        correct = ((circuit_output(final, idx, encoded, w) * y > 0) & (fit == 1)).to(torch.float64)
        train = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, correct) / counts
    return train.numpy(), final


def test_circuits(
    final, w: int, test_x: list[np.ndarray], test_y: list[np.ndarray], seeds: list[int]
) -> np.ndarray:
    import torch

    acc = []
    with torch.no_grad():
        for g, s in enumerate(seeds):
            x, y = torch.tensor(test_x[s]), torch.tensor(test_y[s])
            f = circuit_output(final[g : g + 1], torch.zeros(len(x), dtype=torch.long), encoding(x, w), w)
            acc.append(float((f * y > 0).to(torch.float64).mean()))
    return np.array(acc)


def train_networks(
    groups: Groups, hidden: int, cfg: Config, gen, test_x, test_y
) -> tuple[np.ndarray, np.ndarray]:
    """One-hidden-layer tanh networks, every group at once (batched weights)."""
    import torch

    n_groups = len(groups.regulariser)
    w1 = (
        torch.randn((n_groups, 2, hidden), generator=gen, dtype=torch.float64) / math.sqrt(2)
    ).requires_grad_(True)
    b1 = torch.zeros((n_groups, 1, hidden), dtype=torch.float64, requires_grad=True)
    w2 = (
        torch.randn((n_groups, hidden, 1), generator=gen, dtype=torch.float64) / math.sqrt(hidden)
    ).requires_grad_(True)
    b2 = torch.zeros((n_groups, 1, 1), dtype=torch.float64, requires_grad=True)
    params = [w1, b1, w2, b2]
    sizes = groups.size
    rows = max(sizes)
    x = torch.zeros((n_groups, rows, 2), dtype=torch.float64)
    y = torch.zeros((n_groups, rows), dtype=torch.float64)
    fit = torch.zeros((n_groups, rows), dtype=torch.float64)
    for g in range(n_groups):
        sel = groups.group == g
        n = int(sel.sum())
        x[g, :n], y[g, :n], fit[g, :n] = (
            torch.tensor(groups.x[sel]),
            torch.tensor(groups.y[sel]),
            torch.tensor(groups.fit[sel]),
        )
    valid = torch.zeros_like(fit)
    for g, n in enumerate(sizes):
        valid[g, :n] = 1 - fit[g, :n]
    reg = groups.regulariser
    decay = torch.tensor([cfg.weight_decay if r == "weight decay" else 0.0 for r in reg], dtype=torch.float64)
    dropped = [g for g, r in enumerate(reg) if r == "dropout"]
    early = [g for g, r in enumerate(reg) if r == "early stopping"]

    def forward(inputs, p, train: bool):
        h = torch.tanh(inputs @ p[0] + p[1])
        if train and dropped:
            keep = (torch.rand(h[dropped].shape, generator=gen) >= cfg.dropout).to(torch.float64) / (
                1 - cfg.dropout
            )
            h = h.clone()
            h[dropped] = h[dropped] * keep
        return (h @ p[2] + p[3])[..., 0]

    best_val = torch.full((n_groups,), -1.0, dtype=torch.float64)
    best = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=cfg.lr)
    counts = fit.sum(1)
    for step in range(cfg.steps):
        opt.zero_grad()
        loss = ((forward(x, params, True) - y) ** 2 * fit).sum(1) / counts
        (loss.sum() + (decay * sum((p**2).sum(dim=(1, 2)) for p in (w1, w2))).sum()).backward()
        opt.step()
        if early and step % cfg.check_every == 0:
            with torch.no_grad():
                val = ((forward(x, params, False) * y > 0) * valid).sum(1) / valid.sum(1).clamp_min(1)
                for g in early:
                    if val[g] > best_val[g]:
                        best_val[g] = val[g]
                        for b, p in zip(best, params, strict=True):
                            b[g] = p[g].detach()
    final = [p.detach().clone() for p in params]
    for f, b in zip(final, best, strict=True):
        f[early] = b[early]
    with torch.no_grad():
        train = ((forward(x, final, False) * y > 0) * fit).sum(1) / counts
        test = []
        for g, s in enumerate(groups.seed):
            tx, ty = torch.tensor(test_x[s])[None], torch.tensor(test_y[s])
            out = forward(tx, [p[g : g + 1] for p in final], False)[0]
            test.append(float((out * ty > 0).to(torch.float64).mean()))
    return train.numpy(), np.array(test)


def _plan(cfg: Config, regularisers: tuple[str, ...]) -> Plan:
    """``small_seeds`` seeds at the smallest N, ``seeds`` at every larger N, all without regulariser; then every
    other regulariser at the smallest N on the same seeds, so the comparison is paired."""
    n0 = cfg.sizes[0]
    plan = [(s, n0, "none") for s in range(cfg.small_seeds)]
    plan += [(s, n, "none") for n in cfg.sizes[1:] for s in range(cfg.seeds)]
    plan += [(s, n0, r) for r in regularisers[1:] for s in range(cfg.small_seeds)]
    return plan


def _collect(plan: Plan, train, test, cfg: Config) -> tuple[list[list[float]], list[list[float]], dict]:
    def pick(values, keep) -> list[float]:
        return [float(values[i]) for i, p in enumerate(plan) if keep(p)]

    by_n_train = [pick(train, lambda p, n=n: p[1] == n and p[2] == "none") for n in cfg.sizes]
    by_n_test = [pick(test, lambda p, n=n: p[1] == n and p[2] == "none") for n in cfg.sizes]
    n0 = cfg.sizes[0]
    regs = {
        reg: (
            pick(train, lambda p, r=reg: p[1] == n0 and p[2] == r),
            pick(test, lambda p, r=reg: p[1] == n0 and p[2] == r),
        )
        for reg in dict.fromkeys(p[2] for p in plan)
    }
    return by_n_train, by_n_test, regs


def closed_share(none: tuple[list[float], list[float]], reg: tuple[list[float], list[float]]) -> Estimate:
    """Share of the unregularised gap a regulariser closes, per seed (paired), with a t-interval."""
    base = np.array(none[0]) - np.array(none[1])
    gap = np.array(reg[0]) - np.array(reg[1])
    return t_interval(
        ((base - gap) / np.maximum(base.mean(), 1e-9)).tolist(), "t-interval over seeds (paired)"
    )


def test_gain(none: tuple[list[float], list[float]], reg: tuple[list[float], list[float]]) -> Estimate:
    """Test accuracy with the regulariser minus without, per seed (paired), with a t-interval."""
    return t_interval((np.array(reg[1]) - np.array(none[1])).tolist(), "t-interval over seeds (paired)")


def gaps(train: list[float], test: list[float]) -> Estimate:
    return t_interval((np.array(train) - np.array(test)).tolist(), "t-interval over seeds")


def check_against_lightning(w: int = 2, layers: int = 2, seed: int = 0) -> float:
    """Our batched circuit against a PennyLane QNode on lightning.qubit, on a few random inputs."""
    import pennylane as qml
    import torch

    gen = torch.Generator().manual_seed(seed)
    theta = torch.rand((1, layers, w, 3), generator=gen, dtype=torch.float64) * 2 * math.pi
    x = torch.rand((5, 2), generator=gen, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        ours = circuit_output(theta, torch.zeros(5, dtype=torch.long), encoding(x, w), w).numpy()

    @qml.qnode(qml.device("lightning.qubit", wires=w))
    def circuit(t, point):
        for layer in range(layers):
            for q in range(w):
                qml.RY(point[0] * math.pi / 2, wires=q)
                qml.RZ(point[1] * math.pi / 2, wires=q)
                qml.Rot(*t[layer, q], wires=q)
            for a, b in [(q, (q + 1) % w) for q in range(w)] if w > 2 else [(0, 1)]:
                qml.CZ(wires=[a, b])
        return qml.expval(qml.PauliZ(0))

    theirs = np.array([circuit(theta[0].numpy(), p.numpy()) for p in x])
    return float(np.abs(ours - theirs).max())


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    gen = torch.Generator().manual_seed(cfg.seed)
    n_seeds = max(cfg.seeds, cfg.small_seeds)
    tests = [make_data(cfg.test, cfg, np.random.default_rng([cfg.seed, s, 1])) for s in range(n_seeds)]
    test_x, test_y = [t[0] for t in tests], [t[1] for t in tests]

    q_train: list[list[list[float]]] = []
    q_test: list[list[list[float]]] = []
    q_params: list[int] = []
    q_regs: dict = {}
    last = len(cfg.circuits) - 1
    for i, (w, layers) in enumerate(progress(cfg.circuits, "circuits")):
        plan = _plan(cfg, QUANTUM_REGULARISERS if i == last else ("none",))
        train, final = train_circuits(build_groups(cfg, plan), w, layers, cfg, gen)
        test = test_circuits(final, w, test_x, test_y, [p[0] for p in plan])
        tr, te, regs = _collect(plan, train, test, cfg)
        q_train.append(tr)
        q_test.append(te)
        q_params.append(3 * w * layers)
        q_regs = regs if i == last else q_regs

    c_train: list[list[list[float]]] = []
    c_test: list[list[list[float]]] = []
    c_params: list[int] = []
    c_regs: dict = {}
    for i, hidden in enumerate(progress(cfg.widths, "networks")):
        regs_i = CLASSICAL_REGULARISERS if i == len(cfg.widths) - 1 else ("none",)
        plan = _plan(cfg, regs_i)
        train, test = np.zeros(len(plan)), np.zeros(len(plan))
        for n in cfg.sizes:  # one batch per N, so no group is padded to the largest N
            part = [j for j, p in enumerate(plan) if p[1] == n]
            train[part], test[part] = train_networks(
                build_groups(cfg, [plan[j] for j in part]), hidden, cfg, gen, test_x, test_y
            )
        tr, te, regs = _collect(plan, train, test, cfg)
        c_train.append(tr)
        c_test.append(te)
        c_params.append(4 * hidden + 1)
        c_regs = regs if i == len(cfg.widths) - 1 else c_regs

    per_seed_gap = np.array(
        [np.array(q_train[m][0]) - np.array(q_test[m][0]) for m in range(len(cfg.circuits))]
    )
    logp = np.log2(q_params)
    slopes = [float(np.polyfit(logp, per_seed_gap[:, s], 1)[0]) for s in range(cfg.small_seeds)]
    evidence = Evidence(
        small_gap=gaps(q_train[-1][0], q_test[-1][0]),
        large_gap=gaps(q_train[-1][-1], q_test[-1][-1]),
        gap_trend=t_interval(slopes, "t-interval over seeds of per-seed slopes"),
        quantum_closed={r: closed_share(q_regs["none"], q_regs[r]) for r in QUANTUM_REGULARISERS[1:]},
        classical_closed={r: closed_share(c_regs["none"], c_regs[r]) for r in CLASSICAL_REGULARISERS[1:]},
        quantum_gain={r: test_gain(q_regs["none"], q_regs[r]) for r in QUANTUM_REGULARISERS[1:]},
        classical_gain={r: test_gain(c_regs["none"], c_regs[r]) for r in CLASSICAL_REGULARISERS[1:]},
    )
    return Result(
        evidence=evidence,
        sizes=list(cfg.sizes),
        quantum=FamilyResult(q_params, q_train, q_test, q_regs),
        classical=FamilyResult(c_params, c_train, c_test, c_regs),
        classical_small_gap=gaps(c_train[-1][0], c_test[-1][0]),
        classical_large_gap=gaps(c_train[-1][-1], c_test[-1][-1]),
        lightning_deviation=check_against_lightning(),
    )
