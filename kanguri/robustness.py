"""The robustness map: a claim's verdict across the setup choices a reviewer would accept.

A claim declares its decisive choices ("knobs"): fields of its experiment's config, each with the values a
domain expert would accept (and, in its messages, ``knobs.<field>.label`` and ``.reason``). The engine runs the
rule at every specification of the grid, at a cheap profile, and labels the verdict *robust* when it is the
same at every one, *fragile* when it changes inside the range. *Null* specifications set the effect to zero:
the rule's counted checks must fail somewhere in the map, or they are sanity checks in disguise.

This is a multiverse analysis (Steegen et al. 2016) drawn as a specification curve (Simonsohn, Simmons &
Nelson 2020).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MIN_KNOBS, MIN_SPECS = 2, 6


@dataclass(frozen=True)
class Robustness:
    """The knobs of a claim: ``Robustness(base="quick", knobs={"n_bits": (30, 50), "width": (64, 128, 256)})``."""

    knobs: Mapping[str, Sequence[Any]]  # config field -> the values a domain expert would accept
    base: str = "quick"  # the profile whose config the specifications vary
    nulls: Sequence[Mapping[str, Any]] = field(
        default_factory=tuple
    )  # changes where the effect must be absent

    def validate(self, config: Any) -> None:
        """Raise ValueError unless the knobs name config fields and the base config is a point of the grid."""
        names = {f.name for f in dataclasses.fields(config)}
        if len(self.knobs) < MIN_KNOBS or self.size < MIN_SPECS:
            raise ValueError(
                f"robustness needs at least {MIN_KNOBS} knobs and {MIN_SPECS} specifications "
                f"(it has {len(self.knobs)} knobs, {self.size} specifications)"
            )
        for change in [dict(self.knobs), *self.nulls]:
            unknown = sorted(set(change) - names)
            if unknown:
                raise ValueError(
                    f"robustness names {unknown}, which are not fields of the config {sorted(names)}"
                )
        for name, values in self.knobs.items():
            if getattr(config, name) not in list(values):
                raise ValueError(
                    f"robustness: the {self.base} profile's {name}={getattr(config, name)!r} is not among the "
                    f"knob's values {list(values)} (the main specification must be a point of the grid)"
                )

    @property
    def size(self) -> int:
        n = 1
        for values in self.knobs.values():
            n *= len(values)
        return n

    def specifications(self) -> list[dict[str, Any]]:
        """Every point of the grid, in order (the first knob varies slowest)."""
        names = list(self.knobs)
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*self.knobs.values())]


def label(verdicts: Sequence[str]) -> str:
    """robust: one verdict at every specification; fragile: it changes inside the range."""
    return "robust" if len(set(verdicts)) <= 1 else "fragile"


def run_map(
    declared: Robustness,
    base: Any,
    run_one: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Run ``run_one(config)`` (experiment, rule and control at one specification) over the grid and the nulls.

    Returns the record's ``robustness``: the knobs, the main specification, every specification's outcome and
    the label over the non-null ones.
    """
    specs: list[dict[str, Any]] = []
    for knobs in declared.specifications():
        specs.append({"knobs": knobs, "null": False} | run_one(dataclasses.replace(base, **knobs)))
    for change in declared.nulls:
        specs.append({"knobs": dict(change), "null": True} | run_one(dataclasses.replace(base, **change)))
    main = {name: getattr(base, name) for name in declared.knobs}
    return {
        "label": label([s["verdict"] for s in specs if not s["null"]]),
        "base": declared.base,
        "knobs": {name: list(values) for name, values in declared.knobs.items()},
        "main": main,
        "specs": specs,
    }
