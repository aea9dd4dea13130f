"""Claim quantum-structured-problems: quantum computers excel at structured problems (factoring, discrete
logarithms: elliptic-curve keys), while on unstructured search they give only Grover's quadratic speed-up; the
essay's "hybrids help AI but do not replace it" is our reading of these results, not something an experiment
here decides. Words: ``quantum_structured_problems.<lang>.yml``; anchors: ``quantum_structured_problems.anchors.yml``."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from experiments import quantum_structured_problems as exp
from experiments.common.stats import Estimate, wilson
from kanguri.claim import define
from kanguri.kit import Robustness, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Series, Value
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "quadratic": 0.5,  # Grover's query exponent in N
    "band": 0.05,  # "quadratic": the exponent's interval lies within 0.5 ± 0.05 (the exact finite-N curve sits near 0.485)
    "linear": 0.9,  # classical random search: the exponent's lower bound is above this
    "bbht": 4.0,  # unknown M: BBHT's mean queries stay within 4 × √(N/M) (our bar for "O(√(N/M))")
    "margin": 0.1,  # Shor: each run factors N more often than classical guessing does, by over 10 points (lower bound)
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={"fit_from": (5, 6, 8), "trials": (200, 400)},
    nulls=({"interference": False},),  # no diffusion, no amplification, random phase-estimation outcomes
)

# Today's largest devices, with dates (physical qubits, none of them error-corrected logical qubits); sources in
# the anchors (condor, willow, caltech_6100).
DEVICES = (
    ("IBM Condor", "superconducting", 1121, "2023-12", "condor"),
    ("Google Willow, distance-7 code", "superconducting", 101, "2024-08", "willow"),
    ("Caltech tweezer array", "neutral atoms", 6100, "2025-09", "caltech_6100"),
)


def quadratic(e: Estimate) -> bool:
    """The criterion of a quadratic speed-up: the query exponent's interval lies within 0.5 ± band."""
    return e.lo >= T["quadratic"] - T["band"] and e.hi <= T["quadratic"] + T["band"]


def _grover(ev: exp.Evidence) -> dict:
    g, c = ev.grover_exponent, ev.classical_exponent
    return {"g": g.value, "g_lo": g.lo, "g_hi": g.hi, "c": c.value, "c_lo": c.lo,
            "lo": T["quadratic"] - T["band"], "hi": T["quadratic"] + T["band"], "linear": T["linear"],
            "ok": quadratic(g) and c.lo > T["linear"]}  # fmt: skip


def margin(a: Estimate, b: Estimate) -> Estimate:
    """a − b for two success shares, with a Wald 95% interval for the difference of proportions."""
    se = math.sqrt(a.value * (1 - a.value) / a.n + b.value * (1 - b.value) / b.n)
    d = a.value - b.value
    return Estimate(d, d - 1.96 * se, d + 1.96 * se, "Wald interval, difference of shares", min(a.n, b.n))


def _beats(runs: dict[int, Estimate], baseline: dict[int, Estimate]) -> dict:
    """The factoring criterion: every N factored more often than by guessing, by more than the margin."""
    margins = {n: margin(runs[n], baseline[n]) for n in runs}
    worst = min(margins.values(), key=lambda e: e.lo)
    passes = all(e.lo > T["margin"] for e in margins.values())
    fails = any(e.hi <= T["margin"] for e in margins.values())
    return {"moduli": ", ".join(str(n) for n in runs), "worst": worst.value, "worst_lo": worst.lo,
            "worst_hi": worst.hi, "bar": T["margin"], "ok": passes,
            UNDETERMINED: None if passes or fails else "straddles"}  # fmt: skip


def _shor(ev: exp.Evidence) -> dict:
    found = [f"{n} = {' × '.join(map(str, f))}" for n, f in ev.shor_factors.items() if f]
    return _beats(ev.shor_success, ev.guess_success) | {"found": ", ".join(found) or "—"}


def _structured(ev: exp.Evidence) -> dict:
    return {"rsa": ev.rsa_gap, "ec": ev.ec_gap, "q_slope": ev.quantum_slope, "bar": 4.0}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "grover_quadratic": W.check("grover_quadratic", _grover, lambda f: f["ok"]),
        "unknown_count": W.check(
            "unknown_count",
            lambda ev: {"worst": ev.bbht_worst, "bar": T["bbht"], "naive": ev.naive_worst},
            lambda f: f["worst"] <= f["bar"],
        ),
        "shor_beats_guessing": W.check("shor_beats_guessing", _shor, lambda f: f["ok"]),
        "structured_gap": W.check(
            "structured_gap",
            _structured,
            lambda f: f["q_slope"] <= f["bar"] and min(f["rsa"], f["ec"]) > 0,
            sanity=True,
        ),
    },
)
# the same factoring criterion on a second run of classical guessing against the first: it must be rejected
control = control_rule(
    {
        "guessing": W.check(
            "guessing",
            lambda ev: _beats(ev.guess_again, ev.guess_success),
            lambda f: f["ok"],
            group="control",
        )
    }
)


def _exponent(value: float) -> Estimate:
    return synthetic(value, value - 0.01, value + 0.01, n=400)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        grover_exponent=_exponent(0.49),
        classical_exponent=_exponent(1.0),
        bbht_worst=1.9,
        naive_worst=0.002,
        shor_success={15: wilson(280, 400), 21: wilson(200, 400)},
        shor_factors={15: [3, 5], 21: [3, 7]},
        guess_success={15: wilson(150, 400), 21: wilson(100, 400)},
        guess_again={15: wilson(155, 400), 21: wilson(110, 400)},
        rsa_gap=25.0,
        ec_gap=27.0,
        quantum_slope=3.2,
    )


def _null() -> exp.Evidence:
    """No speed-up: quantum search as slow as classical, order finding no better than guessing."""
    return replace(
        _supporting(),
        grover_exponent=_exponent(1.0),
        bbht_worst=40.0,
        shor_success={15: wilson(150, 400), 21: wilson(105, 400)},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "grover_quadratic": lambda ev: replace(ev, grover_exponent=_exponent(0.7)),
        "unknown_count": lambda ev: replace(ev, bbht_worst=9.0),
        "shor_beats_guessing": lambda ev: replace(ev, shor_success={**ev.shor_success, 21: wilson(105, 400)}),
    },
    control_flips={
        "guessing": lambda ev: replace(ev, guess_again={15: wilson(280, 400), 21: wilson(200, 400)})
    },
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    values = W.values(
        grover_exponent=ev.grover_exponent,
        theory_exponent=r.theory_exponent,
        classical_exponent=ev.classical_exponent,
        iteration_exponent=r.iteration_exponent,
        qubits_max=r.qubits[-1],
        iterations_max=r.optimal_iterations[-1],
        speedup_max=r.classical_queries[-1] / r.grover_queries[-1],
        bbht_worst=ev.bbht_worst,
        naive_worst=ev.naive_worst,
        lightning_deviation=r.lightning_deviation,
        shor_runs=r.shor_runs,
        rsa_gap=ev.rsa_gap,
        ec_gap=ev.ec_gap,
        quantum_slope=ev.quantum_slope,
    )
    values |= {f"shor_{n}": W.value("shor", e, n=n) for n, e in ev.shor_success.items()}
    values |= {f"guess_{n}": W.value("guess", e, n=n) for n, e in ev.guess_success.items()}
    for row in r.resources:
        key, target = row["target"].split()[-1].replace("-", "").lower(), row["target"]
        values[f"qubits_{key}"] = W.value("qubits", row["logical_qubits"], target=target)
        values[f"toffolis_{key}"] = W.value("toffolis", row["toffolis"], target=target)
    values |= {f"device_{key}": W.value("device", q, device=name) for name, _, q, _, key in DEVICES}
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
    s = r.scaling
    structured = [
        W.series("rsa_quantum", s["rsa_bits"], s["rsa_quantum"]),
        W.series("rsa_classical", s["rsa_bits"], s["rsa_classical"], style="fit"),
        W.series("ec_quantum", s["ec_bits"], s["ec_quantum"]),
        W.series("ec_classical", s["ec_bits"], s["ec_classical"], style="fit"),
    ]
    breakeven = [
        Series(label=W("series.t_c", t_c=label), x=t_q.tolist(), y=(t_q**2 / t_c / 86400).tolist())
        for t_c, label in ((1e-9, "1 ns"), (1e-7, "100 ns"), (1e-5, "10 µs"))
    ]
    log: dict[str, Any] = {"xscale": "log", "yscale": "log"}
    return {
        "structured": W.figure("structured", structured, xscale="log"),
        "queries": W.figure("queries", queries, **log, trials=r.evidence.grover_exponent.n),
        "curve": W.figure("curve", [W.series("state_vector", range(len(r.curve)), r.curve)], n=r.curve_n),
        "unknown": W.figure("unknown", unknown, **log, qubits=r.unknown_qubits),
        "breakeven": W.figure("breakeven", breakeven, **log),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    shor = []
    for n, e in ev.shor_success.items():
        g, m = ev.guess_success[n], margin(e, ev.guess_success[n])
        shor.append([n, " × ".join(map(str, ev.shor_factors[n])) or "—", e.value, g.value,
                     f"{m.value:.2f} [{m.lo:.2f}, {m.hi:.2f}]".replace("-", "\u2212")])  # fmt: skip
    resources = [
        [row["target"], row["source"], row["logical_qubits"], row["toffolis"]] for row in r.resources
    ]
    devices = [[name, W(f"terms.{kind.replace(' ', '_')}"), q, date] for name, kind, q, date, _ in DEVICES]
    return Report(
        values=_values(r),
        tables={
            "shor": W.table("shor", shor),
            "resources": W.table("resources", resources),
            "devices": W.table("devices", devices),
        },
        figures=_figures(r),
    )


claim = define(
    "quantum-structured-problems",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(qubits=tuple(range(2, 13)), trials=200, moduli=(15, 21), bootstrap=1000),
        "site": exp.Config(),
        "full": exp.Config(
            qubits=tuple(range(2, 25)), trials=2000, moduli=(15, 21, 33, 35, 39, 51), shor_runs=2000
        ),
    },
    expected="supported",
    headline="grover_exponent",
)
