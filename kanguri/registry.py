"""Finds the claims: the catalogue lists all of the essay's claims, ``claims/<id>.py`` implements one."""

from __future__ import annotations

import importlib
import sys
import traceback
from dataclasses import dataclass
from functools import cache

import yaml
from pydantic import ValidationError

from kanguri.claim import Claim, ClaimError
from kanguri.paths import catalogue_file, claims_dir, module_name, root
from kanguri.text import L


@dataclass(frozen=True)
class Entry:
    """One line of the catalogue: a claim of the essay, implemented or planned."""

    id: str
    section: str
    kind: str
    title: L
    implemented: bool


@cache
def catalogue() -> tuple[dict[str, L], tuple[Entry, ...]]:
    """The sections and the catalogue entries, in the essay's order."""
    raw = yaml.safe_load(catalogue_file().read_text(encoding="utf-8"))
    sections = {k: L(**v) for k, v in raw["sections"].items()}
    entries = []
    for item in raw["claims"]:
        if item["section"] not in sections:
            raise ClaimError(f"catalogue: claim {item['id']}: unknown section {item['section']!r}")
        implemented = (claims_dir() / f"{module_name(item['id'])}.py").exists()
        title = L(ja=item["ja"], en=item["en"])
        entries.append(Entry(item["id"], item["section"], item["kind"], title, implemented))
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
    try:
        module = importlib.import_module(f"claims.{module_name(claim_id)}")
    except ValidationError as e:  # an L(...), Value(...)… built at import time, outside define()
        path = claims_dir() / f"{module_name(claim_id)}.py"
        line = next(
            (f.lineno for f in reversed(traceback.extract_tb(e.__traceback__)) if f.filename == str(path)),
            "?",
        )
        fields = "; ".join(f"{e.title}.{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())
        raise ClaimError(f"claim {claim_id}: field {fields} (claims/{path.name}, line {line})") from None
    claim = getattr(module, "claim", None)
    if not isinstance(claim, Claim):
        raise ClaimError(f"claims/{module_name(claim_id)}.py must define `claim = define(...)`")
    for field in ("id", "section", "kind"):
        if getattr(claim, field) != getattr(e, field):
            raise ClaimError(
                f"claim {claim_id}: field {field} is {getattr(claim, field)!r} "
                f"but the catalogue says {getattr(e, field)!r}"
            )
    return claim


def implemented() -> list[str]:
    return [e.id for e in catalogue()[1] if e.implemented]


def refresh() -> None:
    """Forget loaded claims, so edited modules are imported afresh (``mkdocs serve``, tests)."""
    catalogue.cache_clear()
    load.cache_clear()
    for name in [m for m in sys.modules if m.split(".")[0] in ("claims", "experiments")]:
        del sys.modules[name]
    importlib.invalidate_caches()
