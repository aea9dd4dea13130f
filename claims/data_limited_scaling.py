"""Claim data-limited-scaling: making models bigger without more (good) data stops improving them, and
repeating the same data gives diminishing returns. Words: ``data_limited_scaling.<lang>.yml``; anchors:
``data_limited_scaling.anchors.yml``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from experiments import data_limited_scaling as exp
from experiments.common.stats import Estimate
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, interval, synthetic, unconverged
from kanguri.report import Figure, Report, Series, Table, Value
from kanguri.rule import UNDETERMINED, Falsification, Outcome, Rule, Verdict

W = Words(__file__)
THRESHOLDS = {
    # "flat": with 95% confidence the test loss improves by less than the tolerance (a config field, and a knob
    # of the robustness map) per e-fold of N: a one-sided equivalence test; "improves": the opposite side
    "negligible": 0.01,  # nats: a repetition penalty below this is negligible (Muennighoff et al.'s word)
    "muennighoff_r_star": 15.4,  # Muennighoff et al.'s fitted R*_D
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="site",  # the specifications reuse the site runs (cut short where the cap is lower): no new training
    knobs={"tolerance": (0.005, 0.01, 0.02, 0.03), "steps": (1000, 2000)},
    # the characters of every split shuffled: only their frequencies remain, so neither model size nor repeated
    # data can matter (fewer seeds and sizes: each null run is a new training run)
    nulls=({"text": "shuffled", "seeds": 3, "widths": (16, 32, 48), "upper_sizes": 3},),
)


def _sided(e: Estimate, passes: bool, fails: bool, stops: list[Stop], **extra: Any) -> dict:
    """An interval's facts: undetermined when a run it reads was cut off while still improving, or when the
    interval lies wholly on neither side of its bar."""
    cut = unconverged(stops)
    why = cut[UNDETERMINED] or (None if passes or fails else "straddles")
    return interval(e, **extra) | cut | {UNDETERMINED: why}


def _flat(e: Estimate, tol: float, d: int, stops: list[Stop]) -> dict:
    """Flat: the lower bound of the slope is above −tol; not flat: the upper bound is at or below it."""
    return _sided(e, e.lo > -tol, e.hi <= -tol, stops, bar=-tol, tol=tol, d=d)


def _small_flat(ev: exp.Evidence) -> dict:
    return _flat(ev.slopes[0], ev.tolerance, ev.budgets[0], ev.stops[ev.budgets[0]])


def _change(ev: exp.Evidence) -> Estimate:
    """The fitted change of the size slope from the least to the most data (trend × ln(D_max / D_min))."""
    span = math.log(ev.budgets[-1] / ev.budgets[0])
    e = ev.steepening
    return Estimate(e.value * span, e.lo * span, e.hi * span, e.method, e.n)


def _steepens(ev: exp.Evidence) -> dict:
    e, tol = _change(ev), ev.tolerance
    stops = [s for d in ev.budgets for s in ev.stops[d]]
    return _sided(e, e.hi < -tol, e.lo >= -tol, stops, bar=-tol, tol=tol, budgets=len(ev.budgets),
                  small=ev.budgets[0], large=ev.budgets[-1])  # fmt: skip


def _repetition(ev: exp.Evidence) -> dict:
    """Repetition costs more than a negligible amount: holds above the bar, fails when wholly below it."""
    e, bar = ev.repetition_penalty, T["negligible"]
    return _sided(e, e.lo > bar, e.hi <= bar, ev.repeat_stops, epochs=ev.most_epochs, bar=bar)


def _and(*outcomes: Outcome) -> Outcome:
    """Three-valued AND: fails if any fails, undetermined if any is, holds if all hold."""
    if any(o is False for o in outcomes):
        return False
    return None if any(o is None for o in outcomes) else True


def _verdict(held: Mapping[str, Outcome]) -> Verdict:
    """Two parts: size stops paying without data and pays more with more (a contrast), and repetition costs.
    Both hold: supported; both fail: not supported; otherwise (one, or an undetermined part): partly."""
    parts = [_and(held["small_flat"], held["steepens"]), held["repetition_hurts"]]
    if all(p is True for p in parts):
        return "supported"
    return "not-supported" if all(p is False for p in parts) else "partly"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "small_flat": W.check("small_flat", _small_flat, lambda f: f["lo"] > f["bar"]),
        "steepens": W.check("steepens", _steepens, lambda f: f["hi"] < f["bar"]),
        "repetition_hurts": W.check("repetition_hurts", _repetition, lambda f: f["lo"] > f["bar"]),
    },
    verdict=_verdict,
)
# the same flattening criterion on the training loss, which more parameters keep lowering
control = control_rule(
    {
        "training_loss": W.check(
            "training_loss",
            lambda ev: interval(ev.train_slope_small, bar=-ev.tolerance, tol=ev.tolerance, d=ev.budgets[0]),
            lambda f: f["lo"] > f["bar"],
            group="control",
        )
    }
)


def _stops(n: int) -> list[Stop]:
    return [Stop(steps=300, cap=1500, reached=True, still_improving=False)] * n


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        budgets=[5_000, 20_000, 80_000],
        slopes=[
            synthetic(-0.005, -0.01, 0.0),
            synthetic(-0.02, -0.03, -0.01),
            synthetic(-0.05, -0.06, -0.04),
        ],
        steepening=synthetic(-0.016, -0.02, -0.012),  # × ln 16 ≈ 2.77: a change of −0.044 [−0.055, −0.033]
        train_slope_small=synthetic(-0.11, -0.12, -0.1),
        repetition_penalty=synthetic(0.09, 0.07, 0.11),
        most_epochs=16,
        tolerance=0.02,
        stops={d: _stops(16) for d in (5_000, 20_000, 80_000)},
        repeat_stops=_stops(15),
        ngram_large=2.25,
        best_large=2.2,
    )


def _null() -> exp.Evidence:
    """More parameters help equally whatever the data, and repetition costs nothing."""
    return replace(
        _supporting(),
        slopes=[synthetic(-0.05, -0.06, -0.04)] * 3,
        steepening=synthetic(0.0, -0.003, 0.003),
        repetition_penalty=synthetic(-0.01, -0.03, -0.005),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "small_flat": lambda ev: replace(ev, slopes=[synthetic(-0.03, -0.035, -0.025), *ev.slopes[1:]]),
        "steepens": lambda ev: replace(ev, steepening=synthetic(0.0, -0.003, 0.003)),
        "repetition_hurts": lambda ev: replace(ev, repetition_penalty=synthetic(-0.01, -0.03, -0.005)),
    },
    control_flips={"training_loss": lambda ev: replace(ev, train_slope_small=synthetic(-0.005, -0.01, 0.0))},
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev, f = r.evidence, r.fit
    biggest = max(x.params for x in r.grid)
    runs = [x for x in r.grid if x.params == biggest]
    utilisation = np.mean([x.flops / x.seconds for x in runs]) / 1e9 / r.matmul_gflops
    stops = [x.stop for x in r.grid + r.repeats]
    return W.values(
        slope_small=ev.slopes[0],
        slope_large=ev.slopes[-1],
        slope_change=V(_change(ev)),
        train_slope_small=ev.train_slope_small,
        ngram_loss_large=V(ev.ngram_large),
        best_loss_large=V(ev.best_large),
        ngram_loss_small=V(min(r.ngram[ev.budgets[0]].values())),
        best_loss_small=V(_best_at(r, ev.budgets[0])),
        converged_share=converged_share(stops),
        runs=len(stops),
        cut=sum(not s.converged for s in stops),
        capped=sum(not s.reached for s in stops),
        alpha=V(f.alpha, digits=2),
        beta=V(f.beta, digits=2),
        e=f.e,
        rmse=V(f.rmse, digits=2),
        r_star=V(r.r_star, digits=2),
        penalty=ev.repetition_penalty,
        small_d=ev.budgets[0],
        large_d=ev.budgets[-1],
        tokens=r.total_tokens,
        cap=max(x.cap for x in r.grid),
        n_min=min(x.params for x in r.grid),
        n_max=biggest,
        train_chars=r.train_chars,
        utilisation=V(float(utilisation), digits=2),
        tokens_per_s=V(float(np.mean([x.tokens / x.seconds for x in runs])), unit="chars_per_s"),
        matmul=V(r.matmul_gflops, unit="gflop_per_s"),
    )


def _best_at(r: exp.Result, d: int) -> float:
    """The best model size's test loss at budget d (mean over seeds)."""
    return min(float(np.mean([x.test_loss for x in r.grid if x.unique == d and x.width == w]))
               for w in {x.width for x in r.grid})  # fmt: skip


def _test_losses(grid: list[exp.Run]) -> dict[tuple[int, int], float]:
    """Mean test loss over seeds, by (unique data D, parameters N)."""
    out: dict[tuple[int, int], list[float]] = {}
    for x in grid:
        out.setdefault((x.unique, x.params), []).append(x.test_loss)
    return {k: float(np.mean(v)) for k, v in sorted(out.items())}


def _size_series(r: exp.Result, by_nd: dict, budgets: list[int], sizes: list[int], p: list[float]) -> tuple:
    """The loss figure's series (test loss per budget, training loss on the least data) and the fit figure's."""
    small = r.evidence.small_budget
    train = [
        float(np.mean([x.final_train for x in r.grid if x.unique == small and x.params == n])) for n in sizes
    ]
    loss = [Series(label=W("series.loss_d", d=d), x=sizes, y=[by_nd[(d, n)] for n in sizes]) for d in budgets]
    loss.append(Series(label=W("series.train_small", d=small), x=sizes, y=train, style="points"))
    fit = []
    for d in budgets:
        measured, fitted = [by_nd[(d, n)] for n in sizes], [float(exp.chinchilla(p, n, d)) for n in sizes]
        fit.append(Series(label=W("series.measured_d", d=d), x=sizes, y=measured, style="points"))
        fit.append(
            Series(label=W("series.fit_d", d=d), x=sizes, y=fitted, style="fit", matches_previous=True)
        )
    return loss, fit


def _repetition_figure(r: exp.Result, p: list[float]) -> Figure:
    epochs = sorted(set(r.repeat_epochs))
    pairs = list(zip(r.repeats, r.repeat_epochs, strict=True))
    measured = [float(np.mean([x.test_loss for x, e in pairs if e == ep])) for ep in epochs]
    n_rep, tokens = r.repeats[0].params, r.total_tokens

    def predicted(r_star: float) -> list[float]:
        return [float(exp.chinchilla(p, n_rep, exp.effective_data(tokens / ep, ep, r_star))) for ep in epochs]

    theirs, ours = T["muennighoff_r_star"], r.r_star.value
    series = [
        W.series("measured", epochs, measured),
        Series(label=W("series.theirs", r_star=theirs), x=epochs, y=predicted(theirs), style="fit"),
        Series(label=W("series.ours", r_star=ours), x=epochs, y=predicted(ours), style="fit"),
    ]
    return W.figure("repetition", series, xscale="log", tokens=tokens)


def _tables(r: exp.Result, by_nd: dict, budgets: list[int], sizes: list[int]) -> dict[str, Table]:
    heads = [W("tables.losses.columns.0"), *(W("terms.budget", d=d) for d in budgets)]
    stops: list[list[Any]] = []
    for d in budgets:
        ended = [x.stop for x in r.grid if x.unique == d]
        stops.append([d, sum(s.reached for s in ended), sum(not s.reached and not s.still_improving for s in ended),
                      sum(not s.converged for s in ended)])  # fmt: skip
    ended = [x.stop for x in r.repeats]
    stops.append([W("terms.repeats"), sum(s.reached for s in ended),
                  sum(not s.reached and not s.still_improving for s in ended), sum(not s.converged for s in ended)])  # fmt: skip
    rows: list[list[Any]] = [[n] + [by_nd[(d, n)] for d in budgets] for n in sizes]
    rows.append([W("terms.ngram")] + [min(r.ngram[d].values()) for d in budgets])
    orders = sorted(next(iter(r.ngram.values())))
    ngram = [[m] + [r.ngram[d][m] for d in budgets] for m in orders]
    slopes = [[d, e.value, e.lo, e.hi] for d, e in zip(budgets, r.evidence.slopes, strict=True)]
    return {
        "losses": W.table("losses", rows, columns=heads),
        "stopping": W.table("stopping", stops, patience=r.patience),
        "ngram": W.table("ngram", ngram, columns=[W("tables.ngram.columns.0"), *heads[1:]]),
        "slopes": W.table("slopes", slopes),
    }


def report(r: exp.Result) -> Report:
    f, by_nd = r.fit, _test_losses(r.grid)
    budgets, sizes = sorted({d for d, _ in by_nd}), sorted({n for _, n in by_nd})
    p = [f.e.value, math.log(f.a), f.alpha.value, math.log(f.b), f.beta.value]
    loss, fit = _size_series(r, by_nd, budgets, sizes, p)
    return Report(
        values=_values(r),
        tables=_tables(r, by_nd, budgets, sizes),
        figures={
            "loss": W.figure("loss", loss, xscale="log"),
            "fit": W.figure("fit", fit, xscale="log"),
            "repetition": _repetition_figure(r, p),
        },
    )


claim = define(
    "data-limited-scaling",
    globals(),
    experiment=exp.run,
    profiles={
        # quick: two sizes of a one-layer model, two budgets, smaller batches of shorter windows; a check of the
        # whole pipeline in seconds (every run stops early), whose verdict must agree with the site's
        "quick": exp.Config(
            widths=(16, 24),
            n_layer=1,
            budgets=(4_000, 12_000),
            seeds=3,
            upper_sizes=2,
            batch=16,
            block=32,
            repeat_epochs=(1, 8),
            repeat_steps=200,
            bootstrap=50,
        ),
        "site": exp.Config(),
        "full": exp.Config(
            widths=(16, 32, 64, 128, 256, 512),
            n_layer=4,
            budgets=(50_000, 500_000, 4_000_000),
            steps=20_000,
            seeds=10,
            upper_sizes=6,
            repeat_width=128,
            repeat_epochs=(1, 2, 4, 8, 16, 32, 64),
            repeat_steps=5000,
        ),
    },
    expected="partly",  # site 2026-12-02: flatness at 5,000 characters straddles the 0.02 bar; see the report
    headline="slope_small",
    timeout_s={"quick": 1200, "site": 3600, "full": 24 * 3600},
    trains=True,
)
