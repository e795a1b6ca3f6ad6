"""Row-level expectations as plain data, judged without Great Expectations.

Each suite's row-level expectations are `RowRule`s (`expectations.pages_suite.row_rules`,
`expectations.articles_suite.row_rules`): the suite turns each into its `gxe.Expect…` for
`qingyang validate` and the Data Docs, and the flow's workers judge their rows with
`failing_rows` over the rule columns as Python lists (`expectations.frames.rule_columns`,
`expectations.articles_suite.rule_columns`: no pandas) before writing a part (a batch of
pages, an issue's articles):
GE costs ~4 s to import and ~0.3 s a run, too much for every task of every worker, and
one GE run over a whole table grows with the table. Both read the same rules, and a test
per suite checks they fail the same rows.

Semantics follow GE's column-map expectations: a null value passes every rule but
`not_null`; bounds are inclusive; a regex must match somewhere in the value (re.search);
an `in_set` value must equal one of the set's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# GE's expectation type for each rule kind.
EXPECTATION_TYPES = {
    "not_null": "expect_column_values_to_not_be_null",
    "null": "expect_column_values_to_be_null",
    "between": "expect_column_values_to_be_between",
    "match_regex": "expect_column_values_to_match_regex",
    "in_set": "expect_column_values_to_be_in_set",
}


@dataclass(frozen=True)
class RowRule:
    """One row-level expectation: `kind` (EXPECTATION_TYPES) over `column`."""

    kind: str
    column: str
    description: str
    min_value: Any = None
    max_value: Any = None
    regex: str | None = None
    value_set: tuple | None = None

    @property
    def name(self) -> str:
        """The name GE's result gives it (`expectations.results.expectation_name`)."""
        return f"{EXPECTATION_TYPES[self.kind]}({self.column})"

    def expectation(self):
        """This rule as a Great Expectations expectation (imports GE)."""
        import great_expectations.expectations as gxe

        options = {"column": self.column, "description": self.description}
        if self.kind == "between":
            options |= {"min_value": self.min_value, "max_value": self.max_value}
        if self.kind == "match_regex":
            options["regex"] = self.regex
        if self.kind == "in_set":
            options["value_set"] = list(self.value_set)
        kinds = {"not_null": gxe.ExpectColumnValuesToNotBeNull,
                 "null": gxe.ExpectColumnValuesToBeNull,
                 "between": gxe.ExpectColumnValuesToBeBetween,
                 "match_regex": gxe.ExpectColumnValuesToMatchRegex,
                 "in_set": gxe.ExpectColumnValuesToBeInSet}
        return kinds[self.kind](**{k: v for k, v in options.items() if v is not None})

    def fails(self, value) -> bool:
        """Whether one value fails the rule.

        >>> RowRule("between", "x", "", 0, 0).fails(2), RowRule("between", "x", "", 0, 0).fails(None)
        (True, False)
        >>> RowRule("in_set", "x", "", value_set=("a",)).fails("b")
        True
        """
        if self.kind == "not_null":
            return is_null(value)
        if is_null(value):
            return False
        if self.kind == "null":
            return True
        if self.kind == "between":
            return ((self.min_value is not None and value < self.min_value)
                    or (self.max_value is not None and value > self.max_value))
        if self.kind == "in_set":
            return value not in self.value_set
        return re.search(self.regex, str(value)) is None


def is_null(value) -> bool:
    """None, NaN, or what pandas calls missing (NA, NaT); never a text, list or int."""
    if value is None:
        return True
    if isinstance(value, str | list | int):  # (bool is an int) the common cases, cheaply
        return False
    if isinstance(value, float):
        return bool(value != value)  # NaN
    import pandas as pd

    return bool(pd.isna(value))


def failing_rows(frame: pd.DataFrame | Mapping[str, list], rules: list[RowRule],
                 key_column: str = "doc_id") -> dict[str, list[tuple[str | None, Any]]]:
    """{rule name: [(key, value) of each failing row]} over a validation frame
    (`expectations.frames.validation_frame`), or the same columns as lists, for the rules
    some row fails."""
    rows = len(next(iter(frame.values()))) if isinstance(frame, Mapping) and frame else len(frame)
    keys = _values(frame, key_column, rows)
    found: dict[str, list[tuple[str | None, Any]]] = {}
    for rule in rules:
        values = _values(frame, rule.column, rows)
        failing = [(key, _plain(value)) for key, value in zip(keys, values, strict=True)
                   if rule.fails(value)]
        if failing:
            found[rule.name] = failing
    return found


def _values(frame, column: str, rows: int) -> list:
    """A column as Python values (a Series' `tolist`, a list as it is); all None if absent."""
    if column not in frame:
        return [None] * rows
    values = frame[column]
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _plain(value):
    """A frame value as JSON-friendly Python (a Timestamp as its date, NaN as None)."""
    if is_null(value):
        return None
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value
