"""Claim data-exhaustion-and-pace: public web text is nearly exhausted as training data; o1 to o3 took about
three months. Words: ``data_exhaustion_and_pace.<lang>.yml``; anchors: ``data_exhaustion_and_pace.anchors.yml``;
cited inputs: ``data_exhaustion_and_pace.sources.yml``.

Like is compared with like: the share already read sets one run's tokens against the stock of unique tokens, the
exhaustion year sets them against the effective stock (unique × the gain from repeating it), as Epoch does."""

from __future__ import annotations

from dataclasses import replace

from experiments import data_exhaustion_and_pace as exp
from experiments.common.montecarlo import DRAWS
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Value
from kanguri.rule import UNDETERMINED, Falsification, Rule
from kanguri.sources import INPUTS_CHECKED, graded_on_checked_inputs, inputs_checked
from kanguri.text import L

W = Words(__file__)
THRESHOLDS = {
    # "nearly exhausted": the largest runs read the whole stock within the decade of the essay, i.e. the upper
    # end of the exhaustion year's range falls before 2031
    "horizon": 2031.0,
    # "already learned most of it": by the time of the essay the largest run had read at least half the stock
    "most": 0.5,
    # "about three months": the o1 → o3 interval lies within 3 ± 1 months
    "months": 3.0,
    "band": 1.0,
}
T = THRESHOLDS
# every cited input any configuration reads; the experiment reports as unverified only those its configuration uses
USES = ("stock", "epochs", "indexed_web", "common_crawl", "usable_share", "growth", "paper_growth",
        "paper_growth_median", "slow_growth", "gpt45_date",
        "frontier_tokens", "frontier_date", "qwen_tokens", "qwen_date", "gpt3_tokens", "gpt3_date", "gpt4_date",
        "o1_date", "o3_date", "o1_release", "o3_release")  # fmt: skip

ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "dates": ("announcement", "release"),
        "growth_figure": ("paper", "epoch"),
        "stock_draw": ("bounds", "lognormal"),
        "stock": ("epoch_adjusted", "indexed_web", "common_crawl"),
    },
    # a world without any of the effects: GPT-3's training set (2020) as the frontier, growing only 1.5× a year
    # (the 2022 estimate), and the pace of two GPT generations (GPT-3 to GPT-4): the rule must say not supported
    nulls=({"growth_figure": "slow", "frontier": "gpt-3", "dates": "generations"},),
)


def runs_out(e: Estimate) -> bool:
    """The criterion: the whole range of the exhaustion year lies before the horizon."""
    return e.hi < T["horizon"]


def _month(year: float) -> tuple[int, int]:
    """A decimal year as (year, month): 2027.7 → (2027, 9). Sentences name the month, never "2027.7"."""
    whole = int(year)
    return whole, min(12, int((year - whole) * 12) + 1)


def _year_facts(e: Estimate) -> dict[str, float | bool]:
    (y, m), (lo_y, lo_m), (hi_y, hi_m) = _month(e.value), _month(e.lo), _month(e.hi)
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["horizon"], "ok": runs_out(e),
            "y": y, "m": m, "lo_y": lo_y, "lo_m": lo_m, "hi_y": hi_y, "hi_m": hi_m}  # fmt: skip


def _share_facts(ev: exp.Evidence) -> dict:
    """The share read, in percent; undetermined when its range lies on both sides of "most"."""
    s, bar = ev.share_used, T["most"]
    sided = s.lo >= bar or s.hi < bar
    return {"value": 100 * s.value, "lo": 100 * s.lo, "hi": 100 * s.hi, "bar": 100 * bar,
            UNDETERMINED: None if sided else "straddles"}  # fmt: skip


def _gap_facts(ev: exp.Evidence) -> dict:
    g = ev.gap_months
    return {"value": g.value, "lo": g.lo, "hi": g.hi, "target": T["months"], "band": T["band"]}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "runs_out_soon": W.check(
            "runs_out_soon", lambda ev: _year_facts(ev.exhaustion_year), lambda f: bool(f["ok"])
        ),
        "already_mostly_read": W.check("already_mostly_read", _share_facts, lambda f: f["lo"] >= f["bar"]),
        "about_three_months": W.check(
            "about_three_months",
            _gap_facts,
            lambda f: f["target"] - f["band"] <= f["lo"] and f["hi"] <= f["target"] + f["band"],
        ),
        INPUTS_CHECKED: inputs_checked(USES),
    },
    verdict=lambda outcomes: graded_on_checked_inputs(outcomes),  # type: ignore[arg-type]
)
# the same "before the horizon" criterion at the slower cited growth, which must not run out in time
control = control_rule(
    {
        "slow_growth": W.check(
            "slow_growth", lambda ev: _year_facts(ev.control_year), lambda f: bool(f["ok"]), group="control"
        )
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        exhaustion_year=synthetic(2026.0, 2025.5, 2026.5),
        share_used=synthetic(0.7, 0.6, 0.8),
        gap_months=synthetic(3.0, 2.9, 3.1),
        control_year=synthetic(2040.0, 2035.0, 2045.0),
        unverified=(),
    )


def _null() -> exp.Evidence:
    """Plenty of text left, little of it read, and a year between the two models."""
    return replace(
        _supporting(),
        exhaustion_year=synthetic(2045.0, 2038.0, 2060.0),
        share_used=synthetic(0.01, 0.005, 0.02),
        gap_months=synthetic(12.0, 11.9, 12.1),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "runs_out_soon": lambda ev: replace(ev, exhaustion_year=synthetic(2032.0, 2029.0, 2036.0)),
        "already_mostly_read": lambda ev: replace(ev, share_used=synthetic(0.3, 0.2, 0.4)),
        "about_three_months": lambda ev: replace(ev, gap_months=synthetic(6.0, 5.9, 6.1)),
        INPUTS_CHECKED: lambda ev: replace(ev, unverified=("stock",)),
    },
    control_flips={"slow_growth": lambda ev: replace(ev, control_year=synthetic(2027.0, 2026.0, 2028.0))},
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    values = W.values(
        exhaustion_year=V(ev.exhaustion_year, digits=5, grouping=False),
        share_used=V(ev.share_used, scale=100, unit="percent", digits=2),
        gap_days=V(r.gap_days, unit="days"),
        gap_months=V(ev.gap_months, unit="months"),
        control_year=V(ev.control_year, digits=5, grouping=False),
        unique_stock=V(r.unique_stock, unit="tokens", digits=2),
        effective_stock=V(r.effective_stock, unit="tokens", digits=2),
    )
    # one value per stock multiplier k; the label names k, so it is filled here rather than by W.values
    for k, shift in r.shift_years.items():
        label = W("values.shift", k=k)
        values[f"shift_{k:g}"] = Value.of(label, shift, unit=W("units.years"), digits=2)
    return values


def _projection(r: exp.Result) -> Figure:
    (low, high), ends = r.stock_range, [r.projection_years[0], r.projection_years[-1]]
    largest = W.series("largest", r.projection_years, r.projection, lo=r.projection_lo, hi=r.projection_hi)
    stock = [W.series("stock_low", ends, [low, low], style="fit"),
             W.series("stock_high", ends, [high, high], style="fit")]  # fmt: skip
    return W.figure("projection", [largest, *stock], yscale="log")


def _cell(e: Estimate, scale: float = 1.0, digits: int = 0) -> L:
    """A median with its 95% range, in one cell: ``84 (25–255)``."""
    a, b, c = (f"{v * scale:.{digits}f}" for v in (e.value, e.lo, e.hi))
    return W("cells.range").map(lambda t: t.format(a=a, b=b, c=c))


def _year_cell(e: Estimate) -> L:
    """A year with its 95% range, to the month: ``2028-04 (2026-11 to 2030-05)``, never ``2028.3``."""
    (y, m), (lo_y, lo_m), (hi_y, hi_m) = _month(e.value), _month(e.lo), _month(e.hi)
    return W("cells.years").map(lambda t: t.format(y=y, m=m, lo_y=lo_y, lo_m=lo_m, hi_y=hi_y, hi_m=hi_m))


def _stocks(r: exp.Result) -> list[list]:
    """One row per definition of the stock: unique and effective stock (trillions), share read (%), year."""
    return [[W(f"knobs.stock.values.{name}"), _cell(e["unique"], 1e-12), _cell(e["effective"], 1e-12),
             _cell(e["share"], 100), _year_cell(e["year"])] for name, e in r.by_stock.items()]  # fmt: skip


def _years(r: exp.Result) -> list[list]:
    """One row per definition of the stock: the exhaustion year under each cited growth figure."""
    return [[W(f"knobs.stock.values.{name}"), *(_year_cell(r.by_growth[g][name]) for g in r.by_growth)]
            for name in exp.STOCKS]  # fmt: skip


def report(r: exp.Result) -> Report:
    rows = [[f"{k:g}", round(s.value, 2)] for k, s in r.shift_years.items()]
    return Report(
        values=_values(r),
        tables={
            "shifts": W.table("shifts", rows),
            "stocks": W.table("stocks", _stocks(r)),
            "years": W.table("years", _years(r)),
        },
        figures={"projection": _projection(r)},
    )


claim = define(
    "data-exhaustion-and-pace",
    globals(),
    experiment=exp.run,
    profiles={profile: exp.Config(samples=n) for profile, n in DRAWS.items()},
    expected="partly",
    headline="exhaustion_year",
)
