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

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from experiments.common.stats import Estimate
from experiments.common.training import Stop
from kanguri.messages import Catalogue, load_catalogue, of_module
from kanguri.paths import PACKAGE_DIR
from kanguri.report import Figure, Series, Table, Value
from kanguri.robustness import Robustness
from kanguri.rule import UNDETERMINED, Check, Rule, any_accepted
from kanguri.text import L

__all__ = ["Robustness", "V", "Words", "control_rule", "interval", "lower_above", "ratio_above",
           "share_at_least", "slope_in_band", "synthetic", "unconverged", "unverified", "upper_below", "within"]  # fmt: skip
E = TypeVar("E")
Scale = Literal["linear", "log"]
SHAPES = load_catalogue(PACKAGE_DIR / "locales" / "checks")  # the standard sentences of the check shapes
REASONS = ("unconverged", "unverified", "straddles")  # why a check may be undetermined, in every claim
WHY = {reason: SHAPES(f"undetermined.{reason}") for reason in REASONS}


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
        self,
        name: str,
        facts: Callable[[E], dict],
        holds: Callable[[dict], bool],
        group: str = "checks",
        sanity: bool = False,
        extension: bool = False,
    ) -> Check[E]:
        """A check whose two sentences are ``<group>.<name>.holds`` and ``.fails``. Its facts may name why it is
        undetermined (``"undetermined": "unconverged"``…): the standard reasons, or the claim's own sentences
        under ``<group>.<name>.undetermined.<reason>``. ``sanity``: shown, not counted (cannot fail for real);
        ``extension``: tests our extension beyond the essay's words, with its own verdict line."""
        yes, no = self(f"{group}.{name}.holds"), self(f"{group}.{name}.fails")
        prefix = f"{group}.{name}.undetermined."
        own = {k.removeprefix(prefix): self(k) for k in self.keys() if k.startswith(prefix)}
        return Check(
            facts=facts, holds=holds, yes=yes, no=no, why=WHY | own, sanity=sanity, extension=extension
        )

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


def _sided(e: Estimate, passes: bool, fails: bool, **extra: Any) -> dict:
    """An interval's facts, undetermined ("straddles") when it lies wholly on neither side of the bar."""
    return interval(e, **extra) | {UNDETERMINED: None if passes or fails else "straddles"}


def _shape_check(
    shape: str, what: L, fmt: str, facts: Callable[[E], dict], holds: Callable[[dict], bool], sanity: bool
) -> Check[E]:
    yes, no = _shape(shape, what, fmt)
    return Check(facts=facts, holds=holds, yes=yes, no=no, why=WHY, sanity=sanity)


def lower_above(
    what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g", sanity: bool = False
) -> Check[E]:
    """Holds when the 95% lower bound of ``get(evidence)`` is above ``bar``; fails when the upper bound is not;
    otherwise the interval straddles the bar: undetermined."""

    def facts(ev: E) -> dict:
        e = get(ev)
        return _sided(e, e.lo > bar, e.hi <= bar, bar=bar)

    return _shape_check("lower_above", what, fmt, facts, lambda f: f["lo"] > f["bar"], sanity)


def upper_below(
    what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g", sanity: bool = False
) -> Check[E]:
    """Holds when the 95% upper bound of ``get(evidence)`` is below ``bar``; fails when the lower bound is not."""

    def facts(ev: E) -> dict:
        e = get(ev)
        return _sided(e, e.hi < bar, e.lo >= bar, bar=bar)

    return _shape_check("upper_below", what, fmt, facts, lambda f: f["hi"] < f["bar"], sanity)


def _band(what: str, label: L, get: Callable[[E], Estimate], low: float, high: float, fmt: str,
          sanity: bool, **extra: Any) -> Check[E]:  # fmt: skip
    def facts(ev: E) -> dict:
        e = get(ev)
        inside, outside = low <= e.lo and e.hi <= high, e.hi < low or e.lo > high
        return _sided(e, inside, outside, low=low, high=high, **extra)

    return _shape_check(
        what, label, fmt, facts, lambda f: f["low"] <= f["lo"] and f["hi"] <= f["high"], sanity
    )


def within(
    what: L, get: Callable[[E], Estimate], target: float, tol: float, fmt: str = ".3g", sanity: bool = False
) -> Check[E]:
    """Holds when the whole 95% interval lies within ``target ± tol``; fails when it lies wholly outside."""
    return _band("within", what, get, target - tol, target + tol, fmt, sanity, target=target, tol=tol)


def slope_in_band(
    what: L, get: Callable[[E], Estimate], low: float, high: float, fmt: str = ".2f", sanity: bool = False
) -> Check[E]:
    """Holds when the whole 95% interval of a fitted slope (an exponent) lies inside ``[low, high]``."""
    return _band("slope_in_band", what, get, low, high, fmt, sanity)


def ratio_above(
    what: L, get: Callable[[E], Estimate], bar: float, fmt: str = ".3g", sanity: bool = False
) -> Check[E]:
    """Holds when the 95% lower bound of a ratio is above ``bar`` (times); fails when the upper bound is not."""

    def facts(ev: E) -> dict:
        e = get(ev)
        return _sided(e, e.lo > bar, e.hi <= bar, bar=bar)

    return _shape_check("ratio_above", what, fmt, facts, lambda f: f["lo"] > f["bar"], sanity)


def share_at_least(what: L, get: Callable[[E], Estimate], bar: float, sanity: bool = False) -> Check[E]:
    """Holds when the 95% lower bound of a share (0 to 1) is at least ``bar``; fails when the upper bound is
    below it."""

    def facts(ev: E) -> dict:
        e = get(ev)
        return _sided(e, e.lo >= bar, e.hi < bar, bar=bar)

    return _shape_check("share_at_least", what, ".0%", facts, lambda f: f["lo"] >= f["bar"], sanity)


def unconverged(stops: Sequence[Stop]) -> dict:
    """Facts for a check that reads training runs: undetermined when any was cut off while still improving."""
    cut = sum(not s.converged for s in stops)
    return {"cut": cut, "runs": len(stops), UNDETERMINED: "unconverged" if cut else None}


def unverified(uses: Iterable[str], names: Iterable[str]) -> dict:
    """Facts for a check that reads cited inputs: undetermined when any of ``uses`` is among the unverified
    ``names`` (the experiment's ``unverified`` argument), whichever way the check comes out."""
    found = sorted(set(uses) & set(names))
    return {"names": ", ".join(found) or "—", UNDETERMINED: "unverified" if found else None}


def control_rule(checks: Mapping[str, Check[Any]]) -> Rule[Any]:
    """A negative control: the criterion must reject every case; accepting any reads as too lax."""
    return Rule(checks=dict(checks), verdict=any_accepted)


def synthetic(value: float, lo: float | None = None, hi: float | None = None, n: int = 4) -> Estimate:
    """A made-up estimate for a falsification case: ``synthetic(0.25, 0.2, 0.3)``; without bounds, exact."""
    return Estimate(value, value if lo is None else lo, value if hi is None else hi, "synthetic", n)
