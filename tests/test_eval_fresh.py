"""The fresh evaluation set (tests/eval_fresh/) holds what its README promises.

Rendering needs Pillow and the CJK fonts named in the README, OCR needs RapidOCR; the
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
FRESH = ROOT / "tests" / "eval_fresh"
MANIFEST = list(csv.DictReader((FRESH / "manifest.csv").open(encoding="utf-8")))
FONT_DIR = Path(os.environ.get("QINGYANG_FRESH_FONTS", "/tmp/fresh_fonts"))
# printed pointers the gold must not keep: 下转 / 上接 / 相关报道见 / ▶N版
POINTER = re.compile(r"下转第|上接第|相关报道见|▶")


def _builder():
    path = ROOT / "tools" / "make_fresh_pages.py"
    spec = importlib.util.spec_from_file_location("make_fresh_pages", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while it loads
    spec.loader.exec_module(module)
    return module


def _gold(row) -> str:
    return (FRESH / row["split"] / f"{row['name']}.gold.txt").read_text(encoding="utf-8")


def test_every_page_has_its_three_files_and_nothing_else():
    listed = {(r["split"], r["name"]) for r in MANIFEST}
    for split, name in listed:
        for suffix in (".txt", ".gold.txt", ".paddle.json"):
            assert (FRESH / split / f"{name}{suffix}").is_file(), (name, suffix)
    on_disk = {(p.parent.name, p.name.split(".")[0]) for p in FRESH.glob("*/*.*")}
    assert on_disk == listed


def test_split_sizes():
    sizes = Counter(r["split"] for r in MANIFEST)
    assert sizes["dev"] >= 10 and sizes["heldout"] >= 5


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["name"])
def test_gold_is_in_the_text_contract_shape(row):
    gold = _gold(row)
    assert gold.endswith("\n") and not gold.endswith("\n\n")
    for line in gold.splitlines():
        assert line and line == line.strip(), line
        assert "  " not in line and "\u3000" not in line, line
        assert not POINTER.search(line), line


@pytest.mark.parametrize("row", MANIFEST, ids=lambda r: r["name"])
def test_text_input_is_the_engine_lines_reordered(row):
    folder = FRESH / row["split"]
    engine = json.loads((folder / f"{row['name']}.paddle.json").read_text(encoding="utf-8"))
    lines = (folder / f"{row['name']}.txt").read_text(encoding="utf-8").splitlines()
    assert Counter(lines) == Counter(engine["rec_texts"])


def test_no_heldout_story_is_printed_on_a_dev_page():
    stories = {split: set() for split in ("dev", "heldout")}
    for r in MANIFEST:
        stories[r["split"]].update(r["stories"].split())
    assert not stories["dev"] & stories["heldout"]
    dev_text = "".join(_gold(r) for r in MANIFEST if r["split"] == "dev")
    for r in MANIFEST:
        if r["split"] == "heldout":
            for line in _gold(r).splitlines():
                if len(line) > 30:  # a paragraph, not a header item both splits share
                    assert line not in dev_text, line


@pytest.mark.skipif(not (FONT_DIR / "NotoSerifCJKsc-Regular.otf").is_file(),
                    reason="fonts for rendering not here (see tests/eval_fresh/README.md)")
def test_builder_rebuilds_the_committed_gold(tmp_path):
    pytest.importorskip("PIL")
    builder = _builder()
    assert builder.main(["--font-dir", str(FONT_DIR), "--out", str(tmp_path), "--no-ocr",
                         "--image-dir", str(tmp_path / "images")]) == 0
    for r in MANIFEST:
        rebuilt = tmp_path / r["split"] / f"{r['name']}.gold.txt"
        assert rebuilt.read_text(encoding="utf-8") == _gold(r), r["name"]
