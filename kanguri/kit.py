"""The claim kit: what a claim module needs, so that the module holds its logic and nothing else.

A claim module reads its words from the message catalogue beside it (``Words(__file__)``), builds its checks
(bespoke ones with :meth:`Words.check`, common shapes with :func:`lower_above` and friends, each with its
standard sentence in every language), and declares its report by name: ``words.values(bits=ev.bits, …)``,
``words.table("capacity", rows)``, ``words.figure("capacity", series)``. Labels, captions and headings come
from the catalogue under the same name. :func:`synthetic` builds the fake estimates of the falsification cases.

Catalogue layout (``claims/<module>.<lang>.yml``)::

    question: …                      # what the experiment asks
    checks:   {<check>: {holds: …, fails: …}}   # "yes"/"no" would read as booleans in YAML
    control:  {<check>: {holds: …, fails: …}}
    values:   {<value>: label}
    units:    {<unit>: text}
    tables:   {<table>: {caption: …, columns: [… , …]}}
    figures:  {<figure>: {title: …, caption: …, xlabel: …, ylabel: …}}
    series:   {<series>: label}
    anchors:  {<anchor>: their result, in our words}
    terms:    {<term>: label used by several of the above}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from experiments.common.stats import Estimate
from kanguri.messages import Catalogue, load_catalogue, of_module
from kanguri.paths import PACKAGE_DIR
from kanguri.report import Figure, Series, Table, Value
from kanguri.rule import Check, Rule, any_accepted
from kanguri.text import L

E = TypeVar("E")
Scale = Literal["linear", "log"]
SHAPES = load_catalogue(PACKAGE_DIR / "locales" / "checks")  # the standard sentences of the check shapes


@dataclass(frozen=True)
class V:
    """A report value with its presentation: ``V(x, unit="bits_per_s", digits=2)``."""

    x: Any  # an Estimate, or a plain number
    unit: str | None = None  # a key under ``units``
    digits: int = 3
    lo: float | None = None
    hi: float | None = None
    scale: float = 1  # a whole number times 1 stays whole
    grouping: bool = True


class Words(Catalogue):
    """A claim's message catalogue, with builders that take their words from it by name."""

    def __init__(self, module_file: str) -> None:
        cat = of_module(module_file)
        super().__init__(cat.name, cat.texts)

    def check(
        self, name: str, facts: Callable[[E], dict], holds: Callable[[dict], bool], group: str = "checks"
    ) -> Check[E]:
        """A check whose two sentences are ``<group>.<name>.holds`` and ``.fails``."""
        yes, no = self(f"{group}.{name}.holds"), self(f"{group}.{name}.fails")
        return Check(facts=facts, holds=holds, yes=yes, no=no)

    def value(self, name: str, spec: Any, **fill: Any) -> Value:
        """The value ``name``, labelled ``values.<name>`` (filled with ``fill``); ``spec`` is an Estimate, a
        number or a :class:`V`. A whole number stays whole (it prints as a count, with separators)."""
        v = spec if isinstance(spec, V) else V(spec)
        label, unit = self(f"values.{name}", **fill), self(f"units.{v.unit}") if v.unit else None
        if isinstance(v.x, Estimate):
            return Value.of(label, v.x, unit=unit, digits=v.digits, scale=v.scale, grouping=v.grouping)
        x = v.x if v.scale == 1 else v.x * v.scale
        return Value(label=label, value=x, lo=v.lo, hi=v.hi, unit=unit, digits=v.digits, grouping=v.grouping)

    def values(self, **specs: Any) -> dict[str, Value]:
        return {name: self.value(name, spec) for name, spec in specs.items()}

    def table(
        self, name: str, rows: Iterable[Iterable[Any]], columns: list[L] | None = None, **fill: Any
    ) -> Table:
        """The table ``name``: caption ``tables.<name>.caption`` (filled with ``fill``), headings
        ``tables.<name>.columns`` unless given."""
        heads = columns if columns is not None else self.list(f"tables.{name}.columns")
        return Table(
            caption=self(f"tables.{name}.caption", **fill), columns=heads, rows=[list(r) for r in rows]
        )

    def figure(
        self, name: str, series: list[Series], xscale: Scale = "linear", yscale: Scale = "linear", **fill: Any
    ) -> Figure:
        """The figure ``name``: title, caption and axis labels under ``figures.<name>`` (filled with ``fill``)."""
        text = {k: self(f"figures.{name}.{k}", **fill) for k in ("title", "caption", "xlabel", "ylabel")}
        return Figure(**text, series=series, xscale=xscale, yscale=yscale)

    def series(self, name: str, x: Iterable[float], y: Iterable[float], **kw: Any) -> Series:
        """A series labelled ``series.<name>``."""
        return Series(label=self(f"series.{name}"), x=list(x), y=list(y), **kw)


# --- check shapes, each with its standard sentence in every language -----------------------------
def _shape(shape: str, what: L, fmt: str) -> tuple[L, L]:
    def fill(template: L) -> L:
        return L(**{lang: t.replace("{what}", what(lang)).replace(":FMT}", f":{fmt}}}")
                    for lang, t in template.texts().items()})  # fmt: skip

    return fill(SHAPES(f"{shape}.holds")), fill(SHAPES(f"{shape}.fails"))


def interval(e: Estimate, **extra: Any) -> dict:
    """An estimate as a check's facts: value, lo, hi, n, and any extra (the bar)."""
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "n": e.n} | extra


def lower_above(what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g") -> Check[E]:
    """Holds when the 95% lower bound of ``get(evidence)`` is above ``bar``."""
    yes, no = _shape("lower_above", what, fmt)
    return Check(
        facts=lambda ev: interval(get(ev), bar=bar), holds=lambda f: f["lo"] > f["bar"], yes=yes, no=no
    )


def upper_below(what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g") -> Check[E]:
    """Holds when the 95% upper bound of ``get(evidence)`` is below ``bar``."""
    yes, no = _shape("upper_below", what, fmt)
    return Check(
        facts=lambda ev: interval(get(ev), bar=bar), holds=lambda f: f["hi"] < f["bar"], yes=yes, no=no
    )


def within(what: L, get: Callable[[E], Estimate], target: float, tol: float, fmt: str = ".3g") -> Check[E]:
    """Holds when the whole 95% interval lies within ``target ± tol``."""
    yes, no = _shape("within", what, fmt)
    return Check(
        facts=lambda ev: interval(get(ev), target=target, tol=tol, low=target - tol, high=target + tol),
        holds=lambda f: f["low"] <= f["lo"] and f["hi"] <= f["high"],
        yes=yes,
        no=no,
    )


def slope_in_band(
    what: L, get: Callable[[E], Estimate], low: float, high: float, fmt: str = ".2f"
) -> Check[E]:
    """Holds when the whole 95% interval of a fitted slope (an exponent) lies inside ``[low, high]``."""
    yes, no = _shape("slope_in_band", what, fmt)
    return Check(
        facts=lambda ev: interval(get(ev), low=low, high=high),
        holds=lambda f: f["low"] <= f["lo"] and f["hi"] <= f["high"],
        yes=yes,
        no=no,
    )


def ratio_above(what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g") -> Check[E]:
    """Holds when the 95% lower bound of a ratio is above ``bar`` (times)."""
    yes, no = _shape("ratio_above", what, fmt)
    return Check(
        facts=lambda ev: interval(get(ev), bar=bar), holds=lambda f: f["lo"] > f["bar"], yes=yes, no=no
    )


def share_at_least(what: L, get: Callable[[E], Estimate], bar: float) -> Check[E]:
    """Holds when the 95% lower bound of a share (0 to 1) is at least ``bar``."""
    yes, no = _shape("share_at_least", what, ".0%")
    return Check(
        facts=lambda ev: interval(get(ev), bar=bar), holds=lambda f: f["lo"] >= f["bar"], yes=yes, no=no
    )


def control_rule(checks: Mapping[str, Check[Any]]) -> Rule[Any]:
    """A negative control: the criterion must reject every case; accepting any reads as too lax."""
    return Rule(checks=dict(checks), verdict=any_accepted)


def synthetic(value: float, lo: float | None = None, hi: float | None = None, n: int = 4) -> Estimate:
    """A made-up estimate for a falsification case: ``synthetic(0.25, 0.2, 0.3)``; without bounds, exact."""
    return Estimate(value, value if lo is None else lo, value if hi is None else hi, "synthetic", n)
