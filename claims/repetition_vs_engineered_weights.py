"""Claim repetition-vs-engineered-weights: learning synaptic strengths by repetition is slow and duplicated;
engineered or copied weights are instant. Words: ``repetition_vs_engineered_weights.<lang>.yml``; anchors:
``repetition_vs_engineered_weights.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import repetition_vs_engineered_weights as exp
from kanguri.claim import define
from kanguri.kit import Words, control_rule, synthetic
from kanguri.report import Report, Value
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "slow": 10.0,  # "slow": gradient descent needs more than 10 passes and 10× the closed form's FLOPs (lower bounds)
    "duplicated": 0.5,  # K learners cost at least half of K × one learner: the work is repeated, not shared
    "instant": 0.01,  # "instant": a transfer costs under 1 % of one learner's FLOPs (elements copied count as one each)
}
T = THRESHOLDS


def _instant(share: float) -> bool:
    return share < T["instant"]


def _slow(ev: exp.Evidence) -> dict:
    e, r = ev.epochs, ev.flop_ratio
    return {"epochs": e.value, "epochs_lo": e.lo, "ratio": r.value, "ratio_lo": r.lo, "bar": T["slow"]}


def _duplicated(ev: exp.Evidence) -> dict:
    k, dup, copy = ev.students, ev.duplicate_ratio, ev.copy_share
    return {"dup": dup, "k": k, "copy": copy, "bar": T["duplicated"], "instant": T["instant"]}


def _one_shot(ev: exp.Evidence) -> dict:
    heb, it = ev.hebbian_recall, ev.iterative_recall
    return {"heb": heb.value, "heb_hi": heb.hi, "it": it.value, "it_lo": it.lo, "load": ev.load}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "repetition_slow": W.check(
            "repetition_slow", _slow, lambda f: f["epochs_lo"] > f["bar"] and f["ratio_lo"] > f["bar"]
        ),
        "duplicated_not_copied": W.check(
            "duplicated_not_copied",
            _duplicated,
            lambda f: f["dup"] >= f["bar"] * f["k"] and _instant(f["copy"]),
        ),
        "one_shot_as_good": W.check("one_shot_as_good", _one_shot, lambda f: f["heb_hi"] >= f["it_lo"]),
    },
)
# the same "instant" criterion on a transfer into another architecture, which has to be distilled, not copied
control = control_rule(
    {
        "other_architecture": W.check(
            "other_architecture",
            lambda ev: {"value": ev.distill_share.value, "lo": ev.distill_share.lo, "bar": T["instant"]},
            lambda f: _instant(f["value"]),
            group="control",
        )
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        epochs=synthetic(380, 230, 530),
        flop_ratio=synthetic(140, 80, 200),
        students=4,
        duplicate_ratio=4.0,
        copy_share=1e-5,
        distill_share=synthetic(12, 11, 13),
        load=0.3,
        hebbian_recall=synthetic(0.9, 0.85, 0.95),
        iterative_recall=synthetic(0.95, 0.92, 0.98),
    )


def _null() -> exp.Evidence:
    """Learning as cheap as writing the answer, copying as dear as learning, and one-shot storage that fails."""
    return replace(
        _supporting(),
        epochs=synthetic(1),
        flop_ratio=synthetic(1.2, 1.1, 1.3),
        copy_share=1.0,
        hebbian_recall=synthetic(0.0),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "repetition_slow": lambda ev: replace(ev, flop_ratio=synthetic(5, 4, 6)),
        "duplicated_not_copied": lambda ev: replace(ev, copy_share=0.5),
        "one_shot_as_good": lambda ev: replace(ev, hebbian_recall=synthetic(0.1, 0.05, 0.15)),
    },
    control_flips={
        "other_architecture": lambda ev: replace(ev, distill_share=synthetic(0.001, 0.0005, 0.0015))
    },
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    values = W.values(
        epochs=ev.epochs,
        flop_ratio=ev.flop_ratio,
        time_ratio=r.time_ratio[-1],
        duplicate_ratio=ev.duplicate_ratio,
        students=r.students,
        copy_share=ev.copy_share,
        distill_share=ev.distill_share,
        hebbian_recall=ev.hebbian_recall,
        iterative_recall=ev.iterative_recall,
        iterative_epochs=r.iterative_epochs,
        storage_flop_ratio=r.iterative_flops / r.hebbian_flops,
        p_max=r.patterns[-1],
    )
    # the label names the number of learners
    values["duplicate_ratio"] = values["duplicate_ratio"].model_copy(
        update={"label": W("values.duplicate_ratio", k=r.students)}
    )
    return values


def report(r: exp.Result) -> Report:
    cost = [
        W.series("gradient_descent", r.patterns, r.gd_flops, style="points"),
        W.series("closed_form", r.patterns, r.closed_flops, style="points"),
    ]
    recall = [W.series("hebbian_one_shot", r.loads, r.hebbian), W.series("iterative", r.loads, r.iterative)]
    return Report(
        values=_values(r),
        figures={
            "cost": W.figure("cost", cost, xscale="log", yscale="log"),
            "recall": W.figure("recall", recall),
        },
    )


claim = define(
    "repetition-vs-engineered-weights",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=10, neurons=200),
        "full": exp.Config(seeds=30, neurons=500, inputs=256, outputs=64, patterns=(32, 64, 128, 192)),
    },
    expected="partly",
    headline="flop_ratio",
)
