"""What a page template may call, for one page in one language: :class:`PageContext`.

A claim page writes its prose and calls ``{{ value("x") }}``, ``{{ figure("y") }}``… where the numbers go; the
home page and the index call ``{{ scorecard() }}``, ``{{ claims_table() }}``… Every function returns escaped
text (:mod:`kanguri.markup`), so a claim's strings reach the page exactly as written.

A claim that failed (its module raised at import, its experiment raised, it timed out) is a record with
``status: failed``. Every function here takes that in its stride: the claim shows as failed, with its error,
on its own page, in its tile and in its index row, and every other page renders as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import latex2mathml.converter
from markupsafe import Markup

from kanguri import registry, verdict_parts
from kanguri.fragments import (
    accelerator,
    badge,
    cell,
    fmt_value,
    inline_svg,
    origin,
    prose,
    raised,
    record_verdict,
    relative,
    short_error,
    unit_text,
)
from kanguri.markup import attr, code, esc, join, link, md_table
from kanguri.numbers import fmt_cited, fmt_exact, fmt_number
from kanguri.phrases import VERDICTS, counted, kind_label, phrase, verdict_label, words
from kanguri.report import Report
from kanguri.rule import typeset

if TYPE_CHECKING:
    from kanguri.claim import Claim

# the claims index sorts on these columns only; a verdict's icon on the home page's tiles
SORT_KEYS = ("verdict", "section", "claim")
VERDICT_ICONS = {
    "supported": "✓",
    "partly": "◐",
    "not-supported": "✗",
    "not-testable": "?",
    "failed": "!",
    "planned": "…",
}


def _load(claim_id: str) -> Claim | None:
    """The claim's definition, or None when its module does not import (its record then says why)."""
    try:
        return registry.load(claim_id)
    except Exception:
        return None


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


@dataclass
class PageContext:
    """Everything a page template may call, for one language."""

    lang: str
    records: dict[str, dict]  # claim id -> record (site profile)
    page_dir: str  # the page's output folder, to make figure links relative
    claim_id: str | None = None
    figure_url: Callable[[str, str], str] = field(default=lambda cid, f: f)

    # --- lookups, never raising for a failed claim -------------------------------------------
    def _id(self) -> str:
        if self.claim_id is None:
            raise ValueError("this page is not a claim page; pass a claim id")
        return self.claim_id

    def _record(self, claim_id: str | None = None) -> dict:
        cid = claim_id or self._id()
        return self.records.get(cid) or {"status": "failed", "error": "no record"}

    def _ok(self, claim_id: str | None = None) -> bool:
        return self._record(claim_id).get("status") == "ok"

    def _report(self, claim_id: str | None = None) -> Report | None:
        r = self._record(claim_id)
        return Report.model_validate(r["report"]) if r.get("status") == "ok" else None

    def _claim(self, claim_id: str | None = None) -> Claim | None:
        return _load(claim_id or self._id())

    def _verdict_of(self, e: registry.Entry) -> str:
        if not e.implemented:
            return "planned"
        record = self.records.get(e.id)
        return record_verdict(record or {"status": "failed"})

    def failed(self) -> bool:
        """Whether this claim page's record failed (the page then shows the skeleton only, as failed)."""
        return not self._ok() or self._claim() is None

    # --- claim pages -------------------------------------------------------------------------
    def t(self, key: str) -> Markup:
        """A fixed phrase of the site in the page's language (``kanguri/locales/site.<lang>.yml``)."""
        return phrase(key, self.lang)

    def title(self) -> Markup:
        return esc(registry.entry(self._id()).title(self.lang))

    def statement(self) -> Markup:
        claim = self._claim()
        text = claim.statement if claim is not None else registry.entry(self._id()).summary
        return esc(text(self.lang))

    def essay_place(self) -> Markup:
        """Where in the essay the claim comes from, its point in our words, our reading and what we added."""
        claim = self._claim()
        text = claim.statement if claim is not None else registry.entry(self._id()).summary
        return verdict_parts.essay_place(self._id(), text(self.lang), self.lang)

    def robustness(self) -> Markup:
        """The verdict across the settings a reviewer would accept: label, sentence, reasons and table."""
        return verdict_parts.robustness(self._id(), self._record(), self.lang)

    def alternative(self) -> Markup:
        """The strongest alternative we tried (the claim's ``alternative`` message), if it names one."""
        cat = verdict_parts.claim_words(self._id())
        if cat is None or not cat.has("alternative"):
            return Markup()
        return prose(
            typeset(cat("alternative")(self.lang))
        )  # 1e-10 → 1 × 10⁻¹⁰, 3^l → 3ˡ, as in check sentences

    def question(self) -> Markup:
        claim = self._claim()
        return esc(claim.question(self.lang)) if claim is not None else Markup()

    def param(self, name: str, of: str | None = None, percent: bool = False) -> Markup:
        """A parameter of the profile that produced the page's record: ``param("qubits", of="max")``, or
        ``param("flip", percent=True)`` for a share."""
        if not self._ok():
            return esc("—")
        params = self._record().get("params") or {}
        if name not in params:
            raise KeyError(f"claim {self.claim_id}: the experiment's config has no parameter {name!r}")
        v = params[name]
        if isinstance(v, list):
            picked = {"max": max, "min": min, "count": len, None: None}[of]
            if picked is None:
                return esc(", ".join(fmt_exact(x, self.lang) for x in v))
            v = picked(v)
        if isinstance(v, bool | str):
            return esc(v)
        return esc(f"{fmt_exact(100 * v, self.lang)}%" if percent else fmt_exact(v, self.lang))

    def threshold(
        self, name: str, percent: bool = False, grouping: bool = True, fall_over: float | None = None
    ) -> Markup:
        """A constant of the claim's verdict rule, e.g. ``threshold("timing", percent=True)``;
        ``grouping=False`` for a year. ``fall_over=2`` reads a log-log slope s as the whole-percent fall it means
        over a factor of 2 (1 − 2ˢ): ``threshold("trend", fall_over=2)`` → 10%."""
        claim = self._claim()
        if claim is None:
            return esc("—")
        found = claim.thresholds
        if name not in found:
            raise KeyError(f"claim {self.claim_id}: no threshold {name!r}; it has {sorted(found)}")
        x = found[name]
        if fall_over is not None:
            return esc(f"{fmt_exact(round(100 * (1 - fall_over**x)), self.lang)}%")
        return esc(f"{fmt_exact(100 * x, self.lang)}%" if percent else fmt_exact(x, self.lang, grouping))

    def knob(self, name: str, of: str = "max") -> Markup:
        """One end of a robustness knob's values, from the claim's map (at every profile, including the quick
        one, which runs no map): ``knob("stimulus_ms", of="max")``."""
        claim = self._claim()
        if claim is None:
            return esc("—")
        knobs = claim.robustness.knobs if claim.robustness is not None else {}
        if name not in knobs:
            raise KeyError(f"claim {self.claim_id}: the robustness map has no knob {name!r}")
        return esc(fmt_exact({"max": max, "min": min}[of](knobs[name]), self.lang))

    def _unverified(self, verified: bool) -> str:
        return "" if verified else f" ⚠ {words('unverified', self.lang)}"

    def _checked(self, date: str, verified: bool) -> Markup:
        """The date a citation was checked; for an unverified one, the date it was tried, said so."""
        return esc(date) if verified else phrase("attempted", self.lang, date=date)

    def sources(self) -> Markup:
        """The cited inputs of a sourced claim: value or range as printed, source, locator, quote, date."""
        claim, lang = self._claim(), self.lang
        if claim is None or claim.sources is None:
            return Markup()
        rows = []
        for v in claim.sources.values.values():
            c = v.citation
            printed = (
                fmt_cited(v.value, lang)
                if v.value is not None
                else f"{fmt_cited(v.low, lang)} – {fmt_cited(v.high, lang)}"
            )
            unit = unit_text(v.unit(lang)) if v.unit else ""
            number = Markup(f'<span class="kg-num">{esc(printed + unit)}</span>')
            rows.append(
                [
                    v.label(lang),
                    join([number, self._unverified(c.verified)]),
                    link(c.source, c.url),
                    c.locator,
                    f"“{c.quote}”",
                    self._checked(c.checked.isoformat(), c.verified),
                ]
            )
        keys = ("value", "range", "source", "locator", "quote", "checked")
        return md_table([words(f"column.{k}", lang) for k in keys], rows)

    def evidence(self) -> Markup:
        """An opinion's cited facts, for and against."""
        claim, lang = self._claim(), self.lang
        if claim is None or claim.sources is None:
            return Markup()
        rows = [
            [
                words(f"side.{e.side}", lang),
                join([prose(e.fact(lang)), self._unverified(e.citation.verified)]),
                join([link(e.citation.source, e.citation.url), ", ", e.citation.locator]),
                f"“{e.citation.quote}”",
                self._checked(e.citation.checked.isoformat(), e.citation.verified),
            ]
            for e in sorted(claim.sources.evidence, key=lambda e: e.side != "for")
        ]
        keys = ("side", "fact", "source", "quote", "checked")
        return md_table([words(f"column.{k}", lang) for k in keys], rows)

    def verdict(self) -> Markup:
        r, lang = self._record(), self.lang
        if r.get("status") != "ok":
            title = words("verdict.failed", lang)
            error = esc(r.get("error") or "no record")
            return Markup(
                f'!!! failure "{esc(title)}"\n    {phrase("decision.failed", lang)}\n\n    <code>{error}</code>\n'
            )
        d, c = r["decision"], r["control"]
        names = verdict_parts.cited_labels(self._id(), lang)
        reasons = verdict_parts.check_lines(d, lang, labels=names)
        kind = {"supported": "success", "partly": "warning", "not-testable": "info"}.get(
            d["verdict"], "danger"
        )
        # no title: the section's heading says 判定 / Verdict and the badge names the verdict, once
        text = (
            f'!!! {kind} ""\n'
            f"    {badge(d['verdict'], lang)} {verdict_parts.label_chip(r, lang)}\n\n"
            f"    **{phrase('decision.rule', lang)}**\n\n{reasons}\n"
        )
        if d.get("extension_verdict"):
            ours = verdict_parts.extension_badge(d, lang)
            text += f"\n    **{phrase('decision.extension', lang)}**{phrase('colon', lang)}{ours}\n"
        if r.get("finished"):
            updated = phrase("updated", lang, date=r["finished"][:10])
            text += f"\n    {updated} {link(words('changelog.link', lang), '../changelog.md')}\n"
        if gpu := verdict_parts.on_gpu(self._id(), d["verdict"], lang):
            text += f"\n    **{phrase('gpu.heading', lang)}**{phrase('colon', lang)}{gpu}\n"
        if c is not None:  # opinions have no control
            ctl = phrase(
                "decision.control_ok" if c["verdict"] == "not-supported" else "decision.control_bad", lang
            )
            ctl_reasons = verdict_parts.check_lines(c, lang, labels=names)
            text += (
                f"\n    **{link(words('decision.control', lang), '../glossary.md')}**{phrase('colon', lang)}{ctl}\n\n"
                f"{ctl_reasons}\n"
            )
        return Markup(text)

    def power(self, base: str, name: str) -> Markup:
        """``base`` raised to the value ``name``, a superscript kept on one line with its base:
        ``Var ∝ {{ power("n", "power_local") }}``, never ``n^…``."""
        return raised(base, self.value(name))

    def sup(self, base: str, exponent: str) -> Markup:
        """A power written in the page, never ``2^(−κn)``: ``{{ sup("2", "−κn") }}``, one unbreakable 2<sup>−κn</sup>."""
        return raised(base, esc(exponent))

    def value(self, name: str, claim_id: str | None = None) -> Markup:
        rep = self._report(claim_id)
        if rep is None:
            return esc("—")
        if name not in rep.values:
            raise KeyError(f"claim {claim_id or self.claim_id}: no value named {name!r}")
        return fmt_value(rep.values[name], self.lang)

    def result(self, path: str) -> Any:
        """A raw field of the experiment's result, by dotted path: ``{% if result("fit.converged") %}``."""
        node: Any = self._record().get("result") or {}
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"claim {self.claim_id}: the result has no field {path!r}")
            node = node[part]
        return node

    def covers(self, name: str, x: float) -> bool:
        """Whether the value's 95% interval contains ``x``: lets a page's words follow its numbers."""
        rep = self._report()
        if rep is None:
            return False
        v = rep.values[name]
        lo, hi = (v.value, v.value) if v.lo is None or v.hi is None else (v.lo, v.hi)
        return lo <= x <= hi

    def table(self, name: str) -> Markup:
        rep = self._report()
        if rep is None:
            return Markup()
        t = rep.tables[name]
        rows = [[cell(x, self.lang) for x in row] for row in t.rows]
        head = [c(self.lang) for c in t.columns]
        # the caption as a figure's: below, small, with its data as a file (written by kanguri.assets)
        csv = relative(f"assets/downloads/{self._id()}/{name}.{self.lang}.csv", self.page_dir)
        caption = (
            f'<p class="kg-caption">{prose(t.caption(self.lang))} '
            f'<a class="kg-download" href="{attr(csv)}" download>CSV</a></p>'
        )
        return Markup(f"{md_table(head, rows)}\n\n{caption}\n")

    def figure(self, name: str) -> Markup:
        """The figure inlined as SVG, so its text and axes take the page's colours (light and dark), with a
        <title> and <desc> in the page's language, and a link to the SVG file."""
        r, rep = self._record(), self._report()
        if rep is None:
            return Markup()
        fig = rep.figures[name]
        file = r["figures"][name][self.lang]
        src = self.figure_url(self._id(), file)
        svg = inline_svg(
            (Path(r["dir"]) / file).read_text(encoding="utf-8"),
            prefix=f"{self._id()}-{name}-",
            title=fig.title(self.lang),
            desc=fig.caption(self.lang),
        )
        return Markup(
            f'<figure class="kg-figure" markdown="0">{svg}<figcaption>{prose(fig.caption(self.lang))} '
            f'<a class="kg-download" href="{attr(src)}" download>SVG</a></figcaption></figure>'
        )

    def anchors(self) -> Markup:
        claim, lang = self._claim(), self.lang
        if claim is None:
            return Markup()
        rows = []
        for a in claim.anchors:
            ours = self.value(a.ours) if a.ours else "—"
            if a.verified:
                where = join([a.locator or "", ": “", a.quote or "", f"” ({a.checked})"])
            else:
                where = esc(f"⚠ {words('unverified_anchor', lang)}")
            rows.append([link(a.cite, a.url), prose(a.theirs(lang)), where, ours])
        keys = ("source", "theirs", "as_printed", "ours")
        return md_table([words(f"column.{k}", lang) for k in keys], rows)

    def downloads(self) -> Markup:
        """The walkthrough notebook of this claim, and its files, served by the site itself."""
        cid, lang = self._id(), self.lang
        rep = self._report()
        if rep is None:
            return Markup()
        base = f"assets/downloads/{cid}/"
        files = [
            (f"{cid}.{lang}.ipynb", words("download.notebook", lang)),
            (f"{cid}.{lang}.py", words("download.script", lang)),
            ("record.json", words("download.record", lang)),
        ]
        links = " · ".join(
            f'<a href="{attr(relative(base + f, self.page_dir))}" download>{esc(label)}</a>'
            for f, label in files
        )
        # each table's CSV is linked under the table, by its caption: no table's internal name as link text
        if rep.tables:
            links += f"\n\n{phrase('download.tables', lang)}"
        # the walkthrough sits in the page's own language tree (``en/notebooks/…`` for English), the files at the root
        notebook = link(words("download.notebook_link", lang), relative(f"notebooks/{cid}/", f"claims/{cid}"))
        return Markup(f"{phrase('downloads', lang, notebook=notebook)}\n\n{links}\n")

    def _commits(self, r: dict) -> Markup:
        """The commit a record was computed at, and the clean commit it was frozen at when that differs (its key
        says the code was the same)."""
        computed = code((r.get("provenance") or {}).get("commit", "—"))
        frozen_at = r.get("frozen_commit")
        if not frozen_at or frozen_at == (r.get("provenance") or {}).get("commit"):
            return computed
        return phrase("frozen_at", self.lang, computed=computed, frozen=code(frozen_at))

    def cite(self) -> Markup:
        """How to cite this page: BibTeX naming the claim, its verdict and the date of its record
        (``CITATION.cff`` at the repository's root cites the project as a whole)."""
        cid, lang, r = self._id(), self.lang, self._record()
        title = registry.entry(cid).title(lang)
        verdict = verdict_label(record_verdict(r))(lang)
        date = (r.get("finished") or "")[:10] or "n.d."
        prefix = "en/" if lang == "en" else ""
        bib = (
            f"@misc{{kanguri-{cid}-{lang},\n  title = {{Kanguri: {title}}},\n"
            f"  author = {{Kanguri Contributors}},\n  year = {{{date[:4]}}},\n"
            f"  howpublished = {{\\url{{https://kanguri.example.org/{prefix}claims/{cid}/}}}},\n"
            f"  note = {{{words('column.verdict', lang)}: {verdict}; {date}}}\n}}"
        )
        # an HTML block, which Markdown leaves alone: its text escaped for HTML, braces included
        block = f'<pre class="kg-cite"><code>{attr(bib)}</code></pre>'
        return Markup(f"**{esc(words('cite', lang))}**\n\n{block}\n")

    def provenance(self) -> Markup:
        r, lang = self._record(), self.lang
        p = r.get("provenance", {})
        seconds = words("seconds", lang)
        finished = (r.get("finished") or "—").replace("T", " ").replace("+00:00", " UTC")
        machine = f"{p.get('cpu', '—')} × {p.get('cores', '?')}, Python {p.get('python', '?')}"
        rows = [
            ("profile", code(r.get("profile", "—"))),
            ("wall", f"{fmt_number(r.get('wall_seconds'), lang)} {seconds}"),
            ("memory", f"{fmt_number(r.get('peak_memory_mb'), lang)} MB"),
            ("origin", origin(r, lang)),
            ("finished", finished),
            ("commit", self._commits(r)),
            ("key", code(r.get("key", "—"))),
            ("machine", machine),
            ("gpu", accelerator(r.get("accelerator"), lang)),
        ]
        head = [words("column.item", lang), words("column.value", lang)]
        return md_table(head, [[words(f"column.{k}", lang), v] for k, v in rows])

    # --- index pages -------------------------------------------------------------------------
    def _headline(self, e: registry.Entry) -> Markup | None:
        """``label: value`` of a claim's headline number; None for an opinion, a failure or a planned claim."""
        record = self.records.get(e.id) if e.implemented else None
        claim = _load(e.id) if e.implemented else None
        if not record or record.get("status") != "ok" or claim is None or claim.headline is None:
            return None
        label = Report.model_validate(record["report"]).values[claim.headline].label(self.lang)
        return join([label, words("colon", self.lang), self.value(claim.headline, e.id)])

    def _failure(self, e: registry.Entry) -> Markup:
        """A failed claim's error, short, where its headline number would be."""
        return code(short_error(self.records.get(e.id)))

    def claims_table(self) -> Markup:
        """Every claim in one table, as HTML, under a bar of labelled filters (section, verdict) and a sort
        choice (verdict, section or title: a headline number mixes unrelated quantities, so it is not a sort
        key), and a live line saying how many rows a filter leaves. Each row carries its section and verdict
        (the page's script filters on them, and sorts them in the order of the bar's options: the catalogue's
        sections, the verdicts from supported down); each cell its column's name (a phone shows the rows as
        cards, without the column heads, so the sort choice is in the bar too)."""
        lang, rows = self.lang, []
        sections, entries = registry.catalogue()
        keys = ("claim", "section", "kind", "verdict", "headline", "runtime", "finished")
        head = [words(f"column.{k}", lang) for k in keys]
        for e in entries:
            r = self.records.get(e.id) if e.implemented else None
            verdict = self._verdict_of(e)
            title = esc(e.title(lang))
            name = Markup(f'<a href="{attr(e.id)}/">{title}</a>') if e.implemented else title
            headline: Markup | str = self._headline(e) or "—"
            if verdict == "failed":
                headline = self._failure(e)
            runtime = finished = "—"
            if r and r.get("wall_seconds") is not None:
                runtime = f"{fmt_number(r['wall_seconds'], lang)} {words('seconds', lang)}"
            if r and r.get("finished"):
                finished = r["finished"][:10]
            chip = verdict_parts.label_chip(r or {}, lang)
            cells = [
                name,
                sections[e.section](lang),
                kind_label(e.kind)(lang),
                join([badge(verdict, lang), " ", chip]),
            ]
            cells += [headline, runtime, finished]
            tds = "".join(
                f'<td data-label="{attr(h)}">{esc(c)}</td>' for h, c in zip(head, cells, strict=True)
            )
            rows.append(f'<tr data-section="{attr(e.section)}" data-verdict="{attr(verdict)}">{tds}</tr>')
        ths = "".join(
            f'<th><button type="button" data-sort="{k}">{esc(h)}</button></th>'
            if k in SORT_KEYS
            else f"<th>{esc(h)}</th>"
            for k, h in zip(keys, head, strict=True)
        )
        verdicts = [v for v in VERDICTS if any(self._verdict_of(e) == v for e in entries)]
        total = str(len(entries))
        return Markup(
            f'<div class="kg-claims" markdown="0" data-shown="{attr(words("index.shown", lang))}">'
            f"{self._claims_bar(verdicts)}"
            f'<p class="kg-claims-count" role="status" aria-live="polite">'
            f"{phrase('index.shown', lang, shown=total, total=total)}</p>"
            f"<table><thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _claims_bar(self, verdicts: list[str]) -> Markup:
        """The index's filters and sort choice, each a <select> under its visible label (hidden until the
        page's script, which makes them work, shows the bar)."""
        lang, sections = self.lang, registry.catalogue()[0]

        def select(key: str, label: str, options: list[tuple[str, str]]) -> str:
            opts = "".join(f'<option value="{attr(v)}">{esc(t)}</option>' for v, t in options)
            return f'<label>{esc(label)} <select data-key="{key}">{opts}</select></label>'

        everything = ("", words("index.all", lang))
        by_section = [everything] + [(sid, title(lang)) for sid, title in sections.items()]
        by_verdict = [everything] + [(v, verdict_label(v)(lang)) for v in verdicts]
        sort = [("", words("index.order", lang))] + [(k, words(f"column.{k}", lang)) for k in SORT_KEYS]
        return Markup(
            '<div class="kg-claims-bar" data-search-exclude hidden>'  # controls, not text for the search index
            + select("section", words("column.section", lang), by_section)
            + select("verdict", words("column.verdict", lang), by_verdict)
            + select("sort", words("index.sort", lang), sort)
            + "</div>"
        )

    def section_claims(self, section: str) -> Markup:
        lines = []
        for e in registry.catalogue()[1]:
            if e.section != section:
                continue
            title = (
                link(e.title(self.lang), f"claims/{e.id}.md") if e.implemented else esc(e.title(self.lang))
            )
            lines.append(f"- {badge(self._verdict_of(e), self.lang)} {title}")
        return Markup("\n".join(lines))

    def math(self, latex: str) -> Markup:
        """A formula as MathML, made at build time: browsers draw it natively, with no script and no CDN.
        ``{{ math("L = E + A/N^{α} + B/D^{β}") }}``"""
        return Markup(latex2mathml.converter.convert(latex))

    def claim_line(self, claim_id: str) -> Markup:
        """A claim where the home page's argument makes it: verdict badge, title, and its headline number
        with label and unit (opinions have none); a failed claim's error instead of its number."""
        e = registry.entry(claim_id)
        title = (
            link(e.title(self.lang), f"claims/{claim_id}.md") if e.implemented else esc(e.title(self.lang))
        )
        verdict = self._verdict_of(e)
        out = f"{badge(verdict, self.lang)} **{title}**"
        extra = self._failure(e) if verdict == "failed" else self._headline(e)
        if extra is not None:
            out += f" — {extra}"
        return Markup(out)

    def verdict_tally(self) -> Markup:
        """How many claims got each verdict, in one sentence."""
        entries = registry.catalogue()[1]
        verdicts = [self._verdict_of(e) for e in entries]
        always = ("supported", "partly", "not-supported", "not-testable")
        parts = [
            f"{badge(v, self.lang)} {verdicts.count(v)}" for v in VERDICTS if v in always or verdicts.count(v)
        ]
        return Markup(f"{phrase('tally', self.lang, n=len(entries))} {' '.join(parts)}")

    def scorecard(self) -> Markup:
        """Every claim as one tile coloured by its verdict and naming it (word and icon), grouped by section:
        the result at a glance; a failed claim's tile carries its error in its tooltip."""
        sections, entries = registry.catalogue()
        out = ['<div class="kg-scorecard">']
        for sid, section_title in sections.items():
            out.append(f'<div class="kg-scorecard-section"><p>{esc(section_title(self.lang))}</p><ul>')
            for e in (x for x in entries if x.section == sid):
                v = self._verdict_of(e)
                label = f"{e.title(self.lang)}: {verdict_label(v)(self.lang)}"
                if v == "failed":
                    label += f" — {short_error(self.records.get(e.id))}"
                # the verdict in words and an icon, not by colour alone (green and orange merge for many)
                out.append(
                    f'<li class="kg-tile kg-{attr(v)}" title="{attr(label)}"><a href="claims/{attr(e.id)}/">'
                    f'<span class="kg-tile-title">{esc(e.title(self.lang))}</span> '
                    f'<span class="kg-tile-verdict"><span aria-hidden="true">{VERDICT_ICONS[v]}</span> '
                    f"{esc(verdict_label(v)(self.lang))}</span>{self._tile_label(e)}</a></li>"
                )
            out.append("</ul></div>")
        out.append("</div>")
        return Markup("".join(out))

    def _tile_label(self, e: registry.Entry) -> Markup:
        record = self.records.get(e.id) if e.implemented else None
        chip = verdict_parts.label_chip(record or {}, self.lang)
        return Markup(f' <span class="kg-tile-label">{chip}</span>') if chip else Markup()

    def synthesis(self) -> Markup:
        """What the verdicts say taken together, part by part: counts of each verdict and how many are robust,
        generated from the records, then the fixed caution that no verdict here tests the essay's forecast."""
        lang, (sections, entries) = self.lang, registry.catalogue()
        lines: list[str] = []
        for sid, title in sections.items():
            mine = [e for e in entries if e.section == sid]
            verdicts = [self._verdict_of(e) for e in mine]
            counts = words("list_sep", lang).join(
                phrase("synthesis.count", lang, n=verdicts.count(v), verdict=verdict_label(v)(lang))
                for v in VERDICTS
                if verdicts.count(v)
            )
            records = [self.records.get(e.id) or {} for e in mine]
            robust = sum(
                1 for r in records if r.get("robustness") and verdict_parts.effective_label(r) == "robust"
            )
            mapped = sum(1 for r in records if r.get("robustness"))
            lines.append(
                "- "
                + phrase(
                    "synthesis.part",
                    lang,
                    part=Markup(f"**{esc(title(lang))}**"),
                    claims=counted(len(mine), "count.claim", "count.claims", lang),
                    counts=counts,
                    robust=robust,
                    mapped=mapped,
                )
            )
        lines.append("")
        lines.append(str(phrase("synthesis.caution", lang)))
        return Markup("\n".join(lines))

    def section_title(self, section: str) -> Markup:
        return esc(registry.catalogue()[0][section](self.lang))

    def reproducibility_table(self) -> Markup:
        lang, rows = self.lang, []
        seconds = words("seconds", lang)
        for cid, r in self.records.items():
            rows.append(
                [
                    link(registry.entry(cid).title(lang), f"claims/{cid}.md"),
                    code(r.get("profile")),
                    badge(record_verdict(r), lang),
                    f"{fmt_number(r.get('wall_seconds'), lang)} {seconds}",
                    f"{fmt_number(r.get('peak_memory_mb'), lang)} MB",
                    self._commits(r),
                    code(r.get("key", "—")),
                ]
            )
        keys = ("claim", "profile", "status", "wall", "memory", "commit", "key")
        return md_table([words(f"column.{k}", lang) for k in keys], rows)

    def gpu_environment(self) -> Markup:
        """The GPU run's records (``results/full/``): the device each claim ran on, its verdict beside the site
        profile's, and when; a sentence when there are none yet."""
        from kanguri import cache

        lang, rows = self.lang, []
        for cid in registry.implemented():
            full = cache.load_frozen(cid, "full")
            if not full or full.get("status") != "ok":
                continue
            site = record_verdict(self.records.get(cid))
            rows.append([registry.entry(cid).title(lang), full.get("accelerator") or "—",
                         badge(site, lang), badge(full["decision"]["verdict"], lang), (full.get("finished") or "")[:10]])  # fmt: skip
        if not rows:
            return phrase(
                "gpu.none", lang, results=code("results/full/"), script=code("benchmarks/gpu_full.py")
            )
        keys = ("claim", "gpu", "site", "full", "finished")
        return md_table([words(f"gpu.column.{k}", lang) for k in keys], rows)

    def verdict_changelog(self) -> Markup:
        """Every verdict change of the frozen site records, newest first: date, claim, before → after, commit
        and its subject (the reason, as the commit states it)."""
        from kanguri import changelog

        lang, changes = self.lang, changelog.all_changes()
        if changes is None:
            return phrase("changelog.unavailable", lang)
        rows = []
        for c in changes:
            e = registry.entry(c.claim)
            before = badge(c.before, lang) if c.before else words("changelog.first", lang)
            rows.append([c.date, link(e.title(lang), f"claims/{c.claim}.md"), before, badge(c.after, lang),
                         code(c.commit), c.subject])  # fmt: skip
        keys = ("date", "claim", "before", "after", "commit", "reason")
        return md_table([words(f"changelog.{k}", lang) for k in keys], rows)

    def versions_table(self) -> Markup:
        from kanguri import provenance

        snap = provenance.snapshot()
        rows: list[list[object]] = [[code(k), v] for k, v in snap["packages"].items()]
        rows += [
            ["Python", snap["python"]],
            [words("column.machine", self.lang), f"{snap['cpu']} × {snap['cores']}"],
            [words("column.commit", self.lang), code(snap["commit"])],
        ]
        return md_table([words("column.package", self.lang), words("column.version", self.lang)], rows)


CLAIM_PAGE = re.compile(r"^claims/(?P<id>[a-z0-9-]+)\.[A-Za-z]+\.md$")


def page_context(src_uri: str, lang: str, records: dict[str, dict], page_dir: str) -> PageContext:
    """The context of one source page (``claims/<id>.en.md``, ``index.ja.md``…) rendered into ``page_dir``;
    figures are linked from there to ``assets/figures/<claim>/``. The mkdocs plugin and ``kanguri render``
    both render through here."""
    m = CLAIM_PAGE.match(src_uri)
    return PageContext(
        lang=lang,
        records=records,
        page_dir=page_dir,
        claim_id=m["id"] if m and m["id"] != "index" else None,
        figure_url=lambda cid, name: relative(f"assets/figures/{cid}/{name}", page_dir),
    )
