"""Frozen records: the site's numbers committed to the repository, so a fresh clone builds in seconds.

After Quarto's ``freeze`` and showyourwork's cached outputs. ``kanguri freeze`` copies the current records of a
profile (record, figures, manifest) into ``results/<profile>/<claim>/``. A build that misses the cache takes a
frozen record whose key matches (same code, parameters and library versions) instead of running the claim;
only claims whose key differs run. ``kanguri verify`` re-runs every claim and compares its numbers with the
frozen ones: the check to run before publishing.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kanguri import cache, provenance, registry, runner
from kanguri.errors import ClaimError


def _store(cid: str, profile: str, source: Path, key: str, commit: str | None = None) -> Path:
    """Copy a record's folder into ``results/<profile>/<id>``, marked frozen and sealed with ``key``."""
    dest = cache.frozen_dir(cid, profile)
    dest.parent.mkdir(parents=True, exist_ok=True)
    staged = dest.with_name(f".{cid}.staged")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(source, staged)
    stored = json.loads((staged / "record.json").read_text(encoding="utf-8"))
    stored |= {"origin": "frozen", "key": key, "frozen_commit": commit or provenance.git_commit()}
    (staged / "record.json").write_text(json.dumps(stored, ensure_ascii=False, indent=1), encoding="utf-8")
    cache.seal(staged, key)
    shutil.rmtree(dest, ignore_errors=True)
    staged.rename(dest)
    return dest


def freeze(profile: str = "site", allow_dirty: bool = False) -> list[Path]:
    """Run (or reuse) every claim at ``profile`` and copy its record into ``results/<profile>/``.

    Records are frozen from a clean tree, whose commit each one names (``frozen_commit``), unless
    ``allow_dirty``. A failed claim is not frozen: its old frozen record, if any, stays, and the error is raised
    at the end.
    """
    commit = provenance.git_commit()
    if commit.endswith("+dirty") and not allow_dirty:
        raise RuntimeError(
            "the working tree has uncommitted changes: commit them first, so that each frozen record names the "
            "commit of its code (or pass --allow-dirty, and the records say +dirty)"
        )
    # every claim runs before any record is written: a claim computed after the first write would find the
    # tree changed and name its commit "+dirty"
    records = {cid: runner.run(cid, profile) for cid in registry.implemented()}
    written, failed = [], []
    for cid, record in records.items():
        if record.get("status") != "ok" or not record.get("dir"):
            failed.append(f"{cid}: {record.get('error')}")
            continue
        written.append(_store(cid, profile, Path(record["dir"]), record["key"], commit))
    if failed:
        raise RuntimeError("not frozen, the claims failed:\n" + "\n".join(failed))
    return written


def adopt(profile: str, source: Path) -> list[Path]:
    """Freeze records computed elsewhere (the GPU run: ``<source>/<id>/record.json``) under the key of the code
    as it is here; a failed or foreign record is refused, saying why."""
    written, refused = [], []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        cid = folder.name
        try:
            record = json.loads((folder / "record.json").read_text(encoding="utf-8"))
            claim = registry.load(cid)
        except (OSError, ValueError, ClaimError) as e:
            refused.append(f"{cid}: {e}")
            continue
        if record.get("status") != "ok" or record.get("claim") != cid or record.get("profile") != profile:
            refused.append(f"{cid}: status {record.get('status')}, profile {record.get('profile')}")
            continue
        key = cache.key(cid, profile, claim.config(profile), claim.seed)
        written.append(_store(cid, profile, folder, key))
    if refused:
        raise RuntimeError("not adopted:\n" + "\n".join(refused))
    return written


# --- verify ------------------------------------------------------------------------------------------
@dataclass
class Comparison:
    claim: str
    verdict_before: str | None
    verdict_after: str
    control_before: str | None
    control_after: str | None
    moved: list[str] = field(default_factory=list)  # one line per value that left its frozen interval
    note: str = ""  # no frozen record, or a corrupt one: nothing to compare with, so not verified
    error: str | None = None  # why the re-run failed

    @property
    def verdict_changed(self) -> bool:
        return self.verdict_before is not None and (
            self.verdict_before != self.verdict_after or self.control_before != self.control_after
        )

    @property
    def passed(self) -> bool:
        """Verified: the claim ran, a frozen record was there to compare with, and its verdicts held."""
        return self.error is None and not self.note and not self.verdict_changed


def _verdicts(record: dict) -> tuple[str, str | None]:
    if record.get("status") != "ok":
        return "failed", None
    control = record.get("control")
    return record["decision"]["verdict"], control["verdict"] if control else None


def moved_values(before: dict, after: dict, rel: float = 1e-9) -> list[str]:
    """Every report value of ``after`` that lies outside the frozen value's 95% interval (or, for a value
    without one, differs from it), and every value that appeared or disappeared."""
    old = before.get("report", {}).get("values", {})
    new = after.get("report", {}).get("values", {})
    lines = []
    for name in sorted(set(old) | set(new)):
        if name not in new or name not in old:
            lines.append(f"{name}: {'removed' if name not in new else 'added'}")
            continue
        a, b = old[name], new[name]
        x = b["value"]
        if a.get("lo") is not None and a.get("hi") is not None:
            if not a["lo"] <= x <= a["hi"]:
                lines.append(f"{name}: {x:.6g} is outside the frozen interval [{a['lo']:.6g}, {a['hi']:.6g}]")
        elif not math.isclose(x, a["value"], rel_tol=rel, abs_tol=0.0):
            lines.append(f"{name}: {x:.6g}, frozen {a['value']:.6g}")
    return lines


def verify(profile: str = "site", claims: list[str] | None = None) -> list[Comparison]:
    """Re-run every claim (or ``claims``) at ``profile``, ignoring the cache, and compare with its frozen record."""
    out = []
    for cid in registry.implemented() if claims is None else claims:
        before = cache.load_frozen(cid, profile)
        after = runner.run(cid, profile, force=True)
        v_after, c_after = _verdicts(after)
        error = None if after.get("status") == "ok" else str(after.get("error"))
        if before is None:
            corrupt = cache.frozen_dir(
                cid, profile
            ).exists()  # there, but unreadable or failing its checksums
            note = "the frozen record is corrupt" if corrupt else "no frozen record"
            out.append(Comparison(cid, None, v_after, None, c_after, note=note, error=error))
            continue
        v_before, c_before = _verdicts(before)
        moved = moved_values(before, after) if error is None else []
        out.append(Comparison(cid, v_before, v_after, c_before, c_after, moved, error=error))
    return out
