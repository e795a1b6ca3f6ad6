"""The articles step: output/pages → output/articles, and the articles suite.

Pages tables are built here from the flow's own row builder (`flows.rows`) on seeds/
and on constructed pages, and written as the flow writes them; the step reads them back.
"""

import csv
import hashlib
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.articles_step import (
    NO_ISSUE_NOTE,
    build_articles,
    build_issues,
    issue_groups,
    issue_rows,
    issues_rows,
    plan_issues,
)
from flows.inputs import Page
from flows.rows import build_row, clean_texts
from flows.store import commit_table, stored_batches
from qingyang import dataset
from qingyang.schema import ARTICLES_DIR, ARTICLES_SCHEMA, PAGES_SCHEMA

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CONSTRUCTED = Path(__file__).resolve().parent / "articles"


def pages_row(raw: str, source: str, publication=None, issue_date=None, page=None,
              valid=None) -> dict:
    """One pages row, as the flow builds it."""
    data = raw.encode("utf-8")
    doc_id = hashlib.sha256(data).hexdigest()
    page_ = Page(doc_id, source, "utf-8", raw, len(data), {
        "publication": publication,
        "issue_date": date.fromisoformat(issue_date) if issue_date else None,
        "page": page})
    row = build_row(page_, clean_texts({doc_id: raw}, None).to_pylist()[0], "test")
    row["valid"] = valid
    return row


def write_pages_table(output_dir: Path, rows: list[dict]) -> None:
    """The rows as the whole pages table (parts and manifest), as a run commits them."""
    rows = sorted(rows, key=lambda r: r["source_path"])
    commit_table(output_dir, pa.Table.from_pylist(rows, schema=PAGES_SCHEMA))


def seed_pages() -> list[dict]:
    with open(SEEDS / "manifest.csv", encoding="utf-8") as handle:
        manifest = {row["file"]: row for row in csv.DictReader(handle)}
    rows = []
    for path in sorted(SEEDS.glob("*.txt")):
        info = manifest[path.name]
        rows.append(pages_row(path.read_text(encoding="utf-8"), f"seeds/{path.name}",
                              info["publication"] or None, info["issue_date"] or None,
                              info["page"] or None))
    return rows


def articles_of(output_dir: Path) -> list[dict]:
    return dataset.read_table(output_dir / ARTICLES_DIR, ARTICLES_SCHEMA).to_pylist()


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory) -> tuple[Path, dict]:
    output = tmp_path_factory.mktemp("seed-output")
    write_pages_table(output, seed_pages())
    return output, build_articles(output).to_dict()


# ---------------------------------------------------------------- the seeds


def test_seed_articles_file_has_the_schema_and_reads_in_duckdb_and_polars(seed_output):
    import duckdb
    import polars as pl

    output, summary = seed_output
    parts = dataset.part_files(output / ARTICLES_DIR)
    for part in parts:
        assert pq.read_schema(part).equals(ARTICLES_SCHEMA)
        assert pq.ParquetFile(part).metadata.row_group(0).column(0).compression == "ZSTD"
    assert summary["articles"] == sum(pq.read_metadata(p).num_rows for p in parts) == 30
    path = f"{output / ARTICLES_DIR}/**/*.parquet"
    assert summary["issues"] == 5 and summary["skipped_invalid"] == 0
    # Seed 000's jump to page 2 and seed 001's three resumptions are of other issues.
    assert summary["stitched"] == 0 and summary["unmatched_jumps"] == 4
    counted = duckdb.sql(f"select count(*), count(distinct article_id) from "
                         f"read_parquet('{path}', hive_partitioning=true)").fetchall()
    assert counted == [(30, 30)]
    frame = pl.from_arrow(dataset.read_table(output / ARTICLES_DIR, ARTICLES_SCHEMA))
    assert frame.height == 30
    assert frame.schema["issue_date"] == pl.Date
    assert frame.schema["reporters"] == pl.List(pl.String)


# The four 本报讯 leads the issue names, and the second 高伟山 story (阚全程's visit),
# with the headline a reader sees over each (None: not on this page).
SEED_000_LEADS = {
    "本报讯（记者 高伟山）5月12日是国际护士节": ("坚定信心再接再厉一鼓作气", ["高伟山"]),
    "本报讯（记者 石冠兵）": ("紧盯薄弱环节 落实防控措施", ["石冠兵"]),
    "本报讯（记者 付家宝）": ("坚定必胜信心", ["付家宝"]),
    "本报讯（记者 高伟山）5月12日下午": (None, ["高伟山"]),
    "本报讯（记者 毛迎 孙江锋）": ("我市举行疫情防控第二十八场新闻发布会", ["毛迎", "孙江锋"]),
}


def test_seed_000_each_lead_is_one_row_with_its_headline_and_byline(seed_output):
    rows = [r for r in articles_of(seed_output[0]) if r["pages"] == ["1"]
            and r["issue_date"] == date(2022, 5, 13)]
    for lead, (headline, reporters) in SEED_000_LEADS.items():
        (row,) = [r for r in rows if r["paragraphs"] and r["paragraphs"][0].startswith(lead)]
        assert row["headline"] == headline
        assert row["reporters"] == reporters
        assert row["byline"] == "记者 " + " ".join(reporters)
        assert row["kind"] == "story" and row["publication"] == "许昌日报"
        assert (row["headline_note"] is None) == (headline is not None)
    # No lead appears in a second row, and the leads' texts are all different.
    starts = [r["paragraphs"][0] for r in rows if r["paragraphs"]]
    assert sum(s.startswith("本报讯") for s in starts) == 5
    (jumped,) = [r for r in rows if r["reporters"] == ["毛迎", "孙江锋"]]
    assert jumped["stitch_confidence"] == 0.0
    assert jumped["stitch_note"] == "target page 2 not in this issue"


def test_page_without_issue_date_is_an_issue_of_its_own(tmp_path):
    page = "许昌举行新闻发布会\n\n本报讯（记者 毛迎）5月12日上午，我市开展防疫政策教育， （下转第二版）\n"
    resumed = "许昌举行新闻发布会\n\n（上接第一版）引导群众居家。\n"
    write_pages_table(tmp_path, [pages_row(page, "a.txt", "许昌日报", None, "1"),
                                 pages_row(resumed, "b.txt", "许昌日报", None, "2")])
    summary = build_articles(tmp_path)
    rows = articles_of(tmp_path)
    assert summary.issues == 2 and summary.stitched == 0 and summary.unmatched_jumps == 2
    assert not any(r["continued"] for r in rows)
    assert all(NO_ISSUE_NOTE in r["stitch_note"] for r in rows)


def test_invalid_pages_are_skipped_and_counted(tmp_path):
    rows = seed_pages()
    rows[0]["valid"], rows[1]["valid"] = False, True
    write_pages_table(tmp_path, rows)
    summary = build_articles(tmp_path)
    assert summary.skipped_invalid == 1
    doc_ids = {d for r in articles_of(tmp_path) for d in r["doc_ids"]}
    assert rows[0]["doc_id"] not in doc_ids and rows[1]["doc_id"] in doc_ids


def test_same_pages_give_the_same_bytes(tmp_path, seed_output):
    write_pages_table(tmp_path, seed_pages())
    build_articles(tmp_path)

    def files(output):
        root = output / ARTICLES_DIR
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    expected = files(seed_output[0])
    assert files(tmp_path) == expected
    build_articles(tmp_path)
    assert files(tmp_path) == expected
    assert not list(tmp_path.rglob(".*.tmp"))


def test_each_issue_reads_only_the_parts_holding_its_pages(tmp_path):
    """Issues are planned from the manifest alone; an issue's task reads its own pages from
    the parts that hold them; pages without publication or date are loose, each an issue."""
    rows = seed_pages()
    for index in (0, 2):  # pages 0 and 2 are one issue; 1, 3 and 4 are issues of their own
        rows[index] = {**rows[index], "publication": "许昌日报", "issue_date": date(2022, 5, 13)}
    for index in (1, 3, 4):
        rows[index] = {**rows[index], "publication": None, "issue_date": None}
    write_pages_table(tmp_path, rows)
    refs = plan_issues(stored_batches(tmp_path))
    assert [(r.publication, r.issue_date, r.loose) for r in refs] == [
        ("许昌日报", "2022-05-13", False), (None, None, True)]
    assert [len(r.parts) for r in refs] == [1, 1] and refs[0].parts != refs[1].parts
    assert sorted(row["doc_id"] for row in issue_rows(tmp_path, refs[0])) == sorted(
        [rows[0]["doc_id"], rows[2]["doc_id"]])
    assert len(issue_rows(tmp_path, refs[1])) == 3
    assert build_articles(tmp_path).issues == 4


def test_issues_grouped_into_one_task_read_the_same_rows_as_each_alone(tmp_path):
    """A task builds a group of issues from one read of their parts; each issue gets
    exactly the rows it would read alone, and the table is the same either way."""
    rows = seed_pages()
    issues = [("许昌日报", date(2022, 5, 13)), ("许昌日报", date(2022, 5, 14)),
              ("郑州日报", date(2022, 5, 13)), (None, None), ("郑州日报", date(2022, 5, 13))]
    rows = [{**row, "publication": pub, "issue_date": day}
            for row, (pub, day) in zip(rows, issues, strict=True)]
    write_pages_table(tmp_path, rows)
    refs = plan_issues(stored_batches(tmp_path))
    assert [(r.publication, r.issue_date, r.pages) for r in refs] == [
        ("许昌日报", "2022-05-13", 1), ("许昌日报", "2022-05-14", 1),
        ("郑州日报", "2022-05-13", 2), (None, None, 1)]
    assert [len(group) for group in issue_groups(refs, 2)] == [2, 1, 1]
    together = issues_rows(tmp_path, refs)
    assert together == [issue_rows(tmp_path, ref) for ref in refs]
    assert [sorted(r["doc_id"] for r in found) for found in together] == [
        [rows[0]["doc_id"]], [rows[1]["doc_id"]], sorted([rows[2]["doc_id"], rows[4]["doc_id"]]),
        [rows[3]["doc_id"]]]
    alone = {ref.key(): build_issues(tmp_path, [ref])[ref.key()].articles for ref in refs}
    assert {key: s.articles for key, s in build_issues(tmp_path, refs).items()} == alone


def test_articles_table_is_rebuilt_from_the_pages_table(tmp_path):
    rows = seed_pages()
    write_pages_table(tmp_path, rows)
    build_articles(tmp_path)
    write_pages_table(tmp_path, rows[3:])  # 003 and 004 only
    summary = build_articles(tmp_path)
    assert summary.issues == 2
    assert {r["publication"] for r in articles_of(tmp_path)} == {"郑州日报"}


def test_missing_pages_table_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no pages table"):
        build_articles(tmp_path)


# ---------------------------------------------------------------- constructed issues

JUMPING = """许昌举行新闻发布会

本报讯（记者 毛迎 孙江锋）5月12日上午，我市举行疫情防控第二十八场新闻发布会。
针对当前形势，我市组建巡防队伍，对外出闲逛群众开展防疫政策教育， （下转第二版）
"""

RESUMED = """许昌举行新闻发布会

（上接第一版）引导群众居家。发布会通报了核酸检测最新进展情况。

本报讯（记者 武芳）5月6日，我市召开小麦“一喷三防”会议，部署抗旱工作。
"""

# Two stories jump from page 1 and page 2 resumes both (tests/test_articles.py uses them too).
TWO_JUMPS = (CONSTRUCTED / "two_jumps_page1.txt").read_text(encoding="utf-8")
TWO_RESUMED = (CONSTRUCTED / "two_jumps_page2.txt").read_text(encoding="utf-8")


def test_two_page_issue_comes_back_as_one_continued_row(tmp_path):
    first = pages_row(JUMPING, "2022-05-13/p1.txt", "许昌日报", "2022-05-13", "1")
    second = pages_row(RESUMED, "2022-05-13/p2.txt", "许昌日报", "2022-05-13", "2")
    write_pages_table(tmp_path, [second, first])
    summary = build_articles(tmp_path)
    assert summary.issues == 1 and summary.stitched == 1 and summary.unmatched_jumps == 0
    rows = articles_of(tmp_path)
    (story,) = [r for r in rows if r["continued"]]
    assert story["doc_ids"] == [first["doc_id"], second["doc_id"]]
    assert story["pages"] == ["1", "2"]
    assert story["issue_date"] == date(2022, 5, 13)
    assert story["headline"] == "许昌举行新闻发布会"
    assert story["reporters"] == ["毛迎", "孙江锋"]
    assert story["text"].endswith("开展防疫政策教育，\n引导群众居家。发布会通报了核酸检测最新进展情况。")
    assert story["markers"] == []
    assert 0.5 <= story["stitch_confidence"] <= 1.0
    assert story["stitch_note"].startswith("stitched pages 1 → 2")
    (other,) = [r for r in rows if not r["continued"]]
    assert other["reporters"] == ["武芳"] and other["stitch_confidence"] is None


def test_two_jumps_on_one_page_each_find_their_continuation(tmp_path):
    write_pages_table(tmp_path, [
        pages_row(TWO_JUMPS, "p1.txt", "许昌日报", "2022-05-13", "1"),
        pages_row(TWO_RESUMED, "p2.txt", "许昌日报", "2022-05-13", "2")])
    summary = build_articles(tmp_path)
    assert summary.stitched == 2 and summary.unmatched_jumps == 0
    stories = {r["reporters"][0]: r for r in articles_of(tmp_path) if r["reporters"]}
    assert stories["石冠兵"]["continued"] and "应隔快隔" in stories["石冠兵"]["text"]
    assert "下沉干部" not in stories["石冠兵"]["text"]
    assert stories["付家宝"]["continued"] and "下沉干部" in stories["付家宝"]["text"]
    assert "应隔快隔" not in stories["付家宝"]["text"]


def test_jump_to_a_missing_page_is_a_row_with_confidence_zero_and_a_note(tmp_path):
    write_pages_table(tmp_path, [pages_row(JUMPING, "p1.txt", "许昌日报", "2022-05-13", "1")])
    summary = build_articles(tmp_path)
    assert summary.unmatched_jumps == 1 and summary.stitched == 0
    (row,) = articles_of(tmp_path)
    assert row["continued"] is False
    assert row["stitch_confidence"] == 0.0
    assert row["stitch_note"] == "target page 2 not in this issue"
    assert [(m["kind"], m["page"], m["raw"]) for m in row["markers"]] == [
        ("continued_to", "2", "（下转第二版）")]
    assert row["text"].startswith("本报讯（记者 毛迎 孙江锋）")  # the fragment is kept


# ---------------------------------------------------------------- the articles suite

UNIQUE_ID = "expect_column_values_to_be_unique(article_id)"
KIND = "expect_column_values_to_be_in_set(kind)"
CONFIDENCE = "expect_column_values_to_be_between(stitch_confidence)"
UNIQUE_TEXT = "expect_column_values_to_be_unique(text_sha256)"
HEADLINE = "expect_column_values_to_not_be_null(headline_or_note)"
SCHEMA = "expect_column_values_to_be_null(schema_mismatch)"
UNREPORTED = "expect_column_values_to_be_between(unreported_jumps)"
UNSTITCHED = "expect_column_values_to_be_between(unstitched_jumps)"
NO_PAGES = "expect_column_values_to_be_between(doc_id_count)"


@pytest.fixture(scope="module")
def article_rows(seed_output, tmp_path_factory) -> list[dict]:
    """The seeds' articles and a stitched two-page issue's."""
    output = tmp_path_factory.mktemp("two-pages")
    write_pages_table(output, [
        pages_row(JUMPING, "p1.txt", "许昌日报", "2022-05-13", "1"),
        pages_row(RESUMED, "p2.txt", "许昌日报", "2022-05-13", "2")])
    build_articles(output)
    return articles_of(seed_output[0]) + articles_of(output)


def test_articles_suite_passes_on_the_seeds_and_writes_its_reports(article_rows, tmp_path):
    from expectations import validate_articles

    reports = tmp_path / "reports" / "articles"
    validation = validate_articles(pa.Table.from_pylist(article_rows, schema=ARTICLES_SCHEMA),
                                   reports)
    assert [(e.name, e.observed, e.error) for e in validation.failed] == []
    assert validation.success and validation.rows == len(article_rows)
    assert validation.suite_name == "qingyang.articles"
    assert len(validation.expectations) == 11
    assert (reports / "index.html").read_text("utf-8").count("passed") >= 11
    assert (reports / "articles_validation.json").is_file()
    assert any((reports / "gx").rglob("*.html"))


def _continued(rows):
    return next(i for i, r in enumerate(rows) if r["continued"])


def _unmatched(rows):
    return next(i for i, r in enumerate(rows) if r["stitch_confidence"] == 0.0)


def _story(rows, n=0):
    return [i for i, r in enumerate(rows) if r["kind"] == "story"][n]


def _break_duplicate_text(rows):
    a, b = _story(rows, 0), _story(rows, 1)
    rows[b]["text"], rows[b]["paragraphs"] = rows[a]["text"], rows[a]["paragraphs"]
    return UNIQUE_TEXT, [rows[a]["article_id"], rows[b]["article_id"]]


def _break_headline(rows):
    i = _story(rows, 0)
    rows[i]["headline"], rows[i]["headline_note"] = None, None
    return HEADLINE, [rows[i]["article_id"]]


def _break_blank_headline(rows):
    i = _story(rows, 2)
    rows[i]["headline"], rows[i]["headline_note"] = "  ", None
    return HEADLINE, [rows[i]["article_id"]]


def _break_duplicate_id(rows):
    a, b = _story(rows, 0), _story(rows, 1)
    rows[b]["article_id"] = rows[a]["article_id"]
    return UNIQUE_ID, [rows[a]["article_id"]] * 2


def _break_unreported_jump(rows):
    i = _unmatched(rows)
    rows[i]["stitch_note"] = None
    return UNREPORTED, [rows[i]["article_id"]]


def _break_unstitched_jump(rows):
    i = _continued(rows)
    rows[i]["markers"] = [{"kind": "continued_to", "page": "2", "raw": "（下转第二版）",
                           "offset": 90, "page_of_fragment": "1", "paragraph": 0}]
    return UNSTITCHED, [rows[i]["article_id"]]


def _break_doc_ids(rows):
    i = _story(rows, 3)
    rows[i]["doc_ids"] = []
    return NO_PAGES, [rows[i]["article_id"]]


def _break_kind(rows):
    i = _story(rows, 1)
    rows[i]["kind"] = "editorial"
    return KIND, [rows[i]["article_id"]]


def _break_confidence(rows):
    i = _continued(rows)
    rows[i]["stitch_confidence"] = 1.5
    return CONFIDENCE, [rows[i]["article_id"]]


BREAKS = [_break_duplicate_text, _break_headline, _break_blank_headline, _break_duplicate_id,
          _break_unreported_jump, _break_unstitched_jump, _break_doc_ids, _break_kind,
          _break_confidence]


@pytest.mark.parametrize("breaks", BREAKS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_each_bad_row_fails_exactly_its_expectation(article_rows, breaks):
    from expectations import validate_articles

    rows = [dict(r) for r in article_rows]
    guard, failing = breaks(rows)
    validation = validate_articles(pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA), None)
    assert not validation.success
    assert [(e.name, e.failing_ids) for e in validation.failed] == [(guard, failing)]


@pytest.mark.parametrize("breaks", [None, *BREAKS],
                         ids=lambda f: f.__name__.removeprefix("_break_") if f else "none")
def test_a_runs_checks_fail_the_rows_great_expectations_fails(article_rows, breaks, tmp_path):
    """The run judges articles without GE: the row rules in each issue's task, columns and
    unique keys with DuckDB over the parts. Same verdicts, rows and values as GE's."""
    from expectations import validate_articles
    from expectations.articles_suite import row_rules, rule_columns
    from expectations.row_checks import failing_rows
    from expectations.table_checks import articles_table_outcomes, run_articles_validation

    rows = [dict(r) for r in article_rows]
    if breaks:
        breaks(rows)
    table = pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA)
    half = len(rows) // 2  # two parts, as two issues' tasks would write them
    files = [tmp_path / "a.parquet", tmp_path / "b.parquet"]
    pq.write_table(table.slice(0, half), files[0])
    pq.write_table(table.slice(half), files[1])
    failures = failing_rows(rule_columns(table.to_pydict(), table.schema), row_rules(), "article_id")
    by_run = run_articles_validation(articles_table_outcomes(files), failures, len(rows))
    by_ge = validate_articles(table, None)
    assert [e.name for e in by_run.expectations] == [e.name for e in by_ge.expectations]
    assert by_run.success is by_ge.success is (breaks is None)
    assert [(e.name, sorted(e.failing_ids), sorted(map(str, e.failing_values)))
            for e in by_run.failed] == [
        (e.name, sorted(e.failing_ids), sorted(map(str, e.failing_values))) for e in by_ge.failed]


def test_a_wrongly_typed_column_fails_the_schema_expectation_only(article_rows):
    from expectations import validate_articles

    table = pa.Table.from_pylist(article_rows, schema=ARTICLES_SCHEMA)
    as_text = pa.array([str(d) if d else None for d in table.column("issue_date").to_pylist()])
    table = table.set_column(table.schema.get_field_index("issue_date"), "issue_date", as_text)
    validation = validate_articles(table, None)
    assert [e.name for e in validation.failed] == [SCHEMA]
    assert validation.failing_rows == table.num_rows  # every row has the wrong column


def test_qingyang_validate_checks_articles_too(seed_output, tmp_path, capsys):
    import shutil

    from qingyang.validate_command import validate_output_dir

    output = tmp_path / "output"
    shutil.copytree(seed_output[0], output)
    assert validate_output_dir(output) == 0
    index = (output / "reports" / "index.html").read_text("utf-8")
    assert 'href="articles/index.html"' in index
    assert "qingyang.articles" in capsys.readouterr().out
    path = dataset.part_files(output / ARTICLES_DIR)[0]
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), path)  # a row twice
    assert validate_output_dir(output) == 1
    report = (output / "reports" / "articles" / "index.html").read_text("utf-8")
    assert "FAILED" in report and table.column("article_id")[0].as_py() in report


# ---------------------------------------------------------------- in the flow


@pytest.mark.usefixtures("prefect_harness")
def test_the_flow_writes_and_validates_articles_of_a_two_page_issue(tmp_path):
    from flows.pipeline import clean_pages

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "p1.txt").write_text(JUMPING, "utf-8")
    (inputs / "p2.txt").write_text(RESUMED, "utf-8")
    (inputs / "english.txt").write_text(  # fails the pages suite (han_ratio): skipped
        "Reuters report on the harbour works and the new bridge 本报讯\n", "utf-8")
    (inputs / "manifest.csv").write_text(
        "file,publication,issue_date,page\n"
        "p1.txt,许昌日报,2022-05-13,1\np2.txt,许昌日报,2022-05-13,2\n"
        "english.txt,许昌日报,2022-05-13,3\n", "utf-8")
    output = tmp_path / "out"
    summary = clean_pages([str(inputs)], str(output), max_invalid_share=0.5)
    assert (summary["articles"], summary["issues"], summary["articles_stitched"],
            summary["unmatched_jumps"], summary["invalid_pages_skipped"]) == (2, 1, 1, 0, 1)
    assert summary["articles_validation"] == "passed (11/11 expectations)"
    assert summary["articles_path"] == str(output / ARTICLES_DIR)
    rows = articles_of(output)
    (story,) = [r for r in rows if r["continued"]]
    assert story["pages"] == ["1", "2"] and story["stitch_confidence"] > 0
    assert story["headline"] == "许昌举行新闻发布会"
    assert 'href="articles/index.html"' in (output / "reports" / "index.html").read_text("utf-8")
    assert (output / "reports" / "articles" / "articles_validation.json").is_file()
