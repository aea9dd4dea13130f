"""Claim quantum-structured-problems: quantum computers win on structured problems (Grover, Shor against
elliptic curves), not as a replacement for AI. Words: ``quantum_structured_problems.<lang>.yml``; anchors:
``quantum_structured_problems.anchors.yml``."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from experiments import quantum_structured_problems as exp
from experiments.common.stats import Estimate, wilson
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Figure, Report, Series, Value
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "quadratic": 0.5,  # Grover's query exponent in N
    "band": 0.05,  # "quadratic": the exponent's interval lies within 0.5 ± 0.05 (finite N shifts the fit a little)
    "linear": 0.9,  # classical random search: the exponent's lower bound is above this
    "bbht": 4.0,  # unknown M: BBHT's mean queries stay within 4 × √(N/M) (our bar for "O(√(N/M))")
    "shor": 0.2,  # Shor: each run factors N with probability above this (lower bound), for every N
}
T = THRESHOLDS


def quadratic(e: Estimate) -> bool:
    """The criterion of a quadratic speed-up: the query exponent's interval lies within 0.5 ± band."""
    return e.lo >= T["quadratic"] - T["band"] and e.hi <= T["quadratic"] + T["band"]


def _factored(ev: exp.Evidence) -> bool:
    return all(len(f) == 2 and math.prod(f) == n for n, f in ev.shor_factors.items())


def _grover(ev: exp.Evidence) -> dict:
    g, c = ev.grover_exponent, ev.classical_exponent
    return {"g": g.value, "g_lo": g.lo, "g_hi": g.hi, "c": c.value, "c_lo": c.lo,
            "lo": T["quadratic"] - T["band"], "hi": T["quadratic"] + T["band"], "linear": T["linear"],
            "ok": quadratic(g)}  # fmt: skip


def _shor(ev: exp.Evidence) -> dict:
    found = [f"{n} = {' × '.join(map(str, f))}" for n, f in ev.shor_factors.items() if f]
    return {"moduli": ", ".join(str(n) for n in ev.shor_factors), "found": ", ".join(found),
            "worst": min(e.lo for e in ev.shor_success.values()), "bar": T["shor"], "all": _factored(ev)}  # fmt: skip


rule: Rule[exp.Evidence] = Rule(
    checks={
        "grover_quadratic": W.check(
            "grover_quadratic", _grover, lambda f: f["ok"] and f["c_lo"] > f["linear"]
        ),
        "unknown_count": W.check(
            "unknown_count",
            lambda ev: {"worst": ev.bbht_worst, "bar": T["bbht"], "naive": ev.naive_worst},
            lambda f: f["worst"] <= f["bar"],
        ),
        "shor_factors": W.check("shor_factors", _shor, lambda f: f["all"] and f["worst"] > f["bar"]),
    },
)


def _classical(ev: exp.Evidence) -> dict:
    e = ev.classical_exponent
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "ok": quadratic(e)}


# the same "quadratic" criterion on classical random search, which must fail it
control = control_rule({"classical": W.check("classical", _classical, lambda f: f["ok"], group="control")})


def _exponent(value: float) -> Estimate:
    return synthetic(value, value - 0.01, value + 0.01, n=400)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        grover_exponent=_exponent(0.49),
        classical_exponent=_exponent(1.0),
        bbht_worst=1.9,
        naive_worst=0.002,
        shor_success={15: wilson(140, 200), 21: wilson(100, 200)},
        shor_factors={15: [3, 5], 21: [3, 7]},
    )


def _null() -> exp.Evidence:
    """No speed-up and no factoring: quantum search as slow as classical, order finding that never succeeds."""
    return replace(
        _supporting(),
        grover_exponent=_exponent(1.0),
        bbht_worst=40.0,
        shor_success={15: wilson(0, 200), 21: wilson(0, 200)},
        shor_factors={15: [], 21: []},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "grover_quadratic": lambda ev: replace(ev, grover_exponent=_exponent(0.7)),
        "unknown_count": lambda ev: replace(ev, bbht_worst=9.0),
        "shor_factors": lambda ev: replace(ev, shor_success={**ev.shor_success, 21: wilson(10, 200)}),
    },
    control_flips={"classical": lambda ev: replace(ev, classical_exponent=_exponent(0.5))},
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    values = W.values(
        grover_exponent=ev.grover_exponent,
        classical_exponent=ev.classical_exponent,
        iteration_exponent=r.iteration_exponent,
        qubits_max=r.qubits[-1],
        iterations_max=r.optimal_iterations[-1],
        speedup_max=r.classical_queries[-1] / r.grover_queries[-1],
        bbht_worst=ev.bbht_worst,
        naive_worst=ev.naive_worst,
        lightning_deviation=r.lightning_deviation,
        shor_runs=r.shor_runs,
    )
    values |= {f"shor_{n}": W.value("shor", e, n=n) for n, e in ev.shor_success.items()}
    for row in r.resources:
        key, target = row["target"].split()[-1].replace("-", "").lower(), row["target"]
        values[f"qubits_{key}"] = W.value("qubits", row["logical_qubits"], target=target)
        values[f"toffolis_{key}"] = W.value("toffolis", row["toffolis"], target=target)
    return values


def _figures(r: exp.Result) -> dict[str, Figure]:
    sizes, t_q = [2**n for n in r.qubits], np.logspace(-6, -2, 30)
    queries = [
        W.series("grover", sizes, r.grover_queries, style="points"),
        W.series("classical", sizes, r.classical_queries, style="points"),
        W.series("grover_bound", sizes, [math.pi / 4 * math.sqrt(s) for s in sizes], style="fit"),
    ]
    unknown = [
        W.series("bbht", r.marked, r.bbht_queries, style="points"),
        W.series("bbht_bound", r.marked, r.bbht_bound, style="fit"),
        W.series("naive", r.marked, [max(p, 1e-4) for p in r.naive_success], style="points"),
    ]
    breakeven = [
        Series(label=W("series.t_c", t_c=label), x=t_q.tolist(), y=(t_q**2 / t_c / 86400).tolist())
        for t_c, label in ((1e-9, "1 ns"), (1e-7, "100 ns"), (1e-5, "10 µs"))
    ]
    log: dict[str, Any] = {"xscale": "log", "yscale": "log"}
    return {
        "queries": W.figure("queries", queries, **log, trials=r.evidence.grover_exponent.n),
        "curve": W.figure("curve", [W.series("state_vector", range(len(r.curve)), r.curve)], n=r.curve_n),
        "unknown": W.figure("unknown", unknown, **log, qubits=r.unknown_qubits),
        "breakeven": W.figure("breakeven", breakeven, **log),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    shor = [[n, " × ".join(map(str, ev.shor_factors[n])) or "—", e.value, f"{e.lo:.2f}–{e.hi:.2f}"]
            for n, e in ev.shor_success.items()]  # fmt: skip
    resources = [
        [row["target"], row["source"], row["logical_qubits"], row["toffolis"]] for row in r.resources
    ]
    return Report(
        values=_values(r),
        tables={"shor": W.table("shor", shor), "resources": W.table("resources", resources)},
        figures=_figures(r),
    )


claim = define(
    "quantum-structured-problems",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(
            qubits=tuple(range(2, 13)), trials=200, moduli=(15, 21), shor_runs=100, bootstrap=1000
        ),
        "site": exp.Config(),
        "full": exp.Config(
            qubits=tuple(range(2, 25)), trials=2000, moduli=(15, 21, 33, 35, 39, 51), shor_runs=1000
        ),
    },
    expected="supported",
    headline="grover_exponent",
)
