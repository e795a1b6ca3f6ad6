"""Issue 13's stale-output defect, end to end: a rule edited in a copy of the source makes
the next `qingyang run` into the same output folder re-clean (the cache key holds the
cleaning code's fingerprint, `qingyang.fingerprint`), not serve the cached text."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from qingyang.dataset import read_table
from qingyang.schema import PAGES_SCHEMA

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("qingyang", "cleaners", "readers", "layout", "articles", "flows", "expectations")
PAGE = "本报讯 记者从市卫健委获悉,全市核酸检测工作有序推进,居民积极配合。\n"
RULE = ('_CLAUSE_TO_FULL = {",": "，"', '_CLAUSE_TO_FULL = {",": "、"')


def run(source: Path, inputs: Path, output: Path) -> list[str]:
    """`qingyang run` from the source copy; the cleaned texts of the pages table."""
    done = subprocess.run(
        [sys.executable, "-m", "qingyang.cli", "run", str(inputs), "--output", str(output),
         "--no-progress"],
        capture_output=True, text=True, cwd=source, timeout=600,
        env={**os.environ, "PYTHONPATH": str(source)})
    assert done.returncode == 0, done.stderr[-2000:]
    return read_table(output / "pages", PAGES_SCHEMA).column("text").to_pylist()


def test_an_edited_rule_re_cleans_the_cached_pages(tmp_path):
    source = tmp_path / "source"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "page.txt").write_text(PAGE, "utf-8")
    before = run(source, inputs, tmp_path / "out")
    assert before == ["本报讯 记者从市卫健委获悉，全市核酸检测工作有序推进，居民积极配合。"]
    rules = source / "cleaners" / "punctuation.py"
    assert RULE[0] in rules.read_text("utf-8")
    rules.write_text(rules.read_text("utf-8").replace(*RULE), "utf-8")
    after = run(source, inputs, tmp_path / "out")
    assert after == ["本报讯 记者从市卫健委获悉、全市核酸检测工作有序推进、居民积极配合。"]
