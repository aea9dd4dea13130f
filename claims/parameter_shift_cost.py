"""Claim parameter-shift-cost: a quantum gradient by parameter shift costs two circuit runs per parameter,
while backpropagation costs a constant multiple of one forward pass."""

from __future__ import annotations

from experiments import parameter_shift as exp
from kanguri import Anchor, Decision, Figure, L, Report, Series, Table, Value
from kanguri.claim import define

GROWS = 0.75  # "cost grows ∝ P": the lower end of the exponent's 95% interval is above this
BOUNDED = 0.25  # "cost stays bounded": the upper end of the exponent's 95% interval is below this
CHEAP_GRADIENT = 5.0  # Griewank & Walther's bound on (forward + gradient) / forward for reverse mode


def grows(s: exp.Slope) -> bool:
    return s.lo > GROWS


def bounded(s: exp.Slope) -> bool:
    return s.hi < BOUNDED


def _slope_text(s: exp.Slope) -> str:
    return f"{s.value:.2f} [{s.lo:.2f}, {s.hi:.2f}]"


def rule(r: exp.Result) -> Decision:
    ps, adj, bp = (r.methods[m] for m in exp.METHODS)
    per_param = ps.executions[-1] / r.params[-1]
    expected_counts = [1 + 2 * (p - z) for p, z in zip(r.params, r.zero_gradient_params, strict=True)]
    checks = {
        "ps_grows": grows(ps.slope),
        "ps_counts": ps.executions == expected_counts and 1.5 <= per_param <= 2.1,
        "adj_bounded": bounded(adj.slope),
        "bp_bounded": bounded(bp.slope),
        "mlp_cheap": r.mlp.max_ratio_hi < CHEAP_GRADIENT and bounded(r.mlp.slope),
    }
    reasons = [
        L(
            ja=f"パラメータシフト法：勾配 1 回の回路実行数は 1 + 2×(P − 勾配ゼロのパラメータ数) に一致"
            f"{'した' if checks['ps_counts'] else 'しなかった'}（最大の P で 1 パラメータあたり {per_param:.2f} 回）。",
            en=f"Parameter shift: circuit executions per gradient {'equal' if checks['ps_counts'] else 'differ from'}"
            f" 1 + 2×(P − parameters with provably zero gradient) ({per_param:.2f} per parameter at the largest P).",
        ),
        L(
            ja=f"パラメータシフト法の（順伝播＋勾配）÷順伝播 の P に対する指数 {_slope_text(ps.slope)}："
            f"下限が {GROWS} を{'超えた' if checks['ps_grows'] else '超えなかった'}。",
            en=f"Parameter shift: exponent of (forward + gradient)/forward in P is {_slope_text(ps.slope)}; its lower "
            f"bound is {'above' if checks['ps_grows'] else 'not above'} {GROWS}.",
        ),
        L(
            ja=f"随伴法 {_slope_text(adj.slope)}、誤差逆伝播 {_slope_text(bp.slope)}：上限が {BOUNDED} 未満"
            f"{'（定数倍にとどまる）' if checks['adj_bounded'] and checks['bp_bounded'] else 'ではない'}。",
            en=f"Adjoint {_slope_text(adj.slope)}, backprop {_slope_text(bp.slope)}: upper bounds "
            f"{'below' if checks['adj_bounded'] and checks['bp_bounded'] else 'not all below'} {BOUNDED} "
            f"(a constant factor).",
        ),
        L(
            ja=f"古典 MLP：比は最大 {r.mlp.max_ratio:.2f}（95% 区間の上限 {r.mlp.max_ratio_hi:.2f}）、"
            f"指数 {_slope_text(r.mlp.slope)}。安価な勾配の原理（≤ {CHEAP_GRADIENT:g}）と"
            f"{'整合' if checks['mlp_cheap'] else '不整合'}。",
            en=f"Classical MLP: ratio at most {r.mlp.max_ratio:.2f} (95% upper bound {r.mlp.max_ratio_hi:.2f}), "
            f"exponent {_slope_text(r.mlp.slope)}; {'consistent' if checks['mlp_cheap'] else 'inconsistent'} "
            f"with the cheap-gradient bound (≤ {CHEAP_GRADIENT:g}).",
        ),
    ]
    if all(checks.values()):
        verdict = "supported"
    elif checks["ps_grows"] and checks["ps_counts"]:
        verdict = "partly"
    else:
        verdict = "not-supported"
    return Decision(verdict=verdict, reasons=reasons)


def control(r: exp.Result) -> Decision:
    """The 'grows ∝ P' criterion applied to methods that must not grow: adjoint and backprop."""
    lax = [m for m in ("adjoint", "backprop") if grows(r.methods[m].slope)]
    reasons = [
        L(
            ja=f"{m}：指数 {_slope_text(r.methods[m].slope)}、下限は {GROWS} を"
            f"{'超えた' if m in lax else '超えない'}。",
            en=f"{m}: exponent {_slope_text(r.methods[m].slope)}, lower bound "
            f"{'above' if m in lax else 'not above'} {GROWS}.",
        )
        for m in ("adjoint", "backprop")
    ]
    return Decision(verdict="supported" if lax else "not-supported", reasons=reasons)


NAMES = {
    "parameter-shift": L(ja="パラメータシフト法", en="parameter shift"),
    "adjoint": L(ja="随伴法（lightning.qubit）", en="adjoint (lightning.qubit)"),
    "backprop": L(ja="誤差逆伝播（default.qubit）", en="backprop (default.qubit)"),
}
P_LABEL = L(ja="学習パラメータ数 P", en="trainable parameters P")


def _mean(rows: list[list[float]]) -> list[float]:
    return [sum(row) / len(row) for row in rows]


def report(r: exp.Result) -> Report:
    ps, adj, bp = (r.methods[m] for m in exp.METHODS)
    s = r.shots
    values = {
        "ps_exponent": Value(
            label=L(ja="パラメータシフト法の指数", en="parameter-shift exponent"),
            value=ps.slope.value,
            lo=ps.slope.lo,
            hi=ps.slope.hi,
        ),
        "adjoint_exponent": Value(
            label=L(ja="随伴法の指数", en="adjoint exponent"),
            value=adj.slope.value,
            lo=adj.slope.lo,
            hi=adj.slope.hi,
        ),
        "backprop_exponent": Value(
            label=L(ja="誤差逆伝播の指数", en="backprop exponent"),
            value=bp.slope.value,
            lo=bp.slope.lo,
            hi=bp.slope.hi,
        ),
        "executions_per_param": Value(
            label=L(ja="1 パラメータあたりの実行回数", en="executions per parameter"),
            value=ps.executions[-1] / r.params[-1],
        ),
        "ps_executions_max": Value(
            label=L(ja="最大の P での実行回数", en="executions at the largest P"),
            value=ps.executions[-1],
            digits=4,
        ),
        "p_max": Value(label=L(ja="最大の P", en="largest P"), value=r.params[-1], digits=4),
        "ps_ratio_max": Value(
            label=L(ja="最大の P でのコスト比", en="cost ratio at the largest P"), value=_mean(ps.ratio)[-1]
        ),
        "shots_exponent": Value(label=L(ja="総ショット数の指数", en="total-shots exponent"), value=s.slope),
        "shots_total_max": Value(label=L(ja="総ショット数", en="total shots"), value=s.total_shots[-1]),
        "mlp_ratio_max": Value(
            label=L(ja="MLP の最大コスト比", en="largest MLP cost ratio"),
            value=r.mlp.max_ratio,
            lo=r.mlp.max_ratio_lo,
            hi=r.mlp.max_ratio_hi,
        ),
        "mlp_exponent": Value(
            label=L(ja="MLP の指数", en="MLP exponent"),
            value=r.mlp.slope.value,
            lo=r.mlp.slope.lo,
            hi=r.mlp.slope.hi,
        ),
        "mlp_params_max": Value(
            label=L(ja="MLP の最大パラメータ数", en="largest MLP"), value=r.mlp.params[-1]
        ),
    }
    counts = Table(
        caption=L(
            ja="勾配 1 回あたりの回路実行数（PennyLane の Tracker で計数）",
            en="Circuit executions for one gradient, counted by PennyLane's Tracker",
        ),
        columns=[
            P_LABEL,
            L(ja="勾配ゼロが証明されたパラメータ", en="provably zero-gradient parameters"),
            NAMES["parameter-shift"],
            NAMES["adjoint"],
            NAMES["backprop"],
        ],
        rows=[
            [p, z, a, b, c]
            for p, z, a, b, c in zip(
                r.params, r.zero_gradient_params, ps.executions, adj.executions, bp.executions, strict=True
            )
        ],
    )
    cost = Figure(
        title=L(ja="勾配のコスト（順伝播 1 回で割った値）", en="Gradient cost in units of one forward pass"),
        caption=L(
            ja="（順伝播＋勾配）÷順伝播 の平均。帯は反復のばらつき（最小〜最大）。両対数軸。",
            en="Mean of (forward + gradient) / forward; bands span the repeats (min to max). Log-log axes.",
        ),
        xlabel=P_LABEL,
        ylabel=L(ja="コスト比", en="cost ratio"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=NAMES[m.method],
                x=r.params,
                y=_mean(m.ratio),
                lo=[min(row) for row in m.ratio],
                hi=[max(row) for row in m.ratio],
            )
            for m in (ps, adj, bp)
        ],
    )
    shots = Figure(
        title=L(
            ja=f"勾配の精度 ε = {s.epsilon:g} に必要な総ショット数",
            en=f"Total shots for gradient precision ε = {s.epsilon:g}",
        ),
        caption=L(
            ja="ショットありシミュレータで測ったばらつきから、各成分の標準誤差を ε にするのに要る総ショット数を求めた。",
            en="From the spread measured on the shot-based simulator: the total shots that bring each "
            "component's standard error down to ε.",
        ),
        xlabel=P_LABEL,
        ylabel=L(ja="総ショット数", en="total shots"),
        xscale="log",
        yscale="log",
        series=[Series(label=L(ja="測定値", en="measured"), x=s.params, y=s.total_shots)],
    )
    mlp = Figure(
        title=L(ja="古典 MLP：誤差逆伝播のコスト比", en="Classical MLP: cost ratio of backpropagation"),
        caption=L(
            ja="（順伝播＋逆伝播）÷順伝播。パラメータ数が桁で増えても比はほぼ一定。",
            en="(forward + backward) / forward. The ratio stays flat while parameters grow by decades.",
        ),
        xlabel=L(ja="MLP のパラメータ数", en="MLP parameters"),
        ylabel=L(ja="コスト比", en="cost ratio"),
        xscale="log",
        series=[
            Series(
                label=L(ja="torch autograd", en="torch autograd"),
                x=r.mlp.params,
                y=_mean(r.mlp.ratio),
                lo=[min(row) for row in r.mlp.ratio],
                hi=[max(row) for row in r.mlp.ratio],
            ),
            Series(
                label=L(ja="上限 5（Griewank & Walther）", en="bound 5 (Griewank & Walther)"),
                x=[r.mlp.params[0], r.mlp.params[-1]],
                y=[CHEAP_GRADIENT] * 2,
                style="fit",
            ),
        ],
    )
    return Report(
        values=values, tables={"counts": counts}, figures={"cost": cost, "shots": shots, "mlp": mlp}
    )


claim = define(
    id="parameter-shift-cost",
    section="quantum",
    kind="experiment",
    statement=L(
        ja="誤差逆伝播は 1 回の逆向きの計算で全パラメータの勾配を得るが、量子回路のパラメータシフト法は"
        "パラメータ 1 個ごとに回路を 2 回別々に走らせる必要がある。だから「量子で AI が爆速になる」は言い過ぎだ。",
        en="Backpropagation gets every gradient in one backward pass, but the parameter-shift rule needs two "
        "separate circuit runs per parameter, so 'quantum makes AI blazing fast' is an overstatement.",
    ),
    question=L(
        ja="勾配 1 回のコストは、パラメータ数 P とともにどう増えるか。方式ごとに、自分の順伝播 1 回を単位に測る。",
        en="How does the cost of one gradient grow with the number of parameters P, measured for each method in "
        "units of its own forward pass?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(
            params=(4, 8, 16, 32, 64, 128),
            repeats=3,
            shot_params=(4, 8, 16),
            shot_repeats=12,
            mlp_widths=(16, 64, 256, 1024),
            mlp_repeats=3,
            bootstrap=1000,
        ),
        "site": exp.Config(
            params=(4, 8, 16, 32, 64, 128, 256),
            repeats=3,
            shot_params=(4, 8, 16, 32),
            shot_repeats=16,
            mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048),
            mlp_repeats=5,
        ),
        "full": exp.Config(
            params=(4, 8, 16, 32, 64, 128, 256, 512, 1024),
            repeats=8,
            shot_params=(4, 8, 16, 32, 64, 128),
            shot_repeats=40,
            mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048, 4096),
            mlp_repeats=10,
            bootstrap=5000,
        ),
    },
    rule=rule,
    control=control,
    report=report,
    expected="supported",
    headline="ps_exponent",
    anchors=[
        Anchor(
            cite="Mitarai et al. 2018, Phys. Rev. A 98, 032309",
            url="https://arxiv.org/abs/1803.00745",
            theirs=L(
                ja="勾配の各成分を、パラメータを ±π/2 ずらした 2 回の回路評価から求める",
                en="each gradient component from two circuit evaluations with the parameter shifted ±π/2",
            ),
            ours="executions_per_param",
        ),
        Anchor(
            cite="Schuld et al. 2019, Phys. Rev. A 99, 032331",
            url="https://arxiv.org/abs/1811.11184",
            theirs=L(
                ja="固有値 2 つの生成子をもつゲートなら、1 パラメータにつき 2 回の評価で厳密な勾配",
                en="exact gradients from 2 evaluations per parameter for gates whose generator has two "
                "eigenvalues",
            ),
            ours="ps_exponent",
        ),
        Anchor(
            cite="PennyLane demo: Quantum gradients with backpropagation (Izaac 2020)",
            url="https://pennylane.ai/qml/demos/tutorial_backprop",
            theirs=L(
                ja="パラメータシフト法の時間はパラメータ数に線形、シミュレータ上の逆伝播はほぼ定数倍",
                en="parameter-shift time grows linearly with parameters; backprop on a simulator is "
                "roughly a constant overhead",
            ),
            ours="backprop_exponent",
        ),
        Anchor(
            cite="Griewank & Walther 2008, Evaluating Derivatives (2nd ed.), SIAM",
            url="https://doi.org/10.1137/1.9780898717761",
            theirs=L(
                ja="逆モード自動微分の勾配は関数評価の定数倍（≤ 5 程度）で求まる（安価な勾配の原理）",
                en="reverse-mode gradients cost a small constant (≲ 5) times the function: the "
                "cheap-gradient principle",
            ),
            ours="mlp_ratio_max",
        ),
        Anchor(
            cite="Abbas et al. 2023, NeurIPS (On quantum backpropagation…)",
            url="https://arxiv.org/abs/2306.13362",
            theirs=L(
                ja="量子ハードウェア上で逆伝播並みの勾配コストを得るには、状態の複製など強い資源が要る",
                en="backprop-like gradient scaling on quantum hardware needs strong resources such as "
                "multiple copies of the state",
            ),
            ours=None,
        ),
    ],
    timeout_s={"quick": 300, "site": 900, "full": 6 * 3600},
)
