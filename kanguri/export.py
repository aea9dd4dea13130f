"""``kanguri render --out DIR``: every page rendered to plain Markdown per language, with its figures.

The output does not depend on mkdocs: ``DIR/ja/`` and ``DIR/en/`` (and a folder for any further language, see
:func:`languages`) each hold the docs tree (``index.md``, ``claims/<id>.md``…) with every number, table and
figure link filled in, and ``assets/figures/``. Any static site generator can build them. The mkdocs plugin renders through the same :func:`render.page_context`.

A failure behaves as in the plugin: a claim that failed shows as failed on its page, a page that raises is
written showing its error, every other page is written as usual, and each failure is one line naming the
claim (the command then exits non-zero, as ``mkdocs build --strict`` would).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from kanguri import phrases, registry, render, runner
from kanguri.paths import docs_dir
from kanguri.text import LANGS


@dataclass
class Export:
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each, naming the claim or the page


def _xfail(claim_id: str) -> bool:
    """A known-broken claim is shown as failed but, as in the strict build, is not counted as a failure."""
    try:
        return registry.load(claim_id).xfail
    except Exception:
        return False


def _records(profile: str, failures: list[str]) -> dict[str, dict]:
    records = {}
    for cid in registry.implemented():
        try:
            record = runner.run(cid, profile)
        except Exception as e:  # the runner turns a claim's failures into records; this is anything else
            record = runner.failed_record(cid, profile, f"{type(e).__name__}: {e}")
        if record.get("status") != "ok" and not _xfail(cid):
            failures.append(f"claim {cid} failed at profile {profile}: {record.get('error')}")
        records[cid] = record
    return records


def languages() -> list[str]:
    """The languages the site speaks: Japanese, English, and any other whose site words are present
    (``kanguri/locales/site.<lang>.yml``); a page ``<name>.<lang>.md`` in one of them is rendered."""
    return [*LANGS, *sorted(set(phrases.site().texts) - set(LANGS))]


def render_site(out: Path, profile: str = "site") -> Export:
    done = Export()
    records = _records(profile, done.failures)
    langs = languages()
    for src in sorted(docs_dir().rglob("*.md")):
        rel = src.relative_to(docs_dir()).as_posix()
        stem, _, lang = rel[: -len(".md")].rpartition(".")
        if lang not in langs:
            continue
        dest = out / lang / f"{stem}.md"
        dest.parent.mkdir(parents=True, exist_ok=True)
        ctx = render.page_context(rel, lang, records, page_dir=posixpath.dirname(stem))
        text, error = render.render_or_fail(src.read_text(encoding="utf-8"), ctx, rel)
        if error:
            done.failures.append(error)
        dest.write_text(text, encoding="utf-8")
        done.written.append(dest)
    for lang in langs:
        render.copy_figures(records, out / lang / "assets" / "figures")
    return done
