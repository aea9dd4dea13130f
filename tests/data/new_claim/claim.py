"""Claim toy-matmul, filled in by the new-claim test: a matrix product's work grows as n³."""

from __future__ import annotations

from dataclasses import replace

from experiments import toy_matmul as exp
from kanguri.claim import define
from kanguri.kit import Robustness, Words, control_rule, slope_in_band, synthetic
from kanguri.report import Report
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {"low": 2.9, "high": 3.1}  # n³ up to rounding in the counted work
T = THRESHOLDS
ROBUSTNESS = Robustness(knobs={"sizes": ((8, 16, 32, 64), (16, 32, 64, 128), (8, 32, 128)), "seed": (0, 1)})


rule: Rule[exp.Evidence] = Rule(
    checks={"cubic": slope_in_band(W("terms.exponent"), lambda ev: ev.matmul_exponent, T["low"], T["high"])}
)
control = control_rule(
    {"sum": slope_in_band(W("terms.sum_exponent"), lambda ev: ev.add_exponent, T["low"], T["high"])}
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(matmul_exponent=synthetic(3.0), add_exponent=synthetic(2.0))


falsify = Falsification(
    supporting=_supporting,
    null=lambda: replace(_supporting(), matmul_exponent=synthetic(2.0)),
    flips={"cubic": lambda ev: replace(ev, matmul_exponent=synthetic(2.5))},
    control_flips={"sum": lambda ev: replace(ev, add_exponent=synthetic(3.0))},
)


def report(r: exp.Result) -> Report:
    return Report(values=W.values(exponent=r.evidence.matmul_exponent, sum_exponent=r.evidence.add_exponent))


claim = define(
    "toy-matmul",
    globals(),
    experiment=exp.run,
    profiles={"quick": exp.Config(), "site": exp.Config(), "full": exp.Config(sizes=(8, 16, 32, 64, 128))},
    expected="supported",
    headline="exponent",
)
