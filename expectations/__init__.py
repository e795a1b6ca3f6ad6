"""Great Expectations suites (as code) and the validation step.

Light at import: Great Expectations itself is imported only when a suite is built
or run (it costs ~4 s).
"""

from expectations.articles_suite import articles_suite
from expectations.pages_suite import SUITE_NAME, pages_suite
from expectations.thresholds import DEFAULT_POLICY, Policy
from expectations.validate import (
    ExpectationOutcome,
    Validation,
    apply_validation,
    preload,
    quarantine_rows,
    validate_articles,
    validate_output_dir,
    validate_pages,
)

__all__ = [
    "DEFAULT_POLICY",
    "SUITE_NAME",
    "ExpectationOutcome",
    "Policy",
    "Validation",
    "apply_validation",
    "articles_suite",
    "pages_suite",
    "preload",
    "quarantine_rows",
    "validate_articles",
    "validate_output_dir",
    "validate_pages",
]
