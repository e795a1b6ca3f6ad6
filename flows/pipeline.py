"""The `clean_pages` flow: discover → read → clean → validate → write → articles → summarise.

Pages stream through: a bounded window of file chunks is read and cleaned at a time
(a task per batch of pages, never per page: a task run costs ~10 ms), their rows are
staged to disk as they arrive, the run is validated once on a small frame (metrics and
previews, not texts), and the staged rows are merged into the table with their verdicts.
Memory holds the window, never the run. Cleaning is cached by Prefect on the batch's
content hashes + profile + pipeline version, with results persisted under
`OUTPUT/.cache/results/` (named by their keys), so an unchanged page is not cleaned twice.
A run holds the output folder's lock (`qingyang.outputdir`) from start to end.
"""

import gc
import hashlib
import json
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE, CacheKeyFnPolicy
from prefect.runtime import task_run
from prefect.states import Failed
from prefect.tasks import exponential_backoff

from cleaners import load_profile
from expectations import Policy, Validation, apply_validation, preload
from expectations.frames import validation_frame
from expectations.report.pages import write_report
from expectations.runner import ARTICLES_REPORTS, validate_articles_file, validate_frame
from expectations.worker import in_validator
from flows import progress
from flows.articles_step import write_articles
from flows.inputs import (
    Page,
    Rejected,
    SourceFile,
    content_defined_runs,
    discover,
    read_source,
    run_scope,
    source_chunks,
)
from flows.rows import CLEANED_SCHEMA, clean_texts, cleaned_table, page_table
from flows.store import (
    StagedPages,
    publish_folder,
    removed_on_error,
    retire_folder,
    write_pages,
    write_quarantine,
)
from qingyang import PIPELINE_VERSION
from qingyang.exitcodes import NoSpace
from qingyang.fingerprint import cleaning_fingerprint
from qingyang.outputdir import STAGING_DIR, locked_output
from qingyang.schema import ARTICLES_FILE

READ_RETRIES = 2
CACHE_DIR = ".cache"
REPORTS_DIR = "reports"
# File chunks read ahead, and chunks being cleaned, at once: enough to keep every worker
# busy, few enough that memory holds only these.
READ_AHEAD = 2
CLEANING_AHEAD = 3


@dataclass
class RunSummary:
    """What a run did; the CLI prints it and the flow publishes it as artifacts."""

    files: int = 0
    pages: int = 0
    rows_written: int = 0
    rows_in_table: int = 0
    quarantined: list[dict] = field(default_factory=list)
    batches: int = 0
    batches_cleaned: int = 0
    batches_cached: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    validation: str = "not run"
    validation_failed: bool = False  # the validation policy fails the run
    invalid_rows: int = 0
    pages_path: str = ""
    quarantine_path: str = ""
    reports_path: str = ""
    articles: int = 0
    issues: int = 0
    articles_stitched: int = 0
    unmatched_jumps: int = 0
    invalid_pages_skipped: int = 0  # pages left out of the articles (quarantined)
    articles_validation: str = "not run"
    articles_path: str = ""

    @property
    def ok(self) -> bool:
        return not self.quarantined and not self.validation_failed

    def add_articles(self, built: dict) -> None:
        """The figures of the articles step (`flows.articles_step.write_articles`)."""
        self.articles, self.issues = built["articles"], built["issues"]
        self.articles_stitched, self.unmatched_jumps = built["stitched"], built["unmatched_jumps"]
        self.invalid_pages_skipped, self.articles_path = built["skipped_invalid"], built["path"]

    @property
    def mb_per_s(self) -> float:
        return self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "mb_per_s": self.mb_per_s}


def batch_cache_key(context, parameters: dict) -> str:
    """Cache key of a clean batch: its pages' content hashes, the profile, the pipeline version
    and the fingerprint of the cleaning code (`qingyang.fingerprint`)."""
    profile = load_profile(parameters["profile"])
    payload = json.dumps([sorted(parameters["texts"]), repr(profile), parameters["version"],
                          cleaning_fingerprint(),  # the rules' source: a changed rule re-cleans
                          sorted(parameters.get("laid_out") or []),
                          str(CLEANED_SCHEMA)])  # what the cached result holds
    return "clean-batch-" + hashlib.sha256(payload.encode()).hexdigest()


@task(name="discover-inputs")
def discover_inputs(inputs: list[str]) -> list[SourceFile]:
    sources = discover(inputs)
    get_run_logger().info("found %d inputs (files, or parts of large JSONL files)", len(sources))
    return sources


@task(name="read-pages", retries=READ_RETRIES, cache_result_in_memory=False,
      retry_delay_seconds=exponential_backoff(backoff_factor=0.5))
def read_pages(sources: list[SourceFile], path_pattern: str | None,
               max_chars: int | None = None) -> tuple[list[Page], list[Rejected]]:
    """Read and decode files; an I/O error is retried, then the file is quarantined, as is
    a page over `max_chars` characters (the profile's `max_page_chars`)."""
    pages, rejected, manifests = [], [], {}
    for source in sources:
        try:
            got, bad = read_source(source, manifests, path_pattern, max_chars)
        except OSError as err:
            if (task_run.run_count or 1) <= READ_RETRIES:
                raise
            got, bad = [], [Rejected(source.source_path, f"cannot read: {err}", None)]
        pages += got
        rejected += bad
    for item in rejected:
        get_run_logger().warning("quarantined %s: %s", item.source_path, item.reason)
    for page in pages:
        if page.repair:
            get_run_logger().warning("repaired %s: %s", page.source_path, page.repair)
    return pages, rejected


@task(name="clean-batch", persist_result=True, cache_result_in_memory=False)
def clean_batch(texts: dict[str, str], profile: str | None, version: str,
                laid_out: list[str] | None = None) -> pa.Table:
    """Clean a batch of {doc_id: raw text} into a table of `flows.rows.CLEANED_SCHEMA`;
    cached on (doc_ids, profile, version). `laid_out`: doc_ids laid out from geometry."""
    return cleaned_table(clean_texts(texts, profile, frozenset(laid_out or ())))


@task(name="validate-pages", cache_policy=NO_CACHE)
def validate_run(frames: list, expected_rows: int, reports_dir: str) -> Validation:
    """The pages suite over this run's rows, once; Data Docs and JSON into reports_dir."""
    import pandas as pd

    return in_validator(validate_frame, pd.concat(frames, ignore_index=True), expected_rows,
                        Path(reports_dir))


@task(name="write-pages", cache_policy=NO_CACHE)
def write_parquet(output_dir: str, staged: StagedPages, validation: Validation | None,
                  run_files: set[str]) -> tuple[str, int, int]:
    """Merge the staged rows, verdicts filled, into pages/ (invalid ones also to quarantine/)."""
    tables = staged.batches()
    if validation is not None:
        tables = (apply_validation(table, validation) for table in tables)
    path, total, invalid = write_pages(Path(output_dir), tables, run_files)
    return str(path), total, invalid


@task(name="validate-articles", cache_policy=NO_CACHE)
def check_articles(output_dir: str, pages_validation: Validation | None) -> Validation | None:
    """The articles suite over articles.parquet; reports into reports/articles/, linked
    from the pages' report (rewritten now that the sub-report and the quarantine exist,
    with the failing pages in context and their proof views)."""
    reports_dir = Path(output_dir) / REPORTS_DIR
    validation = in_validator(validate_articles_file, Path(output_dir) / ARTICLES_FILE,
                              reports_dir / ARTICLES_REPORTS)
    if pages_validation is None or pages_validation.reports_dir is not None:
        write_report(Path(output_dir), pages_validation)  # without pages: the quarantine alone
    return validation


@task(name="write-quarantine")
def quarantine(output_dir: str, rejected: list[Rejected], run_files: set[str]) -> str:
    return str(write_quarantine(Path(output_dir), rejected, run_files))


@task(name="publish-summary", cache_policy=NO_CACHE)
def publish_summary(summary: RunSummary, validation: Validation | None,
                    articles: Validation | None = None) -> None:
    """Markdown and table artifacts on the flow run (run, validation); a log line per problem."""
    lines = [
        "# qingyang run", "",
        "| | |", "|---|---|",
        f"| files | {summary.files} |", f"| pages | {summary.pages} |",
        f"| rows written | {summary.rows_written} (table now {summary.rows_in_table}) |",
        f"| batches cleaned / cached | {summary.batches_cleaned} / {summary.batches_cached} |",
        f"| quarantined | {len(summary.quarantined)} |",
        f"| validation | {summary.validation} |",
        f"| articles | {summary.articles} in {summary.issues} issues, "
        f"{summary.articles_stitched} stitched, {summary.unmatched_jumps} jumps unmatched |",
        f"| articles validation | {summary.articles_validation} |",
        f"| time | {summary.seconds:.2f} s ({summary.mb_per_s:.2f} MB/s) |",
        f"| pages file | `{summary.pages_path}` |",
        f"| articles file | `{summary.articles_path}` |",
        f"| reports | `{summary.reports_path}` |", "",
    ]
    lines += [f"- quarantined `{q['source_path']}`: {q['reason']}" for q in summary.quarantined]
    create_markdown_artifact("\n".join(lines), key="qingyang-run-summary",
                             description="qingyang run summary")
    create_table_artifact(
        [{"metric": k, "value": str(v)} for k, v in summary.to_dict().items()
         if k != "quarantined"]
        + [{"metric": f"quarantined {q['source_path']}", "value": q["reason"]}
           for q in summary.quarantined],
        key="qingyang-run-table", description="qingyang run figures")
    if validation is not None:
        create_markdown_artifact(validation.markdown(), key="qingyang-validation",
                                 description="pages suite: result per expectation")
    if articles is not None:
        create_markdown_artifact(articles.markdown(), key="qingyang-articles-validation",
                                 description="articles suite: result per expectation")
    for item in summary.quarantined:
        get_run_logger().warning("quarantined %s: %s", item["source_path"], item["reason"])


def batch_texts(pages: list[Page], size: int) -> list[dict[str, str]]:
    """{doc_id: text} batches of about `size` distinct pages, bounded by content alone."""
    unique = sorted({page.doc_id: page.raw_text for page in pages}.items())
    return [dict(run) for run in content_defined_runs(unique, lambda item: item[0], size)]


def cached_cleaner(output_dir: str):
    """`clean_batch` cached on its batch's content, results under OUTPUT/.cache/results.

    No separate key storage: Prefect's key records name their result by absolute path, so
    a moved output folder could not read its own cache. Without one, a result is found
    by its key's file name under the current folder, and the folder can move.
    """
    cache = Path(output_dir).resolve() / CACHE_DIR
    return clean_batch.with_options(
        cache_policy=CacheKeyFnPolicy(cache_key_fn=batch_cache_key),
        result_storage=cache / "results",
    )


def drop_cache_since(output_dir: str, since: float) -> None:
    """Remove the cached results written since `since` (a run the disk filled up): Prefect
    writes them in place, so any of them may be cut short."""
    results = Path(output_dir) / CACHE_DIR / "results"
    for path in results.iterdir() if results.is_dir() else []:
        if path.stat().st_mtime >= since:
            path.unlink(missing_ok=True)


def cleaned_chunks(sources: list[SourceFile], profile: str | None, path_pattern: str | None,
                   batch_size: int, output_dir: str, summary: RunSummary
                   ) -> Iterator[tuple[int, list[Page], list[Rejected], pa.Table]]:
    """(inputs in the chunk, pages, rejected, cleaned table) per chunk, in input order.

    At most READ_AHEAD chunks are being read and CLEANING_AHEAD being cleaned at once, so
    the workers stay busy while memory holds a window of chunks, not the run.
    """
    cleaner = cached_cleaner(output_dir)
    max_chars = load_profile(profile).max_page_chars
    upcoming = iter(source_chunks(sources, batch_size))
    reads: deque = deque()
    cleaning: deque = deque()

    def read_next() -> None:
        chunk = next(upcoming, None)
        if chunk is not None:
            reads.append((len(chunk), read_pages.submit(chunk, path_pattern, max_chars)))

    # Prefect's task futures refer to themselves through their done-callbacks, so a
    # chunk's futures, and the pages and cleaned texts they hold, are freed only by a full
    # garbage collection, which a process holding Prefect's ~350k objects runs rarely:
    # memory grew with the run. So one collection per chunk, and the objects alive now
    # (imports, Prefect's state) are frozen out of it, making it cheap (~20 ms, not 200);
    # unfrozen at the end, so whatever of them turns to garbage is collected after all.
    gc.freeze()
    try:
        for _ in range(READ_AHEAD):
            read_next()
        while reads or cleaning:
            if reads and len(cleaning) < CLEANING_AHEAD:
                size, read = reads.popleft()
                pages, rejected = read.result()
                read_next()
                laid_out = {page.doc_id for page in pages if page.source_format != "text"}
                futures = [cleaner.submit(texts, profile, PIPELINE_VERSION,
                                          sorted(laid_out.intersection(texts)))
                           for texts in batch_texts(pages, batch_size)]
                cleaning.append((size, pages, rejected, futures))
                continue
            size, pages, rejected, futures = cleaning.popleft()
            tables = []
            for future in futures:
                tables.append(future.result())
                summary.batches += 1
                summary.batches_cached += future.state.name == "Cached"
            cleaned = pa.concat_tables(tables) if tables else CLEANED_SCHEMA.empty_table()
            yield size, pages, rejected, cleaned
            del pages, rejected, cleaned, futures, tables
            gc.collect()
    finally:
        gc.unfreeze()
    summary.batches_cleaned = summary.batches - summary.batches_cached


def stage_pages(sources: list[SourceFile], profile: str | None, path_pattern: str | None,
                batch_size: int, output_dir: str, staged: StagedPages, summary: RunSummary
                ) -> tuple[list[Rejected], list]:
    """Read, clean and stage every page; returns the rejected inputs and validation frames."""
    rejected, frames, files_done = [], [], 0
    total = len(sources)
    in_the_ui = progress.PrefectProgress()
    progress.subscribe(in_the_ui)
    progress.report("inputs", 0, total)
    chunks = cleaned_chunks(sources, profile, path_pattern, batch_size, output_dir, summary)
    for chunk_size, pages, bad, cleaned in chunks:
        rejected += bad
        if pages:
            table = staged.add(page_table(pages, cleaned, PIPELINE_VERSION))
            frames.append(validation_frame(table, recompute_metrics=False))
        summary.pages += len(pages)
        summary.bytes_read += sum(page.n_bytes for page in pages)
        files_done += chunk_size
        progress.report("inputs", files_done, total)
    progress.unsubscribe(in_the_ui)
    return rejected, frames


def describe(validation: Validation | None, policy: Policy, fails: bool,
             kept: str = "failing rows quarantined") -> str:
    """The validation line of the run summary."""
    if validation is None:
        return "not run: no pages"
    passed = sum(e.success for e in validation.expectations)
    verdict = (f"passed ({passed}/{len(validation.expectations)} expectations)"
               if validation.success else
               f"{validation.failing_rows} of {validation.rows} rows failed "
               f"({validation.failing_share:.1%}); "
               f"{len(validation.failed)}/{len(validation.expectations)} expectations failed")
    if validation.success:
        return verdict
    if fails:
        return f"FAILED: {verdict}; the run fails (policy {policy.mode}, " \
               f"max {policy.max_failing_share:.0%} failing rows)"
    return f"warning: {verdict}; {kept}"


def write_outputs(inputs: list[str], output_dir: str, profile: str | None, batch_size: int,
                  path_pattern: str | None, summary: RunSummary
                  ) -> tuple[Validation | None, Validation | None]:
    """The body of a run, holding the output folder's lock: read, clean and stage the pages,
    validate them, write pages, quarantine and articles, then the reports that describe
    them (validated into staging; the old reports leave before the table changes and the
    new ones come in after, so no report ever describes a table that is not there)."""
    sources = discover_inputs(inputs)
    run_files = run_scope(inputs, sources)
    reports_dir = Path(output_dir) / REPORTS_DIR
    staged_reports = Path(output_dir) / STAGING_DIR / REPORTS_DIR
    with StagedPages(Path(output_dir)) as staged, removed_on_error(staged_reports):
        rejected, frames = stage_pages(sources, profile, path_pattern, batch_size,
                                       output_dir, staged, summary)
        validation = validate_run(frames, summary.pages, str(staged_reports)) if frames else None
        retire_folder(reports_dir)
        summary.pages_path, summary.rows_in_table, summary.invalid_rows = write_parquet(
            output_dir, staged, validation, run_files)
    if validation is not None:
        validation = replace(validation, reports_dir=publish_folder(staged_reports, reports_dir))
    summary.quarantine_path = quarantine(output_dir, rejected, run_files)
    summary.files = len({source.path for source in sources})
    summary.rows_written = summary.pages
    summary.quarantined = [{"source_path": r.source_path, "reason": r.reason} for r in rejected]
    summary.add_articles(write_articles(output_dir))
    articles = check_articles(output_dir, validation)
    summary.reports_path = str(reports_dir / "index.html")
    return validation, articles


@flow(name="clean-pages")
def clean_pages(inputs: list[str], output_dir: str = "output", profile: str | None = None,
                batch_size: int = 64, path_pattern: str | None = None,
                on_invalid: str = "warn", max_invalid_share: float = 0.10):
    """Clean OCR'd newspaper pages into `output_dir/pages/pages.parquet`, validated.

    `path_pattern`: a regular expression with named groups `publication`, `issue_date`,
    `page`, matched against each input path when no `manifest.csv` beside it names the file.
    `on_invalid` "warn": rows failing the pages suite are quarantined and the run fails
    only when more than `max_invalid_share` of them fail; "fail": any failure fails it.
    Then rebuilds `output_dir/articles/articles.parquet` from the pages table and runs
    the articles suite on it (the same policy judges it).
    Returns the run summary as a dict (`ok` False when any input was quarantined); a
    Failed state carrying it when the validation policy fails the run.
    """
    started, summary = time.perf_counter(), RunSummary()
    load_profile(profile)  # an unknown profile or policy fails here, before any work
    policy = Policy(on_invalid, max_invalid_share)
    preload()  # Great Expectations imports in its own process while pages are cleaned
    with locked_output(Path(output_dir), on_wait=get_run_logger().warning) as swept:
        if swept:
            get_run_logger().info("removed %d temporary files a killed run left", len(swept))
        begun = time.time()
        try:
            validation, articles = write_outputs(inputs, output_dir, profile, batch_size,
                                                 path_pattern, summary)
        except NoSpace:
            drop_cache_since(output_dir, begun)
            raise
    pages_fail = validation is not None and validation.fails_run(policy)
    articles_fail = articles is not None and articles.fails_run(policy)
    summary.validation_failed = pages_fail or articles_fail
    summary.validation = describe(validation, policy, pages_fail)
    summary.articles_validation = describe(articles, policy, articles_fail,
                                           kept="rows kept, see the report")
    summary.seconds = time.perf_counter() - started
    publish_summary(summary, validation, articles)
    if summary.validation_failed:
        return Failed(message=f"validation: {summary.validation}; "
                              f"articles: {summary.articles_validation}", data=summary.to_dict())
    return summary.to_dict()
