"""The expectation suite for the `pages` table, as one list literal.

The suite runs on a validation frame built by `expectations.frames`: the Parquet
rows with every quality metric recomputed from `text` (so the suite judges the text,
not numbers stored beside it) plus the derived columns in DERIVED_COLUMNS.
Great Expectations is imported inside the factory: it costs ~4 s at import.
"""

from typing import TYPE_CHECKING

from expectations import thresholds as th
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


def pages_suite(expected_rows: int | None = None, today=None) -> "ExpectationSuite":
    """The pages suite. `expected_rows`: pages read minus pages quarantined before
    validation; None (re-validating existing output) only asks for at least one row.
    `today` pins the upper bound of issue_date (tests).
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    row_count = (
        gxe.ExpectTableRowCountToEqual(
            value=expected_rows,
            description="Row count equals pages read minus pages quarantined.")
        if expected_rows is not None else
        gxe.ExpectTableRowCountToBeBetween(
            min_value=1, description="At least one page (expected count not given).")
    )
    expectations = [
        row_count,
        gxe.ExpectTableColumnsToMatchSet(
            column_set=[*PAGES_SCHEMA.names, *DERIVED_COLUMNS], exact_match=True,
            description="Columns are exactly the declared pages schema "
                        "(plus the derived validation columns)."),
        gxe.ExpectColumnValuesToBeNull(
            column="schema_mismatch",
            description="Every column has its declared Arrow type (qingyang.schema.PAGES_SCHEMA)."),
        gxe.ExpectColumnValuesToNotBeNull(
            column="doc_id", description="Every row has a doc_id."),
        gxe.ExpectColumnValuesToBeUnique(
            column="doc_id", description="doc_id (sha256 of the raw bytes) is unique."),
        gxe.ExpectColumnValuesToNotBeNull(
            column="text", description="Every row has a text."),
        gxe.ExpectColumnValuesToMatchRegex(
            column="text", regex=r"\S", description="text is not empty or blank."),
        gxe.ExpectColumnValuesToBeBetween(
            column="paragraph_count", min_value=th.MIN_PARAGRAPHS,
            description="A page has at least one paragraph."),
        gxe.ExpectColumnValuesToBeBetween(
            column="residual_gaps", min_value=0, max_value=0,
            description="No meaningless space between CJK characters (核 酸 检 测)."),
        gxe.ExpectColumnValuesToBeBetween(
            column="ascii_punct_beside_han", min_value=0, max_value=0,
            description="No ASCII , ; : ! ? ( ) touching Han."),
        gxe.ExpectColumnValuesToBeBetween(
            column="leftover_markers", min_value=0, max_value=0,
            description="No jump marker (下转第二版) left in text."),
        gxe.ExpectColumnValuesToBeBetween(
            column="replacement_chars", min_value=0, max_value=0,
            description="No U+FFFD replacement character."),
        gxe.ExpectColumnValuesToBeBetween(
            column="unbalanced_brackets", min_value=0, max_value=0,
            description="Brackets and quotes are paired within each paragraph."),
        gxe.ExpectColumnValuesToBeBetween(
            column="han_ratio", min_value=th.HAN_RATIO_MIN, max_value=th.HAN_RATIO_MAX,
            description="Share of Han characters is in the band of real newspaper text."),
        gxe.ExpectColumnValuesToBeBetween(
            column="trad_share", min_value=0, max_value=th.TRAD_SHARE_MAX,
            description="Simplified profiles: almost no traditional characters left."),
        gxe.ExpectColumnValuesToBeBetween(
            column="ocr_confidence", min_value=th.OCR_CONFIDENCE_MIN, max_value=1,
            description="An OCR engine's page: its mean line confidence is high enough to trust."),
        gxe.ExpectColumnValuesToMatchRegex(
            column="page", regex=th.PAGE_LABEL_PATTERN,
            description="page is a page label (1, 12, A07) when present."),
        gxe.ExpectColumnValuesToBeBetween(
            column="issue_date", min_value=_midnight(th.ISSUE_DATE_MIN),
            max_value=_midnight(th.issue_date_max(today)),
            description="issue_date is plausible when present."),
    ]
    return gx.ExpectationSuite(name=SUITE_NAME, expectations=expectations)


def _midnight(day):
    """A date as a datetime: the validation frame holds issue_date as datetime64."""
    from datetime import datetime, time

    return datetime.combine(day, time())
