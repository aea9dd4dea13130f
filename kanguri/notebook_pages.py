"""Notebook pages as mkdocs-jupyter renders them, with their stylesheet in one file instead of in each page, and
without the scripts they are made from.

mkdocs-jupyter 0.26.3 writes JupyterLab's whole stylesheet (about 590 KB) into every notebook page, and has no
option to leave it out (``theme`` only picks the light or dark variables; ``include_source``, ``no_input`` and
``remove_tag_config`` act on cells). The plugin takes the ``<style>`` blocks around the notebook out of each
page and writes them once, to :data:`STYLESHEET`, which every notebook page links: the browser fetches it once
for all of them. The styles inside the notebook (an inline figure's own) stay where they are.

``kanguri.notebooks`` writes each walkthrough's script (``notebooks/<id>.<lang>.py``) beside its notebook; the
claim page links the copy under ``assets/downloads/<id>/``, so the plugin leaves the one in ``notebooks/`` out of
the site (:func:`is_script_copy`).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

STYLESHEET = "assets/stylesheets/jupyter.css"
START = '<div class="jupyter-wrapper">'  # mkdocs-jupyter's template wraps the notebook in this…
END = "<!-- jupyter-wrapper -->"  # …and closes it with this comment
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
_written: dict[Path, str] = {}  # what this process last wrote where: each page of a build finds it there
NOTEBOOKS = "notebooks/"


def is_script_copy(src_uri: str) -> bool:
    """A walkthrough's script in ``docs/notebooks/``: published only as a download, never beside the pages."""
    return src_uri.startswith(NOTEBOOKS) and src_uri.endswith(".py")


def shared_stylesheet(html: str, dest_uri: str, site_dir: Path) -> str:
    """A notebook page's content without the stylesheet around the notebook, linking :data:`STYLESHEET`
    (written into ``site_dir``) instead; any other page's content unchanged."""
    start, end = html.find(START), html.rfind(END)
    if start < 0 or end < start:
        return html
    blocks: list[str] = []

    def take(m: re.Match[str]) -> str:
        css = m[1].strip()
        # 0.26.3 also appends resources["inlining"]["css"], a Python list, as text: a copy of the code
        # highlighting rules that no browser can parse
        if css not in blocks and not css.startswith("['"):
            blocks.append(css)
        return ""

    before, notebook, after = html[:start], html[start:end], html[end:]
    before, after = _STYLE.sub(take, before), _STYLE.sub(take, after)
    write_stylesheet(site_dir / STYLESHEET, "\n".join(blocks) + "\n")
    href = posixpath.relpath(STYLESHEET, posixpath.dirname(dest_uri) or ".")
    return f'<link rel="stylesheet" href="{href}">\n{before}{notebook}{after}'


def write_stylesheet(path: Path, css: str) -> None:
    """Write ``css`` to ``path`` unless this process already did (every page carries the same)."""
    if _written.get(path) == css and path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(css, encoding="utf-8")
    _written[path] = css
