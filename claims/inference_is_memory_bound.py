"""Claim inference-is-memory-bound: LLM inference is a simple, memory-bound workload, which is why specialised
chips can serve it faster than GPUs."""

from __future__ import annotations

from dataclasses import replace

from experiments import inference_is_memory_bound as exp
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
    "margin": 2.0,  # "memory-bound": counted FLOPs per byte below half the machine's balance (its lower bound)
}
T = THRESHOLDS

# Vendors' figures for the chips the claim compares (bytes/s). We found them only in secondary summaries, not in
# the datasheets themselves, so they are marked unverified and decide nothing.
HARDWARE = {
    "NVIDIA H100 SXM (HBM3)": 3.35e12,
    "Groq LPU (on-chip SRAM, per chip)": 80e12,
    "Cerebras WSE-3 (on-wafer SRAM)": 21e15,
}


def memory_bound(intensity: float, balance: Estimate) -> bool:
    """The criterion: arithmetic intensity well below the machine balance, so bandwidth sets the time."""
    return intensity < balance.lo / T["margin"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "decode_memory_bound": Check(
            facts=lambda ev: {
                "i": ev.decode_intensity,
                "balance": ev.balance.value,
                "lo": ev.balance.lo,
                "m": T["margin"],
                "ok": memory_bound(ev.decode_intensity, ev.balance),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="1 本ずつのデコードは 1 バイトあたり {i:.2f} FLOP で、このマシンのバランス {balance:.1f} FLOP/バイト（下限 {lo:.1f}）の 1/{m:g} を下回る。メモリ律速だ。",
                en="Decoding one sequence does {i:.2f} FLOPs per byte, below 1/{m:g} of this machine's balance of "
                "{balance:.1f} FLOPs per byte (lower bound {lo:.1f}): memory-bound.",
            ),
            no=L(
                ja="1 本ずつのデコードの演算密度 {i:.2f} FLOP/バイトは、バランス {balance:.1f}（下限 {lo:.1f}）の 1/{m:g} を下回らない。",
                en="Decoding one sequence does {i:.2f} FLOPs per byte, not below 1/{m:g} of the balance {balance:.1f} "
                "(lower bound {lo:.1f}).",
            ),
        ),
        "stays_memory_bound_when_batched": Check(
            facts=lambda ev: {
                "i": ev.large_batch_intensity,
                "balance": ev.balance.value,
                "lo": ev.balance.lo,
                "m": T["margin"],
                "ok": memory_bound(ev.large_batch_intensity, ev.balance),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="最大のバッチでも演算密度は {i:.2f} FLOP/バイトで、バランス（下限 {lo:.1f}）の 1/{m:g} 未満。まとめて処理してもメモリ律速のまま。",
                en="Even at the largest batch the intensity is {i:.2f} FLOPs per byte, below 1/{m:g} of the balance "
                "(lower bound {lo:.1f}): still memory-bound when batched.",
            ),
            no=L(
                ja="ただし多数の利用者をまとめると変わる。最大のバッチでは演算密度が {i:.2f} FLOP/バイトになり、バランス {balance:.1f} に届くか超えて、計算律速に近づく。",
                en="Batching many users changes that: at the largest batch the intensity reaches {i:.2f} FLOPs per byte, "
                "against a balance of {balance:.1f}, and the step approaches compute-bound.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "prefill": Check(
            facts=lambda ev: {
                "i": ev.prefill_intensity,
                "lo": ev.balance.lo,
                "m": T["margin"],
                "ok": memory_bound(ev.prefill_intensity, ev.balance),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="プリフィルも演算密度 {i:.1f} でメモリ律速と判定された（甘すぎる）。",
                en="Prefill, at {i:.1f} FLOPs per byte, also passes as memory-bound (too lax).",
            ),
            no=L(
                ja="プロンプト全体をまとめて読むプリフィルは 1 バイトあたり {i:.1f} FLOP で、基準はメモリ律速を棄却した。",
                en="Prefill, reading the whole prompt at once, does {i:.1f} FLOPs per byte: the criterion rejects "
                "memory-bound.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        balance=Estimate(5.0, 4.7, 5.3, "t-interval over rounds", 3),
        decode_intensity=0.5,
        large_batch_intensity=0.9,
        prefill_intensity=128.0,
        decode_agreement=Estimate(0.6, 0.5, 0.7, "t-interval over rounds", 3),
    )


def _null() -> exp.Evidence:
    """A workload that is compute-bound from the first token."""
    return replace(_supporting(), decode_intensity=40.0, large_batch_intensity=60.0)


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "decode_memory_bound": lambda ev: replace(ev, decode_intensity=3.0),
        "stays_memory_bound_when_batched": lambda ev: replace(ev, large_batch_intensity=11.0),
    },
    control_flips={"prefill": lambda ev: replace(ev, prefill_intensity=0.5)},
)


def report(r: exp.Result) -> Report:
    ev = r.evidence
    cpu_bw = r.bandwidth.value
    values = {
        "params": Value(label=L(ja="モデルのパラメータ数", en="model parameters"), value=r.params),
        "bandwidth": Value.of(
            L(ja="メモリ帯域（GB/s）", en="memory bandwidth (GB/s)"), r.bandwidth, scale=1e-9
        ),
        "peak": Value.of(
            L(ja="行列積のピーク（GFLOP/s）", en="peak matmul rate (GFLOP/s)"), r.peak, scale=1e-9
        ),
        "balance": Value.of(
            L(ja="マシンのバランス（FLOP/バイト）", en="machine balance (FLOPs per byte)"), ev.balance
        ),
        "decode_intensity": Value(
            label=L(ja="デコードの演算密度（バッチ 1）", en="decode intensity (batch 1)"),
            value=ev.decode_intensity,
        ),
        "large_batch_intensity": Value(
            label=L(ja="最大バッチでの演算密度", en="intensity at the largest batch"),
            value=ev.large_batch_intensity,
        ),
        "prefill_intensity": Value(
            label=L(ja="プリフィルの演算密度", en="prefill intensity"), value=ev.prefill_intensity
        ),
        "decode_agreement": Value.of(
            L(ja="ルーフラインの予測 ÷ 実測（バッチ 1）", en="roofline prediction ÷ measurement (batch 1)"),
            ev.decode_agreement,
            scale=100,
            unit=L(ja="%", en="%"),
        ),
        "crossover": Value(
            label=L(
                ja="計算律速に変わるバッチ（ルーフライン）", en="batch where the roofline turns compute-bound"
            ),
            value=r.crossover_batch,
        ),
        "largest_batch": Value(label=L(ja="最大のバッチ", en="largest batch"), value=r.batches[-1]),
        "tokens_1": Value(
            label=L(ja="バッチ 1 のトークン/秒", en="tokens/s at batch 1"), value=r.tokens_per_second[0]
        ),
        "tokens_max": Value(
            label=L(ja="最大バッチのトークン/秒", en="tokens/s at the largest batch"),
            value=r.tokens_per_second[-1],
        ),
    }
    steps = Figure(
        title=L(ja="デコード 1 ステップの時間とルーフライン", en="Decode step time and the roofline"),
        caption=L(
            ja=f"ランダムな重みのデコーダ（{r.params:,} パラメータ、{r.device}）。点は実測（k 回の最小値）、線はルーフラインの予測 max(バイト ÷ 帯域, FLOP ÷ ピーク)。両対数軸。",
            en=f"A decoder with random weights ({r.params:,} parameters, on {r.device}). Points are measured (best of k), "
            "the line is the roofline max(bytes ÷ bandwidth, FLOPs ÷ peak). Log-log axes.",
        ),
        xlabel=L(ja="バッチ", en="batch"),
        ylabel=L(ja="1 ステップの時間 [秒]", en="time per step [s]"),
        xscale="log",
        yscale="log",
        series=[
            Series(label=L(ja="実測", en="measured"), x=r.batches, y=r.step_seconds, style="points"),
            Series(
                label=L(ja="ルーフライン", en="roofline"), x=r.batches, y=r.predicted_seconds, style="fit"
            ),
        ],
    )
    intensity = Figure(
        title=L(ja="演算密度とマシンのバランス", en="Arithmetic intensity and the machine balance"),
        caption=L(
            ja="数えた FLOP ÷ 読むバイト。バランスより下ならメモリ律速、上なら計算律速。",
            en="Counted FLOPs ÷ bytes read. Below the balance a step is memory-bound; above it, compute-bound.",
        ),
        xlabel=L(ja="バッチ", en="batch"),
        ylabel=L(ja="FLOP/バイト", en="FLOPs per byte"),
        xscale="log",
        yscale="log",
        series=[
            Series(label=L(ja="デコード", en="decode"), x=r.batches, y=r.intensity, style="points"),
            Series(
                label=L(ja="バランス", en="balance"),
                x=[r.batches[0], r.batches[-1]],
                y=[ev.balance.value] * 2,
                style="fit",
            ),
        ],
    )
    hardware = Table(
        caption=L(
            ja="メモリ帯域（メーカーの値、未検証）と、このマシンで測った帯域との比",
            en="Memory bandwidth (vendors' figures, unverified) and its ratio to the bandwidth measured here",
        ),
        columns=[
            L(ja="チップ", en="chip"),
            L(ja="帯域 [TB/s]", en="bandwidth [TB/s]"),
            L(ja="このマシン比", en="× this machine"),
        ],
        rows=[[name, bw / 1e12, bw / cpu_bw] for name, bw in HARDWARE.items()],
    )
    return Report(
        values=values, tables={"hardware": hardware}, figures={"steps": steps, "intensity": intensity}
    )


claim = define(
    "inference-is-memory-bound",
    statement=L(
        ja="LLM の推論は単純でメモリ帯域律速な処理なので、専用チップの方が GPU より速く回せる。",
        en="LLM inference is a simple, memory-bound workload, so specialised chips can serve it faster than GPUs.",
    ),
    question=L(
        ja="トークンを 1 つずつ生成するデコードは、このマシンでメモリ律速か。利用者をまとめたとき、プロンプトを読むときはどうか。",
        en="Is token-by-token decoding memory-bound on this machine? And when many users are batched, or a prompt is "
        "read?",
    ),
    experiment=exp.run,
    profiles={
        # five rounds at every profile: with three, one disturbed round on a busy machine sank the balance's lower
        # bound (t with 2 degrees of freedom) below twice the decode intensity, and the check flipped
        "quick": exp.Config(rounds=5),
        "site": exp.Config(d_model=768, layers=12, rounds=5),
        "full": exp.Config(d_model=2048, layers=24, batches=(1, 4, 16, 64, 256, 1024), rounds=7),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="decode_intensity",
    anchors=[
        Anchor(
            cite="Williams, Waterman & Patterson 2009, Commun. ACM 52(4), 65 (Roofline)",
            url="https://doi.org/10.1145/1498765.1498785",
            theirs=L(
                ja="性能の上限は min(ピーク演算性能, 演算密度 × メモリ帯域)",
                en="attainable performance is min(peak, intensity × bandwidth)",
            ),
            ours="balance",
        ),
        Anchor(
            cite="Pope et al. 2022, MLSys 2023 (Efficiently scaling transformer inference)",
            url="https://arxiv.org/abs/2211.05102",
            theirs=L(
                ja="小さなバッチのデコードは重みの読み込みに律速され、大きなバッチでは計算に律速される",
                en="small-batch decoding is limited by loading the weights; large batches are limited by compute",
            ),
            ours="crossover",
        ),
        Anchor(
            cite="NVIDIA H100 SXM datasheet (as summarised by third parties)",
            url="https://www.nvidia.com/en-us/data-center/h100/",
            theirs=L(ja="HBM3 帯域 3.35 TB/s", en="HBM3 bandwidth 3.35 TB/s"),
            ours=None,
        ),
        Anchor(
            cite="Groq LPU (as summarised by third parties)",
            url="https://groq.com/",
            theirs=L(
                ja="チップあたり 230 MB の SRAM、約 80 TB/s", en="230 MB of SRAM per chip, about 80 TB/s"
            ),
            ours=None,
        ),
        Anchor(
            cite="Cerebras WSE-3 (announced March 2024; as summarised by third parties)",
            url="https://www.cerebras.ai/",
            theirs=L(ja="44 GB のオンチップ SRAM、21 PB/s", en="44 GB of on-chip SRAM, 21 PB/s"),
            ours=None,
        ),
    ],
)
