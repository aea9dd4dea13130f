"""Pieces of a page built from a record: a verdict badge, a value with its interval, a table cell, an inline
figure, where a record came from. Each returns escaped text (:mod:`kanguri.markup`)."""

from __future__ import annotations

import posixpath
import re
from functools import partial

from markupsafe import Markup

from kanguri.markup import attr, code, esc
from kanguri.numbers import fmt_number
from kanguri.phrases import VERDICTS, method_name, phrase, verdict_label, words
from kanguri.report import Value
from kanguri.rule import typeset
from kanguri.text import L


def record_verdict(record: dict | None) -> str:
    """``planned`` without a record, ``failed`` for a failed one, else the rule's verdict."""
    if record is None:
        return "planned"
    return record["decision"]["verdict"] if record.get("status") == "ok" else "failed"


def short_error(record: dict | None, limit: int = 200) -> str:
    """A failed record's error on one line, short enough for a tile or a table cell."""
    text = " ".join(str((record or {}).get("error") or "no record").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def badge(verdict: str, lang: str) -> Markup:
    label = verdict_label(verdict)(lang) if verdict in VERDICTS else verdict
    return Markup(f'<span class="kg-badge kg-{attr(verdict)}">{esc(label)}</span>')


def fmt_value(v: Value, lang: str) -> Markup:
    """``1.09 [1.05, 1.12] s``: the value, its 95% interval in brackets, the unit; how the interval was
    obtained, and from how many samples, in the tooltip."""
    unit = f" {v.unit(lang)}" if v.unit else ""
    num = partial(fmt_number, lang=lang, digits=v.digits, grouping=v.grouping)
    if v.lo is None or v.hi is None:
        return Markup(f'<span class="kg-value">{esc(num(v.value) + unit)}</span>')
    how = words("ci", lang)
    if v.method:
        how += words("colon", lang) + method_name(v.method, lang)
    if v.n:
        how += f", n = {v.n}"
    # the brackets are the engine's; the numbers hold no character that Markdown or HTML would act on
    shown = f"{esc(num(v.value))} [{esc(num(v.lo))}, {esc(num(v.hi))}]{esc(unit)}"
    return Markup(f'<span class="kg-value" title="{attr(how)}">{shown}</span>')


def cell(x: object, lang: str) -> Markup:
    """A table cell from a report: text in the page's language, a number formatted, anything else as text."""
    if isinstance(x, L):
        return esc(typeset(x(lang)))
    if isinstance(x, dict) and "en" in x:
        return esc(typeset(str(x.get(lang, x["en"]))))
    if isinstance(x, float | int) and not isinstance(x, bool):
        return esc(fmt_number(x, lang))
    return esc(typeset(str(x)))


def inline_svg(svg: str, prefix: str, title: str, desc: str) -> str:
    """A figure's SVG, ready to sit inside a page: no XML prolog, ids made unique on the page, labelled for
    screen readers by a <title> and a <desc>."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    label = f'<title id="{prefix}title">{esc(title)}</title><desc id="{prefix}desc">{esc(desc)}</desc>'
    head_end = svg.index(">") + 1
    opening = svg[:head_end].replace(
        "<svg", f'<svg role="img" aria-labelledby="{prefix}title {prefix}desc"', 1
    )
    return opening + label + svg[head_end:]


def relative(target: str, page_dir: str) -> str:
    return posixpath.relpath(target, page_dir or ".")


def origin(record: dict, lang: str) -> Markup:
    """Where a record's numbers came from: this build, an earlier one here, or a frozen record."""
    p = record.get("provenance", {})
    if record.get("origin") == "frozen":
        return phrase("origin.frozen", lang, commit=code(p.get("commit", "?")), cpu=p.get("cpu", "?"))
    return phrase("origin.cached" if record.get("cached") else "origin.built", lang)


def accelerator(name: str | None, lang: str) -> str:
    """The GPU a record ran on, or "none" in the page's language (also for "none (torch not used)")."""
    return words("none", lang) if name is None or name == "—" or name.startswith("none") else str(name)
