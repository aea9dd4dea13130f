"""Claim efficiency-over-scale: brain-like (spiking) computation trades speed and trainability for energy
efficiency. Words: ``efficiency_over_scale.<lang>.yml``; anchors: ``efficiency_over_scale.anchors.yml``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import numpy as np

from experiments import efficiency_over_scale as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, synthetic
from kanguri.report import Report, Value
from kanguri.rule import Check, Falsification, Rule, Verdict

W = Words(__file__)
THRESHOLDS = {
    "harder": 1.0,  # harder to train: layer evaluations to the target, spiking ÷ conventional, lower bound above 1
    "slower": 0.05,  # slower: reading out after one step instead of T loses more than 5 points (lower bound)
    "cheaper": 1.0,  # cheaper: spiking ÷ conventional energy has its upper bound below 1
}
T = THRESHOLDS


def cheaper(e: Estimate) -> bool:
    """The energy criterion: the spiking network's energy is below the conventional one's across the ranges."""
    return e.hi < T["cheaper"]


def _verdict(held: Mapping[str, bool]) -> Verdict:
    if all(held.values()):
        return "supported"
    trade_offs = held["harder_to_train"] and held["slower"]
    if trade_offs and held["energy_arithmetic"] and not held["energy_with_memory"]:
        return "partly"  # the rule: the advantage disappears once memory is counted
    return "partly" if any(held.values()) else "not-supported"


def _above(name: str, pick: Callable[[exp.Evidence], Estimate], bar: str) -> Check[exp.Evidence]:
    """A cost shown: the lower bound of ``pick`` is above the threshold ``bar``."""
    return W.check(
        name,
        lambda ev: {"value": pick(ev).value, "lo": pick(ev).lo, "bar": T[bar]},
        lambda f: f["lo"] > f["bar"],
    )


def _saving(e: Estimate, **extra: float) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi} | extra | {"ok": cheaper(e)}


def _cheaper(name: str, pick: Callable[[exp.Evidence], Estimate]) -> Check[exp.Evidence]:
    return W.check(name, lambda ev: _saving(pick(ev), bar=T["cheaper"]), lambda f: f["ok"])


rule: Rule[exp.Evidence] = Rule(
    checks={
        "harder_to_train": _above("harder_to_train", lambda ev: ev.training_cost, "harder"),
        "slower": _above("slower", lambda ev: ev.early_readout_loss, "slower"),
        "energy_arithmetic": _cheaper("energy_arithmetic", lambda ev: ev.compute_ratio),
        "energy_with_memory": _cheaper("energy_with_memory", lambda ev: ev.memory_ratio),
    },
    verdict=_verdict,
)
# the same energy criterion on the same network made to fire densely, where no saving must be found
_dense: Check[exp.Evidence] = W.check(
    "dense_firing", lambda ev: _saving(ev.dense_ratio), lambda f: f["ok"], group="control"
)
control = control_rule({"dense_firing": _dense})


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        training_cost=synthetic(5.5, 3.5, 7.5),
        accuracy_loss=synthetic(0.01, 0.0, 0.02),
        early_readout_loss=synthetic(0.17, 0.15, 0.19),
        compute_ratio=synthetic(0.3, 0.2, 0.4),
        memory_ratio=synthetic(0.6, 0.45, 0.75),
        dense_ratio=synthetic(1.4, 1.1, 1.7),
    )


def _null() -> exp.Evidence:
    """A spiking network with no trade-off and no saving: as easy and fast as the conventional one, and dearer."""
    return replace(
        _supporting(),
        training_cost=synthetic(1.0, 0.8, 1.2),
        early_readout_loss=synthetic(0.0, -0.01, 0.01),
        compute_ratio=synthetic(1.5, 1.3, 1.7),
        memory_ratio=synthetic(2.0, 1.7, 2.3),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "harder_to_train": lambda ev: replace(ev, training_cost=synthetic(0.9, 0.7, 1.1)),
        "slower": lambda ev: replace(ev, early_readout_loss=synthetic(0.01, 0.0, 0.02)),
        "energy_arithmetic": lambda ev: replace(ev, compute_ratio=synthetic(1.2, 1.0, 1.4)),
        "energy_with_memory": lambda ev: replace(ev, memory_ratio=synthetic(1.7, 1.4, 2.0)),
    },
    control_flips={"dense_firing": lambda ev: replace(ev, dense_ratio=synthetic(0.5, 0.4, 0.6))},
)


def _mean(xs: Iterable[float]) -> float:
    return float(np.mean(list(xs)))


def _values(r: exp.Result) -> dict[str, Value]:
    ev, cap = r.evidence, max(x.epochs for x in r.ann + r.snn) + 1
    return W.values(
        training_cost=ev.training_cost,
        accuracy_loss=ev.accuracy_loss,
        early_readout_loss=ev.early_readout_loss,
        compute_ratio=ev.compute_ratio,
        memory_ratio=ev.memory_ratio,
        dense_ratio=ev.dense_ratio,
        ann_accuracy=_mean(x.test_accuracy for x in r.ann),
        snn_accuracy=_mean(x.test_accuracy for x in r.snn),
        ann_epochs=_mean(x.epochs_to_target or cap for x in r.ann),
        snn_epochs=_mean(x.epochs_to_target or cap for x in r.snn),
        time_ratio=_mean(s.seconds for s in r.snn) / _mean(a.seconds for a in r.ann),
        hidden_rate=r.hidden_rate,
        input_rate=r.input_rate,
        breakeven_compute=r.breakeven_compute,
        breakeven_memory=r.breakeven_memory,
        e_add=V(exp.ENERGY_PJ["add"], digits=2),
        e_mac=V(exp.ENERGY_PJ["mac"], digits=2),
        e_sram=V(exp.ENERGY_PJ["sram"], digits=2),
        spread=V(exp.SPREAD * 100, digits=2),
        macs=r.macs,
    )


def report(r: exp.Result) -> Report:
    e_ann, e_snn = r.energy_pj["ann"], r.energy_pj["snn"]
    energy = [
        [W(f"series.{name}"), e["arithmetic"], e["memory"], e["arithmetic"] + e["memory"]]
        for name, e in (("conventional", e_ann), ("spiking", e_snn))
    ]
    steps, ann = r.readout_steps, _mean(a.test_accuracy for a in r.ann)
    readout = [
        W.series("spiking", steps, [_mean(s.readout[i] for s in r.snn) for i in range(len(steps))]),
        W.series("conventional", [steps[0], steps[-1]], [ann] * 2, style="fit"),
    ]
    return Report(
        values=_values(r),
        tables={"energy": W.table("energy", energy)},
        figures={"readout": W.figure("readout", readout, xscale="log")},
    )


claim = define(
    "efficiency-over-scale",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=8),
        "full": exp.Config(seeds=20, hidden=512, steps=25, readout_steps=(1, 2, 4, 8, 16, 25), epochs=100),
    },
    expected="partly",
    headline="memory_ratio",
)
