"""Claim repetition-vs-engineered-weights: learning synaptic strengths by repetition is slow and duplicated;
engineered or copied weights are instant."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import repetition_vs_engineered_weights as exp
from experiments.common.stats import Estimate
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Value, any_accepted, define

THRESHOLDS = {
    "slow": 10.0,  # "slow": gradient descent needs more than 10 passes and 10× the closed form's FLOPs (lower bounds)
    "duplicated": 0.5,  # K learners cost at least half of K × one learner: the work is repeated, not shared
    "instant": 0.01,  # "instant": a transfer costs under 1 % of one learner's FLOPs (elements copied count as one each)
}
T = THRESHOLDS


def _instant(share: float) -> bool:
    return share < T["instant"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "repetition_slow": Check(
            facts=lambda ev: {
                "epochs": ev.epochs.value,
                "epochs_lo": ev.epochs.lo,
                "ratio": ev.flop_ratio.value,
                "ratio_lo": ev.flop_ratio.lo,
                "bar": T["slow"],
            },
            holds=lambda f: f["epochs_lo"] > f["bar"] and f["ratio_lo"] > f["bar"],
            yes=L(
                ja="反復による学習は {epochs:.0f} 回のパス（下限 {epochs_lo:.0f}）を要し、閉じた式で一度に解く場合の {ratio:.0f} 倍の FLOP を使った（下限 {ratio_lo:.0f} > {bar:g}）。",
                en="Learning by repetition took {epochs:.0f} passes (lower bound {epochs_lo:.0f}) and {ratio:.0f} times the "
                "FLOPs of solving in closed form in one step (lower bound {ratio_lo:.0f} > {bar:g}).",
            ),
            no=L(
                ja="反復は遅いとは言えない。パス {epochs:.0f} 回（下限 {epochs_lo:.0f}）、閉じた式との FLOP 比 {ratio:.1f}（下限 {ratio_lo:.1f}、基準 {bar:g}）。",
                en="Repetition is not shown to be slow: {epochs:.0f} passes (lower bound {epochs_lo:.0f}), {ratio:.1f} times "
                "the closed form's FLOPs (lower bound {ratio_lo:.1f}, bar {bar:g}).",
            ),
        ),
        "duplicated_not_copied": Check(
            facts=lambda ev: {
                "dup": ev.duplicate_ratio,
                "k": ev.students,
                "copy": ev.copy_share,
                "bar": T["duplicated"],
                "instant": T["instant"],
            },
            holds=lambda f: f["dup"] >= f["bar"] * f["k"] and _instant(f["copy"]),
            yes=L(
                ja="同じ写像を {k} 人が別々に学ぶと、1 人分の {dup:.2f} 倍かかった。学習済みの重みを同じ形のネットワークに複製するコストは、1 人の学習の {copy:.1e} 倍（基準 {instant}）で、一瞬と言える。",
                en="{k} learners of the same mapping cost {dup:.2f} times one; copying trained weights into a network "
                "of the same shape costs {copy:.1e} of one learner (bar {instant}): effectively instant.",
            ),
            no=L(
                ja="重複と複製の対比が成り立たない。{k} 人の学習は 1 人分の {dup:.2f} 倍、複製のコストは 1 人の学習の {copy:.1e} 倍（基準 {instant}）。",
                en="The contrast does not hold: {k} learners cost {dup:.2f} times one, and copying costs {copy:.1e} of one "
                "learner (bar {instant}).",
            ),
        ),
        "one_shot_as_good": Check(
            facts=lambda ev: {
                "heb": ev.hebbian_recall.value,
                "heb_hi": ev.hebbian_recall.hi,
                "it": ev.iterative_recall.value,
                "it_lo": ev.iterative_recall.lo,
                "load": ev.load,
            },
            holds=lambda f: f["heb_hi"] >= f["it_lo"],
            yes=L(
                ja="負荷 α = {load} でも、一度で書き込んだ重み（ヘッブ則）の想起率 {heb:.2f} は反復学習 {it:.2f} に劣らなかった。",
                en="At load α = {load}, weights written in one shot (Hebb's rule) recall {heb:.2f} of the patterns, no worse "
                "than iterative learning's {it:.2f}.",
            ),
            no=L(
                ja="ただし反復には見返りがある。負荷 α = {load} では、一度で書き込んだ重み（ヘッブ則）の想起率は {heb:.2f}（上限 {heb_hi:.2f}）で、反復学習の {it:.2f}（下限 {it_lo:.2f}）に大きく劣った。",
                en="Repetition buys something, though: at load α = {load}, weights written in one shot (Hebb's rule) "
                "recall {heb:.2f} of the patterns (upper bound {heb_hi:.2f}), far below iterative learning's {it:.2f} "
                "(lower bound {it_lo:.2f}).",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "other_architecture": Check(
            facts=lambda ev: {
                "value": ev.distill_share.value,
                "lo": ev.distill_share.lo,
                "bar": T["instant"],
            },
            holds=lambda f: _instant(f["value"]),
            yes=L(
                ja="別の形のネットワークへの移し替えも 1 人の学習の {value:.3f} 倍で、基準は一瞬と判定した（甘すぎる）。",
                en="Transfer into another architecture costs {value:.3f} of one learner: the criterion calls it instant "
                "(too lax).",
            ),
            no=L(
                ja="形の違うネットワークへは重みを複製できず、蒸留で学び直すと 1 人の学習の {value:.1f} 倍（下限 {lo:.1f}）かかった。基準は「一瞬」を棄却した。",
                en="Weights cannot be copied into a different architecture; distilling into it took {value:.1f} times one "
                "learner (lower bound {lo:.1f}): the criterion rejects 'instant'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, half: float, n: int = 5) -> Estimate:
    return Estimate(value, value - half, value + half, "t-interval over seeds", n)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        epochs=_e(380, 150),
        flop_ratio=_e(140, 60),
        students=4,
        duplicate_ratio=4.0,
        copy_share=1e-5,
        distill_share=_e(12, 1),
        load=0.3,
        hebbian_recall=_e(0.9, 0.05),
        iterative_recall=_e(0.95, 0.03),
    )


def _null() -> exp.Evidence:
    """Learning as cheap as writing the answer, copying as dear as learning, and one-shot storage that fails."""
    return replace(
        _supporting(),
        epochs=_e(1, 0),
        flop_ratio=_e(1.2, 0.1),
        copy_share=1.0,
        hebbian_recall=_e(0.0, 0.0),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "repetition_slow": lambda ev: replace(ev, flop_ratio=_e(5, 1)),
        "duplicated_not_copied": lambda ev: replace(ev, copy_share=0.5),
        "one_shot_as_good": lambda ev: replace(ev, hebbian_recall=_e(0.1, 0.05)),
    },
    control_flips={"other_architecture": lambda ev: replace(ev, distill_share=_e(0.001, 0.0005))},
)


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        "epochs": Value.of(L(ja="最大の P での反復回数（パス）", en="passes at the largest P"), ev.epochs),
        "flop_ratio": Value.of(
            L(ja="反復 ÷ 閉じた式の FLOP", en="FLOPs, repetition ÷ closed form"), ev.flop_ratio
        ),
        "time_ratio": Value(
            label=L(ja="同じ比の時間（最大の P）", en="the same ratio in time (largest P)"),
            value=r.time_ratio[-1],
        ),
        "duplicate_ratio": Value(
            label=L(ja=f"{r.students} 人の学習 ÷ 1 人", en=f"{r.students} learners ÷ one"),
            value=ev.duplicate_ratio,
        ),
        "students": Value(label=L(ja="学習者の数 K", en="learners K"), value=r.students),
        "copy_share": Value(label=L(ja="複製 ÷ 1 人の学習", en="copy ÷ one learner"), value=ev.copy_share),
        "distill_share": Value.of(
            L(ja="別の形への蒸留 ÷ 1 人の学習", en="distillation into another shape ÷ one learner"),
            ev.distill_share,
        ),
        "hebbian_recall": Value.of(L(ja="ヘッブ則の想起率", en="Hebbian recall"), ev.hebbian_recall),
        "iterative_recall": Value.of(L(ja="反復学習の想起率", en="iterative recall"), ev.iterative_recall),
        "iterative_epochs": Value(
            label=L(ja="反復学習のパス数", en="iterative passes"), value=r.iterative_epochs
        ),
        "storage_flop_ratio": Value(
            label=L(ja="反復学習 ÷ ヘッブ則の FLOP", en="FLOPs, iterative ÷ Hebbian storage"),
            value=r.iterative_flops / r.hebbian_flops,
        ),
        "p_max": Value(label=L(ja="最大のパターン数 P", en="largest P"), value=r.patterns[-1]),
    }
    cost = Figure(
        title=L(ja="反復と閉じた式のコスト", en="Cost of repetition and of the closed form"),
        caption=L(
            ja="P 個の対応を覚えるまでの FLOP。勾配降下（全パターンでのパスの繰り返し）と、最小二乗の閉じた式（一度に解く）。両対数軸。",
            en="FLOPs to store P associations: gradient descent (repeated passes over all patterns) and the least-squares "
            "closed form (one step). Log-log axes.",
        ),
        xlabel=L(ja="パターン数 P", en="patterns P"),
        ylabel=L(ja="FLOP", en="FLOPs"),
        xscale="log",
        yscale="log",
        series=[
            Series(label=L(ja="勾配降下", en="gradient descent"), x=r.patterns, y=r.gd_flops, style="points"),
            Series(label=L(ja="閉じた式", en="closed form"), x=r.patterns, y=r.closed_flops, style="points"),
        ],
    )
    recall = Figure(
        title=L(ja="負荷と想起率", en="Recall against load"),
        caption=L(
            ja="ホップフィールド網（N ニューロン）で、ビットの一部を反転させた手がかりから正しく思い出せたパターンの割合。ヘッブ則は一度で書き込み、反復学習はパーセプトロン則で何度も書き直す。",
            en="Share of patterns a Hopfield network of N neurons recovers from cues with some bits flipped. Hebb's rule "
            "writes the weights in one pass; iterative learning rewrites them pass after pass (perceptron rule).",
        ),
        xlabel=L(ja="負荷 α = P/N", en="load α = P/N"),
        ylabel=L(ja="想起率", en="recall"),
        series=[
            Series(label=L(ja="ヘッブ則（一度）", en="Hebbian (one shot)"), x=r.loads, y=r.hebbian),
            Series(label=L(ja="反復学習", en="iterative"), x=r.loads, y=r.iterative),
        ],
    )
    return Report(values=values, figures={"cost": cost, "recall": recall})


claim = define(
    "repetition-vs-engineered-weights",
    statement=L(
        ja="脳は反復によってシナプスの強さを少しずつ学ぶので遅く、同じことを一人ひとりが繰り返す。重みを設計したり複製したりすれば一瞬で済む。",
        en="The brain learns synaptic strengths slowly, by repetition, and every individual repeats the same work; "
        "weights that are engineered or copied are instant.",
    ),
    question=L(
        ja="反復による学習は、一度に解く方法や複製と比べてどれだけ高くつくか。そして反復は何を買っているか。",
        en="How much more does learning by repetition cost than solving in one step or copying, and what does "
        "repetition buy?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=10, neurons=200),
        "full": exp.Config(seeds=30, neurons=500, inputs=256, outputs=64, patterns=(32, 64, 128, 192)),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="flop_ratio",
    anchors=[
        Anchor(
            cite="Amit, Gutfreund & Sompolinsky 1985, Phys. Rev. Lett. 55, 1530",
            url="https://doi.org/10.1103/PhysRevLett.55.1530",
            theirs=L(
                ja="ヘッブ則の記憶容量は約 0.14N パターン", en="Hebbian storage holds about 0.14 N patterns"
            ),
            ours="hebbian_recall",
        ),
        Anchor(
            cite="Gardner 1988, J. Phys. A 21, 257",
            url="https://doi.org/10.1088/0305-4470/21/1/030",
            theirs=L(
                ja="学習で到達できる最大容量は 2N パターン（余裕 0 のとき）",
                en="learning can store up to 2 N patterns (zero margin)",
            ),
            ours="iterative_recall",
        ),
        Anchor(
            cite="Hinton, Vinyals & Dean 2015, arXiv:1503.02531",
            url="https://arxiv.org/abs/1503.02531",
            theirs=L(
                ja="大きなモデル（やアンサンブル）の知識を別の小さなモデルへ蒸留できるが、それには学習が要る",
                en="the knowledge of a large model or ensemble can be distilled into another model, by training it",
            ),
            ours="distill_share",
            locator="abstract",
            quote="Caruana and his collaborators have shown that it is possible to compress the knowledge in an ensemble "
            "into a single model which is much easier to deploy and we develop this approach further using a different "
            "compression technique.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Hopfield 1982, PNAS 79, 2554",
            url="https://doi.org/10.1073/pnas.79.8.2554",
            theirs=L(
                ja="連想記憶としてのネットワーク。容量はおよそ 0.15N",
                en="the network as an associative memory, with a capacity of about 0.15 N",
            ),
            ours=None,
        ),
    ],
)
