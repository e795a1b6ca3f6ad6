"""The pages task: a few batches of input files → validated parts in staging, and the
articles of the issues those parts complete.

Each batch is built on its own (`flows.pages_step.build_batch`). An issue wholly inside
one batch is then built from the rows the batch just wrote to its parts
(`flows.articles_step`, not read back), in the same task run: the pages with no publication or date (an issue per part), and each
issue the flow says no other batch can hold (`owned`: its files' metadata names it for no
other batch still to run, and the table holds no page of it). A task run costs a process
or Dask worker ~0.1 s of CPU and the flow's process a submit; these issues need neither.
A batch found already written builds nothing: its issues are the flow's to plan.
"""

from dataclasses import replace
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.articles_step import IssueRef, build_issues
from flows.inputs import SourceFile
from flows.pages_step import BatchOutcome, build_batch_rows
from qingyang.heap import freeze_long_lived


def own_issues(outcome: BatchOutcome, owned: frozenset[tuple[str, str]]) -> list[IssueRef]:
    """The issues of a batch's parts that the batch alone holds: loose pages (an issue per
    part) and the `owned` issues, each in the one part of its partition."""
    refs = []
    for part in outcome.parts:
        for publication, day, count in part.issues:
            if not (publication and day):
                refs.append(IssueRef(None, None, (part.path,), loose=True, pages=count))
            elif (publication, day) in owned:
                refs.append(IssueRef(publication, day, (part.path,), pages=count))
    return refs


@task(name="process-batches", cache_policy=NO_CACHE)
def process_batches(chunks: list[list[SourceFile]], profile: str | None,
                    path_pattern: str | None, output_dir: str,
                    owned: list[frozenset[tuple[str, str]]]) -> list[BatchOutcome]:
    """A few batches of input files → validated parts in staging, batch by batch (see
    `build_batch`), and the articles of the issues each batch alone holds (`owned`: the
    issues with a publication and date it holds alone, one set a batch): one task run
    for them all, as a task run costs a process or Dask worker ~0.1 s of CPU besides the
    batches' work."""
    freeze_long_lived()  # a worker process's imports, at its first task (`qingyang.heap`)
    logger = get_run_logger()
    outcomes = []
    for sources, alone in zip(chunks, owned, strict=True):
        outcome, table = build_batch_rows(sources, profile, path_pattern, Path(output_dir))
        for item in outcome.rejected:
            logger.warning("quarantined %s: %s", item.source_path, item.reason)
        logger.info("%d pages, %d parts (%s)", outcome.pages, len(outcome.parts),
                    "already in the table" if outcome.reused else "written")
        refs = [] if outcome.reused else own_issues(outcome, alone)
        if refs:
            outcome = replace(outcome, articles=build_issues(Path(output_dir), refs, table))
        outcomes.append(outcome)
    return outcomes
