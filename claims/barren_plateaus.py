"""Claim barren-plateaus: the gradients of random parameterised circuits vanish exponentially with the
number of qubits, so optimisation stalls. Words: ``barren_plateaus.<lang>.yml``; anchors:
``barren_plateaus.anchors.yml``."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from experiments import barren_plateaus as exp
from experiments.common.stats import DecaySeries, Estimate, wilson
from experiments.common.training import Stop, converged_share
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic, unconverged
from kanguri.report import Figure, Report, Series
from kanguri.rule import Check, Falsification, Rule
from kanguri.text import L

W = Words(__file__)
THRESHOLDS = {
    # a barren plateau is Var ∈ O(b^(−n)) for some b > 1 (McClean et al. 2018; Cerezo et al. 2021): any κ > 0 in
    # Var ∝ 2^(−κn), so the bar on κ only asks for a decay; the decisive test is the exponential shape
    "kappa": 0.0,
    "preference": 0.95,  # the exponential model fits better than a power law in 95% of bootstrap replicates
    "significance": 0.05,  # training: more runs stalled at the largest size than at the smallest (Fisher)
    "check_tolerance": 1e-6,  # our simulator against lightning.qubit
}
T = THRESHOLDS
Pick = Callable[[exp.Evidence], DecaySeries]


def kappa(s: DecaySeries) -> Estimate:
    """The decay rate as κ in Var ∝ 2^(−κ·n): a unitary 2-design has κ = 1."""
    r = s.rate
    return Estimate(-r.value / math.log(2), -r.hi / math.log(2), -r.lo / math.log(2), r.method, r.n)


def exponential_shape(s: DecaySeries) -> bool:
    """Scale-free: ln Var is better described as linear in x than in ln x, in 95% of replicates."""
    return s.exp_share >= T["preference"]


def _decay_facts(s: DecaySeries) -> dict:
    k = kappa(s)
    return {"kappa": k.value, "lo": k.lo, "hi": k.hi, "share": s.exp_share, "n0": int(s.fit_from),
            "samples": s.samples, "bar": T["kappa"], "pref": T["preference"]}  # fmt: skip


def _exponential(term: str, pick: Pick) -> Check[exp.Evidence]:
    """The claim's criterion on one series: exponential rather than a power law, and at least 2^(−n/2)."""
    what = W(f"terms.{term}")

    def sentence(outcome: str) -> L:
        template = W(f"checks.exponential.{outcome}")
        return L(**{lang: t.replace("{what}", what(lang)) for lang, t in template.texts().items()})

    return Check(
        facts=lambda ev: _decay_facts(pick(ev)),
        holds=lambda f: f["share"] >= f["pref"] and f["lo"] > f["bar"],
        yes=sentence("holds"),
        no=sentence("fails"),
    )


def _trend(stuck: list[Estimate], p: float, sizes: list[int]) -> dict:
    return {"first": stuck[0].value, "last": stuck[-1].value, "n0": sizes[0], "n1": sizes[-1], "each": stuck[0].n,
            "p": p, "alpha": T["significance"]}  # fmt: skip


def _stalls(ev: exp.Evidence) -> dict:
    facts = _trend(ev.stuck_global, ev.stall_p, ev.train_sizes)
    return facts | unconverged(ev.stops)


rule: Rule[exp.Evidence] = Rule(
    checks={
        "deep": _exponential("deep", lambda ev: ev.deep_random),
        "global": _exponential("global", lambda ev: ev.shallow_global),
        "stalls": W.check("stalls", _stalls, lambda f: f["p"] < f["alpha"]),
        "simulator": W.check(
            "simulator",
            lambda ev: {"error": ev.check_max_error, "tolerance": T["check_tolerance"]},
            lambda f: f["error"] <= f["tolerance"],
            sanity=True,
        ),
    },
)
# the same criterion where the decay must not be exponential; the MLP's width axis has no natural unit, so
# only the scale-free half of the criterion applies to it
control = control_rule(
    {
        "local": _exponential("local", lambda ev: ev.shallow_local),
        "fixed": _exponential("fixed", lambda ev: ev.fixed_depth),
        "mlp": W.check(
            "mlp",
            lambda ev: {"share": ev.mlp.exp_share, "power": ev.mlp.power.value, "pref": T["preference"]},
            lambda f: f["share"] >= f["pref"],
            group="control",
        ),
        # the stall criterion on the local cost, whose gradients vanish only polynomially: it must not stall more
        # at the largest size than at the smallest
        "local_stalls": W.check(
            "local_stalls",
            lambda ev: _trend(ev.stuck_local, ev.stall_p_local, ev.train_sizes),
            lambda f: f["p"] < f["alpha"],
            group="control",
        ),
    }
)


def synthetic_series(x: list[float], var: list[float], exp_share: float) -> DecaySeries:
    """A decay series for the falsifiability tests, with its fits computed from ``var``."""
    lx, lv = np.asarray(x, dtype=float), np.log(np.asarray(var))
    rate, power = float(np.polyfit(lx, lv, 1)[0]), float(np.polyfit(np.log(lx), lv, 1)[0])
    return DecaySeries(x=list(x), var=list(var), lo=[v * 0.9 for v in var], hi=[v * 1.1 for v in var],
                       rate=synthetic(rate, rate * 1.05, rate * 0.95, n=1000), power=synthetic(power),
                       exp_share=exp_share, fit_from=x[0], samples=1000)  # fmt: skip


QUBITS, WIDTHS = [4.0, 6.0, 8.0, 10.0], [16.0, 32.0, 64.0, 128.0, 256.0]


def _on_qubits(var: Callable[[float], float], exp_share: float) -> DecaySeries:
    return synthetic_series(QUBITS, [var(n) for n in QUBITS], exp_share)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        deep_random=_on_qubits(lambda n: 2.0**-n, 1.0),
        shallow_global=_on_qubits(lambda n: 4.0**-n, 1.0),
        shallow_local=_on_qubits(lambda n: n**-2.0, 0.05),  # a power law in n
        fixed_depth=_on_qubits(lambda n: 0.05, 0.3),
        mlp=synthetic_series(WIDTHS, [1 / w for w in WIDTHS], 0.0),
        train_sizes=[4, 6, 8], stuck_global=[wilson(1, 12), wilson(5, 12), wilson(10, 12)],
        stuck_local=[wilson(0, 12), wilson(0, 12), wilson(1, 12)], stall_p=0.0003, stall_p_local=0.5,
        stops=[Stop(40, 40, reached=False, still_improving=False)] * 36, check_max_error=1e-15,
    )  # fmt: skip


def _null() -> exp.Evidence:
    """Gradients that do not vanish, and training that does not stall."""
    flat = _on_qubits(lambda n: 0.05, 0.3)
    return replace(
        _supporting(), deep_random=flat, shallow_global=flat, stuck_global=[wilson(1, 12)] * 3, stall_p=0.76
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "deep": lambda ev: replace(ev, deep_random=_on_qubits(lambda n: n**-4.0, 0.1)),
        "global": lambda ev: replace(ev, shallow_global=_on_qubits(lambda n: n**-3.0, 0.2)),
        "stalls": lambda ev: replace(ev, stall_p=0.3),
    },
    control_flips={
        "local": lambda ev: replace(ev, shallow_local=_on_qubits(lambda n: 2.0**-n, 1.0)),
        "fixed": lambda ev: replace(ev, fixed_depth=_on_qubits(lambda n: 2.0**-n, 0.99)),
        # exponential in width, 2^(−width/32): the criterion must accept it
        "mlp": lambda ev: replace(ev, mlp=synthetic_series(WIDTHS, [2 ** (-w / 32) for w in WIDTHS], 1.0)),
        "local_stalls": lambda ev: replace(ev, stall_p_local=0.001),
    },
)

SERIES = ("deep_random", "fixed_depth", "shallow_global", "shallow_local")  # evidence fields, in table order


def _values(r: exp.Result) -> dict:
    ev = r.evidence
    return W.values(
        kappa_deep=kappa(ev.deep_random),
        kappa_global=kappa(ev.shallow_global),
        kappa_local=kappa(ev.shallow_local),
        kappa_fixed=kappa(ev.fixed_depth),
        share_deep=V(100 * ev.deep_random.exp_share, unit="percent", digits=2),
        share_local=V(100 * ev.shallow_local.exp_share, unit="percent", digits=2),
        share_mlp=V(100 * ev.mlp.exp_share, unit="percent", digits=2),
        power_local=ev.shallow_local.power,
        power_mlp=ev.mlp.power,
        stuck_global=V(ev.stuck_global[-1], digits=2),
        stuck_local=V(ev.stuck_local[-1], digits=2),
        stuck_global_small=V(ev.stuck_global[0], digits=2),
        training_p=V(ev.stall_p, digits=2),
        training_p_local=V(ev.stall_p_local, digits=2),
        train_n_min=ev.train_sizes[0],
        train_n_max=ev.train_sizes[-1],
        train_shots=r.train_shots,
        converged_share=converged_share(ev.stops),
        n_max=int(ev.deep_random.x[-1]),
        var_deep_max=ev.deep_random.var[-1],
        check_error=V(ev.check_max_error, digits=2),
        mlp_ratio=ev.mlp.var[0] / ev.mlp.var[-1],
        mlp_width_ratio=int(ev.mlp.x[-1] / ev.mlp.x[0]),
        depth_ratio=r.depth_ratio,
        depth_check_n=r.depth_check_qubits,
    ) | (W.values(kappa_second=kappa(r.deep_second_seed)) if r.deep_second_seed else {})


def _names(r: exp.Result) -> dict[str, L]:
    layers = {"deep_random": r.layers_per_qubit, "fixed_depth": r.fixed_layers}
    return {k: W(f"series.{k}", layers=layers[k]) if k in layers else W(f"series.{k}") for k in SERIES}


def _band(s: DecaySeries, label: L) -> Series:
    return Series(label=label, x=s.x, y=s.var, lo=s.lo, hi=s.hi)


def _variance(r: exp.Result, names: dict[str, L]) -> Figure:
    deep = r.evidence.deep_random
    ref_x = [x for x in deep.x if x >= deep.fit_from]
    anchor_y = deep.var[deep.x.index(ref_x[0])]
    slope = W.series("slope", ref_x, [anchor_y * 2 ** (ref_x[0] - x) for x in ref_x], style="fit")
    return W.figure(
        "variance", [_band(getattr(r.evidence, k), name) for k, name in names.items()] + [slope], yscale="log"
    )


def _ratio(deep: DecaySeries) -> Figure:
    closed = [exp.two_design_variance(int(n)) for n in deep.x]

    def over(ys: list[float]) -> list[float]:
        return [v / c for v, c in zip(ys, closed, strict=True)]

    measured = W.series("deep", deep.x, over(deep.var), lo=over(deep.lo), hi=over(deep.hi))
    return W.figure("ratio", [measured, W.series("two_design", [deep.x[0], deep.x[-1]], [1, 1], style="fit")])


def _figures(r: exp.Result, names: dict[str, L]) -> dict[str, Figure]:
    mlp = r.evidence.mlp
    sizes = r.evidence.train_sizes
    trained = [
        Series(label=W(f"series.trained_{key}"), x=sizes, y=[e.value for e in stuck], lo=[e.lo for e in stuck],
               hi=[e.hi for e in stuck])
        for key, stuck in (("global", r.evidence.stuck_global), ("local", r.evidence.stuck_local))
    ]  # fmt: skip
    inverse = [mlp.var[0] * mlp.x[0] / x for x in mlp.x]
    return {
        "variance": _variance(r, names),
        "ratio": _ratio(r.evidence.deep_random),
        "training": W.figure("training", trained, shots=r.train_shots),
        "mlp": W.figure(
            "mlp",
            [_band(mlp, W("series.measured")), W.series("inverse_width", mlp.x, inverse, style="fit")],
            xscale="log",
            yscale="log",
        ),
    }


def report(r: exp.Result) -> Report:
    ev, names = r.evidence, _names(r)
    windows = [[names[w.series], w.fit_from, *(-x / math.log(2) for x in (w.rate.value, w.rate.hi, w.rate.lo)),
                100 * w.exp_share] for w in r.windows]  # fmt: skip
    variance = [[int(n)] + [getattr(ev, k).var[i] for k in names] for i, n in enumerate(ev.deep_random.x)]
    heads = [W("tables.variance.columns.0"), *names.values()]
    return Report(
        values=_values(r),
        tables={
            "variance": W.table("variance", variance, columns=heads),
            "windows": W.table("windows", windows),
        },
        figures=_figures(r, names),
    )


PROFILES = {
    "quick": exp.Config(qubits=(2, 4, 6, 8, 10), samples=150, depth_check_qubits=6, mlp_widths=(16, 32, 64, 128),
                        train_runs=24, check_circuits=2, bootstrap=500),
    "site": exp.Config(qubits=(2, 4, 6, 8, 10, 12), samples=1000, shallow_factor=2, depth_check_qubits=10, second_seed=True,
                       train_runs=24, mlp_widths=(16, 32, 64, 128, 256, 512),
                       bootstrap=2000),
    "full": exp.Config(qubits=(2, 4, 6, 8, 10, 12, 14, 16, 18), samples=10_000, shallow_factor=1, depth_check_qubits=14,
                       second_seed=True, train_sizes=(4, 6, 8, 10), train_runs=50, train_steps=100,
                       mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048), check_circuits=10, bootstrap=5000),
}  # fmt: skip
ROBUSTNESS = Robustness(
    base="site",  # the map re-reads the site's own samples (the experiment keeps them): only training and fits vary
    knobs={"train_shots": (100, 1000, 10_000), "fit_from": (2, 4)},
    # shallow circuits and a local cost, where no exponential plateau is expected: the effect must be absent
    # (with the step budget that lets local-cost runs finish, so that the stall check can be decided there)
    nulls=({"depth_per_qubit": 0, "cost": "local", "train_steps": 100},),
)
claim = define(
    "barren-plateaus",
    globals(),
    experiment=exp.run,
    profiles=PROFILES,
    expected="partly",
    headline="kappa_deep",
    trains=True,
    timeout_s={"quick": 900, "site": 1800, "full": 12 * 3600},
)
