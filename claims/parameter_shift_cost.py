"""Claim parameter-shift-cost: a quantum gradient by parameter shift costs two circuit runs per parameter,
while backpropagation costs a constant multiple of one forward pass."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import parameter_shift_cost as exp
from experiments.common.stats import Estimate, exact, loglog_slope
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Table, Value, any_accepted
from kanguri.claim import define
from kanguri.rule import Verdict

THRESHOLDS = {
    "grows": 0.75,  # "cost grows ∝ P": the exponent's 95% lower bound is above this
    "cheap": 5.0,  # Griewank & Walther's bound on (forward + gradient) / forward for reverse mode
    "flat": 0.25,  # "a constant factor": the exponent's 95% upper bound is below this
    "per_param_low": 1.5,  # executions per parameter at the largest P: two shifts, less the light cone
    "per_param_high": 2.1,
}
T = THRESHOLDS


def grows(e: Estimate) -> bool:
    """The criterion of the claim: cost grows in proportion to P."""
    return e.lo > T["grows"]


def predicted_executions(ev: exp.Evidence) -> list[int]:
    """One forward run, plus two shifted runs for every parameter inside the light cone."""
    return [1 + 2 * (p - z) for p, z in zip(ev.params, ev.light_cone_zeros, strict=True)]


def _exponent_facts(e: Estimate) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi}


def _verdict(held) -> Verdict:
    if all(held.values()):
        return "supported"
    return "partly" if held["ps_grows"] and held["ps_counts"] else "not-supported"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "ps_counts": Check(
            facts=lambda ev: {
                "counted": ev.ps_executions[-1],
                "predicted": predicted_executions(ev)[-1],
                "per_param": ev.ps_executions[-1] / ev.params[-1],
                "all_equal": ev.ps_executions == predicted_executions(ev),
                "low": T["per_param_low"],
                "high": T["per_param_high"],
            },
            holds=lambda f: f["all_equal"] and f["low"] <= f["per_param"] <= f["high"],
            yes=L(
                ja="パラメータシフト法の回路実行数は、光円錐から独立に数えた予測 1 + 2×(P − 光円錐外のパラメータ数) と"
                "すべての P で一致した（最大の P で {counted} 回、1 パラメータあたり {per_param:.2f} 回）。",
                en="Parameter-shift circuit executions equal the prediction 1 + 2×(P − parameters outside the light "
                "cone), counted independently, at every P ({counted} at the largest P, {per_param:.2f} per parameter).",
            ),
            no=L(
                ja="パラメータシフト法の回路実行数が予測と合わない、または 1 パラメータあたり {per_param:.2f} 回が "
                "{low}〜{high} の外（最大の P で実測 {counted} 回、予測 {predicted} 回）。",
                en="Parameter-shift executions differ from the light-cone prediction, or {per_param:.2f} per parameter "
                "lies outside {low} to {high} ({counted} counted at the largest P, {predicted} predicted).",
            ),
        ),
        "ps_grows": Check(
            facts=lambda ev: _exponent_facts(ev.ps_exponent) | {"bar": T["grows"]},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="パラメータシフト法の回路実行数は P の {value:.2f} 乗で増える（実行回数を数えた値）。下限が {bar} を超え、P に比例して増えると言える。",
                en="Parameter-shift executions grow as P to the power {value:.2f} (counted executions); the lower bound is "
                "above {bar}: the cost grows in proportion to P.",
            ),
            no=L(
                ja="パラメータシフト法の回路実行数の指数は {value:.2f}（下限 {lo:.2f}）で、{bar} を超えない。P に比例した増加は示せなかった。",
                en="Parameter-shift executions grow with exponent {value:.2f} (lower bound {lo:.2f}), not above {bar}: "
                "no growth in proportion to P is shown.",
            ),
        ),
        "mlp_cheap": Check(
            facts=lambda ev: {
                "ratio": ev.mlp_max_ratio.hi,
                "exponent": ev.mlp_exponent.hi,
                "cheap": T["cheap"],
                "flat": T["flat"],
            },
            holds=lambda f: f["ratio"] < f["cheap"] and f["exponent"] < f["flat"],
            yes=L(
                ja="古典 MLP の誤差逆伝播は順伝播の高々 {ratio:.2f} 倍の FLOP（上限 {cheap:g}）で、規模への指数も {exponent:.2f}（{flat} 未満）。"
                "勾配全体が定数倍のコストで得られる。",
                en="Backpropagation through the classical MLP costs at most {ratio:.2f} times the forward FLOPs "
                "(bound {cheap:g}), with exponent {exponent:.2f} in size (below {flat}): every gradient for a "
                "constant factor.",
            ),
            no=L(
                ja="古典 MLP の逆伝播の FLOP 比 {ratio:.2f}（上限 {cheap:g}）または規模への指数 {exponent:.2f}（基準 {flat}）が、定数倍の範囲を外れた。",
                en="The classical MLP's FLOP ratio {ratio:.2f} (bound {cheap:g}) or its exponent {exponent:.2f} in "
                "size (bar {flat}) is outside a constant factor.",
            ),
        ),
    },
    verdict=_verdict,
)


def _grows_check(name: str, pick) -> Check[exp.Evidence]:
    """The claim's own "grows ∝ P" criterion, on a method that computes every gradient in one pass."""
    return Check(
        facts=lambda ev: _exponent_facts(pick(ev)) | {"name": name, "bar": T["grows"]},
        holds=lambda f: f["lo"] > f["bar"],
        yes=L(
            ja="{name}：指数 {value:.2f}、下限が {bar} を超えた。基準はこの方式も P に比例すると判定した（甘すぎる）。",
            en="{name}: exponent {value:.2f}, lower bound above {bar}: the criterion calls this method ∝ P as well "
            "(too lax).",
        ),
        no=L(
            ja="{name}：指数 {value:.2f}（上限 {hi:.2f}）。下限は {bar} を超えず、基準は棄却した。",
            en="{name}: exponent {value:.2f} (upper bound {hi:.2f}); the lower bound is not above {bar}, so the "
            "criterion rejects it.",
        ),
    )


control: Rule[exp.Evidence] = Rule(
    checks={
        "adjoint": _grows_check("adjoint (lightning.qubit)", lambda ev: ev.adjoint_exponent),
        "backprop": _grows_check("backprop (default.qubit)", lambda ev: ev.backprop_exponent),
    },
    verdict=any_accepted,
)


def _supporting() -> exp.Evidence:
    params = [4, 8, 16, 32, 64]
    zeros = [2, 3, 3, 3, 3]
    return exp.Evidence(
        params=params,
        ps_executions=[1 + 2 * (p - z) for p, z in zip(params, zeros, strict=True)],
        light_cone_zeros=zeros,
        ps_exponent=exact(1.1),
        adjoint_exponent=exact(0.0),
        backprop_exponent=exact(0.1),
        mlp_max_ratio=exact(3.0),
        mlp_exponent=exact(0.02),
    )


def _null() -> exp.Evidence:
    """A gradient that costs one pass whatever P: the effect the claim describes is absent."""
    return replace(_supporting(), ps_executions=[2] * 5, ps_exponent=exact(0.0))


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "ps_counts": lambda ev: replace(ev, ps_executions=[*ev.ps_executions[:-1], ev.ps_executions[-1] + 2]),
        "ps_grows": lambda ev: replace(ev, ps_exponent=exact(0.6)),
        "mlp_cheap": lambda ev: replace(ev, mlp_max_ratio=exact(12.0)),
    },
    control_flips={
        "adjoint": lambda ev: replace(ev, adjoint_exponent=exact(1.0)),
        "backprop": lambda ev: replace(ev, backprop_exponent=exact(1.0)),
    },
)


NAMES = {
    "parameter-shift": L(ja="パラメータシフト法", en="parameter shift"),
    "adjoint": L(ja="随伴法（lightning.qubit）", en="adjoint (lightning.qubit)"),
    "backprop": L(ja="誤差逆伝播（default.qubit）", en="backprop (default.qubit)"),
}
P_LABEL = L(ja="学習パラメータ数 P", en="trainable parameters P")


def report(r: exp.Result) -> Report:
    ev, s = r.evidence, r.shots
    ps = r.methods["parameter-shift"]
    values = {
        "ps_exponent": Value.of(
            L(ja="パラメータシフト法の指数", en="parameter-shift exponent"), ev.ps_exponent
        ),
        "adjoint_exponent": Value.of(L(ja="随伴法の指数", en="adjoint exponent"), ev.adjoint_exponent),
        "backprop_exponent": Value.of(L(ja="誤差逆伝播の指数", en="backprop exponent"), ev.backprop_exponent),
        "executions_per_param": Value(
            label=L(ja="1 パラメータあたりの実行回数", en="executions per parameter"),
            value=ev.ps_executions[-1] / ev.params[-1],
        ),
        "ps_executions_max": Value(
            label=L(ja="最大の P での実行回数", en="executions at the largest P"), value=ev.ps_executions[-1]
        ),
        "p_max": Value(label=L(ja="最大の P", en="largest P"), value=ev.params[-1]),
        "qubits": Value(label=L(ja="量子ビット数", en="qubits"), value=r.n_qubits),
        "ps_time_exponent": Value(
            label=L(ja="パラメータシフト法の時間の指数", en="parameter-shift time exponent"),
            value=ps.time_exponent,
        ),
        "adjoint_time_exponent": Value(
            label=L(ja="随伴法の時間の指数", en="adjoint time exponent"),
            value=r.methods["adjoint"].time_exponent,
        ),
        "backprop_time_exponent": Value(
            label=L(ja="誤差逆伝播の時間の指数", en="backprop time exponent"),
            value=r.methods["backprop"].time_exponent,
        ),
        "backprop_work_max": Value(
            label=L(ja="最大の P での誤差逆伝播の仕事量比", en="backprop work ratio at the largest P"),
            value=r.methods["backprop"].work_ratio[-1],
        ),
        "shots_exponent": Value.of(L(ja="総ショット数の指数", en="total-shots exponent"), s.exponent),
        "shots_executions_exponent": Value(
            label=L(ja="同じ範囲での実行回数の指数", en="executions exponent over the same P"),
            value=loglog_slope(s.params, s.executions),
        ),
        "shots_spread_exponent": Value(
            label=L(ja="成分のばらつき（分散）の指数", en="exponent of a component's variance"),
            value=loglog_slope(s.params, [x**2 for x in s.sigma_at_shots]),
        ),
        "shots_total_max": Value(label=L(ja="総ショット数", en="total shots"), value=s.total_shots[-1]),
        "epsilon": Value(label=L(ja="勾配の精度 ε", en="gradient precision ε"), value=s.epsilon),
        "mlp_ratio_max": Value.of(L(ja="MLP の最大 FLOP 比", en="largest MLP FLOP ratio"), ev.mlp_max_ratio),
        "mlp_exponent": Value.of(L(ja="MLP の指数", en="MLP exponent"), ev.mlp_exponent),
        "mlp_time_max": Value(
            label=L(ja="MLP の最大の時間比", en="largest MLP time ratio"), value=max(r.mlp.time_ratio)
        ),
        "mlp_params_max": Value(
            label=L(ja="MLP の最大パラメータ数", en="largest MLP"), value=r.mlp.params[-1]
        ),
    }
    counts = Table(
        caption=L(
            ja="順伝播＋勾配 1 回あたりの回路実行数（PennyLane の Tracker で計数）と、光円錐からの予測",
            en="Circuit executions for a forward pass and one gradient, counted by PennyLane's Tracker, beside "
            "the light-cone prediction",
        ),
        columns=[
            P_LABEL,
            L(ja="光円錐の外のパラメータ", en="parameters outside the light cone"),
            L(ja="予測 1 + 2(P − 外)", en="predicted 1 + 2(P − outside)"),
            NAMES["parameter-shift"],
            NAMES["adjoint"],
            NAMES["backprop"],
        ],
        rows=[
            [p, z, pred, a, b, c]
            for p, z, pred, a, b, c in zip(
                ev.params,
                ev.light_cone_zeros,
                predicted_executions(ev),
                ps.executions,
                r.methods["adjoint"].executions,
                r.methods["backprop"].executions,
                strict=True,
            )
        ],
    )
    work = Figure(
        title=L(ja="勾配の仕事量（順伝播 1 回で割った値）", en="Gradient work in units of one forward pass"),
        caption=L(
            ja="（順伝播＋勾配）÷順伝播。パラメータシフト法と随伴法は回路実行数、誤差逆伝播はシミュレータの torch 演算が書いたバイト数で数えた。両対数軸。",
            en="(forward + gradient) / forward: circuit executions for parameter shift and adjoint, bytes written "
            "by the simulator's torch operations for backprop. Log-log axes.",
        ),
        xlabel=P_LABEL,
        ylabel=L(ja="仕事量の比", en="work ratio"),
        xscale="log",
        yscale="log",
        series=[Series(label=NAMES[m], x=ev.params, y=r.methods[m].work_ratio) for m in exp.METHODS],
    )
    timing = Figure(
        title=L(ja="時間で見た勾配のコスト（裏付け）", en="Gradient cost in time (corroboration)"),
        caption=L(
            ja="（順伝播＋勾配）÷順伝播の時間比。各 P で k 回ずつ交互に測り、それぞれの最小値の比をとった。両対数軸。",
            en="(forward + gradient) / forward in time: at each P the two were timed k times, interleaved, and "
            "the ratio of their minima is shown. Log-log axes.",
        ),
        xlabel=P_LABEL,
        ylabel=L(ja="時間比", en="time ratio"),
        xscale="log",
        yscale="log",
        series=[Series(label=NAMES[m], x=ev.params, y=r.methods[m].time_ratio) for m in exp.METHODS],
    )
    shots = Figure(
        title=L(ja="勾配の精度 ε に必要な総ショット数", en="Total shots for a gradient of precision ε"),
        caption=L(
            ja="ショットありシミュレータで測った、勾配がゼロでない成分のばらつきから、各成分の標準誤差を ε にするのに要る総ショット数を求めた。",
            en="From the spread of the non-zero gradient components on the shot-based simulator: the total shots "
            "that bring each component's standard error down to ε.",
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
            ja="（順伝播＋逆伝播）÷順伝播。FLOP は torch の FlopCounterMode で数え、時間は最小値の比。",
            en="(forward + backward) / forward: FLOPs counted by torch's FlopCounterMode, and time as a ratio of "
            "minima.",
        ),
        xlabel=L(ja="MLP のパラメータ数", en="MLP parameters"),
        ylabel=L(ja="コスト比", en="cost ratio"),
        xscale="log",
        series=[
            Series(label=L(ja="FLOP", en="FLOPs"), x=r.mlp.params, y=r.mlp.flop_ratio),
            Series(label=L(ja="時間", en="time"), x=r.mlp.params, y=r.mlp.time_ratio, style="points"),
            Series(
                label=L(ja="上限（Griewank & Walther）", en="bound (Griewank & Walther)"),
                x=[r.mlp.params[0], r.mlp.params[-1]],
                y=[T["cheap"]] * 2,
                style="fit",
            ),
        ],
    )
    return Report(
        values=values,
        tables={"counts": counts},
        figures={"work": work, "timing": timing, "shots": shots, "mlp": mlp},
    )


claim = define(
    "parameter-shift-cost",
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
            shot_params=(4, 8, 16, 32),
            shot_repeats=16,
            mlp_widths=(16, 64, 256, 1024),
        ),
        "site": exp.Config(
            params=(4, 8, 16, 32, 64, 128, 256),
            timing_repeats=7,
            shot_params=(4, 8, 16, 24, 32, 64),
            shot_repeats=64,
            mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048),
        ),
        "full": exp.Config(
            params=(4, 8, 16, 32, 64, 128, 256, 512, 1024),
            timing_repeats=15,
            shot_params=(4, 8, 16, 32, 64, 128, 256),
            shot_repeats=256,
            mlp_widths=(16, 32, 64, 128, 256, 512, 1024, 2048, 4096),
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
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
            locator="arXiv:1811.11184, abstract",
            quote="in many important instances it is sufficient to run the original quantum circuit twice while shifting a single gate parameter to obtain the corresponding component of the gradient",
            checked=datetime.date(2026, 12, 1),
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
            url="https://arxiv.org/abs/2305.13362",
            theirs=L(
                ja="量子ハードウェア上で逆伝播並みの勾配コストを得るには、状態の複製など強い資源が要る",
                en="backprop-like gradient scaling on quantum hardware needs strong resources such as "
                "multiple copies of the state",
            ),
            ours=None,
            locator="arXiv:2305.13362, abstract",
            quote="We show that achieving backpropagation scaling is impossible without access to multiple copies of a state.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
