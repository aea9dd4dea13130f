"""The whole GPU run in one prepared script: the claims whose evidence a GPU changes, at their full profile, in
order of value, each within its own time budget, writing as it goes so that a run cut short still returns what
it measured.

    python benchmarks/gpu_full.py --out "$OUT"            # on the GPU machine: ≤ 8 minutes in all
    python benchmarks/gpu_full.py --smoke --out /tmp/gpu  # on a CPU: the quick profiles, to catch bugs (CI)
    kanguri freeze --profile full --from "$OUT/full"      # afterwards, here: into results/full/

Each claim runs in the engine's worker (a subprocess) with a timeout; its record, SVGs and the manifest
(GPU name, driver, CUDA and torch versions, clocks when readable) are written under ``--out`` before the next
claim starts. Claims left out stay CPU-only, and the reason is below.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("KANGURI_ROOT") or Path(__file__).resolve().parent.parent)  # the project
# (claim, seconds): in order of value. Why a GPU changes each one:
PLAN = (
    (
        "inference-is-memory-bound",
        150,
    ),  # bf16 roofline at HBM bandwidth: the CPU's balance (5.3) transfers poorly
    (
        "neuromorphic-hardware-gap",
        90,
    ),  # dense against sparse spiking steps on the hardware the essay asks about
    ("data-limited-scaling", 120),  # widths to 512, trained to convergence at every data budget
    ("barren-plateaus", 60),  # the statevector to n = 20 and more
    ("efficiency-over-scale", 45),  # the size sweep at sizes a CPU cannot reach
)
# CPU-only, and why: the quantum claims other than barren-plateaus simulate a few qubits (a GPU adds nothing);
# the sourced and opinion claims are arithmetic on cited numbers; process-supervision, spiking-bandwidth and
# repetition-vs-engineered-weights measure counts and accuracies that do not depend on the hardware.
TOTAL_BUDGET_S = 8 * 60
MARGIN_S = 20  # stop starting claims this close to the end


def gpu_manifest() -> dict:
    """What the device is: GPU name, driver, CUDA and torch versions, and clocks when nvidia-smi reads them."""
    import torch

    info: dict = {"torch": torch.__version__, "cuda": torch.version.cuda, "gpu": None}
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info |= {"gpu": props.name, "memory_gib": round(props.total_memory / 2**30, 1)}
    try:
        query = "driver_version,clocks.max.sm,clocks.max.mem"
        out = subprocess.run(
            ["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader"],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout.strip()  # fmt: skip
        driver, sm, mem = (x.strip() for x in out.splitlines()[0].split(","))
        info |= {"driver": driver, "clock_sm": sm, "clock_mem": mem}
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        info |= {"driver": None}
    return info


def run_claim(cid: str, profile: str, out: Path, budget_s: float) -> dict:
    """One claim in the engine's worker, within ``budget_s``; a summary line for the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "KANGURI_PROGRESS": "0",
        "PYTHONHASHSEED": "0",
        "KANGURI_PARENT_PID": str(os.getpid()),
    }
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kanguri.worker", cid, profile, str(out)],
            cwd=ROOT, env=env, timeout=budget_s, capture_output=True, text=True,
        )  # fmt: skip
        status = "ok" if proc.returncode == 0 else f"failed ({proc.stderr.strip().splitlines()[-1:]})"
    except subprocess.TimeoutExpired:
        status = f"cut off at its budget of {budget_s:.0f} s"
    seconds = time.perf_counter() - t0
    record = out / "record.json"
    verdict = (
        json.loads(record.read_text(encoding="utf-8")).get("decision", {}).get("verdict")
        if record.is_file()
        else None
    )
    return {"claim": cid, "status": status, "seconds": round(seconds, 1), "verdict": verdict}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "gpu-out")))
    parser.add_argument(
        "--smoke", action="store_true", help="quick profiles on a CPU, to catch bugs before a GPU run"
    )
    parser.add_argument("--claims", nargs="*", help="run only these (default: the whole plan)")
    parser.add_argument("--budget", type=float, default=TOTAL_BUDGET_S, help="seconds for the whole run")
    args = parser.parse_args(argv)
    profile = "quick" if args.smoke else "full"
    budgets = dict(PLAN)
    plan = [(c, budgets.get(c, 60)) for c in args.claims] if args.claims else list(PLAN)
    start = time.perf_counter()
    lines: list[dict] = []
    manifest: dict = {"profile": profile, "device": gpu_manifest(), "claims": lines}
    args.out.mkdir(parents=True, exist_ok=True)
    for cid, budget in plan:
        left = args.budget - (time.perf_counter() - start) - MARGIN_S
        if left <= 5:
            lines.append({"claim": cid, "status": "not started: the run's budget was spent"})
            continue
        line = run_claim(cid, profile, args.out / profile / cid, min(budget, left))
        lines.append(line)
        (args.out / "manifest.json").write_text(
            json.dumps(manifest, indent=1), encoding="utf-8"
        )  # as it goes
        print(f"{cid}: {line['status']}, {line['seconds']} s, verdict {line['verdict']}", flush=True)
    manifest["seconds"] = round(time.perf_counter() - start, 1)
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    print(f"done in {manifest['seconds']} s; records under {args.out / profile}")
    return 0 if all(c["status"] == "ok" for c in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
