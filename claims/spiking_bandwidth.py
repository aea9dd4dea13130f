"""Claim spiking-bandwidth: one spike carries little, but which neuron fires, when and how often together
carry rich information."""

from __future__ import annotations

import numpy as np
from scipy import stats

from experiments import spiking as exp
from kanguri import Anchor, Decision, Figure, L, Report, Series, Table, Value
from kanguri.claim import define

LITTLE_BITS = 8.0  # "little": a spike carries under a quarter of a float32 activation's 32 bits
TIMING_SHARE = 0.05  # timing counts when it adds over 5% of the information (estimator bias is under 1%)
TASK_GAP = 0.03  # "close to the ANN": within 3 accuracy points; "bottleneck": more than 3 points below


def _ci(values: list[float]) -> tuple[float, float, float]:
    """Mean with a t-interval (95%) over seeds or groups."""
    a = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a)) if len(a) > 1 else 0.0
    return float(a.mean()), float(a.mean() - half), float(a.mean() + half)


def timing_share(r: exp.Result, code: str = "pattern") -> tuple[float, float, float]:
    """Share of the information that timing adds beyond the spike count, paired over groups of trials."""
    full, count = r.information[code].groups, r.information["count"].groups
    return _ci([(f - c) / f for f, c in zip(full, count, strict=True)])


def bits_per_spike(r: exp.Result) -> tuple[float, float, float]:
    i = r.information["pattern"]
    return (
        i.limit_bits_per_s / r.firing_rate_hz,
        i.limit_lo / r.firing_rate_hz,
        i.limit_hi / r.firing_rate_hz,
    )


def _task(r: exp.Result, encoding: str, steps: int | None = None) -> exp.TaskPoint:
    points = [t for t in r.tasks if t.encoding == encoding]
    return points[-1] if steps is None else next(t for t in points if t.steps == steps)


def rule(r: exp.Result) -> Decision:
    bps, _, bps_hi = bits_per_spike(r)
    share, share_lo, _ = timing_share(r)
    ann = float(np.mean(_task(r, "ann").accuracy))
    first, last = _task(r, "rate", min(t.steps for t in r.tasks)), _task(r, "rate")
    acc_first, acc_last = _ci(first.accuracy), _ci(last.accuracy)
    little = bps_hi < LITTLE_BITS
    timing = share_lo > TIMING_SHARE
    bottleneck = acc_first[2] < ann - TASK_GAP
    closes = acc_last[0] >= ann - TASK_GAP
    reasons = [
        L(
            ja=f"スパイク 1 発あたり {bps:.2f} ビット（上側 95% {bps_hi:.2f}）。float32 の 32 ビットの 4 分の 1（{LITTLE_BITS:g}）"
            f"を{'下回る：1 発が運ぶ情報は少ない' if little else '下回らない'}。",
            en=f"{bps:.2f} bits per spike (95% upper bound {bps_hi:.2f}), {'below' if little else 'not below'} a quarter "
            f"of a float32's 32 bits ({LITTLE_BITS:g}): one spike {'carries little' if little else 'is not shown to carry little'}.",
        ),
        L(
            ja=f"タイミングが発火数に上乗せする情報は全体の {share:.0%}（下側 95% {share_lo:.0%}）。"
            f"基準 {TIMING_SHARE:.0%} を{'超える：いつ発火するかも情報を運ぶ' if timing else '超えない'}。",
            en=f"Timing adds {share:.0%} of the information beyond the spike count (95% lower bound {share_lo:.0%}), "
            f"{'above' if timing else 'not above'} the {TIMING_SHARE:.0%} criterion: "
            f"{'when a spike comes carries information too' if timing else 'no timing information is shown'}.",
        ),
        L(
            ja=f"手書き数字：レート符号の SNN は {first.steps} ステップで正解率 {acc_first[0]:.1%}、{last.steps} ステップで "
            f"{acc_last[0]:.1%}。同じ形の ANN は {ann:.1%}。"
            f"{'少ないステップでは帯域が足りず、ステップを増やすと差が縮まる' if bottleneck and closes else '帯域の制約とその解消の両方は確認できなかった'}。",
            en=f"Handwritten digits: the rate-coded SNN reaches {acc_first[0]:.1%} accuracy with {first.steps} step(s) and "
            f"{acc_last[0]:.1%} with {last.steps}; the ANN of the same shape {ann:.1%}. "
            + (
                "Few steps are a bandwidth bottleneck that more steps close."
                if bottleneck and closes
                else "The bottleneck and its closing were not both shown."
            ),
        ),
    ]
    held = [little, timing, bottleneck and closes]
    verdict = "supported" if all(held) else "partly" if any(held) else "not-supported"
    return Decision(verdict=verdict, reasons=reasons)


def control(r: exp.Result) -> Decision:
    """The timing criterion on spikes shuffled within each word: counts kept, timing destroyed."""
    share, lo, hi = timing_share(r, "shuffled")
    accepted = lo > TIMING_SHARE
    return Decision(
        verdict="supported" if accepted else "not-supported",
        reasons=[
            L(
                ja=f"シャッフルしたスパイク列でタイミングの上乗せは {share:.1%}（95% 区間 {lo:.1%}〜{hi:.1%}）。基準は"
                f"{'受け入れた（甘すぎる）' if accepted else '棄却した'}。",
                en=f"With spikes shuffled within words, timing adds {share:.1%} (95% interval {lo:.1%} to {hi:.1%}); the "
                f"criterion {'accepted it (too lax)' if accepted else 'rejected it'}.",
            )
        ],
    )


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
    bps = bits_per_spike(r)
    share = timing_share(r)
    ann = _ci(_task(r, "ann").accuracy)
    rate_first, rate_last = _task(r, "rate", r.tasks[0].steps), _task(r, "rate")
    info_p, info_c = r.information["pattern"], r.information["count"]
    values = {
        "bits_per_spike": Value(
            label=L(ja="スパイクあたりのビット", en="bits per spike"), value=bps[0], lo=bps[1], hi=bps[2]
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
        "timing_share": Value(
            label=L(ja="タイミングの上乗せ", en="timing share"),
            value=share[0],
            lo=share[1],
            hi=share[2],
            digits=2,
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
        "acc_ann": Value(label=L(ja="ANN の正解率", en="ANN accuracy"), value=ann[0], lo=ann[1], hi=ann[2]),
        "acc_rate_first": Value(
            label=L(ja="最少ステップの正解率", en="accuracy, fewest steps"),
            value=_ci(rate_first.accuracy)[0],
            lo=_ci(rate_first.accuracy)[1],
            hi=_ci(rate_first.accuracy)[2],
        ),
        "acc_rate_last": Value(
            label=L(ja="最多ステップの正解率", en="accuracy, most steps"),
            value=_ci(rate_last.accuracy)[0],
            lo=_ci(rate_last.accuracy)[1],
            hi=_ci(rate_last.accuracy)[2],
        ),
        "spikes_rate_last": Value(
            label=L(ja="推論 1 回あたりのスパイク数", en="spikes per inference"), value=rate_last.spikes
        ),
        "steps_last": Value(label=L(ja="最多ステップ", en="most steps"), value=rate_last.steps),
        "steps_first": Value(label=L(ja="最少ステップ", en="fewest steps"), value=rate_first.steps),
        "seeds": Value(label=L(ja="シード数", en="seeds"), value=len(_task(r, "ann").accuracy)),
    }
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
                y=[bps[0]],
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
                y=[_ci(t.accuracy)[0] for t in r.tasks if t.encoding == e],
                lo=[_ci(t.accuracy)[1] for t in r.tasks if t.encoding == e],
                hi=[_ci(t.accuracy)[2] for t in r.tasks if t.encoding == e],
            )
            for e in ENCODINGS
        ]
        + [
            Series(
                label=L(ja="ANN", en="ANN"),
                x=[r.tasks[0].steps, rate_last.steps],
                y=[ann[0], ann[0]],
                style="fit",
            )
        ],
    )
    return Report(
        values=values,
        tables={"capacity": capacity, "tasks": tasks},
        figures={"capacity": cap_fig, "per_spike": per_spike, "information": info_fig, "accuracy": acc_fig},
    )


claim = define(
    id="spiking-bandwidth",
    section="brain",
    kind="experiment",
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
        "quick": exp.Config(trials=160, bins=2000, epochs=10, seeds=3, word_lengths=(2, 3, 4, 5)),
        "site": exp.Config(epochs=15, seeds=3),
        "full": exp.Config(
            trials=1000,
            bins=20000,
            word_lengths=(2, 3, 4, 5, 6, 7, 8),
            epochs=40,
            seeds=10,
            hidden=128,
            info_groups=8,
        ),
    },
    rule=rule,
    control=control,
    report=report,
    expected="supported",
    headline="bits_per_spike",
    anchors=[
        Anchor(
            cite="Strong et al. 1998, Phys. Rev. Lett. 80, 197",
            url="https://arxiv.org/abs/cond-mat/9603127",
            theirs=L(
                ja="ハエの H1 ニューロンは最大約 90 ビット/秒、スパイク列のエントロピーの半分程度を伝える",
                en="the fly's H1 neuron transmits up to about 90 bits/s, within a factor of two of its spike-train entropy",
            ),
            ours="bits_per_s",
        ),
        Anchor(
            cite="Strong et al. 1998, Phys. Rev. Lett. 80, 197",
            url="https://arxiv.org/abs/cond-mat/9603127",
            theirs=L(
                ja="符号化効率（情報量÷エントロピー）はおよそ 50%",
                en="coding efficiency (information ÷ entropy) of about 50%",
            ),
            ours="efficiency",
        ),
        Anchor(
            cite="Stevens & Zador 1996, NIPS 8",
            url="https://proceedings.neurips.cc/paper/1995/hash/fd2c5e4680d9a01dba3aada5ece22270-Abstract.html",
            theirs=L(
                ja="海馬ニューロン（スライス）で最大 6.3 ビット/スパイク（精密なタイミングを仮定した上限）",
                en="up to 6.3 bits per spike in hippocampal neurons in slices (an upper bound assuming precise timing)",
            ),
            ours="bits_per_spike",
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
    timeout_s={"quick": 300, "site": 900, "full": 6 * 3600},
)
