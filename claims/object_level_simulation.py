"""Claim object-level-simulation: simulating the world particle by particle is out of reach, but object-level
simulation is good enough for what people perceive. Words: ``object_level_simulation.<lang>.yml``; anchors:
``object_level_simulation.anchors.yml``."""

from __future__ import annotations

from dataclasses import replace

from experiments import object_level_simulation as exp
from kanguri.claim import define
from kanguri.kit import V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Value
from kanguri.rule import Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "superlinear": 1.0,  # particle cost grows faster than N: the exponent's lower bound is above 1
    "out_of_reach": 1.0,  # one simulated second of 1 kg of matter takes more than a year (lower bound)
    "weber": 0.06,  # a relative difference people can just notice (velocity, Snowden & Braddick 1991)
}
T = THRESHOLDS


def within(error: float) -> bool:
    """The criterion: a difference below what an observer can notice."""
    return error <= T["weber"]


def _unaffordable(ev: exp.Evidence) -> dict:
    b, years = ev.cost_exponent, ev.years_per_second
    return {"b": b.value, "b_lo": b.lo, "years": years.value, "years_lo": years.lo} | {
        "bar": T["superlinear"],
        "reach": T["out_of_reach"],
    }


rule: Rule[exp.Evidence] = Rule(
    checks={
        "particle_level_unaffordable": W.check(
            "particle_level_unaffordable",
            _unaffordable,
            lambda f: f["b_lo"] > f["bar"] and f["years_lo"] > f["reach"],
        ),
        "object_level_enough": W.check(
            "object_level_enough",
            lambda ev: {"pos": ev.position_error, "vel": ev.velocity_error, "bar": T["weber"]},
            lambda f: within(f["pos"]) and within(f["vel"]),
        ),
    },
)
# the same "no noticeable difference" criterion, on what only the particle level has: internal vibration
control = control_rule(
    {
        "internal_vibration": W.check(
            "internal_vibration",
            lambda ev: {"err": ev.vibration_error, "bar": T["weber"], "ok": within(ev.vibration_error)},
            lambda f: f["ok"],
            group="control",
        )
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        cost_exponent=synthetic(1.58, 1.55, 1.61, n=6),
        years_per_second=synthetic(1.8e16, 1.3e16, 2.6e16, n=20000),
        position_error=0.01,
        velocity_error=0.016,
        vibration_error=1.0,
    )


def _null() -> exp.Evidence:
    """Particles as cheap as objects, and objects that visibly get the motion wrong."""
    return replace(
        _supporting(),
        cost_exponent=synthetic(1.0, 0.95, 1.05, n=6),
        years_per_second=synthetic(1e-3, 5e-4, 2e-3, n=20000),
        position_error=0.3,
        velocity_error=0.4,
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "particle_level_unaffordable": lambda ev: replace(ev, cost_exponent=synthetic(0.9, 0.85, 0.95, n=6)),
        "object_level_enough": lambda ev: replace(ev, velocity_error=0.2),
    },
    control_flips={"internal_vibration": lambda ev: replace(ev, vibration_error=0.01)},
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    return W.values(
        cost_exponent=ev.cost_exponent,
        years_per_second=ev.years_per_second,
        record_years=r.record_years,
        position_error=ev.position_error,
        velocity_error=ev.velocity_error,
        vibration_share=r.vibration_share[-1],
        atoms=r.atoms,
        ops_per_particle_step=r.bytes_per_particle_step / 8,
        rigid_ratio=r.work_per_second[-1] / r.rigid_work_per_second,
        n_max=r.particles[-1],
        md_step_min=V(exp.MD_STEP_S[0] * 1e15, digits=2),
        md_step_max=V(exp.MD_STEP_S[1] * 1e15, digits=2),
        top_rate=V(exp.EL_CAPITAN_FLOPS / 1e18, digits=4),
        n_traj=r.trajectory_particles[-1],
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    n, ends = r.trajectory_particles, [r.trajectory_particles[0], r.trajectory_particles[-1]]
    cost = [
        W.series("work", r.particles, r.work_per_second, style="points"),
        W.series("wall_time", r.particles, r.time_per_second, style="points"),
    ]
    flight = [
        W.series("particles", r.times, r.com_particle),
        W.series("rigid", r.times, r.com_rigid, style="fit"),
    ]
    errors = [
        W.series("position", n, r.position_errors, style="points"),
        W.series("velocity", n, r.velocity_errors, style="points"),
        W.series("weber", ends, [T["weber"]] * 2, style="fit"),
    ]
    return {
        "cost": W.figure("cost", cost, xscale="log", yscale="log"),
        "flight": W.figure("flight", flight, n=n[-1]),
        "errors": W.figure("errors", errors, xscale="log", yscale="log", weber=T["weber"]),
    }


def report(r: exp.Result) -> Report:
    return Report(values=_values(r), figures=_figures(r))


claim = define(
    "object-level-simulation",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(trajectory_sides=(2, 4, 8, 16)),
        # the default sides: N up to 4,096
        "site": exp.Config(trajectory_sides=(2, 4, 8, 16, 24, 32), repeats=9),
        "full": exp.Config(
            sides=(2, 4, 8, 16, 32, 64, 128, 256), trajectory_sides=(2, 4, 8, 16, 32, 64), repeats=15
        ),
    },
    expected="supported",
    headline="years_per_second",
)
