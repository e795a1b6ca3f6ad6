"""The expectation suite for the `articles` table, as one list literal.

The suite runs on a validation frame (`articles_frame`): the Parquet rows plus the
derived columns in DERIVED_COLUMNS, each computed from the row itself, so that rules
spanning several columns ("a headline, or a note saying why not") are one column each.
The frame keeps a preview of `text` and the item count of each list column, so a whole
table's frame stays small; `validate_articles` (expectations.runner) runs the suite.
Great Expectations is imported inside the factory: it costs ~4 s at import.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pyarrow as pa

from articles.stitching import JUMP_KINDS
from expectations import thresholds as th
from expectations.row_checks import RowRule
from qingyang.schema import ARTICLES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations import ExpectationSuite

SUITE_NAME = "qingyang.articles"
# The column that names a row in the results (failing article_ids).
KEY_COLUMN = "article_id"
# What an article row can be (articles.segmentation.Article.kind).
ARTICLE_KINDS = ["story", "notice", "guide", "caption", "heading"]

# Columns shrunk in the validation frame: texts to a preview, lists to their item count.
TEXT_COLUMNS = ("text",)
LIST_COLUMNS = tuple(f.name for f in ARTICLES_SCHEMA if pa.types.is_list(f.type))
# Derived columns that hold counts.
INT_COLUMNS = ("doc_id_count", "unstitched_jumps", "unreported_jumps")

# Columns the validation frame adds to the Parquet columns, and what they hold.
DERIVED_COLUMNS = {
    "headline_or_note": "headline when not blank, else headline_note (null: neither)",
    "text_sha256": "sha256 of text when not blank, else null (guides and captions have no body)",
    "doc_id_count": "len(doc_ids)",
    "unstitched_jumps": "jump markers a stitch should have consumed, left in a continued row",
    "unreported_jumps": "jump markers in a row whose stitch_note is null",
    "schema_mismatch": "declared vs actual Arrow type of every mismatched column (null: none)",
}


def row_rules() -> list[RowRule]:
    """The suite's row-level expectations, in suite order, as data (`expectations.row_checks`):
    each issue's task judges its articles by them, the suite below runs them in GE."""
    return [
        RowRule("null", "schema_mismatch",
                "Every column has its declared Arrow type (qingyang.schema.ARTICLES_SCHEMA)."),
        RowRule("not_null", "article_id", "Every row has an article_id."),
        RowRule("between", "doc_id_count",
                "An article comes from at least one page (doc_ids not empty).",
                min_value=th.MIN_DOC_IDS),
        RowRule("in_set", "kind", "kind is story, notice, guide, caption or heading.",
                value_set=tuple(ARTICLE_KINDS)),
        RowRule("not_null", "headline_or_note",
                "A non-empty headline, or a headline_note saying why there is none."),
        RowRule("between", "unstitched_jumps",
                "A continued row keeps no jump marker its stitch consumed.", 0, 0),
        RowRule("between", "unreported_jumps",
                "Every jump marker left in a row is reported in stitch_note.", 0, 0),
        RowRule("between", "stitch_confidence",
                "stitch_confidence is 0.0 (unmatched) or 0.5-1.0 (stitched) when set.",
                th.STITCH_CONFIDENCE_MIN, th.STITCH_CONFIDENCE_MAX),
    ]


# The table-level expectations: judged over the whole table (DuckDB in a run,
# `expectations.table_checks`; GE in `qingyang validate`).
COLUMNS = "expect_table_columns_to_match_set"
COLUMNS_DESCRIPTION = ("Columns are exactly the declared articles schema "
                       "(plus the derived validation columns).")
UNIQUE_DESCRIPTIONS = {
    "article_id": "article_id is unique.",
    "text_sha256": "No article text is duplicated across rows (empty texts aside).",
}


def unique_name(column: str) -> str:
    """The name GE's result gives the uniqueness expectation on `column`."""
    return f"expect_column_values_to_be_unique({column})"


def suite_order() -> list[str]:
    """Every expectation's name, in suite order (table-level ones among the row rules)."""
    names = [rule.name for rule in row_rules()]
    return [COLUMNS, *names[:2], unique_name("article_id"), *names[2:5],
            unique_name("text_sha256"), *names[5:]]



def articles_suite() -> ExpectationSuite:
    """The articles suite: columns, then `row_rules` with the two uniqueness expectations
    (article_id, text) in `suite_order`."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    by_name = {rule.name: rule.expectation() for rule in row_rules()}
    by_name[COLUMNS] = gxe.ExpectTableColumnsToMatchSet(
        column_set=[*ARTICLES_SCHEMA.names, *DERIVED_COLUMNS], exact_match=True,
        description=COLUMNS_DESCRIPTION)
    for column, description in UNIQUE_DESCRIPTIONS.items():
        by_name[unique_name(column)] = gxe.ExpectColumnValuesToBeUnique(
            column=column, description=description)
    return gx.ExpectationSuite(name=SUITE_NAME,
                               expectations=[by_name[name] for name in suite_order()])


def articles_frame(table: pa.Table) -> pd.DataFrame:
    """The rows the suite reads: DERIVED_COLUMNS added, and small enough to hold for a whole
    table (a row group at a time): `text` shrinks to a preview (its hash is text_sha256),
    every list column to its item count."""
    import pandas as pd

    from expectations.frames import shrink_columns

    derived = derived_columns(table.to_pylist(), table.schema)
    frame = table.drop_columns([c for c in (*TEXT_COLUMNS, *LIST_COLUMNS)
                                if c in table.column_names]).to_pandas()
    for column, values in derived.items():
        frame[column] = pd.Series(values, index=frame.index,
                                  dtype="Int64" if column in INT_COLUMNS else object)
    shrink_columns(frame, table, TEXT_COLUMNS, LIST_COLUMNS)
    return frame


def rule_columns(rows: list[dict], schema: pa.Schema) -> dict[str, list]:
    """The columns `row_rules` read, as Python lists, from article rows as dicts (what an
    issue's task has at hand: no table, no pandas)."""
    columns = {rule.column for rule in row_rules()} | {KEY_COLUMN}
    plain = {column: [row.get(column) for row in rows]
             for column in columns if column not in DERIVED_COLUMNS}
    return plain | derived_columns(rows, schema)


def derived_columns(rows: list[dict], schema: pa.Schema) -> dict[str, list]:
    """DERIVED_COLUMNS of article rows (dicts of one table of `schema`)."""
    from expectations.frames import schema_mismatch

    return {
        "headline_or_note": [_headline_or_note(r) for r in rows],
        "text_sha256": [_sha256(r.get("text")) for r in rows],
        "doc_id_count": [len(r.get("doc_ids") or []) for r in rows],
        "unstitched_jumps": [_unstitched(r) for r in rows],
        "unreported_jumps": [0 if r.get("stitch_note") else len(_jumps(r)) for r in rows],
        "schema_mismatch": [schema_mismatch(schema, ARTICLES_SCHEMA)] * len(rows),
    }


def _sha256(text) -> str | None:
    """The hash of a non-blank text (null for blank: guides and captions have no body)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if _filled(text) else None


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _headline_or_note(row: dict) -> str | None:
    if _filled(row.get("headline")):
        return row["headline"]
    return row.get("headline_note") if _filled(row.get("headline_note")) else None


def _jumps(row: dict) -> list[dict]:
    markers = row.get("markers")
    if not isinstance(markers, list):
        return []
    return [m for m in markers if isinstance(m, dict) and m.get("kind") in JUMP_KINDS]


def _unstitched(row: dict) -> int:
    """Jumps between the pages of a continued row: the stitch should have consumed them.

    A continued row may keep a `continued_to` on its last page (the story jumps on to a
    page not in the issue) and a `continued_from` on its first, nothing in between.
    """
    pages = row.get("pages")
    if row.get("continued") is not True or not isinstance(pages, list) or not pages:
        return 0
    return sum(
        (m["kind"] == "continued_to" and m.get("page_of_fragment") != pages[-1])
        or (m["kind"] == "continued_from" and m.get("page_of_fragment") != pages[0])
        for m in _jumps(row))
