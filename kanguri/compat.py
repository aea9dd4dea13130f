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
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

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
    return page


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
        default: [d for d in docs if not d["location"].startswith(prefix)],
        other: [
            d | {"location": d["location"].removeprefix(prefix)}
            for d in docs
            if d["location"].startswith(prefix)
        ],
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
SEARCH_WORKER = "assets/javascripts/workers/search.*.min.js"  # Material 9.8.1's bundle, lunr inside


def mend_search_worker(site_dir: Path) -> list[Path]:
    """Append ``LUNR_TOKENSET_FIX`` to Material's search worker (once); it runs after the bundle has set
    ``self.lunr`` and before any index is built."""
    mended = []
    for worker in sorted(site_dir.glob(SEARCH_WORKER)):
        text = worker.read_text(encoding="utf-8")
        if LUNR_TOKENSET_FIX not in text:
            worker.write_text(text + LUNR_TOKENSET_FIX, encoding="utf-8")
        mended.append(worker)
    if not mended:
        log.warning("kanguri: Material's search worker was not found; search may fail on some queries")
    return mended
