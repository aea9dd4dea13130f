"""Claim brain-20-watts: the brain runs on about 20 W, far below a GPU, per operation too. Words:
``brain_20_watts.<lang>.yml``; anchors: ``brain_20_watts.anchors.yml``; cited inputs: ``brain_20_watts.sources.yml``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from experiments import brain_20_watts as exp
from experiments.common.montecarlo import DRAWS
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, synthetic
from kanguri.report import Report, Table
from kanguri.rule import Check, Falsification, Rule
from kanguri.sources import INPUTS_CHECKED, graded_on_checked_inputs, inputs_checked

W = Words(__file__)
# "far below": the GPU uses at least ten times as much, over the whole range (an order of magnitude)
THRESHOLDS = {"far": 10.0}
T = THRESHOLDS
USES = ("brain_power", "gpu_board_power", "synapses", "rate_low", "rate_high", "h100_power", "h100_bf16")


def far_below(e: Estimate) -> bool:
    """The criterion: the GPU's figure is at least ``far`` times the brain's, over the whole range."""
    return e.lo >= T["far"]


def _far(name: str, pick: Callable[[exp.Evidence], Estimate], group: str = "checks") -> Check[exp.Evidence]:
    """The criterion applied to one ratio (GPU ÷ brain)."""

    def facts(ev: exp.Evidence) -> dict:
        e = pick(ev)
        return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["far"], "ok": far_below(e)}

    return W.check(name, facts, lambda f: f["ok"], group=group)


rule: Rule[exp.Evidence] = Rule(
    checks={
        "power_far_below": _far("power_far_below", lambda ev: ev.power_ratio),
        "per_op_far_below": _far("per_op_far_below", lambda ev: ev.per_op_ratio),
        INPUTS_CHECKED: inputs_checked(USES),
    },
    verdict=graded_on_checked_inputs,
)
# the same criterion at the GPU's most favourable figure (FP8, sparse), where "far below" must fail
control = control_rule(
    {"most_favourable_gpu": _far("most_favourable_gpu", lambda ev: ev.favourable_ratio, "control")}
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        power_ratio=synthetic(35.0),
        per_op_ratio=synthetic(300.0, 50.0, 2000.0),
        favourable_ratio=synthetic(2.0, 0.5, 8.0),
        unverified=(),
    )


def _null() -> exp.Evidence:
    """A brain that draws what a GPU draws and spends what a GPU spends per operation."""
    return replace(_supporting(), power_ratio=synthetic(1.0), per_op_ratio=synthetic(1.0, 0.3, 3.0))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "power_far_below": lambda ev: replace(ev, power_ratio=synthetic(3.0)),
        "per_op_far_below": lambda ev: replace(ev, per_op_ratio=synthetic(5.0, 0.8, 40.0)),
        INPUTS_CHECKED: lambda ev: replace(ev, unverified=("h100_bf16",)),
    },
    control_flips={
        "most_favourable_gpu": lambda ev: replace(ev, favourable_ratio=synthetic(200.0, 30.0, 900.0))
    },
)


def _units(r: exp.Result) -> Table:
    """GPU ÷ brain per operation, for each machine and each count of FLOPs per synaptic event."""
    ks = list(next(iter(r.ratios.values())))
    heads = [W("tables.units.columns.0"), *(W("tables.units.per_event", k=k) for k in ks)]
    rows = [
        [W(f"terms.machines.{a}"), *[float(f"{by_k[k].value:.3g}") for k in ks]]
        for a, by_k in r.ratios.items()
    ]
    return W.table("units", rows, columns=heads)


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = W.values(
        power_ratio=ev.power_ratio,
        per_op_ratio=V(ev.per_op_ratio, digits=2),
        favourable_ratio=V(ev.favourable_ratio, digits=2),
        joules_per_event=V(r.joules_per_event, unit="joules", digits=2),
        **{f"joules_per_flop_{a}": V(e, unit="joules", digits=3) for a, e in r.joules_per_flop.items()},
    )
    return Report(values=values, tables={"units": _units(r)})


claim = define(
    "brain-20-watts",
    globals(),
    experiment=exp.run,
    profiles={profile: exp.Config(samples=n) for profile, n in DRAWS.items()},
    expected="partly",
    headline="per_op_ratio",
)
