"""The verdicts' history, read from git: every commit that changed a claim's frozen site record
(``results/site/<id>/record.json``), and the verdict it held before and after. A reader sees when a verdict
changed, at which commit, and why (the commit's subject)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass

from kanguri import registry
from kanguri.paths import root


@dataclass(frozen=True)
class Change:
    claim: str
    date: str  # the commit's date, YYYY-MM-DD
    commit: str  # its short hash
    subject: str  # its first line: the reason
    before: str | None  # None: the claim's first frozen record
    after: str


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root(), capture_output=True, text=True, timeout=60, check=True
    ).stdout


def _verdict_at(commit: str, path: str) -> str | None:
    try:
        record = json.loads(_git("show", f"{commit}:{path}"))
        return record["decision"]["verdict"] if record.get("status") == "ok" else "failed"
    except (subprocess.SubprocessError, ValueError, KeyError):
        return None


def history(claim_id: str) -> list[Change]:
    """The verdict changes of one claim, oldest first (a commit that kept the verdict is not a change)."""
    path = f"results/site/{claim_id}/record.json"
    log = _git("log", "--reverse", "--format=%h%x09%cs%x09%s", "--", path)
    changes, last = [], None
    for line in filter(None, log.splitlines()):
        commit, date, subject = line.split("\t", 2)
        verdict = _verdict_at(commit, path)
        if verdict is not None and verdict != last:
            changes.append(Change(claim_id, date, commit, subject, last, verdict))
            last = verdict
    return changes


def all_changes() -> list[Change] | None:
    """Every claim's verdict changes, newest first; None when git or the history is not available (an export,
    a shallow clone), and the page then says so."""
    try:
        changes = [c for cid in registry.implemented() for c in history(cid)]
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted(changes, key=lambda c: (c.date, c.commit), reverse=True)
