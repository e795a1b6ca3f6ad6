"""The independent evaluation set (tests/eval/) is what its builder says it is.

The builder, tools/make_eval_pages.py, needs Pillow, tesseract and RapidOCR only
for rendered pages; its plan and its synthetic pages are pure Python, so these
tests rebuild them and compare with the committed files.
"""

import csv
import importlib.util
import math
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"


def _builder():
    spec = importlib.util.spec_from_file_location("make_eval_pages",
                                                  ROOT / "tools" / "make_eval_pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


BUILDER = _builder()
PLAN = BUILDER.plan_pages()
MANIFEST = list(csv.DictReader((EVAL / "manifest.csv").open(encoding="utf-8")))


def test_manifest_lists_every_pair_in_its_split():
    on_disk = {(p.parent.name, p.name.removesuffix(".gold.txt")) for p in EVAL.glob("*/*.gold.txt")}
    listed = {(row["split"], row["name"]) for row in MANIFEST}
    assert listed == on_disk
    assert all((EVAL / split / f"{name}.txt").is_file() for split, name in listed)


def test_each_kind_has_a_third_rounded_up_held_out():
    by_kind = Counter((row["kind"], row["split"]) for row in MANIFEST)
    for kind, count in BUILDER.PAGE_COUNTS.items():
        assert by_kind[kind, "heldout"] == math.ceil(count / 3)
        assert by_kind[kind, "dev"] == count - math.ceil(count / 3)


def test_plan_matches_the_files():
    assert {(s.split, s.name) for s in PLAN} == {(r["split"], r["name"]) for r in MANIFEST}


def test_held_out_stories_never_appear_in_dev():
    dev = {a.name for s in PLAN if s.split == "dev" for a in s.articles}
    held = {a.name for s in PLAN if s.split == "heldout" for a in s.articles}
    assert held and dev and not held & dev


@pytest.mark.parametrize("spec", [s for s in PLAN if s.kind == "synthetic"], ids=lambda s: s.name)
def test_synthetic_pages_rebuild_byte_for_byte(spec):
    base = EVAL / spec.split / spec.name
    assert BUILDER.degrade_page(spec) == Path(f"{base}.txt").read_text(encoding="utf-8")
    gold = "\n".join(BUILDER.gold_lines(spec)) + "\n"
    assert gold == Path(f"{base}.gold.txt").read_text(encoding="utf-8")


# A jump marker, or a guide's page pointer: never in a gold line (contract rule 4).
MARKER_LEFT = re.compile(r"[下上]转第|[上下]接第|▶")


@pytest.mark.parametrize("gold", sorted(EVAL.glob("*/*.gold.txt")), ids=lambda p: p.name)
def test_gold_lines_follow_the_contract(gold):
    text = gold.read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    for line in text.splitlines():
        assert line and line == line.strip(), line
        assert "  " not in line and "\u3000" not in line, line
        assert not MARKER_LEFT.search(line), line
