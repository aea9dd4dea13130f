"""Claim repetition-vs-engineered-weights: learning synaptic strengths by repetition is slow and duplicated;
engineered or copied weights are instant. Words: ``repetition_vs_engineered_weights.<lang>.yml``; anchors:
``repetition_vs_engineered_weights.anchors.yml``.

The iterative method is the strongest we run (conjugate gradient in the main specification; the optimal fixed step
in half of the robustness map), it stops at the closed form's own quality in the main specification (laxer stopping
rules are mapped), and the one-shot comparator is the strongest we know (the projection rule): the verdict does not
rest on a weak opponent on either side."""

from __future__ import annotations

from dataclasses import replace

from experiments import repetition_vs_engineered_weights as exp
from experiments.common.stats import Estimate
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic, unconverged
from kanguri.report import Report, Value
from kanguri.rule import UNDETERMINED, Falsification, Rule
from kanguri.text import L

W = Words(__file__)
THRESHOLDS = {
    "slow": 10.0,  # "slow": the iterative method needs more than 10 passes and 10× the closed form's FLOPs
    "duplicated": 0.5,  # K learners cost at least half of K × one learner: the work is repeated, not shared
    "instant": 0.01,  # "instant": a transfer costs under 1 % of one learner's FLOPs (elements copied count as one each)
    # non-inferiority margin: one-shot recall may trail iterative recall by at most 5 points of the patterns
    # (the lower bound of their paired difference), about one pattern in twenty
    "worse_by": 0.05,
    # a rule "recalls" when the upper bound of its share recalled reaches half the patterns; when neither rule
    # does, "as good" would hold vacuously, so the comparison decides nothing
    "recalls": 0.5,
}
T = THRESHOLDS
# for the page, not the rule: a storage rule "recalls nearly all" patterns at a load from this share on
RECALLED = 0.9

# The reasons are in the words (knobs.<name>.reason); "exact" became the main stop after the first version
# (margin 0.5) had read partly, on a referee's equal-quality point. The cost side: the
# iterative method and its stopping rule, whose main value is the closed form's own quality ("exact": the fair
# comparison at equal quality), with the laxer sign-with-margin rules as the other values. The storage side: the
# load, from 0.3 (twice Hebb's capacity) to 0.5 (half the capacity of margin-0.5 learning, α_c ≈ 0.96), and the
# cue noise, the choice most likely to flip "as good". 3 × 2 × 3 × 2 = 36 specifications.
ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "stop": tuple(exp.STOPS),
        "method": exp.METHODS,
        "capacity_load": (0.3, 0.4, 0.5),
        "corruption": (0.1, 0.2),
    },
    # local Hebbian storage above its known capacity (≈ 0.14 N): one-shot weights must then lose
    nulls=({"one_shot": "hebbian"},),
)


def _instant(share: float) -> bool:
    return share < T["instant"]


def _slow_facts(e: Estimate, r: Estimate) -> dict:
    """Holds when both lower bounds clear the bar, fails when either upper bound does not reach it."""
    bar = T["slow"]
    passes, fails = e.lo > bar and r.lo > bar, e.hi <= bar or r.hi <= bar
    return {"epochs": e.value, "epochs_lo": e.lo, "epochs_hi": e.hi,
            "ratio": r.value, "ratio_lo": r.lo, "ratio_hi": r.hi, "bar": bar,
            UNDETERMINED: None if passes or fails else "straddles"}  # fmt: skip


def _slow(ev: exp.Evidence) -> dict:
    return _slow_facts(ev.epochs, ev.flop_ratio)


def _is_slow(f: dict) -> bool:
    return bool(f["epochs_lo"] > f["bar"] and f["ratio_lo"] > f["bar"])


def _duplicated(ev: exp.Evidence) -> dict:
    k, dup, copy = ev.students, ev.duplicate_ratio, ev.copy_share
    return {"dup": dup, "k": k, "copy": copy, "bar": T["duplicated"], "instant": T["instant"]}


def _as_good(one: Estimate, gap: Estimate, ev: exp.Evidence) -> dict:
    """Non-inferiority of one-shot recall against iterative recall at the same load, on the same patterns and
    cues: holds when the lower bound of their paired difference is above −margin, fails when its upper bound is
    not; undetermined when it straddles, when neither rule recalls, or when iterative runs were cut off."""
    it, bar = ev.iterative_recall, -T["worse_by"]
    why = unconverged(ev.stops)
    if why[UNDETERMINED] is None and max(one.hi, it.hi) < T["recalls"]:
        why[UNDETERMINED] = "neither"
    if why[UNDETERMINED] is None and not (gap.lo > bar or gap.hi <= bar):
        why[UNDETERMINED] = "straddles"
    return {"one": one.value, "it": it.value, "gap": gap.value, "gap_lo": gap.lo, "gap_hi": gap.hi,
            "margin": T["worse_by"], "recalls": T["recalls"], "load": ev.load, **why}  # fmt: skip


def _not_worse(f: dict) -> bool:
    return bool(f["gap_lo"] > -f["margin"])


rule: Rule[exp.Evidence] = Rule(
    checks={
        "repetition_slow": W.check("repetition_slow", _slow, _is_slow),
        # K independent learners cost K times one, and a copy one write per weight, by construction: shown, not
        # counted (the essay's "instant" is this copy of strengths already known)
        "duplicated_not_copied": W.check(
            "duplicated_not_copied",
            _duplicated,
            lambda f: f["dup"] >= f["bar"] * f["k"] and _instant(f["copy"]),
            sanity=True,
        ),
        "one_shot_as_good": W.check(
            "one_shot_as_good", lambda ev: _as_good(ev.one_shot_recall, ev.one_shot_gap, ev), _not_worse
        ),
    },
)
# three real runs where the criteria must reject: the same methods on orthonormal inputs, where one pass is exact
# (the "slow" criterion); a transfer into another architecture, which has to be distilled, not copied (the
# "instant" criterion); and local Hebbian storage above its capacity (the "as good" criterion)
control = control_rule(
    {
        "orthonormal_inputs": W.check(
            "orthonormal_inputs",
            lambda ev: _slow_facts(ev.control_epochs, ev.control_flop_ratio),
            _is_slow,
            group="control",
        ),
        "other_architecture": W.check(
            "other_architecture",
            lambda ev: {"value": ev.distill_share.value, "lo": ev.distill_share.lo, "bar": T["instant"]},
            lambda f: _instant(f["value"]),
            group="control",
        ),
        # the same comparator as the rule's check, so undetermined for the same reasons
        "hebbian_one_shot": W.check(
            "hebbian_one_shot",
            lambda ev: _as_good(ev.hebbian_recall, ev.hebbian_gap, ev),
            _not_worse,
            group="control",
        ),
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        method="cg",
        stop="exact",
        epochs=synthetic(45, 30, 60),
        flop_ratio=synthetic(17, 12, 22),
        control_epochs=synthetic(1),
        control_flop_ratio=synthetic(0.8),
        students=4,
        duplicate_ratio=4.0,
        copy_share=1e-4,
        distill_share=synthetic(100, 90, 110),
        load=0.3,
        one_shot="projection",
        one_shot_recall=synthetic(1.0, 0.98, 1.0),
        hebbian_recall=synthetic(0.01, 0.0, 0.04),
        iterative_recall=synthetic(0.9, 0.82, 0.97),
        one_shot_gap=synthetic(0.1, 0.03, 0.17),
        hebbian_gap=synthetic(-0.89, -0.95, -0.83),
        stops=(Stop(10, 1000, True, False),) * 4,
    )


def _null() -> exp.Evidence:
    """Learning as cheap as writing the answer, and one-shot storage that fails."""
    return replace(
        _supporting(),
        epochs=synthetic(2, 1, 3),
        flop_ratio=synthetic(1.2, 1.1, 1.3),
        one_shot_recall=synthetic(0.0),
        one_shot_gap=synthetic(-0.9, -0.97, -0.83),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "repetition_slow": lambda ev: replace(ev, flop_ratio=synthetic(4, 3, 5)),
        "one_shot_as_good": lambda ev: replace(
            ev, one_shot_recall=synthetic(0.8, 0.75, 0.85), one_shot_gap=synthetic(-0.1, -0.15, -0.06)
        ),
    },
    control_flips={
        "orthonormal_inputs": lambda ev: replace(
            ev, control_epochs=synthetic(45, 30, 60), control_flop_ratio=synthetic(17, 12, 22)
        ),
        "other_architecture": lambda ev: replace(ev, distill_share=synthetic(0.001, 0.0005, 0.0015)),
        "hebbian_one_shot": lambda ev: replace(
            ev, hebbian_recall=synthetic(0.95, 0.9, 1.0), hebbian_gap=synthetic(0.05, 0.0, 0.1)
        ),
    },
)


def _edge(loads: list[float], recall: list[float]) -> float:
    """The highest load up to which a rule recalls nearly all patterns at every load (0 when none)."""
    edge = 0.0
    for load, share in zip(loads, recall, strict=True):
        if share < RECALLED:
            break
        edge = load
    return edge


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    values = W.values(
        epochs=ev.epochs,
        flop_ratio=ev.flop_ratio,
        flop_ratio_tuned=r.ratio["gd_tuned"],
        epochs_tuned=r.passes["gd_tuned"],
        flop_ratio_cg=r.ratio["cg"],
        epochs_cg=r.passes["cg"],
        time_ratio=r.time_ratio[-1],
        duplicate_ratio=ev.duplicate_ratio,
        students=r.students,
        copy_share=ev.copy_share,
        distill_share=ev.distill_share,
        projection_recall=r.recall_at["projection"],
        hebbian_recall=ev.hebbian_recall,
        iterative_recall=ev.iterative_recall,
        recall_gap=ev.one_shot_gap,
        control_epochs=ev.control_epochs,
        control_flop_ratio=ev.control_flop_ratio,
        iterative_epochs=r.iterative_epochs,
        storage_flop_ratio=r.storage_flops["iterative"] / r.storage_flops["projection"],
        p_max=r.patterns[-1],
        converged_share=converged_share(r.stops),
    )
    # the labels name the method and the number of learners
    method = W(f"terms.methods.{ev.method}")
    for name in ("epochs", "flop_ratio"):
        label = L(**{lang: t.format(method=method(lang)) for lang, t in W(f"values.{name}").texts().items()})
        values[name] = values[name].model_copy(update={"label": label})
    for rule in ("projection", "iterative"):
        edge = _edge(r.loads, r.recall[rule])  # a load of the grid, shown as written (0.4, not 0.400)
        shown = V(edge, digits=len(f"{edge:g}".split(".")[-1].lstrip("0")) or 1)
        values[f"{rule}_edge"] = W.value(f"{rule}_edge", shown, share=RECALLED)
    values["duplicate_ratio"] = values["duplicate_ratio"].model_copy(
        update={"label": W("values.duplicate_ratio", k=r.students)}
    )
    return values


def report(r: exp.Result) -> Report:
    cost = [
        W.series("gd_tuned", r.patterns, r.flops["gd_tuned"], style="points"),
        W.series("cg", r.patterns, r.flops["cg"], style="points"),
        W.series("closed_form", r.patterns, r.closed_flops, style="points"),
    ]
    recall = [
        W.series("projection", r.loads, r.recall["projection"]),
        W.series("hebbian", r.loads, r.recall["hebbian"]),
        W.series("iterative", r.loads, r.recall["iterative"]),
    ]
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
        # the main specification reads conjugate gradient, the strongest iterative method (no precomputed step),
        # stopped at the closed form's quality (Config.stop = "exact")
        "quick": exp.Config(method="cg"),
        "site": exp.Config(method="cg", seeds=10, neurons=200),
        "full": exp.Config(method="cg", seeds=30, neurons=500, inputs=256, outputs=64),
    },
    expected="supported",
    headline="flop_ratio",
    trains=True,
)
