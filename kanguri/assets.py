"""Files the pages link, copied next to them: each claim's figures and its downloads."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from kanguri.report import Report
from kanguri.text import L


def _published(record: dict) -> bool:
    return record.get("status") == "ok" and bool(record.get("dir"))


def cell_text(x: object, lang: str) -> object:
    """A table cell in a CSV file: text in the language (English where a cell lacks it), numbers as they are."""
    return x.texts().get(lang, x.en) if isinstance(x, L) else x


def write_downloads(records: dict[str, dict], notebooks_dir: Path, out: Path) -> None:
    """Each claim's downloads into ``out/<claim>/``: its notebooks and scripts (both languages), its record
    as JSON, and every table as CSV in each language."""
    for cid, record in records.items():
        if not _published(record):
            continue
        dest = out / cid
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(record["dir"]) / "record.json", dest / "record.json")
        for f in notebooks_dir.glob(f"{cid}.*"):
            shutil.copy2(f, dest / f.name)
        report = Report.model_validate(record["report"])
        for name, table in report.tables.items():
            # ja, en, and any language the claim's catalogue adds (a cell without it reads as on the page)
            for lang in sorted(set.intersection(*(set(t.texts()) for t in [table.caption, *table.columns]))):
                # utf-8-sig: a byte-order mark, so that Excel reads Japanese text as UTF-8, not Shift_JIS
                with (dest / f"{name}.{lang}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow([c(lang) for c in table.columns])
                    w.writerows([[cell_text(x, lang) for x in row] for row in table.rows])


def copy_figures(records: dict[str, dict], out: Path) -> None:
    """Every record's SVG figures into ``out/<claim>/``, where pages link them: the files the record names,
    not whatever else lies in its folder."""
    for cid, record in records.items():
        if _published(record):
            dest = out / cid
            dest.mkdir(parents=True, exist_ok=True)
            for by_lang in (record.get("figures") or {}).values():
                for name in by_lang.values():
                    shutil.copy2(Path(record["dir"]) / name, dest / Path(name).name)
