"""What a suite run returns: one outcome per expectation, the verdict per row.

Plain data, no Great Expectations: `expectations.runner` builds these from GX's result,
the report, the flow and the CLI read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pyarrow as pa

from expectations import thresholds as th
from qingyang.schema import PAGES_SCHEMA

# The validation results as JSON, beside the report in reports_dir.
VALIDATION_JSON = "pages_validation.json"
ARTICLES_JSON = "articles_validation.json"
_SHOWN_IDS = 10


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result: `name` is what goes into `failed_expectations`;
    `failing_ids` are the key column's values (doc_id, article_id) of the failing rows;
    `column`, `bounds` (min, max) and `regex` say what the expectation asked for, and
    `failing_values` what each failing row had (same order as failing_ids)."""

    name: str
    success: bool
    description: str = ""
    failing_ids: list[str | None] = field(default_factory=list)
    observed: Any = None
    error: str | None = None
    column: str | None = None
    bounds: tuple[Any, Any] | None = None
    regex: str | None = None
    failing_values: list[Any] = field(default_factory=list)

    @property
    def failing_doc_ids(self) -> list[str | None]:
        return self.failing_ids

    @property
    def threshold(self) -> str:
        """What the expectation asks for, in words a reader checks a value against.

        >>> ExpectationOutcome("x", False, bounds=(0.4, 0.99)).threshold
        'between 0.4 and 0.99'
        >>> ExpectationOutcome("x", False, bounds=(0, 0)).threshold
        'exactly 0'
        """
        if self.bounds is not None:
            low, high = (_number(bound) for bound in self.bounds)
            if low is not None and high is not None:
                return f"exactly {low}" if low == high else f"between {low} and {high}"
            return f"at least {low}" if low is not None else f"at most {high}"
        if self.regex is not None:
            return f"matches {self.regex}"
        return ""


def _number(value):
    """A bound as written in a suite (GX may hand 0 back as 0.0; a date bound is a datetime
    at midnight)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime) and value.time() == time():
        return value.date()
    return value


@dataclass(frozen=True)
class Validation:
    """What `validate_pages` and `validate_articles` return.

    success: every expectation passed. row_failures: key (doc_id, article_id) -> names of
    the row-level expectations that row failed (None keys rows without one).
    """

    success: bool
    suite_name: str
    rows: int
    expectations: list[ExpectationOutcome]
    row_failures: dict[str | None, list[str]]
    reports_dir: Path | None
    seconds: float
    key_column: str = "doc_id"
    json_name: str = VALIDATION_JSON

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    @property
    def table_failures(self) -> list[str]:
        """Failed expectations that name no row (row count, column set, errors)."""
        return [e.name for e in self.failed if not e.failing_ids]

    @property
    def failing_rows(self) -> int:
        return len(self.row_failures)

    @property
    def failing_share(self) -> float:
        return self.failing_rows / self.rows if self.rows else 0.0

    @property
    def index_html(self) -> Path | None:
        return self.reports_dir / "index.html" if self.reports_dir else None

    @property
    def json_path(self) -> Path | None:
        return self.reports_dir / self.json_name if self.reports_dir else None

    def fails_run(self, policy: th.Policy = th.DEFAULT_POLICY) -> bool:
        """Whether this result should fail the run under `policy` (see thresholds.Policy)."""
        if self.success:
            return False
        if policy.mode == "fail" or self.table_failures:
            return True
        return self.failing_share > policy.max_failing_share

    def failures_for(self, key: str | None) -> list[str]:
        return self.row_failures.get(key, [])

    def markdown(self) -> str:
        """The suite summary for a Prefect markdown artifact."""
        verdict = "passed" if self.success else "FAILED"
        passed = sum(e.success for e in self.expectations)
        lines = [
            f"## Validation `{self.suite_name}`: {verdict}",
            "",
            f"{passed}/{len(self.expectations)} expectations passed; "
            f"{self.failing_rows} of {self.rows} rows failed ({self.failing_share:.1%}); "
            f"{self.seconds:.2f} s.",
        ]
        if self.index_html:
            lines.append(f"Report: `{self.index_html}` · JSON: `{self.json_path}`")
        lines += ["", f"| | expectation | failing {self.key_column}s |", "|---|---|---|"]
        for e in self.expectations:
            ids = ", ".join(f"`{(d or 'null')[:12]}`" for d in e.failing_ids[:_SHOWN_IDS])
            if len(e.failing_ids) > _SHOWN_IDS:
                ids += f" and {len(e.failing_ids) - _SHOWN_IDS} more"
            if not e.success and not ids:
                ids = e.error or f"observed: {e.observed}"
            lines.append(f"| {'✅' if e.success else '❌'} | `{e.name}` | {ids} |")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "suite": self.suite_name,
            "success": self.success,
            "rows": self.rows,
            "failing_rows": self.failing_rows,
            "seconds": round(self.seconds, 3),
            "expectations": [
                {"name": e.name, "success": e.success, "description": e.description,
                 f"failing_{self.key_column}s": e.failing_ids, "observed": e.observed,
                 "threshold": e.threshold, "failing_values": e.failing_values,
                 "error": e.error}
                for e in self.expectations
            ],
            "row_failures": {str(k): v for k, v in self.row_failures.items()},
        }


def expectation_name(config) -> str:
    """`expect_column_values_to_be_between(residual_gaps)`; table-level: the type alone."""
    column = config.kwargs.get("column")
    return f"{config.type}({column})" if column else config.type


def outcome_of(result, key_column: str = "doc_id") -> ExpectationOutcome:
    """An ExpectationOutcome from one Great Expectations expectation result."""
    config = result.expectation_config
    kwargs = config.kwargs
    details = result.result or {}
    unexpected = [item for item in details.get("unexpected_index_list") or []
                  if isinstance(item, dict)]
    failing = not result.success
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = str(result.exception_info.get("exception_message"))
    column = kwargs.get("column")
    bounds = ((kwargs.get("min_value"), kwargs.get("max_value"))
              if "min_value" in kwargs or "max_value" in kwargs else None)
    return ExpectationOutcome(
        name=expectation_name(config), success=bool(result.success),
        description=config.description or "",
        failing_ids=[_key(item.get(key_column)) for item in unexpected] if failing else [],
        observed=details.get("observed_value"), error=error, column=column,
        bounds=bounds, regex=kwargs.get("regex"),
        failing_values=[item.get(column) for item in unexpected] if failing and column else [])


def _key(value) -> str | None:
    return value if isinstance(value, str) else None


def apply_validation(table: pa.Table, validation: Validation) -> pa.Table:
    """`table` with `valid` and `failed_expectations` filled from `validation`."""
    return apply_row_failures(table, validation.row_failures)


def apply_row_failures(table: pa.Table, row_failures: dict[str | None, list[str]]) -> pa.Table:
    """`table` with `valid` and `failed_expectations` filled from {doc_id: failed names}."""
    doc_ids = (table.column("doc_id").to_pylist() if "doc_id" in table.column_names
               else [None] * table.num_rows)
    failed = [row_failures.get(d if isinstance(d, str) else None, []) for d in doc_ids]
    columns = {
        "valid": pa.array([not f for f in failed], PAGES_SCHEMA.field("valid").type),
        "failed_expectations": pa.array(failed, PAGES_SCHEMA.field("failed_expectations").type),
    }
    for name, values in columns.items():
        field_ = PAGES_SCHEMA.field(name)
        index = table.schema.get_field_index(name)
        table = (table.set_column(index, field_, values) if index >= 0
                 else table.append_column(field_, values))
    return table


def quarantine_rows(table: pa.Table, validation: Validation) -> pa.Table:
    """The rows of `table` that failed, with `valid` and `failed_expectations` filled."""
    table = apply_validation(table, validation)
    return table.filter(pa.compute.invert(table.column("valid")))
