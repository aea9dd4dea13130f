"""Cited inputs, for *sourced* and *opinion* claims.

A sourced or opinion claim keeps its cited facts in ``claims/<module>.sources.yml``. Every value and every
piece of evidence carries a :class:`Citation`: the source, a locator (page, table, figure or URL with a
section), a short quote or the figure as printed, and the date it was checked. A value that could not be
checked against its source says ``verified: false``; the page marks it, and it decides nothing on its own.

Ranges stay ranges (``low``/``high``, as printed): the claim's arithmetic propagates them, for example by
Monte Carlo over the cited ranges (:func:`experiments.common.montecarlo.propagate`).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class CitedValue(_Strict):
    """A number that enters a calculation: a point (``value``) or a range as printed (``low``–``high``)."""

    label: L
    unit: L | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    citation: Citation

    @model_validator(mode="after")
    def _point_or_range(self) -> CitedValue:
        point, span = self.value is not None, self.low is not None and self.high is not None
        if point == span:
            raise ValueError("give either value, or both low and high")
        if span and self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self

    @property
    def range(self) -> tuple[float, float]:
        if self.value is not None:
            return (self.value, self.value)
        assert self.low is not None and self.high is not None
        return (self.low, self.high)


class Evidence(_Strict):
    """A cited fact that bears on an opinion, for or against it."""

    side: Literal["for", "against"]
    fact: L
    citation: Citation


class Sources(_Strict):
    values: dict[str, CitedValue] = {}
    evidence: list[Evidence] = []

    def ranges(self) -> dict[str, tuple[float, float]]:
        """Plain data for the claim's arithmetic: every cited value as a ``(low, high)`` pair."""
        return {name: v.range for name, v in self.values.items()}


def load_sources(claim_id: str, path: Path) -> Sources:
    """Read and validate a claim's cited inputs; an error names the claim, the value and the field."""
    if not path.is_file():
        raise ValueError(f"claim {claim_id}: no sources file {path.name} (every cited input lives there)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Sources.model_validate(raw)
    except ValidationError as e:
        lines = [
            f"claim {claim_id}: {path.name}: {'.'.join(map(str, err['loc']))}: {err['msg']}"
            for err in e.errors()
        ]
        raise ValueError("\n".join(lines)) from None
    except yaml.YAMLError as e:
        raise ValueError(f"claim {claim_id}: {path.name} is not valid YAML: {e}") from None
