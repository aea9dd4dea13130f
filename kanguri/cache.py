"""Content-addressed cache of result records.

A record is valid for a key: the hash of the claim's source, every project module it imports (followed
transitively through ``claims/`` and ``experiments/``), the figure renderer, the profile's parameters, the
seed and the versions of the numerical libraries. Same key, same numbers: no re-run. Entries are written
atomically (staged, then renamed) and verified (a manifest of sha256 sums) when read; a corrupt or partial
entry reads as missing, so it is recomputed.
"""

from __future__ import annotations

import ast
import atexit
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from filelock import FileLock

from kanguri.paths import PACKAGE_DIR, cache_dir, module_name, root

log = logging.getLogger("kanguri")

RECORD_FORMAT = 3  # bump when the record layout changes (3: the essay place and the robustness map)
KEY_PACKAGES = ("torch", "pennylane", "pennylane_lightning", "snntorch", "numpy", "scipy", "matplotlib")
# engine code and words whose output is stored in the record: the figures, the kit (labels, standard check
# sentences), the rule (how sentences are filled and typeset) and the robustness map (how it is run)
ENGINE_SOURCES = (
    *(PACKAGE_DIR / f for f in ("figures.py", "kit.py", "rule.py", "robustness.py")),
    *sorted((PACKAGE_DIR / "locales").glob("checks.*.yml")),
)
LOCAL_PACKAGES = ("claims", "experiments")


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> dict[str, str]:
    return dict(_versions(names))


@cache  # installed versions do not change while a process runs; reading them costs ~15 ms a key
def _versions(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return tuple(out.items())


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
        stat = p.stat()
        todo += [
            f
            for n in _imported_names(p, stat.st_mtime_ns, stat.st_size)
            if (f := _module_file(n)) is not None
        ]
    return sorted(seen, key=lambda q: q.as_posix())


@cache  # per file version: a build asks for dozens of keys, and parsing every module each time cost ~2 s
def _imported_names(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return tuple(names)


def key(claim_id: str, profile: str, config: Any, seed: int) -> str:
    """The cache key of one claim at one profile."""
    h = hashlib.sha256()
    module = root() / "claims" / f"{module_name(claim_id)}.py"
    closure = source_closure(module)
    # each module's data beside it: messages (<module>.<lang>.yml), anchors, cited sources
    files = [
        *closure,
        *(y for f in closure for y in sorted(f.parent.glob(f"{f.stem}.*.yml"))),
        *ENGINE_SOURCES,
    ]
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
    try:
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(locks / f"{claim_id}.{profile}.lock")
        lock.acquire()
    except OSError as e:  # a read-only cache: the caller can still serve frozen records
        raise NotWritable(cache_dir(), e) from e
    try:
        yield
    finally:
        lock.release()


class NotWritable(OSError):
    """The cache cannot take a new record (a read-only folder or file system)."""

    def __init__(self, where: Path, cause: OSError) -> None:
        super().__init__(
            f"the record cache {where} is not writable ({cause.strerror or cause}); "
            "point KANGURI_CACHE at a writable folder"
        )


def staging_dir() -> Path:
    """A fresh folder to stage an entry in, named after this process so a later start can tell it is stale."""
    sweep_staging_once()
    d = cache_dir() / ".staging" / f"{os.getpid()}-{uuid.uuid4().hex}"
    try:
        d.mkdir(parents=True)
    except OSError as e:
        raise NotWritable(cache_dir(), e) from e
    return d


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists (a zombie does too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


STALE_STAGING_S = (
    86_400  # a staging folder named without its owner's pid (older versions) is stale after a day
)


def sweep_staging(max_age_s: float = STALE_STAGING_S) -> None:
    """Remove staging folders that no live process owns (their command was killed, ``kill -9`` or a crash).

    A folder is named ``<pid>-<uuid>`` after the process that staged it; one without a pid is removed once it
    is a day old."""
    _sweep(cache_dir(), max_age_s)


def _sweep(where: Path, max_age_s: float) -> None:
    for d in (where / ".staging").glob("*"):
        pid, _, rest = d.name.partition("-")
        try:
            if pid.isdigit() and rest:
                stale = int(pid) != os.getpid() and not alive(int(pid))
            else:
                stale = time.time() - d.stat().st_mtime > max_age_s
        except FileNotFoundError:  # another process swept it first
            continue
        if stale:
            shutil.rmtree(d, ignore_errors=True)


def sweep_staging_once() -> None:
    """On this process's first run against this cache, not on every one."""
    _swept(cache_dir())


@cache
def _swept(where: Path) -> None:
    _sweep(where, STALE_STAGING_S)


def load(claim_id: str, profile: str, want_key: str | None = None) -> dict | None:
    """The cached record, or None when missing, stale (other key) or corrupt (then it is removed)."""
    return load_dir(entry_dir(claim_id, profile), want_key, of=(claim_id, profile))


def frozen_dir(claim_id: str, profile: str) -> Path:
    """Where ``kanguri freeze`` keeps a claim's committed record (see :mod:`kanguri.frozen`)."""
    return root() / "results" / profile / claim_id


def load_frozen(claim_id: str, profile: str, want_key: str | None = None) -> dict | None:
    """The frozen record, or None when there is none, its key differs, or it is corrupt (it is then ignored)."""
    return load_dir(frozen_dir(claim_id, profile), want_key, remove_corrupt=False, of=(claim_id, profile))


def load_dir(
    d: Path, want_key: str | None = None, remove_corrupt: bool = True, of: tuple[str, str] | None = None
) -> dict | None:
    """The record sealed in ``d``, or None when missing, of another key, or failing its checksums.

    ``of`` is the (claim, profile) the record must belong to: a copy of another claim's record, its manifest's
    key rewritten, is not taken. The manifest must list the record and each of its figures; a file it does not
    list is never served (a cache entry holding one is recomputed, a frozen record's is left out on adoption).
    """
    manifest_path = d / "manifest.json"
    if not manifest_path.exists():
        return None
    try:
        manifest = json.loads(manifest_path.read_text())
        if want_key is not None and manifest["key"] != want_key:
            return None
        listed = manifest["files"]
        if bad := [n for n in listed if Path(n).name != n or n in ("", ".", "..", "manifest.json")]:
            raise ValueError(f"its manifest names {bad}, not files of the record's own folder")
        for name, digest in listed.items():
            if _sha(d / name) != digest:
                raise ValueError(f"{name} does not match its checksum")
        record = json.loads((d / "record.json").read_text(encoding="utf-8"))
        _check_sealed(record, listed, manifest["key"], of)
        if remove_corrupt and (stray := unlisted(d, listed)):
            raise ValueError(f"{', '.join(stray)} not in its manifest")
        record["dir"] = str(d)
        return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:  # JSONDecodeError: a ValueError
        if remove_corrupt:
            log.warning("kanguri: cache entry %s is corrupt (%s); it will be recomputed", d, e)
            shutil.rmtree(d, ignore_errors=True)
        else:
            log.warning("kanguri: record %s is corrupt (%s); it is ignored", d, e)
        return None


def _check_sealed(record: dict, listed: dict, key: str, of: tuple[str, str] | None) -> None:
    """The record is the one the manifest seals: its claim, profile and key, every file it names listed."""
    if of is not None and (record.get("claim"), record.get("profile")) != of:
        raise ValueError(f"it holds the record of {record.get('claim')} at {record.get('profile')}, not {of}")
    if record.get("key", key) != key:
        raise ValueError(f"its record has key {record.get('key')}, its manifest {key}")
    figures = [f for by_lang in (record.get("figures") or {}).values() for f in by_lang.values()]
    missing = [f for f in ["record.json", *figures] if f not in listed]
    if missing:
        raise ValueError(f"its manifest does not list {', '.join(missing)}")


def unlisted(d: Path, listed: dict) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name not in listed and p.name != "manifest.json")


def seal(d: Path, record_key: str) -> None:
    """Write the manifest: the key and a checksum of every file, so a damaged copy reads as missing."""
    files = {p.name: _sha(p) for p in sorted(d.iterdir()) if p.is_file() and p.name != "manifest.json"}
    (d / "manifest.json").write_text(json.dumps({"key": record_key, "files": files}, indent=1))


def adopt(source: Path, claim_id: str, profile: str, record_key: str) -> Path:
    """Copy a sealed entry from elsewhere (a frozen record) into the cache, atomically: only the files its
    manifest lists (checked by :func:`load_dir`), so a stray file beside them is never published."""
    staged = staging_dir()
    copy_listed(source, staged)
    return commit(staged, claim_id, profile, record_key)


def copy_listed(source: Path, dest: Path) -> None:
    for name in json.loads((source / "manifest.json").read_text())["files"]:
        shutil.copy2(source / name, dest / name)


def serve_frozen(source: Path) -> Path:
    """The listed files of a frozen record in a private folder, for a build whose cache is read-only (the
    frozen folder itself may hold unlisted files). It lasts as long as this process."""
    d = Path(tempfile.mkdtemp(prefix="kanguri-frozen-"))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    copy_listed(source, d)
    shutil.copy2(source / "manifest.json", d / "manifest.json")
    return d


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
