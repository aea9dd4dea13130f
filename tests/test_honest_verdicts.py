"""Kit v3 on the real claims: each claim is located in the essay in its own words, no page attributes to the
essay words it does not contain, and each frozen site record carries a robustness map whose counted checks can
fail in a real run and whose control is a real run (its evidence varies)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kanguri import cache, registry
from kanguri.messages import load_catalogue
from kanguri.paths import claims_dir, docs_dir, module_name, root

ESSAY = root().parent / "shared" / "seed" / "essay.ja.txt"
MAPPED_KINDS = ("experiment", "sourced")
# a quote attributed to the essay: エッセイ…「…」, or the essay's “…” / "…"
JA_ATTRIBUTION = re.compile(r"エッセイ[^。「」\n]{0,12}「([^」]{1,60})」")
EN_ATTRIBUTION = re.compile(r"[Ee]ssay(?:'s|’s)?[^.\n“\"]{0,24}[“\"]([^”\"\n]{1,60})[”\"]")


def _plain(text: str) -> str:
    return "".join(text.split())


def _phrases() -> set[str]:
    claims = {_plain(p) for e in registry.catalogue()[1] if e.essay for p in e.essay.phrases}
    return claims | {_plain(p) for p in registry.essay_phrases()}


def _entries() -> list[registry.Entry]:
    return list(registry.catalogue()[1])


def test_every_claim_is_located_in_the_essay():
    missing = [e.id for e in _entries() if e.essay is None or e.says is None]
    assert not missing, f"claims without essay location or paraphrase (catalogue.yml essay/says): {missing}"


@pytest.mark.skipif(not ESSAY.is_file(), reason=f"the essay is not beside the project ({ESSAY})")
def test_every_key_phrase_is_the_essays_own_words():
    essay = _plain(ESSAY.read_text(encoding="utf-8"))
    phrases = [(e.id, p) for e in _entries() if e.essay for p in e.essay.phrases]
    phrases += [("site", p) for p in registry.essay_phrases()]
    absent = [(where, p) for where, p in phrases if _plain(p) not in essay]
    assert not absent, f"key phrases not found in the essay: {absent}"


def _attributions(text: str) -> list[str]:
    return JA_ATTRIBUTION.findall(text) + EN_ATTRIBUTION.findall(text)


def _sources() -> list[Path]:
    pages = sorted(docs_dir().glob("**/*.md"))
    words = sorted(claims_dir().glob("*.yml"))
    return [*pages, *words]


def test_attribution_pattern_finds_quotes_in_both_languages():
    assert _attributions("エッセイの「AI爆速とか大嘘」という言い方") == ["AI爆速とか大嘘"]
    assert _attributions("The essay's “big lie” is") == ["big lie"]
    assert _attributions('as the essay puts it, "cannot learn"') == ["cannot learn"]


def test_no_page_attributes_to_the_essay_words_it_does_not_contain():
    """A quote attributed to the essay must be (a part of) one of the claims' key phrases. English pages quote
    the essay in Japanese or not at all (a translation in quotes would read as its words)."""
    phrases = _phrases()
    wrong = []
    for path in _sources():
        for quote in _attributions(path.read_text(encoding="utf-8")):
            if "{" in quote:
                continue
            if not any(_plain(quote) in p for p in phrases):
                wrong.append(f"{path.relative_to(root())}: {quote!r}")
    assert not wrong, "attributed to the essay, but not among its key phrases:\n" + "\n".join(wrong)


# --- the frozen site records ----------------------------------------------------------------------
def _frozen(cid: str) -> dict | None:
    path = cache.frozen_dir(cid, "site") / "record.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


MAPPED = [e.id for e in _entries() if e.implemented and e.kind in MAPPED_KINDS]


@pytest.fixture(scope="module", params=MAPPED)
def mapped(request) -> tuple[str, dict]:
    record = _frozen(request.param)
    if record is None:
        pytest.fail(f"{request.param}: no frozen site record (make site && make freeze)")
    return request.param, record


def test_the_record_says_where_in_the_essay(mapped):
    cid, record = mapped
    place = registry.entry(cid).essay
    assert place is not None and record["essay"] == place.plain()


def test_the_record_holds_a_robustness_map(mapped):
    cid, record = mapped
    m = record.get("robustness")
    assert m, f"{cid}: no robustness map (declare ROBUSTNESS in claims/{module_name(cid)}.py)"
    grid = [s for s in m["specs"] if not s["null"]]
    assert len(m["knobs"]) >= 2 and len(grid) >= 6
    assert m["label"] == (
        "robust" if len({s["verdict"] for s in grid} | {record["decision"]["verdict"]}) == 1 else "fragile"
    )


def test_every_counted_check_fails_in_some_real_specification(mapped):
    """A counted check that holds at every setting and every null spec cannot fail for real: a sanity check. (A
    check that never holds, undetermined everywhere because its inputs are unverified, supports nothing.)"""
    cid, record = mapped
    sanity = set(record["decision"].get("sanity") or [])
    specs = record["robustness"]["specs"]
    never = [name for name in record["decision"]["checks"] if name not in sanity
             and all(s["checks"].get(name) is not False for s in specs)
             and any(s["checks"].get(name) is True for s in specs)]  # fmt: skip
    assert not never, f"{cid}: counted checks that fail in no real specification: {never}"


def test_null_specifications_do_not_support(mapped):
    cid, record = mapped
    nulls = [s for s in record["robustness"]["specs"] if s["null"]]
    assert all(s["verdict"] != "supported" for s in nulls), f"{cid}: a null specification gave supported"


def test_the_control_is_a_real_run(mapped):
    """The control's evidence varies across the specifications: not a constant, not true by construction."""
    cid, record = mapped
    facts = {json.dumps(s["control_facts"], sort_keys=True) for s in record["robustness"]["specs"]}
    assert len(facts) > 1, f"{cid}: the control's evidence is identical at every specification"


def test_the_strongest_alternative_is_named(mapped):
    cid, _ = mapped
    words = load_catalogue(claims_dir() / module_name(cid))
    assert words.has("alternative"), (
        f"{cid}: no `alternative` (the strongest alternative we tried) in its words"
    )


def test_training_claims_say_whether_their_runs_converged(mapped):
    cid, record = mapped
    if registry.load(cid).trains:
        assert "converged_share" in record["report"]["values"]
