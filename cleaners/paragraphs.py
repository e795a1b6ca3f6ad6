"""Paragraph reflow (contract rule 1) from text evidence: one paragraph per line.

Two steps with a clear boundary (`cleaners.roles`): `line_features` reads the evidence of
every non-blank line of a page, `infer_text_roles` turns it into a role per line, and
`assemble_paragraphs` joins the lines. Engine files with geometry get their roles from boxes
instead and share the assembly.

The evidence holds across layouts: a line's width against its column's width (narrower and
wider), sentence ends, bracket and quote balance across a break, digits across a break,
punctuation that can never start a line, and the kinds of line that always stand alone
(leads, guide items, bylines, letter- and phrase-spaced headlines).
"""

import statistics
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import regex

from cleaners.charclasses import (
    CELL_GAP,
    HSPACE,
    NOT_IN_A_CELL,
    SENTENCE_END,
    SURNAMES,
    UNIT_SUFFIXES,
)
from cleaners.linebits import all_lines, as_ints, as_row, ones
from cleaners.lines import (
    BYLINE_ROLES,
    CLAUSE_MARKS,
    CLOSERS,
    CODE_POINT_EVIDENCE,
    ENDS_SENTENCE,
    HALF_CELLS,
    HEADER_ITEM_CELLS,
    LABELLED_FIGURE_CELLS,
    LEAD,
    LEAD_HEAD_AT_END,
    LEAD_TAIL_AT_START,
    LINK_FIRST,
    LINK_LINE,
    LIST_CLAUSE_END,
    LIST_ITEM,
    LIST_ITEM_FIRST,
    LONE_CREDIT_END,
    NEVER_STARTS_LINE_SET,
    NUMBER_SEPARATOR_MARKS,
    OPENERS,
    OPENS_PARAGRAPH,
    OPENS_PARAGRAPH_FIRST,
    OUTLETS,
    PAIR_OPENERS,
    PARAGRAPH_OPENER,
    PARAGRAPH_OPENER_FIRST,
    SENTENCE_LAST_GLYPHS,
    SENTENCE_MARKS,
    SPACES,
    bmp_table,
    ends_with_role,
    is_byline,
    is_editor_credits,
    is_figure,
    is_header_item,
    is_labelled_figure,
    is_page_date,
    is_source_credit,
    is_spaced_heading,
    visible_width,
)
from cleaners.markers import HARD_BREAK
from cleaners.roles import (
    CONTINUES,
    NEXT_CELL,
    NEXT_PHRASE,
    STARTS_PARAGRAPH,
    DisplayKind,
    LineRole,
    Role,
    assemble_paragraphs,
)
from cleaners.spacing import is_cell_row
from cleaners.words import SIDE as WORDS_SIDE
from cleaners.words import word_across

# Lines within this many lines of a break tell the column width there.
COLUMN_WINDOW = 8

# Line widths within this share of the median (or 2 cells) count as the same column.
COLUMN_TOLERANCE = 0.25

# Where this share of the body lines around a line or more end a sentence, the text is one
# paragraph per line already (a hard-wrapped column's lines end one in a few).
PARAGRAPH_LINE_SHARE = 2 / 3

# No newspaper column is wider than this many cells; wider lines are whole paragraphs.
MAX_COLUMN_WIDTH = 60

# A line of at least this width is a paragraph, not a column line, whatever its neighbours.
UNWRAPPED_WIDTH = 40

# A line this many cells or more off its column's width is not a column line: a headline
# printed across columns (wider) or a short display line (narrower).
OFF_COLUMN = 1.5

# A byline's wrapped end: at most the end of a name (`本报记者苏晴通讯员卞` / `晓丹`).
WRAPPED_NAME_CELLS = 4

# A display line's wrapped end, seen from the line above it (a few glyphs, no punctuation).
WRAPPED_TAIL_CELLS = 2

# A headline stack above a lead has at most this many lines (kicker, headline, subheadlines).
MAX_STACK = 4

# A guide box's lines are at most this many cells narrower than the body column (its frame).
GUIDE_BOX_INSET = 3
# Lines either side of a guide item whose widest gives its box's width.
GUIDE_BOX_NEAR = 4
# How much wider than its box a guide item's wrapped line may look.
GUIDE_BOX_OVER = 1.25

# A display line's wrapped end is at most this wide (a stack's lines are whole phrases, wider).
WRAPPED_DISPLAY_CELLS = 4.5

# An indented first line whose indentation OCR dropped is this many cells short of its column,
# give or take the slack that justification and OCR leave.
INDENT_CELLS = 2
INDENT_SLACK = 1.5

# A photo credit run on after a paragraph's last sentence is its own line: a name spaced off
# (`…检查工作。 冯嘉莹摄`), or a role and a name with or without spaces, the engine having read
# the caption and the credit beside it as one line (`…明前茶。通讯员蒋雨禾摄`).
TRAILING_CREDIT = regex.compile(
    rf"(?<=[。！？”])(?:[ \t\u3000]+(?=[\p{{Han}}·]{{2,4}}[ \t\u3000]*摄$)"
    rf"|[ \t\u3000]*(?=(?:{OUTLETS})?(?:{BYLINE_ROLES})[ \t\u3000]*[\p{{Han}}·]{{2,4}}[ \t\u3000]*摄$))",
    regex.MULTILINE,
)


# A photo caption opens with what the picture shows (`图为…`, `上图：…`); a QR code's with
# what to do with it, no clause punctuation after (`扫码下载“青春梧潭”App`, `扫一扫 看视频`; not
# `扫码、银联闪付和交通联合卡进站`).
CAPTION_START = regex.compile(
    r"^[ \t\u3000]*(?:图为|图片为|上图|下图|左图|右图|图①|图②|(?:扫码|扫一扫|扫描二维码|长按识别)(?=[^，。、；：！？\n]*$))")

# The first glyphs of what `ROLE_AT_START`, `LEAD_TAIL_AT_START` and `CAPTION_START` match, and
# the last glyphs of what `LEAD_HEAD_AT_END` matches: the per-line tests ask their regex only
# when a line's edge glyph is one of these (most lines are plain body text).
_ROLE_FIRST = frozenset(role[0] for role in BYLINE_ROLES.split("|")) | frozenset(
    outlet[0] for outlet in OUTLETS.split("|"))
# A byline role word: after a byline, only one of these running across a break joins it.
_ROLE_WORD = regex.compile(BYLINE_ROLES)
# ROLE_AT_START's test by str methods: its spaces stripped, the line starts with a role word.
_ROLE_WORDS = tuple(BYLINE_ROLES.split("|"))
_HSPACE_CHARS = HSPACE.encode().decode("unicode_escape")


def _opens_with_role(line: str) -> bool:
    """Whether ROLE_AT_START matches the line (as str methods: several times faster)."""
    return line.lstrip(_HSPACE_CHARS).startswith(_ROLE_WORDS)


def _opens_by_indentation_alone(line: str) -> bool:
    """Whether OPENS_PARAGRAPH matches `line` as indentation before a glyph that opens no lead,
    guide item or heading (most indented lines): then it matches with no group, and the line
    need not be asked. (A glyph that is not `str.isspace` is no regex whitespace either.)"""
    if line[:1] not in _HSPACE_SET:
        return False
    after = line.lstrip(_HSPACE_CHARS)[:1]
    return bool(after) and not after.isspace() and after not in _OPENS_FIRST_GLYPHS


_LEAD_TAIL_FIRST = frozenset("报讯（(〈《")
_LEAD_HEAD_LAST = frozenset("本报又讯")
# The last glyphs of the byline role words (`记者`, `通讯员`, `实习生`, `摄影`, `评论员`, `通讯`).
_ROLE_LAST = frozenset(role[-1] for role in BYLINE_ROLES.split("|"))
_CAPTION_FIRST = frozenset("图上下左右扫长")
_OPENER_FIRST = frozenset(PARAGRAPH_OPENER_FIRST)
_LINK_FIRST = frozenset(LINK_FIRST)


def _indices(mask: np.ndarray) -> np.ndarray:
    """Where a 1-D mask is true (`np.flatnonzero` without its wrapper: called a dozen times a page)."""
    return mask.nonzero()[0]


def _table(chars) -> np.ndarray:
    """A BMP look-up table: True at each of `chars`' code points."""
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


_IS_DIGIT = _table("0123456789")
_IS_OPENER = _table(PAIR_OPENERS)
_IS_HSPACE = _table(" \t\u3000\u00a0")
_IS_NEVER_FIRST = _table(NEVER_STARTS_LINE_SET)
_IS_CLAUSE = _table("，、；：,;:")
_IS_HAN = bmp_table(regex.compile(r"\p{Han}")).astype(bool)
_IS_ROLE_FIRST = _table(_ROLE_FIRST)
_IS_LEAD_TAIL_FIRST = _table(_LEAD_TAIL_FIRST)
_IS_LEAD_HEAD_LAST = _table(_LEAD_HEAD_LAST)
_IS_ROLE_LAST = _table(_ROLE_LAST)
_IS_CAPTION_FIRST = _table(_CAPTION_FIRST)
_IS_OPENER_FIRST = _table(_OPENER_FIRST)
_IS_LINK_FIRST = _table(_LINK_FIRST)
_IS_LIST_ITEM_FIRST = _table(LIST_ITEM_FIRST)
_IS_LIST_END = _table(LIST_CLAUSE_END)
_IS_OPENS_FIRST = bmp_table(OPENS_PARAGRAPH_FIRST).astype(bool)
_OPENS_FIRST_GLYPHS = frozenset(map(chr, _indices(_IS_OPENS_FIRST).tolist()))
_HSPACE_SET = frozenset(_HSPACE_CHARS)
_IS_SENTENCE_LAST = bmp_table(SENTENCE_LAST_GLYPHS).astype(bool)
_IS_SENTENCE_END = _table(SENTENCE_END)

# The tables a line's edges are looked up in, stacked, so that one look-up per edge reads them
# all: its first ink glyph's, its last ink glyph's, its first and its last character's.
_FIRST_GLYPH_TESTS = np.array([_IS_HAN, _IS_NEVER_FIRST, _IS_DIGIT, _IS_CAPTION_FIRST, _IS_ROLE_FIRST,
                               _IS_LEAD_TAIL_FIRST, _IS_LIST_ITEM_FIRST, _IS_OPENER_FIRST, _IS_LINK_FIRST])
# The last glyph of a PAGE_DATE match (its weekday's name, or the date's 日): only a line that
# ends with one need be asked `is_page_date`.
_PAGE_DATE_LAST = "一二三四五六日天"
_LAST_GLYPH_TESTS = np.array([_IS_OPENER, _IS_DIGIT, _IS_LEAD_HEAD_LAST, _table(HARD_BREAK), _IS_LIST_END,
                              _table(_PAGE_DATE_LAST), _IS_ROLE_LAST])
_FIRST_CHARACTER_TESTS = np.array([_IS_OPENS_FIRST, _IS_HSPACE])
# (a sentence end, or a glyph a sentence may end with that is none: a closing mark, an ASCII mark, a space)
_LAST_CHARACTER_TESTS = np.array([_IS_SENTENCE_END, _IS_SENTENCE_LAST & ~_IS_SENTENCE_END])


def _edge_tests(lines: list[str], points: np.ndarray, starts: np.ndarray,
                ends: np.ndarray) -> dict[str, np.ndarray]:
    """The tests of each line's first and last glyphs (its `starts`/`ends` in the page's code
    `points`) by table look-up; a line's regex runs only where its edge glyph allows a match.
    Each equals its scalar function of `cleaners.lines`."""
    ink = _indices(_IS_INK.take(points))  # every non-blank line has some
    at = ink.searchsorted(starts)
    # (gathers by `take`: several times cheaper than indexing by an array, at a page's sizes)
    first, last = ink.take(at), ink.take(ink.searchsorted(ends) - 1)
    second = ink.take(np.minimum(at + 1, len(ink) - 1))
    first_glyph = _FIRST_GLYPH_TESTS.take(points.take(first), axis=1)
    (han, never_first, starts_digit, caption_first, role_first, lead_tail_first, item_first, opener_first,
     link_first) = first_glyph
    ends_opening, ends_digit, lead_head_last, hard_end, ends_list, date_last, role_last = _LAST_GLYPH_TESTS.take(
        points.take(last), axis=1)
    opens_first, indented = _FIRST_CHARACTER_TESTS.take(points.take(starts), axis=1)
    sentence_end, may_end_sentence = _LAST_CHARACTER_TESTS.take(points.take(ends - 1), axis=1)
    one_glyph_clause = han & (second < ends) & _IS_CLAUSE.take(points.take(second))

    def asked(candidates: np.ndarray, test) -> np.ndarray:
        found = np.zeros(len(lines), dtype=bool)
        for i in _indices(candidates).tolist():
            found[i] = bool(test(lines[i]))
        return found

    # A line opens a paragraph (and is a lead or a guide item) only when its first character
    # can begin an OPENS_PARAGRAPH match; it ends a sentence when its last character is a
    # sentence end, or may when it is a closing mark, an ASCII mark or a space.
    # An item's number (`一、`, `（一）`), and whether it ends with a clause mark (`一、`, `3、`).
    list_item, number_mark = np.zeros((2, len(lines)), dtype=bool)
    for i in _indices(item_first).tolist():
        if (number := LIST_ITEM.match(lines[i])) is not None:
            list_item[i], number_mark[i] = True, number.group().endswith("、")
    opens, lead, guide = np.zeros((3, len(lines)), dtype=bool)
    opened = []  # (line, its kind: "lead", "guide" or None)
    for i in _indices(opens_first).tolist():
        if _opens_by_indentation_alone(lines[i]):
            opened.append((i, None))
        elif (match := OPENS_PARAGRAPH.match(lines[i])) is not None:
            opened.append((i, match.lastgroup))
    if opened:
        opens[[i for i, _ in opened]] = True
        lead[[i for i, group in opened if group == "lead"]] = True
        guide[[i for i, group in opened if group == "guide"]] = True
    return {
        "opens": opens,
        "lead": lead,
        "guide": guide,
        "ends_sentence": sentence_end | asked(may_end_sentence, ENDS_SENTENCE.search),
        "hard_end": hard_end,
        "indented": indented,
        "caption": asked(caption_first, CAPTION_START.match),
        "starts_fragment": never_first | one_glyph_clause,
        "starts_digit": starts_digit,
        "role_start": asked(role_first, _opens_with_role),
        "starts_lead_tail": asked(lead_tail_first, LEAD_TAIL_AT_START.match),
        "opener": asked(opener_first, PARAGRAPH_OPENER.match),
        "ends_role": asked(role_last, ends_with_role),
        "link": asked(link_first & ~han, LINK_LINE.fullmatch),
        "lone_credit_end": asked((first == last) & (points.take(first) == ord("摄")), LONE_CREDIT_END.fullmatch),
        "ends_opening": ends_opening,
        "ends_digit": ends_digit,
        "ends_lead_head": asked(lead_head_last, LEAD_HEAD_AT_END.search),
        "list_item": list_item,
        "number_mark": number_mark,
        "ends_list": ends_list,
        "may_be_page_date": date_last,  # (not evidence: where `is_page_date` may hold)
    }


@dataclass(frozen=True)
class LineFeatures:
    """Text evidence for each non-blank line of a page, as arrays of one entry per line.

    Each field equals a scalar reference function of `cleaners.lines` applied line by line
    (a property test holds them equal): `width` is `visible_width`, `clauses` counts
    `clause_marks`, `unclosed` is `unclosed_pairs`, `ends_sentence` is `ends_sentence`,
    `opens` is `opens_paragraph`, `display_type` is `is_display_type`, and so on. `column`
    and `in_column` read the line's neighbours.
    """

    width: np.ndarray  # visible width in CJK cells
    narrow: np.ndarray  # half-width glyphs (digits, Latin): their printed width is less certain
    clauses: np.ndarray  # clause or sentence punctuation marks (`clause_marks`)
    sentences: np.ndarray  # sentence-final marks (。！？)
    spaces: np.ndarray  # whitespace characters
    unclosed: np.ndarray  # brackets and quotes opened and not closed
    ends_sentence: np.ndarray
    opens: np.ndarray  # lead, guide item, heading, indentation or hard break: always a new line
    indented: np.ndarray  # opens with indentation: a paragraph start OCR kept, unless stronger evidence
    lead: np.ndarray  # a news lead (`本报讯…`): body text however it looks
    guide: np.ndarray  # a guide item (`■…`): wraps until a blank line
    hard_end: np.ndarray  # ends where a jump marker was removed: the story jumps away
    section_break: np.ndarray  # a story's section break (`＊＊＊`, `二`): ends its paragraph too
    display_type: np.ndarray  # letter- or phrase-spaced headline, byline, `#` heading, page date
    byline: np.ndarray  # `is_byline`
    page_date: np.ndarray  # `is_page_date`: a page header's date, no headline to wrap
    header_item: np.ndarray  # `is_header_item`: a page label or editor credits, no headline either
    credit: np.ndarray  # a byline that credits a picture (`… 摄`, `…/图`)
    caption: np.ndarray
    starts_fragment: np.ndarray  # opens with a closing mark or a one-glyph clause
    ends_opening: np.ndarray  # last glyph opens a pair
    starts_digit: np.ndarray
    role_start: np.ndarray  # opens with a byline role word (`本报记者…`)
    ends_lead_head: np.ndarray  # ends with the head of a lead word (`本报`)
    starts_lead_tail: np.ndarray  # opens with its tail (`讯`)
    opener: np.ndarray  # `opens_like_a_paragraph`: `“…`, `据统计，`, `今年以来，`
    ends_role: np.ndarray  # `ends_with_role`: a byline role word ends it, its name to come
    link: np.ndarray  # `is_link_line`: an e-mail or web address alone
    lone_credit_end: np.ndarray  # `is_lone_credit_end`: a credit's `摄` alone
    ends_digit: np.ndarray
    figure: np.ndarray  # `is_figure`: one figure alone (`782.6亿元`), as a figures box sets them
    list_item: np.ndarray  # `is_list_item`: opens with an item's number (`一、`, `（一）`) or `电话：`
    number_mark: np.ndarray  # the number ends with a clause mark (`一、`): not the line's punctuation
    ends_list: np.ndarray  # `ends_list_clause`: ends with `；` or `：`, a list's clause
    after_blank: np.ndarray  # a blank line (or more) before it
    block_size: np.ndarray  # lines in its run between blank lines
    column: np.ndarray  # median width of nearby body lines
    in_column: np.ndarray  # nearby lines look hard-wrapped, about that wide

    def __len__(self) -> int:
        return len(self.width)

    def row(self, i: int) -> dict:
        """The evidence of line `i` as plain values (for audits and reports)."""
        return {f.name: getattr(self, f.name)[i].item() for f in fields(self)}


def is_credit(line: str) -> bool:
    """A picture credit: ends with 摄 or names who made the picture (`连敬春/图`).

    >>> is_credit("签约摄影师 马宁 摄"), is_credit("记者 蔺洋")
    (True, False)
    """
    return line.rstrip().endswith("摄") or "/图" in line


# Every header item wider than three cells holds one of these (`is_header_item`).
HEADER_ITEM_ANCHORS = ("版", "期", "CN", "编", "校对", "报")

# CODE_POINT_EVIDENCE packed for sums over lines: each code point's six counts as 32-bit halves
# of three 64-bit integers (rows 0 and 1, 2 and 3, 4 and 5), so one sum of integers sums two
# counts (no line is long enough for a count to reach 2**32).
_PACKED_EVIDENCE = CODE_POINT_EVIDENCE[0::2].astype(np.uint64) | (
    CODE_POINT_EVIDENCE[1::2].astype(np.uint64) << np.uint64(32))
# The evidence of a line break (a column of _PACKED_EVIDENCE).
_LINE_BREAK_EVIDENCE = _PACKED_EVIDENCE[:, [ord("\n")]]
# The same six counts in one 64-bit integer, ten bits each, for pages whose lines are all
# shorter than SHORT_LINE (most: a count then stays below 2**10, a width counting two a glyph):
# one gather of one integer per code point instead of three.
SHORT_LINE = 500
_COUNT_BITS = 10
_COUNT_SHIFTS = np.arange(0, 6 * _COUNT_BITS, _COUNT_BITS, dtype=np.uint64)[:, None]
_PACKED_SHORT = (CODE_POINT_EVIDENCE.astype(np.uint64) << _COUNT_SHIFTS).sum(axis=0, dtype=np.uint64)
_LINE_BREAK_SHORT = _PACKED_SHORT[ord("\n")]
# Whether each BMP code point is ink (not whitespace).
_IS_INK = CODE_POINT_EVIDENCE[SPACES] == 0


def _per_line(points: np.ndarray, starts: np.ndarray, longest: int) -> np.ndarray:
    """The sums of each row of CODE_POINT_EVIDENCE over each line of the page's code `points`
    (`starts`: where each line begins; `longest`: the longest line's length), a column per line:
    a line is summed with the line break after it (the last line with one put after the page),
    whose evidence then comes off."""
    with_break = np.concatenate((points, [ord("\n")]))
    if longest < SHORT_LINE:
        packed = np.add.reduceat(_PACKED_SHORT.take(with_break), starts) - _LINE_BREAK_SHORT
        return ((packed >> _COUNT_SHIFTS) & np.uint64(2**_COUNT_BITS - 1)).astype(np.int64)
    packed = np.add.reduceat(_PACKED_EVIDENCE.take(with_break, axis=1), starts, axis=1) - _LINE_BREAK_EVIDENCE
    return packed.T.copy().view(np.uint32).T.astype(np.int64)  # a line's row: its six 32-bit counts


def _number_separators(text: str) -> list[int]:
    """Where NUMBER_SEPARATOR matches in `text`: a separator mark between two ASCII digits,
    found by str.find for each mark (a dozen a page), not by looking at every code point.

    >>> _number_separators("上午9:00开始,共1,083人")
    [3, 11]
    """
    found = []
    for mark in NUMBER_SEPARATOR_MARKS:
        at = text.find(mark, 1)  # (a mark opening the text has no digit before it)
        while 0 < at < len(text) - 1:
            if text[at - 1] in _ASCII_DIGITS and text[at + 1] in _ASCII_DIGITS:
                found.append(at)
            at = text.find(mark, at + 1)
    return sorted(found)


_ASCII_DIGITS = frozenset("0123456789")


# Offsets, from a line, of the lines in its window: around it, and on one side only (the line
# and those after it, those before it and the line), to gather all windows at once.
_AROUND = np.arange(-COLUMN_WINDOW, COLUMN_WINDOW + 1)
_AFTER = np.arange(0, COLUMN_WINDOW + 1)
_BEFORE = np.arange(-COLUMN_WINDOW, 1)


def _window_columns(widths: np.ndarray, body: np.ndarray, offsets: np.ndarray,
                    none_wider: bool = False) -> tuple[np.ndarray, ...]:
    """For each line, over the body lines at `offsets` from it: their median width, whether
    most of them are about that wide (a hard-wrapped column; `none_wider`: and none wider
    than that, as a column's lines never are), whether there are enough of them to tell, and
    how far from the median a line of the column may be."""
    pad = COLUMN_WINDOW
    padded = np.full(len(widths) + 2 * pad, np.nan)
    padded[pad : pad + len(widths)] = np.where(body, widths, np.nan)
    near = padded.take(np.arange(len(widths))[:, None] + pad + offsets)  # row i: the widths at i + offsets
    near.sort(axis=1)
    window = len(offsets)
    count = window - np.isnan(near).sum(axis=1)  # (a sum of booleans: np.count_nonzero by row is slower)
    # The median: the middle width, or the mean of the two middle ones, read from the flat
    # table (each row starts `window` cells after the one before). A row without widths
    # reads a NaN of its own beside the cell before it: its median is a NaN.
    flat, row_starts = near.ravel(), np.arange(0, near.size, window)
    column = (flat.take(row_starts + (count - 1) // 2) + flat.take(row_starts + count // 2)) / 2
    tolerance = np.maximum(2.0, COLUMN_TOLERANCE * column)
    within = ((near >= (column - tolerance)[:, None]) & (near <= (column + tolerance)[:, None])).sum(axis=1)
    enough = count >= 3
    # (most of them: within / count >= 0.5, read in integers)
    in_column = enough & (2 * within >= count) & (column <= MAX_COLUMN_WIDTH)
    if none_wider:  # the widest is the last width before the NaNs (a row without: NaN, never <=)
        in_column &= flat.take(row_starts + count - 1) <= column + tolerance
    return column, in_column, enough, tolerance


def _paragraph_per_line(full: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """For each line: whether most of the `full` lines around it (`COLUMN_WINDOW`: lines about
    as wide as their neighbours, with clause marks or none) end a sentence (`PARAGRAPH_LINE_SHARE`): text one
    paragraph per line, whose lines' widths are no column's however alike. A column breaks its
    full lines wherever the width runs out, mostly inside a sentence."""
    def around(marked: np.ndarray) -> np.ndarray:  # how many are marked within the window
        total = np.concatenate(([0], np.cumsum(marked)))
        at = np.arange(len(marked))
        return total[np.minimum(at + COLUMN_WINDOW + 1, len(marked))] - total[np.maximum(at - COLUMN_WINDOW, 0)]
    return around(full & ends) >= PARAGRAPH_LINE_SHARE * np.maximum(around(full), 1)


def column_widths(widths: np.ndarray, body: np.ndarray, ends: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For each line: the median width of nearby body lines (lines with clause punctuation),
    and whether they look like a hard-wrapped column (most of them about that wide). Text
    already one paragraph per line has no column, so it is never rewrapped.

    Near a change of column width (a story in a narrower column under an editor's note set
    across two, a box), the lines around a line are of two columns; then the lines on one
    side of it, the line among them, may be one column it fits, none of them wider than the
    column (text one paragraph per line has no such side: cleaning stays idempotent).
    Measured on the dev splits: paragraph F1 of tests/eval_fresh 0.900 -> 0.911, of
    tests/eval_third 0.837 -> 0.856, tests/eval 0.951 -> 0.952 (the spent held-out of
    tests/eval_fresh 0.934 -> 0.931).

    >>> column, in_column = column_widths(np.array([12, 12, 11.5, 12, 5, 30]), np.ones(6, bool))
    >>> column.tolist()[:2], in_column.tolist()
    ([12.0, 12.0], [True, True, True, True, True, True])
    >>> note_then_column = np.array([26.0] * 6 + [8, 11, 11, 11, 10.5, 11, 11, 4])
    >>> column_widths(note_then_column, np.ones(14, bool))[1][7:10].tolist()
    [True, True, True]
    """
    column, in_column, enough, tolerance = _window_columns(widths, body, _AROUND)
    if not in_column.all():
        for offsets in (_AFTER, _BEFORE):
            side, side_in, _, side_tolerance = _window_columns(widths, body, offsets, none_wider=True)
            fits = ~in_column & side_in & (np.abs(widths - side) <= side_tolerance)
            column, in_column = np.where(fits, side, column), in_column | fits
    if ends is not None and in_column.any():
        in_column &= ~_paragraph_per_line(np.abs(widths - column) <= tolerance, ends)
    if enough.all():  # no line falls back on the page's median
        return column, in_column
    page = statistics.median(widths[body].tolist()) if body.any() else float("inf")
    return np.where(enough, column, page), in_column


def _rows_holding(text: str, glyphs: tuple[str, ...], newlines: np.ndarray, row_of: np.ndarray) -> set[int]:
    """The rows (among the non-blank lines) of the lines that hold any of `glyphs`, found by
    str.find (each glyph is rare on a page: a pattern or a per-line test would read every line)."""
    found = []  # where each glyph stands (then their rows in one look-up)
    for glyph in glyphs:
        at = text.find(glyph)
        while at >= 0:
            found.append(at)
            at = text.find(glyph, at + 1)
    if not found:
        return set()
    rows = set(row_of.take(newlines.searchsorted(found)).tolist())
    rows.discard(-1)
    return rows


def line_features(text: str) -> tuple[list[str], LineFeatures]:
    """The page's non-blank lines and their evidence.

    Sums over code points (width, punctuation, spaces, pairs) come from one table look-up of
    the whole page; the tests of a line's start and end from table look-ups of its first and
    last glyphs, with a regex only where the glyph allows a match; display type line by line
    (few lines, cheap tests).
    """
    points = np.minimum(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), 0xFFFF)
    newlines = _indices(points == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(points)]))
    lengths = ends - starts
    sums = _per_line(points, starts, lengths.max())
    blank = sums[SPACES] == lengths
    rows = _indices(~blank)  # the non-blank lines, in order
    lines = list(map(text.split("\n").__getitem__, rows.tolist()))

    new_block = np.ones(len(rows), dtype=bool)
    new_block[1:] = rows[1:] != rows[:-1] + 1
    block = new_block.cumsum()
    counts = sums.take(rows, axis=1)  # the sums of the non-blank lines
    spaces, has_space = counts[SPACES], counts[SPACES] > 0
    width = counts[HALF_CELLS] / 2
    clauses = counts[CLAUSE_MARKS]
    if "," in text or ":" in text:  # number separators (`1,083`, `9:00`) are no clause marks
        if separators := _number_separators(text):  # each counted on its line
            clauses = clauses - np.bincount(newlines.searchsorted(separators), minlength=len(starts)).take(rows)
    visible = lengths.take(rows) - spaces
    sentences = counts[SENTENCE_MARKS]
    edges = _edge_tests(lines, points, starts.take(rows), ends.take(rows))
    column, in_column = column_widths(width, clauses > 0, edges["ends_sentence"])
    # Display type and bylines only where they can be: a byline has no clause punctuation, a
    # spaced headline one mark at most and no sentence end, a Markdown heading a `#`.
    asked = (clauses == 0) | ((clauses == 1) & (sentences == 0) & has_space)
    if "#" in text:
        asked |= has_space
    # `is_display_type` in three parts: a byline, a page date (asked only of lines whose last
    # glyph allows one, read in `_edge_tests`), or (with a space) a spaced heading.
    section_break = np.zeros(len(rows), dtype=bool)
    section_break[_section_breaks(lines, width, edges["ends_sentence"], clauses)] = True
    spaced, punctuated = has_space.tolist(), (counts[CLAUSE_MARKS] > 0).tolist()
    may_be_page_date = edges["may_be_page_date"].tolist()
    bylines, headings, dates = [], [], []
    for i in _indices(asked).tolist():
        if is_byline(lines[i]):
            bylines.append(i)
        elif may_be_page_date[i] and is_page_date(lines[i]):
            dates.append(i)
        elif spaced[i] and is_spaced_heading(lines[i], punctuated[i]):
            headings.append(i)
    credits = [i for i in bylines if is_credit(lines[i])]
    row_of = np.full(len(starts), -1)  # each line's row among the non-blank lines
    row_of[rows] = np.arange(len(rows))
    # A digest item's source (`来源：…`) stands alone as a byline does: only the lines holding
    # 源 (found by str.find) with no sentence end are asked.
    bylines += [i for i in sorted(_rows_holding(text, ("源",), newlines, row_of))
                if not sentences[i] and is_source_credit(lines[i])]
    # (figures asked only of lines opening with a digit, no clause mark)
    figures = [i for i in _indices(edges["starts_digit"] & (clauses == 0)).tolist() if is_figure(lines[i])]
    # (and labelled figures only of the lines holding a colon, found by str.find: most lines
    # with one clause mark hold a comma)
    colons = _rows_holding(text, ("：", ":"), newlines, row_of)
    if colons:
        labelled = ~edges["starts_digit"] & (clauses == 1) & (sentences == 0) & (width <= LABELLED_FIGURE_CELLS)
        figures += [i for i in sorted(colons) if labelled[i] and is_labelled_figure(lines[i])]
    # The rows found, all set in one step: byline, credit, page date, display type, figure.
    found = [bylines, credits, dates, bylines + headings + dates, figures]
    byline, credit, page_date, display_type, figure = marked = np.zeros((len(found), len(rows)), dtype=bool)
    marked[[row for row, places in enumerate(found) for _ in places], [i for places in found for i in places]] = True
    # Header items: a page label is at most three cells wide, or holds 版 or 期 (`第4版`,
    # `第5823期`); a registration number CN, editor credits 编, 校对 or 版式, a paper's name 报: only the lines
    # holding one (found by str.find) and no sentence end, at most HEADER_ITEM_CELLS wide, are asked
    header_item = np.zeros(len(rows), dtype=bool)
    held = set(_indices(width <= 3).tolist()) | _rows_holding(text, HEADER_ITEM_ANCHORS, newlines, row_of)
    header_item[[i for i in held if width[i] <= HEADER_ITEM_CELLS and not sentences[i]
                 and is_header_item(lines[i])]] = True
    display_type |= header_item
    return lines, LineFeatures(
        width=width,
        narrow=2 * visible - counts[HALF_CELLS],
        clauses=clauses,
        sentences=sentences,
        spaces=spaces,
        unclosed=counts[OPENERS] - counts[CLOSERS],
        ends_sentence=edges["ends_sentence"],
        opens=edges["opens"],
        indented=edges["indented"],
        lead=edges["lead"],
        guide=edges["guide"],
        hard_end=edges["hard_end"],
        section_break=section_break,
        display_type=display_type,
        byline=byline,
        page_date=page_date,
        header_item=header_item,
        credit=credit,
        caption=edges["caption"],
        starts_fragment=edges["starts_fragment"],
        ends_opening=edges["ends_opening"],
        starts_digit=edges["starts_digit"],
        role_start=edges["role_start"],
        ends_lead_head=edges["ends_lead_head"],
        starts_lead_tail=edges["starts_lead_tail"],
        opener=edges["opener"],
        ends_role=edges["ends_role"],
        link=edges["link"],
        lone_credit_end=edges["lone_credit_end"],
        ends_digit=edges["ends_digit"],
        figure=figure,
        list_item=edges["list_item"],
        number_mark=edges["number_mark"],
        ends_list=edges["ends_list"],
        after_blank=new_block & (rows > 0),
        block_size=np.bincount(block).take(block),
        column=column,
        in_column=in_column,
    )


class _LineBits(NamedTuple):
    """The line tests that `display_lines` and the breaks weigh, each an int with a bit per
    line (`cleaners.linebits`): the fields of `LineFeatures` of the same names, and the
    comparisons of widths and counts they read (`_line_bits`)."""

    lines: int  # every line
    ends_sentence: int
    opens: int
    indented: int
    lead: int
    guide: int
    hard_end: int  # a jump marker's place or a section break (`section_break`): the paragraph ends
    display_type: int
    byline: int
    header_item: int  # a page header's date, label or editor credits: no display line's wrapped end
    credit: int
    caption: int
    starts_fragment: int
    ends_opening: int
    starts_digit: int
    role_start: int
    ends_lead_head: int
    starts_lead_tail: int
    opener: int
    ends_role: int
    link: int
    lone_credit_end: int
    ends_digit: int
    figure: int
    list_item: int
    number_mark: int
    ends_list: int
    after_blank: int
    in_column: int
    punctuated: int  # clauses > 0, an item number's mark aside (its complement: no clause mark)
    no_sentences: int  # sentences == 0
    unclosed: int  # unclosed > 0
    in_block: int  # block_size >= 2 (its complement: a block of one line)
    unwrapped: int  # width >= UNWRAPPED_WIDTH
    tail_wide: int  # width <= WRAPPED_TAIL_CELLS
    name_wide: int  # width <= WRAPPED_NAME_CELLS
    display_tail_wide: int  # width <= WRAPPED_DISPLAY_CELLS
    off_column: int  # narrower even if each half-width glyph took a whole cell, or wider as counted
    indent_short: int  # about two cells short of its column
    indent_exact: int  # exactly two cells short (a whole number of cells)
    at_column: int  # within a cell of its column's width
    full: int  # fills its column
    short: int  # short of its column even if each half-width glyph took a whole cell
    reaches: int  # about fills its column if each half-width glyph took a whole cell
    shrinks: int  # the next line is at most 0.6 of its width
    sure_width: int  # at most two half-width glyphs: its width is as printed, within a cell


# The width tests of `_LineBits`, each a range [low, high] of one measure of a line: 0 its
# width, 1 its width less its column's, 2 its reach (`_line_bits`) less its column's width. A
# width is a whole number of half cells and a column of quarter cells, so the differences
# are exact and each range holds just the lines its comparison in `_LineBits` holds.
_WIDTH_TESTS = np.array([
    (0, UNWRAPPED_WIDTH, np.inf),  # unwrapped
    (0, -np.inf, WRAPPED_TAIL_CELLS),  # tail_wide
    (0, -np.inf, WRAPPED_NAME_CELLS),  # name_wide
    (0, -np.inf, WRAPPED_DISPLAY_CELLS),  # display_tail_wide
    (2, -np.inf, -OFF_COLUMN),  # off_column, narrower: reach <= column - OFF_COLUMN
    (1, OFF_COLUMN, np.inf),  # off_column, wider: width >= column + OFF_COLUMN
    (1, -INDENT_CELLS - INDENT_SLACK, -INDENT_CELLS + INDENT_SLACK),  # indent_short
    (1, -INDENT_CELLS - 0.5, -INDENT_CELLS + 0.5),  # indent_exact, with a whole number of cells
    (1, -1, 1),  # at_column
    (1, -1, np.inf),  # full
    (2, -np.inf, -2),  # short
    (2, -1, np.inf),  # reaches
])
_MEASURE, _LOW, _HIGH = _WIDTH_TESTS[:, 0].astype(np.intp), _WIDTH_TESTS[:, 1:2], _WIDTH_TESTS[:, 2:3]


def _line_bits(f: LineFeatures) -> _LineBits:
    """The tests of `_LineBits`, computed as arrays and packed into ints in one step; the width
    tests as ranges of three measures (`_WIDTH_TESTS`), all in one comparison."""
    width, column = f.width, f.column
    reach = width + f.narrow / 2  # the widest each line may be printed: a half-width glyph may take a cell
    shrinks = np.zeros(len(f), dtype=bool)
    shrinks[:-1] = width[1:] <= 0.6 * width[:-1]
    measures = np.array([width, width - column, reach - column]).take(_MEASURE, axis=0)
    (unwrapped, tail_wide, name_wide, display_tail_wide, narrower, wider, indent_short, indent_near, at_column,
     full, short, reaches) = (measures >= _LOW) & (measures <= _HIGH)
    table = np.array([
        f.ends_sentence, f.opens, f.indented, f.lead, f.guide, f.hard_end | f.section_break, f.display_type, f.byline,
        f.page_date | f.header_item, f.credit, f.caption, f.starts_fragment, f.ends_opening, f.starts_digit, f.role_start,
        f.ends_lead_head, f.starts_lead_tail, f.opener, f.ends_role, f.link, f.lone_credit_end, f.ends_digit, f.figure, f.list_item, f.number_mark, f.ends_list,
        f.after_blank,
        f.in_column,
        f.clauses > f.number_mark,
        f.sentences == 0,
        f.unclosed > 0,
        f.block_size >= 2,
        unwrapped, tail_wide, name_wide, display_tail_wide,
        narrower | wider,
        indent_short,
        indent_near & (width == np.floor(width)),
        at_column, full, short, reaches,
        shrinks,
        f.narrow <= 2,
    ], dtype=bool)
    return _LineBits(all_lines(len(f)), *as_ints(table))


def figure_runs(b: _LineBits) -> int:
    """The figures with another figure within two lines: a figures box (`782.6亿元` /
    `全市地区生产总值` / `8.3%` / …), each figure and label a line of its own. A lone figure
    may be a headline's wrapped end (`…发案数下降` / `31.5%`)."""
    figure = b.figure
    return figure & ((figure << 1) | (figure << 2) | (figure >> 1) | (figure >> 2))


def display_lines(b: _LineBits) -> int:
    """Which lines stand alone as display type: spaced headlines, bylines and `#` headings
    (`is_display_type`), captions, and lines shaped like display type: no punctuation at all,
    off their column's width (narrower or wider), after a sentence end, a blank line or
    another such line (a headline stack, a subhead) and not an indented first line (about
    two cells short, with a full line after it); a numbered subhead (`一、工作回顾`, no
    punctuation after its number and `、`); and a caption: a line opening with `图为`, or
    a one-line sentence right above a picture credit. (Bits of `b`: `x >> 1` reads the next
    line, `x << 1` the line before.)"""
    bare = b.lines & ~b.punctuated & ~b.ends_sentence & ~b.lead & ~b.opens
    # The next line is a column line (over a column break too), neither short nor wider.
    next_in_column = b.at_column >> 1
    # The next line is a wrapped display line's end: a few glyphs without punctuation.
    next_tail = (bare & b.tail_wide & ~b.after_blank) >> 1
    shaped = bare & (b.off_column | next_tail) & ~(b.indent_short & next_in_column) & ~b.byline
    # After a sentence end, a jump marker, or white space below anything but a sentence of
    # body text left unfinished (a column break runs on).
    unfinished = (b.punctuated & ~b.ends_sentence) << 1
    follows_end = ((b.ends_sentence | b.hard_end) << 1) | 1 | (b.after_blank & ~unfinished)
    follows_shaped = shaped << 1
    # A one-line sentence between a sentence end and a picture credit is the picture's caption.
    above_credit = (b.credit >> 1) & b.ends_sentence & follows_end & ~b.byline
    # A figures box: its figures, and the line without punctuation under each (its label).
    figures = figure_runs(b)
    labels = bare & (figures << 1)
    # A numbered subhead (`一、2025年工作回顾`): a number with its `、`, no punctuation after it
    # (`（三）全面推进乡村` opens a paragraph with its bold lead-in, wrapped), and no short line
    # with punctuation under it (an item's wrapped end: `一、滨河路沿线居民和` / `商户；`).
    numbered_heads = b.number_mark & bare & ~((b.punctuated & b.short) >> 1)
    display = (b.display_type | b.caption | above_credit | (shaped & (follows_end | follows_shaped)) | figures
               | labels | numbered_heads)
    return (display | _above_leads(b, bare)) & b.lines


def _above_leads(b: _LineBits, bare: int) -> int:
    """The lines without punctuation right above a lead (`本报讯…`), back to the last sentence
    end: the story's headline stack, whatever their width (and a deck wider than the column
    with a comma but no sentence end right above the lead, `纯电续航125公里，综合油耗3.8L/100km`,
    under a line without punctuation); none when they go on from a guide item (a brief's title
    wrapped over them)."""
    above = 0
    deck = b.off_column & b.full & ~b.ends_sentence & ~b.lead  # (off its column and full: wider)
    stops = ~bare | b.hard_end | b.guide  # a line the stack does not reach over
    for lead in ones(b.lead | (b.byline & ~b.credit & ((b.lines & ~b.byline & ~b.display_type) >> 1))):
        i = lead - 1
        if i >= 0 and deck >> i & 1 and not (b.hard_end | b.guide) >> i & 1:
            i -= 1  # the deck, right over the lead or byline
        while i >= 0 and not stops >> i & 1 and lead - i <= MAX_STACK:
            i -= 1
        between = all_lines(lead) & ~all_lines(i + 1)  # lines i + 1 .. lead - 1
        if i >= 0 and (b.guide & b.in_column) >> i & 1 and not b.after_blank & between:
            continue  # a brief's title (`■…`) wrapped over these lines in its column: the item goes on
        if between & deck and not between & bare:
            continue  # a deck under no headline: a paragraph's last line over an essay's byline
        above |= between
    return above


class _BreakEvidence(NamedTuple):
    """The evidence of each break between two consecutive non-blank lines `p` and `n` that
    does not depend on the words across breaks (`_break_evidence`): read once, whether the
    breaks are decided once or again with the words (`_breaks_that_join`). Bit k of each: the
    break after line k (of `full`: line k)."""

    full: int  # each line fills its column (per line, not per break)
    never: int  # `p` ends where a jump marker was, or `n` opens a paragraph (not by indentation)
    always: int  # strong evidence that `n` goes on with `p`, words across aside
    wrapped: int  # a byline's end wrapped onto `n`
    wrapped_display: int  # `n` is a few glyphs wrapped from the display line `p`
    same_block: int  # no blank line between `p` and `n`
    prev_has_punct: int  # `p` has clause punctuation or is a lead: body text
    alone: int  # `p` is a short block of one line
    joins_in_block: int  # by width, inside a hard-wrapped column
    bare_over_blank: int  # over a blank line, when `p` is no body text
    heading: int  # `p` is a heading over an indented first line: it goes on from nothing above


def _break_evidence(b: _LineBits, standalone: int) -> _BreakEvidence:
    """The evidence of each break that `_breaks_that_join` weighs (see there), words across
    aside. A break's bit is its line `p`'s: a test of `p` is the line's bit, a test of `n` the
    line's bit shifted down one (`x >> 1`); the bits past the last break are masked."""
    breaks = b.lines >> 1
    # Exactly two cells short, with a full line after it: an indented first line even after
    # a sentence that filled its line (a line with digits or Latin may be short by other
    # amounts: their width is less certain).
    next_full = (b.full & ~b.after_blank) >> 1
    # A list item's number or contact label after a sentence, a list's clause, a number or a
    # short line with no punctuation (a subhead's end) opens the item (its `一、` is no
    # one-glyph clause broken from a word).
    item_next = ((b.list_item >> 1) & (b.ends_sentence | b.ends_list | b.ends_digit | (~b.punctuated & b.short))
                 & ~(b.ends_digit & ((b.starts_digit & b.number_mark) >> 1)))  # `与3` / `5、595指挥中心`: a number
    # broken (`马8进7` / `2.马二进三`, an item's number and a stop before Han, continues none)
    # A short line ending a list's clause (`各区教育局、各考点学校：`, an item's `…（双号）；`) ends
    # its paragraph: the salutation or the item stops there; a label's value may wrap under it
    # (`热线电话：` / `0736-96399`, `电子邮箱：` / `nsmx@…`).
    list_end = b.ends_list & b.short & ~b.ends_sentence & ~((b.starts_digit | b.link) >> 1)
    never = b.hard_end | ((b.opens & ~b.indented) >> 1) | item_next | b.lone_credit_end | list_end  # a credit's end ends it
    # A display line of a few glyphs, under half as wide as the display line above it, is that
    # line's wrapped end (a headline set in one column), not a line of a stack.
    bare = ~b.punctuated & ~b.ends_sentence
    wrapped_display = (
        standalone & ~b.byline & ~b.caption & ~b.header_item & b.shrinks
        & ((bare & ~b.display_type & b.display_tail_wide & ~figure_runs(b)) >> 1)
    )  # over a blank line too: a cleaned page has none, and must read the same
    # A byline OCR wrapped in a narrow column: the last name's end alone on the next line.
    wrapped_byline = (
        b.role_start & ~b.punctuated & ~b.credit
        & ((bare & b.name_wide & ~b.after_blank & ~b.display_type) >> 1)
    )
    # A byline wrapped before its next role (`本报记者 陆晚晴` / `通讯员 白杨`): one byline (the
    # role's space comes back in `restore_dropped_spaces`); a picture credit stays apart.
    byline_runs_on = b.byline & ~b.credit & ((b.role_start & b.byline & ~b.credit & ~b.after_blank) >> 1)
    # A caption wrapped in its column goes on until its sentence ends (`图为…志` / `愿者为老人打饭。`).
    caption_runs_on = b.caption & b.no_sentences & b.in_column & b.full & ((~b.after_blank & ~b.byline) >> 1)
    # A role word wants its name on the next line; a credit's `摄` wrapped alone ends the line
    # before: a byline or credit wrapped so is one line, still of its own.
    role_wraps = (b.ends_role & ~((b.lead | b.guide | b.opens) >> 1)) | (b.lone_credit_end >> 1)
    # An address alone on a line goes on from a sentence left open above it.
    link_wraps = (b.link >> 1) & b.punctuated & ~b.ends_sentence
    always = breaks & (
        ((b.starts_fragment >> 1) & ~item_next)
        | wrapped_byline
        | byline_runs_on
        | caption_runs_on
        | b.ends_opening
        | (b.unclosed & ~b.ends_sentence & ~(b.byline >> 1))  # a byline continues no quote
        | (b.ends_digit & ~b.header_item & ((b.starts_digit & ~b.header_item) >> 1))  # `B04` / a page date: no number
        | (b.ends_lead_head & (b.starts_lead_tail >> 1))
        | (b.lead & b.ends_lead_head)  # a lead alone on its line (`本报讯` / `“空腹血糖…`): its story goes on
        | wrapped_display
        | role_wraps
        | link_wraps
    )
    # A page with no hard-wrapped column (a cleaned page): only over a blank line. A column is
    # hard-wrapped where one of its lines stops in mid-sentence; a cleaned page's paragraphs of
    # like length look like a column's lines, but end their sentences.
    if not (b.in_column & ~b.ends_sentence & b.punctuated):
        always &= b.after_blank >> 1
    prev_has_punct = b.punctuated | b.lead  # a lead (`本报讯（记者 …）5 月`) is body text
    # In a block: only inside a hard-wrapped column. A line ending a sentence joins only if it
    # fills the column, is not as wide as a whole paragraph and the next line is not an
    # indented first line; a short line without punctuation above a short line is a subhead,
    # above a full line an indented first line.
    # A line with no punctuation over an indented first line (exactly two cells short, at most
    # two half-width glyphs, a full line after it) is a heading however wide: a paragraph's
    # lines in between are full.
    heading = bare & ((b.indent_exact & b.sure_width & ~b.ends_sentence & next_full) >> 1)
    ended = (b.full & ~b.unwrapped & ~((b.indent_exact & ~b.ends_sentence & next_full) >> 1)
             & ~(b.opener >> 1) & ~(heading >> 1))  # a full line's sentence end, then how paragraphs open: a new one
    goes_on = prev_has_punct | ~b.short | (b.reaches >> 1)
    joins_in_block = b.in_column & ((b.ends_sentence & ended) | (~b.ends_sentence & goes_on & ~heading))
    # Over a blank line: a column break when a sentence of body text is left unfinished. A line
    # without punctuation standing alone is display type, unless it is as wide as its column
    # and body text ran into it from the line before (in `_breaks_that_join`).
    runs_on = (b.in_block | b.unwrapped) >> 1
    alone = ~b.in_block & ~b.unwrapped
    wide_after = b.unwrapped >> 1
    bare_over_blank = (runs_on | (b.punctuated >> 1)) & ((alone & wide_after) | (~alone & (~b.short | runs_on)))
    return _BreakEvidence(
        full=b.full, never=never & breaks, always=always,
        wrapped=(wrapped_byline | byline_runs_on | role_wraps) & breaks, wrapped_display=wrapped_display & breaks,
        same_block=~(b.after_blank >> 1) & breaks, prev_has_punct=prev_has_punct & breaks,
        alone=alone & breaks, joins_in_block=joins_in_block & breaks, bare_over_blank=bare_over_blank & breaks,
        heading=heading & breaks,
    )


def _breaks_that_join(f: LineFeatures, b: _LineBits, standalone: int, e: _BreakEvidence,
                      word_across: int = 0) -> int:
    """For each break between two consecutive non-blank lines `p` and `n` (bit k: the break
    after line k): whether `n` goes on with `p`'s paragraph. All breaks at once, from their
    evidence `e` (`_break_evidence`); the reasons, strongest first:

    1. never: `p` ends where a jump marker was, or `n` always opens a paragraph (by indentation
       only when nothing under 2 says otherwise);
    2. always: `n` starts with punctuation no line starts with or with a one-glyph clause
       (the end of a word broken at `p`), `p` ends with an opening
       bracket or quote, `p` leaves a pair open mid-sentence, a number or a lead word
       (`本报` / `讯`) runs across, a byline's last name wraps, `n`
       is a few glyphs wrapped from the display line `p`, or a word runs across the break
       (`word_across`, when the caller read it: `_words_across_breaks`);
    3. never: either line stands alone (`display_lines`);
    4. otherwise by width in a block, or by whether the text runs on over a blank line.
    """
    breaks = b.lines >> 1
    # A word across the break after a line standing alone (a subhead: `三看地面找平` / `铺木地板前，`
    # reads `平铺`) says nothing when a full line of body text follows (or an indented first
    # line, two cells short): a display line's wrap is display text too.
    word_across &= ~(standalone & ((b.punctuated & (b.full | b.indent_short)) >> 1))
    always = e.always | word_across
    # A display line or byline wrapped inside a word or a name goes on as one line of its own:
    # its end stands apart from what follows too.
    wrapped_alone = (e.wrapped | word_across) & standalone
    # Indentation opens a paragraph unless strong evidence says the sentence goes on.
    never = e.never | ((b.indented >> 1) & ~always)
    # A line that strong evidence joined to the line before is not a display line of its own
    # (`本报讯〈记者 罗晓梅` / `通讯员 印志远) 连日来，全` looks phrase-spaced alone).
    standalone = (standalone & ~((always & ~e.wrapped_display) << 1)) | (wrapped_alone << 1)
    apart = standalone | (standalone >> 1)

    unfinished, may_join, not_apart = ~b.ends_sentence, breaks & ~never, ~apart  # read by each decision

    def decide(body: int, continued: int | None) -> int:
        # A short line a sentence ran into is no subhead: its width is less certain than that.
        in_block = e.joins_in_block if continued is None else (
            e.joins_in_block | (b.in_column & continued & unfinished & ~e.heading))
        over_blank = unfinished & (body | e.bare_over_blank)
        by_shape = not_apart & ((e.same_block & in_block) | (~e.same_block & over_blank))
        return may_join & (always | by_shape)

    # A line alone between blank lines right under a display line is part of a headline stack
    # even with a comma (`第九轮核酸检测，社会面仅1例阳性`).
    under_display = (standalone << 1) & ~b.lead
    body = e.prev_has_punct & ~(e.alone & under_display)
    joins = decide(body, None)  # no line continued yet
    # A line a sentence of body text ran into is body text too (when full, even over a blank).
    continued = (joins << 1) & breaks
    if continued:
        joins = decide(body | (continued & e.full), continued)
    if b.guide:
        count = len(f) - 1
        wrapped = _guide_items_wrap(f, as_row(joins, count), as_row(never | (apart & ~always), count))
        joins = as_ints(wrapped[None])[0]
    return joins


def _guide_items_wrap(f: LineFeatures, joins: np.ndarray, never: np.ndarray) -> np.ndarray:
    """A guide item wraps over lines until a blank line: within a paragraph that opens with
    one, a break joins exactly when nothing forbids it and it stays in the block."""
    same_block = ~f.after_blank[1:]
    # A line wraps only when it reached its box's end (a guide box is set inside a frame): the
    # box is as wide as the widest guide item's first line near it, or the body column if
    # that is narrower (a box of 7-cell items beside 12-cell columns: its items wrap at 7).
    reach = f.width + f.narrow / 2  # a half-width glyph may take a cell
    near = np.zeros(len(f))  # the widest guide item within GUIDE_BOX_NEAR lines (few per page)
    for i in _indices(f.guide).tolist():
        around = near[max(0, i - GUIDE_BOX_NEAR) : i + GUIDE_BOX_NEAR + 1]
        np.maximum(around, reach[i], out=around)
    box = np.where(near > 0, np.minimum(f.column, near), f.column)
    # ... and the next line about fits in the box too (a quarter wider is a column's line
    # after the box; OCR's letter-spacing leaves an item's first line narrower than it was).
    full = (f.width[:-1] >= box[:-1] - GUIDE_BOX_INSET) & (f.width[1:] <= GUIDE_BOX_OVER * box[:-1] + 1)
    in_guide_joins = (~never & same_block & full).tolist()
    decided = joins.copy()
    guide = f.guide.tolist()
    kept_apart = _indices(~joins).tolist()  # where paragraphs end outside guide items
    line = 0  # a line that opens a paragraph; from one to the next:
    while line < len(guide):
        if guide[line]:  # a guide item: its breaks join while they may, up to the first that may not
            k = line
            while k < len(decided) and in_guide_joins[k]:
                decided[k] = True
                k += 1
            if k < len(decided):
                decided[k] = False
        else:  # any other paragraph: up to the next break the evidence kept apart
            at = bisect_left(kept_apart, line)
            k = kept_apart[at] if at < len(kept_apart) else len(decided)
        line = k + 1
    return decided


# The roles of lines that stand apart, one object each (roles are immutable).
_GUIDE, _BYLINE, _CREDIT, _CAPTION = (LineRole(Role.GUIDE), LineRole(Role.BYLINE), LineRole(Role.CREDIT),
                                      LineRole(Role.CAPTION))
_HEADLINE = LineRole(Role.DISPLAY, DisplayKind.HEADLINE)


def _standalone_role(f: LineFeatures, i: int, display: bool) -> LineRole:
    """The role of line `i`, which opens a new line of the output; `display`: it stands alone
    as display type (its kind is read from its stack afterwards, `_name_stacks`)."""
    if f.guide[i]:
        return _GUIDE
    if f.byline[i]:
        return _CREDIT if f.credit[i] else _BYLINE
    if f.caption[i] or (display and f.ends_sentence[i] and i + 1 < len(f) and f.credit[i + 1]):
        return _CAPTION
    return _HEADLINE if display else STARTS_PARAGRAPH


# The display kinds of a stack of display lines, by its length (more lines: subheadlines).
_STACKS = {1: (DisplayKind.HEADLINE,), 2: (DisplayKind.HEADLINE, DisplayKind.SUBHEADLINE),
           3: (DisplayKind.KICKER, DisplayKind.HEADLINE, DisplayKind.SUBHEADLINE)}


def _name_stacks(f: LineFeatures, roles: list[LineRole], starts: list[int], shown: list[int]) -> list[LineRole]:
    """Each run of display lines named by its length: one line is a headline (a subhead when
    it stands inside a story, narrower than the column, between body paragraphs), two a
    headline and its subheadline, three a kicker, headline and subheadline. `starts`: the
    lines that do not continue the one before, in order (the others are wrapped ends);
    `shown`: the places in `starts` of the display lines, in order."""
    runs: list[list[int]] = []  # display lines with nothing but their wrapped ends between
    after_run: list[int] = []  # the line that starts the output's next line after each run
    for n, k in enumerate(shown):
        if n and shown[n - 1] == k - 1:  # the display line before starts the output's line before
            runs[-1].append(starts[k])
        else:
            runs.append([starts[k]])
            after_run.append(0)
        after_run[-1] = starts[k + 1] if k + 1 < len(starts) else len(roles)
    for run, after in zip(runs, after_run, strict=True):
        first = run[0]
        inside_story = (len(run) == 1 and first > 0 and f.width[first] < f.column[first]
                        and roles[first - 1].role in (Role.CONTINUES, Role.STARTS_PARAGRAPH)
                        and after < len(roles) and roles[after].role is Role.STARTS_PARAGRAPH)
        kinds = _STACKS.get(len(run), (DisplayKind.KICKER, DisplayKind.HEADLINE, *[DisplayKind.SUBHEADLINE] * len(run)))
        for i, kind in zip(run, kinds, strict=False):
            roles[i] = LineRole(Role.DISPLAY, DisplayKind.SUBHEAD if inside_story else kind)
    return roles


# A headline and the display line under it, each at least PHRASE_CELLS_MIN and at most
# PHRASE_CELLS_MAX cells wide with no space or punctuation, are one headline printed in two
# phrases (`百年竹编` / `编出致富新路`); a subheadline is longer (`老年人每餐最低只需八元就能吃饱`).
# Ten, not eight: over the nine eval sets' text pages (both splits) ten kept more headline
# spaces (0.806 -> 0.821 on the mean) and lost less CER (2.669% -> 2.657%); twelve joined
# headline-subheadline pairs the gold keeps apart.
PHRASE_CELLS_MIN = 4
PHRASE_CELLS_MAX = 10


def _two_phrase_headlines(f: LineFeatures, roles: list[LineRole], starts: list[int]) -> list[LineRole]:
    """The roles with each headline/subheadline (or two subheadlines) pair of short bare
    phrases made one headline: the second goes on as the headline's next phrase (`NEXT_PHRASE`,
    a space between); never three phrases, nor a page header's date or credits. `starts`: the
    lines that start a line of the output (a subheadline does), in order."""
    out_roles = list(roles)
    subheadline = DisplayKind.SUBHEADLINE  # (read once: the search reads every start's role)
    for i in [i for i in starts if roles[i].display is subheadline]:
        a, b = roles[i - 1], roles[i]
        if not (i and a.role is Role.DISPLAY and a.display in (DisplayKind.HEADLINE, subheadline)
                and b.role is Role.DISPLAY):
            continue
        wrapped = i + 1 < len(roles) and not roles[i + 1].starts_line  # the phrase goes on: longer
        # In a hard-wrapped column only (a cleaned page has none: it must read the same again);
        # no figure or its label (a figures box), no byline, page date or numbered item.
        if out_roles[i - 1] is NEXT_PHRASE:
            continue  # a headline of two phrases, not three
        if not wrapped and all(f.in_column[k] and f.clauses[k] == 0 and f.spaces[k] == 0 and not f.figure[k]
                               and not (k and f.figure[k - 1]) and not f.byline[k] and not f.page_date[k]
                               and not f.header_item[k] and not f.list_item[k]  # (numbered items: a list)
               and PHRASE_CELLS_MIN <= f.width[k] <= PHRASE_CELLS_MAX for k in (i - 1, i)):
            out_roles[i] = NEXT_PHRASE
    return out_roles


# A letter's signature (`——读者 何素琴`, `——编者`): a dash pair and a few Han alone on a line;
# wrapped, the name (two to four Han) alone on the next line goes on after it, a space between.
SIGNATURE = regex.compile(r"[ \t\u3000]*——[\p{Han}·]{1,8}[ \t\u3000]*")
_SIGNED_NAME = regex.compile(r"[ \t\u3000]*[\p{Han}·]{2,4}[ \t\u3000]*")


# A story's section break alone on a line: a row of stars (`＊＊＊`), or its number (`二`)
# between a sentence's end and a line of prose (a headline's first glyph wrapped alone, `一` /
# `座桥连起的是民心`, is none); a figure alone is a table's cell as often.
SECTION_STARS = regex.compile(r"[ \t\u3000]*(?:[＊*☆★][ \t\u3000]*){2,5}")
SECTION_NUMBER = regex.compile(r"[ \t\u3000]*[一二三四五六七八九十]{1,3}[ \t\u3000]*")
SECTION_BREAK_CELLS = 5


def _section_breaks(lines: list[str], width: np.ndarray, sentences: np.ndarray, clauses: np.ndarray) -> list[int]:
    """The rows of the section breaks (`SECTION_STARS`, `SECTION_NUMBER`; `sentences`: whether
    each line ends a sentence, `clauses`: its clause marks): each ends its paragraph as a jump
    marker does (`二` / `回镇上的路…` is no `二回`)."""
    found = []
    for i in _indices(width <= SECTION_BREAK_CELLS).tolist():
        if 0 < i < len(lines) - 1 and (SECTION_STARS.fullmatch(lines[i]) or (
                SECTION_NUMBER.fullmatch(lines[i]) and sentences[i - 1] and clauses[i + 1])):
            found.append(i)
    return found


# A list of names read one a line (a 公示's grid in plain text: the grid's rows are not in the
# text): at least NAME_LIST_MIN lines in a row, each two or three Han alone, four in five of
# them opening with a common surname (`SURNAMES`), are one line, a space between names.
NAME_LIST_MIN = 6
_LONE_NAME = regex.compile(r"[ \t\u3000]*\p{Han}{2,3}[ \t\u3000]*")


# A list of units read one a line (a 公示's 先进集体 grid in plain text): at least UNIT_LIST_MIN
# lines in a row, each four to sixteen Han (maybe with digits) alone, four in five ending as a
# unit's name does (`UNIT_SUFFIXES`), are one line, a space between units.
UNIT_LIST_MIN = 4
_LONE_UNIT = regex.compile(r"[ \t\u3000]*[\p{Han}0-9]{4,16}[ \t\u3000]*")


def _unit_lists(lines: list[str], roles: list[LineRole], bare: list[int]) -> list[LineRole]:
    """The roles with each run of unit names alone on their lines (`UNIT_LIST_MIN`) one line;
    `bare`: the lines, in order, that may be one (no clause mark, at most ITEM_CELLS wide)."""
    return _item_runs(lines, roles, [i for i in bare if _LONE_UNIT.fullmatch(lines[i])], UNIT_LIST_MIN,
                      lambda line: line.strip().endswith(UNIT_SUFFIXES))


# A list's item alone on a line is at most this many cells wide (a unit's name of sixteen Han).
ITEM_CELLS = 16


def _item_runs(lines: list[str], roles: list[LineRole], items: list[int], minimum: int, typical) -> list[LineRole]:
    """The roles with each run of at least `minimum` consecutive lines among `items` (the lines,
    in order, that are an item alone), four in five of them `typical` of the list, made one
    line: the first starts it, the others go on after it as a table's next cells (`NEXT_CELL`:
    one kept space between items, which spacing would take between Han); a table's cells are
    no such run, and the line after a run starts anew."""
    out, run = roles, []
    for i in [*(i for i in items if roles[i] is not NEXT_CELL), -2]:
        if run and i == run[-1] + 1:
            run.append(i)
            continue
        if len(run) >= minimum and 5 * sum(typical(lines[k]) for k in run) >= 4 * len(run):
            out = list(out) if out is roles else out
            out[run[0]] = STARTS_PARAGRAPH
            for k in run[1:]:
                out[k] = NEXT_CELL
            after = run[-1] + 1
            if after < len(lines) and out[after] is CONTINUES:
                out[after] = STARTS_PARAGRAPH
        run = [i]
    return out


# A directory's entry (`供水服务热线：0729-8826 1150`, `燃气抢修：0729-8817`, `市民服务热线：12345`):
# a short name, a colon and a phone number ending the line (a landline with its area code, a
# mobile number, a service number: 12345, 95598, 110), digit groups maybe apart by a space or a hyphen.
DIRECTORY_ENTRY = regex.compile(
    r"[ \t\u3000]*[\p{Han}·（）()]{2,10}[：:][ \t\u3000]*"
    r"(?:0[0-9]{2,3}[- ]?[0-9]{3,4}(?:[ ]?[0-9]{4})?|1[0-9]{2}[ ]?[0-9]{4}[ ]?[0-9]{4}|1[0-9]{4}|9[0-9]{4}|1[12][0-9])"
    r"[ \t\u3000]*")
# A phone number's wrapped last groups alone on the next line (`0119`, `7362 0581`).
_DIGIT_GROUP = regex.compile(r"[ \t\u3000]*[0-9]{2,4}(?:[ ][0-9]{4})?[ \t\u3000]*")


def _directory_entries(lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with each directory entry (`DIRECTORY_ENTRY`) a line of its own: it starts
    a paragraph, and so does the line after it, unless that is its number's wrapped last group."""
    out = roles
    for i, line in enumerate(lines):
        if ("：" in line or ":" in line) and DIRECTORY_ENTRY.fullmatch(line):
            out = list(out) if out is roles else out
            out[i] = STARTS_PARAGRAPH
            after = i + 1
            if after < len(lines) and _DIGIT_GROUP.fullmatch(lines[after]):
                after += 1
            if after < len(lines) and out[after].role is Role.CONTINUES:
                out[after] = STARTS_PARAGRAPH
    return out


def _bare_page_numbers(lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with a bare page number on one of the page's first lines (`BARE_PAGE_LINES`:
    `城市笔记` / `24`, a weekly's header) a line of its own, joining nothing."""
    out = roles
    for i in range(min(BARE_PAGE_LINES, len(lines))):
        if _BARE_PAGE.fullmatch(lines[i].strip()):
            out = list(out) if out is roles else out
            out[i] = STARTS_PARAGRAPH
            if i + 1 < len(lines) and out[i + 1].role is Role.CONTINUES:
                out[i + 1] = STARTS_PARAGRAPH
    return out


def _name_lists(lines: list[str], roles: list[LineRole], bare: list[int]) -> list[LineRole]:
    """The roles with each run of names alone on their lines (`NAME_LIST_MIN`) one line;
    `bare`: the lines, in order, that may be one (no clause mark, at most ITEM_CELLS wide)."""
    return _item_runs(lines, roles, [i for i in bare if len(lines[i]) <= 6 and _LONE_NAME.fullmatch(lines[i])],
                      NAME_LIST_MIN, lambda line: line.strip()[0] in SURNAMES)


def _signatures(lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with each signature line (`SIGNATURE`) a line of its own, and a name alone
    on the line after it going on after it (`NEXT_PHRASE`)."""
    out = roles
    for i, line in enumerate(lines):
        if line.lstrip().startswith("——") and SIGNATURE.fullmatch(line):
            out = list(out) if out is roles else out
            if out[i] is CONTINUES:
                out[i] = STARTS_PARAGRAPH
            if i + 1 < len(lines) and _SIGNED_NAME.fullmatch(lines[i + 1]):
                out[i + 1] = NEXT_PHRASE
            elif i + 1 < len(lines) and out[i + 1] is CONTINUES:
                out[i + 1] = STARTS_PARAGRAPH
    return out


# A listing's row opens with a clock time (`06:00 朝闻鹤屿`, or the time alone on its line,
# the programme on the next): a row of its own. Prose wraps before a time with no space after it.
CLOCK_ROW = regex.compile(rf"[{HSPACE}]*(?:[01]?[0-9]|2[0-4])[:：][0-5][0-9](?P<alone>[{HSPACE}]*$)?(?(alone)|[{HSPACE}]+\S)")


# A time run straight into Han or a range at a line's start (`07:30市民广场北门集合`: the engine
# dropped the space), maybe after its day (`6月9日8:30—9:45化学`): a schedule's row when another
# such line, or a CLOCK_ROW, stands within CLOCK_RUN_REACH lines (a lone one is prose a column
# wrapped before a time: `于` / `9:30召开`).
CLOCK_START = regex.compile(
    rf"[{HSPACE}]*(?:[0-9]{{1,2}}月[0-9]{{1,2}}日[{HSPACE}]*)?(?:[01]?[0-9]|2[0-4])[:：][0-5][0-9](?=[\p{{Han}}—~～-])")
CLOCK_RUN_REACH = 4
# A label and its colon opening a line (`交通：`, `开放时间：`, `地点：`): an information box's row
# in a run of LABEL_RUN_MIN such lines or more, each within LABEL_RUN_REACH lines of the one
# before (its value may wrap onto one line; two in a row may be one printed line the engine
# cut, `联系人：蒋先生` / `电话：…`, or prose and a credit, `刻着` / `两个字：东窑。` … `插图：韦一苇`).
# In an interview the speakers' labels come back (`记者：` … `鲁明远：` … `记者：`): a line
# opening with a label that opens another line of the page too starts a paragraph, run or not.
LABEL_ROW = regex.compile(rf"[{HSPACE}]*(?P<label>\p{{Han}}{{2,5}})[：:](?=[{HSPACE}]*\S)")
LABEL_RUN_REACH = 2
LABEL_RUN_MIN = 3
# A run's last labelled row this many cells narrower than its widest ended its value: no wrap.
SHORT_ROW_CELLS = 2


def _in_runs(marked: list[int], reach: int, least: int = 2) -> list[int]:
    """The marked line numbers in runs of at least `least`, each within `reach` lines of the
    one before.

    >>> _in_runs([3, 5, 20, 40, 41], 4), _in_runs([3, 5, 20, 40, 41, 43], 2, least=3)
    ([3, 5, 40, 41], [40, 41, 43])
    """
    runs: list[list[int]] = []
    for k in marked:
        if runs and k - runs[-1][-1] <= reach:
            runs[-1].append(k)
        else:
            runs.append([k])
    return [k for run in runs if len(run) >= least for k in run]


# A listing's or schedule's row and a labelled row hold their colon within this many
# characters of the line's start (a label of five Han, a day and a time, leading spaces).
ROW_HEAD = 14


def _listing_rows(lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with each line a listing's row opens (`CLOCK_ROW`, or a `CLOCK_START` in a
    run of them) starting a paragraph, and the line after a time alone (its programme, no time
    of its own, no sentence end) going on after it, a space between (`NEXT_CELL`); and each
    line of a run of labelled rows (`LABEL_ROW`), or opening with a label that opens another
    line too (an interview's speakers), starting a paragraph."""
    out = list(roles)
    rows: dict[int, regex.Match] = {}  # CLOCK_ROW's matches
    clocked: list[int] = []
    labels: dict[int, str] = {}
    for i, line in enumerate(lines):
        head = line[:ROW_HEAD]
        if ":" not in head and "：" not in head:  # (most lines: one look at their start)
            continue
        if row := CLOCK_ROW.match(line):
            rows[i] = row
            clocked.append(i)
        elif CLOCK_START.match(line):
            clocked.append(i)
        elif label := LABEL_ROW.match(line):
            labels[i] = label.group("label")
    if not rows and not clocked and not labels:
        return out
    for i in _in_runs(clocked, CLOCK_RUN_REACH):
        if out[i] is CONTINUES and i not in rows:
            out[i] = STARTS_PARAGRAPH
    twice = {label for label, count in Counter(labels.values()).items() if count > 1}
    in_runs = _in_runs(list(labels), LABEL_RUN_REACH, LABEL_RUN_MIN)
    for i in {*in_runs, *(i for i, label in labels.items() if label in twice)}:
        if out[i] is CONTINUES:
            out[i] = STARTS_PARAGRAPH
    if in_runs:
        out = _after_short_last_rows(lines, out, in_runs)
    for i, row in rows.items():
        if out[i] is CONTINUES:
            out[i] = STARTS_PARAGRAPH
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if row.group("alone") is not None and after.strip() and not CLOCK_ROW.match(after) \
                and not ENDS_SENTENCE.search(after):
            out[i + 1] = NEXT_CELL
    return out


def _after_short_last_rows(lines: list[str], roles: list[LineRole], rows: list[int]) -> list[LineRole]:
    """The roles with the line after the last of a run of labelled rows (`rows`, line numbers
    in order) starting a paragraph when that row is SHORT_ROW_CELLS narrower than the run's
    widest: its value did not wrap (`售价：399元起` / `网友问答`, a heading after a spec list)."""
    runs: list[list[int]] = []
    for i in rows:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        after = run[-1] + 1
        if len(run) < 2 or after >= len(lines) or roles[after] is not CONTINUES:
            continue
        widths = [visible_width(lines[i]) for i in run]
        if widths[-1] + SHORT_ROW_CELLS <= max(widths):
            roles[after] = STARTS_PARAGRAPH
    return roles


# A table read one cell a line (a weather table: `城市` `天气` `气温` `风力`, then `鹤屿` `晴转多云`
# `18~24℃` `北风2级`, …): a header of TABLE_COLUMNS_MIN or more labels (Han only, at most
# TABLE_LABEL_CHARS each), then at least TABLE_ROWS_MIN rows of as many short cells, the figures
# (`FIGURE_CELL`) in the same columns in every row, each column's cells of one kind. Each row is one line, its
# cells one space apart; a figures box (`126.3万人次` / `全市接待游客`) has no header row.
TABLE_COLUMNS_MIN, TABLE_COLUMNS_MAX = 3, 8
TABLE_LABEL_CHARS = 4
TABLE_LABEL_LINE = 8  # a label's line, its spaces too, is no longer
TABLE_ROWS_MIN = 2
TABLE_CELL_CHARS = 10
FIGURE_CELL_CHARS = 12  # a figures' cell may be longer: two times with a slash (`07:30/13:00`)
# a table's label: one to four Han (its unit may follow it: `功率kW`, `涨幅%`, `价格(元)`), or a
# short Latin word (an auction's `Lot`, a list's `No.`)
TABLE_LABEL = regex.compile(
    rf"[{HSPACE}]*(?:\p{{Han}}{{1,{TABLE_LABEL_CHARS}}}(?:[A-Za-z%‰℃/]{{1,3}}|[（(]\p{{Han}}{{1,2}}[）)])?"
    rf"|[A-Za-z]{{2,5}}\.?)[{HSPACE}]*")
# a figure cell: a number with its signs and unit glyphs, more of it digits than not
# (`18~24℃`, `+1.23%`, `2∶1`, `0736-8888 6666`, a change as a price table prints it: `↑0.20`),
# maybe a price's unit after it (`2.40元/斤`, `13.00元/公斤`)
_PRICE_UNIT = r"(?:元(?:/\p{Han}{1,2})?)?"
FIGURE_CELL = regex.compile(rf"[{HSPACE}]*[+\-−↑↓▲▼]?[0-9][0-9.,:：∶~～\-－—/ ]*[0-9][%‰℃°]?{_PRICE_UNIT}[{HSPACE}]*"
                          rf"|[{HSPACE}]*[0-9][%‰℃°]?{_PRICE_UNIT}[{HSPACE}]*")
# a change column's "no change" (`持平`, `—`): a figure's place in its column
NO_CHANGE_CELL = regex.compile(rf"[{HSPACE}]*(?:持平|—{{1,2}}|－)[{HSPACE}]*")
# a table's cell: no clause or sentence punctuation
_NOT_A_CELL = regex.compile(f"[{NOT_IN_A_CELL}]")


def _is_cell(line: str) -> bool:
    chars = len(line.strip())
    return (0 < chars <= TABLE_CELL_CHARS or (chars <= FIGURE_CELL_CHARS and FIGURE_CELL.fullmatch(line) is not None)) \
        and not _NOT_A_CELL.search(line)


def _table_rows(lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with a table read one cell a line (`TABLE_LABEL` header, rows of cells with
    their figures in the header's figure-free columns) made one line a row: the first cell of
    the header and of each row starts a paragraph, the others go on after it, a space between
    (`NEXT_CELL`)."""
    out, n, i = roles, len(lines), 0
    if not _short_run(lines):  # most pages: no three short lines in a row, and no pattern is run
        return roles
    labels = [len(line) <= TABLE_LABEL_LINE and TABLE_LABEL.fullmatch(line) is not None for line in lines]
    while i < n:
        if not labels[i]:
            i += 1
            continue
        end = i
        while end < n and labels[end] and end - i < TABLE_COLUMNS_MAX:
            end += 1
        table = _table_at(lines, i, end) or _table_at(lines, i, end, loose=True)
        if table is None:
            i = end
            continue
        start, head, width, stop = table
        out = list(out) if out is roles else out
        for k in range(start, stop):
            out[k] = STARTS_PARAGRAPH if k == start or (k >= start + head and (k - start - head) % width == 0) else NEXT_CELL
        if stop < n and out[stop] is CONTINUES:
            out[stop] = STARTS_PARAGRAPH  # no table's row runs on: a note or the next story follows
        i = stop
    return out


# A line of prose this many cells wide or more, out of any column, that stops on a glyph of a
# word with a clause mark before it, was wrapped (`_prose_wrapped_out_of_column`).
PROSE_LINE_CELLS = 16
# A narrower one, down to this many cells, goes on only into a line that ends a sentence.
NARROW_PROSE_CELLS = 6
# A line's last glyph is Han: it stops in a word, no punctuation ends it
_ENDS_HAN = regex.compile(r"\p{Han}[ \t\u3000]*$")
# A line's first glyph is Han
_STARTS_HAN = regex.compile(r"[ \t\u3000]*\p{Han}")


def _prose_wrapped_out_of_column(f: LineFeatures, lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with a line of prose wrapped where no column shows (a caption's or an intro's
    long lines, `…店主黄阿芳今年七` / `十一岁，从…`) going on into the next: the line is no
    hard-wrapped column's (`in_column`), holds a clause mark, is PROSE_LINE_CELLS wide or more
    (and no wider than a wrapped line, UNWRAPPED_WIDTH: a paragraph a line, cleaned, was cut
    at its jump marker) and stops on a Han glyph; the next opens with Han, as a paragraph and
    in body text (no lead, opener, indentation, list item or byline), holds a clause mark too
    (a headline after a story cut at its jump marker holds none) and is no wider. A line down
    to NARROW_PROSE_CELLS wide (a narrow column's piece, `农资，直播成了` / `新农活。`) goes on
    only into a line that ends a sentence (a headline with a comma over `编辑同志：` does not)."""
    out = roles
    candidates = _indices((f.clauses > 0) & ~f.in_column & ~f.ends_sentence & (f.width >= NARROW_PROSE_CELLS)
                          & (f.width <= UNWRAPPED_WIDTH)).tolist()
    for p in candidates:
        n = p + 1
        if n >= len(lines) or roles[n] is not STARTS_PARAGRAPH or roles[p].role not in (
                Role.STARTS_PARAGRAPH, Role.CONTINUES):
            continue
        if (f.opens[n] or f.indented[n] or f.lead[n] or f.opener[n] or f.list_item[n] or f.byline[n]
                or f.display_type[n] or f.after_blank[n] or f.width[n] > f.width[p] + 1 or not f.clauses[n]
                or (f.width[p] < PROSE_LINE_CELLS and not f.ends_sentence[n])):
            continue
        if _ENDS_HAN.search(lines[p]) and _STARTS_HAN.match(lines[n]) and not LABEL_ROW.match(lines[p]):
            out = list(out) if out is roles else out
            out[n] = CONTINUES
    return out


# An ASCII stop or comma before a space or the line's end: OCR'd punctuation, so prose, no row
_ASCII_STOP = regex.compile(r"[.,;!?](?:\s|$)")


def _cell_rows(f: LineFeatures, lines: list[str], roles: list[LineRole]) -> list[LineRole]:
    """The roles with rows of a box or table whose cells stand a space apart (`is_cell_row`,
    no clause mark: `5月22日 多云 21～30℃`), two or more alike in a row (`_alike_rows`), one
    line each: no row runs on from the line before the first (a title over the table), into the
    next, or into the line after the last (a note under the table)."""
    rows = [False] * len(lines)
    for i in _indices((f.spaces > 0) & (f.clauses == 0)).tolist():  # (most lines hold no space)
        rows[i] = is_cell_row(lines[i].strip()) and not _ASCII_STOP.search(lines[i])
    if sum(rows) < 2:
        return roles
    out, run = roles, 1
    for i in range(1, len(lines)):
        after_run = run >= 2 and rows[i - 1]
        run = run + 1 if rows[i] and rows[i - 1] and _alike_rows(lines[i - 1], lines[i]) else 1
        for k in (i - 1, i) if run == 2 else (i,) if run > 2 or after_run else ():
            if roles[k] is CONTINUES:  # (the first row too: a title over the table stands)
                out = list(out) if out is roles else out
                out[k] = STARTS_PARAGRAPH
    return out


def _alike_rows(above: str, below: str) -> bool:
    """Whether two cell rows are rows of one table: both open with a figure or neither does,
    and their cells differ by one at most (an engine joins two cells now and then); a
    caption's wrapped date (`《秋山图》 纸本设色 68×136cm` / `1983年 钱慕远`) is no next row."""
    a, b = above.split(), below.split()
    return a[0][0].isdigit() == b[0][0].isdigit() and abs(len(a) - len(b)) <= 1


def _short_run(lines: list[str]) -> bool:
    """Whether TABLE_COLUMNS_MIN lines in a row are short enough to be a table's labels."""
    run = 0
    for line in lines:
        run = run + 1 if len(line) <= TABLE_LABEL_LINE else 0
        if run == TABLE_COLUMNS_MIN:
            return True
    return False


def _table_at(lines: list[str], labels_from: int, labels_to: int,
              loose: bool = False) -> tuple[int, int, int, int] | None:
    """A table whose header is a run of labels within lines[labels_from:labels_to], each
    column's cells of one kind (`_cell_kind`, so a title over the header does not shift the
    rows): (header's first line, its labels, columns, the line after its last row), or None.
    Of the headers that work, the one whose rows take in the most lines (a first row's name,
    `早籼稻`, is a label too), then the earliest, then the widest. `loose`: a column may mix
    words with a digit and words (`_rows_of_cells`). The header has a label a
    column, or one fewer when the engine read two labels as one (`单位价格`: a label of
    TABLE_LABEL_CHARS Han)."""
    best, covered = None, 0
    for start in range(labels_from, labels_to - TABLE_COLUMNS_MIN + 2):
        for head in range(labels_to - start, TABLE_COLUMNS_MIN - 2, -1):
            labels = lines[start : start + head]
            widths = [head] if head >= TABLE_COLUMNS_MIN else []
            if any(len(label.strip()) == TABLE_LABEL_CHARS for label in labels):
                widths.append(head + 1)  # two labels read as one
            for width in widths:
                rows = _rows_of_cells(lines, start + head, width, loose)
                if rows >= TABLE_ROWS_MIN and rows * width > covered:
                    best, covered = (start, head, width, start + head + rows * width), rows * width
    return best


def _rows_of_cells(lines: list[str], first: int, width: int, loose: bool = False) -> int:
    """How many rows of `width` cells follow from lines[first] on, one column of figures
    among them or more, each column's cells of the first row's kind (`_cell_kind`; `loose`:
    figures in every row or in none, words with a digit and words sharing a column, `1.5T` /
    `纯电` — a title over the header can then shift the rows a cell, so it is asked only
    where the strict test finds no table)."""
    def kind(line: str) -> int:
        found = _cell_kind(line)
        return found if not loose or found == FIGURE_KIND else WORDS_KIND

    shape = [kind(line) for line in lines[first : first + width]]
    if len(shape) < width or FIGURE_KIND not in shape:
        return 0
    rows = 0
    while first + (rows + 1) * width <= len(lines) and all(
            _is_cell(lines[k]) and kind(lines[k]) == shape[(k - first) % width]
            for k in range(first + rows * width, first + (rows + 1) * width)):
        rows += 1
    return rows


# A cell's kind, the same down each column of a table: a figure, words with a digit (`北风2级`),
# or words.
FIGURE_KIND, WORDS_WITH_DIGIT_KIND, WORDS_KIND = 2, 1, 0
# a digit anywhere in a cell
_DIGIT = regex.compile(r"[0-9]")


def _cell_kind(line: str) -> int:
    if FIGURE_CELL.fullmatch(line) or NO_CHANGE_CELL.fullmatch(line):
        return FIGURE_KIND
    return WORDS_WITH_DIGIT_KIND if _DIGIT.search(line) else WORDS_KIND


# A table set one row a line, its cells spaces apart (`600817 砚溪港务 17.12 -0.76%`, as a
# cleaned page keeps it or an engine reads a row across): at least SPACED_ROWS_MIN lines in a
# row of as many cells, TABLE_COLUMNS_MIN to SPACED_COLUMNS_MAX, each column's cells of one
# kind (`_cell_kind`) and one column of figures, maybe under a header of as many labels.
SPACED_ROWS_MIN = 3
SPACED_COLUMNS_MAX = 10
# the spaces between a spaced row's cells
_CELL_SPACES = regex.compile(f"[{HSPACE}]+")
# a cell holds a letter, a Han or a digit (`.` or `℃` alone is a number an engine spaced apart)
_CELL_WORD = regex.compile(r"[\p{L}\p{N}]")
# a single Han
_ONE_HAN = regex.compile(r"\p{Han}")


def _row_cells(line: str) -> list[str] | None:
    """A line's cells when it can be a spaced table row or header (`SPACED_ROWS_MIN`): short,
    no clause punctuation, no lone mark; else None."""
    cells = _CELL_SPACES.split(line.strip())
    if not TABLE_COLUMNS_MIN <= len(cells) <= SPACED_COLUMNS_MAX or not all(
            _is_cell(cell) and _CELL_WORD.search(cell) for cell in cells):
        return None
    return cells


def _letter_spaced(cells: list[str]) -> bool:
    """Whether a single Han stands beside another single glyph (`第 9 轮`, `万 人`): an engine's
    letter spacing, no table row (a header's `胜 平 负` is labels; its rows are figures)."""
    return any(len(a) == len(b) == 1 and (_ONE_HAN.fullmatch(a) or _ONE_HAN.fullmatch(b))
               for a, b in pairwise(cells))


def _spaced_rows(f: LineFeatures, lines: list[str], roles: list[LineRole]) -> tuple[list[str], list[LineRole]]:
    """The lines and roles with each spaced table row (`SPACED_ROWS_MIN`) a line of its own,
    its cells' spaces made cell gaps (`CELL_GAP`: spacing keeps one space), so a cleaned table
    cleans to itself and a row an engine read across keeps its cells apart; the line after
    the table starts a paragraph. Only lines in runs of SPACED_ROWS_MIN lines with two spaces
    or more and no punctuation (`f`: their features) are split into cells."""
    if len(lines) < SPACED_ROWS_MIN:
        return lines, roles
    maybe = (f.spaces >= TABLE_COLUMNS_MIN - 1) & (f.clauses == 0) & (f.sentences == 0)
    runs = np.convolve(maybe, np.ones(SPACED_ROWS_MIN, dtype=int), mode="valid") == SPACED_ROWS_MIN
    if not runs.any():
        return lines, roles  # most pages: no three such lines in a row
    in_run = np.zeros(len(lines) + 1, dtype=bool)  # (one past the end: a header's line before)
    for k in _indices(runs).tolist():
        in_run[max(k - 1, 0):k + SPACED_ROWS_MIN] = True
    cells = [_row_cells(line) if in_run[i] and f.spaces[i] >= TABLE_COLUMNS_MIN - 1 else None
             for i, line in enumerate(lines)]
    header = [row is not None and all(TABLE_LABEL.fullmatch(cell) for cell in row) for row in cells]
    # (a column of figures in every row or in none; words with a digit and words share a
    # column, `2.0T` / `纯电`, as `_rows_of_cells` lets a table read one cell a line do)
    kinds = [[_cell_kind(cell) == FIGURE_KIND for cell in row] if row and not _letter_spaced(row) else None
             for row in cells]
    out_lines, out_roles, i = lines, roles, 0
    while i < len(lines):
        stop = i + 1
        if kinds[i] is not None and any(kinds[i]):
            while stop < len(lines) and kinds[stop] == kinds[i]:
                stop += 1
        if stop - i < SPACED_ROWS_MIN:
            i = stop
            continue
        start = i - 1 if i and header[i - 1] and len(cells[i - 1]) == len(cells[i]) else i  # a header of labels
        out_lines, out_roles = list(out_lines), list(out_roles)
        for k in range(start, stop):
            out_lines[k] = CELL_GAP.join(cells[k])
            out_roles[k] = STARTS_PARAGRAPH
        if stop < len(lines) and out_roles[stop] is CONTINUES:
            out_roles[stop] = STARTS_PARAGRAPH
        i = stop
    return out_lines, out_roles


# Verse (a 副刊's poem): at least VERSE_LINES lines in a row, each shorter than VERSE_WIDTH of
# its column's width, of unequal lengths, without punctuation, byline, date or figure: each
# line its own (a headline stack is shorter, a narrow column's lines are as wide as it).
VERSE_LINES = 5
VERSE_WIDTH = 0.85
# A word runs across at most this share of a verse run's breaks (by chance: `一整条江` /
# `都在往光里走` reads 江都); a wrapped headline or guide item has one across most of its breaks.
VERSE_WORDS_ACROSS = 0.2


def _verse_lines(f: LineFeatures, roles: list[LineRole], lines: list[str]) -> list[LineRole]:
    """The roles with each line of a run of verse (`VERSE_LINES`) starting a line of its own:
    no line of the run leaves a bracket or quote open, and a dictionary word runs across few
    of its breaks (`VERSE_WORDS_ACROSS`; a wrapped headline: `新型储能材料研` / `发取得突破`);
    the run's first line stays joined to a line before it that a sentence goes on from."""
    bare = ((f.clauses == 0) & ~f.ends_sentence & ~f.byline & ~f.page_date & ~f.header_item & ~f.figure
            & ~f.guide & ~f.hard_end & (f.unclosed == 0) & (f.width >= 2) & (f.width <= VERSE_WIDTH * f.column))
    # the runs of bare lines, as (first, past the last), from where `bare` steps up and down
    edges = np.flatnonzero(np.diff(np.concatenate(([0], bare.astype(np.int8), [0]))))
    out = roles
    for k, end in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True):
        if end - k >= VERSE_LINES and len(set(f.width[k:end].tolist())) > 1 and sum(
                word_across(lines[i], lines[i + 1]) for i in range(k, end - 1)) <= VERSE_WORDS_ACROSS * (end - k - 1):
            out = list(out) if out is roles else out
            first = k + 1 if k and not f.ends_sentence[k - 1] and f.clauses[k - 1] and roles[k] is CONTINUES else k
            for i in range(first, end):
                if not out[i].starts_line or out[i] is NEXT_PHRASE:
                    out[i] = STARTS_PARAGRAPH
    return out


def _words_across_breaks(lines: list[str], b: _LineBits, joins: int) -> int:
    """For each break the evidence keeps apart, whether a dictionary word runs across it
    (`cleaners.words`): then the column wrapped there. Only inside a hard-wrapped column (text
    already one paragraph per line has none, and a cleaned page must read the same again), not
    before a spaced headline or a byline (`清水` / `河长巡河 常态长效` reads `清水河`), nor after a
    numbered subhead (`一、工作回顾` / `过去一年` reads `回顾过去`; its wrapped end is short), and
    not where nothing may join (a jump marker's place, a line that always opens a paragraph)
    or a sentence ended. After a byline only a role word counts (`记者 邹阳 通讯` / `员 马晓岚`):
    a name and the next line's first glyphs may read as a word (`王建` / `国家`). (Bit k of
    `joins` and of the result: the break after line k.)"""
    across = 0
    asked = ((b.lines >> 1) & ~joins & b.in_column & ~b.hard_end & ~((b.opens & ~b.indented) >> 1)
             & ~b.ends_sentence & ~(b.display_type >> 1) & ~(b.number_mark & ~b.punctuated))
    for k in ones(asked):
        before, after = lines[k], lines[k + 1]
        if b.byline >> k & 1:
            tail = "".join(before.split())[-WORDS_SIDE:]
            joined = tail + "".join(after.split())[:WORDS_SIDE]
            found = any(m.start() < len(tail) < m.end() for m in _ROLE_WORD.finditer(joined))
        else:
            found = word_across(before, after)
        across |= found << k
    return across


def infer_text_roles(f: LineFeatures, lines: list[str] | None = None) -> list[LineRole]:
    """A role per line from text evidence (the first line opens a paragraph); with the
    `lines` themselves, words running across a break join it too (`_words_across_breaks`).

    >>> page = ("今年以来，本市经济运行平\\n稳，一季度增速回升至百分\\n之五点二。\\n让群众“少跑腿”\\n"
    ...         "市政务服务中心推出“一窗\\n通办”，企业和群众办事更\\n方便，全年减少跑腿六万次。")
    >>> [str(r) for r in infer_text_roles(line_features(page)[1])]
    ['starts_paragraph', 'continues', 'continues', 'display:subhead', 'starts_paragraph', 'continues', 'continues']
    """
    return _roles_and_starts(f, lines)[0]


def text_roles(features: LineFeatures, lines: list[str], text: str,
               phrases: bool = True) -> tuple[list[LineRole], list[int]]:
    """The roles of a page's lines (`text`, their `features`) from text evidence, then the kinds
    of line a page holds in runs: headlines of two phrases (unless not `phrases`: a laid-out
    page's display pieces were joined by their geometry), verse, a listing's rows, a
    directory's entries, a table read one cell a line, signatures, a header's page number, and
    lists of names or units one a line; and the lines that started a line of the output before
    those runs were read."""
    roles, starts = _roles_and_starts(features, lines)
    if phrases:
        roles = _two_phrase_headlines(features, roles, starts)
    roles = _verse_lines(features, roles, lines)
    if ":" in text or "：" in text:  # a listing's times and a directory's entries hold one
        roles = _listing_rows(lines, roles)
        roles = _directory_entries(lines, roles)
    roles = _table_rows(lines, roles)
    roles = _prose_wrapped_out_of_column(features, lines, roles)
    if " " in text:  # a row's cells stand a space apart
        roles = _cell_rows(features, lines, roles)
    if "——" in text:  # a signature holds one
        roles = _signatures(lines, roles)
    roles = _bare_page_numbers(lines, roles)
    bare = _indices((features.clauses == 0) & (features.width <= ITEM_CELLS)).tolist()
    roles = _name_lists(lines, roles, bare)
    roles = _unit_lists(lines, roles, bare)
    return roles, starts


def _roles_and_starts(f: LineFeatures, lines: list[str] | None) -> tuple[list[LineRole], list[int]]:
    """`infer_text_roles`, and the lines that start a line of the output (all but `continues`)."""
    if not len(f):
        return [], []
    b = _line_bits(f)
    standalone = display_lines(b)
    evidence = _break_evidence(b, standalone)
    joins = _breaks_that_join(f, b, standalone, evidence)
    if lines is not None:
        across = _words_across_breaks(lines, b, joins)
        if across:
            joins = _breaks_that_join(f, b, standalone, evidence, across)
    start_lines = _indices(as_row(~(joins << 1), len(f)))  # the first line, and each after a break kept
    starts = start_lines.tolist()
    roles = [CONTINUES] * len(f)
    # A line that starts the output's next line opens a body paragraph unless its evidence
    # names another role (`_standalone_role`, asked only of those: their places in `starts`).
    for i in starts:
        roles[i] = STARTS_PARAGRAPH
    shown = []  # the places in `starts` of the display lines
    named = as_row(b.guide | b.byline | b.caption | standalone, len(f))
    for k in _indices(named[start_lines]).tolist():
        i = starts[k]
        roles[i] = _standalone_role(f, i, bool(standalone >> i & 1))
        if roles[i] is _HEADLINE:
            shown.append(k)
    return (_name_stacks(f, roles, starts, shown) if shown else roles), starts


def reflow_paragraphs(text: str) -> tuple[str, int]:
    """Join column lines into paragraphs, one per line; drop blank lines.

    Counts line breaks removed (joins) plus blank lines dropped.

    >>> column = "据悉，我市中心城区目前已完成\\n9 轮全员核酸检测。第九轮检测共发\\n现阳性感染者 23 例，其中社会面仅发\\n现 1例。"
    >>> reflow_paragraphs(column + "\\n\\n李海峰等参加调研")
    ('据悉，我市中心城区目前已完成9 轮全员核酸检测。第九轮检测共发现阳性感染者 23 例，其中社会面仅发现 1例。\\n李海峰等参加调研', 4)
    """
    lines, features = line_features(text)
    roles, starts = text_roles(features, lines, text)
    lines, roles = _spaced_rows(features, lines, roles)
    paragraphs = assemble_paragraphs(lines, roles)
    if HARD_BREAK in text:  # a paragraph may hold nothing else (the others are stripped already)
        paragraphs = [p for p in (p.replace(HARD_BREAK, "").strip() if HARD_BREAK in p else p
                                  for p in paragraphs) if p]
    out = "\n".join(paragraphs)
    blanks = text.count("\n") + 1 - len(lines)
    joins = len(lines) - len(starts)
    return out, joins + blanks


# A brief's dateline run in after its title (`■汛前排查 隐患点位整改完毕 本报讯 截至…`, the
# title maybe wrapped: `纪念邮票 本报讯为纪念`): 本报讯 or 又讯 in the middle of a line, after
# at most RUN_IN_TITLE glyphs with no clause or sentence punctuation (RUN_IN_PUNCT). Prose
# never prints a dateline mid-line; a line that opens with one is no title.
RUN_IN_LEAD = regex.compile(r"本报讯|又讯")
RUN_IN_TITLE = 24
RUN_IN_PUNCT = frozenset("，。；：！？,;:!?")


def _run_in_lead_starts(text: str) -> list[int]:
    """Where RUN_IN_LEAD's matches start, in order, found by str.find for the 讯 both leads end
    with (the pattern's scan tries every position of the page; 讯 is rare). No two matches can
    share a 讯, so each 讯 ends one match or none.

    >>> _run_in_lead_starts("本报讯 又讯 讯 报讯")
    [0, 4]
    """
    starts = []
    at = text.find("讯")
    while at >= 0:
        if at >= 2 and text.startswith("本报", at - 2):
            starts.append(at - 2)
        elif at >= 1 and text[at - 1] == "又":
            starts.append(at - 1)
        at = text.find("讯", at + 1)
    return starts


def separate_run_in_leads(text: str) -> tuple[str, int]:
    """Put a brief's dateline that OCR (or the printer) ran in after the brief's title on a
    line of its own, so the title stays a line and the dateline opens the brief's text.
    Only each line's first dateline is read.

    >>> separate_run_in_leads("●免费游泳培训 开始报名本报讯市体育局暑期\\n本报讯（记者 林晓）5月8日")
    ('●免费游泳培训 开始报名\\n本报讯市体育局暑期\\n本报讯（记者 林晓）5月8日', 1)
    """
    if "讯" not in text:  # a fast test first: both leads hold it
        return text, 0
    pieces, last, line_done = [], 0, -1
    for lead in _run_in_lead_starts(text):
        line_start = text.rfind("\n", 0, lead) + 1
        if line_start == line_done:
            continue  # not the line's first dateline
        line_done = line_start
        title = text[line_start : lead].rstrip(" \t\u3000")
        if not title.strip(" \t\u3000") or len(title) > RUN_IN_TITLE or any(c in RUN_IN_PUNCT for c in title):
            continue
        pieces += [text[last : line_start], title, "\n"]
        last = lead
    if not pieces:
        return text, 0
    pieces.append(text[last:])
    return "".join(pieces), len(pieces) // 3


# A page header's date whose weekday the engine read as a line of its own: one date line.
SPLIT_PAGE_DATE = regex.compile(
    r"^(?P<date>[ \t\u3000]*[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日)[ \t\u3000]*\n[ \t\u3000]*"
    r"(?P<day>(?:星期|周)[一二三四五六日天])[ \t\u3000]*$", regex.MULTILINE)


# A line that ends with 日, spaces aside: where each SPLIT_PAGE_DATE match's date line ends.
_DAY_AT_LINE_END = regex.compile(r"日[ \t\u3000]*\n")


def join_split_page_dates(text: str) -> tuple[str, int]:
    """Put a page date's weekday back on its line, a space between (`2026年5月8日 星期五`).

    >>> join_split_page_dates("柘湾物流周报\\n2026年5月8日\\n星期五\\n本期8版")
    ('柘湾物流周报\\n2026年5月8日 星期五\\n本期8版', 1)
    """
    if "日\n" not in text:  # a fast test first: the date ends its line
        return text, 0
    # SPLIT_PAGE_DATE.subn, asked only at the lines that end with 日 (spaces aside): the
    # pattern opens with a line's start, which its scan tries at every position of the page.
    pieces, done = [], 0
    for day in _DAY_AT_LINE_END.finditer(text):
        line_start = text.rfind("\n", 0, day.start()) + 1
        if line_start >= done and (match := SPLIT_PAGE_DATE.match(text, line_start)) is not None:  # (not a 星期日 line inside the match before)
            pieces += [text[done:line_start], match.expand(r"\g<date> \g<day>")]
            done = match.end()
    return ("".join(pieces) + text[done:], len(pieces) // 2) if pieces else (text, 0)


# A page header's label and its section's name read as one line (`A3 要闻`, `第3版 阅读 Reading`,
# `要闻 A3`, `第C3版数码·科技`): the label (第N版, or a capital and one or two digits) and two to six
# Han (two names with a middle dot between, maybe an English word after them), apart by spaces,
# in either order (第N版 ends at 版: the engine may have read no space after it); two items.
_LABEL = r"第[A-Z]?[0-9一二三四五六七八九十]{1,3}版|[A-Z][0-9]{1,2}"
_SECTION = r"\p{Han}{2,6}(?:·\p{Han}{2,6})?(?:[ \t\u3000]+[A-Za-z]{2,12})?"
LABEL_AND_SECTION = regex.compile(
    rf"^[ \t\u3000]*(?:(?P<label>{_LABEL})(?:[ \t\u3000]+|(?<=版))(?P<section>{_SECTION})"
    rf"|(?P<section2>\p{{Han}}{{2,6}}(?:·\p{{Han}}{{2,6}})?)[ \t\u3000]+(?P<label2>{_LABEL}))[ \t\u3000]*$")

# A section's name of two parts (`港口·航运`) and the paper's name (`芷岸日报`) read as one line,
# apart by spaces, in either order: two items of the header (the groups as LABEL_AND_SECTION's).
_PAPER = r"\p{Han}{2,8}报"
_TWO_PART_SECTION = r"\p{Han}{2,6}·\p{Han}{2,6}"
SECTION_AND_PAPER = regex.compile(
    rf"^[ \t\u3000]*(?:(?P<label>{_TWO_PART_SECTION})[ \t\u3000]+(?P<section>{_PAPER})"
    rf"|(?P<section2>{_PAPER})[ \t\u3000]+(?P<label2>{_TWO_PART_SECTION}))[ \t\u3000]*$")

# A bare page number (`24`) is a header item on the page's first BARE_PAGE_LINES lines.
_BARE_PAGE = regex.compile(r"[1-9][0-9]?")
BARE_PAGE_LINES = 2

# How a paper's name ends (`栖桐晚报`, `栖桐周刊`).
PAPER_ENDINGS = ("报", "刊")

# The page header is in the page's first lines: only these many are asked.
HEADER_LINES = 4


# A weekday, the second half of a page date read as two words (`2026年11月16日 星期一`).
_WEEKDAY = regex.compile(r"(?:星期|周)[一二三四五六日天]")

# The longest name (a paper's, a section's) a header row may hold between its other items.
HEADER_NAME_CHARS = 8
# a paper's or section's name in a header row: Han, maybe a middle dot (`生活·服务`)
HEADER_NAME = regex.compile(r"[\p{Han}·]+")


def header_row_items(line: str) -> list[str] | None:
    """The items of a page header read as one row (`B04 2026年11月16日 星期一 梧潭晚报
    责任编辑：严可 美编：施涛`): a page date (its weekday with it), page labels, editors' credits
    (to the row's end) and short names in between, apart by spaces; None when the line is no
    such row (it must hold a page date and two items more, and nothing else: no lead, no
    byline).

    >>> header_row_items("B04 2026年11月16日 星期一 梧潭晚报 责任编辑：严可 美编：施涛")
    ['B04', '2026年11月16日 星期一', '梧潭晚报', '责任编辑：严可 美编：施涛']
    >>> header_row_items("2026年5月8日 星期五 多云转晴，气温回升"), header_row_items("本报讯 2026年11月16日 记者 王某")
    (None, None)
    """
    words = line.split()
    if len(words) < 3:
        return None
    items, dated, k = [], False, 0
    while k < len(words):
        word = words[k]
        if k + 1 < len(words) and _WEEKDAY.fullmatch(words[k + 1]) and is_page_date(f"{word} {words[k + 1]}"):
            items.append(f"{word} {words[k + 1]}")
            dated, k = True, k + 2
            continue
        rest = " ".join(words[k:])
        if is_editor_credits(rest):
            items.append(rest)
            break
        if is_page_date(word):
            dated = True
        elif is_header_item(word):
            pass
        elif not (len(word) <= HEADER_NAME_CHARS and HEADER_NAME.fullmatch(word)) or is_byline(word) or "讯" in word:
            return None
        items.append(word)
        k += 1
    return items if dated and len(items) >= 3 else None


def separate_header_items(text: str) -> tuple[str, int]:
    """Header items read as one line, in the page's first lines, made a line each: a page
    label and its section's name (`A3 要闻`), a section's name and the paper's (`港口·航运 芷岸日报`),
    or a whole header row (`header_row_items`).

    >>> separate_header_items("A3 要闻\\n岭东日报"), separate_header_items("第3版 阅读 Reading\\n正文")
    (('A3\\n要闻\\n岭东日报', 1), ('第3版\\n阅读 Reading\\n正文', 1))
    >>> separate_header_items("第C3版数码·科技\\n芷岸都市报")[0], separate_header_items("港口·航运 芷岸日报")[0]
    ('第C3版\\n数码·科技\\n芷岸都市报', '港口·航运\\n芷岸日报')
    >>> separate_header_items("健康·老年\\nB04 2026年11月16日 星期一 梧潭晚报\\n入冬护心")
    ('健康·老年\\nB04\\n2026年11月16日 星期一\\n梧潭晚报\\n入冬护心', 1)
    """
    lines = text.split("\n", HEADER_LINES)
    count = 0
    for k, line in enumerate(lines[:HEADER_LINES]):
        if (match := LABEL_AND_SECTION.match(line) or SECTION_AND_PAPER.match(line)) is not None:
            first, second = (match.group("label", "section") if match.group("label")
                             else match.group("section2", "label2"))
            lines[k] = f"{first}\n{second}"
            count += 1
        elif "日" in line and " " in line and (items := header_row_items(line)) is not None:
            lines[k] = "\n".join(items)
            count += 1
        elif " " in line and (items := header_label_row(line, first=k == 0)) is not None:
            lines[k] = "\n".join(items)
            count += 1
    return ("\n".join(lines), count) if count else (text, 0)


# A page label in a header row: 第N版, a capital and one or two digits (`A3`), or, on the page's
# first line only, a bare page number (`城市笔记 24`, as weeklies print it).
_HEADER_LABEL = regex.compile(r"第[0-9一二三四五六七八九十]{1,3}版|[A-Z][0-9]{1,2}")


def header_label_row(line: str, first: bool = False) -> list[str] | None:
    """The items of a header row with no date (`便民服务 第9版 栖桐晚报`, `文化·读书 第16版`):
    one page label and one or two names (`HEADER_NAME`, at most `HEADER_NAME_CHARS`), apart by
    spaces; None when the line is no such row. `first`: the page's first line, where a bare
    page number is a label too.

    >>> header_label_row("便民服务 第9版 栖桐晚报"), header_label_row("城市笔记 24", first=True)
    (['便民服务', '第9版', '栖桐晚报'], ['城市笔记', '24'])
    >>> header_label_row("城市笔记 24"), header_label_row("全市 新增 第3版"), header_label_row("本报讯 1", first=True)
    (None, None, None)
    """
    words = line.split()
    if not 2 <= len(words) <= 3:
        return None
    labels = [w for w in words if _HEADER_LABEL.fullmatch(w) or (first and _BARE_PAGE.fullmatch(w))]
    names = [w for w in words if HEADER_NAME.fullmatch(w) and 2 <= len(w) <= HEADER_NAME_CHARS]
    if len(labels) != 1 or len(names) != len(words) - 1 or any(LEAD.match(name) for name in names):
        return None  # (a lead and a figure, `本报讯 1`, are prose)
    if len(names) == 2 and not any(name.endswith(PAPER_ENDINGS) for name in names):
        return None  # two names beside a label: one is the paper's
    return words


def separate_trailing_credits(text: str) -> tuple[str, int]:
    """Put a photo credit that OCR ran onto a paragraph's end on its own line.

    >>> separate_trailing_credits("图为5月8日，纪工委在督导检查工作。 冯嘉莹摄")
    ('图为5月8日，纪工委在督导检查工作。\\n冯嘉莹摄', 1)
    >>> separate_trailing_credits("4月6日，茶农在茶园里采摘明前茶。通讯员蒋雨禾摄")
    ('4月6日，茶农在茶园里采摘明前茶。\\n通讯员蒋雨禾摄', 1)
    """
    # A match ends a line that ends with 摄 and reads no other line: only those lines are read,
    # found by str.find for their 摄 (a few a page), not by splitting the page into lines.
    pieces, count, done = [], 0, 0
    at = text.find("摄")
    while at >= 0:
        if at + 1 == len(text) or text[at + 1] == "\n":  # the line ends with it
            line_start = text.rfind("\n", 0, at) + 1
            line, n = TRAILING_CREDIT.subn("\n", text[line_start : at + 1])
            if n:
                pieces += [text[done:line_start], line]
                count, done = count + n, at + 1
        at = text.find("摄", at + 1)
    return ("".join(pieces) + text[done:], count) if count else (text, 0)
