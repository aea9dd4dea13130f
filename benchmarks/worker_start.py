"""What starting a claim's worker costs: ``python -m kanguri.worker`` in a fresh interpreter, against a worker
forked from the warm server (kanguri.launcher), on the toy project of the tests (one small claim, two figures).

    .venv/bin/python benchmarks/worker_start.py [--repeats 7]

The two are interleaved; the minimum and the median of ``--repeats`` runs are printed, wall time and CPU time
(a forked worker's CPU time is read from its server, which reaps it). The server's own start (its imports,
paid once per process) is printed apart. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kanguri import launcher  # noqa: E402
from tests import toy  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_children_cpu() -> float:
    """CPU time of the processes the fork server has reaped (its workers)."""
    (server,) = [p for p in psutil.Process().children() if "forkserver" in " ".join(p.cmdline())]
    times = server.cpu_times()
    return times.children_user + times.children_system


def fresh(args: list[str], project: Path, env: dict[str, str]) -> tuple[float, float]:
    cpu, t0 = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-m", "kanguri.worker", *args], cwd=project, env=env, check=True)
    return time.perf_counter() - t0, _children_cpu() - cpu


def forked(args: list[str], project: Path, env: dict[str, str]) -> tuple[float, float]:
    cpu, t0 = _server_children_cpu(), time.perf_counter()
    ended = launcher.run_worker(args, cwd=project, env=env, timeout=120)
    assert ended.code == 0, ended.stderr
    return time.perf_counter() - t0, _server_children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    top = Path(tempfile.mkdtemp(prefix="kanguri-worker-start-"))
    project = toy.make_project(top / "project")
    env = os.environ | {
        "KANGURI_ROOT": str(project),
        "KANGURI_CACHE": str(top / "cache"),
        "PYTHONHASHSEED": "0",
    }

    t0 = time.perf_counter()
    launcher.run_worker(["toy-mean", "quick", str(top / "warm-up")], cwd=project, env=env, timeout=120)
    print(f"first forked worker, the server's start included: {time.perf_counter() - t0:.2f} s wall")

    rows: dict[str, list[tuple[float, float]]] = {
        "python -m kanguri.worker": [],
        "forked from the server": [],
    }
    for i in range(repeats):
        for name, start in zip(rows, (fresh, forked), strict=True):
            out = top / f"{name[:6]}-{i}"
            out.mkdir()
            rows[name].append(start(["toy-mean", "quick", str(out)], project, env))
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; {repeats} runs each")
    for name, runs in rows.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"  {name:26s} wall min {min(walls):.2f} s, median {statistics.median(walls):.2f} s; "
            f"CPU min {min(cpus):.2f} s, median {statistics.median(cpus):.2f} s"
        )


if __name__ == "__main__":
    main()
