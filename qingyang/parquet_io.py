"""Writing files so that a crash never leaves a partial one: a temporary name, then a rename.

Shared by the flow's store and the validation step; every Parquet file qingyang writes
uses PARQUET_OPTIONS. A write that fails for want of space or rights raises the named
error of `qingyang.exitcodes` (the path and the problem) and leaves no temporary file;
a stored file that is not readable Parquet raises `CorruptParquet` naming it.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from qingyang.exitcodes import CorruptParquet, write_error

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "write_statistics": True}


@contextmanager
def named_write_errors(path: Path) -> Iterator[None]:
    """A full disk or a read-only folder while writing `path` raises its named error."""
    try:
        yield
    except OSError as err:
        named = write_error(path, err)
        if named is None:
            raise
        raise named from err


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A temporary name beside `path` to write to; flushed to disk and renamed over `path`
    only on success, removed on failure."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with named_write_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            yield temporary
            _sync(temporary)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    """Data on disk before the rename: a power cut leaves the old file, not an empty one."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_target(path) as temporary:
        temporary.write_bytes(data)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """Write `table` as zstd Parquet to a temporary file beside `path`, then rename it."""
    with atomic_target(path) as temporary:
        pq.write_table(table, temporary, **PARQUET_OPTIONS)


@contextmanager
def named_read_errors(path: Path) -> Iterator[None]:
    """A Parquet file that cannot be read (truncated, not Parquet) raises CorruptParquet."""
    try:
        yield
    except (pa.ArrowInvalid, OSError) as err:
        if isinstance(err, OSError) and err.errno is not None:
            raise  # the file system's error (missing, denied), not the file's content
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise CorruptParquet(f"{path}: not a readable Parquet file ({detail}); "
                             "restore it or move it away") from err


def read_schema(path: Path) -> pa.Schema:
    with named_read_errors(path):
        return pq.read_schema(path)


def row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file a row group at a time: memory holds one group, not the file."""
    with named_read_errors(path):
        stored = pq.ParquetFile(path)
    for group in range(stored.num_row_groups):
        with named_read_errors(path):
            table = stored.read_row_group(group)
        yield table


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
