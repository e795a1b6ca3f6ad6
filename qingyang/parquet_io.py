"""Writing files so that a crash never leaves a partial one: a temporary name, then a rename.

Shared by the datasets' parts (`qingyang.dataset`), the store and the validation step;
every Parquet file qingyang writes uses PARQUET_OPTIONS. A write that fails for want of space or rights raises the named
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


def row_groups(path: Path) -> Iterator[pa.Table]:
    """A Parquet file a row group at a time: memory holds one group, not the file."""
    with named_read_errors(path):
        stored = pq.ParquetFile(path)
    for group in range(stored.num_row_groups):
        with named_read_errors(path):
            table = stored.read_row_group(group)
        yield table
