"""Are verdicts steady on a busy machine? Runs `pytest claims/` several times, each with a fresh record cache,
while CPU-burning processes compete for the cores, and prints how many runs passed.

    .venv/bin/python benchmarks/busy_machine.py            # 5 runs, 2 burners
    .venv/bin/python benchmarks/busy_machine.py --runs 1 --burners 2 -- -k parameter

The burners are plain Python loops (one per requested burner) started here and stopped when the script ends,
whatever happens. The load average is printed beside each run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def burn() -> None:
    x = 0
    while True:  # stopped by terminate()
        x = (x * 1103515245 + 12345) % 2**31


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--burners", type=int, default=2)
    p.add_argument("pytest_args", nargs="*", help="extra arguments for pytest, after --")
    args = p.parse_args()

    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for b in burners:
        b.start()
    passed = 0
    try:
        time.sleep(5)  # let the load build up
        for i in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory(prefix="kanguri-busy-") as cache:
                env = os.environ | {"KANGURI_CACHE": cache}
                cmd = [
                    sys.executable,
                    "-m",
                    "pytest",
                    "claims/",
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    *args.pytest_args,
                ]
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
                seconds = time.perf_counter() - t0
            ok = proc.returncode == 0
            passed += ok
            summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            load = os.getloadavg()[0]
            print(
                f"run {i}/{args.runs}: {'PASS' if ok else 'FAIL'} in {seconds:.0f} s, load {load:.1f}: {summary}"
            )
            if not ok:
                print(proc.stdout[-3000:], file=sys.stderr)
    finally:
        for b in burners:
            b.terminate()
        for b in burners:
            b.join()
    print(
        f"{passed}/{args.runs} runs of `pytest claims/` passed with {args.burners} CPU burners on {os.cpu_count()} cores"
    )
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
