"""A third language is a matter of files (issue 20, point 1): a claim page built in a pseudo-locale.

In a temporary copy of the project, every English message (the claim's catalogue, the site's words, the kit's
check sentences, the interval methods, the catalogue's titles) gets a pseudo-locale twin ``xx`` that wraps it in
⟦…⟧ with its {placeholders} intact, and the claim's English page gets a twin ``<id>.xx.md`` whose prose is
wrapped the same way. The claim then runs through the real runner and worker, and its page is rendered in
``xx`` through :func:`render.page_context` and :func:`render.render_page`. Every sentence a reader sees must
come out wrapped: no Japanese anywhere, and no run of English words from the English catalogues or the page
outside the brackets. Nothing here is shipped: the ``xx`` files live in the copy only.

Two claims: ``measurement-collapse``, a real one (figures, a table, bootstrap intervals, a negative control), and
``pseudo-shapes``, a small claim of this test whose checks are the kit's standard shapes, so the check
sentences of ``kanguri/locales/checks.<lang>.yml`` reach a page too (no real claim is bound to use them).
"""

from __future__ import annotations

import itertools
import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kanguri import assets, export, phrases, registry, render, runner
from kanguri.paths import PACKAGE_DIR, module_name

pytestmark = pytest.mark.xdist_group("pseudo_locale")  # one worker: the module's fixture is built once

XX = "xx"
REAL = "measurement-collapse"
SHAPES = "pseudo-shapes"
REPO = PACKAGE_DIR.parent
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: a wrapped sentence may hold a wrapped link
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def wrap(text: str) -> str:
    return f"⟦{text}⟧"


# --- the pseudo-locale's files -----------------------------------------------------------------------
def pseudo(tree: Any) -> Any:
    """A catalogue's tree with every message wrapped; keys, numbers and {placeholders} unchanged."""
    if isinstance(tree, dict):
        return {k: pseudo(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [pseudo(v) for v in tree]
    return wrap(tree) if isinstance(tree, str) else tree


def add_pseudo_catalogue(stem: Path) -> None:
    """``<stem>.xx.yml`` beside ``<stem>.en.yml``."""
    tree = yaml.safe_load(stem.with_suffix(".en.yml").read_text(encoding="utf-8"))
    stem.with_suffix(f".{XX}.yml").write_text(
        yaml.safe_dump(pseudo(tree), allow_unicode=True), encoding="utf-8"
    )


def with_pseudo_texts(tree: Any) -> Any:
    """``claims/catalogue.yml`` with an ``xx`` beside every ``{ja, en}`` pair (sections, titles, claims,
    keywords): the catalogue's titles are data, so a third language adds a key there and no code changes."""
    if isinstance(tree, dict):
        out = {k: with_pseudo_texts(v) for k, v in tree.items()}
        if isinstance(tree.get("ja"), str) and isinstance(tree.get("en"), str):
            out[XX] = wrap(tree["en"])
        return out
    if isinstance(tree, list):
        return [with_pseudo_texts(v) for v in tree]
    return tree


_TAG = re.compile(r"{{.*?}}|{%.*?%}", re.S)
_MARKER = re.compile(r"(\s*(?:[-*+] |\d+\. |#{1,6} |> )?)(.*)", re.S)  # a list item's or heading's marker


def _wrap_run(text: str) -> str:
    """``  words  `` → ``  ⟦words⟧  ``; punctuation alone stays as it is."""
    core = text.strip()
    if not re.search(r"[A-Za-z]", core):
        return text
    start = text.index(core)
    return text[:start] + wrap(core) + text[start + len(core) :]


def _wrap_line(line: str, at_start: bool) -> str:
    if at_start and line.lstrip().startswith("|"):  # a table row: each cell
        return "|".join(_wrap_run(cell) for cell in line.split("|"))
    if not at_start:
        return _wrap_run(line)
    m = _MARKER.fullmatch(line)
    assert m is not None
    return m[1] + _wrap_run(m[2])


def pseudo_page(markdown: str) -> str:
    """The page with its prose wrapped and its template calls (``{{ value("x") }}``, blocks) kept."""
    out, pos = [], 0
    for tag in [*_TAG.finditer(markdown), None]:
        end = tag.start() if tag else len(markdown)
        lines = markdown[pos:end].split("\n")
        first_at_start = pos == 0 or markdown[pos - 1] == "\n"
        out.append("\n".join(_wrap_line(ln, i > 0 or first_at_start) for i, ln in enumerate(lines)))
        if tag:
            out.append(tag[0])
            pos = tag.end()
    return "".join(out)


# --- a claim whose checks are the kit's shapes --------------------------------------------------------
SHAPES_EXPERIMENT = """
from dataclasses import dataclass

import numpy as np

from experiments.common.stats import Estimate, t_interval, wilson


@dataclass(frozen=True)
class Config:
    samples: int = 400
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    effect: Estimate
    share: Estimate
    control: Estimate


@dataclass
class Result:
    evidence: Evidence


def run(cfg: Config) -> Result:
    rng = np.random.default_rng(cfg.seed)
    effect, control = rng.normal(1.0, 1.0, cfg.samples), rng.normal(0.0, 1.0, cfg.samples)
    hits = int((effect > 0).sum())
    return Result(Evidence(t_interval(effect), wilson(hits, cfg.samples), t_interval(control)))
"""

SHAPES_CLAIM = """
from dataclasses import replace

from experiments import pseudo_shapes as exp
from kanguri.claim import define
from kanguri.kit import Words, control_rule, lower_above, share_at_least, synthetic
from kanguri.report import Report
from kanguri.rule import Falsification, Rule


W = Words(__file__)
THRESHOLDS = {"bar": 0.5, "share": 0.7}
rule = Rule(
    checks={
        "effect": lower_above(W("terms.effect"), lambda ev: ev.effect, THRESHOLDS["bar"]),
        "share": share_at_least(W("terms.share"), lambda ev: ev.share, THRESHOLDS["share"]),
    }
)
control = control_rule({"control": lower_above(W("terms.control"), lambda ev: ev.control, THRESHOLDS["bar"])})
falsify = Falsification(
    supporting=lambda: exp.Evidence(synthetic(1.0, 0.9, 1.1), synthetic(0.8, 0.75, 0.85), synthetic(0.0, -0.1, 0.1)),
    null=lambda: exp.Evidence(synthetic(0.0, -0.1, 0.1), synthetic(0.5, 0.45, 0.55), synthetic(0.0, -0.1, 0.1)),
    flips={
        "effect": lambda ev: replace(ev, effect=synthetic(0.4, 0.3, 0.5)),
        "share": lambda ev: replace(ev, share=synthetic(0.6, 0.55, 0.65)),
    },
    control_flips={"control": lambda ev: replace(ev, control=synthetic(1.0, 0.9, 1.1))},
)


def report(r):
    ev = r.evidence
    rows = [[W("terms.effect"), ev.effect.value], [W("terms.control"), ev.control.value]]
    series = [W.series("means", [0, 1], [ev.control.value, ev.effect.value])]
    return Report(
        values=W.values(effect=ev.effect, share=ev.share, control=ev.control),
        tables={"means": W.table("means", rows)},
        figures={"means": W.figure("means", series)},
    )


claim = define(
    "pseudo-shapes",
    globals(),
    experiment=exp.run,
    profiles={"quick": exp.Config(), "site": exp.Config(), "full": exp.Config(samples=4000)},
    expected="supported",
    headline="effect",
)
"""

SHAPES_WORDS = {
    "en": """
question: Is the effect above the bar, and the control not?
terms: {effect: The effect, share: The share of positive draws, control: The control}
values: {effect: effect, share: share of positive draws, control: control}
tables: {means: {caption: Means of the draws, columns: [which draws, mean]}}
figures: {means: {title: The two means, caption: The control's mean and the effect's mean, xlabel: group, ylabel: mean}}
series: {means: mean of the draws}
anchors: {toy: a made-up result to put beside ours}
""",
    "ja": """
question: 効果は基準を超え、対照は超えないか。
terms: {effect: 効果, share: 正の値の割合, control: 対照}
values: {effect: 効果, share: 正の値の割合, control: 対照}
tables: {means: {caption: 平均, columns: [どの値か, 平均]}}
figures: {means: {title: 二つの平均, caption: 対照と効果の平均です, xlabel: 群, ylabel: 平均}}
series: {means: 平均}
anchors: {toy: 比べるための架空の結果}
""",
}
SHAPES_ENTRY = {
    "id": SHAPES,
    "section": "quantum",
    "kind": "experiment",
    "title": {"ja": "検査の型", "en": "Check shapes"},
    "claim": {"ja": "効果は基準を超える", "en": "The effect is above the bar"},
}
SHAPES_PAGE = """{% block method %}
We draw {{ param("samples") }} values and ask whether the effect clears {{ threshold("bar") }}.
{% endblock %}

{% block result %}
The effect is {{ value("effect") }}, the share {{ value("share") }}.

{{ table("means") }}

{{ figure("means") }}
{% endblock %}
"""


def _add_shapes_claim(root: Path) -> None:
    (root / "experiments" / "pseudo_shapes.py").write_text(SHAPES_EXPERIMENT, encoding="utf-8")
    (root / "claims" / "pseudo_shapes.py").write_text(textwrap.dedent(SHAPES_CLAIM), encoding="utf-8")
    for lang, text in SHAPES_WORDS.items():
        (root / "claims" / f"pseudo_shapes.{lang}.yml").write_text(text, encoding="utf-8")
    (root / "claims" / "pseudo_shapes.anchors.yml").write_text(
        "toy: {cite: Toy 2026, url: 'https://example.org', ours: effect}\n", encoding="utf-8"
    )
    (root / "docs" / "claims" / f"{SHAPES}.en.md").write_text(SHAPES_PAGE, encoding="utf-8")


# --- the copy ------------------------------------------------------------------------------------------
def _ignore(_: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__" or n.endswith(".pyc")}


def build_copy(root: Path) -> None:
    """The project's engine, experiments and one real claim, plus the pseudo-locale's files.

    The engine is copied too: the worker runs with the project root as its working directory, so it imports
    the copy (``python -m`` puts that folder first on its path), and reads the kit's ``checks.xx.yml`` there.
    """
    shutil.copytree(REPO / "kanguri", root / "kanguri", ignore=_ignore)
    shutil.copytree(REPO / "experiments", root / "experiments", ignore=_ignore)
    (root / "claims").mkdir()
    (root / "docs" / "claims").mkdir(parents=True)
    (root / "claims" / "__init__.py").write_text("")
    mod = module_name(REAL)
    for f in (REPO / "claims").glob(f"{mod}.*"):
        if f.name.split(".")[1] in ("py", "ja", "en", "anchors", "sources"):
            shutil.copy2(f, root / "claims" / f.name)
    shutil.copy2(REPO / "docs" / "claims" / f"{REAL}.en.md", root / "docs" / "claims" / f"{REAL}.en.md")
    _add_shapes_claim(root)

    catalogue = yaml.safe_load((REPO / "claims" / "catalogue.yml").read_text(encoding="utf-8"))
    catalogue["claims"].append(SHAPES_ENTRY)
    (root / "claims" / "catalogue.yml").write_text(
        yaml.safe_dump(with_pseudo_texts(catalogue), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    stems = [root / "claims" / module_name(c) for c in (REAL, SHAPES)]
    stems += [root / "kanguri" / "locales" / "site", root / "kanguri" / "locales" / "checks"]
    stems += [root / "experiments" / "common" / "methods"]
    for stem in stems:
        add_pseudo_catalogue(stem)
    for cid in (REAL, SHAPES):
        en = (root / "docs" / "claims" / f"{cid}.en.md").read_text(encoding="utf-8")
        (root / "docs" / "claims" / f"{cid}.{XX}.md").write_text(pseudo_page(en), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, dict]]]:
    """The copy, the engine pointed at it, and each claim's record from the real runner (quick profile)."""
    tmp = tmp_path_factory.mktemp("pseudo")
    root = tmp / "project"
    build_copy(root)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KANGURI_ROOT", str(root))
        mp.setenv("KANGURI_CACHE", str(tmp / "cache"))
        mp.syspath_prepend(str(root))
        mp.setattr(phrases, "LOCALES", root / "kanguri" / "locales")  # the site's words, with site.xx.yml
        phrases.site.cache_clear()
        registry.refresh()
        try:
            yield root, {cid: runner.run(cid, "quick") for cid in (REAL, SHAPES)}
        finally:
            phrases.site.cache_clear()
            registry.refresh()


# --- what a reader sees --------------------------------------------------------------------------------
def _readable_attributes(tag: re.Match[str]) -> str:
    """A tag is markup, but its tooltip, alt text and labels are read: keep those, each on its own."""
    values = re.findall(r'\b(?:title|alt|aria-label|data-label)="([^"]*)"', tag[0])
    return "\n" + "\n".join(values) + "\n"


def unwrapped(page: str) -> str:
    """What a reader sees outside the brackets, one stretch of text per line.

    Besides markup (tag names, attributes other than the read ones, code, heading ids, admonition types), it
    leaves out what no language translates: citations (the text of links out of the site) and quotations as
    printed (“…”).
    """
    text = page
    while (inner := WRAPPED.sub("\n", text)) != text:
        text = inner
    text = re.sub(r"```.*?```|<code>.*?</code>|`[^`\n]*`|!!! [\w-]+", "\n", text, flags=re.S)
    text = re.sub(r"<(style|script|metadata)\b.*?</\1>", "\n", text, flags=re.S)
    text = re.sub(r'<a href="https?://[^"]*">.*?</a>|“[^”]*”|\{:[^}]*\}', "\n", text, flags=re.S)
    return re.sub(r"<[^>]*>", _readable_attributes, text)


def _runs(text: str) -> Iterator[tuple[str, ...]]:
    """Runs of words joined by spaces only: a sentence's words, not words that merely sit side by side."""
    for stretch in re.split(r"[^A-Za-z' ]+", text):
        words = tuple(w.lower() for w in WORD.findall(stretch))
        if words:
            yield words


def _english(root: Path, claim_id: str) -> tuple[set[tuple[str, str]], set[str]]:
    """The English a reader could meet on the claim's page: every pair of adjacent words in the English
    catalogues and page, and the one-word messages (a heading, a column, a verdict)."""
    texts: list[str] = []

    def collect(tree: Any) -> None:
        if isinstance(tree, dict):
            for v in tree.values():
                collect(v)
        elif isinstance(tree, list):
            for v in tree:
                collect(v)
        elif isinstance(tree, str):
            texts.append(tree)

    en = [
        root / "claims" / f"{module_name(claim_id)}.en.yml",
        root / "experiments" / "common" / "methods.en.yml",
    ]
    en += sorted((root / "kanguri" / "locales").glob("*.en.yml"))
    for path in en:
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    catalogue = yaml.safe_load((root / "claims" / "catalogue.yml").read_text(encoding="utf-8"))
    collect([section["en"] for section in catalogue["sections"].values()])
    collect([e[k]["en"] for e in catalogue["claims"] for k in ("title", "claim", "keywords") if k in e])
    page = (root / "docs" / "claims" / f"{claim_id}.en.md").read_text(encoding="utf-8")
    texts += _TAG.split(page)
    pairs, singles = set(), set()
    for text in texts:
        for run in _runs(PLACEHOLDER.sub("\n", text)):
            pairs |= set(itertools.pairwise(run))
        if len(words := WORD.findall(PLACEHOLDER.sub("", text))) == 1 and len(words[0]) > 1:
            singles.add(words[0].lower())
    return pairs, singles


def _leaks(page: str, pairs: set[tuple[str, str]], singles: set[str]) -> list[str]:
    leaks = []
    for line in unwrapped(page).split("\n"):
        for run in _runs(line):
            hits = [" ".join(p) for p in itertools.pairwise(run) if p in pairs]
            if len(run) == 1 and run[0] in singles and len(WORD.findall(line)) == 1:
                hits.append(run[0])  # a one-word message standing alone: a heading, a cell, a label
            leaks += [f"{h!r} in {line.strip()[:100]!r}" for h in hits]
    return leaks


# --- the tests -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("claim_id", [REAL, SHAPES])
def test_a_claim_page_in_a_third_language_is_a_matter_of_files(project, claim_id: str) -> None:
    root, records = project
    record = records[claim_id]
    assert record["status"] == "ok", record.get("error")
    reasons = record["decision"]["reasons"] + record["control"]["reasons"]
    assert all(r[XX].startswith("⟦") for r in reasons), "the worker fills the check sentences in xx too"
    assert all(XX in by_lang for by_lang in record["figures"].values()), "each figure is drawn in xx too"

    source = (root / "docs" / "claims" / f"{claim_id}.{XX}.md").read_text(encoding="utf-8")
    ctx = render.page_context(f"claims/{claim_id}.{XX}.md", XX, records, page_dir=f"claims/{claim_id}")
    page = render.render_page(source, ctx, where=f"claims/{claim_id}.{XX}.md")

    essay = registry.entry(claim_id).essay  # the essay's own words are quoted in it, in every language
    shown = page
    for phrase in essay.phrases if essay else ():
        shown = shown.replace(f"“{phrase}”", "")
    assert not JAPANESE.search(shown), JAPANESE.findall(shown)[:20]
    pairs, singles = _english(root, claim_id)
    leaks = _leaks(page, pairs, singles)
    assert not leaks, "English outside the pseudo-locale's brackets:\n" + "\n".join(leaks[:30])
    # the page is whole: its verdict, values with the interval method in xx, figures drawn in xx
    assert "⟦Supported⟧" in page and page.count('class="kg-value"') >= 2
    assert re.search(r'class="kg-value" title="⟦95% CI⟧⟦: ⟧⟦[^"]+⟧', page), "the interval method in xx"
    assert page.count("<figure") == len(record["figures"])
    if claim_id == SHAPES:  # the kit's standard sentences, from kanguri/locales/checks.xx.yml
        assert re.search(r"⟦⟦The effect⟧: [\d.]+ \(95% lower bound", page)


def test_the_checks_catch_what_a_missing_translation_leaves(project) -> None:
    """The same checks on pages that lose a translation: a message with no xx falls back to nothing, so the
    test would pass vacuously if its checks could not see English or Japanese left on the page."""
    root, _ = project
    pairs, singles = _english(root, REAL)
    assert _leaks("## ⟦Question⟧\n\nUnmeasured, the visibility is 0.99 ⟦[0.98, 1.00]⟧", pairs, singles)
    assert _leaks("| Verdict |\n", pairs, singles)
    assert _leaks('<span class="kg-value" title="95% CI: ⟦bootstrap⟧">1</span>', pairs, singles)
    assert not _leaks(
        "⟦Unmeasured, the visibility is⟧ 0.99 <code>measurement-collapse</code>", pairs, singles
    )


def test_downloads_and_the_export_follow_the_third_language(project, tmp_path: Path) -> None:
    """The tables' CSV files the xx page links exist in xx, and ``kanguri render`` writes the xx pages."""
    _, records = project
    assets.write_downloads(records, tmp_path / "notebooks", tmp_path / "downloads")
    csv_file = tmp_path / "downloads" / REAL / f"tomography.{XX}.csv"
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads it as UTF-8
    assert csv_file.read_text(encoding="utf-8-sig").startswith("⟦")
    done = export.render_site(tmp_path / "rendered", "quick")
    assert not done.failures, done.failures
    page = (tmp_path / "rendered" / XX / "claims" / f"{SHAPES}.md").read_text(encoding="utf-8")
    assert "⟦Check shapes⟧" in page and not JAPANESE.search(page)
    assert any((tmp_path / "rendered" / XX / "assets" / "figures" / SHAPES).glob(f"*.{XX}.svg"))
