"""Writing output: Parquet pages and the quarantine, atomically, idempotently, byte-stable.

Each run merges into one file per table: rows from this run's input files and folders
replace the rows they wrote before (changed, deleted or now unreadable pages included),
other rows stay. Rows are sorted by file (then JSONL line), row groups hold a fixed number
of rows and nothing time-dependent is written, so the same inputs and config give the same
bytes. Merging streams a row group at a time, in Arrow: memory does not grow with the table.
Every file is written to a temporary name in its own folder and renamed over the old one,
so a crash leaves the old file whole.
"""

import heapq
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.inputs import Rejected
from qingyang.outputdir import STAGING_DIR
from qingyang.parquet_io import (
    RowGroupWriter,
    atomic_target,
    named_write_errors,
    read_schema,
    row_groups,
    write_parquet_atomic,
)
from qingyang.schema import PAGES_SCHEMA

__all__ = ["PAGES_FILE", "StagedPages", "atomic_target", "write_pages", "write_parquet_atomic",
           "write_quarantine"]

PAGES_FILE = Path("pages") / "pages.parquet"
QUARANTINE_INDEX = Path("quarantine") / "quarantine.jsonl"
QUARANTINE_FILES = Path("quarantine") / "files"
QUARANTINE_PAGES = Path("quarantine") / "pages" / "pages.parquet"
# Rows per Parquet row group: bounds the memory of a merge, and fixes the file's layout.
ROW_GROUP_ROWS = 512


def replaced_by(source_path: str, run_files: set[str]) -> bool:
    """Whether a stored row belongs to this run: one of its files (JSONL rows are `FILE#LINE`)
    or under one of its input folders (given as `FOLDER/`), so deleted files drop out too.
    """
    if source_path in run_files or source_path.rpartition("#")[0] in run_files:
        return True
    return any(source_path.startswith(f) for f in run_files if f.endswith("/"))


def _atomic_write(path: Path, write) -> None:
    with atomic_target(path) as temporary:
        write(temporary)


def row_order(source_path: str) -> tuple[str, int]:
    """Where a row sorts: by file, then by line for JSONL pages (`FILE#9` before `FILE#10`)."""
    file, sep, line = source_path.rpartition("#")
    return (file, int(line)) if sep and line.isdigit() else (source_path, 0)


class StagedPages:
    """This run's rows, streamed to a Parquet file under `OUTPUT/.cache/` as they are cleaned
    (outside `pages/`, so readers globbing `pages/**/*.parquet` never see a partial file).

    Rows arrive in input order (sorted by `row_order`), a batch at a time, so memory holds
    one batch, never the run. `write_pages` later merges them into the table. Used as a
    context manager, the staging file is removed on exit whatever happened.
    """

    def __init__(self, output_dir: Path):
        self.path = Path(output_dir) / STAGING_DIR / f"staged-{os.getpid()}.parquet"
        self.rows = 0
        self._writer: pq.ParquetWriter | None = None

    def add(self, rows: list[dict] | pa.Table) -> pa.Table:
        """Stage `rows` (verdict columns still empty); returns them as a table."""
        table = rows if isinstance(rows, pa.Table) else pa.Table.from_pylist(rows,
                                                                             schema=PAGES_SCHEMA)
        with named_write_errors(self.path):
            if self._writer is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._writer = pq.ParquetWriter(self.path, PAGES_SCHEMA, compression="lz4")
            self._writer.write_table(table)
        self.rows += table.num_rows
        return table

    def batches(self) -> Iterator[pa.Table]:
        """The staged rows, a row group at a time."""
        self.close()
        if self.rows:
            yield from row_groups(self.path)

    def close(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            with named_write_errors(self.path):
                writer.close()

    def __enter__(self) -> "StagedPages":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.close()
        finally:  # a full disk fails the close: the file goes all the same
            self.path.unlink(missing_ok=True)


def _stored_tables(path: Path, run_files: set[str]) -> Iterator[pa.Table]:
    """Rows of the stored table that this run does not replace, a row group at a time."""
    if not path.is_file():
        return
    if not read_schema(path).equals(PAGES_SCHEMA):
        raise ValueError(f"{path}: the stored table does not have this version's pages "
                         "schema; move it away or write to a new output folder")
    for table in row_groups(path):
        kept = [not replaced_by(source_path, run_files)
                for source_path in table.column("source_path").to_pylist()]
        yield table.filter(pa.array(kept, pa.bool_()))


def _keyed_rows(tables: Iterable[pa.Table]) -> Iterator[tuple[tuple[str, int], pa.Table, int]]:
    """(row_order key, table, row index) of every row of `tables`."""
    for table in tables:
        for index, source_path in enumerate(table.column("source_path").to_pylist()):
            yield row_order(source_path), table, index


def merge_tables(first: Iterable[pa.Table], second: Iterable[pa.Table]) -> Iterator[pa.Table]:
    """Two streams of tables, each in `row_order`, as one stream in `row_order` (on equal
    keys `first`'s rows come first): slices of the tables given, merged on their keys
    alone, so no row becomes Python objects."""
    current, start, length = None, 0, 0
    for _, table, index in heapq.merge(_keyed_rows(first), _keyed_rows(second),
                                       key=lambda keyed: keyed[0]):
        if table is current and index == start + length:
            length += 1
            continue
        if current is not None:
            yield current.slice(start, length)
        current, start, length = table, index, 1
    if current is not None:
        yield current.slice(start, length)


def write_pages(output_dir: Path, run_tables: Iterable[pa.Table], run_files: set[str]
                ) -> tuple[Path, int, int]:
    """Merge this run's rows into `pages/pages.parquet`, streaming; invalid rows also go to
    `quarantine/pages/pages.parquet`. Returns (pages path, rows in table, invalid rows).

    `run_tables`: this run's rows in `row_order`, verdicts filled. Stored rows of this run's
    files and folders are replaced (changed, deleted and now unreadable pages included);
    other rows stay. Both files are renamed into place only when both are whole.
    """
    output_dir = Path(output_dir)
    path, bad_path = output_dir / PAGES_FILE, output_dir / QUARANTINE_PAGES
    merged = merge_tables(_stored_tables(path, run_files), run_tables)
    total = invalid = 0
    try:
        with atomic_target(path) as tmp, atomic_target(bad_path) as bad_tmp:
            with RowGroupWriter(tmp, PAGES_SCHEMA, ROW_GROUP_ROWS) as pages, \
                    RowGroupWriter(bad_tmp, PAGES_SCHEMA, ROW_GROUP_ROWS) as bad:
                for table in merged:
                    pages.add_table(table)
                    total += table.num_rows
                    failed = table.filter(pc.equal(table.column("valid"), False))
                    if failed.num_rows:
                        bad.add_table(failed)
                        invalid += failed.num_rows
    finally:
        if not invalid:
            bad_path.unlink(missing_ok=True)
        for folder in (bad_path.parent, bad_path.parent.parent):  # no empty quarantine/
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    return path, total, invalid


@contextmanager
def removed_on_error(folder: Path) -> Iterator[None]:
    """`folder` (staged reports) is removed if the block fails: no half-made output stays."""
    try:
        yield
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def retire_folder(folder: Path) -> None:
    """Take `folder` (reports) out of the output before the data it describes changes: it
    is renamed into the staging folder at once, then removed."""
    folder = Path(folder)
    if not folder.exists():
        return
    aside = folder.parent / STAGING_DIR / f"{folder.name}-retired"
    shutil.rmtree(aside, ignore_errors=True)
    with named_write_errors(folder):
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder, aside)
    shutil.rmtree(aside, ignore_errors=True)


def publish_folder(staged: Path, folder: Path) -> Path:
    """Rename the staged folder (new reports) to `folder`, once the data it describes is
    written; returns `folder`."""
    staged, folder = Path(staged), Path(folder)
    retire_folder(folder)
    if staged.exists():
        with named_write_errors(folder):
            os.replace(staged, folder)
    return folder


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
