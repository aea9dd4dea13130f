"""Claim data-limited-scaling: making models bigger without more (good) data stops improving them, and
repeating the same data gives diminishing returns."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from experiments import data_limited_scaling as exp
from experiments.common.stats import Estimate
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Table, Value, any_accepted
from kanguri.claim import define
from kanguri.rule import Verdict

THRESHOLDS = {
    # "flat": with 95% confidence the test loss improves by less than 0.02 nats per e-fold of N
    # (a one-sided equivalence test against a stated tolerance); "improves": its slope is below 0 with 95%
    # confidence
    "tolerance": 0.02,
    "muennighoff_r_star": 15.4,  # Muennighoff et al.'s fitted R*_D
}
T = THRESHOLDS


def flat(e: Estimate) -> bool:
    """The criterion: improvement with size is smaller than the tolerance, with 95% confidence."""
    return e.lo > -T["tolerance"]


def _slope(e: Estimate) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "n": e.n, "bar": -T["tolerance"], "tol": T["tolerance"]}


def _verdict(held: Mapping[str, bool]) -> Verdict:
    """Two parts: size stops paying without data but not with it (a contrast), and repetition costs."""
    contrast = held["small_flat"] and held["large_improves"]
    if contrast and held["repetition_hurts"]:
        return "supported"
    return "partly" if contrast or held["repetition_hurts"] else "not-supported"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "small_flat": Check(
            facts=lambda ev: _slope(ev.slope_small) | {"d": ev.small_budget},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="固有データ {d:,} 文字：テスト損失は ln N あたり {value:+.3f} [{lo:+.3f}, {hi:+.3f}]（{n} シード）。"
                "95% の確からしさで改善は {tol} nats 未満で、モデルを大きくしてもほとんど良くならない。",
                en="{d:,} unique characters: the test loss changes by {value:+.3f} [{lo:+.3f}, {hi:+.3f}] "
                "per e-fold of N ({n} seeds). With 95% confidence it improves by less than {tol} nats: a bigger "
                "model barely helps.",
            ),
            no=L(
                ja="固有データ {d:,} 文字：傾き {value:+.3f} [{lo:+.3f}, {hi:+.3f}]（{n} シード）。改善が {tol} nats 未満とは言えない。",
                en="{d:,} unique characters: {value:+.3f} [{lo:+.3f}, {hi:+.3f}] per e-fold of N ({n} seeds); the "
                "improvement is not shown to be under {tol} nats.",
            ),
        ),
        "large_improves": Check(
            facts=lambda ev: _slope(ev.slope_large) | {"d": ev.large_budget},
            holds=lambda f: f["hi"] < 0,
            yes=L(
                ja="固有データ {d:,} 文字：傾き {value:+.3f} [{lo:+.3f}, {hi:+.3f}]（{n} シード）。データが多ければ、"
                "大きなモデルほど確かに良くなる。",
                en="{d:,} unique characters: {value:+.3f} [{lo:+.3f}, {hi:+.3f}] per e-fold of N ({n} seeds). With "
                "enough data, bigger models do improve.",
            ),
            no=L(
                ja="固有データ {d:,} 文字でも傾き {value:+.3f} [{lo:+.3f}, {hi:+.3f}]。データを増やしたときの改善は示せなかった。",
                en="Even with {d:,} unique characters the slope is {value:+.3f} [{lo:+.3f}, {hi:+.3f}]: no "
                "improvement with more data is shown.",
            ),
        ),
        "repetition_hurts": Check(
            facts=lambda ev: {
                "value": ev.repetition_penalty.value,
                "lo": ev.repetition_penalty.lo,
                "hi": ev.repetition_penalty.hi,
                "n": ev.repetition_penalty.n,
                "epochs": ev.most_epochs,
            },
            holds=lambda f: f["lo"] > 0,
            yes=L(
                ja="同じ計算量で {epochs} エポック反復すると、1 エポックより損失が {value:+.3f} [{lo:+.3f}, {hi:+.3f}] 高い"
                "（{n} シード）。同じデータの反復は効きが落ちる。",
                en="At the same compute, {epochs} epochs instead of 1 raise the loss by {value:+.3f} [{lo:+.3f}, "
                "{hi:+.3f}] ({n} seeds): repeated data gives diminishing returns.",
            ),
            no=L(
                ja="同じ計算量で {epochs} エポックと 1 エポックの損失の差は {value:+.3f} [{lo:+.3f}, {hi:+.3f}]。反復の損は示せなかった。",
                en="At the same compute, {epochs} epochs instead of 1 change the loss by {value:+.3f} [{lo:+.3f}, "
                "{hi:+.3f}]: no cost of repetition is shown.",
            ),
        ),
    },
    verdict=_verdict,
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "training_loss": Check(
            facts=lambda ev: _slope(ev.train_slope_small) | {"d": ev.small_budget},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="固有データ {d:,} 文字の訓練損失（傾き {value:+.3f} [{lo:+.3f}, {hi:+.3f}]）にも頭打ちの基準が当てはまった（甘すぎる）。",
                en="The flattening criterion also accepts the training loss on {d:,} characters ({value:+.3f} "
                "[{lo:+.3f}, {hi:+.3f}]): too lax.",
            ),
            no=L(
                ja="同じ {d:,} 文字の訓練損失は ln N あたり {value:+.3f} [{lo:+.3f}, {hi:+.3f}] と下がり続け、頭打ちの基準は棄却した。"
                "頭打ちは汎化の側だけで起きている。",
                en="On the same {d:,} characters the training loss keeps falling, {value:+.3f} [{lo:+.3f}, "
                "{hi:+.3f}] per e-fold of N, and the flattening criterion rejects it: the plateau is in "
                "generalisation only.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _est(value: float, half: float) -> Estimate:
    return Estimate(value, value - half, value + half, "synthetic", 5)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        small_budget=5_000,
        large_budget=640_000,
        slope_small=_est(-0.01, 0.005),
        slope_large=_est(-0.05, 0.01),
        train_slope_small=_est(-0.11, 0.01),
        repetition_penalty=_est(0.09, 0.02),
        most_epochs=16,
    )


def _null() -> exp.Evidence:
    """More parameters keep helping whatever the data, and repetition costs nothing."""
    return replace(_supporting(), slope_small=_est(-0.05, 0.01), repetition_penalty=_est(0.0, 0.02))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "small_flat": lambda ev: replace(ev, slope_small=_est(-0.03, 0.005)),
        "large_improves": lambda ev: replace(ev, slope_large=_est(-0.015, 0.02)),
        "repetition_hurts": lambda ev: replace(ev, repetition_penalty=_est(0.01, 0.02)),
    },
    control_flips={"training_loss": lambda ev: replace(ev, train_slope_small=_est(-0.005, 0.005))},
)


def _mean_by(runs, key) -> dict:
    out: dict = {}
    for x in runs:
        out.setdefault(key(x), []).append(x.test_loss)
    return {k: float(np.mean(v)) for k, v in sorted(out.items())}


STOPPED = {
    "settled": L(ja="収束", en="settled"),
    "cap": L(ja="上限", en="cap"),
}


def report(r: exp.Result) -> Report:
    ev = r.evidence
    small, large = ev.small_budget, ev.large_budget
    f = r.fit
    biggest = max(r.grid, key=lambda x: x.params)
    utilisation = (
        np.mean([x.flops / x.seconds for x in r.grid if x.params == biggest.params]) / 1e9 / r.matmul_gflops
    )
    values = {
        "slope_small": Value.of(L(ja="少ないデータでの傾き", en="slope, least data"), ev.slope_small),
        "slope_large": Value.of(L(ja="多いデータでの傾き", en="slope, most data"), ev.slope_large),
        "train_slope_small": Value.of(L(ja="訓練損失の傾き", en="training-loss slope"), ev.train_slope_small),
        "alpha": Value.of(L(ja="α（N の指数）", en="α (exponent of N)"), f.alpha, digits=2),
        "beta": Value.of(L(ja="β（D の指数）", en="β (exponent of D)"), f.beta, digits=2),
        "e": Value.of(L(ja="E（下限の損失）", en="E (irreducible loss)"), f.e),
        "rmse": Value(label=L(ja="当てはめの誤差", en="fit RMSE"), value=f.rmse, digits=2),
        "r_star": Value.of(L(ja="R*（反復の効きの定数）", en="R* (repetition constant)"), r.r_star, digits=2),
        "penalty": Value(
            label=L(ja="反復による損失の増加", en="loss increase from repetition"),
            value=ev.repetition_penalty.value,
            lo=ev.repetition_penalty.lo,
            hi=ev.repetition_penalty.hi,
            method=ev.repetition_penalty.method,
            n=ev.repetition_penalty.n,
        ),
        "small_d": Value(label=L(ja="最少の固有データ", en="least unique data"), value=small),
        "large_d": Value(label=L(ja="最多の固有データ", en="most unique data"), value=large),
        "tokens": Value(
            label=L(ja="1 回の学習で見る文字数", en="characters seen per run"), value=r.total_tokens
        ),
        "n_min": Value(label=L(ja="最小のモデル", en="smallest model"), value=min(x.params for x in r.grid)),
        "n_max": Value(label=L(ja="最大のモデル", en="largest model"), value=biggest.params),
        "train_chars": Value(label=L(ja="訓練用の文字数", en="training characters"), value=r.train_chars),
        "utilisation": Value(
            label=L(ja="行列積の性能に対する学習の効率", en="training throughput / matmul rate"),
            value=float(utilisation),
            digits=2,
        ),
        "tokens_per_s": Value(
            label=L(ja="学習速度（最大モデル）", en="training speed (largest model)"),
            value=float(np.mean([x.tokens / x.seconds for x in r.grid if x.params == biggest.params])),
            unit=L(ja="文字/秒", en="characters/s"),
        ),
        "matmul": Value(
            label=L(ja="行列積の性能（1 スレッド）", en="matmul rate (one thread)"),
            value=r.matmul_gflops,
            unit=L(ja="GFLOP/秒", en="GFLOP/s"),
        ),
    }
    by_nd = _mean_by(r.grid, lambda x: (x.unique, x.params))
    budgets = sorted({d for d, _ in by_nd})
    sizes = sorted({n for _, n in by_nd})
    loss_fig = Figure(
        title=L(ja="モデルの大きさとテスト損失", en="Test loss against model size"),
        caption=L(
            ja="実線：検証用の作品で選んだ時点のテスト損失（シード平均）。点：同じモデルの訓練損失（データが最も少ない系列）。",
            en="Solid: test loss at the checkpoint the validation plays picked (mean over seeds). Dots: the training loss of the same models, "
            "on the smallest data budget.",
        ),
        xlabel=L(ja="非埋め込みパラメータ数 N", en="non-embedding parameters N"),
        ylabel=L(ja="損失（nats/文字）", en="loss (nats per character)"),
        xscale="log",
        series=[
            Series(
                label=L(ja=f"D = {d:,} 文字", en=f"D = {d:,} characters"),
                x=sizes,
                y=[by_nd[(d, n)] for n in sizes],
            )
            for d in budgets
        ]
        + [
            Series(
                label=L(ja=f"訓練損失（D = {small:,}）", en=f"training loss (D = {small:,})"),
                x=sizes,
                y=[
                    float(np.mean([x.final_train for x in r.grid if x.unique == small and x.params == n]))
                    for n in sizes
                ],
                style="points",
            )
        ],
    )
    p = [f.e.value, math.log(f.a), f.alpha.value, math.log(f.b), f.beta.value]
    fit_fig = Figure(
        title=L(
            ja="当てはめた曲面 L(N, D) と測定値", en="The fitted surface L(N, D) against the measurements"
        ),
        caption=L(
            ja="点は測定値、破線は L = E + A/N^α + B/D^β。",
            en="Points are measurements; dashed lines are L = E + A/N^α + B/D^β.",
        ),
        xlabel=L(ja="非埋め込みパラメータ数 N", en="non-embedding parameters N"),
        ylabel=L(ja="損失（nats/文字）", en="loss (nats per character)"),
        xscale="log",
        series=[
            s
            for d in budgets
            for s in (
                Series(
                    label=L(ja=f"測定 D = {d:,}", en=f"measured, D = {d:,}"),
                    x=sizes,
                    y=[by_nd[(d, n)] for n in sizes],
                    style="points",
                ),
                Series(
                    label=L(ja=f"当てはめ D = {d:,}", en=f"fit, D = {d:,}"),
                    x=sizes,
                    y=[float(exp.chinchilla(p, n, d)) for n in sizes],
                    style="fit",
                    matches_previous=True,
                ),
            )
        ],
    )
    epochs = sorted(set(r.repeat_epochs))
    rep_loss = [
        float(np.mean([x.test_loss for x, e in zip(r.repeats, r.repeat_epochs, strict=True) if e == ep]))
        for ep in epochs
    ]
    n_rep = r.repeats[0].params
    rep_fig = Figure(
        title=L(ja="同じ計算量で、少ないデータを繰り返すと", en="Same compute, less data repeated"),
        caption=L(
            ja=f"見る文字数は一定（{r.total_tokens:,}）。固有データ U = 総数 ÷ エポック数。破線は有効データ量の式（Muennighoff ら）による予測。",
            en=f"Characters seen are fixed ({r.total_tokens:,}); unique data U = total ÷ epochs. Dashed: predictions from the "
            "effective-data formula (Muennighoff et al.).",
        ),
        xlabel=L(ja="エポック数", en="epochs"),
        ylabel=L(ja="テスト損失", en="test loss"),
        xscale="log",
        series=[
            Series(label=L(ja="測定値", en="measured"), x=epochs, y=rep_loss),
            Series(
                label=L(
                    ja=f"予測（R* = {T['muennighoff_r_star']:g}、論文の値）",
                    en=f"prediction, R* = {T['muennighoff_r_star']:g} (theirs)",
                ),
                x=epochs,
                y=[
                    float(
                        exp.chinchilla(
                            p, n_rep, exp.effective_data(r.total_tokens / ep, ep, T["muennighoff_r_star"])
                        )
                    )
                    for ep in epochs
                ],
                style="fit",
            ),
            Series(
                label=L(
                    ja=f"予測（R* = {r.r_star.value:.2g}、本サイトの当てはめ）",
                    en=f"prediction, R* = {r.r_star.value:.2g} (ours)",
                ),
                x=epochs,
                y=[
                    float(
                        exp.chinchilla(p, n_rep, exp.effective_data(r.total_tokens / ep, ep, r.r_star.value))
                    )
                    for ep in epochs
                ],
                style="fit",
            ),
        ],
    )
    table = Table(
        caption=L(
            ja="選んだチェックポイントのテスト損失（nats/文字、シード平均）",
            en="Test loss at the picked checkpoint (nats per character, mean over seeds)",
        ),
        columns=[L(ja="N", en="N"), *[L(ja=f"D = {d:,}", en=f"D = {d:,}") for d in budgets]],
        rows=[[n] + [by_nd[(d, n)] for d in budgets] for n in sizes],
    )
    stops = ("settled", "cap")
    stopping = Table(
        caption=L(
            ja="各実行の止まり方（実行数）：検証損失が収束した／ステップの上限に達した",
            en="How the runs stopped (counts): the validation loss settled / the step cap was reached",
        ),
        columns=[L(ja="D", en="D"), *STOPPED.values()],
        rows=[[d] + [sum(x.unique == d and x.stopped == k for x in r.grid) for k in stops] for d in budgets],
    )
    return Report(
        values=values,
        tables={"losses": table, "stopping": stopping},
        figures={"loss": loss_fig, "fit": fit_fig, "repetition": rep_fig},
    )


claim = define(
    "data-limited-scaling",
    statement=L(
        ja="良質なデータが増えないまま、モデルを大きくしても性能は伸びなくなる。公開されたインターネットの文章はほぼ学習に使い尽くされたので、"
        "この道は頭打ちになる。",
        en="Making models bigger without more good data no longer improves them; the public internet has nearly been "
        "used up as training data, so this road levels off.",
    ),
    question=L(
        ja="実際の文章で、データ量を固定してモデルだけを大きくすると損失はどうなるか。同じデータを繰り返し学習すると、どれだけ効きが落ちるか。",
        en="On real text, what happens to the loss when the model grows but the data does not? How much less does "
        "repeated data help?",
    ),
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
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="slope_small",
    anchors=[
        Anchor(
            cite="Kaplan et al. 2020, Scaling Laws for Neural Language Models",
            url="https://arxiv.org/abs/2001.08361",
            theirs=L(
                ja="損失は N と D のべき乗則、α_N ≈ 0.076、α_D ≈ 0.095。データが足りないと大きなモデルは過学習する",
                en="loss follows power laws in N and D, α_N ≈ 0.076, α_D ≈ 0.095; without enough data larger models overfit",
            ),
            ours="alpha",
        ),
        Anchor(
            cite="Hoffmann et al. 2022 (Chinchilla)",
            url="https://arxiv.org/abs/2203.15556",
            theirs=L(
                ja="L = E + A/N^α + B/D^β の当てはめで E = 1.69、α = 0.34、β = 0.28",
                en="fitting L = E + A/N^α + B/D^β gives E = 1.69, α = 0.34, β = 0.28",
            ),
            ours=None,  # our β comes from runs that repeat data: not comparable with a single-epoch β
        ),
        Anchor(
            cite="Muennighoff et al. 2023, Scaling Data-Constrained Language Models",
            url="https://arxiv.org/abs/2305.16264",
            theirs=L(
                ja="計算量を固定すると、4 エポックまでの反復は、新しいデータと比べて損失をほとんど変えない",
                en="at fixed compute, up to 4 epochs of repeated data change the loss negligibly compared with unique data",
            ),
            ours="penalty",
            locator="JMLR 26 (2025), abstract",
            quote="training with up to 4 epochs of repeated data yields negligible changes to loss compared to having unique data",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Muennighoff et al. 2023, Scaling Data-Constrained Language Models",
            url="https://arxiv.org/abs/2305.16264",
            theirs=L(
                ja="反復の効きを表す定数 R*_D ≈ 15.4",
                en="the repetition constant R*_D ≈ 15.4",
            ),
            ours="r_star",
        ),
        Anchor(
            cite="Villalobos et al. 2024, Will we run out of data?",
            url="https://arxiv.org/abs/2211.04325",
            theirs=L(
                ja="今の傾向が続けば、2026〜2032 年の間に、学習データの量が公開された人間の文章の在庫とほぼ同じになる（推計、測定ではない）",
                en="if current trends continue, training sets will reach the size of the stock of public human text between "
                "2026 and 2032 (an estimate, not a measurement)",
            ),
            ours=None,
            locator="ICML 2024 (position paper), abstract",
            quote="models will be trained on datasets roughly equal in size to the available stock of public human text data between 2026 and 2032",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
    timeout_s={"quick": 1200, "site": 2400, "full": 24 * 3600},
)
