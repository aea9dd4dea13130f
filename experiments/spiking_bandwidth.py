"""How much a spike can carry: exact code capacities, information measured from LIF neurons (snntorch),
and a spiking network on real handwritten digits against a conventional network of the same shape."""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    bins: int = 4000
    bin_ms: float = 2.0
    tau_ms: float = 10.0  # membrane time constant
    stimulus_ms: float = 10.0  # correlation time of the stimulus
    drive: float = 0.12  # mean input per bin (threshold 1)
    stimulus_gain: float = 0.10
    noise: float = 0.06  # independent noise per trial and bin
    word_lengths: tuple[int, ...] = (2, 3, 4, 5, 6)
    info_groups: int = 4  # disjoint groups of trials, for the information intervals
    # the digits task
    steps: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    hidden: int = 64
    epochs: int = 60  # the cap; training stops earlier when validation accuracy stops improving
    patience: int = 5  # epochs without a better validation accuracy before stopping
    seeds: int = 3
    seed: int = 0


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
    encoding: str  # rate, latency, or ann
    steps: int
    accuracy: list[float]  # per seed
    spikes: float  # spikes per inference (input and hidden), mean over seeds
    epochs: list[int]  # epochs trained before early stopping, per seed


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads, each with its interval and the samples it rests on."""

    bits_per_spike: Estimate  # information per spike of the LIF neuron (direct method)
    entropy_per_spike: float  # what the spike train itself could carry per spike: its entropy ÷ spikes
    bf16_bits: int  # what one bfloat16 activation carries
    efficiency: Estimate  # information ÷ entropy of the spike train
    timing_share: Estimate  # share of the information that timing adds beyond the spike count
    shuffled_share: Estimate  # the same share with spikes shuffled within words (timing destroyed)
    ann_accuracy: Estimate  # the conventional network on digits
    first_accuracy: Estimate  # the rate-coded SNN at the fewest time steps
    last_accuracy: Estimate  # … and at the most
    first_steps: int
    last_steps: int


@dataclass
class Result:
    evidence: Evidence
    timing_share_by_length: list[float]  # timing's share at each word length, before extrapolation
    timing_share_leave_one_out: list[float]  # the extrapolated share, leaving out each word length in turn
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


def lif_spikes(cfg: Config, seed: int) -> np.ndarray:
    """Spike trains (trials, bins) of a snntorch LIF neuron, the same stimulus on every trial."""
    import snntorch as snn
    import torch

    gen = torch.Generator().manual_seed(seed)
    a = math.exp(-cfg.bin_ms / cfg.stimulus_ms)  # an Ornstein–Uhlenbeck stimulus, unit variance
    kicks = torch.randn(cfg.bins, generator=gen, dtype=torch.float64)
    stim = torch.empty(cfg.bins, dtype=torch.float64)
    stim[0] = kicks[0]
    for t in range(1, cfg.bins):
        stim[t] = a * stim[t - 1] + math.sqrt(1 - a * a) * kicks[t]
    noise = torch.randn(cfg.trials, cfg.bins, generator=gen, dtype=torch.float64)
    current = (cfg.drive + cfg.stimulus_gain * stim)[None, :] + cfg.noise * noise
    lif = snn.Leaky(beta=math.exp(-cfg.bin_ms / cfg.tau_ms), threshold=1.0)
    mem = torch.zeros(cfg.trials, dtype=torch.float64)
    out = torch.empty(cfg.trials, cfg.bins, dtype=torch.int8)
    with torch.no_grad():
        for t in range(cfg.bins):
            spk, mem = lif(current[:, t], mem)
            out[:, t] = spk.to(torch.int8)
    return out.numpy()


def measure(spikes: np.ndarray, cfg: Config) -> dict[str, Information]:
    """The direct method on the full pattern, on spike counts only, and on within-word shuffled spikes.

    Intervals come from disjoint groups of trials (resampling trials with replacement would duplicate
    trials and fake reliability): the standard error of the mean of the group estimates, t-distributed.
    """
    from scipy import stats

    per_s = 1000 / cfg.bin_ms
    groups = np.array_split(np.random.default_rng(cfg.seed).permutation(spikes.shape[0]), cfg.info_groups)
    out = {}
    for code in ("pattern", "count", "shuffled"):
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


def train_task(encoding: str, steps: int, cfg: Config, seed: int, dev) -> tuple[float, float, int]:
    """Test accuracy, spikes per inference and epochs trained, for a 64-hidden-10 network (spiking unless
    encoding == 'ann'). Training stops when validation accuracy has not improved for ``patience`` epochs
    (or at ``epochs``); the test set scores the best validation checkpoint."""
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

    def forward(x):
        if encoding == "ann":
            return fc2(torch.relu(fc1(x))), torch.zeros(())
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
    best, best_state, epoch, since = -1.0, [p.detach().clone() for p in params], 0, 0
    while epoch < cfg.epochs and since < cfg.patience:
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
        if val_acc > best:
            best, best_state, since = val_acc, [p.detach().clone() for p in params], 0
        else:
            since += 1
    with torch.no_grad():
        for p, saved in zip(params, best_state, strict=True):
            p.copy_(saved)
    acc, spikes = accuracy(x_te, y_te)
    return acc, spikes, epoch


def _job(args: tuple) -> tuple[float, float, int]:
    encoding, steps, cfg, seed, dev = args
    return train_task(encoding, steps, cfg, seed, dev)


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
    total = (
        info.direct_method(spikes, cfg.word_lengths, seed=cfg.seed).total_per_bin_limit * 1000 / cfg.bin_ms
    )
    jobs = [
        (e, steps, cfg, cfg.seed + k, str(dev))
        for steps in cfg.steps
        for e in ("rate", "latency")
        for k in range(cfg.seeds)
    ] + [("ann", 1, cfg, cfg.seed + k, str(dev)) for k in range(cfg.seeds)]
    jobs.sort(key=lambda j: -j[1])  # longest first, so the two workers finish together
    done = dict(
        zip(
            jobs,
            parallel.run_all(_job, jobs, on_gpu=dev.type == "cuda", desc="networks", progress=progress),
            strict=True,
        )
    )
    tasks = []
    for steps in cfg.steps:
        for e in ("rate", "latency"):
            runs = [done[(e, steps, cfg, cfg.seed + k, str(dev))] for k in range(cfg.seeds)]
            tasks.append(
                TaskPoint(
                    e,
                    steps,
                    [a for a, _, _ in runs],
                    float(np.mean([n for _, n, _ in runs])),
                    [k for *_, k in runs],
                )
            )
    ann_runs = [done[("ann", 1, cfg, cfg.seed + k, str(dev))] for k in range(cfg.seeds)]
    ann = [a for a, _, _ in ann_runs]
    tasks.append(TaskPoint("ann", 1, ann, 0.0, [k for *_, k in ann_runs]))
    rate_hz = p * 1000 / cfg.bin_ms
    by_steps = {t.steps: t for t in tasks if t.encoding == "rate"}
    groups = "t-interval over disjoint groups of trials"

    def share(code: str) -> Estimate:
        pairs = zip(information[code].groups, information["count"].groups, strict=True)
        return t_interval([(f - c) / f for f, c in pairs], groups)

    pattern, count = information["pattern"], information["count"]
    lengths = list(cfg.word_lengths)
    by_length = [(i - c) / i for i, c in zip(pattern.info_per_bin, count.info_per_bin, strict=True)]
    loo = []  # the long-word extrapolation again, leaving out one word length at a time
    for drop in range(len(lengths)):
        keep = [k for k in range(len(lengths)) if k != drop]
        lp = info.long_word_limit([lengths[k] for k in keep], [pattern.info_per_bin[k] for k in keep])
        lc = info.long_word_limit([lengths[k] for k in keep], [count.info_per_bin[k] for k in keep])
        loo.append((lp - lc) / lp)
    grouped = share("pattern")
    timing = Estimate(
        grouped.value,
        min(grouped.lo, *loo),
        max(grouped.hi, *loo),
        "t-interval over trial groups, widened to cover every leave-one-word-length-out extrapolation",
        grouped.n,
    )
    # the estimator's bias at this firing rate: spikes that know nothing of the stimulus carry no information
    null = (np.random.default_rng(cfg.seed + 1).random(spikes.shape) < p).astype(spikes.dtype)
    bias = info.direct_method(null, cfg.word_lengths, seed=cfg.seed).info_per_bin_limit * 1000 / cfg.bin_ms
    evidence = Evidence(
        bits_per_spike=Estimate(
            pattern.limit_bits_per_s / rate_hz,
            pattern.limit_lo / rate_hz,
            pattern.limit_hi / rate_hz,
            groups,
            len(pattern.groups),
        ),
        entropy_per_spike=total / rate_hz,
        bf16_bits=16,
        efficiency=t_interval([g / total for g in pattern.groups], groups),
        timing_share=timing,
        shuffled_share=share("shuffled"),
        ann_accuracy=t_interval(ann, "t-interval over seeds"),
        first_accuracy=t_interval(by_steps[min(cfg.steps)].accuracy, "t-interval over seeds"),
        last_accuracy=t_interval(by_steps[max(cfg.steps)].accuracy, "t-interval over seeds"),
        first_steps=min(cfg.steps),
        last_steps=max(cfg.steps),
    )
    return Result(
        evidence=evidence,
        timing_share_by_length=by_length,
        timing_share_leave_one_out=loo,
        bias_bits_per_s=bias,
        windows=list(cfg.windows),
        capacity=capacity,
        dead_bins=cfg.dead_bins,
        neurons=cfg.neurons,
        bits_per_spike_curve={"p": ps, "bits": [info.bits_per_spike(q) for q in ps]},
        firing_rate_hz=p * 1000 / cfg.bin_ms,
        spikes_per_bin=p,
        bin_ms=cfg.bin_ms,
        total_bits_per_s=total,
        information=information,
        tasks=tasks,
        device=str(dev),
    )
