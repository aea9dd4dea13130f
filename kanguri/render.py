"""Turns records into Markdown, in one language at a time.

Pages are Jinja templates: a claim page writes its prose and calls ``{{ verdict() }}``, ``{{ value("x") }}``,
``{{ figure("y") }}``… where the numbers go. Nothing on a page is typed by hand that the experiment computes.
"""

from __future__ import annotations

import csv
import datetime
import html
import math
import posixpath
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import latex2mathml.converter
from babel.numbers import format_decimal

from kanguri import registry
from kanguri.report import Report, Value
from kanguri.rule import typeset
from kanguri.text import L, Lang

VERDICT_LABEL = {
    "supported": L(ja="支持", en="Supported"),
    "partly": L(ja="一部支持", en="Partly supported"),
    "not-supported": L(ja="不支持", en="Not supported"),
    "not-testable": L(ja="検証不能", en="Not testable"),
    "failed": L(ja="実行失敗", en="Run failed"),
    "planned": L(ja="準備中", en="Planned"),
}
KIND_LABEL = {
    "experiment": L(ja="実験", en="experiment"),
    "sourced": L(ja="出典", en="sourced"),
    "opinion": L(ja="意見", en="opinion"),
}
T = {  # fixed phrases of the generated parts
    "rule": L(ja="判定の根拠", en="Why this verdict"),
    "control": L(ja="陰性対照", en="Negative control"),
    "control_ok": L(
        ja="同じ基準で棄却された（期待どおり）", en="rejected by the same criterion, as it must be"
    ),
    "control_bad": L(ja="棄却されなかった：基準が甘すぎる", en="NOT rejected: the criterion is too lax"),
    "failed": L(
        ja="この主張の実験は失敗しました。ほかのページは影響を受けません。",
        en="This claim's experiment failed. The rest of the site is unaffected.",
    ),
    "ci": L(ja="95% 信頼区間", en="95% CI"),
    "source": L(ja="出典", en="Source"),
    "theirs": L(ja="出典の値・主張", en="Their result"),
    "ours": L(ja="本サイトの値", en="Ours"),
    "profile": L(ja="プロファイル", en="Profile"),
    "wall": L(ja="実行時間", en="Wall time"),
    "memory": L(ja="最大メモリ", en="Peak memory"),
    "commit": L(ja="コミット", en="Commit"),
    "key": L(ja="キャッシュキー", en="Cache key"),
    "machine": L(ja="マシン", en="Machine"),
    "gpu": L(ja="GPU", en="GPU"),
    "claim": L(ja="主張", en="Claim"),
    "section": L(ja="章", en="Section"),
    "kind": L(ja="種類", en="Kind"),
    "verdict": L(ja="判定", en="Verdict"),
    "headline": L(ja="主要な数値", en="Headline number"),
    "runtime": L(ja="実行時間", en="Runtime"),
    "status": L(ja="状態", en="Status"),
    "package": L(ja="パッケージ", en="Package"),
    "version": L(ja="バージョン", en="Version"),
    "seconds": L(ja="秒", en="s"),
    "colon": L(ja="：", en=": "),
    "key_col": L(ja="項目", en="Item"),
    "value_name": L(ja="値", en="Value"),
    "range": L(ja="値・範囲（原典のまま）", en="Value or range (as printed)"),
    "locator": L(ja="箇所", en="Locator"),
    "quote": L(ja="引用", en="Quote"),
    "checked": L(ja="確認日", en="Checked"),
    "unverified": L(ja="未確認（判定を単独では決めない）", en="unverified (decides nothing on its own)"),
    "unverified_anchor": L(ja="原典で未確認", en="not yet checked against the source"),
    "as_printed": L(ja="原典の箇所と記載", en="Where, as printed"),
    "for": L(ja="支持する事実", en="For"),
    "against": L(ja="反する事実", en="Against"),
    "side": L(ja="立場", en="Side"),
    "fact": L(ja="事実", en="Fact"),
    # the claim-page skeleton
    "essay_claim": L(ja="エッセイの主張", en="The essay's claim"),
    "question": L(ja="問い", en="Question"),
    "inputs": L(ja="引用した数値", en="Cited inputs"),
    "evidence": L(ja="判断材料", en="Evidence for and against"),
    "method": L(ja="方法", en="Method"),
    "result": L(ja="結果", en="Result"),
    "literature": L(ja="先行研究との比較", en="Beside the literature"),
    "caveats": L(ja="注意点", en="Caveats"),
    "reproduce": L(ja="再現", en="Reproduce"),
    "none": L(ja="なし", en="none"),
    "origin": L(ja="数値の出どころ", en="Where the numbers came from"),
    "origin_built": L(ja="このビルドで計算", en="computed in this build"),
    "origin_cached": L(
        ja="このマシンの以前のビルドで計算", en="computed in an earlier build on this machine"
    ),
    "origin_frozen": L(
        ja="凍結した記録（コミット `{commit}`、{cpu} で計算）",
        en="a frozen record (commit `{commit}`, computed on {cpu})",
    ),
    "finished": L(ja="最終実行", en="Last run"),
    "tally": L(ja="{n} の主張の判定：", en="Verdicts on {n} claims:"),
    "permalink": L(ja="この節へのリンク", en="Permanent link"),
    "downloads": L(
        ja="手元で動かすには、[ノートブック]({notebook})（実行結果つき）を開くか、次のファイルをダウンロードしてください。",
        en="To run it yourself, open the [walkthrough notebook]({notebook}) (with its outputs), or download:",
    ),
}


# How an interval was obtained: experiments name it in English (they stay free of the engine); the page
# shows it in its own language. tests/test_render.py checks that every method a record uses is here.
METHOD = {
    "counted exactly": L(ja="正確に数えた値", en="counted exactly"),
    "FLOPs counted by torch": L(ja="torch が数えた FLOP", en="FLOPs counted by torch"),
    "t-interval": L(ja="t 区間", en="t-interval"),
    "t-interval over seeds": L(ja="シード間の t 区間", en="t-interval over seeds"),
    "t-interval over seeds (paired)": L(
        ja="シード間の t 区間（対応あり）", en="t-interval over seeds (paired)"
    ),
    "t-interval over seeds of per-seed slopes": L(
        ja="シードごとの傾きの t 区間", en="t-interval over seeds of per-seed slopes"
    ),
    "t-interval over disjoint groups of trials": L(
        ja="互いに素な試行グループ間の t 区間", en="t-interval over disjoint groups of trials"
    ),
    "t-interval over trial groups, widened to cover every leave-one-word-length-out extrapolation": L(
        ja="試行グループ間の t 区間を、語の長さを一つずつ外した外挿も含むよう広げたもの",
        en="t-interval over trial groups, widened to cover every leave-one-word-length-out extrapolation",
    ),
    "bootstrap over repeats": L(ja="反復のブートストラップ", en="bootstrap over repeats"),
    "bootstrap over samples": L(ja="標本のブートストラップ", en="bootstrap over samples"),
    "bootstrap over draws": L(ja="抽出した回路のブートストラップ", en="bootstrap over draws"),
    "bootstrap over (N, D) cells": L(ja="(N, D) のセルのブートストラップ", en="bootstrap over (N, D) cells"),
    "bootstrap over seeds": L(ja="シードのブートストラップ", en="bootstrap over seeds"),
    "Wilson score": L(ja="ウィルソンのスコア区間", en="Wilson score"),
    "maximum over draws": L(ja="全抽出での最大値", en="maximum over draws"),
    "minimum over draws": L(ja="全抽出での最小値", en="minimum over draws"),
    "t-interval over draws": L(ja="抽出間の t 区間", en="t-interval over draws"),
    "bootstrap over shots": L(ja="ショットのブートストラップ", en="bootstrap over shots"),
    "t-interval over rounds": L(ja="測定ラウンド間の t 区間", en="t-interval over rounds"),
    "Monte Carlo over the cited ranges": L(
        ja="引用した範囲でのモンテカルロ", en="Monte Carlo over the cited ranges"
    ),
}


def fmt_number(x: float | None, lang: Lang, digits: int = 3, grouping: bool = True) -> str:
    """Locale-aware number with ``digits`` significant digits; very large or small ones as a×10ⁿ.
    ``grouping=False`` drops the thousands separator (a year: 2027.7, not 2,027.7)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if isinstance(x, int) and not isinstance(x, bool):
        return format_decimal(x, format="#,##0", locale=lang)
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    if not -3 <= exp < 6:
        mant = format_decimal(x / 10**exp, format="0." + "0" * (digits - 1), locale=lang)
        return minus(f"{mant} × 10{str(exp).translate(SUPERSCRIPT)}")
    decimals = max(0, digits - 1 - exp)
    whole = "#,##0" if grouping else "0"
    return minus(format_decimal(x, format=whole + ("." + "0" * decimals if decimals else ""), locale=lang))


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def minus(text: str) -> str:
    """A true minus sign (U+2212) for negative numbers, as typesetting expects."""
    return re.sub(r"(?<![\w.])-(?=\d)", "\u2212", text)


def fmt_exact(x: float, lang: Lang, grouping: bool = True) -> str:
    """A constant as written in the code (0.5, 0.05, 1 × 10⁻⁶), not rounded to significant digits;
    ``grouping=False`` for a year."""
    if x != 0 and not 1e-3 <= abs(x) < 1e6:
        exp = math.floor(math.log10(abs(x)))
        mant = format_decimal(x / 10**exp, format="0.####", locale=lang)
        return minus(f"{mant} × 10{str(exp).translate(SUPERSCRIPT)}")
    return minus(format_decimal(x, format=("#,##0" if grouping else "0") + ".########", locale=lang))


def fmt_value(v: Value, lang: Lang) -> str:
    """``1.09 [1.05, 1.12] s``: the value, its 95% interval in brackets, the unit; how the interval was
    obtained, and from how many samples, in the tooltip."""
    unit = f" {v.unit(lang)}" if v.unit else ""
    num = partial(fmt_number, lang=lang, digits=v.digits, grouping=v.grouping)
    if v.lo is None or v.hi is None:
        return f'<span class="kg-value">{num(v.value)}{unit}</span>'
    interval = f"[{num(v.lo)}, {num(v.hi)}]"
    how = T["ci"](lang)
    if v.method:
        how += T["colon"](lang) + (METHOD[v.method](lang) if v.method in METHOD else v.method)
    if v.n:
        how += f", n = {v.n}"
    return f'<span class="kg-value" title="{html.escape(how, quote=True)}">{num(v.value)} {interval}{unit}</span>'


def badge(verdict: str, lang: Lang) -> str:
    return f'<span class="kg-badge kg-{verdict}">{VERDICT_LABEL[verdict](lang)}</span>'


def record_verdict(record: dict | None) -> str:
    if record is None:
        return "planned"
    return record["decision"]["verdict"] if record.get("status") == "ok" else "failed"


def literal(text: str) -> str:
    """Text from a record or the code, set in Markdown as it is: an asterisk (R*) is not emphasis."""
    return text.replace("*", "\\*")


def cell(x: object, lang: Lang) -> str:
    if isinstance(x, dict) and set(x) == {"ja", "en"}:
        return literal(typeset(x[lang]))
    if isinstance(x, float | int) and not isinstance(x, bool):
        return fmt_number(x, lang)
    return literal(typeset(html.escape(str(x))))


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


@dataclass
class PageContext:
    """Everything a page template may call, for one language."""

    lang: Lang
    records: dict[str, dict]  # claim id -> record (site profile)
    page_dir: str  # the page's output folder, to make figure links relative
    claim_id: str | None = None
    figure_url: Callable[[str, str], str] = field(default=lambda cid, f: f)

    def _record(self, claim_id: str | None = None) -> dict:
        cid = claim_id or self.claim_id
        if cid is None:
            raise ValueError("this page is not a claim page; pass a claim id")
        return self.records.get(cid) or {"status": "failed", "error": "no record"}

    def _report(self, claim_id: str | None = None) -> Report | None:
        r = self._record(claim_id)
        return Report.model_validate(r["report"]) if r.get("status") == "ok" else None

    # --- claim pages -------------------------------------------------------------------------
    def t(self, key: str) -> str:
        """A fixed phrase of the site, in the page's language (the skeleton's headings, table heads)."""
        return T[key](self.lang)

    def title(self) -> str:
        return registry.load(self._id()).title(self.lang)

    def _id(self) -> str:
        if self.claim_id is None:
            raise ValueError("this page is not a claim page")
        return self.claim_id

    def param(self, name: str, of: str | None = None, percent: bool = False) -> str:
        """A parameter of the profile that produced the page's record: ``param("qubits", of="max")``, or
        ``param("flip", percent=True)`` for a share."""
        params = self._record().get("params") or {}
        if name not in params:
            raise KeyError(f"claim {self.claim_id}: the experiment's config has no parameter {name!r}")
        v = params[name]
        if isinstance(v, list):
            picked = {"max": max, "min": min, "count": len, None: None}[of]
            if picked is None:
                return ", ".join(fmt_exact(x, self.lang) for x in v)
            v = picked(v)
        if isinstance(v, bool | str):
            return html.escape(str(v))
        return f"{fmt_exact(100 * v, self.lang)}%" if percent else fmt_exact(v, self.lang)

    def threshold(self, name: str, percent: bool = False, grouping: bool = True) -> str:
        """A constant of the claim's verdict rule, e.g. ``threshold("timing", percent=True)``;
        ``grouping=False`` for a year."""
        found = registry.load(self._id()).thresholds
        if name not in found:
            raise KeyError(f"claim {self.claim_id}: no threshold {name!r}; it has {sorted(found)}")
        x = found[name]
        return f"{fmt_exact(100 * x, self.lang)}%" if percent else fmt_exact(x, self.lang, grouping)

    def sources(self) -> str:
        """The cited inputs of a sourced claim: value or range as printed, source, locator, quote, date."""
        claim, lang = registry.load(self._id()), self.lang
        if claim.sources is None:
            return ""
        rows = []
        for name, v in claim.sources.values.items():
            c = v.citation
            printed = (
                _cited(v.value, lang)
                if v.value is not None
                else f"{_cited(v.low, lang)} – {_cited(v.high, lang)}"
            )
            unit = f" {v.unit(lang)}" if v.unit else ""
            flag = "" if c.verified else f" ⚠ {T['unverified'](lang)}"
            rows.append(
                [
                    f"{v.label(lang)} (`{name}`)",
                    f"{printed}{unit}{flag}",
                    f"[{html.escape(c.source)}]({c.url})",
                    html.escape(c.locator),
                    f"“{html.escape(c.quote)}”",
                    c.checked.isoformat(),
                ]
            )
        head = [T[k](lang) for k in ("value_name", "range", "source", "locator", "quote", "checked")]
        return md_table(head, rows)

    def evidence(self) -> str:
        """An opinion's cited facts, for and against."""
        claim, lang = registry.load(self._id()), self.lang
        if claim.sources is None:
            return ""
        rows = [
            [
                T[e.side](lang),
                e.fact(lang) + ("" if e.citation.verified else f" ⚠ {T['unverified'](lang)}"),
                f"[{html.escape(e.citation.source)}]({e.citation.url}), {html.escape(e.citation.locator)}",
                f"“{html.escape(e.citation.quote)}”",
                e.citation.checked.isoformat(),
            ]
            for e in sorted(claim.sources.evidence, key=lambda e: e.side != "for")
        ]
        return md_table([T[k](lang) for k in ("side", "fact", "source", "quote", "checked")], rows)

    def statement(self) -> str:
        claim = registry.load(self.claim_id)
        return claim.statement(self.lang)

    def question(self) -> str:
        return registry.load(self.claim_id).question(self.lang)

    def verdict(self) -> str:
        r, lang = self._record(), self.lang
        if r.get("status") != "ok":
            err = html.escape(r.get("error", ""))
            return f'!!! failure "{VERDICT_LABEL["failed"](lang)}"\n    {T["failed"](lang)}\n\n    `{err}`\n'
        d, c = r["decision"], r["control"]
        reasons = "\n".join(f"    - {literal(x[lang])}" for x in d["reasons"])
        kind = {"supported": "success", "partly": "warning", "not-testable": "info"}.get(
            d["verdict"], "danger"
        )
        text = (
            f'!!! {kind} "{T["verdict"](lang)}{T["colon"](lang)}{VERDICT_LABEL[d["verdict"]](lang)}"\n'
            f"    {badge(d['verdict'], lang)}\n\n    **{T['rule'](lang)}**\n\n{reasons}\n"
        )
        if c is not None:  # opinions have no control
            ctl = (T["control_ok"] if c["verdict"] == "not-supported" else T["control_bad"])(lang)
            ctl_reasons = "\n".join(f"    - {literal(x[lang])}" for x in c["reasons"])
            text += f"\n    **{T['control'](lang)}**{T['colon'](lang)}{ctl}\n\n{ctl_reasons}\n"
        return text

    def value(self, name: str, claim_id: str | None = None) -> str:
        rep = self._report(claim_id)
        if rep is None:
            return "—"
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

    def table(self, name: str) -> str:
        rep = self._report()
        if rep is None:
            return ""
        t = rep.tables[name]
        rows = [[cell(x.model_dump() if isinstance(x, L) else x, self.lang) for x in row] for row in t.rows]
        return md_table([c(self.lang) for c in t.columns], rows) + f"\n\n*{t.caption(self.lang)}*\n"

    def figure(self, name: str) -> str:
        """The figure inlined as SVG, so its text and axes take the page's colours (light and dark), with a
        <title> and <desc> in the page's language, and a link to the SVG file."""
        r, rep = self._record(), self._report()
        if rep is None:
            return ""
        fig = rep.figures[name]
        file = r["figures"][name][self.lang]
        src = self.figure_url(self._id(), file)
        svg = inline_svg(
            (Path(r["dir"]) / file).read_text(encoding="utf-8"),
            prefix=f"{self._id()}-{name}-",
            title=fig.title(self.lang),
            desc=fig.caption(self.lang),
        )
        return (
            f'<figure class="kg-figure" markdown="0">{svg}<figcaption>{html.escape(fig.caption(self.lang))} '
            f'<a class="kg-download" href="{src}" download>SVG</a></figcaption></figure>'
        )

    def anchors(self) -> str:
        claim = registry.load(self.claim_id)
        rows = []
        for a in claim.anchors:
            ours = self.value(a.ours) if a.ours else "—"
            if a.verified:
                where = f"{html.escape(a.locator or '')}: “{html.escape(a.quote or '')}” ({a.checked})"
            else:
                where = f"⚠ {T['unverified_anchor'](self.lang)}"
            rows.append([f"[{html.escape(a.cite)}]({a.url})", literal(a.theirs(self.lang)), where, ours])
        head = [
            T["source"](self.lang),
            T["theirs"](self.lang),
            T["as_printed"](self.lang),
            T["ours"](self.lang),
        ]
        return md_table(head, rows)

    def downloads(self) -> str:
        """The walkthrough notebook of this claim, and its files, served by the site itself."""
        cid, lang = self._id(), self.lang
        r, rep = self._record(), self._report()
        base = f"assets/downloads/{cid}/"
        files = [
            (f"{cid}.{lang}.ipynb", "notebook (.ipynb)"),
            (f"{cid}.{lang}.py", "script (.py)"),
            ("record.json", "record (.json)"),
        ]
        if rep is not None:
            files += [(f"{name}.{lang}.csv", f"{name} (.csv)") for name in rep.tables]
        links = " · ".join(
            f'<a href="{relative(base + f, self.page_dir)}" download>{html.escape(label)}</a>'
            for f, label in files
        )
        # the walkthrough sits in the page's own language tree (``en/notebooks/…`` for English), the files at the root
        notebook = relative(f"notebooks/{cid}/", f"claims/{cid}")
        if r.get("status") != "ok":
            return ""
        return T["downloads"](lang).format(notebook=notebook) + "\n\n" + links + "\n"

    def provenance(self) -> str:
        r, lang = self._record(), self.lang
        p = r.get("provenance", {})
        rows = [
            [T["profile"](lang), f"`{r.get('profile', '—')}`"],
            [T["wall"](lang), f"{fmt_number(r.get('wall_seconds'), lang)} {T['seconds'](lang)}"],
            [T["memory"](lang), f"{fmt_number(r.get('peak_memory_mb'), lang)} MB"],
            [T["origin"](lang), origin(r, lang)],
            [T["finished"](lang), (r.get("finished") or "—").replace("T", " ").replace("+00:00", " UTC")],
            [T["commit"](lang), f"`{p.get('commit', '—')}`"],
            [T["key"](lang), f"`{r.get('key', '—')}`"],
            [
                T["machine"](lang),
                f"{p.get('cpu', '—')} × {p.get('cores', '?')}, Python {p.get('python', '?')}",
            ],
            [T["gpu"](lang), _accelerator(r.get("accelerator"), lang)],
        ]
        return md_table([T["key_col"](lang), T["value_name"](lang)], rows)

    # --- index pages -------------------------------------------------------------------------
    def claims_table(self) -> str:
        """Every claim in one table, as HTML: each row carries its section and verdict (the page's script
        filters and sorts on them) and each cell its column's name (a phone shows the rows as cards)."""
        lang, rows = self.lang, []
        sections, entries = registry.catalogue()
        head = [
            T[k](lang) for k in ("claim", "section", "kind", "verdict", "headline", "runtime", "finished")
        ]
        for e in entries:
            r = self.records.get(e.id) if e.implemented else None
            verdict = record_verdict(r)
            title = html.escape(e.title(lang))
            link = f'<a href="{e.id}/">{title}</a>' if e.implemented else title
            headline = runtime = finished = "—"
            name = registry.load(e.id).headline if e.implemented else None
            if r and r.get("status") == "ok" and name is not None:  # opinions have no headline number
                label = Report.model_validate(r["report"]).values[name].label(lang)
                headline = f"{html.escape(label)}{T['colon'](lang)}{self.value(name, e.id)}"
            if r and r.get("wall_seconds") is not None:
                runtime = f"{fmt_number(r['wall_seconds'], lang)} {T['seconds'](lang)}"
            if r and r.get("finished"):
                finished = r["finished"][:10]
            cells = [link, sections[e.section](lang), KIND_LABEL[e.kind](lang), badge(verdict, lang)]
            cells += [headline, runtime, finished]
            tds = "".join(
                f'<td data-label="{html.escape(h, quote=True)}">{c}</td>'
                for h, c in zip(head, cells, strict=True)
            )
            rows.append(f'<tr data-section="{e.section}" data-verdict="{verdict}">{tds}</tr>')
        ths = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        return (
            f'<div class="kg-claims" markdown="0"><table><thead><tr>{ths}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def section_claims(self, section: str) -> str:
        lines = []
        for e in registry.catalogue()[1]:
            if e.section != section:
                continue
            r = self.records.get(e.id) if e.implemented else None
            title = f"[{e.title(self.lang)}](claims/{e.id}.md)" if e.implemented else e.title(self.lang)
            lines.append(f"- {badge(record_verdict(r), self.lang)} {title}")
        return "\n".join(lines)

    def math(self, latex: str) -> str:
        """A formula as MathML, made at build time: browsers draw it natively, with no script and no CDN.
        ``{{ math("L = E + A/N^{α} + B/D^{β}") }}``"""
        return latex2mathml.converter.convert(latex)

    def claim_line(self, claim_id: str) -> str:
        """A claim where the home page's argument makes it: verdict badge, title, and its headline number
        with label and unit (opinions have none)."""
        e = next(x for x in registry.catalogue()[1] if x.id == claim_id)
        r = self.records.get(claim_id) if e.implemented else None
        link = f"[{e.title(self.lang)}](claims/{claim_id}.md)" if e.implemented else e.title(self.lang)
        out = f"{badge(record_verdict(r), self.lang)} **{link}**"
        name = registry.load(claim_id).headline if e.implemented else None
        if r and r.get("status") == "ok" and name is not None:
            label = Report.model_validate(r["report"]).values[name].label(self.lang)
            out += f" — {label}{T['colon'](self.lang)}{self.value(name, claim_id)}"
        return out

    def verdict_tally(self) -> str:
        """How many claims got each verdict, in one sentence."""
        entries = registry.catalogue()[1]
        verdicts = [record_verdict(self.records.get(e.id) if e.implemented else None) for e in entries]
        always = ("supported", "partly", "not-supported", "not-testable")
        parts = [
            f"{badge(v, self.lang)} {verdicts.count(v)}"
            for v in VERDICT_LABEL
            if v in always or verdicts.count(v)
        ]
        return T["tally"](self.lang).format(n=len(entries)) + " " + " ".join(parts)

    def scorecard(self) -> str:
        """Every claim as one tile coloured by its verdict, grouped by section: the result at a glance."""
        sections, entries = registry.catalogue()
        html_parts = ['<div class="kg-scorecard">']
        for sid, title in sections.items():
            html_parts.append(f'<div class="kg-scorecard-section"><p>{html.escape(title(self.lang))}</p><ul>')
            for e in (x for x in entries if x.section == sid):
                v = record_verdict(self.records.get(e.id) if e.implemented else None)
                label = html.escape(f"{e.title(self.lang)}: {VERDICT_LABEL[v](self.lang)}", quote=True)
                html_parts.append(
                    f'<li class="kg-tile kg-{v}" title="{label}"><a href="claims/{e.id}/">'
                    f"{html.escape(e.title(self.lang))}</a></li>"
                )
            html_parts.append("</ul></div>")
        html_parts.append("</div>")
        return "".join(html_parts)

    def section_title(self, section: str) -> str:
        return registry.catalogue()[0][section](self.lang)

    def reproducibility_table(self) -> str:
        lang, rows = self.lang, []
        for cid, r in self.records.items():
            p = r.get("provenance", {})
            rows.append(
                [
                    f"[{cid}](claims/{cid}.md)",
                    f"`{r.get('profile')}`",
                    badge(record_verdict(r), lang),
                    f"{fmt_number(r.get('wall_seconds'), lang)} {T['seconds'](lang)}",
                    f"{fmt_number(r.get('peak_memory_mb'), lang)} MB",
                    f"`{p.get('commit', '—')}`",
                    f"`{r.get('key', '—')}`",
                ]
            )
        head = [T[k](lang) for k in ("claim", "profile", "status", "wall", "memory", "commit", "key")]
        return md_table(head, rows)

    def versions_table(self) -> str:
        from kanguri import provenance

        snap = provenance.snapshot()
        rows = [[f"`{k}`", v] for k, v in snap["packages"].items()]
        rows += [
            ["Python", snap["python"]],
            [T["machine"](self.lang), f"{snap['cpu']} × {snap['cores']}"],
            [T["commit"](self.lang), f"`{snap['commit']}`"],
        ]
        return md_table([T["package"](self.lang), T["version"](self.lang)], rows)


def _cited(x: float | datetime.date | None, lang: Lang) -> str:
    """A cited number or date, as printed in the inputs table."""
    assert x is not None
    return x.isoformat() if isinstance(x, datetime.date) else fmt_exact(x, lang)


def origin(record: dict, lang: Lang) -> str:
    """Where a record's numbers came from: this build, an earlier one here, or a frozen record."""
    p = record.get("provenance", {})
    if record.get("origin") == "frozen":
        return T["origin_frozen"](lang).format(commit=p.get("commit", "?"), cpu=p.get("cpu", "?"))
    return T["origin_cached" if record.get("cached") else "origin_built"](lang)


def _accelerator(name: str | None, lang: Lang) -> str:
    """The GPU a record ran on, or "none" in the page's language (also for "none (torch not used)")."""
    return T["none"](lang) if name is None or name == "—" or name.startswith("none") else str(name)


# The skeleton's headings share their anchors in both languages (#verdict), so switching language keeps the
# reader's place; headings inside the blocks get readable anchors in their own language (pymdownx slugify).
CLAIM_SKELETON = """# {{ title() }}

!!! quote "{{ t('essay_claim') }}"
    {{ statement() }}

## {{ t('question') }} {: #question }

{{ question() }}

## {{ t('verdict') }} {: #verdict }

{{ verdict() }}
{% if kind == "sourced" %}
## {{ t('inputs') }} {: #inputs }

{{ sources() }}
{% endif %}{% if kind == "opinion" %}
## {{ t('evidence') }} {: #evidence }

{{ evidence() }}
{% endif %}{% set method_text = self.method() %}{% if method_text.strip() %}
## {{ t('method') }} {: #method }

{{ method_text }}
{% endif %}{% set result_text = self.result() %}{% if result_text.strip() %}
## {{ t('result') }} {: #result }

{{ result_text }}
{% endif %}
## {{ t('literature') }} {: #literature }

{{ anchors() }}
{% set caveats_text = self.caveats() %}{% if caveats_text.strip() %}
## {{ t('caveats') }} {: #caveats }

{{ caveats_text }}
{% endif %}
## {{ t('reproduce') }} {: #reproduce }

{{ downloads() }}
```bash
.venv/bin/kanguri run {{ claim_id }} --profile site
```

{{ provenance() }}
{#- the blocks a claim page fills: defined here, shown above through self.<block>(), never a second time here -#}
{% if false %}{% block method %}{% endblock %}{% block result %}{% endblock %}{% block caveats %}{% endblock %}{% endif %}"""
BLOCKS = ("method", "result", "caveats")
_BLOCK = re.compile(r"{%-?\s*block\s+(\w+)\s*-?%}.*?{%-?\s*endblock(?:\s+\w+)?\s*-?%}", re.S)


class _Skeleton(jinja2.BaseLoader):
    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, None, Callable[[], bool]]:
        if template != "claim":
            raise jinja2.TemplateNotFound(template)
        return CLAIM_SKELETON, None, lambda: True


ENV = jinja2.Environment(
    loader=_Skeleton(), undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
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
    return '{% extends "claim" %}' + markdown


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


def render_page(markdown: str, ctx: PageContext, where: str = "page") -> str:
    """Render a page template; every public method of the context is a template function.

    A claim page (``ctx.claim_id`` set) fills the claim skeleton's blocks; other pages are plain templates.
    """
    names = {n: getattr(ctx, n) for n in dir(ctx) if not n.startswith("_") and callable(getattr(ctx, n))}
    names |= {"lang": ctx.lang, "claim_id": ctx.claim_id}
    if ctx.claim_id is not None:
        names["kind"] = registry.load(ctx.claim_id).kind
        markdown = claim_page_template(markdown, where)
    text = ENV.from_string(markdown).render(**names)
    return join_cjk_lines(text) if ctx.lang == "ja" else text


def relative(target: str, page_dir: str) -> str:
    return posixpath.relpath(target, page_dir or ".")


CLAIM_PAGE = re.compile(r"^claims/(?P<id>[a-z0-9-]+)\.(?:ja|en)\.md$")


def page_context(src_uri: str, lang: Lang, records: dict[str, dict], page_dir: str) -> PageContext:
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


def inline_svg(svg: str, prefix: str, title: str, desc: str) -> str:
    """A figure's SVG, ready to sit inside a page: no XML prolog, ids made unique on the page, labelled for
    screen readers by a <title> and a <desc>."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', svg)
    label = (
        f'<title id="{prefix}title">{html.escape(title)}</title>'
        f'<desc id="{prefix}desc">{html.escape(desc)}</desc>'
    )
    head_end = svg.index(">") + 1
    opening = svg[:head_end].replace(
        "<svg", f'<svg role="img" aria-labelledby="{prefix}title {prefix}desc"', 1
    )
    return opening + label + svg[head_end:]


def write_downloads(records: dict[str, dict], notebooks_dir: Path, out: Path) -> None:
    """Each claim's downloads into ``out/<claim>/``: its notebooks and scripts (both languages), its record
    as JSON, and every table as CSV in each language."""
    for cid, record in records.items():
        if record.get("status") != "ok" or not record.get("dir"):
            continue
        dest = out / cid
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(record["dir"]) / "record.json", dest / "record.json")
        for f in notebooks_dir.glob(f"{cid}.*"):
            shutil.copy2(f, dest / f.name)
        report = Report.model_validate(record["report"])
        for name, table in report.tables.items():
            for lang in ("ja", "en"):
                with (dest / f"{name}.{lang}.csv").open("w", encoding="utf-8", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow([c(lang) for c in table.columns])
                    w.writerows([[x[lang] if isinstance(x, dict) else x for x in row] for row in table.rows])


def copy_figures(records: dict[str, dict], out: Path) -> None:
    """Every record's SVG figures into ``out/<claim>/``, where pages link them."""
    for cid, record in records.items():
        if record.get("status") == "ok" and record.get("dir"):
            dest = out / cid
            dest.mkdir(parents=True, exist_ok=True)
            for svg in Path(record["dir"]).glob("*.svg"):
                shutil.copy2(svg, dest / svg.name)
