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
from collections.abc import Collection, Mapping
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

    derived = derived_columns(table.to_pydict(), table.schema)
    frame = table.drop_columns([c for c in (*TEXT_COLUMNS, *LIST_COLUMNS)
                                if c in table.column_names]).to_pandas()
    for column, values in derived.items():
        frame[column] = pd.Series(values, index=frame.index,
                                  dtype="Int64" if column in INT_COLUMNS else object)
    shrink_columns(frame, table, TEXT_COLUMNS, LIST_COLUMNS)
    return frame


def rule_columns(columns: Mapping[str, list], schema: pa.Schema) -> dict[str, list]:
    """The columns `row_rules` read, as Python lists, from article columns as lists by name
    (what an issue's task has at hand: no pandas); the derived ones only as the rules need."""
    wanted = {rule.column for rule in row_rules()} | {KEY_COLUMN}
    plain = {column: columns[column] for column in wanted
             if column not in DERIVED_COLUMNS and column in columns}
    return plain | derived_columns(columns, schema, wanted & DERIVED_COLUMNS.keys())


def derived_columns(columns: Mapping[str, list], schema: pa.Schema,
                    names: Collection[str] = tuple(DERIVED_COLUMNS)) -> dict[str, list]:
    """DERIVED_COLUMNS (those in `names`) of article columns (lists by name, of one table
    of `schema`; a column not given is null in every row)."""
    from expectations.frames import schema_mismatch

    rows = len(next(iter(columns.values()))) if columns else 0

    def column(*wanted: str):
        """The rows of one column, or of several zipped (a column not given: all null)."""
        lists = [columns[name] if name in columns else [None] * rows for name in wanted]
        return lists[0] if len(wanted) == 1 else zip(*lists, strict=True)

    makers = {
        "headline_or_note": lambda: [_headline_or_note(headline, note)
                                     for headline, note in column("headline", "headline_note")],
        "text_sha256": lambda: [_sha256(text) for text in column("text")],
        "doc_id_count": lambda: [len(doc_ids or []) for doc_ids in column("doc_ids")],
        "unstitched_jumps": lambda: [_unstitched(continued, pages, markers) for continued, pages,
                                     markers in column("continued", "pages", "markers")],
        "unreported_jumps": lambda: [0 if note else len(_jumps(markers))
                                     for note, markers in column("stitch_note", "markers")],
        "schema_mismatch": lambda: [schema_mismatch(schema, ARTICLES_SCHEMA)] * rows,
    }
    return {name: makers[name]() for name in DERIVED_COLUMNS if name in names}


def _sha256(text) -> str | None:
    """The hash of a non-blank text (null for blank: guides and captions have no body)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if _filled(text) else None


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _headline_or_note(headline, note) -> str | None:
    if _filled(headline):
        return headline
    return note if _filled(note) else None


def _jumps(markers) -> list[dict]:
    if not isinstance(markers, list):
        return []
    return [m for m in markers if isinstance(m, dict) and m.get("kind") in JUMP_KINDS]


def _unstitched(continued, pages, markers) -> int:
    """Jumps between the pages of a continued row: the stitch should have consumed them.

    A continued row may keep a `continued_to` on its last page (the story jumps on to a
    page not in the issue) and a `continued_from` on its first, nothing in between.
    """
    if continued is not True or not isinstance(pages, list) or not pages:
        return 0
    return sum(
        (m["kind"] == "continued_to" and m.get("page_of_fragment") != pages[-1])
        or (m["kind"] == "continued_from" and m.get("page_of_fragment") != pages[0])
        for m in _jumps(markers))
