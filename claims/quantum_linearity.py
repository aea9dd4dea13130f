"""Claim quantum-linearity: a circuit is linear between encoding and measurement, while today's AI is
non-linear. Measured: linear in the state, non-linear in x only through re-uploading, with a spectrum that the
encoding fixes."""

from __future__ import annotations

import datetime
from dataclasses import replace

from experiments import quantum_linearity as exp
from experiments.common.stats import Estimate, exact
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
from kanguri.rule import Verdict

THRESHOLDS = {
    "exact": 1e-10,  # numerical zero: double precision leaves ~1e-16; anything above 1e-10 is a real effect
    "truncated": 1e-12,  # "the spectrum stops at L": less than this share of the energy above frequency L
    "present": 1e-6,  # every frequency up to L is present: its smallest |c_k| over random draws is above this
    "floor": 1.5,  # a fit "reaches the floor" when its error is within 1.5× the floor
    "fits": 0.01,  # a fit "fits" when it leaves under 1 % of the target's variance
    "affine": 0.01,  # f is "linear in x" when an affine fit leaves under 1 % of its variance
}
T = THRESHOLDS


def _verdict(held) -> Verdict:
    if all(held.values()):
        return "supported"
    if held["linear_in_state"] and (held["spectrum"] or held["fit_floor"]):
        return "partly"
    return "not-supported"


rule: Rule[exp.Evidence] = Rule(
    checks={
        "linear_in_state": Check(
            facts=lambda ev: {"dev": ev.state_deviation.value, "bar": T["exact"], "n": ev.state_deviation.n},
            holds=lambda f: f["dev"] < f["bar"],
            yes=L(
                ja="出力は状態について線形だった。2 つの密度行列の混合に対する出力は、出力の同じ混合と一致した（{n} 組で最大のずれ {dev:.1e}、基準 {bar:.0e}）。",
                en="The output is linear in the state: for a mixture of two density matrices it equals the same "
                "mixture of outputs (largest deviation {dev:.1e} over {n} draws, bar {bar:.0e}).",
            ),
            no=L(
                ja="混合状態に対する出力が出力の混合とずれた（最大 {dev:.1e}、基準 {bar:.0e}）。状態について線形とは言えない。",
                en="The output of a mixture differs from the mixture of outputs (up to {dev:.1e}, bar {bar:.0e}): "
                "not linear in the state.",
            ),
        ),
        "spectrum": Check(
            facts=lambda ev: {
                "leak": ev.leak.value,
                "present": ev.present.value,
                "truncated": T["truncated"],
                "bar": T["present"],
            },
            holds=lambda f: f["leak"] < f["truncated"] and f["present"] > f["bar"],
            yes=L(
                ja="周波数 L を超える成分はエネルギーの {leak:.1e} 以下（基準 {truncated:.0e}）で、L 以下の成分はすべて現れた（最小 {present:.1e}）。スペクトルはエンコードの回数で決まる。",
                en="Frequencies above L hold at most {leak:.1e} of the energy (bar {truncated:.0e}), and every "
                "frequency up to L is present (smallest {present:.1e}): the encoding fixes the spectrum.",
            ),
            no=L(
                ja="L を超える周波数にエネルギーの {leak:.1e} が残った（基準 {truncated:.0e}）か、L 以下の成分が欠けた（最小 {present:.1e}、基準 {bar:.0e}）。",
                en="Frequencies above L hold {leak:.1e} of the energy (bar {truncated:.0e}), or a frequency up to "
                "L is missing (smallest {present:.1e}, bar {bar:.0e}).",
            ),
        ),
        "fit_floor": Check(
            facts=lambda ev: {
                "worst_floor": max(ev.floor_ratios),
                "below": min(ev.floor_ratios),
                "worst_fit": max(ev.fit_errors),
                "floor": T["floor"],
                "fits": T["fits"],
            },
            holds=lambda f: (
                f["below"] >= 1 - 1e-9 and f["worst_floor"] <= f["floor"] and f["worst_fit"] <= f["fits"]
            ),
            yes=L(
                ja="L が目標の次数 K より小さい回路は下限（L を超える目標のエネルギー）で止まり（下限の {worst_floor:.2f} 倍以内）、L ≥ K の回路は目標に合った（残差は分散の {worst_fit:.1e} 以下）。",
                en="Circuits with L below the target's degree K stop at the floor (the target's energy above L; "
                "within {worst_floor:.2f}× of it), and circuits with L ≥ K fit the target (residual at most "
                "{worst_fit:.1e} of its variance).",
            ),
            no=L(
                ja="当てはめが予想と違った。L < K での誤差は下限の {below:.2f}〜{worst_floor:.2f} 倍（基準 1〜{floor}）、L ≥ K での残差は分散の {worst_fit:.1e}（基準 {fits}）。",
                en="The fits are not as predicted: for L < K the error is {below:.2f} to {worst_floor:.2f} times "
                "the floor (expected 1 to {floor}); for L ≥ K the residual is {worst_fit:.1e} of the variance "
                "(bar {fits}).",
            ),
        ),
        "linear_in_data": Check(
            facts=lambda ev: {
                "share": ev.x_nonlinearity.value,
                "hi": ev.x_nonlinearity.hi,
                "bar": T["affine"],
            },
            holds=lambda f: f["hi"] < f["bar"],
            yes=L(
                ja="出力は入力 x についてもほぼ線形だった（直線で説明できない分散は {share:.3f}、上限 {hi:.3f} が {bar} 未満）。",
                en="The output is also close to linear in the input x (share of variance no straight line explains "
                "{share:.3f}, upper bound {hi:.3f} below {bar}).",
            ),
            no=L(
                ja="ただし入力 x については線形でない。エンコードが 1 回でも、直線で説明できない分散が {share:.2f}（上限 {hi:.2f}、基準 {bar}）。非線形性はデータの入れ方から入る。",
                en="It is not linear in the input x, though: even with one encoding gate a straight line leaves "
                "{share:.2f} of the variance unexplained (upper bound {hi:.2f}, bar {bar}). The non-linearity enters through the "
                "encoding.",
            ),
        ),
    },
    verdict=_verdict,
)


def _truncated(name: str, pick) -> Check[exp.Evidence]:
    """The rule's own "spectrum stops at the degree" criterion, on a classical network fitted to the same target."""
    return Check(
        facts=lambda ev: {"name": name, "leak": pick(ev), "bar": T["truncated"]},
        holds=lambda f: f["leak"] < f["bar"],
        yes=L(
            ja="{name}：K を超える周波数のエネルギーが {leak:.1e} で、基準 {bar:.0e} 未満。基準はこれも打ち切られたスペクトルと判定した（甘すぎる）。",
            en="{name}: {leak:.1e} of the energy above K, below {bar:.0e}: the criterion calls this a truncated "
            "spectrum too (too lax).",
        ),
        no=L(
            ja="{name}：K を超える周波数にエネルギーの {leak:.1e} があり、基準 {bar:.0e} を超える。基準は棄却した。",
            en="{name}: {leak:.1e} of the energy above K, over {bar:.0e}: the criterion rejects it.",
        ),
    )


control: Rule[exp.Evidence] = Rule(
    checks={
        "tanh": _truncated("tanh", lambda ev: ev.mlp_leak["tanh"]),
        "relu": _truncated("ReLU", lambda ev: ev.mlp_leak["relu"]),
    },
    verdict=any_accepted,
)


def _supporting() -> exp.Evidence:
    """What the essay's wording predicts: linear in the state and, effectively, in the data."""
    return exp.Evidence(
        state_deviation=exact(2e-16, 200, "maximum over draws"),
        leak=exact(1e-30, 192, "maximum over draws"),
        present=exact(3e-4, 192, "minimum over draws"),
        floor_ratios=[1.0, 1.02],
        fit_errors=[1e-9, 1e-8],
        x_nonlinearity=Estimate(0.002, 0.001, 0.003, "t-interval over draws", 32),
        mlp_leak={"tanh": 1e-4, "relu": 5e-4},
    )


def _null() -> exp.Evidence:
    """A model that is non-linear in its state, with no spectral limit: the effect is absent."""
    return replace(
        _supporting(),
        state_deviation=exact(0.3, 200, "maximum over draws"),
        leak=exact(0.05, 192, "maximum over draws"),
        floor_ratios=[0.4, 0.6],
        x_nonlinearity=Estimate(0.7, 0.6, 0.8, "t-interval over draws", 32),
    )


falsify = Falsification(
    supporting=_supporting,
    null=_null,
    flips={
        "linear_in_state": lambda ev: replace(ev, state_deviation=exact(1e-3, 200, "maximum over draws")),
        "spectrum": lambda ev: replace(ev, leak=exact(1e-4, 192, "maximum over draws")),
        "fit_floor": lambda ev: replace(ev, fit_errors=[1e-9, 0.2]),
        "linear_in_data": lambda ev: replace(
            ev, x_nonlinearity=Estimate(0.7, 0.6, 0.8, "t-interval over draws", 32)
        ),
    },
    control_flips={
        "tanh": lambda ev: replace(ev, mlp_leak={**ev.mlp_leak, "tanh": 1e-14}),
        "relu": lambda ev: replace(ev, mlp_leak={**ev.mlp_leak, "relu": 1e-14}),
    },
)

L_LABEL = L(ja="エンコードの回数 L", en="encoding gates L")


def report(r: exp.Result) -> Report:
    ev = r.evidence
    K = len(r.target_coeff) - 1
    values = {
        "leak": Value.of(
            L(ja="L を超える周波数のエネルギーの割合（最大）", en="largest share of energy above L"), ev.leak
        ),
        "present": Value.of(L(ja="L 以下の係数の最小値", en="smallest coefficient up to L"), ev.present),
        "state_deviation": Value.of(
            L(ja="混合に対する線形性からの最大のずれ", en="largest deviation from linearity in the state"),
            ev.state_deviation,
        ),
        "mlp_state_deviation": Value(
            label=L(
                ja="tanh ネットワークでの同じずれ（出力の標準偏差比）",
                en="the same deviation for a tanh network (÷ output spread)",
            ),
            value=r.mlp_state_deviation,
        ),
        "x_nonlinearity": Value.of(
            L(
                ja="直線で説明できない分散の割合（L = 1）",
                en="share of variance no straight line explains (L = 1)",
            ),
            ev.x_nonlinearity,
        ),
        "worst_floor_ratio": Value(
            label=L(ja="L < K での誤差 ÷ 下限（最大）", en="error ÷ floor for L < K (largest)"),
            value=max(ev.floor_ratios),
        ),
        "worst_fit_error": Value(
            label=L(ja="L ≥ K での残差 ÷ 分散（最大）", en="residual ÷ variance for L ≥ K (largest)"),
            value=max(ev.fit_errors),
        ),
        "tanh_leak": Value(
            label=L(ja="tanh ネットの K を超えるエネルギー", en="tanh net: energy above K"),
            value=ev.mlp_leak["tanh"],
        ),
        "relu_leak": Value(
            label=L(ja="ReLU ネットの K を超えるエネルギー", en="ReLU net: energy above K"),
            value=ev.mlp_leak["relu"],
        ),
        "target_degree": Value(label=L(ja="目標の次数 K", en="target degree K"), value=K),
        "max_layers": Value(label=L(ja="最大の L", en="largest L"), value=r.layers[-1]),
        "lightning_deviation": Value(
            label=L(ja="lightning.qubit との最大差", en="largest difference from lightning.qubit"),
            value=r.lightning_deviation,
        ),
    }
    ks = list(range(len(r.mean_abs_coeff[0])))
    spectrum = Figure(
        title=L(ja="ランダムな回路のフーリエ係数", en="Fourier coefficients of random circuits"),
        caption=L(
            ja="|c_k| の抽出平均。L 回エンコードした回路では |k| ≤ L の係数だけが残り、それより上は倍精度の丸め誤差（10⁻¹⁶ 程度）まで落ちる。縦軸は対数。",
            en="Mean |c_k| over random draws. With L encoding gates only |k| ≤ L survive; above L the coefficients "
            "drop to double-precision round-off (about 10⁻¹⁶). Log scale.",
        ),
        xlabel=L(ja="周波数 k", en="frequency k"),
        ylabel=L(ja="|c_k|", en="|c_k|"),
        yscale="log",
        series=[
            Series(label=L(ja=f"L = {n}", en=f"L = {n}"), x=ks, y=[max(c, 1e-18) for c in row])
            for n, row in zip(r.layers, r.mean_abs_coeff, strict=True)
        ],
    )
    floor_fig = Figure(
        title=L(ja="当てはめの誤差と下限", en="Fit error against the floor"),
        caption=L(
            ja=f"次数 K = {K} の目標に各 L の回路を当てはめた最良の平均二乗誤差と、パーセバルの等式による下限（L を超える目標のエネルギー）。縦軸は対数。",
            en=f"Best mean squared error of circuits with each L fitted to a target of degree K = {K}, and the floor "
            "from Parseval's identity (the target's energy above L). Log scale.",
        ),
        xlabel=L_LABEL,
        ylabel=L(ja="平均二乗誤差", en="mean squared error"),
        yscale="log",
        series=[
            Series(
                label=L(ja="回路の最良の誤差", en="best circuit error"),
                x=r.layers,
                y=[max(b, 1e-30) for b in r.best_mse],
                style="points",
            ),
            Series(
                label=L(ja="下限", en="floor"), x=r.layers, y=[max(f, 1e-30) for f in r.floors], style="fit"
            ),
        ],
    )
    fits = Figure(
        title=L(ja="目標と当てはめ", en="Target and fits"),
        caption=L(
            ja="目標（次数 K）と、L = 1, 2 の回路（下限で止まる）と L = K の回路の最良の当てはめ、そして同じ点に当てはめた tanh ネットワーク。",
            en="The target (degree K), the best fits of circuits with L = 1 and 2 (stuck at the floor) and L = K, and "
            "a tanh network fitted to the same points.",
        ),
        xlabel=L(ja="x", en="x"),
        ylabel=L(ja="f(x)", en="f(x)"),
        series=[
            Series(label=L(ja="目標", en="target"), x=r.grid_x, y=r.target, style="points"),
            *[
                Series(label=L(ja=f"回路 L = {n}", en=f"circuit L = {n}"), x=r.grid_x, y=r.fits[n])
                for n in (1, 2, K)
                if n in r.fits
            ],
            Series(label=L(ja="tanh ネット", en="tanh net"), x=r.fine_x, y=r.mlp_fits["tanh"]),
        ],
    )
    table = Table(
        caption=L(ja="L ごとの当てはめ", en="Fits by L"),
        columns=[
            L_LABEL,
            L(ja="下限", en="floor"),
            L(ja="最良の誤差", en="best error"),
            L(ja="誤差 ÷ 下限", en="error ÷ floor"),
        ],
        rows=[
            [n, f, b, (b / f) if f > 1e-20 else "—"]
            for n, f, b in zip(r.layers, r.floors, r.best_mse, strict=True)
        ],
    )
    return Report(
        values=values,
        tables={"fits": table},
        figures={"spectrum": spectrum, "floor": floor_fig, "fits": fits},
    )


claim = define(
    "quantum-linearity",
    statement=L(
        ja="量子回路はエンコードから測定までの間は線形な変換にすぎない。非線形な今の AI とは仕組みが違う。",
        en="A quantum circuit is a linear map between encoding and measurement, unlike today's non-linear AI.",
    ),
    question=L(
        ja="データ再アップロード型の回路の出力は、状態について・入力 x について、それぞれ線形か。x への依存はどんな関数族に限られるか。",
        en="Is a data re-uploading circuit's output linear in the state, and in the input x? What family of "
        "functions of x can it express?",
    ),
    experiment=exp.run,
    profiles={
        "quick": exp.Config(draws=16, restarts=3, steps=300, mlp_steps=1000, mixtures=100),
        "site": exp.Config(),
        "full": exp.Config(
            max_layers=10, draws=256, restarts=16, steps=2000, mixtures=2000, check_circuits=10
        ),
    },
    rule=rule,
    control=control,
    falsify=falsify,
    thresholds=THRESHOLDS,
    report=report,
    expected="partly",
    headline="x_nonlinearity",
    anchors=[
        Anchor(
            cite="Schuld, Sweke & Meyer 2021, Phys. Rev. A 103, 032430",
            url="https://arxiv.org/abs/2008.08605",
            theirs=L(
                ja="出力はデータの部分フーリエ級数で、周波数はエンコードのゲートで決まる。パウリ回転 L 回なら次数 L",
                en="the output is a partial Fourier series in the data, with frequencies set by the encoding gates: "
                "degree L for L Pauli rotations",
            ),
            ours="leak",
            locator="arXiv:2008.08605, abstract",
            quote="We show that one can naturally write a quantum model as a partial Fourier series in the data, "
            "where the accessible frequencies are determined by the nature of the data encoding gates in the circuit.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="Pérez-Salinas et al. 2020, Quantum 4, 226",
            url="https://arxiv.org/abs/1907.02085",
            theirs=L(
                ja="データを繰り返し入れれば、1 量子ビットでも万能な分類器になる",
                en="with data re-uploading, a single qubit suffices for a universal classifier",
            ),
            ours="worst_fit_error",
            locator="arXiv:1907.02085, abstract",
            quote="The key ingredient to circumvent these limitations is to allow for multiple data re-uploading.",
            checked=datetime.date(2026, 12, 1),
        ),
        Anchor(
            cite="PennyLane demo: Quantum models as Fourier series (2021)",
            url="https://pennylane.ai/qml/demos/tutorial_expressivity_fourier_series",
            theirs=L(
                ja="エンコードのハミルトニアンが周波数の集合を、残りの回路（学習パラメータ）が係数を決める",
                en="the encoding Hamiltonians fix the set of frequencies; the rest of the circuit, with its trainable "
                "parameters, fixes the coefficients",
            ),
            ours="present",
            locator="section 'Background'",
            quote="the “encoding Hamiltonians” in S(x) determine the set Ω of available “frequencies”, and the "
            "remainder of the circuit, including the trainable parameters, determines the coefficients c_ω.",
            checked=datetime.date(2026, 12, 1),
        ),
    ],
)
