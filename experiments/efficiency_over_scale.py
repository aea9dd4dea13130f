"""What a spiking network trades: trainability and speed against energy, on scikit-learn's digits.

A spiking network (snntorch LIF neurons, surrogate gradients, rate-coded input over T steps) and a
conventional ReLU network of the same shape (64-H-10) train on the same split with the same optimiser, with
early stopping on a validation split, over several seeds. Measured:

- **trainability**: epochs until validation accuracy first reaches a target, and the final test accuracy;
- **speed**: the spiking network answers after T sequential steps; its accuracy when read out after fewer;
- **energy**: operations counted from the actual spikes (accumulates: spikes × fan-out, plus one membrane
  update per neuron and step) against the conventional network's multiply-accumulates, converted with
  per-operation energies (Horowitz 2014, 45 nm), first for arithmetic alone and then with one SRAM access per
  weight read and per membrane read and write. The per-operation energies are carried as ranges (Monte Carlo),
  and the spike rate below which the spiking network would win is solved for.

The negative control is the same spiking network with its firing threshold lowered, so it fires densely.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from experiments.common import digits, parallel
from experiments.common.montecarlo import propagate
from experiments.common.progress import Progress, silent
from experiments.common.stats import Estimate, t_interval

# Energy per operation, picojoules (Horowitz, ISSCC 2014, 45 nm, as tabulated by later papers; see the claim's
# anchors). 32-bit float add and multiply-accumulate; one 32-bit word from an 8 KB SRAM (half a 64-bit access).
# Each is carried as a range of ±25 %: the table gives rough values for one process node, and we could check
# them only in secondary sources.
ENERGY_PJ = {"add": 0.9, "mac": 0.9 + 3.7, "sram": 10.0 / 2}
SPREAD = 0.25


@dataclass(frozen=True)
class Config:
    hidden: int = 128
    steps: int = 8  # T, the spiking network's time steps during training and at full readout
    readout_steps: tuple[int, ...] = (1, 2, 4, 8)  # T at which the trained network is read out
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
    draws: int = 20000  # Monte Carlo draws over the per-operation energy ranges
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads (differences are spiking − conventional, paired by seed)."""

    training_cost: Estimate  # layer evaluations to reach the target, spiking ÷ conventional (epochs × steps)
    accuracy_loss: Estimate  # test accuracy, conventional − spiking
    early_readout_loss: Estimate  # spiking accuracy at T − at one step
    compute_ratio: Estimate  # spiking ÷ conventional energy, arithmetic only
    memory_ratio: Estimate  # the same with memory accesses
    dense_ratio: Estimate  # arithmetic-only ratio for the dense-firing control


@dataclass
class NetRun:
    epochs_to_target: int | None
    epochs: int
    seconds: float
    test_accuracy: float
    readout: list[float] = field(default_factory=list)  # accuracy per readout_steps (spiking only)
    input_spikes: float = 0.0  # per inference, summed over T
    hidden_spikes: float = 0.0
    dense_input_spikes: float = 0.0  # the control
    dense_hidden_spikes: float = 0.0
    dense_accuracy: float = 0.0


@dataclass
class Result:
    evidence: Evidence
    ann: list[NetRun]
    snn: list[NetRun]
    readout_steps: list[int]
    hidden_rate: float  # share of hidden neurons spiking per step
    input_rate: float
    macs: int
    breakeven_compute: (
        float  # spike rate at which the spiking network's arithmetic equals the conventional one's
    )
    breakeven_memory: float
    energy_pj: dict[str, dict[str, float]]  # per network: arithmetic and memory energy per inference (pJ)


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

    def forward(x, steps: int = cfg.steps, gain: float = 1.0):
        """Logits, input spikes and hidden spikes per example."""
        if kind == "ann":
            return fc2(torch.relu(fc1(x))), 0.0, 0.0
        spikes_in = digits.encode((x * gain).clamp(max=1.0), steps, "rate", gen)
        mem1, mem2 = lif1.init_leaky(), lif2.init_leaky()
        out, hidden = 0, 0.0
        for t in range(steps):
            spk1, mem1 = lif1(fc1(spikes_in[t]), mem1)
            _, mem2 = lif2(fc2(spk1), mem2)
            out = out + mem2
            hidden = hidden + float(spk1.detach().sum())
        return out / steps, float(spikes_in.sum()) / len(x), hidden / len(x)

    def accuracy(x, y, steps: int = cfg.steps, gain: float = 1.0) -> tuple[float, float, float]:
        with torch.no_grad():
            logits, s_in, s_hid = forward(x, steps, gain)
        return (logits.argmax(1) == y).float().mean().item(), s_in, s_hid

    best, best_state, since, epoch, reached = -1.0, [p.detach().clone() for p in params], 0, 0, None
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
    acc, s_in, s_hid = accuracy(x_te, y_te)
    run = NetRun(reached, epoch, seconds, acc)
    if kind == "snn":
        run.readout = [accuracy(x_te, y_te, t)[0] for t in cfg.readout_steps]
        run.input_spikes, run.hidden_spikes = s_in, s_hid
        lif1.threshold = torch.tensor(cfg.dense_threshold)  # the control: the same weights, firing densely
        run.dense_accuracy, run.dense_input_spikes, run.dense_hidden_spikes = accuracy(
            x_te, y_te, gain=cfg.dense_gain
        )
    return run


def _job(args: tuple) -> NetRun:
    kind, cfg, seed = args
    return _train(kind, cfg, seed)


def energies(macs: int, cfg: Config, input_spikes, hidden_spikes, e: dict) -> dict[str, tuple]:
    """Energy per inference (pJ) of both networks, arithmetic and memory, for arrays of per-op energies ``e``."""
    acs = input_spikes * cfg.hidden + hidden_spikes * 10  # each spike adds one weight per outgoing synapse
    updates = cfg.steps * (cfg.hidden + 10)  # one membrane update (multiply-add) per neuron and step
    return {
        "ann": (macs * e["mac"], macs * e["sram"]),  # every MAC reads its weight
        "snn": (acs * e["add"] + updates * e["mac"], acs * e["sram"] + 2 * updates * e["sram"]),
    }


def _ranges() -> dict[str, tuple[float, float]]:
    return {k: (v * (1 - SPREAD), v * (1 + SPREAD)) for k, v in ENERGY_PJ.items()}


def _ratio(macs: int, cfg: Config, s_in: float, s_hid: float, memory: bool, seed: int) -> Estimate:
    def fn(d):
        en = energies(macs, cfg, s_in, s_hid, d)
        ann, snn = en["ann"], en["snn"]
        return (snn[0] + snn[1] * memory) / (ann[0] + ann[1] * memory)

    return propagate(fn, _ranges(), cfg.draws, seed)


def breakeven(macs: int, cfg: Config, memory: bool) -> float:
    """Spike rate r (input and hidden alike) at which the spiking network's energy equals the conventional one's,
    at the central per-operation energies."""
    e = ENERGY_PJ
    per_rate = cfg.steps * (64 * cfg.hidden + cfg.hidden * 10) * (e["add"] + e["sram"] * memory)
    fixed = cfg.steps * (cfg.hidden + 10) * (e["mac"] + 2 * e["sram"] * memory)
    ann = macs * (e["mac"] + e["sram"] * memory)
    return max(0.0, (ann - fixed) / per_rate)


def run(cfg: Config, progress: Progress = silent) -> Result:
    import torch

    dev_gpu = torch.cuda.is_available()
    jobs = [(k, cfg, cfg.seed + s) for s in range(cfg.seeds) for k in ("snn", "ann")]
    done = parallel.run_all(_job, jobs, on_gpu=dev_gpu, desc="networks", progress=progress)
    snn = [r for (k, _, _), r in zip(jobs, done, strict=True) if k == "snn"]
    ann = [r for (k, _, _), r in zip(jobs, done, strict=True) if k == "ann"]
    cap = cfg.epochs + 1  # a run that never reaches the target counts as one epoch beyond the budget
    macs = 64 * cfg.hidden + cfg.hidden * 10
    s_in = float(np.mean([r.input_spikes for r in snn]))
    s_hid = float(np.mean([r.hidden_spikes for r in snn]))
    d_in = float(np.mean([r.dense_input_spikes for r in snn]))
    d_hid = float(np.mean([r.dense_hidden_spikes for r in snn]))
    full = cfg.readout_steps.index(cfg.steps)
    central = energies(macs, cfg, s_in, s_hid, ENERGY_PJ)
    evidence = Evidence(
        training_cost=t_interval(
            [
                (s.epochs_to_target or cap) * cfg.steps / (a.epochs_to_target or cap)
                for s, a in zip(snn, ann, strict=True)
            ],
            "t-interval over seeds (paired)",
        ),
        accuracy_loss=t_interval(
            [a.test_accuracy - s.test_accuracy for s, a in zip(snn, ann, strict=True)],
            "t-interval over seeds (paired)",
        ),
        early_readout_loss=t_interval([s.readout[full] - s.readout[0] for s in snn], "t-interval over seeds"),
        compute_ratio=_ratio(macs, cfg, s_in, s_hid, False, cfg.seed),
        memory_ratio=_ratio(macs, cfg, s_in, s_hid, True, cfg.seed + 1),
        dense_ratio=_ratio(macs, cfg, d_in, d_hid, False, cfg.seed + 2),
    )
    return Result(
        evidence=evidence,
        ann=ann,
        snn=snn,
        readout_steps=list(cfg.readout_steps),
        hidden_rate=s_hid / (cfg.steps * cfg.hidden),
        input_rate=s_in / (cfg.steps * 64),
        macs=macs,
        breakeven_compute=breakeven(macs, cfg, False),
        breakeven_memory=breakeven(macs, cfg, True),
        energy_pj={k: {"arithmetic": float(v[0]), "memory": float(v[1])} for k, v in central.items()},
    )
