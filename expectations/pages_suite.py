"""The expectation suite for the `pages` table.

Its row-level expectations are data (`row_rules`), judged by the flow's workers without
GE (`expectations.row_checks`) and by GE here. The suite runs on a validation frame
built by `expectations.frames`: the Parquet rows with every quality metric recomputed from `text` (so the suite judges the text,
not numbers stored beside it) plus the derived columns in DERIVED_COLUMNS.
Great Expectations is imported inside the factory: it costs ~4 s at import.
"""

from typing import TYPE_CHECKING

from expectations import thresholds as th
from expectations.row_checks import RowRule
from qingyang.schema import PAGES_SCHEMA

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite

SUITE_NAME = "qingyang.pages"

# Columns the validation frame adds to the Parquet columns, and what they hold.
DERIVED_COLUMNS = {
    "paragraph_count": "len(paragraphs)",
    "trad_share": "trad_chars / chars, for simplified profiles only (null otherwise)",
    "schema_mismatch": "declared vs actual Arrow type of every mismatched column (null: none)",
}


def row_rules(today=None) -> list[RowRule]:
    """The suite's row-level expectations, in suite order, as data (`expectations.row_checks`):
    the flow's workers judge each batch by them, the suite below runs them in GE.
    `today` pins the upper bound of issue_date (tests)."""
    return [
        RowRule("null", "schema_mismatch",
                "Every column has its declared Arrow type (qingyang.schema.PAGES_SCHEMA)."),
        RowRule("not_null", "doc_id", "Every row has a doc_id."),
        RowRule("not_null", "text", "Every row has a text."),
        RowRule("match_regex", "text", "text is not empty or blank.", regex=r"\S"),
        RowRule("between", "paragraph_count", "A page has at least one paragraph.",
                min_value=th.MIN_PARAGRAPHS),
        RowRule("between", "residual_gaps",
                "No meaningless space between CJK characters (核 酸 检 测).", 0, 0),
        RowRule("between", "ascii_punct_beside_han", "No ASCII , ; : ! ? ( ) touching Han.",
                0, 0),
        RowRule("between", "leftover_markers", "No jump marker (下转第二版) left in text.", 0, 0),
        RowRule("between", "replacement_chars", "No U+FFFD replacement character.", 0, 0),
        RowRule("between", "unbalanced_brackets",
                "Brackets and quotes are paired within each paragraph.", 0, 0),
        RowRule("between", "han_ratio",
                "Share of Han characters is in the band of real newspaper text.",
                th.HAN_RATIO_MIN, th.HAN_RATIO_MAX),
        RowRule("between", "trad_share",
                "Simplified profiles: almost no traditional characters left.",
                0, th.TRAD_SHARE_MAX),
        RowRule("between", "ocr_confidence",
                "An OCR engine's page: its mean line confidence is high enough to trust.",
                th.OCR_CONFIDENCE_MIN, 1),
        RowRule("match_regex", "page", "page is a page label (1, 12, A07) when present.",
                regex=th.PAGE_LABEL_PATTERN),
        RowRule("between", "issue_date", "issue_date is plausible when present.",
                _midnight(th.ISSUE_DATE_MIN), _midnight(th.issue_date_max(today))),
    ]


UNIQUE_DOC_ID = "expect_column_values_to_be_unique(doc_id)"
UNIQUE_DESCRIPTION = "doc_id (sha256 of the raw bytes) is unique."
ROW_COUNT_DESCRIPTION = "Row count equals pages read minus pages quarantined."
COLUMNS_DESCRIPTION = ("Columns are exactly the declared pages schema "
                       "(plus the derived validation columns).")


def pages_suite(expected_rows: int | None = None, today=None) -> "ExpectationSuite":
    """The pages suite: table-level expectations (row count, columns, unique doc_id), then
    `row_rules`. `expected_rows`: pages read minus pages quarantined before validation;
    None (re-validating existing output) only asks for at least one row.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    row_count = (
        gxe.ExpectTableRowCountToEqual(value=expected_rows, description=ROW_COUNT_DESCRIPTION)
        if expected_rows is not None else
        gxe.ExpectTableRowCountToBeBetween(
            min_value=1, description="At least one page (expected count not given).")
    )
    rules = row_rules(today)
    expectations = [
        row_count,
        gxe.ExpectTableColumnsToMatchSet(
            column_set=[*PAGES_SCHEMA.names, *DERIVED_COLUMNS], exact_match=True,
            description=COLUMNS_DESCRIPTION),
        rules[0].expectation(),
        rules[1].expectation(),
        gxe.ExpectColumnValuesToBeUnique(column="doc_id", description=UNIQUE_DESCRIPTION),
        *(rule.expectation() for rule in rules[2:]),
    ]
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


def _midnight(day):
    """A date as a datetime: the validation frame holds issue_date as datetime64."""
    from datetime import datetime, time

    return datetime.combine(day, time())
