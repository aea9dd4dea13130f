"""The site's navigation takes its claim pages from the catalogue: one list to keep, not two.

``mkdocs.yml`` lists the pages around the claims (home, the claims index, reproducibility, the guide); the
plugin puts every implemented claim after ``claims/index.md``, section by section in the catalogue's order of
sections, and in catalogue order within a section. The entries carry no title: a claim page's title is its
heading, which comes from the catalogue in each language.
"""

from __future__ import annotations

import re
from typing import Any

from kanguri import registry

CLAIMS_INDEX = "claims/index.md"
_CLAIM_PAGE = re.compile(r"claims/[a-z0-9-]+\.md")


def claim_pages() -> list[str]:
    """Every implemented claim's page, by section, in catalogue order."""
    sections, entries = registry.catalogue()
    order = {sid: i for i, sid in enumerate(sections)}
    implemented = [e for e in entries if e.implemented]
    ranked = sorted(range(len(implemented)), key=lambda i: (order[implemented[i].section], i))
    return [f"claims/{implemented[i].id}.md" for i in ranked]


def _names(nav: list[Any], page: str) -> bool:
    return any(
        item == page
        or (isinstance(item, dict) and any(isinstance(v, list) and _names(v, page) for v in item.values()))
        for item in nav
    )


def _rewrite(nav: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict):
            out.append({k: _rewrite(v) if isinstance(v, list) else v for k, v in item.items()})
        elif isinstance(item, str) and _CLAIM_PAGE.fullmatch(item) and item != CLAIMS_INDEX:
            continue  # a claim page listed by hand: the catalogue's order wins
        else:
            out.append(item)
            if item == CLAIMS_INDEX:
                out.extend(claim_pages())
    return out


def with_claim_pages(nav: list[Any]) -> list[Any]:
    """``nav`` with the claim pages after ``claims/index.md``, wherever that entry sits. A claim page the list
    already names is dropped first, so applying it twice (static-i18n builds once per language) changes
    nothing. A nav without ``claims/index.md`` is returned as it is."""
    return _rewrite(nav) if _names(nav, CLAIMS_INDEX) else nav
