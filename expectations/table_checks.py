"""The suites on a run that wrote parts: table-level checks over the parts' metadata and
with DuckDB, and the run's `Validation` put together without Great Expectations.

The workers judged every row by the suite's row-level rules before writing (`row_checks`):
a batch of pages, an issue's articles. What is left needs the run's rows together: the row
count (from the parts' footers), the columns and their types (from the parts' schemas) and
the unique keys (DuckDB reads only those columns). No text is held in memory: the articles'
unique-text check groups by each text's hash in DuckDB. `qingyang validate` still runs the
whole suites in GE.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from expectations.articles_suite import COLUMNS_DESCRIPTION as ARTICLES_COLUMNS_DESCRIPTION
from expectations.articles_suite import KEY_COLUMN as ARTICLES_KEY
from expectations.articles_suite import SUITE_NAME as ARTICLES_SUITE
from expectations.articles_suite import UNIQUE_DESCRIPTIONS, suite_order, unique_name
from expectations.articles_suite import row_rules as articles_row_rules
from expectations.frames import schema_mismatch
from expectations.pages_suite import (
    COLUMNS_DESCRIPTION,
    ROW_COUNT_DESCRIPTION,
    SUITE_NAME,
    UNIQUE_DESCRIPTION,
    UNIQUE_DOC_ID,
    row_rules,
)
from expectations.results import ARTICLES_JSON, ExpectationOutcome, Validation
from expectations.row_checks import RowRule
from qingyang.parquet_io import named_read_errors
from qingyang.schema import ARTICLES_SCHEMA, PAGES_SCHEMA

ROW_COUNT = "expect_table_row_count_to_equal"
# DuckDB's memory for a table check: it spills to disk beyond this, never fails for it.
DUCKDB_MEMORY = "128MB"
COLUMNS = "expect_table_columns_to_match_set"
# A text with a character Python's str.strip keeps (RE2's \s is ASCII: the Unicode
# spaces are named): the articles suite hashes only such texts (`articles_suite._sha256`).
FILLED_TEXT = r"[^\s\x{0b}\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"


def table_outcomes(files: list[Path], expected_rows: int) -> list[ExpectationOutcome]:
    """The pages suite's row count, columns and unique doc_id over the parts `files`."""
    rows, columns = _rows_and_columns(files, PAGES_SCHEMA, COLUMNS_DESCRIPTION)
    duplicates = _duplicates(files, "doc_id", "doc_id")
    return [
        ExpectationOutcome(ROW_COUNT, rows == expected_rows, ROW_COUNT_DESCRIPTION,
                           observed=rows, bounds=(expected_rows, expected_rows)),
        columns,
        _unique(UNIQUE_DOC_ID, UNIQUE_DESCRIPTION, "doc_id", duplicates),
    ]


def articles_table_outcomes(files: list[Path]) -> list[ExpectationOutcome]:
    """The articles suite's columns, unique article_id and unique text over `files`."""
    _, columns = _rows_and_columns(files, ARTICLES_SCHEMA, ARTICLES_COLUMNS_DESCRIPTION)
    by_id = _duplicates(files, "article_id", "article_id")
    by_text = _duplicates(files, "sha256(text)", "article_id",
                          where=f"regexp_matches(text, '{FILLED_TEXT}')",
                          group_sql="hash(text)")
    return [columns] + [
        _unique(unique_name(column), description, column, duplicates)
        for (column, description), duplicates in zip(
            UNIQUE_DESCRIPTIONS.items(), (by_id, by_text), strict=True)]


def _rows_and_columns(files: list[Path], schema: pa.Schema, description: str
                      ) -> tuple[int, ExpectationOutcome]:
    """The rows in `files` (their footers) and the columns outcome (their schemas)."""
    rows, mismatches = 0, []
    for path in files:
        with named_read_errors(path):
            metadata = pq.read_metadata(path)
        rows += metadata.num_rows
        mismatch = schema_mismatch(metadata.schema.to_arrow_schema(), schema)
        if mismatch:
            mismatches.append(f"{Path(path).name}: {mismatch}")
    return rows, ExpectationOutcome(COLUMNS, not mismatches, description,
                                    observed="; ".join(mismatches) or list(schema.names))


def _duplicates(files: list[Path], value_sql: str, key: str, where: str = "true",
                group_sql: str | None = None) -> list[tuple[str, str]]:
    """(key, value) of every row whose value (`value_sql`, over the rows `where` holds)
    another row has too, in value and key order. DuckDB reads only those columns of
    `files`, twice: first the values held more than once (grouped by `group_sql`, a
    cheaper stand-in for the value such as DuckDB's 64-bit `hash`, when given), then, only
    if there are any, the rows holding them, kept where the value itself is held twice (two
    values that share a stand-in are not duplicates). Memory holds the groups, never a list
    per value.
    """
    if not files:
        return []
    import duckdb

    connection = duckdb.connect()
    # One thread and a small budget: the check reads one column of every part (the
    # articles' texts to hash), and DuckDB's default buffers grow with the table.
    spill = Path(tempfile.gettempdir()) / "qingyang-duckdb"
    connection.execute(f"SET threads = 1; SET memory_limit = '{DUCKDB_MEMORY}'; "
                       f"SET temp_directory = '{spill.as_posix()}'")
    group_sql = group_sql or value_sql
    rows = f"read_parquet($files) where {where}"
    files_param = {"files": [str(f) for f in files]}
    held_twice = [value for (value,) in connection.execute(
        f"select {group_sql} as g from {rows} group by g having count(*) > 1", files_param
    ).fetchall()]
    if not held_twice:
        return []
    found = connection.execute(
        f"select {key}, {value_sql} as value from {rows} and {group_sql} in "
        f"(select unnest($held)) qualify count(*) over (partition by value) > 1 "
        f"order by value, {key}",
        files_param | {"held": held_twice}).fetchall()
    return [(row_key, value) for row_key, value in found]


def _unique(name: str, description: str, column: str, duplicates: list[tuple[str, str]]
            ) -> ExpectationOutcome:
    return ExpectationOutcome(name, not duplicates, description,
                              failing_ids=[key for key, _ in duplicates], column=column,
                              failing_values=[value for _, value in duplicates])


def run_validation(table: list[ExpectationOutcome], failures: dict[str, list], rows: int,
                   reports_dir: Path | None = None, seconds: float = 0.0) -> Validation:
    """The pages run's Validation: the table-level outcomes and, per row-level rule, the
    rows the workers found failing ({name: [(doc_id, value)]})."""
    rules = row_rules()
    order = [ROW_COUNT, COLUMNS, *(r.name for r in rules[:2]), UNIQUE_DOC_ID,
             *(r.name for r in rules[2:])]
    return _validation(table, failures, rows, rules, order, seconds,
                       suite_name=SUITE_NAME, reports_dir=reports_dir)


def run_articles_validation(table: list[ExpectationOutcome], failures: dict[str, list],
                            rows: int, reports_dir: Path | None = None,
                            seconds: float = 0.0) -> Validation:
    """The articles run's Validation ({name: [(article_id, value)]} from the issues' tasks)."""
    return _validation(table, failures, rows, articles_row_rules(),
                       suite_order(), seconds,
                       suite_name=ARTICLES_SUITE, reports_dir=reports_dir,
                       key_column=ARTICLES_KEY, json_name=ARTICLES_JSON)


def _validation(table: list[ExpectationOutcome], failures: dict[str, list], rows: int,
                rules: list[RowRule], order: list[str], seconds: float, **options) -> Validation:
    """Outcomes in suite `order`: `table`'s and one per row rule from `failures`."""
    started = time.perf_counter()
    outcomes = {outcome.name: outcome for outcome in table}
    for rule in rules:
        failing = failures.get(rule.name, [])
        outcomes[rule.name] = ExpectationOutcome(
            rule.name, not failing, rule.description,
            failing_ids=[key for key, _ in failing], column=rule.column,
            bounds=(rule.min_value, rule.max_value) if rule.kind == "between" else None,
            regex=rule.regex, failing_values=[value for _, value in failing])
    ordered = [outcomes[name] for name in order]
    row_failures: dict[str | None, list[str]] = {}
    for outcome in ordered:
        for key in dict.fromkeys(outcome.failing_ids):
            row_failures.setdefault(key, []).append(outcome.name)
    return Validation(success=all(o.success for o in ordered), rows=rows,
                      expectations=ordered, row_failures=row_failures,
                      seconds=seconds + time.perf_counter() - started, **options)
