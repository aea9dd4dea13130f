"""What ``make test`` spends on each claim: its quick run, the walkthrough notebooks' second run (the changed
seed), and the notebooks' kernels, one per language or one shared by both languages.

    .venv/bin/python benchmarks/test_costs.py [--claims ID ...]

Per claim, in a private cache: the quick run (``pytest claims/`` does it once); the quick run at the next seed
(what each notebook's second half shows; computed once, then a cache hit for the other language); then, with
both records cached, each language's notebook in a kernel of its own (as builds did) and both languages in one
kernel (as :func:`kanguri.notebooks.build` does now). Also says whether the frozen notebooks are current: when
they are, a fresh clone's ``make test`` executes no notebook at all. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from kanguri import notebooks, registry, runner
from kanguri.notebook import profile_name
from kanguri.paths import root
from kanguri.text import LANGS


def seconds(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def in_kernels(cid: str, shared: bool) -> float:
    """Execute both languages' notebooks, in one kernel or in one kernel each; the wall time."""
    books = [notebooks._notebook(cid, lang, notebooks.script(cid, lang)) for lang in LANGS]
    t0 = time.perf_counter()
    if shared:
        with notebooks.kernel() as km:
            for nb in books:
                notebooks.execute(nb, km)
    else:
        for nb in books:
            with notebooks.kernel() as km:
                notebooks.execute(nb, km)
    return time.perf_counter() - t0


def frozen_current(cid: str) -> bool:
    names = [notebooks._cached(cid, lang, notebooks.script(cid, lang)).name for lang in LANGS]
    return all((root() / "results" / "notebooks" / n).is_file() for n in names)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", nargs="+", default=None)
    args = ap.parse_args()
    ids = args.claims or registry.implemented()
    totals = dict.fromkeys(("quick", "seed", "apart", "shared"), 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["KANGURI_CACHE"] = str(Path(tmp) / "cache")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
        print(f"{'claim':34} {'quick':>7} {'seed+1':>7} {'2 kernels':>10} {'1 kernel':>9}  frozen notebooks")
        for cid in ids:
            claim = registry.load(cid)
            row = dict.fromkeys(totals, 0.0)
            row["quick"] = seconds(lambda c=cid: runner.run(c, "quick"))
            if claim.kind != "opinion":
                seed = profile_name("quick", {"seed": claim.config("quick").seed + 1})
                row["seed"] = seconds(lambda c=cid, s=seed: runner.run(c, s))
            row["apart"], row["shared"] = in_kernels(cid, shared=False), in_kernels(cid, shared=True)
            current = "current" if frozen_current(cid) else "stale: executed by make test"
            print(
                f"{cid:34} {row['quick']:7.1f} {row['seed']:7.1f} {row['apart']:10.1f} {row['shared']:9.1f}  "
                f"{current}",
                flush=True,
            )
            totals = {k: totals[k] + row[k] for k in totals}
    print(
        f"{'total (s)':34} {totals['quick']:7.1f} {totals['seed']:7.1f} {totals['apart']:10.1f} "
        f"{totals['shared']:9.1f}"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
