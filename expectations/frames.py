"""The frames the suites read: Parquet rows made small, with their metrics recomputed.

A validation frame keeps every column the suite judges, previews of the texts and item
counts of the lists, so a whole run's frame holds kilobytes per row, not the texts.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pyarrow as pa

from expectations import thresholds as th
from qingyang.schema import PAGES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

# Columns too large to hold for a whole run: the frame keeps a preview of each text
# (its first PREVIEW_CHARS non-blank characters: still null, blank or not as the text is)
# and the item count of each list.
TEXT_COLUMNS = ("raw_text", "text")
LIST_COLUMNS = ("paragraphs", "markers", "lines")
PREVIEW_CHARS = 40


def schema_mismatch(schema: pa.Schema, declared_schema: pa.Schema = PAGES_SCHEMA) -> str | None:
    """How `schema` differs from the declared one in column types and names; None if it does not.

    >>> schema_mismatch(PAGES_SCHEMA) is None
    True
    >>> schema_mismatch(PAGES_SCHEMA.set(7, pa.field("encoding", pa.int64())))
    'encoding: int64 (declared string)'
    """
    problems = []
    for declared in declared_schema:
        index = schema.get_field_index(declared.name)
        if index < 0:
            problems.append(f"{declared.name}: missing")
        elif not schema.field(index).type.equals(declared.type):
            problems.append(f"{declared.name}: {schema.field(index).type} (declared {declared.type})")
    problems += [f"{name}: not declared" for name in schema.names
                 if name not in declared_schema.names]
    return "; ".join(problems) or None


def preview(text: str | None) -> str | None:
    """What the validation frame keeps of a text.

    >>> preview("  核酸检测，居民  "), preview("   "), preview(None)
    ('核酸检测，居民', '', None)
    """
    return text.strip()[:PREVIEW_CHARS] if isinstance(text, str) else None


def shrink_columns(frame: pd.DataFrame, table: pa.Table, text_columns, list_columns,
                   texts: dict[str, list | None] | None = None) -> None:
    """Put into `frame` a preview of each text column and the item count of each list
    column of `table` (`texts`: columns already read as Python lists)."""
    import pandas as pd
    import pyarrow.compute as pc

    for column in text_columns:
        if column in table.column_names:
            values = (texts or {}).get(column)
            values = table.column(column).to_pylist() if values is None else values
            frame[column] = pd.Series([preview(v) for v in values], index=frame.index,
                                      dtype=object)
    for column in list_columns:
        if column in table.column_names:
            counts = pc.fill_null(pc.list_value_length(table.column(column)), 0)
            frame[column] = pd.array(counts.to_pylist(), dtype="Int64")


def validation_frame(table: pa.Table, *, recompute_metrics: bool = True) -> pd.DataFrame:
    """The rows the suite reads, small enough to hold for a whole run.

    Quality metrics are recomputed from `text` (unless the caller computed them from this
    very text a moment ago: the flow), derived columns are added, and the large columns
    shrink to previews and counts (TEXT_COLUMNS, LIST_COLUMNS).
    """
    import pandas as pd

    from cleaners.metrics import quality_metrics

    names = table.column_names
    frame = table.drop_columns([c for c in (*TEXT_COLUMNS, *LIST_COLUMNS) if c in names]
                               ).to_pandas()
    texts = table.column("text").to_pylist() if "text" in names else None
    if texts is not None and recompute_metrics:
        metrics = pd.DataFrame(
            [quality_metrics(text if isinstance(text, str) else "") for text in texts],
            index=frame.index)
        for column in metrics:
            frame[column] = metrics[column]
    shrink_columns(frame, table, TEXT_COLUMNS, LIST_COLUMNS, {"text": texts})
    if "issue_date" in frame:
        frame["issue_date"] = pd.to_datetime(frame["issue_date"], errors="coerce")
    frame["paragraph_count"] = (frame["paragraphs"] if "paragraphs" in frame
                                else pd.array([0] * len(frame), dtype="Int64"))
    if {"trad_chars", "chars"} <= set(frame.columns):
        frame["trad_share"] = trad_shares(frame["trad_chars"], frame["chars"],
                                          frame.get("profile", [None] * len(frame)))
    else:
        frame["trad_share"] = None
    frame["trad_share"] = frame["trad_share"].astype("Float64")
    frame["schema_mismatch"] = pd.Series([schema_mismatch(table.schema)] * len(frame),
                                         index=frame.index, dtype=object)
    return frame


def rule_columns(table: pa.Table, columns: Collection[str]) -> dict[str, list]:
    """The `columns` of `table`'s validation frame as Python lists, without pandas, for
    `expectations.row_checks.failing_rows`: the same values the frame holds (metrics as
    stored, as `validation_frame(table, recompute_metrics=False)`; issue_date a datetime at
    midnight), so the rules fail the same rows with the same values."""
    from datetime import datetime, time

    names, rows = table.column_names, table.num_rows

    def stored(name: str) -> list:
        return table.column(name).to_pylist() if name in names else [None] * rows

    derived = {
        "text": lambda: [preview(text) for text in stored("text")],
        "raw_text": lambda: [preview(text) for text in stored("raw_text")],
        "issue_date": lambda: [day if day is None or isinstance(day, datetime)
                               else datetime.combine(day, time()) for day in stored("issue_date")],
        "paragraph_count": lambda: _item_counts(table, "paragraphs"),
        "trad_share": lambda: (trad_shares(stored("trad_chars"), stored("chars"),
                                           stored("profile"))
                               if {"trad_chars", "chars"} <= set(names) else [None] * rows),
        "schema_mismatch": lambda: [schema_mismatch(table.schema)] * rows,
        **{name: (lambda name=name: _item_counts(table, name)) for name in LIST_COLUMNS},
    }
    return {name: derived[name]() if name in derived else stored(name) for name in columns}


def _item_counts(table: pa.Table, column: str) -> list[int]:
    """The item count of each list in `column` (null: 0; no such column: 0 per row)."""
    import pyarrow.compute as pc

    if column not in table.column_names:
        return [0] * table.num_rows
    return pc.fill_null(pc.list_value_length(table.column(column)), 0).to_pylist()


def trad_shares(trad_chars, chars, profiles) -> list[float | None]:
    """trad_share per row: traditional characters per character, for the rows of simplified
    profiles (null for the others, and where a count is null)."""
    from expectations.row_checks import is_null

    simplified: dict = {}
    for profile in profiles:
        if profile not in simplified:
            simplified[profile] = _is_simplified(profile)
    return [None if not simplified[p] or is_null(t) or is_null(c) else (t / c if c else 0.0)
            for t, c, p in zip(trad_chars, chars, profiles, strict=True)]


def _is_simplified(profile) -> bool:
    """Rows of a profile whose OpenCC config converts to simplified (unknown: simplified)."""
    if not isinstance(profile, str):
        return True
    from cleaners import ProfileError, load_profile

    try:
        config = load_profile(profile).opencc
    except ProfileError:
        return "Hant" not in profile
    return bool(config) and config.endswith(th.SIMPLIFIED_OPENCC_SUFFIX)
