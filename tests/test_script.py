"""OpenCC asked only of the lines holding a sentinel (`cleaners.script`): the same text as
OpenCC over the whole page."""

import sys
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.script import _converter, _sentinel_table, convert_script

ROOT = Path(__file__).resolve().parent.parent


def test_the_sentinels_are_those_of_the_installed_dictionaries():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_opencc_sentinels
    finally:
        sys.path.remove(str(ROOT / "tools"))
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    if not tool.is_file():
        pytest.skip("this OpenCC has no opencc_dict to read its dictionaries")
    text = (ROOT / "cleaners" / "opencc_sentinels.txt").read_text("utf-8")
    assert text == make_opencc_sentinels.render("t2s")
    assert _sentinel_table("t2s") is not None  # made for the installed version: in use


def test_every_character_opencc_changes_alone_is_a_sentinel():
    # The CJK blocks, compatibility ideographs and the supplementary planes' Han, one a line.
    points = [*range(0x2E80, 0xA000), *range(0xF900, 0xFB00), *range(0x20000, 0x32000)]
    chars = [chr(p) for p in points]
    converted = _converter("t2s").convert("\n".join(chars)).split("\n")
    table = _sentinel_table("t2s")
    changed = [c for c, out in zip(chars, converted, strict=True) if out != c]
    assert changed and all(table[ord(c)] for c in changed)


# Lines of plain and traditional glyphs, phrase keys whose glyphs alone stay (`深沈` -> `深沉`,
# `答覆` -> `答复`; `沈阳` stays), and a traditional page's worth of lines.
PIECES = ["本报讯", "记者", "许昌", "心情", "深沈", "沈阳", "答覆", "覆盖", "戰", "與", "們", "說",
          "國", "，", "。", " ", "\u3000", "看著", "著名", "乾燥", "乾隆", "𠀀", "丽"]
page = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=12).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(page)
def test_lines_converted_alone_give_the_page_converted_whole(text):
    whole = _converter("t2s").convert(text)
    out, count = convert_script(text, "t2s")
    assert out == whole
    assert (count == 0) == (whole == text)


def test_a_page_opencc_leaves_alone_comes_back_as_it_is():
    text = "本报讯（记者 高伟山）5月12日是国际护士节。\n沈阳 覆盖"
    assert convert_script(text, "t2s") == (text, 0)
