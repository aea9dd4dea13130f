"""Reading v2, the rest (issue 25): wide tables read as cards on a phone, the notebooks' scripts are not published
beside their pages, and generated text is typeset one way: years as months, powers as superscripts, 40% without
a space, no −0.00, real English plurals, Japanese in です・ます."""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from mkdocs.structure.files import File, Files

from kanguri import cache, phrases, render, tables, verdict_parts
from kanguri.fragments import prose
from kanguri.markup import md_table
from kanguri.numbers import fmt_exact, fmt_year
from kanguri.paths import PACKAGE_DIR, docs_dir
from kanguri.report import Value
from kanguri.site import KanguriPlugin
from kanguri.text import L
from tests.site_build import markdown_html

_TABLE = re.compile(r"<table[^>]*>.*?</table>", re.S)


def _cards(page_html: str) -> list[str]:
    return [t for t in _TABLE.findall(page_html) if tables.MARK in t.split(">", 1)[0]]


def _labels(table: str) -> list[list[str | None]]:
    """Each body row's cells: the data-label of each (None where a cell has none)."""
    body = table[table.index("<tbody>") :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[m[1] for m in re.finditer(r'<td(?:\s[^>]*?data-label="([^"]*)")?[^>]*>', r)] for r in rows]


# --- the phone's card layout ---------------------------------------------------------------------------------
def test_a_wide_table_labels_every_cell_with_its_column_and_a_narrow_one_stays():
    hostile = 'a|b "q" <x> & 10**15'
    wide = md_table(
        ["claim", hostile, "verdict", "value", "date"], [["x", "y", "", "1.5", "2026"], ["z"] * 5]
    )
    narrow = md_table(["item", "value"], [["x", "1"]])
    page = tables.card_labels(markdown_html(f"{wide}\n\n{narrow}\n"))
    cards = _cards(page)
    assert len(cards) == 1 and len(_TABLE.findall(page)) == 2, "only the table of 4 columns or more"
    heads = ["claim", html.escape(hostile, quote=True), "verdict", "value", "date"]
    assert _labels(cards[0]) == [heads, heads], "every body cell carries its column's head, escaped"
    assert html.unescape(heads[1]) == hostile
    assert tables.card_labels(page) == page, "marking twice changes nothing"


def test_a_table_labelled_already_or_holding_a_table_is_left_alone():
    index = "<table><thead><tr><th>a</th><th>b</th><th>c</th><th>d</th></tr></thead><tbody><tr>"
    index += (
        '<td data-label="a">1</td><td data-label="b">2</td><td data-label="c">3</td><td data-label="d">4</td>'
    )
    index += "</tr></tbody></table>"
    assert tables.card_labels(index) == index


def test_the_plugin_marks_the_tables_of_every_page():
    wide = md_table(["a", "b", "c", "d"], [["1", "2", "3", "4"]])
    page = SimpleNamespace(
        file=SimpleNamespace(src_uri="claims/x.en.md", dest_uri="en/claims/x/index.html", locale="en"), toc=[]
    )
    config = SimpleNamespace(site_dir="/nonexistent", theme={"language": "ja"})
    out = KanguriPlugin().on_page_content(markdown_html(wide), page, config, files=None)
    assert _labels(_cards(out)[0]) == [["a", "b", "c", "d"]]


def test_the_stylesheet_lays_the_marked_tables_out_as_cards_on_a_phone():
    css = (docs_dir() / "stylesheets" / "kanguri.css").read_text(encoding="utf-8")
    phone = css[css.index("@media screen and (max-width: 37.5em)") :]
    assert f"table[{tables.MARK}]" in phone and "content: attr(data-label)" in phone
    assert re.search(r"\.kg-num[^{]*\{[^}]*white-space: nowrap", css), "a table's numbers never wrap"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_claim_pages_wide_tables_are_cards_with_reader_facing_labels(lang):
    """The robustness map, the sources and the literature of a real page, from its frozen record."""
    record = cache.load_frozen("barren-plateaus", "site")
    if record is None:
        pytest.skip("no frozen site record of barren-plateaus")
    src = f"claims/barren-plateaus.{lang}.md"
    ctx = render.page_context(src, lang, {"barren-plateaus": record}, "claims/barren-plateaus")
    markdown = render.render_page((docs_dir() / src).read_text(encoding="utf-8"), ctx, where=src)
    page = tables.card_labels(markdown_html(markdown))
    cards = _cards(page)
    assert len(cards) >= 3
    for table in cards:
        assert all(all(label for label in row) for row in _labels(table)), "a cell without its column's name"
    text = re.sub(r"<svg.*?</svg>|<code>.*?</code>|“[^”]*”", "", page, flags=re.S)
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", re.sub(r"<[^>]+>", " ", text)), (
        "an internal name on the page"
    )
    assert "^" not in re.sub(r"<[^>]+>", " ", text), "a caret exponent on the page"
    assert 'class="kg-power"' in page


# --- the notebooks' scripts ----------------------------------------------------------------------------------
def test_the_notebooks_scripts_are_not_published_beside_their_pages(tmp_path):
    """The claim page links each script under assets/downloads/; the copy in notebooks/ would be served unlinked."""
    docs = tmp_path / "docs"
    names = ["notebooks/x.ja.py", "notebooks/x.en.py", "index.ja.md", "assets/downloads/x/x.ja.py"]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("", encoding="utf-8")
    files = Files([File(n, str(docs), str(tmp_path / "site"), use_directory_urls=True) for n in names])
    kept = [f.src_uri for f in KanguriPlugin().on_files(files, config=SimpleNamespace())]
    assert kept == ["index.ja.md", "assets/downloads/x/x.ja.py"]


# --- numbers -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("x", "ja", "en"),
    [(2027.7, "2027年9月", "September 2027"), (2026.4, "2026年5月", "May 2026"), (2031, "2031", "2031")],
)
def test_a_fractional_year_reads_as_its_month(x, ja, en):
    assert (fmt_year(x, "ja"), fmt_year(x, "en")) == (ja, en)


def test_a_year_value_and_a_share_read_as_a_reader_writes_them():
    year = Value(label=L(ja="年", en="year"), value=2027.3, lo=2026.4, hi=2028.4, digits=5, grouping=False)
    assert "2027年4月 [2026年5月, 2028年5月]" in render.fmt_value(year, "ja")
    assert "April 2027 [May 2026, May 2028]" in render.fmt_value(year, "en")
    share = Value(label=L(ja="割合", en="share"), value=40.0, unit=L(ja="%", en="%"))
    assert ">40.0%<" in render.fmt_value(share, "ja") and ">40.0%<" in render.fmt_value(share, "en")
    assert fmt_exact(-0.0, "en") == "0"


def test_generated_sentences_are_typeset_one_way():
    assert prose("Var ∝ 2^(−κn), width^−0.98 and n^O(k).") == (
        'Var ∝ <span class="kg-power">2<sup>−κn</sup></span>, <span class="kg-power">width<sup>−0.98</sup></span>'
        ' and <span class="kg-power">n<sup>O(k)</sup></span>.'
    )
    assert prose("分散 ∝ 幅^−0.980。") == '分散 ∝ <span class="kg-power">幅<sup>−0.980</sup></span>。'
    assert (
        prose("lower bound −0.00, −0.001, x−0.0; 40 % of 100 %")
        == "lower bound 0.00, −0.001, x−0.0; 40% of 100%"
    )
    names = {"rate_low": "発火率の下限", "rate_high": "発火率の上限"}
    assert prose("値（rate_high, rate_low）に", "ja", names) == "値（発火率の上限、発火率の下限）に"
    assert prose("the (rate_low, other) ones", "en", names) == "the (rate&#95;low, other) ones", (
        "whole lists only"
    )
    assert prose("10**15 <b>") == "10&#42;&#42;15 &lt;b&gt;", "escaped as everything else"


# --- words ---------------------------------------------------------------------------------------------------
def test_english_counts_have_real_plurals():
    assert phrases.counted(1, "count.claim", "count.claims", "en") == "1 claim"
    assert phrases.counted(6, "count.claim", "count.claims", "en") == "6 claims"
    assert phrases.counted(1, "count.specification", "count.specifications", "ja") == "1 通りの設定"
    english = (PACKAGE_DIR / "locales" / "site.en.yml").read_text(encoding="utf-8")
    assert "(s)" not in english


# a sentence that ends in the plain form (〜る。〜た。〜だ。〜ない。), not in です・ます (〜ます。〜でした。〜です。)
_PLAIN = re.compile(r"[^。\n]{0,30}(?<![しでま])(?:た|る|だ|ない|ず|う)。")


def _site_words(tree: object) -> list[str]:
    if isinstance(tree, dict):
        return [w for v in tree.values() for w in _site_words(v)]
    return [str(tree)]


def test_japanese_site_words_and_pages_are_in_desu_masu():
    site = yaml.safe_load((PACKAGE_DIR / "locales" / "site.ja.yml").read_text(encoding="utf-8"))
    plain = [m[0] for w in _site_words(site) for m in _PLAIN.finditer(w + "。")]
    assert plain == []
    for page in sorted(Path(docs_dir()).glob("*.ja.md")):
        text = re.sub(r"```.*?```|`[^`]*`", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert [m[0] for m in _PLAIN.finditer(text)] == [], page.name


def test_a_knob_without_a_label_reads_as_words_and_a_cited_input_by_its_label():
    assert verdict_parts._knob(None, "kv_heads", "en") == "kv heads"
    assert verdict_parts._named(None, "gpu_power", "brain_power", "en", "brain-20-watts").startswith(
        "power of the brain ("
    )


def test_a_check_sentence_names_cited_inputs_by_their_labels():
    decision = {
        "reasons": [
            {"ja": "値（rate_high, rate_low）に頼っています。", "en": "inputs (rate_high, rate_low)."}
        ],
        "checks": {"inputs": None},
    }
    labels = {"rate_low": "firing rate (low)", "rate_high": "firing rate (high)"}
    line = verdict_parts.check_lines(decision, "en", labels=labels)
    assert "inputs (firing rate (high), firing rate (low))." in line and "rate&#95;" not in line
