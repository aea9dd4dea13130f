"""One escaping policy: every string a claim, its sources or the catalogue hands the site reads exactly as
written, on every page where it appears. Hostile text (a <script>, Markdown emphasis, template syntax, a table's
pipe) in every field is rendered through the real page functions and the site's Markdown, and read back."""

from __future__ import annotations

import html
import html.parser
import re
import textwrap

import pytest
import yaml

from kanguri import registry, render, runner
from kanguri.markup import md_table
from tests.site_build import markdown_html

pytestmark = pytest.mark.xdist_group("escaping")  # one worker: the module's fixture is built once


def hostile(field: str) -> str:
    """A string that HTML, Markdown, Jinja and a Markdown table would each act on, tagged by its field."""
    return f'<script>alert("{field}")</script> 10**15 k* _x_ `c` {{{{ y }}}} {{% z %}} a|b [l](http://e) #h \\ &amp;'


def fmt(text: str) -> str:
    """A check's sentence is a str.format template: braces doubled, so that the sentence shown is ``text``."""
    return text.replace("{", "{{").replace("}", "}}")


FIELDS = [  # what a claim, its sources and the catalogue hand the site
    "title",
    "summary",
    "section",
    "statement",
    "question",
    "yes",
    "control",
    "label",
    "unit",
    "caption",
    "column",
    "cell",
    "fig_title",
    "fig_caption",
    "cite",
    "theirs",
    "locator",
    "quote",
    "src_label",
    "src_unit",
    "src_source",
    "src_locator",
    "src_quote",
    "fact",
    "ev_source",
    "ev_quote",
    "reason",
]
H = {f: hostile(f) for f in FIELDS}
URL = "https://example.org/a_b?x=1&y=2"

EXPERIMENT = """
from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    seed: int = 0


@dataclass(frozen=True)
class Evidence:
    mean: float


@dataclass
class Result:
    evidence: Evidence


def run(cfg: Config) -> Result:
    return Result(Evidence(0.0123))
"""

CLAIM = """
from dataclasses import replace

from experiments import {mod} as exp
from kanguri import Anchor, Check, Falsification, Figure, L, Report, Rule, Series, Table, Value, any_accepted, define

H = {H!r}


def _check(yes, no, pick):
    return Check(facts=lambda ev: {{"m": pick(ev)}}, holds=lambda f: f["m"] < 1, yes=L(ja=yes, en=yes),
                 no=L(ja=no, en=no))


rule = Rule(checks={{"mean": _check({yes!r}, "no", lambda ev: ev.mean)}})
control = Rule(checks={{"control": _check("bad", {control!r}, lambda ev: ev.mean + 5)}}, verdict=any_accepted)
falsify = Falsification(
    supporting=lambda: exp.Evidence(0.0),
    null=lambda: exp.Evidence(5.0),
    flips={{"mean": lambda ev: replace(ev, mean=5.0)}},
    control_flips={{"control": lambda ev: replace(ev, mean=-10.0)}},
)


def t(key):
    return L(ja=H[key], en=H[key])


def report(r):
    fig = Figure(title=t("fig_title"), caption=t("fig_caption"), xlabel=L(ja="x", en="x"), ylabel=L(ja="y", en="y"),
                 series=[Series(label=L(ja="m", en="m"), x=[0, 1], y=[0, r.evidence.mean])])
    table = Table(caption=t("caption"), columns=[t("column"), L(ja="数", en="n")], rows=[[H["cell"], 1], [t("cell"), 2]])
    value = Value(label=t("label"), value=r.evidence.mean, lo=0.01, hi=0.02, unit=t("unit"))
    return Report(values={{"mean": value}}, tables={{"t": table}}, figures={{"fig": fig}})


claim = define(
    "{id}",
    statement=t("statement"),
    question=t("question"),
    experiment=exp.run,
    profiles={{"quick": exp.Config(), "site": exp.Config(), "full": exp.Config()}},
    rule=rule, control=control, falsify=falsify, report=report, expected="supported", headline="mean",
    anchors=[Anchor(cite=H["cite"], url={url!r}, theirs=t("theirs"), ours="mean", locator=H["locator"],
                    quote=H["quote"], checked="2026-01-01")],
)
"""

OPINION = """
from kanguri import Anchor, L, define


H = {H!r}
claim = define(
    "toy-planned",
    question=L(ja="問い", en="Question"),
    reason=L(ja=H["reason"], en=H["reason"]),
    anchors=[Anchor(cite="Toy", url="https://example.org", theirs=L(ja="ゼロ", en="zero"))],
)
"""


def _citation(field: str) -> dict:
    return {
        "source": H[f"{field}_source"],
        "locator": H.get(f"{field}_locator", "p. 1"),
        "quote": H[f"{field}_quote"],
        "checked": "2026-01-01",
        "url": URL,
    }


def _catalogue() -> dict:
    def claim(cid: str, kind: str) -> dict:
        title = H["title"] if cid == "toy-mean" else cid
        return {
            "id": cid,
            "section": "quantum",
            "kind": kind,
            "title": {"ja": title, "en": title},
            "claim": {"ja": H["summary"], "en": H["summary"]},
        }

    return {
        "sections": {"quantum": {"ja": H["section"], "en": H["section"]}},
        "claims": [
            claim("toy-mean", "experiment"),
            claim("toy-sourced", "sourced"),
            claim("toy-planned", "opinion"),
        ],
    }


@pytest.fixture(scope="module")
def _hostile(tmp_path_factory):
    """A project whose claims carry hostile text in every field, each claim run once: (root, cache, records)."""
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "project"
    for d in ("claims", "experiments"):
        (root / d).mkdir(parents=True)
        (root / d / "__init__.py").write_text("")
    (root / "claims" / "catalogue.yml").write_text(
        yaml.safe_dump(_catalogue(), allow_unicode=True), encoding="utf-8"
    )
    for cid in ("toy-mean", "toy-sourced"):
        mod = cid.replace("-", "_")
        (root / "experiments" / f"{mod}.py").write_text(EXPERIMENT)
        text = CLAIM.format(mod=mod, id=cid, H=H, yes=fmt(H["yes"]), control=fmt(H["control"]), url=URL)
        (root / "claims" / f"{mod}.py").write_text(textwrap.dedent(text))
    sources = {
        "values": {
            "stock": {
                "label": {"ja": H["src_label"], "en": H["src_label"]},
                "unit": {"ja": H["src_unit"], "en": H["src_unit"]},
                "low": 1.0,
                "high": 2.0,
                "citation": _citation("src"),
            }
        }
    }
    (root / "claims" / "toy_sourced.sources.yml").write_text(yaml.safe_dump(sources, allow_unicode=True))
    fact = {"ja": H["fact"], "en": H["fact"]}
    evidence = [{"side": side, "fact": fact, "citation": _citation("ev")} for side in ("for", "against")]
    (root / "claims" / "toy_planned.sources.yml").write_text(
        yaml.safe_dump({"evidence": evidence}, allow_unicode=True)
    )
    (root / "claims" / "toy_planned.py").write_text(OPINION.format(H=H))
    with pytest.MonkeyPatch.context() as mp:
        _point_at(mp, root, tmp / "cache")
        records = {cid: runner.run(cid, "quick") for cid in registry.implemented()}
    registry.refresh()
    assert all(r["status"] == "ok" for r in records.values()), records
    return root, tmp / "cache", records


def _point_at(mp: pytest.MonkeyPatch, root, cache) -> None:
    mp.setenv("KANGURI_ROOT", str(root))
    mp.setenv("KANGURI_CACHE", str(cache))
    mp.syspath_prepend(str(root))
    registry.refresh()


@pytest.fixture
def hostile_project(_hostile, monkeypatch):
    """The engine pointed at the hostile project for one test; its records."""
    root, cache, records = _hostile
    _point_at(monkeypatch, root, cache)
    yield records
    registry.refresh()


class _Page(html.parser.HTMLParser):
    """The text a reader sees (SVG titles and descriptions included), the attributes, and every element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def _read(page_markdown: str) -> _Page:
    page = _Page()
    page.feed(markdown_html(page_markdown))
    page.text = [" ".join("".join(page.text).split())]
    return page


PAGES = {  # page -> (template, the fields it shows)
    "claims/toy-mean": (
        "{% block result %}{{ value('mean') }}\n\n{{ table('t') }}\n\n{{ figure('fig') }}\n{% endblock %}",
        [
            *("title", "statement", "question", "yes", "control", "unit", "caption", "column", "cell"),
            *("fig_title", "fig_caption", "cite", "theirs", "locator", "quote"),
        ],
    ),
    "claims/toy-sourced": ("", ["src_label", "src_unit", "src_source", "src_locator", "src_quote"]),
    "claims/toy-planned": ("", ["fact", "ev_source", "ev_quote", "reason", "summary"]),
    "index": (
        "{{ verdict_tally() }}\n\n{{ scorecard() }}\n\n{{ section_claims('quantum') }}\n\n"
        "- {{ claim_line('toy-mean') }}\n\n## {{ section_title('quantum') }}\n",
        ["title", "section", "label", "unit"],
    ),
    "claims/index": ("{{ claims_table() }}", ["title", "section", "label", "unit"]),
    "reproducibility": ("{{ reproducibility_table() }}", []),
}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_text_reads_as_written_on_every_page(hostile_project, page, lang):
    template, fields = PAGES[page]
    src = f"{page}.{lang}.md"
    ctx = render.page_context(src, lang, hostile_project, page_dir=page)
    shown = _read(render.render_page(template, ctx, where=src))
    assert "script" not in shown.tags, f"{page}: a <script> element reached the page"
    text = shown.text[0]
    missing = [f for f in fields if " ".join(H[f].split()) not in text]
    assert missing == [], f"{page} ({lang}): not shown as written: {missing}"
    # outside the figures' SVG (matplotlib writes their text, escaped for XML): braces as references too
    raw = re.sub(
        r"<svg.*?</svg>", "", markdown_html(render.render_page(template, ctx, where=src)), flags=re.S
    )
    assert "{{" not in raw and "{%" not in raw, "template syntax reaches the HTML as is"


def test_attributes_and_links_keep_their_text(hostile_project):
    """A tooltip carries the title whole (a quote cannot end the attribute); a citation's URL is intact."""
    ctx = render.page_context("index.en.md", "en", hostile_project, page_dir="")
    tooltips = [v for k, v in _read(render.render_page("{{ scorecard() }}", ctx)).attrs if k == "title"]
    assert f"{H['title']}: Supported" in tooltips
    ctx = render.page_context("claims/toy-mean.en.md", "en", hostile_project, page_dir="claims/toy-mean")
    hrefs = [v for k, v in _read(render.render_page("", ctx)).attrs if k == "href"]
    assert URL in hrefs


def test_a_quote_with_markdown_and_markup_renders_verbatim():
    """Issue 25: Merkle's ``10**15`` on brain-20-watts rendered as bold. A quote with ``**``, ``*``, ``_``, ``<``,
    ``{{`` and ``|`` reads exactly as printed, in the inputs table of the real claim (every quote of it, as
    printed, whatever it holds)."""
    registry.refresh()
    ctx = render.page_context("claims/brain-20-watts.en.md", "en", {}, page_dir="claims/brain-20-watts")
    claim = registry.load("brain-20-watts")
    assert claim.sources is not None
    text = _read(ctx.sources()).text[0]
    for value in claim.sources.values.values():
        assert f"“{' '.join(value.citation.quote.split())}”" in text
    for quote in ("a**b** k* _c_ <b>d</b> {{ e }} f|g", "10**15 and 10**16"):
        html_text = markdown_html(md_table(["q"], [[quote]]))
        assert _read(md_table(["q"], [[quote]])).text[0] == f"q {quote}", html_text
        assert "<strong>" not in html_text and "<em>" not in html_text and "<b>" not in html_text


def test_escape_is_html_and_markdown_inert():
    from kanguri.markup import esc, fill

    assert esc("<b>&amp;</b>") == "&lt;b&gt;&amp;amp;&lt;/b&gt;"
    assert html.unescape(esc(H["title"])) == H["title"]
    assert "*" not in esc("10**15") and "|" not in esc("a|b") and "{" not in esc("{{ x }}")
    # a phrase's text is escaped and so is what fills it, unless the engine built it as Markup
    assert fill("{n} の <主張>", n="<i>") == "&lt;i&gt; の &lt;主張&gt;"


def test_the_walkthrough_notebook_shows_hostile_text_as_written(hostile_project):
    """Issue 27: the notebook pages showed a hostile title, statement, reason and label unescaped."""
    from kanguri import notebook, notebooks

    for lang in ("ja", "en"):
        text = notebooks.script("toy-mean", lang) + notebook.summary(hostile_project["toy-mean"], lang)
        assert "<script>" not in text
        shown = _read(text.replace("# ", "")).text[0]
        for field in ("title", "statement", "yes", "label"):
            assert " ".join(H[field].split()) in shown, field
