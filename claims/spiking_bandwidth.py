"""Claim spiking-bandwidth: one spike carries little, but which neuron fires, when and how often together
carry rich information. Words: ``spiking_bandwidth.<lang>.yml``; anchors: ``spiking_bandwidth.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from experiments import spiking_bandwidth as exp
from experiments.common.stats import Estimate, t_interval
from experiments.common.training import converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, interval, synthetic, unconverged
from kanguri.report import Report, Series
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    # like with like: the spike train passes on under half of what an analogue (bfloat16) unit fed the same input
    # passes on (information with information), and its most under half of the unit's 16 bits a bin (capacity)
    "narrow": 0.5,
    "timing": 0.05,  # timing counts when it adds over 5% of the information beyond the spike count
    "task_gap": 0.03,  # "close to the ANN": within 3 accuracy points; "bottleneck": more than 3 points below
}
T = THRESHOLDS
# the quick profile's point (10 ms stimulus, 2 ms bins, base noise, 1 and 16 steps) is the main specification; 16
# specifications keep the site build within its budget, so the word length is read from the per-length table
# instead, and the stimulus's range is spanned by its two ends
ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "stimulus_ms": (10.0, 200.0),
        "bin_ms": (1.0, 2.0),
        "noise": (0.0424, 0.0848),  # the trial-to-trial input noise: the base, and twice it
        "steps": ((1, 8), (1, 16)),  # the task: how much "more time" the spiking network gets
    },
    # a slow stimulus buried in noise, and a network never read out early: no channel limit, no fast timing,
    # no short-readout bottleneck can show
    nulls=({"stimulus_ms": 200.0, "noise": 0.127, "drive": 0.04, "steps": (16,)},),
)


def _straddles(e: Estimate, bar: float) -> str | None:
    return "straddles" if e.lo <= bar < e.hi else None


def _capacity(ev: exp.Evidence) -> dict:
    return {
        "ratio": ev.capacity_ratio,
        "bf16": ev.bf16_bits,
        "entropy": ev.entropy_per_spike,
        "bar": T["narrow"],
    }


def _information(ev: exp.Evidence) -> dict:
    e = ev.information_ratio
    return interval(e, bar=T["narrow"], bits=ev.bits_per_spike.value) | {
        UNDETERMINED: _straddles(e, T["narrow"])
    }


def _timing(ev: exp.Evidence) -> dict:
    e = ev.timing_share
    return interval(e, bar=T["timing"]) | {UNDETERMINED: _straddles(e, T["timing"])}


def _surrogate(ev: exp.Evidence) -> dict:
    e = ev.surrogate_share
    return interval(e, bar=T["timing"]) | {UNDETERMINED: _straddles(e, T["timing"])}


def _bandwidth(ev: exp.Evidence) -> dict:
    first, last, runs = ev.first_accuracy, ev.last_accuracy, unconverged(ev.stops)
    return {"first": first.value, "first_hi": first.hi, "last": last.value, "ann": ev.ann_accuracy.value} | {
        "sampled": ev.sampled_accuracy.value,
        "first_steps": ev.first_steps,
        "last_steps": ev.last_steps,
        "gap": T["task_gap"],
        **runs,
    }


rule: Rule[exp.Evidence] = Rule(
    checks={
        # a spike train holds at most 1 bit a bin: below half of 16 bits by construction, so shown, not counted
        "capacity": W.check("capacity", _capacity, lambda f: f["ratio"] < f["bar"], sanity=True),
        "information": W.check("information", _information, lambda f: f["hi"] < f["bar"]),
        "timing": W.check("timing", _timing, lambda f: f["lo"] > f["bar"]),
        "bandwidth": W.check(
            "bandwidth",
            _bandwidth,
            lambda f: f["first_hi"] < f["ann"] - f["gap"] and f["last"] >= f["ann"] - f["gap"],
        ),
    },
)
# the same "timing adds information" criterion on a rate-only surrogate: an inhomogeneous Poisson train with the
# neuron's own time-varying rate, where timing beyond rate is absent
control = control_rule(
    {"rate_surrogate": W.check("rate_surrogate", _surrogate, lambda f: f["lo"] > f["bar"], group="control")}
)


def _supporting() -> exp.Evidence:
    acc = synthetic(0.95, 0.94, 0.96, n=3)
    return exp.Evidence(
        bits_per_spike=synthetic(3.3, 3.2, 3.4),
        entropy_per_spike=6.5,
        bf16_bits=16,
        efficiency=synthetic(0.5, 0.48, 0.52),
        capacity_ratio=0.012,
        information_ratio=synthetic(0.15, 0.14, 0.16),
        timing_share=synthetic(0.25, 0.2, 0.3),
        surrogate_share=synthetic(0.0, -0.02, 0.02),
        ann_accuracy=synthetic(0.97, 0.96, 0.98, n=3),
        sampled_accuracy=synthetic(0.85, 0.84, 0.86, n=3),
        first_accuracy=synthetic(0.85, 0.83, 0.87, n=3),
        last_accuracy=acc,
        first_steps=1,
        last_steps=32,
    )


def _null() -> exp.Evidence:
    """No effect anywhere: spikes pass on what an analogue unit does, no timing information, and a network that
    spikes do not limit."""
    flat = synthetic(0.97, 0.96, 0.98, n=3)
    return replace(
        _supporting(),
        information_ratio=synthetic(0.9, 0.8, 1.0),
        timing_share=synthetic(0.0, -0.02, 0.02),
        first_accuracy=flat,
        last_accuracy=flat,
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "information": lambda ev: replace(ev, information_ratio=synthetic(0.8, 0.7, 0.9)),
        "timing": lambda ev: replace(ev, timing_share=synthetic(0.02, 0.01, 0.03)),
        "bandwidth": lambda ev: replace(ev, first_accuracy=synthetic(0.97, 0.96, 0.98, n=3)),
    },
    control_flips={"rate_surrogate": lambda ev: replace(ev, surrogate_share=synthetic(0.2, 0.15, 0.25))},
)

CODES = ("count", "latency", "pattern", "refractory", "population")


def _points(r: exp.Result, encoding: str) -> list[exp.TaskPoint]:
    return [t for t in r.tasks if t.encoding == encoding]


def _values(r: exp.Result) -> dict:
    ev, (info_p, info_c) = r.evidence, (r.information["pattern"], r.information["count"])
    rate, ann = _points(r, "rate"), _points(r, "ann")[0]
    first, last = ev.first_accuracy, ev.last_accuracy
    return W.values(
        bits_per_spike=ev.bits_per_spike,
        entropy_per_spike=ev.entropy_per_spike,
        bits_per_s=V(info_p.limit_bits_per_s, lo=info_p.limit_lo, hi=info_p.limit_hi, unit="bits_per_s"),
        count_bits_per_s=V(
            info_c.limit_bits_per_s, lo=info_c.limit_lo, hi=info_c.limit_hi, unit="bits_per_s"
        ),
        analogue_bits_per_s=V(r.analogue_bits_per_s, unit="bits_per_s"),
        information_ratio=V(ev.information_ratio, digits=2),
        capacity_ratio=V(ev.capacity_ratio, digits=2),
        timing_share=V(ev.timing_share, digits=2),
        surrogate_share=V(ev.surrogate_share, digits=2),
        psth_share=V(r.psth_share, digits=2),
        efficiency=V(info_p.limit_bits_per_s / r.total_bits_per_s, digits=2),
        entropy_bits_per_s=V(r.total_bits_per_s, unit="bits_per_s"),
        rate_hz=V(r.firing_rate_hz, unit="hz"),
        acc_ann=ev.ann_accuracy,
        acc_sampled=ev.sampled_accuracy,
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
        converged_share=converged_share(ev.stops),
        timing_window_ms=V(r.timing_window_ms, unit="ms"),
    )


def _accuracy_series(r: exp.Result, encoding: str) -> Series:
    points = [(t.steps, t_interval(t.accuracy, "t-interval over seeds")) for t in _points(r, encoding)]
    x, est = [s for s, _ in points], [e for _, e in points]
    lo, hi = [e.lo for e in est], [e.hi for e in est]
    return W.series(f"{encoding}_code", x, [e.value for e in est], lo=lo, hi=hi)


def report(r: exp.Result) -> Report:
    info, ends = r.information, [r.windows[0], r.windows[-1]]
    rate, latency = _points(r, "rate"), _points(r, "latency")
    ann_line = [rate[0].steps, rate[-1].steps]
    rows_length = zip(r.timing_lengths, r.timing_share_by_length, r.surrogate_share_by_length, strict=True)
    by_steps = {u.steps: u for u in latency}
    rows_tasks = [
        [t.steps, float(np.mean(t.accuracy)), t.spikes]
        + ([float(np.mean(u.accuracy)), u.spikes] if (u := by_steps.get(t.steps)) else ["—", "—"])
        for t in rate
    ]
    capacity = [[t] + [r.capacity[k][i] for k in CODES] for i, t in enumerate(r.windows)]
    heads = [W("tables.capacity.columns.0"), *(W(f"series.{k}") for k in CODES)]
    curves = [_accuracy_series(r, "rate")] + ([_accuracy_series(r, "latency")] if latency else [])
    return Report(
        values=_values(r),
        tables={
            "capacity": W.table(
                "capacity", capacity, columns=heads, dead_bins=r.dead_bins, neurons=r.neurons
            ),
            "tasks": W.table("tasks", rows_tasks),
            "timing_by_length": W.table("timing_by_length", rows_length, bin_ms=r.bin_ms),
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
                    *curves,
                    W.series("ann", ann_line, [r.evidence.ann_accuracy.value] * 2, style="fit"),
                    W.series("sampled", [rate[0].steps], [r.evidence.sampled_accuracy.value], style="points"),
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
        "quick": exp.Config(
            trials=160,
            duration_ms=4000.0,
            word_length=5,
            steps=(1, 16),
            encodings=("rate",),
            epochs=30,
            seeds=3,
        ),
        "site": exp.Config(seeds=5, steps=(1, 4, 16)),
        "full": exp.Config(
            trials=1000,
            duration_ms=40000.0,
            word_length=8,
            epochs=200,
            patience=10,
            seeds=10,
            hidden=128,
            info_groups=8,
        ),
    },
    expected="supported",
    headline="bits_per_spike",
    trains=True,
)
