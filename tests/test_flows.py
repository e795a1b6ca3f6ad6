"""The clean_pages flow end to end under a real (test-harness) Prefect API."""

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from cleaners import clean
from flows import store
from flows.inputs import discover, page_metadata, read_source
from flows.pipeline import clean_pages
from qingyang.cli import main
from qingyang.schema import PAGES_SCHEMA
from qingyang.textio import read_text_file

pytestmark = pytest.mark.usefixtures("prefect_harness")

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """One run over seeds/ into a fresh output folder: (summary, output dir)."""
    out = tmp_path_factory.mktemp("out")
    summary = clean_pages([str(SEEDS)], str(out))
    return summary, out


def test_seeds_end_to_end_duckdb_and_polars(seeds_run):
    summary, out = seeds_run
    pages = out / "pages" / "pages.parquet"
    assert summary["ok"] and summary["pages"] == len(SEED_FILES) == 5
    schema = pq.read_schema(pages)  # Parquet names list items "element": compare the rest
    assert schema.equals(PAGES_SCHEMA) and schema.metadata == PAGES_SCHEMA.metadata
    assert [f.metadata for f in schema] == [f.metadata for f in PAGES_SCHEMA]
    assert pq.ParquetFile(pages).metadata.row_group(0).column(0).compression == "ZSTD"

    con = duckdb.connect()
    glob = f"{out}/pages/**/*.parquet"
    assert con.sql(f"select count(*) from read_parquet('{glob}')").fetchall() == [(5,)]
    rows = con.sql(f"select source_path, publication, issue_date, page, text, valid, "
                   f"len(failed_expectations) from read_parquet('{glob}') "
                   f"order by source_path").fetchall()
    by_name = {Path(r[0]).name: r for r in rows}
    front = by_name["000_339827d637f5be4b.txt"]
    assert front[1:4] == ("许昌日报", __import__("datetime").date(2022, 5, 13), "1")
    assert by_name["002_c19e41a243658389.txt"][2:4] == (None, None)  # manifest leaves them empty
    assert all(r[5] is None and r[6] == 0 for r in rows)  # not validated yet

    frame = pl.read_parquet(pages)
    assert frame.height == 5 and frame["doc_id"].is_unique().all()
    for row in frame.iter_rows(named=True):
        raw = read_text_file(SEEDS / Path(row["source_path"]).name)
        assert row["raw_text"] == raw.text
        assert row["text"] == clean(raw.text).text
        assert row["paragraphs"] == row["text"].split("\n")
    assert frame["doc_id"].to_list() == sorted(frame["doc_id"].to_list())


def test_second_run_is_cached_and_byte_identical(seeds_run, tmp_path, monkeypatch):
    summary, out = seeds_run
    before = (out / "pages" / "pages.parquet").read_bytes()
    calls = []
    import flows.pipeline as pipeline

    real = pipeline.clean_texts
    monkeypatch.setattr(pipeline, "clean_texts", lambda *a: calls.append(a) or real(*a))
    again = clean_pages([str(SEEDS)], str(out))
    assert calls == []  # nothing was cleaned again
    assert again["batches_cached"] == again["batches"] >= 1 and again["batches_cleaned"] == 0
    assert (out / "pages" / "pages.parquet").read_bytes() == before
    assert again["rows_in_table"] == 5
    assert summary["batches_cleaned"] == summary["batches"]

    # a fresh output folder (no cache) gives the same bytes too
    clean_pages([str(SEEDS)], str(tmp_path))
    assert (tmp_path / "pages" / "pages.parquet").read_bytes() == before
    assert calls  # ... and that run did clean


def test_changed_input_replaces_its_row(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    out = tmp_path / "out"
    clean_pages([str(inputs)], str(out), batch_size=1)  # one page per batch
    changed = inputs / "004_8883ae6c5903f225.txt"
    changed.write_text("本报讯 11 月 7 日 ,郑州市召开会议。\n", encoding="utf-8")
    second = clean_pages([str(inputs)], str(out), batch_size=1)
    frame = pl.read_parquet(out / "pages" / "pages.parquet")
    assert frame.height == 5
    row = frame.filter(pl.col("source_path").str.ends_with(changed.name)).row(0, named=True)
    assert row["text"] == "本报讯 11月7日，郑州市召开会议。" == clean(row["raw_text"]).text
    assert (second["batches_cleaned"], second["batches"]) == (1, 5)  # 4 pages from the cache

    (inputs / "000_339827d637f5be4b.txt").unlink()  # a deleted input leaves the table
    assert clean_pages([str(inputs)], str(out))["rows_in_table"] == 4


def test_interrupted_write_leaves_no_partial_file(seeds_run, tmp_path, monkeypatch):
    _, out = seeds_run
    target = tmp_path / "pages" / "pages.parquet"
    shutil.copytree(out / "pages", target.parent)
    before = target.read_bytes()
    rows = store.read_pages(target)

    def crash(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        store.write_pages(tmp_path, rows[:2], {rows[0]["source_path"]})
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["pages.parquet"]


def test_broken_files_are_quarantined_and_the_run_goes_on(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs)
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "blank.md").write_bytes(b"  \n\n ")
    out = tmp_path / "out"
    code = main(["run", str(inputs), "--output", str(out), "--no-progress"])
    assert code == 3
    err = capsys.readouterr().err
    assert "binary.txt" in err and "empty.txt" in err and "partial run: 3" in err
    assert pl.read_parquet(out / "pages" / "pages.parquet").height == 1
    entries = [json.loads(line) for line in
               (out / "quarantine" / "quarantine.jsonl").read_text("utf-8").splitlines()]
    reasons = {Path(e["source_path"]).name: e["reason"] for e in entries}
    assert set(reasons) == {"binary.txt", "empty.txt", "blank.md"}
    assert "binary" in reasons["binary.txt"] and "empty" in reasons["empty.txt"]
    assert all((out / e["copy"]).is_file() for e in entries)

    # fixed files leave the quarantine and join the pages on the next run
    shutil.copy(SEED_FILES[1], inputs / "binary.txt")
    (inputs / "empty.txt").unlink()
    (inputs / "blank.md").unlink()
    assert main(["run", str(inputs), "--output", str(out), "--no-progress"]) == 0
    assert pl.read_parquet(out / "pages" / "pages.parquet").height == 2
    assert (out / "quarantine" / "quarantine.jsonl").read_text("utf-8") == ""


def test_jsonl_pages_with_their_own_metadata(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = [
        {"text": "核 酸 检 测 ,居 民", "publication": "许昌日报", "issue_date": "2022-05-13",
         "page": 2},
        {"no_text": True},
        {"text": "5 月 12 日"},
    ]
    (inputs / "pages.jsonl").write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\nnot json\n", "utf-8")
    summary = clean_pages([str(inputs / "*.jsonl")], str(tmp_path / "out"))
    assert summary["pages"] == 2 and len(summary["quarantined"]) == 2
    frame = pl.read_parquet(tmp_path / "out" / "pages" / "pages.parquet").sort("source_path")
    assert frame["text"].to_list() == ["核酸检测，居民", "5月12日"]
    assert frame["page"].to_list() == ["2", None]
    assert frame["source_path"].to_list()[0].endswith("pages.jsonl#1")


def test_metadata_from_a_path_pattern(tmp_path):
    page = tmp_path / "许昌日报" / "2022-05-13" / "A07.txt"
    page.parent.mkdir(parents=True)
    page.write_text("本报讯", "utf-8")
    [source] = discover([str(tmp_path)])
    pattern = r"(?P<publication>[^/]+)/(?P<issue_date>\d{4}-\d{2}-\d{2})/(?P<page>\w+)\.txt$"
    meta = page_metadata(source, {}, pattern)
    assert meta["publication"] == "许昌日报" and meta["page"] == "A07"
    assert str(meta["issue_date"]) == "2022-05-13"
    assert page_metadata(source, {}, None) == {"publication": None, "issue_date": None,
                                               "page": None}
    pages, rejected = read_source(source, {}, pattern)
    assert rejected == [] and pages[0].metadata == meta


def test_missing_input_is_a_usage_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope*.txt"), "--output", str(tmp_path)]) == 2
    assert "nope" in capsys.readouterr().err
