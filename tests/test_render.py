"""Records become Markdown: number formats, verdict boxes, failures, both languages."""

import posixpath
import re

import pytest

from kanguri import phrases, registry, render, runner
from kanguri.report import Value
from kanguri.text import L, Lang
from tests import toy


@pytest.mark.parametrize(
    ("x", "lang", "digits", "text"),
    [
        (1234567, "en", 3, "1,234,567"),
        (0.012345, "ja", 3, "0.0123"),
        (2.0, "en", 3, "2.00"),
        (12345.6, "ja", 3, "12,346"),
        (1.5e-7, "en", 2, "1.5 × 10⁻⁷"),
        (-0.0123, "en", 3, "\u22120.0123"),
        (None, "ja", 3, "—"),
        (float("nan"), "en", 3, "—"),
    ],
)
def test_numbers(x, lang, digits, text):
    assert render.fmt_number(x, lang, digits) == text


def test_value_with_interval_in_both_languages():
    v = Value(label=L(ja="指数", en="exponent"), value=1.0234, lo=0.98, hi=1.07, unit=L(ja="秒", en="s"))
    assert render.fmt_value(v, "en") == '<span class="kg-value" title="95% CI">1.02 [0.980, 1.07] s</span>'
    assert (
        render.fmt_value(v, "ja")
        == '<span class="kg-value" title="95% 信頼区間">1.02 [0.980, 1.07] 秒</span>'
    )
    t = Value(label=L(ja="比", en="ratio"), value=3.0, lo=2.5, hi=3.5, method="t-interval over seeds", n=5)
    assert 'title="95% CI: t-interval over seeds, n = 5"' in render.fmt_value(t, "en")


def test_claim_page_renders_in_both_languages(toy_project):
    record = runner.run("toy-mean", "quick")
    template = "{% block result %}{{ value('mean') }}\n{{ figure('fig') }}{% endblock %}"
    pages = {}
    for lang in ("ja", "en"):
        ctx = render.PageContext(
            lang=lang, records={"toy-mean": record}, page_dir="claims/toy-mean", claim_id="toy-mean"
        )
        pages[lang] = render.render_page(template, ctx)
    assert "平均はゼロに近い" in pages["ja"] and "The mean is near zero" in pages["en"]
    assert 'kg-badge kg-supported">支持<' in pages["ja"] and 'kg-supported">Supported<' in pages["en"]
    assert "fig.ja.svg" in pages["ja"] and "fig.en.svg" in pages["en"]
    assert "同じ基準で棄却されました" in pages["ja"] and "rejected by the same criterion" in pages["en"]
    # the skeleton: the catalogue's title, the headings, anchors and provenance, in each language
    assert pages["ja"].startswith("# 平均\n") and pages["en"].startswith("# The mean\n")
    for ja, en in (("## 問い", "## Question"), ("## 結果", "## Result"), ("## 再現", "## Reproduce")):
        assert ja in pages["ja"] and en in pages["en"]
    assert "## 方法" not in pages["ja"] and "## Method" not in pages["en"]  # an empty block has no heading


def test_the_notebook_link_stays_in_the_pages_language(toy_project):
    """Downloads are shared at the site root; the walkthrough page is in the claim page's own language tree."""
    record = runner.run("toy-mean", "quick")
    pages: list[tuple[str, Lang]] = [("claims/toy-mean", "ja"), ("en/claims/toy-mean", "en")]
    for page_dir, lang in pages:
        ctx = render.PageContext(
            lang=lang, records={"toy-mean": record}, page_dir=page_dir, claim_id="toy-mean"
        )
        page = render.render_page("", ctx)
        notebook = re.findall(r"\]\(([^)]*notebooks/toy-mean)\)", page)
        record_json = re.findall(r'href="([^"]*record\.json)"', page)
        assert [posixpath.normpath(posixpath.join(page_dir, h)) for h in notebook] == [
            page_dir.replace("claims/", "notebooks/")
        ]
        assert [posixpath.normpath(posixpath.join(page_dir, h)) for h in record_json] == [
            "assets/downloads/toy-mean/record.json"
        ]


def test_each_block_appears_once_in_its_place(toy_project):
    """The skeleton shows a page's blocks under their headings, and nowhere else (not again at the end)."""
    record = runner.run("toy-mean", "quick")
    template = (
        "{% block method %}METHOD-TEXT{% endblock %}{% block result %}RESULT-TEXT{% endblock %}"
        "{% block caveats %}CAVEATS-TEXT{% endblock %}"
    )
    ctx = render.PageContext(
        lang="en", records={"toy-mean": record}, page_dir="claims/toy-mean", claim_id="toy-mean"
    )
    page = render.render_page(template, ctx)
    for text in ("METHOD-TEXT", "RESULT-TEXT", "CAVEATS-TEXT"):
        assert page.count(text) == 1, text
    assert (
        page.index("## Method")
        < page.index("METHOD-TEXT")
        < page.index("## Result")
        < page.index("RESULT-TEXT")
    )
    assert page.index("## Caveats") < page.index("CAVEATS-TEXT") < page.index("## Reproduce")


def test_params_and_thresholds_come_from_the_record_and_the_code(toy_project):
    record = runner.run("toy-mean", "quick")
    ctx = render.PageContext(lang="en", records={"toy-mean": record}, page_dir="", claim_id="toy-mean")
    page = render.render_page(
        "{% block method %}n={{ param('samples') }}, k={{ threshold('sems') }}, "
        "p={{ param('samples', percent=True) }}{% endblock %}",
        ctx,
    )
    assert "n=200, k=3, p=20,000%" in page
    with pytest.raises(KeyError, match="no parameter 'sample'"):
        render.render_page("{% block method %}{{ param('sample') }}{% endblock %}", ctx)


def test_a_slope_bar_reads_as_the_fall_it_means_and_a_knob_as_its_ends(toy_project):
    """A knob's values come from the claim's definition, so a quick record (which runs no map) reads them too."""
    record = runner.run("toy-mean", "quick")
    assert record.get("robustness") is None
    ctx = render.PageContext(lang="en", records={"toy-mean": record}, page_dir="", claim_id="toy-mean")
    assert ctx.threshold("sems", fall_over=0.5) == "88%"  # 1 − 0.5³ = 0.875
    assert (ctx.knob("samples", of="min"), ctx.knob("samples")) == ("100", "400")
    with pytest.raises(KeyError, match="no knob 'shots'"):
        ctx.knob("shots")


def test_text_outside_the_blocks_is_an_error(toy_project):
    record = runner.run("toy-mean", "quick")
    ctx = render.PageContext(lang="en", records={"toy-mean": record}, page_dir="", claim_id="toy-mean")
    with pytest.raises(ValueError, match="text outside the blocks"):
        render.render_page("# My own title\n{% block result %}x{% endblock %}", ctx)
    with pytest.raises(ValueError, match=r"unknown block\(s\) \['results'\]"):
        render.render_page("{% block results %}x{% endblock %}", ctx)


def test_failed_claim_renders_as_failed():
    record = {"status": "failed", "error": "RuntimeError: boom"}
    ctx = render.PageContext(lang="en", records={"x": record}, page_dir="", claim_id="x")
    assert ctx.verdict().startswith('!!! failure "Run failed"') and "RuntimeError: boom" in ctx.verdict()
    assert ctx.value("anything") == "—" and ctx.figure("f") == ""


def test_unknown_value_name_is_an_error(toy_project):
    record = runner.run("toy-mean", "quick")
    ctx = render.PageContext(lang="en", records={"toy-mean": record}, page_dir="", claim_id="toy-mean")
    with pytest.raises(KeyError, match="no value named 'median'"):
        render.render_page("{% block result %}{{ value('median') }}{% endblock %}", ctx)


def test_unknown_template_name_is_an_error():
    ctx = render.PageContext(lang="en", records={}, page_dir="")
    with pytest.raises(Exception, match="'valeu' is undefined"):
        render.render_page("{{ valeu('x') }}", ctx)


def test_wrapped_japanese_lines_join_without_a_space():
    text = "人が知覚する物体の\nレベルで十分。\nThe end\n- 箇条書き\n- 二つ目\n```\nコード\nそのまま\n```"
    assert render.join_cjk_lines(text) == (
        "人が知覚する物体のレベルで十分。\nThe end\n- 箇条書き\n- 二つ目\n```\nコード\nそのまま\n```"
    )
    assert render.join_cjk_lines("日本語\n  続き") == "日本語続き"
    assert render.join_cjk_lines("数値は\n1.5 です") == "数値は\n1.5 です"  # Latin or digits keep their space


@pytest.mark.parametrize(
    ("x", "text"), [(0.5, "0.5"), (0.05, "0.05"), (1e-6, "1 × 10⁻⁶"), (5.0, "5"), (-0.02, "\u22120.02")]
)
def test_constants_are_shown_as_written(x, text):
    assert render.fmt_exact(x, "en") == text


def test_every_interval_method_is_translated():
    """Methods are named in the experiments; experiments/common/methods.<lang>.yml has each one in every
    language, and the page shows it in its own."""
    import ast

    from kanguri.paths import experiments_dir

    named = set()
    for path in experiments_dir().rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.startswith(
                    (
                        "t-interval",
                        "bootstrap over",
                        "Wilson",
                        "Monte Carlo",
                        "counted",
                        "FLOPs counted",
                        "computed ",
                        "maximum over",
                        "minimum over",
                    )
                ):
                    named.add(text)
    methods = phrases.methods()
    assert named and named <= methods.keys(), sorted(named - methods.keys())
    assert list(methods.problems()) == []
    assert phrases.method_name("t-interval over seeds", "ja") == "シード間の t 区間"
    assert phrases.method_name("a method no catalogue has", "ja") == "a method no catalogue has"


def test_result_fields_let_words_follow_the_record(toy_project):
    record = runner.run("toy-mean", "quick")
    ctx = render.PageContext(lang="en", records={"toy-mean": record}, page_dir="", claim_id="toy-mean")
    page = render.render_page(
        "{% block result %}{% if result('evidence.sem') > 0 %}spread{% endif %}{% endblock %}", ctx
    )
    assert "spread" in page
    with pytest.raises(KeyError, match=r"the result has no field 'evidence\.median'"):
        render.render_page("{% block result %}{{ result('evidence.median') }}{% endblock %}", ctx)


HOME = "{{ verdict_tally() }}\n\n{{ scorecard() }}\n\n{{ section_claims('quantum') }}\n\n- {{ claim_line('toy-other') }}\n"
BLOCKS = "{% block method %}n = {{ param('samples') }}, k = {{ threshold('sems') }}{% endblock %}"
BLOCKS += "{% block result %}{{ value('mean') }} {{ figure('fig') }}{% endblock %}"


def _failed_claim_everywhere(records: dict, error: str) -> None:
    """toy-other failed: its page, its tile, its index row and its home-page line say so with its error, and
    toy-mean's pages are untouched."""
    for lang, word in (("ja", "実行失敗"), ("en", "Run failed")):
        page = render.render_page(
            BLOCKS, render.page_context(f"claims/toy-other.{lang}.md", lang, records, "")
        )
        assert word in page and error in page
        assert "{%" not in page and "{{" not in page and "n = " not in page  # the blocks' prose is not shown
        home = render.render_page(HOME, render.page_context(f"index.{lang}.md", lang, records, ""))
        tile = re.search(r'<li class="kg-tile kg-failed" title="([^"]*)"', home)
        assert tile and error in tile[1]
        assert "kg-badge kg-failed" in home and error in home.split("claims/toy-other.md")[-1]
        index = render.render_page(
            "{{ claims_table() }}", render.page_context(f"claims/index.{lang}.md", lang, records, "")
        )
        row = re.search(r'<tr data-section="quantum" data-verdict="failed">(.*?)</tr>', index)
        assert row and error in row[1]
        ok = render.render_page(BLOCKS, render.page_context(f"claims/toy-mean.{lang}.md", lang, records, ""))
        assert "kg-badge kg-supported" in ok and "n = 200" in ok


def test_a_claim_that_raises_at_import_breaks_only_its_own_page(toy_project):
    """Issue 27: a module raising at import took down the home page and the index in both languages."""
    toy.write_claim(toy_project, "toy-other")
    path = toy_project / "claims" / "toy_other.py"
    path.write_text('raise RuntimeError("broken at import")\n' + path.read_text())
    registry.refresh()
    records = {cid: runner.run(cid, "quick") for cid in registry.implemented()}
    assert records["toy-other"]["status"] == "failed"
    _failed_claim_everywhere(records, "broken at import")


def test_a_claim_whose_experiment_raises_breaks_only_its_own_page(toy_project):
    """Issue 27: ``param()`` raised on a failed record, and the page's raw Jinja was published."""
    toy.write_claim(toy_project, "toy-other", mode="crash")
    registry.refresh()
    records = {cid: runner.run(cid, "quick") for cid in registry.implemented()}
    _failed_claim_everywhere(records, "crashed on purpose")


def test_a_page_that_cannot_render_is_published_as_failed_not_as_its_template(toy_project):
    record = runner.run("toy-mean", "quick")
    ctx = render.page_context("claims/toy-mean.en.md", "en", {"toy-mean": record}, "claims/toy-mean")
    with pytest.raises(KeyError):
        render.render_page("{% block result %}{{ value('median') }}{% endblock %}", ctx)
    page = render.render_failed_page(ctx, "KeyError: no value named 'median'")
    assert page.startswith("# The mean\n") and "Run failed" in page and "no value named" in page
    assert "{%" not in page and "{{" not in page
    notice = render.render_failed_page(render.page_context("index.en.md", "en", {}, ""), "boom <b>")
    assert "boom &lt;b&gt;" in notice and "{{" not in notice


def test_page_templates_run_sandboxed_and_autoescaped():
    """A page calls the context's functions and prints plain values; Python's internals are out of reach, and
    whatever it prints that the engine did not build is escaped (issue 27: one escaping policy)."""
    from jinja2.exceptions import SecurityError

    ctx = render.PageContext(lang="en", records={}, page_dir="")
    with pytest.raises(SecurityError):
        render.render_page("{{ t.__func__.__globals__ }}", ctx)
    with pytest.raises(SecurityError):
        render.render_page("{{ ().__class__.__base__.__subclasses__() }}", ctx)
    assert render.render_page("{{ '<b>*x*</b> ' ~ lang }}", ctx) == "&lt;b&gt;&#42;x&#42;&lt;/b&gt; en"
