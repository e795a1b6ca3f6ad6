"""The pages step, in a worker: a batch of input files → finished, validated parts.

`build_batch` (run by `flows.batch_task`) reads a batch's files, cleans the pages, computes their metrics and
rows, judges every row by the pages suite's row-level rules (`expectations.row_checks`,
no Great Expectations), groups the rows by partition (publication, year) and writes one
part per partition into the staging folder (`qingyang.dataset.write_part`: temporary file,
then rename), and the batch's failing rows also as quarantine parts. It returns a small
`BatchOutcome` (part names, counts, failing doc_ids): the flow's process commits the parts
and never sees a text.

A batch is skipped when its outcome is already in the table: its key (`batch_key`) covers
what decides its rows (each page's bytes, path and metadata, the profile, the version,
the code of cleaners/readers/layout, the rules and the schema), and `OUTPUT/.cache/batches/
<key>.json` records the parts it made; when those parts are still in the table, the
batch is neither cleaned nor written again. No Prefect result cache: the part is the result.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task
from prefect.cache_policies import NO_CACHE

from cleaners import load_profile
from expectations.frames import rule_columns
from expectations.pages_suite import row_rules
from expectations.results import apply_row_failures
from expectations.row_checks import failing_rows
from expectations.thresholds import issue_date_max
from flows.inputs import Page, Rejected, SourceFile, read_source
from flows.rows import clean_texts, page_table, replaced_by, row_order
from qingyang import PIPELINE_VERSION
from qingyang.dataset import part_bytes, partition_of, write_part
from qingyang.fingerprint import cleaning_fingerprint
from qingyang.outputdir import STAGING_DIR
from qingyang.parquet_io import write_bytes_atomic
from qingyang.schema import PAGES_SCHEMA

PAGES_DIR = Path("pages")
QUARANTINE_PAGES_DIR = Path("quarantine") / "pages"
# Where a batch's parts wait for the commit (swept with the staging folder if the run dies).
STAGED_PAGES = STAGING_DIR / "pages"
STAGED_QUARANTINE = STAGING_DIR / "quarantine"
# What each batch made, by key: the batches a later run can skip.
RECORDS_DIR = Path(".cache") / "batches"
READ_ATTEMPTS = 3
READ_BACKOFF_SECONDS = 0.5


@dataclass(frozen=True)
class PartInfo:
    """One part a batch made: its path under pages/ (and under quarantine/pages/ when it
    has failing rows), rows, failing rows, and its issues as (publication, ISO date, pages)."""

    path: str
    rows: int
    invalid: int
    issues: tuple[tuple[str | None, str | None, int], ...] = ()


@dataclass(frozen=True)
class BatchOutcome:
    """What a batch returns to the flow: no texts, only names and counts."""

    key: str
    files: tuple[str, ...]  # input files its rows come from (JSONL rows: the file)
    parts: tuple[PartInfo, ...]
    failures: dict[str, list] = field(default_factory=dict)  # rule → [(doc_id, value)]
    pages: int = 0
    bytes_read: int = 0
    inputs: int = 0  # input files (or JSONL parts) in the batch, for progress
    rejected: tuple[Rejected, ...] = ()
    reused: bool = False
    # Issues whose articles the batch's task built from its parts (`flows.batch_task`):
    # {issue key: articles summary}.
    articles: dict = field(default_factory=dict)

    def record(self) -> dict:
        """What `.cache/batches/<key>.json` keeps: the batch's result, not this run's read."""
        return {"files": list(self.files), "parts": [asdict(p) for p in self.parts],
                "failures": self.failures, "pages": self.pages}


def read_pages(sources: list[SourceFile], path_pattern: str | None, max_chars: int | None,
               attempts: int = READ_ATTEMPTS) -> tuple[list[Page], list[Rejected]]:
    """Read and decode files; an I/O error is retried (with a growing pause), then the file
    is quarantined, as is a page over `max_chars` characters."""
    pages, rejected, manifests = [], [], {}
    for source in sources:
        for attempt in range(1, attempts + 1):
            try:
                got, bad = read_source(source, manifests, path_pattern, max_chars)
                break
            except OSError as err:
                if attempt == attempts:
                    got, bad = [], [Rejected(source.source_path, f"cannot read: {err}", None)]
                else:
                    time.sleep(READ_BACKOFF_SECONDS * 2 ** (attempt - 1))
        pages += got
        rejected += bad
    return pages, rejected


def _plausible(day: date | None) -> bool:
    """Whether an issue_date passes the rule's upper bound today (a future date may pass
    later, when the bound has moved: the batch's key changes then)."""
    return day is None or day <= issue_date_max()


def batch_key(pages: list[Page], profile: str | None) -> str:
    """What decides a batch's parts, hashed: the pages (bytes, path, metadata, how read),
    the profile, the version, the cleaning code, the rules and the schema. The rules' only
    dependence on the day (issue_date not in the future) enters as a flag per page."""
    identity = [[page.doc_id, page.source_path, page.encoding, page.repair,
                 page.source_format, page.metadata.get("publication"),
                 str(page.metadata.get("issue_date")), page.metadata.get("page"),
                 _plausible(page.metadata.get("issue_date"))] for page in pages]
    rules = [repr(rule) for rule in row_rules(today=date(2000, 1, 1))]
    payload = json.dumps([identity, repr(load_profile(profile)), PIPELINE_VERSION,
                          cleaning_fingerprint(), rules, str(PAGES_SCHEMA)])
    return hashlib.sha256(payload.encode()).hexdigest()


def recorded(output_dir: Path, key: str) -> dict | None:
    """The record of a batch already in the table: its parts all still there; else None."""
    path = output_dir / RECORDS_DIR / f"{key}.json"
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    for part in record["parts"]:
        if not (output_dir / PAGES_DIR / part["path"]).is_file():
            return None
        if part["invalid"] and not (output_dir / QUARANTINE_PAGES_DIR / part["path"]).is_file():
            return None
    return record


def pages_part_file(output_dir: Path, path: str) -> Path:
    """Where a pages part of this run is read before the commit: staged by one of its
    batches, else in the table (a batch found already written). A part's name is its
    content's hash: the same name, the same bytes."""
    staged = Path(output_dir) / STAGED_PAGES / path
    return staged if staged.is_file() else Path(output_dir) / PAGES_DIR / path


def judged_rows(pages: list[Page], profile: str | None) -> tuple[pa.Table, dict[str, list]]:
    """The batch's rows in `row_order`, cleaned and judged (valid, failed_expectations),
    and {rule name: [(doc_id, value)]} of the rows failing a rule."""
    pages = sorted(pages, key=lambda page: row_order(page.source_path))
    texts = {page.doc_id: page.raw_text for page in pages}
    laid_out = frozenset(page.doc_id for page in pages if page.source_format != "text")
    table = page_table(pages, clean_texts(texts, profile, laid_out), PIPELINE_VERSION)
    rules = row_rules()
    failures = failing_rows(rule_columns(table, {"doc_id"} | {rule.column for rule in rules}),
                            rules)
    by_row: dict[str, list[str]] = {}
    for name, failing in failures.items():
        for doc_id, _ in failing:
            by_row.setdefault(doc_id, []).append(name)
    return apply_row_failures(table, by_row), failures


def issues_of(table: pa.Table) -> tuple[tuple[str | None, str | None, int], ...]:
    """(publication, ISO issue_date, pages) of each issue in a part's rows, sorted."""
    counts: dict[tuple, int] = {}
    for publication, day in zip(table.column("publication").to_pylist(),
                                table.column("issue_date").to_pylist(), strict=True):
        key = (publication, day.isoformat() if day else None)
        counts[key] = counts.get(key, 0) + 1
    return tuple((pub, day, n) for (pub, day), n in sorted(counts.items(), key=str))


def write_parts(output_dir: Path, table: pa.Table) -> tuple[PartInfo, ...]:
    """One staged part per partition of `table` (rows keep their order), and the failing
    rows of each as a quarantine part of the same name."""
    partitions = [partition_of(pub, day) for pub, day in zip(
        table.column("publication").to_pylist(), table.column("issue_date").to_pylist(),
        strict=True)]
    parts = []
    for partition in sorted(set(partitions)):
        rows = table.filter(pa.array([p == partition for p in partitions]))
        path = write_part(rows, output_dir / STAGED_PAGES, partition)
        bad = rows.filter(pc.invert(rows.column("valid")))
        if bad.num_rows:
            quarantined = output_dir / STAGED_QUARANTINE / path
            write_bytes_atomic(quarantined, part_bytes(bad))
        parts.append(PartInfo(path, rows.num_rows, bad.num_rows, issues_of(rows)))
    return tuple(parts)


def files_of(pages: list[Page]) -> tuple[str, ...]:
    """The input files the pages come from (a JSONL row `FILE#9` comes from FILE)."""
    return tuple(sorted({row_order(page.source_path)[0] for page in pages}))


def build_batch(sources: list[SourceFile], profile: str | None, path_pattern: str | None,
                output_dir: Path) -> BatchOutcome:
    """Read, clean, judge and write one batch (or find it already written); no Prefect."""
    return build_batch_rows(sources, profile, path_pattern, output_dir)[0]


def build_batch_rows(sources: list[SourceFile], profile: str | None, path_pattern: str | None,
                     output_dir: Path) -> tuple[BatchOutcome, pa.Table | None]:
    """`build_batch`, and the rows it wrote to its parts (None when it wrote none)."""
    output_dir = Path(output_dir)
    pages, rejected = read_pages(sources, path_pattern, load_profile(profile).max_page_chars)
    read = {"pages": len(pages), "bytes_read": sum(page.n_bytes for page in pages),
            "inputs": len(sources), "rejected": tuple(rejected)}
    if not pages:
        return BatchOutcome(key="", files=(), parts=(), **read), None
    key = batch_key(pages, profile)
    record = recorded(output_dir, key)
    if record is not None:
        parts = tuple(PartInfo(p["path"], p["rows"], p["invalid"],
                               tuple(tuple(i) for i in p["issues"])) for p in record["parts"])
        return BatchOutcome(key, tuple(record["files"]), parts, record["failures"], reused=True,
                            **read), None
    table, failures = judged_rows(pages, profile)
    parts = write_parts(output_dir, table)
    failures = {name: [list(item) for item in failing] for name, failing in failures.items()}
    outcome = BatchOutcome(key, files_of(pages), parts, failures, **read)
    text = json.dumps(outcome.record(), ensure_ascii=False, sort_keys=True)
    write_bytes_atomic(output_dir / RECORDS_DIR / f"{key}.json", text.encode())
    return outcome, table


def prune_batch(output_dir: Path, key: str, entry: dict, run_files: set[str]) -> BatchOutcome:
    """A stored batch without the rows of this run's files and folders (which this run
    writes again): its parts read back, filtered and staged again under a new key."""
    import pyarrow.dataset as ds

    output_dir = Path(output_dir)
    kept_files = [f for f in entry["files"] if not replaced_by(f, run_files)]
    files = [str(output_dir / PAGES_DIR / part["path"]) for part in entry["parts"]]
    table = ds.dataset(files, schema=PAGES_SCHEMA, format="parquet").to_table()
    keep = [not replaced_by(path, run_files) for path in table.column("source_path").to_pylist()]
    table = table.filter(pa.array(keep, pa.bool_()))
    pruned_key = hashlib.sha256(json.dumps([key, kept_files]).encode()).hexdigest()
    return BatchOutcome(pruned_key, tuple(kept_files), write_parts(output_dir, table))


@task(name="prune-batch", cache_policy=NO_CACHE)
def prune_stored_batch(output_dir: str, key: str, entry: dict, run_files: set[str]
                       ) -> BatchOutcome:
    """A stored batch of which this run replaces some files, without their rows."""
    return prune_batch(Path(output_dir), key, entry, run_files)
