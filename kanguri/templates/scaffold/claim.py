"""Claim __CLAIM_ID__. Words: __MODULE__.<lang>.yml; anchors: __MODULE__.anchors.yml.

TODO, in this order: make the experiment real; replace the placeholder check with the claim's checks (each with
its two sentences in the message catalogues); make the falsification cases fit them; declare the knobs a
reviewer would accept (``ROBUSTNESS``, fixed before you look at the verdict); then drop ``verdict=`` from the
rule and set ``expected`` to what the evidence says. ``pytest claims/ -k __MODULE__`` runs it all.
"""

from __future__ import annotations

from dataclasses import replace

from experiments import __MODULE__ as exp
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, interval, synthetic
from kanguri.report import Report
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {"effect": 0.1}  # TODO: each constant with its reason: why this bar and not another
# TODO: the setup choices that could decide the verdict, each over the range a domain expert would accept (the
# reasons are in the words, under knobs); the site build reruns the rule at every combination
ROBUSTNESS = Robustness(knobs={"samples": (50, 100, 200), "seed": (0, 1)})


def _effect(ev: exp.Evidence) -> dict:
    return interval(ev.effect, bar=THRESHOLDS["effect"])


def _control(ev: exp.Evidence) -> dict:
    return interval(
        ev.control, bar=THRESHOLDS["effect"]
    )  # the same criterion, where the effect must be absent


def _above(f: dict) -> bool:
    return f["lo"] > f["bar"]


rule: Rule[exp.Evidence] = Rule(
    checks={"effect": W.check("effect", _effect, _above)},
    verdict=lambda held: "not-testable",  # TODO: remove (the default, graded) once the checks are real
)
control = control_rule({"control": W.check("control", _control, _above, group="control")})


# Falsification: synthetic evidence that proves the rule can fail. `supporting` passes every check and the
# control rejects it; `null` (no effect) must read not-supported; each flip makes exactly one check fail; each
# control flip makes the control accept. pytest claims/ runs these once `expected` is a real verdict.
def _supporting() -> exp.Evidence:
    return exp.Evidence(effect=synthetic(0.5, 0.4, 0.6), control=synthetic(0.0, -0.1, 0.1))


falsify = Falsification(
    supporting=_supporting,
    null=lambda: replace(_supporting(), effect=synthetic(0.0, -0.1, 0.1)),
    flips={"effect": lambda ev: replace(ev, effect=synthetic(0.12, 0.05, 0.2))},
    control_flips={"control": lambda ev: replace(ev, control=synthetic(0.5, 0.4, 0.6))},
)


def report(r: exp.Result) -> Report:
    return Report(values=W.values(effect=V(r.evidence.effect, digits=2)))


claim = define(
    "__CLAIM_ID__",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(samples=100),
        "site": exp.Config(samples=1000),
        "full": exp.Config(samples=100_000),
    },
    expected="not-testable",
    headline="effect",
)
