"""Claim inference-is-memory-bound: LLM inference is a simple, memory-bound workload, which is why specialised
chips can serve it faster than GPUs. Words: ``inference_is_memory_bound.<lang>.yml``; anchors:
``inference_is_memory_bound.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import inference_is_memory_bound as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, synthetic
from kanguri.report import Figure, Report
from kanguri.rule import Falsification, Rule

W = Words(__file__)
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


def _intensity(i: float, ev: exp.Evidence) -> dict:
    b = ev.balance
    return {"i": i, "balance": b.value, "lo": b.lo, "m": T["margin"], "ok": memory_bound(i, b)}


def _prefill(ev: exp.Evidence) -> dict:
    i = ev.prefill_intensity
    return {"i": i, "lo": ev.balance.lo, "m": T["margin"], "ok": memory_bound(i, ev.balance)}


def _ok(f: dict) -> bool:
    return bool(f["ok"])


rule: Rule[exp.Evidence] = Rule(
    checks={
        "decode_memory_bound": W.check(
            "decode_memory_bound", lambda ev: _intensity(ev.decode_intensity, ev), _ok
        ),
        "stays_memory_bound_when_batched": W.check(
            "stays_memory_bound_when_batched", lambda ev: _intensity(ev.large_batch_intensity, ev), _ok
        ),
    },
)
# the same criterion on prefill, which reads the whole prompt at once and so must come out compute-bound
control = control_rule({"prefill": W.check("prefill", _prefill, _ok, group="control")})


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        balance=synthetic(5.0, 4.7, 5.3, n=3),
        decode_intensity=0.5,
        large_batch_intensity=0.9,
        prefill_intensity=128.0,
        decode_agreement=synthetic(0.6, 0.5, 0.7, n=3),
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


def _figures(r: exp.Result) -> dict[str, Figure]:
    ends = [r.batches[0], r.batches[-1]]
    return {
        "steps": W.figure(
            "steps",
            [
                W.series("measured", r.batches, r.step_seconds, style="points"),
                W.series("roofline", r.batches, r.predicted_seconds, style="fit"),
            ],
            xscale="log",
            yscale="log",
            params=r.params,
            device=r.device,
        ),
        "intensity": W.figure(
            "intensity",
            [
                W.series("decode", r.batches, r.intensity, style="points"),
                W.series("balance", ends, [r.evidence.balance.value] * 2, style="fit"),
            ],
            xscale="log",
            yscale="log",
        ),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = W.values(
        params=r.params,
        bandwidth=V(r.bandwidth, scale=1e-9),
        peak=V(r.peak, scale=1e-9),
        balance=ev.balance,
        decode_intensity=ev.decode_intensity,
        large_batch_intensity=ev.large_batch_intensity,
        prefill_intensity=ev.prefill_intensity,
        decode_agreement=V(ev.decode_agreement, scale=100, unit="percent"),
        crossover=r.crossover_batch,
        largest_batch=r.batches[-1],
        tokens_1=r.tokens_per_second[0],
        tokens_max=r.tokens_per_second[-1],
    )
    rows = [[name, bw / 1e12, bw / r.bandwidth.value] for name, bw in HARDWARE.items()]
    return Report(values=values, tables={"hardware": W.table("hardware", rows)}, figures=_figures(r))


claim = define(
    "inference-is-memory-bound",
    globals(),
    experiment=exp.run,
    profiles={
        # five rounds at every profile: with three, one disturbed round on a busy machine sank the balance's lower
        # bound (t with 2 degrees of freedom) below twice the decode intensity, and the check flipped
        "quick": exp.Config(rounds=5),
        "site": exp.Config(d_model=768, layers=12, rounds=5),
        "full": exp.Config(d_model=2048, layers=24, batches=(1, 4, 16, 64, 256, 1024), rounds=7),
    },
    expected="partly",
    headline="decode_intensity",
)
