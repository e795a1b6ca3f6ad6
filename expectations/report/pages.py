"""The pages report for a reader: every failing page by name, its fault in context, a
proof view of each failing or quarantined page, and the docs it judges by.

`write_report(output_dir, validation)` runs after the rows and the quarantine are
written (the flow, `qingyang validate`): it reads the failing rows back from
quarantine/pages/ (full texts, a row group at a time) and the rejected inputs from
quarantine/quarantine.jsonl, writes a proof view of each into reports/proofs/, and
rewrites reports/index.html.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from expectations.report import GX_SITE, PAGES_NOTE, render, report_links
from expectations.report.faults import fault_spans, snippets
from expectations.report.proof import PROOFS_DIR, write_proof
from expectations.results import Validation
from qingyang.parquet_io import row_groups, write_bytes_atomic

# Failing rows shown (and proof views written) per report: a run with more lists the
# first ones and says how many are left out; the JSON beside it has them all.
MAX_ROWS = 200
QUARANTINE_PAGES = Path("quarantine") / "pages"
QUARANTINE_INDEX = Path("quarantine") / "quarantine.jsonl"
# The docs the report links to (copied beside it, so the reports folder reads alone).
DOCS = Path(__file__).resolve().parents[2] / "docs"
DOC_FILES = (("contract.md", "文本规范 text contract"), ("layers.md", "分层 layers"),
             ("schema.md", "输出表结构 output schema"))


def failing_rows(output_dir: Path, limit: int = MAX_ROWS) -> tuple[list[dict], int]:
    """Up to `limit` quarantined rows (full columns, observed values of the derived ones
    added) and how many there are in all."""
    from expectations.frames import validation_frame

    rows, total = [], 0
    folder = Path(output_dir) / QUARANTINE_PAGES
    for path in sorted(folder.rglob("*.parquet")) if folder.is_dir() else []:
        for table in row_groups(path):
            total += table.num_rows
            if len(rows) >= limit:
                continue
            taken = table.slice(0, limit - len(rows))
            frame = validation_frame(taken)
            for row, observed in zip(taken.to_pylist(), frame.to_dict("records"), strict=True):
                rows.append({**row, "observed": observed})
    return rows, total


def quarantined_inputs(output_dir: Path) -> list[dict]:
    """The inputs that never became a row (quarantine.jsonl), with their reasons."""
    index = Path(output_dir) / QUARANTINE_INDEX
    if not index.is_file():
        return []
    return [json.loads(line) for line in index.read_text("utf-8").splitlines() if line]


def row_findings(row: dict, validation: Validation) -> list[dict]:
    """Per failed expectation of `row`: its description, observed value, threshold and
    snippets of the clean text with the fault marked."""
    outcomes = {e.name: e for e in validation.expectations}
    findings = []
    for name in row.get("failed_expectations") or []:
        outcome = outcomes.get(name)
        column = outcome.column if outcome else None
        observed = row["observed"].get(column) if column else None
        text = row.get("text") or ""
        spans = fault_spans(text, column)
        findings.append({
            "name": name, "column": column,
            "description": outcome.description if outcome else "",
            "observed": _shown(observed), "threshold": outcome.threshold if outcome else "",
            "snippets": snippets(text, spans) if column in _TEXT_COLUMNS else [],
        })
    return findings


# Expectations on these columns are about the text: a snippet of it shows the fault.
_TEXT_COLUMNS = ("residual_gaps", "ascii_punct_beside_han", "leftover_markers",
                 "replacement_chars", "unbalanced_brackets", "han_ratio", "trad_share", "text",
                 "paragraph_count")


def _shown(value) -> str:
    """An observed value as a reader reads it (ratios to three places; null as such)."""
    if value is None or value != value:  # NaN and NA are not equal to themselves
        return "null"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def write_report(output_dir: Path | str, validation: Validation | None) -> Path:
    """Proof views of the failing and quarantined pages, and reports/index.html; its path.
    Without a validation (a run whose every input was quarantined: no rows to validate) the
    report lists the quarantined inputs alone."""
    output_dir = Path(output_dir)
    reports_dir = (validation.reports_dir if validation is not None else None) or output_dir / "reports"
    proofs = reports_dir / PROOFS_DIR
    shutil.rmtree(proofs, ignore_errors=True)  # proofs of an earlier run's rows go
    rows, total = failing_rows(output_dir) if validation is not None else ([], 0)
    for row in rows:
        row["findings"] = row_findings(row, validation)
        row["proof"] = _relative(write_proof(row, proofs, report_href="../index.html"),
                                 reports_dir)
    inputs = quarantined_inputs(output_dir)
    for item in inputs:
        item["proof"] = _relative(write_proof(item, proofs, report_href="../index.html"),
                                  reports_dir)
    docs = copy_docs(reports_dir)
    html = render("index.html.j2", validation=validation, note=PAGES_NOTE,
                  links=report_links(validation) if validation is not None else [], docs=docs,
                  rows=rows, rows_total=total, inputs=inputs,
                  passed=sum(e.success for e in validation.expectations) if validation else 0,
                  shown=10, gx_site=GX_SITE)
    write_bytes_atomic(reports_dir / "index.html", html.encode())
    return reports_dir / "index.html"


def copy_docs(reports_dir: Path) -> list[tuple[str, str]]:
    """Copy docs/ (the contract, layers, schema) beside the report; (href, label) of each."""
    found = []
    for name, label in DOC_FILES:
        source = DOCS / name
        if source.is_file():
            (reports_dir / "docs").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, reports_dir / "docs" / name)
            found.append((f"docs/{name}", label))
    return found


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix()
