"""Claim measurement-collapse: backprop needs intermediate values, and looking at a quantum state collapses it.
Words: ``measurement_collapse.<lang>.yml``; anchors: ``measurement_collapse.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from experiments import measurement_collapse as exp
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, synthetic
from kanguri.report import Figure, Report
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "kept": 0.9,  # interference is intact when the visibility's lower bound is above this
    "destroyed": 0.1,  # interference is destroyed when the visibility's upper bound is below this
    "tolerance": 1e-9,  # numerical slack on Englert's bound D² + V² ≤ 1
    "exponential": 1.0,  # read-out cost "grows exponentially": shots at least double per qubit (log₂ factor)
}
T = THRESHOLDS


def _interference(ev: exp.Evidence) -> dict:
    free, z = ev.visibility["free"], ev.visibility["z"]
    return {"free": free.value, "free_lo": free.lo, "z": z.value, "z_hi": z.hi} | {
        "kept": T["kept"],
        "destroyed": T["destroyed"],
    }


def _readout(ev: exp.Evidence) -> dict:
    g = ev.growth
    return {"value": g.value, "lo": g.lo, "hi": g.hi, "bar": T["exponential"], "factor": 2**g.value}


def _eigenbasis(ev: exp.Evidence) -> dict:
    e = ev.visibility["eigen"]
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["destroyed"]}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "interference_destroyed": W.check(
            "interference_destroyed",
            _interference,
            lambda f: f["free_lo"] > f["kept"] and f["z_hi"] < f["destroyed"],
        ),
        "information_costs_coherence": W.check(
            "information_costs_coherence",
            lambda ev: {"worst": ev.tradeoff_max, "family": ev.family_min, "tol": T["tolerance"]},
            lambda f: f["worst"] <= 1 + f["tol"] and f["family"] >= 1 - f["tol"],
        ),
        "readout_exponential": W.check("readout_exponential", _readout, lambda f: f["lo"] > f["bar"]),
    },
)
# the same "destroyed" criterion on a measurement in the basis where the intermediate state is an eigenstate
control = control_rule(
    {"eigenbasis": W.check("eigenbasis", _eigenbasis, lambda f: f["hi"] < f["bar"], group="control")}
)


def _visibility(**kinds: float) -> dict:
    """Visibilities by kind of measurement, each ±0.01 as a bootstrap over 24,000 shots would give."""
    return {k: synthetic(v, v - 0.01, v + 0.01, n=24000) for k, v in kinds.items()}


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        visibility=_visibility(free=1.0, z=0.02, eigen=1.0),
        tradeoff_max=1.0,
        family_min=1.0,
        growth=synthetic(4.2, 4.0, 4.3, n=5),
    )


def _null() -> exp.Evidence:
    """A world where looking is free: fringes survive, information costs nothing, read-out is cheap."""
    return exp.Evidence(
        visibility=_visibility(free=1.0, z=0.98, eigen=1.0),
        tradeoff_max=1.6,
        family_min=1.6,
        growth=synthetic(0.0, -0.1, 0.1, n=5),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "interference_destroyed": lambda ev: replace(ev, visibility={**ev.visibility, **_visibility(z=0.5)}),
        "information_costs_coherence": lambda ev: replace(ev, tradeoff_max=1.3),
        "readout_exponential": lambda ev: replace(ev, growth=synthetic(0.8, 0.6, 1.0, n=5)),
    },
    control_flips={
        "eigenbasis": lambda ev: replace(ev, visibility={**ev.visibility, **_visibility(eigen=0.02)})
    },
)


def _values(r: exp.Result) -> dict:
    ev = r.evidence
    return W.values(
        visibility_free=ev.visibility["free"],
        visibility_z=ev.visibility["z"],
        visibility_eigen=ev.visibility["eigen"],
        tradeoff_max=V(ev.tradeoff_max, digits=6),
        family_min=V(ev.family_min, digits=6),
        growth=ev.growth,
        growth_factor=2**ev.growth.value,
        shots_max=r.tomography_shots[-1],
        qubits_max=r.qubits[-1],
        saved_max=r.saved_values[-1],
        random_markers=len(r.random_d),
        lightning_deviation=r.lightning_deviation,
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    fine, circle = np.linspace(0, 2 * np.pi, 97), np.linspace(0, np.pi / 2, 50)
    fringes = [W.series("theory", fine.tolist(), (np.cos(fine / 2) ** 2).tolist(), style="fit")] + [
        W.series(k, r.phases, r.fringes[k], style="points") for k in exp.KINDS
    ]
    tradeoff = [
        W.series("random_markers", r.random_v, r.random_d, style="points"),
        W.series("optimal_marker", r.family_v, r.family_d),
        W.series("bound", np.cos(circle).tolist(), np.sin(circle).tolist(), style="fit"),
    ]
    shots = W.series("tomography_shots", r.qubits, r.tomography_shots, lo=r.tomography_lo, hi=r.tomography_hi)
    saved = range(1, len(r.saved_values) + 1)
    cost = [shots, W.series("saved_values", saved, r.saved_values, style="points")]
    return {
        "fringes": W.figure("fringes", fringes),
        "tradeoff": W.figure("tradeoff", tradeoff),
        "cost": W.figure("cost", cost, yscale="log", fidelity=r.target_fidelity, states=r.evidence.growth.n),
    }


def report(r: exp.Result) -> Report:
    rows = zip(r.qubits, r.settings, r.tomography_shots, strict=True)
    return Report(values=_values(r), tables={"tomography": W.table("tomography", rows)}, figures=_figures(r))


claim = define(
    "measurement-collapse",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(max_qubits=5, bootstrap=500, random_markers=200),
        "site": exp.Config(),
        "full": exp.Config(max_qubits=8, states=20, shots=20000, phases=24, random_markers=5000),
    },
    expected="supported",
    headline="growth_factor",
)
