"""Wide tables read as cards on a phone: each cell carries its column's name.

A table of :data:`MIN_COLUMNS` or more columns needs sideways scrolling on a 390 px phone (an opinion's five
columns of evidence, a robustness map's six). The plugin's ``on_page_content`` runs :func:`card_labels` over
each page's HTML: such a table gets ``data-kg-cards`` and each body cell ``data-label="<its column head>"``.
Below 600 px the stylesheet (``docs/stylesheets/kanguri.css``) shows each row as a card and each cell after
its column's name (``td::before { content: attr(data-label) }``); on a wider screen nothing changes.

The attribute, not a class: Material styles and wraps only tables without a class (``table:not([class])``),
and a wide screen keeps that look. A table whose cells are labelled already (the claims index) or that holds
another table is left as it is.
"""

from __future__ import annotations

import html
import re

MIN_COLUMNS = 4
MARK = "data-kg-cards"

_TABLE = re.compile(r"<table(?P<attrs>\s[^>]*)?>(?P<body>.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th(?:\s[^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr(?:\s[^>]*)?>.*?</tr>", re.S)
_TD = re.compile(r"<td(?=[\s>])")
_TAG = re.compile(r"<[^>]+>")


def _text(cell_html: str) -> str:
    """A head cell's text, on one line, as an attribute's value (HTML's specials escaped again)."""
    text = " ".join(html.unescape(_TAG.sub("", cell_html)).split())
    return html.escape(text, quote=True)


def _label_row(row: str, labels: list[str]) -> str:
    cells = iter(labels)

    def label(m: re.Match[str]) -> str:
        name = next(cells, "")
        return f'<td data-label="{name}"' if name else m[0]

    return _TD.sub(label, row)


def _cards(m: re.Match[str], min_columns: int) -> str:
    attrs, body = m["attrs"] or "", m["body"]
    head = _HEAD.search(body)
    if head is None or "<table" in body or "data-label=" in body or MARK in attrs:
        return m[0]
    labels = [_text(h) for h in _TH.findall(head[1])]
    if len(labels) < min_columns:
        return m[0]
    rest = body[head.end() :]
    rest = _ROW.sub(lambda r: _label_row(r[0], labels), rest)
    return f"<table{attrs} {MARK}>{body[: head.end()]}{rest}</table>"


def card_labels(page_html: str, min_columns: int = MIN_COLUMNS) -> str:
    """``page_html`` with every table of ``min_columns`` or more columns marked for the phone's card layout,
    each body cell labelled with its column's head."""
    if "<table" not in page_html:
        return page_html
    return _TABLE.sub(lambda m: _cards(m, min_columns), page_html)
