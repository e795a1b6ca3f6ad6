"""Run the pages suite on a table: per-expectation and per-row results, reports.

`validate_pages` is what the flow calls on the rows it writes; `validate_output_dir`
is `qingyang validate OUTPUT_DIR`. Both judge the text itself: every quality metric
is recomputed from `text` before the suite runs, so a hand-edited `核 酸 检 测,` fails
even when the stored metric columns still say 0.

Great Expectations is imported only inside the functions that validate.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from expectations import thresholds as th
from expectations.pages_suite import SUITE_NAME, pages_suite
from qingyang.parquet_io import row_groups, write_bytes_atomic, write_parquet_atomic
from qingyang.schema import PAGES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

# The validation results as JSON, beside the Data Docs in reports_dir.
VALIDATION_JSON = "pages_validation.json"
# Great Expectations' own Data Docs site, under reports_dir. It is rebuilt from scratch
# on every validation so that pages of earlier runs do not pile up. Its pages load
# Bootstrap and jQuery from CDNs (its index is empty without them), so reports_dir/
# index.html is qingyang's own self-contained page that links into it.
GX_SITE = "gx"
_RUN_NAME = "qingyang-pages"
_SHOWN_DOC_IDS = 10


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result: `name` is what goes into `failed_expectations`."""

    name: str
    success: bool
    description: str = ""
    failing_doc_ids: list[str | None] = field(default_factory=list)
    observed: Any = None
    error: str | None = None


@dataclass(frozen=True)
class PagesValidation:
    """What `validate_pages` returns.

    success: every expectation passed. row_failures: doc_id -> names of the row-level
    expectations that row failed (None keys rows without a doc_id).
    """

    success: bool
    suite_name: str
    rows: int
    expectations: list[ExpectationOutcome]
    row_failures: dict[str | None, list[str]]
    reports_dir: Path | None
    seconds: float

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    @property
    def table_failures(self) -> list[str]:
        """Failed expectations that name no row (row count, column set, errors)."""
        return [e.name for e in self.failed if not e.failing_doc_ids]

    @property
    def failing_rows(self) -> int:
        return len(self.row_failures)

    @property
    def failing_share(self) -> float:
        return self.failing_rows / self.rows if self.rows else 0.0

    @property
    def index_html(self) -> Path | None:
        return self.reports_dir / "index.html" if self.reports_dir else None

    @property
    def json_path(self) -> Path | None:
        return self.reports_dir / VALIDATION_JSON if self.reports_dir else None

    def fails_run(self, policy: th.Policy = th.DEFAULT_POLICY) -> bool:
        """Whether this result should fail the run under `policy` (see thresholds.Policy)."""
        if self.success:
            return False
        if policy.mode == "fail" or self.table_failures:
            return True
        return self.failing_share > policy.max_failing_share

    def failures_for(self, doc_id: str | None) -> list[str]:
        return self.row_failures.get(doc_id, [])

    def markdown(self) -> str:
        """The suite summary for a Prefect markdown artifact."""
        verdict = "passed" if self.success else "FAILED"
        passed = sum(e.success for e in self.expectations)
        lines = [
            f"## Validation `{self.suite_name}`: {verdict}",
            "",
            f"{passed}/{len(self.expectations)} expectations passed; "
            f"{self.failing_rows} of {self.rows} rows failed ({self.failing_share:.1%}); "
            f"{self.seconds:.2f} s.",
        ]
        if self.index_html:
            lines.append(f"Data Docs: `{self.index_html}` · JSON: `{self.json_path}`")
        lines += ["", "| | expectation | failing doc_ids |", "|---|---|---|"]
        for e in self.expectations:
            ids = ", ".join(f"`{(d or 'null')[:12]}`" for d in e.failing_doc_ids[:_SHOWN_DOC_IDS])
            if len(e.failing_doc_ids) > _SHOWN_DOC_IDS:
                ids += f" and {len(e.failing_doc_ids) - _SHOWN_DOC_IDS} more"
            if not e.success and not ids:
                ids = e.error or f"observed: {e.observed}"
            lines.append(f"| {'✅' if e.success else '❌'} | `{e.name}` | {ids} |")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "suite": self.suite_name,
            "success": self.success,
            "rows": self.rows,
            "failing_rows": self.failing_rows,
            "seconds": round(self.seconds, 3),
            "expectations": [
                {"name": e.name, "success": e.success, "description": e.description,
                 "failing_doc_ids": e.failing_doc_ids, "observed": e.observed, "error": e.error}
                for e in self.expectations
            ],
            "row_failures": {str(k): v for k, v in self.row_failures.items()},
        }


def schema_mismatch(schema: pa.Schema) -> str | None:
    """How `schema` differs from PAGES_SCHEMA in column types and names; None if it does not.

    >>> schema_mismatch(PAGES_SCHEMA) is None
    True
    >>> schema_mismatch(PAGES_SCHEMA.set(7, pa.field("encoding", pa.int64())))
    'encoding: int64 (declared string)'
    """
    problems = []
    for declared in PAGES_SCHEMA:
        index = schema.get_field_index(declared.name)
        if index < 0:
            problems.append(f"{declared.name}: missing")
        elif not schema.field(index).type.equals(declared.type):
            problems.append(f"{declared.name}: {schema.field(index).type} (declared {declared.type})")
    problems += [f"{name}: not declared" for name in schema.names if name not in PAGES_SCHEMA.names]
    return "; ".join(problems) or None


# Columns too large to hold for a whole run: the frame keeps a preview of each text
# (its first PREVIEW_CHARS non-blank characters: still null, blank or not as the text is)
# and the item count of each list.
TEXT_COLUMNS = ("raw_text", "text")
LIST_COLUMNS = ("paragraphs", "markers")
PREVIEW_CHARS = 40


def preview(text: str | None) -> str | None:
    """What the validation frame keeps of a text.

    >>> preview("  核酸检测，居民  "), preview("   "), preview(None)
    ('核酸检测，居民', '', None)
    """
    return text.strip()[:PREVIEW_CHARS] if isinstance(text, str) else None


def validation_frame(table: pa.Table, *, recompute_metrics: bool = True) -> pd.DataFrame:
    """The rows the suite reads, small enough to hold for a whole run.

    Quality metrics are recomputed from `text` (unless the caller computed them from this
    very text a moment ago: the flow), derived columns are added, and the large columns
    shrink to previews and counts (TEXT_COLUMNS, LIST_COLUMNS).
    """
    import pandas as pd
    import pyarrow.compute as pc

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
    for column in TEXT_COLUMNS:
        if column in names:
            values = texts if column == "text" else table.column(column).to_pylist()
            frame[column] = pd.Series([preview(v) for v in values], index=frame.index,
                                      dtype=object)
    for column in LIST_COLUMNS:
        if column in names:
            counts = pc.fill_null(pc.list_value_length(table.column(column)), 0)
            frame[column] = pd.array(counts.to_pylist(), dtype="Int64")
    if "issue_date" in frame:
        frame["issue_date"] = pd.to_datetime(frame["issue_date"], errors="coerce")
    frame["paragraph_count"] = (frame["paragraphs"] if "paragraphs" in frame
                                else pd.array([0] * len(frame), dtype="Int64"))
    simplified = [_is_simplified(p) for p in frame.get("profile", [None] * len(frame))]
    if {"trad_chars", "chars"} <= set(frame.columns):
        frame["trad_share"] = [
            (t / c if c else 0.0) if s else None
            for t, c, s in zip(frame["trad_chars"], frame["chars"], simplified, strict=True)]
    else:
        frame["trad_share"] = None
    frame["trad_share"] = frame["trad_share"].astype("Float64")
    frame["schema_mismatch"] = pd.Series([schema_mismatch(table.schema)] * len(frame),
                                         index=frame.index, dtype=object)
    return frame


def validate_pages(table: pa.Table, expected_rows: int | None, reports_dir: Path | None,
                   *, today=None) -> PagesValidation:
    """Validate pages rows with the pages suite; write JSON and Data Docs into reports_dir.

    expected_rows: pages read minus pages quarantined before validation (None: not
    checked beyond "at least one row"). reports_dir None: validate only, write nothing.
    """
    return validate_frame(validation_frame(table), expected_rows, reports_dir, today=today)


def validate_frame(frame: pd.DataFrame, expected_rows: int | None, reports_dir: Path | None,
                    *, today=None) -> PagesValidation:
    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if reports_dir is not None:
        reports_dir = Path(reports_dir)
        reports_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(reports_dir / GX_SITE, ignore_errors=True)
        context.add_data_docs_site(site_name="qingyang", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str((reports_dir / GX_SITE).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs",
                                                          site_names=["qingyang"]))
    batch = (context.data_sources.add_pandas("qingyang")
             .add_dataframe_asset("pages").add_batch_definition_whole_dataframe("pages"))
    suite = context.suites.add(pages_suite(expected_rows, today=today))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="pages", data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name="pages", validation_definitions=[definition], actions=actions,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["doc_id"]},
    ))
    run = checkpoint.run(batch_parameters={"dataframe": frame},
                         run_id=RunIdentifier(run_name=_RUN_NAME))
    result = next(iter(run.run_results.values()))

    order = {e.id: i for i, e in enumerate(suite.expectations)}
    outcomes = [_outcome(r) for r in
                sorted(result.results, key=lambda r: order.get(r.expectation_config.id, 0))]
    row_failures: dict[str | None, list[str]] = {}
    for outcome in outcomes:
        for doc_id in dict.fromkeys(outcome.failing_doc_ids):
            row_failures.setdefault(doc_id, []).append(outcome.name)
    validation = PagesValidation(
        success=bool(result.success), suite_name=SUITE_NAME, rows=len(frame),
        expectations=outcomes, row_failures=row_failures, reports_dir=reports_dir,
        seconds=time.perf_counter() - started)
    if reports_dir is not None:
        payload = {"summary": validation.to_dict(), "great_expectations": result.to_json_dict()}
        write_bytes_atomic(reports_dir / VALIDATION_JSON,
                      json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode())
        write_bytes_atomic(reports_dir / "index.html", _index_html(validation).encode())
    return validation


def _index_html(validation: PagesValidation) -> str:
    """reports_dir/index.html: the suite, every expectation's result, links to GX's pages.

    Self-contained (no script, no CDN): it must read the same offline as online.
    """
    reports_dir = validation.reports_dir
    site = reports_dir / GX_SITE

    def link(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        return found[0].relative_to(reports_dir).as_posix() if found else ""

    result_page, suite_page = link("validations/**/*.html"), link("expectations/**/*.html")
    verdict = "passed" if validation.success else "FAILED"
    passed = sum(e.success for e in validation.expectations)
    rows = []
    for e in validation.expectations:
        ids = ", ".join(escape(d or "null") for d in e.failing_doc_ids[:_SHOWN_DOC_IDS])
        if len(e.failing_doc_ids) > _SHOWN_DOC_IDS:
            ids += f" and {len(e.failing_doc_ids) - _SHOWN_DOC_IDS} more"
        if not e.success and not ids:
            ids = escape(e.error or f"observed: {e.observed}")
        rows.append(
            f'<tr class="{"pass" if e.success else "fail"}">'
            f'<td>{"passed" if e.success else "FAILED"}</td><td><code>{escape(e.name)}</code>'
            f"<br><small>{escape(e.description)}</small></td><td><code>{ids}</code></td></tr>")
    links = " · ".join(
        f'<a href="{escape(href)}">{label}</a>' for href, label in (
            (result_page, "Great Expectations validation result"),
            (suite_page, "expectation suite"), (VALIDATION_JSON, "validation JSON"))
        if href)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(validation.suite_name)}: {verdict}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: .4em .6em; text-align: left; vertical-align: top; }}
tr.pass td:first-child {{ color: #1a7f37; font-weight: bold; }}
tr.fail td:first-child {{ color: #cf222e; font-weight: bold; }}
tr.fail {{ background: #fff1f0; }}
.verdict {{ color: {"#1a7f37" if validation.success else "#cf222e"}; }}
small {{ color: #555; }}
</style></head><body>
<h1>Validation of suite <code>{escape(validation.suite_name)}</code>:
<span class="verdict">{verdict}</span></h1>
<p>{passed} of {len(validation.expectations)} expectations passed;
{validation.failing_rows} of {validation.rows} rows failed ({validation.failing_share:.1%}).
Metrics were recomputed from <code>text</code> before validating.</p>
<p>{links}</p>
<table><thead><tr><th>result</th><th>expectation</th><th>failing doc_ids</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def expectation_name(config) -> str:
    """`expect_column_values_to_be_between(residual_gaps)`; table-level: the type alone."""
    column = config.kwargs.get("column")
    return f"{config.type}({column})" if column else config.type


def _outcome(result) -> ExpectationOutcome:
    config = result.expectation_config
    details = result.result or {}
    ids = [_doc_id(item.get("doc_id")) for item in details.get("unexpected_index_list") or []
           if isinstance(item, dict)]
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = str(result.exception_info.get("exception_message"))
    return ExpectationOutcome(
        name=expectation_name(config), success=bool(result.success),
        description=config.description or "", failing_doc_ids=ids if not result.success else [],
        observed=details.get("observed_value"), error=error)


def _doc_id(value) -> str | None:
    return value if isinstance(value, str) else None


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


def apply_validation(table: pa.Table, validation: PagesValidation) -> pa.Table:
    """`table` with `valid` and `failed_expectations` filled from `validation`."""
    doc_ids = (table.column("doc_id").to_pylist() if "doc_id" in table.column_names
               else [None] * table.num_rows)
    failed = [validation.failures_for(d if isinstance(d, str) else None) for d in doc_ids]
    columns = {
        "valid": pa.array([not f for f in failed], PAGES_SCHEMA.field("valid").type),
        "failed_expectations": pa.array(failed, PAGES_SCHEMA.field("failed_expectations").type),
    }
    for name, values in columns.items():
        field_ = PAGES_SCHEMA.field(name)
        index = table.schema.get_field_index(name)
        table = (table.set_column(index, field_, values) if index >= 0
                 else table.append_column(field_, values))
    return table


def quarantine_rows(table: pa.Table, validation: PagesValidation) -> pa.Table:
    """The rows of `table` that failed, with `valid` and `failed_expectations` filled."""
    table = apply_validation(table, validation)
    return table.filter(pa.compute.invert(table.column("valid")))


class ExitCode(int):
    """An exit code (0 passed, 1 failed) that also answers `.success`."""

    @property
    def success(self) -> bool:
        return self == 0


def preload() -> threading.Thread:
    """Import Great Expectations in a background thread (~3 s) while the flow cleans."""
    thread = threading.Thread(target=importlib.import_module, args=("great_expectations",),
                              name="preload-great-expectations", daemon=True)
    thread.start()
    return thread


def validate_output_dir(output_dir: Path | str, *, out=None) -> int:
    """`qingyang validate OUTPUT_DIR`: re-validate output/pages, rebuild output/reports,
    rewrite output/quarantine/pages. Exit code: 0 every expectation passed, 1 otherwise.

    Reads a row group at a time, so memory holds the small validation frame, not the
    texts. Each quarantine file mirrors the pages file its rows came from
    (pages/X.parquet -> quarantine/pages/X.parquet) so a rerun replaces, never duplicates.
    """
    import pandas as pd

    out = out or sys.stdout
    output_dir = Path(output_dir)
    pages_dir = output_dir / "pages"
    files = sorted(p for p in pages_dir.rglob("*.parquet") if not p.name.startswith(".")
                   ) if pages_dir.is_dir() else []
    if not files:
        print(f"qingyang: {pages_dir}: no Parquet files to validate", file=sys.stderr)
        return ExitCode(1)
    frames = [validation_frame(table) for path in files for table in row_groups(path)]
    validation = validate_frame(pd.concat(frames, ignore_index=True), None,
                                output_dir / "reports")
    quarantine_dir = output_dir / "quarantine" / "pages"
    for path in files:
        target = quarantine_dir / path.relative_to(pages_dir)
        bad = [quarantine_rows(table, validation) for table in row_groups(path)]
        bad = [table for table in bad if table.num_rows]
        if bad:
            write_parquet_atomic(pa.concat_tables(bad), target)
        else:
            target.unlink(missing_ok=True)
    print(validation.markdown(), file=out)
    return ExitCode(0 if validation.success else 1)

