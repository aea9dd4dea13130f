"""Claim quantum-expressivity-overfitting: expressivity is not performance; with little data expressive circuits
overfit, and quantum models lack mature regularisers."""

from __future__ import annotations

import datetime
import math
from dataclasses import replace

import numpy as np

from experiments import quantum_expressivity_overfitting as exp
from experiments.common.stats import Estimate
from kanguri import (
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
)

THRESHOLDS = {
    "overfits": 0.1,  # "overfits": train − test accuracy has a 95% lower bound above 10 points
    "trend": 0.0,  # "more expressive, more overfitting": the gap's slope in log₂(parameters) has lower bound > 0
    "helps": 0.0,  # a regulariser "helps" when its paired test-accuracy gain has a lower bound above 0
}
T = THRESHOLDS

REG_NAMES = {
    "none": L(ja="なし", en="none"),
    "weight decay": L(ja="重み減衰", en="weight decay"),
    "early stopping": L(ja="早期終了", en="early stopping"),
    "dropout": L(ja="ドロップアウト", en="dropout"),
    "shot noise": L(ja="ショット雑音", en="shot noise"),
}


def _overfits(e: Estimate) -> bool:
    return e.lo > T["overfits"]


def _helping(gains: dict[str, Estimate]) -> list[str]:
    return [name for name, g in gains.items() if g.lo > T["helps"]]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "overfits": Check(
            facts=lambda ev: {
                "value": ev.small_gap.value,
                "lo": ev.small_gap.lo,
                "bar": T["overfits"],
                "ok": _overfits(ev.small_gap),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="最も表現力の高い回路は、最小の N で訓練と試験の正解率に {value:.2f} の差を残した（下限 {lo:.2f} > {bar}）。過学習している。",
                en="The most expressive circuit, at the smallest N, is {value:.2f} more accurate on its training data "
                "than on test data (lower bound {lo:.2f} > {bar}): it overfits.",
            ),
            no=L(
                ja="最小の N でも訓練と試験の差は {value:.2f}（下限 {lo:.2f}、基準 {bar}）で、過学習は示せなかった。",
                en="At the smallest N the train–test gap is {value:.2f} (lower bound {lo:.2f}, bar {bar}): no overfitting "
                "is shown.",
            ),
        ),
        "expressivity_not_performance": Check(
            facts=lambda ev: {"value": ev.gap_trend.value, "lo": ev.gap_trend.lo, "bar": T["trend"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="パラメータ数が 2 倍になるごとに、差は {value:.3f} 広がった（下限 {lo:.3f} > {bar}）。表現力が増えるほど過学習も増える。",
                en="Each doubling of the parameters widens the gap by {value:.3f} (lower bound {lo:.3f} > {bar}): more "
                "expressivity, more overfitting.",
            ),
            no=L(
                ja="表現力と差の関係ははっきりしない（2 倍あたり {value:.3f}、下限 {lo:.3f}）。",
                en="No clear link between expressivity and the gap ({value:.3f} per doubling, lower bound {lo:.3f}).",
            ),
        ),
        "few_regularisers": Check(
            facts=lambda ev: {
                "q_best": max(g.value for g in ev.quantum_gain.values()),
                "c_best": max(g.value for g in ev.classical_gain.values()),
                "nq": len(_helping(ev.quantum_gain)),
                "tq": len(ev.quantum_gain),
                "nc": len(_helping(ev.classical_gain)),
                "tc": len(ev.classical_gain),
            },
            holds=lambda f: f["nq"] == 0 and f["nc"] > 0,
            yes=L(
                ja="回路の正則化 {tq} 種はどれも試験の正解率をはっきりとは上げなかった（最大 {q_best:+.3f}）。古典のネットワークでは {tc} 種のうち {nc} 種が効いた（最大 {c_best:+.3f}）。",
                en="None of the {tq} circuit regularisers raised test accuracy measurably (best {q_best:+.3f}), while "
                "{nc} of the {tc} classical ones did (best {c_best:+.3f}).",
            ),
            no=L(
                ja="回路の正則化は {tq} 種のうち {nq} 種が効き（最大 {q_best:+.3f}）、古典は {tc} 種のうち {nc} 種（最大 {c_best:+.3f}）。回路だけ正則化が効かない、という形にはならなかった。",
                en="{nq} of the {tq} circuit regularisers helped (best {q_best:+.3f}), and {nc} of the {tc} classical ones "
                "(best {c_best:+.3f}): the measurements do not show circuits alone going without working regularisers.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "large_n": Check(
            facts=lambda ev: {
                "value": ev.large_gap.value,
                "lo": ev.large_gap.lo,
                "bar": T["overfits"],
                "ok": _overfits(ev.large_gap),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="最大の N でも差 {value:.2f}（下限 {lo:.2f} > {bar}）。基準はここでも過学習と判定した（甘すぎる）。",
                en="At the largest N the gap is {value:.2f} (lower bound {lo:.2f} > {bar}): the criterion calls this "
                "overfitting too (too lax).",
            ),
            no=L(
                ja="同じ回路でも最大の N では差は {value:.2f}（下限 {lo:.2f}、基準 {bar}）。基準は過学習を棄却した。",
                en="With the largest N the same circuit's gap is {value:.2f} (lower bound {lo:.2f}, bar {bar}): the "
                "criterion rejects overfitting.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, half: float, method: str = "t-interval over seeds", n: int = 5) -> Estimate:
    return Estimate(value, value - half, value + half, method, n)


def _supporting() -> exp.Evidence:
    paired = "t-interval over seeds (paired)"
    return exp.Evidence(
        small_gap=_e(0.4, 0.1),
        large_gap=_e(0.05, 0.02),
        gap_trend=_e(0.05, 0.03, "t-interval over seeds of per-seed slopes"),
        quantum_closed={r: _e(0.0, 0.05, paired, 20) for r in exp.QUANTUM_REGULARISERS[1:]},
        classical_closed={r: _e(0.4, 0.1, paired, 20) for r in exp.CLASSICAL_REGULARISERS[1:]},
        quantum_gain={r: _e(0.0, 0.02, paired, 20) for r in exp.QUANTUM_REGULARISERS[1:]},
        classical_gain={r: _e(0.04, 0.02, paired, 20) for r in exp.CLASSICAL_REGULARISERS[1:]},
    )


def _null() -> exp.Evidence:
    """No overfitting, no link to expressivity, and circuit regularisers that work as well as classical ones."""
    paired = "t-interval over seeds (paired)"
    return replace(
        _supporting(),
        small_gap=_e(0.02, 0.03),
        gap_trend=_e(0.0, 0.02, "t-interval over seeds of per-seed slopes"),
        quantum_gain={r: _e(0.04, 0.02, paired, 20) for r in exp.QUANTUM_REGULARISERS[1:]},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "overfits": lambda ev: replace(ev, small_gap=_e(0.08, 0.03)),
        "expressivity_not_performance": lambda ev: replace(
            ev, gap_trend=_e(-0.01, 0.02, "t-interval over seeds of per-seed slopes")
        ),
        "few_regularisers": lambda ev: replace(
            ev,
            quantum_gain={
                **ev.quantum_gain,
                "weight decay": _e(0.05, 0.02, "t-interval over seeds (paired)", 20),
            },
        ),
    },
    control_flips={"large_n": lambda ev: replace(ev, large_gap=_e(0.3, 0.05))},
)


def _mean(rows: list[float]) -> float:
    return float(np.mean(rows))


def report(r: exp.Result) -> Report:
    ev = r.evidence
    q, c = r.quantum, r.classical
    values = {
        "small_gap": Value.of(
            L(ja="最小の N での差（最大の回路）", en="gap at the smallest N (largest circuit)"), ev.small_gap
        ),
        "large_gap": Value.of(
            L(ja="最大の N での差（最大の回路）", en="gap at the largest N (largest circuit)"), ev.large_gap
        ),
        "gap_trend": Value.of(
            L(ja="パラメータ 2 倍あたりの差の増加", en="gap increase per doubling of parameters"),
            ev.gap_trend,
        ),
        "classical_small_gap": Value.of(
            L(ja="最小の N での差（最大のネット）", en="gap at the smallest N (largest network)"),
            r.classical_small_gap,
        ),
        "classical_large_gap": Value.of(
            L(ja="最大の N での差（最大のネット）", en="gap at the largest N (largest network)"),
            r.classical_large_gap,
        ),
        "q_test_small": Value(
            label=L(ja="最大の回路の試験正解率（最小の N）", en="largest circuit: test accuracy, smallest N"),
            value=_mean(q.test[-1][0]),
        ),
        "q_test_large": Value(
            label=L(ja="最大の回路の試験正解率（最大の N）", en="largest circuit: test accuracy, largest N"),
            value=_mean(q.test[-1][-1]),
        ),
        "c_test_large": Value(
            label=L(
                ja="最大のネットの試験正解率（最大の N）", en="largest network: test accuracy, largest N"
            ),
            value=_mean(c.test[-1][-1]),
        ),
        "q_params_max": Value(
            label=L(ja="最大の回路のパラメータ数", en="largest circuit's parameters"), value=q.params[-1]
        ),
        "n_min": Value(label=L(ja="最小の N", en="smallest N"), value=r.sizes[0]),
        "q_params_min": Value(
            label=L(ja="最小の回路のパラメータ数", en="smallest circuit's parameters"), value=q.params[0]
        ),
        "n_max": Value(label=L(ja="最大の N", en="largest N"), value=r.sizes[-1]),
        "lightning_deviation": Value(
            label=L(ja="lightning.qubit との最大差", en="largest difference from lightning.qubit"),
            value=r.lightning_deviation,
        ),
    }
    for family, gains in (("q", ev.quantum_gain), ("c", ev.classical_gain)):
        for name, g in gains.items():
            values[f"{family}_gain_{name.replace(' ', '_')}"] = Value.of(
                L(
                    ja=f"{REG_NAMES[name].ja}による試験正解率の変化",
                    en=f"test accuracy change from {REG_NAMES[name].en}",
                ),
                g,
            )
    small = Figure(
        title=L(
            ja=f"N = {r.sizes[0]} での訓練と試験の正解率", en=f"Train and test accuracy at N = {r.sizes[0]}"
        ),
        caption=L(
            ja="モデルのパラメータ数に対する訓練（線）と試験（点）の正解率、シードの平均。横軸は対数。",
            en="Training (lines) and test (points) accuracy against the model's parameters, mean over seeds. Log x axis.",
        ),
        xlabel=L(ja="学習パラメータ数", en="trainable parameters"),
        ylabel=L(ja="正解率", en="accuracy"),
        xscale="log",
        series=[
            Series(
                label=L(ja="回路・訓練", en="circuits, train"), x=q.params, y=[_mean(m[0]) for m in q.train]
            ),
            Series(
                label=L(ja="回路・試験", en="circuits, test"),
                x=q.params,
                y=[_mean(m[0]) for m in q.test],
                style="points",
            ),
            Series(
                label=L(ja="ネット・訓練", en="networks, train"), x=c.params, y=[_mean(m[0]) for m in c.train]
            ),
            Series(
                label=L(ja="ネット・試験", en="networks, test"),
                x=c.params,
                y=[_mean(m[0]) for m in c.test],
                style="points",
            ),
        ],
    )
    gap_n = [
        [float(np.mean(np.array(a) - np.array(b))) for a, b in zip(m_tr, m_te, strict=True)]
        for m_tr, m_te in zip(q.train, q.test, strict=True)
    ]
    t_max = q.params[-1]
    by_n = Figure(
        title=L(ja="データ数 N と汎化の差", en="Generalisation gap against N"),
        caption=L(
            ja=f"回路ごとの（訓練 − 試験）正解率、シードの平均。破線は Caro らの上界の形 √(T/N)（T = {t_max}、定数は不明なので形だけ）。両対数軸、差が 0 以下の点は描かない。",
            en=f"(Train − test) accuracy per circuit, mean over seeds. The dashed line is the shape of Caro et al.'s bound "
            f"√(T/N) (T = {t_max}; its constant is not known, so only the shape). Log-log axes; gaps ≤ 0 are not drawn.",
        ),
        xlabel=L(ja="訓練データ数 N", en="training points N"),
        ylabel=L(ja="訓練 − 試験", en="train − test"),
        xscale="log",
        yscale="log",
        series=[
            *[
                Series(
                    label=L(ja=f"回路 {p} パラメータ", en=f"circuit, {p} parameters"),
                    x=r.sizes,
                    y=[max(g, 1e-3) for g in gaps],
                )
                for p, gaps in zip(q.params, gap_n, strict=True)
            ],
            Series(
                label=L(ja="√(T/N)", en="√(T/N)"),
                x=r.sizes,
                y=[math.sqrt(t_max / n) for n in r.sizes],
                style="fit",
            ),
        ],
    )

    def rows(
        family: str, res: exp.FamilyResult, gains: dict[str, Estimate], closed: dict[str, Estimate]
    ) -> list[list]:
        out = []
        for name, (train, test) in res.regularised.items():
            g, s = gains.get(name), closed.get(name)
            out.append(
                [
                    L(ja="回路", en="circuit") if family == "q" else L(ja="ネット", en="network"),
                    REG_NAMES[name],
                    _mean(train),
                    _mean(test),
                    f"{g.value:+.3f} [{g.lo:+.3f}, {g.hi:+.3f}]".replace("-", "\u2212") if g else "—",
                    f"{s.value:.2f}" if s else "—",
                ]
            )
        return out

    regs = Table(
        caption=L(
            ja=f"N = {r.sizes[0]} での正則化（最大のモデル、シード {ev.quantum_gain['weight decay'].n} 個、対応あり）",
            en=f"Regularisers at N = {r.sizes[0]} (largest model of each family, {ev.quantum_gain['weight decay'].n} paired seeds)",
        ),
        columns=[
            L(ja="モデル", en="model"),
            L(ja="正則化", en="regulariser"),
            L(ja="訓練正解率", en="train accuracy"),
            L(ja="試験正解率", en="test accuracy"),
            L(ja="試験正解率の変化 [95% 区間]", en="test accuracy change [95% interval]"),
            L(ja="縮めた差の割合", en="share of the gap closed"),
        ],
        rows=rows("q", q, ev.quantum_gain, ev.quantum_closed)
        + rows("c", c, ev.classical_gain, ev.classical_closed),
    )
    return Report(values=values, tables={"regularisers": regs}, figures={"small": small, "by_n": by_n})


claim = define(
    "quantum-expressivity-overfitting",
    statement=L(
        ja="表現力が高いことは性能が高いことではない。データが少なければ表現力の高い回路は過学習し、量子には成熟した正則化の手段も少ない。",
        en="Expressivity is not performance: with little data, expressive circuits overfit, and quantum models lack "
        "mature regularisers.",
    ),
    question=L(
        ja="少ないデータで、回路の大きさとともに過学習はどう増えるか。古典のネットワークと比べて、正則化はどれだけ効くか。",
        en="With little data, how does overfitting grow with circuit size, and how much do regularisers help, "
        "compared with classical networks?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(sizes=(20, 320), test=1000),
        "site": exp.Config(sizes=(20, 40, 80, 160, 320, 640), small_seeds=30),
        "full": exp.Config(
            circuits=((1, 1), (2, 2), (2, 4), (3, 6), (4, 8)),
            sizes=(20, 40, 80, 160, 320, 640, 1280),
            seeds=20,
            small_seeds=50,
            steps=1000,
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="small_gap",
    anchors=[
        Anchor(
            cite="Caro et al. 2022, Nat. Commun. 13, 4919",
            url="https://doi.org/10.1038/s41467-022-32550-3",
            theirs=L(
                ja="学習ゲート T 個のモデルの汎化誤差は、最悪でも √(T/N) で縮む",
                en="the generalisation error of a model with T trainable gates scales at worst as √(T/N)",
            ),
            ours="small_gap",
            locator="abstract",
            quote="We show that the generalization error of a quantum machine learning model with T trainable gates "
            "scales at worst as",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Abbas et al. 2021, Nat. Comput. Sci. 1, 403",
            url="https://doi.org/10.1038/s43588-021-00084-1",
            theirs=L(
                ja="有効次元で測ると、ある種の量子ニューラルネットは同規模の順伝播ネットより高い表現力を持つ",
                en="by effective dimension, a class of quantum neural networks is more expressive than comparable "
                "feedforward networks",
            ),
            ours=None,
            locator="abstract",
            quote="We demonstrate numerically that a class of quantum neural networks is able to achieve a "
            "considerably better effective dimension than comparable feedforward networks",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Scala et al. 2023, Adv. Quantum Technol. (A general approach to dropout in quantum neural networks)",
            url="https://arxiv.org/abs/2310.04120",
            theirs=L(
                ja="量子ドロップアウトは過学習を防ぎ、汎化を高める",
                en="quantum dropout helps avoid overfitting and achieve generalisation",
            ),
            ours="q_gain_dropout",
            locator="abstract",
            quote="Here we present a generalized approach to apply the dropout technique in Quantum Neural Network "
            "models, defining and analysing different quantum dropout strategies to avoid overfitting and achieve a "
            "high level of generalization.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Kobayashi et al. 2022 (Overfitting in quantum machine learning and entangling dropout)",
            url="https://arxiv.org/abs/2205.11446",
            theirs=L(
                ja="もつれゲートを落とすドロップアウトで過学習を抑える",
                en="dropping entangling gates reduces overfitting",
            ),
            ours=None,
        ),
    ],
)
