"""Building the real site once per test session (the quick profile keeps it fast), and rendering a page's
Markdown the way the site does, without building it."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import markdown

from kanguri.paths import PACKAGE_DIR


def mkdocs_build(project: Path, site_dir: Path, *, strict: bool = True, env: dict | None = None):
    cmd = [sys.executable, "-m", "mkdocs", "build", "-d", str(site_dir)] + (["--strict"] if strict else [])
    environ = os.environ | {"KANGURI_PROFILE": "quick", "NO_MKDOCS_2_WARNING": "1"} | (env or {})
    return subprocess.run(cmd, cwd=project, env=environ, capture_output=True, text=True, timeout=1800)


REPO = PACKAGE_DIR.parent


def stale_frozen_records() -> list[str]:
    """The live claims whose frozen site record is missing or no longer matches their code, parameters and
    package versions (a build at the site profile would recompute them)."""
    from kanguri import cache, registry

    registry.refresh()
    stale = []
    for cid in registry.implemented():
        claim = registry.load(cid)
        config = None if claim.kind == "opinion" else claim.config("site")
        if cache.load_frozen(cid, "site", cache.key(cid, "site", config, claim.seed)) is None:
            stale.append(cid)
    return stale


@cache
def _markdown_config() -> tuple[list, dict]:
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    return list(config.markdown_extensions), dict(config.mdx_configs)


def markdown_html(text: str) -> str:
    """Markdown to HTML with the site's extensions and their settings, as mkdocs would convert a page."""
    extensions, configs = _markdown_config()
    return markdown.markdown(text, extensions=extensions, extension_configs=configs)
