"""A real `mkdocs build --strict` of the real site, and of a small site with a crashing claim."""

import json
import re

import pytest

from kanguri import registry
from tests import toy
from tests.site_build import mkdocs_build

pytestmark = [
    pytest.mark.site,
    pytest.mark.xdist_group("failing_site"),
]  # one worker: the module's fixture (failing_site) is built once


@pytest.fixture(scope="session")
def site(real_site):
    return real_site


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


HOME = """# Toy

{{ verdict_tally() }}

{{ scorecard() }}

- {{ claim_line('toy-mean') }}
- {{ claim_line('toy-other') }}
- {{ claim_line('toy-scaffold') }}
"""
BROKEN = ("toy-other", "toy-scaffold")  # an experiment that raises; a module that raises at import
HOSTILE_TITLE = '<script>alert("t")</script> 10**15 k*'  # braces: tests/test_escaping.py


def _failing_project(tmp_path):
    root = toy.make_project(tmp_path / "project")
    toy.write_claim(root, "toy-other", mode="crash")
    broken = toy.write_claim(root, "toy-scaffold")
    broken.write_text('raise RuntimeError("broken at import")\n' + broken.read_text())
    catalogue = root / "claims" / "catalogue.yml"
    text = catalogue.read_text(encoding="utf-8").replace(
        "{ja: 平均, en: The mean}", json.dumps({"ja": HOSTILE_TITLE, "en": HOSTILE_TITLE})
    )
    catalogue.write_text(text, encoding="utf-8")
    toy.add_site(root)
    for lang in ("ja", "en"):
        (root / "docs" / "claims" / f"toy-scaffold.{lang}.md").write_text(toy.PAGE)
        (root / "docs" / f"index.{lang}.md").write_text(HOME)
    return root, {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(tmp_path / "cache")}


@pytest.fixture(scope="module")
def failing_site(tmp_path_factory):
    """A toy site with two broken claims and a hostile title, built leniently: (root, env, site, build)."""
    tmp = tmp_path_factory.mktemp("failing")
    root, env = _failing_project(tmp)
    build = mkdocs_build(root, tmp / "site", strict=False, env=env)
    assert build.returncode == 0, build.stderr[-3000:]
    return root, env, tmp / "site", build


def _page(site, path):
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_broken_claims_fail_only_their_own_pages(failing_site):
    """Issue 27: a module raising at import took down the home page and the index; an experiment raising lost
    its own page to raw Jinja. Each shows as failed with its error on its page, its tile and its index row."""
    _, _, site, _ = failing_site
    for prefix, word in (("", "実行失敗"), ("en/", "Run failed")):
        for cid, error in zip(BROKEN, ("crashed on purpose", "broken at import"), strict=True):
            page = _page(site, f"{prefix}claims/{cid}")
            assert word in page and error in page, (prefix, cid)
            home = _page(site, prefix)
            tile = re.search(
                rf'<li class="kg-tile kg-failed" title="[^"]*{error}[^"]*"><a href="claims/{cid}/"', home
            )
            assert tile, (prefix, cid)
            index = _page(site, f"{prefix}claims")
            row = re.search(rf'data-verdict="failed"><td[^>]*><a href="{cid}/">.*?</tr>', index)
            assert row and error in row[0], (prefix, cid)
        ok = _page(site, f"{prefix}claims/toy-mean")
        assert "kg-supported" in ok and 'class="kg-value"' in ok
    for page in site.rglob("*.html"):
        text = re.sub(r"<svg.*?</svg>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert "{{" not in text and "{%" not in text, page  # never a page's raw template


def test_warnings_name_each_broken_claim_once(failing_site):
    _, _, _, build = failing_site
    warnings = [line for line in build.stderr.splitlines() if line.startswith("WARNING")]
    for cid in BROKEN:
        assert len([w for w in warnings if f"kanguri: claim {cid} " in w]) == 1, warnings
    assert len(warnings) == len(BROKEN), warnings


def test_a_hostile_title_is_text_on_every_page(failing_site):
    """Issue 27: a catalogue title with <script> reached the claim page, the home page and the nav unescaped."""
    _, _, site, _ = failing_site
    pages = list(site.rglob("*.html"))
    assert pages
    for page in pages:
        assert '<script>alert("t")' not in page.read_text(encoding="utf-8"), page
    assert "&lt;script&gt;alert" in _page(
        site, "en/claims/toy-mean"
    )  # the heading and the nav show it as text


def test_strict_fails_naming_each_broken_claim(failing_site, tmp_path):
    root, env, _, _ = failing_site
    strict = mkdocs_build(root, tmp_path / "strict", strict=True, env=env)
    assert strict.returncode != 0
    out = strict.stdout + strict.stderr
    warnings = [line for line in out.splitlines() if line.startswith("WARNING")]
    assert f"Aborted with {len(warnings)} warnings in strict mode" in out, out[-3000:]
    for cid in BROKEN:
        assert f"kanguri: claim {cid} failed at profile quick" in out


def test_expected_failure_is_tolerated_by_strict(tmp_path):
    root = toy.make_project(tmp_path / "project")
    toy.write_claim(root, "toy-other", mode="crash", xfail=True)
    toy.add_site(root)
    env = {"KANGURI_ROOT": str(root), "KANGURI_CACHE": str(tmp_path / "cache")}
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


def test_each_language_has_its_own_404_page(site):
    """Japanese at the root, English under /en/ (static-i18n wrote the last language's over the root's)."""
    ja = (site / "404.html").read_text(encoding="utf-8")
    en = (site / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in ja and "見つかりませんでした" in ja and "does not exist" not in ja
    assert '<html lang="en"' in en and "does not exist" in en and "見つかりませんでした" not in en
    for html in (ja, en):  # the switcher leads to each language's home page, from any path
        assert '<a href="/" hreflang="ja"' in html and '<a href="/en/" hreflang="en"' in html


def test_notebook_pages_are_light_and_draw_figures_like_claim_pages(site):
    """Each notebook page links the one shared notebook stylesheet instead of carrying it (590 KB), and shows
    its figures as inline SVG in the text colour, titled in its language: no page over 300 KB."""
    pages = sorted(site.glob("notebooks/*/index.html")) + sorted(site.glob("en/notebooks/*/index.html"))
    assert len(pages) == 2 * len(registry.implemented())
    assert (site / "assets" / "stylesheets" / "jupyter.css").stat().st_size > 500_000
    figure = re.compile(
        r'<figure class="kg-figure"><svg [^>]*role="img"[^>]*><title[^>]*>(.*?)</title>', re.S
    )
    for page in pages:
        where, html = page.relative_to(site), page.read_text(encoding="utf-8")
        assert len(html.encode()) < 300_000, f"{where}: {len(html.encode()):,} bytes"
        assert "assets/stylesheets/jupyter.css" in html and "<img" not in html, where
        assert html.count("kg-figure") == len(figure.findall(html)), where
        japanese = where.parts[0] != "en"
        for title in figure.findall(html):
            assert bool(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", title)) == japanese, (where, title)
