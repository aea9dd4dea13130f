"""When would the largest training runs have read the whole public stock of human text, and how long did it take
from o1 to o3? Arithmetic on cited inputs, with Monte Carlo over their ranges.

Demand: the largest openly documented training set (Qwen2.5's 18T tokens, or DeepSeek-V3's 14.8T as a knob)
grows by a factor ``g`` a year from its publication date, ``D(t) = D0 · g^(t − t0)``. It meets a stock ``S`` in
year ``t0 + ln(S / D0) / ln g``. The growth is drawn uniformly over the figures Epoch's page has carried (3× to
3.7× a year). The stock's cited range is a 90% interval: drawn either log-uniformly inside it, as if its ends were
hard bounds ("bounds"), or from the log-normal whose 5th and 95th percentiles are its ends ("lognormal", which
puts 10% of the draws outside). The same arithmetic with a slower cited growth is the negative control. The o1 → o3
interval is taken between announcements (o1-preview, released the day it was announced, to o3's announcement) or
between general releases (o1 to o3). Dates enter as day numbers.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy import stats

from experiments.common.montecarlo import Ranges, propagate
from experiments.common.stats import Estimate

DAYS_PER_YEAR = 365.2425
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
LOG_UNIFORM = ("stock",)  # inputs drawn log-uniformly


@dataclass(frozen=True)
class Config:
    samples: int = 10_000  # Monte Carlo draws over the cited ranges
    seed: int = 0
    # The essay cites a post of 13 December 2024 and o3 (announced 20 December 2024), so it was written in
    # 2025 at the earliest. We take its first day as "the time of the essay".
    essay_date: str = "2025-01-01"
    multipliers: tuple[float, ...] = (0.5, 2.0, 4.0, 10.0)  # "what if the usable stock were k times larger"
    dates: str = "announcement"  # o1 → o3 between "announcement"s or general "release"s
    frontier: str = "qwen2.5"  # the largest documented training set: "qwen2.5" (18T) or "deepseek-v3" (14.8T)
    stock_draw: str = "bounds"  # the stock's 90% interval as hard "bounds", or as a "lognormal"
    growth_figure: str = "epoch"  # "epoch" (3× to 3.7× a year) or "slow" (the 2022 estimate, 1.5×: a null)


@dataclass(frozen=True)
class Evidence:
    """Every number the verdict reads."""

    exhaustion_year: Estimate  # year the largest run would read the whole stock
    share_used: Estimate  # share of the stock the largest run had read by the time of the essay
    gap_months: Estimate  # o1 → o3, in months
    control_year: Estimate  # the exhaustion year with the slower cited growth
    unverified: tuple[str, ...]  # cited inputs that could not be checked against their source


@dataclass
class Result:
    evidence: Evidence
    gap_days: Estimate
    shift_years: dict[float, Estimate]  # stock × k → years later (earlier for k < 1)
    projection_years: list[float]
    projection: list[float]  # tokens of the largest run, median over the growth range
    projection_lo: list[float]
    projection_hi: list[float]
    stock_range: tuple[float, float]


FRONTIER = {"qwen2.5": ("qwen_tokens", "qwen_date"), "deepseek-v3": ("frontier_tokens", "frontier_date")}
DATES = {"announcement": ("o1_date", "o3_date"), "release": ("o1_release", "o3_release")}
Z95 = stats.norm.ppf(0.95)  # the 95th percentile of a standard normal: a 90% interval is ±1.645 σ


def chosen(cfg: Config, x: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The draws the configuration reads, under the names the arithmetic uses."""
    tokens, date = FRONTIER[cfg.frontier]
    o1, o3 = DATES[cfg.dates]
    out = dict(x)
    out |= {"frontier_tokens": x[tokens], "frontier_date": x[date], "o1_date": x[o1], "o3_date": x[o3]}
    if cfg.growth_figure == "slow":
        out["growth"] = x["slow_growth"]
    if cfg.stock_draw == "lognormal":
        # the log-uniform draw's quantile, mapped through the log-normal with the same 90% interval
        lo, hi = np.log(STOCK[0]), np.log(STOCK[1])
        u = np.clip((np.log(x["stock"]) - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        out["stock"] = np.exp((lo + hi) / 2 + (hi - lo) / (2 * Z95) * stats.norm.ppf(u))
    return out


STOCK = (1.0, 1.0)  # set by run() from the cited range


def used_inputs(cfg: Config) -> set[str]:
    """The cited inputs this configuration reads (an unverified input it does not read decides nothing)."""
    return {"stock", "growth" if cfg.growth_figure == "epoch" else "slow_growth", *FRONTIER[cfg.frontier],
            *DATES[cfg.dates]}  # fmt: skip


def year_of(day: float | np.ndarray) -> np.ndarray:
    """A day number as a decimal year (2024-12-27 → 2024.99)."""
    day = np.asarray(day, dtype=float)
    first = datetime.date(1, 1, 1).toordinal()
    return 1 + (day - first) / DAYS_PER_YEAR


def exhaustion_year(x: Mapping[str, np.ndarray], growth: str = "growth") -> np.ndarray:
    """Year in which ``D0 · g^(t − t0)`` reaches the stock."""
    return year_of(x["frontier_date"]) + np.log(x["stock"] / x["frontier_tokens"]) / np.log(x[growth])


def share_used(x: Mapping[str, np.ndarray], essay_day: float) -> np.ndarray:
    """Share of the stock that the largest run had read on ``essay_day`` (growing from the frontier date)."""
    years = (essay_day - x["frontier_date"]) / DAYS_PER_YEAR
    return x["frontier_tokens"] * x["growth"] ** years / x["stock"]


def shift_years(x: Mapping[str, np.ndarray], k: float) -> np.ndarray:
    """How many years later the stock runs out if it is ``k`` times larger (earlier when k < 1)."""
    return np.log(k) / np.log(x["growth"]) + 0 * x["stock"]


def gap_days(x: Mapping[str, np.ndarray]) -> np.ndarray:
    return x["o3_date"] - x["o1_date"]


def run(cfg: Config, inputs: Ranges, unverified: frozenset[str] = frozenset()) -> Result:
    global STOCK
    if (
        cfg.frontier not in FRONTIER
        or cfg.dates not in DATES
        or cfg.stock_draw not in ("bounds", "lognormal")
    ):
        raise ValueError(f"unknown choice in {cfg}")
    STOCK = inputs["stock"]
    n, seed = cfg.samples, cfg.seed
    essay_day = float(datetime.date.fromisoformat(cfg.essay_date).toordinal())

    def on(fn):
        return lambda x: fn(chosen(cfg, x))

    year = propagate(on(exhaustion_year), inputs, n, seed, LOG_UNIFORM)
    control = propagate(on(lambda x: exhaustion_year(x, "slow_growth")), inputs, n, seed, LOG_UNIFORM)
    share = propagate(on(lambda x: share_used(x, essay_day)), inputs, n, seed, LOG_UNIFORM)
    days = propagate(on(gap_days), inputs, n, seed)
    months = Estimate(
        days.value / DAYS_PER_MONTH, days.lo / DAYS_PER_MONTH, days.hi / DAYS_PER_MONTH, days.method, days.n
    )
    ks = sorted({*cfg.multipliers, inputs["repeat_epochs"][0]})  # the cited epochs of harmless repetition
    shifts = {k: propagate(on(partial(shift_years, k=k)), inputs, n, seed) for k in ks}
    tokens, date = FRONTIER[cfg.frontier]
    t0 = float(year_of(inputs[date][0]))
    years = [float(t) for t in np.arange(np.floor(t0), np.ceil(year.hi) + 2)]
    low_g, high_g = inputs["growth" if cfg.growth_figure == "epoch" else "slow_growth"]
    d0 = inputs[tokens][0]
    mid_g = (low_g * high_g) ** 0.5
    return Result(
        evidence=Evidence(
            exhaustion_year=year,
            share_used=share,
            gap_months=months,
            control_year=control,
            unverified=tuple(sorted(set(unverified) & used_inputs(cfg))),
        ),
        gap_days=days,
        shift_years=shifts,
        projection_years=years,
        projection=[d0 * mid_g ** (t - t0) for t in years],
        projection_lo=[d0 * (low_g if t >= t0 else high_g) ** (t - t0) for t in years],
        projection_hi=[d0 * (high_g if t >= t0 else low_g) ** (t - t0) for t in years],
        stock_range=inputs["stock"],
    )
