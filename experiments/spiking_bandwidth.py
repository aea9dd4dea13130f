"""How much a spike can carry: exact code capacities, information measured from LIF neurons (snntorch) set
beside what an analogue (bfloat16) unit with the same input carries, timing beyond rate against a rate-only
surrogate, and a spiking network on real handwritten digits against conventional networks of the same shape."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from experiments.common import digits, parallel
from experiments.common import information as info
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval


@dataclass(frozen=True)
class Config:
    windows: tuple[int, ...] = (1, 2, 4, 8, 16, 32)  # bins per window, for the capacity table
    dead_bins: int = 2  # refractory period, in bins
    neurons: int = 10  # population size for "which neuron fired"
    # LIF neurons driven by a repeated, noisy stimulus
    trials: int = 200
    duration_ms: float = 8000.0  # length of the repeated stimulus
    sim_ms: float = 1.0  # simulation step
    bin_ms: float = 2.0  # analysis bin: a bin holds a spike or not
    tau_ms: float = 10.0  # membrane time constant
    stimulus_ms: float = 10.0  # correlation time of the stimulus (how fast it changes)
    drive: float = 0.06  # mean input per ms (threshold 1)
    stimulus_gain: float = 0.05  # stimulus input per ms (the stimulus has unit variance)
    noise: float = 0.0424  # independent noise per trial, per square root of a ms
    word_length: int = 6  # longest word (bins): information is extrapolated from words of 2…L bins
    timing_word: int = 5  # the word (bins) at which timing's share beyond the count is read
    info_groups: int = 4  # disjoint groups of trials, for the information intervals
    # the digits task
    steps: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    encodings: tuple[str, ...] = ("rate", "latency")
    hidden: int = 64
    epochs: int = 60  # the cap; training stops earlier when validation accuracy stops improving
    patience: int = 5  # epochs without a better validation accuracy before stopping
    ann_epochs: int = (
        300  # the conventional networks are cheap: trained to convergence, with a longer patience
    )
    ann_patience: int = 30
    seeds: int = 3
    seed: int = 0

    @property
    def bins(self) -> int:
        return round(self.duration_ms / self.bin_ms)

    @property
    def word_lengths(self) -> tuple[int, ...]:
        return tuple(range(2, self.word_length + 1))


@dataclass
class Information:
    code: str  # pattern (full timing), count (rate only), shuffled (timing destroyed, counts kept)
    lengths: list[int]
    info_per_bin: list[float]
    limit_bits_per_s: float  # extrapolated to long words
    limit_lo: float  # 95% interval from disjoint groups of trials
    limit_hi: float
    groups: list[float]  # the estimate from each group of trials (paired across codes)


@dataclass
class TaskPoint:
    encoding: str  # rate, latency, ann (real-valued input) or sampled (an ANN fed one Bernoulli sample)
    steps: int
    accuracy: list[float]  # per seed
    spikes: float  # spikes per inference (input and hidden), mean over seeds
    epochs: list[int]  # epochs trained before early stopping, per seed
    stops: list = field(default_factory=list)  # how each run ended (experiments.common.training.Stop)


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads, each with its interval and the samples it rests on."""

    bits_per_spike: Estimate  # information per spike of the LIF neuron (direct method)
    entropy_per_spike: float  # what the spike train itself could carry per spike: its entropy ÷ spikes
    bf16_bits: int  # what one bfloat16 activation can hold
    efficiency: Estimate  # information ÷ entropy of the spike train
    # like with like: capacity with capacity, information with information (per second, same input)
    capacity_ratio: float  # spike train's entropy rate ÷ a bfloat16 unit's capacity (16 bits per bin)
    information_ratio: Estimate  # spike train's information rate ÷ the analogue unit's, same input and noise
    timing_share: Estimate  # share of the information that timing adds beyond the spike count (at one word)
    surrogate_share: Estimate  # the same share for a rate-only surrogate (inhomogeneous Poisson, same rate)
    ann_accuracy: Estimate  # the conventional network on digits, trained to convergence
    sampled_accuracy: Estimate  # the same network fed one Bernoulli sample of the input (one step's spikes)
    first_accuracy: Estimate  # the rate-coded SNN at the fewest time steps
    last_accuracy: Estimate  # … and at the most
    first_steps: int
    last_steps: int
    stops: tuple = ()  # how every training run ended


@dataclass
class Result:
    evidence: Evidence
    timing_share_by_length: list[float]  # timing's share at each word length (LIF)
    surrogate_share_by_length: list[float]  # … and for the rate-only surrogate
    analogue_bits_per_s: float  # information rate of a bfloat16 unit with the same input and noise
    psth_share: (
        float  # the LIF's information beyond a Poisson train following its rate bin by bin, as a share
    )
    bias_bits_per_s: float  # the estimator's output on stimulus-blind spikes at the measured rate (truth: 0)
    windows: list[int]
    capacity: dict[str, list[float]]  # code -> bits per window, for each window length
    dead_bins: int
    neurons: int
    bits_per_spike_curve: dict[str, list[float]]  # firing probability p -> H(p)/p
    firing_rate_hz: float
    spikes_per_bin: float
    bin_ms: float
    total_bits_per_s: float  # entropy of the spike train itself
    information: dict[str, Information]
    tasks: list[TaskPoint]
    device: str
    timing_lengths: list[int]  # the word lengths of the two share lists
    timing_window_ms: float  # the word at which timing's share is read, in ms


def lif_spikes(cfg: Config, seed: int) -> np.ndarray:
    """Spike trains (trials, bins) of a snntorch LIF neuron, the same stimulus on every trial, simulated in steps
    of ``sim_ms`` and binned at ``bin_ms`` (a bin holds a spike or not)."""
    import snntorch as snn
    import torch
    from scipy.signal import lfilter

    rng = np.random.default_rng(seed)
    dt, n = cfg.sim_ms, round(cfg.duration_ms / cfg.sim_ms)
    a = math.exp(-dt / cfg.stimulus_ms)  # an Ornstein–Uhlenbeck stimulus, unit variance
    kicks = rng.standard_normal(n)
    kicks[1:] *= math.sqrt(1 - a * a)
    stim = lfilter([1.0], [1.0, -a], kicks)
    noise = rng.standard_normal((cfg.trials, n))
    current = torch.tensor(
        dt * (cfg.drive + cfg.stimulus_gain * stim)[None, :] + math.sqrt(dt) * cfg.noise * noise
    )
    lif = snn.Leaky(beta=math.exp(-dt / cfg.tau_ms), threshold=1.0)
    mem = torch.zeros(cfg.trials, dtype=torch.float64)
    out = torch.empty(cfg.trials, n, dtype=torch.int8)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a few hundred neurons per step: threads only add overhead (and contend)
    try:
        with torch.no_grad():
            for t in range(n):
                spk, mem = lif(current[:, t], mem)
                out[:, t] = spk.to(torch.int8)
    finally:
        torch.set_num_threads(threads)
    k = round(cfg.bin_ms / cfg.sim_ms)
    return out.numpy()[:, : n - n % k].reshape(cfg.trials, -1, k).max(axis=2)


def analogue_bits_per_s(cfg: Config) -> float:
    """Information rate of an analogue unit fed the same current (stimulus and noise) that passes it on as one
    bfloat16 number per bin: a Gaussian channel, exactly, I = ½ log₂ det(1 + Σ_signal Σ_noise⁻¹) per block of
    bins, taken per bin as the difference between blocks of N and N/2 bins (edges cancel)."""
    from scipy.linalg import toeplitz

    dt, k = cfg.sim_ms, round(cfg.bin_ms / cfg.sim_ms)
    a = math.exp(-dt / cfg.stimulus_ms)
    i = np.arange(k)
    lags = np.abs(i[None, :] - i[:, None])  # the stimulus summed over a bin, covariance between bins m apart

    def cov(m: int) -> float:
        return float((a ** np.abs(m * k + lags)).sum())

    n = 1024
    signal = (dt * cfg.stimulus_gain) ** 2 * toeplitz([cov(m) for m in range(n)])
    mean = k * dt * cfg.drive
    noise = (
        k * dt * cfg.noise**2 + (mean * 2.0**-7) ** 2 / 12
    )  # trial noise, and bfloat16 rounding (7-bit mantissa)

    def info(m: int) -> float:
        return 0.5 * np.linalg.slogdet(np.eye(m) + signal[:m, :m] / noise)[1] / math.log(2)

    return (info(n) - info(n // 2)) / (n // 2) * 1000 / cfg.bin_ms


def rate_surrogate(spikes: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    """A rate-only surrogate: on every trial, each bin fires independently with the measured firing probability
    of its word (the trial-averaged spike count of that window ÷ its bins). Its counts follow the neuron's
    time-varying rate; where in the word the spikes fall carries nothing."""
    trials, bins = spikes.shape
    usable = bins - bins % length
    p = spikes[:, :usable].reshape(trials, -1, length).mean(axis=(0, 2))
    return (rng.random((trials, usable)) < np.repeat(p, length)[None, :]).astype(spikes.dtype)


def psth_surrogate(spikes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An inhomogeneous Poisson (Bernoulli) train following the neuron's rate bin by bin."""
    return (rng.random(spikes.shape) < spikes.mean(axis=0)[None, :]).astype(spikes.dtype)


def measure(spikes: np.ndarray, cfg: Config) -> dict[str, Information]:
    """The direct method on the full pattern and on spike counts only.

    Intervals come from disjoint groups of trials (resampling trials with replacement would duplicate
    trials and fake reliability): the standard error of the mean of the group estimates, t-distributed.
    """
    from scipy import stats

    per_s = 1000 / cfg.bin_ms
    groups = _groups(spikes, cfg)
    out = {}
    for code in ("pattern", "count"):
        full = info.direct_method(spikes, cfg.word_lengths, code, seed=cfg.seed)
        parts = [
            info.direct_method(spikes[g], cfg.word_lengths, code, seed=cfg.seed).info_per_bin_limit * per_s
            for g in groups
        ]
        half = stats.t.ppf(0.975, len(parts) - 1) * np.std(parts, ddof=1) / np.sqrt(len(parts))
        limit = full.info_per_bin_limit * per_s
        out[code] = Information(
            code, full.lengths, full.info_per_bin, limit, limit - half, limit + half, parts
        )
    return out


def _groups(spikes: np.ndarray, cfg: Config) -> list[np.ndarray]:
    return np.array_split(np.random.default_rng(cfg.seed).permutation(spikes.shape[0]), cfg.info_groups)


def timing_share(spikes: np.ndarray, length: int, cfg: Config) -> Estimate:
    """Timing's share of the information at words of ``length`` bins, (I_pattern − I_count) ÷ I_pattern, on all
    trials; its 95% interval has the half-width of a t-interval over disjoint groups of trials (smaller groups
    are biased, so their spread, not their mean, is used)."""
    from scipy import stats

    def share(x: np.ndarray) -> float:
        pattern = info.info_per_bin(x, length, "pattern", seed=cfg.seed)[0]
        count = info.info_per_bin(x, length, "count", seed=cfg.seed)[0]
        return (pattern - count) / pattern if pattern > 0 else 0.0

    value, parts = share(spikes), [share(spikes[g]) for g in _groups(spikes, cfg)]
    half = stats.t.ppf(0.975, len(parts) - 1) * np.std(parts, ddof=1) / np.sqrt(len(parts))
    return Estimate(value, value - half, value + half, GROUPS, len(parts))


GROUPS = "t-interval over disjoint groups of trials"


def train_task(
    encoding: str, steps: int, cfg: Config, seed: int, dev
) -> tuple[float, float, int, list[float], bool]:
    """Test accuracy, spikes per inference, epochs trained, the validation curve and whether the patience rule
    stopped it, for a 64-hidden-10 network: spiking (encoding rate or latency), or conventional, fed the real
    intensities (``ann``) or one Bernoulli sample of them (``sampled``: the input one spiking step sees). Training
    stops when validation accuracy has not improved for the patience (or at the cap); the test set scores the
    best validation checkpoint."""
    import snntorch as snn
    import torch
    from snntorch import surrogate

    x_tr, x_te, y_tr, y_te = digits.split(seed)
    n_val = len(x_tr) // 5  # a validation split, for early stopping; the test set is scored once
    x_va, y_va, x_tr, y_tr = x_tr[:n_val], y_tr[:n_val], x_tr[n_val:], y_tr[n_val:]
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x_tr, x_va, x_te = (torch.tensor(a, dtype=torch.float32) for a in (x_tr, x_va, x_te))
    y_tr, y_va, y_te = torch.tensor(y_tr), torch.tensor(y_va), torch.tensor(y_te)
    fc1, fc2 = torch.nn.Linear(64, cfg.hidden).to(dev), torch.nn.Linear(cfg.hidden, 10).to(dev)
    lif1 = snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25)).to(dev)
    lif2 = snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25), reset_mechanism="none").to(dev)
    opt = torch.optim.Adam([*fc1.parameters(), *fc2.parameters()], lr=2e-3)
    conventional = encoding in ("ann", "sampled")
    cap, patience = (cfg.ann_epochs, cfg.ann_patience) if conventional else (cfg.epochs, cfg.patience)

    def forward(x):
        if encoding == "ann":
            return fc2(torch.relu(fc1(x))), torch.zeros(())
        if encoding == "sampled":
            return fc2(torch.relu(fc1(torch.bernoulli(x, generator=gen).to(dev)))), torch.zeros(())
        spikes_in = digits.encode(x, steps, encoding, gen).to(dev)
        mem1, mem2 = lif1.init_leaky(), lif2.init_leaky()
        out, hidden_spikes = 0, 0
        for t in range(steps):
            spk1, mem1 = lif1(fc1(spikes_in[t]), mem1)
            _, mem2 = lif2(fc2(spk1), mem2)
            out = out + mem2
            hidden_spikes = hidden_spikes + spk1.sum()
        return out / steps, (spikes_in.sum() + hidden_spikes) / x.shape[0]

    def accuracy(x, y) -> tuple[float, float]:
        with torch.no_grad():
            logits, spikes = forward(x.to(dev))
        return (logits.argmax(1).cpu() == y).float().mean().item(), float(spikes)

    params = [*fc1.parameters(), *fc2.parameters()]
    best, best_state, epoch, since, curve = -1.0, [p.detach().clone() for p in params], 0, 0, []
    while epoch < cap and since < patience:
        epoch += 1
        order = torch.randperm(len(x_tr), generator=gen)
        for i in range(0, len(order), 128):
            idx = order[i : i + 128]
            logits, _ = forward(x_tr[idx].to(dev))
            loss = torch.nn.functional.cross_entropy(logits, y_tr[idx].to(dev))
            opt.zero_grad()
            loss.backward()
            opt.step()
        val_acc, _ = accuracy(x_va, y_va)
        curve.append(val_acc)
        if val_acc > best:
            best, best_state, since = val_acc, [p.detach().clone() for p in params], 0
        else:
            since += 1
    with torch.no_grad():
        for p, saved in zip(params, best_state, strict=True):
            p.copy_(saved)
    acc, spikes = accuracy(x_te, y_te)
    return acc, spikes, epoch, curve, since >= patience


def _job(args: tuple) -> tuple[float, float, int, list[float], bool]:
    encoding, steps, cfg, seed, dev = args
    return train_task(encoding, steps, cfg, seed, dev)


TASK_FIELDS = (
    "steps",
    "encodings",
    "hidden",
    "epochs",
    "patience",
    "ann_epochs",
    "ann_patience",
    "seeds",
    "seed",
)
_TASKS: dict[
    tuple, list[TaskPoint]
] = {}  # the digits task depends on none of the neuron's settings: run it once


def tasks(cfg: Config, dev, progress: Progress = silent) -> list[TaskPoint]:
    """Every network of the digits task, over seeds: the spiking ones at each number of steps, the conventional
    one and the sampled-input one (memoised on the task's own settings, so the robustness map reuses it)."""
    from experiments.common.training import stop_of

    key = (*tuple(getattr(cfg, f) for f in TASK_FIELDS), str(dev))
    if key in _TASKS:
        return _TASKS[key]
    points = [(e, s) for s in cfg.steps for e in cfg.encodings] + [("ann", 1), ("sampled", 1)]
    jobs = [(e, s, cfg, cfg.seed + k, str(dev)) for e, s in points for k in range(cfg.seeds)]
    order = sorted(jobs, key=lambda j: -j[1])  # longest first, so the two workers finish together
    done = dict(
        zip(
            order,
            parallel.run_all(_job, order, on_gpu=dev.type == "cuda", desc="networks", progress=progress),
            strict=True,
        )
    )
    out = []
    for e, s in points:
        runs = [done[(e, s, cfg, cfg.seed + k, str(dev))] for k in range(cfg.seeds)]
        cap = cfg.ann_epochs if e in ("ann", "sampled") else cfg.epochs
        out.append(
            TaskPoint(
                e,
                s,
                [r[0] for r in runs],
                float(np.mean([r[1] for r in runs])),
                [r[2] for r in runs],
                [stop_of(r[3], cap, r[4], lower_is_better=False) for r in runs],
            )
        )
    _TASKS[key] = out
    return out


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    capacity: dict[str, list[float]] = {
        k: [] for k in ("count", "latency", "pattern", "refractory", "population", "population_pattern")
    }
    for t in cfg.windows:
        for k, v in info.capacity_bits(t, cfg.dead_bins, cfg.neurons).items():
            capacity[k].append(v)
    ps = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    spikes = lif_spikes(cfg, cfg.seed)
    information = measure(spikes, cfg)
    p = float(spikes.mean())
    per_s = 1000 / cfg.bin_ms
    total = info.direct_method(spikes, cfg.word_lengths, seed=cfg.seed).total_per_bin_limit * per_s
    analogue = analogue_bits_per_s(cfg)
    points = tasks(cfg, dev, progress)
    rate_hz = p * per_s
    by_steps = {t.steps: t for t in points if t.encoding == "rate"}
    ann = next(t for t in points if t.encoding == "ann")
    sampled = next(t for t in points if t.encoding == "sampled")
    pattern = information["pattern"]
    rng = np.random.default_rng(cfg.seed + 2)
    lengths = sorted(set(cfg.word_lengths) | {cfg.timing_word})
    by_length = [timing_share(spikes, n, cfg).value for n in lengths]
    surrogates = {n: rate_surrogate(spikes, n, rng) for n in lengths}
    surrogate_by_length = [timing_share(surrogates[n], n, cfg).value for n in lengths]
    timing = timing_share(spikes, cfg.timing_word, cfg)
    surrogate = timing_share(surrogates[cfg.timing_word], cfg.timing_word, cfg)
    fine = psth_surrogate(spikes, rng)
    i_lif = info.info_per_bin(spikes, cfg.timing_word, seed=cfg.seed)[0]
    i_fine = info.info_per_bin(fine, cfg.timing_word, seed=cfg.seed)[0]
    # the estimator's bias at this firing rate: spikes that know nothing of the stimulus carry no information
    null = (np.random.default_rng(cfg.seed + 1).random(spikes.shape) < p).astype(spikes.dtype)
    bias = info.direct_method(null, cfg.word_lengths, seed=cfg.seed).info_per_bin_limit * per_s
    seeds = "t-interval over seeds"
    evidence = Evidence(
        bits_per_spike=Estimate(
            pattern.limit_bits_per_s / rate_hz,
            pattern.limit_lo / rate_hz,
            pattern.limit_hi / rate_hz,
            GROUPS,
            len(pattern.groups),
        ),
        entropy_per_spike=total / rate_hz,
        bf16_bits=16,
        efficiency=t_interval([g / total for g in pattern.groups], GROUPS),
        capacity_ratio=total / (16 * per_s),
        information_ratio=Estimate(
            pattern.limit_bits_per_s / analogue,
            pattern.limit_lo / analogue,
            pattern.limit_hi / analogue,
            GROUPS + " (the analogue unit's rate is exact)",
            len(pattern.groups),
        ),
        timing_share=timing,
        surrogate_share=surrogate,
        ann_accuracy=t_interval(ann.accuracy, seeds),
        sampled_accuracy=t_interval(sampled.accuracy, seeds),
        first_accuracy=t_interval(by_steps[min(cfg.steps)].accuracy, seeds),
        last_accuracy=t_interval(by_steps[max(cfg.steps)].accuracy, seeds),
        first_steps=min(cfg.steps),
        last_steps=max(cfg.steps),
        stops=tuple(s for t in points for s in t.stops),
    )
    return Result(
        evidence=evidence,
        timing_share_by_length=by_length,
        surrogate_share_by_length=surrogate_by_length,
        analogue_bits_per_s=analogue,
        psth_share=(i_lif - i_fine) / i_lif if i_lif > 0 else 0.0,
        bias_bits_per_s=bias,
        windows=list(cfg.windows),
        capacity=capacity,
        dead_bins=cfg.dead_bins,
        neurons=cfg.neurons,
        bits_per_spike_curve={"p": ps, "bits": [info.bits_per_spike(q) for q in ps]},
        firing_rate_hz=rate_hz,
        spikes_per_bin=p,
        bin_ms=cfg.bin_ms,
        total_bits_per_s=total,
        information=information,
        tasks=points,
        device=str(dev),
        timing_lengths=lengths,
        timing_window_ms=cfg.timing_word * cfg.bin_ms,
    )
