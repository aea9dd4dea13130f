"""Claim quantum-structured-problems: quantum computers win on structured problems (Grover, Shor against
elliptic curves), not as a replacement for AI."""

from __future__ import annotations

import datetime
import math
from dataclasses import replace

import numpy as np

from experiments import quantum_structured_problems as exp
from experiments.common.stats import Estimate, wilson
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
    "quadratic": 0.5,  # Grover's query exponent in N
    "band": 0.05,  # "quadratic": the exponent's interval lies within 0.5 ± 0.05 (finite N shifts the fit a little)
    "linear": 0.9,  # classical random search: the exponent's lower bound is above this
    "bbht": 4.0,  # unknown M: BBHT's mean queries stay within 4 × √(N/M) (our bar for "O(√(N/M))")
    "shor": 0.2,  # Shor: each run factors N with probability above this (lower bound), for every N
}
T = THRESHOLDS


def quadratic(e: Estimate) -> bool:
    """The criterion of a quadratic speed-up: the query exponent's interval lies within 0.5 ± band."""
    return e.lo >= T["quadratic"] - T["band"] and e.hi <= T["quadratic"] + T["band"]


def _factored(ev: exp.Evidence) -> bool:
    return all(len(f) == 2 and math.prod(f) == n for n, f in ev.shor_factors.items())


rule: Rule[exp.Evidence] = Rule(
    checks={
        "grover_quadratic": Check(
            facts=lambda ev: {
                "g": ev.grover_exponent.value,
                "g_lo": ev.grover_exponent.lo,
                "g_hi": ev.grover_exponent.hi,
                "c": ev.classical_exponent.value,
                "c_lo": ev.classical_exponent.lo,
                "lo": T["quadratic"] - T["band"],
                "hi": T["quadratic"] + T["band"],
                "linear": T["linear"],
                "ok": quadratic(ev.grover_exponent),
            },
            holds=lambda f: f["ok"] and f["c_lo"] > f["linear"],
            yes=L(
                ja="グローバー探索の問い合わせ回数は N の {g:.3f} 乗（{g_lo:.3f}〜{g_hi:.3f}、{lo}〜{hi} の範囲内）、古典のランダム探索は {c:.3f} 乗（下限 {c_lo:.3f} > {linear}）。二乗の加速になっている。",
                en="Grover's oracle queries grow as N to the {g:.3f} ({g_lo:.3f} to {g_hi:.3f}, within {lo} to {hi}); "
                "classical random search as N to the {c:.3f} (lower bound {c_lo:.3f} > {linear}): a quadratic "
                "speed-up.",
            ),
            no=L(
                ja="二乗の加速を示せなかった。グローバーの指数 {g:.3f}（{g_lo:.3f}〜{g_hi:.3f}、基準 {lo}〜{hi}）、古典 {c:.3f}（下限 {c_lo:.3f}、基準 {linear}）。",
                en="No quadratic speed-up is shown: Grover's exponent {g:.3f} ({g_lo:.3f} to {g_hi:.3f}, band {lo} to "
                "{hi}), classical {c:.3f} (lower bound {c_lo:.3f}, bar {linear}).",
            ),
        ),
        "unknown_count": Check(
            facts=lambda ev: {"worst": ev.bbht_worst, "bar": T["bbht"], "naive": ev.naive_worst},
            holds=lambda f: f["worst"] <= f["bar"],
            yes=L(
                ja="印のついた要素の数 M が分からなくても、BBHT の手順は平均 {worst:.2f}×√(N/M) 回以内で見つけた（基準 {bar}）。M = 1 を仮定した回数のまま回すと、成功確率は {naive:.3f} まで落ちた。",
                en="With the number of marked items M unknown, the BBHT schedule still finds one within "
                "{worst:.2f}×√(N/M) queries on average (bar {bar}); running the count tuned for M = 1 instead drops "
                "the success probability to {naive:.3f}.",
            ),
            no=L(
                ja="M が未知のとき、BBHT の問い合わせ回数が √(N/M) の {worst:.2f} 倍に達し、基準 {bar} を超えた。",
                en="With M unknown, BBHT needs {worst:.2f}×√(N/M) queries, above the bar of {bar}.",
            ),
        ),
        "shor_factors": Check(
            facts=lambda ev: {
                "moduli": ", ".join(str(n) for n in ev.shor_factors),
                "found": ", ".join(
                    f"{n} = {' × '.join(map(str, f))}" for n, f in ev.shor_factors.items() if f
                ),
                "worst": min(e.lo for e in ev.shor_success.values()),
                "bar": T["shor"],
                "all": _factored(ev),
            },
            holds=lambda f: f["all"] and f["worst"] > f["bar"],
            yes=L(
                ja="位相推定による位数発見と連分数から、すべての N を素因数分解した（{found}）。1 回あたりの成功確率の下限は最小でも {worst:.2f}（基準 {bar}）。",
                en="Order finding by phase estimation, then continued fractions, factored every N ({found}); the "
                "per-run success probability's lower bound is at least {worst:.2f} (bar {bar}).",
            ),
            no=L(
                ja="N = {moduli} の一部が分解できなかったか、1 回あたりの成功確率の下限 {worst:.2f} が {bar} 以下だった。",
                en="Some of N = {moduli} were not factored, or the per-run success probability's lower bound "
                "{worst:.2f} is not above {bar}.",
            ),
        ),
    },
)

control: Rule[exp.Evidence] = Rule(
    checks={
        "classical": Check(
            facts=lambda ev: {
                "value": ev.classical_exponent.value,
                "lo": ev.classical_exponent.lo,
                "hi": ev.classical_exponent.hi,
                "ok": quadratic(ev.classical_exponent),
            },
            holds=lambda f: f["ok"],
            yes=L(
                ja="古典のランダム探索の指数 {value:.3f}（{lo:.3f}〜{hi:.3f}）でも、基準は二乗の加速と判定した（甘すぎる）。",
                en="Classical random search, exponent {value:.3f} ({lo:.3f} to {hi:.3f}), also passes as a quadratic "
                "speed-up (too lax).",
            ),
            no=L(
                ja="古典のランダム探索の指数は {value:.3f}（{lo:.3f}〜{hi:.3f}）。基準は二乗の加速を棄却した。",
                en="Classical random search has exponent {value:.3f} ({lo:.3f} to {hi:.3f}): the criterion rejects a "
                "quadratic speed-up.",
            ),
        ),
    },
    verdict=any_accepted,
)


def _exponent(value: float, half: float = 0.01) -> Estimate:
    return Estimate(value, value - half, value + half, "bootstrap over repeats", 400)


def _supporting() -> exp.Evidence:
    return exp.Evidence(
        grover_exponent=_exponent(0.49),
        classical_exponent=_exponent(1.0),
        bbht_worst=1.9,
        naive_worst=0.002,
        shor_success={15: wilson(140, 200), 21: wilson(100, 200)},
        shor_factors={15: [3, 5], 21: [3, 7]},
    )


def _null() -> exp.Evidence:
    """No speed-up and no factoring: quantum search as slow as classical, order finding that never succeeds."""
    return replace(
        _supporting(),
        grover_exponent=_exponent(1.0),
        bbht_worst=40.0,
        shor_success={15: wilson(0, 200), 21: wilson(0, 200)},
        shor_factors={15: [], 21: []},
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "grover_quadratic": lambda ev: replace(ev, grover_exponent=_exponent(0.7)),
        "unknown_count": lambda ev: replace(ev, bbht_worst=9.0),
        "shor_factors": lambda ev: replace(ev, shor_success={**ev.shor_success, 21: wilson(10, 200)}),
    },
    control_flips={"classical": lambda ev: replace(ev, classical_exponent=_exponent(0.5))},
)

N_LABEL = L(ja="探索空間の大きさ N", en="search space size N")


def report(r: exp.Result) -> Report:
    ev = r.evidence
    sizes = [2**n for n in r.qubits]
    values = {
        "grover_exponent": Value.of(L(ja="グローバーの指数", en="Grover exponent"), ev.grover_exponent),
        "classical_exponent": Value.of(
            L(ja="古典探索の指数", en="classical exponent"), ev.classical_exponent
        ),
        "iteration_exponent": Value(
            label=L(ja="最適な反復回数の指数", en="exponent of the optimal iteration count"),
            value=r.iteration_exponent,
        ),
        "qubits_max": Value(label=L(ja="最大の量子ビット数", en="largest register"), value=r.qubits[-1]),
        "iterations_max": Value(
            label=L(ja="最大の N での最適な反復回数", en="optimal iterations at the largest N"),
            value=r.optimal_iterations[-1],
        ),
        "speedup_max": Value(
            label=L(
                ja="最大の N での問い合わせ回数の比（古典 ÷ グローバー）",
                en="query ratio at the largest N (classical ÷ Grover)",
            ),
            value=r.classical_queries[-1] / r.grover_queries[-1],
        ),
        "bbht_worst": Value(
            label=L(ja="BBHT の問い合わせ ÷ √(N/M)（最大）", en="BBHT queries ÷ √(N/M) (largest)"),
            value=ev.bbht_worst,
        ),
        "naive_worst": Value(
            label=L(ja="M = 1 を仮定した場合の最低成功確率", en="lowest success assuming M = 1"),
            value=ev.naive_worst,
        ),
        "lightning_deviation": Value(
            label=L(
                ja="lightning.qubit との最大差（位相推定）",
                en="largest difference from lightning.qubit (phase estimation)",
            ),
            value=r.lightning_deviation,
        ),
        "shor_runs": Value(label=L(ja="N ごとの実行回数", en="runs per N"), value=r.shor_runs),
    }
    for n, e in ev.shor_success.items():
        values[f"shor_{n}"] = Value.of(
            L(ja=f"N = {n} での 1 回あたりの成功率", en=f"success per run, N = {n}"), e
        )
    for row in r.resources:
        key = row["target"].split()[-1].replace("-", "").lower()
        values[f"qubits_{key}"] = Value(
            label=L(ja=f"{row['target']} の論理量子ビット", en=f"{row['target']}: logical qubits"),
            value=row["logical_qubits"],
        )
        values[f"toffolis_{key}"] = Value(
            label=L(ja=f"{row['target']} のトフォリゲート", en=f"{row['target']}: Toffoli gates"),
            value=row["toffolis"],
        )
    queries = Figure(
        title=L(ja="見つけるまでの問い合わせ回数", en="Oracle queries to find the marked item"),
        caption=L(
            ja=f"成功するまで繰り返すグローバー探索（各回で答えを 1 回確かめる）と、古典のランダム探索の平均問い合わせ回数（各 {ev.grover_exponent.n} 回の試行）。両対数軸。",
            en=f"Mean oracle queries of repeat-until-success Grover search (each attempt checks its answer once) and of "
            f"classical random search ({ev.grover_exponent.n} trials each). Log-log axes.",
        ),
        xlabel=N_LABEL,
        ylabel=L(ja="問い合わせ回数", en="oracle queries"),
        xscale="log",
        yscale="log",
        series=[
            Series(label=L(ja="グローバー", en="Grover"), x=sizes, y=r.grover_queries, style="points"),
            Series(
                label=L(ja="古典のランダム探索", en="classical random search"),
                x=sizes,
                y=r.classical_queries,
                style="points",
            ),
            Series(
                label=L(ja="(π/4)√N", en="(π/4)√N"),
                x=sizes,
                y=[math.pi / 4 * math.sqrt(s) for s in sizes],
                style="fit",
            ),
        ],
    )
    curve = Figure(
        title=L(
            ja=f"成功確率と反復回数（n = {r.curve_n}）",
            en=f"Success probability against iterations (n = {r.curve_n})",
        ),
        caption=L(
            ja="反復しすぎると成功確率はまた下がる。回し過ぎないためには、印のついた要素の数を知っている必要がある。",
            en="Past the optimum the success probability falls again: stopping at the right time requires knowing "
            "how many items are marked.",
        ),
        xlabel=L(ja="グローバー反復の回数", en="Grover iterations"),
        ylabel=L(ja="成功確率", en="success probability"),
        series=[
            Series(label=L(ja="状態ベクトル", en="state vector"), x=list(range(len(r.curve))), y=r.curve)
        ],
    )
    unknown = Figure(
        title=L(ja="印の数 M が分からないとき", en="When the number of marked items M is unknown"),
        caption=L(
            ja=f"N = 2^{r.unknown_qubits}。BBHT の平均問い合わせ回数と √(N/M)、M = 1 を仮定した回数で止めたときの成功確率。両対数軸。",
            en=f"N = 2^{r.unknown_qubits}. BBHT's mean queries beside √(N/M), and the success probability when stopping at the count "
            "that is optimal for M = 1. Log-log axes.",
        ),
        xlabel=L(ja="印のついた要素の数 M", en="marked items M"),
        ylabel=L(ja="問い合わせ回数／成功確率", en="queries / success probability"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=L(ja="BBHT の問い合わせ回数", en="BBHT queries"),
                x=r.marked,
                y=r.bbht_queries,
                style="points",
            ),
            Series(label=L(ja="√(N/M)", en="√(N/M)"), x=r.marked, y=r.bbht_bound, style="fit"),
            Series(
                label=L(ja="M = 1 を仮定した成功確率", en="success assuming M = 1"),
                x=r.marked,
                y=[max(p, 1e-4) for p in r.naive_success],
                style="points",
            ),
        ],
    )
    t_q = np.logspace(-6, -2, 30)
    breakeven = Figure(
        title=L(ja="二乗の加速が元を取るまでの時間", en="How long a quadratic speed-up takes to pay off"),
        caption=L(
            ja="Babbush らの式 T* = t_Q² / t_C（t_Q：量子のオラクル 1 回の時間、t_C：古典のオラクル 1 回の時間）。これより短い計算では古典の方が速い。t_C の値は私たちの仮定。縦軸は日、両対数軸。",
            en="Babbush et al.'s break-even T* = t_Q² / t_C (t_Q: one quantum oracle call, t_C: one classical call). "
            "Any shorter computation is faster classically. The t_C values are our assumptions. Days, log-log axes.",
        ),
        xlabel=L(ja="量子のオラクル 1 回の時間 t_Q [s]", en="quantum oracle time t_Q [s]"),
        ylabel=L(ja="損益分岐の実行時間 [日]", en="break-even runtime [days]"),
        xscale="log",
        yscale="log",
        series=[
            Series(
                label=L(ja=f"t_C = {label}", en=f"t_C = {label}"),
                x=t_q.tolist(),
                y=(t_q**2 / t_c / 86400).tolist(),
            )
            for t_c, label in ((1e-9, "1 ns"), (1e-7, "100 ns"), (1e-5, "10 µs"))
        ],
    )
    shor_table = Table(
        caption=L(
            ja="ショアの位数発見（基底 a は N と互いに素なものから無作為に選ぶ）",
            en="Shor's order finding (base a drawn at random among those coprime to N)",
        ),
        columns=[
            L(ja="N", en="N"),
            L(ja="見つかった因数", en="factors found"),
            L(ja="1 回あたりの成功率", en="success per run"),
            L(ja="95% 区間", en="95% interval"),
        ],
        rows=[
            [n, " × ".join(map(str, ev.shor_factors[n])) or "—", e.value, f"{e.lo:.2f}–{e.hi:.2f}"]
            for n, e in ev.shor_success.items()
        ],
    )
    resources = Table(
        caption=L(
            ja="公表された資源見積もり（式を私たちのコードで評価）",
            en="Published resource estimates (their formulas, evaluated in our code)",
        ),
        columns=[
            L(ja="対象", en="target"),
            L(ja="出典", en="source"),
            L(ja="論理量子ビット", en="logical qubits"),
            L(ja="トフォリゲート", en="Toffoli gates"),
        ],
        rows=[[row["target"], row["source"], row["logical_qubits"], row["toffolis"]] for row in r.resources],
    )
    return Report(
        values=values,
        tables={"shor": shor_table, "resources": resources},
        figures={"queries": queries, "curve": curve, "unknown": unknown, "breakeven": breakeven},
    )


claim = define(
    "quantum-structured-problems",
    statement=L(
        ja="量子コンピュータが強いのは、グローバーの探索や楕円曲線暗号へのショアのアルゴリズムのような構造のある問題で、AI の代わりになるものではない。",
        en="Quantum computers shine on structured problems, such as Grover search or Shor's algorithm against "
        "elliptic-curve cryptography; they are not a replacement for AI.",
    ),
    question=L(
        ja="グローバーの加速は実際に二乗か。ショアの位数発見は小さな N を分解できるか。暗号を破るにはどれだけの資源が要り、二乗の加速はいつ元を取るか。",
        en="Is Grover's speed-up really quadratic? Does Shor's order finding factor small N? What would breaking "
        "today's keys take, and when does a quadratic speed-up pay off?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(
            qubits=tuple(range(2, 13)), trials=200, moduli=(15, 21), shor_runs=100, bootstrap=1000
        ),
        "site": exp.Config(),
        "full": exp.Config(
            qubits=tuple(range(2, 25)), trials=2000, moduli=(15, 21, 33, 35, 39, 51), shor_runs=1000
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="supported",
    headline="grover_exponent",
    anchors=[
        Anchor(
            cite="Boyer, Brassard, Høyer & Tapp 1998, Fortschr. Phys. 46, 493 (Tight bounds on quantum searching)",
            url="https://arxiv.org/abs/quant-ph/9605034",
            theirs=L(
                ja="反復後の成功確率の閉じた式と、解の数が未知でも使える探索アルゴリズム",
                en="a closed form for the success probability after any number of iterations, and a search that "
                "works when the number of solutions is unknown",
            ),
            ours="bbht_worst",
            locator="abstract",
            quote="provide a new algorithm to find such an element even when the number of solutions is not known "
            "ahead of time",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Grover 1996, STOC (A fast quantum mechanical algorithm for database search)",
            url="https://arxiv.org/abs/quant-ph/9605043",
            theirs=L(
                ja="約 √N 回の問い合わせで見つかる（古典は約 N/2 回）",
                en="about √N queries (classically about N/2)",
            ),
            ours="grover_exponent",
        ),
        Anchor(
            cite="Shor 1994, FOCS; extended version SIAM J. Comput. 26, 1484 (1997)",
            url="https://arxiv.org/abs/quant-ph/9508027",
            theirs=L(
                ja="素因数分解と離散対数を多項式時間で解く",
                en="factoring and discrete logarithms in polynomial time",
            ),
            ours="shor_15",
        ),
        Anchor(
            cite="Roetteler, Naehrig, Svore & Lauter 2017, ASIACRYPT",
            url="https://arxiv.org/abs/1706.06752",
            theirs=L(
                ja="n ビットの素体上の楕円曲線の離散対数は、論理量子ビット 9n + 2⌈log₂ n⌉ + 10 個以下、トフォリゲート 448n³ log₂ n + 4090n³ 個以下で解ける",
                en="elliptic-curve discrete logarithms over an n-bit prime field with at most 9n + 2⌈log₂ n⌉ + 10 qubits "
                "and 448n³ log₂ n + 4090n³ Toffoli gates",
            ),
            ours="qubits_p256",
            locator="abstract",
            quote="can be computed on a quantum computer with at most 9n + 2⌈log2(n)⌉ + 10 qubits using a quantum "
            "circuit of at most 448n³ log2(n) + 4090n³ Toffoli gates",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Gidney & Ekerå 2021, Quantum 5, 433",
            url="https://arxiv.org/abs/1905.09749",
            theirs=L(
                ja="RSA-2048 を 2000 万個の物理量子ビットで 8 時間。論理量子ビット 3n + 0.002n lg n、トフォリ 0.3n³ + 0.0005n³ lg n",
                en="RSA-2048 in 8 hours with 20 million noisy qubits; 3n + 0.002n lg n logical qubits and "
                "0.3n³ + 0.0005n³ lg n Toffolis",
            ),
            ours="toffolis_rsa2048",
            locator="arXiv:1905.09749, abstract",
            quote="our construction uses 3n+0.002n lg n logical qubits, 0.3n³+0.0005n³ lg n Toffolis, and "
            "500n²+n² lg n measurement depth to factor n-bit RSA integers",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Gidney 2025, arXiv:2505.15917",
            url="https://arxiv.org/abs/2505.15917",
            theirs=L(
                ja="RSA-2048 を 100 万個未満の物理量子ビットで 1 週間未満",
                en="RSA-2048 in under a week with fewer than a million noisy qubits",
            ),
            ours=None,
            locator="abstract",
            quote="I estimate that a 2048 bit RSA integer could be factored in less than a week by a quantum computer "
            "with less than a million noisy qubits.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="IBM Condor processor (announced 4 December 2023)",
            url="https://www.ibm.com/quantum/blog/quantum-roadmap-2033",
            theirs=L(
                ja="物理量子ビット 1,121 個（誤り訂正された論理量子ビットではない）",
                en="1,121 physical qubits (not error-corrected logical qubits)",
            ),
            ours=None,
        ),
        Anchor(
            cite="Beast, 'QuBit – P2QRH spending rules', draft BIP, bitcoin/bips pull request #1670 (2024)",
            url="https://github.com/bitcoin/bips/pull/1670",
            theirs=L(
                ja="ビットコインに量子耐性のある署名（FALCON など）を使う新しい出力形式を提案",
                en="a new bitcoin output type with quantum-resistant signatures (initially FALCON)",
            ),
            ours=None,
            locator="section 'Motivation'",
            quote="This proposal aims to improve the quantum resistance of bitcoin's signature security should the "
            "Discrete Logarithm Problem (DLP) which secures Elliptic Curve Cryptography (ECC) no longer prove to be "
            "computationally hard",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Babbush et al. 2021, PRX Quantum 2, 010103",
            url="https://doi.org/10.1103/PRXQuantum.2.010103",
            theirs=L(
                ja="誤り訂正の初期世代では、二乗の加速では量子の実行時間の優位は得られない",
                en="quadratic speed-ups will not give a runtime advantage on early error-corrected machines",
            ),
            ours=None,
            locator="abstract",
            quote="We conclude that quadratic speedups will not enable quantum advantage on early generations of such "
            "fault-tolerant devices unless there is a significant improvement in how we realize quantum error "
            "correction.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
