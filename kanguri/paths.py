"""Where things live. Everything is relative to the project root (the folder holding mkdocs.yml).

``KANGURI_ROOT`` points the engine at another project (the tests build small ones) and ``KANGURI_CACHE``
moves the record cache.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def root() -> Path:
    return Path(os.environ.get("KANGURI_ROOT", PACKAGE_DIR.parent)).resolve()


def claims_dir() -> Path:
    return root() / "claims"


def experiments_dir() -> Path:
    return root() / "experiments"


def docs_dir() -> Path:
    return root() / "docs"


def catalogue_file() -> Path:
    return claims_dir() / "catalogue.yml"


def cache_dir() -> Path:
    return Path(os.environ.get("KANGURI_CACHE", root() / ".kanguri-cache"))


def module_name(claim_id: str) -> str:
    """``parameter-shift-cost`` lives in ``claims/parameter_shift_cost.py``."""
    return claim_id.replace("-", "_")


def data_dir() -> Path:
    """Data an experiment prepared once and keeps (``KANGURI_DATA`` moves it); handed to experiments."""
    return Path(os.environ.get("KANGURI_DATA", cache_dir() / "data"))
