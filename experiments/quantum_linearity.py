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

What linearity limits in practice: circuits with linear and exponential encodings fitted beside tanh MLPs with as
many parameters to targets that are not band-limited, and beside them a classical model on the circuit's own
Fourier features (ridge regression on every frequency its encoding can reach, the penalty chosen by leave-one-out
validation), which says whether a circuit does better or worse than the spectrum it is confined to.

A sample of circuits is checked against ``lightning.qubit``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, exact, t_interval
from experiments.common.training import Stop, stop_of


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
    fit_layers: int = 3  # L encodings in the circuits fitted to the rough targets (6(L + 1) parameters)
    fit_steps: int = 800  # Adam steps per fit, circuits and MLPs alike
    fit_rates: tuple[float, ...] = (0.01, 0.03, 0.1)  # learning rates tried for every model; the best is kept
    fit_seeds: int = 3  # independent fits per target and model
    fit_points: int = 36  # training points (a 1-D grid, or a 6 × 6 grid for two inputs)
    fit_tolerance: float = 1e-3  # relative errors below this count as a perfect fit (and stop a run)
    jump_margin: float = 0.25  # the step is also scored on test points farther than this from its jump
    smooth_targets: bool = False  # a null: fit the band-limited analogues instead of the rough targets
    seed: int = 0


@dataclass(frozen=True)
class Limit:
    """One target: the best circuit (either encoding, per seed) against a tanh MLP with as many parameters."""

    circuit: Estimate  # test error ÷ the target's variance, best encoding per seed
    mlp: Estimate
    ratio: Estimate  # geometric mean over seeds of circuit error ÷ MLP error, t-interval on the logarithms
    exponential_share: float  # share of seeds where the exponential encoding was the better circuit
    circuit_stops: list[Stop]  # how the chosen circuit fits ended (both encodings)
    mlp_stops: list[Stop]


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
    limits: dict[
        str, Limit
    ]  # per target (the three rough ones, and the band-limited control): circuit against MLP
    fit_stops: list[Stop]  # how every fit ended
    fit_tolerance: float  # relative errors below this count as this in every ratio (perfect fits are equal)


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
    fit_runs: FitRuns
    fit_layers: int
    fourier: dict[str, Estimate]  # per slot: the better circuit's test error ÷ the better Fourier ridge's
    step_far: Limit  # the step's slot scored only on test points far from its jump: circuit against MLP
    fourier_far: Estimate  # the same, circuit against its Fourier features
    jump_margin: float


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


# --- what linearity limits in practice: fitting targets that are not band-limited, at equal size ----------

ROUGH = ("abs", "step", "product")  # not band-limited: a kink, a jump, a product of two inputs
SMOOTH = {"abs": "bump", "step": "sine", "product": "sines"}  # their band-limited analogues (the null)
CONTROL = "sine"  # a band-limited target fitted in every run: the negative control
SLOTS = (
    *ROUGH,
    "control",
)  # the evidence's keys: the null fits the smooth analogues in the rough targets' slots
ENCODINGS = ("linear", "exponential")
MODELS = (*ENCODINGS, "mlp")


def target_values(name: str, x: np.ndarray) -> np.ndarray:
    """Targets on [−1, 1] (x: (M, 2); one-input targets read column 0), scaled into [−0.8, 0.8]."""
    a, b, w = x[:, 0], x[:, 1], np.pi / 2
    values = {
        "abs": 2 * np.abs(a) - 1,
        "step": np.where(a > 0, 1.0, -1.0),
        "product": a * b,
        "bump": 1 - 2 * np.cos(w * a),  # one frequency: the smooth analogue of |x|
        "sine": np.sin(w * a),  # the smooth analogue of the step
        "sines": np.sin(w * a) * np.sin(w * b),  # the smooth analogue of the product
    }
    return 0.8 * values[name]


def inputs(name: str, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test inputs, (M, 2): a 1-D grid (column 1 zero) or a 2-D grid, test points in between."""
    if name in ("product", "sines"):
        side = round(np.sqrt(points))
        g = np.linspace(-1, 1, side)
        h = (g[:-1] + g[1:]) / 2
        train = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        test = np.stack(np.meshgrid(h, h), -1).reshape(-1, 2)
        return train, test
    g = np.linspace(-1, 1, points)
    h = (g[:-1] + g[1:]) / 2
    h = h[
        np.abs(h) > 1e-9
    ]  # not on the step's jump, where the target's value is a convention, not a function
    return np.stack([g, np.zeros_like(g)], 1), np.stack([h, np.zeros_like(h)], 1)


def encoding_scales(encoding: str, layers: int, dims: int) -> np.ndarray:
    """(layers, 2) angle per unit input for every encoding gate: π/2 (linear) or π/2·3^l (exponential: the
    ternary scales of Shin et al. 2023, whose spectrum covers every integer multiple of π/2 up to (3^L − 1)/2)."""
    base = np.pi / 2 * (3.0 ** np.arange(layers) if encoding == "exponential" else np.ones(layers))
    return np.stack([base, base if dims == 2 else np.zeros(layers)], 1)


def encodings(x, scales):
    """The encoding unitaries RX(s·x₀) ⊗ RX(s·x₁), fixed by the data: (G, M, L, 4, 4) for x (G, M, 2), scales (G, L, 2)."""
    import torch

    from experiments.common import statevector as sv

    angles = scales[:, None, :, :] * x[:, :, None, :]  # (G, M, L, 2)
    r = sv.rx(angles.reshape(-1)).reshape(*angles.shape, 2, 2)
    return torch.einsum("...ij,...kl->...ikjl", r[..., 0, :, :], r[..., 1, :, :]).reshape(
        *angles.shape[:-1], 4, 4
    )


def blocks(theta):
    """The trainable blocks CZ · (Rot ⊗ Rot) as 4 × 4 matrices: (G, L + 1, 4, 4) from theta (G, L + 1, 2, 3)."""
    import torch

    from experiments.common import statevector as sv

    r = sv.rot(theta[..., 0], theta[..., 1], theta[..., 2])  # (G, L + 1, 2, 2, 2)
    u = torch.einsum("...ij,...kl->...ikjl", r[..., 0, :, :], r[..., 1, :, :]).reshape(*theta.shape[:2], 4, 4)
    cz = torch.tensor([1, 1, 1, -1], dtype=u.dtype)
    return u * cz[:, None]


def encoded_model(theta, enc):
    """⟨Z₀⟩ of a 2-qubit re-uploading circuit: block, then L × (RX(s·x₀) on wire 0, RX(s·x₁) on wire 1, block).

    ``theta``: (G, L + 1, 2, 3); ``enc``: the encodings (G, M, L, 4, 4) of :func:`encodings`. Returns (G, M).
    """
    b = blocks(theta)
    state = b[:, None, 0, :, 0].expand(-1, enc.shape[1], -1)  # the first block applied to |00⟩
    for layer in range(enc.shape[2]):
        state = (enc[:, :, layer] @ state[..., None])[..., 0]
        state = (b[:, None, layer + 1] @ state[..., None])[..., 0]
    prob = state.real**2 + state.imag**2
    return prob[..., 0] + prob[..., 1] - prob[..., 2] - prob[..., 3]


# --- the circuit's own Fourier features: ridge regression on every frequency its encoding reaches -----------

# the ridge penalties tried, every half decade from 1e-10 (least squares, in effect) to 100; leave-one-out picks one
RIDGE_PENALTIES = tuple(float(x) for x in np.logspace(-10, 2, 25))


def max_frequency(encoding: str, layers: int) -> int:
    """The highest frequency per input, in units of π/2, that L encoding gates reach: L (linear), or
    (3^L − 1)/2 (exponential: balanced ternary sums of the scales 3^l)."""
    return layers if encoding == "linear" else (3**layers - 1) // 2


def frequencies(kmax: int, dims: int) -> np.ndarray:
    """Integer frequency vectors (F, 2) with every |k_i| ≤ kmax, one of each ± pair, zero left out."""
    ks = range(-kmax, kmax + 1)
    grid = [(a, b) for a in ks for b in (ks if dims == 2 else [0])]
    return np.array([k for k in grid if k[0] > 0 or (k[0] == 0 and k[1] > 0)], dtype=float).reshape(-1, 2)


def fourier_features(x: np.ndarray, freq: np.ndarray) -> np.ndarray:
    """[1, cos(ω·x), sin(ω·x)] with ω = (π/2)·k: the real functions a circuit with that spectrum can output."""
    phase = np.pi / 2 * x @ freq.T  # (M, F)
    return np.concatenate([np.ones((len(x), 1)), np.cos(phase), np.sin(phase)], 1)


def ridge_loo(phi: np.ndarray, y: np.ndarray, penalties=RIDGE_PENALTIES) -> tuple[np.ndarray, float, float]:
    """Ridge regression with the penalty of lowest leave-one-out error (exact, from the hat matrix's diagonal).

    Returns the weights, the chosen penalty and its leave-one-out mean squared error."""
    u, sv_, vt = np.linalg.svd(phi, full_matrices=False)
    uty = u.T @ y
    best: tuple[float, float, np.ndarray] | None = None
    for lam in penalties:
        shrink = sv_**2 / (sv_**2 + lam)
        fitted = u @ (shrink * uty)
        leverage = (u**2 * shrink).sum(1)
        room = 1 - leverage
        if (room < 1e-12).any():  # interpolates some point: its leave-one-out error is not defined
            continue
        loo = float((((y - fitted) / room) ** 2).mean())
        if best is None or loo < best[0]:
            best = (loo, lam, vt.T @ (sv_ / (sv_**2 + lam) * uty))
    assert best is not None, "no penalty leaves every point out"
    return best[2], best[1], best[0]


@dataclass
class FourierFit:
    """Ridge regression on the Fourier features of one encoding's spectrum, for one target."""

    error: float  # test MSE ÷ the target's variance
    error_far: float  # the same on the test points far from x₀ = 0 (the step's jump)
    features: int  # real features (coefficients)
    penalty: float  # the penalty leave-one-out chose


def fourier_fit(name: str, cfg: Config, encoding: str) -> FourierFit:
    """The classical model on a circuit's own Fourier features (Schuld, Sweke & Meyer 2021): every frequency that
    ``fit_layers`` gates of this encoding reach, fitted by ridge on the training points."""
    train, test = inputs(name, cfg.fit_points)
    dims = 2 if train[:, 1].any() else 1
    freq = frequencies(max_frequency(encoding, cfg.fit_layers), dims)
    w, lam, _ = ridge_loo(fourier_features(train, freq), target_values(name, train))
    pred = fourier_features(test, freq) @ w
    err, far = test_errors(pred[None], name, test, cfg.jump_margin)
    return FourierFit(float(err[0]), float(far[0]), 1 + 2 * len(freq), lam)


def test_errors(
    pred: np.ndarray, name: str, test: np.ndarray, margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Test MSE ÷ the target's variance for every row of ``pred`` (G, M): on all test points, and on those
    farther than ``margin`` from x₀ = 0 (where the step jumps)."""
    y = target_values(name, test)
    far = np.abs(test[:, 0]) > margin
    err = ((pred - y) ** 2).mean(-1) / y.var()
    return err, ((pred[..., far] - y[far]) ** 2).mean(-1) / y[far].var()


@dataclass
class FitRuns:
    """Test errors (MSE ÷ the target's variance) per target, model and seed, at each one's best learning rate."""

    targets: list[str]
    errors: dict[str, dict[str, list[float]]]  # target -> "linear" / "exponential" / "mlp" -> per seed
    circuit_params: int
    mlp_params: dict[str, int]
    stops: dict[str, dict[str, list[Stop]]]  # target -> model -> per seed
    far: dict[str, dict[str, list[float]]]  # the same errors on the test points far from x₀ = 0
    fourier: dict[str, dict[str, FourierFit]]  # target -> encoding -> ridge on that encoding's spectrum


RECORD_EVERY = 10  # a fit's loss is recorded at steps 1, 11, 21, … and at its last step


def _adam_batch(params: list, loss_of, steps: int, lrs, groups: int, every: int = RECORD_EVERY):
    """Adam on a batch of independent problems, one learning rate per problem (lr has shape (groups,))."""
    import torch

    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    curves = []
    for t in range(1, steps + 1):
        loss = loss_of()
        if t % every == 1 or every == 1:
            curves.append(loss.detach().numpy().copy())
        grads = torch.autograd.grad(loss.sum(), params)
        with torch.no_grad():
            for p, g, mm, vv in zip(params, grads, m, v, strict=True):
                mm.mul_(b1).add_(g, alpha=1 - b1)
                vv.mul_(b2).addcmul_(g, g, value=1 - b2)
                step = (mm / (1 - b1**t)) / ((vv / (1 - b2**t)).sqrt() + eps)
                p.sub_(lrs.reshape(-1, *[1] * (p.dim() - 1)) * step)
    curves.append(loss_of().detach().numpy().copy())
    return np.array(curves)  # (records, groups)


def _stop(curve: np.ndarray, cfg: Config) -> Stop:
    """A fit stops by its rule once its relative training error is below the tolerance (a perfect fit)."""
    hit = np.nonzero(curve < cfg.fit_tolerance)[0]
    if len(hit):
        first = int(hit[0])
        return stop_of(
            curve[: first + 1].tolist(),
            cfg.fit_steps,
            True,
            steps=min(first * RECORD_EVERY + 1, cfg.fit_steps),
        )
    return stop_of(curve.tolist(), cfg.fit_steps, False, steps=cfg.fit_steps)


def fit_comparison(cfg: Config) -> FitRuns:
    """Circuits (linear and exponential encodings) against tanh MLPs with as many parameters, on every target."""
    import torch

    names = [SMOOTH[t] if cfg.smooth_targets else t for t in ROUGH] + [CONTROL]
    lrs = np.array(cfg.fit_rates)
    s, r, L = cfg.fit_seeds, len(lrs), cfg.fit_layers
    gen = torch.Generator().manual_seed(cfg.seed + 11)
    data = {t: inputs(t, cfg.fit_points) for t in names}
    # one batch of circuits: targets × encodings × seeds × rates
    combos = [(t, e) for t in names for e in ENCODINGS]
    xs, ys, scales = [], [], []
    for t, e in combos:
        train, _ = data[t]
        dims = 2 if train[:, 1].any() else 1
        xs.append(np.repeat(train[None], s * r, 0))
        ys.append(np.repeat(target_values(t, train)[None], s * r, 0))
        scales.append(np.repeat(encoding_scales(e, L, dims)[None], s * r, 0))
    groups = len(combos) * s * r
    x, y, sc = (torch.tensor(np.concatenate(a)) for a in (xs, ys, scales))
    enc = encodings(x, sc)
    theta = (
        torch.rand((groups, L + 1, 2, 3), generator=gen, dtype=torch.float64) * 2 * math.pi
    ).requires_grad_()
    rate = torch.tensor(np.tile(lrs, len(combos) * s))
    curves = _adam_batch(
        [theta], lambda: ((encoded_model(theta, enc) - y) ** 2).mean(1), cfg.fit_steps, rate, groups
    )
    curves = curves / y.var(1, unbiased=False).numpy()  # relative: MSE ÷ the target's variance
    errors: dict[str, dict[str, list[float]]] = {t: {} for t in names}
    far: dict[str, dict[str, list[float]]] = {t: {} for t in names}
    stops: dict[str, dict[str, list[Stop]]] = {t: {} for t in names}
    with torch.no_grad():
        for i, (t, e) in enumerate(combos):
            _, test = data[t]
            sl = slice(i * s * r, (i + 1) * s * r)
            tx = torch.tensor(np.repeat(test[None], s * r, 0))
            pred = encoded_model(theta[sl].detach(), encodings(tx, sc[sl])).numpy()
            err, err_far = test_errors(pred, t, test, cfg.jump_margin)
            train_loss = curves[-1, sl].reshape(s, r)
            best = train_loss.argmin(1)  # chosen on the training loss, reported on the test points
            errors[t][e] = [float(err.reshape(s, r)[k, best[k]]) for k in range(s)]
            far[t][e] = [float(err_far.reshape(s, r)[k, best[k]]) for k in range(s)]
            stops[t][e] = [_stop(curves[:, sl][:, k * r + best[k]], cfg) for k in range(s)]
    # one batch of tanh MLPs with one hidden layer, (d + 2)·h + 1 ≈ the circuit's parameters; targets with one
    # input and narrower layers are masked (their unused weights get no gradient and count for nothing). Of the
    # circuit's 6(L + 1) angles, 7 cannot change ⟨Z₀⟩: the first RZ on each wire acts on |0⟩; in the last block,
    # wire 1's rotation and wire 0's final RZ commute with the measured Z₀ (its CZ is diagonal); and wire 1's final
    # RZ in the block before commutes with that block's CZ, after which wire 1 never couples to wire 0 again. The
    # MLP matches the other 6L − 1.
    circuit_params = 6 * L - 1
    n_in = {t: 2 if data[t][0][:, 1].any() else 1 for t in names}
    width = {t: max(1, round((circuit_params - 1) / (n_in[t] + 2))) for t in names}
    mlp_params = {t: (n_in[t] + 2) * width[t] + 1 for t in names}
    h, k = max(width.values()), s * r
    groups = len(names) * k
    in_mask = torch.tensor([[1.0, 1.0 if n_in[t] == 2 else 0.0] for t in names for _ in range(k)])[:, :, None]
    hid_mask = torch.tensor(
        [[1.0 if j < width[t] else 0.0 for j in range(h)] for t in names for _ in range(k)]
    )
    w1 = (torch.randn((groups, 2, h), generator=gen, dtype=torch.float64) * in_mask).requires_grad_()
    b1 = torch.zeros((groups, 1, h), dtype=torch.float64, requires_grad=True)
    w2 = (torch.randn((groups, h, 1), generator=gen, dtype=torch.float64) / math.sqrt(h)).requires_grad_()
    b2 = torch.zeros((groups, 1, 1), dtype=torch.float64, requires_grad=True)
    tx = torch.tensor(np.concatenate([np.repeat(data[t][0][None], k, 0) for t in names]))
    ty = torch.tensor(np.concatenate([np.repeat(target_values(t, data[t][0])[None], k, 0) for t in names]))

    def net(inp):
        hidden = torch.tanh(inp @ (w1 * in_mask) + b1) * hid_mask[:, None, :]
        return (hidden @ w2 + b2)[..., 0]

    rate = torch.tensor(np.tile(lrs, len(names) * s))
    mc = _adam_batch([w1, b1, w2, b2], lambda: ((net(tx) - ty) ** 2).mean(1), cfg.fit_steps, rate, groups)
    mc = mc / ty.var(1, unbiased=False).numpy()
    with torch.no_grad():
        for i, t in enumerate(names):
            test = data[t][1]
            sl = slice(i * k, (i + 1) * k)
            full = torch.zeros((groups, len(test), 2), dtype=torch.float64)
            full[sl] = torch.tensor(np.repeat(test[None], k, 0))
            pred = net(full)[sl].numpy()
            err, err_far = test_errors(pred, t, test, cfg.jump_margin)
            best = mc[-1, sl].reshape(s, r).argmin(1)
            errors[t]["mlp"] = [float(err.reshape(s, r)[j, best[j]]) for j in range(s)]
            far[t]["mlp"] = [float(err_far.reshape(s, r)[j, best[j]]) for j in range(s)]
            stops[t]["mlp"] = [_stop(mc[:, sl][:, j * r + best[j]], cfg) for j in range(s)]
    fourier = {t: {e: fourier_fit(t, cfg, e) for e in ENCODINGS} for t in names}
    return FitRuns(names, errors, circuit_params, mlp_params, stops, far, fourier)


def ratio_of(circuit: np.ndarray, other: np.ndarray | float, tolerance: float) -> Estimate:
    """Geometric mean over seeds of circuit error ÷ another model's, with a t-interval on the logarithms. Errors
    below the tolerance count as the tolerance: two perfect fits are equally good (ratio 1)."""
    c, o = np.maximum(circuit, tolerance), np.maximum(other, tolerance)
    log_ratio = t_interval(np.log(c / o).tolist(), "t-interval over seeds (logarithms)")
    return Estimate(float(np.exp(log_ratio.value)), float(np.exp(log_ratio.lo)), float(np.exp(log_ratio.hi)),
                    log_ratio.method, log_ratio.n)  # fmt: skip


def limit_of(errors: dict[str, list[float]], stops: dict[str, list[Stop]], tolerance: float) -> Limit:
    """The better circuit per seed against the MLP; errors are reported as measured."""
    best = np.minimum(errors["linear"], errors["exponential"])
    ratio = ratio_of(best, np.array(errors["mlp"]), tolerance)
    better = np.mean(np.array(errors["exponential"]) < np.array(errors["linear"]))
    return Limit(t_interval(best.tolist(), "t-interval over seeds"), t_interval(errors["mlp"], "t-interval over seeds"),
                 ratio, float(better), stops["linear"] + stops["exponential"], stops["mlp"])  # fmt: skip


def against_fourier(errors: dict[str, list[float]], fourier: dict[str, FourierFit], tolerance: float,
                    far: bool = False) -> Estimate:  # fmt: skip
    """The better circuit per seed against the better of its two Fourier-feature models (ridge is deterministic:
    the interval is over the circuit's seeds)."""
    best = np.minimum(errors["linear"], errors["exponential"])
    ridge = min(f.error_far if far else f.error for f in fourier.values())
    return ratio_of(best, ridge, tolerance)


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
    runs = fit_comparison(cfg)
    n_draws = len(layers) * cfg.draws
    evidence = Evidence(
        state_deviation=exact(deviation, cfg.mixtures, "maximum over draws"),
        leak=exact(leak, n_draws, "maximum over draws"),
        present=exact(present, n_draws, "minimum over draws"),
        floor_ratios=[b / f for b, f, L in zip(best, floors, layers, strict=True) if L < K],
        fit_errors=[b / var for b, L in zip(best, layers, strict=True) if L >= K],
        x_nonlinearity=t_interval(nonlinear.tolist(), "t-interval over draws"),
        mlp_leak={a: energy_above(v, K) for a, v in mlp_fits.items()},
        limits={
            slot: limit_of(runs.errors[t], runs.stops[t], cfg.fit_tolerance)
            for slot, t in zip(SLOTS, runs.targets, strict=True)
        },
        fit_stops=[st for t in runs.targets for m in runs.stops[t].values() for st in m],
        fit_tolerance=cfg.fit_tolerance,
    )
    target_c = np.abs(np.fft.rfft(target)) / target.size
    step = runs.targets[SLOTS.index("step")]
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
        fit_runs=runs,
        fit_layers=cfg.fit_layers,
        fourier={
            slot: against_fourier(runs.errors[t], runs.fourier[t], cfg.fit_tolerance)
            for slot, t in zip(SLOTS, runs.targets, strict=True)
        },
        step_far=limit_of(runs.far[step], runs.stops[step], cfg.fit_tolerance),
        fourier_far=against_fourier(runs.far[step], runs.fourier[step], cfg.fit_tolerance, far=True),
        jump_margin=cfg.jump_margin,
    )
