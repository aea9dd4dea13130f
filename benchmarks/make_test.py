"""How long ``make test`` takes, and where the time goes: runs the same pytest command as the Makefile, with
``--durations=0``, in a fresh record cache, and prints the wall time, the CPU time of pytest and everything it
started, the load average before and after, and the ten test files that took longest (summed over their tests'
setup, call and teardown; with several workers these overlap, so they add up to more than the wall time).

    .venv/bin/python benchmarks/make_test.py [pytest arguments ...]

Writes pytest's whole output (every test's duration) into the fresh cache folder and prints its path.
Prints figures; asserts nothing. Run it on an idle machine to compare with the README's figure.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_TEST = [
    "-n",
    "auto",
    "--maxprocesses",
    "4",
    "--dist",
    "loadgroup",
    "--no-loadscope-reorder",
]  # as the Makefile's test target
DURATION = re.compile(r"^([\d.]+)s (?:setup|call|teardown)\s+([^:\s]+)::")


def main(extra: list[str]) -> None:
    env = os.environ | {"KANGURI_CACHE": tempfile.mkdtemp(prefix="kanguri-bench-")}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *MAKE_TEST,
        "--durations=0",
        "-q",
        "-p",
        "no:cacheprovider",
        *extra,
    ]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    log = Path(env["KANGURI_CACHE"]) / "pytest.log"
    log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_file: defaultdict[str, float] = defaultdict(float)
    for line in proc.stdout.splitlines():
        if m := DURATION.match(line):
            per_file[m[2]] += float(m[1])
    summary = [
        line for line in proc.stdout.splitlines() if " in " in line and ("passed" in line or "failed" in line)
    ]
    print(f"exit {proc.returncode}: {summary[-1].strip('= ') if summary else proc.stderr[-500:]}")
    print(f"pytest's output, every test's duration included: {log}")
    print(
        f"wall {wall:.0f} s; CPU {usage.ru_utime + usage.ru_stime:.0f} s (user {usage.ru_utime:.0f}, "
        f"system {usage.ru_stime:.0f}) on {os.cpu_count()} cores"
    )
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {seconds:7.1f} s  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
