"""Content-addressed cache of result records.

A record is valid for a key: the hash of the claim's source, every project module it imports (followed
transitively through ``claims/`` and ``experiments/``), the figure renderer, the profile's parameters, the
seed and the versions of the numerical libraries. Same key, same numbers: no re-run. Entries are written
atomically (staged, then renamed) and verified (a manifest of sha256 sums) when read; a corrupt or partial
entry reads as missing, so it is recomputed.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import logging
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock

from kanguri.paths import PACKAGE_DIR, cache_dir, module_name, root

log = logging.getLogger("kanguri")

RECORD_FORMAT = 2  # bump when the record layout changes
KEY_PACKAGES = ("torch", "pennylane", "pennylane_lightning", "snntorch", "numpy", "scipy", "matplotlib")
ENGINE_SOURCES = (PACKAGE_DIR / "figures.py",)  # engine code whose output is stored in the record
LOCAL_PACKAGES = ("claims", "experiments")


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")
    if parts[0] not in LOCAL_PACKAGES:
        return None
    base = root().joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def source_closure(path: Path) -> list[Path]:
    """``path`` and every project module it imports, transitively, in a stable order."""
    seen: dict[Path, None] = {}
    todo = [path]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen[p] = None
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            todo += [f for n in names if (f := _module_file(n)) is not None]
    return sorted(seen, key=lambda q: q.as_posix())


def key(claim_id: str, profile: str, config: Any, seed: int) -> str:
    """The cache key of one claim at one profile."""
    h = hashlib.sha256()
    module = root() / "claims" / f"{module_name(claim_id)}.py"
    sources = module.with_suffix(".sources.yml")  # a sourced or opinion claim's cited inputs
    files = source_closure(module) + list(ENGINE_SOURCES) + ([sources] if sources.is_file() else [])
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    is_config = dataclasses.is_dataclass(config) and not isinstance(config, type)
    params = dataclasses.asdict(config) if is_config else config
    meta = {
        "format": RECORD_FORMAT,
        "profile": profile,
        "seed": seed,
        "params": params,
        "versions": package_versions(),
    }
    h.update(json.dumps(meta, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entry_dir(claim_id: str, profile: str) -> Path:
    return cache_dir() / claim_id / profile


@contextmanager
def claimed(claim_id: str, profile: str) -> Iterator[None]:
    """Hold the right to compute one entry. Another process that wants the same entry waits, then finds it in
    the cache instead of computing it again. The lock is the operating system's (``flock``): a worker that
    crashes releases it, and its staged files never reach the entry."""
    locks = cache_dir() / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with FileLock(locks / f"{claim_id}.{profile}.lock"):
        yield


def staging_dir() -> Path:
    d = cache_dir() / ".staging" / uuid.uuid4().hex
    d.mkdir(parents=True)
    return d


def load(claim_id: str, profile: str, want_key: str | None = None) -> dict | None:
    """The cached record, or None when missing, stale (other key) or corrupt (then it is removed)."""
    return load_dir(entry_dir(claim_id, profile), want_key)


def frozen_dir(claim_id: str, profile: str) -> Path:
    """Where ``kanguri freeze`` keeps a claim's committed record (see :mod:`kanguri.frozen`)."""
    return root() / "results" / profile / claim_id


def load_frozen(claim_id: str, profile: str, want_key: str | None = None) -> dict | None:
    """The frozen record, or None when there is none, its key differs, or it is corrupt (it is then ignored)."""
    return load_dir(frozen_dir(claim_id, profile), want_key, remove_corrupt=False)


def load_dir(d: Path, want_key: str | None = None, remove_corrupt: bool = True) -> dict | None:
    """The record sealed in ``d``, or None when missing, of another key, or failing its checksums."""
    manifest_path = d / "manifest.json"
    if not manifest_path.exists():
        return None
    try:
        manifest = json.loads(manifest_path.read_text())
        if want_key is not None and manifest["key"] != want_key:
            return None
        for name, digest in manifest["files"].items():
            if _sha(d / name) != digest:
                raise ValueError(f"{name} does not match its checksum")
        record = json.loads((d / "record.json").read_text(encoding="utf-8"))
        record["dir"] = str(d)
        return record
    except (OSError, ValueError, KeyError, TypeError) as e:  # JSONDecodeError is a ValueError
        if remove_corrupt:
            log.warning("kanguri: cache entry %s is corrupt (%s); it will be recomputed", d, e)
            shutil.rmtree(d, ignore_errors=True)
        else:
            log.warning("kanguri: record %s is corrupt (%s); it is ignored", d, e)
        return None


def seal(d: Path, record_key: str) -> None:
    """Write the manifest: the key and a checksum of every file, so a damaged copy reads as missing."""
    files = {p.name: _sha(p) for p in sorted(d.iterdir()) if p.is_file() and p.name != "manifest.json"}
    (d / "manifest.json").write_text(json.dumps({"key": record_key, "files": files}, indent=1))


def adopt(source: Path, claim_id: str, profile: str, record_key: str) -> Path:
    """Copy a sealed entry from elsewhere (a frozen record) into the cache, atomically."""
    staged = staging_dir()
    shutil.rmtree(staged)
    shutil.copytree(source, staged)
    return commit(staged, claim_id, profile, record_key)


def commit(staged: Path, claim_id: str, profile: str, record_key: str) -> Path:
    """Seal ``staged`` with a manifest and move it into place atomically."""
    seal(staged, record_key)
    final = entry_dir(claim_id, profile)
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".old-{uuid.uuid4().hex}")
        final.rename(old)
    staged.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final
