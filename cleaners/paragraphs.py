"""Paragraph reflow (contract rule 1): one paragraph per line.

Hard-wrapped column lines and blank lines that fall mid-sentence (column breaks)
are joined; headlines, subheads, bylines, captions, credits and guide items keep
their own lines. The decision for each line break reads the evidence in `lines`.
"""

import statistics

import numpy as np
import regex

from cleaners.lines import (
    CLAUSE_MARKS,
    CODE_POINT_EVIDENCE,
    ENDS_SENTENCE,
    HALF_CELLS,
    OPENS_PARAGRAPH,
    SENTENCE_MARKS,
    SPACES,
    WHITESPACE,
    is_display_type,
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

# The line tests of `cleaners.lines`, run once over a whole page framed by line breaks
# ("\n" + page for tests of a line's start, page + "\n" for its end): no pattern crosses
# a line break, each match starts inside its line (or at the break that ends it), and the
# framing "\n" comes first or last in the pattern, where the engine finds it fastest.
# A line that always opens a paragraph (`opens_paragraph`); its groups tell a news lead
# (`LEAD`: body text before its first comma) and a guide item (`GUIDE_ITEM`: wraps over
# lines until a blank line).
_OPENS_PARAGRAPH_LINE = regex.compile(rf"\n(?:{OPENS_PARAGRAPH.pattern})")
# A line that ends a sentence (`ends_sentence`): found at the line break that ends it and
# read backwards (a lookbehind), so the engine scans for the line break alone.
_ENDS_SENTENCE_LINE = regex.compile(rf"\n(?<=(?:{ENDS_SENTENCE.pattern.removesuffix('$')})\n)")
# A line that ends with the hard break a jump marker left (whitespace after it aside).
_ENDS_HARD_BREAK_LINE = regex.compile(rf"{HARD_BREAK}[{WHITESPACE.replace(chr(10), '')}]*\n")


def _per_line(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The sums of each row of `values` (a column per code point) over each line."""
    running = np.zeros((len(values), values.shape[1] + 1), dtype=np.int64)
    np.cumsum(values, axis=1, out=running[:, 1:])
    return running[:, ends] - running[:, starts]


def _lines_matching(pattern: regex.Pattern, framed: str, newlines: np.ndarray) -> np.ndarray:
    """For each line of the page, whether `pattern` matches in `framed` (the page with a line
    break before or after it) starting inside that line. `newlines`: the page's line breaks."""
    found = np.zeros(len(newlines) + 1, dtype=bool)
    found[np.searchsorted(newlines, [m.start() for m in pattern.finditer(framed)])] = True
    return found


# Offsets of a line's window from its first line, to gather all windows at once.
_WINDOW_OFFSETS = np.arange(2 * COLUMN_WINDOW + 1)


def _column_widths(widths: np.ndarray, body: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each line: the median width of nearby body lines (lines with clause punctuation),
    and whether they look like a hard-wrapped column (most of them about that wide). Text
    already one paragraph per line has no column, so it is never rewrapped.

    All windows at once: each line's window of 2 * COLUMN_WINDOW + 1 lines holds the widths
    of its body lines and NaN for the others, sorted (NaN last).
    """
    window = 2 * COLUMN_WINDOW + 1
    padded = np.full(len(widths) + window - 1, np.nan)
    padded[COLUMN_WINDOW : COLUMN_WINDOW + len(widths)] = np.where(body, widths, np.nan)
    near = padded[np.arange(len(widths))[:, None] + _WINDOW_OFFSETS]  # row i: padded[i : i + window]
    near.sort(axis=1)
    count = window - np.count_nonzero(np.isnan(near), axis=1)
    # The median: the middle width, or the mean of the two middle ones (a NaN if none),
    # read from the flat table: each row starts `window` cells after the one before.
    flat, row_starts = near.ravel(), np.arange(0, near.size, window)
    column = (flat[row_starts + np.maximum(count - 1, 0) // 2] + flat[row_starts + count // 2]) / 2
    tolerance = np.maximum(2.0, COLUMN_TOLERANCE * column)
    within = np.count_nonzero(
        (near >= (column - tolerance)[:, None]) & (near <= (column + tolerance)[:, None]), axis=1
    )
    enough = count >= 3
    in_column = enough & (within / np.maximum(count, 1) >= 0.5) & (column <= MAX_COLUMN_WIDTH)
    if enough.all():  # no line falls back on the page's median
        return column, in_column
    page = statistics.median(widths[body].tolist()) if body.any() else float("inf")
    return np.where(enough, column, page), in_column


def _joins(text: str, points: np.ndarray, evidence: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Which breaks between the page's non-blank lines fall inside a paragraph.

    Returns each non-blank line's start and end offsets in `text`, for each break between
    two of them whether it joins, and the number of blank lines.
    """
    newlines = np.flatnonzero(points == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.append(newlines, len(points))
    count = len(starts)
    sums = _per_line(evidence, starts, ends)
    spaces, clauses = sums[SPACES], sums[CLAUSE_MARKS]
    blank = spaces == ends - starts
    widths = sums[HALF_CELLS] / 2  # `visible_width` of each line
    punct = clauses > 0  # blank lines have none
    columns, in_columns = _column_widths(widths, punct)
    # Only lines that can be display type are asked: a byline or a letter-spaced headline has
    # no clause punctuation, a phrase-spaced headline one mark at most (no sentence end) and
    # a space, a Markdown heading a `#` and a space.
    asked = ~blank & ((clauses == 0) | ((clauses == 1) & (sums[SENTENCE_MARKS] == 0) & (spaces > 0)))
    if "#" in text:
        asked |= ~blank & (spaces > 0)
    texts = text.split("\n")
    display = np.zeros(count, dtype=bool)
    for i in np.flatnonzero(asked).tolist():
        display[i] = is_display_type(texts[i])
    at_starts, at_ends = "\n" + text, text + "\n"

    rows = np.flatnonzero(~blank)  # the non-blank lines, in order
    if len(rows) < 2:
        return starts[rows], ends[rows], np.zeros(0, dtype=bool), count - len(rows)
    # Blocks: runs of lines between blank lines.
    new_block = np.ones(len(rows), dtype=bool)
    new_block[1:] = rows[1:] != rows[:-1] + 1
    block = np.cumsum(new_block)
    block_size = np.bincount(block)[block]
    width, column, in_column = widths[rows], columns[rows], in_columns[rows]
    punct = punct[rows]
    opening = list(_OPENS_PARAGRAPH_LINE.finditer(at_starts))
    at = np.searchsorted(newlines, [m.start() for m in opening])
    opens, lead, guide = np.zeros((3, count), dtype=bool)
    opens[at] = True
    lead[at] = [m.group("lead") is not None for m in opening]
    guide[at] = [m.group("guide") is not None for m in opening]
    opens, lead, guide = opens[rows], lead[rows], guide[rows]
    ends_sentence = _lines_matching(_ENDS_SENTENCE_LINE, at_ends, newlines)[rows]
    hard_end = _lines_matching(_ENDS_HARD_BREAK_LINE, at_ends, newlines)[rows]
    display = display[rows]

    # The break between each line `p` and the next line `n`, for all breaks at once.
    p, n = slice(0, -1), slice(1, None)
    same_block = ~new_block[n]
    may_join = ~(hard_end[p] | opens[n] | display[p] | display[n] | (same_block & ~in_column[p]))
    prev_has_punct = punct[p] | lead[p]  # a lead (`本报讯（记者 …）5 月`) is body text
    prev_short = width[p] <= column[p] - 2
    # In a block: a line ending a sentence joins only if it fills the column; a short line
    # without punctuation above a short line is a subhead over an indented first line, and
    # above a full line it is itself an indented first line.
    joins_in_block = np.where(
        ends_sentence[p],
        width[p] >= column[p] - 1,
        prev_has_punct | ~prev_short | (width[n] >= column[n] - 1),
    )
    # Over a blank line: a column break only if the text runs on. A short line standing alone
    # after a blank is display type; before one it is too, unless a paragraph runs on from it.
    continues = (block_size[n] >= 2) | (width[n] >= UNWRAPPED_WIDTH)
    prev_alone = (block_size[p] == 1) & (width[p] < UNWRAPPED_WIDTH)
    joins_over_blank = (
        ~ends_sentence[p]
        & (continues | punct[n])
        & np.where(prev_alone, width[n] >= UNWRAPPED_WIDTH, prev_has_punct | ~prev_short | continues)
    )
    joins = may_join & np.where(same_block, joins_in_block, joins_over_blank)
    if guide.any():
        # A guide item wraps over lines until a blank line: within a paragraph that opens
        # with one, a break joins exactly when it may and stays in the block.
        in_guide_joins = (may_join & same_block).tolist()
        decided = joins.tolist()
        paragraph_is_guide = bool(guide[0])
        for k, is_guide in enumerate(guide[1:].tolist()):
            if paragraph_is_guide:
                decided[k] = in_guide_joins[k]
            if not decided[k]:
                paragraph_is_guide = is_guide
        joins = np.array(decided, dtype=bool)
    return starts[rows], ends[rows], joins, count - len(rows)


def reflow_paragraphs(text: str) -> tuple[str, int]:
    """Join column lines into paragraphs, one per line; drop blank lines.

    Counts line breaks removed (joins) plus blank lines dropped.

    >>> column = "据悉，我市中心城区目前已完成\\n9 轮全员核酸检测。第九轮检测共发\\n现阳性感染者 23 例，其中社会面仅发\\n现 1例。"
    >>> reflow_paragraphs(column + "\\n\\n李海峰等参加调研")
    ('据悉，我市中心城区目前已完成9 轮全员核酸检测。第九轮检测共发现阳性感染者 23 例，其中社会面仅发现 1例。\\n李海峰等参加调研', 4)
    """
    glyphs = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = np.minimum(glyphs, 0xFFFF)  # as `code_points(text)`; `glyphs` cut the output below
    evidence = np.take(CODE_POINT_EVIDENCE, points, axis=1)  # a column per code point
    starts, ends, joins, blanks = _joins(text, points, evidence)
    if not len(starts):
        return "", blanks
    # A join drops the line break and the whitespace around it (blank lines too): the line
    # before ends at its last visible character, the line after starts at its first.
    ink = np.flatnonzero(evidence[SPACES] == 0)  # each non-blank line has some
    first_ink, last_ink = ink[np.searchsorted(ink, starts)], ink[np.searchsorted(ink, ends) - 1]
    lefts = np.where(np.concatenate(([False], joins)), first_ink, starts)
    rights = np.where(np.append(joins, False), last_ink + 1, ends)
    # Latin letters on both sides of a join were two words: one space between them.
    latin = _is_latin(points[last_ink[:-1]]) & _is_latin(points[first_ink[1:]])
    # The pieces text[left:right] are kept; of each gap between two, only its first character
    # stays as the separator: the line break itself (no join), or made a space (Latin join).
    # All cut from the page's code points at once: a running sum marks what lies in a piece.
    edges = np.zeros(len(points) + 1, dtype=np.int8)
    edges[lefts], edges[rights] = 1, -1  # all distinct: each piece and each gap is non-empty
    keep = np.cumsum(edges[:-1], dtype=np.int8) > 0
    keep[rights[:-1][~joins | latin]] = True
    spaced = rights[:-1][joins & latin]
    if len(spaced):
        glyphs = glyphs.copy()
        glyphs[spaced] = ord(" ")
    out = glyphs[keep].tobytes().decode("utf-32-le", "surrogatepass")
    if HARD_BREAK in out:  # a paragraph may hold nothing else
        out = "\n".join(p for p in out.replace(HARD_BREAK, "").split("\n") if p.strip())
    return out, int(joins.sum()) + blanks


def _is_latin(points: np.ndarray) -> np.ndarray:
    """Whether each code point is an ASCII letter."""
    lower = points | 0x20
    return (lower >= ord("a")) & (lower <= ord("z"))


def separate_trailing_credits(text: str) -> tuple[str, int]:
    """Put a photo credit that OCR ran onto a paragraph's end on its own line.

    >>> separate_trailing_credits("图为5月8日，纪工委在督导检查工作。 冯嘉莹摄")
    ('图为5月8日，纪工委在督导检查工作。\\n冯嘉莹摄', 1)
    """
    if "摄" not in text:  # a fast test first: no credit without it
        return text, 0
    return TRAILING_CREDIT.subn("\n", text)
