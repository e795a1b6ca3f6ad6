"""The `clean_pages` flow: discover → batches (read, clean, validate, write parts), and
articles per issue as soon as its pages are written → table checks → commit → quarantine →
reports → summary.

Workers do the work: a task per batch of pages (never per page: a task run costs ~65 ms
of CPU in a process worker, ~3 ms in a thread) takes its files from read to validated
Parquet parts in staging (`flows.pages_step`); batches are submitted a bounded window
ahead (`flows.window`), so memory holds a few batches' results (names and counts), never
the pages. The flow's process only schedules and commits (`flows.store`): it moves parts
into place and writes the manifest; it never touches a page's text. Articles are built
issue by issue, a few batches of pages' issues a task (`flows.articles_step`), each
submitted once the batches that may hold its pages have finished (`flows.articles_ahead`),
so they run beside the later batches; they read the staged parts, so the pages are
committed after them. The table checks run in workers too. A run holds the output
folder's lock (`qingyang.outputdir`) from start to end.
"""

import time
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from cleaners import load_profile
from expectations import Policy, Validation
from expectations.report.pages import write_report
from expectations.runner import ARTICLES_REPORTS, write_results
from expectations.table_checks import (
    articles_table_outcomes,
    run_articles_validation,
    run_validation,
    table_outcomes,
)
from flows import progress
from flows.articles_ahead import ArticlesAhead
from flows.articles_step import ArticlesSummary, commit_articles
from flows.batch_task import process_batches
from flows.inputs import (
    Rejected,
    SourceFile,
    discover,
    jsonl_part_bytes,
    run_scope,
    source_chunks,
)
from flows.pages_step import PAGES_DIR, BatchOutcome, pages_part_file, prune_stored_batch
from flows.store import (
    Committed,
    commit_pages,
    removed_on_error,
    retire_folder,
    split_stored,
    stored_batches,
    sweep_uncommitted,
    table_batches,
    write_quarantine,
)
from flows.summary import RunSummary, summary_markdown
from flows.window import bounded_map, guided_groups
from qingyang.dataset import committed_parts
from qingyang.heap import freeze_long_lived
from qingyang.outputdir import STAGING_DIR, locked_output
from qingyang.schema import ARTICLES_DIR

REPORTS_DIR = "reports"
# Tasks (batches, issues) submitted ahead of the one being collected: enough to keep
# every worker busy, few enough that the flow holds a window of results, not the run's.
BATCHES_AHEAD = 8
# Batches in a pages task: a quarter of those left, at most four (`guided_groups`), so a
# task run's own cost (~0.1 s of CPU in a process or Dask worker, ~0.05 s in this process
# to submit it) is shared by a few batches while many are left, and the last tasks are
# one batch each.
BATCHES_PER_TASK = 4
BATCH_GROUP_SHARE = 4
# Pages in an articles task, in batches: building a page's articles costs about a fifth
# of reading, cleaning and writing it, and a task run costs ~65 ms of CPU in a process
# worker, so a task of four batches' issues is about as long as a batch's. Fewer as the
# last batches run (a quarter of the batches left, as for the pages tasks), so that the
# workers share the last issues.
ISSUE_GROUP_BATCHES = 4


@task(name="discover-inputs")
def discover_inputs(inputs: list[str], batch_size: int) -> list[SourceFile]:
    """The input files; a large JSONL file in parts of about a batch of pages."""
    sources = discover(inputs, part_bytes=jsonl_part_bytes(batch_size))
    get_run_logger().info("found %d inputs (files, or parts of large JSONL files)", len(sources))
    return sources


@task(name="check-pages-table", cache_policy=NO_CACHE)
def check_pages_table(output_dir: str, outcomes: list[BatchOutcome]) -> Validation | None:
    """The pages suite over this run's parts (staged, or in the table): the workers' row
    verdicts, and row count, columns and unique doc_id checked on the parts (metadata,
    DuckDB)."""
    parts = [part.path for outcome in outcomes for part in outcome.parts]
    pages = sum(outcome.pages for outcome in outcomes)
    if not pages:
        return None
    failures: dict[str, list] = {}
    for outcome in outcomes:
        for name, failing in outcome.failures.items():
            failures.setdefault(name, []).extend(failing)
    started = time.perf_counter()
    table = table_outcomes([pages_part_file(Path(output_dir), path) for path in parts], pages)
    return run_validation(table, failures, pages, seconds=time.perf_counter() - started)


@task(name="write-quarantine")
def quarantine(output_dir: str, rejected: list[Rejected], run_files: set[str]) -> str:
    return str(write_quarantine(Path(output_dir), rejected, run_files))


@task(name="commit-articles", cache_policy=NO_CACHE)
def commit_issues(output_dir: str, built: dict[str, ArticlesSummary]) -> ArticlesSummary:
    return commit_articles(Path(output_dir), built)


@task(name="check-articles-table", cache_policy=NO_CACHE)
def check_articles_table(output_dir: str, built: ArticlesSummary) -> Validation:
    """The articles suite over the table, into reports/articles/: the issues' row verdicts,
    and columns, unique article_id and unique text checked on the parts (metadata, DuckDB)."""
    started = time.perf_counter()
    table = articles_table_outcomes(committed_parts(Path(output_dir) / ARTICLES_DIR))
    validation = run_articles_validation(
        table, built.failures, built.articles,
        reports_dir=Path(output_dir) / REPORTS_DIR / ARTICLES_REPORTS,
        seconds=time.perf_counter() - started)
    write_results(validation, note="")
    return validation


@task(name="write-reports", cache_policy=NO_CACHE)
def write_reports(output_dir: str, validation: Validation | None) -> Validation | None:
    """The pages validation (JSON, index) and the report with the failing pages' proofs
    (it reads their texts: a worker's job), linking the articles report beside it."""
    if validation is not None:
        validation = replace(validation, reports_dir=Path(output_dir) / REPORTS_DIR)
        write_results(validation)
    write_report(Path(output_dir), validation)
    return validation


@task(name="publish-summary", cache_policy=NO_CACHE)
def publish_summary(summary: RunSummary, validation: Validation | None,
                    articles: Validation | None) -> None:
    """Markdown and table artifacts on the flow run (run, validation); a log line per problem."""
    figures = summary.to_dict()
    create_markdown_artifact(summary_markdown(figures), key="qingyang-run-summary",
                             description="qingyang run summary")
    create_table_artifact(
        [{"metric": k, "value": str(v)} for k, v in figures.items() if k != "quarantined"]
        + [{"metric": f"quarantined {q['source_path']}", "value": q["reason"]}
           for q in summary.quarantined],
        key="qingyang-run-table", description="qingyang run figures")
    for validated, key, what in ((validation, "qingyang-validation", "pages"),
                                 (articles, "qingyang-articles-validation", "articles")):
        if validated is not None:
            create_markdown_artifact(validated.markdown(), key=key,
                                     description=f"{what} suite: result per expectation")


def clean_batches(chunks: list[list[SourceFile]], profile: str | None, path_pattern: str | None,
                  output_dir: str, articles: ArticlesAhead) -> list[BatchOutcome]:
    """Every batch through `process_batches`, in tasks of a few (`guided_groups`),
    BATCHES_AHEAD tasks at a time, each finished batch told to `articles`; progress
    reported."""
    groups = guided_groups(list(enumerate(chunks)), BATCHES_PER_TASK, BATCH_GROUP_SHARE)
    inputs = sum(len(chunk) for chunk in chunks)
    in_the_ui = progress.PrefectProgress()
    progress.subscribe(in_the_ui)
    outcomes, done = [], 0
    progress.report("inputs", 0, inputs)
    try:
        submit = lambda group: process_batches.submit(  # noqa: E731
            [chunk for _, chunk in group], profile, path_pattern, output_dir,
            [articles.owned(index) for index, _ in group])
        for group_outcomes in bounded_map(submit, groups, BATCHES_AHEAD):
            for outcome in group_outcomes:
                articles.batch_done(len(outcomes), outcome)  # the chunk's index
                outcomes.append(outcome)
            done += sum(outcome.inputs for outcome in group_outcomes)
            progress.report("inputs", done, inputs)
    finally:
        progress.unsubscribe(in_the_ui)
    return outcomes


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


def summarise(output_dir: str, sources: list[SourceFile], outcomes: list[BatchOutcome],
              committed: Committed, articles: tuple[ArticlesSummary, int], verdicts: dict,
              seconds: float) -> RunSummary:
    """The run summary, every count derived from the steps' results."""
    batches = [outcome for outcome in outcomes if outcome.key and outcome.inputs]
    built, issues_built = articles
    rejected = [item for outcome in outcomes for item in outcome.rejected]
    return RunSummary(
        files=len({source.path for source in sources}),
        pages=sum(o.pages for o in outcomes), rows_written=sum(o.pages for o in outcomes),
        rows_in_table=committed.rows, parts_in_table=committed.parts,
        quarantined=[{"source_path": r.source_path, "reason": r.reason} for r in rejected],
        batches=len(batches), batches_cached=sum(o.reused for o in batches),
        batches_cleaned=sum(not o.reused for o in batches),
        bytes_read=sum(o.bytes_read for o in outcomes), seconds=seconds,
        invalid_rows=committed.invalid, pages_path=str(Path(output_dir) / PAGES_DIR),
        quarantine_path=str(Path(output_dir) / "quarantine" / "quarantine.jsonl"),
        reports_path=str(Path(output_dir) / REPORTS_DIR / "index.html"),
        articles=built.articles, issues=built.issues, issues_built=issues_built,
        articles_stitched=built.stitched, unmatched_jumps=built.unmatched_jumps,
        invalid_pages_skipped=built.skipped_invalid, articles_path=built.path, **verdicts)


@flow(name="clean-pages")
def clean_pages(inputs: list[str], output_dir: str = "output", profile: str | None = None,
                batch_size: int = 256, path_pattern: str | None = None,
                on_invalid: str = "warn", max_invalid_share: float = 0.10):
    """Clean OCR'd newspaper pages into the partitioned table `output_dir/pages/`, validated.

    `path_pattern`: a regular expression with named groups `publication`, `issue_date`,
    `page`, matched against each input path when no `manifest.csv` beside it names the file.
    `on_invalid` "warn": rows failing the pages suite are quarantined and the run fails
    only when more than `max_invalid_share` of them fail; "fail": any failure fails it.
    Then builds `output_dir/articles/` issue by issue and runs the articles suite on it
    (the same policy judges it).
    Returns the run summary as a dict (`ok` False when any input was quarantined); a
    Failed state carrying it when the validation policy fails the run.
    """
    started = time.perf_counter()
    freeze_long_lived()  # in the CLI's process: its imports out of the collector's walks
    load_profile(profile)  # an unknown profile or policy fails here, before any work
    policy = Policy(on_invalid, max_invalid_share)
    with locked_output(Path(output_dir), on_wait=get_run_logger().warning), \
            removed_on_error(Path(output_dir) / STAGING_DIR):  # a failed run leaves no litter
        sweep_uncommitted(Path(output_dir))
        sources = discover_inputs(inputs, batch_size)
        run_files = run_scope(inputs, sources)
        kept, partial = split_stored(stored_batches(Path(output_dir)), run_files)
        pruned = [prune_stored_batch.submit(output_dir, key, entry, run_files)
                  for key, entry in partial.items()]
        chunks = source_chunks(sources, batch_size)
        ahead = ArticlesAhead(output_dir, batch_size, ISSUE_GROUP_BATCHES, BATCH_GROUP_SHARE)
        ahead.expect(kept, partial, chunks, path_pattern)
        outcomes = clean_batches(chunks, profile, path_pattern, output_dir, ahead)
        checked = check_pages_table.submit(output_dir, outcomes)  # beside the articles tasks
        pruned = [future.result() for future in pruned]
        built, issues_built = ahead.finish(table_batches(kept, outcomes + pruned))
        checked.wait()  # it reads staged parts: done before the commit moves them
        retire_folder(Path(output_dir) / REPORTS_DIR)  # no report of a table that changed
        committed = commit_pages(Path(output_dir), kept, outcomes + pruned)
        quarantine(output_dir, [r for o in outcomes for r in o.rejected], run_files)
        articles = commit_issues(output_dir, built), issues_built
        articles_validation = check_articles_table.submit(output_dir, articles[0]).result()
        validation = write_reports.submit(output_dir, checked.result()).result()
    pages_fail = validation is not None and validation.fails_run(policy)
    articles_fail = articles_validation is not None and articles_validation.fails_run(policy)
    summary = summarise(output_dir, sources, outcomes, committed, articles, {
        "validation_failed": pages_fail or articles_fail,
        "validation": describe(validation, policy, pages_fail),
        "articles_validation": describe(articles_validation, policy, articles_fail,
                                        kept="rows kept, see the report")},
        time.perf_counter() - started)
    publish_summary(summary, validation, articles_validation)
    if summary.validation_failed:
        return Failed(message=f"validation: {summary.validation}; "
                              f"articles: {summary.articles_validation}", data=summary.to_dict())
    return summary.to_dict()
