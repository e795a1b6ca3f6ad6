"""Committing output: the pages table's parts and manifest, and the quarantine.

Workers write a batch's parts into the staging folder (`flows.pages_step`); the commit,
in the flow's process, moves them into `pages/` (and their failing rows into
`quarantine/pages/`), writes `pages/_manifest.json` last and atomically, then removes the
parts no batch names any more (`qingyang.dataset`). It handles names and counts only.

The manifest names each batch by its key with the input files its rows come from and
its parts. A run replaces the batches of its own files and folders (changed, deleted or
now unreadable pages included); a stored batch of which only some files are this run's
is pruned by a worker (`flows.pages_step.prune_batch`) and keeps the other rows. Batches
of other inputs stay as they are. Same inputs, same parts, same manifest: same bytes.
"""

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa

from flows.inputs import Rejected
from flows.pages_step import (
    PAGES_DIR,
    QUARANTINE_PAGES_DIR,
    RECORDS_DIR,
    STAGED_PAGES,
    STAGED_QUARANTINE,
    BatchOutcome,
    write_parts,
)
from flows.rows import replaced_by, row_order
from qingyang.dataset import move_part, read_manifest, sweep_unreferenced, write_manifest
from qingyang.exitcodes import MissingPart, OldOutputLayout
from qingyang.outputdir import STAGING_DIR
from qingyang.parquet_io import atomic_target, named_write_errors

QUARANTINE_INDEX = Path("quarantine") / "quarantine.jsonl"
QUARANTINE_FILES = Path("quarantine") / "files"
# The layout before parts: a folder holding it is refused, not swept.
OLD_PAGES_FILE = PAGES_DIR / "pages.parquet"


@dataclass(frozen=True)
class Committed:
    """The pages table after a commit: its rows, failing rows, parts and batches."""

    rows: int
    invalid: int
    parts: int
    batches: int


def stored_batches(output_dir: Path) -> dict[str, dict]:
    """{key: {"files", "parts"}} of the batches the pages table holds now."""
    output_dir = Path(output_dir)
    if (output_dir / OLD_PAGES_FILE).is_file():
        raise OldOutputLayout(f"{output_dir / OLD_PAGES_FILE}: a pages table of an older qingyang "
                         "(one file, no parts); move it away or write to a new output folder")
    return read_manifest(output_dir / PAGES_DIR).get("batches", {})


def sweep_uncommitted(output_dir: Path) -> int:
    """Remove parts no committed batch names (a run killed mid-commit left them); the
    number removed. Run holding the output lock, before any batch looks for its parts."""
    batches = stored_batches(output_dir)
    parts = [part for entry in batches.values() for part in entry["parts"]]
    removed = sweep_unreferenced(Path(output_dir) / PAGES_DIR, [p["path"] for p in parts])
    quarantined = Path(output_dir) / QUARANTINE_PAGES_DIR
    removed += sweep_unreferenced(quarantined, [p["path"] for p in parts if p["invalid"]])
    for folder in (quarantined, quarantined.parent):  # no empty quarantine/
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return len(removed)


def split_stored(batches: dict[str, dict], run_files: set[str]
                 ) -> tuple[dict[str, dict], dict[str, dict]]:
    """Stored batches this run does not touch, and those it touches only in part (to
    prune); batches wholly of this run's files and folders are left out of both."""
    kept, partial = {}, {}
    for key, entry in batches.items():
        replaced = [replaced_by(file, run_files) for file in entry["files"]]
        if not any(replaced):
            kept[key] = entry
        elif not all(replaced):
            partial[key] = entry
    return kept, partial


def table_batches(kept: dict[str, dict], outcomes: list[BatchOutcome]) -> dict[str, dict]:
    """The manifest's batches after a commit of `outcomes` beside `kept`, by key."""
    batches = dict(kept)
    for outcome in outcomes:
        if outcome.parts:
            batches[outcome.key] = {"files": list(outcome.files),
                                    "parts": [asdict(part) for part in outcome.parts]}
    return dict(sorted(batches.items()))


def commit_pages(output_dir: Path, kept: dict[str, dict], outcomes: list[BatchOutcome]
                 ) -> Committed:
    """Move the new parts of `outcomes` into the table, write the manifest of `kept` and
    `outcomes`' batches, then remove the parts and batch records no batch names."""
    output_dir = Path(output_dir)
    batches = table_batches(kept, outcomes)
    for outcome in outcomes:
        if outcome.reused:
            continue
        for part in outcome.parts:
            _move_staged(output_dir / STAGED_PAGES / part.path, output_dir / PAGES_DIR / part.path)
            if part.invalid:
                _move_staged(output_dir / STAGED_QUARANTINE / part.path,
                             output_dir / QUARANTINE_PAGES_DIR / part.path)
    write_manifest(output_dir / PAGES_DIR, {"batches": batches})
    for staged in (STAGED_PAGES, STAGED_QUARANTINE):  # empty now: only folders are left
        shutil.rmtree(output_dir / staged, ignore_errors=True)
    sweep_uncommitted(output_dir)
    _sweep_records(output_dir, set(batches))
    parts = [part for entry in batches.values() for part in entry["parts"]]
    return Committed(rows=sum(p["rows"] for p in parts), invalid=sum(p["invalid"] for p in parts),
                     parts=len(parts), batches=len(batches))


def commit_table(output_dir: Path, table: pa.Table) -> Committed:
    """Write `table` (rows of PAGES_SCHEMA, in their order) as the whole pages table, one
    batch (tests and tools; a run commits its batches with `commit_pages`)."""
    files = sorted({row_order(path)[0] for path in table.column("source_path").to_pylist()})
    key = hashlib.sha256(json.dumps(files).encode()).hexdigest()
    outcome = BatchOutcome(key, tuple(files), write_parts(Path(output_dir), table))
    return commit_pages(output_dir, {}, [outcome])


def _move_staged(staged: Path, target: Path) -> None:
    """Rename a staged part into place; a part already there has the same name, hence bytes."""
    if staged.is_file():
        move_part(staged, target)
    elif not target.is_file():
        raise MissingPart(f"{staged}: a batch's part is missing before its commit")


def _sweep_records(output_dir: Path, keys: set[str]) -> None:
    """Batch records of batches no longer in the table go: they name parts that are gone."""
    folder = output_dir / RECORDS_DIR
    for path in folder.glob("*.json") if folder.is_dir() else []:
        if path.stem not in keys:
            path.unlink(missing_ok=True)


def _atomic_write(path: Path, write) -> None:
    with atomic_target(path) as temporary:
        write(temporary)


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
