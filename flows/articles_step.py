"""The articles step: issue by issue, each reading only its issue's pages.

An issue is the pages sharing a publication and an issue_date. The flow plans the issues
from the batches' manifest entries alone (each part lists its issues: `flows.pages_step`),
as soon as the batches that may hold an issue's pages are done (`flows.articles_ahead`),
groups consecutive issues into tasks of a few batches of pages (`issue_groups`), and a
worker builds each issue of its group (`build_issue`): the issues' rows read from the
parts that hold them (staged by the run, or in the table; text columns only, once for
the group), its pages segmented
(`articles.segmentation`), jump-continued stories stitched (`articles.stitching`) and the
articles staged as parts of the partitioned `articles/` table. A page whose publication
or issue_date is null cannot be shown to belong with any other page, so it is an issue
of its own: its jumps stay unmatched and their stitch_note says why (such pages of one
pages part are one issue reference).

Pages whose `valid` is False failed validation and sit in quarantine: they are skipped
and counted. `valid` null (not validated) counts as valid. An issue whose key (its
pages' parts, which are named by their content, and the articles code) is in
`articles/_manifest.json` with its parts present is not built again. The commit, in the
flow's process, moves the new parts in, writes the manifest, and removes the parts of
issues that are gone. Same pages, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
from prefect import task
from prefect.cache_policies import NO_CACHE

from articles.segmentation import segment_page
from articles.stitching import JUMP_KINDS, ArticleRecord, PageInput, stitch_issue
from cleaners import JumpMarker
from cleaners.pagelabels import page_order
from expectations.articles_suite import KEY_COLUMN, rule_columns
from expectations.articles_suite import row_rules as articles_row_rules
from expectations.row_checks import failing_rows
from flows.pages_step import PAGES_DIR, pages_part_file
from qingyang import PIPELINE_VERSION
from qingyang.dataset import (
    move_part,
    part_files,
    partition_of,
    read_manifest,
    sweep_unreferenced,
    write_manifest,
    write_part,
)
from qingyang.fingerprint import cleaning_fingerprint, source_fingerprint
from qingyang.heap import freeze_long_lived
from qingyang.outputdir import STAGING_DIR
from qingyang.schema import ARTICLES_DIR, ARTICLES_SCHEMA, PAGES_SCHEMA

# The pages columns an issue's task reads; nothing else is loaded.
ISSUE_COLUMNS = ["doc_id", "source_path", "publication", "issue_date", "page", "text",
                 "markers", "valid"]
STAGED_ARTICLES = STAGING_DIR / "articles"
NO_ISSUE_NOTE = "the page has no publication or issue_date, so it is an issue of its own"

if TYPE_CHECKING:
    import pyarrow.dataset as ds


@dataclass(frozen=True)
class IssueRef:
    """One issue to build: its publication and ISO date, and the pages parts holding its
    pages. `loose`: the pages of `parts` without publication or date, each an issue."""

    publication: str | None
    issue_date: str | None
    parts: tuple[str, ...]
    loose: bool = False
    pages: int = field(default=0, compare=False)  # how many pages it has (plans tasks)

    def key(self) -> str:
        """What decides the issue's articles and their verdicts: its pages' parts (named by
        content), the articles code, the suite's row rules, schema and version."""
        payload = json.dumps([self.publication, self.issue_date, list(self.parts), self.loose])
        return hashlib.sha256((payload + _articles_code_key()).encode()).hexdigest()


@lru_cache(maxsize=1)
def _articles_code_key() -> str:
    """What every issue's key shares: the articles code, the suite's row rules, schema and
    version (computed once: a run keys thousands of issues)."""
    rules = [repr(rule) for rule in articles_row_rules()]
    return json.dumps([_articles_fingerprint(), rules, str(ARTICLES_SCHEMA), PIPELINE_VERSION])


@lru_cache(maxsize=1)
def _articles_fingerprint() -> str:
    """The source of `articles/` and of what it reads of `cleaners/` (lead words, line tests,
    page labels), with the cleaning libraries' versions: a changed rule rebuilds the issues."""
    import articles

    return source_fingerprint([Path(articles.__file__).parent]) + cleaning_fingerprint()


@dataclass
class ArticlesSummary:
    """What the step wrote (one issue's task, or the table); the flow puts it into the run
    summary."""

    articles: int = 0
    issues: int = 0
    stitched: int = 0
    unmatched_jumps: int = 0
    skipped_invalid: int = 0
    path: str = ""
    parts: list[str] = field(default_factory=list)
    # The articles suite's row rules its rows fail: {rule name: [(article_id, value)]}.
    failures: dict[str, list] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def add(self, other: ArticlesSummary) -> None:
        for name in ("articles", "issues", "stitched", "unmatched_jumps", "skipped_invalid"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.parts += other.parts
        for name, failing in other.failures.items():
            self.failures.setdefault(name, []).extend(failing)


@dataclass
class Issue:
    """The pages of one issue: doc_id → page label."""

    publication: str | None
    issue_date: date | None
    pages: dict[str, str | None] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return bool(self.publication) and self.issue_date is not None


def plan_issues(batches: dict[str, dict]) -> list[IssueRef]:
    """The issues of a pages table, from its manifest's batches (no page is read)."""
    known: dict[tuple[str, str], set[str]] = {}
    loose: dict[str, int] = {}
    pages: dict[tuple[str, str], int] = {}
    for entry in batches.values():
        for part in entry["parts"]:
            for publication, day, count in part["issues"]:
                if publication and day:
                    known.setdefault((publication, day), set()).add(part["path"])
                    pages[publication, day] = pages.get((publication, day), 0) + count
                else:
                    loose[part["path"]] = loose.get(part["path"], 0) + count
    refs = [IssueRef(pub, day, tuple(sorted(parts)), pages=pages[pub, day])
            for (pub, day), parts in sorted(known.items())]
    return refs + [IssueRef(None, None, (path,), loose=True, pages=count)
                   for path, count in sorted(loose.items())]


def issue_groups(refs: list[IssueRef], pages: int) -> list[list[IssueRef]]:
    """Consecutive issues in groups of about `pages` pages, one task each, an issue never
    split: a task run costs ~0.12 s of CPU in a process or Dask worker, more than building
    a 24-page issue's articles.

    >>> refs = [IssueRef("报", f"2024-01-0{d}", (), pages=n) for d, n in [(1, 8), (2, 8), (3, 20)]]
    >>> [[r.issue_date[-1] for r in group] for group in issue_groups(refs, 16)]
    [['1', '2'], ['3']]
    """
    groups: list[list[IssueRef]] = []
    load = pages
    for ref in refs:
        if load >= pages:
            groups.append([])
            load = 0
        groups[-1].append(ref)
        load += ref.pages
    return groups


def issue_rows(output_dir: Path, ref: IssueRef) -> list[dict]:
    """The rows of `ref`'s pages (ISSUE_COLUMNS), in path order, read from its parts only."""
    return issues_rows(output_dir, [ref])[0]


def issues_rows(output_dir: Path, refs: list[IssueRef]) -> list[list[dict]]:
    """The rows of each of `refs` (ISSUE_COLUMNS), in path order: the parts of the issues
    with a publication and date read once for all of them, loose pages part by part."""
    import pyarrow.dataset as ds  # here, not at the top: it imports pandas, which the
    # flow's process (that imports this module for its tasks) never needs

    known = [ref for ref in refs if not ref.loose]
    by_issue: dict[tuple, list[dict]] = {}
    if known:
        days = pa.array(sorted({date.fromisoformat(ref.issue_date) for ref in known}))
        wanted = ds.field("publication").isin(sorted({ref.publication for ref in known})) \
            & ds.field("issue_date").isin(days)
        for row in _read(output_dir, {part for ref in known for part in ref.parts}, wanted):
            by_issue.setdefault((row["publication"], row["issue_date"].isoformat()), []).append(row)
    loose = ds.field("publication").is_null() | (ds.field("publication") == "") \
        | ds.field("issue_date").is_null()
    rows = [_read(output_dir, ref.parts, loose) if ref.loose
            else by_issue.get((ref.publication, ref.issue_date), []) for ref in refs]
    return [sorted(found, key=lambda row: (row["source_path"], row["doc_id"])) for found in rows]


def _read(output_dir: Path, parts, wanted: ds.Expression) -> list[dict]:
    """ISSUE_COLUMNS of the rows of the pages parts `parts` that `wanted` holds for (staged
    by this run, or in the table)."""
    import pyarrow.dataset as ds
    files = [str(pages_part_file(output_dir, path)) for path in sorted(parts)]
    dataset = ds.dataset(files, schema=PAGES_SCHEMA, format="parquet")
    return dataset.to_table(columns=ISSUE_COLUMNS, filter=wanted).to_pylist()


def issues_in(ref: IssueRef, rows: list[dict]) -> tuple[list[tuple[Issue, dict]], int]:
    """(issue, {doc_id: row}) of each issue in `rows`, and the invalid pages skipped; a
    doc_id seen twice (the same bytes under two paths) is one page."""
    issues: dict[tuple, tuple[Issue, dict]] = {}
    skipped = 0
    for row in rows:
        if row["valid"] is False:
            skipped += 1
            continue
        key = (row["doc_id"],) if ref.loose else ()
        issue, stored = issues.setdefault(key, (Issue(row["publication"], row["issue_date"]), {}))
        if row["doc_id"] not in stored:
            stored[row["doc_id"]] = row
            issue.pages[row["doc_id"]] = row["page"]
    return [issues[key] for key in sorted(issues)], skipped


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


def article_columns(records: list[ArticleRecord]) -> dict[str, list]:
    """The records as ARTICLES_SCHEMA's columns, a list each (issue_date as a date, not the
    stitcher's ISO string): no dict per row."""
    columns = {name: [getattr(record, name) for record in records]
               for name in ARTICLES_SCHEMA.names}
    days = {day: date.fromisoformat(day) for day in set(columns["issue_date"]) if day is not None}
    columns["issue_date"] = [days.get(day) for day in columns["issue_date"]]
    return columns


def build_issues(output_dir: Path, refs: list[IssueRef], table: pa.Table | None = None
                 ) -> dict[str, ArticlesSummary]:
    """{key: summary} of each of `refs` built by `build_issue`, their pages read together
    from their parts, or taken from `table`: the rows of the one batch that wrote every
    part they name (`issues_rows_in`)."""
    rows = issues_rows(output_dir, refs) if table is None else issues_rows_in(table, refs)
    return {ref.key(): build_issue(output_dir, ref, found)
            for ref, found in zip(refs, rows, strict=True)}


def issues_rows_in(table: pa.Table, refs: list[IssueRef]) -> list[list[dict]]:
    """What `issues_rows` reads back of `refs` from their parts, from `table`, the rows
    of the batch that wrote them all (a part holds its batch's rows of one partition)."""
    rows = table.select(ISSUE_COLUMNS).to_pylist()
    found: list[list[dict]] = []
    for ref in refs:
        if ref.loose:
            partition = ref.parts[0].rpartition("/")[0]  # "publication=…/year=…/part-….parquet"
            chosen = [row for row in rows if _is_loose(row)
                      and partition_of(row["publication"], row["issue_date"]) == partition]
        else:
            chosen = [row for row in rows if row["publication"] == ref.publication
                      and row["issue_date"] is not None
                      and row["issue_date"].isoformat() == ref.issue_date]
        found.append(sorted(chosen, key=lambda row: (row["source_path"], row["doc_id"])))
    return found


def _is_loose(row: dict) -> bool:
    """A page of no issue: no publication (or an empty one) or no issue_date."""
    return not row["publication"] or row["issue_date"] is None


def build_issue(output_dir: Path, ref: IssueRef, rows: list[dict]) -> ArticlesSummary:
    """Build the articles of one issue (or of loose pages) from its pages' `rows`
    (`issues_rows`) into staged parts, judged by the articles suite's row rules (no
    Prefect, no GE)."""
    output_dir = Path(output_dir)
    issues, skipped = issues_in(ref, rows)
    summary = ArticlesSummary(issues=len(issues), skipped_invalid=skipped)
    records = [record for issue, stored in issues for record in issue_records(issue, stored)]
    summary.articles = len(records)
    summary.stitched = sum(record.continued for record in records)
    summary.unmatched_jumps = sum(m["kind"] in JUMP_KINDS for record in records
                                  for m in record.markers)
    columns = article_columns(records)
    table = pa.Table.from_pydict(columns, schema=ARTICLES_SCHEMA)
    summary.failures = failing_rows(rule_columns(columns, table.schema), articles_row_rules(),
                                    KEY_COLUMN)
    partitions = [partition_of(publication, day) for publication, day
                  in zip(columns["publication"], columns["issue_date"], strict=True)]
    for partition in sorted(set(partitions)):
        chosen = table if len(set(partitions)) == 1 else \
            table.filter(pa.array([p == partition for p in partitions], pa.bool_()))
        summary.parts.append(write_part(chosen, output_dir / STAGED_ARTICLES, partition))
    return summary


@task(name="build-issues-articles", cache_policy=NO_CACHE)
def build_issues_articles(output_dir: str, refs: list[IssueRef]) -> dict[str, ArticlesSummary]:
    """Segment and stitch the pages of a group of issues into staged articles parts."""
    freeze_long_lived()  # a worker process's imports, at its first task (`qingyang.heap`)
    return build_issues(Path(output_dir), refs)


def stored_issues(output_dir: Path) -> dict[str, dict]:
    """{issue key: summary} of the articles table now, with its parts still present."""
    root = Path(output_dir) / ARTICLES_DIR
    issues = read_manifest(root).get("issues", {})
    return {key: entry for key, entry in issues.items()
            if all((root / path).is_file() for path in entry["parts"])}


def commit_articles(output_dir: Path, built: dict[str, ArticlesSummary]) -> ArticlesSummary:
    """Move new issues' staged parts in, write the manifest of exactly `built`'s issues,
    remove the parts of issues that are gone; the table's totals."""
    root = Path(output_dir) / ARTICLES_DIR
    for summary in built.values():
        for path in summary.parts:
            staged = Path(output_dir) / STAGED_ARTICLES / path
            if staged.is_file():
                move_part(staged, root / path)
    issues = {key: summary.to_dict() for key, summary in sorted(built.items())}
    write_manifest(root, {"issues": issues})
    shutil.rmtree(Path(output_dir) / STAGED_ARTICLES, ignore_errors=True)  # empty folders
    sweep_unreferenced(root, [path for s in built.values() for path in s.parts])
    total = ArticlesSummary(path=str(root))
    for summary in built.values():
        total.add(summary)
    total.parts = []
    return total


def build_articles(output_dir: Path) -> ArticlesSummary:
    """Rebuild the whole articles table from the pages table, issue after issue, in this
    process (the flow runs `build_issue_articles` in parallel instead)."""
    from flows.store import stored_batches

    output_dir = Path(output_dir)
    if not part_files(output_dir / PAGES_DIR):
        raise FileNotFoundError(f"{output_dir / PAGES_DIR}: no pages table to build articles from")
    return commit_articles(output_dir, build_issues(output_dir, plan_issues(stored_batches(output_dir))))
