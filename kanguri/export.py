"""``kanguri render --out DIR``: every page rendered to plain Markdown per language, with its figures.

The output does not depend on mkdocs: ``DIR/ja/`` and ``DIR/en/`` each hold the docs tree (``index.md``,
``claims/<id>.md``…) with every number, table and figure link filled in, and ``assets/figures/``. Any static
site generator can build them. The mkdocs plugin renders through the same :func:`render.page_context`.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from kanguri import registry, render, runner
from kanguri.paths import docs_dir
from kanguri.text import LANGS


def render_site(out: Path, profile: str = "site") -> list[Path]:
    records = {cid: runner.run(cid, profile) for cid in registry.implemented()}
    written = []
    for src in sorted(docs_dir().rglob("*.md")):
        rel = src.relative_to(docs_dir()).as_posix()
        stem, _, lang = rel[: -len(".md")].rpartition(".")
        if lang not in LANGS:
            continue
        dest = out / lang / f"{stem}.md"
        dest.parent.mkdir(parents=True, exist_ok=True)
        ctx = render.page_context(rel, lang, records, page_dir=posixpath.dirname(stem))
        dest.write_text(render.render_page(src.read_text(encoding="utf-8"), ctx, where=rel), encoding="utf-8")
        written.append(dest)
    for lang in LANGS:
        render.copy_figures(records, out / lang / "assets" / "figures")
    return written
