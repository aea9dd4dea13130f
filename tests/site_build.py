"""Building the real site once per test session (the quick profile keeps it fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kanguri.paths import PACKAGE_DIR


def mkdocs_build(project: Path, site_dir: Path, *, strict: bool = True, env: dict | None = None):
    cmd = [sys.executable, "-m", "mkdocs", "build", "-d", str(site_dir)] + (["--strict"] if strict else [])
    environ = os.environ | {"KANGURI_PROFILE": "quick", "NO_MKDOCS_2_WARNING": "1"} | (env or {})
    return subprocess.run(cmd, cwd=project, env=environ, capture_output=True, text=True, timeout=1800)


REPO = PACKAGE_DIR.parent
