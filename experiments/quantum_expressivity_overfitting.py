"""Does expressivity buy performance on little data? Data re-uploading circuits and classical networks of
growing size trained on a small, noisy two-moons problem, and what regularisers recover.

Data: scikit-learn's ``make_moons`` with Gaussian noise and a share of flipped labels, a fresh draw per seed;
N_train runs over a range, and a large test set (same distribution) measures generalisation.

Quantum models: w qubits, L layers; each layer encodes the two features on every qubit (RY, RZ), applies a
trainable rotation to each qubit and a ring of CZs; the prediction is the sign of ⟨Z₀⟩. Every (seed, N,
regulariser) is one group in a single batched torch simulation: a layer is the Kronecker product of the
per-qubit 2×2 gates, so one step is a handful of batched matrix products whatever the group count.
Classical models: one-hidden-layer tanh networks of growing width, trained the same way.

Regularisers, at the smallest N and the largest model of each family, each at several strengths, the strength
chosen per seed on a validation set (a separate draw of N points, never used for the test): weight decay (on
angles, for circuits), early stopping (the step with the best validation accuracy), dropout (of whole rotations
for circuits, after Scala et al. 2023; of hidden units for networks), for circuits shot noise in training, and
for both families a smaller model (the size chosen on validation). "Tuned" picks, per seed, whichever of all
these options validates best. The gain of each is its paired change in test accuracy; the classical-minus-
quantum difference of gains is tested directly, paired by seed, with a Bonferroni correction over the tests.
Every training run reports how it ended (``experiments.common.training``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval
from experiments.common.training import Stop, stop_of

QUANTUM_REGULARISERS = ("none", "weight decay", "early stopping", "dropout", "shot noise")
CLASSICAL_REGULARISERS = ("none", "weight decay", "early stopping", "dropout")
COMPARED = ("weight decay", "early stopping", "dropout", "size", "tuned")  # the classical − quantum tests


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
    weight_decays: tuple[float, ...] = (0.001, 0.01, 0.1)  # strengths tried, each family
    dropouts: tuple[float, ...] = (0.05, 0.1, 0.2)
    shot_counts: tuple[int, ...] = (20, 50, 200)  # shot noise in training: ⟨Z⟩ estimated from this many shots
    check_every: int = 10  # early stopping: validation accuracy every this many steps
    seed: int = 0

    def strengths(self, regulariser: str) -> tuple[float, ...]:
        return {"weight decay": self.weight_decays, "dropout": self.dropouts,
                "shot noise": tuple(float(s) for s in self.shot_counts)}.get(regulariser, (0.0,))  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads (accuracies are fractions; gaps are train − test accuracy)."""

    small_gap: Estimate  # most expressive circuit, smallest N
    large_gap: Estimate  # the same circuit, largest N (the negative control)
    gap_trend: Estimate  # slope of the gap in log₂(trainable parameters) at the smallest N, over seeds
    seed_gaps: list[
        list[float]
    ]  # circuits × seeds: train − test at the smallest N (small_gap and gap_trend's data)
    log_params: list[float]  # log₂ of each circuit's trainable parameters (the trend's x)
    quantum_gain: dict[
        str, Estimate
    ]  # change in test accuracy each circuit regulariser brings (paired; strength
    # chosen on validation; "size" and "tuned" included)
    classical_gain: dict[str, Estimate]
    difference: dict[str, Estimate]  # classical − quantum gain per seed, Bonferroni-corrected over COMPARED
    gap_stops: list[Stop]  # the unregularised runs at the smallest N (the gap and its trend read these)
    stops: list[
        Stop
    ]  # the runs the tuned comparison reads: the chosen option and the baseline, both families


Runs = dict[
    tuple[str, float], tuple[list[float], list[float], list[float], list[Stop]]
]  # → train, test, val, stops


@dataclass
class FamilyResult:
    params: list[int]  # trainable parameters per model
    train: list[list[list[float]]]  # [model][N][seed] accuracy
    test: list[list[list[float]]]
    regularised: dict[str, tuple[list[float], list[float]]]  # name → (train, test) per seed, strength chosen
    chosen: dict[str, list[float]]  # name → the strength (or parameter count, for "size") chosen per seed


@dataclass
class Result:
    evidence: Evidence
    sizes: list[int]
    quantum: FamilyResult
    classical: FamilyResult
    classical_small_gap: Estimate
    classical_large_gap: Estimate
    lightning_deviation: float
    converged: int  # runs that converged, of
    runs: int


def make_data(n: int, cfg: Config, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two moons, features scaled to about [−π/2, π/2], labels ±1 with a share flipped."""
    from sklearn.datasets import make_moons

    x, y = make_moons(n, noise=cfg.noise, random_state=int(rng.integers(2**31)))
    x = (x - np.array([0.5, 0.25])) * np.array([1.0, 2.0])  # centre and balance the two axes
    y = 2 * y - 1
    flip = rng.random(n) < cfg.flip
    return x.astype(np.float64), np.where(flip, -y, y).astype(np.float64)


Plan = list[tuple[int, int, str, float]]  # (seed, N, regulariser, strength) per group


@dataclass
class Groups:
    """Training runs batched together: each has its own data rows, parameters and regulariser."""

    x: np.ndarray  # (rows, 2) all groups' training rows, concatenated
    y: np.ndarray
    group: np.ndarray  # (rows,) the group of each row
    fit: np.ndarray  # (rows,) 1 where the row is fitted, 0 for validation rows (selection, early stopping)
    regulariser: list[str]  # per group
    strength: list[float]
    seed: list[int]
    size: list[int]  # rows per group, validation included


def build_groups(cfg: Config, plan: Plan) -> Groups:
    """``plan``: (seed, N, regulariser, strength) per group. A seed's data are the same for every N and
    regulariser; at the smallest N each group also carries the seed's validation set (rows not fitted)."""
    xs, ys, gs, fits = [], [], [], []
    n0 = cfg.sizes[0]
    for g, (seed, n, _, _) in enumerate(plan):
        x, y = make_data(max(cfg.sizes), cfg, np.random.default_rng([cfg.seed, seed]))
        x, y, fit = x[:n], y[:n], np.ones(n)
        if n == n0:
            vx, vy = make_data(n0, cfg, np.random.default_rng([cfg.seed, seed, 2]))
            x, y, fit = np.concatenate([x, vx]), np.concatenate([y, vy]), np.concatenate([fit, np.zeros(n0)])
        xs.append(x)
        ys.append(y)
        gs.append(np.full(len(y), g))
        fits.append(fit)
    return Groups(
        x=np.concatenate(xs),
        y=np.concatenate(ys),
        group=np.concatenate(gs),
        fit=np.concatenate(fits),
        regulariser=[p[2] for p in plan],
        strength=[p[3] for p in plan],
        seed=[p[0] for p in plan],
        size=[len(y) for y in ys],
    )


def _stops(curves: np.ndarray, cfg: Config, groups: Groups) -> list[Stop]:
    """How each group's run ended, from its training accuracy per step (averaged over stretches of
    ``check_every`` steps); early stopping counts as stopping by its rule."""
    k = cfg.check_every
    coarse = curves[: len(curves) // k * k].reshape(-1, k, curves.shape[1]).mean(1)
    return [
        stop_of(coarse[:, g], cfg.steps, reg == "early stopping", steps=cfg.steps, lower_is_better=False)
        for g, reg in enumerate(groups.regulariser)
    ]


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


def train_circuits(
    groups: Groups, w: int, layers: int, cfg: Config, gen
) -> tuple[np.ndarray, np.ndarray, Any, list[Stop]]:
    """Train every group's circuit at once; returns per-group train and validation accuracy, the parameters to
    test, and how each run ended."""
    import torch

    n_groups = len(groups.regulariser)
    theta = (torch.rand((n_groups, layers, w, 3), generator=gen, dtype=torch.float64) - 0.5) * math.pi
    theta.requires_grad_(True)
    x, y = torch.tensor(groups.x), torch.tensor(groups.y)
    idx = torch.tensor(groups.group)
    encoded = encoding(x, w)
    fit = torch.tensor(groups.fit)
    counts = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, fit)
    reg, st = groups.regulariser, groups.strength
    decay = torch.tensor(
        [s if r == "weight decay" else 0.0 for r, s in zip(reg, st, strict=True)], dtype=torch.float64
    )
    p_drop = torch.tensor(
        [s if r == "dropout" else 0.0 for r, s in zip(reg, st, strict=True)], dtype=torch.float64
    )
    shot = torch.tensor([r == "shot noise" for r in reg])[idx]
    shots = torch.tensor(
        [s if r == "shot noise" else 1.0 for r, s in zip(reg, st, strict=True)], dtype=torch.float64
    )[idx]
    early = [g for g, r in enumerate(reg) if r == "early stopping"]
    curves = np.zeros((cfg.steps, n_groups))
    best_val = torch.full((n_groups,), -1.0, dtype=torch.float64)
    best = theta.detach().clone()
    opt = torch.optim.Adam([theta], lr=cfg.lr)
    for step in range(cfg.steps):
        opt.zero_grad()
        keep = (
            torch.rand((n_groups, layers, w, 1), generator=gen, dtype=torch.float64)
            >= p_drop[:, None, None, None]
        )
        f = circuit_output(theta * keep.to(torch.float64), idx, encoded, w)
        noise = torch.randn(f.shape, generator=gen, dtype=torch.float64)
        f = torch.where(shot, f + noise * torch.sqrt((1 - f.detach() ** 2).clamp_min(0) / shots), f)
        loss = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, fit * (f - y) ** 2) / counts
        hits = ((f.detach() * y > 0) & (fit == 1)).to(torch.float64)
        curves[step] = (torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, hits) / counts).numpy()
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
        hit = circuit_output(final, idx, encoded, w) * y > 0
        train = torch.zeros(n_groups, dtype=torch.float64).index_add_(
            0, idx, (hit & (fit == 1)).to(torch.float64)
        )
        held = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, idx, 1 - fit).clamp_min(1)
        val = torch.zeros(n_groups, dtype=torch.float64).index_add_(
            0, idx, (hit & (fit == 0)).to(torch.float64)
        )
    return (train / counts).numpy(), (val / held).numpy(), final, _stops(curves, cfg, groups)


def test_circuits(
    final, w: int, test_x: list[np.ndarray], test_y: list[np.ndarray], seeds: list[int]
) -> np.ndarray:
    import torch

    acc = []
    encoded: dict[int, Any] = {}  # the test set's encoding depends only on the seed: built once per seed
    with torch.no_grad():
        for g, s in enumerate(seeds):
            x, y = torch.tensor(test_x[s]), torch.tensor(test_y[s])
            if s not in encoded:
                encoded[s] = encoding(x, w)
            f = circuit_output(final[g : g + 1], torch.zeros(len(x), dtype=torch.long), encoded[s], w)
            acc.append(float((f * y > 0).to(torch.float64).mean()))
    return np.array(acc)


def train_networks(
    groups: Groups, hidden: int, cfg: Config, gen, test_x, test_y
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Stop]]:
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
    reg, st = groups.regulariser, groups.strength
    decay = torch.tensor(
        [s if r == "weight decay" else 0.0 for r, s in zip(reg, st, strict=True)], dtype=torch.float64
    )
    p_drop = torch.tensor(
        [s if r == "dropout" else 0.0 for r, s in zip(reg, st, strict=True)], dtype=torch.float64
    )
    early = [g for g, r in enumerate(reg) if r == "early stopping"]
    curves = np.zeros((cfg.steps, n_groups))

    def forward(inputs, p, train: bool):
        h = torch.tanh(inputs @ p[0] + p[1])
        if train and bool((p_drop > 0).any()):
            rate = p_drop[:, None, None]
            keep = (torch.rand(h.shape, generator=gen, dtype=torch.float64) >= rate).to(torch.float64) / (
                1 - rate
            )
            h = h * keep
        return (h @ p[2] + p[3])[..., 0]

    best_val = torch.full((n_groups,), -1.0, dtype=torch.float64)
    best = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=cfg.lr)
    counts = fit.sum(1)
    for step in range(cfg.steps):
        opt.zero_grad()
        out = forward(x, params, True)
        loss = ((out - y) ** 2 * fit).sum(1) / counts
        curves[step] = (((out.detach() * y > 0) * fit).sum(1) / counts).numpy()
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
        hit = forward(x, final, False) * y > 0
        train = (hit * fit).sum(1) / counts
        val = (hit * valid).sum(1) / valid.sum(1).clamp_min(1)
        test = []
        for g, s in enumerate(groups.seed):
            tx, ty = torch.tensor(test_x[s])[None], torch.tensor(test_y[s])
            out = forward(tx, [p[g : g + 1] for p in final], False)[0]
            test.append(float((out * ty > 0).to(torch.float64).mean()))
    return train.numpy(), np.array(test), val.numpy(), _stops(curves, cfg, groups)


def _plan(cfg: Config, regularisers: tuple[str, ...]) -> Plan:
    """``small_seeds`` seeds at the smallest N, ``seeds`` at every larger N, all without regulariser; then every
    other regulariser at each of its strengths at the smallest N on the same seeds, so comparisons are paired."""
    n0 = cfg.sizes[0]
    plan = [(s, n0, "none", 0.0) for s in range(cfg.small_seeds)]
    plan += [(s, n, "none", 0.0) for n in cfg.sizes[1:] for s in range(cfg.seeds)]
    plan += [
        (s, n0, r, k) for r in regularisers[1:] for k in cfg.strengths(r) for s in range(cfg.small_seeds)
    ]
    return plan


def _collect(
    plan: Plan, train, test, val, stops, cfg: Config
) -> tuple[list[list[float]], list[list[float]], Runs]:
    def pick(values, keep) -> list[float]:
        return [float(values[i]) for i, p in enumerate(plan) if keep(p)]

    def pick_stops(keep) -> list[Stop]:
        return [stops[i] for i, p in enumerate(plan) if keep(p)]

    by_n_train = [pick(train, lambda p, n=n: p[1] == n and p[2] == "none") for n in cfg.sizes]
    by_n_test = [pick(test, lambda p, n=n: p[1] == n and p[2] == "none") for n in cfg.sizes]
    n0 = cfg.sizes[0]
    runs: Runs = {}
    for reg, k in dict.fromkeys((p[2], p[3]) for p in plan if p[1] == n0):
        keep = lambda p, r=reg, k=k: p[1] == n0 and p[2] == r and p[3] == k  # noqa: E731
        runs[(reg, k)] = (pick(train, keep), pick(test, keep), pick(val, keep), pick_stops(keep))
    return by_n_train, by_n_test, runs


def choose(
    options: list[tuple[list[float], list[float], list[float], list[Stop]]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per seed, the option with the best validation accuracy (the first on ties): its index, train and test."""
    val = np.array([o[2] for o in options])  # (options, seeds)
    best = val.argmax(0)
    cols = np.arange(val.shape[1])
    return best, np.array([o[0] for o in options])[best, cols], np.array([o[1] for o in options])[best, cols]


def chosen_stops(options: list, best: np.ndarray) -> list[Stop]:
    """How the run validation chose ended, per seed."""
    return [options[b][3][s] for s, b in enumerate(best)]


def selections(runs: Runs, small: list, params: list[int],
               regularisers: tuple[str, ...]) -> tuple[dict[str, tuple[list[float], list[float], list[float]]], list[Stop]]:  # fmt: skip
    """For each regulariser, the run whose strength validates best per seed: (train, test, chosen strength);
    "size": the model size that validates best (no regulariser); "tuned": the best of every option."""
    out = {}
    everything: list = []
    labels: list[float] = []
    for reg in regularisers[1:]:
        keys = [k for k in runs if k[0] == reg]
        best, tr, te = choose([runs[k] for k in keys])
        out[reg] = (tr.tolist(), te.tolist(), [keys[i][1] for i in best])
        everything += [runs[k] for k in keys]
        labels += [float(regularisers.index(reg))] * len(keys)
    best, tr, te = choose(small)
    out["size"] = (tr.tolist(), te.tolist(), [float(params[i]) for i in best])
    options = [runs[("none", 0.0)], *everything, *small[:-1]]
    best, tr, te = choose(options)
    out["tuned"] = (tr.tolist(), te.tolist(), [float(i) for i in best])
    return out, chosen_stops(options, best)


def test_gain(none: tuple[list[float], list[float]], reg: tuple[list[float], list[float]]) -> Estimate:
    """Test accuracy with the regulariser minus without, per seed (paired), with a t-interval."""
    return t_interval((np.array(reg[1]) - np.array(none[1])).tolist(), "t-interval over seeds (paired)")


def corrected_interval(samples: list[float], tests: int) -> Estimate:
    """Mean with a Student-t interval at level 1 − 0.05/tests (Bonferroni over ``tests`` comparisons)."""
    from scipy import stats

    a = np.asarray(samples, dtype=float)
    half = stats.t.ppf(1 - 0.025 / tests, len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a))
    method = f"paired t-interval over seeds, Bonferroni over {tests} tests"
    return Estimate(float(a.mean()), float(a.mean() - half), float(a.mean() + half), method, len(a))


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

    threads = torch.get_num_threads()
    torch.set_num_threads(
        1
    )  # thousands of tiny batched ops: one thread is several times faster on a busy machine
    try:
        return _run(cfg, progress)
    finally:
        torch.set_num_threads(threads)


def _run(cfg: Config, progress: Progress) -> Result:
    import torch

    gen = torch.Generator().manual_seed(cfg.seed)
    n_seeds = max(cfg.seeds, cfg.small_seeds)
    tests = [make_data(cfg.test, cfg, np.random.default_rng([cfg.seed, s, 1])) for s in range(n_seeds)]
    test_x, test_y = [t[0] for t in tests], [t[1] for t in tests]
    n0 = cfg.sizes[0]

    def family(
        models, label, regularisers, fit_one, count
    ) -> tuple[FamilyResult, list, list[Stop], list[Stop], dict]:
        train_all, test_all, params, small = [], [], [], []
        gap_stops: list[Stop] = []
        runs: Runs = {}
        last = len(models) - 1
        for i, model in enumerate(progress(models, label)):
            plan = _plan(cfg, regularisers if i == last else ("none",))
            train, test, val, st = fit_one(model, plan)
            tr, te, got = _collect(plan, train, test, val, st, cfg)
            train_all.append(tr)
            test_all.append(te)
            params.append(count(model))
            small.append(got[("none", 0.0)])
            gap_stops += [s for s, p in zip(st, plan, strict=True) if p[1] == n0 and p[2] == "none"]
            runs = got if i == last else runs
        chosen, stops = selections(runs, small, params, regularisers)
        stops = (
            stops + runs[("none", 0.0)][3]
        )  # the tuned runs and the unregularised baseline they are compared with
        none = runs[("none", 0.0)]
        regularised = {"none": (none[0], none[1])} | {k: (v[0], v[1]) for k, v in chosen.items()}
        gains = {k: test_gain(none[:2], v[:2]) for k, v in chosen.items()}
        result = FamilyResult(params, train_all, test_all, regularised, {k: v[2] for k, v in chosen.items()})
        return result, small, gap_stops, stops, gains

    def fit_circuit(model, plan):
        w, layers = model
        train, val, final, st = train_circuits(build_groups(cfg, plan), w, layers, cfg, gen)
        return train, test_circuits(final, w, test_x, test_y, [p[0] for p in plan]), val, st

    def fit_network(hidden, plan):
        train, test, val = np.zeros(len(plan)), np.zeros(len(plan)), np.zeros(len(plan))
        st: list[Stop | None] = [None] * len(plan)
        for n in cfg.sizes:  # one batch per N, so no group is padded to the largest N
            part = [j for j, p in enumerate(plan) if p[1] == n]
            tr, te, va, s = train_networks(
                build_groups(cfg, [plan[j] for j in part]), hidden, cfg, gen, test_x, test_y
            )
            train[part], test[part], val[part] = tr, te, va
            for j, stop in zip(part, s, strict=True):
                st[j] = stop
        return train, test, val, st

    quantum, q_small, q_gap_stops, q_stops, q_gain = family(
        cfg.circuits, "circuits", QUANTUM_REGULARISERS, fit_circuit, lambda m: 3 * m[0] * m[1]
    )
    classical, _, c_gap_stops, c_stops, c_gain = family(
        cfg.widths, "networks", CLASSICAL_REGULARISERS, fit_network, lambda h: 4 * h + 1
    )
    q_train, q_test = quantum.train, quantum.test
    per_seed_gap = np.array(
        [np.array(q_train[m][0]) - np.array(q_test[m][0]) for m in range(len(cfg.circuits))]
    )
    logp = np.log2(quantum.params)
    slopes = [float(np.polyfit(logp, per_seed_gap[:, s], 1)[0]) for s in range(cfg.small_seeds)]
    q_none, c_none = quantum.regularised["none"], classical.regularised["none"]

    def gain_per_seed(res: FamilyResult, none, name: str) -> np.ndarray:
        return np.array(res.regularised[name][1]) - np.array(none[1])

    difference = {
        name: corrected_interval(
            (gain_per_seed(classical, c_none, name) - gain_per_seed(quantum, q_none, name)).tolist(),
            len(COMPARED),
        )
        for name in COMPARED
    }
    everything = q_stops + c_stops
    evidence = Evidence(
        small_gap=gaps(q_train[-1][0], q_test[-1][0]),
        large_gap=gaps(q_train[-1][-1], q_test[-1][-1]),
        gap_trend=t_interval(slopes, "t-interval over seeds of per-seed slopes"),
        seed_gaps=per_seed_gap.tolist(),
        log_params=logp.tolist(),
        quantum_gain=q_gain,
        classical_gain=c_gain,
        difference=difference,
        gap_stops=q_gap_stops,
        stops=everything,
    )
    del q_small, c_gap_stops
    return Result(
        evidence=evidence,
        sizes=list(cfg.sizes),
        quantum=quantum,
        classical=classical,
        classical_small_gap=gaps(classical.train[-1][0], classical.test[-1][0]),
        classical_large_gap=gaps(classical.train[-1][-1], classical.test[-1][-1]),
        lightning_deviation=check_against_lightning(),
        converged=sum(s.converged for s in everything),
        runs=len(everything),
    )
