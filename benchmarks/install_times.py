"""``make setup``, timed with pip and with uv, each in a scratch copy of the project; the versions compared.

    .venv/bin/python benchmarks/install_times.py [--cold]

Runs the Makefile's own recipe (``make setup INSTALLER=pip`` and ``INSTALLER=uv``: a venv, torch 2.13.0's CPU
build first, the project with its extras, the corpus) in two copies of the sources, so nothing is written into
the checkout. ``--cold`` gives both empty caches (downloads included); by default they use the machine's
caches, as a developer's or CI's second install does. Prints the times and every package whose version differs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("Makefile", "pyproject.toml", "README.md", "kanguri", "claims", "experiments")
VERSIONS = "import importlib.metadata as m; [print(d.name.lower().replace('_', '-'), d.version) for d in m.distributions()]"


def copy_sources(dest: Path) -> Path:
    dest.mkdir()
    for name in SOURCES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def setup(installer: str, work: Path, cold: bool) -> tuple[float, dict[str, str]]:
    """``make setup`` with ``installer`` in a fresh copy: its wall time and the versions it installed."""
    src = copy_sources(work / installer)
    env = os.environ.copy()
    if cold:
        env |= {"PIP_CACHE_DIR": str(work / f"pip-cache-{installer}"), "UV_CACHE_DIR": str(work / "uv-cache")}
    t0 = time.perf_counter()
    subprocess.run(
        ["make", "setup", f"INSTALLER={installer}"], cwd=src, env=env, check=True, stdout=subprocess.DEVNULL
    )
    wall = time.perf_counter() - t0
    listed = subprocess.run(
        [str(src / ".venv" / "bin" / "python"), "-c", VERSIONS], capture_output=True, text=True, check=True
    ).stdout
    return wall, dict(line.split(" ", 1) for line in listed.splitlines())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", action="store_true", help="empty caches: downloads included")
    args = ap.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; caches {'cold' if args.cold else 'warm'}"
    )
    with tempfile.TemporaryDirectory(prefix="kanguri-install-") as tmp:
        results = {kind: setup(kind, Path(tmp), args.cold) for kind in ("pip", "uv")}
    for kind, (wall, versions) in results.items():
        print(
            f"make setup INSTALLER={kind:3}  {wall:6.1f} s   {len(versions)} packages, torch {versions.get('torch')}"
        )
    pip_v, uv_v = results["pip"][1], results["uv"][1]
    differ = sorted(
        k for k in set(pip_v) | set(uv_v) if pip_v.get(k) != uv_v.get(k) and k not in ("pip", "uv")
    )
    for name in differ:
        print(f"  differs: {name}: pip {pip_v.get(name, '—')}, uv {uv_v.get(name, '—')}")
    print("  same versions" if not differ else f"  {len(differ)} package(s) differ")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
