"""The mkdocs plugin: a thin layer over the engine.

- ``on_config``: check the versions of the packages we patch (:mod:`kanguri.compat`), and put the claim pages
  into the nav from the catalogue (:mod:`kanguri.nav`).
- ``on_pre_build``: bring every claim's record up to date (run what is stale, once per build, not per
  language), and write the walkthrough notebooks.
- ``on_files``: make the notebooks pages again after static-i18n has rebuilt the file list, and leave out the
  notebooks' scripts (the claim pages link their copies under ``assets/downloads/``).
- ``on_page_markdown``: render the page template with the records, in the page's language.
- ``on_page_content``: the heading permalinks' tooltip in the page's language; a notebook page links one shared
  stylesheet instead of carrying its own; a wide table's cells carry their column's name, for the phone's
  card layout (:mod:`kanguri.tables`).
- ``on_post_page``: an English page reads the English search index.
- ``on_post_build``: copy the figures and downloads next to the pages; split the search index by language; mend
  the search worker's lunr (see ``compat.LUNR_TOKENSET_FIX``).

A failed claim (its module raises at import, its experiment raises, it times out) breaks only its own page: it
shows as failed, with its error, on its page, in its tile and in its index row. Each failure is one warning
that names the claim, so ``mkdocs build --strict`` fails and says which claims failed.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority

from kanguri import assets, compat, nav, notebook_pages, notebooks, registry, render, runner, tables
from kanguri.paths import PACKAGE_DIR, claims_dir, experiments_dir
from kanguri.phrases import phrase, words

log = logging.getLogger("mkdocs.plugins.kanguri")


class KanguriConfig(Config):
    profile = c.Choice(("quick", "site", "full"), default="site")
    notebooks = c.Type(bool, default=True)  # write and execute the walkthrough notebooks


class KanguriPlugin(BasePlugin[KanguriConfig]):
    def __init__(self) -> None:
        self.records: dict[str, dict] = {}
        self.not_found: dict[str, str] = {}  # language -> its rendered 404 page

    @property
    def profile(self) -> str:
        return os.environ.get("KANGURI_PROFILE") or self.config.profile

    def on_config(self, config):
        """Before static-i18n's (-100): fail early on a package version our patches were not written for, and
        list the claim pages in the nav from the catalogue (mkdocs.yml lists the pages around them)."""
        compat.check_versions()
        compat.separate_table_cells()
        compat.share_notebook_templates()
        registry.catalogue.cache_clear()  # under `mkdocs serve`, pick up an edited catalogue
        if config.nav is not None:
            config.nav = nav.with_claim_pages(config.nav)
        return config

    def on_pre_build(self, config):
        """Bring every record up to date, then write the walkthrough notebooks into ``docs/notebooks/`` (before
        mkdocs collects the files, so they become pages)."""
        if compat.i18n_building(config) and self.records:
            return  # static-i18n is building another language: the records are already here
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
                    log.warning(
                        "kanguri: claim %s: notebook %s.%s failed: %s: %s",
                        cid,
                        cid,
                        lang,
                        type(e).__name__,
                        e,
                    )

    @event_priority(
        compat.AFTER_I18N
    )  # after static-i18n's on_files, which drops mkdocs-jupyter's notebook pages
    def on_files(self, files, config):
        """Re-wrap each language's notebook as a page, at the destination static-i18n chose for it; drop the
        notebooks' ``.py`` scripts, which would otherwise be copied, unlinked, next to the notebook pages."""
        for f in [f for f in files if notebook_pages.is_script_copy(f.src_uri)]:
            files.remove(f)
        for f in [f for f in files if compat.is_notebook_source(f)]:
            files.remove(f)  # in place: static-i18n's own Files class resolves the nav's paths
            files.append(compat.notebook_page(f, config))
        return files

    def _update_records(self) -> None:
        """Every claim's record, one claim per core at a time (each runs in its own worker process, and the cache
        lock makes a claim that another process is computing a wait, not a second run)."""
        registry.refresh()  # under `mkdocs serve`, pick up edited claims
        ids = registry.implemented()
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            records = list(pool.map(self._record, ids))
        self.records = dict(zip(ids, records, strict=True))
        for cid, record in self.records.items():
            self._report(cid, record)

    def _record(self, cid: str) -> dict:
        try:
            return runner.run(cid, self.profile)
        except Exception as e:  # the runner turns a claim's failures into records; this is anything else
            return runner.failed_record(cid, self.profile, f"{type(e).__name__}: {e}")

    def _report(self, cid: str, record: dict) -> None:
        """One log line per claim; a failure, or evidence that no longer supports the stated verdict, is a
        warning that names the claim (``--strict`` then fails)."""
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
                record["control"]["verdict"] if record.get("control") else "—",
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
        text, error = render.render_or_fail(markdown, ctx, page.file.src_uri)
        if error:  # the page shows the error, never its raw template; --strict fails
            log.warning("kanguri: %s", error)
        return text

    def on_page_content(self, html, page, config, files):
        lang = getattr(page.file, "locale", None) or config.theme.get("language", "ja")
        html = compat.shared_notebook_stylesheet(html, page.file.dest_uri, Path(config.site_dir))
        if page.file.src_uri.endswith(".ipynb"):
            html = compat.notebook_heading_id(html, page.toc)
        html = tables.card_labels(html)
        return compat.permalink_title(html, words("permalink", lang))

    def on_post_page(self, output, page, config):
        return compat.search_base(output, page.file.dest_uri)

    def on_template_context(self, context, template_name, config):
        """The 404 page in the language being built, its switcher pointing at each language's home page."""
        if template_name == compat.NOT_FOUND:
            compat.language_roots(config)
            lang = compat.page_language(config)
            home, claims = ("/en/", "/en/claims/") if lang == "en" else ("/", "/claims/")
            context["kg_not_found"] = {
                "title": words("not_found.title", lang),
                "body": phrase(
                    "not_found.body",
                    lang,
                    home=Markup('<a href="{}">{}</a>').format(home, words("not_found.home", lang)),
                    claims=Markup('<a href="{}">{}</a>').format(claims, words("not_found.claims", lang)),
                ),
            }
        return context

    def on_post_template(self, output_content, template_name, config):
        if template_name == compat.NOT_FOUND:  # kept per language; written where each belongs after the build
            self.not_found[compat.page_language(config)] = output_content
        return output_content

    @event_priority(compat.AFTER_I18N)  # after static-i18n's other-language builds and its search index
    def on_post_build(self, config):
        """Copy the figures and downloads; then split the one search index into one per language, so a Japanese
        reader's search returns Japanese pages and an English reader's English ones."""
        site_dir = Path(config.site_dir)
        assets.copy_figures(self.records, site_dir / "assets" / "figures")
        assets.write_downloads(
            self.records, Path(config.docs_dir) / "notebooks", site_dir / "assets" / "downloads"
        )
        if compat.i18n_building(config):
            return
        if (site_dir / "search" / "search_index.json").is_file():
            compat.mend_search_worker(site_dir)
            compat.split_search_index(site_dir)
        compat.write_not_found_pages(site_dir, self.not_found)

    def on_serve(self, server, config, builder):
        for path in (claims_dir(), experiments_dir(), PACKAGE_DIR):
            server.watch(str(path))
        return server


def _xfail(claim_id: str) -> bool:
    try:
        return registry.load(claim_id).xfail
    except Exception:
        return False
