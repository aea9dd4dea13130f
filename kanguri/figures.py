"""Draws a report figure as SVG in one language. Text stays text (the browser renders the Japanese)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure as MplFigure  # the object API: no pyplot, no global state

from kanguri.report import Figure
from kanguri.text import Lang

# a font missing here is only a layout estimate: the reader's browser draws the text
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

STYLE = {
    "svg.fonttype": "none",  # keep <text>, so labels are searchable, selectable and render in Japanese
    "svg.hashsalt": "kanguri",  # stable element ids: the same record gives the same bytes
    # the SVG names these fonts; the reader's browser picks whichever it has
    "font.family": ["Noto Sans CJK JP", "DejaVu Sans", "sans-serif"],
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def render(fig: Figure, lang: Lang, path: Path) -> None:
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("ignore")  # glyph warnings: layout only, the browser draws the text
        f = MplFigure(figsize=(6.4, 4.0))
        ax = f.subplots()
        for i, s in enumerate(fig.series):
            color = f"C{i}"
            if s.style == "fit":
                ax.plot(s.x, s.y, "--", color=color, label=s.label(lang), linewidth=1.2)
            elif s.style == "points":
                ax.plot(s.x, s.y, "o", color=color, label=s.label(lang), markersize=4)
            else:
                ax.plot(s.x, s.y, "o-", color=color, label=s.label(lang), markersize=3.5, linewidth=1.4)
            if s.lo is not None and s.hi is not None:
                ax.fill_between(s.x, s.lo, s.hi, color=color, alpha=0.18, linewidth=0)
        ax.set_xscale(fig.xscale)
        ax.set_yscale(fig.yscale)
        ax.set_title(fig.title(lang))
        ax.set_xlabel(fig.xlabel(lang))
        ax.set_ylabel(fig.ylabel(lang))
        ax.legend(frameon=False, fontsize=8)
        f.tight_layout()
        f.savefig(path, format="svg", metadata={"Date": None, "Creator": "kanguri"})
