"""Finds the claims: the catalogue lists all of the essay's claims, ``claims/<id>.py`` implements one."""

from __future__ import annotations

import importlib
import json
import re
import sys
import traceback
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import yaml
from pydantic import ValidationError

from kanguri.errors import ClaimError
from kanguri.paths import catalogue_file, claims_dir, module_name, root
from kanguri.text import L

if TYPE_CHECKING:
    from kanguri.claim import Claim

PHRASE_MAX = 24  # "at most about 20 characters": a key phrase, never a sentence
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the same pattern as Claim.id


@dataclass(frozen=True)
class Entry:
    """One line of the catalogue: a claim of the essay, implemented or planned."""

    id: str
    section: str
    kind: str
    title: L  # short: the nav, the page heading, the index
    summary: L  # the claim in one sentence
    implemented: bool
    keywords: L | None = None  # a word of the claim a reader might search for (the browser tests search it)
    essay: EssayPlace | None = None  # where in the essay the claim comes from, in its own words
    says: L | None = None  # the essay's point, in our words (a gloss that must not overstate it)
    extension: L | None = None  # what we add beyond the essay's words: ours, and said to be ours


@dataclass(frozen=True)
class EssayPlace:
    """Where a claim stands in the essay: its part, the numbered point, and short phrases in its own words."""

    section: str  # gpu | brain | quantum
    point: int  # the numbered point of that part (the GPU part's bullets count 1, 2, 3)
    phrases: tuple[str, ...]  # verbatim, each at most about 20 characters

    def plain(self) -> dict:
        return {"section": self.section, "point": self.point, "phrases": list(self.phrases)}


def _essay_place(claim_id: str, raw: object) -> EssayPlace | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("point"), int) or raw.get("section") is None:
        raise ClaimError(f"catalogue: claim {claim_id}: essay needs section, point (a number) and phrases")
    phrases = raw.get("phrases") or []
    if not phrases or not all(isinstance(p, str) and 0 < len(p) <= PHRASE_MAX for p in phrases):
        raise ClaimError(
            f"catalogue: claim {claim_id}: essay.phrases must be 1 or more of the essay's own phrases, "
            f"each at most {PHRASE_MAX} characters"
        )
    return EssayPlace(str(raw["section"]), int(raw["point"]), tuple(phrases))


@cache
def essay_phrases() -> tuple[str, ...]:
    """The essay's own words that the site's general pages quote (its title, its conclusion)."""
    raw = yaml.safe_load(catalogue_file().read_text(encoding="utf-8"))
    return tuple(raw.get("essay_phrases") or ())


@cache
def catalogue() -> tuple[dict[str, L], tuple[Entry, ...]]:
    """The sections and the catalogue entries, in the essay's order."""
    raw = yaml.safe_load(catalogue_file().read_text(encoding="utf-8"))
    sections = {k: L(**v) for k, v in raw["sections"].items()}
    entries = []
    for item in raw["claims"]:
        if not isinstance(item.get("id"), str) or not SLUG.fullmatch(item["id"]):
            # the id names files and URLs: `../../evil` or `Bad Id` would write outside the project or not import
            raise ClaimError(
                f"catalogue: claim id {json.dumps(item.get('id'))} is not a slug "
                "(lowercase letters and digits in words joined by single hyphens, such as `brain-20-watts`)"
            )
        if item["section"] not in sections:
            raise ClaimError(f"catalogue: claim {item['id']}: unknown section {item['section']!r}")
        implemented = (claims_dir() / f"{module_name(item['id'])}.py").exists()
        title, summary = L(**item["title"]), L(**item["claim"])
        keywords = L(**item["keywords"]) if item.get("keywords") else None
        says, extension = (L(**item[k]) if item.get(k) else None for k in ("says", "extension"))
        essay = _essay_place(item["id"], item.get("essay"))
        entries.append(
            Entry(
                item["id"],
                item["section"],
                item["kind"],
                title,
                summary,
                implemented,
                keywords,
                essay,
                says,
                extension,
            )
        )
    return sections, tuple(entries)


def entry(claim_id: str) -> Entry:
    for e in catalogue()[1]:
        if e.id == claim_id:
            return e
    known = ", ".join(e.id for e in catalogue()[1])
    raise ClaimError(f"unknown claim {claim_id!r}; the catalogue has: {known}")


@cache
def load(claim_id: str) -> Claim:
    """Import ``claims/<id>.py`` and check its ``claim`` against the catalogue."""
    e = entry(claim_id)
    if not e.implemented:
        raise ClaimError(f"claim {claim_id} is planned: create it with `kanguri new {claim_id}`")
    if str(root()) not in sys.path:  # the project's `claims` package, wherever the command was started
        sys.path.insert(0, str(root()))
    path = claims_dir() / f"{module_name(claim_id)}.py"
    try:
        module = importlib.import_module(f"claims.{module_name(claim_id)}")
    except (
        ValidationError,
        ValueError,
    ) as e:  # an L(...), Check(...)… built at import time, outside define()
        if isinstance(e, ClaimError):
            raise
        line = next(
            (f.lineno for f in reversed(traceback.extract_tb(e.__traceback__)) if f.filename == str(path)),
            "?",
        )
        if isinstance(e, ValidationError):
            what = "field " + "; ".join(
                f"{e.title}.{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
            )
        else:
            what = str(e)
        raise ClaimError(f"claim {claim_id}: {what} (claims/{path.name}, line {line})") from None
    from kanguri.claim import Claim  # here: kanguri.claim itself reads the catalogue through this module

    claim = getattr(module, "claim", None)
    if not isinstance(claim, Claim):
        raise ClaimError(f"claims/{path.name} must define `claim = define(...)`")
    if claim.id != claim_id:
        raise ClaimError(f"claims/{path.name} defines claim {claim.id!r}; this file belongs to {claim_id!r}")
    return claim


def implemented() -> list[str]:
    return [e.id for e in catalogue()[1] if e.implemented]


def refresh() -> None:
    """Forget loaded claims, so edited modules are imported afresh (``mkdocs serve``, tests)."""
    catalogue.cache_clear()
    essay_phrases.cache_clear()
    load.cache_clear()
    for name in [m for m in sys.modules if m.split(".")[0] in ("claims", "experiments")]:
        del sys.modules[name]
    importlib.invalidate_caches()
