"""The articles tasks, submitted while the pages are still being cleaned.

An issue's articles task is submitted as soon as every batch that may hold its pages has
finished (`flows.ready_issues`), so articles are built beside the later batches instead
of after the last one; an issue wholly inside one batch is built by that batch's own task
(`flows.batch_task`, told by `owned`). Issues go in groups of a few batches' pages (a
task run has a cost of its own) that shrink, like the pages tasks
(`flows.window.guided_groups`), to one batch's pages as the last batches run, so that
the workers share the last ones. The pages parts are read where they are: staged by this
run, or in the table (`flows.pages_step.pages_part_file`); the flow commits the pages
only after these tasks.

At the end (`finish`) the issues of the whole table are planned again from its batches
(`plan_issues`): an issue built early counts only if its key (its parts) is one of them,
and an issue not built yet is built then. So the articles table is the one a run that
built every issue after the last batch would write.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from pathlib import Path

from flows.articles_step import (
    ArticlesSummary,
    IssueRef,
    build_issues_articles,
    issue_groups,
    plan_issues,
    stored_issues,
)
from flows.inputs import SourceFile, chunk_issues
from flows.pages_step import BatchOutcome
from flows.ready_issues import ReadyIssues


class ArticlesAhead:
    """Issues' articles tasks submitted as their pages are all written."""

    def __init__(self, output_dir: str, batch_pages: int, largest: int, share: int) -> None:
        """Groups of `batch_pages` times a `share`-th of the batches still to finish, at
        least one and at most `largest`."""
        self.output_dir = output_dir
        self.batch_pages, self.largest, self.share = batch_pages, largest, share
        self.ready = ReadyIssues()
        self.stored = stored_issues(Path(output_dir))  # built by earlier runs, parts present
        self.submitted: set[str] = set()
        self.built: dict[str, ArticlesSummary] = {}  # by the pages tasks
        self.futures: list = []
        self.queued: list[IssueRef] = []

    def expect(self, kept: dict[str, dict], pruned: dict[str, dict],
               chunks: list[list[SourceFile]], path_pattern: str | None) -> None:
        """The run's batches before any runs: the stored ones kept as they are (finished),
        the stored ones a worker prunes (their issues known from their parts) and the
        chunks to clean, by index (their issues from their files' metadata)."""
        for key, entry in pruned.items():
            self.ready.expect(("pruned", key), frozenset(
                (pub, day) for part in entry["parts"] for pub, day, _ in part["issues"]
                if pub and day))
        manifests: dict[str, dict] = {}
        for index, chunk in enumerate(chunks):
            self.ready.expect(index, chunk_issues(chunk, manifests, path_pattern))
        self.offer(self.ready.done(None, kept.values()))

    def owned(self, index: Hashable) -> frozenset[tuple[str, str]]:
        """The issues chunk `index` alone can hold: its task builds them (`flows.batch_task`)."""
        return self.ready.alone(index)

    def batch_done(self, index: Hashable, outcome: BatchOutcome) -> None:
        """Chunk `index` finished (with the issues its task built): submit what is ready."""
        self.built.update(outcome.articles)
        self.submitted.update(outcome.articles)
        parts = [{"path": part.path, "issues": part.issues} for part in outcome.parts]
        self.offer(self.ready.done(index, [{"parts": parts}]))

    def group_pages(self) -> int:
        """The pages of a group now: fewer as fewer batches are left."""
        batches = max(1, min(self.largest, self.ready.pending // max(self.share, 1)))
        return batches * self.batch_pages

    def offer(self, refs: Iterable[IssueRef]) -> None:
        """Queue issues not stored nor submitted; submit the queue once it holds a
        group's pages."""
        for ref in refs:
            key = ref.key()
            if key in self.stored or key in self.submitted:
                continue
            self.submitted.add(key)
            self.queued.append(ref)
        pages = self.group_pages()
        if sum(ref.pages for ref in self.queued) >= pages:
            self._submit(self.queued, pages)
            self.queued = []

    def finish(self, batches: dict[str, dict]) -> tuple[dict[str, ArticlesSummary], int]:
        """Every issue of the table's `batches` built (or kept from the table): the
        summaries by key, and how many issues this run built."""
        refs = {ref.key(): ref for ref in plan_issues(batches)}
        queued = {ref.key() for ref in self.queued}
        missing = [ref for key, ref in refs.items()
                   if key not in self.stored and (key not in self.submitted or key in queued)]
        self._submit(missing, self.batch_pages)
        self.queued = []
        built = {key: ArticlesSummary(**self.stored[key]) for key in refs if key in self.stored}
        built |= {key: summary for key, summary in self.built.items() if key in refs}
        for future in self.futures:
            built |= {key: summary for key, summary in future.result().items() if key in refs}
        return built, sum(key not in self.stored for key in refs)

    def _submit(self, refs: list[IssueRef], pages: int) -> None:
        for group in issue_groups(refs, pages):
            self.futures.append(build_issues_articles.submit(self.output_dir, group))
