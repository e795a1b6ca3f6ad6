"""Great Expectations suites (as code) and the validation step.

Light at import: Great Expectations itself is imported only when a suite is built
or run (it costs ~4 s).
"""

from expectations.pages_suite import SUITE_NAME, pages_suite
from expectations.thresholds import DEFAULT_POLICY, Policy
from expectations.validate import (
    ExpectationOutcome,
    PagesValidation,
    apply_validation,
    preload,
    quarantine_rows,
    validate_output_dir,
    validate_pages,
)

__all__ = [
    "DEFAULT_POLICY",
    "SUITE_NAME",
    "ExpectationOutcome",
    "PagesValidation",
    "Policy",
    "apply_validation",
    "pages_suite",
    "preload",
    "quarantine_rows",
    "validate_output_dir",
    "validate_pages",
]
