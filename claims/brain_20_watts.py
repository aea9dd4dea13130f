"""Claim brain-20-watts: the brain runs on about 20 W, far below the power of one GPU (the essay's point). Our
extension, per operation (a synaptic event against a GPU's useful FLOP), is a separate, labelled check. Words:
``brain_20_watts.<lang>.yml``; anchors: ``brain_20_watts.anchors.yml``; cited inputs: ``brain_20_watts.sources.yml``.

A check that reads an unverified input is undetermined, whichever way its numbers come out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from experiments import brain_20_watts as exp
from experiments.common.montecarlo import DRAWS
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic, unverified
from kanguri.report import Report, Table
from kanguri.rule import Check, Falsification, Rule

W = Words(__file__)
# "far below": the GPU uses at least ten times as much, over the whole range (an order of magnitude)
THRESHOLDS = {"far": 10.0}
T = THRESHOLDS
# cited input -> the GPU it stands for: the essay names none, so the data-centre range is a knob, from a low-power
# inference card (L4) to the training flagship (H100 SXM)
GPUS = {"gpu_board_power": "H100 PCIe", "h100_power": "H100 SXM", "l4_power": "L4"}


def essay_uses(ev: exp.Evidence) -> tuple[str, ...]:
    """The essay's point: the 20 W against one GPU (which GPU is a knob)."""
    return ("brain_power", ev.gpu_power)


OURS_USES = ("brain_power", "synapses", "rate_low", "rate_high", "h100_power", "h100_bf16")  # per operation
CONTROL_USES = ("brain_power", "synapses", "rate_low", "rate_high", "h100_power", "h100_fp8_sparse")

ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "utilisation": (0.05, 0.4, 1.0),
        "event_flops": (1.0, 10.0),
        "gpu_power": ("l4_power", "gpu_board_power", "h100_power"),
    },
    # a placebo: the brain against itself, where "far below" must fail
    nulls=({"gpu_power": "brain_power"},),
)


def far_below(e: Estimate) -> bool:
    """The criterion: the GPU's figure is at least ``far`` times the brain's, over the whole range."""
    return e.lo >= T["far"]


def _far(
    name: str,
    pick: Callable[[exp.Evidence], Estimate],
    uses: Callable[[exp.Evidence], tuple[str, ...]],
    group: str = "checks",
    extension: bool = False,
) -> Check[exp.Evidence]:
    """The criterion applied to one ratio (GPU ÷ brain); undetermined when it reads an unverified input."""

    def facts(ev: exp.Evidence) -> dict:
        e = pick(ev)
        return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["far"], "ok": far_below(e),
                "utilisation": ev.utilisation, "k": ev.event_flops, "gpu": GPUS.get(ev.gpu_power, ev.gpu_power),
                **unverified(uses(ev), ev.unverified)}  # fmt: skip

    return W.check(name, facts, lambda f: f["ok"], group=group, extension=extension)


rule: Rule[exp.Evidence] = Rule(
    checks={
        "power_far_below": _far("power_far_below", lambda ev: ev.power_ratio, essay_uses),
        # our extension, judged on its own line: the verdict above is about the essay's 20 W alone
        "per_op_far_below": _far(
            "per_op_far_below", lambda ev: ev.per_op_ratio, lambda ev: OURS_USES, extension=True
        ),
    },
)


def _favourable(ev: exp.Evidence) -> dict:
    e = ev.favourable_ratio
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["far"], "ok": far_below(e),
            "utilisation": ev.utilisation}  # fmt: skip


# the criterion at the GPU's most favourable cited figure (FP8, sparse), one event = one FLOP, where "far
# below" must fail; its inputs' status is shown beside the per-operation check
control = control_rule(
    {"most_favourable_gpu": W.check("most_favourable_gpu", _favourable, lambda f: f["ok"], group="control")}
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        power_ratio=synthetic(35.0),
        per_op_ratio=synthetic(300.0, 50.0, 2000.0),
        favourable_ratio=synthetic(2.0, 0.5, 8.0),
        utilisation=0.4,
        event_flops=1.0,
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
        utilisation=ev.utilisation,
        event_flops=ev.event_flops,
        joules_per_event=V(r.joules_per_event, unit="joules", digits=2),
        **{f"joules_per_flop_{a}": V(e, unit="joules", digits=3) for a, e in r.joules_per_flop.items()},
    )
    return Report(values=values, tables={"units": _units(r)})


claim = define(
    "brain-20-watts",
    globals(),
    experiment=exp.run,
    profiles={profile: exp.Config(samples=n) for profile, n in DRAWS.items()},
    expected="supported",
    headline="power_ratio",
)
