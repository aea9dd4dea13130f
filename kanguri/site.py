"""The mkdocs plugin: a thin layer over the engine.

- ``on_pre_build``: bring every claim's record up to date (run what is stale, once per build, not per
  language), and write the walkthrough notebooks.
- ``on_files``: make the notebooks pages again after static-i18n has rebuilt the file list.
- ``on_page_markdown``: render the page template with the records, in the page's language.
- ``on_page_content``: the heading permalinks' tooltip in the page's language.
- ``on_post_page``: an English page reads the English search index.
- ``on_post_build``: copy the figures and downloads next to the pages; split the search index by language; mend
  the search worker's lunr (see ``LUNR_TOKENSET_FIX``).
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority

from kanguri import notebooks, registry, render, runner
from kanguri.paths import PACKAGE_DIR, claims_dir, experiments_dir

log = logging.getLogger("mkdocs.plugins.kanguri")


class KanguriConfig(Config):
    profile = c.Choice(("quick", "site", "full"), default="site")
    notebooks = c.Type(bool, default=True)  # write and execute the walkthrough notebooks


class KanguriPlugin(BasePlugin[KanguriConfig]):
    def __init__(self) -> None:
        self.records: dict[str, dict] = {}

    @property
    def profile(self) -> str:
        return os.environ.get("KANGURI_PROFILE") or self.config.profile

    def _nested_language_build(self, config) -> bool:
        """static-i18n builds each extra language by re-running the build; the records are already here."""
        i18n = config.plugins.get("i18n")
        return bool(i18n and getattr(i18n, "building", False))

    def on_pre_build(self, config):
        """Bring every record up to date, then write the walkthrough notebooks into ``docs/notebooks/`` (before
        mkdocs collects the files, so they become pages)."""
        if self._nested_language_build(config) and self.records:
            return
        self._update_records()
        if not self.config.notebooks:
            return
        out = Path(config.docs_dir) / "notebooks"
        for cid, record in self.records.items():
            if record.get("status") != "ok":
                continue
            for lang in ("ja", "en"):
                try:
                    notebooks.build(cid, lang, out)
                except Exception as e:  # one broken notebook must not hide the others; --strict still fails
                    log.warning("kanguri: notebook %s.%s failed: %s: %s", cid, lang, type(e).__name__, e)

    @event_priority(-110)  # after static-i18n (-100), which drops mkdocs-jupyter's notebook pages
    def on_files(self, files, config):
        """Re-wrap each language's notebook as a page, at the destination static-i18n chose for it (the
        published workaround for static-i18n issues #135 and #198)."""
        from mkdocs_jupyter.plugin import NotebookFile

        notebook_files = [
            f
            for f in files
            if f.src_uri.startswith("notebooks/")
            and f.src_uri.endswith(".ipynb")
            and not isinstance(f, NotebookFile)
        ]
        for f in notebook_files:  # in place: static-i18n's own Files class resolves the nav's paths
            nb = NotebookFile(
                f, **config
            )  # it derives its destination from the source name: take static-i18n's
            nb.dest_path, nb.abs_dest_path, nb.url = f.dest_path, f.abs_dest_path, f.url
            files.remove(f)
            files.append(nb)
        return files

    def _update_records(self) -> None:
        self.records = {}
        registry.refresh()  # under `mkdocs serve`, pick up edited claims
        for cid in registry.implemented():
            record = runner.run(cid, self.profile)
            self.records[cid] = record
            if record.get("status") != "ok":
                xfail = _xfail(cid)
                (log.info if xfail else log.warning)(
                    "kanguri: claim %s failed at profile %s: %s%s",
                    cid,
                    self.profile,
                    record.get("error"),
                    " (expected failure)" if xfail else "",
                )
            elif not runner.verdict_holds(cid, record):
                log.warning(
                    "kanguri: claim %s: the evidence no longer supports the stated verdict "
                    "(rule says %s, control says %s)",
                    cid,
                    record["decision"]["verdict"],
                    record["control"]["verdict"],
                )
            else:
                log.info(
                    "kanguri: %s %s (%s)",
                    cid,
                    record["decision"]["verdict"],
                    "cached" if record.get("cached") else f"ran in {record['wall_seconds']:.1f} s",
                )

    def on_page_markdown(self, markdown, page, config, files):
        lang = getattr(page.file, "locale", None) or config.theme.get("language", "ja")
        page_dir = os.path.dirname(page.file.dest_uri)
        ctx = render.page_context(page.file.src_uri, lang, self.records, page_dir)
        try:
            return render.render_page(markdown, ctx, where=page.file.src_uri)
        except Exception as e:  # one broken page must not hide the others; --strict still fails
            log.warning(
                "kanguri: page %s could not be rendered: %s: %s", page.file.src_uri, type(e).__name__, e
            )
            return f'!!! failure "Kanguri"\n    {type(e).__name__}: {e}\n\n' + markdown

    def on_page_content(self, html, page, config, files):
        """The heading permalinks' tooltip in the page's language (Python-Markdown's toc has one, in English)."""
        lang = getattr(page.file, "locale", None) or config.theme.get("language", "ja")
        return html.replace('title="Permanent link"', f'title="{render.T["permalink"](lang)}"')

    def on_post_page(self, output, page, config):
        """An English page looks for its search index under ``en/`` (its own language's), not at the root."""
        if not page.file.dest_uri.startswith("en/"):
            return output
        base = posixpath.relpath("en", posixpath.dirname(page.file.dest_uri) or ".")
        return re.sub(r'("base": )"[^"]*"', lambda m: f'{m[1]}"{base}"', output, count=1)

    @event_priority(-110)  # after static-i18n has run the other languages' builds and search wrote its index
    def on_post_build(self, config):
        """Copy the figures and downloads; then split the one search index into one per language, so a Japanese
        reader's search returns Japanese pages and an English reader's English ones."""
        self._write_assets(config)
        if self._nested_language_build(config):
            return
        index_rel = Path("search") / "search_index.json"
        index_path = Path(config.site_dir) / index_rel
        if not index_path.is_file():
            return
        mend_search_worker(Path(config.site_dir))
        index = json.loads(index_path.read_text(encoding="utf-8"))
        docs = index["docs"]
        ja = [d for d in docs if not d["location"].startswith("en/")]
        en = [
            d | {"location": d["location"].removeprefix("en/")}
            for d in docs
            if d["location"].startswith("en/")
        ]
        for path, lang_docs, lang in (
            (index_path, ja, "ja"),
            (Path(config.site_dir) / "en" / index_rel, en, "en"),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            conf = index["config"] | {"lang": [lang]}  # each index tokenized for its own language
            path.write_text(
                json.dumps(index | {"config": conf, "docs": lang_docs}, ensure_ascii=False), encoding="utf-8"
            )

    def _write_assets(self, config):
        render.copy_figures(self.records, Path(config.site_dir) / "assets" / "figures")
        render.write_downloads(
            self.records, Path(config.docs_dir) / "notebooks", Path(config.site_dir) / "assets" / "downloads"
        )

    def on_serve(self, server, config, builder):
        for path in (claims_dir(), experiments_dir(), PACKAGE_DIR):
            server.watch(str(path))
        return server


# lunr 2.3.9 (inside Material's search worker) names a TokenSet node by its edge labels and child ids with no
# delimiter, so with digit labels two different nodes can get the same name ("2" + "13" and "21" + "3"), and
# minimisation merges them. A query then expands "20*" to a term that is not in the index and fails with
# "Cannot read properties of undefined (reading '_index')": no results at all. Which queries fail depends on the
# whole index (a CI build found nothing for "20 W"); lunr issue #314 reports the same error.
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


def mend_search_worker(site_dir: Path) -> list[Path]:
    """Append ``LUNR_TOKENSET_FIX`` to Material's search worker (once); it runs after the bundle has set
    ``self.lunr`` and before any index is built."""
    mended = []
    for worker in sorted(site_dir.glob("assets/javascripts/workers/search.*.min.js")):
        text = worker.read_text(encoding="utf-8")
        if LUNR_TOKENSET_FIX not in text:
            worker.write_text(text + LUNR_TOKENSET_FIX, encoding="utf-8")
        mended.append(worker)
    if not mended:
        log.warning("kanguri: Material's search worker was not found; search may fail on some queries")
    return mended


def _xfail(claim_id: str) -> bool:
    try:
        return registry.load(claim_id).xfail
    except Exception:
        return False
