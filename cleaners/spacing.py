"""Inter-character spacing (contract rule 2).

No space between two CJK characters, between CJK and a digit or Latin letter, or
next to CJK punctuation; letter-spaced lines collapse. Spaces that carry meaning
stay, one each: between names in bylines and credits, between a headline's
phrases, after a dateline lead with no bracket, and between Latin words.
"""

from itertools import islice

import numpy as np
import regex

from cleaners.charclasses import BYLINE_ROLES, CELL_GAP, CJK_PUNCT, CJK_QUOTES, HAN, HSPACE
from cleaners.lines import (
    _BMP,
    ASCII_MARKS,
    EDITOR_ROLES,
    PAGE_DATE,
    has_clause_punct,
    is_byline,
    is_editor_credits,
    is_letter_spaced,
    is_phrase_spaced_heading,
    may_be_page_date,
    visible_width,
)

# Placeholder for a space that carries meaning, set before the removals and restored after.
_KEPT_SPACE = "\ue001"

# The glyphs on either side of a gap that GAP_BETWEEN_CJK and GAP_CJK_ALNUM remove (classes).
_CJK_SIDE = f"{HAN}{CJK_PUNCT}{CJK_QUOTES}"  # Han, CJK punctuation or a Chinese quote
_CJK_MARK_SIDE = f"{HAN}{CJK_PUNCT}"  # Han or CJK punctuation
_ALNUM_AFTER = "0-9A-Za-z+"  # a digit, a Latin letter or a plus sign after the gap
_ALNUM_BEFORE = "0-9A-Za-z%‰℃+"  # and before it, a unit sign too

# The (before, after) classes of each kind of gap, in the order the patterns below try them:
# between CJK; CJK then a digit or Latin; a digit or Latin then CJK; a quote and a digit.
_GAP_SIDES = ((_CJK_SIDE, _CJK_SIDE), (_CJK_MARK_SIDE, _ALNUM_AFTER), (_ALNUM_BEFORE, _CJK_MARK_SIDE),
              ("“‘", "0-9"), ("0-9", "”’"))


def _gap_between(before: str, after: str) -> str:
    """A pattern: a run of horizontal spaces between a glyph of class `before` and one of `after`."""
    return rf"(?<=[{before}])[{HSPACE}]+(?=[{after}])"


# Whitespace between two Chinese characters, punctuation or quotes: OCR's letter-spacing.
GAP_BETWEEN_CJK = regex.compile(_gap_between(*_GAP_SIDES[0]))

# Whitespace between CJK and a digit or Latin letter (`5 月 12 日`, `共发现 23 例`, `APP 办理`).
GAP_CJK_ALNUM = regex.compile("|".join(_gap_between(*sides) for sides in _GAP_SIDES[1:]))

# GAP_BETWEEN_CJK and GAP_CJK_ALNUM in one pass. Each matches a whole run of spaces by the
# characters on its two sides, which removing other runs leaves as they are: one pass removes
# what the two did one after the other, and counts as many.
_GAP_BESIDE_CJK = regex.compile(f"{GAP_BETWEEN_CJK.pattern}|{GAP_CJK_ALNUM.pattern}")


def _side_tables() -> tuple[bytes, bytes]:
    """For each BMP code point, the branches of _GAP_BESIDE_CJK (bit k: branch k) it opens as
    the glyph before a gap, and those it closes as the glyph after one: a gap goes when the
    two share a branch."""
    before, after = np.zeros((2, 0x10000), dtype=np.uint8)
    members = {}  # each class's code points, read once from the BMP
    for side_class in {side_class for sides in _GAP_SIDES for side_class in sides}:
        kept = regex.sub(f"[^{side_class}]+", "", _BMP)  # (one pass; finditer makes a match per member)
        members[side_class] = np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32)
    for k, (before_class, after_class) in enumerate(_GAP_SIDES):
        before[members[before_class]] |= 1 << k
        after[members[after_class]] |= 1 << k
    return before.tobytes(), after.tobytes()


_GAP_BEFORE, _GAP_AFTER = _side_tables()


def _gap_goes_beyond_bmp(before: str, after: str) -> bool:
    """Whether _GAP_BESIDE_CJK removes a run of spaces between `before` and `after`, one of
    them beyond the BMP (Han of the extensions), which the tables do not hold."""
    return _GAP_BESIDE_CJK.search(f"{before} {after}") is not None  # (its one space)


def _remove_gaps_beside_cjk(text: str) -> tuple[str, int]:
    """`_GAP_BESIDE_CJK.subn("", text)`. When the ASCII space is the only horizontal space in
    `text` (most pages once reflow has stripped their lines' indentation), read run by run of
    spaces from `str.split`, each decided by the glyphs on its two sides (look-ups in
    `_GAP_BEFORE` and `_GAP_AFTER`): the engine's scan tries its five branches at every
    position of the text.

    >>> _remove_gaps_beside_cjk("5 月 12 日  上午 APP 办理, in Hello World ")
    ('5月12日上午APP办理, in Hello World ', 6)
    """
    if "\u3000" in text or "\u00a0" in text or "\t" in text:
        return _GAP_BESIDE_CJK.subn("", text)
    parts = text.split(" ")
    before = parts[0]  # the text before the run of spaces at hand (empty only at the text's start)
    pieces, count, spaces = [before], 0, 1
    for part in islice(parts, 1, None):
        if not part:  # the run goes on (or the text ends with it)
            spaces += 1
            continue
        try:
            goes = before and _GAP_BEFORE[ord(before[-1])] & _GAP_AFTER[ord(part[0])]
        except IndexError:
            goes = _gap_goes_beyond_bmp(before[-1], part[0])
        if goes:
            count += 1
        else:
            pieces.append(" " * spaces)
        pieces.append(part)
        before, spaces = part, 1
    if spaces > 1:  # the text ends with a run of spaces
        pieces.append(" " * (spaces - 1))
    return "".join(pieces), count


# Whitespace inside a number or before its unit sign (`4. 2亿元`, `317 .7`, `3 . 5%`, `100 %`).
GAP_IN_NUMBER = regex.compile(
    rf"(?<=[0-9][{HSPACE}]*[.．])[{HSPACE}]+(?=[0-9])|(?<=[0-9])[{HSPACE}]+(?=[.．][{HSPACE}]*[0-9]|[%‰℃])"
)

# Runs of capitals parted by single spaces with no Latin word on either side (`CP I`, `G D P`):
# one acronym that OCR spaced apart when a run is a lone capital (`_join_acronym` decides).
SPACED_CAPITALS = regex.compile(r"(?<![A-Za-z][ ]?)[A-Z]{1,3}(?: [A-Z]{1,3})+(?![ ]?[A-Za-z])")

# Acronyms are short: a spaced run of capitals longer than this is Latin text, not one acronym.
MAX_ACRONYM = 6


def _join_acronym(match: regex.Match) -> str:
    pieces = match.group(0).split(" ")
    if min(map(len, pieces)) > 1 or sum(map(len, pieces)) > MAX_ACRONYM or _unit_and_word(match):
        return match.group(0)
    return "".join(pieces)


def _unit_and_word(match: regex.Match) -> bool:
    """Whether the run opens with a figure's unit and ends a word (`2.5G WAN ×1`, `4K HDR`),
    where a code the engine spaced goes on in figures (`91450102M A5K8T3C2X`)."""
    text, start, end = match.string, match.start(), match.end()
    return start > 0 and text[start - 1].isdigit() and (end == len(text) or not text[end].isalnum())


def join_spaced_acronyms(text: str) -> tuple[str, int]:
    """Write an acronym that OCR spaced apart as one word.

    >>> join_spaced_acronyms("5月份CP I同比上涨2.1%，G D P增长")
    ('5月份CPI同比上涨2.1%，GDP增长', 2)
    >>> join_spaced_acronyms("NBA CBA 联赛，in Hello World")[0], join_spaced_acronyms("接口：2.5G WAN")[0]
    ('NBA CBA 联赛，in Hello World', '接口：2.5G WAN')
    """
    if " " not in text:
        return text, 0
    count = 0

    def join(match: regex.Match) -> str:
        nonlocal count
        joined = _join_acronym(match)
        count += joined != match.group(0)
        return joined

    return SPACED_CAPITALS.sub(join, text), count

# Single digits spaced apart between Chinese text are one letter-spaced number (`2 0 2 3青阳`,
# `2  0  2  3青阳`: a run of spaces too, or collapsing runs would leave a new match behind);
# trailing space before a line's end counts as its end (hygiene strips it later: idempotence).
# (MULTILINE: `^` and `$` are line edges, so one pass over a whole page reads each line alone.)
GAP_IN_SPACED_DIGITS = regex.compile(
    rf"(?<=(?:^|[{HAN}{CJK_PUNCT}])[{HSPACE}]*[0-9](?:[{HSPACE}]+[0-9])*)[{HSPACE}]+"
    rf"(?=[0-9](?:[{HSPACE}]+[0-9])*[{HSPACE}]*(?:[{HAN}{CJK_PUNCT}]|$))",
    regex.MULTILINE,
)

# Runs of whitespace between Latin words collapse to one space.
SPACE_RUN = regex.compile(rf"[{HSPACE}]{{2,}}")

# A bracketed byline (`（记者 毛迎 孙江锋）`): its spaces between names carry meaning. (The role
# is looked for nearest first: a byline's bracket mostly opens with it.)
BYLINE_BRACKET = regex.compile(
    rf"[（(](?=[^（）()\n]{{0,20}}?(?:{BYLINE_ROLES}))[^（）()\n]{{1,60}}[）)]"
)

# The same for a line with no ASCII `(` (most): opening with the full-width bracket alone, a
# literal the engine scans for fast, where the class of two has it try every position.
_FULL_WIDTH_BYLINE_BRACKET = regex.compile(BYLINE_BRACKET.pattern.replace("[（(]", "（", 1))


def _byline_brackets(line: str) -> regex.Pattern:
    """BYLINE_BRACKET, or its full-width form when `line` has no ASCII `(`."""
    return BYLINE_BRACKET if "(" in line else _FULL_WIDTH_BYLINE_BRACKET

# A line with a horizontal space: only such a line has spaces to protect, remove or collapse.
_HAS_HSPACE = regex.compile(rf"[{HSPACE}]")


def _has_hspace(line: str) -> bool:
    """`_HAS_HSPACE.search(line)`, by HSPACE's four characters one by one: `in` is several times
    faster than a regex search, and spacing asks it of every line."""
    return " " in line or "\u3000" in line or "\t" in line or "\u00a0" in line

# Space between two Han glyphs, inside a byline.
_GAP_BETWEEN_HAN = regex.compile(rf"(?<={HAN})[{HSPACE}]+(?={HAN})")

# A headline's phrase gap without clause punctuation: between Han glyphs, or Han and a digit
# or a Latin letter (either way: `PHRASE_GAP_BARE`).
_PHRASE_GAP_KEPT = regex.compile(rf"(?<={HAN})[{HSPACE}]+(?=[0-9A-Za-z]|{HAN})|(?<=[0-9A-Za-z%])[{HSPACE}]+(?={HAN})")

# A dateline lead: 本报讯, 又讯, one with the place and date (`本报鹤屿9月15日讯`,
# `新华社北京3月17日电`) or a city's (`梧潭讯`, two to four Han before 讯: only where a space
# stood after it).
DATELINE_LEAD = r"本报讯|又讯|(?:本报|新华社|中新社)\p{Han}{1,6}?\d{1,2}月\d{1,2}日[讯电]"
# A dateline lead with no bracket keeps one space before what follows (`本报讯 11月7日`).
DATELINE_GAP = regex.compile(rf"^[{HSPACE}]*(?:{DATELINE_LEAD}|\p{{Han}}{{2,4}}讯)\K[{HSPACE}]+(?=[^（(\s])")


# A listing row's time keeps one space before its programme (`08:35 电视剧`): a clock time
# opening the line, then spaces.
CLOCK_ROW_GAP = regex.compile(rf"^[{HSPACE}]*(?:[01]?[0-9]|2[0-4])[:：][0-5][0-9]\K[{HSPACE}]+(?=\S)")


# A letter-spaced headline's phrase break: a gap between Han glyphs at least twice the line's
# usual gap (`以 赛 促 练   人 人 参 与`); the usual gaps are the typesetter's letter-spacing.
_HAN_GAP = regex.compile(rf"(?<=[\p{{Han}}”’）》])[{HSPACE}]+(?=[\p{{Han}}“‘（《])")


def keep_wide_gaps(line: str) -> str:
    """A letter-spaced line with its phrase breaks (gaps twice the usual) protected.

    >>> keep_wide_gaps("以 赛 促 练   人 人 参 与").replace(_KEPT_SPACE, "|")
    '以 赛 促 练|人 人 参 与'
    >>> keep_wide_gaps("坚 定 信 心 再 接 再 厉").replace(_KEPT_SPACE, "|")
    '坚 定 信 心 再 接 再 厉'
    """
    gaps = sorted(map(len, _HAN_GAP.findall(line)))
    if len(gaps) < 3:
        return line
    usual = gaps[len(gaps) // 2]
    wide = max(2, 2 * usual)
    if gaps[-1] < wide:  # no phrase break (most lines): nothing to protect
        return line
    return _HAN_GAP.sub(lambda m: _KEPT_SPACE if len(m.group(0)) >= wide else m.group(0), line)


# A row of cells a space apart, as lists, tables and information boxes print them (`面粉 500克`,
# `红球 05 15 18`, `6月7日 9:00—11:30 语文`, `联系人：甄先生 电话：139 4527 6618`): no clause or
# sentence mark but a field's label colon and a time's colon, a figure in a cell,
# every cell two glyphs or more (OCR's letter-spacing leaves cells of one; an engine's word
# groups hold no figure), and no wider than CELL_ROW_WIDTH. Its gaps between cells carry meaning and stay, but for a number's gap before
# its unit (`1.2 万人`) or a date's inside it (`2026年 5月`): `_cell_gaps_kept`.
_CELL_ROW_MARK = regex.compile(r"[，。、；！？,;!?]|(?<!\p{Han}{2,6}|[0-9])[：:]|[：:](?![0-9])(?<!\p{Han}{2,6}[：:])")
CELL_ROW_WIDTH = 40
_CELL_GLYPH = regex.compile(r"[\p{Han}0-9A-Za-z★☆]")  # (a rating's stars are a cell: `★★★★☆ 豆瓣 8.1`)
_FIGURE = regex.compile(r"[0-9]")

# A gap between cells that no row keeps: between a number and its unit or measure word,
# inside a date (after 年 or 月, a digit), before a range's dash read as 一 (`8:30 一17:30`), or
# between digits with Han run on either side (`5月2 0日`: one number).
_UNIT_GAP = regex.compile(
    rf"(?<=[0-9])[{HSPACE}]+(?=[万亿千百十元角个人名位次件台辆套户家所座条项年月日时分秒号期届版页倍岁克斤吨米里度一])"
    rf"|(?<=[年月])[{HSPACE}]+(?=[0-9])|(?<=\p{{Han}}[0-9.]*[0-9])[{HSPACE}]+(?=[0-9])|(?<=[0-9])[{HSPACE}]+(?=[0-9.]*[0-9]\p{{Han}})")

# A gap between two cells: between Han and figures, never beside a mark (no space beside CJK
# punctuation) nor between Latin and Han (`APP办理`: rule 2 holds in a row too).
_CELL_GAP_ANY = regex.compile(rf"(?<=[\p{{Han}}0-9%‰℃])[{HSPACE}]+(?=[\p{{Han}}0-9])|(?<=[A-Za-z])[{HSPACE}]+(?=[0-9])|(?<=[0-9])[{HSPACE}]+(?=[A-Za-z])")


def is_cell_row(line: str) -> bool:
    """A list's, table's or information box's row, its cells a space apart (`_CELL_ROW_MARK`).

    >>> is_cell_row("面粉 500克"), is_cell_row("6月7日 9:00—11:30 语文"), is_cell_row("电话：135 7452 0916 邹女士")
    (True, True, True)
    >>> is_cell_row("5 月 12 日"), is_cell_row("共发现 23 例，居民"), is_cell_row("坚定信心")
    (False, False, False)
    """
    if "，" in line or "。" in line or "、" in line or len(line) > 2 * CELL_ROW_WIDTH:
        return False  # fast tests first: most spaced lines are body text
    cells = line.split()
    if not 2 <= len(cells) <= 10 or not _FIGURE.search(line) or visible_width(line) > CELL_ROW_WIDTH:
        return False
    if _CELL_ROW_MARK.search(line):
        return False
    return all(len(_CELL_GLYPH.findall(cell)) >= 2 for cell in cells)


def _cell_gaps_kept(line: str) -> str:
    """A cell row with its gaps protected, but a number's before its unit or a date's inside it.

    >>> _cell_gaps_kept("面粉 500克 盐 1.2 万").replace(_KEPT_SPACE, "|")
    '面粉|500克|盐|1.2 万'
    >>> _cell_gaps_kept("红球 05 15 周五 5月2 0日").replace(_KEPT_SPACE, "|")
    '红球|05|15|周五|5月2 0日'
    """
    unit_gaps = {m.start() for m in _UNIT_GAP.finditer(line)}
    return _CELL_GAP_ANY.sub(lambda m: m.group(0) if m.start() in unit_gaps else _KEPT_SPACE, line)


# A picture credit's bare name before its 摄, alone or after the caption's last sentence
# (`白鹭溪畔。闻钟 摄`), or an author's or translator's before 著 or 译 (`方砚秋 著`,
# `[法] 让-吕克·贝尔纳 著`): the space printed before the credit's last word stays.
_BARE_CREDIT_GAP = regex.compile(
    rf"(?:^|(?<=[。！？”\]]))[{HSPACE}]*(?:\p{{Han}}{{2,4}}|[\p{{Han}}-]+·[\p{{Han}}·-]+)\K[{HSPACE}]+"
    rf"(?=(?:摄|著|译|绘|编著|主编)[{HSPACE}]*$)")

# A row of fields opening with a label and its colon (`联系人：甄先生 电话：139 4527 6618`,
# `数据来源：江岳证券信息中心 制表：韦舟`): the space before each further label stays.
_FIELD_ROW = regex.compile(rf"[{HSPACE}]*\p{{Han}}{{2,6}}[：:]")
_FIELD_LABEL_GAP = regex.compile(rf"(?<=[\p{{Han}}0-9A-Za-z）)])[{HSPACE}]+(?=\p{{Han}}{{2,6}}[：:])")


# The space before an editor credit's next role (`责任编辑：柏青 美编：罗一禾`): the credits' own.
_EDITOR_ROLE_GAP = regex.compile(rf"(?<=\p{{Han}})[{HSPACE}]+(?=(?:{EDITOR_ROLES}))")


def _protect_meaningful_spaces(line: str) -> str:
    if line.endswith(("摄", "著", "译", "绘", "编")):  # a credit's name and its last word (first: a
        line = _BARE_CREDIT_GAP.sub(_KEPT_SPACE, line)  # foreign name's line reads letter-spaced)
    if ("编" in line or "校对" in line or "版式" in line) and is_editor_credits(line):
        line = _EDITOR_ROLE_GAP.sub(_KEPT_SPACE, line)  # (the space `restore_dropped_spaces` puts back)
    if is_byline(line):
        return _GAP_BETWEEN_HAN.sub(_KEPT_SPACE, line.strip())
    if not has_clause_punct(line) and is_letter_spaced(line):  # cheaper test first
        kept = keep_wide_gaps(line)
        if _KEPT_SPACE not in kept:
            return kept
        # its phrase breaks stay only where the line they leave keeps them when cleaned again
        # (`记者 核 核  核` would leave `记者核核 核`, whose one gap between Han goes next time)
        once = _remove_gaps(kept)[0]
        return kept if _remove_gaps(_protect_meaningful_spaces(once))[0] == once else line
    if is_phrase_spaced_heading(line):  # its phrase gaps: no space stays beside CJK punctuation
        bare = not has_clause_punct(line) and not ASCII_MARKS.search(line)
        line = (_PHRASE_GAP_KEPT if bare else _GAP_BETWEEN_HAN).sub(_KEPT_SPACE, line)
    elif is_cell_row(line):  # (a listing's time opening it keeps its gap, `19:35 百姓热线`)
        return _cell_gaps_kept(CLOCK_ROW_GAP.sub(_KEPT_SPACE, line.strip()))
    if "（" in line or "(" in line:  # fast tests first: BYLINE_BRACKET opens with one
        line = _byline_brackets(line).sub(lambda m: _GAP_BETWEEN_HAN.sub(_KEPT_SPACE, m.group(0)), line)
    if "讯" in line or "电" in line:  # DATELINE_GAP follows a lead ending in 讯 or 电
        line = DATELINE_GAP.sub(_KEPT_SPACE, line)
    if ":" in line or "：" in line:  # CLOCK_ROW_GAP follows a time; a field's label holds one
        line = CLOCK_ROW_GAP.sub(_KEPT_SPACE, line)
        if _FIELD_ROW.match(line) and not ("。" in line or "！" in line or "？" in line):
            line = _FIELD_LABEL_GAP.sub(_KEPT_SPACE, line)
    return line


def repair_line_spacing(line: str) -> tuple[str, int]:
    """Spacing of one paragraph line.

    >>> repair_line_spacing("核 酸 检 测 ，居 民 有 序 排 队 、依 次 采样 。")
    ('核酸检测，居民有序排队、依次采样。', 13)
    >>> repair_line_spacing("本报讯（记者 毛迎 孙江锋）5 月 12 日上午，共 4. 2亿元")[0]
    '本报讯（记者 毛迎 孙江锋）5月12日上午，共4.2亿元'
    >>> repair_line_spacing("紧盯薄弱环节  落实防控措施")[0], repair_line_spacing("切 实 织 密 战“ 疫 ”防 线")[0]
    ('紧盯薄弱环节 落实防控措施', '切实织密战“疫”防线')
    >>> repair_line_spacing("本报讯 11月7日, 9:00 in Hello  World")[0]
    '本报讯 11月7日, 9:00 in Hello World'
    """
    return _remove_gaps(_protect_meaningful_spaces(line))


# A list item's number at a line's start, then spaces before Han (`1. 炮二平五`): the item's
# text follows its stop directly, as every set's gold prints it (59 of 59).
ITEM_NUMBER_GAP = regex.compile(rf"^[{HSPACE}]*[0-9]{{1,2}}[.．]\K[{HSPACE}]+(?=\p{{Han}})", regex.MULTILINE)


def _remove_gaps(protected: str) -> tuple[str, int]:
    """Drop meaningless gaps and collapse space runs in text whose meaningful spaces are
    protected; the kept spaces come back. Returns (text, removals)."""
    out, count = _remove_gaps_beside_cjk(protected)
    out, n = _remove_number_gaps(out)
    count += n
    if "." in out or "．" in out:  # a fast test first: an item's number needs its stop
        out, n = ITEM_NUMBER_GAP.subn("", out)
        count += n
    # Runs collapse before the acronyms join: `G  G` is spaced as `G G` is (once collapsed,
    # a second clean would join it). A fast test first: a run of two needs two ASCII spaces
    # or a space of another kind.
    if "  " in out or "\t" in out or "\u3000" in out or "\u00a0" in out:
        out, n = SPACE_RUN.subn(" ", out)
        count += n
    out, n = join_spaced_acronyms(out)
    count += n
    return out.replace(_KEPT_SPACE, " "), count


# A digit with a horizontal space beside it: every match of GAP_IN_NUMBER and GAP_IN_SPACED_DIGITS
# is a space beside a digit. (Only searched for: the digit first, a single range the engine
# scans for fast, where a class of spaces first has it try every position.)
_DIGIT_BESIDE_SPACE = regex.compile(rf"[0-9](?:(?<=[{HSPACE}].)|(?=[{HSPACE}]))")


def _lines_with_digit_beside_space(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` where _DIGIT_BESIDE_SPACE matches, in order. When
    the ASCII space is the text's only horizontal space (most pages once the gaps beside CJK
    are gone: a few spaces left), found by str.find for its spaces, each asked whether a digit
    stands beside it; else by the pattern, resuming at each such line's end.

    >>> _lines_with_digit_beside_space("共 4. 2亿元\\nin Hello\\n设计时速3 0 6公里")
    [(0, 8), (18, 29)]
    """
    spans = []
    if "\u3000" in text or "\u00a0" in text or "\t" in text:
        match = _DIGIT_BESIDE_SPACE.search(text)
        while match is not None:
            start, end = text.rfind("\n", 0, match.start()) + 1, text.find("\n", match.end())
            spans.append((start, len(text) if end < 0 else end))
            match = _DIGIT_BESIDE_SPACE.search(text, spans[-1][1])  # from the line's end: the next line
        return spans
    at, last = text.find(" "), len(text) - 1
    while at >= 0:
        if (at and "0" <= text[at - 1] <= "9") or (at < last and "0" <= text[at + 1] <= "9"):
            start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
            spans.append((start, len(text) if end < 0 else end))
            at = text.find(" ", spans[-1][1])  # from the line's end: the next line
        else:
            at = text.find(" ", at + 1)
    return spans


def _remove_number_gaps(text: str) -> tuple[str, int]:
    """GAP_IN_NUMBER, then GAP_IN_SPACED_DIGITS removed, read only in the lines with a space
    beside a digit (neither pattern reads across a line break). Returns (text, removals)."""
    spans = _lines_with_digit_beside_space(text)
    if not spans:
        return text, 0
    out, count = GAP_IN_NUMBER.subn("", "\n".join(text[start:end] for start, end in spans))
    out, n = GAP_IN_SPACED_DIGITS.subn("", out)
    pieces, done = [], 0
    for (start, end), line in zip(spans, out.split("\n"), strict=True):
        pieces += [text[done:start], line]
        done = end
    return "".join(pieces) + text[done:], count + n


def repair_intercharacter_spacing(text: str) -> tuple[str, int]:
    """Spacing of every line (one paragraph per line after reflow).

    >>> repair_intercharacter_spacing("史 根 治 向 在“ 战 地 ”过 节 的“ 大白”们\\n签约摄影师 马宁 摄")[0]
    '史根治向在“战地”过节的“大白”们\\n签约摄影师 马宁 摄'
    """
    # The removals never cross a line break, so after each spaced line's meaningful spaces are
    # protected they run once over all those lines: the same as line by line, in fewer calls.
    # A line with no horizontal space has nothing to protect, remove or collapse.
    if CELL_GAP in text:  # a table's cell gaps: kept spaces (a fast test first: most pages have none)
        text = text.replace(CELL_GAP, _KEPT_SPACE)
    lines = text.split("\n")
    spaced = [i for i, line in enumerate(lines) if _has_hspace(line) or _KEPT_SPACE in line]
    if not spaced:
        return text, 0
    out, count = _remove_gaps("\n".join(_protect_meaningful_spaces(lines[i]) for i in spaced))
    for i, line in zip(spaced, out.split("\n"), strict=True):
        lines[i] = line
    return "\n".join(lines), count


def count_residual_gaps(text: str) -> int:
    """Spaces between CJK characters that carry no meaning (what this rule would remove).

    >>> count_residual_gaps("核 酸 检 测，居民\\n紧盯薄弱环节 落实防控措施\\n（记者 毛迎 孙江锋）")
    3
    """
    return sum(
        len(GAP_BETWEEN_CJK.findall(_protect_meaningful_spaces(line)))
        for line in text.split("\n")
        if _has_hspace(line)
    )


# -- Spaces OCR dropped (contract rule 8), restored where the rule is certain. ---------------

# A byline role word (`记者`, `通讯员`, `本报记者`, `签约摄影师`, ...), the longest first.
ROLE_WORD = regex.compile(BYLINE_ROLES)

# A picture credit's last word: `摄` after a name (`陈默摄`).
CREDIT_END = regex.compile(r"(?<=\p{Han})(?<![ ])摄(?=[ ]*[）)]?[ ]*$)")

# A `/文` or `/图` credit mark glued to the next name (`李雪/文连敬春/图`).
CREDIT_MARK_GLUED = regex.compile(r"(?<=/[文图])(?=\p{Han})")

# A dateline lead glued to the text after it (`又讯为确保`, `本报讯5月8日`): one space after it.
# (Asked of one line at a time, so `^` is the line's start: no MULTILINE, which would have the
# engine try every position of the line.)
DATELINE_GLUED = regex.compile(rf"^[ \t\u3000]*(?:{DATELINE_LEAD})\K(?=[\p{{Han}}0-9])")

# A picture credit run in after its caption's last sentence (`图为活动现场。本报记者房芮摄`): the
# text after the last sentence end, when it ends with 摄.
_CAPTION_CREDIT = regex.compile(r"(?<=[。！？])[^。！？]{2,24}$")

# The space OCR dropped between an editor credit's role and name, or a name and the next role,
# comes back (`EDITOR_CREDITS`: the credits alone on their line).
_EDITOR_ROLE_GLUED = regex.compile(rf"(?:{EDITOR_ROLES})\K(?=\p{{Han}})")
_EDITOR_NAME_GLUED = regex.compile(rf"\p{{Han}}(?<!本版|责任|美术|图片|版面|值班)\K(?=(?:{EDITOR_ROLES}))")  # not inside `本版编辑`


# A byline's leading mark run into what follows: a credit for words and pictures (`文/图本报记者`)
# or an essay's square (`□柳远`): one space after it.
_LEAD_MARK_GLUED = regex.compile(r"^[ \t\u3000]*(?:[文图][/／][文图]|[□☐])\K(?=\p{Han})")


def space_byline(byline: str) -> str:
    """One space at each role boundary of a byline, before a final `摄` (when the byline has
    a role; `冯嘉莹摄` stays as printed) and before a supplier's `供稿`: after every role
    word followed by a name, and before a role word that follows a name (not before the first
    role: `新华社记者` is one word). Names are never split: where one ends is unknown.

    >>> space_byline("记者林晓通讯员周航"), space_byline("本报记者陈默摄")
    ('记者 林晓 通讯员 周航', '本报记者 陈默 摄')
    >>> space_byline("新华社记者王某摄"), space_byline("通讯员李雪/文连敬春/图")
    ('新华社记者 王某 摄', '通讯员 李雪/文 连敬春/图')
    >>> space_byline("县政府研究室供稿"), space_byline("文/图本报记者蒋小满"), space_byline("□柳远")
    ('县政府研究室 供稿', '文/图 本报记者 蒋小满', '□ 柳远')
    """
    pieces, last, roles = [], 0, 0
    for match in ROLE_WORD.finditer(byline):
        start, end = match.span()
        before = byline[last:start]
        pieces.append(before)
        # Before a role only after a name (two glyphs or more since the last space): `谢记者`
        # is no name and a role.
        if roles and len(before.rsplit(" ", 1)[-1]) >= 2 and not before.endswith((" ", "（", "(")):
            pieces.append(" ")
        pieces.append(match.group(0))
        if end < len(byline) and HAN_GLYPH.match(byline, end) and not ROLE_WORD.match(byline, end):
            pieces.append(" ")
        last, roles = end, roles + 1
    pieces.append(byline[last:])
    spaced = _LEAD_MARK_GLUED.sub(" ", "".join(pieces))
    if "/" in spaced:  # a fast test first: the mark is `/文` or `/图`
        spaced = CREDIT_MARK_GLUED.sub(" ", spaced)
    if spaced.endswith("供稿") and spaced[-3:-2] not in " \t\u3000":
        spaced = spaced[:-2] + " 供稿"  # a supplier's credit: `县政府研究室 供稿`
    # Before `摄` only after a role: a bare `冯嘉莹摄` is printed so as often as not.
    return CREDIT_END.sub(" 摄", spaced) if roles and "摄" in spaced else spaced


HAN_GLYPH = regex.compile(HAN)


# A Latin name of three letters or more in capitals and small letters run into its number
# (`Wi-Fi7`, `iOS15`; `Bo4` is a misread `B04`): the space
# between them goes back (every gold page sets one: `Wi-Fi 7`), where a code in capitals stays
# close (`PM2.5`, `ES6`).
MIXED_CASE_NUMBER = regex.compile(r"(?<=(?<![A-Za-z-])(?=[A-Za-z-]*[a-z])(?=[A-Za-z-]*[A-Z])[A-Za-z](?:-?[A-Za-z]){2,})(?=[0-9])")

# A phone number's groups run together where a phone label names it (`电话：18707453321`,
# `热线：0745-28601234`): a mobile's 3-4-4 and a landline's 4-4 after its area code, as most
# sets' gold pages print them (60 of 71 numbers) and the engine dropped the spaces of.
PHONE_LABEL = regex.compile(r"电话|热线|手机|联系方式")
MOBILE_GLUED = regex.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")
LANDLINE_GLUED = regex.compile(r"(?<![0-9])(0[0-9]{2,3}-[0-9]{4})([0-9]{4})(?![0-9])")

# A notice's signature alone on its line, who signs and the notice's verb with no space between
# (`韩叙舟亲属敬告`, `杜清和家属泣告`, `芷岸越剧团谨启`): the space set between them goes back;
# a notice's closing words (`特此敬告`, `谨此泣告`) are no signature.
NOTICE_SIGNATURE = regex.compile(r"(?P<who>\p{Han}{2,12}?)(?<!此)(?P<verb>敬告|泣告|谨告|哀告|谨启|敬启)")


def restore_dropped_spaces(text: str) -> tuple[str, int]:
    """Put back the spaces OCR dropped where the rule is certain: at the role boundaries of
    bylines and credits (a line of its own or a bracket after a lead), after a dateline
    lead with no bracket, between a page header's date and weekday, before a notice's verb
    in its signature (`NOTICE_SIGNATURE`) and between a name in both cases and its number
    (`MIXED_CASE_NUMBER`). Counts the spaces put back.

    >>> restore_dropped_spaces("本报讯（记者林晓通讯员周航）5月8日，开会。\\n又讯为确保安全，开会。\\n本报记者陈默摄")
    ('本报讯（记者 林晓 通讯员 周航）5月8日，开会。\\n又讯 为确保安全，开会。\\n本报记者 陈默 摄', 6)
    >>> restore_dropped_spaces("责任编辑庞雪美术编辑林默\\n责编 周琪\\n编辑部的故事\\n本版编辑郝晴")
    ('责任编辑 庞雪 美术编辑 林默\\n责编 周琪\\n编辑部的故事\\n本版编辑 郝晴', 4)
    >>> restore_dropped_spaces("韩叙舟亲属敬告\\n特此敬告")[0], restore_dropped_spaces("支持Wi-Fi7，PM2.5下降")[0]
    ('韩叙舟亲属 敬告\\n特此敬告', '支持Wi-Fi 7，PM2.5下降')
    """
    if not ("记" in text or "讯" in text or "摄" in text or "通" in text or "实" in text or "评" in text
            or "星期" in text or "周" in text or "编" in text or "校对" in text or "供稿" in text or "／" in text
            or "□" in text or "☐" in text or "告" in text or "启" in text
            or "-" in text or "i" in text or "o" in text or "电" in text or "热线" in text):
        return text, 0  # a fast test first: every case holds one of these
    credits_on_page = "编" in text or "校对" in text or "版式" in text  # editor credits hold one
    lines = text.split("\n")
    changed = False
    for k, line in enumerate(lines):
        if is_byline(line):
            line = space_byline(line)
        elif "（" in line or "(" in line:
            line = _byline_brackets(line).sub(lambda m: space_byline(m.group(0)), line)
        if "讯" in line or "电" in line:  # a fast test first: DATELINE_GLUED needs a lead ending in 讯 or 电
            line = DATELINE_GLUED.sub(" ", line)
        if line.endswith("摄") and (tail := _CAPTION_CREDIT.search(line)) and is_byline(tail.group()):
            line = line[: tail.start()] + space_byline(tail.group())  # a caption's credit run in after it
        if credits_on_page and is_editor_credits(line):
            line = _EDITOR_NAME_GLUED.sub(" ", _EDITOR_ROLE_GLUED.sub(" ", line))
        if "-" in line or "i" in line or "o" in line:  # a fast test first: a name in both cases holds one
            line = MIXED_CASE_NUMBER.sub(" ", line)
        if ("电" in line or "热线" in line or "手机" in line) and PHONE_LABEL.search(line):
            line = LANDLINE_GLUED.sub(r"\g<1> \g<2>", MOBILE_GLUED.sub(r"\g<1> \g<2> \g<3>", line))
        if ("告" in line or "启" in line) and (signed := NOTICE_SIGNATURE.fullmatch(line)):
            line = f"{signed.group('who')} {signed.group('verb')}"
        if "日" in line and may_be_page_date(line) and (date := PAGE_DATE.fullmatch(line)) and date.group("gap") == "":
            line = line[: date.start("gap")] + " " + line[date.start("gap"):]
        if line != lines[k]:
            lines[k], changed = line, True
    if not changed:  # most pages: their bylines are spaced already
        return text, 0
    spaced = "\n".join(lines)
    return spaced, spaced.count(" ") - text.count(" ")
