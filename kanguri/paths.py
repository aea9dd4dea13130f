"""Where things live. Everything is relative to the project root (the folder holding mkdocs.yml)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAIMS_DIR = ROOT / "claims"
EXPERIMENTS_DIR = ROOT / "experiments"
DOCS_DIR = ROOT / "docs"
CATALOGUE = CLAIMS_DIR / "catalogue.yml"


def cache_dir() -> Path:
    """Result records. ``KANGURI_CACHE`` moves it (tests use a temporary one)."""
    return Path(os.environ.get("KANGURI_CACHE", ROOT / ".kanguri-cache"))


def module_name(claim_id: str) -> str:
    """``parameter-shift-cost`` lives in ``claims/parameter_shift_cost.py``."""
    return claim_id.replace("-", "_")
