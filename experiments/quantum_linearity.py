"""Is a quantum model linear? Where the data enter, what spectrum they give, and what a circuit can fit.

The model is the data re-uploading circuit of Schuld, Sweke & Meyer (2021) on two qubits: a trainable block
(a general rotation on each wire, then CZ), followed L times by an RX(x) encoding on wire 0 and another
trainable block; the output is ⟨Z⟩ on wire 0. Four measurements, all on the batched torch simulator:

- **spectrum**: f(x) on a grid for random parameters, L = 1…L_max, and its discrete Fourier transform;
  frequencies above L must be absent and those up to L present;
- **fitting**: circuits of every L fitted to a target of degree K; by Parseval, the best mean squared error on
  the grid is at least the target's energy above L (the floor);
- **linearity in the state**: ⟨O⟩ of a mixture of two density matrices against the same mixture of outputs;
  the same test on a tanh network's input shows what non-linearity looks like;
- **classical contrast**: tanh and ReLU networks fitted to the same target, and their spectra above K.

A sample of circuits is checked against ``lightning.qubit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, t_interval


@dataclass(frozen=True)
class Config:
    max_layers: int = 6  # L = 1…max_layers encoding gates
    draws: int = 32  # random parameter sets per L for the spectrum
    grid: int = 64  # points of the fitting grid on [0, 2π); more than 2·max_layers + 1, so no aliasing
    fine_grid: int = 256  # points on which spectra are read (the classical nets are not band-limited)
    target_degree: int = 3  # K: the target's highest frequency
    restarts: int = 4  # fits per L; the best one is kept (the floor is about the best achievable)
    steps: int = 400  # Adam steps per fit
    mlp_width: int = 32
    mlp_steps: int = 2000
    mixtures: int = 200  # random (ρ1, ρ2, p) for the linearity test
    check_circuits: int = 3  # circuits compared with lightning.qubit
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    state_deviation: Estimate  # max |f(pρ1+(1−p)ρ2) − p f(ρ1) − (1−p) f(ρ2)| over random mixtures
    leak: Estimate  # largest share of a circuit's energy (mean removed) above frequency L, over L and draws
    present: Estimate  # min over draws and L of min_{|k| ≤ L} |c_k|
    floor_ratios: list[float]  # best MSE ÷ floor, for each L < K
    fit_errors: list[float]  # best MSE ÷ the target's variance, for each L ≥ K
    x_nonlinearity: Estimate  # share of f's variance in x that no affine function of x explains, over draws
    mlp_leak: dict[str, float]  # classical nets: share of their output's energy above K ("tanh", "relu")


@dataclass
class Result:
    evidence: Evidence
    layers: list[int]
    mean_abs_coeff: list[list[float]]  # per L: mean |c_k| over draws for k = 0…max_layers + 2
    target_coeff: list[float]  # |c_k| of the target, k = 0…K
    floors: list[float]  # the target's energy above L, per L
    best_mse: list[float]  # per L
    grid_x: list[float]
    target: list[float]
    fits: dict[int, list[float]]  # best fit on the grid, per L
    mlp_fits: dict[str, list[float]]  # on the fine grid
    fine_x: list[float]
    mlp_state_deviation: float  # the same mixture test on a tanh network's input (relative)
    lightning_deviation: float  # max |ours − lightning.qubit| on the sample


def _block(state, theta, n: int):
    """A trainable block: Rot on every wire (θ: (B, n, 3)), then CZ between wires 0 and 1."""
    from experiments.common import statevector as sv

    for w in range(n):
        state = sv.apply_1q(state, n, w, sv.rot(theta[:, w, 0], theta[:, w, 1], theta[:, w, 2]))
    return state * sv.cz_phase(n, [(0, 1)], state.device)


def model(theta, x, encode):
    """⟨Z₀⟩ of the re-uploading circuit.

    ``theta``: (G, L_max + 1, 2, 3) per group; ``x``: (M,); ``encode``: (G, L_max) 1 where the layer encodes
    x and 0 where RX(0) = I, so models of every L run in one batch. Returns (G, M).
    """
    import torch

    from experiments.common import statevector as sv

    g, blocks, n = theta.shape[0], theta.shape[1], theta.shape[2]
    m = x.shape[0]
    per_state = theta.repeat_interleave(m, dim=0)  # (G·M, blocks, n, 3)
    state = sv.zero_state(g * m, n, theta.device)
    state = _block(state, per_state[:, 0], n)
    for layer in range(blocks - 1):
        angle = (encode[:, layer : layer + 1] * x[None, :]).reshape(-1)
        state = sv.apply_1q(state, n, 0, sv.rx(angle))
        state = _block(state, per_state[:, layer + 1], n)
    return sv.expval(state, sv.z_signs(n, 0, theta.device)).reshape(g, m).to(torch.float64)


def _encode_mask(layers: list[int], repeats: int, max_layers: int):
    import torch

    rows = [[1.0 if i < L else 0.0 for i in range(max_layers)] for L in layers for _ in range(repeats)]
    return torch.tensor(rows, dtype=torch.float64)


def _coefficients(values: np.ndarray) -> np.ndarray:
    """|c_k| for k = 0…M/2 of real samples on a uniform grid (c_k = FFT/M)."""
    return np.abs(np.fft.rfft(values, axis=-1)) / values.shape[-1]


def spectrum(cfg: Config, gen) -> tuple[list[int], np.ndarray]:
    """|c_k| of random circuits on the fine grid: (L, draws, fine_grid/2 + 1)."""
    import torch

    layers = list(range(1, cfg.max_layers + 1))
    theta = torch.rand(
        (len(layers) * cfg.draws, cfg.max_layers + 1, 2, 3), generator=gen, dtype=torch.float64
    )
    x = torch.arange(cfg.fine_grid, dtype=torch.float64) * 2 * math.pi / cfg.fine_grid
    with torch.no_grad():
        f = model(theta * 2 * math.pi, x, _encode_mask(layers, cfg.draws, cfg.max_layers)).numpy()
    return layers, _coefficients(f).reshape(len(layers), cfg.draws, -1)


def make_target(cfg: Config) -> tuple[np.ndarray, np.ndarray]:
    """A real trigonometric polynomial of degree K with random coefficients, scaled to max |g| = 0.8."""
    rng = np.random.default_rng(cfg.seed)
    k = np.arange(cfg.target_degree + 1)
    amp = rng.uniform(0.5, 1.0, k.size) * np.r_[0.5, np.ones(cfg.target_degree)]
    phase = rng.uniform(0, 2 * np.pi, k.size)
    x = np.arange(cfg.grid) * 2 * np.pi / cfg.grid
    g = (amp[:, None] * np.cos(k[:, None] * x[None, :] + phase[:, None])).sum(0)
    return x, 0.8 * g / np.abs(g).max()


def floor(target: np.ndarray, degree: int) -> float:
    """The target's energy above ``degree``: Σ_{|k|>degree} |c_k|², the least MSE any degree-limited f can reach."""
    c = np.fft.fft(target) / target.size
    k = np.abs(np.fft.fftfreq(target.size, 1 / target.size))
    return float((np.abs(c[k > degree]) ** 2).sum())


def fit_circuits(cfg: Config, target: np.ndarray, gen) -> tuple[list[float], dict[int, list[float]]]:
    """Fit every L at once (restarts × L groups); keep the best restart per L."""
    import torch

    layers = list(range(1, cfg.max_layers + 1))
    groups = len(layers) * cfg.restarts
    theta = torch.rand((groups, cfg.max_layers + 1, 2, 3), generator=gen, dtype=torch.float64) * 2 * math.pi
    theta.requires_grad_(True)
    x = torch.arange(cfg.grid, dtype=torch.float64) * 2 * math.pi / cfg.grid
    y = torch.tensor(target)
    mask = _encode_mask(layers, cfg.restarts, cfg.max_layers)
    opt = torch.optim.Adam([theta], lr=0.05)
    for _ in range(cfg.steps):
        opt.zero_grad()
        loss = ((model(theta, x, mask) - y) ** 2).mean(dim=1)
        loss.sum().backward()
        opt.step()
    with torch.no_grad():
        out = model(theta, x, mask)
        mse = ((out - y) ** 2).mean(dim=1).reshape(len(layers), cfg.restarts)
    best = mse.argmin(dim=1)
    fits = {L: out[i * cfg.restarts + int(best[i])].tolist() for i, L in enumerate(layers)}
    return mse.min(dim=1).values.tolist(), fits


def fit_mlp(cfg: Config, target: np.ndarray, activation: str, fine_x: np.ndarray) -> np.ndarray:
    """A one-hidden-layer network fitted to the same grid; returns its output on the fine grid."""
    import torch

    torch.manual_seed(cfg.seed)
    act = torch.nn.Tanh() if activation == "tanh" else torch.nn.ReLU()
    net = torch.nn.Sequential(
        torch.nn.Linear(1, cfg.mlp_width),
        act,
        torch.nn.Linear(cfg.mlp_width, cfg.mlp_width),
        act,
        torch.nn.Linear(cfg.mlp_width, 1),
    ).double()
    x = torch.tensor(np.arange(cfg.grid) * 2 * np.pi / cfg.grid)[:, None] / np.pi - 1
    y = torch.tensor(target)[:, None]
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(cfg.mlp_steps):
        opt.zero_grad()
        ((net(x) - y) ** 2).mean().backward()
        opt.step()
    with torch.no_grad():
        return net(torch.tensor(fine_x)[:, None] / np.pi - 1)[:, 0].numpy()


def energy_above(values: np.ndarray, degree: int) -> float:
    """Share of a signal's energy (its mean removed) at frequencies above ``degree``."""
    c = np.abs(np.fft.rfft(values - values.mean())) ** 2
    return float(c[degree + 1 :].sum() / c.sum())


def _random_density(n: int, rng: np.random.Generator) -> np.ndarray:
    a = rng.normal(size=(2**n, 2**n)) + 1j * rng.normal(size=(2**n, 2**n))
    rho = a @ a.conj().T
    return rho / np.trace(rho).real


def _unitary(theta, x: float, encode_layers: int) -> np.ndarray:
    """The circuit's 4×4 unitary at one x: columns are the images of the basis states."""
    import torch

    from experiments.common import statevector as sv

    basis = torch.eye(4, dtype=sv.DTYPE)
    per = theta[None].expand(4, *theta.shape)
    state = _block(basis, per[:, 0], 2)
    for layer in range(theta.shape[0] - 1):
        angle = torch.full((4,), x if layer < encode_layers else 0.0, dtype=torch.float64)
        state = _block(sv.apply_1q(state, 2, 0, sv.rx(angle)), per[:, layer + 1], 2)
    return state.numpy().T


def state_linearity(cfg: Config, gen) -> float:
    """Largest deviation from ⟨O⟩(pρ1 + (1−p)ρ2) = p⟨O⟩(ρ1) + (1−p)⟨O⟩(ρ2) over random circuits and states."""
    import torch

    rng = np.random.default_rng(cfg.seed + 1)
    obs = np.diag([1.0, 1.0, -1.0, -1.0])
    worst = 0.0
    for _ in range(cfg.mixtures):
        theta = torch.rand((cfg.max_layers + 1, 2, 3), generator=gen, dtype=torch.float64) * 2 * math.pi
        u = _unitary(theta, float(rng.uniform(0, 2 * np.pi)), int(rng.integers(1, cfg.max_layers + 1)))
        r1, r2, p = _random_density(2, rng), _random_density(2, rng), float(rng.uniform())

        def out(rho: np.ndarray, u=u) -> float:
            return float(np.trace(obs @ u @ rho @ u.conj().T).real)

        worst = max(worst, abs(out(p * r1 + (1 - p) * r2) - p * out(r1) - (1 - p) * out(r2)))
    return worst


def mlp_mixture_deviation(cfg: Config) -> float:
    """The same mixture test on a random tanh network's input, relative to its output's spread."""
    import torch

    torch.manual_seed(cfg.seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(4, cfg.mlp_width), torch.nn.Tanh(), torch.nn.Linear(cfg.mlp_width, 1)
    )
    net = net.double()
    a, b = (
        torch.randn(cfg.mixtures, 4, dtype=torch.float64),
        torch.randn(cfg.mixtures, 4, dtype=torch.float64),
    )
    p = torch.rand(cfg.mixtures, 1, dtype=torch.float64)
    with torch.no_grad():
        dev = net(p * a + (1 - p) * b) - p * net(a) - (1 - p) * net(b)
        return float(dev.abs().max() / net(a).std())


def affine_residual(f: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per row of ``f``: the share of its variance over x that the best affine function of x leaves."""
    design = np.stack([np.ones_like(x), x], 1)
    coef, *_ = np.linalg.lstsq(design, f.T, rcond=None)
    resid = f - (design @ coef).T
    return (resid**2).sum(1) / np.maximum(((f - f.mean(1, keepdims=True)) ** 2).sum(1), 1e-300)


def check_against_lightning(cfg: Config, gen) -> float:
    """Largest |ours − lightning.qubit| of f(x) on a sample of circuits and x."""
    import pennylane as qml
    import torch

    dev = qml.device("lightning.qubit", wires=2)

    @qml.qnode(dev)
    def circuit(theta, x, layers):
        for layer in range(theta.shape[0]):
            if layer:
                qml.RX(x if layer <= layers else 0.0, wires=0)
            for w in range(2):
                qml.Rot(*theta[layer, w], wires=w)
            qml.CZ(wires=[0, 1])
        return qml.expval(qml.PauliZ(0))

    xs = torch.linspace(0, 2 * math.pi, 7, dtype=torch.float64)
    worst = 0.0
    for i in range(cfg.check_circuits):
        layers = 1 + i % cfg.max_layers
        theta = torch.rand((1, cfg.max_layers + 1, 2, 3), generator=gen, dtype=torch.float64) * 2 * math.pi
        with torch.no_grad():
            ours = model(theta, xs, _encode_mask([layers], 1, cfg.max_layers))[0].numpy()
        theirs = np.array([circuit(theta[0].numpy(), float(x), layers) for x in xs])
        worst = max(worst, float(np.abs(ours - theirs).max()))
    return worst


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    gen = torch.Generator().manual_seed(cfg.seed)
    steps = iter(progress(range(5), "spectrum, fits, mixtures, classical nets, lightning check"))
    next(steps)
    layers, coeff = spectrum(cfg, gen)
    energy = coeff[:, :, 1:] ** 2  # the mean (k = 0) removed, as for the classical nets
    leak = max(float((energy[i, :, L:].sum(1) / energy[i].sum(1)).max()) for i, L in enumerate(layers))
    present = min(float(coeff[i, :, : L + 1].min()) for i, L in enumerate(layers))
    fine_x = np.arange(cfg.fine_grid) * 2 * np.pi / cfg.fine_grid
    with torch.no_grad():
        theta = torch.rand((cfg.draws, cfg.max_layers + 1, 2, 3), generator=gen, dtype=torch.float64)
        one_layer = model(
            theta * 2 * math.pi, torch.tensor(fine_x), _encode_mask([1], cfg.draws, cfg.max_layers)
        )
    nonlinear = affine_residual(one_layer.numpy(), fine_x)

    next(steps)
    x, target = make_target(cfg)
    floors = [floor(target, L) for L in layers]
    best, fits = fit_circuits(cfg, target, gen)
    K, var = cfg.target_degree, float(target.var())
    next(steps)
    deviation = state_linearity(cfg, gen)
    next(steps)
    mlp_fits = {a: fit_mlp(cfg, target, a, fine_x) for a in ("tanh", "relu")}
    next(steps)
    lightning = check_against_lightning(cfg, gen)
    n_draws = len(layers) * cfg.draws
    evidence = Evidence(
        state_deviation=exact(deviation, cfg.mixtures, "maximum over draws"),
        leak=exact(leak, n_draws, "maximum over draws"),
        present=exact(present, n_draws, "minimum over draws"),
        floor_ratios=[b / f for b, f, L in zip(best, floors, layers, strict=True) if L < K],
        fit_errors=[b / var for b, L in zip(best, layers, strict=True) if L >= K],
        x_nonlinearity=t_interval(nonlinear.tolist(), "t-interval over draws"),
        mlp_leak={a: energy_above(v, K) for a, v in mlp_fits.items()},
    )
    target_c = np.abs(np.fft.rfft(target)) / target.size
    return Result(
        evidence=evidence,
        layers=layers,
        mean_abs_coeff=[coeff[i, :, : cfg.max_layers + 3].mean(0).tolist() for i in range(len(layers))],
        target_coeff=target_c[: K + 1].tolist(),
        floors=floors,
        best_mse=best,
        grid_x=x.tolist(),
        target=target.tolist(),
        fits=fits,
        mlp_fits={a: v.tolist() for a, v in mlp_fits.items()},
        fine_x=fine_x.tolist(),
        mlp_state_deviation=mlp_mixture_deviation(cfg),
        lightning_deviation=lightning,
    )
