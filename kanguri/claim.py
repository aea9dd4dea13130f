"""The claim model: one declarative object per claim, validated when it is defined.

A claim module in ``claims/`` builds one :class:`Claim`. Everything the site, the CLI and ``pytest claims/``
need comes from it: what is claimed (in both languages), the experiment and its parameters for each profile,
the rule that turns the result into a verdict, the negative control that rule must reject, and the anchors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kanguri.report import Report
from kanguri.text import L

Section = Literal["gpu", "brain", "quantum"]
Kind = Literal["experiment", "sourced", "opinion"]
Verdict = Literal["supported", "partly", "not-supported", "not-testable"]
Profile = Literal["quick", "site", "full"]
PROFILES: tuple[Profile, ...] = ("quick", "site", "full")
VERDICTS: tuple[Verdict, ...] = ("supported", "partly", "not-supported", "not-testable")


class ClaimError(Exception):
    """A claim definition or a claim's output is malformed. The message names the claim and the field."""


class Decision(BaseModel):
    """What a verdict rule returns: the verdict and the reasons, each reason in both languages."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    verdict: Verdict
    reasons: list[L] = Field(min_length=1)


class Anchor(BaseModel):
    """A published result the page puts beside ours."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    cite: str = Field(min_length=1)  # "Mitarai et al. 2018, Phys. Rev. A 98, 032309"
    url: str = Field(pattern=r"^https?://")
    theirs: L  # their statement or number, in our words
    ours: str | None = None  # name of the report value we put beside it


class Claim(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    section: Section
    kind: Kind
    statement: L  # the claim as the essay makes it, in our words
    question: L  # what the experiment asks
    experiment: Callable[[Any], Any]  # config -> plain-data result (a dataclass)
    profiles: dict[str, Any]  # quick / site / full -> the experiment's config dataclass
    rule: Callable[[Any], Decision]  # result -> verdict and reasons
    control: Callable[[Any], Decision]  # the same criterion on the negative control; must not support
    report: Callable[[Any], Report]  # result -> values, tables, figures for the page
    expected: Verdict  # the verdict the evidence supports today; pytest fails when it changes
    headline: str  # report value shown in the claims index
    anchors: list[Anchor] = Field(min_length=1)
    timeout_s: dict[str, int] = {"quick": 300, "site": 900, "full": 6 * 3600}
    seed: int = 0
    xfail: bool = False  # a known-broken claim: shown as failed, but the strict build tolerates it

    @field_validator("profiles", "timeout_s")
    @classmethod
    def _known_profiles(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(v) - set(PROFILES))
        if unknown:
            raise ValueError(f"unknown profile(s) {unknown}; profiles are {list(PROFILES)}")
        return v

    @field_validator("profiles")
    @classmethod
    def _all_profiles(cls, v: dict[str, Any]) -> dict[str, Any]:
        missing = [p for p in PROFILES if p not in v]
        if missing:
            raise ValueError(f"missing profile(s) {missing}")
        for name, cfg in v.items():
            if not dataclasses.is_dataclass(cfg) or isinstance(cfg, type):
                raise ValueError(f"profile {name!r} must be an instance of the experiment's config dataclass")
        return v

    @model_validator(mode="after")
    def _same_config_type(self) -> Claim:
        kinds = {type(c).__name__ for c in self.profiles.values()}
        if len(kinds) > 1:
            raise ValueError(f"profiles use different config types {sorted(kinds)}")
        return self

    def config(self, profile: str) -> Any:
        if profile not in self.profiles:
            raise ClaimError(f"claim {self.id}: unknown profile {profile!r}; choose one of {list(PROFILES)}")
        return self.profiles[profile]


def define(**fields: Any) -> Claim:
    """Build a :class:`Claim`, turning pydantic's error into one line per field that names the claim."""
    try:
        return Claim(**fields)
    except ValidationError as e:
        cid = fields.get("id", "<no id>")
        lines = [f"claim {cid}: field {'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()]
        raise ClaimError("\n".join(lines)) from None


def checked_decision(claim_id: str, what: str, value: Any) -> Decision:
    """Verdict rules are user code: check they returned a Decision before anything trusts it."""
    if not isinstance(value, Decision):
        raise ClaimError(
            f"claim {claim_id}: {what} returned {type(value).__name__}, expected kanguri.Decision"
        )
    return value


def checked_report(claim_id: str, value: Any, headline: str) -> Report:
    if not isinstance(value, Report):
        raise ClaimError(f"claim {claim_id}: report returned {type(value).__name__}, expected kanguri.Report")
    if headline not in value.values:
        raise ClaimError(f"claim {claim_id}: headline {headline!r} is not among the report's values")
    return value
