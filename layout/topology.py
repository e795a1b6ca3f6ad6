"""Reading order as a topological sort of the lines (after T. M. Breuel, "High Performance
Document Layout Analysis", 2003).

Two rules give a partial order on a page's lines, read off their boxes alone:

1. a line comes before a line below it when their x-ranges overlap (down a column, or from
   a headline to the columns under it);
2. a line comes before a line wholly to its right when no line lying between them
   vertically overlaps both in x (a column before the next one, unless a headline set
   across both parts them: then the stories above it come first, by rule 1).

The reading order is a topological sort of that order, the next line always the highest
of those free to go. It needs no gutters and no rows, so it holds for columns whose lines
do not line up (an extra line at a column's top, a column beside a photo) and for a framed
box beside a story, and a page turned straight (`layout.skew`) keeps it.

Rule 2 alone reads a column of a lower band before the end of a story above it to its
right, when no headline spans both. So a column whose run of lines up the page starts
under a headline that opens a band (one with two columns side by side right above it, or
the white space across the page right above it) comes after the lines wholly above that
start beside it (`_column_tops`); and a page's header (a masthead, its lines beside the
paper's name) is read first (`page_header`). Boxes that contradict each other make a
cycle; it is broken at its edge that goes furthest up the page.

A line the engine merged across a gutter would part two columns like a headline:
`narrow_merged` gives it the x-range of the column it starts in.
"""

from dataclasses import dataclass
from statistics import median

import numpy as np

from layout.order import line_gap
from readers.model import Box

# A line at least this much taller than the body lines (the median) is display type.
DISPLAY_HEIGHT = 1.25

# Two lines overlap in x when they share at least this share of the narrower one's width: a
# column's lines share nearly all of it, lines of two columns none (a padded box or a mark
# hanging into the gutter shares a sliver).
X_OVERLAP = 0.2

# Display lines on one row at most this many of their heights apart are pieces of one
# headline (a phrase space is narrower).
ROW_GAP = 1.0

# Lines of two columns this many line heights above and below a line of body type, which
# overlaps both in x: the engine merged it across the gutter.
MERGED_REACH = 2.0

# A line whose glyphs are this much wider than the body's is no body line merged across a
# gutter (a merged line's pitch is the body's, a gutter's width spread over its glyphs).
MERGED_PITCH = 1.3

# A photo under a headline leaves a hole at least this many line heights tall in its column;
# its caption is set in glyphs at most this share of the body's wide.
PHOTO_HOLE = 3.0
CAPTION_PITCH = 0.85
# A credit under a photo is set right: it starts this many line heights right of the column
# line under it (further than a paragraph's indentation).
CREDIT_INDENT = 3.0

# The white space under a page's header (masthead, header band) is taller than the usual
# space between lines of a column by at least this many body line heights (engines box
# lines tightly or loosely: the usual space is measured); the white space between two bands
# of stories, right above a headline across columns, by at least the second.
HEADER_GAP = 0.5
BAND_GAP = 0.1
# A header is one row: no taller than this many times its tallest line (the paper's name, the
# section's box); a story's columns above a white space are none.
HEADER_ROW = 2.0


@dataclass(frozen=True)
class Placed:
    """A line's place in reading order: its block (a run of columns between lines set
    across them) and its column (a run of lines down one column) in that block."""

    index: int  # the line's index in the engine's order
    block: int
    column: int


def display_lines(heights: list[float], across: set[int] = frozenset()) -> list[bool]:
    """Whether each line is display type (a headline, not body text): its type is taller than
    the body's by `DISPLAY_HEIGHT`, or its glyphs stand across a gutter (`across`).

    >>> display_lines([30, 30, 31, 45, 29], {4})
    [False, False, False, True, True]
    """
    h = median(heights) if heights else 1.0
    return [i in across or height >= DISPLAY_HEIGHT * h for i, height in enumerate(heights)]


def _overlap_matrix(x0: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """Whether each pair of lines overlaps in x (by `X_OVERLAP` of the narrower one)."""
    shared = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    width = x1 - x0
    narrower = np.minimum(width[:, None], width[None, :])
    return shared > X_OVERLAP * np.maximum(narrower, 1.0)


def _nearest_above(overlap: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    """For each line, the lines right above it in its column: they overlap it in x and no
    line overlapping both lies between them."""
    nearest = []
    for a in range(len(y)):
        up = np.nonzero(overlap[a] & (y < y[a]))[0]
        # p is hidden when some q above a, below p, overlaps both
        hidden = (overlap[np.ix_(up, up)] & (y[up][None, :] > y[up][:, None])).any(axis=1)
        nearest.append(up[~hidden])
    return nearest


def _display_rows(x0: np.ndarray, x1: np.ndarray, top: np.ndarray, bottom: np.ndarray,
                  heads: list[bool]) -> list[np.ndarray]:
    """For each line that heads a stack of display lines, the others on its row (their boxes
    share half the lower one's height) at most `ROW_GAP` of their heights apart: the pieces
    of one headline an engine cut apart."""
    heights = bottom - top
    shared = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
    apart = np.maximum(x0[:, None], x0[None, :]) - np.minimum(x1[:, None], x1[None, :])
    row = ((shared >= 0.5 * np.minimum(heights[:, None], heights[None, :]))
           & (apart <= ROW_GAP * np.maximum(heights[:, None], heights[None, :]))
           & np.array(heads, dtype=bool)[None, :])
    return [np.nonzero(row[a])[0] if heads[a] else np.array([], dtype=int) for a in range(len(heads))]


def _two_columns(up: list[int], nearest: list[np.ndarray], overlap: np.ndarray, display: list[bool]) -> bool:
    """Whether two of these lines stand side by side in two columns: they do not overlap in
    x, and no line of body type is right above both (a column's short last line and the
    credit set right under it stand side by side, under one line of their column; two
    columns may stand under their story's headline)."""
    for k, p in enumerate(up):
        for q in up[k + 1:]:
            if overlap[p, q]:
                continue
            common = set(nearest[p].tolist()) & set(nearest[q].tolist())
            if not any(not display[r] for r in common):
                return True
    return False


def _column_tops(overlap: np.ndarray, x0: np.ndarray, x1: np.ndarray, y: np.ndarray, top: np.ndarray,
                 bottom: np.ndarray, display: list[bool], band_gap: float, wide_gap: float) -> np.ndarray:
    """For each line, the top of the run of lines above it up its column.

    A run ends at a headline set over two columns (a display line whose row of display lines
    has two columns side by side right above it: it opens a band of stories under the ones
    above). It ends too at a white space across the page right above such a headline (or
    its kicker), `band_gap` tall, for the lines of the band it opens: the kicker stacked on
    it and the lines from its top down (a story's column reaching left of its headline
    starts there too, a sidebar's story beside its kicker goes on); and at one `wide_gap`
    tall above a row of lines under two columns (a caption set across the columns of the
    story above). A run goes on from a display line across such white space (a headline
    over a photo beside the next band), and across a photo's hole in its column."""
    nearest = _nearest_above(overlap, y)
    heads = [bool(display[a]) and not any(display[p] for p in nearest[a]) for a in range(len(y))]
    rows = _display_rows(x0, x1, top, bottom, heads)
    spans = []
    for a in range(len(y)):
        up = np.unique(np.concatenate([nearest[r] for r in rows[a]])) if len(rows[a]) else nearest[a]
        spans.append(bool(display[a]) and _two_columns(list(up), nearest, overlap, display))
    cuts = []  # (top of the white, its bottom, where its band starts, the kickers on its headlines)
    for y0, y1 in _white_rows(top, bottom):
        opening = [a for a in range(len(y)) if spans[a] and y1 <= top[a] <= y1 + (bottom[a] - top[a])]
        if y1 - y0 >= band_gap and opening:
            # its kickers, and the headlines on its row
            band = {int(k) for a in opening for k in nearest[a] if top[k] >= y1}
            band |= {k for k in range(len(y)) if display[k] and any(
                min(bottom[k], bottom[a]) - max(top[k], top[a]) >= 0.5 * min(bottom[k] - top[k], bottom[a] - top[a])
                for a in opening)}
            cuts.append((y0, y1, min(top[a] for a in opening), band))
        elif y1 - y0 >= wide_gap:
            row = [a for a in range(len(y)) if y1 <= top[a] < y1 + 0.5 * (bottom[a] - top[a])]
            if row and _two_columns(sorted({int(p) for a in row for p in nearest[a]}), nearest, overlap, display):
                cuts.append((y0, y1, y1, set()))
    reach = top.copy()
    for a in np.argsort(y, kind="stable"):
        up = [p for p in nearest[a] if display[p] or top[a] - bottom[p] < band_gap or not any(
            bottom[p] <= y0 and y1 <= top[a] and (top[a] >= start or a in band) for y0, y1, start, band in cuts)]
        if not spans[a] and up:
            reach[a] = min(reach[a], min(reach[p] for p in up))
    return reach


def _white_rows(top: np.ndarray, bottom: np.ndarray) -> list[tuple[float, float]]:
    """The runs of rows across the whole page that no line covers, top to bottom."""
    runs, reach = [], None
    for y0, y1 in sorted(zip(top.tolist(), bottom.tolist(), strict=True)):
        if reach is not None and y0 > reach:
            runs.append((reach, y0))
        reach = y1 if reach is None else max(reach, y1)
    return runs


def precedence(boxes: list[Box], display: list[bool] | None = None, pitches: list[float] | None = None) -> np.ndarray:
    """The matrix `before[a, b]`: line a comes before line b by rule 1 or rule 2. `display`:
    whether each line is display type; `pitches`: each line's box width per glyph (a
    caption is set in smaller glyphs).

    >>> left = [Box(0, 0, 100, 10), Box(0, 14, 100, 24)]
    >>> right = [Box(120, 0, 220, 10), Box(120, 14, 220, 24)]
    >>> before = precedence(left + right)
    >>> bool(before[0, 1]), bool(before[1, 2]), bool(before[2, 1])
    (True, True, False)

    A headline across both columns parts the column above it from the one beside and
    below it: the left column's lower line no longer comes before the right one's.

    >>> before = precedence([Box(0, 0, 100, 10), Box(0, 30, 100, 40), Box(0, 14, 220, 26), Box(120, 30, 220, 40)])
    >>> bool(before[0, 3]), bool(before[1, 3]), bool(before[2, 3])
    (False, True, True)
    """
    n = len(boxes)
    x0 = np.array([b.x0 for b in boxes], dtype=float)
    x1 = np.array([b.x1 for b in boxes], dtype=float)
    y = np.array([(b.y0 + b.y1) / 2 for b in boxes], dtype=float)
    top = np.array([b.y0 for b in boxes], dtype=float)
    bottom = np.array([b.y1 for b in boxes], dtype=float)
    overlap = _overlap_matrix(x0, x1)
    above = y[:, None] < y[None, :]
    before = overlap & above  # rule 1
    left_of = ~overlap & ((x0 + x1)[:, None] < (x0 + x1)[None, :])
    band_gap = line_gap(boxes) + BAND_GAP * median(b.height for b in boxes)
    wide_gap = line_gap(boxes) + HEADER_GAP * median(b.height for b in boxes)
    column_top = _column_tops(overlap, x0, x1, y, top, bottom, display or [False] * n, band_gap, wide_gap)
    for a in range(n):
        targets = np.nonzero(left_of[a])[0]
        if not len(targets):
            continue
        low, high = np.minimum(y[a], y[targets]), np.maximum(y[a], y[targets])
        # c lies between a and b vertically and overlaps both in x
        between = (y[None, :] > low[:, None]) & (y[None, :] < high[:, None])
        parted = (between & overlap[a][None, :] & overlap[targets]).any(axis=1)
        # a's column starts below b: b's story ended above a band a's column opens
        later = column_top[a] >= bottom[targets]
        before[a, targets[~parted & ~later]] = True  # rule 2
        before[targets[~parted & later], a] = True
    small = [False] * n
    if pitches:
        body_pitch = median(pitches)
        small = [p <= CAPTION_PITCH * body_pitch for p in pitches]
    _captions_first(before, overlap, x0, y, top, bottom, display or [False] * n, small, band_gap)
    np.fill_diagonal(before, False)
    return before


def _captions_first(before: np.ndarray, overlap: np.ndarray, x0: np.ndarray, y: np.ndarray, top: np.ndarray,
                    bottom: np.ndarray, display: list[bool], small: list[bool], band_gap: float) -> None:
    """A photo's caption and credit come right after the headline the photo hangs under,
    before the story's columns: a line set in smaller glyphs (`small`), or set right (it
    starts `CREDIT_INDENT` line heights right of the line under it: a credit), with nothing
    right above it but a display line across a hole at least `PHOTO_HOLE` line heights tall, and
    the lines with nothing right above them but such a line within `band_gap` (its credit),
    before every other line under that headline's x-range (in place, on `before`). A column
    of the story that starts under the photo is set in body type."""
    nearest = _nearest_above(overlap, y)
    h = float(np.median(bottom - top))
    photo: dict[int, int] = {}  # a caption's line -> its headline
    for a in np.argsort(y, kind="stable"):
        heads = {int(p) if display[p] and top[a] - bottom[p] >= PHOTO_HOLE * h
                 else photo.get(int(p), -1) if top[a] - bottom[p] < band_gap else -1 for p in nearest[a]}
        hole = any(display[p] and top[a] - bottom[p] >= PHOTO_HOLE * h for p in nearest[a])
        below = [b for b in range(len(y)) if a in nearest[b]]
        credit = any(x0[a] - x0[b] > CREDIT_INDENT * h for b in below)
        if len(heads) == 1 and -1 not in heads and (small[a] or credit or not hole):  # it hangs from a headline over a hole only
            photo[int(a)] = heads.pop()
    for a, head in photo.items():
        module = [b for b in range(len(y)) if b not in photo and overlap[b, head] and top[b] >= bottom[head]]
        before[a, module] = True
        before[module, a] = False


def _closure(before: np.ndarray) -> np.ndarray:
    """Which line comes before which, directly or through others."""
    reach = before.copy()
    while True:
        wider = reach | ((reach.astype(np.int32) @ reach.astype(np.int32)) > 0)
        if (wider == reach).all():
            return reach
        reach = wider


def _without_upward_cycles(before: np.ndarray, boxes: list[Box]) -> np.ndarray:
    """`before` without the edges from a lower line to a higher one that close a cycle, the
    one going furthest up the page dropped first (a rule 2 edge from the foot of a column to
    the head of a story above beside it is the likeliest wrong)."""
    y = np.array([(b.y0 + b.y1) / 2 for b in boxes], dtype=float)
    before = before.copy()
    reach = _closure(before)
    upward = before & (y[:, None] > y[None, :]) & reach.T
    for a, b in sorted(zip(*np.nonzero(upward), strict=True), key=lambda e: y[e[1]] - y[e[0]]):
        if reach[b, a]:
            before[a, b] = False
            reach = _closure(before)
    return before


def topological_order(before: np.ndarray, boxes: list[Box]) -> list[int]:
    """The lines sorted so that each comes after all lines that come before it, the next
    line always the highest on the page of those free to go (then the leftmost). A cycle is
    broken at its edges that go up the page (rule 2 from a lower line: a column read
    downwards is surer), else at its highest line.

    >>> boxes = [Box(0, 0, 100, 10), Box(120, 0, 220, 10), Box(0, 14, 100, 24)]
    >>> topological_order(precedence(boxes), boxes)
    [0, 2, 1]
    """
    n = len(boxes)
    before = _without_upward_cycles(before, boxes)
    waiting = before.sum(axis=0).astype(int)
    done = np.zeros(n, dtype=bool)
    key = sorted(range(n), key=lambda i: (boxes[i].y0, boxes[i].x0))
    order: list[int] = []
    while len(order) < n:
        free = next((i for i in key if not done[i] and waiting[i] == 0), None)
        if free is None:
            free = next(i for i in key if not done[i])
        done[free] = True
        order.append(free)
        waiting -= before[free].astype(int)
        waiting[free] = 0
    return order


def columns_and_blocks(order: list[int], boxes: list[Box], display: list[bool]) -> list[Placed]:
    """Each line's block and column, read off the order: a column is a run of consecutive
    lines, each below the one before it and most of it within the x-range of the lines of
    the column so far, or going on along the row of the one before it (a headline heads the
    column under its start; the next story's kicker reaching out of a column starts one).
    A new block starts with a display line after body text (a headline over the next
    stories), or where a column starts left of the one before it and lower (the next band)."""
    placed: list[Placed] = []
    block = column = 0
    left = right = 0.0
    for k, i in enumerate(order):
        b = boxes[i]
        if k:
            p = order[k - 1]
            a = boxes[p]
            within = min(right, b.x1) - max(left, b.x0) >= 0.5 * max(b.width, 1.0)
            below = within and b.y0 >= (a.y0 + a.y1) / 2
            # a row the engine cut in pieces goes on to the right
            along = b.x0 >= a.x1 - a.height and min(a.y1, b.y1) - max(a.y0, b.y0) >= 0.5 * min(a.height, b.height)
            if not ((below or along) and not (display[i] and not display[p])):
                if (display[i] and not display[p]) or (b.x0 < a.x0 - 0.5 * a.height and b.y0 > a.y0):
                    block, column = block + 1, 0
                else:
                    column += 1
                left, right = b.x0, b.x1
        if not k:
            left, right = b.x0, b.x1
        left, right = min(left, b.x0), max(right, b.x1)
        placed.append(Placed(i, block, column))
    return placed


def _side_by_side(boxes: list[Box], idx: list[int], h: float, merged: int) -> bool:
    """Whether two of these lines stand side by side in two columns: apart in x, and no line
    right above them (within `MERGED_REACH` line heights) but `merged` overlaps both (a
    paragraph's short last line and the next one's indented start sit under one line of
    their column)."""
    def shares(k: int, i: int) -> bool:
        a, b = boxes[k], boxes[i]
        return min(a.x1, b.x1) - max(a.x0, b.x0) > X_OVERLAP * min(a.width, b.width)

    for n, i in enumerate(idx):
        for j in idx[n + 1:]:
            if max(boxes[i].x0, boxes[j].x0) < min(boxes[i].x1, boxes[j].x1):
                continue
            top = min(boxes[i].y0, boxes[j].y0)
            if not any(top - MERGED_REACH * h <= boxes[k].y1 <= top and shares(k, i) and shares(k, j)
                       for k in range(len(boxes)) if k not in (i, j, merged)):
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
    for i, box in enumerate(boxes):
        if display[i] or (pitches and pitches[i] >= MERGED_PITCH * body_pitch):
            continue
        near = [j for j, b in enumerate(boxes) if j != i
                and min(b.x1, box.x1) - max(b.x0, box.x0) > X_OVERLAP * min(b.width, box.width)]
        above = [j for j in near if box.y0 - MERGED_REACH * h <= boxes[j].y1 <= (box.y0 + box.y1) / 2]
        below = [j for j in near if (box.y0 + box.y1) / 2 <= boxes[j].y0 <= box.y1 + MERGED_REACH * h]
        if _side_by_side(boxes, above, h, i) and (not below or _side_by_side(boxes, below, h, i)):
            first = min(above + below, key=lambda j: boxes[j].x0)
            out[i] = Box(box.x0, box.y0, min(box.x1, boxes[first].x1), box.y1)
            merged += 1
    return out, merged


def page_header(boxes: list[Box]) -> list[int]:
    """The lines above the first white space across the whole page that parts bands
    (`HEADER_GAP`): a masthead or a header band, read before the stories under it
    (its items beside the paper's name are no column beside the stories). Empty when
    there is none.

    >>> page_header([Box(0, 0, 300, 60), Box(400, 0, 600, 20), Box(400, 30, 600, 50), Box(0, 90, 200, 110)])
    [0, 1, 2]
    """
    gap = line_gap(boxes) + HEADER_GAP * median(b.height for b in boxes)
    spans = sorted((b.y0, b.y1) for b in boxes)
    reach = spans[0][1]
    for y0, y1 in spans[1:]:
        if y0 - reach >= gap:
            header = [i for i, b in enumerate(boxes) if b.y1 <= reach]
            tallest = max(boxes[i].height for i in header)
            return header if reach - spans[0][0] <= HEADER_ROW * tallest else []
        reach = max(reach, y1)
    return []


def reading_order(order_boxes: list[Box], display: list[bool], pitches: list[float] | None = None) -> list[Placed]:
    """The lines' reading order, each with its block and column. `order_boxes`: each line's
    box on the straightened page, a line merged across a gutter narrowed to the column it
    starts in; `display`: whether each line is display type (a headline, not body text);
    `pitches`: each line's box width per glyph.

    >>> two_columns = [Box(0, 0, 100, 10), Box(120, 0, 220, 10), Box(0, 14, 100, 24), Box(120, 14, 220, 24)]
    >>> [p.index for p in reading_order(two_columns, [False] * 4)]
    [0, 2, 1, 3]
    >>> with_headline = [Box(0, 0, 220, 20), *[Box(b.x0, b.y0 + 30, b.x1, b.y1 + 30) for b in two_columns]]
    >>> [(p.index, p.block, p.column) for p in reading_order(with_headline, [True] + [False] * 4)]
    [(0, 0, 0), (1, 0, 0), (3, 0, 0), (2, 0, 1), (4, 0, 1)]
    """
    if not order_boxes:
        return []
    header = page_header(order_boxes)
    order = []
    for part in (header, [i for i in range(len(order_boxes)) if i not in set(header)]):
        if not part:
            continue
        boxes = [order_boxes[i] for i in part]
        before = precedence(boxes, [display[i] for i in part], [pitches[i] for i in part] if pitches else None)
        order += [part[k] for k in topological_order(before, boxes)]
    # blocks and columns part at headlines by their boxes' height: a glyph boxed tall in a
    # body line (Tesseract) is no headline that parts a column
    return columns_and_blocks(order, order_boxes, display_lines([b.height for b in order_boxes]))
