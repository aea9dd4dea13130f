"""Every figure of every frozen record, drawn again by today's renderer in both languages, read back from the
SVG it writes: each axis carries at least two numbers and no two of them touch, a log axis with two decades
in view labels decades only, an axis of whole numbers has whole-number ticks, and the legend covers no data.

Text boxes are measured with matplotlib's font metrics for the font named in the SVG (the layout's own
estimate; DejaVu Sans is wider than the usual browser fonts, so a reader's labels have at least this room)."""

from __future__ import annotations

import itertools
import json
import math
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path as MplPath
from matplotlib.textpath import TextToPath
from matplotlib.transforms import Bbox

from kanguri import figures
from kanguri.report import Figure, Report
from tests.site_build import REPO

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
MIN_GAP = 2.0  # px between two tick labels: less reads as one number
SUPERSCRIPT = {c: d for d, c in zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True)}


def frozen_figures() -> list[tuple[str, str, Figure]]:
    out = []
    for record in sorted((REPO / "results" / "site").glob("*/record.json")):
        report = Report.model_validate(json.loads(record.read_text(encoding="utf-8"))["report"])
        out += [(record.parent.name, name, fig) for name, fig in report.figures.items()]
    return out


CASES = frozen_figures()


# --- reading an SVG ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    text: str
    box: Bbox  # in SVG user units (pt), y downwards


@cache
def _metrics(text: str, family: tuple[str, ...], size: float) -> tuple[float, float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # glyphs missing here are measured by matplotlib's fallback font
        w, h, d = TextToPath().get_text_width_height_descent(
            text, FontProperties(family=family, size=size), False
        )
    return w, h, d


def _style(el: ET.Element) -> dict[str, str]:
    pairs = (p.split(":", 1) for p in el.get("style", "").split(";") if ":" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def text_label(el: ET.Element) -> Label:
    """A horizontal <text>'s ink box, from its position, anchor, font and size."""
    style = _style(el)
    assert not re.search(r"rotate\((?!-?0 )", el.get("transform", "")), "tick labels are not rotated"
    size = float(re.sub(r"px$", "", style["font-size"]))
    family = tuple(f.strip().strip("'\"") for f in style["font-family"].split(","))
    text = "".join(el.itertext())
    w, h, d = _metrics(text, family, size)
    x, y = float(el.get("x", 0)), float(el.get("y", 0))
    x0 = x - w * {"start": 0.0, "middle": 0.5, "end": 1.0}[style.get("text-anchor", "start")]
    return Label(text, Bbox([[x0, y - (h - d)], [x0 + w, y + d]]))


def _group(root: ET.Element, gid: str) -> ET.Element | None:
    return next((g for g in root.iter(f"{SVG}g") if g.get("id") == gid), None)


def tick_labels(root: ET.Element, axis: str) -> list[Label]:
    """The labels of the first axes' x or y ticks, as drawn."""
    group = _group(root, "matplotlib.axis_1" if axis == "x" else "matplotlib.axis_2")
    assert group is not None, f"no {axis} axis in the SVG"
    labels = []
    for tick in group.iter(f"{SVG}g"):
        if tick.get("id", "").startswith(f"{axis}tick_"):
            labels += [text_label(t) for t in tick.iter(f"{SVG}text") if "".join(t.itertext()).strip()]
    return labels


def _numbers(d: str) -> np.ndarray:
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    return np.array(values).reshape(-1, 2) if values else np.empty((0, 2))


def _defs(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("id", ""): el for el in root.iter() if el.get("id")}


def _uses(group: ET.Element, defs: dict[str, ET.Element]) -> list[np.ndarray]:
    """Every <use> of ``group`` as the points it draws: the referenced path moved to (x, y)."""
    out = []
    for use in group.iter(f"{SVG}use"):
        ref = defs.get(use.get(XLINK, "").lstrip("#"))
        offset = np.array([float(use.get("x", 0)), float(use.get("y", 0))])
        out.append(offset + (_numbers(ref.get("d", "")) if ref is not None else np.zeros((1, 2))))
    return out


def data_shapes(root: ET.Element) -> list[tuple[np.ndarray, bool]]:
    """The first axes' data as drawn: each line's vertices (joined), each marker's centre and each band's
    outline (joined). Tick marks and grid lines live in the axis groups and are not data."""
    axes = _group(root, "axes_1")
    assert axes is not None
    defs, shapes = _defs(root), []
    for child in axes.findall(f"{SVG}g"):
        gid = child.get("id", "")
        if gid.startswith("line2d_"):
            for path in child.findall(f"{SVG}path"):
                shapes.append((_numbers(path.get("d", "")), True))
            for use in child.iter(f"{SVG}use"):  # a marker, drawn at (x, y)
                shapes.append((np.array([[float(use.get("x", 0)), float(use.get("y", 0))]]), False))
        elif "PolyCollection" in gid:
            shapes += [(pts, True) for pts in _uses(child, defs)]
    return shapes


def plot_area(root: ET.Element) -> Bbox:
    """The axes' clip rectangle: data outside it is not drawn."""
    rect = next(r for c in root.iter(f"{SVG}clipPath") for r in c.iter(f"{SVG}rect"))
    x, y, w, h = (float(rect.get(k, 0)) for k in ("x", "y", "width", "height"))
    return Bbox([[x, y], [x + w, y + h]])


def legend_box(root: ET.Element) -> Bbox | None:
    legend = _group(root, "legend_1")
    if legend is None:
        return None
    boxes = [text_label(t).box for t in legend.iter(f"{SVG}text")]
    points: list[np.ndarray] = [
        _numbers(p.get("d", "")) for p in legend.iter(f"{SVG}path") if "stroke" in p.get("style", "")
    ]
    points += [np.array([[float(u.get("x", 0)), float(u.get("y", 0))]]) for u in legend.iter(f"{SVG}use")]
    boxes += [Bbox(np.array([p.min(axis=0), p.max(axis=0)])) for p in points if len(p)]
    return Bbox.union(boxes).padded(2.25) if boxes else None  # a marker's radius


def value_of(label: str) -> float:
    """``0.05``, ``300``, ``10⁻³``, ``2 × 10⁵``, ``−1.5`` as numbers."""
    text = label.replace("−", "-").replace(",", "")
    m = re.fullmatch(r"(?:([-\d.]+) × )?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if m:
        exp = int("".join(SUPERSCRIPT[c] for c in m[2]))
        return float(m[1] or 1) * 10.0**exp
    return float(text)


def _within(pts: np.ndarray, box: Bbox) -> np.ndarray:
    return (pts[:, 0] >= box.x0) & (pts[:, 0] <= box.x1) & (pts[:, 1] >= box.y0) & (pts[:, 1] <= box.y1)


def is_decade(x: float) -> bool:
    return x > 0 and abs(math.log10(x) - round(math.log10(x))) < 1e-9


# --- the checks -----------------------------------------------------------------------------------------
def crowding(labels: list[Label], axis: str) -> list[str]:
    """Pairs of neighbouring labels closer than MIN_GAP."""
    lo = (lambda b: b.x0) if axis == "x" else (lambda b: b.y0)
    ordered = sorted(labels, key=lambda label: lo(label.box))
    bad = []
    for a, b in itertools.pairwise(ordered):
        gap = b.box.x0 - a.box.x1 if axis == "x" else b.box.y0 - a.box.y1
        if gap < MIN_GAP:
            bad.append(f"{a.text!r} and {b.text!r} ({gap:.1f} px apart)")
    return bad


def problems(svg: Path, fig: Figure) -> list[str]:
    root = ET.parse(svg).getroot()
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
    page = Bbox(np.array([[-1.0, -1.0], [width + 1, height + 1]]))
    out = []
    for axis, scale, data in (
        ("x", fig.xscale, [x for s in fig.series for x in s.x]),
        ("y", fig.yscale, [y for s in fig.series for y in s.y]),
    ):
        labels = tick_labels(root, axis)
        texts = [label.text for label in labels]
        if len(labels) < 2:
            out.append(f"{axis} axis has {len(labels)} tick label(s): {texts}")
        out += [f"{axis} axis: {c}" for c in crowding(labels, axis)]
        cut = [lb.text for lb in labels if not (page.contains(*lb.box.p0) and page.contains(*lb.box.p1))]
        out += [f"{axis} tick label {t!r} is cut off" for t in cut]
        values = [value_of(t) for t in texts]
        if scale == "log" and sum(map(is_decade, values)) >= 2 and not all(map(is_decade, values)):
            out.append(f"{axis} axis (log) labels more than its decades: {texts}")
        whole = data and all(float(v).is_integer() for v in data)
        if scale == "linear" and whole and not all(float(v).is_integer() for v in values):
            out.append(f"{axis} axis counts whole numbers but is labelled {texts}")
    box = legend_box(root)
    if box is not None:
        area = Bbox.intersection(box, plot_area(root))
        if area is not None and area.width > 0 and area.height > 0:
            for pts, joined in data_shapes(root):
                inside = _within(pts, area)
                crosses = joined and len(pts) > 1 and MplPath(pts).intersects_bbox(area, filled=False)
                if np.any(inside) or crosses:
                    out.append("the legend covers data")
                    break
    return out


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("cid", "name", "fig"), CASES, ids=[f"{c}/{n}" for c, n, _ in CASES])
def test_every_axis_has_numbers_that_do_not_touch(cid, name, fig, lang, tmp_path):
    svg = tmp_path / f"{name}.{lang}.svg"
    figures.render(fig, lang, svg)
    assert problems(svg, fig) == [], f"{cid}/{name}.{lang}"
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "currentColor" in text and "#010203" not in text.lower()


def _drawn_as_before(tmp_path: Path, fig: Figure) -> Path:
    """``fig`` as the renderer drew it before: labelled 1-2-5 log ticks, matplotlib's linear ticks, the legend
    at a fixed corner."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import FuncFormatter, LogLocator

    with matplotlib.rc_context(figures.STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.simplefilter("ignore")
        f = MplFigure(figsize=figures.SIZE)
        ax = f.subplots()
        for series in fig.series:
            ax.plot(series.x, series.y, "o-", label=series.label("en"))
        ax.set_xscale(fig.xscale)
        ax.set_yscale(fig.yscale)
        for scale, axis in ((fig.xscale, ax.xaxis), (fig.yscale, ax.yaxis)):
            if scale == "log":
                axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0), numticks=8))
                axis.set_major_formatter(FuncFormatter(figures.tick_label))
        ax.legend(loc="upper left")
        f.tight_layout()
        svg = tmp_path / "before.svg"
        f.savefig(svg, format="svg")
    return svg


def _series(x: list[float], y: list[float]) -> dict:
    return {"label": {"ja": "系列", "en": "series"}, "x": x, "y": y}


def _figure(xscale: str, yscale: str, *series: dict) -> Figure:
    words = {"ja": "図", "en": "figure"}
    return Figure.model_validate(
        {
            "title": words,
            "caption": words,
            "xlabel": words,
            "ylabel": words,
            "series": list(series),
            "xscale": xscale,
            "yscale": yscale,
        }
    )


def test_the_checks_catch_what_readers_saw(tmp_path):
    """Drawn the old way, figures like the ones the reader audit named fail these checks for its reasons (a
    log axis over 30 decades without a number, overprinted 1-2-5 labels, k at 2.5, a legend on the data),
    and the renderer draws the same figures without a problem."""
    cases = {
        "y axis has 0 tick label": _figure(
            "linear", "log", _series([1, 2, 3, 6], [0.07, 0.05, 1e-30, 1e-30])
        ),
        "apart": _figure("log", "log", _series([1e-6, 1e-4, 1e-2], [1e-12, 1e-6, 1.0])),
        "whole numbers": _figure("linear", "linear", _series([2, 3, 4, 5, 6], [0.5, 0.6, 0.8, 0.9, 1.0])),
        "the legend covers data": _figure("linear", "linear", _series([0, 1, 2, 3], [3, 2, 1, 0])),
    }
    for reason, fig in cases.items():
        assert reason in " ".join(problems(_drawn_as_before(tmp_path, fig), fig)), reason
        figures.render(fig, "en", tmp_path / "now.svg")
        assert problems(tmp_path / "now.svg", fig) == [], reason
