"""Runs one claim at one profile and writes its record. Always started in a subprocess by the runner.

    python -m kanguri.worker <claim-id> <profile> <out-dir>

Writes ``record.json`` and one SVG per figure and language into ``out-dir``; exits non-zero on failure
(the record then says why).
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import json
import random
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from kanguri import figures, progress, provenance, registry
from kanguri.claim import Claim, checked_report, evidence_of
from kanguri.paths import data_dir
from kanguri.report import Report
from kanguri.rule import Decision
from kanguri.text import LANGS


def to_plain(x: Any) -> Any:
    """A result as JSON-ready data: dataclasses to dicts, numpy to Python numbers and lists."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: to_plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, dict):
        return {str(k): to_plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [to_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return to_plain(x.tolist())
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, float) and not np.isfinite(x):
        return None
    return x


def seed_everything(seed: int) -> None:
    """Global seeds, as a safety net: experiments derive their own generators from ``cfg.seed``.

    torch is seeded only when the claim already imported it (importing it costs seconds).
    """
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)


def _call_experiment(claim: Claim, config: Any) -> Any:
    """Call the experiment with the services it asks for by name: progress, data_dir, inputs, unverified."""
    assert claim.experiment is not None
    accepts = inspect.signature(claim.experiment).parameters
    offered: dict[str, Any] = {
        "progress": progress.track,
        "data_dir": data_dir(),
        "inputs": claim.sources.ranges() if claim.sources else None,
        "unverified": claim.sources.unverified() if claim.sources else frozenset(),
    }
    return claim.experiment(config, **{k: v for k, v in offered.items() if k in accepts})


def _opinion(claim: Claim) -> dict:
    assert claim.reason is not None
    decision = Decision(verdict="not-testable", reasons=[claim.reason])
    return {
        "status": "ok",
        "decision": decision.model_dump(),
        "control": None,
        "report": Report().model_dump(),
        "figures": {},
        "result": None,
        "params": None,
        "experiment_seconds": 0.0,
        "accelerator": "none",
    }


def run(claim_id: str, profile: str, out: Path) -> dict:
    claim = registry.load(claim_id)
    if claim.kind == "opinion":
        return _opinion(claim)
    assert claim.rule is not None and claim.control is not None and claim.report is not None
    config = claim.config(profile)
    seed_everything(claim.seed)
    t0 = time.perf_counter()
    result = _call_experiment(claim, config)
    seconds = time.perf_counter() - t0
    evidence = evidence_of(claim_id, result)
    decision, control = claim.rule.decide(evidence), claim.control.decide(evidence)
    report = checked_report(claim_id, claim.report(result), claim.headline)
    figure_files: dict[str, dict[str, str]] = {}
    for name, fig in report.figures.items():
        figure_files[name] = {}
        for lang in LANGS:
            path = out / f"{name}.{lang}.svg"
            figures.render(fig, lang, path)
            figure_files[name][lang] = path.name
    return {
        "status": "ok",
        "decision": decision.model_dump(),
        "control": control.model_dump(),
        "report": report.model_dump(),
        "figures": figure_files,
        "result": to_plain(result),
        "params": to_plain(config),
        "experiment_seconds": seconds,
        "accelerator": provenance.accelerator(),
    }


def main(argv: list[str]) -> int:
    claim_id, profile, out = argv[0], argv[1], Path(argv[2])
    record: dict[str, Any] = {"claim": claim_id, "profile": profile}
    try:
        record |= run(claim_id, profile, out)
        code = 0
    except Exception as e:  # the record carries the failure to the page; nothing is lost
        record |= {
            "status": "failed",
            "error": f"{type(e).__name__}: {e}",
            "traceback": traceback.format_exc(),
        }
        code = 1
    record["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    record["provenance"] = provenance.snapshot()
    (out / "record.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    if code:
        print(record["traceback"], file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
