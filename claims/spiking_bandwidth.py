"""Claim spiking-bandwidth: one spike carries little, but which neuron fires, when and how often together
carry rich information. Words: ``spiking_bandwidth.<lang>.yml``; anchors: ``spiking_bandwidth.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from experiments import spiking_bandwidth as exp
from experiments.common.stats import t_interval
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, interval, synthetic
from kanguri.report import Report, Series
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    # "little": a spike carries under half of a bfloat16 activation, and well under what its own spike
    # train could carry (a noiseless neuron reaches its entropy, ratio 1, and fails)
    "little_vs_bf16": 0.5,
    "little_vs_entropy": 0.75,
    "timing": 0.05,  # timing counts when it adds over 5% of the information beyond the spike count
    "task_gap": 0.03,  # "close to the ANN": within 3 accuracy points; "bottleneck": more than 3 points below
}
T = THRESHOLDS


def _little(ev: exp.Evidence) -> dict:
    hi, bf16, entropy = ev.bits_per_spike.hi, ev.bf16_bits, ev.entropy_per_spike
    return {"bits": ev.bits_per_spike.value, "hi": hi, "bf16": bf16, "entropy": entropy} | {
        "vs_bf16": hi / bf16,
        "vs_entropy": hi / entropy,
        "bar_bf16": T["little_vs_bf16"],
        "bar_entropy": T["little_vs_entropy"],
    }


def _bandwidth(ev: exp.Evidence) -> dict:
    first, last = ev.first_accuracy, ev.last_accuracy
    return {"first": first.value, "first_hi": first.hi, "last": last.value, "ann": ev.ann_accuracy.value} | {
        "first_steps": ev.first_steps,
        "last_steps": ev.last_steps,
        "gap": T["task_gap"],
    }


rule: Rule[exp.Evidence] = Rule(
    checks={
        "little": W.check(
            "little", _little, lambda f: f["vs_bf16"] < f["bar_bf16"] and f["vs_entropy"] < f["bar_entropy"]
        ),
        "timing": W.check(
            "timing", lambda ev: interval(ev.timing_share, bar=T["timing"]), lambda f: f["lo"] > f["bar"]
        ),
        "bandwidth": W.check(
            "bandwidth",
            _bandwidth,
            lambda f: f["first_hi"] < f["ann"] - f["gap"] and f["last"] >= f["ann"] - f["gap"],
        ),
    },
)
# the same "timing adds information" criterion, on spikes shuffled within words (counts kept, timing destroyed)
control = control_rule(
    {
        "shuffled": W.check(
            "shuffled",
            lambda ev: interval(ev.shuffled_share, bar=T["timing"]),
            lambda f: f["lo"] > f["bar"],
            group="control",
        )
    }
)


def _supporting() -> exp.Evidence:
    acc = synthetic(0.95, 0.94, 0.96, n=3)
    return exp.Evidence(
        bits_per_spike=synthetic(3.3, 3.2, 3.4),
        entropy_per_spike=6.5,
        bf16_bits=16,
        efficiency=synthetic(0.5, 0.48, 0.52),
        timing_share=synthetic(0.25, 0.2, 0.3),
        shuffled_share=synthetic(0.0, -0.02, 0.02),
        ann_accuracy=synthetic(0.96, 0.95, 0.97, n=3),
        first_accuracy=synthetic(0.85, 0.83, 0.87, n=3),
        last_accuracy=acc,
        first_steps=1,
        last_steps=32,
    )


def _noiseless(ev: exp.Evidence) -> exp.Evidence:
    """A noiseless neuron: its information equals its spike train's entropy."""
    e = ev.entropy_per_spike
    return replace(ev, bits_per_spike=synthetic(e, e * 0.98, e))


def _null() -> exp.Evidence:
    """No effect anywhere: a reliable neuron, no timing information, a network that spikes do not limit."""
    flat = synthetic(0.96, 0.95, 0.97, n=3)
    return replace(
        _noiseless(_supporting()),
        timing_share=synthetic(0.0, -0.02, 0.02),
        first_accuracy=flat,
        last_accuracy=flat,
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "little": _noiseless,
        "timing": lambda ev: replace(ev, timing_share=synthetic(0.03, 0.01, 0.05)),
        "bandwidth": lambda ev: replace(ev, first_accuracy=synthetic(0.95, 0.94, 0.96, n=3)),
    },
    control_flips={"shuffled": lambda ev: replace(ev, shuffled_share=synthetic(0.2, 0.15, 0.25))},
)

CODES = ("count", "latency", "pattern", "refractory", "population")


def _values(r: exp.Result) -> dict:
    ev, (info_p, info_c) = r.evidence, (r.information["pattern"], r.information["count"])
    rate = [t for t in r.tasks if t.encoding == "rate"]
    ann = next(t for t in r.tasks if t.encoding == "ann")
    first, last = ev.first_accuracy, ev.last_accuracy
    return W.values(
        bits_per_spike=ev.bits_per_spike,
        entropy_per_spike=ev.entropy_per_spike,
        bits_per_s=V(info_p.limit_bits_per_s, lo=info_p.limit_lo, hi=info_p.limit_hi, unit="bits_per_s"),
        count_bits_per_s=V(
            info_c.limit_bits_per_s, lo=info_c.limit_lo, hi=info_c.limit_hi, unit="bits_per_s"
        ),
        timing_share=V(ev.timing_share, digits=2),
        shuffled_share=V(ev.shuffled_share, digits=2),
        efficiency=V(info_p.limit_bits_per_s / r.total_bits_per_s, digits=2),
        entropy_bits_per_s=V(r.total_bits_per_s, unit="bits_per_s"),
        rate_hz=V(r.firing_rate_hz, unit="hz"),
        acc_ann=ev.ann_accuracy,
        acc_rate_first=V(first.value, lo=first.lo, hi=first.hi),
        acc_rate_last=V(last.value, lo=last.lo, hi=last.hi),
        spikes_rate_last=rate[-1].spikes,
        steps_last=rate[-1].steps,
        steps_first=rate[0].steps,
        seeds=ev.ann_accuracy.n,
        bias_bits_per_s=V(r.bias_bits_per_s, unit="bits_per_s"),
        bias_share=V(r.bias_bits_per_s / info_p.limit_bits_per_s, digits=2),
        epochs_ann=V(float(np.mean(ann.epochs)), digits=2),
        epochs_snn=V(float(np.mean(rate[-1].epochs)), digits=2),
    )


def _accuracy_series(r: exp.Result, encoding: str) -> Series:
    points = [
        (t.steps, t_interval(t.accuracy, "t-interval over seeds")) for t in r.tasks if t.encoding == encoding
    ]
    x, est = [s for s, _ in points], [e for _, e in points]
    lo, hi = [e.lo for e in est], [e.hi for e in est]
    return W.series(f"{encoding}_code", x, [e.value for e in est], lo=lo, hi=hi)


def report(r: exp.Result) -> Report:
    info, ends = r.information, [r.windows[0], r.windows[-1]]
    rate, latency = ([t for t in r.tasks if t.encoding == e] for e in ("rate", "latency"))
    ann_line = [r.tasks[0].steps, rate[-1].steps]
    rows_length = zip(
        info["pattern"].lengths, r.timing_share_by_length, r.timing_share_leave_one_out, strict=True
    )
    rows_tasks = [[t.steps, float(np.mean(t.accuracy)), t.spikes, float(np.mean(u.accuracy)), u.spikes]
                  for t, u in zip(rate, latency, strict=True)]  # fmt: skip
    capacity = [[t] + [r.capacity[k][i] for k in CODES] for i, t in enumerate(r.windows)]
    heads = [W("tables.capacity.columns.0"), *(W(f"series.{k}") for k in CODES)]
    return Report(
        values=_values(r),
        tables={
            "capacity": W.table(
                "capacity", capacity, columns=heads, dead_bins=r.dead_bins, neurons=r.neurons
            ),
            "tasks": W.table("tasks", rows_tasks),
            "timing_by_length": W.table("timing_by_length", rows_length),
        },
        figures={
            "capacity": W.figure(
                "capacity",
                [W.series(k, r.windows, r.capacity[k]) for k in ("count", "pattern", "refractory")]
                + [W.series("float32", ends, [32, 32], style="fit")],
                xscale="log",
                yscale="log",
            ),
            "per_spike": W.figure(
                "per_spike",
                [
                    W.series("bound", r.bits_per_spike_curve["p"], r.bits_per_spike_curve["bits"]),
                    W.series("lif", [r.spikes_per_bin], [r.evidence.bits_per_spike.value], style="points"),
                ],
                xscale="log",
            ),
            "information": W.figure(
                "information",
                [W.series(f"info_{k}", i.lengths, i.info_per_bin) for k, i in info.items()],
                bin_ms=r.bin_ms,
            ),
            "accuracy": W.figure(
                "accuracy",
                [
                    _accuracy_series(r, "rate"),
                    _accuracy_series(r, "latency"),
                    W.series("ann", ann_line, [r.evidence.ann_accuracy.value] * 2, style="fit"),
                ],
                xscale="log",
            ),
        },
    )


claim = define(
    "spiking-bandwidth",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(trials=160, bins=2000, epochs=30, patience=3, seeds=3, word_lengths=(2, 3, 4, 5)),
        "site": exp.Config(seeds=5),
        "full": exp.Config(
            trials=1000,
            bins=20000,
            word_lengths=(2, 3, 4, 5, 6, 7, 8),
            epochs=200,
            patience=10,
            seeds=10,
            hidden=128,
            info_groups=8,
        ),
    },
    expected="supported",
    headline="bits_per_spike",
)
