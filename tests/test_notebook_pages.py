"""Notebook figures drawn like the claim pages' (inline SVG in currentColor, titled in the page's language),
and notebook pages that link one shared stylesheet instead of carrying 590 KB of CSS each.

The notebook here is made from real ``show()`` output (through IPython's display machinery, without a kernel)
and rendered by mkdocs-jupyter's own converter, as the site build does."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import nbformat
import pytest

from kanguri import figures, notebook_pages
from kanguri.notebook import show
from kanguri.report import Report
from kanguri.text import Lang
from tests.site_build import REPO

CLAIM = "quantum-structured-problems"  # the most figure bytes of any claim


def _record(tmp_path: Path, cid: str = CLAIM, profile: str = "site") -> dict:
    """A frozen record, its figures drawn again by today's renderer (what a build would show)."""
    d = tmp_path / cid / profile
    shutil.copytree(REPO / "results" / "site" / cid, d)
    record = json.loads((d / "record.json").read_text(encoding="utf-8")) | {"dir": str(d), "profile": profile}
    report = Report.model_validate(record["report"])
    for name, files in record["figures"].items():
        for lang, file in files.items():
            figures.render(report.figures[name], lang, d / file)
    return record


def _shown(record: dict, lang: Lang) -> list[dict]:
    """What ``show`` displays, as notebook outputs."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as captured:
        show(record, lang)
    return [nbformat.v4.new_output("display_data", data=o.data) for o in captured.outputs]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_show_draws_figures_inline_in_the_text_colour_with_words_in_the_language(tmp_path, lang):
    record = _record(tmp_path)
    report = Report.model_validate(record["report"])
    outputs = _shown(record, lang)
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o["data"]]
    assert len(html) == len(record["figures"])
    assert not any("image/svg+xml" in o["data"] or "image/png" in o["data"] for o in outputs)
    for h, (name, fig) in zip(html, report.figures.items(), strict=True):
        assert h.startswith('<figure class="kg-figure"><svg role="img" aria-labelledby=')
        assert "currentColor" in h and "#010203" not in h.lower() and "<?xml" not in h
        title = re.search(r"<title id=\"[^\"]+\">(.*?)</title>", h)
        assert title and unescape(title[1]) == fig.title(lang), name  # not "No description…", not English
        assert fig.caption(lang) in unescape(h)
    alt = [o["data"]["text/plain"] for o in outputs if "text/html" in o["data"]]
    assert alt[0].startswith(next(iter(report.figures.values())).title(lang))


def test_two_runs_on_one_page_keep_their_ids_apart(tmp_path):
    first, second = _record(tmp_path / "a"), _record(tmp_path / "b", profile="quick+seed=2")
    outputs = _shown(first, "en") + _shown(second, "en")
    flat = [i for o in outputs for i in re.findall(r'id="([^"]+)"', o["data"].get("text/html", ""))]
    assert flat and len(flat) == len(set(flat)), "an id twice on a page breaks clip paths and labels"


def test_a_notebook_page_links_one_stylesheet_and_stays_small(tmp_path):
    """mkdocs-jupyter's HTML for a notebook that shows the claim twice (as the walkthrough does), then the
    plugin's step: the page drops its 590 KB of CSS for a link, and every figure is inline SVG."""
    from mkdocs_jupyter.convert import nb2html

    record = _record(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    for _ in range(2):
        cell = nbformat.v4.new_code_cell('show(record, "ja")')
        cell.outputs = _shown(record, "ja")
        nb.cells += [nbformat.v4.new_markdown_cell("## 実行"), cell]
    path = tmp_path / "walkthrough.ipynb"
    nbformat.write(nb, path)
    raw = nb2html(str(path), theme="", custom_mathjax_url="")
    site = tmp_path / "site"
    page = notebook_pages.shared_stylesheet(raw, "notebooks/walkthrough/index.html", site)

    assert len(raw.encode()) > 600_000, "mkdocs-jupyter inlines its stylesheet (else this step is moot)"
    assert len(page.encode()) < 250_000, f"{len(page.encode()):,} bytes, with room left for the theme"
    before_notebook = page[: page.index(notebook_pages.START)]
    assert "<style" not in before_notebook and notebook_pages.END in page
    assert page.startswith('<link rel="stylesheet" href="../../assets/stylesheets/jupyter.css">')
    css = (site / notebook_pages.STYLESHEET).read_text(encoding="utf-8")
    assert len(css) > 500_000 and "data-md-color-scheme=slate" in css and "['" not in css[:10]
    assert "<img" not in page and "No description has been provided" not in page
    assert len(re.findall(r'<svg [^>]*role="img"', page)) == 2 * len(record["figures"])
    assert (
        notebook_pages.shared_stylesheet("<p>a claim page</p>", "x/index.html", site) == "<p>a claim page</p>"
    )
