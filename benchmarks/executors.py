"""The cost of the dask executor, and what running claims concurrently buys.

    .venv/bin/python benchmarks/executors.py [--claim efficiency-over-scale] [--repeats 3] [--all-profile site]

1. One claim's quick profile, run afresh, with its trials on the local process pool, on an embedded dask
   LocalCluster started by the claim's worker, and on a dask cluster that is already running (what
   ``kanguri run all --executor dask`` provides). The runs are interleaved and the minimum of ``--repeats`` is
   kept. Goal: dask within 10 % of local.
2. ``kanguri run all`` at ``--all-profile``, in a private cache: claims one after another on the local pool,
   against claims running concurrently on one dask cluster (``--executor dask``). One run each: they are long.

Timings: the load average is printed with them. Skip part 2 with ``--all-profile none``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from kanguri import runner


def _once(claim: str, executor: str, scheduler: str | None, cache: str) -> float:
    os.environ |= {"KANGURI_EXECUTOR": executor, "KANGURI_CACHE": cache}
    os.environ.pop("KANGURI_SCHEDULER", None)
    if scheduler:
        os.environ["KANGURI_SCHEDULER"] = scheduler
    t0 = time.perf_counter()
    record = runner.run(claim, "quick", force=True)
    if record.get("status") != "ok":
        raise SystemExit(f"{claim} failed on {executor}: {record.get('error')}")
    return time.perf_counter() - t0


def overhead(claim: str, repeats: int) -> None:
    from distributed import LocalCluster

    with (
        tempfile.TemporaryDirectory() as cache,
        LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
    ):
        times: dict[str, list[float]] = {"local": [], "dask (embedded)": [], "dask (running cluster)": []}
        for _ in range(repeats):
            times["local"].append(_once(claim, "local", None, cache))
            times["dask (embedded)"].append(_once(claim, "dask", None, cache))
            times["dask (running cluster)"].append(_once(claim, "dask", cluster.scheduler_address, cache))
    base = min(times["local"])
    print(
        f"\n{claim}, quick profile, min of {repeats} (load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores)"
    )
    for name, ts in times.items():
        print(f"  {name:24} {min(ts):7.1f} s   {100 * (min(ts) / base - 1):+6.1f} %")


def run_all(profile: str) -> None:
    results = {}
    for label, extra in (("one after another (local)", []), ("concurrent (dask)", ["--executor", "dask"])):
        with tempfile.TemporaryDirectory() as cache:
            env = os.environ | {"KANGURI_CACHE": cache}
            env.pop("KANGURI_SCHEDULER", None)
            env.pop("KANGURI_EXECUTOR", None)
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "kanguri.cli", "run", "all", "--profile", profile, *extra],
                env=env,
                capture_output=True,
                text=True,
            )
            results[label] = (time.perf_counter() - t0, load, proc.returncode)
    print(f"\nkanguri run all --profile {profile}, fresh cache")
    for label, (wall, load, code) in results.items():
        print(f"  {label:28} {wall:7.1f} s   (load before {load:.2f}, exit {code})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claim", default="efficiency-over-scale")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--all-profile", default="site", choices=["quick", "site", "none"])
    args = ap.parse_args()
    overhead(args.claim, args.repeats)
    if args.all_profile != "none":
        run_all(args.all_profile)


if __name__ == "__main__":
    main()
