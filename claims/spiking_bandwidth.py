"""Claim spiking-bandwidth: one spike carries little, but which neuron fires, when and how often together
carry rich information."""

from __future__ import annotations

import datetime
from dataclasses import replace

import numpy as np

from experiments import spiking_bandwidth as exp
from experiments.common.stats import Estimate, t_interval
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Table, Value, any_accepted
from kanguri.claim import define

THRESHOLDS = {
    # "little": a spike carries under half of a bfloat16 activation, and well under what its own spike
    # train could carry (a noiseless neuron reaches its entropy, ratio 1, and fails)
    "little_vs_bf16": 0.5,
    "little_vs_entropy": 0.75,
    "timing": 0.05,  # timing counts when it adds over 5% of the information beyond the spike count
    "task_gap": 0.03,  # "close to the ANN": within 3 accuracy points; "bottleneck": more than 3 points below
}
T = THRESHOLDS


def timing_matters(e: Estimate) -> bool:
    """The criterion: timing adds more than the bar, with 95% confidence."""
    return e.lo > T["timing"]


def _est(e: Estimate) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "n": e.n}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "little": Check(
            facts=lambda ev: {
                "bits": ev.bits_per_spike.value,
                "hi": ev.bits_per_spike.hi,
                "bf16": ev.bf16_bits,
                "entropy": ev.entropy_per_spike,
                "vs_bf16": ev.bits_per_spike.hi / ev.bf16_bits,
                "vs_entropy": ev.bits_per_spike.hi / ev.entropy_per_spike,
                "bar_bf16": T["little_vs_bf16"],
                "bar_entropy": T["little_vs_entropy"],
            },
            holds=lambda f: f["vs_bf16"] < f["bar_bf16"] and f["vs_entropy"] < f["bar_entropy"],
            yes=L(
                ja="スパイク 1 発は {bits:.2f} ビット（上側 95% {hi:.2f}）。bfloat16 の {bf16} ビットの {vs_bf16:.0%}、"
                "このスパイク列が原理的に運べる {entropy:.2f} ビットの {vs_entropy:.0%} にとどまり、"
                "どちらも基準（{bar_bf16:.0%}、{bar_entropy:.0%}）を下回る。1 発が運ぶ情報は少ない。",
                en="One spike carries {bits:.2f} bits (95% upper bound {hi:.2f}): {vs_bf16:.0%} of a bfloat16's "
                "{bf16} bits and {vs_entropy:.0%} of the {entropy:.2f} bits this spike train could carry, both "
                "below the bars ({bar_bf16:.0%}, {bar_entropy:.0%}). One spike carries little.",
            ),
            no=L(
                ja="スパイク 1 発は {bits:.2f} ビット（上側 95% {hi:.2f}）。bfloat16 比 {vs_bf16:.0%}（基準 {bar_bf16:.0%}）、"
                "エントロピー比 {vs_entropy:.0%}（基準 {bar_entropy:.0%}）で、少ないとは言えない。",
                en="One spike carries {bits:.2f} bits (95% upper bound {hi:.2f}): {vs_bf16:.0%} of a bfloat16 (bar "
                "{bar_bf16:.0%}) and {vs_entropy:.0%} of the spike train's entropy (bar {bar_entropy:.0%}); that is "
                "not little.",
            ),
        ),
        "timing": Check(
            facts=lambda ev: _est(ev.timing_share) | {"bar": T["timing"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="タイミングは発火数に情報を {value:.0%} 上乗せする（下側 95% {lo:.0%}、{n} 群）。基準 {bar:.0%} を超え、"
                "いつ発火するかも情報を運ぶ。",
                en="Timing adds {value:.0%} of the information beyond the spike count (95% lower bound {lo:.0%}, "
                "{n} groups), above the {bar:.0%} bar: when a spike comes carries information too.",
            ),
            no=L(
                ja="タイミングの上乗せは {value:.0%}（下側 95% {lo:.0%}）で、基準 {bar:.0%} を超えない。",
                en="Timing adds {value:.0%} beyond the count (95% lower bound {lo:.0%}), not above the {bar:.0%} bar.",
            ),
        ),
        "bandwidth": Check(
            facts=lambda ev: {
                "first": ev.first_accuracy.value,
                "first_hi": ev.first_accuracy.hi,
                "last": ev.last_accuracy.value,
                "ann": ev.ann_accuracy.value,
                "first_steps": ev.first_steps,
                "last_steps": ev.last_steps,
                "gap": T["task_gap"],
            },
            holds=lambda f: f["first_hi"] < f["ann"] - f["gap"] and f["last"] >= f["ann"] - f["gap"],
            yes=L(
                ja="手書き数字：レート符号の SNN は {first_steps} ステップで {first:.1%}（上側 95% {first_hi:.1%}）と"
                "同じ形の ANN（{ann:.1%}）より {gap:.0%} 以上低いが、{last_steps} ステップでは {last:.1%} まで追いつく。"
                "少ないステップでは帯域が足りず、時間をかければ補える。",
                en="Handwritten digits: the rate-coded SNN reaches {first:.1%} with {first_steps} step(s) (95% upper "
                "bound {first_hi:.1%}), more than {gap:.0%} below the ANN of the same shape ({ann:.1%}), and "
                "{last:.1%} with {last_steps}: few steps are a bandwidth bottleneck that more time closes.",
            ),
            no=L(
                ja="手書き数字：SNN は {first_steps} ステップで {first:.1%}（上側 95% {first_hi:.1%}）、{last_steps} ステップで "
                "{last:.1%}、ANN は {ann:.1%}。帯域の制約（{gap:.0%} 以上の差）とその解消の両方は示せなかった。",
                en="Handwritten digits: the SNN reaches {first:.1%} with {first_steps} step(s) (95% upper bound "
                "{first_hi:.1%}) and {last:.1%} with {last_steps}; the ANN {ann:.1%}. A bottleneck of more than "
                "{gap:.0%} and its closing were not both shown.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "shuffled": Check(
            facts=lambda ev: _est(ev.shuffled_share) | {"bar": T["timing"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="語の中でシャッフルしたスパイク列でも、タイミングの上乗せが {value:.1%}（下側 95% {lo:.1%}）と出た。基準は受け入れた（甘すぎる）。",
                en="With spikes shuffled within words, timing still adds {value:.1%} (95% lower bound {lo:.1%}): "
                "the criterion accepts it (too lax).",
            ),
            no=L(
                ja="語の中でシャッフルしたスパイク列（発火数はそのまま、タイミングは破壊）では、上乗せは {value:.1%}"
                "（95% 区間 {lo:.1%}〜{hi:.1%}）。基準は棄却した。",
                en="With spikes shuffled within words (counts kept, timing destroyed), timing adds {value:.1%} (95% "
                "interval {lo:.1%} to {hi:.1%}): the criterion rejects it.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        bits_per_spike=Estimate(3.3, 3.2, 3.4, "synthetic", 4),
        entropy_per_spike=6.5,
        bf16_bits=16,
        efficiency=Estimate(0.5, 0.48, 0.52, "synthetic", 4),
        timing_share=Estimate(0.25, 0.2, 0.3, "synthetic", 4),
        shuffled_share=Estimate(0.0, -0.02, 0.02, "synthetic", 4),
        ann_accuracy=Estimate(0.96, 0.95, 0.97, "synthetic", 3),
        first_accuracy=Estimate(0.85, 0.83, 0.87, "synthetic", 3),
        last_accuracy=Estimate(0.95, 0.94, 0.96, "synthetic", 3),
        first_steps=1,
        last_steps=32,
    )


def _noiseless(ev: exp.Evidence) -> exp.Evidence:
    """A noiseless neuron: its information equals its spike train's entropy."""
    e = ev.entropy_per_spike
    return replace(ev, bits_per_spike=Estimate(e, e * 0.98, e, "synthetic", 4))


def _null() -> exp.Evidence:
    """No effect anywhere: a reliable neuron, no timing information, a network that spikes do not limit."""
    flat = Estimate(0.96, 0.95, 0.97, "synthetic", 3)
    return replace(
        _noiseless(_supporting()),
        timing_share=Estimate(0.0, -0.02, 0.02, "synthetic", 4),
        first_accuracy=flat,
        last_accuracy=flat,
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "little": _noiseless,
        "timing": lambda ev: replace(ev, timing_share=Estimate(0.03, 0.01, 0.05, "synthetic", 4)),
        "bandwidth": lambda ev: replace(ev, first_accuracy=Estimate(0.95, 0.94, 0.96, "synthetic", 3)),
    },
    control_flips={
        "shuffled": lambda ev: replace(ev, shuffled_share=Estimate(0.2, 0.15, 0.25, "synthetic", 4))
    },
)


def _accuracy(t: exp.TaskPoint) -> Estimate:
    return t_interval(t.accuracy, "t-interval over seeds")


CODES = {
    "count": L(ja="発火数（レート）", en="spike count (rate)"),
    "latency": L(ja="最初のスパイクの時刻", en="first-spike latency"),
    "pattern": L(ja="スパイクの並び全体", en="full spike pattern"),
    "refractory": L(ja="並び（不応期あり）", en="pattern with refractory period"),
    "population": L(ja="どのニューロンが発火したか", en="which neuron fired"),
}
ENCODINGS = {"rate": L(ja="レート符号", en="rate code"), "latency": L(ja="潜時符号", en="latency code")}
INFO_CODES = {
    "pattern": L(ja="タイミング込み（全パターン）", en="with timing (full pattern)"),
    "count": L(ja="発火数だけ", en="spike count only"),
    "shuffled": L(ja="語内でシャッフル（陰性対照）", en="shuffled within words (control)"),
}


def report(r: exp.Result) -> Report:
    ev = r.evidence
    ann = ev.ann_accuracy
    rate = [t for t in r.tasks if t.encoding == "rate"]
    rate_first, rate_last = rate[0], rate[-1]
    ann_task = next(t for t in r.tasks if t.encoding == "ann")
    info_p, info_c = r.information["pattern"], r.information["count"]
    values = {
        "bits_per_spike": Value.of(L(ja="スパイクあたりのビット", en="bits per spike"), ev.bits_per_spike),
        "entropy_per_spike": Value(
            label=L(ja="スパイクあたりのエントロピー", en="entropy per spike"), value=ev.entropy_per_spike
        ),
        "bits_per_s": Value(
            label=L(ja="情報量", en="information rate"),
            value=info_p.limit_bits_per_s,
            lo=info_p.limit_lo,
            hi=info_p.limit_hi,
            unit=L(ja="ビット/秒", en="bits/s"),
        ),
        "count_bits_per_s": Value(
            label=L(ja="発火数だけの情報量", en="count-only information rate"),
            value=info_c.limit_bits_per_s,
            lo=info_c.limit_lo,
            hi=info_c.limit_hi,
            unit=L(ja="ビット/秒", en="bits/s"),
        ),
        "timing_share": Value.of(L(ja="タイミングの上乗せ", en="timing share"), ev.timing_share, digits=2),
        "shuffled_share": Value.of(
            L(ja="シャッフル後の上乗せ", en="share after shuffling"), ev.shuffled_share, digits=2
        ),
        "efficiency": Value(
            label=L(ja="符号化効率（情報量÷エントロピー）", en="coding efficiency (information ÷ entropy)"),
            value=info_p.limit_bits_per_s / r.total_bits_per_s,
            digits=2,
        ),
        "entropy_bits_per_s": Value(
            label=L(ja="スパイク列のエントロピー", en="spike-train entropy"),
            value=r.total_bits_per_s,
            unit=L(ja="ビット/秒", en="bits/s"),
        ),
        "rate_hz": Value(
            label=L(ja="発火率", en="firing rate"), value=r.firing_rate_hz, unit=L(ja="Hz", en="Hz")
        ),
        "acc_ann": Value.of(L(ja="ANN の正解率", en="ANN accuracy"), ann),
        "acc_rate_first": Value(
            label=L(ja="最少ステップの正解率", en="accuracy, fewest steps"),
            value=ev.first_accuracy.value,
            lo=ev.first_accuracy.lo,
            hi=ev.first_accuracy.hi,
        ),
        "acc_rate_last": Value(
            label=L(ja="最多ステップの正解率", en="accuracy, most steps"),
            value=ev.last_accuracy.value,
            lo=ev.last_accuracy.lo,
            hi=ev.last_accuracy.hi,
        ),
        "spikes_rate_last": Value(
            label=L(ja="推論 1 回あたりのスパイク数", en="spikes per inference"), value=rate_last.spikes
        ),
        "steps_last": Value(label=L(ja="最多ステップ", en="most steps"), value=rate_last.steps),
        "steps_first": Value(label=L(ja="最少ステップ", en="fewest steps"), value=rate_first.steps),
        "seeds": Value(label=L(ja="シード数", en="seeds"), value=ann.n),
    }
    info_bits = r.information["pattern"].limit_bits_per_s
    values |= {
        "bias_bits_per_s": Value(
            label=L(ja="推定の偏り（刺激と無関係なスパイク）", en="estimator bias (stimulus-blind spikes)"),
            value=r.bias_bits_per_s,
            unit=L(ja="ビット/秒", en="bits/s"),
        ),
        "bias_share": Value(
            label=L(ja="測った情報量に対する偏りの割合", en="bias as a share of the information"),
            value=r.bias_bits_per_s / info_bits,
            digits=2,
        ),
        "epochs_ann": Value(
            label=L(ja="ANN の学習エポック数（平均）", en="ANN epochs trained (mean)"),
            value=float(np.mean(ann_task.epochs)),
            digits=2,
        ),
        "epochs_snn": Value(
            label=L(
                ja="最多ステップの SNN の学習エポック数（平均）",
                en="SNN epochs trained at the most steps (mean)",
            ),
            value=float(np.mean(rate_last.epochs)),
            digits=2,
        ),
    }
    by_length = Table(
        caption=L(
            ja="語の長さごとのタイミングの割合と、その長さを外して外挿し直した割合",
            en="Timing's share at each word length, and the extrapolated share with that length left out",
        ),
        columns=[
            L(ja="語の長さ L（ビン）", en="word length L (bins)"),
            L(ja="この L でのタイミングの割合", en="timing's share at this L"),
            L(ja="この L を外した外挿", en="extrapolated without this L"),
        ],
        rows=[
            [length, share, loo]
            for length, share, loo in zip(
                r.information["pattern"].lengths,
                r.timing_share_by_length,
                r.timing_share_leave_one_out,
                strict=True,
            )
        ],
    )
    capacity = Table(
        caption=L(
            ja=f"T ビンの窓 1 つで運べる最大のビット数（不応期 {r.dead_bins} ビン、集団は {r.neurons} ニューロン）。"
            "比較：float32 の活性値 1 つは 32 ビット、bfloat16 は 16 ビット。",
            en=f"The most bits one window of T bins can carry (refractory period {r.dead_bins} bins, population of "
            f"{r.neurons} neurons). For comparison a float32 activation holds 32 bits, a bfloat16 one 16.",
        ),
        columns=[L(ja="T（ビン）", en="T (bins)"), *CODES.values()],
        rows=[[t] + [r.capacity[k][i] for k in CODES] for i, t in enumerate(r.windows)],
    )
    tasks = Table(
        caption=L(
            ja="手書き数字（テスト集合）の正解率と、推論 1 回あたりのスパイク数（入力＋隠れ層、シード平均）",
            en="Accuracy on handwritten digits (test set) and spikes per inference (input and hidden, mean over seeds)",
        ),
        columns=[
            L(ja="ステップ T", en="steps T"),
            L(ja="レート符号の正解率", en="rate-code accuracy"),
            L(ja="スパイク数", en="spikes"),
            L(ja="潜時符号の正解率", en="latency-code accuracy"),
            L(ja="スパイク数", en="spikes"),
        ],
        rows=[
            [t.steps, float(np.mean(t.accuracy)), t.spikes, float(np.mean(lt.accuracy)), lt.spikes]
            for t, lt in zip(
                [x for x in r.tasks if x.encoding == "rate"],
                [x for x in r.tasks if x.encoding == "latency"],
                strict=True,
            )
        ],
    )
    cap_fig = Figure(
        title=L(ja="窓の長さと運べるビット数", en="Bits per window against window length"),
        caption=L(
            ja="発火数や最初の時刻だけなら log₂(T+1) ビット、並び全体なら T ビット。",
            en="Counts or first-spike times give log₂(T+1) bits; the full pattern gives T bits.",
        ),
        xlabel=L(ja="窓の長さ T（ビン）", en="window length T (bins)"),
        ylabel=L(ja="ビット", en="bits"),
        xscale="log",
        yscale="log",
        series=[
            Series(label=CODES[k], x=r.windows, y=r.capacity[k]) for k in ("count", "pattern", "refractory")
        ]
        + [
            Series(
                label=L(ja="float32 の活性値", en="float32 activation"),
                x=[r.windows[0], r.windows[-1]],
                y=[32, 32],
                style="fit",
            )
        ],
    )
    per_spike = Figure(
        title=L(ja="スパイクあたりの最大ビット数と発火の疎らさ", en="Most bits per spike against sparseness"),
        caption=L(
            ja="ビンごとの発火確率 p のベルヌーイ列のエントロピーを発火数で割った値 H(p)/p。疎らなほど 1 発の情報は増える。",
            en="Entropy of a Bernoulli train with firing probability p per bin, per spike: H(p)/p. The sparser the "
            "train, the more each spike can carry.",
        ),
        xlabel=L(ja="ビンあたりの発火確率 p", en="firing probability per bin p"),
        ylabel=L(ja="ビット/スパイク", en="bits per spike"),
        xscale="log",
        series=[
            Series(
                label=L(ja="上限 H(p)/p", en="bound H(p)/p"),
                x=r.bits_per_spike_curve["p"],
                y=r.bits_per_spike_curve["bits"],
            ),
            Series(
                label=L(ja="LIF で測った値", en="measured on the LIF neuron"),
                x=[r.spikes_per_bin],
                y=[ev.bits_per_spike.value],
                style="points",
            ),
        ],
    )
    info_fig = Figure(
        title=L(ja="語の長さと情報量（直接法）", en="Information against word length (direct method)"),
        caption=L(
            ja="ビンあたりの情報量 I(L)/L。長い語の極限へ外挿した値を本文に示す。",
            en="Information per bin, I(L)/L; the text gives the extrapolation to long words.",
        ),
        xlabel=L(
            ja=f"語の長さ L（ビン、1 ビン = {r.bin_ms:g} ms）", en=f"word length L (bins of {r.bin_ms:g} ms)"
        ),
        ylabel=L(ja="ビット/ビン", en="bits per bin"),
        series=[Series(label=INFO_CODES[k], x=i.lengths, y=i.info_per_bin) for k, i in r.information.items()],
    )
    acc_fig = Figure(
        title=L(ja="タイムステップ数と正解率", en="Accuracy against time steps"),
        caption=L(
            ja="帯はシード間の 95% t 区間。破線は同じ形の ANN。",
            en="Bands are 95% t-intervals over seeds; the dashed line is the ANN of the same shape.",
        ),
        xlabel=L(ja="タイムステップ T", en="time steps T"),
        ylabel=L(ja="テスト正解率", en="test accuracy"),
        xscale="log",
        series=[
            Series(
                label=ENCODINGS[e],
                x=[t.steps for t in r.tasks if t.encoding == e],
                y=[_accuracy(t).value for t in r.tasks if t.encoding == e],
                lo=[_accuracy(t).lo for t in r.tasks if t.encoding == e],
                hi=[_accuracy(t).hi for t in r.tasks if t.encoding == e],
            )
            for e in ENCODINGS
        ]
        + [
            Series(
                label=L(ja="ANN", en="ANN"),
                x=[r.tasks[0].steps, rate_last.steps],
                y=[ann.value, ann.value],
                style="fit",
            )
        ],
    )
    return Report(
        values=values,
        tables={"capacity": capacity, "tasks": tasks, "timing_by_length": by_length},
        figures={"capacity": cap_fig, "per_spike": per_spike, "information": info_fig, "accuracy": acc_fig},
    )


claim = define(
    "spiking-bandwidth",
    statement=L(
        ja="今の AI はトークン同士の関係を密な実数の行列で計算するが、脳は発火するかしないかのスパイクで信号を送るので、"
        "1 つの信号が運べる情報は少ない。それでも、どのニューロンが、いつ、何回発火するかを組み合わせれば豊かな情報になる。",
        en="Today's AI passes dense real-valued activations, while the brain signals with spikes, fire or not, so each "
        "signal carries little. Yet which neuron fires, when and how often together carry rich information.",
    ),
    question=L(
        ja="スパイク 1 発は何ビット運べるのか。発火のタイミングは発火数以上の情報を運ぶのか。"
        "実データの課題で、スパイクの帯域はどれだけ効いてくるのか。",
        en="How many bits can one spike carry? Does spike timing carry information beyond the spike count? On a real "
        "task, how much does the spike bandwidth matter?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(trials=160, bins=2000, epochs=30, patience=3, seeds=3, word_lengths=(2, 3, 4, 5)),
        "site": exp.Config(seeds=5),
        "full": exp.Config(
            trials=1000,
            bins=20000,
            word_lengths=(2, 3, 4, 5, 6, 7, 8),
            epochs=200,
            patience=10,
            seeds=10,
            hidden=128,
            info_groups=8,
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="bits_per_spike",
    anchors=[
        Anchor(
            cite="Strong et al. 1998, Phys. Rev. Lett. 80, 197",
            url="https://arxiv.org/abs/cond-mat/9603127",
            theirs=L(
                ja="ハエの運動感受性ニューロン（H1）は、視覚刺激について最大 90 ビット/秒を伝える",
                en="a motion-sensitive neuron of the fly (H1) transmits up to 90 bits/s about the visual stimulus",
            ),
            ours="bits_per_s",
            locator="arXiv:cond-mat/9603127, abstract",
            quote="at rates of up to 90 bits/s, within a factor of two of the physical limit set by the entropy of the spike train itself",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Strong et al. 1998, Phys. Rev. Lett. 80, 197",
            url="https://arxiv.org/abs/cond-mat/9603127",
            theirs=L(
                ja="伝える情報量は、スパイク列のエントロピーが決める物理的な上限の 2 分の 1 以内",
                en="information within a factor of two of the physical limit set by the spike train's entropy",
            ),
            ours="efficiency",
            locator="arXiv:cond-mat/9603127, abstract",
            quote="within a factor of two of the physical limit set by the entropy of the spike train itself",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Stevens & Zador 1996, NIPS 8",
            url="https://proceedings.neurips.cc/paper/1995/hash/fd2c5e4680d9a01dba3aada5ece22270-Abstract.html",
            theirs=L(
                ja="海馬ニューロン（スライス）で最大 6.3 ビット/スパイク（精密なタイミングを仮定した上限）",
                en="up to 6.3 bits per spike in hippocampal neurons in slices (an upper bound assuming precise timing)",
            ),
            ours="bits_per_spike",
            locator="NIPS 8, pp. 75–81, abstract",
            quote="These pilot experiments suggest information rates as high as 6.3 bits/spike.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Borst & Theunissen 1999, Nat. Neurosci. 2, 947",
            url="https://doi.org/10.1038/14731",
            theirs=L(
                ja="多くの系の測定をまとめた総説：多くはスパイクあたり 1〜3 ビット程度",
                en="a review of measurements across systems: mostly of the order of 1 to 3 bits per spike",
            ),
            ours="bits_per_spike",
        ),
    ],
)
