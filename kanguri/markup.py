"""One escaping policy for everything the engine writes into a page.

Pages are Markdown with HTML inside, and Markdown runs after our templates. Any string that did not come from
the page's own template (a claim's statement, a rule's sentence, a label, a quote, a catalogue title, a number,
an error) goes through :func:`esc` before it reaches the page: it becomes HTML character references for the
characters HTML or Markdown would act on, so it reads exactly as written (``10**15`` stays ``10**15``,
``<script>`` stays text). The result is :class:`~markupsafe.Markup`; code that composes HTML or Markdown from
escaped parts returns ``Markup`` too, and the page templates autoescape whatever else they print
(see :mod:`kanguri.render`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

# HTML's specials, and Markdown's: emphasis (* _), code (`), links ([ ]), tables (|), escapes (\), headings (#);
# braces so that no later template pass sees {{ … }}; newlines so that text cannot start a block of its own
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": " ", "\r": " "} | {
    ch: f"&#{ord(ch)};" for ch in "\\`*_[]{}|#"
}
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITY)) + "]")


def esc(text: object) -> Markup:
    """Text shown exactly as written, in Markdown, in HTML and in a double-quoted attribute.

    ``Markup`` passes unchanged: it was built by the engine from escaped parts.
    """
    if isinstance(text, Markup):
        return text
    return Markup(_SPECIAL.sub(lambda m: _ENTITY[m[0]], str(text)))


_ATTR = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "{": "&#123;", "}": "&#125;"}
_ATTR_SPECIAL = re.compile('[&<>"{}]')


def attr(text: object) -> Markup:
    """A double-quoted attribute's value (a URL, a tooltip). Markdown leaves a tag's attributes alone, so only
    HTML's specials (and braces) are escaped: ``per_spike.svg`` stays as it is."""
    return Markup(_ATTR_SPECIAL.sub(lambda m: _ATTR[m[0]], str(text)))


def fill(template: str, **values: Any) -> Markup:
    """``template.format(**values)`` with the template's own text escaped, and each value escaped unless it
    is ``Markup`` (a link or a code span the engine built)."""
    out = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        out.append(esc(literal))
        if name is None:
            continue
        value = values[name]
        if not isinstance(value, Markup):
            value = format(repr(value) if conversion == "r" else value, spec or "")
        out.append(esc(value))
    return Markup("".join(out))


def join(parts: Iterable[object], sep: str = "") -> Markup:
    return Markup(esc(sep).join(esc(p) for p in parts))


def code(text: object) -> Markup:
    """Inline code (a commit, a key, a profile), as Markdown's backticks would make it."""
    return Markup(f"<code>{esc(text)}</code>")


_PATH = re.compile(r"[A-Za-z0-9._/#-]+")


def link(text: object, url: str) -> Markup:
    """A link. A path inside the site stays a Markdown link, which mkdocs checks and rewrites (``x.md`` to
    ``x/``); any other URL (a citation's) becomes an ``<a>`` with the URL as an escaped attribute."""
    if _PATH.fullmatch(url):
        return Markup(f"[{esc(text)}]({url})")
    return Markup(f'<a href="{attr(url)}">{esc(text)}</a>')


def md_table(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Markup:
    """A Markdown table from cells: ``Markup`` cells as they are, anything else escaped."""
    head = [esc(h) for h in header]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return Markup("\n".join(lines))
