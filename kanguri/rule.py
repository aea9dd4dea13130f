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


Outcome = bool | None  # holds, fails, or None: undetermined (see :class:`Check`)


class Decision(BaseModel):
    """What a rule decided: the verdict, one sentence per check, the outcomes and the numbers they used.

    ``checks`` maps each check to True (holds), False (fails) or None (undetermined: ``undetermined`` says
    why); ``sanity`` names the checks shown but not counted (they cannot fail in a real run)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    verdict: Verdict
    reasons: list[L] = Field(min_length=1)
    checks: dict[str, Outcome] = {}
    facts: dict[str, Facts] = {}
    # check -> why: "unconverged", "unverified", "straddles" or the claim's own reason
    undetermined: dict[str, str] = {}
    sanity: list[str] = []
    # our extension beyond the essay's words: its checks get their own verdict, and the verdict above is about
    # our reading of the essay alone
    extension: list[str] = []
    extension_verdict: Verdict | None = None


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


UNDETERMINED = "undetermined"  # the facts' reserved key: None, or why the check decides nothing


@dataclass(frozen=True)
class Check(Generic[E]):
    """One sub-check of a rule: the facts it reads, the comparison, and one sentence per outcome.

    A check is *undetermined* when its facts say so (``facts["undetermined"]`` names why: it read runs cut
    off while still improving, unverified inputs, or an interval that straddles its bar); its sentence is then
    followed by ``why[reason]``. A *sanity* check cannot fail in a real run (an identity, a count true by
    construction): the page shows it, the verdict does not count it.
    """

    facts: Callable[[E], Facts]
    holds: Callable[[Facts], bool]
    yes: L  # the sentence when the check holds, with {placeholders} filled from the facts
    no: L  # the sentence when it does not
    why: Mapping[str, L] = field(default_factory=dict)  # reason -> the sentence saying why it is undetermined
    sanity: bool = False
    extension: bool = False  # tests our extension, not the essay's words: its own verdict line

    def __post_init__(self) -> None:
        for text in (self.yes, self.no):
            fields = {lang: sorted(placeholders(t)) for lang, t in text.texts().items()}
            if len({tuple(f) for f in fields.values()}) > 1:
                raise ValueError(f"languages use different placeholders: {fields} in {text.en!r}")

    def evaluate(self, evidence: E) -> tuple[Outcome, L, Facts]:
        facts = self.facts(evidence)
        held = bool(self.holds(facts))
        text = self.yes if held else self.no
        reason = facts.get(UNDETERMINED)
        if reason:
            if reason not in self.why:
                raise ValueError(
                    f"undetermined for {reason!r}, which has no sentence (it has {sorted(self.why)})"
                )
            why = self.why[reason]
            text = L(**{lang: f"{t} {why(lang)}" for lang, t in text.texts().items()})
        filled = text.map(lambda t: typeset(t.format(**facts)))
        return (None if reason else held), filled, facts


def graded(outcomes: Mapping[str, Outcome]) -> Verdict:
    """The usual verdict: every check holds → supported; some hold → partly (so a verdict resting on an
    undetermined check is at most partly); none holds, each failing or undetermined → not-supported."""
    values = list(outcomes.values())
    if all(v is True for v in values):
        return "supported"
    return "partly" if any(v is True for v in values) else "not-supported"


def any_accepted(outcomes: Mapping[str, Outcome]) -> Verdict:
    """For negative controls: if the criterion accepts any control, it is too lax (→ "supported"); if it
    cannot tell for one (undetermined), the control is not cleanly rejected (→ "partly")."""
    values = list(outcomes.values())
    if any(v is True for v in values):
        return "supported"
    return "partly" if any(v is None for v in values) else "not-supported"


@dataclass(frozen=True)
class Rule(Generic[E]):
    """Named checks and the verdict they give together."""

    checks: dict[str, Check[E]]
    verdict: Callable[[Mapping[str, Outcome]], Verdict] = graded

    @property
    def counted(self) -> list[str]:
        """The checks the verdict counts: all but the sanity checks and those of our extension."""
        return [name for name, c in self.checks.items() if not c.sanity and not c.extension]

    @property
    def extension(self) -> list[str]:
        """The checks of our extension beyond the essay's words, which get their own verdict."""
        return [name for name, c in self.checks.items() if c.extension and not c.sanity]

    def outcomes(self, evidence: E) -> dict[str, Outcome]:
        """The outcomes of the counted checks."""
        return {name: self.checks[name].evaluate(evidence)[0] for name in self.counted}

    def decide(self, evidence: E) -> Decision:
        held: dict[str, Outcome] = {}
        reasons, facts, why = [], {}, {}
        for name, check in self.checks.items():
            held[name], text, facts[name] = check.evaluate(evidence)
            reasons.append(text)
            if held[name] is None:
                why[name] = str(facts[name][UNDETERMINED])
        counted = {name: held[name] for name in self.counted}
        sanity = [name for name, c in self.checks.items() if c.sanity]
        ours = {name: held[name] for name in self.extension}
        return Decision(
            verdict=self.verdict(counted),
            reasons=reasons,
            checks=held,
            facts=facts,
            undetermined=why,
            sanity=sanity,
            extension=list(ours),
            extension_verdict=graded(ours) if ours else None,
        )


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
