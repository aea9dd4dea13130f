"""Claim neuromorphic-hardware-gap: on today's dense hardware spiking networks gain nothing from sparsity, and
hardware that matches them is immature. Words: ``neuromorphic_hardware_gap.<lang>.yml``; anchors:
``neuromorphic_hardware_gap.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import neuromorphic_hardware_gap as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Figure, Report
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "flat": 0.3,  # "time does not fall with sparsity": the log-log slope's interval lies within ±0.3
    "gain": 1.0,  # a kernel "gains" when dense ÷ its time has a lower bound above 1 at the typical activity
}
T = THRESHOLDS
SERIES = {"dense": "dense", "event-driven": "event", "torch.sparse": "sparse"}  # method -> its series' key


def flat(e: Estimate) -> bool:
    """The criterion: time does not fall with sparsity (slope interval within ±flat)."""
    return -T["flat"] <= e.lo and e.hi <= T["flat"]


def _slope(e: Estimate) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["flat"], "ok": flat(e)}


def _gain(ev: exp.Evidence) -> dict:
    e, s = ev.event_speedup, ev.sparse_speedup
    return {"event": e.value, "event_lo": e.lo, "sparse": s.value, "sparse_lo": s.lo, "bar": T["gain"]}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "dense_ignores_sparsity": W.check(
            "dense_ignores_sparsity", lambda ev: _slope(ev.dense_slope), lambda f: bool(f["ok"])
        ),
        "no_gain_on_this_hardware": W.check(
            "no_gain_on_this_hardware",
            _gain,
            lambda f: f["event_lo"] <= f["bar"] and f["sparse_lo"] <= f["bar"],
        ),
    },
)
# the same "flat" criterion on the event-driven kernel, whose work falls with activity: it must be rejected
control = control_rule(
    {
        "event_driven": W.check(
            "event_driven", lambda ev: _slope(ev.event_slope), lambda f: bool(f["ok"]), group="control"
        )
    }
)


def _around(value: float, half: float) -> Estimate:
    return synthetic(value, value - half, value + half, n=5)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        dense_slope=_around(0.02, 0.05),
        event_slope=_around(0.45, 0.05),
        event_speedup=_around(0.8, 0.1),
        sparse_speedup=_around(0.5, 0.1),
    )


def _null() -> exp.Evidence:
    """Hardware on which sparsity pays everywhere: the dense path itself speeds up, and so do the others."""
    return replace(
        _supporting(),
        dense_slope=_around(0.9, 0.05),
        event_speedup=_around(9.0, 1.5),
        sparse_speedup=_around(8.0, 1.5),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "dense_ignores_sparsity": lambda ev: replace(ev, dense_slope=_around(0.6, 0.05)),
        "no_gain_on_this_hardware": lambda ev: replace(ev, event_speedup=_around(5.0, 1.0)),
    },
    control_flips={"event_driven": lambda ev: replace(ev, event_slope=_around(0.0, 0.05))},
)


def _figures(r: exp.Result) -> dict[str, Figure]:
    acts = r.activities
    times = [W.series(SERIES[m], acts, r.times[m], style="points") for m in exp.METHODS]
    work = [
        W.series("dense_flops", acts, [r.dense_flops] * len(acts)),
        W.series("event_adds", acts, r.event_adds),
    ]
    return {
        "times": W.figure("times", times, xscale="log", yscale="log", device=r.device),
        "work": W.figure("work", work, xscale="log", yscale="log"),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = W.values(
        dense_slope=ev.dense_slope,
        event_slope=ev.event_slope,
        event_speedup=ev.event_speedup,
        sparse_speedup=ev.sparse_speedup,
        typical=r.typical,
        dense_flops=r.dense_flops,
        event_adds_typical=round(r.typical * r.dense_flops / 2),
        crossover=r.crossover if r.crossover is not None else r.activities[-1],
        largest_activity=r.activities[-1],
    )
    return Report(values=values, figures=_figures(r))


claim = define(
    "neuromorphic-hardware-gap",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(repeats=15, rounds=9),
        "full": exp.Config(inputs=16384, outputs=4096, repeats=25, rounds=10),
    },
    expected="partly",
    headline="event_speedup",
)
