"""The claim model: one declarative object per claim, validated when it is defined.

A claim module in ``claims/`` calls :func:`define` once. Its section, kind and titles come from the
catalogue (``claims/catalogue.yml``); the module adds what is claimed and asked (in both languages), the
experiment and its parameters for each profile, the verdict rule, the negative control that the same criterion
must reject, the synthetic cases that prove both can fail, the report and the anchors.

Three kinds of claim:

- *experiment*: an experiment decides it.
- *sourced*: cited inputs (``claims/<module>.sources.yml``) and arithmetic in code decide it; the experiment
  is that arithmetic, and receives the cited ranges as ``inputs``.
- *opinion*: no experiment can decide it; the verdict is ``not-testable``, with the reason and cited evidence
  for and against.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kanguri import registry
from kanguri.errors import ClaimError
from kanguri.messages import Catalogue, catalogue_files, load_catalogue
from kanguri.paths import claims_dir, module_name
from kanguri.report import Report
from kanguri.robustness import Robustness
from kanguri.rule import Falsification, Rule, Verdict
from kanguri.sources import Sources, load_sources
from kanguri.text import L

Section = Literal["gpu", "brain", "quantum"]
Kind = Literal["experiment", "sourced", "opinion"]
Profile = Literal["quick", "site", "full"]
PROFILES: tuple[Profile, ...] = ("quick", "site", "full")
VERDICTS: tuple[Verdict, ...] = ("supported", "partly", "not-supported", "not-testable")
C = TypeVar("C")  # the experiment's config dataclass
R = TypeVar("R")  # the experiment's result dataclass (with an ``evidence`` field)


class Anchor(BaseModel):
    """A published result the page puts beside ours."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    cite: str = Field(min_length=1)  # "Mitarai et al. 2018, Phys. Rev. A 98, 032309"
    url: str = Field(pattern=r"^https?://")
    theirs: L  # their statement or number, in our words
    ours: str | None = None  # name of the report value we put beside it
    # where the number stands and when we checked it; without them the page marks the anchor unverified
    locator: str | None = None  # page, table, figure, or section
    quote: str | None = None  # the figure or sentence as printed
    checked: datetime.date | None = None

    @property
    def verified(self) -> bool:
        return self.locator is not None and self.quote is not None and self.checked is not None


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    section: Section
    kind: Kind
    title: L  # from the catalogue: the one short title used in the nav, the H1 and the index
    statement: L  # the claim as the essay makes it, in our words
    question: L  # what the experiment asks
    anchors: list[Anchor] = Field(min_length=1)
    # experiment and sourced claims
    experiment: Callable[..., Any] | None = None  # config -> result dataclass with an ``evidence`` field
    profiles: dict[str, Any] = {}  # quick / site / full -> the experiment's config dataclass
    rule: Rule[Any] | None = None  # evidence -> verdict
    control: Rule[Any] | None = None  # the same criterion on the negative control; must not support
    falsify: Falsification[Any] | None = None  # synthetic evidence: the rule and the control can fail
    report: Callable[[Any], Report] | None = None  # result -> values, tables, figures for the page
    expected: Verdict = "not-testable"  # what the evidence supports today; pytest fails when it changes
    headline: str | None = None  # report value shown in the claims index
    robustness: Robustness | None = None  # the setup choices a reviewer would accept, run at a cheap profile
    trains: bool = False  # the experiment trains models: its report carries ``converged_share``
    thresholds: dict[str, float] = {}  # the rule's constants, shown on the page by {{ threshold("name") }}
    sources: Sources | None = None  # sourced and opinion claims: the cited inputs
    # opinion claims
    reason: L | None = None  # why no experiment can decide it
    # generous: a timeout catches a hung experiment, not a slow machine (quick runs 5× slower beside burners)
    timeout_s: dict[str, int] = {"quick": 900, "site": 1800, "full": 6 * 3600}
    seed: int = 0
    xfail: bool = False  # a known-broken claim: shown as failed, but the strict build tolerates it

    @model_validator(mode="after")
    def _by_kind(self) -> Claim:
        if self.kind == "opinion":
            missing = [f for f in ("reason", "sources") if getattr(self, f) is None]
            if missing:
                raise ValueError(f"this opinion claim needs {missing}")
            sides = {e.side for e in self.sources.evidence} if self.sources else set()
            if sides != {"for", "against"}:
                raise ValueError("an opinion claim needs cited evidence both for and against")
            return self
        needed = ["experiment", "rule", "control", "report", "headline"]
        if self.expected != "not-testable":  # a scaffold is not-testable until it is filled in
            needed.append("falsify")
        if self.kind == "sourced":
            needed.append("sources")
        missing = [f for f in needed if getattr(self, f) is None]
        if missing:
            raise ValueError(f"this {self.kind} claim needs {missing}")
        unknown = sorted(set(self.profiles) - set(PROFILES))
        absent = [p for p in PROFILES if p not in self.profiles]
        if unknown or absent:
            raise ValueError(
                f"profiles must be exactly {list(PROFILES)} (unknown {unknown}, missing {absent})"
            )
        for name, cfg in self.profiles.items():
            if not dataclasses.is_dataclass(cfg) or isinstance(cfg, type):
                raise ValueError(f"profile {name!r} must be an instance of the experiment's config dataclass")
        if len({type(c).__name__ for c in self.profiles.values()}) > 1:
            raise ValueError("profiles use different config types")
        if self.falsify and self.rule and self.control:
            _check_falsify_keys(self.falsify, self.rule, self.control)
        if self.robustness is not None:
            if self.robustness.base not in self.profiles:
                raise ValueError(f"robustness.base {self.robustness.base!r} is not a profile")
            self.robustness.validate(self.profiles[self.robustness.base])
        return self

    def config(self, profile: str) -> Any:
        """The parameters of a profile; ``quick+seed=1`` is the quick profile with one parameter changed (the
        walkthrough notebooks run that way, and the record is cached under that name)."""
        base, _, changes = profile.partition("+")
        if base not in self.profiles:
            raise ClaimError(f"claim {self.id}: unknown profile {base!r}; choose one of {list(PROFILES)}")
        cfg = self.profiles[base]
        names = {f.name for f in dataclasses.fields(cfg)}
        for item in filter(None, changes.split(",")):
            name, _, value = item.partition("=")
            if name not in names:
                raise ClaimError(
                    f"claim {self.id}: profile {profile!r} changes {name!r}; it has {sorted(names)}"
                )
            cfg = dataclasses.replace(cfg, **{name: json.loads(value)})
        return cfg


def _check_falsify_keys(f: Falsification[Any], rule: Rule[Any], control: Rule[Any]) -> None:
    for what, flips, checks in (
        ("flips", f.flips, rule.counted),
        ("control_flips", f.control_flips, control.counted),
    ):
        if set(flips) != set(checks):
            raise ValueError(
                f"falsify.{what} must name every counted check {sorted(checks)}, and no sanity check "
                f"(it names {sorted(flips)})"
            )


def define(
    id: str,
    scope: Mapping[str, Any] | None = None,
    *,
    statement: L | None = None,  # default: the catalogue's one-sentence claim (written once)
    question: L | None = None,  # default: ``question`` in the claim's messages
    anchors: list[Anchor] | None = None,  # default: ``claims/<module>.anchors.yml``
    experiment: Callable[..., R] | None = None,  # run(cfg, [progress=…, data_dir=…, inputs=…])
    profiles: Mapping[str, C] | None = None,
    rule: Rule[Any] | None = None,
    control: Rule[Any] | None = None,
    falsify: Falsification[Any] | None = None,
    report: Callable[[R], Report] | None = None,
    expected: Verdict = "not-testable",
    headline: str | None = None,
    thresholds: Mapping[str, float] | None = None,
    robustness: Robustness | None = None,
    trains: bool = False,
    reason: L | None = None,
    timeout_s: Mapping[str, int] | None = None,
    seed: int = 0,
    xfail: bool = False,
) -> Claim:
    """Build a :class:`Claim`; section, kind and title come from the catalogue. Errors name claim and field.

    ``scope`` is the claim module's namespace (``globals()``): the parts a claim module names by convention,
    ``rule``, ``control``, ``falsify``, ``report`` and ``THRESHOLDS``, are taken from it unless given.
    """
    if scope is not None:
        rule = rule or scope.get("rule")
        control = control or scope.get("control")
        falsify = falsify or scope.get("falsify")
        report = report or scope.get("report")
        thresholds = thresholds or scope.get("THRESHOLDS")
        robustness = robustness or scope.get("ROBUSTNESS")
    try:
        entry = registry.entry(id)
        stem = claims_dir() / module_name(id)
        words = load_catalogue(stem) if catalogue_files(stem) else None
        if words is not None:
            question = question or words("question")
            reason = reason or (words("reason") if words.has("reason") else None)
            anchors = anchors if anchors is not None else load_anchors(stem, words)
        sources = None
        sources_file = claims_dir() / f"{module_name(id)}.sources.yml"
        # an experiment claim may grade cited inputs too (the part of its reading that is a published figure)
        if entry.kind in ("sourced", "opinion") or sources_file.is_file():
            sources = load_sources(id, sources_file)
        fields: dict[str, Any] = dict(
            id=id,
            section=entry.section,
            kind=entry.kind,
            title=entry.title,
            statement=statement or entry.summary,
            question=question,
            anchors=anchors,
            experiment=experiment,
            profiles=dict(profiles or {}),
            rule=rule,
            control=control,
            falsify=falsify,
            report=report,
            expected=expected,
            headline=headline,
            robustness=robustness,
            trains=trains,
            thresholds=dict(thresholds or {}),
            sources=sources,
            reason=reason,
            seed=seed,
            xfail=xfail,
        )
        if timeout_s is not None:
            fields["timeout_s"] = dict(timeout_s)
        return Claim(**fields)
    except ValidationError as e:
        lines = [f"claim {id}: field {'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()]
        raise ClaimError("\n".join(lines)) from None
    except ValueError as e:
        raise ClaimError(str(e) if str(e).startswith(f"claim {id}") else f"claim {id}: {e}") from None


def load_anchors(stem: Path, words: Catalogue) -> list[Anchor]:
    """The anchors in ``<module>.anchors.yml``, keyed; their result, in our words, is ``anchors.<key>``."""
    path = stem.with_suffix(".anchors.yml")
    items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if not isinstance(items, dict) or not items:
        raise ClaimError(f"{path}: no anchors (a published result to put beside ours), or not a mapping")
    try:
        return [
            Anchor(**(dict(fields) | {"theirs": words(f"anchors.{key}")})) for key, fields in items.items()
        ]
    except ValidationError as e:
        raise ClaimError(f"{path}: {e.errors()[0]['loc']}: {e.errors()[0]['msg']}") from None


def checked_report(claim_id: str, value: Any, headline: str | None, trains: bool = False) -> Report:
    if not isinstance(value, Report):
        raise ClaimError(f"claim {claim_id}: report returned {type(value).__name__}, expected kanguri.Report")
    if headline is not None and headline not in value.values:
        raise ClaimError(f"claim {claim_id}: headline {headline!r} is not among the report's values")
    if trains and "converged_share" not in value.values:
        raise ClaimError(
            f"claim {claim_id}: it trains models, so its report needs the value converged_share "
            "(experiments/common/training.py: converged_share(stops))"
        )
    return value


def evidence_of(claim_id: str, result: Any) -> Any:
    """The part of an experiment's result that the rule and the control read."""
    if not hasattr(result, "evidence"):
        raise ClaimError(
            f"claim {claim_id}: the experiment's result {type(result).__name__} has no `evidence` field "
            "(the numbers the verdict rests on)"
        )
    return result.evidence
