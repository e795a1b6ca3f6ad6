"""The clean_pages flow end to end under a real (test-harness) Prefect API."""

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaners import clean
from flows import pages_step, store
from flows.inputs import discover, page_metadata, read_source
from flows.pipeline import clean_pages
from qingyang import dataset
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


def pages_of(out: Path, folder: str = "pages") -> pl.DataFrame:
    """The pages table under `out` (every part), rows by source_path."""
    return pl.from_arrow(dataset.read_table(out / folder, PAGES_SCHEMA)).sort("source_path")


def table_bytes(out: Path) -> dict[str, bytes]:
    """Every file of the pages, articles and quarantine tables, by path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for folder in ("pages", "articles",
            "quarantine") for p in sorted((out / folder).rglob("*")) if p.is_file()}


def test_seeds_end_to_end_duckdb_and_polars(seeds_run):
    summary, out = seeds_run
    parts = dataset.part_files(out / "pages")
    assert summary["ok"] and summary["pages"] == len(SEED_FILES) == 5
    assert len(parts) == summary["parts_in_table"] == 4  # publication × year
    for part in parts:
        schema = pq.read_schema(part)  # Parquet names list items "element": compare the rest
        assert schema.equals(PAGES_SCHEMA) and schema.metadata == PAGES_SCHEMA.metadata
        assert [f.metadata for f in schema] == [f.metadata for f in PAGES_SCHEMA]
        assert pq.ParquetFile(part).metadata.row_group(0).column(0).compression == "ZSTD"
    assert sorted(p.parent.relative_to(out / "pages").as_posix() for p in parts) == [
        "publication=许昌日报/year=2022", "publication=郑州日报/year=2021",
        "publication=郑州日报/year=2022", "publication=郑州日报/year=__HIVE_DEFAULT_PARTITION__"]

    con = duckdb.connect()
    glob = f"{out}/pages/**/*.parquet"
    assert con.sql(f"select count(*) from read_parquet('{glob}', hive_partitioning=true)"
                   ).fetchall() == [(5,)]
    rows = con.sql(f"select source_path, publication, issue_date, page, text, valid, "
                   f"len(failed_expectations) from read_parquet('{glob}', hive_partitioning=true) "
                   f"order by source_path").fetchall()
    by_name = {Path(r[0]).name: r for r in rows}
    front = by_name["000_339827d637f5be4b.txt"]
    assert front[1:4] == ("许昌日报", __import__("datetime").date(2022, 5, 13), "1")
    assert by_name["002_c19e41a243658389.txt"][2:4] == (None, None)  # manifest leaves them empty
    assert all(r[5] is True and r[6] == 0 for r in rows)  # validated, and clean

    frame = pages_of(out)
    assert frame.height == 5 and frame["doc_id"].is_unique().all()
    for row in frame.iter_rows(named=True):
        raw = read_text_file(SEEDS / Path(row["source_path"]).name)
        assert row["raw_text"] == raw.text
        assert row["text"] == clean(raw.text).text
        assert row["paragraphs"] == row["text"].split("\n")
    assert summary["validation"].startswith("passed") and not (out / "quarantine").exists()
    assert (out / "reports" / "index.html").is_file()


def test_second_run_is_cached_and_byte_identical(seeds_run, tmp_path, monkeypatch):
    summary, out = seeds_run
    before = table_bytes(out)
    calls = []
    real = pages_step.clean_texts
    monkeypatch.setattr(pages_step, "clean_texts", lambda *a: calls.append(a) or real(*a))
    again = clean_pages([str(SEEDS)], str(out))
    assert calls == []  # nothing was cleaned again
    assert again["batches_cached"] == again["batches"] >= 1 and again["batches_cleaned"] == 0
    assert again["issues_built"] == 0  # nor any issue's articles built again
    assert table_bytes(out) == before
    assert again["rows_in_table"] == 5
    assert summary["batches_cleaned"] == summary["batches"]

    # a fresh output folder (no cache) gives the same bytes too
    clean_pages([str(SEEDS)], str(tmp_path))
    assert table_bytes(tmp_path) == before
    assert calls  # ... and that run did clean


def test_changed_input_replaces_its_row(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    out = tmp_path / "out"
    clean_pages([str(inputs)], str(out), batch_size=1)  # one page per batch
    changed = inputs / "004_8883ae6c5903f225.txt"
    changed.write_text("本报讯 11 月 7 日 ,郑州市召开会议。\n", encoding="utf-8")
    before = set(dataset.part_files(out / "pages"))
    second = clean_pages([str(inputs)], str(out), batch_size=1)
    frame = pages_of(out)
    assert frame.height == 5
    row = frame.filter(pl.col("source_path").str.ends_with(changed.name)).row(0, named=True)
    assert row["text"] == "本报讯 11月7日，郑州市召开会议。" == clean(row["raw_text"]).text
    assert (second["batches_cleaned"], second["batches"]) == (1, 5)  # 4 pages from the cache
    assert len(set(dataset.part_files(out / "pages")) - before) == 1  # one part rewritten
    assert second["issues_built"] == 1  # and one issue's articles

    (inputs / "000_339827d637f5be4b.txt").unlink()  # a deleted input leaves the table
    assert clean_pages([str(inputs)], str(out))["rows_in_table"] == 4


def test_a_run_killed_mid_commit_leaves_nothing_the_next_run_trusts(tmp_path, monkeypatch):
    """Killed after its parts were moved in but before the manifest: readers of the old
    manifest are unaffected, the next run sweeps the orphan parts and writes the table a
    clean run writes."""
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    out = tmp_path / "out"
    clean_pages([str(inputs)], str(out), batch_size=1)
    committed = table_bytes(out)
    (inputs / "004_8883ae6c5903f225.txt").write_text("本报讯 11 月 7 日 ,郑州市召开会议。\n",
                                                    "utf-8")

    def killed(*args):
        raise RuntimeError("killed")

    monkeypatch.setattr(store, "write_manifest", killed)
    with pytest.raises(RuntimeError, match="killed"):
        clean_pages([str(inputs)], str(out), batch_size=1)
    orphans = set(dataset.part_files(out / "pages")) - {out / p for p in committed}
    assert len(orphans) == 1  # the new part, named by no manifest
    assert (out / "pages" / "_manifest.json").read_bytes() == committed["pages/_manifest.json"]
    monkeypatch.undo()
    assert main(["validate", str(out)]) == 0  # judges the committed table: the orphan goes
    assert not orphans & set(dataset.part_files(out / "pages"))
    clean_pages([str(inputs)], str(out), batch_size=1)
    clean_pages([str(inputs)], str(tmp_path / "fresh"), batch_size=1)
    assert table_bytes(out) == table_bytes(tmp_path / "fresh")


def test_a_part_written_halfway_leaves_no_file(tmp_path, monkeypatch):
    table = pa.table({"a": [1, 2]})

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("qingyang.parquet_io._sync", full_disk)
    with pytest.raises(Exception, match="no space left"):
        dataset.write_part(table, tmp_path, "publication=x/year=2022")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_stored_batch_partly_replaced_keeps_the_other_files_rows(tmp_path):
    """Two folders cleaned in one batch, then one of them alone, changed: the other's rows
    stay (the stored batch is pruned), the changed file's row is replaced, not doubled."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    shutil.copy(SEED_FILES[0], first)
    shutil.copy(SEED_FILES[1], second)
    out = tmp_path / "out"
    both = clean_pages([str(first), str(second)], str(out), batch_size=10**6)  # one batch
    assert both["batches"] == 1 and both["rows_in_table"] == 2
    (first / SEED_FILES[0].name).write_text("本报讯 11 月 7 日 ,郑州市召开会议。\n", "utf-8")
    again = clean_pages([str(first)], str(out))
    frame = pages_of(out)
    assert again["rows_in_table"] == frame.height == 2 and frame["doc_id"].is_unique().all()
    assert frame["text"].to_list()[0] == "本报讯 11月7日，郑州市召开会议。"
    assert frame["raw_text"].to_list()[1] == read_text_file(SEED_FILES[1]).text
    (first / SEED_FILES[0].name).unlink()
    (first / "other.txt").write_text("本报讯 新的一页。", "utf-8")
    assert clean_pages([str(first)], str(out))["rows_in_table"] == 2  # deleted: dropped


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
    assert pages_of(out).height == 1
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
    assert pages_of(out).height == 2
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
    frame = pages_of(tmp_path / "out")
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


def _flow_run_artifacts(state) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    return {artifact.key: artifact for artifact in found}


def test_rows_failing_validation_are_marked_quarantined_and_judged_by_policy(tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    english = inputs / "english.txt"  # cleans fine, but is not a Chinese newspaper page
    english.write_text("Reuters report on the harbour works and the new bridge 本报讯\n",
                       "utf-8")
    out = tmp_path / "out"

    state = clean_pages([str(inputs)], str(out), max_invalid_share=0.5, return_state=True)
    summary = state.result()
    assert state.is_completed() and summary["ok"] and summary["invalid_rows"] == 1
    assert summary["validation"].startswith("warning: 1 of 6 rows failed")
    frame = pages_of(out)
    bad = frame.filter(~pl.col("valid"))
    assert bad.height == 1 and bad["source_path"][0].endswith("/english.txt")
    assert bad["failed_expectations"].to_list() == [
        ["expect_column_values_to_be_between(han_ratio)"]]
    assert frame.filter(pl.col("valid")).height == 5
    quarantined = pages_of(out, "quarantine/pages")
    assert quarantined["doc_id"].to_list() == bad["doc_id"].to_list()
    report = (out / "reports" / "index.html").read_text("utf-8")
    assert "english.txt" in report and "between 0.4 and 0.99" in report
    proof = out / "reports" / "proofs" / f"{bad['doc_id'][0][:16]}.html"
    assert proof.is_file() and f'href="proofs/{proof.name}"' in report
    assert "Reuters report on the harbour works" in proof.read_text("utf-8")

    artifacts = _flow_run_artifacts(state)
    assert {"qingyang-run-summary", "qingyang-run-table", "qingyang-validation",
            "qingyang-progress"} <= set(artifacts)
    assert "han_ratio" in artifacts["qingyang-validation"].data
    assert artifacts["qingyang-progress"].data == 100.0

    # 1 of 6 rows is more than the default 10%: the run fails, the rows are still written
    failed = clean_pages([str(inputs)], str(out), return_state=True)
    assert failed.is_failed() and "the run fails" in failed.message
    assert failed.result(raise_on_failure=False)["invalid_rows"] == 1
    code = main(["run", str(inputs), "--output", str(out), "--no-progress",
                 "--on-invalid", "fail"])
    assert code == 1
    english.unlink()
    assert main(["run", str(inputs), "--output", str(out), "--no-progress",
                 "--on-invalid", "fail"]) == 0
    assert not (out / "quarantine" / "pages").exists()
    assert not list((out / "reports" / "proofs").glob("*.html"))  # no failing page now


def test_validate_judges_hand_edited_output(seeds_run, tmp_path, capsys):
    _, out = seeds_run
    copy = tmp_path / "out"
    shutil.copytree(out / "pages", copy / "pages")
    assert main(["validate", str(copy)]) == 0
    part = dataset.part_files(copy / "pages")[0]
    table = pq.read_table(part)
    texts = table.column("text").to_pylist()
    texts[0] = "核 酸 检 测,（下转第二版）"
    table = table.set_column(table.schema.get_field_index("text"), PAGES_SCHEMA.field("text"),
                             [texts])
    pq.write_table(table, part)
    capsys.readouterr()
    assert main(["validate", str(copy)]) == 1
    report = capsys.readouterr().out
    for guard in ("residual_gaps", "ascii_punct_beside_han", "leftover_markers"):
        assert f"failed expect_column_values_to_be_between({guard})" in report
    assert (copy / "reports" / "index.html").is_file()
    bad = pq.read_table(copy / "quarantine" / "pages" / part.relative_to(copy / "pages"))
    assert bad.column("doc_id").to_pylist() == [table.column("doc_id")[0].as_py()]


def test_a_large_jsonl_file_streams_in_parts_with_the_same_rows(tmp_path, monkeypatch):
    import flows.inputs as inputs_module

    lines = [json.dumps({"text": f"第 {n} 篇 ,核 酸 检 测"}, ensure_ascii=False) for n in range(40)]
    lines[7] = "not json"
    lines[20] = ""
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(lines) + "\n", "utf-8")
    whole = clean_pages([str(dump)], str(tmp_path / "whole"))
    monkeypatch.setattr(inputs_module, "CHUNK_BYTES", 200)
    parts = discover([str(dump)])
    assert len(parts) > 5 and sum(p.n_bytes for p in parts) == dump.stat().st_size
    split = clean_pages([str(dump)], str(tmp_path / "split"), batch_size=4)
    assert (split["pages"], split["files"], len(split["quarantined"])) == (38, 1, 1)
    assert split["quarantined"][0]["source_path"].endswith("dump.jsonl#8")
    frames = [pages_of(tmp_path / name).drop("valid") for name in ("whole", "split")]
    assert frames[0].equals(frames[1]) and whole["pages"] == 38
    assert sorted(frames[1]["source_path"], key=lambda p: int(p.rpartition("#")[2]))[
        -1].endswith("dump.jsonl#40")


def test_a_folder_mixing_text_and_engine_files_writes_one_pages_table(tmp_path):
    ocr = Path(__file__).resolve().parent / "ocr"
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs)
    for name in ("two_columns.hocr", "two_columns.alto.xml", "two_columns.paddle.json"):
        shutil.copy(ocr / name, inputs / name)
    (inputs / "notes.json").write_text('{"title": "not an engine file"}', "utf-8")
    (inputs / "cut.alto.xml").write_text('<?xml version="1.0"?><alto><Layout>', "utf-8")
    images = pytest.importorskip("rapidocr", reason="the ocr extra is not installed") and ["page.png"]
    for name in images:
        shutil.copy(ocr / name, inputs / name)
    # The three engine files are one page: their articles repeat, which the articles suite
    # flags; this test is about reading them, so the policy tolerates it.
    summary = clean_pages([str(inputs)], str(tmp_path / "out"), max_invalid_share=1.0)
    reasons = {Path(q["source_path"]).name: q["reason"] for q in summary["quarantined"]}
    assert set(reasons) == {"notes.json", "cut.alto.xml"}
    assert "not an OCR engine's file" in reasons["notes.json"]
    assert "not well-formed XML" in reasons["cut.alto.xml"]
    frame = duckdb.sql(f"select source_format, text, ocr_confidence, len(lines) as n_lines "
                       f"from read_parquet('{tmp_path / 'out' / 'pages'}/**/*.parquet') "
                       f"order by source_format").fetchall()
    formats = [row[0] for row in frame]
    assert formats == ["alto", "hocr", "image", "paddleocr", "text"]
    gold = (ocr / "two_columns.gold.txt").read_text("utf-8").strip()
    by_format = {row[0]: row for row in frame}
    for fmt in ("alto", "hocr", "paddleocr"):
        assert by_format[fmt][1] == gold and by_format[fmt][3] == 6
        assert 0.85 < by_format[fmt][2] < 0.95
    assert by_format["text"][2] is None and by_format["text"][3] == 0
    assert by_format["image"][1].endswith("记者从市卫健委获悉，检测工作有序推进。")


def test_a_run_whose_every_input_is_quarantined_still_reports_them(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (inputs / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert main(["run", str(inputs), "--output", str(out), "--no-progress"]) == 3
    report = (out / "reports" / "index.html").read_text("utf-8")
    assert "every input was quarantined" in report
    assert "binary.txt" in report and "empty.txt" in report
    proofs = list((out / "reports" / "proofs").glob("*.html"))
    assert len(proofs) == 2


def test_a_changed_rule_re_cleans_what_the_cache_held(seeds_run, monkeypatch):
    """The cache key holds the cleaning code's fingerprint: edited rules (another source
    fingerprint) re-clean every batch; the same code reuses them."""
    _, out = seeds_run
    again = clean_pages([str(SEEDS)], str(out))
    assert again["batches_cleaned"] == 0
    monkeypatch.setattr(pages_step, "cleaning_fingerprint", lambda: "a rule was edited")
    edited = clean_pages([str(SEEDS)], str(out))
    assert edited["batches_cleaned"] == edited["batches"] >= 1
