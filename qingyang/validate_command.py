"""`qingyang validate OUTPUT_DIR`: re-run the suites over an output folder.

Part of the CLI (the top layer, imported by nothing but `qingyang.cli`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from qingyang.dataset import MANIFEST_NAME
from qingyang.exitcodes import Exit
from qingyang.parquet_io import row_groups, write_parquet_atomic
from qingyang.schema import ARTICLES_DIR


def validate_command(output_dir: str) -> Exit:
    """`validate_output_dir` holding the folder's lock, as a run does: it rewrites reports/
    and quarantine/pages/, which a run writing the same folder must not see half done.
    Parts that no committed batch names (a run killed mid-commit) are swept first."""
    from qingyang.outputdir import locked_output

    if not Path(output_dir).is_dir():  # validate_output_dir says so; nothing to lock
        return validate_output_dir(output_dir)

    def waiting(message: str) -> None:
        print(f"qingyang: {message}", file=sys.stderr)

    with locked_output(Path(output_dir), on_wait=waiting):
        if (Path(output_dir) / "pages" / MANIFEST_NAME).is_file():
            from flows.store import sweep_uncommitted

            sweep_uncommitted(Path(output_dir))  # parts a run killed mid-commit left
        return validate_output_dir(output_dir)


def validate_output_dir(output_dir: Path | str, *, out=None) -> Exit:
    """Re-validate output/pages (and output/articles when it exists), rebuild
    output/reports, rewrite output/quarantine/pages, print a summary table. Exit code: 0
    every expectation of both suites passed, 1 otherwise.

    Reads a row group at a time, so memory holds the small validation frame, not the
    texts. Each quarantine file mirrors the pages file its rows came from
    (pages/X.parquet -> quarantine/pages/X.parquet) so a rerun replaces, never duplicates.
    """
    import pandas as pd

    from expectations.frames import validation_frame
    from expectations.report.pages import write_report
    from expectations.results import quarantine_rows
    from expectations.runner import ARTICLES_REPORTS, validate_articles_file, validate_frame

    output_dir = Path(output_dir)
    pages_dir = output_dir / "pages"
    files = sorted(p for p in pages_dir.rglob("*.parquet") if not p.name.startswith(".")
                   ) if pages_dir.is_dir() else []  # parts, or a file written by hand
    if not files:
        print(f"qingyang: {pages_dir}: no Parquet files to validate", file=sys.stderr)
        return Exit.FAILED
    articles = validate_articles_file(output_dir / ARTICLES_DIR,
                                      output_dir / "reports" / ARTICLES_REPORTS)
    frames = [validation_frame(table) for path in files for table in row_groups(path)]
    validation = validate_frame(pd.concat(frames, ignore_index=True), None,
                                output_dir / "reports")
    quarantine_dir = output_dir / "quarantine" / "pages"
    for path in files:
        target = quarantine_dir / path.relative_to(pages_dir)
        bad = [quarantine_rows(table, validation) for table in row_groups(path)]
        bad = [table for table in bad if table.num_rows]
        if bad:
            write_parquet_atomic(pa.concat_tables(bad), target)
        else:
            target.unlink(missing_ok=True)
    write_report(output_dir, validation)
    print_summary(validation, articles, out or sys.stdout)
    return Exit.OK if validation.success and (articles is None or articles.success) else Exit.FAILED


def print_summary(validation, articles, out) -> None:
    """The rich summary table, as `qingyang run` prints it, for the validations."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="qingyang validate", show_header=False)
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value")
    table.add_row("pages", str(validation.rows))
    table.add_row(f"validation {validation.suite_name}", verdict(validation))
    table.add_row("validation report", str(validation.index_html or ""))
    if articles is not None:
        table.add_row(f"articles validation {articles.suite_name}", verdict(articles))
    else:
        table.add_row("articles validation", "not run: no articles file")
    for e in validation.failed + (articles.failed if articles else []):
        table.add_row(f"[red]failed[/red] {e.name}",
                      f"{len(e.failing_ids)} rows" if e.failing_ids
                      else str(e.error or f"observed {e.observed}"))
    Console(file=out, width=max(140, Console(file=out).width)).print(table)


def verdict(validation) -> str:
    """One line: passed, or how many rows and expectations failed."""
    passed = sum(e.success for e in validation.expectations)
    total = len(validation.expectations)
    if validation.success:
        return f"passed ({passed}/{total} expectations)"
    return (f"FAILED: {validation.failing_rows} of {validation.rows} rows failed "
            f"({validation.failing_share:.1%}); {total - passed}/{total} expectations failed")
