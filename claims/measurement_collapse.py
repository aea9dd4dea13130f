"""Claim measurement-collapse: backprop needs intermediate values, and looking at a quantum state collapses it."""

from __future__ import annotations

import datetime
from dataclasses import replace

import numpy as np

from experiments import measurement_collapse as exp
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
    "kept": 0.9,  # interference is intact when the visibility's lower bound is above this
    "destroyed": 0.1,  # interference is destroyed when the visibility's upper bound is below this
    "tolerance": 1e-9,  # numerical slack on Englert's bound D² + V² ≤ 1
    "exponential": 1.0,  # read-out cost "grows exponentially": shots at least double per qubit (log₂ factor)
}
T = THRESHOLDS

KIND_NAMES = {
    "free": L(ja="測定なし", en="no measurement"),
    "z": L(ja="途中で Z 測定", en="measured in Z midway"),
    "eigen": L(ja="途中で固有基底（X）測定", en="measured in its eigenbasis (X) midway"),
}


def _estimate(e: Estimate) -> dict:
    return {"value": e.value, "lo": e.lo, "hi": e.hi}


rule: Rule[exp.Evidence] = Rule(
    checks={
        "interference_destroyed": Check(
            facts=lambda ev: {
                "free": ev.visibility["free"].value,
                "free_lo": ev.visibility["free"].lo,
                "z": ev.visibility["z"].value,
                "z_hi": ev.visibility["z"].hi,
                "kept": T["kept"],
                "destroyed": T["destroyed"],
            },
            holds=lambda f: f["free_lo"] > f["kept"] and f["z_hi"] < f["destroyed"],
            yes=L(
                ja="測定しない干渉計の縞の明瞭度は {free:.3f}（下限 {free_lo:.3f} > {kept}）。途中で測ると {z:.3f}（上限 {z_hi:.3f} < {destroyed}）に落ち、干渉は消えた。",
                en="Unmeasured, the interferometer's fringe visibility is {free:.3f} (lower bound {free_lo:.3f} > "
                "{kept}); measured midway it falls to {z:.3f} (upper bound {z_hi:.3f} < {destroyed}): the "
                "interference is gone.",
            ),
            no=L(
                ja="干渉の消失を示せなかった。測定なしの明瞭度 {free:.3f}（下限 {free_lo:.3f}、基準 {kept}）、途中測定ありで {z:.3f}（上限 {z_hi:.3f}、基準 {destroyed}）。",
                en="No loss of interference is shown: visibility {free:.3f} unmeasured (lower bound {free_lo:.3f}, "
                "bar {kept}), {z:.3f} measured midway (upper bound {z_hi:.3f}, bar {destroyed}).",
            ),
        ),
        "information_costs_coherence": Check(
            facts=lambda ev: {"worst": ev.tradeoff_max, "family": ev.family_min, "tol": T["tolerance"]},
            holds=lambda f: f["worst"] <= 1 + f["tol"] and f["family"] >= 1 - f["tol"],
            yes=L(
                ja="どの測定でも、得た経路情報 D と残った明瞭度 V は D² + V² ≤ 1 を守り（最大 {worst:.6f}）、最適な測定は境界上にあった（最小 {family:.6f}）。情報を得た分だけ干渉が失われる。",
                en="Every measurement kept D² + V² ≤ 1 between the which-way information D it gained and the "
                "visibility V it left (largest {worst:.6f}), and the optimal ones lie on the bound (smallest "
                "{family:.6f}): information is paid for in interference.",
            ),
            no=L(
                ja="情報と擾乱のトレードオフが確認できない。D² + V² の最大は {worst:.6f}、最適な測定の最小は {family:.6f}（許容誤差 {tol:.0e}）。",
                en="The information–disturbance trade-off is not confirmed: D² + V² reaches {worst:.6f}, and the "
                "optimal family's smallest is {family:.6f} (tolerance {tol:.0e}).",
            ),
        ),
        "readout_exponential": Check(
            facts=lambda ev: _estimate(ev.growth) | {"bar": T["exponential"], "factor": 2**ev.growth.value},
            holds=lambda f: f["lo"] > f["bar"],
            yes=L(
                ja="中間状態を数値として読み出す（トモグラフィー）のに要るショット数は、量子ビット 1 個ごとに約 {factor:.0f} 倍になった（log₂ で {value:.2f}、下限 {lo:.2f} > {bar}）。指数的に増える。",
                en="Reading an intermediate state out as numbers (tomography) takes about {factor:.0f} times more "
                "shots per added qubit (log₂ {value:.2f}, lower bound {lo:.2f} > {bar}): exponential growth.",
            ),
            no=L(
                ja="トモグラフィーのショット数の増え方は 1 量子ビットあたり log₂ で {value:.2f}（下限 {lo:.2f}、基準 {bar}）で、指数的な増加は示せなかった。",
                en="Tomography shots grow by log₂ {value:.2f} per qubit (lower bound {lo:.2f}, bar {bar}): no "
                "exponential growth is shown.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "eigenbasis": Check(
            facts=lambda ev: _estimate(ev.visibility["eigen"]) | {"bar": T["destroyed"]},
            holds=lambda f: f["hi"] < f["bar"],
            yes=L(
                ja="固有基底で測っても明瞭度は {value:.3f}（上限 {hi:.3f} < {bar}）。基準は「壊れた」と判定した（甘すぎる）。",
                en="Measured in its eigenbasis, visibility {value:.3f} (upper bound {hi:.3f} < {bar}): the "
                "criterion calls this destroyed too (too lax).",
            ),
            no=L(
                ja="中間状態が固有状態になる基底で測ると、明瞭度は {value:.3f}（{lo:.3f}〜{hi:.3f}）のまま。基準は「壊れた」を棄却した。",
                en="Measured in the basis where the intermediate state is an eigenstate, visibility stays at "
                "{value:.3f} ({lo:.3f} to {hi:.3f}): the criterion rejects 'destroyed'.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _v(value: float, half: float = 0.01) -> Estimate:
    return Estimate(value, value - half, value + half, "bootstrap over shots", 24000)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        visibility={"free": _v(1.0), "z": _v(0.02), "eigen": _v(1.0)},
        tradeoff_max=1.0,
        family_min=1.0,
        growth=Estimate(4.2, 4.0, 4.3, "bootstrap over seeds", 5),
    )


def _null() -> exp.Evidence:
    """A world where looking is free: fringes survive, information costs nothing, read-out is cheap."""
    return exp.Evidence(
        visibility={"free": _v(1.0), "z": _v(0.98), "eigen": _v(1.0)},
        tradeoff_max=1.6,
        family_min=1.6,
        growth=Estimate(0.0, -0.1, 0.1, "bootstrap over seeds", 5),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "interference_destroyed": lambda ev: replace(ev, visibility={**ev.visibility, "z": _v(0.5)}),
        "information_costs_coherence": lambda ev: replace(ev, tradeoff_max=1.3),
        "readout_exponential": lambda ev: replace(
            ev, growth=Estimate(0.8, 0.6, 1.0, "bootstrap over seeds", 5)
        ),
    },
    control_flips={"eigenbasis": lambda ev: replace(ev, visibility={**ev.visibility, "eigen": _v(0.02)})},
)


def report(r: exp.Result) -> Report:
    ev = r.evidence
    values = {
        f"visibility_{k}": Value.of(L(ja=f"明瞭度（{n.ja}）", en=f"visibility ({n.en})"), ev.visibility[k])
        for k, n in KIND_NAMES.items()
    }
    values |= {
        "tradeoff_max": Value(
            label=L(ja="D² + V² の最大", en="largest D² + V²"), value=ev.tradeoff_max, digits=6
        ),
        "family_min": Value(
            label=L(ja="最適な測定での D² + V² の最小", en="smallest D² + V² of the optimal family"),
            value=ev.family_min,
            digits=6,
        ),
        "growth": Value.of(
            L(ja="1 量子ビットあたりのショット増加（log₂）", en="shot growth per qubit (log₂)"), ev.growth
        ),
        "growth_factor": Value(
            label=L(ja="1 量子ビットあたりの倍率", en="factor per qubit"), value=2**ev.growth.value
        ),
        "shots_max": Value(
            label=L(ja="最大の n でのショット数", en="shots at the largest n"), value=r.tomography_shots[-1]
        ),
        "qubits_max": Value(label=L(ja="最大の量子ビット数", en="largest n"), value=r.qubits[-1]),
        "saved_max": Value(
            label=L(
                ja="古典ネットが保存する中間値（最大幅）", en="values a classical net saves (largest width)"
            ),
            value=r.saved_values[-1],
        ),
        "random_markers": Value(
            label=L(ja="ランダムな測定の数", en="random measurements"), value=len(r.random_d)
        ),
        "lightning_deviation": Value(
            label=L(ja="lightning.qubit との最大差", en="largest difference from lightning.qubit"),
            value=r.lightning_deviation,
        ),
    }
    fine = np.linspace(0, 2 * np.pi, 97)
    fringes = Figure(
        title=L(ja="干渉縞と途中の測定", en="Fringes and a measurement midway"),
        caption=L(
            ja="H・位相 φ・H の干渉計で 0 が出る割合（有限ショット）。線は理論値 cos²(φ/2)。途中で Z を測ると縞は平らになり、|+⟩ の固有基底（X）で測ると縞は残る。",
            en="Share of outcome 0 in the H, phase φ, H interferometer (finite shots); the line is cos²(φ/2). "
            "A Z measurement midway flattens the fringe; one in |+⟩'s eigenbasis (X) leaves it intact.",
        ),
        xlabel=L(ja="位相 φ", en="phase φ"),
        ylabel=L(ja="P(0)", en="P(0)"),
        series=[
            Series(
                label=L(ja="理論 cos²(φ/2)", en="theory cos²(φ/2)"),
                x=fine.tolist(),
                y=(np.cos(fine / 2) ** 2).tolist(),
                style="fit",
            ),
            *[Series(label=KIND_NAMES[k], x=r.phases, y=r.fringes[k], style="points") for k in exp.KINDS],
        ],
    )
    circle = np.linspace(0, np.pi / 2, 50)
    tradeoff = Figure(
        title=L(ja="得た情報と残った干渉", en="Information gained against interference kept"),
        caption=L(
            ja="経路の目印（補助量子ビット）ごとの、経路情報 D と残った明瞭度 V。線は強さ s を 0 から 1 まで変えた最適な目印、点はランダムな目印。どれも円 D² + V² = 1 の外には出ない。",
            en="Which-way information D and visibility left V for each marker (an ancilla). The line is the optimal "
            "marker as its strength s goes from 0 to 1, the points are random markers. None leaves the circle "
            "D² + V² = 1.",
        ),
        xlabel=L(ja="明瞭度 V", en="visibility V"),
        ylabel=L(ja="経路情報 D", en="which-way information D"),
        series=[
            Series(
                label=L(ja="ランダムな目印", en="random markers"), x=r.random_v, y=r.random_d, style="points"
            ),
            Series(
                label=L(ja="最適な目印（強さ s）", en="optimal marker (strength s)"),
                x=r.family_v,
                y=r.family_d,
            ),
            Series(
                label=L(ja="境界 D² + V² = 1", en="bound D² + V² = 1"),
                x=np.cos(circle).tolist(),
                y=np.sin(circle).tolist(),
                style="fit",
            ),
        ],
    )
    n_label = L(ja="量子ビット数 n（古典はユニット数）", en="qubits n (units, for the classical net)")
    cost = Figure(
        title=L(ja="中間値を手元に残すコスト", en="The cost of keeping an intermediate value"),
        caption=L(
            ja=f"n 量子ビットの純粋状態をパウリ測定のトモグラフィーで忠実度 {r.target_fidelity} まで読み出す総ショット数（状態 {ev.growth.n} 個の幾何平均、帯は ±2 標準誤差）と、幅 n の古典ネットワークが誤差逆伝播のために保存する中間値の数。縦軸は対数。",
            en=f"Total shots to read an n-qubit pure state out to fidelity {r.target_fidelity} by Pauli tomography (geometric mean "
            f"over {ev.growth.n} states, band ±2 standard errors), and the intermediate values a width-n classical "
            "network saves for backpropagation. Log scale.",
        ),
        xlabel=n_label,
        ylabel=L(ja="ショット数／保存する値の数", en="shots / values saved"),
        yscale="log",
        series=[
            Series(
                label=L(ja="トモグラフィーの総ショット数", en="tomography shots"),
                x=r.qubits,
                y=r.tomography_shots,
                lo=r.tomography_lo,
                hi=r.tomography_hi,
            ),
            Series(
                label=L(ja="古典ネットの保存値", en="classical net: values saved"),
                x=list(range(1, len(r.saved_values) + 1)),
                y=r.saved_values,
                style="points",
            ),
        ],
    )
    table = Table(
        caption=L(ja="トモグラフィーのコスト", en="Cost of tomography"),
        columns=[
            L(ja="量子ビット数 n", en="qubits n"),
            L(ja="パウリ設定 3ⁿ", en="Pauli settings 3ⁿ"),
            L(ja="総ショット数", en="total shots"),
        ],
        rows=[[n, s, t] for n, s, t in zip(r.qubits, r.settings, r.tomography_shots, strict=True)],
    )
    return Report(
        values=values,
        tables={"tomography": table},
        figures={"fringes": fringes, "tradeoff": tradeoff, "cost": cost},
    )


claim = define(
    "measurement-collapse",
    statement=L(
        ja="誤差逆伝播には途中の値が要るが、量子状態は途中で見ると壊れてしまう。",
        en="Backpropagation needs the intermediate values, but looking at a quantum state midway destroys it.",
    ),
    question=L(
        ja="途中の量子状態を測ると、計算（干渉）はどれだけ壊れるか。壊さずに得られる情報はどれだけで、状態を数値として手元に残すには何回の実行が要るか。",
        en="How much of the computation (the interference) does a measurement midway destroy? How much information "
        "can be had without destroying it, and how many runs does it take to keep the state as numbers?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(max_qubits=5, bootstrap=500, random_markers=200),
        "site": exp.Config(),
        "full": exp.Config(max_qubits=8, states=20, shots=20000, phases=24, random_markers=5000),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="growth_factor",
    anchors=[
        Anchor(
            cite="Wootters & Zurek 1982, Nature 299, 802",
            url="https://doi.org/10.1038/299802a0",
            theirs=L(
                ja="量子力学の線形性により、未知の量子状態は複製できない",
                en="the linearity of quantum mechanics forbids copying an unknown quantum state",
            ),
            ours=None,
            locator="Nature 299, 802–803, first paragraph",
            quote="We show here that the linearity of quantum mechanics forbids such replication and that this "
            "conclusion holds for all quantum systems.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Englert 1996, Phys. Rev. Lett. 77, 2154",
            url="https://doi.org/10.1103/PhysRevLett.77.2154",
            theirs=L(
                ja="経路情報と縞の明瞭度は D² + V² ≤ 1 を満たす",
                en="which-way information and fringe visibility obey D² + V² ≤ 1",
            ),
            ours="tradeoff_max",
        ),
        Anchor(
            cite="Haah et al. 2017, IEEE Trans. Inf. Theory (Sample-optimal tomography of quantum states)",
            url="https://doi.org/10.1109/TIT.2017.2719044",
            theirs=L(
                ja="d 次元・ランク r の状態を不忠実度 δ まで推定するには O((dr/δ) ln(d/δ)) 個の複製で足り、ほぼ最適。1 個ずつの測定では Ω(dr²/δ²)/ln(1/δ) 個が必要",
                en="O((dr/δ) ln(d/δ)) copies estimate a rank-r, d-dimensional state to infidelity δ, nearly optimal; "
                "measuring copies one by one needs Ω(dr²/δ²)/ln(1/δ)",
            ),
            ours="growth_factor",
            locator="abstract",
            quote="We also prove that for independent (product) measurements, Ω(dr²/δ²)/ln(1/δ) copies are "
            "necessary in order to achieve error δ in infidelity.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Huang, Kueng & Preskill 2020, Nat. Phys. 16, 1050",
            url="https://arxiv.org/abs/2002.08953",
            theirs=L(
                ja="M 個の性質を予測するだけなら、log M のオーダーの測定で足り、系の大きさによらない（古典シャドウ）",
                en="to predict M properties, order log M measurements suffice, independent of system size "
                "(classical shadows)",
            ),
            ours=None,
            locator="arXiv:2002.08953, abstract",
            quote="order log M measurements suffice to accurately predict M different functions of the state with "
            "high success probability. The number of measurements is independent of the system size",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Abbas et al. 2023, NeurIPS (On quantum backpropagation…)",
            url="https://arxiv.org/abs/2305.13362",
            theirs=L(
                ja="状態の複製なしに逆伝播並みのスケーリングは得られない",
                en="backpropagation scaling is impossible without multiple copies of the state",
            ),
            ours=None,
            locator="arXiv:2305.13362, abstract",
            quote="We show that achieving backpropagation scaling is impossible without access to multiple copies "
            "of a state.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
