"""The third evaluation set (tests/eval_third/) holds what its README promises.

Rendering needs Pillow and the fonts named in the README, OCR needs RapidOCR; the
structural checks here need neither. The rebuild check runs only where the fonts are.
"""

import csv
import importlib.util
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIRD = ROOT / "tests" / "eval_third"
MANIFEST = list(csv.DictReader((THIRD / "manifest.csv").open(encoding="utf-8")))
FONT_DIR = Path(os.environ.get("QINGYANG_THIRD_FONTS", "/tmp/third_fonts"))
FONTS = ("SourceHanSerifSC-Regular.otf", "NotoSansCJKsc-Regular.otf", "SimHei.ttf")
# printed pointers the gold must not keep: 下转 / 上接 / 转第N版 / 接第N版 / ▶ 详见第N版
POINTER = re.compile(r"下转|上接|转第|接第|详见第|▶")


def _builder():
    path = ROOT / "tools" / "make_third_pages.py"
    spec = importlib.util.spec_from_file_location("make_third_pages", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while it loads
    spec.loader.exec_module(module)
    return module


def _gold(row) -> str:
    return (THIRD / row["split"] / f"{row['name']}.gold.txt").read_text(encoding="utf-8")


def test_every_page_has_its_three_files_and_nothing_else():
    listed = {(r["split"], r["name"]) for r in MANIFEST}
    for split, name in listed:
        for suffix in (".txt", ".gold.txt", ".paddle.json"):
            assert (THIRD / split / f"{name}{suffix}").is_file(), (name, suffix)
    on_disk = {(p.parent.name, p.name.split(".")[0]) for p in THIRD.glob("*/*.*")}
    assert on_disk == listed


def test_split_sizes_a_third_dev():
    sizes = Counter(r["split"] for r in MANIFEST)
    assert sizes["dev"] >= 6
    if sizes["heldout"]:  # the held-out pages are committed after dev
        assert sizes["heldout"] == 2 * sizes["dev"]


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["name"])
def test_gold_is_in_the_text_contract_shape(row):
    gold = _gold(row)
    assert gold.endswith("\n") and not gold.endswith("\n\n")
    for line in gold.splitlines():
        assert line and line == line.strip(), line
        assert "  " not in line and "\u3000" not in line, line
        assert not POINTER.search(line), line
        # no gold space touches Chinese punctuation
        assert not re.search(r" [，。、；：？！“”（）《》]|[，。、；：？！“”（）《》] ", line), line


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["name"])
def test_text_input_is_the_engine_lines_reordered(row):
    folder = THIRD / row["split"]
    engine = json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8"))
    lines = (folder / f"{row['name']}.txt").read_text(encoding="utf-8").splitlines()
    assert Counter(lines) == Counter(engine["rec_texts"])


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["name"])
def test_manifest_floor_is_the_order_free_difference(row):
    folder = THIRD / row["split"]
    engine = json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8"))
    gold = Counter(c for c in _gold(row) if not c.isspace())
    raw = Counter(c for c in "".join(engine["rec_texts"]) if not c.isspace())
    assert int(row["gold_chars"]) == sum(gold.values())
    assert int(row["ocr_missing"]) == sum((gold - raw).values())
    assert int(row["ocr_extra"]) == sum((raw - gold).values())


def test_no_heldout_story_is_printed_on_a_dev_page():
    stories = {split: set() for split in ("dev", "heldout")}
    for r in MANIFEST:
        stories[r["split"]].update(r["stories"].split())
    assert not stories["dev"] & stories["heldout"]
    dev_text = "".join(_gold(r) for r in MANIFEST if r["split"] == "dev")
    for r in MANIFEST:
        if r["split"] == "heldout":
            for line in _gold(r).splitlines():
                if len(line) > 30:  # a paragraph, not a folio item both splits share
                    assert line not in dev_text, line


@pytest.mark.skipif(not all((FONT_DIR / f).is_file() for f in FONTS),
                    reason="fonts for rendering not here (see tests/eval_third/README.md)")
def test_builder_rebuilds_the_committed_gold_and_order(tmp_path):
    pytest.importorskip("PIL")
    builder = _builder()
    out = tmp_path / "set"
    for r in MANIFEST:  # the engine's JSON is the only input the rebuild takes from the set
        (out / r["split"]).mkdir(parents=True, exist_ok=True)
        name = f"{r['name']}.paddle.json"
        (out / r["split"] / name).write_bytes((THIRD / r["split"] / name).read_bytes())
    splits = sorted({r["split"] for r in MANIFEST})
    for split in splits:
        assert builder.main(["--font-dir", str(FONT_DIR), "--out", str(out), "--no-ocr",
                             "--split", split, "--image-dir", str(tmp_path / "images")]) == 0
    for r in MANIFEST:
        for suffix in (".gold.txt", ".txt"):
            rebuilt = (out / r["split"] / f"{r['name']}{suffix}").read_text(encoding="utf-8")
            want = (THIRD / r["split"] / f"{r['name']}{suffix}").read_text(encoding="utf-8")
            assert rebuilt == want, (r["name"], suffix)
    assert (out / "manifest.csv").read_text(encoding="utf-8") == \
        (THIRD / "manifest.csv").read_text(encoding="utf-8")
