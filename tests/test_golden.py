"""Golden files: each seed page cleaned must equal its reviewed expected file."""

import difflib
from pathlib import Path

import pytest

from cleaners import clean

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _diff(expected: str, actual: str) -> str:
    return "\n".join(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                          "expected", "actual", lineterm="", n=1))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_page_matches_reviewed_golden_file(seed: Path):
    expected = (ROOT / "tests" / "golden" / f"{seed.stem}.expected.txt").read_text("utf-8")
    actual = clean(seed.read_text("utf-8")).text + "\n"
    assert actual == expected, _diff(expected, actual)


def test_shared_gold_page_is_reproduced_exactly():
    raw = (ROOT / "tests" / "gold" / "003_d94d03168ebcdc99.txt").read_text("utf-8")
    gold = (ROOT / "tests" / "gold" / "003_d94d03168ebcdc99.gold.txt").read_text("utf-8")
    actual = clean(raw).text + "\n"
    assert actual == gold, _diff(gold, actual)


def test_there_are_five_seed_pages():
    assert len(SEEDS) == 5
