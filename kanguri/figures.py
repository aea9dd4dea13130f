"""Draws a report figure as SVG in one language. Text stays text (the browser renders the Japanese)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from kanguri.report import Figure  # noqa: E402
from kanguri.text import Lang  # noqa: E402

STYLE = {
    "svg.fonttype": "none",  # keep <text>, so labels are searchable, selectable and render in Japanese
    "svg.hashsalt": "kanguri",  # stable element ids: the same record gives the same bytes
    "font.family": ["Noto Sans CJK JP", "IPAexGothic", "DejaVu Sans", "sans-serif"],
    "font.size": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def render(fig: Figure, lang: Lang, path: Path) -> None:
    with plt.rc_context(STYLE), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyph warnings: layout only, the browser draws the text
        f, ax = plt.subplots(figsize=(6.4, 4.0))
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
        plt.close(f)
