"""Claim data-limited-scaling: making models bigger without more (good) data stops improving them, and
repeating the same data gives diminishing returns. Words: ``data_limited_scaling.<lang>.yml``; anchors:
``data_limited_scaling.anchors.yml``."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from experiments import data_limited_scaling as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, interval, synthetic
from kanguri.report import Figure, Report, Series, Table, Value
from kanguri.rule import Falsification, Rule, Verdict

W = Words(__file__)
THRESHOLDS = {
    # "flat": with 95% confidence the test loss improves by less than 0.02 nats per e-fold of N (a one-sided
    # equivalence test against a stated tolerance); "improves": its slope is below 0 with 95% confidence
    "tolerance": 0.02,
    "muennighoff_r_star": 15.4,  # Muennighoff et al.'s fitted R*_D
}
T = THRESHOLDS


def _slope(e: Estimate, budget: int) -> dict:
    return interval(e, bar=-T["tolerance"], tol=T["tolerance"], d=budget)


def _verdict(held: Mapping[str, bool]) -> Verdict:
    """Two parts: size stops paying without data but not with it (a contrast), and repetition costs."""
    contrast = held["small_flat"] and held["large_improves"]
    if contrast and held["repetition_hurts"]:
        return "supported"
    return "partly" if contrast or held["repetition_hurts"] else "not-supported"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "small_flat": W.check(
            "small_flat", lambda ev: _slope(ev.slope_small, ev.small_budget), lambda f: f["lo"] > f["bar"]
        ),
        "large_improves": W.check(
            "large_improves", lambda ev: _slope(ev.slope_large, ev.large_budget), lambda f: f["hi"] < 0
        ),
        "repetition_hurts": W.check(
            "repetition_hurts",
            lambda ev: interval(ev.repetition_penalty, epochs=ev.most_epochs),
            lambda f: f["lo"] > 0,
        ),
    },
    verdict=_verdict,
)
# the same flattening criterion on the training loss, which more parameters keep lowering
control = control_rule(
    {
        "training_loss": W.check(
            "training_loss",
            lambda ev: _slope(ev.train_slope_small, ev.small_budget),
            lambda f: f["lo"] > f["bar"],
            group="control",
        )
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        small_budget=5_000,
        large_budget=640_000,
        slope_small=synthetic(-0.01, -0.015, -0.005),
        slope_large=synthetic(-0.05, -0.06, -0.04),
        train_slope_small=synthetic(-0.11, -0.12, -0.1),
        repetition_penalty=synthetic(0.09, 0.07, 0.11),
        most_epochs=16,
    )


def _null() -> exp.Evidence:
    """More parameters keep helping whatever the data, and repetition costs nothing."""
    return replace(
        _supporting(),
        slope_small=synthetic(-0.05, -0.06, -0.04),
        repetition_penalty=synthetic(0.0, -0.02, 0.02),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "small_flat": lambda ev: replace(ev, slope_small=synthetic(-0.03, -0.035, -0.025)),
        "large_improves": lambda ev: replace(ev, slope_large=synthetic(-0.015, -0.035, 0.005)),
        "repetition_hurts": lambda ev: replace(ev, repetition_penalty=synthetic(0.01, -0.01, 0.03)),
    },
    control_flips={"training_loss": lambda ev: replace(ev, train_slope_small=synthetic(-0.005, -0.01, 0.0))},
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev, f = r.evidence, r.fit
    biggest = max(x.params for x in r.grid)
    runs = [x for x in r.grid if x.params == biggest]
    utilisation = np.mean([x.flops / x.seconds for x in runs]) / 1e9 / r.matmul_gflops
    return W.values(
        slope_small=ev.slope_small,
        slope_large=ev.slope_large,
        train_slope_small=ev.train_slope_small,
        alpha=V(f.alpha, digits=2),
        beta=V(f.beta, digits=2),
        e=f.e,
        rmse=V(f.rmse, digits=2),
        r_star=V(r.r_star, digits=2),
        penalty=ev.repetition_penalty,
        small_d=ev.small_budget,
        large_d=ev.large_budget,
        tokens=r.total_tokens,
        n_min=min(x.params for x in r.grid),
        n_max=biggest,
        train_chars=r.train_chars,
        utilisation=V(float(utilisation), digits=2),
        tokens_per_s=V(float(np.mean([x.tokens / x.seconds for x in runs])), unit="chars_per_s"),
        matmul=V(r.matmul_gflops, unit="gflop_per_s"),
    )


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
    stops = [
        [d] + [sum(x.unique == d and x.stopped == k for x in r.grid) for k in ("settled", "cap")]
        for d in budgets
    ]
    return {
        "losses": W.table("losses", [[n] + [by_nd[(d, n)] for d in budgets] for n in sizes], columns=heads),
        "stopping": W.table("stopping", stops),
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
        # quick runs exactly the site's cells that decide the verdict (same sizes, budgets and seeds)
        "quick": exp.Config(budgets=(5_000, 640_000), repeat_epochs=(1, 16), bootstrap=100),
        "site": exp.Config(),
        "full": exp.Config(
            widths=(16, 32, 64, 128, 256, 512),
            n_layer=4,
            budgets=(50_000, 500_000, 4_000_000),
            steps=5000,
            seeds=10,
            repeat_width=128,
            repeat_epochs=(1, 2, 4, 8, 16, 32, 64),
        ),
    },
    expected="supported",
    headline="slope_small",
    timeout_s={"quick": 1200, "site": 2400, "full": 24 * 3600},
)
