"""Claim object-level-simulation: simulating the world particle by particle is out of reach, but object-level
simulation is good enough for what people perceive, validated out of sample. Words:
``object_level_simulation.<lang>.yml``; anchors: ``object_level_simulation.anchors.yml``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from experiments import object_level_simulation as exp
from kanguri.claim import define
from kanguri.kit import Robustness, V, Words, control_rule, synthetic
from kanguri.report import Figure, Report, Value
from kanguri.rule import UNDETERMINED, Check, Falsification, Rule

W = Words(__file__)
THRESHOLDS = {
    "superlinear": 1.0,  # particle cost grows faster than N: the exponent's lower bound is above 1
    "out_of_reach": 1.0,  # one simulated second of 1 kg of matter takes more than a year (lower bound)
    "weber": 0.06,  # a relative difference people can just notice (velocity, Snowden & Braddick 1991)
}
T = THRESHOLDS

ROBUSTNESS = Robustness(
    base="quick",
    knobs={
        "trajectory_sides": ((4, 8), (6, 12)),
        "calibration_height": (0.25, 0.5),
        "calibration": ("apex", "nominal"),
    },
    # a soft block (springs a hundred times weaker): a rigid body cannot look like it
    nulls=({"link_stiffness": 1.0e3},),
)


def within(error: float) -> bool:
    """The criterion: a difference below what an observer can notice."""
    return error <= T["weber"]


def _unaffordable(ev: exp.Evidence) -> dict:
    b, years = ev.cost_exponent, ev.years_per_second
    return {"b": b.value, "b_lo": b.lo, "years": years.value, "years_lo": years.lo} | {
        "bar": T["superlinear"],
        "reach": T["out_of_reach"],
    }


def _enough(ev: exp.Evidence) -> dict:
    """The validation drops' larger error, widened by what the lattice size leaves open: the larger of how far the
    particle truth itself moved between the two largest n (the error is a distance to it, so it can move as much)
    and how far the error moved. Fails when the error minus that still exceeds the bar, holds when the error plus
    that is within it; a bar inside the range leaves the check undetermined until the truth converges further."""
    pos, vel = ev.validation_position_error, ev.validation_velocity_error
    truth, moved = ev.truth_change_largest_n, ev.error_change_largest_n
    err, spread = max(pos, vel), max(truth, moved)
    lo, hi = max(err - spread, 0.0), err + spread
    decided = hi <= T["weber"] or lo > T["weber"]
    facts = {"pos": pos, "vel": vel, "truth": truth, "moved": moved, "lo": lo, "hi": hi, "bar": T["weber"]}
    return facts | {UNDETERMINED: None if decided else "truth_unconverged"}


rule: Rule[exp.Evidence] = Rule(
    checks={
        # a derivation (N particles, a step that shrinks as √N) and arithmetic on cited inputs: it cannot fail
        "particle_level_unaffordable": W.check(
            "particle_level_unaffordable",
            _unaffordable,
            lambda f: f["b_lo"] > f["bar"] and f["years_lo"] > f["reach"],
            sanity=True,
        ),
        "object_level_enough": W.check("object_level_enough", _enough, lambda f: within(f["hi"])),
    },
)


def _control(name: str, pick: Callable[[exp.Evidence], float]) -> Check[exp.Evidence]:
    return W.check(
        name,
        lambda ev: {"err": pick(ev), "bar": T["weber"]},
        lambda f: within(f["err"]),
        group="control",
    )


# the same "no noticeable difference" criterion, on blocks that a rigid body cannot stand for: one that shatters on
# impact, and one a hundred times softer
control = control_rule(
    {
        "fragile": _control("fragile", lambda ev: ev.fragile_error),
        "soft": _control("soft", lambda ev: ev.soft_error),
    }
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        cost_exponent=synthetic(1.58, 1.55, 1.61, n=6),
        years_per_second=synthetic(1.8e16, 1.3e16, 2.6e16, n=20000),
        validation_position_error=0.01,
        validation_velocity_error=0.016,
        truth_change_largest_n=0.005,
        error_change_largest_n=0.004,
        fragile_error=0.5,
        soft_error=0.3,
    )


def _null() -> exp.Evidence:
    """Objects that visibly get the motion wrong, against a converged truth."""
    return replace(_supporting(), validation_position_error=0.3, validation_velocity_error=0.4)


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={"object_level_enough": lambda ev: replace(ev, validation_velocity_error=0.2)},
    control_flips={
        "fragile": lambda ev: replace(ev, fragile_error=0.01),
        "soft": lambda ev: replace(ev, soft_error=0.01),
    },
)


def _values(r: exp.Result) -> dict[str, Value]:
    ev = r.evidence
    # the truth's last change ÷ the one before, where the profile drops at three or more lattices
    ratio = (
        {} if r.truth_ratio is None else {"truth_ratio": W.value("truth_ratio", V(r.truth_ratio, digits=2))}
    )
    return ratio | W.values(
        cost_exponent=ev.cost_exponent,
        years_per_second=ev.years_per_second,
        record_years=r.record_years,
        validation_position_error=ev.validation_position_error,
        validation_velocity_error=ev.validation_velocity_error,
        truth_change_largest_n=ev.truth_change_largest_n,
        error_change_largest_n=ev.error_change_largest_n,
        calibration_position_error=r.calibration_position_error,
        calibration_velocity_error=r.calibration_velocity_error,
        instant_velocity_error=max(r.instant_velocity_errors[-1][1:]),
        fragile_error=ev.fragile_error,
        soft_error=ev.soft_error,
        broken_share=V(r.broken_share, scale=100, unit="percent", digits=3),
        damping=V(r.damping, digits=3),
        vibration_share=r.vibration_share,
        atoms=r.atoms,
        ops_per_particle_step=r.bytes_per_particle_step / 8,
        rigid_ratio=r.work_per_second[-1] / r.rigid_work_per_second,
        n_max=r.particles[-1],
        md_step_min=V(exp.MD_STEP_S[0] * 1e15, digits=2),
        md_step_max=V(exp.MD_STEP_S[1] * 1e15, digits=2),
        top_rate=V(exp.EL_CAPITAN_FLOPS / 1e18, digits=4),
        n_traj=r.trajectory_particles[-1],
        n_min=r.trajectory_particles[0],
        rebound_smallest_n=V(r.rebounds[0], digits=3),
        rebound_largest_n=V(r.rebounds[-1], digits=3),
        n_prev=r.trajectory_particles[-2] if len(r.trajectory_particles) > 1 else r.trajectory_particles[-1],
        validation_drops=len(r.drops) - 1,
    )


def _figures(r: exp.Result) -> dict[str, Figure]:
    n, ends = r.trajectory_particles, [r.trajectory_particles[0], r.trajectory_particles[-1]]
    cost = [
        W.series("work", r.particles, r.work_per_second, style="points"),
        W.series("wall_time", r.particles, r.time_per_second, style="points"),
    ]
    height, tilt = r.shown_drop
    flight = [
        W.series("particles", r.times, r.com_particle),
        W.series("rigid", r.times, r.com_rigid, style="fit"),
    ]
    errors = [
        W.series("position", n, [max(p[1:]) for p in r.position_errors], style="points"),
        W.series("velocity", n, [max(v[1:]) for v in r.velocity_errors], style="points"),
        W.series("truth", n[1:], r.truth_changes[1:], style="points"),
        W.series("weber", ends, [T["weber"]] * 2, style="fit"),
    ]
    return {
        "cost": W.figure("cost", cost, xscale="log", yscale="log"),
        "flight": W.figure("flight", flight, n=n[-1], height=height, tilt=f"{tilt:g}"),
        "errors": W.figure("errors", errors, xscale="log", yscale="log", weber=T["weber"]),
    }


def _convergence(r: exp.Result) -> list[list]:
    """Per lattice: N, the calibration drop's rebound, the fitted damping, the largest validation difference and
    how far the truth moved from the lattice before."""
    rows = zip(
        r.trajectory_particles, r.rebounds, r.dampings, r.position_errors, r.velocity_errors, strict=True
    )
    return [
        [n, round(up, 4), round(c, 1), round(max(*p[1:], *v[1:]), 3), round(d, 3) if k else "—"]
        for k, ((n, up, c, p, v), d) in enumerate(zip(rows, r.truth_changes, strict=True))
    ]


def report(r: exp.Result) -> Report:
    role = [W("terms.calibration")] + [W("terms.validation")] * (len(r.drops) - 1)
    rows = [
        [kind, h, f"{a:g}", round(p, 3), round(v, 3), round(i, 3)]
        for kind, (h, a), p, v, i in zip(
            role,
            r.drops,
            r.position_errors[-1],
            r.velocity_errors[-1],
            r.instant_velocity_errors[-1],
            strict=True,
        )
    ]
    return Report(
        values=_values(r),
        tables={
            "drops": W.table("drops", rows, n=r.trajectory_particles[-1]),
            "convergence": W.table("convergence", _convergence(r)),
        },
        figures=_figures(r),
    )


claim = define(
    "object-level-simulation",
    globals(),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(),
        # n doubles from each lattice to the next, so that the truth's successive changes compare
        "site": exp.Config(trajectory_sides=(4, 8, 16, 32), repeats=9),
        "full": exp.Config(
            sides=(2, 4, 8, 16, 32, 64, 128, 256), trajectory_sides=(4, 8, 16, 32, 64), repeats=15
        ),
    },
    # was "supported" while the rigid body was fitted to the particle block's rebound and scored only in flight;
    # validated out of sample with contact included, it is not (see the page)
    expected="not-supported",
    headline="validation_velocity_error",
)
