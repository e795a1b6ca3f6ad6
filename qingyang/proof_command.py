"""`qingyang proof FILE|DOC_ID [--output DIR]`: the proof view of one page, on demand.

Part of the CLI (the top layer, imported by nothing but `qingyang.cli`). A FILE is read
and cleaned now (its row in DIR/pages, when there is one, gives its metadata and verdict);
a DOC_ID (or a prefix of at least 8 hex digits) is looked up in DIR/pages. The view is
written to DIR/reports/proofs/, beside the proof views of the run's failing pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.compute as pc

from qingyang.exitcodes import Exit
from qingyang.parquet_io import row_groups

EXIT_OK, EXIT_FAILED, EXIT_USAGE = Exit.OK, Exit.FAILED, Exit.USAGE
MIN_PREFIX = 8


def find_row(output_dir: Path, doc_id: str) -> dict | None:
    """The row whose doc_id starts with `doc_id`, or None: from quarantine/pages first
    (`qingyang validate` writes its verdict there), then from pages."""
    for folder in (Path(output_dir) / "quarantine" / "pages", Path(output_dir) / "pages"):
        for path in sorted(folder.rglob("*.parquet")) if folder.is_dir() else []:
            for table in row_groups(path):
                hits = table.filter(pc.starts_with(table.column("doc_id"), doc_id))
                if hits.num_rows:
                    return hits.slice(0, 1).to_pylist()[0]
    return None


def proof_command(target: str, output_dir: str, profile: str | None) -> int:
    from expectations.report.proof import PROOFS_DIR, write_proof
    from flows.inputs import sha256
    from qingyang.textio import UnreadableInput, read_text_file

    output = Path(output_dir)
    if Path(target).is_file():
        try:
            decoded = read_text_file(target)
        except UnreadableInput as err:
            print(f"qingyang: {err}", file=sys.stderr)
            return EXIT_FAILED
        doc_id = sha256(decoded.raw_bytes)
        row = find_row(output, doc_id) or {}
        row = {**row, "doc_id": doc_id, "source_path": row.get("source_path", target),
               "raw_text": decoded.text, "profile": profile or row.get("profile")}
    elif len(target) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in target.lower()):
        row = find_row(output, target.lower())
        if row is None:
            print(f"qingyang: no page with doc_id {target}… in {output / 'pages'}",
                  file=sys.stderr)
            return EXIT_USAGE
    else:
        print(f"qingyang: {target}: neither a file nor a doc_id (8+ hex digits)",
              file=sys.stderr)
        return EXIT_USAGE
    reports = output / "reports"
    back = "../index.html" if (reports / "index.html").is_file() else None
    print(write_proof(row, reports / PROOFS_DIR, report_href=back))
    return EXIT_OK
