"""What a walkthrough notebook calls: run a claim (from the cache when it can) and show its record.

from kanguri.notebook import run, show
record = run("barren-plateaus")              # the quick profile
show(record, "en")
show(run("barren-plateaus", seed=1), "en")   # the same, with one parameter changed
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from kanguri import registry, runner
from kanguri.markup import esc
from kanguri.render import VERDICT_LABEL, fmt_value, inline_svg, record_verdict
from kanguri.report import Report
from kanguri.text import Lang


def profile_name(profile: str, changes: dict[str, Any]) -> str:
    """``quick`` with ``seed=1`` is ``quick+seed=1``: a profile of its own, cached like any other."""
    if not changes:
        return profile
    return profile + "+" + ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(changes.items()))


def run(claim_id: str, profile: str = "quick", **changes: Any) -> dict:
    """The claim's record at ``profile``, with ``changes`` to its parameters; a failure raises."""
    check_changes(claim_id, profile, changes)
    record = runner.run(claim_id, profile_name(profile, changes))
    if record.get("status") != "ok":
        raise RuntimeError(f"claim {claim_id} failed: {record.get('error')}")
    return record


_KINDS = {bool: "a bool", int: "an int", float: "a float", str: "a str"}


def check_changes(claim_id: str, profile: str, changes: dict[str, Any]) -> None:
    """Each changed parameter exists and keeps its kind (``seed="abc"`` fails here, not deep in the experiment)."""
    if not changes:
        return
    claim = registry.load(claim_id)
    if claim.kind == "opinion":
        raise ValueError(f"claim {claim_id} is an opinion: it runs no experiment, so it has no parameters")
    config = claim.config(profile)
    current = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
    for name, value in changes.items():
        if name not in current:
            raise ValueError(f"claim {claim_id}: no parameter {name!r}; it has {sorted(current)}")
        if not _same_kind(value, current[name]):
            raise ValueError(
                f"claim {claim_id}: {name}={value!r} is a {type(value).__name__}; "
                f"the parameter takes {_KINDS.get(type(current[name]), type(current[name]).__name__)}"
            )


def _same_kind(new: Any, old: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):  # a bool is an int to Python, not to a parameter
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, float):
        return isinstance(new, int | float)
    if isinstance(old, list | tuple):
        return isinstance(new, list | tuple)
    return old is None or isinstance(new, type(old))


def summary(record: dict, lang: Lang) -> str:
    """The verdict, the rule's sentences and every value, as Markdown in ``lang``."""
    verdict = record_verdict(record)
    lines = [f"**{VERDICT_LABEL[verdict](lang)}** (`{record['profile']}`)", ""]
    lines += [f"- {esc(r[lang])}" for r in record["decision"]["reasons"]]
    report = Report.model_validate(record["report"])
    if report.values:
        lines += ["", "| | |", "|---|---|"]
        lines += [f"| {esc(v.label(lang))} | {fmt_value(v, lang)} |" for v in report.values.values()]
    return "\n".join(lines)


def figure_html(record: dict, name: str, lang: Lang) -> str:
    """A figure as the claim page shows it: the SVG inline, so its text and axes take the text colour of the
    page or notebook (``currentColor``, light and dark), titled and described for screen readers in ``lang``."""
    fig = Report.model_validate(record["report"]).figures[name]
    svg = (Path(record["dir"]) / record["figures"][name][lang]).read_text(encoding="utf-8")
    # ids unique on a page that shows the same figure for two runs, and short: every element of the SVG has one
    prefix = (
        "f" + hashlib.sha256(f"{record['claim']}/{record['profile']}/{name}".encode()).hexdigest()[:7] + "-"
    )
    inline = inline_svg(svg, prefix=prefix, title=fig.title(lang), desc=fig.caption(lang))
    return f'<figure class="kg-figure">{inline}<figcaption>{esc(fig.caption(lang))}</figcaption></figure>'


def show(record: dict, lang: Lang) -> None:
    """Display the summary and every figure of a record in the notebook. A figure is HTML with its title and
    caption as the plain-text alternative, not an image: an image's text stays black on a dark page."""
    from IPython.display import Markdown, display

    display(Markdown(summary(record, lang)))
    report = Report.model_validate(record["report"])
    for name in record.get("figures", {}):
        fig = report.figures[name]
        alt = f"{fig.title(lang)}: {fig.caption(lang)}"
        display({"text/html": figure_html(record, name, lang), "text/plain": alt}, raw=True)
