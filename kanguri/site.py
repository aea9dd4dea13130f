"""The mkdocs plugin: a thin layer over the engine.

- ``on_files``: bring every claim's record up to date (run what is stale, once per build, not per language).
- ``on_page_markdown``: render the page template with the records, in the page's language.
- ``on_post_build``: copy the figures next to the pages; report failed claims (``--strict`` then fails).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority

from kanguri import registry, render, runner
from kanguri.paths import PACKAGE_DIR, claims_dir, experiments_dir

log = logging.getLogger("mkdocs.plugins.kanguri")


class KanguriConfig(Config):
    profile = c.Choice(("quick", "site", "full"), default="site")


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

    @event_priority(100)  # before static-i18n reshapes the files
    def on_files(self, files, config):
        if self._nested_language_build(config) and self.records:
            return files
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
        return files

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

    def on_post_build(self, config):
        render.copy_figures(self.records, Path(config.site_dir) / "assets" / "figures")

    def on_serve(self, server, config, builder):
        for path in (claims_dir(), experiments_dir(), PACKAGE_DIR):
            server.watch(str(path))
        return server


def _xfail(claim_id: str) -> bool:
    try:
        return registry.load(claim_id).xfail
    except Exception:
        return False
