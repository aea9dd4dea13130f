"""Claim data-limited-scaling: making models bigger without more (good) data stops improving them, and
repeating the same data gives diminishing returns."""

from __future__ import annotations

import math

import numpy as np

from experiments import scaling as exp
from experiments.scaling import Run
from kanguri import Anchor, Decision, Figure, L, Report, Series, Table, Value
from kanguri.claim import define

FLAT = -0.02  # "flat": best validation loss improves by less than 0.02 nats per e-fold of N (95% bound)
UPPER_SIZES = 4  # the slope is fitted over the largest four model sizes
MUENNIGHOFF_R_STAR = 15.4  # their fitted R*_D
BOOT = 2000


def _slope(runs: list[Run], field: str, rng: np.random.Generator) -> tuple[float, float, float]:
    """Slope of ``field`` against ln N over the largest sizes, with a bootstrap over seeds at each size."""
    sizes = sorted({r.params for r in runs})[-UPPER_SIZES:]
    by_size = [np.array([getattr(r, field) for r in runs if r.params == n]) for n in sizes]
    x = np.log(sizes) - np.log(sizes).mean()

    def fit(means):
        return float((means - means.mean()) @ x / (x @ x))

    best = fit(np.array([v.mean() for v in by_size]))
    boots = [fit(np.array([rng.choice(v, len(v)).mean() for v in by_size])) for _ in range(BOOT)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return best, float(lo), float(hi)


def slopes(r: exp.Result, field: str = "best_val") -> dict[int, tuple[float, float, float]]:
    rng = np.random.default_rng(0)
    return {
        d: _slope([x for x in r.grid if x.unique == d], field, rng)
        for d in sorted({x.unique for x in r.grid})
    }


def flat(s: tuple[float, float, float]) -> bool:
    return s[1] > FLAT


def repetition_penalty(r: exp.Result) -> tuple[float, float, float]:
    """Loss at the most epochs minus loss at one epoch (same compute), with a bootstrap over seeds."""
    rng = np.random.default_rng(1)
    most, one = max(r.repeat_epochs), min(r.repeat_epochs)
    a = np.array([x.best_val for x, e in zip(r.repeats, r.repeat_epochs, strict=True) if e == most])
    b = np.array([x.best_val for x, e in zip(r.repeats, r.repeat_epochs, strict=True) if e == one])
    boots = [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(BOOT)]
    lo, hi = np.percentile(boots, [2.5, 97.5])
    return float(a.mean() - b.mean()), float(lo), float(hi)


def _s(t) -> str:
    return f"{t[0]:+.3f} [{t[1]:+.3f}, {t[2]:+.3f}]"


def rule(r: exp.Result) -> Decision:
    val, train = slopes(r), slopes(r, "final_train")
    small, large = min(val), max(val)
    pen = repetition_penalty(r)
    small_flat = flat(val[small])
    train_falls = train[small][2] < 0
    large_improves = not flat(val[large])
    repetition_hurts = pen[1] > 0
    reasons = [
        L(
            ja=f"固有データ {small:,} 文字：最良の検証損失の傾き（ln N あたり）{_s(val[small])}。"
            f"{'頭打ち（下側 95% が ' + str(FLAT) + ' より上）' if small_flat else '頭打ちとは言えない'}。"
            f"訓練損失の傾きは {_s(train[small])} で{'下がり続ける' if train_falls else '下がり続けるとは言えない'}。",
            en=f"{small:,} unique characters: the best validation loss changes by {_s(val[small])} per e-fold of N, "
            f"{'flat (95% lower bound above ' + str(FLAT) + ')' if small_flat else 'not shown to be flat'}; the training loss "
            f"changes by {_s(train[small])}, {'still falling' if train_falls else 'not shown to fall'}.",
        ),
        L(
            ja=f"固有データ {large:,} 文字：傾き {_s(val[large])}。{'大きくするほど良くなる' if large_improves else '頭打ち'}。",
            en=f"{large:,} unique characters: {_s(val[large])} per e-fold of N, "
            f"{'still improving with size' if large_improves else 'flat'}.",
        ),
        L(
            ja=f"同じ計算量で {max(r.repeat_epochs)} エポック反復すると、1 エポックより損失が {_s(pen)} 変わる"
            f"（{'反復の効きは落ちる' if repetition_hurts else '差は確認できない'}）。",
            en=f"At the same compute, {max(r.repeat_epochs)} epochs instead of 1 change the loss by {_s(pen)} "
            f"({'repetition gives diminishing returns' if repetition_hurts else 'no difference shown'}).",
        ),
    ]
    held = [small_flat and train_falls, large_improves, repetition_hurts]
    verdict = "supported" if all(held) else "partly" if any(held) else "not-supported"
    return Decision(verdict=verdict, reasons=reasons)


def control(r: exp.Result) -> Decision:
    """The 'flattens' criterion on the largest data budget, where models must keep improving."""
    val = slopes(r)
    large = max(val)
    accepted = flat(val[large])
    return Decision(
        verdict="supported" if accepted else "not-supported",
        reasons=[
            L(
                ja=f"固有データ {large:,} 文字の系列（傾き {_s(val[large])}）に頭打ちの基準を当てると"
                f"{'受け入れた（甘すぎる）' if accepted else '棄却した'}。",
                en=f"The flattening criterion on the {large:,}-character series ({_s(val[large])}) "
                f"{'accepted it (too lax)' if accepted else 'rejected it'}.",
            )
        ],
    )


def _mean_by(runs, key) -> dict:
    out: dict = {}
    for x in runs:
        out.setdefault(key(x), []).append(x.best_val)
    return {k: float(np.mean(v)) for k, v in sorted(out.items())}


def report(r: exp.Result) -> Report:
    val, train = slopes(r), slopes(r, "final_train")
    small, large = min(val), max(val)
    pen = repetition_penalty(r)
    f = r.fit
    biggest = max(r.grid, key=lambda x: x.params)
    utilisation = (
        np.mean([x.flops / x.seconds for x in r.grid if x.params == biggest.params]) / 1e9 / r.matmul_gflops
    )
    values = {
        "slope_small": Value(
            label=L(ja="少ないデータでの傾き", en="slope, least data"),
            value=val[small][0],
            lo=val[small][1],
            hi=val[small][2],
        ),
        "slope_large": Value(
            label=L(ja="多いデータでの傾き", en="slope, most data"),
            value=val[large][0],
            lo=val[large][1],
            hi=val[large][2],
        ),
        "train_slope_small": Value(
            label=L(ja="訓練損失の傾き", en="training-loss slope"),
            value=train[small][0],
            lo=train[small][1],
            hi=train[small][2],
        ),
        "alpha": Value(
            label=L(ja="α（N の指数）", en="α (exponent of N)"),
            value=f.alpha,
            lo=f.alpha_lo,
            hi=f.alpha_hi,
            digits=2,
        ),
        "beta": Value(
            label=L(ja="β（D の指数）", en="β (exponent of D)"),
            value=f.beta,
            lo=f.beta_lo,
            hi=f.beta_hi,
            digits=2,
        ),
        "e": Value(label=L(ja="E（下限の損失）", en="E (irreducible loss)"), value=f.e),
        "rmse": Value(label=L(ja="当てはめの誤差", en="fit RMSE"), value=f.rmse, digits=2),
        "r_star": Value(
            label=L(ja="R*（反復の効きの定数）", en="R* (repetition constant)"), value=r.r_star, digits=2
        ),
        "penalty": Value(
            label=L(ja="反復による損失の増加", en="loss increase from repetition"),
            value=pen[0],
            lo=pen[1],
            hi=pen[2],
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
        title=L(ja="モデルの大きさと最良の検証損失", en="Best validation loss against model size"),
        caption=L(
            ja="実線：最良の検証損失（シード平均）。点線：同じモデルの訓練損失（データが最も少ない系列）。",
            en="Solid: best validation loss (mean over seeds). Dotted markers: the training loss of the same models, "
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
    p = [f.e, math.log(f.a), f.alpha, math.log(f.b), f.beta]
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
                ),
            )
        ],
    )
    epochs = sorted(set(r.repeat_epochs))
    rep_loss = [
        float(np.mean([x.best_val for x, e in zip(r.repeats, r.repeat_epochs, strict=True) if e == ep]))
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
        ylabel=L(ja="最良の検証損失", en="best validation loss"),
        xscale="log",
        series=[
            Series(label=L(ja="測定値", en="measured"), x=epochs, y=rep_loss),
            Series(
                label=L(
                    ja=f"予測（R* = {MUENNIGHOFF_R_STAR:g}、論文の値）",
                    en=f"prediction, R* = {MUENNIGHOFF_R_STAR:g} (theirs)",
                ),
                x=epochs,
                y=[
                    float(
                        exp.chinchilla(
                            p, n_rep, exp.effective_data(r.total_tokens / ep, ep, MUENNIGHOFF_R_STAR)
                        )
                    )
                    for ep in epochs
                ],
                style="fit",
            ),
            Series(
                label=L(
                    ja=f"予測（R* = {r.r_star:.2g}、本サイトの当てはめ）",
                    en=f"prediction, R* = {r.r_star:.2g} (ours)",
                ),
                x=epochs,
                y=[
                    float(exp.chinchilla(p, n_rep, exp.effective_data(r.total_tokens / ep, ep, r.r_star)))
                    for ep in epochs
                ],
                style="fit",
            ),
        ],
    )
    table = Table(
        caption=L(
            ja="最良の検証損失（nats/文字、シード平均）",
            en="Best validation loss (nats per character, mean over seeds)",
        ),
        columns=[L(ja="N", en="N"), *[L(ja=f"D = {d:,}", en=f"D = {d:,}") for d in budgets]],
        rows=[[n] + [by_nd[(d, n)] for d in budgets] for n in sizes],
    )
    return Report(
        values=values,
        tables={"losses": table},
        figures={"loss": loss_fig, "fit": fit_fig, "repetition": rep_fig},
    )


claim = define(
    id="data-limited-scaling",
    section="gpu",
    kind="experiment",
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
        "quick": exp.Config(budgets=(5_000, 640_000), seeds=2, repeat_epochs=(1, 16), bootstrap=100),
        "site": exp.Config(steps=300, seeds=2),
        "full": exp.Config(
            widths=(16, 32, 64, 128, 256, 512),
            n_layer=4,
            budgets=(50_000, 500_000, 4_000_000),
            steps=5000,
            seeds=3,
            repeat_width=128,
            repeat_epochs=(1, 2, 4, 8, 16, 32, 64),
        ),
    },
    rule=rule,
    control=control,
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
            ours="beta",
        ),
        Anchor(
            cite="Muennighoff et al. 2023, Scaling Data-Constrained Language Models",
            url="https://arxiv.org/abs/2305.16264",
            theirs=L(
                ja="4 エポック程度までの反復はほぼ新しいデータと同じ価値、それ以上は急に落ちる。R*_D ≈ 15.4",
                en="up to about 4 epochs repeated data is almost as good as new; beyond that its value decays; R*_D ≈ 15.4",
            ),
            ours="r_star",
        ),
        Anchor(
            cite="Villalobos et al. 2024, Will we run out of data?",
            url="https://arxiv.org/abs/2211.04325",
            theirs=L(
                ja="公開された人間の文章の在庫はおよそ 300 兆トークン、2026〜2032 年ごろに使い尽くされる見込み（推計、測定ではない）",
                en="the stock of public human text is about 300 trillion tokens, projected to be fully used between 2026 and "
                "2032 (an estimate, not a measurement)",
            ),
            ours=None,
        ),
    ],
    timeout_s={"quick": 400, "site": 900, "full": 24 * 3600},
)
