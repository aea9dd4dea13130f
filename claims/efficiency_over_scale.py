"""Claim efficiency-over-scale: brain-like (spiking) computation trades speed and trainability for energy
efficiency."""

from __future__ import annotations

import datetime
from dataclasses import replace

import numpy as np

from experiments import efficiency_over_scale as exp
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
from kanguri.rule import Verdict

THRESHOLDS = {
    "harder": 1.0,  # harder to train: layer evaluations to the target, spiking ÷ conventional, lower bound above 1
    "slower": 0.05,  # slower: reading out after one step instead of T loses more than 5 points (lower bound)
    "cheaper": 1.0,  # cheaper: spiking ÷ conventional energy has its upper bound below 1
}
T = THRESHOLDS


def cheaper(e: Estimate) -> bool:
    """The energy criterion: the spiking network's energy is below the conventional one's across the ranges."""
    return e.hi < T["cheaper"]


def _verdict(held) -> Verdict:
    if all(held.values()):
        return "supported"
    trade_offs = held["harder_to_train"] and held["slower"]
    if trade_offs and held["energy_arithmetic"] and not held["energy_with_memory"]:
        return "partly"  # the rule: the advantage disappears once memory is counted
    return "partly" if any(held.values()) else "not-supported"


def _energy_check(pick, what_ja: str, what_en: str) -> Check[exp.Evidence]:
    return Check(
        facts=lambda ev: {
            "value": pick(ev).value,
            "lo": pick(ev).lo,
            "hi": pick(ev).hi,
            "bar": T["cheaper"],
            "ok": cheaper(pick(ev)),
        },
        holds=lambda f: f["ok"],
        yes=L(
            ja=f"{what_ja}では、スパイクのネットワークのエネルギーは従来型の {{value:.2f}} 倍（{{lo:.2f}}〜{{hi:.2f}}、上限が {{bar:g}} 未満）。省エネになっている。",
            en=f"{what_en}, the spiking network uses {{value:.2f}} times the conventional network's energy ({{lo:.2f}} "
            "to {hi:.2f}, upper bound below {bar:g}): it saves energy.",
        ),
        no=L(
            ja=f"{what_ja}では、スパイクのネットワークのエネルギーは従来型の {{value:.2f}} 倍（{{lo:.2f}}〜{{hi:.2f}}）で、省エネとは言えない。",
            en=f"{what_en}, the spiking network uses {{value:.2f}} times the conventional network's energy ({{lo:.2f}} "
            "to {hi:.2f}): no saving is shown.",
        ),
    )


rule: Rule[exp.Evidence] = Rule(
    checks={
        "harder_to_train": Check(
            facts=lambda ev: {"value": ev.training_cost.value, "lo": ev.training_cost.lo, "bar": T["harder"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="目標の正解率に届くまでの層の計算回数は、スパイクのネットワークが従来型の {value:.1f} 倍（下限 {lo:.1f} > {bar:g}）。学習に手間がかかる。",
                en="To reach the target accuracy the spiking network needs {value:.1f} times the layer evaluations of the "
                "conventional one (lower bound {lo:.1f} > {bar:g}): it is costlier to train.",
            ),
            no=L(
                ja="学習の手間の差は示せなかった（層の計算回数の比 {value:.1f}、下限 {lo:.1f}）。",
                en="No training-cost penalty is shown (ratio of layer evaluations {value:.1f}, lower bound {lo:.1f}).",
            ),
        ),
        "slower": Check(
            facts=lambda ev: {
                "value": ev.early_readout_loss.value,
                "lo": ev.early_readout_loss.lo,
                "bar": T["slower"],
            },
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="スパイクのネットワークは答えを出すのに時間ステップを重ねる必要がある。1 ステップで読み出すと正解率が {value:.2f} 下がった（下限 {lo:.2f} > {bar}）。",
                en="The spiking network needs its time steps to answer: read out after one step, it loses {value:.2f} "
                "of accuracy (lower bound {lo:.2f} > {bar}).",
            ),
            no=L(
                ja="1 ステップで読み出しても正解率の低下は {value:.2f}（下限 {lo:.2f}、基準 {bar}）で、速さの代償は示せなかった。",
                en="Reading out after one step loses only {value:.2f} (lower bound {lo:.2f}, bar {bar}): no speed cost "
                "is shown.",
            ),
        ),
        "energy_arithmetic": _energy_check(
            lambda ev: ev.compute_ratio, "演算だけを数えると", "Counting arithmetic only"
        ),
        "energy_with_memory": _energy_check(
            lambda ev: ev.memory_ratio, "メモリアクセスも数えると", "Counting memory accesses too"
        ),
    },
    verdict=_verdict,
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "dense_firing": Check(
            facts=lambda ev: {
                "value": ev.dense_ratio.value,
                "lo": ev.dense_ratio.lo,
                "hi": ev.dense_ratio.hi,
                "ok": cheaper(ev.dense_ratio),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="密に発火させても演算のエネルギーは従来型の {value:.2f} 倍（上限 {hi:.2f}）で、基準は省エネと判定した（甘すぎる）。",
                en="Even firing densely, the arithmetic energy is {value:.2f} times the conventional one (upper bound "
                "{hi:.2f}): the criterion calls it a saving (too lax).",
            ),
            no=L(
                ja="同じネットワークを密に発火させると、演算のエネルギーは従来型の {value:.2f} 倍（{lo:.2f}〜{hi:.2f}）。基準は省エネを棄却した。",
                en="Firing densely, the same network's arithmetic energy is {value:.2f} times the conventional one "
                "({lo:.2f} to {hi:.2f}): the criterion rejects a saving.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, half: float, method: str = "t-interval over seeds (paired)") -> Estimate:
    return Estimate(value, value - half, value + half, method, 5)


MC = "Monte Carlo over the cited ranges"


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        training_cost=_e(5.5, 2.0),
        accuracy_loss=_e(0.01, 0.01),
        early_readout_loss=_e(0.17, 0.02, "t-interval over seeds"),
        compute_ratio=_e(0.3, 0.1, MC),
        memory_ratio=_e(0.6, 0.15, MC),
        dense_ratio=_e(1.4, 0.3, MC),
    )


def _null() -> exp.Evidence:
    """A spiking network with no trade-off and no saving: as easy and fast as the conventional one, and dearer."""
    return replace(
        _supporting(),
        training_cost=_e(1.0, 0.2),
        early_readout_loss=_e(0.0, 0.01, "t-interval over seeds"),
        compute_ratio=_e(1.5, 0.2, MC),
        memory_ratio=_e(2.0, 0.3, MC),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "harder_to_train": lambda ev: replace(ev, training_cost=_e(0.9, 0.2)),
        "slower": lambda ev: replace(ev, early_readout_loss=_e(0.01, 0.01, "t-interval over seeds")),
        "energy_arithmetic": lambda ev: replace(ev, compute_ratio=_e(1.2, 0.2, MC)),
        "energy_with_memory": lambda ev: replace(ev, memory_ratio=_e(1.7, 0.3, MC)),
    },
    control_flips={"dense_firing": lambda ev: replace(ev, dense_ratio=_e(0.5, 0.1, MC))},
)


def _mean(xs) -> float:
    return float(np.mean(xs))


def report(r: exp.Result) -> Report:
    ev = r.evidence
    cap = max(x.epochs for x in r.ann + r.snn) + 1
    values = {
        "training_cost": Value.of(
            L(ja="目標までの層の計算回数の比", en="layer evaluations to the target, ratio"), ev.training_cost
        ),
        "accuracy_loss": Value.of(
            L(ja="正解率の差（従来型 − スパイク）", en="accuracy difference (conventional − spiking)"),
            ev.accuracy_loss,
        ),
        "early_readout_loss": Value.of(
            L(ja="1 ステップで読み出したときの正解率の低下", en="accuracy lost reading out after one step"),
            ev.early_readout_loss,
        ),
        "compute_ratio": Value.of(
            L(ja="エネルギー比（演算のみ）", en="energy ratio (arithmetic only)"), ev.compute_ratio
        ),
        "memory_ratio": Value.of(
            L(ja="エネルギー比（メモリ込み）", en="energy ratio (with memory)"), ev.memory_ratio
        ),
        "dense_ratio": Value.of(
            L(
                ja="密に発火させたときのエネルギー比（演算のみ）",
                en="energy ratio firing densely (arithmetic only)",
            ),
            ev.dense_ratio,
        ),
        "ann_accuracy": Value(
            label=L(ja="従来型の試験正解率", en="conventional test accuracy"),
            value=_mean([x.test_accuracy for x in r.ann]),
        ),
        "snn_accuracy": Value(
            label=L(ja="スパイクの試験正解率", en="spiking test accuracy"),
            value=_mean([x.test_accuracy for x in r.snn]),
        ),
        "ann_epochs": Value(
            label=L(ja="従来型の目標までのエポック", en="conventional epochs to target"),
            value=_mean([x.epochs_to_target or cap for x in r.ann]),
        ),
        "snn_epochs": Value(
            label=L(ja="スパイクの目標までのエポック", en="spiking epochs to target"),
            value=_mean([x.epochs_to_target or cap for x in r.snn]),
        ),
        "time_ratio": Value(
            label=L(ja="学習の実時間の比（裏付け）", en="training wall-time ratio (corroboration)"),
            value=_mean([s.seconds for s in r.snn]) / _mean([a.seconds for a in r.ann]),
        ),
        "hidden_rate": Value(
            label=L(ja="隠れ層の発火率（1 ステップあたり）", en="hidden spike rate (per step)"),
            value=r.hidden_rate,
        ),
        "input_rate": Value(label=L(ja="入力の発火率", en="input spike rate"), value=r.input_rate),
        "breakeven_compute": Value(
            label=L(ja="損益分岐の発火率（演算のみ）", en="break-even spike rate (arithmetic)"),
            value=r.breakeven_compute,
        ),
        "breakeven_memory": Value(
            label=L(ja="損益分岐の発火率（メモリ込み）", en="break-even spike rate (with memory)"),
            value=r.breakeven_memory,
        ),
        "e_add": Value(
            label=L(ja="加算 1 回（pJ）", en="one add (pJ)"), value=exp.ENERGY_PJ["add"], digits=2
        ),
        "e_mac": Value(
            label=L(ja="積和 1 回（pJ）", en="one multiply-accumulate (pJ)"),
            value=exp.ENERGY_PJ["mac"],
            digits=2,
        ),
        "e_sram": Value(
            label=L(ja="SRAM から 1 語（pJ）", en="one SRAM word (pJ)"), value=exp.ENERGY_PJ["sram"], digits=2
        ),
        "spread": Value(
            label=L(ja="演算あたりのエネルギーの幅（±、%）", en="range on each per-operation energy (±, %)"),
            value=exp.SPREAD * 100,
            digits=2,
        ),
        "macs": Value(
            label=L(ja="従来型の積和演算（1 推論）", en="conventional MACs per inference"), value=r.macs
        ),
    }
    readout = Figure(
        title=L(ja="時間ステップ数と正解率", en="Accuracy against time steps"),
        caption=L(
            ja="学習済みのスパイクのネットワークを、少ないステップで読み出したときの試験正解率（シードの平均）。破線は従来型。",
            en="Test accuracy of the trained spiking network read out after fewer steps (mean over seeds). The dashed "
            "line is the conventional network.",
        ),
        xlabel=L(ja="時間ステップ T", en="time steps T"),
        ylabel=L(ja="試験正解率", en="test accuracy"),
        xscale="log",
        series=[
            Series(
                label=L(ja="スパイク", en="spiking"),
                x=r.readout_steps,
                y=[_mean([s.readout[i] for s in r.snn]) for i in range(len(r.readout_steps))],
            ),
            Series(
                label=L(ja="従来型", en="conventional"),
                x=[r.readout_steps[0], r.readout_steps[-1]],
                y=[_mean([a.test_accuracy for a in r.ann])] * 2,
                style="fit",
            ),
        ],
    )
    e_ann, e_snn = r.energy_pj["ann"], r.energy_pj["snn"]
    energy = Table(
        caption=L(
            ja="1 推論あたりのエネルギー（pJ、演算あたりのエネルギーの中央値で）",
            en="Energy per inference (pJ, at the central per-operation energies)",
        ),
        columns=[
            L(ja="ネットワーク", en="network"),
            L(ja="演算", en="arithmetic"),
            L(ja="メモリ", en="memory"),
            L(ja="合計", en="total"),
        ],
        rows=[
            [
                L(ja="従来型", en="conventional"),
                e_ann["arithmetic"],
                e_ann["memory"],
                e_ann["arithmetic"] + e_ann["memory"],
            ],
            [
                L(ja="スパイク", en="spiking"),
                e_snn["arithmetic"],
                e_snn["memory"],
                e_snn["arithmetic"] + e_snn["memory"],
            ],
        ],
    )
    return Report(values=values, tables={"energy": energy}, figures={"readout": readout})


claim = define(
    "efficiency-over-scale",
    statement=L(
        ja="脳をまねたスパイクによる計算は、速さと学習のしやすさを手放す代わりにエネルギー効率を得る。",
        en="Brain-like, spiking computation gives up speed and ease of training in exchange for energy efficiency.",
    ),
    question=L(
        ja="同じ形のスパイクのネットワークと従来型のネットワークを同じ課題で学習させると、学習の手間、答えが出るまでの時間、1 推論のエネルギーはどう違うか。",
        en="Trained on the same task, how do a spiking network and a conventional one of the same shape differ in "
        "training cost, time to answer and energy per inference?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=8),
        "full": exp.Config(seeds=20, hidden=512, steps=25, readout_steps=(1, 2, 4, 8, 16, 25), epochs=100),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="memory_ratio",
    anchors=[
        Anchor(
            cite="Horowitz 2014, ISSCC (Computing's energy problem), 45 nm table",
            url="https://doi.org/10.1109/ISSCC.2014.6757323",
            theirs=L(
                ja="32 ビット浮動小数点の加算 0.9 pJ、乗算 3.7 pJ、8 KB SRAM の 64 ビット読み出し約 10 pJ",
                en="32-bit float add 0.9 pJ, multiply 3.7 pJ, a 64-bit read from an 8 KB SRAM about 10 pJ",
            ),
            ours="macs",
        ),
        Anchor(
            cite="Yan, Bai, Tang & Wong 2024, arXiv:2409.08290 (Reconsidering the energy efficiency of SNN inference)",
            url="https://arxiv.org/abs/2409.08290",
            theirs=L(
                ja="データ移動まで数えると、T = 5 のスパイクのネットワークが量子化ネットに勝つには平均発火率 5.7% 未満が要る",
                en="counting data movement, a spiking network with T = 5 needs an average spike rate below 5.7% to beat "
                "an equivalent quantised network",
            ),
            ours="breakeven_memory",
            locator="arXiv:2409.08290v4, abstract",
            quote="SNNs with moderate time windows (T=5) require an average spike rate (s_r) below 5.7% to outperform "
            "equivalent QNNs.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Dampfhoeffer et al. 2023, IEEE TETCI (Are SNNs really more energy-efficient than ANNs?)",
            url="https://doi.org/10.1109/TETCI.2022.3214509",
            theirs=L(
                ja="メモリアクセスを数えると、発火がごく疎でない限りスパイクの利点は消える",
                en="once memory accesses are counted, the spiking advantage disappears unless activity is very sparse",
            ),
            ours="memory_ratio",
        ),
        Anchor(
            cite="Neftci, Mostafa & Zenke 2019, IEEE Signal Process. Mag. (surrogate gradients)",
            url="https://arxiv.org/abs/1901.09948",
            theirs=L(
                ja="代理勾配でスパイクのネットワークを誤差逆伝播で学習できる",
                en="surrogate gradients let spiking networks learn by backpropagation",
            ),
            ours="snn_accuracy",
        ),
        Anchor(
            cite="Eshraghian et al. 2023, Proc. IEEE (Training spiking neural networks using lessons from deep learning; snnTorch)",
            url="https://arxiv.org/abs/2109.12894",
            theirs=L(
                ja="snnTorch：深層学習の道具でスパイクのネットワークを学習する",
                en="snnTorch: training spiking networks with deep-learning tools",
            ),
            ours=None,
        ),
    ],
)
