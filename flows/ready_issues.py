"""Which issues have all their pages written while batches still run.

An issue's articles need every page of the issue (`flows.articles_step`). The flow learns
which issues a batch's parts hold when the batch finishes (each part lists its issues),
and knows before a batch runs which issues its pages can belong to
(`flows.inputs.chunk_issues`: its files' metadata; not known for JSONL, whose rows may
name their own). An issue is ready once no batch still to finish may hold a page of it:
its articles can be built then, beside the later batches. Pages without a publication or
date are an issue per part (`articles_step.plan_issues`): ready with the batch that wrote
the part.

The refs handed out are those `plan_issues` makes of the finished batches (same parts,
same key), so an issue built early is the issue the whole table plans. Bookkeeping only:
no Prefect, no files.
"""

from collections import Counter
from collections.abc import Hashable, Iterable

from flows.articles_step import IssueRef

Issue = tuple[str, str]  # (publication, ISO issue_date)


class ReadyIssues:
    """Issues handed out as they become ready: `expect` every batch first, then `done`
    each as it finishes (and the batches already in the table, with no name)."""

    def __init__(self) -> None:
        self._pending: dict[Hashable, frozenset[Issue] | None] = {}
        self._may_hold: Counter[Issue] = Counter()  # issue → pending batches that may hold it
        self._unknown = 0  # pending batches whose issues are not known before they run
        self._parts: dict[Issue, set[str]] = {}
        self._pages: Counter[Issue] = Counter()
        self._waiting: set[Issue] = set()  # issues with parts, not handed out since

    @property
    def pending(self) -> int:
        """Batches expected and not done yet."""
        return len(self._pending)

    def expect(self, batch: Hashable, issues: frozenset[Issue] | None) -> None:
        """A batch still to finish, and the issues its pages can belong to (None: any)."""
        self._pending[batch] = issues
        if issues is None:
            self._unknown += 1
        else:
            self._may_hold.update(issues)

    def alone(self, batch: Hashable) -> frozenset[Issue]:
        """The issues only `batch` can hold a page of: expected for it and for no other
        batch still to finish, with no page in a finished one."""
        if self._unknown:
            return frozenset()
        return frozenset(issue for issue in self._pending.get(batch) or ()
                         if self._may_hold[issue] == 1 and issue not in self._parts)

    def done(self, batch: Hashable | None, entries: Iterable[dict]) -> list[IssueRef]:
        """A batch finished with its manifest `entries` ({"parts": [{"path", "issues"}]});
        the issues ready now. `batch` None: entries of batches no one expected (stored)."""
        predicted = self._pending.pop(batch, frozenset()) if batch is not None else frozenset()
        if predicted is None:
            self._unknown -= 1
        else:
            self._may_hold.subtract(predicted)
        loose: Counter[str] = Counter()
        touched = set(predicted or ())
        for entry in entries:
            for part in entry["parts"]:
                for publication, day, count in part["issues"]:
                    if publication and day:
                        self._parts.setdefault((publication, day), set()).add(part["path"])
                        self._pages[publication, day] += count
                        self._waiting.add((publication, day))
                        touched.add((publication, day))
                    else:
                        loose[part["path"]] += count
        ready = [IssueRef(None, None, (path,), loose=True, pages=count)
                 for path, count in sorted(loose.items())]
        if self._unknown:
            return ready
        candidates = self._waiting if predicted is None else self._waiting & touched
        for issue in sorted(issue for issue in candidates if not self._may_hold[issue]):
            self._waiting.discard(issue)
            ready.append(IssueRef(*issue, tuple(sorted(self._parts[issue])),
                                  pages=self._pages[issue]))
        return ready
