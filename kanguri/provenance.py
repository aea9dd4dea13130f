"""Where a number came from: commit, packages, machine."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from functools import cache

from kanguri.cache import package_versions
from kanguri.paths import root

SHOWN_PACKAGES = (
    "torch",
    "pennylane",
    "pennylane_lightning",
    "snntorch",
    "numpy",
    "scipy",
    "matplotlib",
    "mkdocs",
    "mkdocs-material",
    "mkdocs-static-i18n",
)


@cache
def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root(),
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root(),
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def accelerator() -> str:
    """The GPU the experiment could use, or 'none'; asked only of torch if the experiment imported it."""
    torch = sys.modules.get("torch")
    if torch is None:
        return "none (torch not used)"
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"


def machine() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpu": cpu_name(),
        "cores": str(os.cpu_count()),
    }


def snapshot() -> dict:
    return {"commit": git_commit(), "packages": package_versions(SHOWN_PACKAGES), **machine()}
