"""When would the largest training runs have used up the public stock of human text, how much of it had they read,
and how long did it take from o1 to o3? Arithmetic on cited inputs, with Monte Carlo over their ranges.

Two stocks, in the units of what they are compared with (Villalobos et al. 2024, §2.3):

- the *unique* stock: quality-filtered text, each token counted once. It is set against the tokens of one run
  (its training set, read about once): the share of the unique text already read.
- the *effective* stock: the unique stock × the gain from repeating it over several epochs (3× to 5×). It is set
  against the run's tokens as Epoch does: the year the run would need more than even repetition can supply.

The stock's definition is a knob. ``epoch_adjusted``: Epoch's published effective stock (a 90% interval), with the
epoch gain divided out for the unique stock. ``indexed_web`` and ``common_crawl``: Epoch's own construction from a
raw stock (their 95% intervals) × the usable share of web text (10% to 40%), × the epoch gain for the effective
stock. Common Crawl is the narrower stock that open training sets draw on.

Demand: the largest openly documented training set (Qwen2.5's 18T tokens; DeepSeek-V3's 14.8T is a config value)
grows by a factor ``g`` a year from its publication date, ``D(t) = D0 · g^(t − t0)``, and meets a stock ``S`` in
year ``t0 + ln(S / D0) / ln g``. The growth ``g`` is a knob. ``paper``: the historical growth that Villalobos et al.
fit in the same paper as the stocks (§2.4: median 0.38 orders of magnitude a year, 95% interval 0.27 to 0.48), drawn
as a normal in orders of magnitude with that median and those percentiles on each side (the paper models the growth
factor as log-normal). ``epoch``: drawn uniformly over the figures Epoch's data-insight page, a different product
fitted to a different set of models, has carried (3× to 3.7× a year). A cited interval is drawn either log-uniformly inside it, as if its ends were hard bounds
("bounds"), or from the log-normal whose percentiles are its ends ("lognormal", which puts the interval's
remainder outside). The same arithmetic with a slower cited growth is the negative control. The o1 → o3
interval is taken between announcements (o1-preview, released the day it was announced, to o3's announcement) or
between general releases (o1 to o3). Dates enter as day numbers.

A *null* world, where none of the effects is present, is also defined: GPT-3's training set (2020) as the
frontier, growing at the slow cited rate, and the interval between two GPT generations as the pace.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from scipy import stats

from experiments.common.montecarlo import Ranges, propagate
from experiments.common.stats import Estimate

DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
# cited intervals, with the probability each encloses: drawn log-uniformly, or as a log-normal with those percentiles
INTERVALS = {"stock": 0.90, "indexed_web": 0.95, "common_crawl": 0.95, "usable_share": 0.95}
LOG_UNIFORM = tuple(INTERVALS)


@dataclass(frozen=True)
class Config:
    samples: int = 10_000  # Monte Carlo draws over the cited ranges
    seed: int = 0
    multipliers: tuple[float, ...] = (0.5, 2.0, 4.0, 10.0)  # "what if the usable stock were k times larger"
    dates: str = "announcement"  # o1 → o3 between "announcement"s or general "release"s ("generations": null)
    frontier: str = "qwen2.5"  # the largest documented training set: "qwen2.5", "deepseek-v3" ("gpt-3": null)
    stock_draw: str = "bounds"  # the cited intervals as hard "bounds", or as a "lognormal"
    stock: str = "epoch_adjusted"  # the stock's definition: "epoch_adjusted", "indexed_web" or "common_crawl"
    # the growth of the largest training set: "paper" (the stocks' own paper, 0.38 orders of magnitude a year),
    # "epoch" (Epoch's data-insight page, 3× to 3.7× a year) or "slow" (the 2022 estimate, 1.5×: a null)
    growth_figure: str = "paper"


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    exhaustion_year: Estimate  # year the largest run would need more than the effective stock
    share_used: Estimate  # share of the unique stock that the largest run had read by the time of the essay
    gap_months: Estimate  # o1 → o3, in months
    control_year: Estimate  # the exhaustion year with the slower cited growth
    unverified: tuple[str, ...]  # cited inputs that could not be checked against their source


@dataclass
class Result:
    evidence: Evidence
    gap_days: Estimate
    unique_stock: Estimate  # tokens, each counted once
    effective_stock: Estimate  # tokens, with repetition
    shift_years: dict[float, Estimate]  # stock × k → years later (earlier for k < 1)
    projection_years: list[float]
    projection: list[float]  # tokens of the largest run, median over the growth range
    projection_lo: list[float]
    projection_hi: list[float]
    stock_range: tuple[float, float]  # the effective stock's 95% range, drawn
    by_stock: dict[str, dict[str, Estimate]]  # each definition of the stock → unique, effective, share, year
    by_growth: dict[
        str, dict[str, Estimate]
    ]  # each cited growth figure → each definition of the stock → year
    essay_date: str  # the time of the essay (ISO date): the release of the latest model it names


FRONTIER = {"qwen2.5": ("qwen_tokens", "qwen_date"), "deepseek-v3": ("frontier_tokens", "frontier_date"),
            "gpt-3": ("gpt3_tokens", "gpt3_date")}  # fmt: skip
DATES = {"announcement": ("o1_date", "o3_date"), "release": ("o1_release", "o3_release"),
         "generations": ("gpt3_date", "gpt4_date")}  # fmt: skip
# the cited inputs each growth figure reads
GROWTH = {"paper": ("paper_growth", "paper_growth_median"), "epoch": ("growth",), "slow": ("slow_growth",)}
ESSAY_DATE = (
    "gpt45_date"  # the essay names ChatGPT 4.5: it cannot have been written before that model came out
)
# the cited inputs each definition of the stock reads (the raw stock first)
STOCKS = {"epoch_adjusted": ("stock", "epochs"), "indexed_web": ("indexed_web", "usable_share", "epochs"),
          "common_crawl": ("common_crawl", "usable_share", "epochs")}  # fmt: skip


def lognormal(x: np.ndarray, low: float, high: float, level: float) -> np.ndarray:
    """Map log-uniform draws inside ``(low, high)`` to the log-normal whose central ``level`` interval it is
    (same quantile, so the draws stay paired)."""
    lo, hi = np.log(low), np.log(high)
    u = np.clip((np.log(x) - lo) / (hi - lo), 1e-12, 1 - 1e-12)
    z = stats.norm.ppf(0.5 + level / 2)
    return np.exp((lo + hi) / 2 + (hi - lo) / (2 * z) * stats.norm.ppf(u))


def split_normal(x: np.ndarray, low: float, median: float, high: float, level: float = 0.95) -> np.ndarray:
    """Map uniform draws inside ``(low, high)`` to a normal with that ``median`` whose central ``level`` interval is
    ``(low, high)``, with a separate spread on each side (same quantile, so the draws stay paired)."""
    u = np.clip((x - low) / (high - low), 1e-12, 1 - 1e-12)
    z = stats.norm.ppf(u) / stats.norm.ppf(0.5 + level / 2)
    return median + z * np.where(z < 0, median - low, high - median)


def growth_of(figure: str, inputs: Ranges, x: Mapping[str, np.ndarray]) -> np.ndarray:
    """The growth factor per year that ``figure`` draws."""
    if figure == "paper":
        (low, high), median = inputs["paper_growth"], inputs["paper_growth_median"][0]
        return np.asarray(10.0 ** split_normal(x["paper_growth"], low, median, high))
    return np.asarray(x[GROWTH[figure][0]])


def growth_range(figure: str, inputs: Ranges) -> tuple[float, float, float]:
    """The growth's low end, middle and high end (the 95% interval and median, or the cited range and its
    geometric middle)."""
    if figure == "paper":
        (low, high), mid = inputs["paper_growth"], inputs["paper_growth_median"][0]
        return 10.0**low, 10.0**mid, 10.0**high
    low, high = inputs[GROWTH[figure][0]]
    return low, (low * high) ** 0.5, high


def chosen(cfg: Config, inputs: Ranges, x: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The draws the configuration reads, under the names the arithmetic uses: ``stock`` (effective) and
    ``unique_stock``, ``frontier_tokens``, ``frontier_date``, ``o1_date``, ``o3_date`` and ``growth``."""
    tokens, date = FRONTIER[cfg.frontier]
    o1, o3 = DATES[cfg.dates]
    out = dict(x)
    if cfg.stock_draw == "lognormal":
        for name, level in INTERVALS.items():
            if name in x:
                out[name] = lognormal(x[name], *inputs[name], level)
    raw, *_ = STOCKS[cfg.stock]
    if cfg.stock == "epoch_adjusted":
        unique = out["stock"] / out["epochs"]
    else:
        unique = out[raw] * np.minimum(out["usable_share"], 1.0)
    out |= {"unique_stock": unique, "stock": unique * out["epochs"], "frontier_tokens": x[tokens],
            "frontier_date": x[date], "o1_date": x[o1], "o3_date": x[o3]}  # fmt: skip
    out["growth"] = growth_of(cfg.growth_figure, inputs, x)
    return out


def used_inputs(cfg: Config) -> set[str]:
    """The cited inputs this configuration reads (an unverified input it does not read decides nothing)."""
    return {
        ESSAY_DATE,
        *GROWTH[cfg.growth_figure],
        *STOCKS[cfg.stock],
        *FRONTIER[cfg.frontier],
        *DATES[cfg.dates],
    }


def year_of(day: float | np.ndarray) -> np.ndarray:
    """A day number as a decimal year (2024-12-27 → 2024.99)."""
    day = np.asarray(day, dtype=float)
    first = datetime.date(1, 1, 1).toordinal()
    return 1 + (day - first) / DAYS_PER_YEAR


def exhaustion_year(x: Mapping[str, np.ndarray], growth: str = "growth") -> np.ndarray:
    """Year in which ``D0 · g^(t − t0)`` reaches the (effective) stock."""
    return year_of(x["frontier_date"]) + np.log(x["stock"] / x["frontier_tokens"]) / np.log(x[growth])


def share_used(x: Mapping[str, np.ndarray], essay_day: float) -> np.ndarray:
    """Share of ``stock`` that the largest run had read on ``essay_day`` (growing from the frontier date)."""
    years = (essay_day - x["frontier_date"]) / DAYS_PER_YEAR
    return x["frontier_tokens"] * x["growth"] ** years / x["stock"]


def shift_years(x: Mapping[str, np.ndarray], k: float) -> np.ndarray:
    """How many years later the stock runs out if it is ``k`` times larger (earlier when k < 1)."""
    return np.log(k) / np.log(x["growth"]) + 0 * x["stock"]


def gap_days(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["o3_date"] - x["o1_date"]


def _unique(x: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The draws with the unique stock in the place of the effective one (the share reads ``stock``)."""
    return {**x, "stock": x["unique_stock"]}


def _check(cfg: Config) -> None:
    choices: dict[str, Collection[str]] = {"dates": DATES, "frontier": FRONTIER, "stock": STOCKS,
               "stock_draw": ("bounds", "lognormal"), "growth_figure": GROWTH}  # fmt: skip
    for name, allowed in choices.items():
        if getattr(cfg, name) not in allowed:
            raise ValueError(f"unknown {name} {getattr(cfg, name)!r} (one of {list(allowed)})")


Draws = Mapping[str, np.ndarray]


def _mc(cfg: Config, inputs: Ranges) -> Callable[..., Estimate]:
    """The Monte Carlo estimate of ``fn`` over the draws this configuration reads."""

    def mc(fn: Callable[[Draws], np.ndarray], log: tuple[str, ...] = LOG_UNIFORM) -> Estimate:
        return propagate(lambda x: fn(chosen(cfg, inputs, x)), inputs, cfg.samples, cfg.seed, log)

    return mc


def stocks(cfg: Config, inputs: Ranges, essay_day: float) -> dict[str, dict[str, Estimate]]:
    """The stocks, the share read and the exhaustion year under each definition of the stock."""
    out = {}
    for name in STOCKS:
        mc = _mc(replace(cfg, stock=name), inputs)
        out[name] = {"unique": mc(lambda x: x["unique_stock"]), "effective": mc(lambda x: x["stock"]),
                     "share": mc(lambda x: share_used(_unique(x), essay_day)), "year": mc(exhaustion_year)}  # fmt: skip
    return out


def years_by_growth(cfg: Config, inputs: Ranges) -> dict[str, dict[str, Estimate]]:
    """The exhaustion year under each cited growth figure (not the null's) and each definition of the stock."""
    return {figure: {name: _mc(replace(cfg, growth_figure=figure, stock=name), inputs)(exhaustion_year)
                     for name in STOCKS} for figure in ("paper", "epoch")}  # fmt: skip


def run(cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset()) -> Result:
    _check(cfg)
    essay_day = inputs[ESSAY_DATE][0]
    mc = _mc(cfg, inputs)
    by_stock = stocks(cfg, inputs, essay_day)
    year, share, effective = (by_stock[cfg.stock][k] for k in ("year", "share", "effective"))
    days = mc(gap_days, ())
    per_month = 1 / DAYS_PER_MONTH
    months = Estimate(days.value * per_month, days.lo * per_month, days.hi * per_month, days.method, days.n)
    ks = sorted({*cfg.multipliers, inputs["repeat_epochs"][0]})  # the cited epochs of harmless repetition
    tokens, date = FRONTIER[cfg.frontier]
    t0 = float(year_of(inputs[date][0]))
    years = [float(t) for t in np.arange(np.floor(t0), np.ceil(year.hi) + 2)]
    low_g, mid_g, high_g = growth_range(cfg.growth_figure, inputs)
    d0 = inputs[tokens][0]
    return Result(
        evidence=Evidence(
            exhaustion_year=year,
            share_used=share,
            gap_months=months,
            control_year=mc(lambda x: exhaustion_year(x, "slow_growth")),
            unverified=tuple(sorted(set(unverified) & used_inputs(cfg))),
        ),
        gap_days=days,
        unique_stock=by_stock[cfg.stock]["unique"],
        effective_stock=effective,
        shift_years={k: mc(partial(shift_years, k=k)) for k in ks},
        projection_years=years,
        projection=[d0 * mid_g ** (t - t0) for t in years],
        projection_lo=[d0 * (low_g if t >= t0 else high_g) ** (t - t0) for t in years],
        projection_hi=[d0 * (high_g if t >= t0 else low_g) ** (t - t0) for t in years],
        stock_range=(effective.lo, effective.hi),
        by_stock=by_stock,
        by_growth=years_by_growth(cfg, inputs),
        essay_date=datetime.date.fromordinal(int(essay_day)).isoformat(),
    )
