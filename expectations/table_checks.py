"""The pages suite on a run that wrote parts: table-level checks over the parts' metadata
and with DuckDB, and the run's `Validation` put together without Great Expectations.

The workers judged every row by the row-level rules before writing (`row_checks`); what
is left needs the run's rows together: the row count (from the parts' footers), the
columns and their types (from the parts' schemas) and unique doc_ids (DuckDB reads only
that column). No text is loaded. `qingyang validate` still runs the whole suite in GE.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq

from expectations.frames import schema_mismatch
from expectations.pages_suite import (
    COLUMNS_DESCRIPTION,
    ROW_COUNT_DESCRIPTION,
    SUITE_NAME,
    UNIQUE_DESCRIPTION,
    UNIQUE_DOC_ID,
    row_rules,
)
from expectations.results import ExpectationOutcome, Validation
from qingyang.parquet_io import named_read_errors
from qingyang.schema import PAGES_SCHEMA

ROW_COUNT = "expect_table_row_count_to_equal"
COLUMNS = "expect_table_columns_to_match_set"


def table_outcomes(files: list[Path], expected_rows: int) -> list[ExpectationOutcome]:
    """Row count, columns and unique doc_id over the parts `files` (this run's rows)."""
    import duckdb

    rows, mismatches = 0, []
    for path in files:
        with named_read_errors(path):
            metadata = pq.read_metadata(path)
        rows += metadata.num_rows
        mismatch = schema_mismatch(metadata.schema.to_arrow_schema())
        if mismatch:
            mismatches.append(f"{Path(path).name}: {mismatch}")
    duplicates: list[str] = []
    if files:
        found = duckdb.connect().execute(
            "select doc_id, count(*) from read_parquet($files) group by doc_id "
            "having count(*) > 1 order by doc_id", {"files": [str(f) for f in files]}).fetchall()
        duplicates = [doc_id for doc_id, count in found for _ in range(count)]
    return [
        ExpectationOutcome(ROW_COUNT, rows == expected_rows, ROW_COUNT_DESCRIPTION,
                           observed=rows, bounds=(expected_rows, expected_rows)),
        ExpectationOutcome(COLUMNS, not mismatches, COLUMNS_DESCRIPTION,
                           observed="; ".join(mismatches) or list(PAGES_SCHEMA.names)),
        ExpectationOutcome(UNIQUE_DOC_ID, not duplicates, UNIQUE_DESCRIPTION,
                           failing_ids=duplicates, column="doc_id",
                           failing_values=list(duplicates)),
    ]


def run_validation(table: list[ExpectationOutcome], failures: dict[str, list], rows: int,
                   reports_dir: Path | None = None, seconds: float = 0.0) -> Validation:
    """The run's Validation, expectations in the suite's order: the table-level outcomes
    and, per row-level rule, the rows the workers found failing ({name: [(doc_id, value)]})."""
    started = time.perf_counter()
    outcomes = {outcome.name: outcome for outcome in table}
    for rule in row_rules():
        failing = failures.get(rule.name, [])
        outcomes[rule.name] = ExpectationOutcome(
            rule.name, not failing, rule.description,
            failing_ids=[doc_id for doc_id, _ in failing], column=rule.column,
            bounds=(rule.min_value, rule.max_value) if rule.kind == "between" else None,
            regex=rule.regex, failing_values=[value for _, value in failing])
    order = [ROW_COUNT, COLUMNS, *(r.name for r in row_rules()[:2]), UNIQUE_DOC_ID,
             *(r.name for r in row_rules()[2:])]
    ordered = [outcomes[name] for name in order]
    row_failures: dict[str | None, list[str]] = {}
    for outcome in ordered:
        for key in dict.fromkeys(outcome.failing_ids):
            row_failures.setdefault(key, []).append(outcome.name)
    return Validation(success=all(o.success for o in ordered), suite_name=SUITE_NAME, rows=rows,
                      expectations=ordered, row_failures=row_failures, reports_dir=reports_dir,
                      seconds=seconds + time.perf_counter() - started)
