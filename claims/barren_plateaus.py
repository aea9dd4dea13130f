"""Claim barren-plateaus: the gradients of random parameterised circuits vanish exponentially with the
number of qubits, so optimisation stalls."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import replace

from experiments import barren_plateaus as exp
from experiments.common.stats import DecaySeries, Estimate, wilson
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Table, Value, any_accepted
from kanguri.claim import define
from kanguri.rule import Verdict

THRESHOLDS = {
    "kappa": 0.5,  # "exponential in qubits": Var ∝ 2^(−κn) with κ above 0.5 (95% lower bound)
    "preference": 0.95,  # the exponential model fits better than a power law in 95% of bootstrap replicates
    "significance": 0.05,  # training: more runs stuck with the global cost (Fisher's exact test)
    "check_tolerance": 1e-6,  # our simulator against lightning.qubit
}
T = THRESHOLDS


def kappa(s: DecaySeries) -> Estimate:
    """The decay rate as κ in Var ∝ 2^(−κ·n): a unitary 2-design has κ = 1."""
    r = s.rate
    return Estimate(-r.value / math.log(2), -r.hi / math.log(2), -r.lo / math.log(2), r.method, r.n)


def exponential_shape(s: DecaySeries) -> bool:
    """Scale-free: ln Var is better described as linear in x than in ln x, in 95% of replicates."""
    return s.exp_share >= T["preference"]


def _decay_facts(s: DecaySeries) -> dict:
    k = kappa(s)
    return {
        "kappa": k.value,
        "lo": k.lo,
        "hi": k.hi,
        "share": s.exp_share,
        "n0": int(s.fit_from),
        "samples": s.samples,
        "bar": T["kappa"],
        "pref": T["preference"],
    }


def _exponential_check(what: L) -> Check[DecaySeries]:
    """The claim's criterion on one series: exponential rather than power law, and at least 2^(−n/2)."""
    return Check(
        facts=_decay_facts,
        holds=lambda f: f["share"] >= f["pref"] and f["lo"] > f["bar"],
        yes=L(
            ja=what.ja
            + "：分散 ∝ 2^(−κn) の κ = {kappa:.2f} [{lo:.2f}, {hi:.2f}]（n ≥ {n0}、各 n で {samples} 回路）。"
            "指数モデルがべき乗則より良く当てはまった割合は {share:.0%}（基準 {pref:.0%}）、κ の下限は {bar} を超え、指数的に減衰する。",
            en=what.en
            + ": Var ∝ 2^(−κn) with κ = {kappa:.2f} [{lo:.2f}, {hi:.2f}] (n ≥ {n0}, {samples} circuits "
            "per n). The exponential model beats a power law in {share:.0%} of replicates (bar {pref:.0%}) and κ's "
            "lower bound is above {bar}: the decay is exponential.",
        ),
        no=L(
            ja=what.ja
            + "：κ = {kappa:.2f} [{lo:.2f}, {hi:.2f}]（n ≥ {n0}）、指数モデルが勝った割合 {share:.0%}。"
            "指数的な減衰（割合 {pref:.0%} 以上かつ κ の下限 {bar} 超）は示せなかった。",
            en=what.en + ": κ = {kappa:.2f} [{lo:.2f}, {hi:.2f}] (n ≥ {n0}); the exponential model wins in "
            "{share:.0%} of replicates. Exponential decay (at least {pref:.0%} and κ above {bar}) is not shown.",
        ),
    )


def _on(pick, check: Check[DecaySeries]) -> Check[exp.Evidence]:
    return Check(facts=lambda ev: check.facts(pick(ev)), holds=check.holds, yes=check.yes, no=check.no)


def _verdict(held: Mapping[str, bool]) -> Verdict:
    if not held["simulator"]:
        return "not-testable"  # a simulator we cannot trust decides nothing
    if held["deep"] and held["global"] and held["stalls"]:
        return "supported"
    return "partly" if held["deep"] or held["global"] else "not-supported"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "deep": _on(
            lambda ev: ev.deep_random, _exponential_check(L(ja="深いランダム回路", en="Deep random circuits"))
        ),
        "global": _on(
            lambda ev: ev.shallow_global,
            _exponential_check(L(ja="浅い回路・大域コスト", en="Shallow circuits, global cost")),
        ),
        "stalls": Check(
            facts=lambda ev: {
                "g": ev.stuck_global.value,
                "l": ev.stuck_local.value,
                "runs": ev.stuck_global.n,
                "p": ev.stall_p,
                "alpha": T["significance"],
            },
            holds=lambda f: f["p"] < f["alpha"],
            yes=L(
                ja="学習：大域コストでは {runs} 回中 {g:.0%}、局所コストでは {l:.0%} が台地から抜け出せなかった"
                "（フィッシャーの正確検定 p = {p:.2g} < {alpha}）。勾配の消失は最適化を止める。",
                en="Training: {g:.0%} of {runs} runs stayed stuck with the global cost, {l:.0%} with the local cost "
                "(Fisher's exact test p = {p:.2g} < {alpha}): vanishing gradients stall optimisation.",
            ),
            no=L(
                ja="学習：止まった割合は大域コスト {g:.0%}、局所コスト {l:.0%}（{runs} 回ずつ、p = {p:.2g}）。"
                "差は有意水準 {alpha} で示せなかった。",
                en="Training: {g:.0%} stuck with the global cost, {l:.0%} with the local cost ({runs} runs each, "
                "p = {p:.2g}); no difference at the {alpha} level.",
            ),
        ),
        "simulator": Check(
            facts=lambda ev: {"error": ev.check_max_error, "tolerance": T["check_tolerance"]},
            holds=lambda f: f["error"] <= f["tolerance"],
            yes=L(
                ja="自作シミュレータと lightning.qubit の差は最大 {error:.1e}（許容 {tolerance:g}）。",
                en="Our simulator and lightning.qubit differ by at most {error:.1e} (tolerance {tolerance:g}).",
            ),
            no=L(
                ja="自作シミュレータが lightning.qubit と {error:.1e} ずれた（許容 {tolerance:g}）。結果は信頼できない。",
                en="The simulator disagrees with lightning.qubit by {error:.1e} (tolerance {tolerance:g}); the "
                "result cannot be trusted.",
            ),
        ),
    },
    verdict=_verdict,
)

_SHAPE_ONLY = Check[DecaySeries](
    facts=lambda s: {"share": s.exp_share, "power": s.power.value, "pref": T["preference"]},
    holds=lambda f: f["share"] >= f["pref"],
    yes=L(
        ja="古典 MLP（幅に対して）：指数モデルが {share:.0%} の複製でべき乗則に勝った。基準は受け入れた（甘すぎる）。",
        en="Classical MLP (against width): the exponential model beats a power law in {share:.0%} of replicates; "
        "the criterion accepts it (too lax).",
    ),
    no=L(
        ja="古典 MLP（幅に対して）：分散 ∝ 幅^{power:.2f}。指数モデルが勝ったのは {share:.0%} の複製だけで、基準（{pref:.0%}）は棄却した。",
        en="Classical MLP (against width): Var ∝ width^{power:.2f}; the exponential model wins in only {share:.0%} "
        "of replicates, so the criterion (bar {pref:.0%}) rejects it.",
    ),
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "local": _on(
            lambda ev: ev.shallow_local,
            _exponential_check(L(ja="浅い回路・局所コスト", en="Shallow circuits, local cost")),
        ),
        "fixed": _on(
            lambda ev: ev.fixed_depth,
            _exponential_check(L(ja="深さ固定のランダム回路", en="Random circuits of fixed depth")),
        ),
        # the width axis has no natural unit, so only the scale-free half of the criterion applies
        "mlp": _on(lambda ev: ev.mlp, _SHAPE_ONLY),
    },
    verdict=any_accepted,
)


def synthetic_series(x: list[float], var: list[float], exp_share: float) -> DecaySeries:
    """A decay series for the falsifiability tests, with its fits computed from ``var``."""
    import numpy as np

    from experiments.common.stats import exact

    lx = np.asarray(x, dtype=float)
    lv = np.log(np.asarray(var))
    rate = float(np.polyfit(lx, lv, 1)[0])
    power = float(np.polyfit(np.log(lx), lv, 1)[0])
    return DecaySeries(
        x=list(x),
        var=list(var),
        lo=[v * 0.9 for v in var],
        hi=[v * 1.1 for v in var],
        rate=Estimate(rate, rate * 1.05, rate * 0.95, "synthetic", 1000),
        power=exact(power),
        exp_share=exp_share,
        fit_from=x[0],
        samples=1000,
    )


QUBITS = [4.0, 6.0, 8.0, 10.0]
WIDTHS = [16.0, 32.0, 64.0, 128.0, 256.0]


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        deep_random=synthetic_series(QUBITS, [2.0**-n for n in QUBITS], 1.0),
        shallow_global=synthetic_series(QUBITS, [4.0**-n for n in QUBITS], 1.0),
        shallow_local=synthetic_series(QUBITS, [n**-2.0 for n in QUBITS], 0.05),  # a power law in n
        fixed_depth=synthetic_series(QUBITS, [0.05] * 4, 0.3),
        mlp=synthetic_series(WIDTHS, [1 / w for w in WIDTHS], 0.0),
        stuck_global=wilson(11, 20),
        stuck_local=wilson(1, 20),
        stall_p=0.0006,
        check_max_error=1e-15,
    )


def _null() -> exp.Evidence:
    """Gradients that do not vanish, and training that does not stall."""
    flat = synthetic_series(QUBITS, [0.05] * 4, 0.3)
    return replace(
        _supporting(), deep_random=flat, shallow_global=flat, stuck_global=wilson(1, 20), stall_p=0.76
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "deep": lambda ev: replace(ev, deep_random=synthetic_series(QUBITS, [n**-4.0 for n in QUBITS], 0.1)),
        "global": lambda ev: replace(
            ev, shallow_global=synthetic_series(QUBITS, [2 ** (-n / 4) for n in QUBITS], 1.0)
        ),
        "stalls": lambda ev: replace(ev, stall_p=0.3),
        "simulator": lambda ev: replace(ev, check_max_error=1e-3),
    },
    control_flips={
        "local": lambda ev: replace(
            ev, shallow_local=synthetic_series(QUBITS, [2.0**-n for n in QUBITS], 1.0)
        ),
        "fixed": lambda ev: replace(
            ev, fixed_depth=synthetic_series(QUBITS, [2.0**-n for n in QUBITS], 0.99)
        ),
        # exponential in width, 2^(−width/32): the criterion must accept it
        "mlp": lambda ev: replace(ev, mlp=synthetic_series(WIDTHS, [2 ** (-w / 32) for w in WIDTHS], 1.0)),
    },
)


def series_names(r: exp.Result) -> dict[str, L]:
    d, f = r.layers_per_qubit, r.fixed_layers
    return {
        "deep_random": L(ja=f"深いランダム回路（L = {d}n）", en=f"deep random (L = {d}n)"),
        "fixed_depth": L(ja=f"深さ固定のランダム回路（L = {f}）", en=f"random, fixed depth (L = {f})"),
        "shallow_global": L(ja="浅い回路・大域コスト", en="shallow, global cost"),
        "shallow_local": L(ja="浅い回路・局所コスト", en="shallow, local cost"),
    }


def _band(s: DecaySeries, label: L, style: str = "line") -> Series:
    return Series(label=label, x=s.x, y=s.var, lo=s.lo, hi=s.hi, style=style)


PERCENT = L(ja="%", en="%")
TRAINED_ON = {
    "global": L(ja="大域コストで学習", en="trained on the global cost"),
    "local": L(ja="局所コストで学習", en="trained on the local cost"),
}


def report(r: exp.Result) -> Report:
    ev = r.evidence
    g, l_ = r.training["global"], r.training["local"]
    names = series_names(r)
    values = {
        "kappa_deep": Value.of(L(ja="深いランダム回路の κ", en="κ, deep random"), kappa(ev.deep_random)),
        "kappa_global": Value.of(L(ja="大域コストの κ", en="κ, global cost"), kappa(ev.shallow_global)),
        "kappa_local": Value.of(L(ja="局所コストの κ", en="κ, local cost"), kappa(ev.shallow_local)),
        "kappa_fixed": Value.of(L(ja="深さ固定の κ", en="κ, fixed depth"), kappa(ev.fixed_depth)),
        "share_deep": Value(
            label=L(ja="指数モデルが勝った割合（深い）", en="exponential preferred (deep)"),
            value=100 * ev.deep_random.exp_share,
            unit=PERCENT,
            digits=2,
        ),
        "share_local": Value(
            label=L(ja="指数モデルが勝った割合（局所）", en="exponential preferred (local)"),
            value=100 * ev.shallow_local.exp_share,
            unit=PERCENT,
            digits=2,
        ),
        "share_mlp": Value(
            label=L(ja="指数モデルが勝った割合（MLP）", en="exponential preferred (MLP)"),
            value=100 * ev.mlp.exp_share,
            unit=PERCENT,
            digits=2,
        ),
        "power_local": Value.of(
            L(ja="局所コストのべき指数", en="power-law exponent, local cost"), ev.shallow_local.power
        ),
        "power_mlp": Value.of(L(ja="MLP のべき指数", en="power-law exponent, MLP"), ev.mlp.power),
        "stuck_global": Value.of(
            L(ja="大域コストで止まった割合", en="stuck with the global cost"), ev.stuck_global, digits=2
        ),
        "stuck_local": Value.of(
            L(ja="局所コストで止まった割合", en="stuck with the local cost"), ev.stuck_local, digits=2
        ),
        "training_p": Value(label=L(ja="p 値", en="p-value"), value=ev.stall_p, digits=2),
        "n_max": Value(label=L(ja="最大の量子ビット数", en="most qubits"), value=int(ev.deep_random.x[-1])),
        "var_deep_max": Value(
            label=L(ja="最大の n での分散", en="variance at the largest n"), value=ev.deep_random.var[-1]
        ),
        "check_error": Value(
            label=L(ja="lightning との差", en="difference from lightning"), value=ev.check_max_error, digits=2
        ),
        "mlp_ratio": Value(
            label=L(ja="MLP の分散の比（最小幅÷最大幅）", en="MLP variance ratio (narrowest ÷ widest)"),
            value=ev.mlp.var[0] / ev.mlp.var[-1],
        ),
        "mlp_width_ratio": Value(
            label=L(ja="幅の比", en="width ratio"), value=int(ev.mlp.x[-1] / ev.mlp.x[0])
        ),
    }
    values |= {
        "kappa_second": Value.of(
            L(ja="別の乱数での κ（深いランダム回路）", en="κ from independent circuits (deep random)"),
            kappa(r.deep_second_seed),
        ),
        "depth_ratio": Value.of(
            L(ja="深さを 2 倍にしたときの分散の比", en="variance ratio at twice the depth"), r.depth_ratio
        ),
        "depth_check_n": Value(
            label=L(ja="深さを確かめた n", en="n of the depth check"), value=r.depth_check_qubits
        ),
    }
    closed = [exp.two_design_variance(int(n)) for n in ev.deep_random.x]
    ratio = Figure(
        title=L(ja="測定した分散 ÷ 2-デザインの理論値", en="Measured variance ÷ the 2-design value"),
        caption=L(
            ja="深いランダム回路の分散を、閉じた式 N/(3(N²−1))（N = 2ⁿ）で割った値。帯はブートストラップ 95% 区間。1 なら 2-デザインと一致。",
            en="The deep random circuits' variance divided by the closed form N/(3(N²−1)), N = 2ⁿ. Bands are 95% "
            "bootstrap intervals; 1 means agreement with a 2-design.",
        ),
        xlabel=L(ja="量子ビット数 n", en="qubits n"),
        ylabel=L(ja="測定値 ÷ 理論値", en="measured ÷ closed form"),
        series=[
            Series(
                label=L(ja="深いランダム回路", en="deep random"),
                x=ev.deep_random.x,
                y=[v / c for v, c in zip(ev.deep_random.var, closed, strict=True)],
                lo=[v / c for v, c in zip(ev.deep_random.lo, closed, strict=True)],
                hi=[v / c for v, c in zip(ev.deep_random.hi, closed, strict=True)],
            ),
            Series(
                label=L(ja="2-デザイン", en="2-design"),
                x=[ev.deep_random.x[0], ev.deep_random.x[-1]],
                y=[1, 1],
                style="fit",
            ),
        ],
    )
    windows = Table(
        caption=L(
            ja="当てはめる範囲（n の下限）ごとの κ と、指数モデルがべき乗則に勝った割合",
            en="κ for each fit window (the smallest n fitted), and how often the exponential model beat the power law",
        ),
        columns=[
            L(ja="系列", en="series"),
            L(ja="n の下限", en="from n"),
            L(ja="κ", en="κ"),
            L(ja="95% 下限", en="95% lower"),
            L(ja="95% 上限", en="95% upper"),
            L(ja="指数モデルが勝った割合（%）", en="exponential preferred (%)"),
        ],
        rows=[
            [
                names[w.series],
                w.fit_from,
                *(-x / math.log(2) for x in (w.rate.value, w.rate.hi, w.rate.lo)),
                100 * w.exp_share,
            ]
            for w in r.windows
        ],
    )
    table = Table(
        caption=L(
            ja="勾配の分散 Var[∂C/∂θ₁]（ランダムな回路 1 系列あたりの標本分散）",
            en="Gradient variance Var[∂C/∂θ₁], the sample variance over random circuits",
        ),
        columns=[L(ja="量子ビット数 n", en="qubits n"), *names.values()],
        rows=[[int(n)] + [getattr(ev, k).var[i] for k in names] for i, n in enumerate(ev.deep_random.x)],
    )
    deep = ev.deep_random
    ref_x = [x for x in deep.x if x >= deep.fit_from]
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
        series=[_band(getattr(ev, k), name) for k, name in names.items()]
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
        title=L(ja="ランダムな初期値からの学習", en="Training from random starts"),
        caption=L(
            ja="縦軸は大域コスト（目標）。帯は 10〜90 パーセンタイル。局所コストで学習すると大域コストも下がる。",
            en="The y-axis is the global cost, the real target; bands span the 10th to 90th percentile. Training "
            "on the local cost brings the global cost down too.",
        ),
        xlabel=L(ja="勾配降下のステップ", en="gradient-descent step"),
        ylabel=L(ja="大域コスト 1 − p(0…0)", en="global cost 1 − p(0…0)"),
        series=[
            Series(
                label=TRAINED_ON[t.objective],
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
            _band(ev.mlp, L(ja="測定値", en="measured")),
            Series(
                label=L(ja="1/幅", en="1/width"),
                x=ev.mlp.x,
                y=[ev.mlp.var[0] * ev.mlp.x[0] / x for x in ev.mlp.x],
                style="fit",
            ),
        ],
    )
    return Report(
        values=values,
        tables={"variance": table, "windows": windows},
        figures={"variance": variance, "ratio": ratio, "training": training, "mlp": mlp},
    )


claim = define(
    "barren-plateaus",
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
            samples=1000,
            train_runs=20,
            train_steps=60,
            mlp_widths=(16, 32, 64, 128, 256),
            check_circuits=3,
            bootstrap=1000,
        ),
        "site": exp.Config(
            qubits=(2, 4, 6, 8, 10, 12),
            samples=1000,
            depth_check_qubits=10,
            train_runs=20,
            train_steps=60,
            mlp_widths=(16, 32, 64, 128, 256, 512),
            bootstrap=2000,
        ),
        "full": exp.Config(
            qubits=(2, 4, 6, 8, 10, 12, 14, 16, 18),
            samples=10_000,
            depth_check_qubits=14,
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
    falsify=falsify,
    thresholds=THRESHOLDS,
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
            locator="Nat. Commun. 9, 4812, abstract",
            quote="the probability that the gradient along any reasonable direction is non-zero to some fixed precision is exponentially small as a function of the number of qubits",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Cerezo et al. 2021, Nat. Commun. 12, 1791",
            url="https://arxiv.org/abs/2001.00550",
            theirs=L(
                ja="大域コストは浅い回路でも指数的に消える",
                en="global cost functions have exponentially vanishing gradients even for shallow circuits",
            ),
            ours="kappa_global",
            locator="arXiv:2001.00550, abstract",
            quote="defining C in terms of global observables leads to exponentially vanishing gradients (i.e., barren plateaus) even when V(θ) is shallow",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Cerezo et al. 2021, Nat. Commun. 12, 1791",
            url="https://arxiv.org/abs/2001.00550",
            theirs=L(
                ja="局所コストと深さ O(log n) の回路なら、分散は多項式でしか減らない（κ → 0）",
                en="local cost functions with O(log n) depth have gradients that vanish only polynomially (κ → 0)",
            ),
            ours="kappa_local",
            locator="arXiv:2001.00550, abstract",
            quote="defining C with local observables leads to at worst a polynomially vanishing gradient, so long as the depth of V(θ) is O(log n)",
            checked=datetime.date(2026, 12, 1),
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
    timeout_s={"quick": 900, "site": 1800, "full": 12 * 3600},
)
