"""Claim neuromorphic-hardware-gap: hardware for brain-like (spiking) AI is still developing.

Two parts, each with its own verdict lines. Our reading of the essay's point is graded on cited figures
(``neuromorphic_hardware_gap.sources.yml``): three checks, one each for deployed scale, memory per chip and
software, GPU side against neuromorphic side; a check that reads an unverified input is undetermined. Our
extension is measured here: how much spike sparsity buys on today's dense hardware, across batch and activity
(two checks, one per sparse-aware kernel). Words: ``neuromorphic_hardware_gap.<lang>.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import neuromorphic_hardware_gap as exp
from experiments.common.stats import Estimate
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, slope_in_band, synthetic, unverified
from kanguri.report import Figure, Report
from kanguri.rule import UNDETERMINED, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "flat": 0.3,  # "time does not fall with sparsity": the log-log slope's interval lies within ±0.3
    "gain": 1.0,  # a kernel gains when dense ÷ its time is above 1 (its whole interval), and not when below
    "trails": 1.0,  # our reading: the neuromorphic side trails when GPU side ÷ neuromorphic side is above 1
}
T = THRESHOLDS
SERIES = {"dense": "dense", "event-driven": "event", "torch.sparse": "sparse"}  # method -> its series' key

ROBUSTNESS = Robustness(
    base="quick",
    knobs={"batch": (1, 16, 128), "typical": (0.01, 0.05, 0.1), "chip": ("spinnaker2", "spinnaker")},
    # a placebo: the neuromorphic figures on both sides of the cited comparison, where "trails" must fail
    nulls=({"gpu_side": "neuromorphic"},),
)
READING = ("scale", "memory", "software")  # the checks of our reading: <part>_trails
CHIP_NAMES = {
    "spinnaker2": "SpiNNaker 2",
    "spinnaker": "SpiNNaker 1",
}  # proper names, the same in both languages


def _no_gain(e: Estimate) -> dict:
    """'No gain': the speed-up's interval lies at or below 1; a gain: wholly above; otherwise undetermined."""
    holds, fails = e.hi <= T["gain"], e.lo > T["gain"]
    return {"value": e.value, "lo": e.lo, "hi": e.hi, "bar": T["gain"],
            UNDETERMINED: None if holds or fails else "straddles"}  # fmt: skip


def _facts(pick):
    return lambda ev: _no_gain(pick(ev)) | {"activity": ev.typical, "batch": ev.batch}


def _trails(part: str):
    """Our reading, one part: the GPU side's cited figure is above the neuromorphic side's."""

    def facts(ev: exp.Evidence) -> dict:
        c = ev.cited
        return {"value": getattr(c, f"{part}_ratio"), "bar": T["trails"], "chip": CHIP_NAMES[c.chip],
                **unverified(c.uses[part], c.unverified)}  # fmt: skip

    return W.check(f"{part}_trails", facts, lambda f: f["value"] > f["bar"])


rule: Rule[exp.Evidence] = Rule(
    checks={
        **{f"{part}_trails": _trails(part) for part in READING},
        # BLAS multiplies zeros like any other number: the dense time cannot depend on activity
        "dense_ignores_sparsity": slope_in_band(
            W("terms.dense_slope"), lambda ev: ev.dense_slope, -T["flat"], T["flat"], sanity=True
        ),
        # our extension, judged on its own line: the verdict above is about our reading of the essay alone
        "no_gain_event": W.check(
            "no_gain_event",
            _facts(lambda ev: ev.event_speedup),
            lambda f: f["hi"] <= f["bar"],
            extension=True,
        ),
        "no_gain_sparse": W.check(
            "no_gain_sparse",
            _facts(lambda ev: ev.sparse_speedup),
            lambda f: f["hi"] <= f["bar"],
            extension=True,
        ),
    },
)


def _control(ev: exp.Evidence) -> dict:
    e, s = ev.control_event, ev.control_sparse
    return {"event": e.value, "event_lo": e.lo, "sparse": s.value, "sparse_lo": s.lo, "bar": T["gain"],
            "activity": ev.control_activity, "batch": ev.batch}  # fmt: skip


# an independent run at an activity so low that skipping silent inputs must pay: "no gain" must be rejected
control = control_rule(
    {
        "low_activity": W.check(
            "low_activity",
            _control,
            lambda f: f["event_lo"] <= f["bar"] and f["sparse_lo"] <= f["bar"],
            group="control",
        )
    }
)


def _around(value: float, half: float) -> Estimate:
    return synthetic(value, value - half, value + half, n=5)


def _cited(scale: float = 3.0, memory: float = 40.0, software: float = 4.0) -> exp.Cited:
    uses: dict[str, tuple[str, ...]] = {"scale": ("a",), "memory": ("b",), "software": ("c",)}
    return exp.Cited(scale, memory, software, uses=uses, chip="spinnaker2", unverified=())


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        cited=_cited(),
        batch=128,
        typical=0.05,
        dense_slope=_around(0.02, 0.05),
        event_speedup=_around(0.5, 0.1),
        sparse_speedup=_around(0.6, 0.1),
        control_event=_around(10.0, 2.0),
        control_sparse=_around(12.0, 2.0),
        control_activity=0.001,
    )


def _null() -> exp.Evidence:
    """Neuromorphic hardware level with GPUs in every cited figure, and dense hardware on which sparsity pays."""
    return replace(
        _supporting(),
        cited=_cited(1.0, 1.0, 1.0),
        event_speedup=_around(9.0, 1.5),
        sparse_speedup=_around(8.0, 1.5),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "scale_trails": lambda ev: replace(ev, cited=_cited(scale=0.5)),
        "memory_trails": lambda ev: replace(ev, cited=_cited(memory=0.8)),
        "software_trails": lambda ev: replace(ev, cited=_cited(software=0.7)),
    },
    control_flips={
        "low_activity": lambda ev: replace(
            ev, control_event=_around(0.7, 0.1), control_sparse=_around(0.8, 0.1)
        )
    },
)


def _figures(r: exp.Result) -> dict[str, Figure]:
    acts = r.activities
    times = [W.series(SERIES[m], acts, r.times[m], style="points") for m in exp.METHODS]
    work = [
        W.series("dense_flops", acts, [r.dense_flops] * len(acts)),
        W.series("event_adds", acts, r.event_adds),
    ]
    large = [
        W.series("sparse_large", acts, r.large_speedups, style="points"),
        W.series("parity", acts, [1.0] * len(acts)),
    ]
    return {
        "times": W.figure("times", times, xscale="log", yscale="log", device=r.device, batch=r.batch),
        "work": W.figure("work", work, xscale="log", yscale="log"),
        "large": W.figure("large", large, xscale="log", yscale="log", device=r.device, batch=exp.LARGE_BATCH),
    }


def report(r: exp.Result) -> Report:
    ev = r.evidence
    c = ev.cited
    values = W.values(
        scale_ratio=V(c.scale_ratio, digits=2),
        memory_ratio=V(c.memory_ratio, digits=2),
        software_ratio=V(c.software_ratio, digits=2),
        event_speedup=ev.event_speedup,
        sparse_speedup=ev.sparse_speedup,
        sparse_speedup_batch128=r.sparse_speedup_large,
        crossover_activity_batch128=V(
            r.crossover_large if r.crossover_large is not None else r.activities[-1], digits=2
        ),
        dense_slope=ev.dense_slope,
        event_slope=r.event_slope,
        control_event=ev.control_event,
        control_sparse=ev.control_sparse,
        typical=r.typical,
        batch=r.batch,
        dense_flops=r.dense_flops,
        event_adds_typical=round(r.typical * r.dense_flops / 2),
        crossover=r.crossover if r.crossover is not None else r.activities[-1],
        largest_activity=r.activities[-1],
    )
    return Report(values=values, figures=_figures(r))


claim = define(
    "neuromorphic-hardware-gap",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(repeats=3, rounds=5),  # five rounds: a t-interval with room for one busy round
        "site": exp.Config(repeats=7, rounds=7),
        "full": exp.Config(inputs=16384, outputs=4096, repeats=25, rounds=10),
    },
    expected="supported",
    headline="memory_ratio",
)
