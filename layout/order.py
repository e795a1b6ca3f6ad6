"""Gutters: where a page's columns part, and the lines an engine ran across them.

The gutters are the x-ranges that body lines leave empty (`page_gutters`). A line of body
height that crosses one in the middle of body text is one the engine merged across the
gutter: with word boxes it is cut there (`split_at_gutters`), without them it stays one line
and is counted; lines set across on purpose (headlines) are `set_across`. A line wider than any
column (Tesseract reading narrow columns straight across) is also cut at its wide word gaps that
line up with other such lines' (`split_at_word_gaps`), where loose word boxes cover the gutter. The reading order
itself is `layout.cuts`'s; a line merged across a gutter with no word boxes is narrowed to the
column it starts in for it (`narrow_merged`). The boxes are those of the straightened page (`layout.skew`).
"""

from bisect import bisect_left, bisect_right
from itertools import pairwise
from statistics import median

from layout.words import is_loose, tight_boxes, type_height, with_words
from readers.model import Box, OcrLine

# A gutter is at least this many body-line heights wide (a CJK glyph is about one height).
MIN_GUTTER = 0.4

# A column's line starts at its left edge or indented by up to this many glyphs; a line that
# starts further in and crosses a gutter is set across it (a centred headline).
MAX_INDENT = 3.0

# Read off glyph boxes, at least this wide: the white space between the glyphs of a justified
# column lines up from row to row, a channel narrower than a glyph.
MIN_WORD_GUTTER = 0.8


# Lines of two columns this many line heights above and below a line of body type, which
# overlaps both in x: the engine merged it across the gutter.
MERGED_REACH = 2.0

# A merged line reaches this many line heights, at least, into the next column (its last
# line's few glyphs: `上门。`).
MERGED_INTO = 2.0

# A line whose glyphs are this much wider than the body's is no body line merged across a
# gutter (a merged line's pitch is the body's, a gutter's width spread over its glyphs).
MERGED_PITCH = 1.3

# Two lines share a column when they share more than this share of the narrower one's width.
X_OVERLAP = 0.2

# At most one body line in this many may cross a gutter (set across columns, or merged).
GUTTER_CROSSINGS = 12

# A line at least this much taller than the body lines is display type, set across columns
# when it crosses a gutter; a line of body height crossing one was merged by the engine.
DISPLAY_HEIGHT = 1.25


def _sparse_runs(boxes: list[Box], x0: float, x1: float, min_width: float, allowed: int) -> list[tuple[float, float]]:
    """The x-ranges inside (x0, x1) that at most `allowed` boxes cover, at least `min_width`
    wide, away from the edges (margins are not gutters)."""
    events = sorted([(b.x0, 1) for b in boxes] + [(b.x1, -1) for b in boxes])
    runs, depth, start = [], 0, None
    for x, step in events:
        was_sparse = depth <= allowed
        depth += step
        if was_sparse and depth > allowed:  # a sparse run ends here
            if start is not None and x - start >= min_width and start > x0 and x < x1:
                runs.append((start, x))
            start = None
        elif not was_sparse and depth <= allowed:  # one begins
            start = x
    return runs


def _gutters(boxes: list[Box], h: float) -> list[tuple[float, float]]:
    """The page's gutters: x-ranges the body lines leave empty, but for a few that cross them
    (guide items set across columns, lines the engine merged); display lines may cross."""
    body = [b for b in boxes if b.height < DISPLAY_HEIGHT * h]
    if not body:
        return []
    allowed = max(1, len(body) // GUTTER_CROSSINGS)
    return _sparse_runs(body, min(b.x0 for b in body), max(b.x1 for b in body), MIN_GUTTER * h, allowed)


def page_gutters(lines: list[OcrLine]) -> list[tuple[float, float]]:
    """The page's gutters, from word boxes where the engine gave them (a word never crosses a
    gutter, a line the engine merged does), else from line boxes.

    Word boxes much wider than their glyphs (Tesseract's, at times) are left out: they
    cover white space the glyphs do not.

    >>> from readers.model import OcrWord
    >>> merged = [OcrLine("左 右", Box(0, y, 220, y + 10), None, tuple(OcrWord("字", Box(x, y, x + 10, y + 10))
    ...           for x in [*range(0, 100, 10), *range(120, 220, 10)])) for y in range(0, 60, 14)]
    >>> page_gutters(merged), _gutters([line.box for line in merged], 10)
    ([(100, 120)], [])
    """
    h = median(type_height(line) for line in lines) if lines else 1.0
    body = [line for line in lines if type_height(line) < DISPLAY_HEIGHT * h]
    if body and all(line.words for line in body):
        words = tight_boxes(body, h)
        allowed = max(1, len(body) // GUTTER_CROSSINGS)
        return _sparse_runs(words, min(b.x0 for b in words), max(b.x1 for b in words), MIN_WORD_GUTTER * h, allowed)
    return _gutters([line.box for line in lines], h)


def line_gap(boxes: list[Box]) -> float:
    """The usual white space between a line and the next one below it in its column (the
    median over lines; 0 when no line has one below).

    >>> line_gap([Box(0, 0, 100, 10), Box(0, 14, 100, 24), Box(0, 30, 100, 40)])
    5.0
    """
    ordered = sorted(boxes, key=lambda b: b.y0)
    gaps = []
    for k, box in enumerate(ordered):
        for below in ordered[k + 1 : k + 40]:
            overlap = min(box.x1, below.x1) - max(box.x0, below.x0)
            # the next row: its middle half a line under this one's (PP-OCR's padded boxes of
            # tightly set lines overlap: no white, not the row after)
            if below.y0 + below.y1 >= box.y0 + box.y1 + box.height and overlap >= 0.5 * min(box.width, below.width):
                gaps.append(max(below.y0 - box.y1, 0.0))
                break
    return median(gaps) if gaps else 0.0


def _crosses(box: Box, gutter: tuple[float, float]) -> bool:
    return box.x0 < gutter[0] and box.x1 > gutter[1]


def _cut_at(line: OcrLine, crossed: list[tuple[float, float]], gutters: list[tuple[float, float]],
            text_left: float, h: float, others: list[Box]) -> list[list]:
    """The line's words in pieces, cut at each crossed gutter that no glyph of the line stands
    in, where the piece on its left starts at its column's left edge (or an indentation from
    it), or goes on a line of the same row that does (the engine cut a column's line in two):
    a column's line does, a headline set across the gutter does not."""
    pieces: list[list] = [[]]
    edges = [(g[0] + g[1]) / 2 for g in crossed]
    for word in sorted(line.words, key=lambda w: w.box.x0 + w.box.x1):
        while len(pieces) <= len(edges) and (word.box.x0 + word.box.x1) / 2 >= edges[len(pieces) - 1]:
            pieces.append([])
        pieces[-1].append(word)
    kept: list[list] = []
    for k, piece in enumerate(pieces):
        if not piece:
            continue
        if kept and k > 0:
            left = kept[-1]
            column_left = max([g[1] for g in gutters if g[1] <= crossed[k - 1][0]], default=text_left)
            x0 = min(w.box.x0 for w in left)
            y0, y1 = min(w.box.y0 for w in left), max(w.box.y1 for w in left)
            g0, g1 = crossed[k - 1]
            # A glyph (not a mark: punctuation may hang past a column's end) in the gutter.
            in_gutter = any(g0 < (w.box.x0 + w.box.x1) / 2 < g1 for w in line.words
                            if not is_loose(w, h) and any(ch.isalnum() for ch in w.text))
            if in_gutter or (x0 > column_left + MAX_INDENT * h and not any(
                    b.x0 <= column_left + MAX_INDENT * h and x0 - h <= b.x1 <= x0 + 0.5 * h
                    and min(b.y1, y1) - max(b.y0, y0) >= 0.5 * min(b.height, y1 - y0) for b in others)):
                left.extend(piece)  # set across the gutter: one line
                continue
        kept.append(list(piece))
    return kept


def set_across(lines: list[OcrLine], gutters: list[tuple[float, float]]) -> set[int]:
    """The lines with word boxes that still cross a gutter after `split_at_gutters`: their
    glyphs were set across it (a headline centred over two columns)."""
    return {i for i, line in enumerate(lines) if line.words and any(_crosses(line.box, g) for g in gutters)}


def split_at_gutters(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """Lines of body height that cross a gutter, cut there when their word boxes allow (words
    on both sides of it), and how many were cut. Display lines set across columns stay whole.

    A line slanted over two rows has a tall box, but body-sized words: it is cut too.

    >>> from readers.model import OcrWord
    >>> body = [OcrLine("左栏正文", Box(0, y, 100, y + 10)) for y in range(0, 60, 14)]
    >>> body += [OcrLine("右栏正文", Box(120, y, 220, y + 10)) for y in range(0, 60, 14)]
    >>> words = (OcrWord("左", Box(0, 70, 10, 80)), OcrWord("栏", Box(90, 70, 100, 80)),
    ...          OcrWord("右", Box(120, 80, 130, 90)))
    >>> lines, cut = split_at_gutters([*body, OcrLine("左栏 右", Box(0, 70, 130, 90), None, words)])
    >>> cut, [line.text for line in lines[-2:]], [line.box.x1 for line in lines[-2:]]
    (1, ['左 栏', '右'], [100, 130])

    A line centred across the gutter (it starts far from its column's left edge) stays whole:

    >>> centred = tuple(OcrWord(c, Box(x, 70, x + 10, 80)) for c, x in [("紧", 60), ("盯", 90), ("落", 125), ("实", 140)])
    >>> split_at_gutters([*body, OcrLine("紧盯 落实", Box(60, 70, 150, 80), None, centred)])[1]
    0
    """
    h = median(type_height(line) for line in lines) if lines else 1.0
    gutters = page_gutters(lines)
    text_left = min((line.box.x0 for line in lines), default=0.0)
    out, cut = [], 0
    for line in lines:
        crossed = [g for g in gutters if _crosses(line.box, g)] if type_height(line) < DISPLAY_HEIGHT * h else []
        if not crossed or not line.words:
            out.append(line)
            continue
        pieces = _cut_at(line, sorted(crossed, key=lambda g: g[0]), gutters, text_left, h,
                         [other.box for other in lines if other is not line])
        if len(pieces) < 2:
            out.append(line)
            continue
        cut += 1
        out += [with_words(line, tuple(words)) for words in pieces]
    return out, cut


# A body line wider than this many glyph heights is no column's line: the engine read a row
# across columns (Tesseract's `--psm 3` on narrow columns does; no printed column is so wide).
WIDE_LINE = 32.0

# Where such lines have wide gaps between words (`MIN_WORD_GUTTER` line heights or more) at one
# x, at least `GAP_SUPPORT` of them and `GAP_SHARE` of those across that x in the rows they
# span, lies a gutter (their loose word boxes may cover it: no empty x-range shows it).
GAP_SUPPORT = 3
GAP_SHARE = 0.5


def _wide_gaps(line: OcrLine, h: float) -> list[tuple[float, float]]:
    """The x-ranges between consecutive tight word boxes of `line` at least `MIN_WORD_GUTTER`
    line heights wide."""
    words = sorted((w for w in line.words if not is_loose(w, h)), key=lambda w: w.box.x0)
    return [(a.box.x1, b.box.x0) for a, b in pairwise(words) if b.box.x0 - a.box.x1 >= MIN_WORD_GUTTER * h]


def _read_across(line: OcrLine, h: float) -> bool:
    """A body line with word boxes wider than any column (`WIDE_LINE`)."""
    return bool(line.words) and type_height(line) < DISPLAY_HEIGHT * h and line.box.width > WIDE_LINE * h


def gap_gutters(lines: list[OcrLine], h: float) -> list[tuple[float, float]]:
    """The x-ranges that wide gaps of at least `GAP_SUPPORT` lines read across columns share,
    those lines being at least `GAP_SHARE` of such lines across the range in their rows.

    >>> from readers.model import OcrWord
    >>> row = lambda y, x: OcrLine("", Box(0, y, 70, y + 1), None, tuple(OcrWord("字", Box(a, y, a + 1, y + 1))
    ...     for a in [*range(0, 20), *range(x, 70)]))
    >>> gap_gutters([row(0, 30), row(2, 32), row(4, 29), row(6, 20)], 1)
    [(20, 29)]
    """
    across_lines = [line for line in lines if _read_across(line, h)]
    gapped = [(line, gap) for line in across_lines for gap in _wide_gaps(line, h)]
    events = sorted((x, step) for _, gap in gapped for x, step in ((gap[0], 1), (gap[1], -1)))
    shared, depth, start = [], 0, 0.0
    for x, step in events:
        if step == 1 and depth + 1 == GAP_SUPPORT:
            start = x
        elif step == -1 and depth == GAP_SUPPORT and x > start:
            shared.append((start, x))
        depth += step
    gutters = []
    for x0, x1 in shared:
        middle = (x0 + x1) / 2
        with_gap = [line for line, gap in gapped if gap[0] <= middle <= gap[1]]
        top, bottom = min(line.box.y0 for line in with_gap), max(line.box.y1 for line in with_gap)
        across = [line for line in across_lines
                  if line.box.x0 < middle < line.box.x1 and top <= line.box.y0 and line.box.y1 <= bottom]
        if len(with_gap) >= GAP_SHARE * len(across):
            gutters.append((x0, x1))
    return gutters


def split_at_word_gaps(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """Lines read across columns (`WIDE_LINE`) cut at each of their wide gaps that holds a
    gutter of `gap_gutters`, and how many were cut.

    >>> from readers.model import OcrWord
    >>> row = lambda y: OcrLine("", Box(0, y, 70, y + 1), None, tuple(OcrWord("字", Box(a, y, a + 1, y + 1))
    ...     for a in [*range(0, 20), *range(30, 70)]))
    >>> lines, cut = split_at_word_gaps([row(y) for y in (0, 2, 4)])
    >>> cut, [(line.box.x0, line.box.x1) for line in lines[:2]]
    (3, [(0, 20), (30, 70)])
    """
    h = median(type_height(line) for line in lines) if lines else 1.0
    gutters = gap_gutters(lines, h)
    if not gutters:
        return list(lines), 0
    out, cut = [], 0
    for line in lines:
        cuts = [g1 for g0, g1 in _wide_gaps(line, h)
                if any(min(g1, x1) > max(g0, x0) for x0, x1 in gutters)] if _read_across(line, h) else []
        if not cuts:
            out.append(line)
            continue
        pieces, rest = [], sorted(line.words, key=lambda w: w.box.x0)
        for at in cuts:
            pieces.append([w for w in rest if w.box.x0 < at])
            rest = [w for w in rest if w.box.x0 >= at]
        pieces.append(rest)
        pieces = [piece for piece in pieces if piece]
        cut += len(pieces) > 1
        out += [with_words(line, tuple(piece)) for piece in pieces]
    return out, cut


class RowIndex:
    """The lines' boxes by their tops, to find the few that may reach into a band of the page
    (a scan of every line for each line made laying out a page quadratic)."""

    def __init__(self, boxes: list[Box]):
        self.order = sorted(range(len(boxes)), key=lambda i: boxes[i].y0)
        self.tops = [boxes[i].y0 for i in self.order]
        self.tallest = max((b.height for b in boxes), default=0.0)

    def within(self, y0: float, y1: float) -> list[int]:
        """The lines whose boxes may meet the band from y0 to y1 (a superset), by index."""
        first = bisect_left(self.tops, y0 - self.tallest)
        last = bisect_right(self.tops, y1)
        return sorted(self.order[first:last])


def _side_by_side(boxes: list[Box], idx: list[int], h: float, merged: int, rows: RowIndex | None = None) -> bool:
    """Whether two of these lines stand side by side in two columns: apart in x, and no line
    right above them (within `MERGED_REACH` line heights) but `merged` overlaps both (a
    paragraph's short last line and the next one's indented start sit under one line of
    their column)."""
    def shares(k: int, i: int) -> bool:
        a, b = boxes[k], boxes[i]
        return min(a.x1, b.x1) - max(a.x0, b.x0) > X_OVERLAP * min(a.width, b.width)

    rows = rows or RowIndex(boxes)
    for n, i in enumerate(idx):
        for j in idx[n + 1:]:
            if max(boxes[i].x0, boxes[j].x0) < min(boxes[i].x1, boxes[j].x1):
                continue
            top = min(boxes[i].y0, boxes[j].y0)
            if not any(top - MERGED_REACH * h <= boxes[k].y1 <= top and shares(k, i) and shares(k, j)
                       for k in rows.within(top - MERGED_REACH * h, top) if k not in (i, j, merged)):
                return True
    return False


def narrow_merged(boxes: list[Box], display: list[bool], pitches: list[float] | None = None) -> tuple[list[Box], int]:
    """The boxes with each line the engine merged across a gutter narrowed to the column it
    starts in, and how many there were. A merged line is body type with lines of two columns
    side by side right above it (within `MERGED_REACH` line heights) and right below it, or
    none below (a story's last row): a headline set across columns is display type, or has
    white around it, and a kicker has its headline alone below it.

    >>> columns = [Box(x, y, x + 100, y + 10) for x in (0, 120) for y in (0, 14, 42, 56)]
    >>> boxes, merged = narrow_merged([*columns, Box(0, 28, 220, 38)], [False] * 9)
    >>> merged, boxes[-1]
    (1, Box(x0=0, y0=28, x1=100, y1=38))
    """
    h = median(b.height for b in boxes) if boxes else 1.0
    body_pitch = median(pitches) if pitches else 0.0
    out, merged = list(boxes), 0
    rows = RowIndex(boxes)
    for i, box in enumerate(boxes):
        neighbours = merged_across(boxes, display, pitches, i, h, body_pitch, rows)
        if neighbours:
            first = min(neighbours, key=lambda j: boxes[j].x0)
            out[i] = Box(box.x0, box.y0, min(box.x1, boxes[first].x1), box.y1)
            merged += 1
    return out, merged


def _under_a_later_column(boxes: list[Box], above: list[int], below: list[int], h: float) -> bool:
    """Whether every line of `below` stands under a column of `above` other than the first
    (a signature set right under a letter's last row, the merged row being the columns' last)."""
    first_right = min(boxes[j].x1 for j in above)  # the first column's right edge
    return all(boxes[j].x0 >= first_right - h for j in below)


def _under_the_first_column(boxes: list[Box], above: list[int], below: list[int], h: float) -> bool:
    """Whether every line of `below` stands under the first column of `above`, within its
    edges: the later columns' stories ended on the merged row (their last lines merged
    into it), the first column's goes on. The first column has two lines or more above
    (a column, not a header's item)."""
    first_left = min(boxes[j].x0 for j in above)
    first = [j for j in above if boxes[j].x0 <= first_left + MAX_INDENT * h]  # (an indented start too)
    first_right = max(boxes[j].x1 for j in first)  # its full lines' right edge
    return len(first) >= 2 and all(boxes[j].x1 <= first_right + h and boxes[j].x0 <= first_left + MAX_INDENT * h for j in below)


def merged_across(boxes: list[Box], display: list[bool], pitches: list[float] | None, i: int, h: float,
                  body_pitch: float, rows: RowIndex | None = None, by_text: bool = False) -> list[int]:
    """The lines right above and below line `i` (within `MERGED_REACH` line heights) when the
    engine merged it across a gutter: body type, with lines of two columns side by side
    right above it and right below it, or none below (a story's last row); or, for the top
    row of columns under a headline (nothing of theirs above), the lines of the columns under
    it (`_columns_below`); else none. `by_text`: for a line to be cut by its text (no word
    boxes), a line reaching only `MERGED_INTO` line heights into the next column counts as
    above or below it, and lines below under the first column alone will do
    (`_under_the_first_column`); a line merely narrowed is held to the stricter test.

    >>> rows = [Box(x, y, x + 100, y + 10) for x in (0, 110) for y in (14, 28, 42)]
    >>> top = Box(0, 0, 210, 10)  # its pitch: 10.5 a merged row, 8.0 a note set across in smaller type
    >>> [len(merged_across([*rows, top], [False] * 7, [10.0] * 6 + [p], 6, 10.0, 10.0)) for p in (10.5, 8.0)]
    [6, 0]
    """
    box = boxes[i]
    if display[i] or (pitches and pitches[i] >= MERGED_PITCH * body_pitch):
        return []
    rows = rows or RowIndex(boxes)
    near = [j for j in rows.within(box.y0 - MERGED_REACH * h, box.y1 + MERGED_REACH * h) if j != i
            and min(boxes[j].x1, box.x1) - max(boxes[j].x0, box.x0) > min(
                X_OVERLAP * min(boxes[j].width, box.width), MERGED_INTO * h if by_text else float("inf"))]
    above = [j for j in near if box.y0 - MERGED_REACH * h <= boxes[j].y1 <= (box.y0 + box.y1) / 2]
    below = [j for j in near if (box.y0 + box.y1) / 2 <= boxes[j].y0 <= box.y1 + MERGED_REACH * h]
    if _side_by_side(boxes, above, h, i, rows) and (not below or _side_by_side(boxes, below, h, i, rows)
                                                    or _under_a_later_column(boxes, above, below, h)
                                                    or (by_text and _under_the_first_column(boxes, above, below, h))):
        return above + below
    if (not pitches or pitches[i] >= (1 - TOP_ROW_PITCH) * body_pitch) and (columns := _columns_below(
            boxes, i, h, rows, wide_under=bool(pitches) and pitches[i] >= body_pitch)):
        return columns
    return []


# A body line with columns under it is their top row merged across the gutters when its
# glyph pitch is at least the body's less this share (a merged row's pitch takes in the
# gutters; an editor's note set across in smaller type is narrower), the row under it starts
# within ROW_GAP line heights, and at least ROWS_BELOW rows within REACH_BELOW line heights
# hold lines side by side; it must reach the last column's right edge within EDGE_SLACK line
# heights.
TOP_ROW_PITCH = 0.1
ROW_GAP = 0.5
ROWS_BELOW = 2
REACH_BELOW = 4.0
EDGE_SLACK = 1.0


def _columns_below(boxes: list[Box], i: int, h: float, rows: RowIndex | None = None,
                   wide_under: bool = False) -> list[int]:
    """The lines of the columns under line `i` when it is their top row merged across the
    gutter: the row under it sits at body leading (no white, as under a caption or a deck set
    across), and at least `ROWS_BELOW` of the rows within `REACH_BELOW` line heights hold
    lines side by side under it (a last line and a byline set on one row are one row only).
    One line right under it that runs on past the first column is the next line of a
    paragraph set across the columns (a 导语 over a story's columns), unless `wide_under`
    (its glyph pitch is wider than the body's, as a merged row's is: the next row was
    merged too)."""
    box = boxes[i]
    band = (rows or RowIndex(boxes)).within(box.y1 - 0.5 * h, box.y1 + REACH_BELOW * h)
    under = sorted((j for j in band if j != i and box.y1 - 0.5 * h <= boxes[j].y0 <= box.y1 + REACH_BELOW * h
                    and min(boxes[j].x1, box.x1) - max(boxes[j].x0, box.x0) > X_OVERLAP * min(boxes[j].width, box.width)),
                   key=lambda j: boxes[j].y0)
    if not under or boxes[under[0]].y0 - box.y1 > ROW_GAP * h:
        return []
    lines_by_row: list[list[int]] = []
    for j in under:
        if lines_by_row and boxes[j].y0 <= boxes[lines_by_row[-1][0]].y0 + 0.5 * h:
            lines_by_row[-1].append(j)
        else:
            lines_by_row.append([j])
    apart = [row for row in lines_by_row if any(
        min(boxes[a].x1, boxes[b].x1) <= max(boxes[a].x0, boxes[b].x0)
        for n, a in enumerate(row) for b in row[n + 1:])]
    if len(apart) < ROWS_BELOW:
        return []
    columns = [j for row in apart for j in row]
    left = min(boxes[j].x0 for j in columns)
    first_right = max(boxes[j].x1 for j in columns if boxes[j].x0 <= left + MAX_INDENT * h)
    if not wide_under and len(lines_by_row[0]) == 1 and boxes[lines_by_row[0][0]].x1 > first_right + h:
        return []
    # it spans them edge to edge: from the first column's left (an indent at most) to the
    # last one's right, as a merged row does and a headline centred over them does not
    return columns if (box.x0 <= min(boxes[j].x0 for j in columns) + MAX_INDENT * h
                       and box.x1 >= max(boxes[j].x1 for j in columns) - EDGE_SLACK * h) else []


# A line the engine merged across a gutter is cut in two by its text when the glyphs'
# pitch that puts the gutter at the cut is the body's within this share; an engine's space
# this many glyph cells from the cut, at most, marks the cut itself.
SPLIT_PITCH = 0.2
SPLIT_SPACE = 1.5


def _cut_cell(text: str, cells: float) -> int:
    """Where to cut `text` to leave `cells` glyph cells on the left (a full-width glyph one,
    a half-width one half): at an engine's space near there, else at the nearest glyph edge.

    >>> _cut_cell("气中，其在空气中含量浓度越 35微克", 12.0), _cut_cell("鸟共记录到约2万只，喂、惊扰", 10.0)
    (13, 10)
    """
    edges, width = [0.0], 0.0
    for char in text:
        width += 0.5 if char.isascii() else 1.0
        edges.append(width)
    spaces = [k for k, char in enumerate(text) if char == " " and abs(edges[k] - cells) <= SPLIT_SPACE]
    if spaces:
        return min(spaces, key=lambda k: abs(edges[k] - cells))
    return min(range(1, len(text)), key=lambda k: abs(edges[k] - cells)) if len(text) > 1 else 0


def split_merged(lines: list[OcrLine], texts: list[str], display: list[bool],
                 pitches: list[float]) -> tuple[list[OcrLine], list[str], int]:
    """The lines with each line the engine merged across a gutter, without word boxes, cut
    in two by its text (`merged_across`: the same test as `narrow_merged`): the left piece
    up to its column's right edge (where its full lines end), the right piece from the next
    column's left edge, the text cut where the body's glyph pitch puts the gutter (at the
    engine's space there, if it left one). A line whose glyphs would not be the body's size
    is left whole (`narrow_merged` then narrows it). Returns the lines, their texts and how
    many were cut.

    >>> left = [OcrLine("左栏正文左栏正文", Box(0, y, 200, y + 25)) for y in (0, 30, 90, 120)]
    >>> right = [OcrLine("右栏正文右栏正文", Box(230, y, 430, y + 25)) for y in (0, 30, 90, 120)]
    >>> merged = OcrLine("左栏后半句话完了右栏开头的句", Box(0, 60, 380, 85))  # 8 + 6 glyphs of 25 px
    >>> lines = [*left, *right, merged]
    >>> out, texts, cut = split_merged(lines, [l.text for l in lines], [False] * 9, [25.0] * 9)
    >>> cut, texts[-2:], [b.box.as_list() for b in out[-2:]]
    (1, ['左栏后半句话完了', '右栏开头的句'], [[0, 60, 200, 85], [230, 60, 380, 85]])
    """
    if not lines:
        return list(lines), list(texts), 0
    boxes = [line.box for line in lines]
    rows = RowIndex(boxes)
    h = median(b.height for b in boxes)
    body = median(pitches)
    out_lines: list[OcrLine] = []
    out_texts: list[str] = []
    cut = 0
    for i, line in enumerate(lines):
        pieces = None
        if not line.words and (neighbours := merged_across(boxes, display, pitches, i, h, body, rows, by_text=True)):
            pieces = _split_line(line, texts[i], boxes, neighbours, h, body)
        if pieces is None:
            out_lines.append(line)
            out_texts.append(texts[i])
            continue
        cut += 1
        for piece, text in pieces:
            out_lines.append(piece)
            out_texts.append(text)
    return out_lines, out_texts, cut


def _columns_of(boxes: list[Box], neighbours: list[int], h: float) -> list[tuple[float, float]]:
    """The columns the `neighbours` stand in, left to right, as (left edge, right edge): a
    line starting more than `MAX_INDENT` glyphs right of a column's left edge, and past its
    right edge less a glyph, starts the next column (an indented line stays in its column,
    however the padded boxes overlap; so does a subhead centred in it).

    >>> _columns_of([Box(0, 0, 100, 10), Box(20, 14, 100, 24), Box(95, 0, 200, 10)], [0, 1, 2], 10.0)
    [(0, 100), (95, 200)]
    >>> _columns_of([Box(0, 0, 100, 10), Box(110, 0, 210, 10), Box(160, 14, 205, 24)], [0, 1, 2], 10.0)
    [(0, 100), (110, 210)]
    """
    columns: list[list[float]] = []
    for j in sorted(neighbours, key=lambda j: boxes[j].x0):
        # (a line set in from its column's left further than an indent, a centred subhead,
        # still starts inside that column)
        if columns and (boxes[j].x0 <= columns[-1][0] + MAX_INDENT * h or boxes[j].x0 < columns[-1][1] - h):
            columns[-1][1] = max(columns[-1][1], boxes[j].x1)
        else:
            columns.append([boxes[j].x0, boxes[j].x1])
    return [(left, right) for left, right in columns]


def _split_line(line: OcrLine, text: str, boxes: list[Box], neighbours: list[int], h: float,
                body: float) -> list[tuple[OcrLine, str]] | None:
    """The line cut into one piece per column it runs across (`neighbours`: the lines of
    those columns right above and below it), or None when its glyphs, the gutters taken
    out, would not be the body's size."""
    box = line.box
    columns = _columns_of(boxes, neighbours, h)
    first = [k for k, (left, right) in enumerate(columns) if left - MAX_INDENT * h <= box.x0 < right]
    if not first:
        return None
    # each piece's span: from the line's start (or the column's left edge) to the column's
    # right edge (or the line's end), for the columns the line reaches by a glyph or more
    spans = [(box.x0, columns[first[0]][1])]
    for left, right in columns[first[0] + 1:]:
        if left > box.x1 - h:
            break
        spans.append((max(left, spans[-1][1]), min(right, box.x1)))
    if len(spans) < 2 or spans[-1][1] <= spans[-1][0]:
        return None
    total = sum(0.5 if char.isascii() else 1.0 for char in text.replace(" ", ""))
    if total < 2:
        return None
    inked = [right - left for left, right in spans]
    pitch = sum(inked) / total  # the glyphs' pitch, the gutters taken out
    if abs(pitch - body) > SPLIT_PITCH * body:
        return None
    pieces, rest = [], text
    for (left, right), width in zip(spans[:-1], inked[:-1], strict=True):
        k = _cut_cell(rest, width / pitch)
        piece, rest = rest[:k].rstrip(), rest[k:].lstrip()
        if not piece or not rest:
            return None
        pieces.append((OcrLine(piece, Box(left, box.y0, right, box.y1), line.confidence), piece))
    left, right = spans[-1]
    pieces.append((OcrLine(rest, Box(left, box.y0, box.x1, box.y1), line.confidence), rest))
    return pieces
