"""Claim inference-is-memory-bound: LLM inference is a fixed workload that chips specialised for it can serve
faster than GPUs; our extension: token-by-token decoding is memory-bound, measured across context lengths and
batch sizes. Words: ``inference_is_memory_bound.<lang>.yml``; anchors: ``inference_is_memory_bound.anchors.yml``."""

from __future__ import annotations

import math
from dataclasses import replace

from experiments import inference_is_memory_bound as exp
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Series
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "margin": 2.0,  # "memory-bound": counted FLOPs per byte below half the hardware's balance
    # the balance (peak FLOP/s ÷ bandwidth) of the hardware the essay's point is about, an H100 SXM in bfloat16:
    # 989.4 TFLOP/s dense ÷ 3.35 TB/s (HPCTech's copy of NVIDIA's table; Glenn Lockwood's H100 notes)
    "h100_balance": 989.4e12 / 3.35e12,
    # a small CPU's, as the reviewer measured this 2-core machine idle (5.3 FLOP/byte): the strictest bar in use
    "small_cpu_balance": 5.0,
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={"context": (512, 2048, 8192), "batch": (4, 64), "judged_on": ("h100", "small_cpu")},
    # the nulls are judged against the small CPU's bar: on an H100 decoding stays memory-bound at any of them
    nulls=(
        # many short chats at once: every weight read serves 256 sequences, so batched decoding must come out
        # compute-bound
        {"context": 128, "batch": 256, "judged_on": "small_cpu"},
        # multi-query attention (16 query heads on one key/value head) over a 32k context: every cached byte serves
        # 16 queries, so even one sequence must not come out memory-bound
        {
            "heads": 16,
            "kv_heads": 1,
            "contexts": (128, 32768),
            "context": 32768,
            "batches": (1, 4),
            "batch": 4,
            "judged_on": "small_cpu",
        },
    ),
)

# The essay's own point is about hardware: inference moves to chips built for it. Vendors' figures for the chips it
# names and the GPU they are set against (bytes/s). We found them only in
# secondary summaries, not in the datasheets themselves, so they are marked unverified and decide nothing.
HARDWARE = {
    "NVIDIA H100 SXM (HBM3)": 3.35e12,
    "Groq LPU (on-chip SRAM, 230 MB per chip)": 80e12,
    "Cerebras WSE-3 (on-wafer SRAM, 44 GB)": 21e15,
}
H100_BF16_DENSE = 989e12  # FLOP/s, the same kind of summary


# bytes per value on each hardware: bfloat16 on the H100, float32 on a small CPU; and their names in a sentence
TARGET_BYTES = {"h100": 2, "small_cpu": 4}
TARGET_NAMES = {"h100": "H100 (bf16)", "small_cpu": "CPU (fp32)"}


def on_target(intensity: float, ev: exp.Evidence) -> float:
    """A counted intensity as it would be on the judged hardware: fewer bytes per value, more FLOPs per byte."""
    return intensity * ev.element_bytes / TARGET_BYTES[ev.judged_on]


def bar(ev: exp.Evidence) -> float:
    return T[f"{ev.judged_on}_balance"]


def memory_bound(intensity: float, ev: exp.Evidence) -> bool:
    """The criterion: counted intensity well below the judged hardware's balance, so bandwidth sets the time. The
    bar is a published balance, not the one timed in the run: a busy machine cannot move it."""
    return on_target(intensity, ev) < bar(ev) / T["margin"]


def _facts(i: float, ev: exp.Evidence, batch: int) -> dict:
    """Counted intensity on the judged hardware against its balance, with the balance measured here beside it."""
    return {
        "i": on_target(i, ev),
        "floor": bar(ev),
        "hardware": TARGET_NAMES[ev.judged_on],
        "balance": ev.balance.value,
        "m": T["margin"],
        "ok": memory_bound(i, ev),
        "batch": batch,
        "context": ev.context,
    }


def _ok(f: dict) -> bool:
    return bool(f["ok"])


rule: Rule[exp.Evidence] = Rule(
    checks={
        "decode_memory_bound": W.check(
            "decode_memory_bound", lambda ev: _facts(ev.decode_intensity, ev, 1), _ok
        ),
        "stays_memory_bound_when_batched": W.check(
            "stays_memory_bound_when_batched", lambda ev: _facts(ev.batched_intensity, ev, ev.batch), _ok
        ),
    },
)
# the same criterion on prefill, which reads the whole prompt at once and so must come out compute-bound
control = control_rule(
    {
        "prefill": W.check(
            "prefill",
            lambda ev: (
                {"i": on_target(ev.prefill_intensity, ev), "m": T["margin"]}
                | {"ok": memory_bound(ev.prefill_intensity, ev)}
            ),
            _ok,
            group="control",
        )
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        balance=synthetic(5.0, 4.7, 5.3, n=3),
        decode_intensity=0.6,
        batched_intensity=0.9,
        long_context_intensity=1.9,
        prefill_intensity=512.0,
        batch=64,
        context=2048,
        element_bytes=2,
        judged_on="h100",
    )


def _null() -> exp.Evidence:
    """A workload that is compute-bound from the first token."""
    return replace(_supporting(), decode_intensity=400.0, batched_intensity=600.0)


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "decode_memory_bound": lambda ev: replace(ev, decode_intensity=200.0),
        "stays_memory_bound_when_batched": lambda ev: replace(ev, batched_intensity=300.0),
    },
    control_flips={"prefill": lambda ev: replace(ev, prefill_intensity=0.5)},
)


def _finite(xs: list[float]) -> tuple[list[int], list[float]]:
    return [i for i, x in enumerate(xs) if not math.isnan(x)], [x for x in xs if not math.isnan(x)]


def _figures(r: exp.Result) -> dict[str, Figure]:
    ends = [r.batches[0], r.batches[-1]]
    timed, measured = _finite(r.step_seconds)
    return {
        "steps": W.figure(
            "steps",
            [
                W.series("measured", [r.batches[i] for i in timed], measured, style="points"),
                W.series("roofline", r.batches, r.predicted_seconds, style="fit"),
            ],
            xscale="log",
            yscale="log",
            params=r.params,
            device=r.device,
            context=r.evidence.context,
        ),
        "intensity": W.figure(
            "intensity",
            [
                Series(label=W("series.context", n=f"{c:,}"), x=list(r.batches), y=row, style="points")
                for c, row in zip(r.contexts, r.intensity, strict=True)
            ]
            + [W.series("balance", ends, [r.evidence.balance.value] * 2, style="fit")],
            xscale="log",
            yscale="log",
        ),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    i_context = r.contexts.index(ev.context)
    overhead = r.ops_per_step * r.dispatch_seconds / r.step_seconds[0]
    values = W.values(
        params=r.params,
        bandwidth=V(r.bandwidth, scale=1e-9),
        peak=V(r.peak, scale=1e-9),
        balance=ev.balance,
        decode_intensity=ev.decode_intensity,
        batched_intensity=ev.batched_intensity,
        long_context_intensity=ev.long_context_intensity,
        prefill_intensity=ev.prefill_intensity,
        roofline_share=V(r.agreement[0], scale=100, unit="percent"),
        slowdown_1_to_4=r.step_seconds[1] / r.step_seconds[0] if not math.isnan(r.step_seconds[1]) else 0.0,
        ops_per_step=r.ops_per_step,
        dispatch_us=V(r.dispatch_seconds, scale=1e6),
        overhead_share=V(overhead, scale=100, unit="percent"),
        ceiling=r.ceiling[i_context],
        ceiling_short=r.ceiling[0],
        kv_share_long=V(r.kv_share[-1][0], scale=100, unit="percent"),
        context=ev.context,
        batch=ev.batch,
        tokens_1=r.tokens_per_second[0],
        h100_balance=H100_BF16_DENSE / HARDWARE["NVIDIA H100 SXM (HBM3)"],
    )
    grid = [[f"{c:,}", *(round(x, 2) for x in row)] for c, row in zip(r.contexts, r.intensity, strict=True)]
    heads = [W("tables.decode_intensity.columns.0"), *(W("terms.batch", b=b) for b in r.batches)]
    hardware = [
        [name, bw / 1e12, bw / r.bandwidth.value, W("terms.unverified")] for name, bw in HARDWARE.items()
    ]
    return Report(
        values=values,
        tables={
            "decode_intensity": W.table("decode_intensity", grid, columns=heads),
            "hardware": W.table("hardware", hardware),
        },
        figures=_figures(r),
    )


claim = define(
    "inference-is-memory-bound",
    globals(),
    experiment=exp.run,
    profiles={
        # the machine is measured in five rounds at every profile: with three, one disturbed round on a busy
        # machine sank the balance's lower bound and the checks flipped
        "quick": exp.Config(),
        "site": exp.Config(d_model=768, layers=12, heads=12, kv_heads=4, repeats=5),
        "full": exp.Config(
            d_model=2048,
            layers=24,
            heads=16,
            kv_heads=4,
            batches=(1, 4, 16, 64, 256, 1024),
            rounds=7,
            repeats=5,
        ),
    },
    expected="supported",
    headline="batched_intensity",
)
