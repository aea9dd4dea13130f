"""What a spiking network trades: trainability and speed against energy, on scikit-learn's digits.

A spiking network (snntorch LIF neurons, surrogate gradients, rate-coded input over T steps) and conventional
networks of the same shape (64-H-10) train on the same split with the same optimiser, with early stopping on a
validation split, over several seeds. Measured:

- **training compute**: layer evaluations (epochs × time steps) until validation accuracy first reaches a
  target, and the final test accuracy; wall time corroborates;
- **speed**: the spiking network answers after T sequential steps; its accuracy when read out after fewer;
- **energy**: operations counted from the actual activity on the test set. The spiking network: accumulates
  (spikes × fan-out) plus one membrane update per neuron and step. Three conventional baselines: a dense fp32
  network that multiplies every weight; the same network skipping zero inputs and zero ReLU outputs (a MAC only
  for a nonzero activation); and a low-bit network (Yan et al.) trained with activations quantised to
  ⌈log₂(T+1)⌉ bits, each multiplication done bit-serially as one add per set bit, zeros skipped. Energies
  per operation follow Horowitz 2014 (45 nm), drawn *correlated within a process node*: one common factor for
  the node and a smaller independent spread for each operation's share. First arithmetic alone, then with one
  SRAM access per weight read and per membrane read and write.

The negative control is the same spiking network with its firing threshold lowered, so it fires densely: set
against the zero-skipping network with memory counted, it must show no saving.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from experiments.common import digits, parallel
from experiments.common.progress import Progress, silent
from experiments.common.stats import LEVEL, Estimate, t_interval

# Energy per operation, picojoules (Horowitz, ISSCC 2014, 45 nm, as tabulated by later papers; see the claim's
# anchors). 32-bit float add and multiply-accumulate; one 32-bit word from an 8 KB SRAM (half a 64-bit access).
ENERGY_PJ = {"add": 0.9, "mac": 0.9 + 3.7, "sram": 10.0 / 2}
NODE_SPREAD = 0.25  # the process node: every energy scales together, ±25 %
OP_SPREAD = 0.10  # each operation's share on one node: independent ±10 % (the table's values are rounded)


@dataclass(frozen=True)
class Config:
    hidden: int = 128
    steps: int = 8  # T, the spiking network's time steps during training and at full readout
    epochs: int = 40  # at most; training stops after ``patience`` epochs without validation improvement
    patience: int = 5
    target: float = 0.9  # validation accuracy that counts as "trained"
    batch: int = 128
    lr: float = 2e-3
    dense_threshold: float = 0.05  # the control: hidden firing threshold lowered from 1 to this,
    dense_gain: float = (
        4.0  # and input intensities multiplied by this (capped at 1), so both layers fire densely
    )
    seeds: int = 5
    draws: int = 20000  # Monte Carlo draws over the per-operation energies (and the seeds)
    seed: int = 0


def readout_steps(cfg: Config) -> list[int]:
    """T at which the trained spiking network is read out: powers of two below T, and T."""
    return sorted({2**k for k in range(int(math.log2(cfg.steps)) + 1) if 2**k < cfg.steps} | {cfg.steps})


def low_bits(cfg: Config) -> int:
    """Activation bits of the low-bit baseline: log₂(T+1) rounded up (a count of 0…T spikes)."""
    return max(1, math.ceil(math.log2(cfg.steps + 1)))


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads (differences are spiking − conventional, paired by seed)."""

    training_cost: Estimate  # layer evaluations to reach the target, spiking ÷ conventional (epochs × steps)
    accuracy_loss: Estimate  # test accuracy, conventional − spiking
    early_readout_loss: Estimate  # spiking accuracy at T − at one step
    compute_ratio: Estimate  # spiking ÷ dense conventional energy, arithmetic only
    memory_ratio: Estimate  # the same with memory accesses
    compute_ratio_zero_skip: Estimate  # spiking ÷ zero-skipping conventional, arithmetic only
    memory_ratio_zero_skip: Estimate  # … with memory accesses
    compute_ratio_low_bit: Estimate  # spiking ÷ low-bit zero-skipping network, arithmetic only
    memory_ratio_low_bit: Estimate
    dense_ratio: Estimate  # the control: densely firing spiking ÷ zero-skipping conventional, with memory
    stops: tuple = ()  # how every training run ended (experiments.common.training.Stop)


@dataclass
class Ops:
    """Operations per inference on the test set (mean over test examples)."""

    acs: float = 0.0  # accumulates (adds)
    macs: float = 0.0  # multiply-accumulates
    weight_reads: float = 0.0
    state_accesses: float = 0.0  # membrane reads and writes


@dataclass
class NetRun:
    kind: str
    epochs_to_target: int | None
    epochs: int
    seconds: float
    test_accuracy: float
    curve: list[float] = field(default_factory=list)  # validation accuracy per epoch
    stopped_early: bool = False  # stopped by the patience rule (not by the cap)
    readout: list[float] = field(default_factory=list)  # accuracy per readout step (spiking only)
    ops: dict[str, Ops] = field(default_factory=dict)  # per network variant: its operations per inference
    input_spikes: float = 0.0  # per inference, summed over T (spiking only)
    hidden_spikes: float = 0.0
    dense_rate: float = 0.0  # the control's spike rate (input and hidden neurons, per neuron and step)


def _train(kind: str, cfg: Config, seed: int) -> NetRun:
    import snntorch as snn
    import torch
    from snntorch import surrogate

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x_tr, x_te, y_tr, y_te = digits.split(seed)
    n_val = len(x_tr) // 5
    x_va, y_va, x_tr, y_tr = x_tr[:n_val], y_tr[:n_val], x_tr[n_val:], y_tr[n_val:]
    x_tr, x_va, x_te = (torch.tensor(a, dtype=torch.float32) for a in (x_tr, x_va, x_te))
    y_tr, y_va, y_te = torch.tensor(y_tr), torch.tensor(y_va), torch.tensor(y_te)
    fc1, fc2 = torch.nn.Linear(64, cfg.hidden), torch.nn.Linear(cfg.hidden, 10)
    lif1 = snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25))
    lif2 = snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25), reset_mechanism="none")
    params = [*fc1.parameters(), *fc2.parameters()]
    opt = torch.optim.Adam(params, lr=cfg.lr)
    levels = 2 ** low_bits(cfg) - 1

    def quantise(v):  # b-bit levels in [0, 1], straight-through gradient
        q = torch.round(v.clamp(0.0, 1.0) * levels) / levels
        return v.clamp(0.0, 1.0) + (q - v.clamp(0.0, 1.0)).detach()

    def forward(x, steps: int = cfg.steps, gain: float = 1.0):
        """Logits, input spikes and hidden spikes per example (spiking), or the hidden activations."""
        if kind == "ann":
            h = torch.relu(fc1(x))
            return fc2(h), x, h
        if kind == "lowbit":
            xq = quantise(x)
            h = quantise(fc1(xq))
            return fc2(h), xq, h
        spikes_in = digits.encode((x * gain).clamp(max=1.0), steps, "rate", gen)
        mem1, mem2 = lif1.init_leaky(), lif2.init_leaky()
        out, hidden = 0, 0.0
        for t in range(steps):
            spk1, mem1 = lif1(fc1(spikes_in[t]), mem1)
            _, mem2 = lif2(fc2(spk1), mem2)
            out = out + mem2
            hidden = hidden + float(spk1.detach().sum())
        return out / steps, float(spikes_in.sum()) / len(x), hidden / len(x)

    def accuracy(x, y, steps: int = cfg.steps, gain: float = 1.0):
        with torch.no_grad():
            logits, a, b = forward(x, steps, gain)
        return (logits.argmax(1) == y).float().mean().item(), a, b

    best, best_state, since, epoch, reached = -1.0, [p.detach().clone() for p in params], 0, 0, None
    curve: list[float] = []
    start = time.perf_counter()
    while epoch < cfg.epochs and since < cfg.patience:
        epoch += 1
        order = torch.randperm(len(x_tr), generator=gen)
        for i in range(0, len(order), cfg.batch):
            idx = order[i : i + cfg.batch]
            loss = torch.nn.functional.cross_entropy(forward(x_tr[idx])[0], y_tr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        val = accuracy(x_va, y_va)[0]
        curve.append(val)
        if reached is None and val >= cfg.target:
            reached = epoch
        if val > best:
            best, best_state, since = val, [p.detach().clone() for p in params], 0
        else:
            since += 1
    seconds = time.perf_counter() - start
    with torch.no_grad():
        for p, saved in zip(params, best_state, strict=True):
            p.copy_(saved)
    acc, a, b = accuracy(x_te, y_te)
    run = NetRun(kind, reached, epoch, seconds, acc, curve, stopped_early=since >= cfg.patience)
    h, n = cfg.hidden, len(x_te)
    if kind == "ann":  # the same weights, dense or skipping zeros: the same accuracy
        dense = 64 * h + h * 10
        nz = float((a > 0).sum() * h + (b > 0).sum() * 10) / n
        run.ops = {"dense": Ops(macs=dense, weight_reads=dense), "zero_skip": Ops(macs=nz, weight_reads=nz)}
    elif kind == "lowbit":  # one add per set bit of each activation level (shift-and-add), zeros skipped
        bits = [torch.round(v * levels).long() for v in (a, b)]
        ones = [sum(((q >> k) & 1).sum().item() for k in range(low_bits(cfg))) for q in bits]
        used = [float((q > 0).sum()) for q in bits]
        run.ops = {
            "low_bit": Ops(
                acs=(ones[0] * h + ones[1] * 10) / n, weight_reads=(used[0] * h + used[1] * 10) / n
            )
        }
    else:
        run.readout = [accuracy(x_te, y_te, t)[0] for t in readout_steps(cfg)]
        run.ops = {"snn": _snn_ops(cfg, a, b)}
        run.input_spikes, run.hidden_spikes = a, b
        lif1.threshold = torch.tensor(cfg.dense_threshold)  # the control: the same weights, firing densely
        _, d_in, d_hid = accuracy(x_te, y_te, gain=cfg.dense_gain)
        run.ops["dense_snn"] = _snn_ops(cfg, d_in, d_hid)
        run.dense_rate = (d_in + d_hid) / (cfg.steps * (64 + h))
    return run


def _snn_ops(cfg: Config, input_spikes: float, hidden_spikes: float) -> Ops:
    """Each spike adds one weight per outgoing synapse (reading it); each neuron's membrane is updated (a
    multiply-add, read and written) once per step."""
    acs = input_spikes * cfg.hidden + hidden_spikes * 10
    updates = cfg.steps * (cfg.hidden + 10)
    return Ops(acs=acs, macs=updates, weight_reads=acs, state_accesses=2 * updates)


def _job(args: tuple) -> NetRun:
    kind, cfg, seed = args
    return _train(kind, cfg, seed)


def energy(ops: Ops, e: dict, memory: bool):
    """Energy per inference (pJ) for per-operation energies ``e`` (numbers or arrays of draws)."""
    arithmetic = ops.acs * e["add"] + ops.macs * e["mac"]
    return arithmetic + memory * (ops.weight_reads + ops.state_accesses) * e["sram"]


def draws(n: int, seed: int) -> dict[str, np.ndarray]:
    """Per-operation energies, correlated within one process node: a common node factor times a smaller
    independent factor per operation."""
    rng = np.random.default_rng(seed)
    node = rng.uniform(1 - NODE_SPREAD, 1 + NODE_SPREAD, n)
    return {k: v * node * rng.uniform(1 - OP_SPREAD, 1 + OP_SPREAD, n) for k, v in sorted(ENERGY_PJ.items())}


def ratio(ours: list[Ops], theirs: list[Ops], memory: bool, cfg: Config, seed: int) -> Estimate:
    """Energy ratio with its 95% range over the per-operation energies and the seeds (each draw takes one seed's
    pair of networks)."""
    e = draws(cfg.draws, seed)
    pick = np.random.default_rng(seed + 7).integers(0, len(ours), cfg.draws)
    values = np.empty(cfg.draws)
    for k in range(len(ours)):
        on = pick == k
        sub = {name: v[on] for name, v in e.items()}
        values[on] = energy(ours[k], sub, memory) / energy(theirs[k], sub, memory)
    central = float(np.mean([energy(o, ENERGY_PJ, memory) / energy(t, ENERGY_PJ, memory)
                             for o, t in zip(ours, theirs, strict=True)]))  # fmt: skip
    lo, hi = np.percentile(values, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return Estimate(
        central, float(lo), float(hi), "Monte Carlo over node-correlated energies and seeds", len(ours)
    )


def breakeven(cfg: Config, theirs: Ops, memory: bool) -> float:
    """Spike rate r (input and hidden alike) at which the spiking network's energy equals ``theirs``, at the
    central per-operation energies."""
    e = ENERGY_PJ
    per_rate = cfg.steps * (64 * cfg.hidden + cfg.hidden * 10) * (e["add"] + e["sram"] * memory)
    fixed = cfg.steps * (cfg.hidden + 10) * (e["mac"] + 2 * e["sram"] * memory)
    return max(0.0, (energy(theirs, e, memory) - fixed) / per_rate)


@dataclass
class Result:
    evidence: Evidence
    ann: list[NetRun]
    snn: list[NetRun]
    lowbit: list[NetRun]
    readout_steps: list[int]
    low_bits: int
    hidden_rate: float  # share of hidden neurons spiking per step
    input_rate: float
    dense_rate: float  # the control's spike rate
    macs: int
    zero_skip_macs: float
    breakeven_compute: float  # against the zero-skipping network
    breakeven_memory: float
    energy_pj: dict[str, dict[str, float]]  # per network: arithmetic and memory energy per inference (pJ)


def _mean_ops(runs: list[NetRun], name: str) -> Ops:
    ops = [r.ops[name] for r in runs]
    return Ops(
        *(
            float(np.mean([getattr(o, f) for o in ops]))
            for f in ("acs", "macs", "weight_reads", "state_accesses")
        )
    )


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    from experiments.common.training import stop_of

    dev_gpu = torch.cuda.is_available()
    jobs = [(k, cfg, cfg.seed + s) for s in range(cfg.seeds) for k in ("snn", "ann", "lowbit")]
    done = parallel.run_all(_job, jobs, on_gpu=dev_gpu, desc="networks", progress=progress)
    by = {k: [r for (j, _, _), r in zip(jobs, done, strict=True) if j == k] for k in ("snn", "ann", "lowbit")}
    snn, ann, low = by["snn"], by["ann"], by["lowbit"]
    cap = cfg.epochs + 1  # a run that never reaches the target counts as one epoch beyond the budget
    macs = 64 * cfg.hidden + cfg.hidden * 10
    full = readout_steps(cfg).index(cfg.steps)
    paired = "t-interval over seeds (paired)"
    s_ops, d_ops = [r.ops["snn"] for r in snn], [r.ops["dense_snn"] for r in snn]
    dense, skip, lowbit = (
        [r.ops[k] for r in rs] for k, rs in (("dense", ann), ("zero_skip", ann), ("low_bit", low))
    )
    stops = tuple(
        stop_of(r.curve, cfg.epochs, r.stopped_early, lower_is_better=False) for r in snn + ann + low
    )
    evidence = Evidence(
        training_cost=t_interval(
            [
                (s.epochs_to_target or cap) * cfg.steps / (a.epochs_to_target or cap)
                for s, a in zip(snn, ann, strict=True)
            ],
            paired,
        ),
        accuracy_loss=t_interval(
            [a.test_accuracy - s.test_accuracy for s, a in zip(snn, ann, strict=True)], paired
        ),
        early_readout_loss=t_interval([s.readout[full] - s.readout[0] for s in snn], "t-interval over seeds"),
        compute_ratio=ratio(s_ops, dense, False, cfg, cfg.seed),
        memory_ratio=ratio(s_ops, dense, True, cfg, cfg.seed + 1),
        compute_ratio_zero_skip=ratio(s_ops, skip, False, cfg, cfg.seed + 2),
        memory_ratio_zero_skip=ratio(s_ops, skip, True, cfg, cfg.seed + 3),
        compute_ratio_low_bit=ratio(s_ops, lowbit, False, cfg, cfg.seed + 4),
        memory_ratio_low_bit=ratio(s_ops, lowbit, True, cfg, cfg.seed + 5),
        dense_ratio=ratio(d_ops, skip, True, cfg, cfg.seed + 6),
        stops=stops,
    )
    means = {"dense": _mean_ops(ann, "dense"), "zero_skip": _mean_ops(ann, "zero_skip"),
             "low_bit": _mean_ops(low, "low_bit"), "snn": _mean_ops(snn, "snn")}  # fmt: skip
    return Result(
        evidence=evidence,
        ann=ann,
        snn=snn,
        lowbit=low,
        readout_steps=readout_steps(cfg),
        low_bits=low_bits(cfg),
        hidden_rate=float(np.mean([r.hidden_spikes for r in snn])) / (cfg.steps * cfg.hidden),
        input_rate=float(np.mean([r.input_spikes for r in snn])) / (cfg.steps * 64),
        dense_rate=float(np.mean([r.dense_rate for r in snn])),
        macs=macs,
        zero_skip_macs=means["zero_skip"].macs,
        breakeven_compute=breakeven(cfg, means["zero_skip"], False),
        breakeven_memory=breakeven(cfg, means["zero_skip"], True),
        energy_pj={
            k: {
                "arithmetic": float(energy(o, ENERGY_PJ, False)),
                "memory": float(energy(o, ENERGY_PJ, True) - energy(o, ENERGY_PJ, False)),
            }
            for k, o in means.items()
        },
    )
