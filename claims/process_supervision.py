"""Claim process-supervision: scoring the reasoning steps, not only the final answer, teaches what outcome-only
training cannot. Words: ``process_supervision.<lang>.yml``; anchors: ``process_supervision.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from experiments import process_supervision as exp
from experiments.common.stats import Estimate, wilson
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Figure, Report, Value
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "faster": 1.0,  # "process helps": steps to the target, outcome ÷ process, has a lower bound above 1
    "cannot": 0.5,  # "outcome-only cannot": the share of seeds that learn has an upper bound below one half
}
T = THRESHOLDS


def helps(e: Estimate) -> bool:
    return e.lo > T["faster"]


def cannot(e: Estimate) -> bool:
    return e.hi < T["cannot"]


def _share(e: Estimate, **extra: float) -> dict:
    return {"share": e.value, "hi": e.hi, "ok": cannot(e)} | extra


rule: Rule[exp.Evidence] = Rule(
    checks={
        "process_faster": W.check(
            "process_faster",
            lambda ev: {
                "value": ev.speedup.value,
                "lo": ev.speedup.lo,
                "bar": T["faster"],
                "ok": helps(ev.speedup),
            },
            lambda f: f["ok"],
        ),
        "outcome_cannot": W.check(
            "outcome_cannot",
            lambda ev: _share(ev.learned_large["outcome"], n=ev.learned_large["outcome"].n, bar=T["cannot"]),
            lambda f: f["ok"],
        ),
    },
)
# the same criteria where they must fail: labels that carry no information about the steps, and a k so small
# that outcome-only training learns it within the budget
control = control_rule(
    {
        "shuffled_labels": W.check(
            "shuffled_labels",
            lambda ev: {
                "value": ev.shuffled_speedup.value,
                "lo": ev.shuffled_speedup.lo,
                "ok": helps(ev.shuffled_speedup),
            },
            lambda f: f["ok"],
            group="control",
        ),
        "small_k": W.check(
            "small_k", lambda ev: _share(ev.learned_small["outcome"]), lambda f: f["ok"], group="control"
        ),
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        learned_small={r: wilson(5, 5) for r in exp.REGIMES},
        learned_large={"outcome": wilson(0, 5), "process": wilson(5, 5), "shuffled": wilson(0, 5)},
        speedup=synthetic(2.2, 1.5, 2.9),
        shuffled_speedup=synthetic(0.9, 0.65, 1.15),
    )


def _null() -> exp.Evidence:
    """Intermediate scores that change nothing: the same steps, and outcome-only learns anyway."""
    return replace(
        _supporting(),
        learned_large={r: wilson(5, 5) for r in exp.REGIMES},
        speedup=synthetic(1.0, 0.8, 1.2),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "process_faster": lambda ev: replace(ev, speedup=synthetic(0.9, 0.7, 1.1)),
        "outcome_cannot": lambda ev: replace(ev, learned_large={**ev.learned_large, "outcome": wilson(4, 5)}),
    },
    control_flips={
        "shuffled_labels": lambda ev: replace(ev, shuffled_speedup=synthetic(2.0, 1.5, 2.5)),
        "small_k": lambda ev: replace(ev, learned_small={**ev.learned_small, "outcome": wilson(0, 5)}),
    },
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    return W.values(
        speedup=ev.speedup,
        shuffled_speedup=ev.shuffled_speedup,
        k_max=r.ks[-1],
        budget=r.budget,
        **{f"learned_{m}": ev.learned_large[m] for m in exp.REGIMES},
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    def median_steps(regime: str) -> list[float]:
        """Median over seeds; a run that never reached the target counts as the budget."""
        per_k = r.steps_to_target[regime]
        return [float(np.median([r.budget if s is None else s for s in seeds])) for seeds in per_k]

    steps = [W.series(m, r.ks, median_steps(m), style="points") for m in exp.REGIMES]
    steps.append(W.series("budget", [r.ks[0], r.ks[-1]], [r.budget] * 2, style="fit"))
    accuracy = [W.series(m, r.ks, r.final_accuracy[m]) for m in exp.REGIMES]
    return {
        "steps": W.figure("steps", steps, yscale="log", budget=r.budget),
        "accuracy": W.figure("accuracy", accuracy),
    }


def report(r: exp.Result) -> Report:
    return Report(values=_values(r), figures=_figures(r))


claim = define(
    "process-supervision",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=10),
        "full": exp.Config(bits=50, ks=(2, 3, 4, 5, 6, 7, 8), seeds=20, steps=20000, hidden=256),
    },
    expected="partly",
    headline="speedup",
)
