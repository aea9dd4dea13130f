"""Claim __CLAIM_ID__: an opinion. Words: __MODULE__.<lang>.yml; evidence: __MODULE__.sources.yml."""

from __future__ import annotations

from kanguri.claim import define

claim = define("__CLAIM_ID__")
