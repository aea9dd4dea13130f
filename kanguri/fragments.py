"""Pieces of a page built from a record: a verdict badge, a value with its interval, a table cell, an inline
figure, where a record came from. Each returns escaped text (:mod:`kanguri.markup`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from functools import partial

from markupsafe import Markup

from kanguri.markup import attr, code, esc
from kanguri.numbers import fmt_number, fmt_year
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


def _is_year(v: Value) -> bool:
    """A date measured in years (a value without thousands separators, between the years 1000 and 3000)."""
    return not v.grouping and isinstance(v.value, float) and 1000 <= v.value < 3000


def unit_text(unit: str) -> str:
    """The unit after a number: a space before a word or a symbol (``3.2 s``, ``20 W``), none before ``%``
    (``40%``: the site's one way in both languages)."""
    return unit if unit in ("%", "‰") else f" {unit}"


def fmt_value(v: Value, lang: str) -> Markup:
    """``1.09 [1.05, 1.12] s``: the value, its 95% interval in brackets, the unit; how the interval was
    obtained, and from how many samples, in the tooltip. A date measured in years reads as its month
    (``2027年4月 [2026年5月, 2028年5月]``, ``April 2027 [May 2026, May 2028]``), not as 2027.3."""
    unit = unit_text(v.unit(lang)) if v.unit else ""
    num: Callable[[float | None], str] = partial(fmt_number, lang=lang, digits=v.digits, grouping=v.grouping)
    if _is_year(v):
        num = partial(fmt_year, lang=lang)
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
    """A table cell from a report: text in the page's language (typeset as :func:`prose`), a number
    formatted and kept on one line, anything else as text."""
    if isinstance(x, L):
        return prose(typeset(x(lang)))
    if isinstance(x, dict) and "en" in x:
        return prose(typeset(str(x.get(lang, x["en"]))))
    if isinstance(x, float | int) and not isinstance(x, bool):
        return Markup(f'<span class="kg-num">{esc(fmt_number(x, lang))}</span>')
    return prose(typeset(str(x)))


# --- generated sentences, as the pages print them ----------------------------------------------------------
# A base and its exponent written with a caret (2^(−κn), width^−0.98, n^O(k), e^1.04): the base is a run of
# letters, digits and Greek, or one other character (幅); the exponent a parenthesised group (its parentheses
# dropped), a signed number, or a name with an optional argument.
_POWER = re.compile(
    r"(?P<base>[A-Za-z0-9.\u0370-\u03ff]+|[^\s^(])\^"
    r"(?:\((?P<group>[^()]*)\)|(?P<exp>[−+-]?(?:\d+(?:\.\d+)?|[A-Za-z\u0370-\u03ff]\w*(?:\([^()]*\))?)))"
)
_NEGATIVE_ZERO = re.compile(r"(?<![\w.])[−-](?=0(?:\.0+)?(?![\d.]))")  # −0.00: a number that rounds to zero
_SPACED_PERCENT = re.compile(r"(?<=\d) %")
_PARENTHESISED = re.compile(r"(?<=[(（])([^()（）]+)(?=[)）])")


def raised(base: object, exponent: Markup) -> Markup:
    """``base`` raised to ``exponent`` (escaped text or a value's Markup), as a superscript, never broken across
    lines."""
    return Markup(f'<span class="kg-power">{esc(base)}<sup>{esc(exponent)}</sup></span>')


def _with_labels(text: str, names: Mapping[str, str], lang: str) -> str:
    """A parenthesised list of internal names (``(rate_high, rate_low)``) as the reader's labels."""

    def swap(m: re.Match[str]) -> str:
        items = [item.strip() for item in m[1].split(",")]
        if not all(item in names for item in items):
            return m[0]
        return words("list_sep", lang).join(names[item] for item in items)

    return _PARENTHESISED.sub(swap, text) if names else text


def prose(text: str, lang: str | None = None, names: Mapping[str, str] | None = None) -> Markup:
    """A sentence or a cell that a claim generated, escaped and typeset the site's one way: no −0.00 (0.00),
    ``40%`` without a space, caret exponents as superscripts on one line (``2^(−κn)`` → 2<sup>−κn</sup>), and,
    given ``names`` (an internal name → its label) and ``lang``, a parenthesised list of names as their
    labels. Never for a quoted source, which reads exactly as written."""
    if names and lang:
        text = _with_labels(text, names, lang)
    text = _SPACED_PERCENT.sub("%", _NEGATIVE_ZERO.sub("", text))
    out, at = [], 0
    for m in _POWER.finditer(text):
        exponent = m["group"] if m["group"] is not None else m["exp"]
        out += [esc(text[at : m.start()]), raised(m["base"], esc(exponent))]
        at = m.end()
    out.append(esc(text[at:]))
    return Markup("".join(out))


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
