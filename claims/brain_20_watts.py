"""Claim brain-20-watts: the brain runs on about 20 W, far below a GPU, per operation too."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import brain_20_watts as exp
from experiments.common.stats import Estimate
from kanguri import (
    INPUTS_CHECKED,
    Anchor,
    Check,
    Falsification,
    L,
    Report,
    Rule,
    Table,
    Value,
    any_accepted,
    define,
    graded_on_checked_inputs,
    inputs_checked,
)

# "far below": the GPU uses at least ten times as much, over the whole range (an order of magnitude)
THRESHOLDS = {"far": 10.0}
T = THRESHOLDS
USES = ("brain_power", "gpu_board_power", "synapses", "rate_low", "rate_high", "h100_power", "h100_bf16")


def far_below(e: Estimate) -> bool:
    """The criterion: the GPU's figure is at least ``far`` times the brain's, over the whole range."""
    return e.lo >= T["far"]


def _facts(e: Estimate) -> dict[str, float | bool]:
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["far"], "ok": far_below(e)}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "power_far_below": Check(
            facts=lambda ev: _facts(ev.power_ratio),
            holds=lambda f: f["ok"],
            yes=L(
                ja="GPU 1 枚の最大消費電力は脳の {value:.1f} 倍で、{bar:.0f} 倍以上。総量では脳ははるかに少ない。",
                en="One GPU draws up to {value:.1f} times the brain's power, at least {bar:.0f}×: in total the brain "
                "uses far less.",
            ),
            no=L(
                ja="GPU 1 枚の最大消費電力は脳の {value:.1f} 倍（範囲 {lo:.1f}〜{hi:.1f}）で、{bar:.0f} 倍に届かない。",
                en="One GPU draws {value:.1f} times the brain's power (range {lo:.1f} to {hi:.1f}), short of {bar:.0f}×.",
            ),
        ),
        "per_op_far_below": Check(
            facts=lambda ev: _facts(ev.per_op_ratio),
            holds=lambda f: f["ok"],
            yes=L(
                ja="1 演算あたりでも、GPU の 1 FLOP は脳のシナプス事象 1 回の {value:.1f} 倍（範囲 {lo:.1f}〜{hi:.1f}）のエネルギーを使う。",
                en="Per operation too, one GPU FLOP takes {value:.1f} times the energy of one synaptic event (range "
                "{lo:.1f} to {hi:.1f}).",
            ),
            no=L(
                ja="1 演算あたりでは差ははっきりしない。シナプス事象 1 回を 1 FLOP と数えると、GPU は脳の {value:.1f} 倍（範囲 {lo:.1f}〜{hi:.1f}）で、範囲の下端が {bar:.0f} 倍に届かない。",
                en="Per operation the gap is not clear: counting one synaptic event as one FLOP, the GPU uses "
                "{value:.1f} times the brain's energy (range {lo:.1f} to {hi:.1f}), and the low end is short of "
                "{bar:.0f}×.",
            ),
        ),
        INPUTS_CHECKED: inputs_checked(USES),
    },
    verdict=graded_on_checked_inputs,
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "most_favourable_gpu": Check(
            facts=lambda ev: _facts(ev.favourable_ratio),
            holds=lambda f: f["ok"],
            yes=L(
                ja="GPU に最も有利な数値（FP8、疎）でも {value:.1f} 倍（範囲 {lo:.1f}〜{hi:.1f}）で「はるかに下」と判定された（甘すぎる）。",
                en="Even at the GPU's most favourable figure (FP8, sparse) the criterion accepts {value:.1f}× (range "
                "{lo:.1f} to {hi:.1f}) as 'far below': too lax.",
            ),
            no=L(
                ja="GPU に最も有利な数値（FP8、疎）では {value:.1f} 倍（範囲 {lo:.1f}〜{hi:.1f}）で、基準は「はるかに下」を棄却した。",
                en="At the GPU's most favourable figure (FP8, sparse) the ratio is {value:.1f} (range {lo:.1f} to "
                "{hi:.1f}): the criterion rejects 'far below'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _e(value: float, lo: float, hi: float) -> Estimate:
    return Estimate(value, lo, hi, "Monte Carlo over the cited ranges", 1000)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        power_ratio=_e(35.0, 35.0, 35.0),
        per_op_ratio=_e(300.0, 50.0, 2000.0),
        favourable_ratio=_e(2.0, 0.5, 8.0),
        unverified=(),
    )


def _null() -> exp.Evidence:
    """A brain that draws what a GPU draws and spends what a GPU spends per operation."""
    return replace(_supporting(), power_ratio=_e(1.0, 1.0, 1.0), per_op_ratio=_e(1.0, 0.3, 3.0))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "power_far_below": lambda ev: replace(ev, power_ratio=_e(3.0, 3.0, 3.0)),
        "per_op_far_below": lambda ev: replace(ev, per_op_ratio=_e(5.0, 0.8, 40.0)),
        INPUTS_CHECKED: lambda ev: replace(ev, unverified=("h100_bf16",)),
    },
    control_flips={"most_favourable_gpu": lambda ev: replace(ev, favourable_ratio=_e(200.0, 30.0, 900.0))},
)

NAMES = {
    "el_capitan_fp64": L(ja="El Capitan（FP64、システム全体）", en="El Capitan (FP64, whole system)"),
    "h100_bf16_dense": L(ja="H100 SXM（BF16、密）", en="H100 SXM (BF16, dense)"),
    "h100_fp8_sparse": L(ja="H100 SXM（FP8、疎）", en="H100 SXM (FP8, sparse)"),
}
JOULES = L(ja="J", en="J")


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        "power_ratio": Value.of(L(ja="GPU 1 枚 ÷ 脳（電力）", en="one GPU ÷ brain (power)"), ev.power_ratio),
        "per_op_ratio": Value.of(
            L(
                ja="GPU ÷ 脳（1 演算あたりのエネルギー、1 事象 = 1 FLOP）",
                en="GPU ÷ brain (energy per operation, one event = one FLOP)",
            ),
            ev.per_op_ratio,
            digits=2,
        ),
        "favourable_ratio": Value.of(
            L(
                ja="GPU に最も有利な数値での比（対照）",
                en="ratio at the GPU's most favourable figure (control)",
            ),
            ev.favourable_ratio,
            digits=2,
        ),
        "joules_per_event": Value.of(
            L(ja="脳のシナプス事象 1 回あたりのエネルギー", en="brain energy per synaptic event"),
            r.joules_per_event,
            unit=JOULES,
            digits=2,
        ),
    }
    for a, e in r.joules_per_flop.items():
        values[f"joules_per_flop_{a}"] = Value.of(
            L(ja=f"{NAMES[a].ja} の 1 FLOP あたりのエネルギー", en=f"energy per FLOP, {NAMES[a].en}"),
            e,
            unit=JOULES,
            digits=3,
        )
    ks = list(next(iter(r.ratios.values())))
    units = Table(
        caption=L(
            ja="GPU ÷ 脳（1 演算あたりのエネルギー）の中央値。列はシナプス事象 1 回を何 FLOP と数えるか。10 以上なら「はるかに下」。",
            en="GPU ÷ brain, energy per operation (median). Columns: how many FLOPs one synaptic event is counted as. "
            "10 or more reads as 'far below'.",
        ),
        columns=[L(ja="計算機と精度", en="machine and precision")]
        + [L(ja=f"1 事象 = {k:g} FLOP", en=f"1 event = {k:g} FLOP") for k in ks],
        rows=[[NAMES[a], *[float(f"{by_k[k].value:.3g}") for k in ks]] for a, by_k in r.ratios.items()],
    )
    return Report(values=values, tables={"units": units})


claim = define(
    "brain-20-watts",
    statement=L(
        ja="脳は電球 1 個ほどの 20 W で動いている。GPU よりはるかに少なく、演算 1 回あたりでも少ない。",
        en="The brain runs on about 20 W, one light bulb: far below a GPU, and per operation too.",
    ),
    question=L(
        ja="引用した数値で計算すると、脳の消費電力は GPU のどれだけ下か。シナプス事象 1 回と FLOP 1 回を並べると、エネルギーの差はどうなるか。",
        en="From cited numbers, how far below a GPU is the brain's power, and how do the energies compare when one "
        "synaptic event is set beside one FLOP?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(samples=2_000),
        "site": exp.Config(samples=20_000),
        "full": exp.Config(samples=200_000),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    report=report,
    thresholds=THRESHOLDS,
    expected="partly",
    headline="per_op_ratio",
    anchors=[
        Anchor(
            cite="Levy & Calvert 2021, PNAS 118(18), e2008173118",
            url="https://pmc.ncbi.nlm.nih.gov/articles/PMC8106317",
            theirs=L(
                ja="よく引かれる 20 W のうち、皮質の計算に回るのは ATP で 0.1 W、長距離の通信には 3.5 W",
                en="of the oft-quoted 20 W, cortical computation gets only 0.1 W of ATP, long-distance communication 3.5 W",
            ),
            ours="joules_per_event",
            locator="abstract",
            quote="rather than the oft-quoted 20 W of glucose available to the human brain, the fraction partitioned "
            "to cortical computation is only 0.1 W of ATP",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Raichle & Gusnard 2002, PNAS 99(16), 10237",
            url="https://pmc.ncbi.nlm.nih.gov/articles/PMC124895",
            theirs=L(
                ja="脳は体重の約 2% だが、酸素とカロリーの約 20% を使う",
                en="the brain is about 2% of body weight but uses about 20% of the oxygen and calories",
            ),
            ours="power_ratio",
            locator="first paragraph",
            quote="the brain accounts for about 20% of the oxygen and, hence, calories consumed by the body",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
