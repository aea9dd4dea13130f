"""Kit v3: undetermined outcomes, sanity checks, the robustness map, how training runs ended, and the page
parts that show them (where in the essay, our reading, the map and its label)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from experiments.common.stats import Estimate
from experiments.common.training import Stop, converged_share, stop_of
from kanguri import kit, registry, render, robustness, runner
from kanguri.errors import ClaimError
from kanguri.rule import Check, Rule, any_accepted, graded
from kanguri.text import L

SAYS = L(ja="成立", en="holds")
FAILS = L(ja="不成立", en="fails")


def _check(key: str, sanity: bool = False) -> Check[dict]:
    return Check(
        facts=lambda ev: {"x": ev[key], "undetermined": ev.get(f"{key}_why")},
        holds=lambda f: f["x"] > 0,
        yes=SAYS,
        no=FAILS,
        why=kit.WHY,
        sanity=sanity,
    )


def test_an_undetermined_check_caps_the_verdict_at_partly():
    rule = Rule(checks={"a": _check("a"), "b": _check("b")})
    assert rule.decide({"a": 1, "b": 1}).verdict == "supported"
    d = rule.decide({"a": 1, "b": 1, "b_why": "straddles"})
    assert d.verdict == "partly" and d.checks["b"] is None and d.undetermined == {"b": "straddles"}
    assert "straddles the bar" in d.reasons[1].en and "またいで" in d.reasons[1].ja
    assert rule.decide({"a": -1, "b": -1}).verdict == "not-supported"
    # nothing holds, one undetermined: no support to speak of
    assert rule.decide({"a": -1, "b": 1, "b_why": "straddles"}).verdict == "not-supported"


def test_an_unknown_reason_is_an_error():
    with pytest.raises(ValueError, match="no sentence"):
        _check("a").evaluate({"a": 1, "a_why": "because"})


def test_sanity_checks_are_shown_but_not_counted():
    rule = Rule(checks={"a": _check("a"), "identity": _check("i", sanity=True)})
    d = rule.decide({"a": 1, "i": -1})
    assert d.verdict == "supported" and d.sanity == ["identity"] and d.checks["identity"] is False
    assert rule.counted == ["a"] and set(rule.outcomes({"a": 1, "i": 1})) == {"a"}


def test_verdict_functions_read_three_outcomes():
    assert graded({"a": True, "b": None}) == "partly"
    assert graded({"a": False, "b": None}) == "not-supported"
    assert any_accepted({"a": False, "b": None}) == "partly"
    assert (
        any_accepted({"a": False}) == "not-supported" and any_accepted({"a": True, "b": None}) == "supported"
    )


@pytest.mark.parametrize(
    ("shape", "args", "clear_pass", "clear_fail", "straddle"),
    [
        (kit.lower_above, (1.0,), (2, 1.5, 2.5), (0.5, 0.2, 0.9), (1.2, 0.8, 1.6)),
        (kit.upper_below, (1.0,), (0.5, 0.2, 0.9), (2, 1.5, 2.5), (1.2, 0.8, 1.6)),
        (kit.ratio_above, (1.0,), (2, 1.5, 2.5), (0.5, 0.2, 1.0), (1.2, 0.8, 1.6)),
        (kit.share_at_least, (0.5,), (0.8, 0.6, 0.9), (0.2, 0.1, 0.4), (0.5, 0.4, 0.6)),
        (kit.within, (1.0, 0.5), (1.0, 0.8, 1.2), (3.0, 2.5, 3.5), (1.4, 1.2, 1.7)),
        (kit.slope_in_band, (0.5, 1.5), (1.0, 0.8, 1.2), (3.0, 2.5, 3.5), (1.4, 1.2, 1.7)),
    ],
)
def test_each_shape_holds_fails_or_straddles(shape, args, clear_pass, clear_fail, straddle):
    check = shape(L(ja="値", en="value"), lambda e: e, *args)
    outcome = {}
    for name, (v, lo, hi) in {"pass": clear_pass, "fail": clear_fail, "straddle": straddle}.items():
        outcome[name] = check.evaluate(Estimate(v, lo, hi, "test", 5))[0]
    assert outcome == {"pass": True, "fail": False, "straddle": None}


def test_unconverged_and_unverified_facts():
    stops = [Stop(100, 100, False, True), Stop(40, 100, True, False)]
    assert kit.unconverged(stops) == {"cut": 1, "runs": 2, "undetermined": "unconverged"}
    assert kit.unconverged(stops[1:])["undetermined"] is None
    assert kit.unverified(["a", "b"], ["b"]) == {"names": "b", "undetermined": "unverified"}
    assert kit.unverified(["a"], ["b"])["undetermined"] is None


def test_how_a_training_run_ended():
    assert stop_of([1.0, 0.5], cap=10, reached=True).converged
    still = stop_of([3, 2.5, 2, 1.6, 1.3, 1.0, 0.8, 0.6], cap=8, reached=False)
    flat = stop_of([3, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], cap=8, reached=False)
    assert still.still_improving and not still.converged and flat.converged
    climbing = stop_of([0.5, 0.6, 0.7, 0.8, 0.85, 0.9], cap=6, reached=False, lower_is_better=False)
    assert not climbing.converged
    share = converged_share([still, flat])
    assert share.value == 0.5 and share.lo < 0.5 < share.hi


@dataclass(frozen=True)
class _Cfg:
    a: int = 1
    b: float = 0.5
    c: str = "x"


def test_a_robustness_map_is_validated_against_the_config():
    ok = robustness.Robustness(knobs={"a": (1, 2, 3), "b": (0.5, 1.0)})
    ok.validate(_Cfg())
    assert ok.size == 6 and ok.specifications()[1] == {"a": 1, "b": 1.0}
    for bad, why in (
        (robustness.Robustness(knobs={"a": (1, 2, 3)}), "at least 2 knobs"),
        (robustness.Robustness(knobs={"a": (1, 2), "b": (0.5, 1.0)}), "6 specifications"),
        (robustness.Robustness(knobs={"a": (2, 3, 4), "b": (0.5, 1.0)}), "main specification"),
        (robustness.Robustness(knobs={"a": (1, 2, 3), "z": (0, 1)}), "not fields"),
    ):
        with pytest.raises(ValueError, match=why):
            bad.validate(_Cfg())


def test_the_map_labels_robust_and_fragile():
    declared = robustness.Robustness(knobs={"a": (1, 2, 3), "b": (0.5, 1.0)}, nulls=({"a": 0},))
    same = robustness.run_map(
        declared, _Cfg(), lambda cfg: {"verdict": "supported" if cfg.a else "not-supported"}
    )
    assert same["label"] == "robust" and len(same["specs"]) == 7 and same["specs"][-1]["null"]
    assert same["main"] == {"a": 1, "b": 0.5}
    flips = robustness.run_map(
        declared, _Cfg(), lambda cfg: {"verdict": "partly" if cfg.a == 3 else "supported"}
    )
    assert flips["label"] == "fragile"


def test_define_rejects_a_sanity_check_among_the_flips(toy_project):
    path = toy_project / "claims" / "toy_mean.py"
    text = path.read_text().replace('rule = Rule(checks={"mean": _check(lambda ev: ev.mean)})', (
        'rule = Rule(checks={"mean": _check(lambda ev: ev.mean)})\n'
        'from dataclasses import replace as _r\n'
        'rule = _r(rule, checks={"mean": _r(rule.checks["mean"], sanity=True), '
        '"other": _check(lambda ev: ev.mean)})'))  # fmt: skip
    path.write_text(text)
    registry.refresh()
    with pytest.raises(ClaimError, match="no sanity check"):
        registry.load("toy-mean")


def test_a_site_record_carries_the_essay_and_the_map_and_the_page_shows_them(toy_project):
    record = runner.run("toy-mean", "site")
    assert record["status"] == "ok", record.get("error")
    assert record["essay"] == {"section": "quantum", "point": 2, "phrases": ["線形"]}
    mapped = record["robustness"]
    assert len(mapped["specs"]) == 6 and mapped["label"] in ("robust", "fragile")
    assert {s["verdict"] for s in mapped["specs"]} <= {"supported", "partly", "not-supported"}
    assert all(s["headline"]["value"] is not None for s in mapped["specs"])
    assert runner.run("toy-mean", "quick").get("robustness") is None  # the quick profile stays quick
    pages = {}
    for lang in ("ja", "en"):
        ctx = render.PageContext(lang=lang, records={"toy-mean": record}, page_dir="claims/toy-mean",
                                 claim_id="toy-mean")  # fmt: skip
        pages[lang] = render.render_page("", ctx)
    assert "「線形」" in pages["ja"] and "“線形”" in pages["en"]
    assert "私たちの読み" in pages["ja"] and "Our reading" in pages["en"]
    assert "measuring it by a mean is ours" in pages["en"] and "平均で測るのは私たちの工夫" in pages["ja"]
    assert "## Does the verdict survive our choices? {: #robustness }" in pages["en"]
    assert "## 判定は私たちの設定しだいで変わるか {: #robustness }" in pages["ja"]
    assert "of 6 specifications" in pages["en"] and "6 通りの設定のうち" in pages["ja"]
    label = mapped["label"]
    assert f"kg-chip kg-{label}" in pages["en"]


def test_the_verdicts_history_is_read_from_git():
    from kanguri import changelog

    registry.refresh()
    changes = changelog.history("brain-20-watts")
    assert (
        changes and changes[0].before is None and changes[0].after in ("supported", "partly", "not-supported")
    )
    assert all(a.after != b.after for a, b in itertools.pairwise(changes))


def test_the_home_page_synthesis_and_the_citation(toy_project):
    record = runner.run("toy-mean", "site")
    for lang, part, said in (
        ("en", "**Quantum** (5 claims)", "None of them"),
        ("ja", "**量子**（5 件）", "予測"),
    ):
        home = render.PageContext(lang=lang, records={"toy-mean": record}, page_dir="")
        text = home.synthesis()
        assert part in text and said in text and "1" in text
        page = render.PageContext(lang=lang, records={"toy-mean": record}, page_dir="claims/toy-mean",
                                  claim_id="toy-mean")  # fmt: skip
        assert f"@misc&#123;kanguri-toy-mean-{lang}," in page.cite()  # braces escaped for HTML


def test_our_extension_gets_its_own_verdict_and_leaves_the_readings_alone():
    ext: Check[dict] = Check(
        facts=lambda ev: {"x": ev["e"]}, holds=lambda f: f["x"] > 0, yes=SAYS, no=FAILS, extension=True
    )
    rule = Rule(checks={"a": _check("a"), "ours": ext})
    d = rule.decide({"a": 1, "e": -1})
    assert d.verdict == "supported" and d.extension == ["ours"] and d.extension_verdict == "not-supported"
    assert rule.counted == ["a"] and rule.extension == ["ours"]
    assert Rule(checks={"a": _check("a")}).decide({"a": 1}).extension_verdict is None


def test_an_extension_that_no_check_could_decide_reads_undetermined():
    """brain-20-watts' referee: its extension line was all undetermined, yet the badge said "not supported"."""
    from kanguri.verdict_parts import extension_badge

    d = {"checks": {"main": True, "ours": None}, "extension": ["ours"], "extension_verdict": "not-supported"}
    assert "kg-undetermined" in extension_badge(d, "en") and "未決" in extension_badge(d, "ja")
    decided = d | {"checks": {"main": True, "ours": False}}
    assert "kg-not-supported" in extension_badge(decided, "en")


def test_a_map_where_no_check_ever_decided_is_labelled_undetermined_not_robust():
    """object-level-simulation's referee: every setting said "not supported" only because its one counted check
    was undetermined everywhere; "robust" would read as a robust refutation."""
    from kanguri.verdict_parts import effective_label, label_chip

    spec: dict[str, Any] = {"null": False, "checks": {"main": None, "cost": True}}
    record: dict[str, Any] = {
        "status": "ok",
        "decision": {"checks": {"main": None, "cost": True}, "sanity": ["cost"], "extension": []},
        "robustness": {"label": "robust", "specs": [spec, spec | {"null": True, "checks": {"main": False}}]},
    }
    assert effective_label(record) == "undetermined" and "どの設定でも未決" in label_chip(record, "ja")
    decided = record | {"robustness": record["robustness"] | {"specs": [spec | {"checks": {"main": False}}]}}
    assert effective_label(decided) == "robust"
