"""Runs one claim at one profile and writes its record, in a process of its own: the runner forks it from a
warm server (``kanguri.launcher``); by hand it is

    python -m kanguri.worker <claim-id> <profile> <out-dir>

Writes ``record.json`` and one SVG per figure and language into ``out-dir``; exits non-zero on failure
(the record then says why).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import inspect
import json
import multiprocessing
import os
import random
import resource
import select
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from kanguri import figures, progress, provenance, registry, robustness
from kanguri.claim import Claim, checked_report, evidence_of
from kanguri.errors import ClaimError
from kanguri.paths import data_dir
from kanguri.report import Figure, Report
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


def _report(claim_id: str, claim: Claim, result: Any) -> Report:
    """The claim's report; a malformed value, table or figure is named with the claim, in one sentence."""
    assert claim.report is not None
    try:
        return claim.report(result)
    except ValidationError as e:
        what = [
            (f"{e.title} {'.'.join(map(str, err['loc']))}: " if err["loc"] else "")
            + err["msg"].removeprefix("Value error, ")
            for err in e.errors()
        ]
        raise ClaimError(f"claim {claim_id}: report " + "; ".join(what)) from e


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """Exit, with the trial processes this worker started, as soon as ``parent`` (the runner) is gone.

    After ``kill -9`` of the command nobody would read the record, yet the worker would run to its end; a
    watching thread (not a signal: a long torch or numpy call would delay a handler) stops it instead. The
    runner is watched by its pid, not as this process's parent: a worker forked from the fork server
    (``kanguri.launcher``) is the server's child, and the server lives as long as its children do.
    """

    def watch() -> None:
        wait_for_exit(parent, every_s)
        for child in multiprocessing.active_children():  # the local pool's trial processes
            child.kill()
        os._exit(70)

    threading.Thread(target=watch, name="kanguri-exit-with-parent", daemon=True).start()


def wait_for_exit(pid: int, every_s: float) -> None:
    """Return once process ``pid`` has ended: a pidfd on Linux (readable as soon as it ends, zombie or not),
    else by polling."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # no pidfd here (macOS)
        with contextlib.suppress(ProcessLookupError):
            while True:
                os.kill(pid, 0)
                time.sleep(every_s)
        return
    select.select([fd], [], [])
    os.close(fd)


def figure_languages(fig: Figure) -> list[str]:
    """Japanese, English, and any further language every text of the figure is written in (a claim whose
    catalogue adds ``<module>.<lang>.yml`` gets its figures drawn in that language too)."""
    texts = [fig.title, fig.caption, fig.xlabel, fig.ylabel, *(s.label for s in fig.series)]
    common = set.intersection(*(set(t.texts()) for t in texts))
    return [*LANGS, *sorted(common - set(LANGS))]


MAPPED_PROFILES = ("site", "full")  # the profiles whose records carry the robustness map


def _at_one_spec(claim: Claim, config: Any) -> dict[str, Any]:
    """Experiment, rule, control and headline at one specification of the robustness map."""
    assert claim.rule is not None and claim.control is not None and claim.report is not None
    seed_everything(claim.seed)
    result = _call_experiment(claim, config)
    evidence = evidence_of(claim.id, result)
    decision, control = claim.rule.decide(evidence), claim.control.decide(evidence)
    value = claim.report(result).values.get(claim.headline or "")
    return {
        "verdict": decision.verdict,
        "checks": decision.checks,
        "undetermined": decision.undetermined,
        "control": control.verdict,
        "control_facts": to_plain(control.facts),
        "headline": None if value is None else to_plain(value.model_dump(include={"value", "lo", "hi"})),
    }


def robustness_map(claim: Claim, verdict: str) -> dict[str, Any] | None:
    """The verdict across the claim's knobs (None when it declares none); the label counts the main verdict."""
    if claim.robustness is None:
        return None
    mapped = robustness.run_map(
        claim.robustness, claim.config(claim.robustness.base), lambda cfg: _at_one_spec(claim, cfg)
    )
    verdicts = [s["verdict"] for s in mapped["specs"] if not s["null"]]
    return mapped | {"label": robustness.label([*verdicts, verdict])}


def run(claim_id: str, profile: str, out: Path) -> dict:
    claim = registry.load(claim_id)
    essay = registry.entry(claim_id).essay
    if claim.kind == "opinion":
        return _opinion(claim) | {"essay": essay.plain() if essay else None}
    assert claim.rule is not None and claim.control is not None and claim.report is not None
    config = claim.config(profile)
    seed_everything(claim.seed)
    t0 = time.perf_counter()
    result = _call_experiment(claim, config)
    seconds = time.perf_counter() - t0
    evidence = evidence_of(claim_id, result)
    decision, control = claim.rule.decide(evidence), claim.control.decide(evidence)
    report = checked_report(claim_id, _report(claim_id, claim, result), claim.headline, claim.trains)
    mapped = robustness_map(claim, decision.verdict) if profile in MAPPED_PROFILES else None
    figure_files: dict[str, dict[str, str]] = {}
    for name, fig in report.figures.items():
        figure_files[name] = {}
        for lang in figure_languages(fig):
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
        "essay": essay.plain() if essay else None,
        "robustness": mapped,
    }


def main(argv: list[str]) -> int:
    claim_id, profile, out = argv[0], argv[1], Path(argv[2])
    exit_with_parent(int(os.environ.get("KANGURI_PARENT_PID") or os.getppid()))
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
    if code:
        print(record["traceback"], file=sys.stderr)
    try:
        (out / "record.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as e:  # a full disk (ENOSPC): the runner shows this last line as the cause
        print(f"cannot write the record {out / 'record.json'}: {e.strerror or e}", file=sys.stderr)
        return 3
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
