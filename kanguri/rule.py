"""Verdict rules: named checks over a claim's evidence, each with one whole sentence per outcome.

A rule is a table of :class:`Check` entries. A check reads the numbers it needs from the evidence (``facts``),
compares them (``holds``) and explains itself with one sentence for each outcome, written in both languages
with the same named placeholders, like Material's ``t(key)`` translations::

    Check(
        facts=lambda e: {"lo": e.exponent.lo, "bar": GROWS},
        holds=lambda f: f["lo"] > f["bar"],
        yes=L(ja="指数の下限 {lo:.2f} は {bar} を超えた。", en="The exponent's lower bound {lo:.2f} is above {bar}."),
        no=L(ja="指数の下限 {lo:.2f} は {bar} を超えなかった。", en="The exponent's lower bound {lo:.2f} is not above {bar}."),
    )

The verdict is a function of the outcomes only, so a rule is a pure comparison over the record, and every
number it used is kept beside the decision. :class:`Falsification` holds the synthetic evidence that proves a
rule can fail: a null result must give ``not-supported`` and every check must be able to flip on its own.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from kanguri.text import L

E = TypeVar("E")  # a claim's evidence: the numbers its verdict rests on
Verdict = Literal["supported", "partly", "not-supported", "not-testable"]
Facts = dict[str, Any]


class Decision(BaseModel):
    """What a rule decided: the verdict, one sentence per check, the outcomes and the numbers they used."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    verdict: Verdict
    reasons: list[L] = Field(min_length=1)
    checks: dict[str, bool] = {}
    facts: dict[str, Facts] = {}


def placeholders(text: str) -> set[str]:
    """The named fields of a ``str.format`` template: ``"{x:.2f} of {n}"`` → ``{"x", "n"}``."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


_SUPERSCRIPT = str.maketrans(
    "-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)
_E_NOTATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([-+]?)0*(\d+)\b")


def _sci(m: re.Match[str]) -> str:
    exponent = ("-" if m[2] == "-" else "") + m[3]
    return f"{m[1]} × 10{exponent.translate(_SUPERSCRIPT)}"


def typeset(text: str) -> str:
    """Numbers as the pages print them: a true minus sign (U+2212), and ``5.8 × 10⁻¹⁶`` for ``5.8e-16``."""
    return re.sub(r"(?<![\w.])-(?=\d)", "\u2212", _E_NOTATION.sub(_sci, text))


@dataclass(frozen=True)
class Check(Generic[E]):
    """One sub-check of a rule: the facts it reads, the comparison, and one sentence per outcome."""

    facts: Callable[[E], Facts]
    holds: Callable[[Facts], bool]
    yes: L  # the sentence when the check holds, with {placeholders} filled from the facts
    no: L  # the sentence when it does not

    def __post_init__(self) -> None:
        for text in (self.yes, self.no):
            fields = {lang: sorted(placeholders(t)) for lang, t in text.texts().items()}
            if len({tuple(f) for f in fields.values()}) > 1:
                raise ValueError(f"languages use different placeholders: {fields} in {text.en!r}")

    def evaluate(self, evidence: E) -> tuple[bool, L, Facts]:
        facts = self.facts(evidence)
        held = bool(self.holds(facts))
        text = self.yes if held else self.no
        filled = text.map(lambda t: typeset(t.format(**facts)))
        return held, filled, facts


def graded(outcomes: Mapping[str, bool]) -> Verdict:
    """The usual verdict: every check holds → supported, some → partly, none → not-supported."""
    if all(outcomes.values()):
        return "supported"
    return "partly" if any(outcomes.values()) else "not-supported"


def any_accepted(outcomes: Mapping[str, bool]) -> Verdict:
    """For negative controls: if the criterion accepts any control, it is too lax (→ "supported")."""
    return "supported" if any(outcomes.values()) else "not-supported"


@dataclass(frozen=True)
class Rule(Generic[E]):
    """Named checks and the verdict they give together."""

    checks: dict[str, Check[E]]
    verdict: Callable[[Mapping[str, bool]], Verdict] = graded

    def outcomes(self, evidence: E) -> dict[str, bool]:
        return {name: check.evaluate(evidence)[0] for name, check in self.checks.items()}

    def decide(self, evidence: E) -> Decision:
        held, reasons, facts = {}, [], {}
        for name, check in self.checks.items():
            held[name], text, facts[name] = check.evaluate(evidence)
            reasons.append(text)
        return Decision(verdict=self.verdict(held), reasons=reasons, checks=held, facts=facts)


@dataclass(frozen=True)
class Falsification(Generic[E]):
    """Synthetic evidence showing that a rule and its control can fail (run by ``pytest claims/``).

    - ``supporting``: the effect is present; the rule says supported and the control is rejected.
    - ``null``: the effect is absent; the rule must say not-supported.
    - ``flips``: for every check of the rule, a change to ``supporting`` after which that check alone fails.
    - ``control_flips``: for every check of the control, a change after which the control accepts.
    """

    supporting: Callable[[], E]
    null: Callable[[], E]
    flips: dict[str, Callable[[E], E]]
    control_flips: dict[str, Callable[[E], E]] = field(default_factory=dict)
