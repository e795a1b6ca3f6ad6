"""Run a suite on a table: per-expectation and per-row results, reports.

`validate_pages` is what the flow calls on the rows it writes; `validate_output_dir`
is `qingyang validate OUTPUT_DIR`. Both judge the text itself: every quality metric
is recomputed from `text` before the suite runs, so a hand-edited `核 酸 检 测,` fails
even when the stored metric columns still say 0. `validate_articles` runs the articles
suite the same way (`run_suite`), into reports/articles/.

Great Expectations is imported only inside the functions that validate.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from expectations import thresholds as th
from expectations.pages_suite import pages_suite
from qingyang.exitcodes import Exit
from qingyang.parquet_io import row_groups, write_bytes_atomic, write_parquet_atomic
from qingyang.schema import ARTICLES_FILE, PAGES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

# The validation results as JSON, beside the Data Docs in reports_dir.
VALIDATION_JSON = "pages_validation.json"
ARTICLES_JSON = "articles_validation.json"
# The articles suite's reports, under the pages' reports_dir.
ARTICLES_REPORTS = "articles"
# Great Expectations' own Data Docs site, under reports_dir. It is rebuilt from scratch
# on every validation so that pages of earlier runs do not pile up. Its pages load
# Bootstrap and jQuery from CDNs (its index is empty without them), so reports_dir/
# index.html is qingyang's own self-contained page that links into it.
GX_SITE = "gx"
_SHOWN_IDS = 10
# What the pages report says about its input.
_PAGES_NOTE = "Metrics were recomputed from <code>text</code> before validating."


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result: `name` is what goes into `failed_expectations`;
    `failing_ids` are the key column's values (doc_id, article_id) of the failing rows."""

    name: str
    success: bool
    description: str = ""
    failing_ids: list[str | None] = field(default_factory=list)
    observed: Any = None
    error: str | None = None

    @property
    def failing_doc_ids(self) -> list[str | None]:
        return self.failing_ids


@dataclass(frozen=True)
class Validation:
    """What `validate_pages` and `validate_articles` return.

    success: every expectation passed. row_failures: key (doc_id, article_id) -> names of
    the row-level expectations that row failed (None keys rows without one).
    """

    success: bool
    suite_name: str
    rows: int
    expectations: list[ExpectationOutcome]
    row_failures: dict[str | None, list[str]]
    reports_dir: Path | None
    seconds: float
    key_column: str = "doc_id"
    json_name: str = VALIDATION_JSON

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [e for e in self.expectations if not e.success]

    @property
    def table_failures(self) -> list[str]:
        """Failed expectations that name no row (row count, column set, errors)."""
        return [e.name for e in self.failed if not e.failing_ids]

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
        return self.reports_dir / self.json_name if self.reports_dir else None

    def fails_run(self, policy: th.Policy = th.DEFAULT_POLICY) -> bool:
        """Whether this result should fail the run under `policy` (see thresholds.Policy)."""
        if self.success:
            return False
        if policy.mode == "fail" or self.table_failures:
            return True
        return self.failing_share > policy.max_failing_share

    def failures_for(self, key: str | None) -> list[str]:
        return self.row_failures.get(key, [])

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
        lines += ["", f"| | expectation | failing {self.key_column}s |", "|---|---|---|"]
        for e in self.expectations:
            ids = ", ".join(f"`{(d or 'null')[:12]}`" for d in e.failing_ids[:_SHOWN_IDS])
            if len(e.failing_ids) > _SHOWN_IDS:
                ids += f" and {len(e.failing_ids) - _SHOWN_IDS} more"
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
                 f"failing_{self.key_column}s": e.failing_ids, "observed": e.observed,
                 "error": e.error}
                for e in self.expectations
            ],
            "row_failures": {str(k): v for k, v in self.row_failures.items()},
        }


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
                   *, today=None) -> Validation:
    """Validate pages rows with the pages suite; write JSON and Data Docs into reports_dir.

    expected_rows: pages read minus pages quarantined before validation (None: not
    checked beyond "at least one row"). reports_dir None: validate only, write nothing.
    """
    return validate_frame(validation_frame(table), expected_rows, reports_dir, today=today)


def validate_frame(frame: pd.DataFrame, expected_rows: int | None, reports_dir: Path | None,
                   *, today=None) -> Validation:
    """The pages suite over a validation frame (see validate_pages)."""
    return run_suite(frame, pages_suite(expected_rows, today=today), reports_dir,
                     table="pages", key_column="doc_id", json_name=VALIDATION_JSON,
                     note=_PAGES_NOTE)


def validate_articles(table: pa.Table, reports_dir: Path | None) -> Validation:
    """Validate articles rows with the articles suite; write JSON and Data Docs into
    reports_dir (the flow and `qingyang validate` use reports/articles/)."""
    from expectations.articles_suite import articles_frame

    return validate_articles_frame(articles_frame(table), reports_dir)


def validate_articles_frame(frame: pd.DataFrame, reports_dir: Path | None) -> Validation:
    """The articles suite over a validation frame (frames of several row groups concatenated)."""
    from expectations.articles_suite import KEY_COLUMN, articles_suite

    return run_suite(frame, articles_suite(), reports_dir, table="articles",
                     key_column=KEY_COLUMN, json_name=ARTICLES_JSON)


def run_suite(frame: pd.DataFrame, suite, reports_dir: Path | None, *, table: str,
              key_column: str, json_name: str, note: str = "") -> Validation:
    """Run `suite` on `frame` with Great Expectations; failing rows are named by
    `key_column`. With reports_dir: GX Data Docs, `json_name` and index.html there."""
    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from expectations import data_docs

    # GX sets this module's logger to INFO when it is imported: its "Created temporary
    # directory … for ephemeral docs site" would reach the user's terminal on every run.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    actions = []
    if reports_dir is not None:
        reports_dir = Path(reports_dir)
        reports_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(reports_dir / GX_SITE, ignore_errors=True)
        context.add_data_docs_site(site_name="qingyang", site_config=data_docs.site_config(
            str((reports_dir / GX_SITE).resolve())))
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs",
                                                          site_names=["qingyang"]))
    batch = (context.data_sources.add_pandas("qingyang")
             .add_dataframe_asset(table).add_batch_definition_whole_dataframe(table))
    suite = context.suites.add(suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=table, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(
        name=table, validation_definitions=[definition], actions=actions,
        result_format={"result_format": "COMPLETE",
                       "unexpected_index_column_names": [key_column]},
    ))
    run = checkpoint.run(batch_parameters={"dataframe": frame},
                         run_id=RunIdentifier(run_name=f"qingyang-{table}"))
    result = next(iter(run.run_results.values()))

    order = {e.id: i for i, e in enumerate(suite.expectations)}
    outcomes = [_outcome(r, key_column) for r in
                sorted(result.results, key=lambda r: order.get(r.expectation_config.id, 0))]
    row_failures: dict[str | None, list[str]] = {}
    for outcome in outcomes:
        for key in dict.fromkeys(outcome.failing_ids):
            row_failures.setdefault(key, []).append(outcome.name)
    validation = Validation(
        success=bool(result.success), suite_name=suite.name, rows=len(frame),
        expectations=outcomes, row_failures=row_failures, reports_dir=reports_dir,
        seconds=time.perf_counter() - started, key_column=key_column, json_name=json_name)
    if reports_dir is not None:
        payload = {"summary": validation.to_dict(), "great_expectations": result.to_json_dict()}
        write_bytes_atomic(reports_dir / json_name,
                           json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode())
        write_index(validation, note)
    return validation


def write_index(validation: Validation, note: str = _PAGES_NOTE) -> None:
    """(Re)write reports_dir/index.html, linking every sub-report there (articles/)."""
    write_bytes_atomic(validation.reports_dir / "index.html",
                       _index_html(validation, note).encode())


def _index_html(validation: Validation, note: str = "") -> str:
    """reports_dir/index.html: the suite, every expectation's result, links to GX's pages
    and to the reports of other suites in subfolders (reports/articles/index.html).

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
        ids = ", ".join(escape(d or "null") for d in e.failing_ids[:_SHOWN_IDS])
        if len(e.failing_ids) > _SHOWN_IDS:
            ids += f" and {len(e.failing_ids) - _SHOWN_IDS} more"
        if not e.success and not ids:
            ids = escape(e.error or f"observed: {e.observed}")
        rows.append(
            f'<tr class="{"pass" if e.success else "fail"}">'
            f'<td>{"passed" if e.success else "FAILED"}</td><td><code>{escape(e.name)}</code>'
            f"<br><small>{escape(e.description)}</small></td><td><code>{ids}</code></td></tr>")
    others = [(p.relative_to(reports_dir).as_posix(), f"{p.parent.name} report")
              for p in sorted(reports_dir.glob("*/index.html")) if p.parent.name != GX_SITE]
    links = " · ".join(
        f'<a href="{escape(href)}">{escape(label)}</a>' for href, label in (
            (result_page, "Great Expectations validation result"),
            (suite_page, "expectation suite"), (validation.json_name, "validation JSON"),
            *others)
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
{note}</p>
<p>{links}</p>
<table><thead><tr><th>result</th><th>expectation</th>
<th>failing {escape(validation.key_column)}s</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""


def expectation_name(config) -> str:
    """`expect_column_values_to_be_between(residual_gaps)`; table-level: the type alone."""
    column = config.kwargs.get("column")
    return f"{config.type}({column})" if column else config.type


def _outcome(result, key_column: str = "doc_id") -> ExpectationOutcome:
    config = result.expectation_config
    details = result.result or {}
    ids = [_key(item.get(key_column)) for item in details.get("unexpected_index_list") or []
           if isinstance(item, dict)]
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = str(result.exception_info.get("exception_message"))
    return ExpectationOutcome(
        name=expectation_name(config), success=bool(result.success),
        description=config.description or "", failing_ids=ids if not result.success else [],
        observed=details.get("observed_value"), error=error)


def _key(value) -> str | None:
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


def apply_validation(table: pa.Table, validation: Validation) -> pa.Table:
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


def quarantine_rows(table: pa.Table, validation: Validation) -> pa.Table:
    """The rows of `table` that failed, with `valid` and `failed_expectations` filled."""
    table = apply_validation(table, validation)
    return table.filter(pa.compute.invert(table.column("valid")))


class ExitCode(int):
    """An exit code (0 passed, 1 failed) that also answers `.success`."""

    @property
    def success(self) -> bool:
        return self == 0


_validator: ProcessPoolExecutor | None = None


def warm_up() -> None:
    """Run the pages suite once on an empty table, reports into a temporary folder (~0.35 s
    of CPU): later validations in this process, of either suite, passing or failing, find
    the Data Docs templates compiled (expectations.data_docs) and Great Expectations' lazy
    imports done."""
    with tempfile.TemporaryDirectory(prefix="qingyang-warm-up-") as folder:
        validate_pages(PAGES_SCHEMA.empty_table(), 0, Path(folder))


def _start_validator() -> None:
    """The validation worker's start: import Great Expectations and `warm_up` while the
    caller starts Prefect and cleans pages; make the worker's exit quick.

    At exit the interpreter's last garbage collections walk every object Great Expectations
    created (~2 s); the caller waits for that when it shuts the worker down. `gc.freeze` at
    exit leaves them out of those collections (registered first, it runs last).
    """
    atexit.register(gc.freeze)
    importlib.import_module("great_expectations")
    warm_up()


def preload() -> ProcessPoolExecutor:
    """The validation worker: a process of its own that imports Great Expectations (~3 s
    of CPU) and warms it up as soon as it starts, so that runs beside the caller's work on
    another core instead of taking turns with it for the GIL. Started once; later calls
    return it. Run suites there with `in_validator`.
    """
    global _validator
    if _validator is None:
        _validator = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_validator)
        _validator.submit(int)  # the pool starts its process on the first job: now
    return _validator


def in_validator(function, *args):
    """`function(*args)` run in the validation worker (see `preload`); its result."""
    return preload().submit(function, *args).result()


def validate_output_dir(output_dir: Path | str, *, out=None) -> int:
    """`qingyang validate OUTPUT_DIR`: re-validate output/pages (and output/articles when
    it exists), rebuild output/reports, rewrite output/quarantine/pages. Exit code: 0 every
    expectation of both suites passed, 1 otherwise.

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
        return ExitCode(Exit.FAILED)
    articles = validate_articles_file(output_dir / ARTICLES_FILE,
                                      output_dir / "reports" / ARTICLES_REPORTS)
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
    if articles is not None:
        print("\n" + articles.markdown(), file=out)
    passed = validation.success and (articles is None or articles.success)
    return ExitCode(Exit.OK if passed else Exit.FAILED)


def validate_articles_file(path: Path, reports_dir: Path | None) -> Validation | None:
    """The articles suite over an articles Parquet file, a row group at a time (None: no
    such file)."""
    import pandas as pd

    from expectations.articles_suite import articles_frame

    if not Path(path).is_file():
        return None
    frames = [articles_frame(table) for table in row_groups(path)]
    if not frames:  # a file with no row group: an empty table of its schema
        import pyarrow.parquet as pq

        frames = [articles_frame(pq.read_table(path))]
    return validate_articles_frame(pd.concat(frames, ignore_index=True), reports_dir)

