"""Draws a report figure as SVG in one language. Text stays text (the browser renders the Japanese).

The figures are made to be read on a phone and in dark mode: a small canvas with large type (shown at about
its natural size on a 390 px screen), a transparent background, and text, axes and grid in ``currentColor``,
so a figure inlined in a page takes the page's text colour in both palettes.

Every axis carries numbers, and no two of them touch: the ticks of each axis are chosen from a list of
candidates, sparsest acceptable first, by measuring the labels matplotlib lays out. A log axis labels its
decades (``0.01``, ``300``… written plainly where that is short, ``10⁶`` beyond), every second or third one when
they would crowd, and falls back to 1-3 or 1-2-5 steps only when fewer than two decades are in view. An axis whose
data are all whole numbers gets whole-number ticks. The legend goes where it covers no data (no line, point
or band), and below the plot when no such place exists inside it.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis, YAxis
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure  # the object API: no pyplot, no global state
from matplotlib.path import Path as MplPath
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    Locator,
    MaxNLocator,
    NullFormatter,
    NullLocator,
    ScalarFormatter,
)
from matplotlib.transforms import Bbox

from kanguri.report import Figure

# a font missing here is only a layout estimate: the reader's browser draws the text
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

INK = "#010203"  # a colour no series uses: replaced by currentColor in the written SVG
STYLE = {
    "svg.fonttype": "none",  # keep <text>, so labels are searchable, selectable and render in Japanese
    "svg.hashsalt": "kanguri",  # stable element ids: the same record gives the same bytes
    # the SVG names these fonts; the reader's browser picks whichever it has
    "font.family": ["Noto Sans CJK JP", "DejaVu Sans", "sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],  # one fallback named in each <text>, not matplotlib's list of eleven
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
DOTS = 40  # a line with more points than this is drawn without a dot on each
GAP = 0.6  # the least space between two tick labels, in ems: room for a reader's font wider than ours
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
Loc = Literal["best", "upper right", "upper left", "lower left", "lower right", "center right", "center left",
              "upper center", "lower center"]  # fmt: skip
PLACES: tuple[Loc, ...] = ("best", "upper right", "upper left", "lower left", "lower right", "center right",
                           "center left", "upper center", "lower center")  # fmt: skip


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


@dataclass(frozen=True)
class Ticks:
    """One way to mark an axis: where the labelled (major) ticks go, and the unlabelled minor ones."""

    major: Locator
    minor: Locator
    log: bool


def _whole(values: Sequence[float]) -> bool:
    return bool(values) and all(math.isfinite(v) and float(v).is_integer() for v in values)


def log_candidates(lo: float, hi: float) -> Iterator[Ticks]:
    """Decades, every ``s``-th from 1 up (unlabelled minor ticks on the others, or at 2…9 × 10ⁿ when at most
    four decades are in view); with fewer than two decades in view, 1-3, 1-2-5, then every integer mantissa;
    last, evenly spaced plain numbers for a range narrower than a factor of two."""
    k0, k1 = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    decades = list(range(k0, k1 + 1))
    if len(decades) >= 2:
        for s in (1, 2, 3, 4, 5, 6, 8, 10, 15, 20):
            marked = [k for k in decades if k % s == 0]
            if len(marked) < 2:
                break
            if s == 1:
                minor = [m * 10.0**k for k in range(k0 - 1, k1 + 1) for m in range(2, 10)]
                yield Ticks(
                    FixedLocator([10.0**k for k in marked]), _fixed(minor if k1 - k0 <= 3 else []), True
                )
            else:
                rest = [10.0**k for k in decades if k % s]
                yield Ticks(FixedLocator([10.0**k for k in marked]), _fixed(rest), True)
    for mantissas in ((1, 3), (1, 2, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**k for k in range(k0 - 1, k1 + 1) for m in mantissas]
        yield Ticks(FixedLocator(ticks), NullLocator(), True)
    for n in (4, 3, 2):
        yield Ticks(MaxNLocator(nbins=n, min_n_ticks=2), NullLocator(), True)


def _fixed(ticks: list[float]) -> Locator:
    return FixedLocator(ticks) if ticks else NullLocator()


def linear_candidates(integer: bool) -> Iterator[Ticks]:
    """Matplotlib's choice first, then fewer and fewer ticks; whole numbers on an integer axis (unless its
    range is too short to hold two)."""
    for whole in (True, False) if integer else (False,):
        steps = [1, 2, 5, 10] if whole else [1, 2, 2.5, 5, 10]
        for n in ("auto", 8, 6, 5, 4, 3, 2):
            yield Ticks(MaxNLocator(nbins=n, steps=steps, integer=whole, min_n_ticks=2), NullLocator(), False)


def _apply(axis: Axis, ticks: Ticks) -> None:
    axis.set_major_locator(ticks.major)
    axis.set_minor_locator(ticks.minor)
    axis.set_major_formatter(FuncFormatter(tick_label) if ticks.log else ScalarFormatter(useOffset=False))
    axis.set_minor_formatter(NullFormatter())


def label_boxes(axis: Axis, renderer: RendererBase) -> list[Bbox]:
    """The tick labels ``axis`` draws (in view, not empty) in display pixels, at the current layout."""
    axis.get_tightbbox(renderer)  # places the ticks and their labels for the current locator
    lo, hi = sorted(axis.get_view_interval())
    slack = 1e-9 * (hi - lo)
    locs = axis.get_majorticklocs()
    return [
        tick.label1.get_window_extent(renderer)
        for tick, loc in zip(axis.get_major_ticks(len(locs)), locs, strict=False)
        if lo - slack <= loc <= hi + slack and tick.label1.get_visible() and tick.label1.get_text()
    ]


def readable(axis: Axis, renderer: RendererBase) -> tuple[int, bool]:
    """How many labels ``axis`` draws, and whether each stands at least ``GAP`` ems from the next."""
    boxes = label_boxes(axis, renderer)
    vertical = isinstance(axis, YAxis)
    ordered = sorted(boxes, key=lambda b: b.y0 if vertical else b.x0)
    spaces = [b.y0 - a.y1 if vertical else b.x0 - a.x1 for a, b in itertools.pairwise(ordered)]
    size = axis.get_ticklabels()[0].get_fontproperties().get_size_in_points() if boxes else 0.0
    least = GAP * size * float(np.asarray(renderer.points_to_pixels(1.0)))
    return len(boxes), all(s >= least for s in spaces)


def fit_ticks(axis: Axis, candidates: Iterator[Ticks], renderer: RendererBase) -> bool:
    """The first candidate with two labels or more that stand apart, at the current layout; if none does, the
    last one with two labels. Whether the choice stands apart."""
    fallback = None
    for ticks in candidates:
        _apply(axis, ticks)
        count, apart = readable(axis, renderer)
        if count >= 2 and apart:
            return True
        fallback = ticks if count >= 2 else fallback
    if fallback is not None:
        _apply(axis, fallback)
    return False


def _data_paths(ax: Axes) -> Iterator[tuple[np.ndarray, bool, float]]:
    """Every drawn datum in display pixels: (vertices, joined by lines, marker radius) per line; each band's
    outline as a joined path with radius 0."""
    px = ax.figure.dpi / 72
    for line in ax.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        joined = line.get_linestyle() not in ("None", "", " ", "none")
        radius = line.get_markersize() * px / 2 if line.get_marker() not in ("None", "", None, " ") else 0.0
        yield xy, joined, radius
    for coll in ax.collections:
        for p in coll.get_paths():
            yield coll.get_transform().transform(p.vertices), True, 0.0


def _inside(xy: np.ndarray, box: Bbox) -> np.ndarray:
    return (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)


def covers_data(ax: Axes, box: Bbox) -> bool:
    """Whether ``box`` (display pixels) lies on a line, a point or a band of ``ax``."""
    for xy, joined, radius in _data_paths(ax):
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if not len(xy):
            continue
        near = box.padded(radius)  # a marker touches the box when its centre is within a radius of it
        if np.any(_inside(xy, near)):
            return True
        if joined and len(xy) > 1 and MplPath(xy).intersects_bbox(box, filled=False):
            return True
    return False


def place_legend(f: MplFigure, ax: Axes, renderer: RendererBase) -> None:
    """Inside the plot where it covers no data; otherwise below the plot, the figure growing to hold it."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    for loc in PLACES:
        leg = ax.legend(loc=loc, frameon=False)
        if not covers_data(ax, leg.get_window_extent(renderer)):
            return
        leg.remove()
    width = f.get_figwidth() * f.dpi
    for ncols in (2, 1):
        leg = f.legend(handles, labels, loc="outside lower center", ncols=ncols, frameon=False)
        if ncols == 1 or leg.get_window_extent(renderer).width <= 0.95 * width:
            break
        leg.remove()
    f.set_figheight(SIZE[1] + leg.get_window_extent(renderer).height / f.dpi)


def _remove_legend(ax: Axes) -> None:
    leg = ax.get_legend()
    if leg is not None:
        leg.remove()


def legend_clear(ax: Axes, renderer: RendererBase) -> bool:
    leg = ax.get_legend()
    return leg is None or not covers_data(ax, leg.get_window_extent(renderer))


def tidy(svg: str) -> str:
    """Smaller SVG, same drawing: coordinates to 1/100 pt, no indentation; the text of labels is untouched."""

    def attr(m: re.Match[str]) -> str:
        if m[1] == "transform" and m[2].startswith("rotate(-0 "):
            return ""  # no rotation at all
        value = re.sub(r"-?\d+\.\d{3,}", lambda n: f"{float(n[0]):.2f}".rstrip("0").rstrip("."), m[2])
        return f'{m[1]}="{" ".join(value.split())}"'

    head, body = svg.split("<svg", 1)
    body = re.sub(r' ([\w:-]+)="([^"]*)"', lambda m: (" " + a) if (a := attr(m)) else "", body)
    return head + "<svg" + re.sub(r">\s+<", "><", body)


def render(fig: Figure, lang: str, path: Path) -> None:
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("ignore")  # glyph warnings: layout only, the browser draws the text
        f = MplFigure(figsize=SIZE, layout="constrained")
        renderer = FigureCanvasAgg(f).get_renderer()  # to measure the labels
        ax = f.subplots()
        _plot(ax, fig, lang)
        data = {"x": [x for s in fig.series for x in s.x], "y": [y for s in fig.series for y in s.y]}
        scale = {"x": fig.xscale, "y": fig.yscale}
        f.draw_without_rendering()  # the layout the labels are measured in
        for attempt in range(4):  # ticks and legend change the layout, which can change what fits
            ok = fit_axes(ax, scale, data, renderer)
            if attempt == 0:
                place_legend(f, ax, renderer)
            elif not legend_clear(ax, renderer):  # the new ticks moved the data under it
                _remove_legend(ax)
                place_legend(f, ax, renderer)
            f.draw_without_rendering()
            fits = [readable(a, renderer) for a in (ax.xaxis, ax.yaxis)]
            if ok and legend_clear(ax, renderer) and all(n >= 2 and apart for n, apart in fits):
                break
        buf = io.StringIO()
        meta = dict.fromkeys(
            ("Date", "Creator", "Format", "Type")
        )  # no <metadata>: the same drawing, smaller
        f.savefig(buf, format="svg", transparent=True, metadata=meta)
    path.write_text(tidy(re.sub(INK, "currentColor", buf.getvalue(), flags=re.I)), encoding="utf-8")


def fit_axes(
    ax: Axes, scale: Mapping[str, str], data: Mapping[str, list[float]], renderer: RendererBase
) -> bool:
    """Ticks for both axes at the current layout; whether both are readable."""
    ok = True
    for axis in (ax.yaxis, ax.xaxis):  # y first: the width of its labels decides the length of the x axis
        name = axis.axis_name
        lo, hi = sorted(axis.get_view_interval())
        cands = log_candidates(lo, hi) if scale[name] == "log" else linear_candidates(_whole(data[name]))
        ok = fit_ticks(axis, cands, renderer) and ok
    return ok


def _plot(ax: Axes, fig: Figure, lang: str) -> None:
    colour = -1
    for s in fig.series:
        colour += 0 if (s.matches_previous and colour >= 0) else 1
        color = f"C{colour % 10}"
        if s.style == "fit":
            ax.plot(s.x, s.y, "--", color=color, label=s.label(lang), linewidth=1.4)
        elif s.style == "points":
            ax.plot(s.x, s.y, "o", color=color, label=s.label(lang), markersize=4.5)
        else:
            marker = "o-" if len(s.x) <= DOTS else "-"  # a dot on each of 150 points only thickens the line
            ax.plot(s.x, s.y, marker, color=color, label=s.label(lang), markersize=4, linewidth=1.6)
        if s.lo is not None and s.hi is not None:
            ax.fill_between(s.x, s.lo, s.hi, color=color, alpha=0.2, linewidth=0)
    ax.set_xscale(fig.xscale)
    ax.set_yscale(fig.yscale)
    ax.set_title(fig.title(lang))
    ax.set_xlabel(fig.xlabel(lang))
    ax.set_ylabel(fig.ylabel(lang))
