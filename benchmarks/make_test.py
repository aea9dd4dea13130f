"""How long ``make test`` takes, and where the time goes: runs the same pytest command as the Makefile, with
``--durations=0``, in a fresh record cache, and prints the wall time, the CPU time of pytest and everything it
started (orphans included: see :func:`adopt_orphans`), the load average before and after, and the ten test
files that took longest (summed over their tests' setup, call and teardown; with several workers these
overlap, so they add up to more than the wall time).

    .venv/bin/python benchmarks/make_test.py [pytest arguments ...]

Writes pytest's whole output (every test's duration) into the fresh cache folder and prints its path.
Prints figures; asserts nothing. Run it on an idle machine to compare with the README's figure.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
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
PR_SET_CHILD_SUBREAPER = 36
DURATION = re.compile(r"^([\d.]+)s (?:setup|call|teardown)\s+([^:\s]+)::")


def adopt_orphans() -> None:
    """Become the subreaper of everything pytest starts (Linux): a process whose parent ends before it, such as
    a pytest worker's fork server (kanguri.launcher), is then reaped here, and its CPU time counted."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print("could not become a subreaper: CPU time of orphaned processes is not counted")


def reap_orphans(pytest: subprocess.Popen, done: threading.Event) -> None:
    """Reap each adopted process as soon as it ends (the tests wait for some to be gone, not zombies), and never
    pytest itself, which ``Popen.communicate`` waits for."""
    while not done.is_set():
        try:
            ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # none now (pytest reaped, no orphan yet)
            ended = None
        if ended is not None and ended.si_pid != pytest.pid:
            os.waitpid(ended.si_pid, 0)
        else:
            time.sleep(0.05)


def outcome(stdout: str, stderr: str) -> str:
    """pytest's last line ("903 passed in 559.19s"), or the end of its errors when it wrote none."""
    summary = [ln for ln in stdout.splitlines() if " in " in ln and ("passed" in ln or "failed" in ln)]
    return summary[-1].strip("= ") if summary else stderr[-500:]


def load_line(before: tuple[float, float, float]) -> str:
    fmt = ", ".join
    return (
        f"load average (1, 5, 15 min): before {fmt(f'{x:.2f}' for x in before)}; "
        f"after {fmt(f'{x:.2f}' for x in os.getloadavg())}"
    )


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
    adopt_orphans()
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()
    reaper = threading.Thread(target=reap_orphans, args=(proc, done), daemon=True)
    reaper.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    time.sleep(2)  # the fork servers end once their clients have
    done.set()
    reaper.join()
    with contextlib.suppress(ChildProcessError):  # what is left and has ended
        while os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG) is not None:
            pass
    log = Path(env["KANGURI_CACHE"]) / "pytest.log"
    log.write_text(stdout + stderr, encoding="utf-8")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    per_file: defaultdict[str, float] = defaultdict(float)
    for line in stdout.splitlines():
        if m := DURATION.match(line):
            per_file[m[2]] += float(m[1])
    print(f"exit {proc.returncode}: {outcome(stdout, stderr)}")
    print(f"pytest's output, every test's duration included: {log}")
    print(
        f"wall {wall:.0f} s; CPU {usage.ru_utime + usage.ru_stime:.0f} s (user {usage.ru_utime:.0f}, "
        f"system {usage.ru_stime:.0f}) on {os.cpu_count()} cores"
    )
    print(load_line(load_before))
    for name, seconds in sorted(per_file.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {seconds:7.1f} s  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
