"""Writing files so that a crash never leaves a partial one: a temporary name, then a rename.

Shared by the flow's store and the validation step; every Parquet file qingyang writes
uses PARQUET_OPTIONS.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "write_statistics": True}


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; renamed over `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write `table` as zstd Parquet to a temporary file beside `path`, then rename it."""
    with atomic_target(path) as temporary:
        pq.write_table(table, temporary, **PARQUET_OPTIONS)


def row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file a row group at a time: memory holds one group, not the file."""
    stored = pq.ParquetFile(path)
    for group in range(stored.num_row_groups):
        yield stored.read_row_group(group)


class RowGroupWriter:
    """Rows to a Parquet file with PARQUET_OPTIONS, `rows_per_group` rows a row group: the
    same rows give the same row groups, hence the same bytes. Rows come as dicts (`add`)
    or as tables (`add_table`), one or the other for a file."""

    def __init__(self, path: Path, schema: pa.Schema, rows_per_group: int):
        self.schema, self.rows_per_group = schema, rows_per_group
        self.buffer: list[dict] = []
        self.tables: list[pa.Table] = []  # added by add_table, fewer rows than a group
        self.table_rows = 0
        self.writer = pq.ParquetWriter(path, schema, **PARQUET_OPTIONS)

    def add(self, row: dict) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.rows_per_group:
            self._flush()

    def add_table(self, table: pa.Table) -> None:
        """The rows of `table` (this schema's columns), grouped as `add` would group them."""
        self.tables.append(pa.Table.from_arrays(table.columns, schema=self.schema))
        self.table_rows += table.num_rows
        if self.table_rows < self.rows_per_group:
            return
        pending = pa.concat_tables(self.tables)
        while pending.num_rows >= self.rows_per_group:
            # One contiguous chunk a group, as a group of dicts gives: the same bytes.
            self.writer.write_table(pending.slice(0, self.rows_per_group).combine_chunks())
            pending = pending.slice(self.rows_per_group)
        self.tables, self.table_rows = [pending], pending.num_rows

    def _flush(self) -> None:
        if self.buffer:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.buffer = []
        if self.table_rows:
            self.writer.write_table(pa.concat_tables(self.tables).combine_chunks())
        self.tables, self.table_rows = [], 0

    def __enter__(self) -> "RowGroupWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            self._flush()
        self.writer.close()
