"""Great Expectations suites (as data) and the validation step.

One concern per module: `frames` (the small frames the suites read), `results` (what a
run returns), `runner` (running a suite with GX), `report` (the HTML a reader opens),
`row_checks` and `table_checks` (the suites judged without GX in a run). Light at import: Great Expectations itself is imported
only when a suite is built or run (it costs ~4 s).
"""

from expectations.articles_suite import articles_suite
from expectations.pages_suite import SUITE_NAME, pages_suite
from expectations.results import (
    ExpectationOutcome,
    Validation,
    apply_validation,
    quarantine_rows,
)
from expectations.runner import validate_articles, validate_pages
from expectations.thresholds import DEFAULT_POLICY, Policy

__all__ = [
    "DEFAULT_POLICY",
    "SUITE_NAME",
    "ExpectationOutcome",
    "Policy",
    "Validation",
    "apply_validation",
    "articles_suite",
    "pages_suite",
    "quarantine_rows",
    "validate_articles",
    "validate_pages",
]
