"""Kanguri: each claim of an essay as a tested, executable experiment.

The engine works without mkdocs: ``kanguri.registry`` finds claims, ``kanguri.runner`` runs one in a
subprocess and caches its record, ``kanguri.render`` turns a record into Markdown in either language,
and ``kanguri.site`` is the thin mkdocs plugin that ties them into the published site.
"""

from kanguri.claim import Anchor, Claim, Decision
from kanguri.report import Figure, Report, Series, Table, Value
from kanguri.text import L

__all__ = ["Anchor", "Claim", "Decision", "Figure", "L", "Report", "Series", "Table", "Value"]
