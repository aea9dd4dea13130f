"""What a spiking network trades: trainability and speed against energy, on scikit-learn's digits, and whether
the trade changes as the network grows.

A spiking network (snntorch LIF neurons, surrogate gradients, over T steps) and conventional networks of the same
shape (64-H-10, or 64-H-H-10) train on the same split with the same optimiser, with early stopping on a
validation split, over several seeds and at several widths H. The spiking network is given its best chance on
energy: it trains with a penalty on its hidden spikes, whose weight is chosen on the validation split by a rule
fixed in advance (the fewest validation spikes among the weights within ``reg_tolerance`` of the best validation
accuracy). Measured:

- **training compute**: layer evaluations (epochs × time steps) until validation accuracy first reaches a
  target, and the final test accuracy; wall time corroborates;
- **speed**: the spiking network answers after T sequential steps; its accuracy when read out after fewer;
- **energy**: operations counted from the actual activity on the test set. The spiking network: accumulates
  (spikes × fan-out) plus one membrane update per neuron and step; with a direct (analogue) input, the input
  current is computed once, skipping zero pixels, and read at every step. Three conventional baselines: a dense
  network that multiplies every weight; the same network skipping zero inputs and zero ReLU outputs (a MAC only
  for a nonzero activation); and a low-bit network (Yan et al.) trained with activations quantised to
  ⌈log₂(T+1)⌉ bits, each multiplication done bit-serially as one add per set bit, zeros skipped. Energies
  per operation follow Horowitz 2014 (45 nm), in fp32 or with int8 weights and arithmetic, drawn *correlated
  within a process node*: one common factor for the node and a smaller independent spread for each operation's
  share. First arithmetic alone, then with one SRAM access per weight read and per membrane read and write;
- **scale**: the slope of the log energy ratio (with memory, against the zero-skipping network) against the log
  width, per seed, over widths spanning 8×.

The negative control is the same spiking network with its firing threshold lowered, so it fires densely: set
against the zero-skipping network with memory counted, it must show no saving.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from experiments.common import digits, parallel
from experiments.common.progress import Progress, silent
from experiments.common.stats import LEVEL, Estimate, loglog_slope, t_interval

# Energy per operation, picojoules (Horowitz, ISSCC 2014, 45 nm, as tabulated by later papers; see the claim's
# anchors). fp32: float add and multiply-accumulate; one 32-bit word from an 8 KB SRAM (half a 64-bit access) per
# weight and per membrane access.
ENERGY_PJ = {"add": 0.9, "mac": 0.9 + 3.7, "sram": 10.0 / 2, "state": 10.0 / 2}
# int8: 8-bit weights (eight to a 64-bit SRAM read) and an 8-bit multiply; sums and membranes stay 32-bit integers
# (a 32-bit add per accumulate, a 32-bit word per membrane access)
ENERGY_INT8_PJ = {"add": 0.1, "mac": 0.2 + 0.1, "sram": 10.0 / 8, "state": 10.0 / 2}
TABLES = {"fp32": ENERGY_PJ, "int8": ENERGY_INT8_PJ}
NODE_SPREAD = 0.25  # the process node: every energy scales together, ±25 %
OP_SPREAD = 0.10  # each operation's share on one node: independent ±10 % (the table's values are rounded)


@dataclass(frozen=True)
class Config:
    hidden: int = 128  # the width the speed, energy and training checks read (one of ``widths``)
    widths: tuple[int, ...] = (16, 32, 64, 128)  # hidden widths for the trend with size (8×)
    layers: int = 1  # hidden layers of width H: 1 (64-H-10) or 2 (64-H-H-10)
    steps: int = 8  # T, the spiking network's time steps during training and at full readout
    encoding: str = "rate"  # rate: Bernoulli spikes per pixel; direct: intensities as a constant current
    precision: str = "fp32"  # the energy table: fp32, or int8 weights and arithmetic
    reg_weights: tuple[float, ...] = (0.0, 1.0)  # candidate weights of the penalty on the hidden spike rate
    reg_tolerance: float = 0.01  # the rule: fewest spikes within this of the best validation accuracy
    epochs: int = 60  # at most; training stops after ``patience`` epochs without validation improvement
    ann_epochs: int = 100  # the conventional networks' cap: they are cheap, so they run until they converge
    patience: int = 5
    target: float = 0.9  # validation accuracy that counts as "trained"
    batch: int = 128
    lr: float = 2e-3
    dense_threshold: float = 0.05  # the control: hidden firing threshold lowered from 1 to this,
    dense_gain: float = 4.0  # and input intensities multiplied by this (capped at 1): it fires densely
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
    width_slope: Estimate  # slope of log(memory_ratio_zero_skip) against log width, per seed
    stops: tuple = ()  # how every training run ended (experiments.common.training.Stop)
    main_stops: tuple = ()  # … the runs the speed and training checks read (chosen spiking and ANN, main width)
    sweep_stops: tuple = ()  # … the runs the trend reads (chosen spiking and ANN at every width)


@dataclass
class Ops:
    """Operations per inference on the test set (mean over test examples)."""

    acs: float = 0.0  # accumulates (adds)
    macs: float = 0.0  # multiply-accumulates
    weight_reads: float = 0.0
    state_accesses: float = 0.0  # membrane reads and writes (and, with a direct input, reads of its current)


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
    input_spikes: float = 0.0  # per inference, summed over T (spiking only; 0 with a direct input)
    hidden_spikes: float = 0.0  # per inference, summed over T and hidden layers
    input_nonzero: float = 0.0  # nonzero pixels per inference
    dense_rate: float = 0.0  # the control's hidden spike rate (per neuron and step)
    width: int = 0
    reg: float = 0.0  # weight of the spike penalty it trained with
    val_accuracy: float = 0.0  # best validation accuracy (the checkpoint kept)
    val_spikes: float = 0.0  # hidden spikes per validation example at that checkpoint


def _fan_outs(cfg: Config) -> list[int]:
    """Outgoing synapses of a neuron in each hidden layer."""
    return [cfg.hidden] * (cfg.layers - 1) + [10]


def _train(kind: str, cfg: Config, seed: int, reg: float = 0.0) -> NetRun:
    """Train one network at width ``cfg.hidden`` (spiking ones with spike penalty ``reg``) and count its work."""
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
    h = cfg.hidden
    fcs = [torch.nn.Linear(64, h)] + [torch.nn.Linear(h, h) for _ in range(cfg.layers - 1)]
    out_fc = torch.nn.Linear(h, 10)
    lifs = [snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25)) for _ in fcs]
    lif_out = snn.Leaky(beta=0.9, spike_grad=surrogate.fast_sigmoid(slope=25), reset_mechanism="none")
    params = [p for fc in [*fcs, out_fc] for p in fc.parameters()]
    opt = torch.optim.Adam(params, lr=cfg.lr)
    levels = 2 ** low_bits(cfg) - 1

    def quantise(v):  # b-bit levels in [0, 1], straight-through gradient
        q = torch.round(v.clamp(0.0, 1.0) * levels) / levels
        return v.clamp(0.0, 1.0) + (q - v.clamp(0.0, 1.0)).detach()

    def forward(x, steps: int = cfg.steps, gain: float = 1.0):
        """Logits, the input and the hidden activations (conventional: per layer), or, spiking: logits, input
        spikes per example, hidden spikes per example in each layer, and the hidden spike rate (differentiable,
        for the penalty)."""
        if kind in ("ann", "lowbit"):
            q = quantise if kind == "lowbit" else (lambda v: v)
            a, acts = q(x), []
            for fc in fcs:
                a = q(fc(a)) if kind == "lowbit" else torch.relu(fc(a))
                acts.append(a)
            return out_fc(a), q(x), acts, None
        xin = (x * gain).clamp(max=1.0)
        spikes_in = digits.encode(xin, steps, "rate", gen) if cfg.encoding == "rate" else None
        current = fcs[0](xin) if cfg.encoding == "direct" else None  # computed once, the same at every step
        mems, mem_out = [lif.init_leaky() for lif in lifs], lif_out.init_leaky()
        out, count, rate = 0, [0.0] * len(lifs), 0
        for t in range(steps):
            a = current if spikes_in is None else fcs[0](spikes_in[t])
            for i, lif in enumerate(lifs):
                spk, mems[i] = lif(a if i == 0 else fcs[i](a), mems[i])
                count[i] += float(spk.detach().sum())
                rate = rate + spk.mean()
                a = spk
            _, mem_out = lif_out(out_fc(a), mem_out)
            out = out + mem_out
        n_in = 0.0 if spikes_in is None else float(spikes_in.sum()) / len(x)
        return out / steps, n_in, [c / len(x) for c in count], rate / (steps * len(lifs))

    def evaluate(x, y, steps: int = cfg.steps, gain: float = 1.0):
        with torch.no_grad():
            logits, a, b, _ = forward(x, steps, gain)
        return (logits.argmax(1) == y).float().mean().item(), a, b

    best, best_state, since, epoch, reached = -1.0, [p.detach().clone() for p in params], 0, 0, None
    curve: list[float] = []
    start = time.perf_counter()
    cap = cfg.epochs if kind == "snn" else cfg.ann_epochs
    while epoch < cap and since < cfg.patience:
        epoch += 1
        order = torch.randperm(len(x_tr), generator=gen)
        for i in range(0, len(order), cfg.batch):
            idx = order[i : i + cfg.batch]
            logits, _, _, rate = forward(x_tr[idx])
            loss = torch.nn.functional.cross_entropy(logits, y_tr[idx])
            if rate is not None and reg > 0:
                loss = loss + reg * rate
            opt.zero_grad()
            loss.backward()
            opt.step()
        val = evaluate(x_va, y_va)[0]
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
    acc, a, b = evaluate(x_te, y_te)
    run = NetRun(kind, reached, epoch, seconds, acc, curve, stopped_early=since >= cfg.patience, width=h)
    run.reg, run.val_accuracy = reg, best
    n = len(x_te)
    run.input_nonzero = float((x_te > 0).sum()) / n
    if kind == "ann":  # the same weights, dense or skipping zeros: the same accuracy
        dense = 64 * h + (cfg.layers - 1) * h * h + h * 10
        fan = [h] * cfg.layers + [10]
        nz = sum(float((v > 0).sum()) * f for v, f in zip([a, *b], fan, strict=True)) / n
        run.ops = {"dense": Ops(macs=dense, weight_reads=dense), "zero_skip": Ops(macs=nz, weight_reads=nz)}
    elif kind == "lowbit":  # one add per set bit of each activation level (shift-and-add), zeros skipped
        fan = [h] * cfg.layers + [10]
        bits = [torch.round(v * levels).long() for v in [a, *b]]
        ones = [sum(((q >> k) & 1).sum().item() for k in range(low_bits(cfg))) for q in bits]
        used = [float((q > 0).sum()) for q in bits]
        run.ops = {
            "low_bit": Ops(
                acs=sum(o * f for o, f in zip(ones, fan, strict=True)) / n,
                weight_reads=sum(u * f for u, f in zip(used, fan, strict=True)) / n,
            )
        }
    else:
        run.val_spikes = sum(evaluate(x_va, y_va)[2])
        run.readout = [evaluate(x_te, y_te, t)[0] for t in readout_steps(cfg)]
        run.ops = {"snn": _snn_ops(cfg, a, b, run.input_nonzero)}
        run.input_spikes, run.hidden_spikes = a, sum(b)
        for lif in lifs:  # the control: the same weights, firing densely
            lif.threshold = torch.tensor(cfg.dense_threshold)
        _, d_in, d_hid = evaluate(x_te, y_te, gain=cfg.dense_gain)
        run.ops["dense_snn"] = _snn_ops(cfg, d_in, d_hid, run.input_nonzero)
        run.dense_rate = sum(d_hid) / (cfg.steps * h * cfg.layers)
    return run


def _snn_ops(
    cfg: Config, input_spikes: float, hidden_spikes: float | Sequence[float], input_nonzero: float = 0.0
) -> Ops:
    """Each spike adds one weight per outgoing synapse (reading it); each neuron's membrane is updated (a
    multiply-add, read and written) once per step. ``hidden_spikes``: per hidden layer (a number for one
    layer). A direct input instead multiplies each nonzero pixel by its weights once, and its current is read at
    every step."""
    spikes = [hidden_spikes] if isinstance(hidden_spikes, int | float) else list(hidden_spikes)
    acs = sum(s * f for s, f in zip(spikes, _fan_outs(cfg), strict=True))
    updates = cfg.steps * (cfg.layers * cfg.hidden + 10)
    if cfg.encoding == "direct":
        once = input_nonzero * cfg.hidden
        return Ops(acs, updates + once, acs + once, 2 * updates + cfg.steps * cfg.hidden)
    acs += input_spikes * cfg.hidden
    return Ops(acs=acs, macs=updates, weight_reads=acs, state_accesses=2 * updates)


def energy(ops: Ops, e: dict, memory: bool):
    """Energy per inference (pJ) for per-operation energies ``e`` (numbers or arrays of draws)."""
    arithmetic = ops.acs * e["add"] + ops.macs * e["mac"]
    return arithmetic + memory * (
        ops.weight_reads * e["sram"] + ops.state_accesses * e.get("state", e["sram"])
    )


def draws(n: int, seed: int, table: dict[str, float] = ENERGY_PJ) -> dict[str, np.ndarray]:
    """Per-operation energies, correlated within one process node: a common node factor times a smaller
    independent factor per operation."""
    rng = np.random.default_rng(seed)
    node = rng.uniform(1 - NODE_SPREAD, 1 + NODE_SPREAD, n)
    return {k: v * node * rng.uniform(1 - OP_SPREAD, 1 + OP_SPREAD, n) for k, v in sorted(table.items())}


def ratio(ours: list[Ops], theirs: list[Ops], memory: bool, cfg: Config, seed: int) -> Estimate:
    """Energy ratio with its 95% range over the per-operation energies and the seeds (each draw takes one seed's
    pair of networks)."""
    table = TABLES[cfg.precision]
    e = draws(cfg.draws, seed, table)
    pick = np.random.default_rng(seed + 7).integers(0, len(ours), cfg.draws)
    values = np.empty(cfg.draws)
    for k in range(len(ours)):
        on = pick == k
        sub = {name: v[on] for name, v in e.items()}
        values[on] = energy(ours[k], sub, memory) / energy(theirs[k], sub, memory)
    central = float(np.mean([energy(o, table, memory) / energy(t, table, memory)
                             for o, t in zip(ours, theirs, strict=True)]))  # fmt: skip
    lo, hi = np.percentile(values, [50 * (1 - LEVEL), 50 * (1 + LEVEL)])
    return Estimate(
        central, float(lo), float(hi), "Monte Carlo over node-correlated energies and seeds", len(ours)
    )


def breakeven(
    cfg: Config, theirs: Ops, memory: bool, input_nonzero: float = 0.0, e: dict[str, float] = ENERGY_PJ
) -> float:
    """Spike rate r (input and hidden alike; hidden only with a direct input) at which the spiking network's
    energy equals ``theirs``, at the central per-operation energies ``e``."""

    def at(r: float) -> float:
        hidden = [r * cfg.steps * cfg.hidden] * cfg.layers
        return float(energy(_snn_ops(cfg, r * cfg.steps * 64, hidden, input_nonzero), e, memory))

    e0, e1 = at(0.0), at(1.0)
    return max(0.0, (float(energy(theirs, e, memory)) - e0) / (e1 - e0))


@dataclass
class Width:
    """One width of the sweep: the energy ratios of each seed's chosen spiking network against its conventional
    network of the same width (central energies), and the penalty weights the rule chose."""

    width: int
    memory_ratios: list[float]  # with memory, against the zero-skipping network, per seed
    compute_ratios: list[float]  # arithmetic only
    regs: list[float]  # the chosen penalty weight, per seed
    hidden_rate: float  # hidden spikes per neuron and step, mean over seeds


@dataclass
class Result:
    evidence: Evidence
    ann: list[NetRun]
    snn: list[NetRun]  # the chosen spiking network of each seed, at ``hidden``
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
    widths: list[Width]
    unregularised_hidden_rate: float  # the hidden spike rate without the penalty, at ``hidden`` (mean)
    energy_table: dict[str, float]  # the per-operation energies of this precision


def _mean_ops(runs: list[NetRun], name: str) -> Ops:
    ops = [r.ops[name] for r in runs]
    return Ops(
        *(
            float(np.mean([getattr(o, f) for o in ops]))
            for f in ("acs", "macs", "weight_reads", "state_accesses")
        )
    )


def _job(args: tuple) -> NetRun:
    kind, cfg, seed, reg = args
    return _train(kind, cfg, seed, reg)


# Trained networks, by everything their training reads: the robustness map varies the precision (which only
# prices the counted operations) and reuses them; a specification that changes training trains anew.
_RUNS: dict[tuple, NetRun] = {}


def _training_config(cfg: Config, width: int) -> Config:
    return replace(cfg, hidden=width, widths=(), precision="fp32", reg_weights=(), reg_tolerance=0.0,
                   seeds=0, draws=0, seed=0)  # fmt: skip


def _train_all(jobs: list[tuple], dev_gpu: bool, progress: Progress) -> list[NetRun]:
    todo = [j for j in dict.fromkeys(jobs) if j not in _RUNS]
    order = sorted(todo, key=lambda j: -j[1].hidden * j[1].layers * (j[0] == "snn"))  # longest first
    if order:
        done = parallel.run_all(_job, order, on_gpu=dev_gpu, desc="networks", progress=progress)
        _RUNS.update(zip(order, done, strict=True))
    return [_RUNS[j] for j in jobs]


def choose(candidates: list[NetRun], tolerance: float) -> NetRun:
    """The rule, fixed in advance: among the penalty weights whose best validation accuracy is within
    ``tolerance`` of the best, the one with the fewest hidden spikes on the validation split."""
    top = max(r.val_accuracy for r in candidates)
    return min(
        (r for r in candidates if r.val_accuracy >= top - tolerance), key=lambda r: (r.val_spikes, r.reg)
    )


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    from experiments.common.training import stop_of

    if cfg.hidden not in cfg.widths:
        raise ValueError(f"hidden={cfg.hidden} must be one of the widths {cfg.widths}")
    dev_gpu = torch.cuda.is_available()
    seeds = [cfg.seed + s for s in range(cfg.seeds)]
    at = {w: _training_config(cfg, w) for w in cfg.widths}
    snn_jobs = {(w, s, r): ("snn", at[w], s, r) for w in cfg.widths for s in seeds for r in cfg.reg_weights}
    ann_jobs = {(w, s): ("ann", at[w], s, 0.0) for w in cfg.widths for s in seeds}
    low_jobs = {s: ("lowbit", at[cfg.hidden], s, 0.0) for s in seeds}
    jobs = [*snn_jobs.values(), *ann_jobs.values(), *low_jobs.values()]
    runs = dict(zip(jobs, _train_all(jobs, dev_gpu, progress), strict=True))
    chosen = {(w, s): choose([runs[snn_jobs[(w, s, r)]] for r in cfg.reg_weights], cfg.reg_tolerance)
              for w in cfg.widths for s in seeds}  # fmt: skip
    snn = [chosen[(cfg.hidden, s)] for s in seeds]
    ann = [runs[ann_jobs[(cfg.hidden, s)]] for s in seeds]
    low = [runs[low_jobs[s]] for s in seeds]
    table, main = TABLES[cfg.precision], at[cfg.hidden]
    widths = [_width(w, [chosen[(w, s)] for s in seeds], [runs[ann_jobs[(w, s)]] for s in seeds], cfg)
              for w in cfg.widths]  # fmt: skip
    slopes = [loglog_slope(cfg.widths, [w.memory_ratios[k] for w in widths]) for k in range(cfg.seeds)]
    # a run that never reaches the target counts as one epoch beyond its budget
    cap = {"snn": cfg.epochs + 1, "ann": cfg.ann_epochs + 1}
    macs = 64 * cfg.hidden + (cfg.layers - 1) * cfg.hidden**2 + cfg.hidden * 10
    full = readout_steps(cfg).index(cfg.steps)
    paired = "t-interval over seeds (paired)"
    s_ops, d_ops = [r.ops["snn"] for r in snn], [r.ops["dense_snn"] for r in snn]
    dense, skip, lowbit = (
        [r.ops[k] for r in rs] for k, rs in (("dense", ann), ("zero_skip", ann), ("low_bit", low))
    )

    def ended(rs: list[NetRun]) -> tuple:
        return tuple(
            stop_of(
                r.curve,
                cfg.epochs if r.kind == "snn" else cfg.ann_epochs,
                r.stopped_early,
                lower_is_better=False,
            )
            for r in rs
        )

    sweep = [r for w in cfg.widths for s in seeds for r in (chosen[(w, s)], runs[ann_jobs[(w, s)]])]
    evidence = Evidence(
        training_cost=t_interval(
            [
                (s.epochs_to_target or cap["snn"]) * cfg.steps / (a.epochs_to_target or cap["ann"])
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
        width_slope=t_interval(slopes, "t-interval over seeds of each seed's log-log slope"),
        stops=ended([runs[j] for j in jobs]),
        main_stops=ended(snn + ann),
        sweep_stops=ended(sweep),
    )
    means = {"dense": _mean_ops(ann, "dense"), "zero_skip": _mean_ops(ann, "zero_skip"),
             "low_bit": _mean_ops(low, "low_bit"), "snn": _mean_ops(snn, "snn")}  # fmt: skip
    nonzero = float(np.mean([r.input_nonzero for r in snn]))
    plain = [runs[snn_jobs[(cfg.hidden, s, 0.0)]] for s in seeds] if 0.0 in cfg.reg_weights else snn
    per_step = cfg.steps * cfg.hidden * cfg.layers
    return Result(
        evidence=evidence,
        ann=ann,
        snn=snn,
        lowbit=low,
        readout_steps=readout_steps(cfg),
        low_bits=low_bits(cfg),
        hidden_rate=float(np.mean([r.hidden_spikes for r in snn])) / per_step,
        input_rate=float(np.mean([r.input_spikes for r in snn])) / (cfg.steps * 64),
        dense_rate=float(np.mean([r.dense_rate for r in snn])),
        macs=macs,
        zero_skip_macs=means["zero_skip"].macs,
        breakeven_compute=breakeven(main, means["zero_skip"], False, nonzero, table),
        breakeven_memory=breakeven(main, means["zero_skip"], True, nonzero, table),
        energy_pj={
            k: {
                "arithmetic": float(energy(o, table, False)),
                "memory": float(energy(o, table, True) - energy(o, table, False)),
            }
            for k, o in means.items()
        },
        widths=widths,
        unregularised_hidden_rate=float(np.mean([r.hidden_spikes for r in plain])) / per_step,
        energy_table=dict(table),
    )


def _width(width: int, snn: list[NetRun], ann: list[NetRun], cfg: Config) -> Width:
    table = TABLES[cfg.precision]

    def ratios(memory: bool) -> list[float]:
        return [float(energy(s.ops["snn"], table, memory) / energy(a.ops["zero_skip"], table, memory))
                for s, a in zip(snn, ann, strict=True)]  # fmt: skip

    rate = float(np.mean([s.hidden_spikes for s in snn])) / (cfg.steps * width * cfg.layers)
    return Width(width, ratios(True), ratios(False), [s.reg for s in snn], rate)
