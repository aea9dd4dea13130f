"""Claim process-supervision: scoring the reasoning steps, not only the final answer, teaches what outcome-only
training cannot."""

from __future__ import annotations

import datetime
from dataclasses import replace

import numpy as np

from experiments import process_supervision as exp
from experiments.common.stats import Estimate, wilson
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Value, any_accepted, define

THRESHOLDS = {
    "faster": 1.0,  # "process helps": steps to the target, outcome ÷ process, has a lower bound above 1
    "cannot": 0.5,  # "outcome-only cannot": the share of seeds that learn has an upper bound below one half
}
T = THRESHOLDS


def helps(e: Estimate) -> bool:
    return e.lo > T["faster"]


def cannot(e: Estimate) -> bool:
    return e.hi < T["cannot"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "process_faster": Check(
            facts=lambda ev: {
                "value": ev.speedup.value,
                "lo": ev.speedup.lo,
                "bar": T["faster"],
                "ok": helps(ev.speedup),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="最大の k では、過程を採点すると答えだけの場合の 1/{value:.1f} のステップで目標に届いた（比の下限 {lo:.2f} > {bar:g}）。",
                en="At the largest k, scoring the steps reached the target in 1/{value:.1f} of the steps outcome-only "
                "training needed (lower bound of the ratio {lo:.2f} > {bar:g}).",
            ),
            no=L(
                ja="過程の採点で速くなったとは言えない（ステップ数の比 {value:.2f}、下限 {lo:.2f}）。",
                en="Scoring the steps is not shown to be faster (ratio of steps {value:.2f}, lower bound {lo:.2f}).",
            ),
        ),
        "outcome_cannot": Check(
            facts=lambda ev: {
                "share": ev.learned_large["outcome"].value,
                "hi": ev.learned_large["outcome"].hi,
                "n": ev.learned_large["outcome"].n,
                "bar": T["cannot"],
                "ok": cannot(ev.learned_large["outcome"]),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="答えだけの学習は、最大の k では予算内に目標へ届かなかった（{n} シード中の割合 {share:.2f}、上限 {hi:.2f} < {bar}）。",
                en="Outcome-only training did not reach the target within the budget at the largest k (share of {n} "
                "seeds {share:.2f}, upper bound {hi:.2f} < {bar}).",
            ),
            no=L(
                ja="ただし答えだけの学習でも、最大の k で {n} シード中 {share:.0%} が予算内に学習できた（上限 {hi:.2f}）。「できない」のではなく、遅いだけだ。",
                en="Outcome-only training still learned the largest k within the budget in {share:.0%} of {n} seeds (upper "
                "bound {hi:.2f}): it is slower, not unable.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "shuffled_labels": Check(
            facts=lambda ev: {
                "value": ev.shuffled_speedup.value,
                "lo": ev.shuffled_speedup.lo,
                "ok": helps(ev.shuffled_speedup),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="中間ラベルを別の例のものと入れ替えても速くなった（比 {value:.2f}、下限 {lo:.2f}）。基準は甘すぎる。",
                en="Shuffled intermediate labels also sped learning up (ratio {value:.2f}, lower bound {lo:.2f}): the "
                "criterion is too lax.",
            ),
            no=L(
                ja="中間ラベルを別の例のものと入れ替えると得はなかった（比 {value:.2f}、下限 {lo:.2f}）。基準は「過程が役立つ」を棄却した。",
                en="With intermediate labels shuffled across examples there is no gain (ratio {value:.2f}, lower bound "
                "{lo:.2f}): the criterion rejects 'process helps'.",
            ),
        ),
        "small_k": Check(
            facts=lambda ev: {
                "share": ev.learned_small["outcome"].value,
                "hi": ev.learned_small["outcome"].hi,
                "ok": cannot(ev.learned_small["outcome"]),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="最小の k でも答えだけの学習が失敗した（割合 {share:.2f}、上限 {hi:.2f}）。予算が小さすぎる。",
                en="Outcome-only training fails even at the smallest k (share {share:.2f}, upper bound {hi:.2f}): the "
                "budget is too small.",
            ),
            no=L(
                ja="最小の k では答えだけの学習も全シードの {share:.0%} で成功し、基準は「できない」を棄却した。",
                en="At the smallest k outcome-only training succeeds in {share:.0%} of seeds: the criterion rejects "
                "'cannot'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _ratio(value: float, half: float) -> Estimate:
    return Estimate(value, value - half, value + half, "t-interval over seeds (paired)", 5)


def _supporting() -> exp.Evidence:
    all_learned = {r: wilson(5, 5) for r in exp.REGIMES}
    return exp.Evidence(
        learned_small=all_learned,
        learned_large={"outcome": wilson(0, 5), "process": wilson(5, 5), "shuffled": wilson(0, 5)},
        speedup=_ratio(2.2, 0.7),
        shuffled_speedup=_ratio(0.9, 0.25),
    )


def _null() -> exp.Evidence:
    """Intermediate scores that change nothing: the same steps, and outcome-only learns anyway."""
    return replace(
        _supporting(),
        learned_large={r: wilson(5, 5) for r in exp.REGIMES},
        speedup=_ratio(1.0, 0.2),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "process_faster": lambda ev: replace(ev, speedup=_ratio(0.9, 0.2)),
        "outcome_cannot": lambda ev: replace(ev, learned_large={**ev.learned_large, "outcome": wilson(4, 5)}),
    },
    control_flips={
        "shuffled_labels": lambda ev: replace(ev, shuffled_speedup=_ratio(2.0, 0.5)),
        "small_k": lambda ev: replace(ev, learned_small={**ev.learned_small, "outcome": wilson(0, 5)}),
    },
)

NAMES = {
    "outcome": L(ja="答えだけ", en="outcome only"),
    "process": L(ja="過程を採点", en="process"),
    "shuffled": L(ja="入れ替えた中間ラベル", en="shuffled steps"),
}


def report(r: exp.Result) -> Report:
    ev = r.evidence
    censored = r.budget

    def median_steps(regime: str) -> list[float]:
        return [
            float(np.median([s if s is not None else censored for s in per_k]))
            for per_k in r.steps_to_target[regime]
        ]

    values = {
        "speedup": Value.of(
            L(ja="最大の k でのステップ比（答え ÷ 過程）", en="steps at the largest k, outcome ÷ process"),
            ev.speedup,
        ),
        "shuffled_speedup": Value.of(
            L(ja="同じ比（答え ÷ 入れ替え）", en="the same, outcome ÷ shuffled"), ev.shuffled_speedup
        ),
        "k_max": Value(label=L(ja="最大の k", en="largest k"), value=r.ks[-1]),
        "budget": Value(label=L(ja="ステップの予算", en="step budget"), value=r.budget),
    }
    for regime in exp.REGIMES:
        values[f"learned_{regime}"] = Value.of(
            L(
                ja=f"最大の k で学習できた割合（{NAMES[regime].ja}）",
                en=f"share learning the largest k ({NAMES[regime].en})",
            ),
            ev.learned_large[regime],
        )
    steps = Figure(
        title=L(ja="目標の正解率に届くまでのステップ", en="Steps to reach the target accuracy"),
        caption=L(
            ja=f"シードの中央値。予算（{r.budget} ステップ）内に届かなかった実行は予算の値で描く。縦軸は対数。",
            en=f"Median over seeds. Runs that did not get there within the budget ({r.budget} steps) are drawn at the "
            "budget. Log y axis.",
        ),
        xlabel=L(ja="パリティの次数 k", en="parity size k"),
        ylabel=L(ja="ステップ", en="steps"),
        yscale="log",
        series=[Series(label=NAMES[m], x=r.ks, y=median_steps(m), style="points") for m in exp.REGIMES]
        + [Series(label=L(ja="予算", en="budget"), x=[r.ks[0], r.ks[-1]], y=[r.budget] * 2, style="fit")],
    )
    accuracy = Figure(
        title=L(ja="予算を使い切ったときの試験正解率", en="Test accuracy at the end of the budget"),
        caption=L(ja="シードの平均。0.5 は当て推量。", en="Mean over seeds; 0.5 is chance."),
        xlabel=L(ja="パリティの次数 k", en="parity size k"),
        ylabel=L(ja="試験正解率", en="test accuracy"),
        series=[Series(label=NAMES[m], x=r.ks, y=r.final_accuracy[m]) for m in exp.REGIMES],
    )
    return Report(values=values, figures={"steps": steps, "accuracy": accuracy})


claim = define(
    "process-supervision",
    statement=L(
        ja="最終的な答えだけでなく推論の過程も採点すれば、答えだけの学習では身につかないことを学べる。",
        en="Scoring the reasoning steps, not only the final answer, teaches what outcome-only training cannot.",
    ),
    question=L(
        ja="k ビットのパリティを、答えだけで学ぶ場合と、途中の部分パリティまで採点される場合とで、学習の速さはどう違うか。",
        en="Learning the parity of k hidden bits, how does training scored on the answer alone compare with training "
        "scored on every partial parity along the way?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(seeds=10),
        "full": exp.Config(bits=50, ks=(2, 3, 4, 5, 6, 7, 8), seeds=20, steps=20000, hidden=256),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="speedup",
    anchors=[
        Anchor(
            cite="Wies, Levine & Shashua 2023, ICLR (Sub-task decomposition enables learning in sequence to sequence tasks)",
            url="https://arxiv.org/abs/2204.02892",
            theirs=L(
                ja="中間の教師を入れると、学習できない合成問題が学習できるようになる（ビット部分集合のパリティで指数的な差）",
                en="intermediate supervision makes unlearnable composite problems learnable (an exponential gap for bit-"
                "subset parity)",
            ),
            ours="speedup",
            locator="arXiv:2204.02892, abstract",
            quote="We show that when concatenating intermediate supervision to the input and training a sequence-to-"
            "sequence model on this modified input, unlearnable composite problems can become learnable.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Lightman et al. 2023, arXiv:2305.20050 (Let's verify step by step)",
            url="https://arxiv.org/abs/2305.20050",
            theirs=L(
                ja="過程を採点する報酬モデルは MATH の代表的な部分集合の 78% を解き、答えを採点するモデルを大きく上回る",
                en="a process-supervised reward model solves 78% of a representative MATH subset, significantly above "
                "outcome supervision",
            ),
            ours="learned_process",
            locator="abstract",
            quote="Our process-supervised model solves 78% of problems from a representative subset of the MATH test set.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Kim & Suzuki 2024 (Transformers provably solve parity efficiently with chain of thought)",
            url="https://arxiv.org/abs/2410.08633",
            theirs=L(
                ja="中間の部分パリティを教えれば、トランスフォーマーはパリティを効率よく学べる",
                en="with intermediate parities supervised, transformers learn parity efficiently",
            ),
            ours=None,
        ),
        Anchor(
            cite="Uesato et al. 2022 (Solving math word problems with process- and outcome-based feedback)",
            url="https://arxiv.org/abs/2211.14275",
            theirs=L(
                ja="最終答えの正解率は両者で近いが、推論の誤りは過程の採点で減る",
                en="similar final-answer accuracy, fewer reasoning errors with process feedback",
            ),
            ours=None,
        ),
    ],
)
