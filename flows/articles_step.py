"""The articles step: output/pages → output/articles, rebuilt whole on every run.

Pages are segmented into articles (`articles.segmentation`) and jump-continued stories are
stitched within each issue (`articles.stitching`). An issue is the pages sharing a
publication and an issue_date. A page whose publication or issue_date is null cannot
be shown to belong with any other page, so it is an issue of its own: its jumps stay
unmatched and their stitch_note says why.

Memory does not grow with the pages table. A first pass reads only the small key
columns (doc_id, publication, issue_date, page, valid) and plans the issues; a second
pass reads the pages' text in file order, one Parquet row group at a time, and hands
each issue on as soon as all its pages are read, and the articles are written row group
by row group. (Not `Dataset.to_batches`: its scanner reads row groups ahead of the
consumer, and on a 25,000-page table it held ~900 MB of decoded text at once.)
Pages whose `valid` is False failed validation and sit in quarantine: they are skipped
and counted. `valid` null (not validated) counts as valid.

Rows are ordered by issue (in the order their last page comes in the pages table),
then by page and position on the page, so the same pages give the same bytes.
No Prefect here except the one task at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from articles.segmentation import segment_page
from articles.stitching import JUMP_KINDS, ArticleRecord, PageInput, stitch_issue
from cleaners import JumpMarker
from cleaners.pagelabels import page_order
from flows.store import PAGES_FILE
from qingyang.parquet_io import RowGroupWriter, atomic_target
from qingyang.schema import ARTICLES_FILE, ARTICLES_SCHEMA

# The pages columns each pass reads; nothing else is loaded.
KEY_COLUMNS = ["doc_id", "publication", "issue_date", "page", "valid"]
TEXT_COLUMNS = ["doc_id", "text", "markers", "valid"]
# Articles per Parquet row group.
ROWS_PER_GROUP = 4096
# Pages turned into Python rows at once, out of one decoded row group of the pages table.
ROWS_PER_SLICE = 64
NO_ISSUE_NOTE = "the page has no publication or issue_date, so it is an issue of its own"


@dataclass
class ArticlesSummary:
    """What the step wrote; the flow puts it into the run summary."""

    articles: int = 0
    issues: int = 0
    stitched: int = 0
    unmatched_jumps: int = 0
    skipped_invalid: int = 0
    path: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Issue:
    """The pages of one issue, known from the key columns alone."""

    publication: str | None
    issue_date: date | None
    pages: dict[str, str | None] = field(default_factory=dict)  # doc_id → page label

    @property
    def known(self) -> bool:
        return bool(self.publication) and self.issue_date is not None


def plan_issues(pages: ds.Dataset) -> tuple[list[Issue], int]:
    """The issues of a pages table in output order, and how many invalid pages were skipped.

    A doc_id seen twice (the same bytes under two paths) is one page.
    """
    issues: dict[tuple, Issue] = {}
    seen: set[str] = set()
    skipped = 0
    for row in stored_rows(pages, KEY_COLUMNS):
        if row["valid"] is False:
            skipped += 1
            continue
        if row["doc_id"] in seen:
            continue
        seen.add(row["doc_id"])
        publication, issue_date = row["publication"], row["issue_date"]
        key = ((0, publication, issue_date.isoformat(), "") if publication and issue_date
               else (1, publication or "", str(issue_date or ""), row["doc_id"]))
        issue = issues.setdefault(key, Issue(publication, issue_date))
        issue.pages[row["doc_id"]] = row["page"]
    return [issues[key] for key in sorted(issues)], skipped


def stored_rows(pages: ds.Dataset, columns: list[str]) -> Iterator[dict]:
    """The rows of a pages table in file order, as dicts of `columns`: one row group is
    decoded at a time, and turned into Python objects `ROWS_PER_SLICE` rows at a time."""
    for path in pages.files:
        stored = pq.ParquetFile(path, filesystem=pages.filesystem)
        for group in range(stored.num_row_groups):
            table = stored.read_row_group(group, columns=columns)
            for batch in table.to_batches(max_chunksize=ROWS_PER_SLICE):
                yield from batch.to_pylist()


def issues_as_read(pages: ds.Dataset, issues: list[Issue]) -> Iterator[tuple[Issue, dict]]:
    """Each issue with {doc_id: text columns} of its pages, as soon as one pass over the
    pages table (in file order) has read them all.

    Memory holds the pages of issues not yet complete: an archive's pages of one issue
    sit together in file order, so that is a few pages, not the table.
    """
    issue_of = {doc_id: issue for issue in issues for doc_id in issue.pages}
    waiting: dict[int, dict[str, dict]] = {}
    for row in stored_rows(pages, TEXT_COLUMNS):
        issue = issue_of.get(row["doc_id"])
        if issue is None or row["valid"] is False:
            continue
        got = waiting.setdefault(id(issue), {})
        got.setdefault(row["doc_id"], row)
        if len(got) == len(issue.pages):
            yield issue, waiting.pop(id(issue))


def page_input(doc_id: str, issue: Issue, row: dict) -> PageInput:
    """A stored page as the stitcher's input: segmented from its stored cleaned columns."""
    markers = [JumpMarker(**m) for m in row["markers"]]  # each knows its paragraph
    return PageInput(
        doc_id=doc_id, publication=issue.publication,
        issue_date=issue.issue_date.isoformat() if issue.issue_date else None,
        page=issue.pages[doc_id], articles=segment_page(row["text"], markers))


def issue_records(issue: Issue, rows: dict[str, dict]) -> list[ArticleRecord]:
    """The article records of one issue, pages in page order."""
    order = sorted(issue.pages, key=lambda d: (page_order(issue.pages[d]), d))
    records = stitch_issue([page_input(d, issue, rows[d]) for d in order])
    if not issue.known:
        for record in records:
            if any(m["kind"] in JUMP_KINDS for m in record.markers):
                record.stitch_note = f"{record.stitch_note}; {NO_ISSUE_NOTE}"
    return records


def article_row(record: ArticleRecord) -> dict:
    """One row of ARTICLES_SCHEMA (issue_date as a date, not the stitcher's ISO string)."""
    row = record.to_dict()
    if row["issue_date"] is not None:
        row["issue_date"] = date.fromisoformat(row["issue_date"])
    return row


def build_articles(output_dir: Path) -> ArticlesSummary:
    """Rebuild `output_dir/articles/articles.parquet` from `output_dir/pages/pages.parquet`."""
    output_dir = Path(output_dir)
    pages_path = output_dir / PAGES_FILE
    if not pages_path.is_file():
        raise FileNotFoundError(f"{pages_path}: no pages table to build articles from")
    pages = ds.dataset(pages_path, format="parquet")
    issues, skipped = plan_issues(pages)
    summary = ArticlesSummary(issues=len(issues), skipped_invalid=skipped,
                              path=str(output_dir / ARTICLES_FILE))

    with atomic_target(output_dir / ARTICLES_FILE) as tmp, \
            RowGroupWriter(tmp, ARTICLES_SCHEMA, ROWS_PER_GROUP) as writer:
        for issue, stored in issues_as_read(pages, issues):
            for record in issue_records(issue, stored):
                writer.add(article_row(record))
                summary.articles += 1
                summary.stitched += record.continued
                summary.unmatched_jumps += sum(m["kind"] in JUMP_KINDS for m in record.markers)
    return summary


@task(name="write-articles", cache_policy=NO_CACHE)
def write_articles(output_dir: str) -> dict:
    """Segment and stitch the pages table into `output_dir/articles/articles.parquet`."""
    summary = build_articles(Path(output_dir))
    get_run_logger().info(
        "articles: %d in %d issues, %d stitched, %d jumps unmatched, %d invalid pages skipped",
        summary.articles, summary.issues, summary.stitched, summary.unmatched_jumps,
        summary.skipped_invalid)
    return summary.to_dict()
