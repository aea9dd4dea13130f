"""Claim quantum-linearity: a circuit is linear between encoding and measurement, while today's AI is
non-linear. Our reading: what that limits in practice. At equal parameter counts, circuits (with linear or
exponential encodings) are fitted beside tanh MLPs to targets that are not band-limited (|x|, a step, a product of
two inputs). The theorems behind it (linear in the state, a spectrum the encoding fixes, the Parseval floor, and a
function of x that is non-linear even with one encoding gate) are sanity checks. Words:
``quantum_linearity.<lang>.yml``; anchors: ``quantum_linearity.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import quantum_linearity as exp
from experiments.common.stats import Estimate
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Report, Series
from kanguri.rule import UNDETERMINED, Check, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "worse": 1.0,  # "limited in practice": the circuit's error ÷ the MLP's, geometric mean, has its lower bound above 1
    "exact": 1e-10,  # numerical zero: double precision leaves ~1e-16; anything above 1e-10 is a real effect
    "truncated": 1e-12,  # "the spectrum stops at L": less than this share of the energy above frequency L
    "present": 1e-6,  # every frequency up to L is present: its smallest |c_k| over random draws is above this
    "floor": 1.5,  # a fit "reaches the floor" when its error is within 1.5× the floor
    "fits": 0.01,  # a fit "fits" when it leaves under 1 % of the target's variance
    "affine": 0.01,  # f is "linear in x" when an affine fit leaves under 1 % of its variance
}
T = THRESHOLDS


def _limit(slot: str, ev: exp.Evidence) -> dict:
    """A target: circuit against MLP. Runs cut off while still improving leave it undetermined only where they
    could change the outcome: the circuit's when it loses, the MLP's when the circuit holds its own."""
    lim = ev.limits[slot]
    r = lim.ratio
    holds, fails = r.lo > T["worse"], r.hi <= T["worse"]
    cut_c = sum(not st.converged for st in lim.circuit_stops)
    cut_m = sum(not st.converged for st in lim.mlp_stops)
    reason = None if holds or fails else "straddles"
    if (holds and cut_c) or (fails and cut_m):
        reason = "unconverged"
    return {"ratio": r.value, "lo": r.lo, "hi": r.hi, "bar": T["worse"], "circuit": lim.circuit.value,
            "mlp": lim.mlp.value, "tol": ev.fit_tolerance, "exp_share": lim.exponential_share, "cut": cut_c + cut_m,
            "runs": len(lim.circuit_stops) + len(lim.mlp_stops), UNDETERMINED: reason}  # fmt: skip


def _limited(slot: str, name: str = "", group: str = "checks") -> Check[exp.Evidence]:
    name = name or f"limited_{slot}"
    return W.check(name, lambda ev: _limit(slot, ev), lambda f: f["lo"] > f["bar"], group=group)


def _fit_floor(ev: exp.Evidence) -> dict:
    r, e = ev.floor_ratios, ev.fit_errors
    return dict(worst_floor=max(r), below=min(r), worst_fit=max(e), floor=T["floor"], fits=T["fits"])


def _as_predicted(f: dict) -> bool:
    """L < K stops at the floor (never below it, up to round-off), L ≥ K fits the target."""
    return f["below"] >= 1 - 1e-9 and f["worst_floor"] <= f["floor"] and f["worst_fit"] <= f["fits"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        # counted: the consequence, on targets that are not band-limited
        "limited_abs": _limited("abs"),
        "limited_step": _limited("step"),
        "limited_product": _limited("product"),
        # sanity: theorems, true of every circuit
        "linear_in_state": W.check(
            "linear_in_state",
            lambda ev: dict(dev=ev.state_deviation.value, bar=T["exact"], n=ev.state_deviation.n),
            lambda f: f["dev"] < f["bar"],
            sanity=True,
        ),
        "spectrum": W.check(
            "spectrum",
            lambda ev: dict(
                leak=ev.leak.value, present=ev.present.value, truncated=T["truncated"], bar=T["present"]
            ),
            lambda f: f["leak"] < f["truncated"] and f["present"] > f["bar"],
            sanity=True,
        ),
        "fit_floor": W.check("fit_floor", _fit_floor, _as_predicted, sanity=True),
        "nonlinear_in_x": W.check(
            "nonlinear_in_x",
            lambda ev: dict(share=ev.x_nonlinearity.value, lo=ev.x_nonlinearity.lo, bar=T["affine"]),
            lambda f: f["lo"] > f["bar"],
            sanity=True,
        ),
    },
)
# the same criterion on a band-limited target (sin(πx/2)) that a circuit represents exactly: it must reject it
control = control_rule({"band_limited": _limited("control", "band_limited", group="control")})


def _limit_syn(ratio: Estimate, circuit: float = 0.05, mlp: float = 0.005) -> exp.Limit:
    stops = [Stop(800, 800, reached=False, still_improving=False)] * 3
    return exp.Limit(synthetic(circuit), synthetic(mlp), ratio, 0.5, stops * 2, stops)


def _supporting() -> exp.Evidence:
    """Circuits well behind MLPs of the same size on the rough targets, level with them on the smooth one."""
    return exp.Evidence(
        state_deviation=synthetic(2e-16, n=200),
        leak=synthetic(1e-30, n=192),
        present=synthetic(3e-4, n=192),
        floor_ratios=[1.0, 1.02],
        fit_errors=[1e-9, 1e-8],
        x_nonlinearity=synthetic(0.7, 0.6, 0.8, n=32),
        mlp_leak={"tanh": 1e-4, "relu": 5e-4},
        limits={
            "abs": _limit_syn(synthetic(10.0, 7.0, 14.0)),
            "step": _limit_syn(synthetic(2.5, 2.2, 2.9)),
            "product": _limit_syn(synthetic(40.0, 5.0, 200.0)),
            "control": _limit_syn(synthetic(1.0), 0.001, 0.001),
        },
        fit_stops=[],
        fit_tolerance=1e-3,
    )


def _null() -> exp.Evidence:
    """Circuits that fit as well as MLPs of the same size: the limit is absent."""
    level = _limit_syn(synthetic(0.8, 0.6, 0.95), 0.001, 0.0012)
    return replace(_supporting(), limits={"abs": level, "step": level, "product": level, "control": level})


def _level(slot: str):
    return lambda ev: replace(ev, limits={**ev.limits, slot: _limit_syn(synthetic(0.8, 0.6, 0.95))})


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "limited_abs": _level("abs"),
        "limited_step": _level("step"),
        "limited_product": _level("product"),
    },
    control_flips={
        "band_limited": lambda ev: replace(
            ev, limits={**ev.limits, "control": _limit_syn(synthetic(5.0, 3.0, 8.0))}
        )
    },
)


def _side(e: Estimate) -> str:
    """Where the circuit stands against its own Fourier features: worse, better, or level (1 inside the interval)."""
    return "worse" if e.lo > 1 else "better" if e.hi < 1 else "level"


def _values(r: exp.Result) -> dict:
    ev = r.evidence
    sides = [_side(r.fourier[slot]) for slot in exp.ROUGH]
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
        ratio_abs=V(ev.limits["abs"].ratio, digits=2),
        ratio_step=V(ev.limits["step"].ratio, digits=2),
        ratio_product=V(ev.limits["product"].ratio, digits=2),
        ratio_control=V(ev.limits["control"].ratio, digits=2),
        ratio_step_far=V(r.step_far.ratio, digits=2),
        fourier_abs=V(r.fourier["abs"], digits=2),
        fourier_step=V(r.fourier["step"], digits=2),
        fourier_product=V(r.fourier["product"], digits=2),
        fourier_control=V(r.fourier["control"], digits=2),
        fourier_step_far=V(r.fourier_far, digits=2),
        fourier_worse=sides.count("worse"),
        fourier_better=sides.count("better"),
        circuit_params=r.fit_runs.circuit_params,
        fit_layers=r.fit_layers,
        converged_share=converged_share(ev.fit_stops),
    )


def _mean(xs: list[float]) -> float:
    return float(sum(xs) / len(xs))


def _interval(e: Estimate) -> str:
    return f"{e.value:.3g} [{e.lo:.3g}, {e.hi:.3g}]"


def _fourier_row(label, fits: dict[str, exp.FourierFit], errors: dict[str, list[float]], ratio: Estimate,
                 far: bool = False) -> list:  # fmt: skip
    """A target's ridge fits on each encoding's spectrum beside the better circuit, and where the circuit stands."""
    lin, ex = fits["linear"], fits["exponential"]
    best = _mean([min(a, b) for a, b in zip(errors["linear"], errors["exponential"], strict=True)])
    return [label, lin.features, lin.error_far if far else lin.error, ex.features, ex.error_far if far else ex.error,
            best, _interval(ratio), W(f"terms.{_side(ratio)}")]  # fmt: skip


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
    runs = r.fit_runs
    slots = list(zip(exp.SLOTS, runs.targets, strict=True))
    step = runs.targets[exp.SLOTS.index("step")]
    far = W("terms.far", margin=r.jump_margin)
    limits = [
        [W(f"terms.{slot}"), name, runs.mlp_params[name], *(_mean(runs.errors[name][m]) for m in exp.MODELS),
         _interval(r.evidence.limits[slot].ratio)]
        for slot, name in slots
    ] + [[far, step, runs.mlp_params[step], *(_mean(runs.far[step][m]) for m in exp.MODELS),
          _interval(r.step_far.ratio)]]  # fmt: skip
    fourier = [
        _fourier_row(W(f"terms.{slot}"), runs.fourier[name], runs.errors[name], r.fourier[slot])
        for slot, name in slots
    ] + [_fourier_row(far, runs.fourier[step], runs.far[step], r.fourier_far, far=True)]
    return Report(
        values=_values(r),
        tables={
            "fits": W.table("fits", rows),
            "limits": W.table("limits", limits, params=runs.circuit_params),
            "fourier": W.table(
                "fourier",
                fourier,
                layers=r.fit_layers,
                exp_max=exp.max_frequency("exponential", r.fit_layers),
            ),
        },
        figures={
            "spectrum": W.figure("spectrum", spectrum, yscale="log"),
            "floor": W.figure("floor", floor, yscale="log", K=K),
            "fits": W.figure("fits", fits),
        },
    )


ROBUSTNESS = Robustness(
    base="site",  # the quick profile's 1,200 steps are one of the knob's values, not the main setting's 3,000
    knobs={"fit_layers": (2, 3, 4), "fit_steps": (1200, 3000)},
    nulls=(
        {"smooth_targets": True},
    ),  # band-limited analogues, which a circuit represents: the limit must vanish
)
claim = define(
    "quantum-linearity",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(
            draws=16, restarts=3, steps=300, mlp_steps=1000, mixtures=100, fit_seeds=5, fit_steps=1200
        ),
        # 3,000 steps: at 1,200, exponential-encoding fits of |x| and the product were still improving at the cap
        "site": exp.Config(fit_seeds=5, fit_steps=3000),
        "full": exp.Config(
            max_layers=10,
            draws=256,
            restarts=16,
            steps=2000,
            mixtures=2000,
            check_circuits=10,
            fit_seeds=10,
            fit_steps=3000,
            fit_points=64,
        ),
    },
    expected="partly",
    headline="ratio_step",
    trains=True,
)
