"""Kanguri: each claim of an essay as a tested, executable experiment.

The engine works without mkdocs: ``kanguri.registry`` finds claims, ``kanguri.runner`` runs one in a
subprocess and caches its record, ``kanguri.render`` turns a record into Markdown in either language,
and ``kanguri.site`` is the thin mkdocs plugin that ties them into the published site.
"""

from kanguri.claim import Anchor, Claim, define
from kanguri.errors import ClaimError
from kanguri.report import Figure, Report, Series, Table, Value
from kanguri.rule import Check, Decision, Falsification, Rule, any_accepted, graded
from kanguri.sources import INPUTS_CHECKED, graded_on_checked_inputs, inputs_checked
from kanguri.text import L

__all__ = [
    "INPUTS_CHECKED",
    "Anchor",
    "Check",
    "Claim",
    "ClaimError",
    "Decision",
    "Falsification",
    "Figure",
    "L",
    "Report",
    "Rule",
    "Series",
    "Table",
    "Value",
    "any_accepted",
    "define",
    "graded",
    "graded_on_checked_inputs",
    "inputs_checked",
]
