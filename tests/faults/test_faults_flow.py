"""The issue's bad inputs through one real run (Prefect test harness): every page is in
the table or in quarantine with its reason, never lost, never garbled."""

import codecs
import json
import os
import shutil
from pathlib import Path

import pytest

from flows.pipeline import clean_pages
from qingyang import dataset
from qingyang.exitcodes import CorruptParquet
from qingyang.schema import PAGES_SCHEMA
from qingyang.textio import implausibility

pytestmark = pytest.mark.usefixtures("prefect_harness")

PAGE = "许昌日报专讯（记者 毛迎）5月12日，市委书记到建安区调研疫情防控工作。\n"
LIMIT = 2000  # max_page_chars of the test profile


def bad_inputs(folder: Path) -> tuple[set[str], dict[str, str]]:
    """Write the cases; returns (file names that must become rows, {name: reason start}
    of those that must be quarantined)."""
    good, bad = set(), {}

    def put(name, data, reason=None):
        (folder / name).write_bytes(data)
        (bad.__setitem__(name, reason) if reason else good.add(name))

    put("utf8.txt", PAGE.encode())
    put("utf8 bom.txt", codecs.BOM_UTF8 + PAGE.encode())
    put("utf16.txt", PAGE.encode("utf-16"))
    put("gb18030.txt", PAGE.encode("gb18030"))
    put("cut mid character.txt", PAGE.strip().encode()[:-1])  # case 1: repaired, not garbled
    put("报纸 第1版.md", PAGE.encode())  # odd path: spaces, Han
    put("binary.txt", bytes(range(256)) * 8, "binary data")
    put("empty.txt", b"", "empty file")
    put("nul bytes.txt", PAGE.encode() + b"\x00" * 64 + PAGE.encode(), "binary data")
    put("mojibake.txt", (PAGE * 20).encode().decode("gb18030", "replace")
        .replace("\ufffd", "").encode("utf-16"), "no plausible decoding")
    put("huge line.txt", (PAGE.strip() * 200).encode(), "page too big")  # case 2
    os.symlink(folder / "gone.txt", folder / "dangling.txt")  # case 4
    bad["dangling.txt"] = "cannot read: dangling symbolic link"
    lines = [json.dumps({"text": PAGE}, ensure_ascii=False), "{not json",
             json.dumps({"title": "no text"}), json.dumps({"text": PAGE * 100}, ensure_ascii=False)]
    put("pages.jsonl", "\n".join(lines).encode())
    good.discard("pages.jsonl")
    good.add("pages.jsonl#1")
    bad.update({"pages.jsonl#2": "not JSON", "pages.jsonl#3": 'no "text" field',
                "pages.jsonl#4": "page too big"})
    return good, bad


def test_bad_inputs_run_nothing_lost_nothing_garbled(tmp_path, pages_lost):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    good, bad = bad_inputs(inputs)
    profile = tmp_path / "profiles.toml"
    profile.write_text(f"[profiles.small]\nmax_page_chars = {LIMIT}\n", "utf-8")
    summary = clean_pages([str(inputs)], str(out), profile=f"{profile}:small",
                          max_invalid_share=1.0)  # tiny pages fail row checks: not the point

    table = dataset.read_table(out / "pages", PAGES_SCHEMA).to_pylist()
    rows = {Path(r["source_path"]).name: r for r in table}
    quarantined = {Path(q["source_path"]).name: q["reason"] for q in summary["quarantined"]}
    assert set(rows) == good
    assert set(quarantined) == set(bad)
    for name, reason in bad.items():
        assert reason in quarantined[name], (name, quarantined[name])
    for row in table:  # nothing garbled: every row's text is plausible
        assert implausibility(row["raw_text"]) is None, row["source_path"]
    assert rows["cut mid character.txt"]["encoding"] == (
        "utf-8 (incomplete last character (2 bytes) dropped)")
    assert rows["gb18030.txt"]["raw_text"] == PAGE
    index = [json.loads(x) for x in (out / "quarantine" / "quarantine.jsonl").read_text(
        "utf-8").splitlines()]
    assert {Path(e["source_path"]).name for e in index} == set(bad)
    assert pages_lost(len(good | set(bad)) - len(rows) - len(quarantined)) == 0


def test_a_truncated_table_fails_the_run_with_its_name_and_leaves_no_litter(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "a.txt").write_text(PAGE, "utf-8")
    clean_pages([str(inputs)], str(out))
    [table] = dataset.part_files(out / "pages")
    data = table.read_bytes()
    table.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptParquet, match=rf"^{table}: not a readable Parquet file"):
        clean_pages([str(inputs)], str(out))
    assert table.read_bytes() == data[: len(data) // 2]  # left as it was, for the user
    assert not list(out.rglob(".*.tmp")) and not (out / ".cache" / "staging").exists()


def test_a_moved_output_folder_reruns_from_its_cache(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(PAGE, "utf-8")
    first = clean_pages([str(inputs)], str(tmp_path / "old"))
    shutil.move(tmp_path / "old", tmp_path / "new")
    again = clean_pages([str(inputs)], str(tmp_path / "new"))
    assert first["batches_cleaned"] == 1 and again["batches_cached"] == 1
    assert again["rows_in_table"] == 1 and again["ok"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_quarantined_and_the_run_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(PAGE, "utf-8")
    locked = inputs / "locked.txt"
    locked.write_text(PAGE * 2, "utf-8")
    locked.chmod(0)
    summary = clean_pages([str(inputs)], str(tmp_path / "out"))
    assert summary["rows_in_table"] == 1
    [item] = summary["quarantined"]
    assert item["source_path"].endswith("locked.txt") and "cannot read" in item["reason"]
