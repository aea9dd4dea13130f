"""Claim data-exhaustion-and-pace: public web text is nearly exhausted as training data; o1 to o3 took about
three months."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import data_exhaustion_and_pace as exp
from experiments.common.stats import Estimate
from kanguri import (
    INPUTS_CHECKED,
    Anchor,
    Check,
    Falsification,
    Figure,
    L,
    Report,
    Rule,
    Series,
    Table,
    Value,
    any_accepted,
    define,
    graded_on_checked_inputs,
    inputs_checked,
)

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
USES = ("stock", "growth", "frontier_tokens", "frontier_date", "o1_date", "o3_date")


def runs_out(e: Estimate) -> bool:
    """The criterion: the whole range of the exhaustion year lies before the horizon."""
    return e.hi < T["horizon"]


def _year_facts(e: Estimate) -> dict[str, float | bool]:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["horizon"], "ok": runs_out(e)}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "runs_out_soon": Check(
            facts=lambda ev: _year_facts(ev.exhaustion_year),
            holds=lambda f: f["ok"],
            yes=L(
                ja="最大規模の学習が公開テキストのストックを読み尽くすのは {value:.1f} 年ごろ（範囲 {lo:.1f}〜{hi:.1f} 年）で、{bar:.0f} 年より前に収まる。",
                en="The largest training runs would read the whole public stock around {value:.1f} (range {lo:.1f} "
                "to {hi:.1f}), before {bar:.0f}.",
            ),
            no=L(
                ja="ストックを読み尽くす年は {value:.1f} 年（範囲 {lo:.1f}〜{hi:.1f} 年）で、{bar:.0f} 年より前とは言えない。",
                en="The stock would be read through around {value:.1f} (range {lo:.1f} to {hi:.1f}), not clearly "
                "before {bar:.0f}.",
            ),
        ),
        "already_mostly_read": Check(
            facts=lambda ev: {
                "value": 100 * ev.share_used.value,
                "lo": 100 * ev.share_used.lo,
                "hi": 100 * ev.share_used.hi,
                "bar": 100 * T["most"],
            },
            holds=lambda f: f["lo"] >= f["bar"],
            yes=L(
                ja="エッセイの時点で、最大の学習はストックの {value:.0f}%（範囲 {lo:.0f}〜{hi:.0f}%）をすでに読んでいた。大部分と言える。",
                en="By the time of the essay the largest run had already read {value:.0f}% of the stock (range "
                "{lo:.0f} to {hi:.0f}%): most of it.",
            ),
            no=L(
                ja="ただしエッセイの時点で最大の学習が読んでいたのは、ストックの {value:.0f}%（範囲 {lo:.0f}〜{hi:.0f}%）にとどまる。「大部分を学習し尽くした」（{bar:.0f}% 以上）とは言えない。",
                en="But by the time of the essay the largest run had read only {value:.0f}% of the stock (range "
                "{lo:.0f} to {hi:.0f}%), short of 'most of it' ({bar:.0f}% or more).",
            ),
        ),
        "about_three_months": Check(
            facts=lambda ev: {
                "value": ev.gap_months.value,
                "lo": ev.gap_months.lo,
                "hi": ev.gap_months.hi,
                "target": T["months"],
                "band": T["band"],
            },
            holds=lambda f: f["target"] - f["band"] <= f["lo"] and f["hi"] <= f["target"] + f["band"],
            yes=L(
                ja="o1 から o3 までは {value:.2f} か月（範囲 {lo:.2f}〜{hi:.2f}）で、{target:.0f} ± {band:.0f} か月に収まる。",
                en="o1 to o3 took {value:.2f} months (range {lo:.2f} to {hi:.2f}), within {target:.0f} ± {band:.0f} "
                "months.",
            ),
            no=L(
                ja="o1 から o3 までは {value:.2f} か月（範囲 {lo:.2f}〜{hi:.2f}）で、{target:.0f} ± {band:.0f} か月に収まらない。",
                en="o1 to o3 took {value:.2f} months (range {lo:.2f} to {hi:.2f}), outside {target:.0f} ± {band:.0f} "
                "months.",
            ),
        ),
        INPUTS_CHECKED: inputs_checked(USES),
    },
    verdict=graded_on_checked_inputs,
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "slow_growth": Check(
            facts=lambda ev: _year_facts(ev.control_year),
            holds=lambda f: f["ok"],
            yes=L(
                ja="引用した遅い伸びでも、読み尽くす年 {value:.1f}（範囲 {lo:.1f}〜{hi:.1f}）が {bar:.0f} 年より前と判定された（甘すぎる）。",
                en="Even with the slower cited growth the criterion accepts {value:.1f} (range {lo:.1f} to "
                "{hi:.1f}) as before {bar:.0f}: too lax.",
            ),
            no=L(
                ja="引用した遅い伸びなら、読み尽くすのは {value:.1f} 年（範囲 {lo:.1f}〜{hi:.1f}）で、基準は「{bar:.0f} 年より前」を棄却した。",
                en="With the slower cited growth the stock lasts until {value:.1f} (range {lo:.1f} to "
                "{hi:.1f}): the criterion rejects 'before {bar:.0f}'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, lo: float, hi: float) -> Estimate:
    return Estimate(value, lo, hi, "Monte Carlo over the cited ranges", 1000)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        exhaustion_year=_e(2026.0, 2025.5, 2026.5),
        share_used=_e(0.7, 0.6, 0.8),
        gap_months=_e(3.0, 2.9, 3.1),
        control_year=_e(2040.0, 2035.0, 2045.0),
        unverified=(),
    )


def _null() -> exp.Evidence:
    """Plenty of text left, little of it read, and a year between the two models."""
    return replace(
        _supporting(),
        exhaustion_year=_e(2045.0, 2038.0, 2060.0),
        share_used=_e(0.01, 0.005, 0.02),
        gap_months=_e(12.0, 11.9, 12.1),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "runs_out_soon": lambda ev: replace(ev, exhaustion_year=_e(2032.0, 2029.0, 2036.0)),
        "already_mostly_read": lambda ev: replace(ev, share_used=_e(0.3, 0.2, 0.4)),
        "about_three_months": lambda ev: replace(ev, gap_months=_e(6.0, 5.9, 6.1)),
        INPUTS_CHECKED: lambda ev: replace(ev, unverified=("stock",)),
    },
    control_flips={"slow_growth": lambda ev: replace(ev, control_year=_e(2027.0, 2026.0, 2028.0))},
)

TOKENS = L(ja="トークン", en="tokens")
YEAR = L(ja="年", en="year")


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        "exhaustion_year": Value.of(
            L(ja="ストックを読み尽くす年", en="year the stock is read through"),
            ev.exhaustion_year,
            digits=5,
            grouping=False,
        ),
        "share_used": Value.of(
            L(
                ja="エッセイ時点で最大の学習が読んだストックの割合",
                en="share of the stock read by the largest run at the essay",
            ),
            ev.share_used,
            scale=100,
            unit=L(ja="%", en="%"),
            digits=2,
        ),
        "gap_days": Value.of(
            L(ja="o1 から o3 まで", en="o1 to o3"), r.gap_days, unit=L(ja="日", en="days"), digits=3
        ),
        "gap_months": Value.of(
            L(ja="o1 から o3 まで", en="o1 to o3"), ev.gap_months, unit=L(ja="か月", en="months")
        ),
        "control_year": Value.of(
            L(
                ja="伸びが遅い場合に読み尽くす年（対照）",
                en="year the stock is read through at the slower growth (control)",
            ),
            ev.control_year,
            digits=5,
            grouping=False,
        ),
    }
    for k, shift in r.shift_years.items():
        values[f"shift_{k:g}"] = Value.of(
            L(ja=f"ストックが {k:g} 倍のときのずれ", en=f"shift if the stock were {k:g}×"),
            shift,
            unit=L(ja="年", en="years"),
            digits=2,
        )
    shifts = Table(
        caption=L(
            ja="使えるテキストが k 倍あれば、読み尽くす年は ln k ÷ ln（年間の伸び）年ずれる。",
            en="If k times more usable text existed, the date would move by ln k ÷ ln(growth per year) years.",
        ),
        columns=[L(ja="ストックの倍率 k", en="stock multiplier k"), L(ja="ずれ [年]", en="shift [years]")],
        rows=[[f"{k:g}", round(s.value, 2)] for k, s in r.shift_years.items()],
    )
    low, high = r.stock_range
    projection = Figure(
        title=L(
            ja="最大の学習データと公開テキストのストック", en="Largest training set against the public stock"
        ),
        caption=L(
            ja="最前線の学習データ（DeepSeek-V3 から、引用した年間の伸びで外挿、帯は伸びの範囲）と、引用したストックの下限・上限。交わる年が読み尽くす年。",
            en="The frontier training set (from DeepSeek-V3, extrapolated at the cited growth per year; the band is "
            "the growth range) against the low and high ends of the cited stock. Where they cross, the stock is "
            "read through.",
        ),
        xlabel=YEAR,
        ylabel=TOKENS,
        yscale="log",
        series=[
            Series(
                label=L(ja="最大の学習データ", en="largest training set"),
                x=r.projection_years,
                y=r.projection,
                lo=r.projection_lo,
                hi=r.projection_hi,
            ),
            Series(
                label=L(ja="ストック（下限）", en="stock (low end)"),
                x=[r.projection_years[0], r.projection_years[-1]],
                y=[low, low],
                style="fit",
            ),
            Series(
                label=L(ja="ストック（上限）", en="stock (high end)"),
                x=[r.projection_years[0], r.projection_years[-1]],
                y=[high, high],
                style="fit",
            ),
        ],
    )
    return Report(values=values, tables={"shifts": shifts}, figures={"projection": projection})


claim = define(
    "data-exhaustion-and-pace",
    statement=L(
        ja="公開されたウェブのテキストは、学習データとしてほぼ使い尽くされた。それでも o1 から o3 まではわずか 3 か月ほどだった。",
        en="Public web text is nearly used up as training data, yet o1 to o3 took only about three months.",
    ),
    question=L(
        ja="引用した推計から計算すると、最大規模の学習は公開テキストをいつ読み尽くすか。エッセイの時点でどれだけ読んでいたか。o1 から o3 までは何か月か。",
        en="From cited estimates, when would the largest training runs have read all public text, how much had they "
        "read by the time of the essay, and how many months separated o1 and o3?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(samples=2_000),
        "site": exp.Config(samples=20_000),
        "full": exp.Config(samples=200_000),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    report=report,
    thresholds=THRESHOLDS,
    expected="partly",
    headline="exhaustion_year",
    anchors=[
        Anchor(
            cite="Villalobos et al. 2024, ICML (PMLR 235), “Will we run out of data?”",
            url="https://arxiv.org/abs/2211.04325",
            theirs=L(
                ja="ストックを使い切るのは 2026〜2032 年（中央値 2028 年）。過剰学習ならもう少し早い",
                en="the stock is used up between 2026 and 2032 (median 2028), slightly earlier with overtraining",
            ),
            ours="exhaustion_year",
            locator="abstract and Figure 1 caption (arXiv v2)",
            quote="models will be trained on datasets roughly equal in size to the available stock of public human "
            "text data between 2026 and 2032, or slightly earlier if models are overtrained",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Muennighoff et al. 2025, JMLR 26(53) (NeurIPS 2023), “Scaling Data-Constrained Language Models”",
            url="https://www.jmlr.org/papers/v26/24-1000.html",
            theirs=L(
                ja="4 エポックまでの反復は、新しいデータとほぼ同じ損失になる",
                en="up to 4 epochs of repetition give almost the same loss as fresh data",
            ),
            ours="shift_4",
            locator="abstract",
            quote="training with up to 4 epochs of repeated data yields negligible changes to loss compared to "
            "having unique data",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
