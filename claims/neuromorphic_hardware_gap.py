"""Claim neuromorphic-hardware-gap: on today's dense hardware spiking networks gain nothing from sparsity, and
hardware that matches them is immature."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import neuromorphic_hardware_gap as exp
from experiments.common.stats import Estimate
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Value, any_accepted, define

THRESHOLDS = {
    "flat": 0.3,  # "time does not fall with sparsity": the log-log slope's interval lies within ±0.3
    "gain": 1.0,  # a kernel "gains" when dense ÷ its time has a lower bound above 1 at the typical activity
}
T = THRESHOLDS


def flat(e: Estimate) -> bool:
    """The criterion: time does not fall with sparsity (slope interval within ±flat)."""
    return -T["flat"] <= e.lo and e.hi <= T["flat"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "dense_ignores_sparsity": Check(
            facts=lambda ev: {
                "value": ev.dense_slope.value,
                "lo": ev.dense_slope.lo,
                "hi": ev.dense_slope.hi,
                "bar": T["flat"],
                "ok": flat(ev.dense_slope),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="密な行列積の時間は活動率によらなかった（両対数の傾き {value:.2f}、区間 {lo:.2f}〜{hi:.2f} が ±{bar} の内）。密な計算は疎さから何も得ない。",
                en="The dense product takes the same time at every activity (log-log slope {value:.2f}, interval {lo:.2f} "
                "to {hi:.2f}, within ±{bar}): dense computation gains nothing from sparsity.",
            ),
            no=L(
                ja="密な行列積の時間が活動率とともに変わった（傾き {value:.2f}、区間 {lo:.2f}〜{hi:.2f}、基準 ±{bar}）。",
                en="The dense product's time changes with activity (slope {value:.2f}, interval {lo:.2f} to {hi:.2f}, "
                "band ±{bar}).",
            ),
        ),
        "no_gain_on_this_hardware": Check(
            facts=lambda ev: {
                "event": ev.event_speedup.value,
                "event_lo": ev.event_speedup.lo,
                "sparse": ev.sparse_speedup.value,
                "sparse_lo": ev.sparse_speedup.lo,
                "bar": T["gain"],
            },
            holds=lambda f: f["event_lo"] <= f["bar"] and f["sparse_lo"] <= f["bar"],
            yes=L(
                ja="典型的な活動率では、イベント駆動（{event:.1f} 倍）も torch.sparse（{sparse:.1f} 倍）も密な計算よりはっきり速くはならなかった。",
                en="At a typical activity neither the event-driven kernel ({event:.1f}×) nor torch.sparse ({sparse:.1f}×) "
                "is clearly faster than the dense product.",
            ),
            no=L(
                ja="ただし同じ汎用ハードウェアでも、疎さを使うソフトウェアなら得をした。典型的な活動率で、イベント駆動は密な計算の {event:.1f} 倍（下限 {event_lo:.1f}）、torch.sparse は {sparse:.1f} 倍（下限 {sparse_lo:.1f}）速かった。",
                en="On the same general-purpose hardware, though, software that uses the sparsity gains: at a typical "
                "activity the event-driven kernel is {event:.1f}× faster than dense (lower bound {event_lo:.1f}), and "
                "torch.sparse {sparse:.1f}× (lower bound {sparse_lo:.1f}).",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "event_driven": Check(
            facts=lambda ev: {
                "value": ev.event_slope.value,
                "lo": ev.event_slope.lo,
                "hi": ev.event_slope.hi,
                "bar": T["flat"],
                "ok": flat(ev.event_slope),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="イベント駆動の時間も活動率によらない（傾き {value:.2f}、{lo:.2f}〜{hi:.2f}）と判定された（甘すぎる）。",
                en="The event-driven kernel's time also passes as flat (slope {value:.2f}, {lo:.2f} to {hi:.2f}): too lax.",
            ),
            no=L(
                ja="イベント駆動の時間は活動率とともに減った（傾き {value:.2f}、{lo:.2f}〜{hi:.2f}）。基準は「疎さで速くならない」を棄却した。",
                en="The event-driven kernel's time falls with activity (slope {value:.2f}, {lo:.2f} to {hi:.2f}): the "
                "criterion rejects 'no gain from sparsity'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, half: float) -> Estimate:
    return Estimate(value, value - half, value + half, "t-interval over rounds", 5)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        dense_slope=_e(0.02, 0.05),
        event_slope=_e(0.45, 0.05),
        event_speedup=_e(0.8, 0.1),
        sparse_speedup=_e(0.5, 0.1),
    )


def _null() -> exp.Evidence:
    """Hardware on which sparsity pays everywhere: the dense path itself speeds up, and so do the others."""
    return replace(
        _supporting(), dense_slope=_e(0.9, 0.05), event_speedup=_e(9.0, 1.5), sparse_speedup=_e(8.0, 1.5)
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "dense_ignores_sparsity": lambda ev: replace(ev, dense_slope=_e(0.6, 0.05)),
        "no_gain_on_this_hardware": lambda ev: replace(ev, event_speedup=_e(5.0, 1.0)),
    },
    control_flips={"event_driven": lambda ev: replace(ev, event_slope=_e(0.0, 0.05))},
)

NAMES = {
    "dense": L(ja="密な行列積", en="dense product"),
    "event-driven": L(ja="イベント駆動", en="event-driven"),
    "torch.sparse": L(ja="torch.sparse", en="torch.sparse"),
}


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        "dense_slope": Value.of(L(ja="密な計算の時間の傾き", en="slope of dense time"), ev.dense_slope),
        "event_slope": Value.of(
            L(ja="イベント駆動の時間の傾き", en="slope of event-driven time"), ev.event_slope
        ),
        "event_speedup": Value.of(
            L(ja="イベント駆動の速さ（密 ÷ イベント）", en="event-driven speed-up (dense ÷ event)"),
            ev.event_speedup,
        ),
        "sparse_speedup": Value.of(
            L(ja="torch.sparse の速さ（密 ÷ 疎）", en="torch.sparse speed-up (dense ÷ sparse)"),
            ev.sparse_speedup,
        ),
        "typical": Value(
            label=L(ja="典型的な活動率（仮定）", en="typical activity (assumed)"), value=r.typical
        ),
        "dense_flops": Value(
            label=L(ja="密な計算の FLOP（活動率によらない）", en="dense FLOPs (any activity)"),
            value=r.dense_flops,
        ),
        "event_adds_typical": Value(
            label=L(
                ja="典型的な活動率でのイベント駆動の加算", en="event-driven additions at the typical activity"
            ),
            value=round(r.typical * r.dense_flops / 2),
        ),
        "crossover": Value(
            label=L(
                ja="イベント駆動が密より速くなくなる最初の活動率（なければ測った最大値）",
                en="first activity at which event-driven is not faster (else the largest measured)",
            ),
            value=r.crossover if r.crossover is not None else r.activities[-1],
        ),
        "largest_activity": Value(
            label=L(ja="測った最大の活動率", en="largest activity measured"), value=r.activities[-1]
        ),
    }
    times = Figure(
        title=L(ja="スパイク層 1 ステップの時間", en="Time of one spiking-layer step"),
        caption=L(
            ja=f"スパイクのベクトル × 重み行列（{r.device} 上、バッチ 1）。各点は k 回の最小値の、ラウンド間の中央値。両対数軸。",
            en=f"Spike vector × weight matrix (on {r.device}, batch 1). Each point is the median over rounds of the "
            "min-of-k time. Log-log axes.",
        ),
        xlabel=L(ja="活動率（発火している入力の割合）", en="activity (share of inputs that spike)"),
        ylabel=L(ja="時間 [秒]", en="time [s]"),
        xscale="log",
        yscale="log",
        series=[Series(label=NAMES[m], x=r.activities, y=r.times[m], style="points") for m in exp.METHODS],
    )
    work = Figure(
        title=L(ja="数えた仕事量", en="Counted work"),
        caption=L(
            ja="密な行列積の FLOP は活動率によらず一定。イベント駆動の加算は活動率に比例する。両対数軸。",
            en="The dense product's FLOPs are the same at every activity; the event-driven additions are proportional "
            "to it. Log-log axes.",
        ),
        xlabel=L(ja="活動率", en="activity"),
        ylabel=L(ja="演算数", en="operations"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=L(ja="密な計算の FLOP", en="dense FLOPs"),
                x=r.activities,
                y=[r.dense_flops] * len(r.activities),
            ),
            Series(
                label=L(ja="イベント駆動の加算", en="event-driven additions"), x=r.activities, y=r.event_adds
            ),
        ],
    )
    return Report(values=values, figures={"times": times, "work": work})


claim = define(
    "neuromorphic-hardware-gap",
    statement=L(
        ja="スパイクの疎さは、今の密行列向けのハードウェアでは何の得にもならない。それに合うハードウェアはまだ未成熟だ。",
        en="On today's dense hardware, spiking sparsity gains nothing; hardware that matches it is still immature.",
    ),
    question=L(
        ja="スパイク層 1 ステップの時間は、活動率とともにどう変わるか。密な行列積、イベント駆動、torch.sparse で比べる。",
        en="How does the time of one spiking-layer step change with activity, computed densely, event by event, and "
        "with torch.sparse?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        "site": exp.Config(repeats=15, rounds=9),
        "full": exp.Config(inputs=16384, outputs=4096, repeats=25, rounds=10),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="event_speedup",
    anchors=[
        Anchor(
            cite="Merolla et al. 2014, Science 345, 668 (TrueNorth)",
            url="https://doi.org/10.1126/science.1254642",
            theirs=L(
                ja="100 万ニューロン・2.56 億シナプスのチップが、ビデオ処理中に 63 mW",
                en="a chip with 1 million neurons and 256 million synapses, drawing 63 mW on a video task",
            ),
            ours=None,
            locator="abstract",
            quote="integrates 1 million programmable spiking neurons and 256 million configurable synapses",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Davies et al. 2018, IEEE Micro 38(1), 82 (Loihi)",
            url="https://doi.org/10.1109/MM.2018.112130359",
            theirs=L(
                ja="スパイクで LASSO を解き、CPU の従来法よりエネルギー・遅延積で 3 桁以上よい",
                en="spike-based LASSO with over three orders of magnitude better energy-delay product than a CPU solver",
            ),
            ours=None,
            locator="abstract",
            quote="Loihi can solve LASSO optimization problems with over three orders of magnitude superior "
            "energy-delay-product compared to conventional solvers running on a CPU iso-process/voltage/area.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Davies et al. 2021, Proc. IEEE 109, 911 (Advancing neuromorphic computing with Loihi)",
            url="https://doi.org/10.1109/JPROC.2021.3067593",
            theirs=L(
                ja="従来の順伝播型の深層ネットは Loihi でほとんど得をしない。脳に近いネットワークなら桁違いに速く省エネ",
                en="conventional feedforward deep networks gain little if anything on Loihi; brain-like networks gain "
                "orders of magnitude",
            ),
            ours="event_speedup",
            locator="abstract",
            quote="While conventional feedforward deep neural networks show modest if any benefit on Loihi, more "
            "brain-inspired networks using recurrence, precise spike-timing relationships, synaptic plasticity, "
            "stochasticity, and sparsity perform certain computation with orders of magnitude lower latency and energy",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Intel, Hala Point announcement (April 2024)",
            url="https://www.intc.com/news-events/press-releases",
            theirs=L(
                ja="Loihi 2 を 1,152 個、11.5 億ニューロン・1,280 億シナプス、最大 2.6 kW",
                en="1,152 Loihi 2 chips, 1.15 billion neurons, 128 billion synapses, up to 2.6 kW",
            ),
            ours=None,
        ),
    ],
)
