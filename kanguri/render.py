"""Turns records into Markdown, in one language at a time.

Pages are Jinja templates: a claim page writes its prose and calls ``{{ verdict() }}``, ``{{ value("x") }}``,
``{{ figure("y") }}``… where the numbers go. Nothing on a page is typed by hand that the experiment computes.

The parts live in their own modules: numbers in :mod:`kanguri.numbers`; the functions a page may call in
:mod:`kanguri.page`, and the pieces they are made of in :mod:`kanguri.fragments`; the site's words in
``kanguri/locales/`` (:mod:`kanguri.phrases`); the escaping policy in :mod:`kanguri.markup`; the claim page's
skeleton in ``kanguri/templates/claim.md.j2``; file copying in :mod:`kanguri.assets`. This module renders a page; the mkdocs plugin and ``kanguri render`` both call
:func:`page_context` and :func:`render_page`.

Page templates run in a sandboxed Jinja environment with autoescaping: a page calls the context's functions
and reads plain values; it cannot reach Python's internals, and whatever it prints that is not already
escaped Markup is escaped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from kanguri import registry
from kanguri.assets import copy_figures, write_downloads
from kanguri.fragments import badge, cell, fmt_value, inline_svg, record_verdict, relative
from kanguri.markup import esc
from kanguri.numbers import fmt_exact, fmt_number, minus
from kanguri.page import PageContext, page_context
from kanguri.paths import PACKAGE_DIR
from kanguri.phrases import KINDS, VERDICTS, kind_label, verdict_label

__all__ = [  # what other modules import from here (the CLI, the notebooks, the plugin, the tests)
    "BLOCKS",
    "KIND_LABEL",
    "VERDICT_LABEL",
    "PageContext",
    "badge",
    "cell",
    "copy_figures",
    "fmt_exact",
    "fmt_number",
    "fmt_value",
    "inline_svg",
    "join_cjk_lines",
    "minus",
    "page_context",
    "record_verdict",
    "relative",
    "render_failed_page",
    "render_or_fail",
    "render_page",
    "write_downloads",
]

VERDICT_LABEL = {v: verdict_label(v) for v in VERDICTS}
KIND_LABEL = {k: kind_label(k) for k in KINDS}

TEMPLATES = PACKAGE_DIR / "templates"
SKELETON = "claim.md.j2"
BLOCKS = ("method", "result", "caveats")
_BLOCK = re.compile(r"{%-?\s*block\s+(\w+)\s*-?%}.*?{%-?\s*endblock(?:\s+\w+)?\s*-?%}", re.S)


def _finalize(value: Any) -> Any:
    """What a template prints: the engine's Markup as it is, anything else escaped for Markdown and HTML."""
    return value if isinstance(value, Markup) else esc("" if value is None else value)


ENV = ImmutableSandboxedEnvironment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    undefined=jinja2.StrictUndefined,
    autoescape=True,
    finalize=_finalize,
    keep_trailing_newline=True,
)


def claim_page_template(markdown: str, where: str) -> str:
    """A claim page fills the skeleton's blocks only; text outside them would be lost, so it is an error."""
    names = [m.group(1) for m in _BLOCK.finditer(markdown)]
    unknown = sorted(set(names) - set(BLOCKS))
    if unknown:
        raise ValueError(f"{where}: unknown block(s) {unknown}; a claim page fills {list(BLOCKS)}")
    outside = _BLOCK.sub("", markdown).strip()
    if outside:
        raise ValueError(
            f"{where}: text outside the blocks {list(BLOCKS)} would be lost: {outside[:60]!r}… "
            "(the title, statement, question, verdict, anchors and provenance come from the skeleton)"
        )
    return f'{{% extends "{SKELETON}" %}}' + markdown


_CJK = "[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]"
_ENDS_CJK = re.compile(_CJK + "$")
_STARTS_CJK = re.compile(r"\s*" + _CJK)
_BLOCK_START = re.compile(r"\s*([-*+] |\d+\. |#|\||!!!|```|<)")


def join_cjk_lines(markdown: str) -> str:
    """Join a wrapped line to the previous one without a space when both sides are Japanese.

    A newline inside a paragraph becomes a space in HTML, which Japanese text does not have. Lists, headings,
    tables, admonitions and code blocks keep their line structure.
    """
    out: list[str] = []
    fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif (
            not fenced
            and out
            and _ENDS_CJK.search(out[-1])
            and _STARTS_CJK.match(line)
            and not _BLOCK_START.match(line)
        ):
            out[-1] += line.lstrip()
            continue
        out.append(line)
    return "\n".join(out)


def _names(ctx: PageContext) -> dict[str, Any]:
    """Every public method of the context is a template function, beside ``lang``, ``claim_id`` and ``kind``."""
    names: dict[str, Any] = {
        n: getattr(ctx, n) for n in dir(ctx) if not n.startswith("_") and callable(getattr(ctx, n))
    }
    names |= {"lang": ctx.lang, "claim_id": ctx.claim_id}
    if ctx.claim_id is not None:
        names["kind"] = registry.entry(ctx.claim_id).kind
        claim = ctx._claim()
        names["cited"] = claim is not None and claim.sources is not None and claim.kind != "opinion"
    return names


def _finish(text: str, ctx: PageContext) -> str:
    return join_cjk_lines(text) if ctx.lang == "ja" else text


def render_page(markdown: str, ctx: PageContext, where: str = "page") -> str:
    """Render a page template.

    A claim page (``ctx.claim_id`` set) fills the claim skeleton's blocks; other pages are plain templates. A
    claim whose record failed shows the skeleton alone: its title, statement and the failure with its error
    (the blocks' prose is about numbers it does not have). The page's template is checked all the same.
    """
    if ctx.claim_id is None:
        return _finish(ENV.from_string(markdown).render(**_names(ctx)), ctx)
    source = claim_page_template(markdown, where)
    if ctx.failed():
        source = f'{{% extends "{SKELETON}" %}}'
    return _finish(ENV.from_string(source).render(**_names(ctx)), ctx)


def render_failed_page(ctx: PageContext, error: str) -> str:
    """The page to publish when rendering ``ctx``'s page raised: a claim page shows its claim as failed with
    that error; any other page a notice. Never the raw template."""
    if ctx.claim_id is not None:
        record = {**ctx.records.get(ctx.claim_id, {}), "status": "failed", "error": error}
        failed = PageContext(
            ctx.lang, {**ctx.records, ctx.claim_id: record}, ctx.page_dir, ctx.claim_id, ctx.figure_url
        )
        return render_page("", failed)
    return f'!!! failure "Kanguri"\n    {esc(error)}\n'


def render_or_fail(markdown: str, ctx: PageContext, where: str) -> tuple[str, str | None]:
    """The page to publish and ``None``; or, when rendering raised, the page showing the failure and one line
    naming the claim, the page and the error. The mkdocs plugin and ``kanguri render`` both publish this way,
    so a broken page never stops the pages after it and never shows its raw template."""
    try:
        return render_page(markdown, ctx, where=where), None
    except Exception as e:
        error = f"{type(e).__name__}: {e}"
        what = f"claim {ctx.claim_id}: page" if ctx.claim_id else "page"
        try:
            page = render_failed_page(ctx, error)
        except Exception:  # the claim's own skeleton cannot render either: a plain notice
            page = render_failed_page(dataclasses.replace(ctx, claim_id=None), error)
        return page, f"{what} {where} could not be rendered: {error}"
