"""Claim parameter-shift-cost: a quantum gradient by parameter shift costs two circuit runs per parameter, so
its cost in shots grows with the parameter count P, unlike backpropagation's constant factor, and the strongest
practical alternative (SPSA) does not remove the growth. Words: ``parameter_shift_cost.<lang>.yml``; anchors:
``parameter_shift_cost.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import parameter_shift_cost as exp
from experiments.common.stats import Estimate, loglog_slope
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic, unconverged
from kanguri.report import Figure, Report
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    # "grows ∝ P": the exponent's 95% lower bound is above 0.75, halfway between the √P/ε queries of the optimal
    # quantum gradient algorithm (Gilyén et al. 2019, for smooth functions, with fault-tolerant phase oracles) and
    # the P of two runs per parameter
    "grows": 0.75,
    # "a constant factor", backprop's cheap gradient: an exponent below 0.25; the alternative removes the growth
    # unless its exponent's lower bound is above this
    "flat": 0.25,
    "cheap": 5.0,  # Griewank & Walther's bound on (forward + gradient) / forward for reverse mode
    "per_param_low": 1.5,  # executions per parameter at the largest P: two shifts, less the light cone
    "per_param_high": 2.1,
    "simulator": 1e-6,  # our state-vector simulator against lightning.qubit
}
T = THRESHOLDS


def predicted_executions(ev: exp.Evidence) -> list[int]:
    """One forward run, plus two shifted runs for every parameter inside the light cone."""
    return [1 + 2 * (p - z) for p, z in zip(ev.params, ev.light_cone_zeros, strict=True)]


def _above(e: Estimate, bar: float, **extra: object) -> dict:
    """An exponent against a lower bar: holds above, fails when the whole interval is at or below, else undetermined."""
    straddles = not (e.lo > bar or e.hi <= bar)
    return {
        "value": e.value,
        "lo": e.lo,
        "hi": e.hi,
        "bar": bar,
        UNDETERMINED: "straddles" if straddles else None,
    } | extra


def _trained(e: Estimate, bar: float, stops: list[Stop], **extra: object) -> dict:
    """A training exponent against its bar; the method's own runs cut off while still improving decide nothing."""
    facts = _above(e, bar, **extra)
    runs = unconverged(stops)
    if runs[UNDETERMINED]:
        facts[UNDETERMINED] = runs[UNDETERMINED]
    return facts | {"cut": runs["cut"], "runs": runs["runs"]}


def _ps_trained(ev: exp.Evidence) -> dict:
    return _trained(ev.ps_train_exponent, T["grows"], ev.stops["parameter-shift"])


def _spsa(ev: exp.Evidence) -> dict:
    return _trained(ev.spsa_train_exponent, T["flat"], ev.stops["spsa"], ratio=ev.spsa_over_ps.value)


def _counts(ev: exp.Evidence) -> dict:
    counted, predicted = ev.ps_executions, predicted_executions(ev)
    return {"counted": counted[-1], "predicted": predicted[-1], "per_param": counted[-1] / ev.params[-1],
            "all_equal": counted == predicted, "low": T["per_param_low"], "high": T["per_param_high"]}  # fmt: skip


def _mlp(ev: exp.Evidence) -> dict:
    return {
        "ratio": ev.mlp_max_ratio.hi,
        "exponent": ev.mlp_exponent.hi,
        "cheap": T["cheap"],
        "flat": T["flat"],
    }


rule: Rule[exp.Evidence] = Rule(
    checks={
        # counted: what training pays in shots, and whether the strongest practical alternative escapes it
        "ps_train_grows": W.check("ps_train_grows", _ps_trained, lambda f: f["lo"] > f["bar"]),
        "spsa_grows": W.check("spsa_grows", _spsa, lambda f: f["lo"] > f["bar"]),
        # sanity: true by construction (the shots for an ε-accurate gradient are at most P/ε² by arithmetic;
        # PennyLane skips parameters by the same light-cone rule; a matmul MLP's backward pass is at most 2
        # forward passes; our simulator is a simulator of the same circuit)
        "shots_grow": W.check(
            "shots_grow",
            lambda ev: _above(ev.shots_exponent, T["grows"]),
            lambda f: f["lo"] > f["bar"],
            sanity=True,
        ),
        "ps_counts": W.check(
            "ps_counts",
            _counts,
            lambda f: f["all_equal"] and f["low"] <= f["per_param"] <= f["high"],
            sanity=True,
        ),
        "mlp_cheap": W.check(
            "mlp_cheap", _mlp, lambda f: f["ratio"] < f["cheap"] and f["exponent"] < f["flat"], sanity=True
        ),
        "simulator": W.check(
            "simulator",
            lambda ev: {"error": ev.simulator_error, "bar": T["simulator"]},
            lambda f: f["error"] < f["bar"],
            sanity=True,
        ),
    },
)
# the claim's "grows ∝ P" criterion on a gradient that does not grow: the shots for the same ε on a fixed set of
# parameters (the first layer's) while the circuit deepens
control = control_rule(
    {
        "fixed_subset": W.check(
            "fixed_subset",
            lambda ev: _above(ev.fixed_exponent, T["grows"]),
            lambda f: f["lo"] > f["bar"],
            group="control",
        )
    }
)


def _stops(k: int = 12) -> dict[str, list[Stop]]:
    done = [Stop(steps=10, cap=100, reached=True, still_improving=False)] * k
    return {"parameter-shift": done, "spsa": done}


def _supporting() -> exp.Evidence:
    params, zeros = [4, 8, 16, 32], [2, 3, 3, 3]
    return exp.Evidence(
        shots_exponent=synthetic(1.1, 1.05, 1.15),
        fixed_exponent=synthetic(0.05, 0.02, 0.08),
        ps_train_exponent=synthetic(0.9, 0.8, 1.0),
        spsa_train_exponent=synthetic(0.6, 0.45, 0.75),
        spsa_over_ps=synthetic(0.2, 0.15, 0.25),
        stops=_stops(),
        params=params,
        ps_executions=[1 + 2 * (p - z) for p, z in zip(params, zeros, strict=True)],
        light_cone_zeros=zeros,
        ps_exponent=synthetic(1.1),
        adjoint_exponent=synthetic(0.0),
        backprop_exponent=synthetic(0.1),
        mlp_max_ratio=synthetic(3.0),
        mlp_exponent=synthetic(0.02),
        simulator_error=1e-15,
    )


def _null() -> exp.Evidence:
    """A gradient whose shots do not grow with P, and an alternative that is flat: the effect is absent."""
    return replace(
        _supporting(),
        shots_exponent=synthetic(0.05, 0.0, 0.1),
        ps_train_exponent=synthetic(0.1, 0.0, 0.2),
        spsa_train_exponent=synthetic(0.0, -0.1, 0.1),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "ps_train_grows": lambda ev: replace(ev, ps_train_exponent=synthetic(0.5, 0.45, 0.55)),
        "spsa_grows": lambda ev: replace(ev, spsa_train_exponent=synthetic(0.05, -0.05, 0.15)),
    },
    control_flips={"fixed_subset": lambda ev: replace(ev, fixed_exponent=synthetic(1.0, 0.95, 1.05))},
)


def _fitted(x: list[int], y: list[int], fit_from: int) -> tuple[list[int], list[int]]:
    """The points the exponents are fitted on (P ≥ fit_from), so that every exponent on the page shares a window."""
    kept = [(a, b) for a, b in zip(x, y, strict=True) if a >= fit_from]
    return [a for a, _ in kept], [b for _, b in kept]


def _values(r: exp.Result) -> dict:
    ev, s, m, t = r.evidence, r.shots, r.methods, r.training
    last = len(t.params) - 1
    return W.values(
        shots_exponent=ev.shots_exponent,
        fixed_exponent=ev.fixed_exponent,
        ps_train_exponent=ev.ps_train_exponent,
        spsa_train_exponent=ev.spsa_train_exponent,
        spsa_over_ps=V(ev.spsa_over_ps, digits=2),
        ps_train_shots_max=t.median_shots["parameter-shift"][last],
        spsa_train_shots_max=t.median_shots["spsa"][last],
        train_p_max=t.params[-1],
        spsa_c_max=V(t.best_c[last], digits=3),
        spsa_c_low=V(t.c_grid[0], digits=3),
        spsa_c_high=V(t.c_grid[-1], digits=3),
        converged_share=converged_share([st for runs in ev.stops.values() for st in runs]),
        ps_exponent=ev.ps_exponent,
        adjoint_exponent=ev.adjoint_exponent,
        backprop_exponent=ev.backprop_exponent,
        executions_per_param=ev.ps_executions[-1] / ev.params[-1],
        ps_executions_max=ev.ps_executions[-1],
        p_max=ev.params[-1],
        qubits=r.n_qubits,
        ps_time_exponent=m["parameter-shift"].time_exponent,
        adjoint_time_exponent=m["adjoint"].time_exponent,
        backprop_time_exponent=m["backprop"].time_exponent,
        backprop_work_max=m["backprop"].work_ratio[-1],
        shots_executions_exponent=loglog_slope(*_fitted(s.params, s.executions, r.fit_from)),
        shots_total_max=s.total_shots[-1],
        shots_p_max=s.params[-1],
        epsilon=s.epsilon,
        mlp_ratio_max=ev.mlp_max_ratio,
        mlp_exponent=ev.mlp_exponent,
        mlp_time_max=max(r.mlp.time_ratio),
        mlp_params_max=r.mlp.params[-1],
        simulator_error=V(ev.simulator_error, digits=2),
    )


# the methods, in the order of the table's columns, and their series keys
METHODS = {"parameter-shift": "parameter_shift", "adjoint": "adjoint", "backprop": "backprop"}


def _by_method(r: exp.Result, name: str, ratio: str) -> Figure:
    """A log-log figure with one series per method: its (forward + gradient) / forward ``ratio`` against P."""
    series = [W.series(key, r.evidence.params, getattr(r.methods[m], ratio)) for m, key in METHODS.items()]
    return W.figure(name, series, xscale="log", yscale="log")


def _mlp_figure(mlp: exp.MlpCost) -> Figure:
    ends = [mlp.params[0], mlp.params[-1]]
    return W.figure(
        "mlp",
        [
            W.series("flops", mlp.params, mlp.flop_ratio),
            W.series("time", mlp.params, mlp.time_ratio, style="points"),
            W.series("bound", ends, [T["cheap"]] * 2, style="fit"),
        ],
        xscale="log",
    )


def report(r: exp.Result) -> Report:
    ev, s, m, t = r.evidence, r.shots, r.methods, r.training
    counts = zip(ev.params, ev.light_cone_zeros, predicted_executions(ev),
                 *(m[k].executions for k in METHODS), strict=True)  # fmt: skip
    training = zip(t.params, t.median_shots["parameter-shift"], t.median_steps["parameter-shift"],
                   t.best_rate["parameter-shift"], t.reached["parameter-shift"], t.median_shots["spsa"],
                   t.best_rate["spsa"], t.best_c, t.reached["spsa"], strict=True)  # fmt: skip
    shots = [
        W.series("all_parameters", s.params, s.total_shots),
        W.series("fixed_subset", s.params, s.fixed_shots),
    ]
    trained = [W.series("parameter_shift", t.params, t.median_shots["parameter-shift"]),
               W.series("spsa", t.params, t.median_shots["spsa"])]  # fmt: skip
    return Report(
        values=_values(r),
        tables={
            "counts": W.table("counts", counts),
            "training": W.table("training", training, seeds=t.seeds),
        },
        figures={
            "shots": W.figure("shots", shots, xscale="log", yscale="log"),
            "training": W.figure("training", trained, xscale="log", yscale="log"),
            "work": _by_method(r, "work", "work_ratio"),
            "timing": _by_method(r, "timing", "time_ratio"),
            "mlp": _mlp_figure(r.mlp),
        },
    )


PROFILES = {
    "quick": exp.Config(train_seeds=32),
    "site": exp.Config(layers=(1, 2, 4, 8, 16, 32), timing_repeats=5, shot_layers=(1, 2, 4, 8, 16, 32, 64),
                       shot_draws=64, train_seeds=32, mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048)),
    "full": exp.Config(layers=(1, 2, 4, 8, 16, 32, 64, 128, 256), timing_repeats=15,
                       shot_layers=(1, 2, 4, 8, 16, 32, 64, 128), shot_draws=256, train_seeds=64,
                       train_layers=(1, 2, 4, 8, 16, 32, 64), bootstrap=2000,
                       mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048, 4096)),
}  # fmt: skip
ROBUSTNESS = Robustness(
    base="quick",
    knobs={"n_qubits": (4, 6), "fit_from": (4, 16, 32), "train_shots": (100, 1000)},
    nulls=({"trainable": 4},),
)
claim = define(
    "parameter-shift-cost",
    globals(),
    experiment=exp.run,
    profiles=PROFILES,
    expected="not-supported",
    headline="ps_train_exponent",
    trains=True,
)
