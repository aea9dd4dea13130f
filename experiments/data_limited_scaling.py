"""Data-limited scaling: character-level GPTs of several sizes trained on several budgets of unique text,
and, at fixed compute, on fewer unique tokens repeated for more epochs.

Every run trains until its validation loss has not improved for ``patience`` evaluations (early stopping, its
stated rule) or until the step cap; how each run ended is kept (:class:`Stop`). The reported loss is the test
loss at the checkpoint the validation plays picked. The strongest simple alternative, a count-based n-gram
model with its order and smoothing tuned on the validation plays, is fitted on every data budget.

The training of a grid run does not depend on the cap until the cap cuts it off (a constant learning rate
after warm-up, early stopping that looks only backwards), so a run under a smaller cap is the same run cut
short: :func:`truncate` derives it, and :func:`run` reuses the runs it already trained in this process when
only the cap or the analysis (tolerance, fitted sizes) changes; the fitted surface is kept per set of losses too.
The test plays are scored only at checkpoints that set a new best validation loss (the only ones ever reported).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from experiments.common import corpus, parallel
from experiments.common.progress import Progress, silent

# the statistics import scipy, which the training processes never need: imported where they are used
if TYPE_CHECKING:
    from experiments.common.stats import Estimate
    from experiments.common.training import Stop


@dataclass(frozen=True)
class Config:
    widths: tuple[int, ...] = (16, 24, 32, 48)  # n_embd; 2 layers, so N ≈ 24·width²
    n_layer: int = 2
    budgets: tuple[int, ...] = (5_000, 20_000, 80_000)  # unique training characters D
    steps: int = 2000  # the cap of a grid run
    batch: int = 32
    block: int = 64
    lr_times_width: float = 0.3  # Adam learning rate = this / width (∝ 1/width, as in μP)
    eval_every: int = 25
    patience: int = 4  # early stopping: no new best validation loss for this many evaluations
    eval_batches: int = 4
    seeds: int = 4  # the verdict's intervals are t-intervals over seeds
    upper_sizes: int = 4  # the slopes are fitted over the largest this many model sizes
    tolerance: float = 0.02  # "flat": improves by less than this many nats per e-fold of N (the rule's bar)
    repeat_width: int = 16  # the smallest model: repetition is measured where it is cheapest
    repeat_epochs: tuple[int, ...] = (1, 4, 16)
    repeat_steps: int = 400  # compute of every repetition run: steps × batch × block characters
    ngram_orders: tuple[int, ...] = (1, 2, 3, 4, 5)
    text: str = (
        "plays"  # "shuffled": every split's characters shuffled, so only their frequencies remain (null)
    )
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
    test_curve: list[float]  # the test loss of the best checkpoint so far (measured at each new best)
    train_curve: list[float]  # loss on fixed batches of its own training text, at every evaluation
    stopped: (
        str  # "early" (early stopping: the validation loss stopped improving) or "cap" (the steps ran out)
    )
    steps: int
    cap: int
    tokens: int
    seconds: float
    flops: float  # model FLOPs of training, 6·N_total·tokens plus attention

    fixed_compute: bool = False  # a repetition run: its cap is the compute being compared, its stated rule

    @property
    def stop(self) -> Stop:
        """Stopped by its rule (early stopping; for a repetition run, also the fixed compute spent), or cut off at
        the cap: still improving (validation loss) or not."""
        from experiments.common.training import stop_of

        by_rule = self.stopped == "early" or (self.fixed_compute and self.steps == self.cap)
        return stop_of(self.val_curve, self.cap, by_rule, steps=self.steps)


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

    budgets: list[int]  # unique training characters D, ascending
    slopes: list[Estimate]  # test loss per e-fold of N, at every budget
    steepening: Estimate  # slope of the per-seed size slopes against ln D: below 0 when data makes size pay
    train_slope_small: Estimate  # training loss per e-fold of N, least data
    repetition_penalty: Estimate  # loss at the most epochs minus loss at one epoch, same compute, per seed
    most_epochs: int
    tolerance: float
    stops: dict[int, list[Stop]]  # how every grid run ended, per budget
    repeat_stops: list[Stop]
    ngram_large: float  # the best n-gram's test loss at the largest budget
    best_large: float  # the best model's test loss (mean over seeds) at the largest budget

    @property
    def small_budget(self) -> int:
        return self.budgets[0]

    @property
    def slope_small(self) -> Estimate:
        return self.slopes[0]


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
    ngram: dict[int, dict[int, float]]  # budget → n-gram order → test loss, each order at its tuned smoothing
    ngram_method: dict[int, dict[int, str]]  # budget → order → the smoothing the validation plays picked
    r_star: Estimate  # our fitted R*_D (Muennighoff et al.'s effective-data constant), bootstrap over seeds
    r_star_at_bound: bool  # the fit ended on an edge of R_STAR_RANGE: R* is not determined by these runs
    surface_at_bound: bool  # E ended at 0 or an exponent at its cap: the surface is not determined
    matmul_gflops: float  # single-thread float32 matmul rate of this machine
    device: str
    patience: int


def _batches(data, positions, block: int):
    """Inputs and next-character targets for windows starting at ``positions`` (one gather, no loop)."""
    import torch

    idx = torch.as_tensor(positions)[:, None] + torch.arange(block + 1)
    w = data[idx]
    return w[:, :-1], w[:, 1:]


@cache
def _texts(text: str, seed: int, data_dir: Path) -> tuple[str, str, str, str]:
    """Training, validation and test text and the vocabulary; shuffled characters for the null (once per
    process: every run of a process reads the same)."""
    corp = corpus.load(data_dir)
    splits = [corp.train, corp.validation, corp.test]
    if text == "shuffled":
        rng = np.random.default_rng(seed)
        splits = [_shuffled(t, rng) for t in splits]
    return splits[0], splits[1], splits[2], corp.vocabulary


def _shuffled(text: str, rng: np.random.Generator) -> str:
    """The characters of ``text`` in a random order (the permutation ``rng.permutation`` draws for any sequence
    of that length, applied to the code points at once rather than to a list of characters)."""
    return (
        rng.permutation(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))
        .tobytes()
        .decode("utf-32-le")
    )


@cache
def _encoded(text: str, seed: int, data_dir: Path) -> tuple[Any, Any, Any, int]:
    """The three splits as tensors of character indices (once per process)."""
    import torch

    train, val, test, vocabulary = _texts(text, seed, data_dir)
    lookup = np.zeros(max(map(ord, vocabulary)) + 1, dtype=np.int64)
    lookup[[ord(c) for c in vocabulary]] = np.arange(len(vocabulary))

    def encode(s: str):
        return torch.from_numpy(lookup[np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)])

    return encode(train), encode(val), encode(test), len(vocabulary)


def train_run(job: tuple) -> Run:
    """Train one GPT of ``width`` on the first ``unique`` characters of the training plays, for at most
    ``cap`` steps, stopping early when the validation loss has not improved for ``patience`` evaluations."""
    import torch
    from torch.nn import functional as F

    from experiments.common.gpt import GPT, GPTConfig

    width, unique, seed, cfg, dev, data_dir, cap = job
    all_train, val, test, vocab = _encoded(cfg.text, cfg.seed, data_dir)
    train = all_train[:unique]
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
    model = GPT(GPTConfig(vocab, cfg.block, cfg.n_layer, max(1, width // 8), width)).to(dev)
    base_lr = cfg.lr_times_width / width
    # fused: one kernel for every tensor's update (the same update; the per-tensor loop costs more than it does)
    opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=0.0, fused=True)

    def losses_on(*sets: tuple) -> list[float]:
        """The mean loss on each (text, window starts) set, all in one forward pass."""
        model.eval()
        with torch.no_grad():
            xs, ys = zip(*(_batches(data, positions, cfg.block) for data, positions in sets), strict=True)
            logits, _ = model(torch.cat(xs).to(dev))
            loss = F.cross_entropy(logits.flatten(0, 1), torch.cat(ys).to(dev).flatten(), reduction="none")
        model.train()
        return loss.view(len(sets), -1).mean(1).tolist()

    curve: list[float] = []
    test_curve: list[float] = []  # the test loss of the best checkpoint so far, at every evaluation
    train_curve: list[float] = []
    stopped, step = "cap", 0
    t0 = time.perf_counter()
    for step in range(1, cap + 1):
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
        if step % cfg.eval_every == 0 or step == cap:
            val_loss, train_loss = losses_on((val, val_pos), (train, train_pos))
            if not curve or val_loss < min(curve):  # a new best checkpoint: the only test losses ever read
                test_curve.append(losses_on((test, test_pos))[0])
            else:
                test_curve.append(test_curve[-1])
            curve.append(val_loss)
            train_curve.append(train_loss)
            if len(curve) - 1 - int(np.argmin(curve)) >= cfg.patience:
                stopped = "early"
                break
    seconds = time.perf_counter() - t0
    n_total = sum(p.numel() for p in model.parameters())
    return _summarise(
        width, model.non_embedding_params(), unique, seed, curve, test_curve, train_curve, stopped, step, cap,
        cfg, seconds * 1.0, n_total,
    )  # fmt: skip


def _summarise(
    width: int, params: int, unique: int, seed: int, curve: list[float], test_curve: list[float],
    train_curve: list[float], stopped: str, steps: int, cap: int, cfg: Config, seconds: float, n_total: int,
) -> Run:  # fmt: skip
    tokens = steps * cfg.batch * cfg.block
    best = int(np.argmin(curve))
    return Run(
        width=width,
        params=params,
        unique=unique,
        seed=seed,
        test_loss=test_curve[best],
        best_val=curve[best],
        final_train=train_curve[-1],
        val_curve=curve,
        test_curve=test_curve,
        train_curve=train_curve,
        stopped=stopped,
        steps=steps,
        cap=cap,
        tokens=tokens,
        seconds=seconds,
        flops=tokens * (6 * n_total + 12 * cfg.n_layer * cfg.block * width),
    )


def truncate(run: Run, cap: int, cfg: Config) -> Run:
    """The same run under a smaller cap (a multiple of ``eval_every``): identical if it stopped before the
    cap, else cut short at the cap's evaluation."""
    if run.steps <= cap:
        return run
    kept = cap // cfg.eval_every
    per_token = run.flops / run.tokens  # FLOPs per character seen, unchanged by the cap
    out = _summarise(
        run.width, run.params, run.unique, run.seed, run.val_curve[:kept], run.test_curve[:kept],
        run.train_curve[:kept], "cap", cap, cap, cfg, run.seconds * cap / run.steps, 0,
    )  # fmt: skip
    out.flops = out.tokens * per_token
    return out


# --- the strongest simple alternative: count-based n-gram models ------------------------------------
NGRAM_ALPHAS = (
    0.001,
    0.003,
    0.01,
    0.03,
    0.1,
    0.3,
    1.0,
)  # add-α smoothing values tried on the validation plays


def _keys(codes: np.ndarray, order: int, vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """For every position with ``order − 1`` characters before it: the context's key and the (context,
    character) key, as integers in base ``vocab``."""
    n = len(codes) - order + 1
    ctx = np.zeros(n, dtype=np.int64)
    for i in range(order - 1):
        ctx = ctx * vocab + codes[i : i + n]
    return ctx, ctx * vocab + codes[order - 1 : order - 1 + n]


def _lookup(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """Counts of ``keys`` in a (sorted unique keys, counts) table; 0 where absent."""
    uniq, counts = table
    if len(uniq) == 0:
        return np.zeros(len(keys))
    at = np.clip(np.searchsorted(uniq, keys), 0, len(uniq) - 1)
    return np.where(uniq[at] == keys, counts[at], 0).astype(float)


def ngram_losses(train: np.ndarray, evals: list[np.ndarray], orders: tuple[int, ...], vocab: int) -> dict:
    """Nats per character of count-based n-gram models on each eval text: add-α smoothing for every α of
    :data:`NGRAM_ALPHAS`, and Witten-Bell interpolation down to a uniform distribution, for every order.
    Every eval position is scored with the same ``max(orders) − 1`` characters before it, so the orders compare
    on the same characters. Returns ``{(order, method): [loss per eval text]}``; method is α or "wb"."""
    top = max(orders)
    out: dict = {}
    tables = {}
    for m in range(1, top + 1):
        ctx, full = _keys(train, m, vocab)
        fu, fc = np.unique(full, return_counts=True)
        cu, cc = np.unique(ctx, return_counts=True)
        types_u, types_c = np.unique(fu // vocab, return_counts=True)  # distinct next characters per context
        tables[m] = ((fu, fc), (cu, cc), (types_u, types_c))
    for e, text in enumerate(evals):
        wb = np.full(len(text) - top + 1, 1.0 / vocab)  # order 0: uniform
        for m in range(1, top + 1):
            ctx, full = _keys(text[top - m :], m, vocab)
            ft, ct, tt = tables[m]
            c_full, c_ctx, types = _lookup(ft, full), _lookup(ct, ctx), _lookup(tt, ctx)
            wb = np.where(c_ctx > 0, (c_full + types * wb) / np.maximum(c_ctx + types, 1), wb)
            if m in orders:
                out.setdefault((m, "wb"), [0.0] * len(evals))[e] = float(-np.log(wb).mean())
                for a in NGRAM_ALPHAS:
                    p = (c_full + a) / (c_ctx + a * vocab)
                    out.setdefault((m, a), [0.0] * len(evals))[e] = float(-np.log(p).mean())
    return out


def best_ngrams(cfg: Config, data_dir: Path) -> tuple[dict[int, dict[int, float]], dict[int, dict[int, str]]]:
    """For every budget and order, the test loss of the smoothing the validation plays picked (and which)."""
    train_codes, val_codes, test_codes, vocab = _encoded(cfg.text, cfg.seed, data_dir)
    val, test = val_codes.numpy(), test_codes.numpy()
    losses: dict[int, dict[int, float]] = {}
    picked: dict[int, dict[int, str]] = {}
    for d in cfg.budgets:
        scores = ngram_losses(train_codes[:d].numpy(), [val, test], cfg.ngram_orders, vocab)
        losses[d], picked[d] = {}, {}
        for m in cfg.ngram_orders:
            method = min((k for k in scores if k[0] == m), key=lambda k: scores[k][0])[1]
            losses[d][m] = scores[(m, method)][1]
            picked[d][m] = "Witten-Bell" if method == "wb" else f"add-{method:g}"
    return losses, picked


def chinchilla(params, n, d):
    e, log_a, alpha, log_b, beta = params
    return e + np.exp(log_a) / n**alpha + np.exp(log_b) / d**beta


def _chinchilla_jac(params, n, d):
    """The derivatives of :func:`chinchilla` with respect to its five parameters (E, ln A, α, ln B, β)."""
    _, log_a, alpha, log_b, beta = params
    by_n, by_d = np.exp(log_a) / n**alpha, np.exp(log_b) / d**beta
    return np.stack([np.ones_like(n), by_n, -by_n * np.log(n), by_d, -by_d * np.log(d)], axis=1)


def fit_surface(runs: list[Run], n_boot: int, seed: int) -> Fit:
    """L(N, D) = E + A/N^α + B/D^β by least squares on the seed-averaged best losses; bootstrap over points."""
    keys = sorted({(r.params, r.unique) for r in runs})
    y = tuple(float(np.mean([r.test_loss for r in runs if (r.params, r.unique) == k])) for k in keys)
    return _fit_cells(tuple(keys), y, n_boot, seed)


@cache
def _fit_cells(keys: tuple[tuple[int, int], ...], losses: tuple[float, ...], n_boot: int, seed: int) -> Fit:
    """:func:`fit_surface` on the cells' mean losses (kept per process: the robustness map's specifications that
    change only the analysis fit the same cells)."""
    from scipy.optimize import least_squares

    from experiments.common.stats import percentile_interval

    n = np.array([k[0] for k in keys], float)
    d = np.array([k[1] for k in keys], float)
    y = np.array(losses)

    def solve(idx):
        res = least_squares(
            lambda p: chinchilla(p, n[idx], d[idx]) - y[idx],
            x0=[1.0, 2.0, 0.3, 2.0, 0.3],
            jac=lambda p: _chinchilla_jac(p, n[idx], d[idx]),
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
    from experiments.common.stats import percentile_interval

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
    from experiments.common.stats import t_interval

    return t_interval(_per_seed_slopes(runs, field, upper), "t-interval over seeds of per-seed slopes")


def _per_seed_slopes(runs: list[Run], field: str, upper: int) -> list[float]:
    sizes = sorted({r.params for r in runs})[-upper:]
    slopes = []
    for seed in sorted({r.seed for r in runs}):
        pts = sorted((r.params, getattr(r, field)) for r in runs if r.seed == seed and r.params in sizes)
        slopes.append(float(np.polyfit(np.log([n for n, _ in pts]), [y for _, y in pts], 1)[0]))
    return slopes


def steepening(grid: list[Run], budgets: list[int], upper: int) -> Estimate:
    """How the size slope changes with data: per seed, the slope (test loss per e-fold of N) at every budget,
    regressed on ln D; a t-interval over seeds. Below 0: the more data, the more a bigger model pays."""
    from experiments.common.stats import t_interval

    per_d = np.array(
        [_per_seed_slopes([r for r in grid if r.unique == d], "test_loss", upper) for d in budgets]
    )
    x = np.log(np.asarray(budgets, float))
    trend = [float(np.polyfit(x, per_d[:, s], 1)[0]) for s in range(per_d.shape[1])]
    return t_interval(trend, "t-interval over seeds of per-seed trends")


def repetition_penalty(repeats: list[Run], epochs: list[int]) -> Estimate:
    """Loss after the most epochs minus loss after one epoch at the same compute, paired by seed."""
    from experiments.common.stats import t_interval

    most, one = max(epochs), min(epochs)
    by = {(r.seed, e): r.test_loss for r, e in zip(repeats, epochs, strict=True)}
    seeds = sorted({r.seed for r in repeats})
    return t_interval([by[(s, most)] - by[(s, one)] for s in seeds], "t-interval over seeds (paired)")


# Runs this process already trained, by (width, unique data, seed, training settings): a later call that only
# lowers the cap or changes the analysis (the robustness map) reuses them, cut short where its cap says.
_TRAINED: dict[tuple, Run] = {}
_NGRAMS: dict[tuple, tuple] = {}


def _training(cfg: Config) -> Config:
    """The settings one run depends on besides its width, data, seed and cap (the rest set to neutral values)."""
    return replace(
        cfg, widths=(), budgets=(), steps=0, seeds=0, upper_sizes=0, tolerance=0.0, repeat_epochs=(),
        repeat_steps=0, ngram_orders=(), bootstrap=0,
    )  # fmt: skip


def _task(job: tuple):
    """One job of the pool: a training run, or (``("ngrams", cfg, data_dir)``) the n-gram baseline, which then
    runs beside the training instead of after it."""
    if job[0] == "ngrams":
        return best_ngrams(job[1], job[2])
    return train_run(job)


def _train_all(jobs: list[tuple], dev: str, progress: Progress, side: list[tuple]) -> tuple[list[Run], list]:
    """Every job's run: from the runs already trained in this process if one covers its cap, else trained;
    and the results of the ``side`` tasks (see :func:`_task`), computed in the same pool."""

    def cached(job: tuple) -> Run | None:
        run = _TRAINED.get(job[:4])
        if run is None or (run.cap < job[6] and run.stopped != "early"):
            return None
        return truncate(run, job[6], job[3]) if run.cap > job[6] else run

    todo = sorted(
        {j for j in jobs if cached(j) is None}, key=lambda j: (-j[0], -j[6], j[1], j[2])
    )  # biggest first
    done = parallel.run_all(_task, side + todo, on_gpu=dev == "cuda", desc="runs", progress=progress)
    for job, run in zip(todo, done[len(side) :], strict=True):
        _TRAINED[job[:4]] = run
    out = [cached(j) for j in jobs]
    assert all(r is not None for r in out)
    return [r for r in out if r is not None], done[: len(side)]


def run(cfg: Config, data_dir: Path, progress: Progress = silent) -> Result:
    import torch

    if cfg.steps % cfg.eval_every:
        raise ValueError(f"the cap ({cfg.steps}) must be a multiple of eval_every ({cfg.eval_every})")
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    text = corpus.load(data_dir)  # fetch (or verify the cache) once, before the workers start
    key = _training(cfg)
    rep_tokens = cfg.repeat_steps * cfg.batch * cfg.block
    grid_jobs = [
        (w, d, cfg.seed + s, key, dev, data_dir, cfg.steps)
        for w in cfg.widths
        for d in cfg.budgets
        for s in range(cfg.seeds)
    ]
    rep_jobs = [
        (cfg.repeat_width, rep_tokens // ep, cfg.seed + s, key, dev, data_dir, cfg.repeat_steps)
        for ep in cfg.repeat_epochs
        for s in range(cfg.seeds)
    ]
    ngram_key = (key, cfg.budgets, cfg.ngram_orders)
    side = [] if ngram_key in _NGRAMS else [("ngrams", cfg, data_dir)]
    done, side_done = _train_all(grid_jobs + rep_jobs, dev, progress, side)
    if side:
        _NGRAMS[ngram_key] = side_done[0]
    grid = done[: len(grid_jobs)]
    repeats = [replace(r, fixed_compute=True) for r in done[len(grid_jobs) :]]
    ngram, ngram_method = _NGRAMS[ngram_key]
    fit = fit_surface(grid, cfg.bootstrap, cfg.seed)
    rep_epochs = [ep for ep in cfg.repeat_epochs for _ in range(cfg.seeds)]
    r_star = r_star_estimate(repeats, rep_epochs, fit, cfg.bootstrap, cfg.seed)
    budgets = sorted(cfg.budgets)
    large = budgets[-1]
    evidence = Evidence(
        budgets=budgets,
        slopes=[
            seed_slopes([r for r in grid if r.unique == d], "test_loss", cfg.upper_sizes) for d in budgets
        ],
        steepening=steepening(grid, budgets, cfg.upper_sizes),
        train_slope_small=seed_slopes(
            [r for r in grid if r.unique == budgets[0]], "final_train", cfg.upper_sizes
        ),
        repetition_penalty=repetition_penalty(repeats, rep_epochs),
        most_epochs=max(cfg.repeat_epochs),
        tolerance=cfg.tolerance,
        stops={d: [r.stop for r in grid if r.unique == d] for d in budgets},
        repeat_stops=[r.stop for r in repeats],
        ngram_large=min(ngram[large].values()),
        best_large=min(
            float(np.mean([r.test_loss for r in grid if r.unique == large and r.width == w]))
            for w in cfg.widths
        ),
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
        total_tokens=rep_tokens,
        fit=fit,
        ngram=ngram,
        ngram_method=ngram_method,
        r_star=r_star,
        r_star_at_bound=min(abs(math.log(r_star.value / edge)) for edge in R_STAR_RANGE) < 0.01,
        surface_at_bound=fit.e.value < 1e-3 or max(fit.alpha.value, fit.beta.value) > 1.99,
        matmul_gflops=matmul_gflops(),
        device=dev,
        patience=cfg.patience,
    )
