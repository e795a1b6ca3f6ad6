"""Paragraph reflow (contract rule 1): one paragraph per line.

Hard-wrapped column lines and blank lines that fall mid-sentence (column breaks)
are joined; headlines, subheads, bylines, captions, credits and guide items keep
their own lines. The decision for each line break reads the evidence in `lines`.
"""

import statistics
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass

import regex

from cleaners.lines import (
    CLAUSE_PUNCT,
    GUIDE_ITEM,
    LEAD,
    ends_sentence,
    is_display_type,
    opens_paragraph,
    visible_width,
)
from cleaners.markers import HARD_BREAK

# Lines within this many lines of a break tell the column width there.
COLUMN_WINDOW = 8

# Line widths within this share of the median (or 2 cells) count as the same column.
COLUMN_TOLERANCE = 0.25

# No newspaper column is wider than this many cells; wider lines are whole paragraphs.
MAX_COLUMN_WIDTH = 60

# A line of at least this width is a paragraph, not a column line, whatever its neighbours.
UNWRAPPED_WIDTH = 40

# A photo credit run on after a paragraph's last sentence (`…检查工作。 冯嘉莹摄`) is its own line.
TRAILING_CREDIT = regex.compile(r"(?<=[。！？”])[ \t\u3000]+(?=[\p{Han}·]{2,4}[ \t\u3000]*摄$)", regex.MULTILINE)

# Latin letters on both sides of a line break were two words: join them with a space.
# (A test of one character each side: a search for `[A-Za-z]$` would scan the whole paragraph.)
_LATIN_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass(slots=True)
class _Line:
    text: str
    block: int  # index of the blank-separated block the line belongs to
    block_size: int
    width: float
    column: float  # typical body-line width around this line
    in_column: bool  # the lines around are a hard-wrapped column
    punct: bool  # the line has clause or sentence punctuation (body text)


def _column_widths(texts: list[str], punct: list[bool]) -> list[tuple[float, bool]]:
    """For each line: the median width of nearby body lines (lines with clause punctuation),
    and whether they look like a hard-wrapped column (most of them about that wide). Text already one paragraph per line has no column, so it is never rewrapped.

    The body lines within `COLUMN_WINDOW` of line i are kept as a sorted window that slides
    with i (a width enters or leaves by bisection), so no window is sorted from scratch, and
    lines whose window did not change share the answer of the line before.
    """
    body_rows: list[int] = []
    body_widths: list[float] = []
    for i, t in enumerate(texts):
        if punct[i]:
            body_rows.append(i)
            body_widths.append(visible_width(t))
    page = statistics.median(body_widths) if body_widths else float("inf")
    out: list[tuple[float, bool]] = []
    near: list[float] = []  # widths of the body lines within COLUMN_WINDOW of line i, sorted
    lo = hi = 0
    answer = (page, False)
    for i in range(len(texts)):
        changed = False
        while hi < len(body_rows) and body_rows[hi] <= i + COLUMN_WINDOW:
            insort(near, body_widths[hi])
            hi += 1
            changed = True
        while lo < hi and body_rows[lo] < i - COLUMN_WINDOW:
            del near[bisect_left(near, body_widths[lo])]
            lo += 1
            changed = True
        if len(near) < 3:
            answer = (page, False)
        elif changed:  # an unchanged window keeps the answer of the line before
            mid = len(near) // 2
            column = near[mid] if len(near) % 2 else (near[mid - 1] + near[mid]) / 2  # the median
            tolerance = max(2.0, COLUMN_TOLERANCE * column)
            # Widths are multiples of 1/4 and the tolerance of 1/16: these sums are exact, so
            # counting the sorted widths in [column - tolerance, column + tolerance] by bisection
            # is the same as testing abs(w - column) <= tolerance for each.
            within = bisect_right(near, column + tolerance) - bisect_left(near, column - tolerance)
            answer = (column, within / len(near) >= 0.5 and column <= MAX_COLUMN_WIDTH)
        out.append(answer)
    return out


def _annotate(texts: list[str]) -> list[_Line]:
    punct = [CLAUSE_PUNCT.search(t) is not None for t in texts]  # a blank line has none
    columns = _column_widths(texts, punct)
    out: list[_Line] = []
    block, size_of = -1, {}
    previous_blank = True
    for i, text in enumerate(texts):
        if not text.strip():
            previous_blank = True
            continue
        if previous_blank:
            block += 1
            previous_blank = False
        size_of[block] = size_of.get(block, 0) + 1
        column, in_column = columns[i]
        out.append(_Line(text, block, 0, visible_width(text), column, in_column, punct[i]))
    for line in out:
        line.block_size = size_of[line.block]
    return out


def _is_short(line: _Line) -> bool:
    return line.width <= line.column - 2


def _joins(prev: _Line, nxt: _Line, paragraph_is_guide: bool) -> bool:
    """Whether the break between `prev` and `nxt` falls inside one paragraph."""
    if prev.text.rstrip().endswith(HARD_BREAK) or opens_paragraph(nxt.text):
        return False
    if is_display_type(prev.text) or is_display_type(nxt.text):
        return False
    same_block = prev.block == nxt.block
    if same_block and not prev.in_column:
        return False  # consecutive lines outside a column are paragraphs already
    if paragraph_is_guide:
        return same_block  # a guide item wraps over lines until a blank line
    if ends_sentence(prev.text):
        # Only a full column line ending a sentence can be mid-paragraph.
        return same_block and prev.width >= prev.column - 1
    # A lead (`本报讯（记者 …）5 月`) is body text even before its first comma.
    prev_has_punct = prev.punct or bool(LEAD.match(prev.text))
    if same_block:
        # A short line without punctuation above a short line is a subhead over an
        # indented first line; above a full line it is itself an indented first line.
        return prev_has_punct or not _is_short(prev) or nxt.width >= nxt.column - 1
    # A blank line between: a column break only if the text runs on.
    continues = nxt.block_size >= 2 or nxt.width >= UNWRAPPED_WIDTH
    if not continues and not nxt.punct:
        return False  # a short line standing alone after a blank is display type
    if prev.block_size == 1 and prev.width < UNWRAPPED_WIDTH:
        # A short line standing alone is display type, unless a paragraph runs on from it.
        return nxt.width >= UNWRAPPED_WIDTH
    if not prev_has_punct and _is_short(prev):
        return continues
    return True


def _join(left: str, right: str) -> str:
    left, right = left.rstrip(), right.lstrip()
    separator = " " if left[-1:] in _LATIN_LETTERS and right[:1] in _LATIN_LETTERS else ""
    return left + separator + right


def reflow_paragraphs(text: str) -> tuple[str, int]:
    """Join column lines into paragraphs, one per line; drop blank lines.

    Counts line breaks removed (joins) plus blank lines dropped.

    >>> column = "据悉，我市中心城区目前已完成\\n9 轮全员核酸检测。第九轮检测共发\\n现阳性感染者 23 例，其中社会面仅发\\n现 1例。"
    >>> reflow_paragraphs(column + "\\n\\n李海峰等参加调研")
    ('据悉，我市中心城区目前已完成9 轮全员核酸检测。第九轮检测共发现阳性感染者 23 例，其中社会面仅发现 1例。\\n李海峰等参加调研', 4)
    """
    texts = text.split("\n")
    lines = _annotate(texts)
    paragraphs: list[str] = []
    joins = 0
    paragraph_is_guide = False
    for i, line in enumerate(lines):
        if i and _joins(lines[i - 1], line, paragraph_is_guide):
            paragraphs[-1] = _join(paragraphs[-1], line.text)
            joins += 1
            continue
        paragraphs.append(line.text)
        paragraph_is_guide = bool(GUIDE_ITEM.match(line.text))
    cleaned = [p.replace(HARD_BREAK, "") for p in paragraphs]
    cleaned = [p for p in cleaned if p.strip()]
    blanks = sum(1 for t in texts if not t.strip())
    return "\n".join(cleaned), joins + blanks


def separate_trailing_credits(text: str) -> tuple[str, int]:
    """Put a photo credit that OCR ran onto a paragraph's end on its own line.

    >>> separate_trailing_credits("图为5月8日，纪工委在督导检查工作。 冯嘉莹摄")
    ('图为5月8日，纪工委在督导检查工作。\\n冯嘉莹摄', 1)
    """
    return TRAILING_CREDIT.subn("\n", text)
