"""The GPU run's script and what happens to its records: its smoke mode runs on the CPU (so the GPU run does not
fail on a bug), writes records and a manifest as it goes, and `kanguri freeze --from` adopts what it returns."""

from __future__ import annotations

import json
import subprocess
import sys

from kanguri import cache, frozen, registry, render
from tests.site_build import REPO

SCRIPT = REPO / "benchmarks" / "gpu_full.py"


def test_the_plan_names_real_claims_whose_full_profile_exists():
    sys.path.insert(0, str(SCRIPT.parent))
    import gpu_full

    assert sum(s for _, s in gpu_full.PLAN) <= gpu_full.TOTAL_BUDGET_S
    for cid, _ in gpu_full.PLAN:
        assert registry.load(cid).config("full") is not None


def test_the_smoke_run_writes_records_and_a_manifest_as_it_goes(toy_project, tmp_path):
    out = tmp_path / "gpu"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--claims", "toy-mean", "--out", str(out)],
        cwd=toy_project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["profile"] == "quick" and "torch" in manifest["device"]
    assert manifest["claims"] == [
        {
            "claim": "toy-mean",
            "status": "ok",
            "seconds": manifest["claims"][0]["seconds"],
            "verdict": "supported",
        }
    ]
    assert (out / "quick" / "toy-mean" / "record.json").is_file()


def test_freeze_from_adopts_returned_records_and_the_page_shows_them(toy_project, tmp_path):
    from kanguri import worker

    out = tmp_path / "returned" / "toy-mean"
    out.mkdir(parents=True)
    record = {"claim": "toy-mean", "profile": "full"} | worker.run("toy-mean", "full", out)
    record["accelerator"] = "NVIDIA H200"
    record["decision"]["verdict"] = "partly"  # as if the GPU run had said otherwise
    (out / "record.json").write_text(json.dumps(record), encoding="utf-8")
    (written,) = frozen.adopt("full", out.parent)
    assert written == cache.frozen_dir("toy-mean", "full")
    claim = registry.load("toy-mean")
    key = cache.key("toy-mean", "full", claim.config("full"), claim.seed)
    adopted = cache.load_frozen("toy-mean", "full", key)
    assert adopted is not None and adopted["origin"] == "frozen"
    (tmp_path / "site-out").mkdir()
    site = worker.run("toy-mean", "site", tmp_path / "site-out") | {"claim": "toy-mean", "profile": "site"}
    for lang, said in (("en", "on NVIDIA H200, where the site profile"), ("ja", "NVIDIA H200 での判定です")):
        ctx = render.PageContext(
            lang=lang, records={"toy-mean": site}, page_dir="claims/toy-mean", claim_id="toy-mean"
        )
        page = render.render_page("", ctx)
        assert said in page and "kg-chip kg-fragile" in page  # the hardware is one more knob
