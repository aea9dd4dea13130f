"""Data-limited scaling: character-level GPTs of several sizes trained on several budgets of unique text,
and, at fixed compute, on fewer unique tokens repeated for more epochs.

Every run trains for the same number of steps (the same tokens seen); the reported loss is the best
validation loss over training (early stopping), on held-out plays.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.common import corpus, parallel
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, percentile_interval, t_interval


@dataclass(frozen=True)
class Config:
    widths: tuple[int, ...] = (16, 24, 32, 48)  # n_embd; 2 layers, so N ≈ 24·width²
    n_layer: int = 2
    budgets: tuple[int, ...] = (5_000, 40_000, 640_000)  # unique training characters D
    steps: int = 300
    batch: int = 32
    block: int = 64
    lr_times_width: float = 0.1  # Adam learning rate = this / width (∝ 1/width, as in μP)
    eval_every: int = 25
    settled: float = 0.005  # stop when the last three evaluations moved by less than this (nats): converged
    eval_batches: int = 8
    seeds: int = 5  # the verdict's intervals are t-intervals over seeds
    upper_sizes: int = 4  # the slopes are fitted over the largest this many model sizes
    repeat_width: int = 16  # the smallest model: repetition is measured where it is cheapest
    repeat_epochs: tuple[int, ...] = (1, 2, 4, 8, 16)
    bootstrap: int = 300
    seed: int = 0


@dataclass
class Run:
    width: int
    params: int  # non-embedding parameters N
    unique: int  # unique training characters
    seed: int
    test_loss: float  # on the test plays, at the checkpoint the validation plays picked
    best_val: float  # the validation loss that picked it
    final_train: float  # loss on fixed batches of its own training text, at the end
    val_curve: list[float]
    stopped: str  # "settled" (the validation loss converged) or "cap" (the steps ran out)
    tokens: int
    seconds: float
    flops: float  # model FLOPs of training, 6·N_total·tokens plus attention


@dataclass
class Fit:
    """L(N, D) = E + A/N^α + B/D^β, fitted to the seed-averaged test losses."""

    e: Estimate
    a: float
    alpha: Estimate
    b: float
    beta: Estimate
    rmse: float


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads; each slope is a t-interval over seeds of the per-seed slopes."""

    small_budget: int  # unique training characters, least data
    large_budget: int  # … most data
    slope_small: Estimate  # best validation loss per e-fold of N, least data
    slope_large: Estimate  # … most data
    train_slope_small: Estimate  # training loss per e-fold of N, least data
    repetition_penalty: Estimate  # loss at the most epochs minus loss at one epoch, same compute, per seed
    most_epochs: int


@dataclass
class Result:
    evidence: Evidence
    vocab: int
    train_chars: int
    validation_documents: list[str]
    test_documents: list[str]
    grid: list[Run]
    repeats: list[Run]
    repeat_epochs: list[int]
    total_tokens: int
    fit: Fit
    r_star: Estimate  # our fitted R*_D (Muennighoff et al.'s effective-data constant), bootstrap over seeds
    r_star_at_bound: bool  # the fit ended on an edge of R_STAR_RANGE: R* is not determined by these runs
    surface_at_bound: bool  # E ended at 0 or an exponent at its cap: the surface is not determined
    matmul_gflops: float  # single-thread float32 matmul rate of this machine
    device: str


def _batches(data, positions, block: int):
    """Inputs and next-character targets for windows starting at ``positions`` (one gather, no loop)."""
    import torch

    idx = torch.as_tensor(positions)[:, None] + torch.arange(block + 1)
    w = data[idx]
    return w[:, :-1], w[:, 1:]


def train_run(job: tuple) -> Run:
    """Train one GPT of ``width`` on the first ``unique`` characters of the training plays."""
    import torch

    from experiments.common.gpt import GPT, GPTConfig

    width, unique, seed, cfg, dev, data_dir = job
    text = corpus.load(data_dir)
    stoi = {c: i for i, c in enumerate(text.vocabulary)}
    encode = lambda s: torch.tensor([stoi[c] for c in s], dtype=torch.long)  # noqa: E731
    train, val, test = encode(text.train[:unique]), encode(text.validation), encode(text.test)
    gen = torch.Generator().manual_seed(seed)
    fixed = torch.Generator().manual_seed(12345)  # the same evaluation batches for every run
    n_eval = cfg.eval_batches * cfg.batch
    val_pos = torch.randint(0, len(val) - cfg.block - 1, (n_eval,), generator=fixed).tolist()
    test_pos = torch.randint(0, len(test) - cfg.block - 1, (n_eval,), generator=fixed).tolist()
    train_pos = torch.randint(0, len(train) - cfg.block - 1, (n_eval,), generator=fixed).tolist()
    # an epoch reads every character of the unique data once: non-overlapping windows from a random phase
    # (so the windows do not always start at the same offsets), in a random order
    queue: list[int] = []
    torch.manual_seed(seed)
    model = GPT(GPTConfig(len(text.vocabulary), cfg.block, cfg.n_layer, max(1, width // 8), width)).to(dev)
    base_lr = cfg.lr_times_width / width
    opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=0.0)

    def loss_on(data, positions) -> float:
        model.eval()
        with torch.no_grad():
            losses = [
                model(*(t.to(dev) for t in _batches(data, positions[i : i + cfg.batch], cfg.block)))[1]
                for i in range(0, len(positions), cfg.batch)
            ]
        model.train()
        return float(torch.stack(losses).mean())

    curve, test_curve, stopped = [], [], "cap"
    t0 = time.perf_counter()
    for step in range(1, cfg.steps + 1):
        lr = base_lr * min(1.0, step / 20)  # short warm-up, then constant
        for g in opt.param_groups:
            g["lr"] = lr
        while len(queue) < cfg.batch:
            phase = int(torch.randint(0, cfg.block, (1,), generator=gen))
            windows = torch.arange(phase, len(train) - cfg.block - 1, cfg.block)
            queue += windows[torch.randperm(len(windows), generator=gen)].tolist()
        pos, queue = queue[: cfg.batch], queue[cfg.batch :]
        _, loss = model(*(t.to(dev) for t in _batches(train, pos, cfg.block)))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % cfg.eval_every == 0 or step == cfg.steps:
            curve.append(loss_on(val, val_pos))
            test_curve.append(loss_on(test, test_pos))
            # no early stopping: the training loss at the end must be comparable across model sizes
            if len(curve) >= 3 and max(curve[-3:]) - min(curve[-3:]) < cfg.settled:
                stopped = "settled"
                break
    seconds = time.perf_counter() - t0
    tokens = step * cfg.batch * cfg.block
    n_total = sum(p.numel() for p in model.parameters())
    flops = tokens * (6 * n_total + 12 * cfg.n_layer * cfg.block * width)
    best = int(np.argmin(curve))
    return Run(
        width=width,
        params=model.non_embedding_params(),
        unique=unique,
        seed=seed,
        test_loss=test_curve[best],
        best_val=curve[best],
        final_train=loss_on(train, train_pos),
        val_curve=curve,
        stopped=stopped,
        tokens=tokens,
        seconds=seconds,
        flops=flops,
    )


def chinchilla(params, n, d):
    e, log_a, alpha, log_b, beta = params
    return e + np.exp(log_a) / n**alpha + np.exp(log_b) / d**beta


def fit_surface(runs: list[Run], n_boot: int, seed: int) -> Fit:
    """L(N, D) = E + A/N^α + B/D^β by least squares on the seed-averaged best losses; bootstrap over points."""
    from scipy.optimize import least_squares

    keys = sorted({(r.params, r.unique) for r in runs})
    n = np.array([k[0] for k in keys], float)
    d = np.array([k[1] for k in keys], float)
    y = np.array([np.mean([r.test_loss for r in runs if (r.params, r.unique) == k]) for k in keys])

    def solve(idx):
        res = least_squares(
            lambda p: chinchilla(p, n[idx], d[idx]) - y[idx],
            x0=[1.0, 2.0, 0.3, 2.0, 0.3],
            bounds=([0, -10, 0, -10, 0], [5, 20, 2, 20, 2]),
        )
        return res.x

    best = solve(np.arange(len(y)))
    rng = np.random.default_rng(seed)
    boots = np.array([solve(rng.integers(0, len(y), len(y))) for _ in range(n_boot)])
    rmse = float(np.sqrt(np.mean((chinchilla(best, n, d) - y) ** 2)))
    method = "bootstrap over (N, D) cells"
    return Fit(
        e=percentile_interval(float(best[0]), boots[:, 0], method, len(y)),
        a=float(np.exp(best[1])),
        alpha=percentile_interval(float(best[2]), boots[:, 2], method, len(y)),
        b=float(np.exp(best[3])),
        beta=percentile_interval(float(best[4]), boots[:, 4], method, len(y)),
        rmse=rmse,
    )


R_STAR_RANGE = (0.1, 1000.0)  # where R* is searched for; a fit that ends on an edge is not determined


def effective_data(unique: float, epochs: float, r_star: float) -> float:
    """Muennighoff et al. 2023: D' = U + U·R*·(1 − exp(−R/R*)), with R = epochs − 1 repetitions."""
    return unique + unique * r_star * (1 - math.exp(-(epochs - 1) / r_star))


def fit_r_star(repeats: list[Run], epochs: list[int], fit: Fit) -> float:
    """The R*_D that makes our fitted L(N, D') match the repeated-data losses best."""
    from scipy.optimize import minimize_scalar

    p = [fit.e.value, math.log(fit.a), fit.alpha.value, math.log(fit.b), fit.beta.value]

    def err(log_r):
        return sum(
            (chinchilla(p, r.params, effective_data(r.unique, ep, math.exp(log_r))) - r.test_loss) ** 2
            for r, ep in zip(repeats, epochs, strict=True)
        )

    low, high = R_STAR_RANGE
    return float(math.exp(minimize_scalar(err, bounds=(math.log(low), math.log(high)), method="bounded").x))


def r_star_estimate(repeats: list[Run], epochs: list[int], fit: Fit, n_boot: int, seed: int) -> Estimate:
    """R*_D with a 95% interval from resampling the seeds of the repetition runs."""
    rng = np.random.default_rng(seed)
    seeds = sorted({r.seed for r in repeats})
    pairs = list(zip(repeats, epochs, strict=True))
    boots = []
    for _ in range(n_boot):
        picked = rng.choice(seeds, len(seeds))
        sample = [(r, e) for s in picked for r, e in pairs if r.seed == s]
        boots.append(fit_r_star([r for r, _ in sample], [e for _, e in sample], fit))
    value = fit_r_star(repeats, epochs, fit)
    return percentile_interval(value, np.array(boots), "bootstrap over seeds", len(seeds))


def matmul_gflops(size: int = 512, repeats: int = 20) -> float:
    """This machine's single-thread float32 matmul rate: the denominator of training throughput."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    t0 = time.perf_counter()
    for _ in range(repeats):
        a @ b
    rate = 2 * size**3 * repeats / (time.perf_counter() - t0) / 1e9
    torch.set_num_threads(threads)
    return rate


def seed_slopes(runs: list[Run], field: str, upper: int) -> Estimate:
    """Slope of ``field`` against ln N over the largest ``upper`` sizes, fitted per seed; t-interval over seeds."""
    sizes = sorted({r.params for r in runs})[-upper:]
    slopes = []
    for seed in sorted({r.seed for r in runs}):
        pts = sorted((r.params, getattr(r, field)) for r in runs if r.seed == seed and r.params in sizes)
        slopes.append(float(np.polyfit(np.log([n for n, _ in pts]), [y for _, y in pts], 1)[0]))
    return t_interval(slopes, "t-interval over seeds of per-seed slopes")


def repetition_penalty(repeats: list[Run], epochs: list[int]) -> Estimate:
    """Loss after the most epochs minus loss after one epoch at the same compute, paired by seed."""
    most, one = max(epochs), min(epochs)
    by = {(r.seed, e): r.test_loss for r, e in zip(repeats, epochs, strict=True)}
    seeds = sorted({r.seed for r in repeats})
    return t_interval([by[(s, most)] - by[(s, one)] for s in seeds], "t-interval over seeds (paired)")


def run(cfg: Config, data_dir: Path, progress: Progress = silent) -> Result:
    import torch

    dev = "cuda" if torch.cuda.is_available() else "cpu"
    text = corpus.load(data_dir)  # fetch (or verify the cache) once, before the workers start
    tokens = cfg.steps * cfg.batch * cfg.block
    grid_jobs = [
        (w, d, cfg.seed + s, cfg, dev, data_dir)
        for w in cfg.widths
        for d in cfg.budgets
        for s in range(cfg.seeds)
    ]
    rep_jobs = [
        (cfg.repeat_width, tokens // ep, cfg.seed + s, cfg, dev, data_dir)
        for ep in cfg.repeat_epochs
        for s in range(cfg.seeds)
    ]
    jobs = sorted(grid_jobs + rep_jobs, key=lambda j: -j[0])  # biggest first, so the workers finish together
    done = dict(
        zip(
            jobs,
            parallel.run_all(train_run, jobs, on_gpu=dev == "cuda", desc="runs", progress=progress),
            strict=True,
        )
    )
    grid = [done[j] for j in grid_jobs]
    repeats = [done[j] for j in rep_jobs]
    fit = fit_surface(grid, cfg.bootstrap, cfg.seed)
    rep_epochs = [ep for ep in cfg.repeat_epochs for _ in range(cfg.seeds)]
    r_star = r_star_estimate(repeats, rep_epochs, fit, cfg.bootstrap, cfg.seed)
    small, large = min(cfg.budgets), max(cfg.budgets)
    at = {d: [r for r in grid if r.unique == d] for d in (small, large)}
    evidence = Evidence(
        small_budget=small,
        large_budget=large,
        slope_small=seed_slopes(at[small], "test_loss", cfg.upper_sizes),
        slope_large=seed_slopes(at[large], "test_loss", cfg.upper_sizes),
        train_slope_small=seed_slopes(at[small], "final_train", cfg.upper_sizes),
        repetition_penalty=repetition_penalty(repeats, rep_epochs),
        most_epochs=max(cfg.repeat_epochs),
    )
    return Result(
        evidence=evidence,
        vocab=len(text.vocabulary),
        train_chars=len(text.train),
        validation_documents=text.validation_documents,
        test_documents=text.test_documents,
        grid=grid,
        repeats=repeats,
        repeat_epochs=rep_epochs,
        total_tokens=tokens,
        fit=fit,
        r_star=r_star,
        r_star_at_bound=min(abs(math.log(r_star.value / edge)) for edge in R_STAR_RANGE) < 0.01,
        surface_at_bound=fit.e.value < 1e-3 or max(fit.alpha.value, fit.beta.value) > 1.99,
        matmul_gflops=matmul_gflops(),
        device=dev,
    )
