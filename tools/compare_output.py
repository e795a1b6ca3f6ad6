"""Whether two output folders of `qingyang run` hold the same tables: same rows, same values.

For `pages/` and `articles/` each: DuckDB reads both tables (the parts their manifests
name, with the declared schema) and counts the rows each has that the other lacks (as
multisets: `EXCEPT ALL` both ways), over every column; the parts' bytes are compared
too (same writer settings give the same names and bytes). Prints one line per table and
exits non-zero when any rows differ.

    .venv/bin/python tools/compare_output.py /tmp/old-output /tmp/new-output
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from qingyang.dataset import committed_parts
from qingyang.schema import ARTICLES_DIR

TABLES = {"pages": Path("pages"), "articles": ARTICLES_DIR}


def relation(connection: duckdb.DuckDBPyConnection, root: Path, name: str) -> str:
    """A view of the table under `root` (its committed parts), named `name`."""
    files = [str(path) for path in committed_parts(root)]
    connection.read_parquet(files, hive_partitioning=False).create_view(name)
    return name


def compare_table(old: Path, new: Path) -> tuple[int, int, int, bool]:
    """(rows only in old, rows only in new, rows in new, parts byte-identical)."""
    connection = duckdb.connect()
    relation(connection, old, "old_rows")
    relation(connection, new, "new_rows")
    only_old = connection.sql("select count(*) from (from old_rows except all from new_rows)"
                              ).fetchall()[0][0]
    only_new = connection.sql("select count(*) from (from new_rows except all from old_rows)"
                              ).fetchall()[0][0]
    rows = connection.sql("select count(*) from new_rows").fetchall()[0][0]
    same_bytes = ([p.relative_to(old) for p in committed_parts(old)]
                  == [p.relative_to(new) for p in committed_parts(new)])
    return only_old, only_new, rows, same_bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    differ = False
    for name, folder in TABLES.items():
        only_old, only_new, rows, same_bytes = compare_table(args.old / folder, args.new / folder)
        differ |= bool(only_old or only_new)
        print(f"{name}: {rows} rows; only in old {only_old}, only in new {only_new}; "
              f"parts {'byte-identical' if same_bytes else 'differ in bytes'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
