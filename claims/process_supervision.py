"""Claim process-supervision: Supervising the reasoning steps, not only the final answer, teaches what outcome-only training cannot"""

from __future__ import annotations

from experiments import process_supervision as exp
from kanguri import Anchor, Check, L, Report, Rule, Value, any_accepted, define

THRESHOLDS = {"effect": 0.1}  # TODO: the rule's constants, each with its reason; pages show them by name


def _todo(held) -> str:
    return "not-testable"  # TODO: graded (the default) once the checks below are real


rule: Rule[exp.Evidence] = Rule(
    checks={
        "effect": Check(
            facts=lambda ev: {"value": ev.effect.value, "lo": ev.effect.lo, "bar": THRESHOLDS["effect"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(ja="TODO：効果 {value:.2f}（下限 {lo:.2f}）は {bar} を超えた。", en="TODO: the effect {value:.2f} (lower bound {lo:.2f}) is above {bar}."),
            no=L(ja="TODO：効果 {value:.2f}（下限 {lo:.2f}）は {bar} を超えない。", en="TODO: the effect {value:.2f} (lower bound {lo:.2f}) is not above {bar}."),
        ),
    },
    verdict=_todo,
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "control": Check(
            facts=lambda ev: {"value": ev.control.value, "lo": ev.control.lo, "bar": THRESHOLDS["effect"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(ja="TODO：対照でも基準が成り立った（甘すぎる）。", en="TODO: the criterion accepts the control (too lax)."),
            no=L(ja="TODO：対照 {value:.2f} を基準は棄却した。", en="TODO: the criterion rejects the control, {value:.2f}."),
        ),
    },
    verdict=any_accepted,
)


def report(r: exp.Result) -> Report:
    return Report(values={"effect": Value.of(L(ja="TODO：効果", en="TODO: effect"), r.evidence.effect)})


claim = define(
    "process-supervision",
    statement=L(ja="最終答えだけでなく推論の過程を採点すると、答えだけの学習では身につかないことを学べる", en="Supervising the reasoning steps, not only the final answer, teaches what outcome-only training cannot"),
    question=L(ja="TODO：実験が問うこと", en="TODO: what the experiment asks"),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(samples=100),
        "site": exp.Config(samples=1000),
        "full": exp.Config(samples=100_000),
    },
    rule=rule,
    control=control,
    # TODO: falsify=Falsification(supporting=..., null=..., flips={...}, control_flips={...}), then
    # expected="supported" (or what the evidence says): pytest claims/ then proves the rule can fail.
    report=report,
    thresholds=THRESHOLDS,
    expected="not-testable",
    headline="effect",
    anchors=[
        Anchor(
            cite="TODO: Author et al. YEAR, Journal",
            url="https://example.org",
            theirs=L(ja="TODO：先行研究の数値", en="TODO: their number"),
            ours="effect",
        )
    ],
)
