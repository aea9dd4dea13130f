"""Everything Kanguri relies on inside other packages, in one place.

The site is built by mkdocs with three plugins and a theme that Kanguri does not control:
mkdocs-static-i18n (the languages), mkdocs-jupyter (the walkthrough notebooks) and Material (the theme, its
page template and its search). Where the plugin needs more than their documented options, it goes through a
function here. Each names the version it was written for and why it is needed; ``tests/test_compat.py``
exercises each one against the installed package, without a browser.

:func:`check_versions` runs in the plugin's ``on_config``: with another version installed, the build stops at
once and names the package and the version these touch points were written for, instead of failing later in
a way that only a browser would notice. ``pyproject.toml`` pins the same versions.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Callable
from copy import deepcopy
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.kanguri")

# package -> the version the touch points below were written for and tested against
WRITTEN_FOR = {
    "mkdocs-static-i18n": "1.3.1",
    "mkdocs-jupyter": "0.26.3",
    "mkdocs-material": "9.8.1",
}


def _installed(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def check_versions(installed: Callable[[str], str | None] = _installed) -> None:
    """Stop the build when a package we patch is not at the version the patches were written for."""
    wrong = [
        f"{pkg} {installed(pkg) or '(not installed)'} is installed, but kanguri/compat.py was written for "
        f"{pkg}=={expected}"
        for pkg, expected in WRITTEN_FOR.items()
        if installed(pkg) != expected
    ]
    if wrong:
        raise PluginError(
            "kanguri: "
            + "; ".join(wrong)
            + ". Install the pinned versions (pip install -e .), or check each "
            "touch point in kanguri/compat.py against the new version and update WRITTEN_FOR."
        )


# --- plugin order --------------------------------------------------------------------------------------
# static-i18n 1.3.1 runs its on_files and on_post_build at priority -100 (it wants to be last). Two of ours
# must run after it, so they sit at -110:
# - on_files: static-i18n rebuilds the file list per language and drops mkdocs-jupyter's notebook pages, which
#   we then re-wrap (see notebook_page);
# - on_post_build: static-i18n's on_post_build builds the other languages and rewrites the search index; we
#   split that index and mend the search worker once it is final.
I18N_PRIORITY = -100
AFTER_I18N = I18N_PRIORITY - 10


# --- mkdocs-static-i18n 1.3.1 --------------------------------------------------------------------------
def i18n_building(config: Any) -> bool:
    """Whether static-i18n is building another language: it re-runs the whole build from its on_post_build,
    and sets its internal ``building`` attribute meanwhile (1.3.1; not a documented API). Our records and the
    search index are done once, in the outer build."""
    i18n = config.plugins.get("i18n")
    return bool(i18n and getattr(i18n, "building", False))


def language_roots(config: Any) -> None:
    """Point the header's language switcher at each language's home page, as static-i18n 1.3.1 sets it before
    its ``on_page_context``. It resets the switcher only for pages, so a static template (the 404 page) kept the
    links of whichever page was built last."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "extra_alternate", None):
        # static-i18n sets the attribute, mkdocs' config keeps items apart from attributes, Material's template
        # reads the attribute first: set both
        config.extra["alternate"] = deepcopy(i18n.extra_alternate)
        config.extra.alternate = deepcopy(i18n.extra_alternate)


NOT_FOUND = "404.html"


def page_language(config: Any) -> str:
    """The language being built: static-i18n 1.3.1 (``reconfigure_material``) sets Material's language for
    each language's build."""
    return str(config.theme.get("language") or "ja")


def write_not_found_pages(site_dir: Path, pages: dict[str, str], default: str = "ja") -> list[Path]:
    """Each language's 404 page where a server looks for it: the default language's at the root, the others'
    under ``<lang>/``. static-i18n 1.3.1 renders the 404 template once per language, each into the root's
    ``404.html``, so the last language built (English) answered every missing page."""
    written = []
    for lang, text in pages.items():
        path = site_dir / (NOT_FOUND if lang == default else f"{lang}/{NOT_FOUND}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --- mkdocs-jupyter 0.26.3 -----------------------------------------------------------------------------
def is_notebook_source(file: Any) -> bool:
    """A walkthrough notebook that static-i18n handed back as a plain file (not yet a notebook page)."""
    from mkdocs_jupyter.plugin import NotebookFile

    uri = file.src_uri
    return uri.startswith("notebooks/") and uri.endswith(".ipynb") and not isinstance(file, NotebookFile)


def notebook_page(file: Any, config: Any) -> Any:
    """``file`` wrapped as mkdocs-jupyter's page, at the destination static-i18n chose for it.

    static-i18n drops mkdocs-jupyter's pages (its issues #135 and #198); the published workaround re-wraps them
    after static-i18n. mkdocs-jupyter 0.26.3's ``NotebookFile(file, **config)`` derives its destination from the
    source name (``x.en.ipynb`` -> ``x.en/``), so ours takes static-i18n's (``en/x/``) back.
    """
    from mkdocs_jupyter.plugin import NotebookFile

    page = NotebookFile(file, **config)
    page.dest_path, page.abs_dest_path, page.url = file.dest_path, file.abs_dest_path, file.url
    page.alternates = notebook_alternates(file.url, config)
    return page


def notebook_alternates(url: str, config: Any) -> dict[str, Any]:
    """The same notebook in each language, for the header's language switcher.

    static-i18n 1.3.1 finds a page's other-language versions only among documentation pages; to it a notebook is
    an asset, so the switcher on a notebook page fell back to the other language's home page. Its
    ``on_page_context`` reads ``page.file.alternates[lang].url``; the default language's pages sit at the root
    and the others' under ``<lang>/``.
    """
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return {}
    default, languages = i18n.default_language, i18n.build_languages
    path = url
    for lang in languages:
        path = path.removeprefix(f"{lang}/") if lang != default else path
    return {lang: SimpleNamespace(url=path if lang == default else f"{lang}/{path}") for lang in languages}


_EMPTY_H1 = re.compile(r'<h1 id="">(.*?)<a class="anchor-link" href="#">', re.S)


def notebook_heading_id(html: str, toc: Any) -> str:
    """The notebook's title heading gets the id that the page's table of contents, and so Material's skip link,
    point to. nbconvert (under mkdocs-jupyter 0.26.3) derives ids from ASCII letters only, so a Japanese title
    gets ``id=""``, while mkdocs' toc names it ``_1``: the skip link led nowhere, and the search index gave the
    title section the page's own location."""
    first = next(iter(toc), None)
    anchor = getattr(first, "id", "") or "_1"
    return _EMPTY_H1.sub(
        lambda m: f'<h1 id="{anchor}">{m[1]}<a class="anchor-link" href="#{anchor}">', html, count=1
    )


def shared_notebook_stylesheet(html: str, dest_uri: str, site_dir: Path) -> str:
    """A notebook page without the ~590 KB of JupyterLab styles mkdocs-jupyter 0.26.3 writes into every page
    (it has no option to leave them out), linking one shared copy instead. The work, tied to 0.26.3's page
    layout, is in :mod:`kanguri.notebook_pages` (tested in ``tests/test_notebook_pages.py``)."""
    from kanguri import notebook_pages

    return notebook_pages.shared_stylesheet(html, dest_uri, site_dir)


# --- Material 9.8.1: its page template and its search --------------------------------------------------
# The blocks of Material's base.html that overrides/main.html replaces: ``site_meta`` (without the
# ``<link rel="alternate">`` tags, which static-i18n points at pages where Material expects language roots) and
# ``htmltitle`` (the ``<title>`` escaped again: Material's ``striptags`` unescapes the heading's text).
OVERRIDDEN_BLOCKS = ("site_meta", "htmltitle")

_SEARCH_BASE = re.compile(r'("base": )"[^"]*"')


def search_base(html: str, dest_uri: str) -> str:
    """An English page reads the English search index (``en/search/``), not the root's.

    Material 9.8.1's base.html writes the site's base into the page's ``__config`` JSON as ``"base": "…"``, and
    its search looks for ``<base>/search/search_index.json``. The first such entry is rewritten.
    """
    if not dest_uri.startswith("en/"):
        return html
    base = posixpath.relpath("en", posixpath.dirname(dest_uri) or ".")
    return _SEARCH_BASE.sub(lambda m: f'{m[1]}"{base}"', html, count=1)


def permalink_title(html: str, title: str) -> str:
    """The heading permalinks' tooltip in the page's language: Python-Markdown's toc writes
    ``title="Permanent link"`` in English whatever the page's language."""
    return html.replace('title="Permanent link"', f'title="{title}"')


def split_search_index(site_dir: Path, default: str = "ja", other: str = "en") -> list[Path]:
    """Split the one search index into one per language, each tokenized for its own language.

    static-i18n 1.3.1 (``reconfigure_search``) merges every language's entries into ``search/search_index.json``;
    Material 9.8.1's search would then answer a Japanese reader with English pages. The entries under
    ``<other>/`` move to ``<other>/search/search_index.json``, with their locations relative to it.
    """
    index_rel = Path("search") / "search_index.json"
    index_path = site_dir / index_rel
    if not index_path.is_file():
        return []
    index = json.loads(index_path.read_text(encoding="utf-8"))
    prefix = f"{other}/"
    docs = index["docs"]
    split = {
        default: tidy_search_docs([d for d in docs if not d["location"].startswith(prefix)], default),
        other: tidy_search_docs(
            [
                d | {"location": d["location"].removeprefix(prefix)}
                for d in docs
                if d["location"].startswith(prefix)
            ],
            other,
        ),
    }
    written = []
    for lang, path in ((default, index_path), (other, site_dir / other / index_rel)):
        path.parent.mkdir(parents=True, exist_ok=True)
        conf = index["config"] | {"lang": [lang]}  # each index tokenized for its own language
        path.write_text(
            json.dumps(index | {"config": conf, "docs": split[lang]}, ensure_ascii=False), encoding="utf-8"
        )
        written.append(path)
    return written


# Material 9.8.1's search plugin keeps a few tags in its index (p, li, code, …) and drops the rest with nothing in
# their place: a table's cells run together in a result's snippet ("ClaimSectionKindVerdict", or
# "Source Their result Where, as printed Ours Levy & Calvert 2021 …"). Each cell ends with " · " and each row
# with " / " instead.
CELL_END, ROW_END = " · ", " / "
_SPACED = re.compile(r"(?<= [·/])  +")  # the space Material adds after a cell's end when the HTML has one too


def separate_table_cells() -> None:
    """Wrap the end-tag handler of Material's search ``Parser`` (once) to end each table cell and row visibly."""
    from material.plugins.search.plugin import Parser

    original = Parser.handle_endtag
    if getattr(original, "kanguri", False):
        return

    def handle_endtag(self: Any, tag: str) -> None:
        closes = tag in ("td", "th", "tr") and bool(self.context) and self.context[-1] == tag
        original(self, tag)
        if not closes or self.section is None or self.skip.intersection(self.context):
            return
        text = self.section.text
        while text and text[-1].isspace():
            text.pop()
        if tag == "tr" and text and text[-1] == CELL_END:
            text[-1] = ROW_END
        elif tag != "tr" and text and text[-1] not in (CELL_END, ROW_END):
            text.append(CELL_END)

    handle_endtag.kanguri = True  # type: ignore[attr-defined]
    Parser.handle_endtag = handle_endtag


class _TemplatesInMemory(BytecodeCache):
    """Compiled Jinja templates kept for the life of the process, by template file and environment kind; Jinja
    checks each against its source's checksum before using it."""

    def __init__(self) -> None:
        self.compiled: dict[tuple[bool, str], bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if (code := self.compiled.get((bucket.environment.is_async, bucket.key))) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[(bucket.environment.is_async, bucket.key)] = bucket.bytecode_to_string()


_NOTEBOOK_TEMPLATES = _TemplatesInMemory()


def share_notebook_templates() -> None:
    """Compile nbconvert's templates once per build, not once per notebook (nbconvert 7.17).

    mkdocs-jupyter makes a new exporter for each conversion (two per notebook page), and each exporter builds a
    new Jinja environment that compiles every template again: a fifth of a whole build's time. The environments
    it builds (``TemplateExporter._create_environment``) are given one shared bytecode cache. Only a speed-up:
    where nbconvert no longer has that method, nothing is changed."""
    from nbconvert.exporters.templateexporter import TemplateExporter

    original = getattr(TemplateExporter, "_create_environment", None)
    if original is None or getattr(original, "kanguri", False):
        return

    def _create_environment(self: Any) -> Any:
        environment = original(self)
        environment.bytecode_cache = _NOTEBOOK_TEMPLATES
        return environment

    _create_environment.kanguri = True  # type: ignore[attr-defined]
    TemplateExporter._create_environment = _create_environment  # type: ignore[method-assign]


NOTEBOOKS = "notebooks/"
# A notebook repeats its claim page's words, and its outputs repeat them many times over (Material's lunr does not
# normalise by length): a tenth of the score keeps the claim page, the reader's answer, above its notebook.
NOTEBOOK_BOOST = 0.1
# JupyterLab's prompts and copy buttons as Material's index keeps them, and the plain copy of each code cell that
# follows its <pre> (mkdocs-jupyter 0.26.3's page layout)
_PROMPT = re.compile(r"(?:In|Out)\xa0\[[\d ]*\]:\s*(?:Copied!\s*)?")
_CODE_AGAIN = re.compile(r"<pre>(.*?)</pre>\s*", re.S)


def _drop_plain_copy(text: str) -> str:
    out, at = [], 0
    for m in _CODE_AGAIN.finditer(text):
        out.append(text[at : m.end()])
        plain = " ".join(re.sub(r"</?code>", "", m[1]).split())  # both copies are escaped alike
        at = m.end()
        if plain and text.startswith(plain, at):
            at += len(plain)
            at += len(text[at:]) - len(text[at:].lstrip(" "))
    out.append(text[at:])
    return "".join(out)


def tidy_search_docs(docs: list[dict], lang: str) -> list[dict]:
    """One language's search entries as a reader should see them in the results.

    - Titles lose the ``¶`` of nbconvert's heading anchors (Material drops only its own ``headerlink``); a
      table cell's end (see ``separate_table_cells``) is followed by one space, not two.
    - A notebook's title section merges into its page entry. It had the page's own location (its heading had no
      id), and two entries with one location made Material highlight one title with the other's word positions
      (「ark>不毛<mark>なark>台地¶」).
    - A notebook's page entry is titled as a notebook, not with its claim's title; its text starts with the
      notebook's introduction and carries no prompts, copy buttons or second copies of the code; its entries
      rank below claim pages.
    """
    from kanguri.phrases import words

    docs = [d | {"title": d["title"].rstrip("¶").rstrip(), "text": _SPACED.sub(" ", d["text"])} for d in docs]
    pages = {d["location"]: d for d in docs if "#" not in d["location"]}
    out = []
    for d in docs:
        loc = d["location"]
        if not loc.startswith(NOTEBOOKS):
            out.append(d)
            continue
        page = pages.get(loc.split("#", 1)[0])
        if page is not None and d is not page and d["title"] == page["title"]:
            page["intro"] = d["text"]  # the title section: its text leads the page's entry
            continue
        d["boost"] = NOTEBOOK_BOOST
        out.append(d)
    for d in out:
        if d["location"].startswith(NOTEBOOKS) and "#" not in d["location"]:
            text = _drop_plain_copy(_PROMPT.sub("", d["text"]))
            d["text"] = " ".join(t for t in (d.pop("intro", ""), text) if t)
            d["title"] = words("search.notebook_title", lang).format(title=d["title"])
    return out


# lunr 2.3.9 (inside Material 9.8.1's search worker) names a TokenSet node by its edge labels and child ids with
# no delimiter, so with digit labels two different nodes can get the same name ("2" + "13" and "21" + "3"), and
# minimisation merges them. A query then expands "20*" to a term that is not in the index and fails with
# "Cannot read properties of undefined (reading '_index')": no results at all. Which queries fail depends on
# the whole index (a CI build found nothing for "20 W"); lunr issue #314 reports the same error.
# The fix names each child unambiguously.
LUNR_TOKENSET_FIX = """
/* kanguri: lunr TokenSet names without collisions */
if (self.lunr && self.lunr.TokenSet) {
  self.lunr.TokenSet.prototype.toString = function () {
    if (this._str) return this._str
    var str = this.final ? "1" : "0", labels = Object.keys(this.edges).sort()
    for (var i = 0; i < labels.length; i++) str += labels[i] + this.edges[labels[i]].id + ","
    return (this._str = str)
  }
}
"""

# Material 9.8.1's worker segments Japanese text in the index with TinySegmenter (``lunr.segmenter``, set up when
# the index's language is ja: each separator-delimited piece that TinySegmenter's ``ctype_`` calls kanji or kana
# is cut into words), but not the query: it only cuts runs of kanji, greedily by the index's terms, so
# 「不毛な台地」 stays one term that no token matches. Segmenting in the page (on ``input``) fails with an input
# method, whose last ``input`` event is still composing. So the worker segments the query itself, with the same
# segmenter and separator as the index, before Material reads it: this listener is registered before the
# bundle's own, and QUERY messages (type 2) carry the query string as ``data``. Operators stay with their words
# (``+不毛な台地`` requires every word of it; a quoted phrase becomes an AND of its words, as Material does);
# a one-kana particle (の, な) among other words is left out, since with Material's trailing wildcard it would
# match nearly every Japanese page. The English index has no segmenter, and its queries pass unchanged.
JAPANESE_QUERY_SEGMENTER = """
/* kanguri: segment a Japanese query as the index is segmented */
self.addEventListener("message", function (ev) {
  var m = ev.data, lunr = self.lunr
  if (!m || m.type !== 2 || typeof m.data !== "string" || !lunr || !lunr.segmenter) return
  var seg = lunr.segmenter, sep = lunr.tokenizer.separator
  var words = function (body) {
    var out = []
    body.split(sep).forEach(function (piece) {
      if (!piece) return
      if (/^[MHIK]$/.test(seg.ctype_(piece))) out.push.apply(out, seg.segment(piece))
      else out.push(piece)
    })
    var content = out.filter(function (w) { return !/^[\u3040-\u309f]$/.test(w) })
    return content.length ? content : out
  }
  m.data = m.data.replace(/(^|[\\s"])([+-]?)([^\\s"*~^:]+)/g, function (all, lead, op, body) {
    return lead + words(body).map(function (w) { return op + w }).join(" ")
  })
})
"""
SEARCH_WORKER = "assets/javascripts/workers/search.*.min.js"  # Material 9.8.1's bundle, lunr inside


def mend_search_worker(site_dir: Path) -> list[Path]:
    """Mend Material's search worker (once): ``JAPANESE_QUERY_SEGMENTER`` before the bundle, so that it sees a
    query first; ``LUNR_TOKENSET_FIX`` after it, once the bundle has set ``self.lunr`` and before any index is
    built."""
    mended = []
    for worker in sorted(site_dir.glob(SEARCH_WORKER)):
        text = worker.read_text(encoding="utf-8")
        if not text.startswith(JAPANESE_QUERY_SEGMENTER):
            text = JAPANESE_QUERY_SEGMENTER + text
        if LUNR_TOKENSET_FIX not in text:
            text += LUNR_TOKENSET_FIX
        worker.write_text(text, encoding="utf-8")
        mended.append(worker)
    if not mended:
        log.warning("kanguri: Material's search worker was not found; search may fail on some queries")
    return mended
