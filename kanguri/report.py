"""What a claim shows a reader: named values, tables and figures, all plain data.

A claim's ``report`` function builds a :class:`Report` from its experiment's raw result. Reports are stored
in the record as JSON; figures are drawn per language by :mod:`kanguri.figures`.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kanguri.text import L


class _Plain(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _finite_or_none(v: float | int | None) -> float | int | None:
    """NaN and infinity are not JSON; a missing bound is ``None``. Counts stay integers."""
    if v is None:
        return None
    if isinstance(v, int | np.integer) and not isinstance(v, bool):
        return int(v)
    v = float(v)  # also turns numpy scalars into plain floats
    return v if math.isfinite(v) else None


class Value(_Plain):
    """A number with its unit and, when it was estimated, a 95% interval ``[lo, hi]`` and how it was made."""

    label: L
    value: int | float
    unit: L | None = None
    lo: float | None = None
    hi: float | None = None
    method: str | None = None  # how the interval was obtained, e.g. "t-interval over seeds"
    n: int | None = None  # independent samples the interval rests on
    digits: int = 3  # significant digits shown on the page
    grouping: bool = True  # thousands separators; False for a year

    _finite = field_validator("value", "lo", "hi", mode="before")(_finite_or_none)

    @model_validator(mode="before")
    @classmethod
    def _no_nan(cls, data: Any) -> Any:
        """NaN or infinity is a failed measurement, not a number to show: say which value, not "2 errors"."""
        if isinstance(data, dict):
            for name in ("value", "lo", "hi"):
                x = data.get(name)
                if isinstance(x, float | np.floating) and not math.isfinite(x):
                    label = data.get("label")
                    label = label.get("en") if isinstance(label, dict) else getattr(label, "en", label)
                    raise ValueError(f"value {label!r}: {name} is {float(x)}, not a finite number")
        return data

    @classmethod
    def of(
        cls,
        label: L,
        estimate: Any,
        *,
        unit: L | None = None,
        digits: int = 3,
        scale: float = 1.0,
        grouping: bool = True,
    ) -> Value:
        """A value from an experiment's ``Estimate`` (anything with value, lo, hi, method and n)."""
        exact = estimate.lo == estimate.hi == estimate.value
        return cls(
            label=label,
            value=estimate.value * scale,
            lo=None if exact else estimate.lo * scale,
            hi=None if exact else estimate.hi * scale,
            method=estimate.method,
            n=estimate.n,
            unit=unit,
            digits=digits,
            grouping=grouping,
        )


class Table(_Plain):
    caption: L
    columns: list[L]
    rows: list[list[str | float | int | L]]

    @field_validator("rows")
    @classmethod
    def _rectangular(cls, rows: list[list], info) -> list[list]:
        n = len(info.data.get("columns", []))
        for i, row in enumerate(rows):
            if len(row) != n:
                raise ValueError(f"row {i} has {len(row)} cells, the table has {n} columns")
        return rows


class Series(_Plain):
    label: L
    x: list[float]
    y: list[float]
    lo: list[float] | None = None  # error band, same length as y
    hi: list[float] | None = None
    style: Literal["line", "points", "fit"] = "line"
    matches_previous: bool = False  # drawn in the colour of the series before it (a fit beside its data)

    @field_validator("x", "y", "lo", "hi", mode="before")
    @classmethod
    def _floats(cls, v):
        return None if v is None else [float(t) for t in v]


class Figure(_Plain):
    title: L
    caption: L
    xlabel: L
    ylabel: L
    series: list[Series] = Field(min_length=1)
    xscale: Literal["linear", "log"] = "linear"
    yscale: Literal["linear", "log"] = "linear"


class Report(_Plain):
    values: dict[str, Value] = {}
    tables: dict[str, Table] = {}
    figures: dict[str, Figure] = {}
