"""Claim quantum-expressivity-overfitting: expressivity is not performance; with little data expressive circuits
overfit, and the regularisers available to circuits help less than classical ones. Words:
``quantum_expressivity_overfitting.<lang>.yml``; anchors: ``quantum_expressivity_overfitting.anchors.yml``.

Every regulariser is tried at several strengths, chosen per seed on a validation set, for both families; circuit
size counts as a regulariser; the classical-minus-quantum gain is tested directly, paired by seed, with a
Bonferroni correction over the comparisons."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from experiments import quantum_expressivity_overfitting as exp
from experiments.common.stats import Estimate, t_interval
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, Words, control_rule, synthetic, unconverged
from kanguri.report import Figure, Report, Series
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "overfits": 0.1,  # "overfits": train − test accuracy has a 95% lower bound above 10 points
    "trend": 0.0,  # "more expressive, more overfitting": the gap's slope in log₂(parameters) has lower bound > 0
    "advantage": 0.0,  # classical regularisers help more: the corrected interval of (classical − quantum) gain is above 0
    "negligible": 0.03,  # ...and the advantage is shown absent when that interval lies below 3 accuracy points
    "flat": 0.01,  # the gap is shown not to grow when its slope's upper bound is below 1 point per doubling
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={"flip": (0.05, 0.1, 0.2), "lr": (0.02, 0.05)},
    nulls=(
        {"flip": 0.0, "noise": 0.05, "sizes": (80, 320)},
    ),  # clean data, 80 points: nothing to overfit or regularise
)


def _sided(
    e: Estimate, holds: bool, fails: bool, stops: list[Stop], settled: bool = False, **extra: object
) -> dict:
    """An interval's facts; undetermined when it straddles its bar, or when it read runs cut off while still
    improving, unless ``settled``: its outcome is the same wherever those runs could end."""
    cut = unconverged(stops)
    reason = None if holds or fails else "straddles"
    if reason is None and not settled:
        reason = cut[UNDETERMINED]
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "cut": cut["cut"], "runs": cut["runs"], **extra,
            UNDETERMINED: reason}  # fmt: skip


GAP_ENDS = (-1.0, 1.0)  # a train − test gap of accuracies lies in [−1, 1]: where a cut run's gap could end
MOST_CUT = 12  # beyond this many cut runs, the 2^cut corners are not enumerated and the check stays open


def settled(gaps: list[list[float]], stops: list[Stop], outcome: Callable[[np.ndarray], bool]) -> bool:
    """Whether ``outcome`` of the per-seed gaps (circuits × seeds; ``stops`` in the same order, circuit by circuit)
    holds wherever the runs cut off while still improving could end. An interval's lower bound is concave in each
    value (and its upper bound convex), so its extremes over the box of possible gaps lie at the corners."""
    g = np.asarray(gaps, dtype=float)
    cells = [divmod(k, g.shape[1]) for k, st in enumerate(stops) if not st.converged]
    if len(cells) > MOST_CUT:
        return False
    for ends in itertools.product(GAP_ENDS, repeat=len(cells)):
        corner = g.copy()
        for (i, s), v in zip(cells, ends, strict=True):
            corner[i, s] = v
        if not outcome(corner):
            return False
    return True


def _gap(e: Estimate, stops: list[Stop], gaps: list[float] | None = None) -> dict:
    """The overfitting criterion on a train − test gap (one run per seed): its lower bound is above the bar."""
    holds, fails = e.lo > T["overfits"], e.hi <= T["overfits"]
    same = gaps is not None and settled(
        [gaps],
        stops,
        lambda g: (
            (t_interval(g[0]).lo > T["overfits"]) == holds and (t_interval(g[0]).hi <= T["overfits"]) == fails
        ),
    )
    return _sided(e, holds, fails, stops, settled=same, bar=T["overfits"])


def _largest(ev: exp.Evidence) -> list[Stop]:
    """The runs the overfitting check reads: the largest circuit's, at the smallest N (the last block of gap_stops,
    one run per seed)."""
    return ev.gap_stops[-ev.small_gap.n :]


def _slopes(gaps: np.ndarray, x: list[float]) -> Estimate:
    return t_interval([float(np.polyfit(x, gaps[:, s], 1)[0]) for s in range(gaps.shape[1])])


def _trend(ev: exp.Evidence) -> dict:
    """The trend criterion on the per-seed slopes of the gap in log₂(parameters)."""
    e = ev.gap_trend
    holds, fails = e.lo > T["trend"], e.hi < T["flat"]

    def same(g: np.ndarray) -> bool:
        c = _slopes(g, ev.log_params)
        return (c.lo > T["trend"]) == holds and (c.hi < T["flat"]) == fails

    return _sided(e, holds, fails, ev.gap_stops, settled=settled(ev.seed_gaps, ev.gap_stops, same), bar=T["trend"],
                  flat=T["flat"])  # fmt: skip


def _by_type(ev: exp.Evidence) -> dict[str, str]:
    """The per-type differences, written in each language (each sentence reads its own: ``{others[ja]}``)."""
    sep = W("terms.separator")
    return {
        lang: sep(lang).join(
            f"{W(f'terms.{_key(name)}')(lang)} {d.value:+.3f} [{d.lo:+.3f}, {d.hi:+.3f}]"
            for name, d in ev.difference.items()
            if name != "tuned"
        )
        for lang in sep.texts()
    }


def _less(ev: exp.Evidence) -> dict:
    e = ev.difference["tuned"]
    return _sided(
        e, e.lo > T["advantage"], e.hi < T["negligible"], ev.stops, bar=T["advantage"], negligible=T["negligible"],
        tests=len(ev.difference), others=_by_type(ev),
    )  # fmt: skip


rule: Rule[exp.Evidence] = Rule(
    checks={
        "overfits": W.check(
            "overfits",
            lambda ev: _gap(ev.small_gap, _largest(ev), ev.seed_gaps[-1]),
            lambda f: f["lo"] > f["bar"],
        ),
        "expressivity_not_performance": W.check(
            "expressivity_not_performance", _trend, lambda f: f["lo"] > f["bar"]
        ),
        "circuits_helped_less": W.check("circuits_helped_less", _less, lambda f: f["lo"] > f["bar"]),
    },
)
# the same overfitting criterion on the same circuit with the most data, where it must not overfit
control = control_rule(
    {
        "large_n": W.check(
            "large_n", lambda ev: _gap(ev.large_gap, []), lambda f: f["lo"] > f["bar"], group="control"
        )
    }
)


def _stops(n: int, cut: int = 0) -> list[Stop]:
    return [Stop(300, 300, False, i < cut) for i in range(n)]


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        small_gap=synthetic(0.4, 0.3, 0.5, n=20),
        large_gap=synthetic(0.02, -0.01, 0.05, n=5),
        gap_trend=synthetic(0.05, 0.02, 0.08, n=20),
        # 4 circuits × 20 seeds: a gap of 0.25 widening by 0.05 per doubling, 0.40 at the largest circuit
        seed_gaps=[[0.25 + 0.05 * i + 0.01 * (s % 5 - 2) for s in range(20)] for i in range(4)],
        log_params=[2.0, 3.0, 4.0, 5.0],
        quantum_gain={r: synthetic(0.0, -0.02, 0.02, n=20) for r in exp.COMPARED},
        classical_gain={r: synthetic(0.05, 0.03, 0.07, n=20) for r in exp.COMPARED},
        difference={r: synthetic(0.05, 0.02, 0.08, n=20) for r in exp.COMPARED},
        gap_stops=_stops(80),
        stops=_stops(400),
    )


def _null() -> exp.Evidence:
    """No overfitting, no link to expressivity, and circuit regularisers that work as well as classical ones."""
    return replace(
        _supporting(),
        small_gap=synthetic(0.02, -0.01, 0.05, n=20),
        gap_trend=synthetic(-0.01, -0.03, -0.005, n=20),
        difference={r: synthetic(0.0, -0.02, 0.02, n=20) for r in exp.COMPARED},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "overfits": lambda ev: replace(ev, small_gap=synthetic(0.05, 0.03, 0.07, n=20)),
        "expressivity_not_performance": lambda ev: replace(
            ev, gap_trend=synthetic(-0.02, -0.04, -0.01, n=20)
        ),
        "circuits_helped_less": lambda ev: replace(
            ev, difference={**ev.difference, "tuned": synthetic(0.0, -0.02, 0.02, n=20)}
        ),
    },
    control_flips={"large_n": lambda ev: replace(ev, large_gap=synthetic(0.3, 0.25, 0.35, n=5))},
)


def _mean(rows: list[float]) -> float:
    return float(np.mean(rows))


def _key(name: str) -> str:
    return name.replace(" ", "_")


def _values(r: exp.Result) -> dict:
    ev, q, c = r.evidence, r.quantum, r.classical
    gains = {f"q_gain_{_key(n)}": g for n, g in ev.quantum_gain.items()}
    gains |= {f"c_gain_{_key(n)}": g for n, g in ev.classical_gain.items()}
    gains |= {f"diff_{_key(n)}": g for n, g in ev.difference.items()}
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
        converged_share=converged_share(ev.gap_stops + ev.stops),
        seeds_small=ev.small_gap.n,
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


def _interval(g: Estimate) -> str:
    return f"{g.value:+.3f} [{g.lo:+.3f}, {g.hi:+.3f}]".replace("-", "\u2212")


def _chosen(values: list[float], name: str) -> str:
    if name in ("tuned", "early stopping"):  # no strength: the step is chosen on validation
        return "—"
    common = max(set(values), key=values.count)
    return f"{common:g} ({values.count(common)}/{len(values)})"


def _rows(model: str, res: exp.FamilyResult, gains: dict[str, Estimate]) -> list:
    out = []
    for name, (train, test) in res.regularised.items():
        g = gains.get(name)
        chosen = _chosen(res.chosen[name], name) if name in res.chosen else "—"
        out.append([W(f"terms.{model}"), W(f"terms.{_key(name)}"), chosen, _mean(train), _mean(test),
                    _interval(g) if g else "—"])  # fmt: skip
    return out


def report(r: exp.Result) -> Report:
    ev = r.evidence
    rows = _rows("circuit", r.quantum, ev.quantum_gain)
    rows += _rows("network", r.classical, ev.classical_gain)
    diffs = [[W(f"terms.{_key(n)}"), _interval(ev.quantum_gain[n]), _interval(ev.classical_gain[n]), _interval(d)]
             for n, d in ev.difference.items()]  # fmt: skip
    seeds = ev.small_gap.n
    return Report(
        values=_values(r),
        tables={
            "regularisers": W.table("regularisers", rows, n=r.sizes[0], seeds=seeds),
            "differences": W.table("differences", diffs, tests=len(ev.difference), seeds=seeds),
        },
        figures=_figures(r),
    )


claim = define(
    "quantum-expressivity-overfitting",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(sizes=(20, 320), test=1000, seeds=3, small_seeds=16),
        "site": exp.Config(sizes=(20, 40, 80, 160, 320, 640), small_seeds=30, steps=600),
        "full": exp.Config(
            circuits=((1, 1), (2, 2), (2, 4), (3, 6), (4, 8)),
            sizes=(20, 40, 80, 160, 320, 640, 1280),
            seeds=20,
            small_seeds=50,
            steps=1000,
        ),
    },
    expected="partly",
    headline="diff_tuned",
    trains=True,
)
