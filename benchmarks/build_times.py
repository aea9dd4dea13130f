"""Site build times: cold (empty cache), warm (nothing changed) and after touching one claim.

    .venv/bin/python benchmarks/build_times.py [--profile site]

Goal (issue #2): warm ≤ 2 % of cold; touched-one ≈ that claim's own run time. Each build is a real
`mkdocs build --strict` in a subprocess, against a private cache and output folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(site: Path, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="site", choices=("quick", "site", "full"))
    ap.add_argument("--claim", default="parameter-shift-cost", help="the claim to touch")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "KANGURI_CACHE": f"{tmp}/cache",
            "KANGURI_PROFILE": args.profile,
            "NO_MKDOCS_2_WARNING": "1",
        }
        site = Path(tmp) / "site"
        cold = build(site, env)
        warm = min(build(site, env) for _ in range(3))
        claim_file = ROOT / "claims" / f"{args.claim.replace('-', '_')}.py"
        original = claim_file.read_text(encoding="utf-8")
        try:
            claim_file.write_text(original + "\n# touched by benchmarks/build_times.py\n", encoding="utf-8")
            touched = build(site, env)
        finally:
            claim_file.write_text(original, encoding="utf-8")
        record = json.loads((Path(tmp) / "cache" / args.claim / args.profile / "record.json").read_text())
    print(f"profile            {args.profile}")
    print(f"cold build         {cold:8.1f} s")
    print(f"warm build         {warm:8.2f} s   ({100 * warm / cold:.1f} % of cold; goal ≤ 2 %)")
    print(f"touched one claim  {touched:8.1f} s   (that claim's own run: {record['wall_seconds']:.1f} s)")


if __name__ == "__main__":
    main()
