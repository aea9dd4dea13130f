"""One record cache per test session: `pytest claims/` runs every claim afresh, the site test reuses it."""

import os
import tempfile

import pytest

os.environ.setdefault("KANGURI_CACHE", tempfile.mkdtemp(prefix="kanguri-cache-"))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _first(item: pytest.Item) -> int:
    """The browser tests first, then the claims' quick runs, then the rest (see ``pytest_collection_modifyitems``)."""
    groups = [m.args[0] for m in item.iter_markers("xdist_group")]
    return 0 if "browser" in groups else 1 if any(g.startswith("quick-") for g in groups) else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test``: ``--dist loadgroup --no-loadscope-reorder``) work is handed out in this
    order. The browser tests, one group, mostly wait on Chromium; the claims' quick runs that come next keep the
    cores busy beside them, with their own process pools. A stable sort: within each part, the usual order."""
    items.sort(key=_first)
