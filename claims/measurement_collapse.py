"""Claim measurement-collapse: backprop needs intermediate values, and looking at a quantum state collapses it.
Words: ``measurement_collapse.<lang>.yml``; anchors: ``measurement_collapse.anchors.yml``.

The counted checks test the mechanism: a gradient that reuses a measured intermediate layer is biased, and no
gentler look reads the intermediate values both cheaply and harmlessly. The interference, information and
tomography demonstrations, and the 1/ε² copy law, cannot fail in a real run: they are sanity checks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from experiments import measurement_collapse as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "biased": 0.1,  # a reused measurement biases the gradient: relative bias ‖E[g] − ∇C‖/‖∇C‖ above 10 %
    "cheap": 2.0,  # a gentle look is "cheap" when it reads the intermediate values with ≤ 2× a projective look's copies
    "kept": 0.9,  # interference is intact when the visibility's lower bound is above this
    "destroyed": 0.1,  # interference is destroyed when the visibility's upper bound is below this
    "tolerance": 1e-9,  # numerical slack on Englert's bound D² + V² ≤ 1
    "exponential": 1.0,  # read-out cost "grows exponentially": shots at least double per qubit (log₂ factor)
    "square_low": 1.8,  # copies ∝ ε^(−b): b within [1.8, 2.2] (2 for independent measurements of copies)
    "square_high": 2.2,
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={"qubits": (2, 3, 4), "layers": (2, 4)},
    nulls=({"split": 1.0},),  # measured after the last layer: ⟨Z₀⟩ is unchanged, so no bias may appear
)


def _biased(e: Estimate) -> dict:
    """The bias criterion on a relative-bias estimate: holds above the bar, fails below, else straddles."""
    passes, fails = e.lo > T["biased"], e.hi <= T["biased"]
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["biased"],
            UNDETERMINED: None if passes or fails else "straddles"}  # fmt: skip


def _gentle(ev: exp.Evidence) -> dict:
    """Strengths at which a weak look is both harmless (bias upper bound below the bar) and cheap."""
    projective = ev.gentle_copies[ev.gentle.index(1.0)] if 1.0 in ev.gentle else min(ev.gentle_copies)
    free = [s for s, b, c in zip(ev.gentle, ev.gentle_bias, ev.gentle_copies, strict=True)
            if b.hi < T["biased"] and c <= T["cheap"] * projective]  # fmt: skip
    low = min(range(len(ev.gentle)), key=lambda i: ev.gentle[i])
    return {"free": ", ".join(f"{s:g}" for s in free) or "—", "n_free": len(free), "bar": T["biased"],
            "cheap": T["cheap"], "s_low": ev.gentle[low], "bias_low": ev.gentle_bias[low].value,
            "copies_low": ev.gentle_copies[low] / projective}  # fmt: skip


def _interference(ev: exp.Evidence) -> dict:
    free, z = ev.visibility["free"], ev.visibility["z"]
    return {"free": free.value, "free_lo": free.lo, "z": z.value, "z_hi": z.hi} | {
        "kept": T["kept"],
        "destroyed": T["destroyed"],
    }


def _readout(ev: exp.Evidence) -> dict:
    g = ev.growth
    return {"value": g.value, "lo": g.lo, "hi": g.hi, "bar": T["exponential"], "factor": 2**g.value}


def _square(ev: exp.Evidence) -> dict:
    e = ev.copies_exponent
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "low": T["square_low"], "high": T["square_high"]}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "reuse_biased": W.check("reuse_biased", lambda ev: _biased(ev.reuse), lambda f: f["lo"] > f["bar"]),
        "no_free_look": W.check("no_free_look", _gentle, lambda f: f["n_free"] == 0),
        "copies_per_accuracy": W.check(
            "copies_per_accuracy",
            _square,
            lambda f: f["low"] <= f["lo"] and f["hi"] <= f["high"],
            sanity=True,
        ),
        "interference_destroyed": W.check(
            "interference_destroyed",
            _interference,
            lambda f: f["free_lo"] > f["kept"] and f["z_hi"] < f["destroyed"],
            sanity=True,
        ),
        "information_costs_coherence": W.check(
            "information_costs_coherence",
            lambda ev: {"worst": ev.tradeoff_max, "family": ev.family_min, "tol": T["tolerance"]},
            lambda f: f["worst"] <= 1 + f["tol"] and f["family"] >= 1 - f["tol"],
            sanity=True,
        ),
        "readout_exponential": W.check(
            "readout_exponential", _readout, lambda f: f["lo"] > f["bar"], sanity=True
        ),
    },
)
# the same bias criterion when the layers after the measurement commute with it: nothing may be biased
control = control_rule(
    {
        "commuting": W.check(
            "commuting", lambda ev: _biased(ev.commuting), lambda f: f["lo"] > f["bar"], group="control"
        )
    }
)


def _visibility(**kinds: float) -> dict:
    """Visibilities by kind of measurement, each ±0.01 as a bootstrap over 24,000 shots would give."""
    return {k: synthetic(v, v - 0.01, v + 0.01, n=24000) for k, v in kinds.items()}


GENTLE = (0.25, 0.5, 0.75, 1.0)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        visibility=_visibility(free=0.99, z=0.02, eigen=0.99),
        tradeoff_max=1.0,
        family_min=1.0,
        growth=synthetic(4.2, 4.0, 4.3, n=5),
        reuse=synthetic(0.8, 0.7, 0.9, n=20),
        commuting=synthetic(0.0, -0.03, 0.03, n=20),
        gentle=GENTLE,
        gentle_bias=[synthetic(b, b - 0.01, b + 0.01, n=20) for b in (0.04, 0.15, 0.38, 0.8)],
        gentle_copies=[160000.0, 40000.0, 17500.0, 9700.0],
        copies_exponent=synthetic(2.0, 1.99, 2.01, n=60),
    )


def _null() -> exp.Evidence:
    """A world where looking is free: a reused measurement leaves the gradient unbiased at every strength."""
    return replace(
        _supporting(),
        reuse=synthetic(0.0, -0.03, 0.03, n=20),
        gentle_bias=[synthetic(0.0, -0.03, 0.03, n=20) for _ in GENTLE],
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "reuse_biased": lambda ev: replace(ev, reuse=synthetic(0.03, 0.0, 0.06, n=20)),
        "no_free_look": lambda ev: replace(
            ev, gentle_bias=[*ev.gentle_bias[:2], synthetic(0.03, 0.01, 0.05, n=20), ev.gentle_bias[3]]
        ),
    },
    control_flips={"commuting": lambda ev: replace(ev, commuting=synthetic(0.5, 0.4, 0.6, n=20))},
)


def _values(r: exp.Result) -> dict:
    ev = r.evidence
    return W.values(
        reuse_bias=ev.reuse,
        reuse_exact=r.reuse_exact,
        commuting_bias=ev.commuting,
        parameters=r.parameters,
        draws=ev.reuse.n,
        copies_exponent=ev.copies_exponent,
        gradient_copies=r.gradient_copies[-1],
        intermediate_copies=r.intermediate_copies[-1],
        accuracy=r.accuracies[-1],
        pennylane_deviation=r.pennylane_deviation,
        visibility_free=ev.visibility["free"],
        visibility_free_raw=V(r.raw_visibility["free"], digits=4),
        visibility_z=ev.visibility["z"],
        visibility_eigen=ev.visibility["eigen"],
        tradeoff_max=V(ev.tradeoff_max, digits=4),
        family_min=V(ev.family_min, digits=4),
        growth=ev.growth,
        growth_factor=2**ev.growth.value,
        shots_max=r.tomography_shots[-1],
        qubits_max=r.qubits[-1],
        saved_max=r.saved_values[-1],
        random_markers=len(r.random_d),
        lightning_deviation=r.lightning_deviation,
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    ev = r.evidence
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
    gentle = [
        W.series(
            "gentle_bias",
            list(ev.gentle),
            [b.value for b in ev.gentle_bias],
            lo=[b.lo for b in ev.gentle_bias],
            hi=[b.hi for b in ev.gentle_bias],
        ),
        W.series("bias_bar", [min(ev.gentle), max(ev.gentle)], [T["biased"]] * 2, style="fit"),
    ]
    return {
        "gentle": W.figure("gentle", gentle),
        "fringes": W.figure("fringes", fringes),
        "tradeoff": W.figure("tradeoff", tradeoff),
        "cost": W.figure("cost", cost, yscale="log", fidelity=r.target_fidelity, states=r.evidence.growth.n),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    rows = zip(r.qubits, r.settings, r.tomography_shots, strict=True)
    copies = [[e, round(i), round(g), 2] for e, i, g in zip(r.accuracies, r.intermediate_copies,
                                                             r.gradient_copies, strict=True)]  # fmt: skip
    gentle = [
        [
            s,
            float(np.sqrt(1 - s * s)),
            f"{b.value:.3f} [{b.lo:.3f}, {b.hi:.3f}]".replace("-", "\u2212"),
            round(c),
        ]
        for s, b, c in zip(ev.gentle, ev.gentle_bias, ev.gentle_copies, strict=True)
    ]
    return Report(
        values=_values(r),
        tables={
            "copies": W.table("copies", copies, p=r.parameters),
            "gentle": W.table("gentle", gentle, eps=r.accuracies[-1]),
            "tomography": W.table("tomography", rows),
        },
        figures=_figures(r),
    )


claim = define(
    "measurement-collapse",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(max_qubits=5, bootstrap=500, random_markers=200),
        "site": exp.Config(draws=40),
        "full": exp.Config(
            max_qubits=8, states=20, shots=20000, phases=24, random_markers=5000, draws=200, qubits=5
        ),
    },
    expected="supported",
    headline="reuse_bias",
)
