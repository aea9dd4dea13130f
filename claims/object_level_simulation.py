"""Claim object-level-simulation: simulating the world particle by particle is out of reach, but object-level
simulation is good enough for what people perceive."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import object_level_simulation as exp
from experiments.common.stats import Estimate
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Value, any_accepted, define

THRESHOLDS = {
    "superlinear": 1.0,  # particle cost grows faster than N: the exponent's lower bound is above 1
    "out_of_reach": 1.0,  # one simulated second of 1 kg of matter takes more than a year (lower bound)
    "weber": 0.06,  # a relative difference people can just notice (velocity, Snowden & Braddick 1991)
}
T = THRESHOLDS


def within(error: float) -> bool:
    """The criterion: a difference below what an observer can notice."""
    return error <= T["weber"]


rule: Rule[exp.Evidence] = Rule(
    checks={
        "particle_level_unaffordable": Check(
            facts=lambda ev: {
                "b": ev.cost_exponent.value,
                "b_lo": ev.cost_exponent.lo,
                "years": ev.years_per_second.value,
                "years_lo": ev.years_per_second.lo,
                "bar": T["superlinear"],
                "reach": T["out_of_reach"],
            },
            holds=lambda f: f["b_lo"] > f["bar"] and f["years_lo"] > f["reach"],
            yes=L(
                ja="粒子レベルの仕事量は粒子数 N の {b:.2f} 乗で増え（下限 {b_lo:.2f} > {bar:g}）、1 kg の鉄を原子ごとに 1 秒分シミュレートするには、世界最速の計算機でも {years:.1e} 年かかる（下限 {years_lo:.1e} 年）。",
                en="Particle-level work grows as N to the {b:.2f} (lower bound {b_lo:.2f} > {bar:g}), and one simulated "
                "second of 1 kg of iron, atom by atom, would take the fastest computer {years:.1e} years (lower bound "
                "{years_lo:.1e}).",
            ),
            no=L(
                ja="粒子レベルが手に負えないとは示せなかった（指数 {b:.2f}、下限 {b_lo:.2f}。1 秒分に {years:.1e} 年、下限 {years_lo:.1e} 年）。",
                en="The particle level is not shown to be out of reach (exponent {b:.2f}, lower bound {b_lo:.2f}; "
                "{years:.1e} years per simulated second, lower bound {years_lo:.1e}).",
            ),
        ),
        "object_level_enough": Check(
            facts=lambda ev: {"pos": ev.position_error, "vel": ev.velocity_error, "bar": T["weber"]},
            holds=lambda f: within(f["pos"]) and within(f["vel"]),
            yes=L(
                ja="1 つの剛体として扱っても、重心の軌道は粒子の塊と位置で {pos:.3f}、速度で {vel:.3f} しか違わず、人が気づける差（ウェーバー比 {bar}）より小さい。",
                en="Treated as one rigid body, the centre of mass differs from the particle block's by {pos:.3f} in "
                "position and {vel:.3f} in velocity (relative), below what people can notice (Weber fraction {bar}).",
            ),
            no=L(
                ja="剛体と粒子の塊の重心の軌道の差が、位置で {pos:.3f}、速度で {vel:.3f} あり、人が気づける差（{bar}）を超えた。",
                en="The rigid body and the particle block differ by {pos:.3f} in position or {vel:.3f} in velocity "
                "(relative), more than people can notice ({bar}).",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "internal_vibration": Check(
            facts=lambda ev: {"err": ev.vibration_error, "bar": T["weber"], "ok": within(ev.vibration_error)},
            holds=lambda f: f["ok"],
            yes=L(
                ja="内部の振動エネルギーでも差 {err:.2f} が {bar} 以下で、基準は一致と判定した（甘すぎる）。",
                en="Internal vibration energy differs by only {err:.2f}, within {bar}: the criterion calls it a match "
                "(too lax).",
            ),
            no=L(
                ja="内部の振動エネルギーは粒子レベルにしかなく、剛体の予測との差は {err:.2f}（基準 {bar}）。基準は一致を棄却した。",
                en="Internal vibration energy exists only at the particle level; the rigid body misses it by {err:.2f} "
                "(bar {bar}): the criterion rejects a match.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        cost_exponent=Estimate(1.58, 1.55, 1.61, "counted exactly", 6),
        years_per_second=Estimate(1.8e16, 1.3e16, 2.6e16, "Monte Carlo over the cited ranges", 20000),
        position_error=0.01,
        velocity_error=0.016,
        vibration_error=1.0,
    )


def _null() -> exp.Evidence:
    """Particles as cheap as objects, and objects that visibly get the motion wrong."""
    return replace(
        _supporting(),
        cost_exponent=Estimate(1.0, 0.95, 1.05, "counted exactly", 6),
        years_per_second=Estimate(1e-3, 5e-4, 2e-3, "Monte Carlo over the cited ranges", 20000),
        position_error=0.3,
        velocity_error=0.4,
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "particle_level_unaffordable": lambda ev: replace(
            ev, cost_exponent=Estimate(0.9, 0.85, 0.95, "counted exactly", 6)
        ),
        "object_level_enough": lambda ev: replace(ev, velocity_error=0.2),
    },
    control_flips={"internal_vibration": lambda ev: replace(ev, vibration_error=0.01)},
)

N_LABEL = L(ja="粒子数 N", en="particles N")


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        "cost_exponent": Value.of(L(ja="仕事量の指数", en="work exponent"), ev.cost_exponent),
        "years_per_second": Value.of(
            L(ja="1 kg を 1 秒分、原子ごとに（年）", en="1 kg for 1 s, atom by atom (years)"),
            ev.years_per_second,
        ),
        "record_years": Value(
            label=L(ja="記録的な MD の速さで（年）", en="at the record MD run's pace (years)"),
            value=r.record_years,
        ),
        "position_error": Value(
            label=L(ja="位置の差（落下高さ比）", en="position difference (÷ drop height)"),
            value=ev.position_error,
        ),
        "velocity_error": Value(
            label=L(ja="速度の差（衝突速度比）", en="velocity difference (÷ impact speed)"),
            value=ev.velocity_error,
        ),
        "vibration_share": Value(
            label=L(
                ja="内部に入ったエネルギー（衝突時の運動エネルギー比）",
                en="energy taken internally (÷ impact kinetic energy)",
            ),
            value=r.vibration_share[-1],
        ),
        "atoms": Value(label=L(ja="1 kg の鉄の原子数", en="atoms in 1 kg of iron"), value=r.atoms),
        "ops_per_particle_step": Value(
            label=L(ja="1 粒子・1 ステップあたりの要素演算", en="elementary operations per particle-step"),
            value=r.bytes_per_particle_step / 8,
        ),
        "rigid_ratio": Value(
            label=L(ja="最大の N での仕事量 ÷ 剛体", en="work at the largest N ÷ rigid body"),
            value=r.work_per_second[-1] / r.rigid_work_per_second,
        ),
        "n_max": Value(label=L(ja="最大の N", en="largest N"), value=r.particles[-1]),
        "md_step_min": Value(
            label=L(ja="分子動力学の時間刻み（下限、fs）", en="MD time step, low end (fs)"),
            value=exp.MD_STEP_S[0] * 1e15,
            digits=2,
        ),
        "md_step_max": Value(
            label=L(ja="分子動力学の時間刻み（上限、fs）", en="MD time step, high end (fs)"),
            value=exp.MD_STEP_S[1] * 1e15,
            digits=2,
        ),
        "top_rate": Value(
            label=L(ja="最速の計算機の HPL 性能（EFlop/s）", en="fastest computer's HPL rate (EFlop/s)"),
            value=exp.EL_CAPITAN_FLOPS / 1e18,
            digits=4,
        ),
        "n_traj": Value(
            label=L(ja="軌道を比べた最大の N", en="largest N compared in flight"),
            value=r.trajectory_particles[-1],
        ),
    }
    cost = Figure(
        title=L(ja="シミュレーション 1 秒分の仕事量", en="Work per simulated second"),
        caption=L(
            ja="1 ステップで torch が書いたバイト数 × 1 秒あたりのステップ数（数えた量）と、実時間（k 回の最小値、裏付け）。粒子が軽くなるほど時間刻みが短くなるので、N に比例するより速く増える。両対数軸。",
            en="Bytes written by torch per step × steps per simulated second (counted), and wall time (min of k, "
            "corroboration). Lighter particles need shorter steps, so the cost grows faster than N. Log-log axes.",
        ),
        xlabel=N_LABEL,
        ylabel=L(ja="バイト／秒（実時間は秒）", en="bytes (wall time in s)"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=L(ja="仕事量 [バイト]", en="work [bytes]"),
                x=r.particles,
                y=r.work_per_second,
                style="points",
            ),
            Series(
                label=L(ja="実時間 [秒]", en="wall time [s]"),
                x=r.particles,
                y=r.time_per_second,
                style="points",
            ),
        ],
    )
    flight = Figure(
        title=L(
            ja=f"重心の高さ（N = {r.trajectory_particles[-1]}）",
            en=f"Height of the centre of mass (N = {r.trajectory_particles[-1]})",
        ),
        caption=L(
            ja="粒子の塊と、跳ね返りの高さだけを合わせた 1 つの剛体。",
            en="The particle block and a single rigid body whose one constant was set to rebound as high.",
        ),
        xlabel=L(ja="時間 [秒]", en="time [s]"),
        ylabel=L(ja="高さ [m]", en="height [m]"),
        series=[
            Series(label=L(ja="粒子", en="particles"), x=r.times, y=r.com_particle),
            Series(label=L(ja="剛体", en="rigid body"), x=r.times, y=r.com_rigid, style="fit"),
        ],
    )
    errors = Figure(
        title=L(ja="剛体との差と、気づける差", en="Difference from the rigid body, and what can be noticed"),
        caption=L(
            ja=f"飛んでいる間の重心の位置と速度の最大の差（相対値）。線はウェーバー比 {T['weber']}。",
            en="Largest difference in flight, in position and velocity of the centre of mass (relative). The line is "
            f"the Weber fraction {T['weber']}.",
        ),
        xlabel=N_LABEL,
        ylabel=L(ja="相対的な差", en="relative difference"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=L(ja="位置", en="position"),
                x=r.trajectory_particles,
                y=r.position_errors,
                style="points",
            ),
            Series(
                label=L(ja="速度", en="velocity"),
                x=r.trajectory_particles,
                y=r.velocity_errors,
                style="points",
            ),
            Series(
                label=L(ja="ウェーバー比", en="Weber fraction"),
                x=[r.trajectory_particles[0], r.trajectory_particles[-1]],
                y=[T["weber"]] * 2,
                style="fit",
            ),
        ],
    )
    return Report(values=values, figures={"cost": cost, "flight": flight, "errors": errors})


claim = define(
    "object-level-simulation",
    statement=L(
        ja="世界を粒子のレベルでシミュレートするのは不可能に近いが、人が知覚できる物体のレベルのシミュレーションで十分だ。",
        en="Simulating the world particle by particle is out of reach, but simulation at the level of objects, the "
        "level people perceive, is enough.",
    ),
    question=L(
        ja="落ちて跳ねる物体を、粒子の集まりとして、また 1 つの剛体としてシミュレートすると、コストと軌道はどう違うか。",
        en="Dropping and bouncing a solid, simulated as particles and as one rigid body: how do the cost and the "
        "trajectory differ?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(trajectory_sides=(2, 4, 8, 16)),
        "site": exp.Config(
            trajectory_sides=(2, 4, 8, 16, 24, 32), repeats=9
        ),  # the default sides: N up to 4,096
        "full": exp.Config(
            sides=(2, 4, 8, 16, 32, 64, 128, 256), trajectory_sides=(2, 4, 8, 16, 32, 64), repeats=15
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="years_per_second",
    anchors=[
        Anchor(
            cite="Snowden & Braddick 1991, Vision Res. 31, 907",
            url="https://doi.org/10.1016/0042-6989(91)90156-Y",
            theirs=L(
                ja="速さの弁別のウェーバー比はおよそ 0.06",
                en="speed discrimination reaches a Weber fraction around 0.06",
            ),
            ours="velocity_error",
            locator="abstract",
            quote="Thresholds fell asymptotically to a Weber fraction around 0.06 over a period of approx. 100 msec",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="De Bruyn & Orban 1988, Vision Res. 28, 1323",
            url="https://doi.org/10.1016/0042-6989(88)90064-8",
            theirs=L(
                ja="最適な速さでの速度のウェーバー比は約 7%",
                en="velocity Weber fractions of about 7% at optimal speeds",
            ),
            ours="velocity_error",
            locator="abstract",
            quote="The Weber-fractions in velocity, determined with a staircase procedure tracking a 84% correct "
            "response level, were about 7% at the optimal speeds.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="TOP500, June 2025 list (El Capitan)",
            url="https://top500.org/lists/top500/2025/06/highs",
            theirs=L(
                ja="首位の El Capitan は HPL で 1.742 EFlop/s",
                en="El Capitan, No. 1, at 1.742 EFlop/s on HPL",
            ),
            ours="years_per_second",
            locator="list highlights",
            quote="The HPE Cray EX255a system was measured with 1.742 Exaflop/s on the HPL benchmark.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Jia et al. 2020, SC20 (Gordon Bell prize): molecular dynamics with ab initio accuracy",
            url="https://arxiv.org/abs/2005.00223",
            theirs=L(
                ja="1 億個超の原子を 1 日に 1 ナノ秒超",
                en="over 100 million atoms for over 1 nanosecond per day",
            ),
            ours="record_years",
            locator="abstract",
            quote="can simulate more than 1 nanosecond-long trajectory of over 100 million atoms per day",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Todorov, Erez & Tassa 2012, IROS (MuJoCo)",
            url="https://doi.org/10.1109/IROS.2012.6386109",
            theirs=L(
                ja="18 自由度のヒューマノイドで毎秒約 40 万回の動力学計算（12 コア）",
                en="about 400,000 dynamics evaluations per second for an 18-dof humanoid on 12 cores",
            ),
            ours="rigid_ratio",
            locator="abstract",
            quote="Around 400,000 dynamics evaluations per second are possible on a 12-core machine, for a 3D homanoid "
            "with 18 dofs and 6 active contacts.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
