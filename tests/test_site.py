"""A real `mkdocs build --strict` of the real site, and of a small site with a crashing claim."""

import json
import re

import pytest

from kanguri import registry
from tests import toy
from tests.site_build import REPO, mkdocs_build

pytestmark = pytest.mark.site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(REPO, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def test_both_languages_have_every_page(site):
    for page in ("index.html", "claims/index.html", "reproducibility/index.html", "contributing/index.html"):
        assert (site / page).is_file() and (site / "en" / page).is_file(), page
    for cid in registry.implemented():
        ja = (site / "claims" / cid / "index.html").read_text(encoding="utf-8")
        en = (site / "en" / "claims" / cid / "index.html").read_text(encoding="utf-8")
        assert '<html lang="ja"' in ja and '<html lang="en"' in en
        assert "kg-badge" in ja and "kg-badge" in en


def test_figures_exist_for_both_languages(site):
    for cid in registry.implemented():
        html = (site / "claims" / cid / "index.html").read_text(encoding="utf-8")
        figures = sorted((site / "assets" / "figures" / cid).glob("*.svg"))
        if not figures:  # a claim may show only tables (brain-20-watts) or, as an opinion, none at all
            assert '<svg role="img"' not in html
            continue
        assert len(figures) % 2 == 0 and html.count('<svg role="img"') == len(figures) // 2
        for svg in figures:
            assert svg.read_text().lstrip().startswith("<?xml")
            if svg.name.endswith(".ja.svg"):
                assert svg.name in html


def test_no_template_syntax_leaks(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if "contributing" not in page.parts:  # the contributing guide shows the syntax on purpose
            assert "{{" not in text and "{%" not in text, page


def test_search_index_has_japanese_pages(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "ja" in index["config"]["lang"]
    assert any("パラメータシフト法" in doc["text"] for doc in index["docs"])


def test_planned_claims_are_marked(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    planned = [e for e in registry.catalogue()[1] if not e.implemented]
    assert home.count("kg-badge kg-planned") >= len(planned)


@pytest.fixture
def failing_site(tmp_path, monkeypatch):
    root = toy.make_project(tmp_path / "project")
    toy.write_claim(root, "toy-other", mode="crash")
    toy.add_site(root)
    monkeypatch.setenv("KANGURI_CACHE", str(tmp_path / "cache"))
    return root, {"KANGURI_ROOT": str(root)}


def test_crashing_claim_fails_only_its_page_and_strict(failing_site, tmp_path):
    root, env = failing_site
    lenient = mkdocs_build(root, tmp_path / "site", strict=False, env=env)
    assert lenient.returncode == 0, lenient.stderr[-3000:]
    assert "kanguri: claim toy-other failed at profile quick: RuntimeError" in lenient.stderr
    failed = (tmp_path / "site" / "claims" / "toy-other" / "index.html").read_text(encoding="utf-8")
    assert "実行失敗" in failed and "crashed on purpose" in failed
    ok = (tmp_path / "site" / "en" / "claims" / "toy-mean" / "index.html").read_text(encoding="utf-8")
    assert "kg-supported" in ok
    index = (tmp_path / "site" / "en" / "claims" / "index.html").read_text(encoding="utf-8")
    assert "kg-failed" in index and "kg-supported" in index

    strict = mkdocs_build(root, tmp_path / "strict", strict=True, env=env)
    assert strict.returncode != 0
    assert "Aborted with 1 warnings in strict mode" in strict.stdout + strict.stderr


def test_expected_failure_is_tolerated_by_strict(failing_site, tmp_path):
    root, env = failing_site
    toy.write_claim(root, "toy-other", mode="crash", xfail=True)
    strict = mkdocs_build(root, tmp_path / "site", strict=True, env=env)
    assert strict.returncode == 0, strict.stderr[-3000:]


CJK = "[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60\u3001-\u303f]"


def _article(path) -> str:
    html = path.read_text(encoding="utf-8")
    body = html[html.index("<article") : html.index("</article>")]
    return re.sub(r"<(script|style|svg|pre)[^>]*>.*?</\1>", "", body, flags=re.S)


def test_japanese_text_has_no_stray_spaces(site):
    """A line break inside Japanese text must not become a space (「物体の␣レベル」). Spaces beside a number, a
    value or inline code sit next to a tag or a Latin character, and are not counted."""
    stray = {}
    for page in site.rglob("index.html"):
        # notebook pages show code and its raw outputs; the prose pages are what must read as Japanese
        if page.relative_to(site).parts[0] in ("en", "notebooks") or "<article" not in page.read_text(
            encoding="utf-8"
        ):
            continue
        hits = re.findall(CJK + r"[ \n]+" + CJK, _article(page))
        if hits:
            stray[str(page.relative_to(site))] = hits[:5]
    assert stray == {}


def test_each_claim_page_shows_its_blocks_once(site):
    for cid in registry.implemented():
        html = (site / "en" / "claims" / cid / "index.html").read_text(encoding="utf-8")
        assert html.count('id="method"') <= 1 and html.count('id="result"') <= 1
        tail = html[html.index('id="reproduce"') :]
        assert "<strong>The rule" not in tail and "How to read this page" not in tail, cid


def test_pages_print_numbers_one_way(site):
    """A true minus sign and 5.8 × 10⁻¹⁶, never 5.8e-16 or -0.03, outside code and quoted sources."""
    for page in site.rglob("index.html"):
        if "<article" not in page.read_text(encoding="utf-8"):
            continue
        text = re.sub(r"<(code|q)[^>]*>.*?</\1>|“[^”]*”", "", _article(page), flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        assert not re.findall(r"(?<![\w.])\d+(?:\.\d+)?e[-+]?\d+\b", text), page
        assert not re.findall(r"(?<![\w\u2212/.-])-\d", text), page


def test_heading_anchors_are_readable_and_tooltips_speak_the_language(site):
    ja = (site / "claims" / "brain-20-watts" / "index.html").read_text(encoding="utf-8")
    assert 'id="verdict"' in ja  # the skeleton's anchors are shared by both languages
    assert not re.search(r'id="_\d', ja), "no anchors like #_3"
    assert 'title="この節へのリンク"' in ja and 'title="Permanent link"' not in ja
    en = (site / "en" / "claims" / "brain-20-watts" / "index.html").read_text(encoding="utf-8")
    assert 'id="verdict"' in en and 'title="Permanent link"' in en


def test_the_404_page_speaks_both_languages(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/"' in html and 'href="/en/"' in html
    assert "見つかりませんでした" in html and "does not exist" in html
