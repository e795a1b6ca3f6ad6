"""Writing output: Parquet pages and the quarantine, atomically, idempotently, byte-stable.

Each run merges into one file per table: rows from this run's input files and folders
replace the rows they wrote before (changed, deleted or now unreadable pages included),
other rows stay. Rows are sorted by (doc_id, source_path) and nothing time-dependent is written,
so the same inputs and config give the same bytes. Every file is written to a temporary
name in its own folder and renamed over the old one, so a crash leaves the old file whole.
"""

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.inputs import Rejected
from qingyang.schema import PAGES_SCHEMA

PAGES_FILE = Path("pages") / "pages.parquet"
QUARANTINE_INDEX = Path("quarantine") / "quarantine.jsonl"
QUARANTINE_FILES = Path("quarantine") / "files"


def replaced_by(source_path: str, run_files: set[str]) -> bool:
    """Whether a stored row belongs to this run: one of its files (JSONL rows are `FILE#LINE`)
    or under one of its input folders (given as `FOLDER/`), so deleted files drop out too.
    """
    if source_path in run_files or source_path.rpartition("#")[0] in run_files:
        return True
    return any(source_path.startswith(f) for f in run_files if f.endswith("/"))


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write `table` as zstd Parquet to a temporary file beside `path`, then rename it."""
    _atomic_write(path, lambda tmp: pq.write_table(
        table, tmp, compression="zstd", compression_level=3, write_statistics=True))


def read_pages(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return pq.read_table(path, schema=PAGES_SCHEMA).to_pylist()


def merge_pages(existing: Iterable[dict], rows: Iterable[dict], run_files: set[str]) -> pa.Table:
    kept = [row for row in existing if not replaced_by(row["source_path"], run_files)]
    merged = sorted([*kept, *rows], key=lambda row: (row["doc_id"], row["source_path"]))
    return pa.Table.from_pylist(merged, schema=PAGES_SCHEMA)


def write_pages(output_dir: Path, rows: list[dict], run_files: set[str]) -> tuple[Path, int]:
    """Merge this run's rows into `output_dir/pages/pages.parquet`; returns (path, total rows)."""
    path = Path(output_dir) / PAGES_FILE
    table = merge_pages(read_pages(path), rows, run_files)
    write_parquet_atomic(table, path)
    return path, table.num_rows


def write_quarantine(output_dir: Path, rejected: list[Rejected], run_files: set[str]) -> Path:
    """Record rejected inputs in `quarantine/quarantine.jsonl` and copy the files beside it."""
    output_dir = Path(output_dir)
    index = output_dir / QUARANTINE_INDEX
    entries = []
    if index.is_file():
        entries = [json.loads(line) for line in index.read_text("utf-8").splitlines() if line]
        entries = [e for e in entries if not replaced_by(e["source_path"], run_files)]
    for item in rejected:
        entry = {"source_path": item.source_path, "reason": item.reason,
                 "doc_id": item.doc_id, "bytes": item.n_bytes, "copy": None}
        if item.path is not None:
            copy = QUARANTINE_FILES / f"{(item.doc_id or '')[:16]}-{Path(item.path).name}"
            (output_dir / QUARANTINE_FILES).mkdir(parents=True, exist_ok=True)
            _atomic_write(output_dir / copy, lambda tmp, src=item.path: shutil.copyfile(src, tmp))
            entry["copy"] = copy.as_posix()
        if item.raw is not None:
            entry["raw"] = item.raw
        entries.append(entry)
    entries.sort(key=lambda e: e["source_path"])
    if entries or index.is_file():
        text = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        _atomic_write(index, lambda tmp: tmp.write_text(text, "utf-8"))
    return index
