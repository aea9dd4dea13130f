"""Where quantum computers win: Shor's super-polynomial speed-up on problems with hidden periodic structure
(factoring, discrete logarithms), and only Grover's quadratic one on unstructured search.

- **Grover** (n = 2…n_max qubits, one marked item): the success probability after every number of iterations,
  from a state vector in torch; the optimal iteration count against N; the oracle queries a repeat-until-success
  search needs (Monte Carlo over trials), against classical random search; and, when the number of marked
  items M is unknown, Grover tuned for M = 1 against the BBHT schedule of Boyer, Brassard, Høyer & Tapp.
- **Shor**: order finding by phase estimation for small N. The counting register's state after the ideal
  modular exponentiation is a 2^t × N array; the inverse QFT on it is a discrete Fourier transform along the
  counting axis. Outcomes are sampled, continued fractions recover the order, and gcds give the factors.
  A gate-level circuit on ``lightning.qubit`` checks the distribution for one case. The comparator is the same
  classical post-processing fed uniformly random outcomes (no interference): for small N it "factors" often.
- **Null (interference off)**: Grover without the diffusion step, BBHT without amplification, and Shor with
  uniformly random outcomes; every speed-up must vanish.
- **Structured against unstructured, at scale**: the published Toffoli counts of Shor-type circuits (Gidney &
  Ekerå 2021 for RSA, Roetteler et al. 2017 for elliptic curves) against the best classical methods (the number
  field sieve's L[1/3] heuristic, Pollard's rho), over key sizes; and the break-even time of a quadratic
  speed-up (Babbush et al. 2021).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, bootstrap_slope, wilson


@dataclass(frozen=True)
class Config:
    qubits: tuple[int, ...] = tuple(range(2, 15))  # Grover register sizes
    fit_from: int = 6  # exponents are fitted where n ≥ fit_from (small N are dominated by rounding of k*)
    trials: int = 400  # repeat-until-success searches per n, quantum and classical
    bootstrap: int = 2000
    unknown_qubits: int = 10  # N for the unknown-M study
    marked: tuple[int, ...] = (1, 2, 4, 8, 16, 64)
    moduli: tuple[int, ...] = (15, 21, 35)
    shor_runs: int = 400  # per modulus, each with a random base a
    interference: bool = (
        True  # False: the null (no diffusion, no amplification, random phase-estimation outcomes)
    )
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    grover_exponent: Estimate  # oracle queries ∝ N^b for repeat-until-success Grover
    classical_exponent: Estimate  # the same for classical random search
    bbht_worst: float  # largest (BBHT mean queries) ÷ √(N/M) over the M tried
    naive_worst: float  # smallest success probability of Grover tuned for M = 1, over the M tried
    shor_success: dict[int, Estimate]  # per modulus: share of runs that return a non-trivial factor
    shor_factors: dict[int, list[int]]  # the factors found
    guess_success: dict[
        int, Estimate
    ]  # the same post-processing on uniformly random outcomes (the comparator)
    guess_again: dict[int, Estimate]  # a second, independent random-outcome run (the negative control)
    rsa_gap: float  # log₁₀(classical operations ÷ quantum Toffolis) at RSA-2048 (published formulas)
    ec_gap: float  # the same at a 256-bit elliptic curve
    quantum_slope: (
        float  # log-log slope of the quantum Toffoli count in the key size, largest sizes (≈ 3: polynomial)
    )


@dataclass
class Result:
    evidence: Evidence
    qubits: list[int]
    optimal_iterations: list[int]
    peak_success: list[float]
    curve_n: int
    curve: list[float]  # success probability against iterations for n = curve_n
    grover_queries: list[float]
    classical_queries: list[float]
    iteration_exponent: float
    unknown_qubits: int
    marked: list[int]
    naive_success: list[float]
    bbht_queries: list[float]
    bbht_bound: list[float]  # √(N/M)
    shor_runs: int
    lightning_deviation: float
    resources: list[dict]  # one row per published estimate
    theory_exponent: (
        float  # exponent of the exact finite-N expected queries (k* + 1)/p(k*) over the fit window
    )
    scaling: dict[str, list[float]]  # key sizes and log₁₀ operations, quantum and classical (see ``scaling``)


def grover_curve(n: int, marked: list[int], iterations: int, dev) -> np.ndarray:
    """P(measure a marked item) after k = 0…iterations Grover iterations, on a state vector."""
    import torch

    amp = torch.full((2**n,), 2 ** (-n / 2), dtype=torch.float64, device=dev)
    mask = torch.zeros(2**n, dtype=torch.bool, device=dev)
    mask[marked] = True
    out = [float((amp[mask] ** 2).sum())]
    for _ in range(iterations):
        amp = torch.where(mask, -amp, amp)  # oracle: flip the marked amplitudes
        amp = 2 * amp.mean() - amp  # diffusion: reflect about the mean
        out.append(float((amp[mask] ** 2).sum()))
    return np.array(out)


def no_diffusion_curve(n: int, iterations: int) -> np.ndarray:
    """The null: without the diffusion step the oracle only flips signs, so each attempt finds the marked item
    with probability 1/N whatever the number of iterations."""
    return np.full(iterations + 1, 2.0**-n)


def repeat_until_success(k: int, p: float, trials: int, rng: np.random.Generator) -> np.ndarray:
    """Oracle queries per search: each attempt runs k iterations and checks its answer with one query."""
    attempts = rng.geometric(p, size=trials)
    return attempts * (k + 1)


def classical_search(n: int, trials: int, rng: np.random.Generator) -> np.ndarray:
    """Queries of random search without repetition: the position of the one marked item in a random order."""
    return rng.integers(1, 2**n + 1, size=trials)


def bbht(n: int, m: int, rng: np.random.Generator, lam: float = 6 / 5, interference: bool = True) -> int:
    """One BBHT search for M = m marked items (unknown to it); returns its oracle queries. After j iterations
    a measurement finds a marked item with probability sin²((2j + 1)θ), sin²θ = M/N (the same closed form the
    state vector reproduces; see ``grover_curve``)."""
    N = 2**n
    theta = math.asin(math.sqrt(m / N))
    queries, scale = 0, 1.0
    while True:
        j = int(rng.integers(0, max(1, int(scale))))
        queries += j + 1  # j iterations, then one query to check the measured item
        if rng.random() < (math.sin((2 * j + 1) * theta) ** 2 if interference else m / N):
            return queries
        scale = min(lam * scale, math.sqrt(N))


def order_distribution(a: int, N: int, t: int) -> np.ndarray:
    """P(y) of the counting register after phase estimation of x ↦ a^x mod N with 2^t counting states."""
    Q = 2**t
    values = np.array([pow(a, x, N) for x in range(Q)])
    state = np.zeros((Q, N))
    state[np.arange(Q), values] = 1 / math.sqrt(Q)
    transformed = np.fft.fft(state, axis=0, norm="ortho")  # the inverse QFT: e^{−2πi xy/Q}/√Q
    return (np.abs(transformed) ** 2).sum(axis=1)


def recover_factor(a: int, N: int, y: int, Q: int) -> int | None:
    """Continued fractions on y/Q give a candidate order r; a non-trivial factor from gcd(a^{r/2} ± 1, N)."""
    r = Fraction(y, Q).limit_denominator(N).denominator
    for candidate in (r, 2 * r, 3 * r):  # small multiples recover orders that share a factor with s
        if pow(a, candidate, N) == 1 and candidate % 2 == 0:
            half = pow(a, candidate // 2, N)
            if half != N - 1:
                f = math.gcd(half - 1, N)
                if 1 < f < N:
                    return f
            break
    return None


def shor(N: int, runs: int, rng: np.random.Generator, interference: bool = True) -> tuple[int, list[int]]:
    """Order finding with a random base coprime to N per run; returns successes and the factors found. Without
    interference the counting register's outcome is uniform: the classical post-processing guesses."""
    t = 2 * math.ceil(math.log2(N)) + 1
    Q = 2**t
    bases = [a for a in range(2, N) if math.gcd(a, N) == 1]
    cache: dict[int, np.ndarray] = {}
    wins, factors = 0, set()
    for _ in range(runs):
        a = int(rng.choice(bases))
        if a not in cache:
            cache[a] = order_distribution(a, N, t)
        p = cache[a] if interference else np.full(Q, 1.0 / Q)
        y = int(rng.choice(Q, p=p / p.sum()))
        f = recover_factor(a, N, y, Q)
        if f is not None:
            wins += 1
            factors |= {f, N // f}
    return wins, sorted(factors)


def check_against_lightning(N: int = 21, a: int = 2, t: int = 6) -> float:
    """The FFT shortcut against a gate-level circuit: Hadamards, controlled modular multiplications (as
    permutation matrices) and the inverse QFT, on lightning.qubit."""
    import pennylane as qml

    w = math.ceil(math.log2(N))
    counting, work = list(range(t)), list(range(t, t + w))

    def multiply(power: int) -> np.ndarray:
        m = np.zeros((2**w, 2**w))
        for v in range(2**w):
            m[(v * pow(a, power, N)) % N if v < N else v, v] = 1
        return m

    @qml.qnode(qml.device("lightning.qubit", wires=t + w))
    def circuit():
        qml.PauliX(work[-1])  # work register = |1⟩
        for j in counting:
            qml.Hadamard(j)
            qml.ControlledQubitUnitary(multiply(2 ** (t - 1 - j)), wires=[j, *work])
        qml.adjoint(qml.QFT)(wires=counting)
        return qml.probs(wires=counting)

    return float(np.abs(circuit() - order_distribution(a, N, t)).max())


# Published resource estimates, as formulas in the key size n, evaluated in code (see the claim's anchors).
def roetteler_qubits(n: int) -> int:
    """Roetteler et al. 2017: at most 9n + 2⌈log₂ n⌉ + 10 logical qubits for an n-bit prime-field curve."""
    return 9 * n + 2 * math.ceil(math.log2(n)) + 10


def roetteler_toffolis(n: int) -> float:
    """Roetteler et al. 2017: at most 448 n³ log₂ n + 4090 n³ Toffoli gates."""
    return 448 * n**3 * math.log2(n) + 4090 * n**3


def gidney_ekera_qubits(n: int) -> float:
    """Gidney & Ekerå 2021: 3n + 0.002 n lg n logical qubits for n-bit RSA."""
    return 3 * n + 0.002 * n * math.log2(n)


def gidney_ekera_toffolis(n: int) -> float:
    """Gidney & Ekerå 2021: 0.3 n³ + 0.0005 n³ lg n Toffoli gates."""
    return 0.3 * n**3 + 0.0005 * n**3 * math.log2(n)


def gnfs_log10(n: int) -> float:
    """log₁₀ of the number field sieve's heuristic cost L_N[1/3, (64/9)^(1/3)] for an n-bit modulus N (the
    o(1) term dropped, as in every such comparison)."""
    ln_n = n * math.log(2)
    return ((64 / 9) ** (1 / 3) * ln_n ** (1 / 3) * math.log(ln_n) ** (2 / 3)) / math.log(10)


def rho_log10(n: int) -> float:
    """log₁₀ of Pollard's rho on an n-bit elliptic-curve group: about √(π·2ⁿ/4) group operations."""
    return 0.5 * (math.log10(math.pi / 4) + n * math.log10(2))


RSA_BITS = (512, 768, 1024, 1536, 2048, 3072, 4096)
EC_BITS = (128, 160, 192, 224, 256, 384, 521)


def scaling() -> dict[str, list[float]]:
    """log₁₀ of the operation counts against key size: Shor-type Toffolis (the published formulas) and the best
    classical methods."""
    return {
        "rsa_bits": [float(n) for n in RSA_BITS],
        "rsa_quantum": [math.log10(gidney_ekera_toffolis(n)) for n in RSA_BITS],
        "rsa_classical": [gnfs_log10(n) for n in RSA_BITS],
        "ec_bits": [float(n) for n in EC_BITS],
        "ec_quantum": [math.log10(roetteler_toffolis(n)) for n in EC_BITS],
        "ec_classical": [rho_log10(n) for n in EC_BITS],
    }


def resources() -> list[dict]:
    return [
        {
            "target": "ECDLP P-256",
            "source": "Roetteler et al. 2017",
            "logical_qubits": roetteler_qubits(256),
            "toffolis": roetteler_toffolis(256),
        },
        {
            "target": "ECDLP P-384",
            "source": "Roetteler et al. 2017",
            "logical_qubits": roetteler_qubits(384),
            "toffolis": roetteler_toffolis(384),
        },
        {
            "target": "RSA-2048",
            "source": "Gidney & Ekerå 2021",
            "logical_qubits": gidney_ekera_qubits(2048),
            "toffolis": gidney_ekera_toffolis(2048),
        },
    ]


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(
        1
    )  # many tiny state-vector ops: one thread is several times faster on a busy machine
    try:
        return _run(cfg, progress)
    finally:
        torch.set_num_threads(threads)


def _run(cfg: Config, progress: Progress) -> Result:
    from experiments.common.statevector import device

    dev = device()
    rng = np.random.default_rng(cfg.seed)
    optimal, peak, grover_q, classical_q = [], [], [], []
    curve: np.ndarray = np.zeros(1)
    for n in progress(cfg.qubits, "Grover"):
        target = int(rng.integers(0, 2**n))
        span = math.ceil(math.pi / 4 * 2 ** (n / 2) * 1.6) + 2
        p = grover_curve(n, [target], span, dev) if cfg.interference else no_diffusion_curve(n, span)
        k = int(np.argmax(np.diff(p) < 0))  # the first peak: later ones only repeat the rotation
        optimal.append(k)
        peak.append(float(p[k]))
        grover_q.append(repeat_until_success(k, float(p[k]), cfg.trials, rng))
        classical_q.append(classical_search(n, cfg.trials, rng))
        curve = p
    window = [i for i, n in enumerate(cfg.qubits) if n >= cfg.fit_from]
    sizes = [2 ** cfg.qubits[i] for i in window]
    g = bootstrap_slope(sizes, np.array([grover_q[i] for i in window]), cfg.bootstrap, cfg.seed)
    c = bootstrap_slope(sizes, np.array([classical_q[i] for i in window]), cfg.bootstrap, cfg.seed + 1)

    exact = [(optimal[i] + 1) / peak[i] for i in window]  # expected queries of repeat-until-success, exactly
    theory_exponent = float(np.polyfit(np.log(sizes), np.log(exact), 1)[0])

    n_u = cfg.unknown_qubits
    k1 = round(math.pi / 4 * 2 ** (n_u / 2) - 0.5)  # the optimum if M were 1
    naive, bbht_q = [], []
    for m in progress(cfg.marked, "unknown M"):
        marked = list(rng.choice(2**n_u, size=m, replace=False))
        naive.append(float(grover_curve(n_u, marked, k1, dev)[-1]) if cfg.interference else m / 2**n_u)
        bbht_q.append(
            float(np.mean([bbht(n_u, m, rng, interference=cfg.interference) for _ in range(cfg.trials)]))
        )
    bound = [math.sqrt(2**n_u / m) for m in cfg.marked]

    table = scaling()
    rsa_at, ec_at = RSA_BITS.index(2048), EC_BITS.index(256)
    q_slope = float(
        np.polyfit(np.log(table["rsa_bits"][-3:]), np.array(table["rsa_quantum"][-3:]) * np.log(10), 1)[0]
    )
    success, factors, guess, again = {}, {}, {}, {}
    for N in progress(cfg.moduli, "Shor"):
        wins, found = shor(N, cfg.shor_runs, rng, cfg.interference)
        success[N], factors[N] = wilson(wins, cfg.shor_runs), found
        guess[N] = wilson(shor(N, cfg.shor_runs, rng, interference=False)[0], cfg.shor_runs)
        again[N] = wilson(shor(N, cfg.shor_runs, rng, interference=False)[0], cfg.shor_runs)
    evidence = Evidence(
        grover_exponent=g,
        classical_exponent=c,
        bbht_worst=max(q / b for q, b in zip(bbht_q, bound, strict=True)),
        naive_worst=min(naive),
        shor_success=success,
        shor_factors=factors,
        guess_success=guess,
        guess_again=again,
        rsa_gap=table["rsa_classical"][rsa_at] - table["rsa_quantum"][rsa_at],
        ec_gap=table["ec_classical"][ec_at] - table["ec_quantum"][ec_at],
        quantum_slope=q_slope,
    )
    return Result(
        evidence=evidence,
        qubits=list(cfg.qubits),
        optimal_iterations=optimal,
        peak_success=peak,
        curve_n=cfg.qubits[-1],
        curve=curve.tolist(),
        grover_queries=[float(np.mean(q)) for q in grover_q],
        classical_queries=[float(np.mean(q)) for q in classical_q],
        iteration_exponent=float(
            np.polyfit(np.log(sizes), np.log([max(optimal[i], 1) for i in window]), 1)[0]
        ),
        unknown_qubits=cfg.unknown_qubits,
        marked=list(cfg.marked),
        naive_success=naive,
        bbht_queries=bbht_q,
        bbht_bound=bound,
        shor_runs=cfg.shor_runs,
        lightning_deviation=check_against_lightning(),
        resources=resources(),
        theory_exponent=theory_exponent,
        scaling=table,
    )
