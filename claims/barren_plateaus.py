"""Claim barren-plateaus: the gradients of random parameterised circuits vanish exponentially with the
number of qubits, so optimisation stalls."""

from __future__ import annotations

import math

from scipy.stats import fisher_exact

from experiments import barren_plateaus as exp
from experiments.stats import Slope, VarianceSeries, wilson
from kanguri import Anchor, Decision, Figure, L, Report, Series, Table, Value
from kanguri.claim import define

RATE = math.log(2) / 2  # "exponential": ln Var falls by more than this per qubit (Var ∝ 2^(−n/2) or faster)
CHECK_TOLERANCE = 1e-6  # our simulator against lightning.qubit
SIGNIFICANCE = 0.05


def kappa(s: Slope) -> tuple[float, float, float]:
    """The rate as κ in Var ∝ 2^(−κ·n): a unitary 2-design has κ = 1."""
    return -s.value / math.log(2), -s.hi / math.log(2), -s.lo / math.log(2)


def exponential(series: VarianceSeries) -> bool:
    """The tail of ln Var falls faster than RATE per unit of x, with 95% confidence."""
    return series.rate.hi < -RATE


def _rate_text(s: VarianceSeries) -> str:
    k, lo, hi = kappa(s.rate)
    return f"κ = {k:.2f} [{lo:.2f}, {hi:.2f}]"


def training_p_value(r: exp.Result) -> float:
    g, l_ = r.training["global"], r.training["local"]
    table = [[g.stuck, g.runs - g.stuck], [l_.stuck, l_.runs - l_.stuck]]
    return float(fisher_exact(table, alternative="greater").pvalue)


def rule(r: exp.Result) -> Decision:
    if r.check_max_error > CHECK_TOLERANCE:
        return Decision(
            verdict="not-testable",
            reasons=[
                L(
                    ja=f"シミュレータが lightning.qubit と {r.check_max_error:.1e} ずれた（許容 {CHECK_TOLERANCE:g}）。結果は信頼できない。",
                    en=f"The simulator disagrees with lightning.qubit by {r.check_max_error:.1e} (tolerance {CHECK_TOLERANCE:g}); the result cannot be trusted.",
                )
            ],
        )
    deep, glob = exponential(r.deep_random), exponential(r.shallow_global)
    p = training_p_value(r)
    g, l_ = r.training["global"], r.training["local"]
    stalls = p < SIGNIFICANCE
    reasons = [
        L(
            ja=f"深いランダム回路：分散 ∝ 2^(−κn) の {_rate_text(r.deep_random)}（n ≥ {r.deep_random.tail_from:g} で当てはめ）。"
            f"指数的減衰の基準（κ の上側 95% 区間が 0.5 超）を{'満たす' if deep else '満たさない'}。",
            en=f"Deep random circuits: Var ∝ 2^(−κn) with {_rate_text(r.deep_random)} (fitted for n ≥ {r.deep_random.tail_from:g}); "
            f"the exponential criterion (κ above 0.5 with 95% confidence) is {'met' if deep else 'not met'}.",
        ),
        L(
            ja=f"浅い回路・大域コスト：{_rate_text(r.shallow_global)}。指数的減衰は{'成り立つ' if glob else '成り立たない'}。",
            en=f"Shallow circuits, global cost: {_rate_text(r.shallow_global)}; exponential decay {'holds' if glob else 'does not hold'}.",
        ),
        L(
            ja=f"学習：大域コストでは {g.runs} 回中 {g.stuck} 回、局所コストでは {l_.runs} 回中 {l_.stuck} 回が"
            f"台地から抜け出せなかった（フィッシャーの正確検定 p = {p:.2g}）。",
            en=f"Training: {g.stuck} of {g.runs} runs stayed stuck with the global cost, {l_.stuck} of {l_.runs} with the "
            f"local cost (Fisher's exact test p = {p:.2g}).",
        ),
        L(
            ja=f"自作シミュレータと lightning.qubit の差は最大 {r.check_max_error:.1e}。",
            en=f"Our simulator and lightning.qubit differ by at most {r.check_max_error:.1e}.",
        ),
    ]
    if deep and glob and stalls:
        verdict = "supported"
    elif deep or glob:
        verdict = "partly"
    else:
        verdict = "not-supported"
    return Decision(verdict=verdict, reasons=reasons)


def control(r: exp.Result) -> Decision:
    """The same exponential-decay criterion on series that must not decay exponentially."""
    series = {
        "local": (r.shallow_local, L(ja="浅い回路・局所コスト", en="shallow circuits, local cost")),
        "fixed": (r.fixed_depth, L(ja="深さ固定のランダム回路", en="random circuits of fixed depth")),
        "mlp": (r.mlp, L(ja="古典 MLP（幅に対して）", en="classical MLP (against width)")),
    }
    lax = [k for k, (s, _) in series.items() if exponential(s)]
    reasons = [
        L(
            ja=f"{name.ja}：{_rate_text(s)} → 基準は{'受け入れた（甘すぎる）' if k in lax else '棄却した'}。",
            en=f"{name.en}: {_rate_text(s)}, {'accepted (too lax)' if k in lax else 'rejected'} by the criterion.",
        )
        for k, (s, name) in series.items()
    ]
    return Decision(verdict="supported" if lax else "not-supported", reasons=reasons)


def _kappa_value(s: VarianceSeries, label: L) -> Value:
    k, lo, hi = kappa(s.rate)
    return Value(label=label, value=k, lo=lo, hi=hi)


def _stuck_value(t: exp.Training, label: L) -> Value:
    p, lo, hi = wilson(t.stuck, t.runs)
    return Value(label=label, value=p, lo=lo, hi=hi, digits=2)


def series_names(r: exp.Result) -> dict[str, L]:
    d, f = r.layers_per_qubit, r.fixed_layers
    return {
        "deep_random": L(ja=f"深いランダム回路（L = {d}n）", en=f"deep random (L = {d}n)"),
        "fixed_depth": L(ja=f"深さ固定のランダム回路（L = {f}）", en=f"random, fixed depth (L = {f})"),
        "shallow_global": L(ja="浅い回路・大域コスト", en="shallow, global cost"),
        "shallow_local": L(ja="浅い回路・局所コスト", en="shallow, local cost"),
    }


def _band(s: VarianceSeries, label: L, style: str = "line") -> Series:
    return Series(label=label, x=s.x, y=s.var, lo=s.lo, hi=s.hi, style=style)


def report(r: exp.Result) -> Report:
    g, l_ = r.training["global"], r.training["local"]
    names = series_names(r)
    values = {
        "kappa_deep": _kappa_value(r.deep_random, L(ja="深いランダム回路の κ", en="κ, deep random")),
        "kappa_global": _kappa_value(r.shallow_global, L(ja="大域コストの κ", en="κ, global cost")),
        "kappa_local": _kappa_value(r.shallow_local, L(ja="局所コストの κ", en="κ, local cost")),
        "kappa_fixed": _kappa_value(r.fixed_depth, L(ja="深さ固定の κ", en="κ, fixed depth")),
        "stuck_global": _stuck_value(g, L(ja="大域コストで止まった割合", en="stuck with the global cost")),
        "stuck_local": _stuck_value(l_, L(ja="局所コストで止まった割合", en="stuck with the local cost")),
        "training_p": Value(label=L(ja="p 値", en="p-value"), value=training_p_value(r), digits=2),
        "n_max": Value(label=L(ja="最大の量子ビット数", en="most qubits"), value=int(r.deep_random.x[-1])),
        "var_deep_max": Value(
            label=L(ja="最大の n での分散", en="variance at the largest n"), value=r.deep_random.var[-1]
        ),
        "check_error": Value(
            label=L(ja="lightning との差", en="difference from lightning"), value=r.check_max_error, digits=2
        ),
        "mlp_ratio": Value(
            label=L(ja="MLP の分散の比（最小幅÷最大幅）", en="MLP variance ratio (narrowest ÷ widest)"),
            value=r.mlp.var[0] / r.mlp.var[-1],
        ),
        "mlp_width_ratio": Value(label=L(ja="幅の比", en="width ratio"), value=int(r.mlp.x[-1] / r.mlp.x[0])),
    }
    table = Table(
        caption=L(
            ja="勾配の分散 Var[∂C/∂θ₁]（ランダムな回路 1 系列あたりの標本分散）",
            en="Gradient variance Var[∂C/∂θ₁], the sample variance over random circuits",
        ),
        columns=[L(ja="量子ビット数 n", en="qubits n"), *names.values()],
        rows=[[int(n)] + [getattr(r, k).var[i] for k in names] for i, n in enumerate(r.deep_random.x)],
    )
    deep = r.deep_random
    ref_x = [x for x in deep.x if x >= deep.tail_from]
    anchor_y = deep.var[deep.x.index(ref_x[0])]
    variance = Figure(
        title=L(ja="勾配の分散と量子ビット数", en="Gradient variance against qubits"),
        caption=L(
            ja="帯はブートストラップ 95% 区間。破線は 2-デザインの予測 Var ∝ 2^(−n) の傾き。",
            en="Bands are 95% bootstrap intervals; the dashed line has the 2-design slope, Var ∝ 2^(−n).",
        ),
        xlabel=L(ja="量子ビット数 n", en="qubits n"),
        ylabel=L(ja="Var[∂C/∂θ₁]", en="Var[∂C/∂θ₁]"),
        yscale="log",
        series=[_band(getattr(r, k), name) for k, name in names.items()]
        + [
            Series(
                label=L(ja="2^(−n) の傾き", en="2^(−n) slope"),
                x=ref_x,
                y=[anchor_y * 2 ** (ref_x[0] - x) for x in ref_x],
                style="fit",
            )
        ],
    )
    training = Figure(
        title=L(
            ja=f"{r.training['global'].runs} 回の学習（{int(deep.x[0] * 0 + 8)} 量子ビット）",
            en="Training from random starts",
        ),
        caption=L(
            ja="縦軸は大域コスト（目標）。帯は 10〜90 パーセンタイル。局所コストで学習すると大域コストも下がる。",
            en="The y-axis is the global cost, the real target; bands span the 10th to 90th percentile. Training "
            "on the local cost brings the global cost down too.",
        ),
        xlabel=L(ja="勾配降下のステップ", en="gradient-descent step"),
        ylabel=L(ja="大域コスト 1 − p(0…0)", en="global cost 1 − p(0…0)"),
        series=[
            Series(
                label=L(
                    ja=f"{'大域' if t.objective == 'global' else '局所'}コストで学習",
                    en=f"trained on the {t.objective} cost",
                ),
                x=t.steps,
                y=t.global_cost_mean,
                lo=t.global_cost_lo,
                hi=t.global_cost_hi,
            )
            for t in (g, l_)
        ],
    )
    mlp = Figure(
        title=L(ja="古典 MLP：勾配の分散と幅", en="Classical MLP: gradient variance against width"),
        caption=L(
            ja="He 初期化の深い ReLU ネットワーク。分散は幅にほぼ反比例（多項式）で、指数的には消えない。",
            en="A deep ReLU network with He initialisation: the variance falls roughly as 1/width, a power law, "
            "not exponentially.",
        ),
        xlabel=L(ja="幅（1 層のニューロン数）", en="width (neurons per layer)"),
        ylabel=L(ja="Var[∂y/∂W₁]", en="Var[∂y/∂W₁]"),
        xscale="log",
        yscale="log",
        series=[
            _band(r.mlp, L(ja="測定値", en="measured")),
            Series(
                label=L(ja="1/幅", en="1/width"),
                x=r.mlp.x,
                y=[r.mlp.var[0] * r.mlp.x[0] / x for x in r.mlp.x],
                style="fit",
            ),
        ],
    )
    return Report(
        values=values,
        tables={"variance": table},
        figures={"variance": variance, "training": training, "mlp": mlp},
    )


claim = define(
    id="barren-plateaus",
    section="quantum",
    kind="experiment",
    statement=L(
        ja="量子回路では、ほとんどのパラメータについて勾配がほぼ 0 になり（不毛な台地）、最適化が止まってしまう。",
        en="In quantum circuits the gradient is close to zero for almost every parameter (a barren plateau), "
        "so optimisation stalls.",
    ),
    question=L(
        ja="ランダムなパラメータ付き回路の勾配の分散は、量子ビット数とともに指数的に小さくなるか。"
        "それはどんな回路とコスト関数で起き、どんなときに避けられるか。",
        en="Does the variance of a random parameterised circuit's gradient shrink exponentially with the number "
        "of qubits? For which circuits and cost functions, and when can it be avoided?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(
            qubits=(2, 4, 6, 8, 10),
            tail_from=6,
            train_runs=20,
            train_steps=60,
            mlp_widths=(16, 32, 64, 128, 256),
            check_circuits=3,
            bootstrap=1000,
        ),
        "site": exp.Config(
            qubits=(2, 4, 6, 8, 10, 12, 14),
            tail_from=8,
            train_runs=20,
            train_steps=60,
            mlp_widths=(16, 32, 64, 128, 256, 512),
            bootstrap=2000,
        ),
        "full": exp.Config(
            qubits=(2, 4, 6, 8, 10, 12, 14, 16, 18),
            samples=1000,
            tail_from=10,
            train_qubits=10,
            train_runs=50,
            train_steps=200,
            mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048),
            check_circuits=10,
            bootstrap=5000,
        ),
    },
    rule=rule,
    control=control,
    report=report,
    expected="supported",
    headline="kappa_deep",
    anchors=[
        Anchor(
            cite="McClean et al. 2018, Nat. Commun. 9, 4812",
            url="https://arxiv.org/abs/1803.11173",
            theirs=L(
                ja="ランダム回路の勾配の分散は量子ビット数に対して指数的に減り、2-デザインの値（∝ 2^(−n)、κ = 1）に近づく",
                en="the gradient variance of random circuits decays exponentially in the number of qubits, "
                "approaching the 2-design value (∝ 2^(−n), κ = 1)",
            ),
            ours="kappa_deep",
        ),
        Anchor(
            cite="Cerezo et al. 2021, Nat. Commun. 12, 1791",
            url="https://arxiv.org/abs/2001.00550",
            theirs=L(
                ja="大域コストは浅い回路でも指数的に消える",
                en="global cost functions have exponentially vanishing gradients even for shallow circuits",
            ),
            ours="kappa_global",
        ),
        Anchor(
            cite="Cerezo et al. 2021, Nat. Commun. 12, 1791",
            url="https://arxiv.org/abs/2001.00550",
            theirs=L(
                ja="局所コストと深さ O(log n) の回路なら、分散は多項式でしか減らない（κ → 0）",
                en="local cost functions with O(log n) depth have gradients that vanish only polynomially (κ → 0)",
            ),
            ours="kappa_local",
        ),
        Anchor(
            cite="PennyLane demo: Alleviating barren plateaus with local cost functions",
            url="https://pennylane.ai/qml/demos/tutorial_local_cost_functions",
            theirs=L(
                ja="大域コストでは学習が台地で止まり、局所コストでは学習が進む",
                en="training on the global cost stalls on the plateau; training on the local cost makes progress",
            ),
            ours="stuck_global",
        ),
    ],
    timeout_s={"quick": 300, "site": 900, "full": 12 * 3600},
)
