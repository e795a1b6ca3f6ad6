"""Hypothesis properties of the cleaner: nothing lost, no ASCII punctuation beside Han,
idempotence."""

from collections import Counter

import pytest
import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners import clean
from cleaners.metrics import ascii_punct_beside_han

# Newspaper-like alphabet: Han, digits, Latin, spaces, ASCII and CJK punctuation, quotes,
# a traditional character, full-width forms and the glyphs of jump markers.
ALPHABET = list("核酸检测居民有序排队许昌战疫坚持落实谢常看") + list("0123456789") + list("AbZ") + \
    [" ", " ", "\u3000", "\n", "\n\n"] + list(",.;:!?()\"'") + list("，。、；：！？（）“”") + \
    list("戰與") + list("ＧＤ２") + list("下转上接第二版▶") + ["本报讯", "记者 ", "■"]

texts = st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join)
lines = st.lists(st.sampled_from([a for a in ALPHABET if "\n" not in a]), max_size=60).map("".join)

_KEEP = regex.compile(r"[\p{Han}0-9A-Za-z]")


def _kept_glyphs(text: str) -> Counter:
    import unicodedata

    from cleaners.script import convert_script

    folded = unicodedata.normalize("NFKC", text)
    return Counter(_KEEP.findall(convert_script(folded, "t2s")[0]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("核本报讯核本报讯核")  # a run-in lead splits the line; the paragraph after it is doubled
def test_no_han_digit_or_latin_lost_outside_markers_and_doubled_lines(text):
    result = clean(text)
    expected = _kept_glyphs(text)
    for marker in result.markers:
        expected -= _kept_glyphs(marker.raw)
    lost = expected - _kept_glyphs(result.text)
    if lost and (result.edits.get("doubled_lines") or result.edits.get("doubled_paragraphs")):
        return  # a doubled line (or a paragraph doubled once reflowed) was written once: by design
    assert not lost, f"lost {dict(lost)} from {text!r} -> {result.text!r}"


@settings(max_examples=300, deadline=None)
@given(texts)
def test_no_ascii_clause_punctuation_left_beside_han(text):
    assert ascii_punct_beside_han(clean(text).text) == 0


@settings(max_examples=300, deadline=None)
@given(lines)
@example("核 (0)")  # one half of an ASCII pair widened: paired on the first clean (session 6)
@example("Ｇ  Ｇ")  # a space run collapsed before capitals join (session 6)
@example("记者 核 核  核")  # a letter-spaced phrase break kept in a line that drops it when cleaned again (session 14)
@example(",(0，)")  # a bracket paired after widening widens the comma beside it (session 14)
def test_cleaning_a_line_twice_changes_nothing(line):
    once = clean(line).text
    assert clean(once).text == once


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*"核1 0\n.a", "  ", "\u3000", "\t"]), max_size=24).map("".join))
@example("1 ")  # a space ending the text, a digit before it
@example(" 1")  # and one opening it
def test_lines_with_a_digit_beside_a_space_are_those_the_pattern_finds(text):
    """Found space by space (the ASCII space alone) or by the pattern: the lines where
    _DIGIT_BESIDE_SPACE matches, each once, in order."""
    from cleaners.spacing import _DIGIT_BESIDE_SPACE, _lines_with_digit_beside_space

    lines, start = [], 0
    for line in text.split("\n"):
        if _DIGIT_BESIDE_SPACE.search(line):
            lines.append((start, start + len(line)))
        start += len(line) + 1
    assert _lines_with_digit_beside_space(text) == lines


@settings(max_examples=200, deadline=None)
@given(texts)
def test_chinese_punctuation_is_never_mapped_to_ascii(text):
    out = clean(text).text
    for mark in "，、。；：！？":
        assert out.count(mark) >= text.count(mark) - sum(m.raw.count(mark) for m in clean(text).markers)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"核酸。，12.．%", " ", "  ", "\u3000", "\n", "A"]), max_size=40).map("".join))
def test_number_gaps_read_in_the_lines_with_a_space_beside_a_digit_are_the_whole_page_ones(text):
    from cleaners.spacing import GAP_IN_NUMBER, GAP_IN_SPACED_DIGITS, _remove_number_gaps

    out, count = GAP_IN_NUMBER.subn("", text)
    out, n = GAP_IN_SPACED_DIGITS.subn("", out)
    assert _remove_number_gaps(text) == (out, count + n)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([*"核酸0A", " ", *",.;:!?()\"'", "...", *"，。“”（）｡｢｣､"]), max_size=30).map("".join))
@example('核,"0"')  # the quotes stand beside Chinese context only once the comma is widened
@example("核,...,")  # the ellipsis widens beside the widened comma
def test_widening_reaches_the_fixpoint_of_repeated_passes(text):
    """One pass when the page holds no mark that gives new context (`_CONTEXT_MAKERS`), else
    passes until one changes nothing: the same as passes until one changes nothing."""
    from cleaners.punctuation import _widen_once, widen_ascii_punctuation

    out, count = text, 0
    while (passed := _widen_once(out))[0] != out:
        out, count = passed[0], count + passed[1]
    assert widen_ascii_punctuation(text) == (out, count)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["核酸检测居民", "核 酸检测居民", "核酸检测居民有序", "谢谢", "", " "]), max_size=9))
def test_repeated_lines_found_by_their_pairs_are_those_a_line_by_line_scan_drops(lines):
    """`_drop_repeated_lines` reads only the pairs of non-blank lines in a row that are alike;
    a scan of every line, keeping the last kept copy, drops the same lines and keeps the same."""
    from cleaners.artifacts import _HAN_GLYPH, MIN_HAN_PER_HALF, _drop_repeated_lines

    folded = [line.replace(" ", "") for line in lines]
    kept, kept_folded, last, dropped = [], "", -1, 0
    for line, bare in zip(lines, folded, strict=True):
        if bare.strip() and bare == kept_folded and len(_HAN_GLYPH.findall(bare)) >= MIN_HAN_PER_HALF:
            dropped += 1
            kept[last] = min(kept[last], line, key=len)  # the shorter, the first of equals
            continue
        if bare.strip():
            last, kept_folded = len(kept), bare
        kept.append(line)
    assert _drop_repeated_lines(lines, folded) == (kept, dropped)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"核酸0A （）()〈〉《》\n", "记者", "通讯员"]), max_size=30).map("".join))
@example("本报讯《记者周晓燕）5月12日")  # `《` and a role word: the only kind without 〈〉()
def test_lookalike_pairs_found_after_the_fast_test_are_the_whole_page_ones(text):
    from cleaners.punctuation import LOOKALIKE_BRACKET_PAIR, repair_lookalike_brackets

    def pair(match):
        return f"（{next(g for g in match.groups() if g is not None)}）"

    assert repair_lookalike_brackets(text) == LOOKALIKE_BRACKET_PAIR.subn(pair, text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*"核王某马宁/文图摄 \u3000\n·，", "记者", "通讯员", "本报", "新华社", "实习生"]),
                max_size=16).map("".join))
@example("王某 摄\n")  # `$` allows a last line break
def test_a_byline_is_one_the_pattern_matches(line):
    """`is_byline`'s fast tests turn no BYLINE match away."""
    from cleaners.lines import BYLINE, is_byline, visible_width

    assert is_byline(line) == (bool(BYLINE.match(line)) and visible_width(line) <= 30
                               and "，" not in line and "。" not in line)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([*"核a#\n|，", " ", "\t", "\u3000", "\u00a0", "\u2002", "## "]), max_size=20).map("".join))
@example(" 核")  # a space at the text's start
@example("核\u00a0")  # and at its end
@example("核 | a\n|")  # a rule glyph beside Han and at a line's start
def test_line_edge_spaces_found_after_the_fast_test_are_the_whole_page_ones(text):
    from cleaners.hygiene import (
        COLUMN_RULE_GLYPH,
        LINE_EDGE_SPACE,
        MARKDOWN_HEADING_MARK,
        strip_layout_marks,
    )

    out, n = LINE_EDGE_SPACE.subn("", text)
    out, r = COLUMN_RULE_GLYPH.subn("", out)
    out, m = MARKDOWN_HEADING_MARK.subn("", out)
    assert strip_layout_marks(text) == (out, n + r + m)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from([*"核酸，。“”‘’（5A%‰℃+a-", "\U00020000", " ", "  ", "\n", "\u3000", "\u00a0", "\t"]),
                max_size=30).map("".join))
@example(" 核 ")  # spaces at the text's start and end
@example("\U00020000 5 \U00020000")  # Han beyond the BMP on either side
def test_gaps_removed_run_by_run_are_the_pattern_s(text):
    """_remove_gaps_beside_cjk, read run by run of spaces on text with the ASCII space alone,
    removes and counts what _GAP_BESIDE_CJK does."""
    from cleaners.spacing import _GAP_BESIDE_CJK, _remove_gaps_beside_cjk

    assert _remove_gaps_beside_cjk(text) == _GAP_BESIDE_CJK.subn("", text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([*"核王某（）() \n", "记者", "通讯员"]), max_size=24).map("".join))
@example("本报讯(记者 王某)")  # an ASCII bracket: the two-bracket form
def test_byline_brackets_found_by_the_form_picked_for_the_line_are_the_pattern_s(line):
    from cleaners.spacing import BYLINE_BRACKET, _byline_brackets

    assert _byline_brackets(line).findall(line) == BYLINE_BRACKET.findall(line)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([*"核a1 ,;:!?().，“\n"]), max_size=20).map("".join))
@example(";,核")  # a run of two marks: one run, widened once
def test_clause_marks_widened_run_by_run_are_those_the_one_pattern_widens(text):
    from cleaners.punctuation import ASCII_CLAUSE_PUNCT, _widen_clause_marks, _widen_run

    assert _widen_clause_marks(text) == ASCII_CLAUSE_PUNCT.subn(_widen_run, text)


def _letter_spaced_by_glyphs(line: str) -> bool:
    """`is_letter_spaced` as it reads every token's glyphs: the reference for its fast path."""
    from cleaners.lines import _DIGIT, _NOT_GLYPH_OR_SPACE, _SPACE_BESIDE_DIGIT

    spaced = _SPACE_BESIDE_DIGIT.sub("", line) if _DIGIT.search(line) else line
    tokens = len(spaced.split())
    if tokens < 3:
        return False
    glyphs = _NOT_GLYPH_OR_SPACE.sub("", spaced).split()
    return (tokens - len(glyphs) + [len(g) for g in glyphs].count(1)) / tokens >= 0.6


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"核酸a5，。“—", " ", "  ", "\u3000", "\u2002", "核酸", "5 "]), max_size=16).map("".join))
@example("坚 定 信 心 再 接 再 厉")  # one-glyph tokens alone decide
@example("核， 酸。 检 测 “居 民”")  # one glyph each, with marks: read by glyphs
@example("核， 酸。 检测 居民 测")  # two of five one-character tokens: read by glyphs, not letter-spaced
@example("核酸 检测 居民")  # no token of one character
def test_letter_spacing_told_by_one_character_tokens_is_the_glyph_count_s(line):
    from cleaners.lines import is_letter_spaced

    assert is_letter_spaced.__wrapped__(line) == _letter_spaced_by_glyphs(line)


# A line's first dateline (本报讯, 又讯) after a title of 1-24 glyphs with no punctuation, as one
# pattern says it: the reference the scan in `separate_run_in_leads` must equal.
_RUN_IN_REFERENCE = regex.compile(
    r"^(?![ \t\u3000]*(?:本报讯|又讯))(?P<title>[^\n，。；：！？,;:!?]{1,24}?)[ \t\u3000]*(?=本报讯|又讯)", regex.MULTILINE)
_BRIEF_PIECES = ["本报讯", "又讯", "讯", "■", "标题", "核酸检测居民有序", " ", "\u3000", "\n", "，", "。", "5月"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BRIEF_PIECES), max_size=30).map("".join))
def test_run_in_leads_found_by_the_scan_are_those_the_pattern_finds(text):
    from cleaners.paragraphs import separate_run_in_leads

    def reference(match: regex.Match) -> str:
        title = match.group("title")
        return title.rstrip(" \t\u3000") + "\n" if title.strip(" \t\u3000") else match.group(0)

    assert separate_run_in_leads(text)[0] == _RUN_IN_REFERENCE.sub(reference, text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"本报又讯核\n ", "本报讯", "又讯"]), max_size=24).map("".join))
@example("讯本报讯")  # a 讯 at the text's start: no glyph before it
@example("又本报讯讯")
def test_run_in_lead_starts_found_by_their_xun_are_the_pattern_s(text):
    from cleaners.paragraphs import RUN_IN_LEAD, _run_in_lead_starts

    assert _run_in_lead_starts(text) == [match.start() for match in RUN_IN_LEAD.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"核酸。 \n摄", "冯嘉莹", "通讯员", "本报"]), max_size=24).map("".join))
@example("工作。 冯嘉莹摄\n明前茶。通讯员蒋雨禾摄")  # two credits, the last at the page's end
def test_trailing_credits_found_by_their_she_are_those_of_every_line(text):
    from cleaners.paragraphs import TRAILING_CREDIT, separate_trailing_credits

    lines = text.split("\n")
    counts = [TRAILING_CREDIT.subn("\n", line) for line in lines]
    count = sum(n for _, n in counts)
    expected = ("\n".join(out for out, _ in counts), count) if count else (text, 0)
    assert separate_trailing_credits(text) == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"核a \n\r\t\u3000\u200b\u2028\ufeff\u00ad\x00\x85\x9f\xa0\u2065", "\U00020000"]),
                max_size=12).map("".join))
def test_debris_found_by_the_table_is_what_the_pattern_finds(text):
    from cleaners.hygiene import DEBRIS, _has_debris

    assert _has_debris(text) == bool(DEBRIS.search(text))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"核酸”“（）《》，a1", " ", "\u3000", "\t", "\u00a0", "\u2002", "\n"]), max_size=16).map("".join))
def test_a_line_with_no_space_inside_has_no_phrase_gap(line):
    """is_phrase_spaced_heading says no, without splitting, to a line whose stripped form
    holds no horizontal space: PHRASE_GAP finds nothing there."""
    from cleaners.lines import PHRASE_GAP, is_phrase_spaced_heading

    stripped = line.strip()
    if not any(space in stripped for space in " \u3000\t\u00a0"):
        assert len(PHRASE_GAP.split(stripped)) == 1
        assert not is_phrase_spaced_heading(line)


@pytest.mark.parametrize("space", [" ", "\u3000", "\t", "\u00a0"])
def test_a_phrase_gap_of_each_horizontal_space_is_read(space):
    from cleaners.lines import is_phrase_spaced_heading

    assert is_phrase_spaced_heading(f"抗击疫情{space}我们始终在一起")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from([*"核a1 ，。、；：！？,;:!?.“"]), max_size=12).map("".join))
def test_clause_punctuation_asked_mark_by_mark_is_the_pattern_s(line):
    from cleaners.lines import CLAUSE_PUNCT, has_clause_punct

    assert has_clause_punct(line) == (CLAUSE_PUNCT.search(line) is not None)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["2026", "２０２６", "年", "3", "月", "20", "日", " ", "\u3000", "\t", "星期五", "周日", "核", "，"]),
                max_size=10).map("".join))
@example("2026年3月20日 星期五")
@example("２０２６年３月２０日周日")  # full-width digits opening the line
def test_a_line_the_page_date_fast_test_turns_away_is_no_page_date(line):
    from cleaners.lines import PAGE_DATE, may_be_page_date

    assert may_be_page_date(line) or PAGE_DATE.fullmatch(line) is None


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(["2026年", "5月", "10日", "8日", "星期", "周", "五", "日", " ", "\u3000", "\n", "核"]),
                max_size=16).map("".join))
@example("2026年5月10日\n星期日\n2026年5月11日\n星期一")  # a weekday line that ends with 日, then a date
@example("2026年5月8日 \n星期五\n核日\n")  # a date line with a space before its break
def test_split_page_dates_joined_at_the_lines_ending_with_the_day_are_the_pattern_s(text):
    from cleaners.paragraphs import SPLIT_PAGE_DATE, join_split_page_dates

    expected = SPLIT_PAGE_DATE.subn(r"\g<date> \g<day>", text) if "日\n" in text else (text, 0)
    assert join_split_page_dates(text) == expected


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["▶", "►", "A03", "Ａ０２", "详见", "见", " ", "版", "核", "1", "\n"]), max_size=14).map("".join))
@example("▶►A03")  # a run of both arrows on a page with `►`
@example("核▶▶A03 ▶ 详见A02")  # and of one arrow, twice
def test_arrow_labels_found_by_the_form_picked_for_the_page_are_the_pattern_s(text):
    from cleaners.markers import ARROW_PAGE_LABEL, _arrow_page_labels

    def found(pattern):
        return [(m.span(), m.group("page")) for m in pattern.finditer(text)]

    assert found(_arrow_page_labels(text)) == found(ARROW_PAGE_LABEL)
