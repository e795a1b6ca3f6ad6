"""A gold page is already clean, so cleaning it changes nothing (DESIGN.md, Tests: "already
clean stays unchanged"), on every evaluation set's dev split.

The pages that do change are listed with the reason, as known failures: each is a case the
text path cannot tell from a page that needs the change, or a convention on which the sets'
hands disagree. They are strict: a page that starts to clean to itself fails here until it
leaves the list.
"""

from pathlib import Path

import pytest

from cleaners import clean

ROOT = Path(__file__).resolve().parent.parent

# (set folder, page): why cleaning changes it.
KNOWN = {
    ("eval", "ppocr_09"): "a guide item printed without its ■ reads as the wrapped end of the item above",
    ("eval_eighth", "eighth_09"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_eighth", "eighth_17"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_eighth", "eighth_18"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_seventh", "seventh_06"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_sixth", "sixth_17"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_tenth", "tenth_18"): "a picture credit after its caption on one line gets its own line (DESIGN.md rule 1)",
    ("eval_eleventh", "eleventh_05"): "an itinerary's row runs on into the day's label under it (第二天), as a wrapped row would",
    ("eval_eleventh", "eleventh_10"): "a model name's lone capital joins the acronym after it (星澜L DM-i), a table's note its last row",
    ("eval_eleventh", "eleventh_16"): "two display lines in a row read as one headline of two phrases; a row with an enumeration comma loses its cell gap",
    ("eval_eleventh", "eleventh_19"): "a row's one-glyph cell (盐 1/2小勺) reads as letter-spacing",
    ("eval_ninth", "ninth_01"): "a signature's post code runs on into the office's name under it",
    ("eval_ninth", "ninth_10"): "读者 is no byline role: a reader's bracketed name loses its space",
    ("eval_seventh", "seventh_09"): "a listing's row runs on into the station's line under it",
    ("eval_seventh", "seventh_10"): "a glossary row's gap between a Latin phrase and Han goes (rule 2)",
    ("eval_sixth", "sixth_02"): "a headline's short last line (数据) reads as its wrapped end",
    ("eval_sixth", "sixth_12"): "an essay's □ gets a space after it: the eleventh set's gold has one, the sixth's none",
    ("eval_tenth", "tenth_05"): "a book's title, its author's and translator's credits read as one paragraph",
    ("eval_twelfth", "twelfth_09"): "numbered riddles after a line ending in a bracket (（打一自然物）) run on as one paragraph",
    ("eval_twelfth", "twelfth_14"): "a table header repeated over two column pairs (品名 单价 品名 单价) reads as a doubled line",
    ("eval_thirteenth", "thirteenth_02"): "a box's note line (潮高基准面：…最低潮面) runs on into the next box's label under it (客运航班)",
}


def _dev_gold_pages() -> list:
    pages = []
    for gold in sorted(ROOT.glob("tests/eval*/dev/*.gold.txt")):
        key = (gold.parent.parent.name, gold.name.removesuffix(".gold.txt"))
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[key])] if key in KNOWN else []
        pages.append(pytest.param(gold, id="/".join(key), marks=marks))
    return pages


@pytest.mark.parametrize("gold", _dev_gold_pages())
def test_a_gold_page_cleans_to_itself(gold: Path):
    text = gold.read_text(encoding="utf-8")
    assert clean(text).text == text.rstrip("\n")


def test_every_known_failure_names_a_dev_page():
    for folder, page in KNOWN:
        assert (ROOT / "tests" / folder / "dev" / f"{page}.gold.txt").is_file(), (folder, page)
