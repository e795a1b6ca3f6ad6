"""Running a suite with Great Expectations: per-expectation and per-row results.

`validate_pages` is what the flow calls on the rows it writes; `validate_frame` the same on
a frame already built. Both judge the text itself: every quality metric is recomputed from
`text` before the suite runs (`expectations.frames`), so a hand-edited `核 酸 检 测,` fails
even when the stored metric columns still say 0. `validate_articles` runs the articles
suite the same way (`run_suite`), into reports/articles/.

Great Expectations is imported only inside the functions that validate.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from expectations.frames import validation_frame
from expectations.pages_suite import pages_suite
from expectations.report import GX_SITE, PAGES_NOTE, write_index
from expectations.results import (
    ARTICLES_JSON,
    VALIDATION_JSON,
    Validation,
    outcome_of,
)
from qingyang.parquet_io import row_groups, write_bytes_atomic
from qingyang.schema import PAGES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# Great Expectations imports pyspark when it is installed (the `spark` extra, for tests),
# and pyspark warns about pandas 3 at import: not the user's concern.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support",
                        category=FutureWarning)

# The articles suite's reports, under the pages' reports_dir.
ARTICLES_REPORTS = "articles"


def validate_pages(table: pa.Table, expected_rows: int | None, reports_dir: Path | None,
                   *, today=None) -> Validation:
    """Validate pages rows with the pages suite; write JSON and reports into reports_dir.

    expected_rows: pages read minus pages quarantined before validation (None: not
    checked beyond "at least one row"). reports_dir None: validate only, write nothing.
    """
    return validate_frame(validation_frame(table), expected_rows, reports_dir, today=today)


def validate_frame(frame: pd.DataFrame, expected_rows: int | None, reports_dir: Path | None,
                   *, today=None) -> Validation:
    """The pages suite over a validation frame (see validate_pages)."""
    return run_suite(frame, pages_suite(expected_rows, today=today), reports_dir,
                     table="pages", key_column="doc_id", json_name=VALIDATION_JSON,
                     note=PAGES_NOTE)


def validate_articles(table: pa.Table, reports_dir: Path | None) -> Validation:
    """Validate articles rows with the articles suite; write JSON and reports into
    reports_dir (the flow and `qingyang validate` use reports/articles/)."""
    from expectations.articles_suite import articles_frame

    return validate_articles_frame(articles_frame(table), reports_dir)


def validate_articles_frame(frame: pd.DataFrame, reports_dir: Path | None) -> Validation:
    """The articles suite over a validation frame (frames of several row groups concatenated)."""
    from expectations.articles_suite import KEY_COLUMN, articles_suite

    return run_suite(frame, articles_suite(), reports_dir, table="articles",
                     key_column=KEY_COLUMN, json_name=ARTICLES_JSON)


def validate_articles_file(path: Path, reports_dir: Path | None) -> Validation | None:
    """The articles suite over an articles table (a Parquet file, or a folder of parts),
    a row group at a time (None: no such table)."""
    import pandas as pd

    from expectations.articles_suite import articles_frame

    path = Path(path)
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path] if path.is_file() else []
    files = [f for f in files if not f.name.startswith(".")]
    if not files and not path.is_dir():
        return None
    frames = [articles_frame(table) for file in files for table in row_groups(file)]
    if not frames:  # files with no row group: an empty table of the schema
        from qingyang.schema import ARTICLES_SCHEMA

        frames = [articles_frame(ARTICLES_SCHEMA.empty_table())]
    return validate_articles_frame(pd.concat(frames, ignore_index=True), reports_dir)


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
    outcomes = [outcome_of(r, key_column) for r in
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
        write_results(validation, note, great_expectations=result.to_json_dict())
    return validation


def write_results(validation: Validation, note: str = PAGES_NOTE, **more) -> None:
    """The validation as JSON (`json_name`) and index.html in its reports_dir; `more`:
    further top-level entries of the JSON (GE's own result)."""
    validation.reports_dir.mkdir(parents=True, exist_ok=True)
    payload = {"summary": validation.to_dict(), **more}
    write_bytes_atomic(validation.reports_dir / validation.json_name,
                       json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode())
    write_index(validation, note)


def warm_up() -> None:
    """Run the pages suite once on an empty table, reports into a temporary folder (~0.35 s
    of CPU): later validations in this process, of either suite, passing or failing, find
    the Data Docs templates compiled (expectations.data_docs) and Great Expectations' lazy
    imports done."""
    with tempfile.TemporaryDirectory(prefix="qingyang-warm-up-") as folder:
        validate_pages(PAGES_SCHEMA.empty_table(), 0, Path(folder))
