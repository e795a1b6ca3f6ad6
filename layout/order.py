"""Reading order from boxes: blocks and columns, so a page the engine read across comes out
column by column.

A headline set across a gutter with white beside it in the columns it does not reach opens a
new band of stories: the region is cut above it first (in the widest white space between it
and the text beside it above, so its kicker goes with it). Then columns that each hold
display lines of their own (a sidebar beside the stories) are read whole, one after the
other; otherwise a region is cut across at the horizontal gaps that all its lines leave (the
white space between stories set as rectangles). The gutters are the x-ranges that body
lines leave empty; a region is then cut down those
gutters when no line crosses them there; when lines do cross (a headline set across the
columns), the region is first cut above and below each crossing band, and the bands between
are cut into columns again. A line of body height that crosses a gutter in the middle of
body text is one the engine merged across the gutter: it stays one line, in the column it
starts in, and is counted. The boxes are those of the straightened page (`layout.skew`).
"""

from dataclasses import dataclass
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

# A horizontal gap that every line of a region leaves, wider than the usual gap between two
# lines of a column by this many body-line heights, parts two bands (stories are set as
# rectangles with white space between them). Engines box lines tightly or loosely, so the
# usual gap is measured, not assumed.
BAND_GAP = 0.4

# At most one body line in this many may cross a gutter (set across columns, or merged).
GUTTER_CROSSINGS = 12

# A line at least this much taller than the body lines is display type, set across columns
# when it crosses a gutter; a line of body height crossing one was merged by the engine.
DISPLAY_HEIGHT = 1.25


@dataclass(frozen=True)
class Placed:
    """A line's place in reading order: its block (a run between cuts) and its column."""

    index: int  # the line's index in the engine's order
    block: int
    column: int


def body_height(boxes: list[Box]) -> float:
    """The height of a body line: the median line height (body lines are most lines)."""
    return median(b.height for b in boxes) if boxes else 1.0


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
            if below.y0 >= box.y1 - 1 and overlap >= 0.5 * min(box.width, below.width):
                gaps.append(max(below.y0 - box.y1, 0.0))
                break
    return median(gaps) if gaps else 0.0


def _crosses(box: Box, gutter: tuple[float, float]) -> bool:
    return box.x0 < gutter[0] and box.x1 > gutter[1]


def _widest_white(top: float, bottom: float, boxes: list[Box]) -> float | None:
    """The middle of the widest white run of rows between `top` and `bottom` that no box
    covers; None when the boxes cover them all.

    >>> _widest_white(100, 200, [Box(0, 90, 10, 110), Box(0, 130, 10, 150), Box(0, 180, 10, 200)])
    165.0
    """
    spans = sorted((b.y0, b.y1) for b in boxes if b.y1 > top and b.y0 < bottom)
    best, reach = None, top
    for y0, y1 in [*spans, (bottom, bottom)]:
        if y0 > reach and (best is None or y0 - reach > best[1] - best[0]):
            best = (reach, y0)
        reach = max(reach, y1)
    return (best[0] + best[1]) / 2 if best else None


class _Orderer:
    def __init__(self, boxes: list[Box], gutters: list[tuple[float, float]] | None,
                 set_across: set[int] = frozenset(), heights: list[float] | None = None):
        self.boxes = boxes
        self.set_across = set_across
        self.heights = heights or [b.height for b in boxes]
        self.h = median(self.heights)
        self.gutters = _gutters(boxes, self.h) if gutters is None else gutters
        self.band_gap = line_gap(boxes) + BAND_GAP * self.h
        self.merged: set[int] = set()
        self.leaves: list[list[int]] = []

    def is_display(self, i: int) -> bool:
        """Display type: taller than body lines, or known to be set across a gutter."""
        return i in self.set_across or self.heights[i] >= DISPLAY_HEIGHT * self.h

    def order(self, idx: list[int]) -> None:
        """Append the leaves of region `idx` (lines in one column of one band) in reading order."""
        if len(idx) <= 1:
            self.leaves.append(idx) if idx else None
            return
        boxes = [self.boxes[i] for i in idx]
        left, right = min(b.x0 for b in boxes), max(b.x1 for b in boxes)
        inside = [g for g in self.gutters if left < g[0] and g[1] < right]
        free = [g for g in inside if not any(_crosses(b, g) for b in boxes)]
        bands = self._bands_at_headlines(idx, inside)
        if len(bands) > 1:
            for band in bands:
                self.order(band)
            return
        # Columns that each hold display lines are separate (a sidebar beside the stories):
        # read each whole. Otherwise stories set as rectangles are read band by band first.
        if free and self._each_has_display(idx, free):
            self._by_columns(idx, free)
            return
        head = self._heading_stack(idx, inside)
        if head and len(head) < len(idx):
            self.leaves.append(head)
            self.order([i for i in idx if i not in set(head)])
            return
        bands = self._bands_by_gaps(idx)
        if len(bands) > 1:
            for band in bands:
                self.order(band)
            return
        if free:
            self._by_columns(idx, free)
            return
        crossing = [i for i in idx if any(_crosses(self.boxes[i], g) for g in inside)]
        display = [i for i in crossing if self.is_display(i)]
        if display and len(display) < len(idx):
            self._by_bands(idx, set(display))
            return
        if crossing and len(crossing) <= max(1, len(idx) // 10):
            # Body-height lines across a gutter: merged by the engine; the gutter still holds.
            self.merged.update(crossing)
            self._by_columns(idx, inside)
            return
        if crossing and len(crossing) < len(idx):
            # Too many to be lines the engine merged: set across the gutter whatever their
            # height (a subheadline PP-OCR boxed a few pixels short); the bands between them
            # are read by columns rather than row by row across the gutter.
            self._by_bands(idx, set(crossing))
            return
        self.leaves.append(sorted(idx, key=lambda i: (self.boxes[i].y0, self.boxes[i].x0)))

    def _heading_stack(self, idx: list[int], inside: list[tuple[float, float]]) -> list[int]:
        """The display lines above all other lines of the region, when one of them is set
        across a gutter: a story's headline stack, centred over its columns, heads them all
        (even a column it does not reach over). Empty when there is none."""
        body_top = min((self.boxes[i].y0 for i in idx if not self.is_display(i)), default=None)
        if body_top is None:
            return []
        head = sorted((i for i in idx if self.is_display(i) and self.boxes[i].y1 <= body_top + 0.5 * self.h),
                      key=lambda i: (self.boxes[i].y0, self.boxes[i].x0))
        spans = any(_crosses(self.boxes[i], g) for i in head for g in inside)
        return head if spans else []

    def _each_has_display(self, idx: list[int], gutters: list[tuple[float, float]]) -> bool:
        """Whether every column the gutters part holds a display line of its own."""
        cuts = sorted(g[0] for g in gutters)
        has = [False] * (len(cuts) + 1)
        for i in idx:
            if self.is_display(i):
                has[sum(self.boxes[i].x0 >= cut for cut in cuts)] = True
        return all(has)

    def _bands_at_headlines(self, idx: list[int], inside: list[tuple[float, float]]) -> list[list[int]]:
        """The region cut above each headline that opens a new band of stories, top to bottom.

        A headline set across a gutter opens one when the columns it does not reach are white
        beside it and beside the display lines stacked under it (no line there shares its rows
        or has its middle between its top and the body under it): the stories above have ended,
        and a sidebar that goes on beside the stack is no story that ended. The cut falls
        in the widest white space between the last line above it in those columns and the
        headline, so a kicker stacked on the headline goes with it, however narrow the white
        space between the stories is. A headline across every column of the region looks for
        that white space under the earliest end of a column above it, when two columns at
        least hold text above it. No cut otherwise (the gaps decide)."""
        cuts = []
        for s in idx:
            head = self.boxes[s]
            if not self.is_display(s) or not any(_crosses(head, g) for g in inside):
                continue
            beside = [self.boxes[i] for i in idx if self.boxes[i].x1 <= head.x0 or self.boxes[i].x0 >= head.x1]
            stack_end = self._body_below(idx, head)
            if any((b.y1 > head.y0 and b.y0 < head.y1) or head.y0 <= (b.y0 + b.y1) / 2 < stack_end for b in beside):
                continue
            above = [b.y1 for b in beside if b.y1 <= head.y0]
            ends = above or self._column_ends_above(idx, head, inside)
            top = max(above) if above else (min(ends) if len(ends) >= 2 else None)
            if top is not None:
                cut = _widest_white(top, head.y0, [self.boxes[i] for i in idx if i != s])
                cuts += [cut] if cut is not None else []
        if not cuts:
            return [idx]
        bands: dict[int, list[int]] = {}
        for i in idx:
            middle = (self.boxes[i].y0 + self.boxes[i].y1) / 2
            bands.setdefault(sum(middle > cut for cut in set(cuts)), []).append(i)
        return [bands[k] for k in sorted(bands)]

    def _column_ends_above(self, idx: list[int], head: Box, inside: list[tuple[float, float]]) -> list[float]:
        """Per column of the region that has text above `head`, where its last line above ends."""
        cuts = sorted(g[0] for g in inside)
        ends: dict[int, float] = {}
        for i in idx:
            box = self.boxes[i]
            if box.y1 <= head.y0:
                column = sum(box.x0 >= cut for cut in cuts)
                ends[column] = max(ends.get(column, box.y1), box.y1)
        return list(ends.values())

    def _body_below(self, idx: list[int], head: Box) -> float:
        """Where the body under a display line starts: the top of the first line below it in
        the columns it reaches that is no display type (its stack of display lines ends there)."""
        tops = [self.boxes[i].y0 for i in idx if not self.is_display(i) and self.boxes[i].y0 >= head.y1 - 0.5 * self.h
                and self.boxes[i].x0 < head.x1 and self.boxes[i].x1 > head.x0]
        return min(tops, default=head.y1)

    def _bands_by_gaps(self, idx: list[int]) -> list[list[int]]:
        """The region cut at each horizontal gap that every line leaves (the white space
        between stories set as rectangles), top to bottom."""
        ordered = sorted(idx, key=lambda i: self.boxes[i].y0)
        bands, reach = [[ordered[0]]], self.boxes[ordered[0]].y1
        for i in ordered[1:]:
            if self.boxes[i].y0 - reach >= self.band_gap:
                bands.append([])
            bands[-1].append(i)
            reach = max(reach, self.boxes[i].y1)
        # A band below a gap is a new band of stories only if it has a display line or spans
        # columns; one column's text alone goes on from the band above (a story running down
        # its column past white space beside it).
        merged = [bands[0]]
        for band in bands[1:]:
            if self._opens_band(band):
                merged.append(band)
            else:
                merged[-1].extend(band)
        return merged

    def _opens_band(self, band: list[int]) -> bool:
        if any(self.is_display(i) for i in band):
            return True
        cuts = sorted(g[0] for g in self.gutters)
        return len({sum(self.boxes[i].x0 >= cut for cut in cuts) for i in band}) >= 2

    def _by_columns(self, idx: list[int], gutters: list[tuple[float, float]]) -> None:
        cuts = sorted(g[0] for g in gutters)
        columns: list[list[int]] = [[] for _ in range(len(cuts) + 1)]
        for i in idx:
            columns[sum(self.boxes[i].x0 >= cut for cut in cuts)].append(i)
        for column in columns:
            if column:
                if len(column) == len(idx):  # nothing was cut: stop here
                    self.leaves.append(sorted(column, key=lambda i: (self.boxes[i].y0, self.boxes[i].x0)))
                else:
                    self.order(column)

    def _by_bands(self, idx: list[int], display: set[int]) -> None:
        """Cut above and below each run of display lines crossing a gutter."""
        ordered = sorted(idx, key=lambda i: (self.boxes[i].y0, self.boxes[i].x0))
        bands: list[list[int]] = []
        for i in ordered:
            spanning = i in display
            if bands and (bands[-1][0] in display) == spanning:
                bands[-1].append(i)
            else:
                bands.append([i])
        for band in bands:
            if band[0] in display:
                self.leaves.append(band)
            else:
                self.order(band)


def reading_order(boxes: list[Box], gutters: list[tuple[float, float]] | None = None,
                  set_across: set[int] = frozenset(), heights: list[float] | None = None,
                  ) -> tuple[list[Placed], int]:
    """The lines' reading order (each with its block and column) and how many lines the
    engine merged across a gutter. `gutters`: the page's (`page_gutters`), else read off the
    line boxes. `set_across`: lines known to be set across a gutter (their glyphs stand in it),
    read as display lines whatever their height. `heights`: each line's type height (its
    glyphs', where the engine boxed them), else its box's.

    >>> two_columns = [Box(0, 0, 100, 10), Box(120, 0, 220, 10), Box(0, 14, 100, 24), Box(120, 14, 220, 24)]
    >>> [p.index for p in reading_order(two_columns)[0]]
    [0, 2, 1, 3]
    >>> with_headline = [Box(0, 0, 220, 20), *[Box(b.x0, b.y0 + 30, b.x1, b.y1 + 30) for b in two_columns]]
    >>> [(p.index, p.column) for p in reading_order(with_headline)[0]]
    [(0, 0), (1, 0), (3, 0), (2, 1), (4, 1)]
    """
    if not boxes:
        return [], 0
    orderer = _Orderer(boxes, gutters, set_across, heights)
    orderer.order(list(range(len(boxes))))
    placed: list[Placed] = []
    for block, leaf in enumerate(orderer.leaves):
        cuts = sorted(g[0] for g in orderer.gutters)
        for i in leaf:
            placed.append(Placed(i, block, sum(boxes[i].x0 >= cut for cut in cuts)))
    return placed, len(orderer.merged)


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
