"""Draws a report figure as SVG in one language. Text stays text (the browser renders the Japanese).

The figures are made to be read on a phone and in dark mode: a small canvas with large type (shown at about
its natural size on a 390 px screen), a transparent background, and text, axes and grid in ``currentColor``,
so a figure inlined in a page takes the page's text colour in both palettes. Log axes label their decades with
plain numbers where that is short (``4``, ``300``) and ``a × 10ⁿ`` otherwise, without minor labels that collide.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure as MplFigure  # the object API: no pyplot, no global state
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from kanguri.report import Figure
from kanguri.text import Lang

# a font missing here is only a layout estimate: the reader's browser draws the text
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

INK = "#010203"  # a colour no series uses: replaced by currentColor in the written SVG
STYLE = {
    "svg.fonttype": "none",  # keep <text>, so labels are searchable, selectable and render in Japanese
    "svg.hashsalt": "kanguri",  # stable element ids: the same record gives the same bytes
    # the SVG names these fonts; the reader's browser picks whichever it has
    "font.family": ["Noto Sans CJK JP", "DejaVu Sans", "sans-serif"],
    "font.size": 11,
    "axes.titlesize": 12,
    "legend.fontsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "grid.color": INK,
    "legend.labelcolor": INK,
}
SIZE = (5.2, 3.9)  # inches: 375 × 281 px at its natural size, so a phone shows it at nearly full scale
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def tick_label(x: float, _pos: object = None) -> str:
    """``4`` for 4×10⁰, ``0.05`` and ``300`` as they are, ``2 × 10⁵`` beyond; a true minus sign."""
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)) + 1e-9)
    mant = x / 10**exp
    if -2 <= exp <= 3:
        text = f"{x:.{max(0, -exp)}f}" if abs(mant - round(mant)) < 1e-6 else f"{x:g}"
    else:
        m = f"{mant:.0f}" if abs(mant - round(mant)) < 1e-6 else f"{mant:.1f}"
        text = (f"{m} × " if m != "1" else "") + f"10{str(exp).translate(SUPERSCRIPT)}"
    return text.replace("-", "−")


def _log_axis(axis) -> None:
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=8))
    axis.set_major_formatter(FuncFormatter(tick_label))
    axis.set_minor_formatter(NullFormatter())


def render(fig: Figure, lang: Lang, path: Path) -> None:
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("ignore")  # glyph warnings: layout only, the browser draws the text
        f = MplFigure(figsize=SIZE)
        ax = f.subplots()
        colour = -1
        for s in fig.series:
            colour += 0 if (s.matches_previous and colour >= 0) else 1
            color = f"C{colour % 10}"
            if s.style == "fit":
                ax.plot(s.x, s.y, "--", color=color, label=s.label(lang), linewidth=1.4)
            elif s.style == "points":
                ax.plot(s.x, s.y, "o", color=color, label=s.label(lang), markersize=4.5)
            else:
                ax.plot(s.x, s.y, "o-", color=color, label=s.label(lang), markersize=4, linewidth=1.6)
            if s.lo is not None and s.hi is not None:
                ax.fill_between(s.x, s.lo, s.hi, color=color, alpha=0.2, linewidth=0)
        ax.set_xscale(fig.xscale)
        ax.set_yscale(fig.yscale)
        for scale, axis in ((fig.xscale, ax.xaxis), (fig.yscale, ax.yaxis)):
            if scale == "log":
                _log_axis(axis)
        ax.set_title(fig.title(lang))
        ax.set_xlabel(fig.xlabel(lang))
        ax.set_ylabel(fig.ylabel(lang))
        ax.legend(frameon=False)
        f.tight_layout()
        f.savefig(path, format="svg", transparent=True, metadata={"Date": None, "Creator": "kanguri"})
    svg = path.read_text(encoding="utf-8")
    path.write_text(re.sub(INK, "currentColor", svg, flags=re.I), encoding="utf-8")
