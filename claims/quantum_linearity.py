"""Claim quantum-linearity: a circuit is linear between encoding and measurement, while today's AI is
non-linear. Measured: linear in the state, non-linear in x only through re-uploading, with a spectrum that the
encoding fixes. Words: ``quantum_linearity.<lang>.yml``; anchors: ``quantum_linearity.anchors.yml``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from experiments import quantum_linearity as exp
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Report, Series
from kanguri.rule import Check, Falsification, Rule, Verdict

W = Words(__file__)
THRESHOLDS = {
    "exact": 1e-10,  # numerical zero: double precision leaves ~1e-16; anything above 1e-10 is a real effect
    "truncated": 1e-12,  # "the spectrum stops at L": less than this share of the energy above frequency L
    "present": 1e-6,  # every frequency up to L is present: its smallest |c_k| over random draws is above this
    "floor": 1.5,  # a fit "reaches the floor" when its error is within 1.5× the floor
    "fits": 0.01,  # a fit "fits" when it leaves under 1 % of the target's variance
    "affine": 0.01,  # f is "linear in x" when an affine fit leaves under 1 % of its variance
}
T = THRESHOLDS


def _verdict(held: Mapping[str, bool]) -> Verdict:
    if all(held.values()):
        return "supported"
    if held["linear_in_state"] and (held["spectrum"] or held["fit_floor"]):
        return "partly"
    return "not-supported"


def _fit_floor(ev: exp.Evidence) -> dict:
    r, e = ev.floor_ratios, ev.fit_errors
    return dict(worst_floor=max(r), below=min(r), worst_fit=max(e), floor=T["floor"], fits=T["fits"])


def _as_predicted(f: dict) -> bool:
    """L < K stops at the floor (never below it, up to round-off), L ≥ K fits the target."""
    return f["below"] >= 1 - 1e-9 and f["worst_floor"] <= f["floor"] and f["worst_fit"] <= f["fits"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "linear_in_state": W.check(
            "linear_in_state",
            lambda ev: dict(dev=ev.state_deviation.value, bar=T["exact"], n=ev.state_deviation.n),
            lambda f: f["dev"] < f["bar"],
        ),
        "spectrum": W.check(
            "spectrum",
            lambda ev: dict(
                leak=ev.leak.value, present=ev.present.value, truncated=T["truncated"], bar=T["present"]
            ),
            lambda f: f["leak"] < f["truncated"] and f["present"] > f["bar"],
        ),
        "fit_floor": W.check("fit_floor", _fit_floor, _as_predicted),
        "linear_in_data": W.check(
            "linear_in_data",
            lambda ev: dict(share=ev.x_nonlinearity.value, hi=ev.x_nonlinearity.hi, bar=T["affine"]),
            lambda f: f["hi"] < f["bar"],
        ),
    },
    verdict=_verdict,
)


def _truncated(key: str, name: str) -> Check[exp.Evidence]:
    """The rule's own "spectrum stops at the degree" criterion, on a classical network fitted to the same target."""
    return W.check(
        "truncated",
        lambda ev: {"name": name, "leak": ev.mlp_leak[key], "bar": T["truncated"]},
        lambda f: f["leak"] < f["bar"],
        group="control",
    )


control = control_rule({"tanh": _truncated("tanh", "tanh"), "relu": _truncated("relu", "ReLU")})


def _supporting() -> exp.Evidence:
    """What the essay's wording predicts: linear in the state and, effectively, in the data."""
    return exp.Evidence(
        state_deviation=synthetic(2e-16, n=200),
        leak=synthetic(1e-30, n=192),
        present=synthetic(3e-4, n=192),
        floor_ratios=[1.0, 1.02],
        fit_errors=[1e-9, 1e-8],
        x_nonlinearity=synthetic(0.002, 0.001, 0.003, n=32),
        mlp_leak={"tanh": 1e-4, "relu": 5e-4},
    )


def _null() -> exp.Evidence:
    """A model that is non-linear in its state, with no spectral limit: the effect is absent."""
    return replace(
        _supporting(),
        state_deviation=synthetic(0.3, n=200),
        leak=synthetic(0.05, n=192),
        floor_ratios=[0.4, 0.6],
        x_nonlinearity=synthetic(0.7, 0.6, 0.8, n=32),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "linear_in_state": lambda ev: replace(ev, state_deviation=synthetic(1e-3, n=200)),
        "spectrum": lambda ev: replace(ev, leak=synthetic(1e-4, n=192)),
        "fit_floor": lambda ev: replace(ev, fit_errors=[1e-9, 0.2]),
        "linear_in_data": lambda ev: replace(ev, x_nonlinearity=synthetic(0.7, 0.6, 0.8, n=32)),
    },
    control_flips={
        "tanh": lambda ev: replace(ev, mlp_leak={**ev.mlp_leak, "tanh": 1e-14}),
        "relu": lambda ev: replace(ev, mlp_leak={**ev.mlp_leak, "relu": 1e-14}),
    },
)


def _values(r: exp.Result) -> dict:
    ev = r.evidence
    return W.values(
        leak=ev.leak,
        present=ev.present,
        state_deviation=ev.state_deviation,
        mlp_state_deviation=r.mlp_state_deviation,
        x_nonlinearity=ev.x_nonlinearity,
        worst_floor_ratio=max(ev.floor_ratios),
        worst_fit_error=max(ev.fit_errors),
        tanh_leak=ev.mlp_leak["tanh"],
        relu_leak=ev.mlp_leak["relu"],
        target_degree=len(r.target_coeff) - 1,
        max_layers=r.layers[-1],
        lightning_deviation=r.lightning_deviation,
    )


def report(r: exp.Result) -> Report:
    K = len(r.target_coeff) - 1
    ks = list(range(len(r.mean_abs_coeff[0])))
    rows = [
        [n, f, b, (b / f) if f > 1e-20 else "—"]
        for n, f, b in zip(r.layers, r.floors, r.best_mse, strict=True)
    ]
    spectrum = [
        Series(label=W("series.layers", n=n), x=ks, y=[max(c, 1e-18) for c in row])
        for n, row in zip(r.layers, r.mean_abs_coeff, strict=True)
    ]
    floor = [
        W.series("best_circuit_error", r.layers, [max(b, 1e-30) for b in r.best_mse], style="points"),
        W.series("floor", r.layers, [max(f, 1e-30) for f in r.floors], style="fit"),
    ]
    fits = [
        W.series("target", r.grid_x, r.target, style="points"),
        *[Series(label=W("series.circuit", n=n), x=r.grid_x, y=r.fits[n]) for n in (1, 2, K) if n in r.fits],
        W.series("tanh_net", r.fine_x, r.mlp_fits["tanh"]),
    ]
    return Report(
        values=_values(r),
        tables={"fits": W.table("fits", rows)},
        figures={
            "spectrum": W.figure("spectrum", spectrum, yscale="log"),
            "floor": W.figure("floor", floor, yscale="log", K=K),
            "fits": W.figure("fits", fits),
        },
    )


claim = define(
    "quantum-linearity",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(draws=16, restarts=3, steps=300, mlp_steps=1000, mixtures=100),
        "site": exp.Config(),
        "full": exp.Config(
            max_layers=10, draws=256, restarts=16, steps=2000, mixtures=2000, check_circuits=10
        ),
    },
    expected="partly",
    headline="x_nonlinearity",
)
