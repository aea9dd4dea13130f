"""What a walkthrough notebook calls: run a claim (from the cache when it can) and show its record.

from kanguri.notebook import run, show
record = run("barren-plateaus")              # the quick profile
show(record, "en")
show(run("barren-plateaus", seed=1), "en")   # the same, with one parameter changed
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kanguri import runner
from kanguri.render import VERDICT_LABEL, fmt_value, record_verdict
from kanguri.report import Report
from kanguri.text import Lang


def profile_name(profile: str, changes: dict[str, Any]) -> str:
    """``quick`` with ``seed=1`` is ``quick+seed=1``: a profile of its own, cached like any other."""
    if not changes:
        return profile
    return profile + "+" + ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(changes.items()))


def run(claim_id: str, profile: str = "quick", **changes: Any) -> dict:
    """The claim's record at ``profile``, with ``changes`` to its parameters; a failure raises."""
    record = runner.run(claim_id, profile_name(profile, changes))
    if record.get("status") != "ok":
        raise RuntimeError(f"claim {claim_id} failed: {record.get('error')}")
    return record


def summary(record: dict, lang: Lang) -> str:
    """The verdict, the rule's sentences and every value, as Markdown in ``lang``."""
    verdict = record_verdict(record)
    lines = [f"**{VERDICT_LABEL[verdict](lang)}** (`{record['profile']}`)", ""]
    lines += [f"- {r[lang]}" for r in record["decision"]["reasons"]]
    report = Report.model_validate(record["report"])
    if report.values:
        lines += ["", "| | |", "|---|---|"]
        lines += [f"| {v.label(lang)} | {fmt_value(v, lang)} |" for v in report.values.values()]
    return "\n".join(lines)


def show(record: dict, lang: Lang) -> None:
    """Display the summary and every figure of a record in the notebook."""
    from IPython.display import SVG, Markdown, display

    display(Markdown(summary(record, lang)))
    for files in record.get("figures", {}).values():
        display(SVG(filename=str(Path(record["dir"]) / files[lang])))
