"""Message catalogues: every key in every language with the same placeholders, no unused key, no Japanese in
claim code, and the kit's check shapes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from experiments.common.stats import Estimate
from kanguri import kit, registry
from kanguri.errors import ClaimError
from kanguri.messages import catalogue_files, load_catalogue
from kanguri.paths import PACKAGE_DIR, claims_dir, module_name
from kanguri.text import L

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
CLAIMS = registry.implemented()
CATALOGUES = [claims_dir() / module_name(c) for c in CLAIMS if catalogue_files(claims_dir() / module_name(c))]
ENGINE = [p.parent / p.name.split(".")[0] for p in sorted((PACKAGE_DIR / "locales").glob("*.en.yml"))]


@pytest.mark.parametrize("stem", CATALOGUES + ENGINE, ids=lambda p: p.name)
def test_every_key_in_every_language_with_the_same_placeholders(stem: Path) -> None:
    problems = list(load_catalogue(stem).problems())
    assert not problems, "\n".join(problems)


def _used_names(source: str) -> tuple[set[str], list[re.Pattern[str]]]:
    """Every string constant and keyword-argument name in a module, and its f-strings as patterns."""
    names: set[str] = set()
    patterns = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names |= {node.value, *node.value.split(".")}
        elif isinstance(node, ast.keyword) and node.arg:
            names.add(node.arg)
        elif isinstance(node, ast.JoinedStr):
            parts = [re.escape(str(v.value)) if isinstance(v, ast.Constant) else ".+" for v in node.values]
            patterns.append(re.compile("".join(parts)))
    return names, patterns


@pytest.mark.parametrize("stem", CATALOGUES, ids=lambda p: p.name)
def test_no_key_is_unused(stem: Path) -> None:
    """A key's name (``values.<name>``, ``checks.<name>.holds``…) must be named in the claim's code."""
    names, patterns = _used_names(stem.with_suffix(".py").read_text(encoding="utf-8"))
    anchors_file = stem.with_suffix(".anchors.yml")
    anchors = (
        set(yaml.safe_load(anchors_file.read_text(encoding="utf-8")) or {})
        if anchors_file.exists()
        else set()
    )
    unused = []
    for key in sorted(load_catalogue(stem).keys()):
        group, _, rest = key.partition(".")
        name = rest.split(".")[0]
        if group in ("question", "reason") or (group == "anchors" and name in anchors):
            continue
        flat = key.rsplit(".", 1)[0] if key.split(".")[-1].isdigit() else key  # a list item: its list
        if not (
            {key, flat, name} & names or any(p.fullmatch(s) for p in patterns for s in (name, key, flat))
        ):
            unused.append(key)
    assert not unused, f"{stem.name}: keys no code uses: {unused}"


@pytest.mark.parametrize("cid", CLAIMS)
def test_claim_modules_hold_no_japanese(cid: str) -> None:
    module = claims_dir() / f"{module_name(cid)}.py"
    assert catalogue_files(module.with_suffix("")), f"{cid}: no message catalogue beside {module.name}"
    hits = [line for line in module.read_text(encoding="utf-8").splitlines() if JAPANESE.search(line)]
    assert not hits, f"{module.name}: Japanese text belongs in its message catalogue: {hits[:3]}"


def test_a_missing_key_names_the_catalogue_and_its_neighbours(tmp_path: Path) -> None:
    for lang, text in (
        ("ja", "checks:\n  a: {holds: あ, fails: い}\n"),
        ("en", "checks:\n  a: {holds: a, fails: b}\n"),
    ):
        (tmp_path / f"x.{lang}.yml").write_text(text, encoding="utf-8")
    cat = load_catalogue(tmp_path / "x")
    assert cat("checks.a.holds") == L(ja="あ", en="a")
    with pytest.raises(ClaimError, match=r"x: no message 'checks\.b\.holds'.*checks\.a\.fails"):
        cat("checks.b.holds")


def test_a_missing_language_or_placeholder_mismatch_is_reported(tmp_path: Path) -> None:
    (tmp_path / "x.en.yml").write_text("a: '{n} items'\n", encoding="utf-8")
    with pytest.raises(ClaimError, match=r"missing for \['ja'\]"):
        load_catalogue(tmp_path / "x")
    (tmp_path / "x.ja.yml").write_text("a: '{m} 個'\n", encoding="utf-8")
    assert any("different placeholders" in p for p in load_catalogue(tmp_path / "x").problems())


def test_a_third_language_rides_along(tmp_path: Path) -> None:
    for lang, text in (("ja", "あ {n}"), ("en", "a {n}"), ("xx", "⟦a {n}⟧")):
        (tmp_path / f"x.{lang}.yml").write_text(f"k: '{text}'\n", encoding="utf-8")
    assert load_catalogue(tmp_path / "x")("k", n=2)("xx") == "⟦a 2⟧"


WHAT = L(ja="効果", en="The effect")
SHAPES = {
    "lower_above": (lambda g: kit.lower_above(WHAT, g, 0.1), Estimate(0.3, 0.2, 0.4, "m", 4), Estimate(0.3, 0.05, 0.4, "m", 4)),
    "upper_below": (lambda g: kit.upper_below(WHAT, g, 0.5), Estimate(0.3, 0.2, 0.4, "m", 4), Estimate(0.3, 0.2, 0.6, "m", 4)),
    "within": (lambda g: kit.within(WHAT, g, 1.0, 0.1), Estimate(1.0, 0.95, 1.05, "m", 4), Estimate(1.0, 0.85, 1.05, "m", 4)),
    "slope_in_band": (lambda g: kit.slope_in_band(WHAT, g, 0.9, 1.1), Estimate(1.0, 0.95, 1.05, "m", 4), Estimate(1.2, 1.15, 1.25, "m", 4)),
    "ratio_above": (lambda g: kit.ratio_above(WHAT, g, 2.0), Estimate(5.0, 3.0, 7.0, "m", 4), Estimate(5.0, 1.5, 7.0, "m", 4)),
    "share_at_least": (lambda g: kit.share_at_least(WHAT, g, 0.8), Estimate(0.9, 0.85, 0.95, "m", 20), Estimate(0.9, 0.7, 0.95, "m", 20)),
}  # fmt: skip


@pytest.mark.parametrize("shape", SHAPES)
def test_each_check_shape_holds_fails_and_speaks_both_languages(shape: str) -> None:
    make, passing, failing = SHAPES[shape]
    check = make(lambda e: e)
    held, text, _ = check.evaluate(passing)
    assert held and text.en.startswith("The effect") and text.ja.startswith("効果")
    held, text, _ = check.evaluate(failing)
    assert not held and "{" not in text.en + text.ja


def test_synthetic_estimates() -> None:
    assert kit.synthetic(2.0) == Estimate(2.0, 2.0, 2.0, "synthetic", 4)
    assert kit.synthetic(0.25, 0.2, 0.3, n=3) == Estimate(0.25, 0.2, 0.3, "synthetic", 3)
