"""Claim parameter-shift-cost: a quantum gradient by parameter shift costs two circuit runs per parameter,
while backpropagation costs a constant multiple of one forward pass. Words: ``parameter_shift_cost.<lang>.yml``;
anchors: ``parameter_shift_cost.anchors.yml``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from experiments import parameter_shift_cost as exp
from experiments.common.stats import Estimate, loglog_slope
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Figure, Report
from kanguri.rule import Check, Falsification, Rule, Verdict

W = Words(__file__)
THRESHOLDS = {
    "grows": 0.75,  # "cost grows ∝ P": the exponent's 95% lower bound is above this
    "cheap": 5.0,  # Griewank & Walther's bound on (forward + gradient) / forward for reverse mode
    "flat": 0.25,  # "a constant factor": the exponent's 95% upper bound is below this
    "per_param_low": 1.5,  # executions per parameter at the largest P: two shifts, less the light cone
    "per_param_high": 2.1,
}
T = THRESHOLDS


def predicted_executions(ev: exp.Evidence) -> list[int]:
    """One forward run, plus two shifted runs for every parameter inside the light cone."""
    return [1 + 2 * (p - z) for p, z in zip(ev.params, ev.light_cone_zeros, strict=True)]


def _exponent(e: Estimate, **extra: object) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi} | extra


def _verdict(held: Mapping[str, bool]) -> Verdict:
    if all(held.values()):
        return "supported"
    return "partly" if held["ps_grows"] and held["ps_counts"] else "not-supported"


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
        "ps_counts": W.check(
            "ps_counts", _counts, lambda f: f["all_equal"] and f["low"] <= f["per_param"] <= f["high"]
        ),
        "ps_grows": W.check(
            "ps_grows", lambda ev: _exponent(ev.ps_exponent, bar=T["grows"]), lambda f: f["lo"] > f["bar"]
        ),
        "mlp_cheap": W.check(
            "mlp_cheap", _mlp, lambda f: f["ratio"] < f["cheap"] and f["exponent"] < f["flat"]
        ),
    },
    verdict=_verdict,
)


def _grows(name: str, pick: Callable[[exp.Evidence], Estimate]) -> Check[exp.Evidence]:
    """The claim's own "grows ∝ P" criterion, on a method that computes every gradient in one pass."""
    return W.check(
        "grows",
        lambda ev: _exponent(pick(ev), name=name, bar=T["grows"]),
        lambda f: f["lo"] > f["bar"],
        group="control",
    )


# the same criterion on two methods that compute every gradient in one pass; their names, in the facts, read
# the same in both languages
control = control_rule(
    {
        "adjoint": _grows("adjoint (lightning.qubit)", lambda ev: ev.adjoint_exponent),
        "backprop": _grows("backprop (default.qubit)", lambda ev: ev.backprop_exponent),
    }
)


def _supporting() -> exp.Evidence:
    params, zeros = [4, 8, 16, 32, 64], [2, 3, 3, 3, 3]
    return exp.Evidence(
        params=params,
        ps_executions=[1 + 2 * (p - z) for p, z in zip(params, zeros, strict=True)],
        light_cone_zeros=zeros,
        ps_exponent=synthetic(1.1),
        adjoint_exponent=synthetic(0.0),
        backprop_exponent=synthetic(0.1),
        mlp_max_ratio=synthetic(3.0),
        mlp_exponent=synthetic(0.02),
    )


def _null() -> exp.Evidence:
    """A gradient that costs one pass whatever P: the effect the claim describes is absent."""
    return replace(_supporting(), ps_executions=[2] * 5, ps_exponent=synthetic(0.0))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "ps_counts": lambda ev: replace(ev, ps_executions=[*ev.ps_executions[:-1], ev.ps_executions[-1] + 2]),
        "ps_grows": lambda ev: replace(ev, ps_exponent=synthetic(0.6)),
        "mlp_cheap": lambda ev: replace(ev, mlp_max_ratio=synthetic(12.0)),
    },
    control_flips={
        "adjoint": lambda ev: replace(ev, adjoint_exponent=synthetic(1.0)),
        "backprop": lambda ev: replace(ev, backprop_exponent=synthetic(1.0)),
    },
)


def _values(r: exp.Result) -> dict:
    ev, s, m = r.evidence, r.shots, r.methods
    return W.values(
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
        shots_exponent=s.exponent,
        shots_executions_exponent=loglog_slope(s.params, s.executions),
        shots_spread_exponent=loglog_slope(s.params, [x**2 for x in s.sigma_at_shots]),
        shots_total_max=s.total_shots[-1],
        epsilon=s.epsilon,
        mlp_ratio_max=ev.mlp_max_ratio,
        mlp_exponent=ev.mlp_exponent,
        mlp_time_max=max(r.mlp.time_ratio),
        mlp_params_max=r.mlp.params[-1],
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
    ev, s, m = r.evidence, r.shots, r.methods
    counts = zip(ev.params, ev.light_cone_zeros, predicted_executions(ev),
                 *(m[k].executions for k in METHODS), strict=True)  # fmt: skip
    shots = W.series("measured", s.params, s.total_shots)
    return Report(
        values=_values(r),
        tables={"counts": W.table("counts", counts)},
        figures={
            "work": _by_method(r, "work", "work_ratio"),
            "timing": _by_method(r, "timing", "time_ratio"),
            "shots": W.figure("shots", [shots], xscale="log", yscale="log"),
            "mlp": _mlp_figure(r.mlp),
        },
    )


PROFILES = {
    "quick": exp.Config(params=(4, 8, 16, 32, 64, 128), shot_params=(4, 8, 16, 32), shot_repeats=16,
                        mlp_widths=(16, 64, 256, 1024)),
    "site": exp.Config(params=(4, 8, 16, 32, 64, 128, 256), timing_repeats=7, shot_params=(4, 8, 16, 24, 32, 64),
                       shot_repeats=64, mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048)),
    "full": exp.Config(params=(4, 8, 16, 32, 64, 128, 256, 512, 1024), timing_repeats=15,
                       shot_params=(4, 8, 16, 32, 64, 128, 256), shot_repeats=256,
                       mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048, 4096)),
}  # fmt: skip
claim = define(
    "parameter-shift-cost",
    globals(),
    experiment=exp.run,
    profiles=PROFILES,
    expected="supported",
    headline="ps_exponent",
)
