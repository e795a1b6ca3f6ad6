"""Cleaning pages and shaping them into rows of `qingyang.schema.PAGES_SCHEMA`. No Prefect."""

import pyarrow as pa

from cleaners import clean, load_profile
from cleaners.metrics import quality_metrics
from flows.inputs import Page
from qingyang.schema import EDIT_RULES, PAGES_SCHEMA

# What cleaning gives a page: the pages table's columns that depend only on its text and
# the profile, keyed by doc_id.
CLEANED_SCHEMA = pa.schema([PAGES_SCHEMA.field(name) for name in (
    "doc_id", "profile", "text", "paragraphs", "markers", "edits", "chars", "han_ratio",
    "residual_gaps", "ascii_punct_beside_han", "leftover_markers", "trad_chars",
    "replacement_chars", "unbalanced_brackets")])
# The columns `cleaners.metrics.quality_metrics` gives, in its order.
METRIC_COLUMNS = CLEANED_SCHEMA.names[CLEANED_SCHEMA.get_field_index("chars"):]


def clean_texts(texts: dict[str, str], profile: str | None, laid_out: frozenset[str] = frozenset(),
                ) -> pa.Table:
    """{doc_id: raw text} → a table of CLEANED_SCHEMA, a row per doc_id in doc_id order;
    depends only on text and profile. `laid_out`: the doc_ids whose text an engine's
    geometry already put one paragraph per line (no reflow).

    Built column by column (a list per column, then an Arrow array), not a dict per page:
    the page rows are then joined in Arrow (`page_table`).
    """
    chosen = load_profile(profile)
    doc_ids = sorted(texts)
    results = [clean(texts[doc_id], profile=chosen, paragraphs_given=doc_id in laid_out)
               for doc_id in doc_ids]
    unknown = {rule for result in results for rule in result.edits} - set(EDIT_RULES)
    if unknown:
        raise ValueError(f"cleaner rules {sorted(unknown)} have no column in EDIT_RULES")
    metrics = [quality_metrics(result.text) for result in results]
    columns = {
        "doc_id": doc_ids,
        "profile": [result.profile for result in results],
        "text": [result.text for result in results],
        "paragraphs": [result.paragraphs for result in results],
        "markers": [[marker.to_dict() for marker in result.markers] for result in results],
        "edits": [{rule: result.edits.get(rule) for rule in EDIT_RULES} for result in results],
        **{name: [row[name] for row in metrics] for name in METRIC_COLUMNS},
    }
    return pa.Table.from_arrays([pa.array(columns[field.name], field.type)
                                 for field in CLEANED_SCHEMA], schema=CLEANED_SCHEMA)


def row_order(source_path: str) -> tuple[str, int]:
    """Where a row sorts: by file, then by line for JSONL pages (`FILE#9` before `FILE#10`).

    >>> sorted(["d.jsonl#10", "d.jsonl#9", "c.txt"], key=row_order)
    ['c.txt', 'd.jsonl#9', 'd.jsonl#10']
    """
    file, sep, line = source_path.rpartition("#")
    return (file, int(line)) if sep and line.isdigit() else (source_path, 0)


def replaced_by(source_path: str, run_files: set[str]) -> bool:
    """Whether a stored row (or input file) belongs to this run: one of its files (JSONL
    rows are `FILE#LINE`) or under one of its input folders (given as `FOLDER/`; the working
    directory is `./`, and its paths are the relative ones), so deleted files drop out too.

    >>> replaced_by("seeds/a.txt", {"seeds/"}), replaced_by("seeds/a.txt", {"./"})
    (True, True)
    >>> replaced_by("/data/a.txt", {"./"}), replaced_by("../a.txt", {"./"}), replaced_by("d.jsonl#3", {"d.jsonl"})
    (False, False, True)
    """
    if source_path in run_files or source_path.rpartition("#")[0] in run_files:
        return True
    return any(source_path.startswith(f) or (f == "./" and not source_path.startswith(("/", "../")))
               for f in run_files if f.endswith("/"))


def recorded_encoding(page: Page) -> str:
    """The encoding column: a repair made while decoding travels with the row
    ("utf-8 (incomplete last character (2 bytes) dropped)")."""
    return f"{page.encoding} ({page.repair})" if page.repair else page.encoding


def build_row(page: Page, cleaned: dict, pipeline_version: str) -> dict:
    """One output row: the page's identity and metadata, its cleaned columns (a row of
    `clean_texts`' table), no verdict yet."""
    return {
        "doc_id": page.doc_id,
        "source_path": page.source_path,
        "publication": page.metadata.get("publication"),
        "issue_date": page.metadata.get("issue_date"),
        "page": page.metadata.get("page"),
        "profile": cleaned["profile"],
        "pipeline_version": pipeline_version,
        "encoding": recorded_encoding(page),
        "source_format": page.source_format,
        "raw_text": page.raw_text,
        "lines": list(page.lines),
        "ocr_confidence": page.ocr_confidence,
        **{k: v for k, v in cleaned.items() if k not in ("doc_id", "profile")},
        # Set by the validation step (expectations) once it lands; null means "not validated".
        "valid": None,
        "failed_expectations": [],
    }


def page_table(pages: list[Page], cleaned: pa.Table, pipeline_version: str) -> pa.Table:
    """The rows of `pages`, in their order, as a PAGES_SCHEMA table without verdicts: the
    same rows as `build_row`, with the cleaned columns taken from `cleaned` by doc_id."""
    where = {doc_id: i for i, doc_id in enumerate(cleaned.column("doc_id").to_pylist())}
    picked = cleaned.take(pa.array([where[page.doc_id] for page in pages], pa.int64()))
    metadata = [page.metadata for page in pages]
    own = {
        "source_path": [page.source_path for page in pages],
        "publication": [meta.get("publication") for meta in metadata],
        "issue_date": [meta.get("issue_date") for meta in metadata],
        "page": [meta.get("page") for meta in metadata],
        "pipeline_version": [pipeline_version] * len(pages),
        "encoding": [recorded_encoding(page) for page in pages],
        "source_format": [page.source_format for page in pages],
        "raw_text": [page.raw_text for page in pages],
        "lines": [list(page.lines) for page in pages],
        "ocr_confidence": [page.ocr_confidence for page in pages],
        "valid": [None] * len(pages),
        "failed_expectations": [[]] * len(pages),
    }
    columns = [picked.column(field.name) if field.name in CLEANED_SCHEMA.names
               else pa.array(own[field.name], field.type) for field in PAGES_SCHEMA]
    return pa.Table.from_arrays(columns, schema=PAGES_SCHEMA)
