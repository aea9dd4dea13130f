"""Claim data-exhaustion-and-pace: public web text is nearly exhausted as training data; o1 to o3 took about
three months. Words: ``data_exhaustion_and_pace.<lang>.yml``; anchors: ``data_exhaustion_and_pace.anchors.yml``;
cited inputs: ``data_exhaustion_and_pace.sources.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import data_exhaustion_and_pace as exp
from experiments.common.montecarlo import DRAWS
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Value
from kanguri.rule import Falsification, Rule
from kanguri.sources import INPUTS_CHECKED, graded_on_checked_inputs, inputs_checked

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
USES = ("stock", "growth", "slow_growth", "frontier_tokens", "frontier_date", "qwen_tokens", "qwen_date",
        "o1_date", "o3_date", "o1_release", "o3_release")  # fmt: skip

ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "dates": ("announcement", "release"),
        "frontier": ("qwen2.5", "deepseek-v3"),
        "stock_draw": ("bounds", "lognormal"),
    },
    # training sets growing only 1.5× a year (the 2022 estimate): the stock must then not run out soon
    nulls=({"growth_figure": "slow"},),
)


def runs_out(e: Estimate) -> bool:
    """The criterion: the whole range of the exhaustion year lies before the horizon."""
    return e.hi < T["horizon"]


def _year_facts(e: Estimate) -> dict[str, float | bool]:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["horizon"], "ok": runs_out(e)}


def _share_facts(ev: exp.Evidence) -> dict:
    s = ev.share_used
    return {"value": 100 * s.value, "lo": 100 * s.lo, "hi": 100 * s.hi, "bar": 100 * T["most"]}


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


def report(r: exp.Result) -> Report:
    rows = [[f"{k:g}", round(s.value, 2)] for k, s in r.shift_years.items()]
    return Report(
        values=_values(r),
        tables={"shifts": W.table("shifts", rows)},
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
