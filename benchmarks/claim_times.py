"""Wall time and peak memory of every claim's experiment, per profile, run afresh in a private cache.

    .venv/bin/python benchmarks/claim_times.py [--profiles quick site] [--claims ID ...]

The budgets live in the issues: every quick profile ≤ 30 s on 2 cores (data-limited-scaling ≤ 90 s), new
claims' quick ≤ 20 s and site ≤ 45 or 60 s. Run it on a quiet machine: the numbers are timings, and the load
average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import tempfile

from kanguri import registry, runner


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profiles", nargs="+", default=["quick", "site"])
    ap.add_argument("--claims", nargs="+", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANGURI_CACHE"] = tmp
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"{'claim':28} {'profile':8} {'wall (s)':>9} {'experiment (s)':>15} {'peak MB':>8}  verdict")
        for cid in args.claims or registry.implemented():
            for profile in args.profiles:
                r = runner.run(cid, profile)
                verdict = r["decision"]["verdict"] if r.get("status") == "ok" else f"FAILED: {r.get('error')}"
                print(
                    f"{cid:28} {profile:8} {r.get('wall_seconds', float('nan')):9.1f} "
                    f"{r.get('experiment_seconds', float('nan')):15.1f} {r.get('peak_memory_mb', float('nan')):8.0f}"
                    f"  {verdict}",
                    flush=True,
                )
                values = r.get("report", {}).get("values", {})
                if cid == "data-limited-scaling" and "utilisation" in values:
                    print(
                        f"{'':28} training throughput {values['tokens_per_s']['value']:.0f} characters/s on the "
                        f"largest model = {values['utilisation']['value']:.0%} of the one-thread matmul rate "
                        f"({values['matmul']['value']:.1f} GFLOP/s)"
                    )

    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
