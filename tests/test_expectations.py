"""The pages suite: a clean seed batch passes, crafted bad rows fail exactly their guard.

The rows are built here from `cleaners.clean` on seeds/*.txt (no flow involved), so
these tests pin the suite, not the writer.
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaners import clean
from cleaners.metrics import quality_metrics
from expectations import (
    SUITE_NAME,
    Policy,
    apply_validation,
    quarantine_rows,
    validate_pages,
)
from qingyang.schema import ARTICLES_DIR, EDIT_RULES, PAGES_SCHEMA
from qingyang.validate_command import validate_output_dir

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TODAY = date(2026, 1, 1)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

GAP = "expect_column_values_to_be_between(residual_gaps)"
ASCII = "expect_column_values_to_be_between(ascii_punct_beside_han)"
MARKERS = "expect_column_values_to_be_between(leftover_markers)"
UNIQUE = "expect_column_values_to_be_unique(doc_id)"
SCHEMA = "expect_column_values_to_be_null(schema_mismatch)"


def page_row(raw: bytes, source: str, publication=None, issue_date=None, page=None) -> dict:
    """One pages row as the flow writes it, metrics filled from the cleaned text."""
    raw_text = raw.decode("utf-8-sig")
    result = clean(raw_text)
    return {
        "doc_id": hashlib.sha256(raw).hexdigest(),
        "source_path": source,
        "publication": publication,
        "issue_date": issue_date,
        "page": page,
        "profile": result.profile or "zh-Hans-newspaper",
        "pipeline_version": "test",
        "encoding": "utf-8",
        "source_format": "text",
        "raw_text": raw_text,
        "text": result.text,
        "paragraphs": result.paragraphs,
        "lines": [],
        "ocr_confidence": None,
        "markers": [m.to_dict() for m in result.markers],
        "edits": {rule: result.edits.get(rule) for rule in EDIT_RULES},
        **quality_metrics(result.text),
        "valid": None,
        "failed_expectations": [],
    }


def seed_rows() -> list[dict]:
    with open(SEEDS / "manifest.csv", encoding="utf-8") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle)}
    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        info = manifest.get(path.name, {})
        rows.append(page_row(
            path.read_bytes(), f"seeds/{path.name}", info.get("publication") or None,
            date.fromisoformat(info["issue_date"]) if info.get("issue_date") else None,
            info.get("page") or None))
    return rows


def table_of(rows: list[dict], schema: pa.Schema = PAGES_SCHEMA) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture(scope="module")
def clean_rows() -> list[dict]:
    return seed_rows()


@pytest.fixture(scope="module")
def clean_validation(clean_rows, tmp_path_factory):
    reports = tmp_path_factory.mktemp("reports")
    return validate_pages(table_of(clean_rows), len(clean_rows), reports, today=TODAY)


def test_clean_seed_batch_passes_every_expectation(clean_validation):
    failed = [(e.name, e.failing_doc_ids, e.observed, e.error) for e in clean_validation.failed]
    assert failed == []
    assert clean_validation.success
    assert clean_validation.row_failures == {}
    assert len(clean_validation.expectations) == 18


def test_reports_are_written(clean_validation):
    assert clean_validation.index_html.is_file()
    payload = json.loads(clean_validation.json_path.read_text("utf-8"))
    assert payload["summary"]["success"] is True
    assert payload["great_expectations"]["suite_name"] == SUITE_NAME
    assert list((clean_validation.reports_dir / "gx" / "validations").rglob("*.html"))
    markdown = clean_validation.markdown()
    assert SUITE_NAME in markdown and "18/18 expectations passed" in markdown


def _with(rows: list[dict], index: int, **changes) -> list[dict]:
    rows = [dict(r) for r in rows]
    rows[index].update(changes)
    return rows


# Each crafted row changes `text` only: its stored metric columns still say 0, so the
# suite must judge the text itself.
@pytest.mark.parametrize(("text", "guard"), [
    ("核 酸 检 测，居民排队。", GAP),
    ("核酸检测,居民排队。", ASCII),
    ("政策教育，（下转第二版）", MARKERS),
])
def test_bad_text_fails_exactly_its_guard(clean_rows, text, guard):
    rows = _with(clean_rows, 2, text=text, paragraphs=[text])
    bad_id = rows[2]["doc_id"]
    validation = validate_pages(table_of(rows), len(rows), None, today=TODAY)
    assert [e.name for e in validation.failed] == [guard]
    assert validation.failed[0].failing_doc_ids == [bad_id]
    assert validation.row_failures == {bad_id: [guard]}


def test_hand_edited_text_fails_although_metric_columns_say_zero(clean_rows):
    rows = _with(clean_rows, 0, text="核 酸 检 测,（下转第二版）", paragraphs=["x"])
    assert rows[0]["residual_gaps"] == rows[0]["leftover_markers"] == 0
    validation = validate_pages(table_of(rows), len(rows), None, today=TODAY)
    assert set(validation.row_failures[rows[0]["doc_id"]]) >= {GAP, ASCII, MARKERS}


def test_duplicate_doc_id_fails_uniqueness(clean_rows):
    rows = [*clean_rows, dict(clean_rows[1])]
    validation = validate_pages(table_of(rows), len(rows), None, today=TODAY)
    assert [e.name for e in validation.failed] == [UNIQUE]
    assert validation.row_failures == {clean_rows[1]["doc_id"]: [UNIQUE]}


def test_wrong_column_type_fails_the_schema_expectation(clean_rows):
    schema = PAGES_SCHEMA.set(PAGES_SCHEMA.get_field_index("residual_gaps"),
                              pa.field("residual_gaps", pa.string()))
    rows = [dict(r, residual_gaps="0") for r in clean_rows]
    validation = validate_pages(table_of(rows, schema), len(rows), None, today=TODAY)
    assert [e.name for e in validation.failed] == [SCHEMA]
    assert validation.failed[0].observed is None
    assert set(validation.row_failures) == {r["doc_id"] for r in rows}
    assert all(v == [SCHEMA] for v in validation.row_failures.values())
    payload = validation.to_dict()["expectations"]
    assert payload  # the mismatch is spelled out in the Data Docs' unexpected values


def test_row_count_and_other_guards(clean_rows):
    rows = _with(clean_rows, 1, page="第2版", issue_date=date(1700, 1, 1), text="")
    validation = validate_pages(table_of(rows), len(rows) + 1, None, today=TODAY)
    assert {e.name for e in validation.failed} == {
        "expect_table_row_count_to_equal",
        "expect_column_values_to_match_regex(page)",
        "expect_column_values_to_be_between(issue_date)",
        "expect_column_values_to_match_regex(text)",
        "expect_column_values_to_be_between(han_ratio)",
    }
    assert validation.table_failures == ["expect_table_row_count_to_equal"]
    assert validation.fails_run(Policy())


def test_traditional_share_only_for_simplified_profiles(clean_rows):
    text = "許昌戰疫週記：醫護人員堅守崗位。"
    simplified = _with(clean_rows, 3, text=text, paragraphs=[text])
    validation = validate_pages(table_of(simplified), None, None, today=TODAY)
    assert [e.name for e in validation.failed] == [
        "expect_column_values_to_be_between(trad_share)"]
    traditional = _with(simplified, 3, profile="zh-Hant-newspaper")
    assert validate_pages(table_of(traditional), None, None, today=TODAY).success


def test_quarantine_rows_carry_their_reasons(clean_rows):
    rows = _with(clean_rows, 4, text="核酸检测,居民排队。")
    table = table_of(rows)
    validation = validate_pages(table, len(rows), None, today=TODAY)
    assert not validation.fails_run(Policy(max_failing_share=0.5))
    assert validation.fails_run(Policy(mode="fail"))
    assert validation.fails_run(Policy(max_failing_share=0.1))
    applied = apply_validation(table, validation)
    assert applied.schema.equals(PAGES_SCHEMA)
    assert applied.column("valid").to_pylist() == [True, True, True, True, False]
    bad = quarantine_rows(table, validation)
    assert bad.column("doc_id").to_pylist() == [rows[4]["doc_id"]]
    assert bad.column("failed_expectations").to_pylist() == [[ASCII]]


def test_validate_output_dir_exit_codes_and_quarantine(clean_rows, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    pq.write_table(table_of(clean_rows), pages / "batch-0.parquet")
    assert validate_output_dir(tmp_path, out=open(os.devnull, "w")) == 0
    assert (tmp_path / "reports" / "index.html").is_file()
    assert not list((tmp_path / "quarantine").rglob("*.parquet"))

    corrupted = _with(clean_rows, 0, text="核 酸 检 测,居民（下转第二版）")
    pq.write_table(table_of(corrupted), pages / "batch-0.parquet")
    assert validate_output_dir(tmp_path, out=open(os.devnull, "w")) == 1
    quarantined = pq.read_table(tmp_path / "quarantine" / "pages" / "batch-0.parquet")
    assert quarantined.column("doc_id").to_pylist() == [clean_rows[0]["doc_id"]]
    assert set(quarantined.column("failed_expectations")[0].as_py()) == {GAP, ASCII, MARKERS}


def _chromium(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # No network: the host resolver maps every name nowhere (GX's pages name CDNs).
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND",
         f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=90, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed and `make test` "
                    "could not install it (apt-get install chromium)")
def test_data_docs_open_in_headless_chromium(clean_rows, tmp_path):
    rows = _with(clean_rows, 0, text="核酸检测,居民排队。")
    validation = validate_pages(table_of(rows), len(rows), tmp_path / "reports", today=TODAY)
    index = validation.index_html.resolve()
    dom = _chromium("--dump-dom", index.as_uri(), tmp_path=tmp_path).stdout
    assert f"Validation report</span> · <code>{SUITE_NAME}</code>" in dom
    assert "未通过 FAILED" in dom  # the verdict
    passed = len(validation.expectations) - 1  # every expectation but the one the row fails
    assert dom.count(">passed<") == passed and dom.count(">FAILED<") == 1
    assert ASCII in dom and rows[0]["doc_id"] in dom
    page = next((validation.reports_dir / "gx" / "validations").rglob("*.html")).resolve()
    assert page.as_uri().endswith(
        next(a for a in dom.split('href="')[1:] if a.startswith("gx/validations")).split('"')[0])
    dom = _chromium("--dump-dom", page.as_uri(), tmp_path=tmp_path).stdout
    assert SUITE_NAME in dom and "ascii_punct_beside_han" in dom and "schema_mismatch" in dom
    shot = tmp_path / "index.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,1100", index.as_uri(),
              tmp_path=tmp_path)
    assert shot.is_file() and shot.stat().st_size > 10_000
    shutil.copy(shot, validation.reports_dir / "screenshot.png")


def test_exit_code_also_answers_success(clean_rows, tmp_path):
    (tmp_path / "pages").mkdir()
    pq.write_table(table_of(clean_rows), tmp_path / "pages" / "pages.parquet")
    code = validate_output_dir(tmp_path, out=open(os.devnull, "w"))
    assert code == 0 and code.success is True
    assert validate_output_dir(tmp_path / "missing") == 1


def test_data_docs_of_both_suites_compile_no_template_after_warm_up(clean_rows, tmp_path, monkeypatch):
    import jinja2

    from expectations.data_docs import COMPILED_TEMPLATES
    from expectations.runner import validate_articles_file, warm_up
    from flows.articles_step import build_articles

    COMPILED_TEMPLATES.clear()
    warm_up()
    assert len(COMPILED_TEMPLATES) > 0
    compiled = []
    compile_template = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda env, *args, **kw: compiled.append(args[1:2])
                        or compile_template(env, *args, **kw))
    rows = _with(clean_rows, 0, text="核酸检测,居民排队。")
    from flows.store import commit_table

    commit_table(tmp_path, table_of(clean_rows))
    build_articles(tmp_path)
    validation = validate_pages(table_of(rows), len(rows), tmp_path / "reports", today=TODAY)
    articles = validate_articles_file(tmp_path / ARTICLES_DIR, tmp_path / "reports" / "articles")
    assert compiled == []
    page = next((validation.reports_dir / "gx" / "validations").rglob("*.html"))
    html = page.read_text("utf-8")
    assert SUITE_NAME in html and "ascii_punct_beside_han" in html
    assert rows[0]["doc_id"] in html
    assert list((articles.reports_dir / "gx" / "validations").rglob("*.html"))


def test_expectations_modules_import_no_cycle():
    """Module-level imports between expectations modules form no cycle (one concern each)."""
    import ast

    root = Path(__file__).parent.parent / "expectations"
    graph = {}
    for path in root.rglob("*.py"):
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(
            ".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {node.module for node in tree.body if isinstance(node, ast.ImportFrom)
                       and (node.module or "").startswith("expectations.")}
    assert "expectations.validate" not in graph and "expectations.runner" in graph

    def visit(name, trail):
        assert name not in trail, f"import cycle: {' -> '.join([*trail, name])}"
        for target in graph.get(name, ()):
            visit(target, [*trail, name])

    for name in graph:
        if name != "expectations":  # the package re-exports; its modules never import it
            visit(name, [])


def test_the_workers_row_checks_fail_the_rows_great_expectations_fails(clean_rows):
    """The row rules judged over a validation frame (`failing_rows`) and in GE (`qingyang validate`)
    name the same rows for the same expectations, values included."""
    from expectations.frames import validation_frame
    from expectations.pages_suite import row_rules
    from expectations.row_checks import failing_rows

    rows = _with(clean_rows, 0, text="核 酸 检 测,居民（下转第二版）")
    rows = _with(rows, 1, text="   ", page="第3版", issue_date=date(2030, 1, 1))
    rows = _with(rows, 2, ocr_confidence=0.3, text="Reuters report on the harbour works")
    rows = _with(rows, 3, text="繁體字很多，這裡還有國家與學習。")
    table = table_of(rows)
    validation = validate_pages(table, len(rows), None, today=TODAY)
    found = failing_rows(validation_frame(table), row_rules(TODAY))
    by_ge = {e.name: list(zip(e.failing_ids, e.failing_values, strict=True))
             for e in validation.failed if e.name != UNIQUE}
    assert len(found) >= 7
    assert {name: [doc_id for doc_id, _ in failing] for name, failing in found.items()} == {
        name: [doc_id for doc_id, _ in failing] for name, failing in by_ge.items()}
    assert found[GAP] == [(rows[0]["doc_id"], 3)] == [tuple(x) for x in by_ge[GAP]]


def test_the_workers_rule_columns_fail_the_rows_the_frame_fails(clean_rows):
    """The flow's workers judge a batch from its table's columns as Python lists (no pandas
    frame): the same rows fail the same rules, with the same values, as in the validation
    frame of the stored metrics."""
    from expectations.frames import rule_columns, validation_frame
    from expectations.pages_suite import row_rules
    from expectations.row_checks import failing_rows

    rows = _with(clean_rows, 0, residual_gaps=3, han_ratio=0.2, text="   ")
    rows = _with(rows, 1, page="第3版", issue_date=date(2030, 1, 1), ocr_confidence=0.3,
                 paragraphs=[])
    rows = _with(rows, 2, trad_chars=rows[2]["chars"], ocr_confidence=None, text=None)
    rows = _with(rows, 3, profile="zh-Hant-test", trad_chars=rows[3]["chars"],
                 issue_date=date(1700, 5, 4), unbalanced_brackets=2)
    table = table_of(rows)
    rules = row_rules(TODAY)
    by_lists = failing_rows(rule_columns(table, {"doc_id"} | {r.column for r in rules}), rules)
    by_frame = failing_rows(validation_frame(table, recompute_metrics=False), rules)
    assert len(by_lists) >= 8
    assert by_lists == by_frame
    assert by_lists["expect_column_values_to_be_between(issue_date)"] == [
        (rows[1]["doc_id"], "2030-01-01"), (rows[3]["doc_id"], "1700-05-04")]
