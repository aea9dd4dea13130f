"""Cited inputs, for *sourced* and *opinion* claims.

A sourced or opinion claim keeps its cited facts in ``claims/<module>.sources.yml``. Every value and every
piece of evidence carries a :class:`Citation`: the source, a locator (page, table, figure or URL with a
section), a short quote or the figure as printed, and the date it was checked. A value that could not be
checked against its source says ``verified: false``; the page marks it, and it decides nothing on its own.

Ranges stay ranges (``low``/``high``, as printed): the claim's arithmetic propagates them, for example by
Monte Carlo over the cited ranges (:func:`experiments.common.montecarlo.propagate`). A date (``date``, or
``low``/``high`` given as dates) enters the arithmetic as its day number (:meth:`datetime.date.toordinal`).

"Decides nothing on its own" is enforced by the claim: the experiment asks for ``unverified`` (the names of
the inputs whose citation is unverified), and a check that rests on any of them does not hold.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kanguri.rule import Check, Verdict, graded
from kanguri.text import L


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Citation(_Strict):
    source: str = Field(min_length=1)  # authors, title, venue or publisher, year
    locator: str = Field(min_length=1)  # page, table, figure, or a URL with a section
    quote: str = Field(min_length=1)  # a short quote, or the exact figure as printed
    checked: datetime.date  # the date it was checked against the source
    url: str = Field(pattern=r"^https?://")
    verified: bool = True  # false: could not be checked; shown as unverified, decides nothing alone

    @field_validator("checked")
    @classmethod
    def _not_in_the_future(cls, checked: datetime.date) -> datetime.date:
        today = datetime.date.today()  # the build date
        if checked > today:
            raise ValueError(f"{checked} is after today ({today}): a source cannot have been checked yet")
        return checked


Number = float | datetime.date


def _show(v: CitedValue) -> str:
    return str(v.value) if v.value is not None else f"{v.low}–{v.high}"


def _number(x: Number) -> float:
    return float(x.toordinal()) if isinstance(x, datetime.date) else float(x)


class CitedValue(_Strict):
    """A number or date that enters a calculation: a point (``value``) or a range as printed (``low``–``high``)."""

    label: L
    unit: L | None = None
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    citation: Citation

    @field_validator("value", "low", "high")
    @classmethod
    def _finite(cls, x: Number | None) -> Number | None:
        if isinstance(x, float) and not math.isfinite(x):  # YAML's .nan and .inf
            raise ValueError(f"{x} is not a finite number")
        return x

    @model_validator(mode="after")
    def _point_or_range(self) -> CitedValue:
        point, span = self.value is not None, self.low is not None and self.high is not None
        if point == span:
            raise ValueError("give either value, or both low and high")
        if span and self.low is not None and self.high is not None:
            if isinstance(self.low, datetime.date) != isinstance(self.high, datetime.date):
                raise ValueError("low and high must both be dates, or both numbers")
            if _number(self.low) > _number(self.high):
                raise ValueError(f"low {self.low} is above high {self.high}")
        return self

    @property
    def range(self) -> tuple[float, float]:
        """``(low, high)`` as plain numbers; a date is its day number."""
        if self.value is not None:
            return (_number(self.value), _number(self.value))
        assert self.low is not None and self.high is not None
        return (_number(self.low), _number(self.high))


class Evidence(_Strict):
    """A cited fact that bears on an opinion, for or against it."""

    side: Literal["for", "against"]
    fact: L
    citation: Citation


class Sources(_Strict):
    values: dict[str, CitedValue] = {}
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _pairs_in_order(self) -> Sources:
        """``<x>_low`` and ``<x>_high``, cited as two values, bound one range: the low may not be above the high."""
        for name, low in self.values.items():
            high = self.values.get(name.removesuffix("_low") + "_high") if name.endswith("_low") else None
            if high is not None and low.range[0] > high.range[0]:
                raise ValueError(
                    f"values.{name} {_show(low)} is above values.{name[:-4]}_high {_show(high)}: "
                    "together they bound one range"
                )
        return self

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Plain data for the claim's arithmetic: every cited value as a ``(low, high)`` pair."""
        return {name: v.range for name, v in self.values.items()}

    def unverified(self) -> frozenset[str]:
        """The cited values that could not be checked against their source: they decide nothing on their own."""
        return frozenset(name for name, v in self.values.items() if not v.citation.verified)


def load_sources(claim_id: str, path: Path) -> Sources:
    """Read and validate a claim's cited inputs; an error names the claim, the value and the field."""
    if not path.is_file():
        raise ValueError(f"claim {claim_id}: no sources file {path.name} (every cited input lives there)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Sources.model_validate(raw)
    except ValidationError as e:
        where = [".".join(map(str, err["loc"])) + ": " if err["loc"] else "" for err in e.errors()]
        lines = [
            f"claim {claim_id}: {path.name}: {w}{err['msg']}"
            for w, err in zip(where, e.errors(), strict=True)
        ]
        raise ValueError("\n".join(lines)) from None
    except yaml.YAMLError as e:
        raise ValueError(f"claim {claim_id}: {path.name} is not valid YAML: {e}") from None


INPUTS_CHECKED = "inputs_checked"  # the name of that check in a sourced claim's rule


def graded_on_checked_inputs(outcomes: Mapping[str, bool]) -> Verdict:
    """The graded verdict over the other checks, at most *partly* when an input they rest on is unverified."""
    verdict = graded({k: v for k, v in outcomes.items() if k != INPUTS_CHECKED})
    return "partly" if verdict == "supported" and not outcomes.get(INPUTS_CHECKED, True) else verdict


def inputs_checked(uses: Collection[str]) -> Check[Any]:
    """The check that keeps unverified numbers from deciding: it holds when none of ``uses`` is unverified.

    The claim's evidence carries ``unverified``, the names the experiment was given (see the module docstring).
    Name it :data:`INPUTS_CHECKED` and use :func:`graded_on_checked_inputs` as the rule's verdict.
    """
    wanted = frozenset(uses)

    def facts(ev: Any) -> dict[str, Any]:
        found = sorted(wanted & set(ev.unverified))
        return {"n": len(found), "names": ", ".join(found) or "—"}

    return Check(
        facts=facts,
        holds=lambda f: f["n"] == 0,
        yes=L(
            ja="判定に使った引用値は、どれも原典で確かめました。",
            en="Every cited input the verdict rests on was checked against its source.",
        ),
        no=L(
            ja="判定に使った引用値のうち {n} 件（{names}）は原典で確かめられませんでした。"
            "未確認の値は単独では何も決めません。",
            en="Cited inputs the verdict rests on that could not be checked against the source: {n} ({names}); "
            "unverified numbers decide nothing on their own.",
        ),
    )
