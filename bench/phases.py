"""Where the flow's CPU goes, phase by phase: `python -m bench.phases INPUT... [--batch-size N]`.

Runs the work of `qingyang run` in this process, without Prefect, on one core: every batch
through `flows.pages_step.build_batch`, the commit, the pages table checks, the articles
issue group by issue group (`flows.articles_step.build_issues`), their commit and the
articles table checks; and, apart, bare `cleaners.clean` over the same pages. Each phase
is a function of the flow's modules wrapped in a CPU timer (`time.process_time`, not wall
time: the machine is shared); the table gives each phase's own CPU seconds (its nested
phases subtracted) and its share of bare cleaning. Prefect's own cost (task runs, the
API) is what `qingyang run` takes beyond these: compare its `flow body` or CPU time.

    python -m bench.phases bench/corpus/20MB-s0/shard-*.jsonl
    python -m bench.phases seeds/ --keep /tmp/out      # and keep the output folder

BENCHMARKS.md ("Where the flow's time goes") quotes it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

# (label, module, function): each phase the table reports, where its function is looked up
# (patched in the module that calls it). Nested phases count in their own line only.
PHASES = (
    ("batch", "flows.pages_step", "build_batch"),
    ("batch: read", "flows.pages_step", "read_pages"),
    ("batch: key", "flows.pages_step", "batch_key"),
    ("batch: clean", "flows.rows", "clean"),
    ("batch: metrics", "flows.rows", "quality_metrics"),
    ("batch: rows", "flows.pages_step", "page_table"),
    ("batch: row checks", "flows.pages_step", "failing_rows"),
    ("batch: row checks (columns)", "flows.pages_step", "rule_columns"),
    ("batch: verdicts", "flows.pages_step", "apply_row_failures"),
    ("batch: parts", "flows.pages_step", "write_parts"),
        ("batch: quarantine part, record", "flows.pages_step", "write_bytes_atomic"),
    ("commit pages", "bench.phases", "commit_pages"),
    ("pages table checks", "bench.phases", "table_outcomes"),
    ("articles", "flows.articles_step", "build_issues"),
    ("articles: read pages", "flows.articles_step", "issues_rows"),
    ("articles: segment", "flows.articles_step", "segment_page"),
    ("articles: stitch", "flows.articles_step", "stitch_issue"),
    ("articles: row checks", "flows.articles_step", "failing_rows"),
    ("articles: parts", "flows.articles_step", "write_part"),
    ("Parquet bytes (both tables)", "qingyang.dataset", "part_bytes"),
    ("commit articles", "bench.phases", "commit_articles"),
    ("articles table checks", "bench.phases", "articles_table_outcomes"),
)


@dataclass
class Timers:
    """CPU seconds per phase: inclusive, and own (nested phases' time subtracted)."""

    inclusive: dict[str, float] = field(default_factory=dict)
    own: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    stack: list[list] = field(default_factory=list)  # [label, nested seconds] per open phase

    def wrap(self, label: str, function: Callable) -> Callable:
        @wraps(function)
        def timed(*args, **kwargs):
            self.stack.append([label, 0.0])
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                _, nested = self.stack.pop()
                self.inclusive[label] = self.inclusive.get(label, 0.0) + spent
                self.own[label] = self.own.get(label, 0.0) + spent - nested
                self.calls[label] = self.calls.get(label, 0) + 1
                if self.stack:
                    self.stack[-1][1] += spent
        return timed


def patch_phases(timers: Timers) -> list[str]:
    """Wrap every phase's function where it is called; the labels whose function is gone."""
    missing = []
    for label, module_name, name in PHASES:
        # Run as `python -m bench.phases`, this module is __main__, not bench.phases.
        module = (sys.modules[__name__] if module_name == "bench.phases"
                  else importlib.import_module(module_name))
        function = getattr(module, name, None)
        if function is None:
            missing.append(label)
            continue
        setattr(module, name, timers.wrap(label, function))
    return missing


# The run's end, called from `run_flow_work` through these names so that they can be timed.
def commit_pages(*args):
    from flows.store import commit_pages as commit

    return commit(*args)


def table_outcomes(*args):
    from expectations.table_checks import table_outcomes as outcomes

    return outcomes(*args)


def commit_articles(*args):
    from flows.articles_step import commit_articles as commit

    return commit(*args)


def articles_table_outcomes(*args):
    from expectations.table_checks import articles_table_outcomes as outcomes

    return outcomes(*args)


def run_flow_work(inputs: list[str], output: Path, batch_size: int) -> dict:
    """The flow's work in this process, in the flow's order, without Prefect; its counts."""
    from flows.articles_step import build_issues, issue_groups, plan_issues
    from flows.inputs import discover, jsonl_part_bytes, source_chunks
    from flows.pages_step import PAGES_DIR, build_batch
    from flows.pipeline import ISSUE_GROUP_BATCHES
    from flows.store import stored_batches
    from qingyang.dataset import committed_parts
    from qingyang.schema import ARTICLES_DIR

    sources = discover(inputs, part_bytes=jsonl_part_bytes(batch_size))
    this = sys.modules[__name__]
    outcomes = [build_batch(chunk, None, None, output)
                for chunk in source_chunks(sources, batch_size)]
    committed = this.commit_pages(output, {}, outcomes)
    parts = [output / PAGES_DIR / part.path for outcome in outcomes for part in outcome.parts]
    this.table_outcomes(parts, committed.rows)
    refs = plan_issues(stored_batches(output))
    built = {}
    for group in issue_groups(refs, ISSUE_GROUP_BATCHES * batch_size):
        built |= build_issues(output, group)
    summary = this.commit_articles(output, built)
    this.articles_table_outcomes(committed_parts(output / ARTICLES_DIR))
    return {"pages": committed.rows, "batches": len(outcomes), "articles": summary.articles}


def bare_clean(inputs: list[str], batch_size: int) -> float:
    """CPU seconds of `cleaners.clean` alone over the inputs' pages (read beforehand)."""
    from cleaners import clean, load_profile
    from flows.inputs import discover, jsonl_part_bytes
    from flows.pages_step import read_pages

    sources = discover(inputs, part_bytes=jsonl_part_bytes(batch_size))
    pages, _ = read_pages(sources, None, None)
    profile = load_profile(None)
    clean(pages[0].raw_text, profile=profile)  # warm-up: OpenCC's tables, compiled patterns
    started = time.process_time()
    for page in pages:
        clean(page.raw_text, profile=profile, paragraphs_given=page.source_format != "text")
    return time.process_time() - started


def report(timers: Timers, bare: float, total: float, counts: dict) -> str:
    """The table: phase, own CPU seconds, share of bare clean, calls."""
    lines = [f"bare clean: {bare:.2f} s CPU over {counts['pages']} pages; the flow's work "
             f"without Prefect: {total:.2f} s ({total / bare:.2f}x bare), "
             f"{counts['batches']} batches, {counts['articles']} articles",
             f"{'phase':32} {'own s':>7} {'/bare':>6} {'calls':>6}"]
    for label, _, _ in PHASES:
        if label in timers.own:
            lines.append(f"{label:32} {timers.own[label]:7.2f} {timers.own[label] / bare:6.1%} "
                         f"{timers.calls[label]:6d}")
    covered = sum(timers.own.values())
    lines.append(f"{'(not in a phase)':32} {total - covered:7.2f} {(total - covered) / bare:6.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.phases",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="files, folders or globs, as for qingyang run")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--keep", type=Path, help="keep the output in this (new) folder")
    parser.add_argument("--json", action="store_true", help="the figures as JSON (bench.run)")
    args = parser.parse_args(argv)
    from qingyang import heap

    heap.defer_collection()  # as the CLI's run does: the imports, then the heap frozen
    import flows.pipeline  # noqa: F401  (the flow's imports, outside the timers)

    heap.freeze_long_lived()

    bare = bare_clean(args.inputs, args.batch_size)
    timers = Timers()
    missing = patch_phases(timers)
    output = args.keep or Path(tempfile.mkdtemp(prefix="qingyang-phases-"))
    started = time.process_time()
    counts = run_flow_work(args.inputs, output, args.batch_size)
    total = time.process_time() - started
    if args.keep is None:
        shutil.rmtree(output, ignore_errors=True)
    if args.json:
        print(json.dumps({"bare_s": bare, "work_s": total, **counts, "missing": missing,
                          "phases": {label: {"own_s": timers.own[label],
                                             "calls": timers.calls[label]}
                                     for label, _, _ in PHASES if label in timers.own}}))
        return 0
    print(report(timers, bare, total, counts))
    if missing:
        print(f"(phases whose function is gone: {', '.join(missing)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
