"""Claim process-supervision: scoring the intermediate steps, not only the final answer, makes a hard problem
learnable in far fewer steps, with a cost that grows far more slowly with difficulty. Words:
``process_supervision.<lang>.yml``; anchors: ``process_supervision.anchors.yml``.

Runs that never reached the target count at the cap, so their steps are a lower bound. A check therefore
stays decided only when the cut-off runs push it the other way: censored outcome-only runs can only make
process supervision look less helpful, censored process runs more helpful. A run cut off while still
improving that could have changed the outcome makes its check undetermined."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from experiments import process_supervision as exp
from experiments.common.stats import Estimate, wilson
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Table, Value
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "faster": 1.0,  # "process helps": steps to the target at k_hardest, outcome ÷ process, lower bound above 1
    "gap": 0.0,  # "grows more slowly": slope of ln steps against k, outcome − process, lower bound above 0
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "bits": (20, 30),
        "ks": ((2, 3, 4), (2, 3, 4, 5)),
        "steps": (3000, 6000),
        "hidden": (64, 128),
    },
    # the process regime itself supervises the wrong chain: steps that carry nothing about the answer (at 20 bits
    # and k up to 4, where every run ends within the budget; at the base size the wrong chain's censored runs
    # leave both checks straddling their bars, so the null could not show that they can fail)
    nulls=({"process_chain": "wrong", "bits": 20, "ks": (2, 3, 4)},),
)


def _cut(stops: Sequence[Stop]) -> int:
    """Runs cut off at the cap while still improving."""
    return sum(not s.converged for s in stops)


def _censored_check(e: Estimate, bar: float, outcome: Sequence[Stop], process: Sequence[Stop]) -> dict:
    """An interval against its bar, where cut-off outcome runs bias the estimate down and cut-off process runs
    bias it up: holds when the lower bound clears the bar and no process run was cut off; fails when the upper
    bound does not reach it and no outcome run was cut off; otherwise undetermined."""
    cut_o, cut_p = _cut(outcome), _cut(process)
    passes, fails = e.lo > bar, e.hi <= bar
    if (passes and cut_p) or (fails and cut_o):
        why = "unconverged"
    elif passes or fails:
        why = None
    else:
        why = "unconverged" if cut_o or cut_p else "straddles"
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "n": e.n, "bar": bar, "cut": cut_o + cut_p,
            "runs": len(outcome) + len(process), UNDETERMINED: why}  # fmt: skip


def _faster(ev: exp.Evidence) -> dict:
    return _censored_check(
        ev.speedup, T["faster"], ev.stops_hardest["outcome"], ev.stops_hardest["process"]
    ) | {"k": ev.k_hardest}


def _gap(ev: exp.Evidence) -> dict:
    facts = _censored_check(ev.growth_gap, T["gap"], ev.stops["outcome"], ev.stops["process"])
    return facts | {"outcome": ev.growth["outcome"].value, "process": ev.growth["process"].value}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "process_faster": W.check("process_faster", _faster, lambda f: f["lo"] > f["bar"]),
        "gap_grows": W.check("gap_grows", _gap, lambda f: f["lo"] > f["bar"]),
    },
)
# the "process is faster" criterion where it must fail: a chain of the same format and as many labels, whose
# intermediate steps are consistent but compute the parity of a wrong subset
control = control_rule(
    {
        "wrong_chain": W.check(
            "wrong_chain",
            lambda ev: {
                "value": ev.wrong_speedup.value,
                "lo": ev.wrong_speedup.lo,
                "hi": ev.wrong_speedup.hi,
                "bar": T["faster"],
                "k": ev.k_hardest,
            },
            lambda f: f["lo"] > f["bar"],
            group="control",
        )
    }
)


def _stops(n: int, reached: bool = True) -> list[Stop]:
    return [Stop(steps=500, cap=6000, reached=reached, still_improving=not reached)] * n


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        k_hardest=5,
        learned_hardest={
            "outcome": wilson(6, 6),
            "process": wilson(6, 6),
            "wrong": wilson(2, 6),
            "answers": wilson(6, 6),
        },
        speedup=synthetic(7.0, 5.5, 8.5),
        wrong_speedup=synthetic(0.7, 0.55, 0.85),
        answers_speedup=synthetic(5.0, 4.0, 6.0),
        growth={"outcome": synthetic(0.8, 0.6, 1.0), "process": synthetic(0.3, 0.25, 0.35)},
        growth_gap=synthetic(0.5, 0.3, 0.7),
        censored={"outcome": 0, "process": 0, "wrong": 4, "answers": 0},
        stops={r: _stops(24) for r in ("outcome", "process")} | {"wrong": _stops(6), "answers": _stops(6)},
        stops_hardest={r: _stops(6) for r in exp.REGIMES},
    )


def _null() -> exp.Evidence:
    """Intermediate scores that change nothing: the same steps, and the same growth with k."""
    return replace(_supporting(), speedup=synthetic(0.8, 0.6, 0.95), growth_gap=synthetic(-0.1, -0.3, -0.02))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "process_faster": lambda ev: replace(ev, speedup=synthetic(0.8, 0.6, 0.95)),
        "gap_grows": lambda ev: replace(ev, growth_gap=synthetic(-0.1, -0.3, -0.02)),
    },
    control_flips={"wrong_chain": lambda ev: replace(ev, wrong_speedup=synthetic(2.0, 1.5, 2.5))},
)


def _all_stops(ev: exp.Evidence) -> list[Stop]:
    return [s for stops in ev.stops.values() for s in stops]


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    stops = _all_stops(ev)
    return W.values(
        speedup=ev.speedup,
        wrong_speedup=ev.wrong_speedup,
        answers_speedup=ev.answers_speedup,
        n_bits=r.bits,
        k_hardest=ev.k_hardest,
        k_min=r.ks[0],
        budget=r.budget,
        outcome_success_hardest=ev.learned_hardest["outcome"],
        process_success_hardest=ev.learned_hardest["process"],
        wrong_success_hardest=ev.learned_hardest["wrong"],
        step_growth_outcome=V(ev.growth["outcome"], digits=2),
        step_growth_process=V(ev.growth["process"], digits=2),
        growth_gap=V(ev.growth_gap, digits=2),
        factor_outcome=V(float(np.exp(ev.growth["outcome"].value)), digits=2),
        factor_process=V(float(np.exp(ev.growth["process"].value)), digits=2),
        converged_share=converged_share(stops),
        runs=len(stops),
        cut=_cut(stops),
        censored=ev.censored["outcome"] + ev.censored["process"],
    )


def _median_steps(r: exp.Result, regime: str) -> list[float]:
    """Median over seeds; a run that never reached the target counts as the budget."""
    per_k = r.steps_to_target[regime]
    return [float(np.median([r.budget if s is None else s for s in seeds])) for seeds in per_k]


def _figures(r: exp.Result) -> dict[str, Figure]:
    steps = [W.series(m, r.ks, _median_steps(r, m), style="points") for m in ("outcome", "process")]
    for m in ("wrong", "answers"):
        steps.append(W.series(m, [r.ks[-1]], _median_steps(r, m), style="points"))
    steps.append(W.series("budget", [r.ks[0], r.ks[-1]], [r.budget] * 2, style="fit"))
    accuracy = [W.series(m, r.ks, r.final_accuracy[m]) for m in ("outcome", "process")]
    return {
        "steps": W.figure("steps", steps, yscale="log", budget=r.budget),
        "accuracy": W.figure("accuracy", accuracy),
    }


def _tables(r: exp.Result) -> dict[str, Table]:
    """How every (regime, k) ended: seeds that reached the target, cut off still improving, or on a plateau."""
    rows = []
    for regime in exp.REGIMES:
        for k in sorted({x.k for x in r.runs if x.regime == regime}):
            runs = [x for x in r.runs if x.regime == regime and x.k == k]
            stops = [x.stop for x in runs]
            reached = [x.reached for x in runs if x.reached is not None]
            rows.append(
                [
                    W(f"series.{regime}"),
                    k,
                    f"{len(reached)}/{len(runs)}",
                    int(np.median(reached)) if reached else "—",
                    sum(not s.reached and s.still_improving for s in stops),
                    sum(not s.reached and not s.still_improving for s in stops),
                ]
            )
    return {"runs": W.table("runs", rows, budget=r.budget)}


def report(r: exp.Result) -> Report:
    return Report(values=_values(r), figures=_figures(r), tables=_tables(r))


claim = define(
    "process-supervision",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(seeds=5),
        "site": exp.Config(bits=40, seeds=10, steps=15000),
        "full": exp.Config(bits=50, ks=(2, 3, 4, 5, 6, 7, 8), seeds=20, steps=200_000, hidden=256),
    },
    expected="supported",
    headline="speedup",
    timeout_s={"quick": 1200, "site": 3600, "full": 24 * 3600},
    trains=True,
)
