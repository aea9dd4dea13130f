"""Claim quantum-expressivity-overfitting: expressivity is not performance; with little data expressive circuits
overfit, and quantum models lack mature regularisers. Words: ``quantum_expressivity_overfitting.<lang>.yml``;
anchors: ``quantum_expressivity_overfitting.anchors.yml``."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from experiments import quantum_expressivity_overfitting as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Figure, Report, Series
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "overfits": 0.1,  # "overfits": train − test accuracy has a 95% lower bound above 10 points
    "trend": 0.0,  # "more expressive, more overfitting": the gap's slope in log₂(parameters) has lower bound > 0
    "helps": 0.0,  # a regulariser "helps" when its paired test-accuracy gain has a lower bound above 0
}
T = THRESHOLDS


def _gap(e: Estimate) -> dict:
    """The overfitting criterion on a train − test gap: its lower bound is above the bar."""
    return dict(value=e.value, lo=e.lo, bar=T["overfits"], ok=e.lo > T["overfits"])


def _helping(gains: dict[str, Estimate]) -> list[str]:
    return [name for name, g in gains.items() if g.lo > T["helps"]]


def _regularisers(ev: exp.Evidence) -> dict:
    q, c = ev.quantum_gain, ev.classical_gain
    best = dict(q_best=max(g.value for g in q.values()), c_best=max(g.value for g in c.values()))
    return best | dict(nq=len(_helping(q)), tq=len(q), nc=len(_helping(c)), tc=len(c))


rule: Rule[exp.Evidence] = Rule(
    checks={
        "overfits": W.check("overfits", lambda ev: _gap(ev.small_gap), lambda f: f["ok"]),
        "expressivity_not_performance": W.check(
            "expressivity_not_performance",
            lambda ev: dict(value=ev.gap_trend.value, lo=ev.gap_trend.lo, bar=T["trend"]),
            lambda f: f["lo"] > f["bar"],
        ),
        "few_regularisers": W.check("few_regularisers", _regularisers, lambda f: not f["nq"] and f["nc"] > 0),
    },
)
# the same overfitting criterion on the same circuit with the most data, where it must not overfit
control = control_rule(
    {"large_n": W.check("large_n", lambda ev: _gap(ev.large_gap), lambda f: f["ok"], group="control")}
)

PAIRED = exp.QUANTUM_REGULARISERS[1:], exp.CLASSICAL_REGULARISERS[1:]  # the regularisers beside "none"


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        small_gap=synthetic(0.4, 0.3, 0.5, n=5),
        large_gap=synthetic(0.05, 0.03, 0.07, n=5),
        gap_trend=synthetic(0.05, 0.02, 0.08, n=5),
        quantum_closed={r: synthetic(0.0, -0.05, 0.05, n=20) for r in PAIRED[0]},
        classical_closed={r: synthetic(0.4, 0.3, 0.5, n=20) for r in PAIRED[1]},
        quantum_gain={r: synthetic(0.0, -0.02, 0.02, n=20) for r in PAIRED[0]},
        classical_gain={r: synthetic(0.04, 0.02, 0.06, n=20) for r in PAIRED[1]},
    )


def _null() -> exp.Evidence:
    """No overfitting, no link to expressivity, and circuit regularisers that work as well as classical ones."""
    return replace(
        _supporting(),
        small_gap=synthetic(0.02, -0.01, 0.05, n=5),
        gap_trend=synthetic(0.0, -0.02, 0.02, n=5),
        quantum_gain={r: synthetic(0.04, 0.02, 0.06, n=20) for r in PAIRED[0]},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "overfits": lambda ev: replace(ev, small_gap=synthetic(0.08, 0.05, 0.11, n=5)),
        "expressivity_not_performance": lambda ev: replace(ev, gap_trend=synthetic(-0.01, -0.03, 0.01, n=5)),
        "few_regularisers": lambda ev: replace(
            ev, quantum_gain={**ev.quantum_gain, "weight decay": synthetic(0.05, 0.03, 0.07, n=20)}
        ),
    },
    control_flips={"large_n": lambda ev: replace(ev, large_gap=synthetic(0.3, 0.25, 0.35, n=5))},
)


def _mean(rows: list[float]) -> float:
    return float(np.mean(rows))


def _values(r: exp.Result) -> dict:
    ev, q, c = r.evidence, r.quantum, r.classical
    gains = {
        f"{family}_gain_{name.replace(' ', '_')}": g
        for family, by_name in (("q", ev.quantum_gain), ("c", ev.classical_gain))
        for name, g in by_name.items()
    }
    return W.values(
        small_gap=ev.small_gap,
        large_gap=ev.large_gap,
        gap_trend=ev.gap_trend,
        classical_small_gap=r.classical_small_gap,
        classical_large_gap=r.classical_large_gap,
        q_test_small=_mean(q.test[-1][0]),
        q_test_large=_mean(q.test[-1][-1]),
        c_test_large=_mean(c.test[-1][-1]),
        q_params_max=q.params[-1],
        n_min=r.sizes[0],
        q_params_min=q.params[0],
        n_max=r.sizes[-1],
        lightning_deviation=r.lightning_deviation,
        **gains,
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    q, c, t_max = r.quantum, r.classical, r.quantum.params[-1]
    small = [
        W.series("circuits_train", q.params, [_mean(m[0]) for m in q.train]),
        W.series("circuits_test", q.params, [_mean(m[0]) for m in q.test], style="points"),
        W.series("networks_train", c.params, [_mean(m[0]) for m in c.train]),
        W.series("networks_test", c.params, [_mean(m[0]) for m in c.test], style="points"),
    ]
    gap_n = [
        [float(np.mean(np.array(a) - np.array(b))) for a, b in zip(m_tr, m_te, strict=True)]
        for m_tr, m_te in zip(q.train, q.test, strict=True)
    ]
    by_n = [
        Series(label=W("series.circuit", p=p), x=r.sizes, y=[max(g, 1e-3) for g in gaps])
        for p, gaps in zip(q.params, gap_n, strict=True)
    ] + [W.series("bound", r.sizes, [math.sqrt(t_max / n) for n in r.sizes], style="fit")]
    return {
        "small": W.figure("small", small, xscale="log", n=r.sizes[0]),
        "by_n": W.figure("by_n", by_n, xscale="log", yscale="log", T=t_max),
    }


def _rows(model: str, res: exp.FamilyResult, gains: dict[str, Estimate], closed: dict[str, Estimate]) -> list:
    out = []
    for name, (train, test) in res.regularised.items():
        g, s = gains.get(name), closed.get(name)
        change = f"{g.value:+.3f} [{g.lo:+.3f}, {g.hi:+.3f}]".replace("-", "\u2212") if g else "—"
        term = W(f"terms.{name.replace(' ', '_')}")
        out.append(
            [W(f"terms.{model}"), term, _mean(train), _mean(test), change, f"{s.value:.2f}" if s else "—"]
        )
    return out


def report(r: exp.Result) -> Report:
    ev = r.evidence
    rows = _rows("circuit", r.quantum, ev.quantum_gain, ev.quantum_closed)
    rows += _rows("network", r.classical, ev.classical_gain, ev.classical_closed)
    seeds = ev.quantum_gain["weight decay"].n
    return Report(
        values=_values(r),
        tables={"regularisers": W.table("regularisers", rows, n=r.sizes[0], seeds=seeds)},
        figures=_figures(r),
    )


claim = define(
    "quantum-expressivity-overfitting",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(sizes=(20, 320), test=1000),
        "site": exp.Config(sizes=(20, 40, 80, 160, 320, 640), small_seeds=30),
        "full": exp.Config(
            circuits=((1, 1), (2, 2), (2, 4), (3, 6), (4, 8)),
            sizes=(20, 40, 80, 160, 320, 640, 1280),
            seeds=20,
            small_seeds=50,
            steps=1000,
        ),
    },
    expected="supported",
    headline="small_gap",
)
