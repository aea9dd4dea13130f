"""The least time ``make test`` can take on this machine: every test run one after another (``-n 0``, nothing
competing) in a fresh record cache, each test's CPU time counted machine-wide from ``/proc/stat`` (Chromium,
fork servers, process pools and notebook kernels included), summed per file. Spread over N cores with perfect
packing and no overhead, the suite needs at least that sum ÷ N of wall time; the parallel run that
benchmarks/make_test.py measures adds contention on top.

    .venv/bin/python benchmarks/cpu_floor.py [--target SECONDS] [pytest arguments ...]

A claim's quick run is counted in the file whose test ran it first (``claims/test_claims.py``; the notebooks
then read it from the cache). Linux only. Other processes' CPU is counted too, so run it on an idle machine;
the load average is printed. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest
from make_test import load_line, outcome  # benchmarks/ is on the path: run as a script or a plugin

ROOT = Path(__file__).resolve().parents[1]
ROWS_ENV = "KANGURI_CPU_FLOOR_ROWS"  # where the plugin (this module, inside pytest) writes its rows
TARGET_S = 360  # issue 27: make test in at most 6 minutes on an idle 2-core machine


def machine_cpu_seconds() -> float:
    """CPU time spent by the whole machine since boot: user, nice, system, irq and softirq (not idle, not iowait)."""
    with open("/proc/stat", encoding="ascii") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / os.sysconf("SC_CLK_TCK")


# --- the plugin: loaded into pytest with -p cpu_floor ---------------------------------------------------
_rows: list[tuple[str, float, float]] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    cpu0, t0 = machine_cpu_seconds(), time.perf_counter()
    yield
    _rows.append((item.nodeid, time.perf_counter() - t0, machine_cpu_seconds() - cpu0))


def pytest_sessionfinish(session: pytest.Session) -> None:
    if path := os.environ.get(ROWS_ENV):
        Path(path).write_text(json.dumps(_rows), encoding="utf-8")


# --- the benchmark --------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", type=float, default=TARGET_S, help="wall time to compare the floor with (s)")
    args, extra = ap.parse_known_args()
    cache = Path(tempfile.mkdtemp(prefix="kanguri-floor-"))
    rows_file = cache / "rows.json"
    env = os.environ | {
        "KANGURI_CACHE": str(cache),
        ROWS_ENV: str(rows_file),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH")])),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-n",
        "0",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "cpu_floor",
        *extra,
    ]
    load_before = os.getloadavg()
    cpu0, t0 = machine_cpu_seconds(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall, cpu = time.perf_counter() - t0, machine_cpu_seconds() - cpu0
    print(f"exit {proc.returncode}: {outcome(proc.stdout, proc.stderr)}")
    rows = json.loads(rows_file.read_text(encoding="utf-8")) if rows_file.is_file() else []
    per_file: defaultdict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for nodeid, seconds, cpu_seconds in rows:
        totals = per_file[nodeid.split("::")[0]]
        totals[0] += seconds
        totals[1] += cpu_seconds
    tests_cpu = sum(c for _, c in per_file.values())
    cores = os.cpu_count() or 1
    print(
        f"one after another: wall {wall:.0f} s; machine CPU {cpu:.0f} s, of it {tests_cpu:.0f} s inside tests"
    )
    print(load_line(load_before))
    print(f"{'CPU (s)':>8} {'wall (s)':>9}  file")
    for name, (seconds, cpu_seconds) in sorted(per_file.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"{cpu_seconds:8.1f} {seconds:9.1f}  {name}")
    print(
        f"floor on {cores} cores: {cpu / cores:.0f} s of wall time (all CPU ÷ cores, perfect packing); "
        f"a target of {args.target:.0f} s allows {args.target * cores:.0f} CPU-s, "
        f"{cpu - args.target * cores:+.0f} CPU-s from here"
    )


if __name__ == "__main__":
    main()
