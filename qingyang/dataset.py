"""The partitioned Parquet datasets under an output folder: their layout, parts and manifest.

A table (`pages/`, `articles/`, `quarantine/pages/`) is a hive-partitioned folder of parts,
`publication=许昌日报/year=2022/part-<sha256 of the part's bytes>.parquet`. Each part holds
every declared column (the partition columns too, so a part read alone has the declared
schema); the folders only let readers prune. A part is written whole to a temporary name
and renamed; its name is its content, so the same rows give the same name and bytes.

Which parts make the table is said by `_manifest.json` in the table's folder, written
atomically after the parts it names are in place: a part the manifest does not name (left
by a run killed mid-commit) is swept by the next run before it looks at any part
(`sweep_unreferenced`). Readers that glob `**/*.parquet` see the manifest's parts
except in the moment of a commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from qingyang.parquet_io import PARQUET_OPTIONS, named_write_errors, write_bytes_atomic

MANIFEST_NAME = "_manifest.json"
# Hive's name for a null partition value; DuckDB, Polars, pyarrow and Spark read it as null.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# Characters Hive and Spark escape as %XX in a partition folder's name (a "/" in a
# publication would otherwise open a folder); Han characters stay readable.
ESCAPED = frozenset('"#%\'*/:=?\\{[]^') | frozenset(map(chr, range(0x20))) | {"\x7f"}


def escape_value(value: str | None) -> str:
    """A partition value as a folder name, escaped as Hive does.

    >>> escape_value("许昌日报"), escape_value("A/B"), escape_value(None)
    ('许昌日报', 'A%2FB', '__HIVE_DEFAULT_PARTITION__')
    """
    if value is None or value == "":
        return NULL_PARTITION
    return "".join(f"%{ord(c):02X}" if c in ESCAPED else c for c in value)


def partition_of(publication: str | None, issue_date: date | None) -> str:
    """The partition folder of a row.

    >>> partition_of("许昌日报", date(2022, 5, 13))
    'publication=许昌日报/year=2022'
    """
    year = str(issue_date.year) if issue_date is not None else None
    return f"publication={escape_value(publication)}/year={escape_value(year)}"


def part_bytes(table: pa.Table) -> bytes:
    """`table` as Parquet bytes (PARQUET_OPTIONS, one row group): same rows, same bytes."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, row_group_size=max(table.num_rows, 1), **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def write_part(table: pa.Table, root: Path, partition: str) -> str:
    """Write `table` as `root/partition/part-<content hash>.parquet` (temporary file, then
    rename); returns the path relative to root."""
    data = part_bytes(table)
    relative = f"{partition}/part-{hashlib.sha256(data).hexdigest()[:32]}.parquet"
    write_bytes_atomic(Path(root) / relative, data)
    return relative


def read_manifest(root: Path) -> dict:
    """The manifest of the table in `root` ({} when there is none yet)."""
    path = Path(root) / MANIFEST_NAME
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def write_manifest(root: Path, manifest: dict) -> None:
    """Write the manifest atomically: the commit of a table's new parts."""
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    write_bytes_atomic(Path(root) / MANIFEST_NAME, text.encode())


def part_files(root: Path) -> list[Path]:
    """The parts under `root` (`part-*.parquet`; temporary files and others left out), sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("part-*.parquet") if p.is_file())


def sweep_unreferenced(root: Path, referenced: Iterable[str]) -> list[Path]:
    """Remove the parts under `root` that `referenced` (paths relative to root) does not
    name, and partition folders left empty; returns the removed parts."""
    root, keep = Path(root), set(referenced)
    removed = [p for p in part_files(root) if p.relative_to(root).as_posix() not in keep]
    with named_write_errors(root):
        for path in removed:
            path.unlink(missing_ok=True)
        for folder in sorted({p.parent for p in removed}, key=lambda p: -len(p.parts)):
            while folder != root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return removed


def move_part(staged: Path, target: Path) -> None:
    """Rename a staged part into its table (a part of the same name is the same bytes)."""
    with named_write_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def committed_parts(root: Path) -> list[Path]:
    """The parts the manifest of the table in `root` names (pages: each batch's parts;
    articles: each issue's), sorted; without a manifest, every part under `root`."""
    root = Path(root)
    manifest = read_manifest(root)
    if not manifest:
        return part_files(root)
    named = [part["path"] for batch in manifest.get("batches", {}).values()
             for part in batch["parts"]]
    named += [path for issue in manifest.get("issues", {}).values() for path in issue["parts"]]
    return sorted(root / path for path in set(named))


def read_table(root: Path, schema: pa.Schema, files: list[Path] | None = None) -> pa.Table:
    """The rows of the table in `root` with `schema`: the parts its manifest names (not a
    part a run is committing, or one a killed run left), in path order, or `files`."""
    import pyarrow.dataset as ds

    files = committed_parts(root) if files is None else files
    if not files:
        return schema.empty_table()
    return ds.dataset([str(f) for f in files], schema=schema, format="parquet").to_table()
