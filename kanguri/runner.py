"""Runs claims: a cached record when the key matches, else a frozen one (``results/``) with that key, otherwise
the worker in a process of its own (``kanguri.launcher``) with a timeout. A file lock per entry makes concurrent
builds compute it once."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

from kanguri import cache, launcher, registry
from kanguri.claim import Claim
from kanguri.paths import root

log = logging.getLogger("kanguri")


def failed_record(claim_id: str, profile: str, error: str, **extra) -> dict:
    return {"claim": claim_id, "profile": profile, "status": "failed", "error": error, **extra}


def run(claim_id: str, profile: str, *, force: bool = False, progress: bool = False) -> dict:
    """The record of ``claim_id`` at ``profile``: from the cache, or freshly computed and cached.

    A failure (exception, crash, timeout, malformed definition) comes back as a record with
    ``status == "failed"`` and is not cached, so the next build tries again.
    """
    cache.sweep_staging_once()  # what a killed build left half-written
    try:
        claim = registry.load(claim_id)
        config = None if claim.kind == "opinion" else claim.config(profile)  # an opinion runs nothing
        record_key = cache.key(claim_id, profile, config, claim.seed)
    except Exception as e:  # a broken definition must not take the site down
        return failed_record(claim_id, profile, f"{type(e).__name__}: {e}")
    if not force and (hit := cache.load(claim_id, profile, record_key)) is not None:
        hit["cached"] = True
        return hit
    try:
        with cache.claimed(claim_id, profile):
            if not force and (hit := cache.load(claim_id, profile, record_key)) is not None:
                hit["cached"] = True  # another process computed it while this one waited
                return hit
            if not force and (frozen_record := cache.load_frozen(claim_id, profile, record_key)) is not None:
                entry = cache.adopt(Path(frozen_record["dir"]), claim_id, profile, record_key)
                return frozen_record | {"dir": str(entry), "cached": True}
            return _compute(claim, claim_id, profile, record_key, progress)
    except cache.NotWritable as e:
        return _read_only(claim_id, profile, record_key, force, e)


def _read_only(claim_id: str, profile: str, record_key: str, force: bool, error: OSError) -> dict:
    """A read-only cache still serves the frozen records; only a claim that must compute fails, saying why."""
    if not force and (frozen_record := cache.load_frozen(claim_id, profile, record_key)) is not None:
        return frozen_record | {"dir": str(cache.serve_frozen(Path(frozen_record["dir"]))), "cached": True}
    return failed_record(
        claim_id, profile, f"{error}; claim {claim_id} has no frozen record to serve", key=record_key
    )


def _compute(claim: Claim, claim_id: str, profile: str, record_key: str, progress: bool) -> dict:
    staged = cache.staging_dir()
    timeout = claim.timeout_s.get(profile, 900)
    # OpenMP threads that spin while they wait slow a busy machine down tenfold (measured: barren-plateaus'
    # quick profile went from 28 s to over 300 s beside two CPU burners); passive waiting yields the core
    env = launcher.environment(
        defaults={"OMP_WAIT_POLICY": "PASSIVE"},
        overrides={
            "KANGURI_PROGRESS": "1" if progress else "0",
            "PYTHONHASHSEED": "0",
            "KANGURI_PARENT_PID": str(os.getpid()),  # the worker exits when this process dies (kill -9)
        },
    )
    t0 = time.perf_counter()
    try:
        ended = launcher.run_worker(
            [claim_id, profile, str(staged)], cwd=root(), env=env, timeout=timeout, show_stderr=progress
        )
    except OSError as e:  # no worker could start, or its server was lost: a failed record that says so
        shutil.rmtree(staged, ignore_errors=True)
        return failed_record(claim_id, profile, str(e), key=record_key)
    if ended.code is None:
        shutil.rmtree(staged, ignore_errors=True)
        return failed_record(claim_id, profile, f"timed out after {timeout} s", key=record_key)
    wall = time.perf_counter() - t0
    try:
        if not (staged / "record.json").is_file():  # a regular file: a device (/dev/full) would read forever
            raise OSError("no record")
        record = json.loads((staged / "record.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shutil.rmtree(staged, ignore_errors=True)
        tail = ended.stderr
        error = f"worker exited with code {ended.code}"
        if last := _last_line(tail):
            error += f": {last}"
        return failed_record(claim_id, profile, error, traceback=tail)
    record |= {"key": record_key, "wall_seconds": wall, "origin": "computed"}
    if ended.code != 0 or record.get("status") != "ok":
        shutil.rmtree(staged, ignore_errors=True)
        record["status"] = "failed"
        return record
    try:
        (staged / "record.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        record["dir"] = str(cache.commit(staged, claim_id, profile, record_key))
    except OSError as e:  # a full disk: say so, not a traceback from deep inside the build
        shutil.rmtree(staged, ignore_errors=True)
        return failed_record(
            claim_id, profile, f"cannot write the record into the cache {cache.cache_dir()}: {e}"
        )
    record["cached"] = False
    return record


def _last_line(stderr: str) -> str:
    """The last line the worker wrote: the exception, or why it could not write its record."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return lines[-1] if lines else ""


def verdict_holds(claim_id: str, record: dict) -> bool:
    """The evidence supports the stated verdict and the negative control is rejected."""
    if record.get("status") != "ok":
        return False
    claim = registry.load(claim_id)
    control_rejected = record["control"] is None or record["control"]["verdict"] == "not-supported"
    return record["decision"]["verdict"] == claim.expected and control_rejected
