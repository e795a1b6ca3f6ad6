"""Reading order by cutting the page along its white space: a recursive XY cut (after
G. Nagy and S. Seth, "Hierarchical representation of optically scanned documents", 1984),
with checks that keep a story whole.

A part of the page (first the page under its header, `page_header`) is cut, by the first of
these that applies, and each piece is cut again the same way:

1. **Bands**, across, at white rows at least `BAND_GAP` line heights taller than the usual
   space between lines: read top to bottom. A white row is a band's edge only if
   - it does not part a headline from the body under it (the line right above a body line
     is display type): white under a headline is the photo it hangs over, and
   - what lies under it spans most of what lies above it (`BAND_COVER`), or is one row (a
     folio): the white under a photo beside a column, or under a story beside a rail of
     briefs, is no band's edge, and
   - it is no photo's hole in a story: no column's text stops in mid-sentence over white at
     least `PHOTO_HOLE` line heights tall and goes on under it (or under the photo's
     caption), flush, in body type, as wide, with no headline under the white.
   A white row no wider than the space between lines parts bands too where it shows once
   PP-OCR's padding of short lines is taken off (`stacked_stories`): every story over it
   ends, and a headline stands at the top of each column of stories under it (stories
   stacked with only a rule between them).
   One row at the foot of the part (a folio) is a band whatever stands over it. A folio is
   one row of short items with no clause punctuation (a column's last line that goes on
   under a photo is body text).
2. **Columns**, down, at white columns at least `GUTTER` line heights wide between the
   lines' boxes with the engine's padding taken off (`PADDING`): read left to right. A
   headline (and its kicker) set over the columns right of a first column whose body starts
   level with the body under the headline (a dog-leg) is read before that first column,
   after a section label over it. A box (a band of a
   column with a display title) that would part a story is read after the story's last column:
   one under text that stops in mid-sentence at the column's edge, the next column starting
   level with that text in body type; or one at the top of the column after such text, the
   story going on under the box (flush left, no lead). A byline at the top of a later
   column (set right-aligned under the headline) is read before the first column's body.
3. **A headline set on the columns**: the lines at the top with no white under them (a
   headline, a byline; one row of body text at most) when the rest stands in columns: read
   first.
4. **The widest white row**: read top to bottom.

A part set mostly vertically (竖排) is cut first under the lines set across over it (its
header), and its columns are read right to left.
A part none of these cuts is one line or one row, read left to right. Last, a photo's
caption (smaller glyphs under a hole in its column) that the cuts read in the middle of a
sentence goes right after the headline it hangs under (`captions_after_headline`), or, when
the photo stands in the story's text and the sentence goes on under the caption in its
column, after that sentence.

Measured against the topological order it replaced (PP-OCR JSON, CER with the cleaning,
`qingyang eval --input paddleocr`): on tests/eval_fresh held-out 28.74% -> 5.01%, dev
3.75% -> 2.17%; tests/eval dev 0.81% both, held-out 7.94% -> 5.65%; on a third set that
neither order was built on (tests/eval_third dev) 33.07% -> 8.45%. On Tesseract hOCR it
reads the tests/eval pages the topological order was tuned on a little worse (dev 5.99% ->
6.77%, held-out 8.07% -> 9.70%).
"""

from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from cleaners.lines import (
    CLAUSE_PUNCT,
    ends_sentence,
    is_byline,
    is_header_item,
    is_page_date,
    opens_paragraph,
)
from cleaners.markers import JUMP_MARKER
from cleaners.paragraphs import is_credit
from layout.order import line_gap
from layout.words import set_vertically
from readers.model import Box

# A kicker beside or over a headline, in body type (`春耕正当时` / `农机下田忙` boxed left of it), is
# at most this many line heights wide, bare of clause punctuation, and opens no paragraph: no
# row of body text under the headline.
KICKER_CELLS = 6.0

# A line at least this much taller than the body lines (the median) is display type.
DISPLAY_HEIGHT = 1.25

# White rows across a part at least this many line heights taller than the usual space
# between a line and the next (`line_gap`) part bands of stories.
BAND_GAP = 0.25

# The lines under a band's edge span at least this share of the width of those above it.
BAND_COVER = 0.6

# White columns at least this many line heights wide part columns, between boxes with the
# engine's padding taken off: up to `PADDING` line heights each side, at most a tenth of the
# box's width (PP-OCR pads a line's box; a rotated page's boxes overlap a narrow gutter).
# Boxes made of word boxes (Tesseract) are tight: none taken off (hOCR CER on tests/eval
# held-out 9.70% -> 8.26%, dev 6.48% -> 6.51%).
GUTTER = 0.1
PADDING = 0.5

# A first column beside a headline starts level with the body under the headline, within
# this many line heights: a dog-leg story, its headline read first.
DOG_LEG = 0.5
# A section's label (访谈, 要闻) over a column: display type less than this share of its width.
LABEL_WIDTH = 0.5

# A photo leaves a hole at least this many line heights tall above its caption, which is set
# in glyphs at most this share of the body's wide; a caption's next line or credit is less
# than `CAPTION_STEP` line heights under it.
PHOTO_HOLE = 3.0
CAPTION_PITCH = 0.85
CAPTION_STEP = 1.5

# A line ending less than this many line heights short of its column's right edge is full:
# the text wrapped on (a line a story goes on from).
FULL_LINE = 2.0

# A line under the lines at the top of a part stands apart from them unless its box reaches
# this many line heights or more into theirs (a headline set close on its byline, a byline
# on its columns); a padded PP-OCR box of a caption across two columns reaches a third of a
# line into their first row (tests/eval_sixth sixth_09: PP-OCR CER 42.40% -> 32.23%).
SET_CLOSE = 0.5

# Two lines overlap in x when they share more than this share of the narrower one's width.
X_OVERLAP = 0.2

# A page's header (masthead, header band) ends at a white row taller than the usual space
# between lines by at least this many line heights, and is one row: no taller than this
# many times its tallest line (the paper's name, the section's box).
HEADER_GAP = 0.5
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


def _runs(part: list[int], lo: list[float], hi: list[float], gap: float) -> list[list[int]]:
    """The part's lines in runs along one axis, parted where at least `gap` of white lies
    between the ranges [lo, hi] of the lines before and those after.

    >>> _runs([0, 1, 2], [0, 12, 50], [10, 20, 60], 5.0)
    [[0, 1], [2]]
    """
    ordered = sorted(part, key=lambda i: lo[i])
    runs, reach = [[ordered[0]]], hi[ordered[0]]
    for i in ordered[1:]:
        if lo[i] - reach >= gap:
            runs.append([i])
        else:
            runs[-1].append(i)
        reach = max(reach, hi[i])
    return runs


class _Cutter:
    """The cuts of one page part's lines (boxes of the straightened page)."""

    def __init__(self, boxes: list[Box], display: list[bool], padded: bool = True, texts: list[str] | None = None,
                 pitches: list[float] | None = None):
        self.boxes, self.display, self.texts = boxes, display, texts
        # a caption's glyphs are smaller than the body's; a credit (`… 摄`) is one too
        body_pitch = median(pitches) if pitches else 0.0
        self.caption = [bool(texts) and (is_credit(texts[i].strip()) or (
            bool(pitches) and pitches[i] <= CAPTION_PITCH * body_pitch)) for i in range(len(boxes))]
        self.vertical = [bool(texts) and set_vertically(b, texts[i]) for i, b in enumerate(boxes)]
        self.h = median(b.height for b in boxes)
        self.band_gap = line_gap(boxes) + BAND_GAP * self.h
        self.x0, self.x1 = [b.x0 for b in boxes], [b.x1 for b in boxes]
        self.y0, self.y1 = [b.y0 for b in boxes], [b.y1 for b in boxes]
        # PP-OCR pads a short line's box more than a long one's: cut to the body's height about
        # their middles (display lines keep theirs), the boxes show white rows between stories
        # stacked with only a rule between them (`stacked_stories`)
        self.core_y0, self.core_y1 = list(self.y0), list(self.y1)
        self.core_gap = self.band_gap
        if padded:
            for i, b in enumerate(boxes):
                if not display[i] and b.height > self.h:
                    middle = (b.y0 + b.y1) / 2
                    self.core_y0[i], self.core_y1[i] = middle - self.h / 2, middle + self.h / 2
            cores = [Box(b.x0, y0, b.x1, y1) for b, y0, y1 in zip(boxes, self.core_y0, self.core_y1, strict=True)]
            self.core_gap = line_gap(cores) + BAND_GAP * self.h
        pad = [min(PADDING * self.h, 0.1 * b.width) if padded else 0.0 for b in boxes]
        self.inner_x0 = [b.x0 + p for b, p in zip(boxes, pad, strict=True)]
        self.inner_x1 = [b.x1 - p for b, p in zip(boxes, pad, strict=True)]

    def overlap(self, a: int, b: int) -> bool:
        shared = min(self.x1[a], self.x1[b]) - max(self.x0[a], self.x0[b])
        return shared > X_OVERLAP * max(1.0, min(self.x1[a] - self.x0[a], self.x1[b] - self.x0[b]))

    def order(self) -> list[int]:
        """All lines in reading order (a stack of parts, not recursion: a page of one long
        column cuts one line off at a time)."""
        out: list[int] = []
        stack = [list(range(len(self.boxes)))]
        while stack:
            part = stack.pop()
            pieces = self.cut(part) if len(part) > 1 else None
            if pieces is None:
                out += (sorted(part, key=lambda i: -self.x1[i]) if self.set_vertically(part)
                        else sorted(part, key=lambda i: (self.y0[i], self.x0[i])))
            else:
                stack.extend(reversed(pieces))
        return out

    def cut(self, part: list[int]) -> list[list[int]] | None:
        """The part's pieces in reading order by the first cut that applies, or None."""
        for cut in (self.header_over_vertical, self.bands, self.columns, self.headline_on_columns, self.widest_white):
            pieces = cut(part)
            if pieces is not None:
                return pieces
        return None

    def header_over_vertical(self, part: list[int]) -> list[list[int]] | None:
        """A part set mostly vertically (竖排) with lines set across over it, their middles
        above the top of every vertical line (the page's header: paper, date, page): those
        first (cut again: left to right), then the vertical columns."""
        if not self.set_vertically(part):
            return None
        top = min(self.y0[i] for i in part if self.vertical[i])
        head = [i for i in part if not self.vertical[i] and self.y0[i] + self.y1[i] < 2 * top]
        if not head:
            return None
        return [head, [i for i in part if i not in set(head)]]

    def bands(self, part: list[int]) -> list[list[int]] | None:
        runs, stacked = [], []  # stacked: the runs `stacked_stories` cut off the one above them
        for run in _runs(part, self.y0, self.y1, self.band_gap):
            pieces = self.stacked_stories(run)
            runs += pieces
            stacked += pieces[1:]
        for keeps in (self.keeps_headline_with_body, self.spans_the_band_above, self.no_hole_in_a_story):
            kept = [runs[0]]
            for k, run in enumerate(runs[1:], 1):
                # (stories that end over a headlined part need not span the band above it: a box
                # under some of their columns, `延伸阅读`, a price strip under a list beside a box)
                spans = keeps == self.spans_the_band_above and (
                    any(run is piece for piece in stacked)
                    or self.a_module_under(kept[-1], run, [i for later in runs[k:] for i in later]))
                if spans or keeps(kept[-1], run) or (run is runs[-1] and self.folio(run)):
                    kept.append(run)
                else:
                    kept[-1] = kept[-1] + run
            runs = kept
        return runs if len(runs) > 1 else None

    def a_module_under(self, above: list[int], below: list[int], under: list[int]) -> bool:
        """Whether `below` is a module of its own under the stories of `above`: headed in each
        of its columns (`headed`; by a bare title in body type too, set flush under the lines
        over it: `flush_under`), the stories over it ending at
        their foot, and no rail going on under the white (`rail_goes_on`; `under`: `below`
        and the lines under it)."""
        groups = _runs(below, self.inner_x0, self.inner_x1, GUTTER * self.h)
        return (bool(self.texts) and self.headed(below, groups, bare=self.flush_under(above, below))
                and self.stories_end_over(above) and not self.rail_goes_on(above, below, under))

    def flush_under(self, above: list[int], below: list[int]) -> bool:
        """Whether `below` starts where the lines of `above` over it start, within a line
        height: a title set flush there, where a signature is set right."""
        b0, b1 = min(self.x0[i] for i in below), max(self.x1[i] for i in below)
        over = [i for i in above if self.x0[i] < b1 and self.x1[i] > b0]
        return bool(over) and abs(min(self.x0[i] for i in over) - b0) <= self.h

    def rail_goes_on(self, above: list[int], below: list[int], under: list[int]) -> bool:
        """Whether `below` goes on down a rail of `above`: under the white beneath it (`under`)
        lines start and end where the lines of `above` over it do, within a line height
        (briefs under a guide in a side column), where a strip under part of a box or the
        columns of a story is narrower or wider."""
        b0, b1 = min(self.x0[i] for i in below), max(self.x1[i] for i in below)
        over = [i for i in above if self.x0[i] < b1 and self.x1[i] > b0]
        if not over:
            return False
        o0, o1 = min(self.x0[i] for i in over), max(self.x1[i] for i in over)
        beneath = [i for i in under if self.x0[i] < b1 and self.x1[i] > b0]
        return (any(abs(self.x0[i] - o0) <= self.h for i in beneath)
                and any(abs(self.x1[i] - o1) <= self.h for i in beneath))

    def stacked_stories(self, run: list[int]) -> list[list[int]]:
        """The run cut at each white row of the boxes cut to the body's height (`core_y0`),
        where the stories over it end (`stories_end_over`) and a headline stands at the top of
        what lies under it in every column of stories (the run's columns between gutters; a
        rail of briefs beside stacked stories goes on under the white without one)."""
        if self.core_y0 == self.y0 and self.core_y1 == self.y1:
            return [run]
        rows = _runs(run, self.core_y0, self.core_y1, self.core_gap)
        groups = _runs(run, self.inner_x0, self.inner_x1, GUTTER * self.h)  # the run's columns of stories
        pieces = [rows[0]]
        for k, row in enumerate(rows[1:], 1):
            under = [i for later in rows[k:] for i in later]
            if self.headed(under, groups) and self.stories_end_over(pieces[-1]):
                pieces.append(row)
            else:
                pieces[-1] = pieces[-1] + row
        return pieces

    def headed(self, under: list[int], groups: list[list[int]], bare: bool = False) -> bool:
        """Whether a headline (or a box's label; with `bare`, any line bare of clause marks, a
        table's title in body type) stands at the top of every column of stories (`groups`)
        that goes on in `under`."""
        return all(any(self.display[b] or self.box_label(b, lower) or (bare and self.bare(b)) for b in self.firsts(lower))
                   for group in groups if (lower := [i for i in under if i in set(group)]))

    def bare(self, line: int) -> bool:
        """Whether the line holds no clause mark and ends no sentence (a title, not prose)."""
        text = self.texts[line].strip() if self.texts else ""
        return bool(text) and not CLAUSE_PUNCT.search(text) and not ends_sentence(text)

    def box_label(self, line: int, part: list[int]) -> bool:
        """Whether the line is a box's label in body type over `part` (`延伸阅读`, `相关链接`): no
        clause mark, at most KICKER_CELLS line heights wide and under LABEL_WIDTH of the part's
        width."""
        text = self.texts[line].strip() if self.texts else ""
        width = max(self.x1[i] for i in part) - min(self.x0[i] for i in part)
        return (bool(text) and not CLAUSE_PUNCT.search(text) and self.x1[line] - self.x0[line] <= KICKER_CELLS * self.h
                and self.x1[line] - self.x0[line] < LABEL_WIDTH * width)

    def stories_end_over(self, above: list[int]) -> bool:
        """Whether the stories of `above` end at its foot: of its lines right over the foot
        (less than a line height above its lowest line's bottom), each ends a sentence, is a
        jump marker, display type or a byline, or has another of them right of it (its story
        goes on in the next column)."""
        foot = max(self.y1[i] for i in above)
        near = [i for i in above if self.y1[i] >= foot - self.h and not self.display[i]]
        for i in near:
            text = self.texts[i].strip() if self.texts else ""
            if not (ends_sentence(text) or self.ends_at_a_marker(i) or is_byline(text)
                    or any(self.x0[j] >= self.x1[i] for j in near)):
                return False
        return True

    def ends_at_a_marker(self, line: int) -> bool:
        """Whether the line holds a jump marker, or ends one wrapped onto it from the line right
        above it in its column (`就等了（下接第` / `7版)`)."""
        text = self.texts[line].strip() if self.texts else ""
        if JUMP_MARKER.search(text):
            return True
        over = [a for a in range(len(self.x0)) if a != line and self.overlap(a, line)
                and self.y1[a] <= self.y0[line] + 0.5 * self.h and self.y1[a] >= self.y0[line] - self.h]
        if not over or not text:
            return False
        wrapped = self.texts[max(over, key=lambda a: self.y1[a])].strip() + text
        return any(m.end() == len(wrapped) for m in JUMP_MARKER.finditer(wrapped))

    def firsts(self, part: list[int]) -> list[int]:
        """The lines of `part` with none of the part above them in their x-range: a line is
        above another when its middle is over the other's top (a tall headline's foot may sit
        beside the first line of the column next to it)."""
        return [b for b in part if not any(c != b and self.y0[c] + self.y1[c] <= 2 * self.y0[b] and self.overlap(b, c)
                                           for c in part)]

    def keeps_headline_with_body(self, above: list[int], below: list[int]) -> bool:
        """Whether no body line at the top of `below` has a display line right above it, or
        a headline's byline or credit (`本报记者 殷若川 文/图` under the headline, a photo's white
        under it)."""
        for b in self.firsts(below):
            if self.display[b]:
                continue
            over = [a for a in above if self.overlap(a, b)]
            if not over:
                continue
            last = max(over, key=lambda a: self.y1[a])
            if self.display[last] or (self.texts and is_byline(self.texts[last].strip()) and self.under_display(last, above)):
                return False
        return True

    def under_display(self, line: int, above: list[int]) -> bool:
        """Whether the line right above `line` (among `above`, sharing its width) is display type."""
        over = [a for a in above if a != line and self.y1[a] <= self.y0[line] + 0.5 * self.h and self.overlap(a, line)]
        return bool(over) and self.display[max(over, key=lambda a: self.y1[a])]

    def one_row(self, lines: list[int]) -> bool:
        return max(self.y0[i] for i in lines) < min(self.y1[i] for i in lines)

    def folio(self, lines: list[int]) -> bool:
        """Whether the lines are one row of short items (a folio: date, page, editors), no
        body text: none holds clause punctuation (a line a sentence goes on in does)."""
        return self.one_row(lines) and not (self.texts and any(CLAUSE_PUNCT.search(self.texts[i]) for i in lines))

    def spans_the_band_above(self, above: list[int], below: list[int]) -> bool:
        """Whether `below` spans `BAND_COVER` of the width of `above`, or is a folio."""
        if self.folio(below):
            return True
        a0, a1 = min(self.x0[i] for i in above), max(self.x1[i] for i in above)
        b0, b1 = min(self.x0[i] for i in below), max(self.x1[i] for i in below)
        return min(a1, b1) - max(a0, b0) >= BAND_COVER * max(a1 - a0, 1.0)

    def no_hole_in_a_story(self, above: list[int], below: list[int]) -> bool:
        """Whether the white between `above` and `below` is no photo's hole in a story's
        columns: no column's text stops in mid-sentence over white at least `PHOTO_HOLE` line
        heights tall with a caption under it (smaller glyphs, or a credit) and goes on under
        the caption, flush
        with it, in body type and as wide (or ending its sentence); and no headline of another story under the white."""
        if not self.texts:
            return True
        firsts = self.firsts(below)
        if any(self.display[b] for b in firsts):
            return True
        return not any(self.goes_on_across_a_hole(b, above) for b in firsts)

    def goes_on_across_a_hole(self, b: int, above: list[int]) -> bool:
        """Whether line `b` (or the line under it, when `b` is a caption) goes on with the text
        of the column over it in `above`, across a photo's hole (and the caption under it)."""
        over = [i for i in above if self.overlap(i, b)]
        body = [i for i in over if not self.caption[i]]
        if not body:
            return False
        a = max(body, key=lambda i: self.y1[i])
        body = [i for i in body if not self.display[i]]  # the column's text, no headline over it
        if self.display[a] or len(body) < 2:
            return False
        # a photo's hole: white with a caption under it (`b`, or one in `above` lower than
        # `a`, under this column or beside it: a photo across columns is captioned under one)
        if not self.caption[b] and not any(self.caption[i] and self.y1[a] < self.y0[i] < self.y0[b] for i in above):
            return False
        hole_foot = min([self.y0[i] for i in over if self.caption[i] and self.y0[i] > self.y1[a]] + [self.y0[b]])
        on = self.under_the_caption(b) if self.caption[b] else b
        return (on is not None and hole_foot - self.y1[a] >= PHOTO_HOLE * self.h
                and abs(self.x0[on] - self.x0[a]) < self.h and not self.display[on]
                and (self.x1[on] >= self.x1[a] - FULL_LINE * self.h or ends_sentence(self.texts[on].strip()))
                and bool(CLAUSE_PUNCT.search(self.texts[on]))
                and self.stops_mid_sentence([a], body) and not opens_paragraph(self.texts[on])
                and not is_byline(self.texts[on].strip()))

    def under_the_caption(self, caption: int) -> int | None:
        """The first line that is no caption under `caption` in its column (less than
        twice `CAPTION_STEP` line heights under the caption's last line), or None."""
        last, lines = caption, sorted(range(len(self.boxes)), key=lambda i: self.y0[i])
        for i in lines:
            if self.y0[i] < self.y1[last] - 0.5 * self.h or not self.overlap(i, caption):
                continue
            if self.y0[i] - self.y1[last] >= CAPTION_STEP * self.h * 2:
                return None
            if not self.caption[i]:
                return i
            last = i
        return None

    def set_vertically(self, part: list[int]) -> bool:
        """Whether most of the part's lines are columns of glyphs set top to bottom (竖排):
        read right to left."""
        return 2 * sum(self.vertical[i] for i in part) > len(part)

    def columns(self, part: list[int]) -> list[list[int]] | None:
        columns = _runs(part, self.inner_x0, self.inner_x1, GUTTER * self.h)
        if len(columns) < 2:
            return None
        if self.set_vertically(part):
            return columns[::-1]
        return self.bylines_first(self.boxes_after_the_story(self.dog_leg_headlines(columns)))

    def bylines_first(self, columns: list[list[int]]) -> list[list[int]]:
        """The columns, with a byline set at the top of a later column (right-aligned under
        the headline, over the story's columns) read before the first column's body: after
        the display lines at its top (the headline), or first."""
        if not self.texts:
            return columns
        found = []
        for column in columns[1:]:
            top = self.first(column)
            text = self.texts[top].strip()
            if len(column) > 1 and is_byline(text) and not text.endswith("摄") and "/图" not in text:
                found.append(top)
        if not found:
            return columns
        first = [i for i in columns[0] if i not in found]
        heads = []
        for i in sorted(first, key=lambda i: (self.y0[i], self.x0[i])):
            if not self.display[i]:
                break
            heads.append(i)
        body = [i for i in first if i not in set(heads)]
        rest = [[i for i in column if i not in found] for column in columns[1:]]
        return [piece for piece in (heads, found, body, *rest) if piece]

    def boxes_after_the_story(self, columns: list[list[int]]) -> list[list[int]]:
        """The columns, with a box (a band of a column, its title display type) that would
        part a story read after the story's last column (before a later column that opens
        with a headline: tests/eval_third third_16, PP-OCR 19.97% -> 3.39%): a box under the text of a column that stops
        in mid-sentence at the column's edge, the story going on at the top of the next
        column, level with it; or a box at the top of the column after one whose text stops
        so, the story going on under the box."""
        kept, after = [], []
        for k, column in enumerate(columns):
            if after and self.titled(column):  # the story ends: the next column opens with a headline
                kept += after
                after = []
            bands = self.bands(column) if self.texts else None
            if bands is not None:
                upper, lower = bands[0], [i for band in bands[1:] for i in band]
                if k + 1 < len(columns) and self.titled(lower) and self.goes_on_beside(upper, column, columns[k + 1]):
                    kept.append(upper)
                    after.append(lower)
                    continue
                if k and self.titled(upper) and self.goes_on_under(lower) and self.stops_mid_sentence(kept[-1], kept[-1]):
                    kept.append(lower)
                    after.append(upper)
                    continue
            kept.append(column)
        return kept + after

    def first(self, lines: list[int]) -> int:
        return min(lines, key=lambda i: (self.y0[i], self.x0[i]))

    def titled(self, lines: list[int]) -> bool:
        """Whether one of the two top lines is display type (a box's title, its figures)."""
        return any(self.display[i] for i in sorted(lines, key=lambda i: self.y0[i])[:2])

    def stops_mid_sentence(self, lines: list[int], column: list[int]) -> bool:
        """Whether the last line of `lines` is body text that fills `column`'s width (from its
        left edge or an indent to its right edge) and ends no sentence (nor at a jump marker):
        the text goes on elsewhere."""
        last = max(lines, key=lambda i: (self.y0[i], self.x0[i]))
        text = self.texts[last].strip()
        # (a line set right under a sentence's end, as a notice's signature, fills no column:
        # it starts past an indent from the line over it)
        higher = [i for i in column if i != last and self.y1[i] <= self.y0[last] + 0.5 * self.h]
        over = [i for i in higher if self.overlap(i, last)]
        set_right = False
        if over:
            left = self.x0[max(over, key=lambda i: self.y1[i])]  # the column's left edge
            above = max((i for i in higher if self.x0[i] < self.x1[last] and self.x1[i] > left), key=lambda i: self.y1[i])
            set_right = self.x0[last] > left + (FULL_LINE + 0.5) * self.h and ends_sentence(self.texts[above].strip())
        return (not self.display[last] and self.x1[last] >= max(self.x1[i] for i in column) - FULL_LINE * self.h
                and not set_right
                and not ends_sentence(text) and not self.ends_at_a_marker(last) and not is_byline(text))

    def goes_on_under(self, lines: list[int]) -> bool:
        """Whether the top line of `lines` goes on with a sentence: body type, flush with the
        column's left edge (no indentation), no lead or bullet that opens a paragraph."""
        top = self.first(lines)
        return (not self.display[top] and self.x0[top] - min(self.x0[i] for i in lines) < self.h
                and not opens_paragraph(self.texts[top]))

    def goes_on_beside(self, upper: list[int], column: list[int], beside: list[int]) -> bool:
        """Whether the text of `upper` (the top of `column`) goes on at the top of the column
        `beside` it: it stops in mid-sentence, and that column starts level with it in body type."""
        going_on = self.first(beside)
        return (abs(self.y0[going_on] - self.y0[self.first(upper)]) <= DOG_LEG * self.h
                and not self.display[going_on] and self.stops_mid_sentence(upper, column))

    def dog_leg_headlines(self, columns: list[list[int]]) -> list[list[int]]:
        """The columns, with the headline set over the columns right of the first one read
        before it, when the first column's body starts level with the body under that
        headline (a section label over the first column, display type narrower than
        `LABEL_WIDTH` of the column, stays first). A headline's
        stack is its display lines and a kicker line over them."""
        first = sorted(columns[0], key=lambda i: self.y0[i])
        width = max(self.x1[i] for i in first) - min(self.x0[i] for i in first)
        labels = []
        while first and self.display[first[0]] and self.x1[first[0]] - self.x0[first[0]] < LABEL_WIDTH * width:
            labels.append(first.pop(0))
        if not first:
            return columns
        top = self.y0[first[0]]
        headlines, kept = [], [first]
        for column in columns[1:]:
            heads = self.stack_at_top(column)
            body = [i for i in column if i not in set(heads)]
            if heads and body and min(self.y0[i] for i in heads) < top and abs(min(self.y0[b] for b in body) - top) <= DOG_LEG * self.h:
                headlines += heads
                column = body
            kept.append(column)
        return [piece for piece in (labels, headlines, *kept) if piece] if headlines else columns

    def stack_at_top(self, column: list[int]) -> list[int]:
        """The headline stack at the top of a column: its display lines down to the first
        body line under one of them, a kicker line over them and bylines under them; empty
        when none."""
        ordered = sorted(column, key=lambda i: self.y0[i])
        stack: list[int] = []
        for i in ordered:
            if not self.display[i] and any(self.display[j] for j in stack):
                if self.texts and is_byline(self.texts[i].strip()):
                    stack.append(i)  # the byline set under the headline
                    continue
                break
            if not self.display[i] and stack:
                return []
            stack.append(i)
        return stack if len(stack) < len(ordered) and any(self.display[j] for j in stack) else []

    def headline_on_columns(self, part: list[int]) -> list[list[int]] | None:
        """The lines at the top that stand across the columns under them with no white
        between (a headline, its kicker, a byline), and the columns; a byline set right under
        the headline goes with it."""
        ordered = sorted(part, key=lambda i: self.y0[i])
        reach = self.y1[ordered[0]]
        for k in range(1, len(ordered) // 2 + 1):
            i = ordered[k]
            if self.y0[i] > reach - SET_CLOSE * self.h and self.no_body_rows(ordered[:k]):
                while (self.texts and k < len(ordered) - 1 and is_byline(self.texts[ordered[k]].strip())
                       and self.y0[ordered[k]] <= reach + SET_CLOSE * self.h and self.under_one_stack(ordered[k], ordered[:k])):
                    reach = max(reach, self.y1[ordered[k]])
                    k += 1
                rest = ordered[k:]
                if len(_runs(rest, self.inner_x0, self.inner_x1, GUTTER * self.h)) > 1:
                    return [ordered[:k], rest]
            reach = max(reach, self.y1[i])
        return None

    def under_one_stack(self, i: int, top: list[int]) -> bool:
        """Whether line `i` stands under the display lines of `top` (shares width with each)
        and those are one headline stack, not the titles of two things side by side."""
        heads = [j for j in top if self.display[j]]
        return bool(heads) and all(self.overlap(i, j) for j in heads)

    def kicker(self, i: int, heads: list[int]) -> bool:
        """Whether line `i` is a kicker in body type (`KICKER_CELLS`): over or beside one of
        the display lines `heads` (its top above that line's foot, within a glyph of it across),
        short, bare of clause punctuation, opening no paragraph."""
        text = self.texts[i].strip()
        return (self.x1[i] - self.x0[i] <= KICKER_CELLS * self.h and not CLAUSE_PUNCT.search(text)
                and not opens_paragraph(text)
                and any(self.y0[i] < self.y1[j] and self.x0[i] <= self.x1[j] + self.h
                        and self.x1[i] >= self.x0[j] - self.h for j in heads))

    def no_body_rows(self, top: list[int]) -> bool:
        """Whether `top` holds no two rows of body text, one under the other (a headline, its
        byline and a kicker in body type beside it set close on their columns do not; stories'
        first rows set tight under a header are no headline)."""
        heads = [i for i in top if self.display[i]]
        body = [i for i in top if not self.display[i]
                and not (self.texts and (is_byline(self.texts[i].strip()) or self.kicker(i, heads)))]
        return not any(self.y0[b] >= (self.y0[a] + self.y1[a]) / 2 and self.overlap(a, b) for a in body for b in body)

    def widest_white(self, part: list[int]) -> list[list[int]] | None:
        """The part cut at its widest white row that is no photo's hole in a story."""
        ordered = sorted(part, key=lambda i: self.y0[i])
        whites, reach = [], self.y1[ordered[0]]
        for k, i in enumerate(ordered[1:], 1):
            if self.y0[i] - reach > 0:
                whites.append((self.y0[i] - reach, k))
            reach = max(reach, self.y1[i])
        for _, at in sorted(whites, key=lambda white: -white[0]):
            if self.no_hole_in_a_story(ordered[:at], ordered[at:]):
                return [ordered[:at], ordered[at:]]
        return None


def captions_after_headline(order: list[int], boxes: list[Box], display: list[bool], texts: list[str],
                            pitches: list[float]) -> list[int]:
    """The order with each photo caption the cuts read in the middle of a sentence moved right
    after the headline it hangs under: a caption is set in smaller glyphs (`CAPTION_PITCH`)
    under a hole in its column (`PHOTO_HOLE`), with the lines under it in small glyphs or a
    credit (`…摄`); the line before it ends no sentence and a body line follows it. When the
    lines over the photo are the column's text and that sentence goes on under the caption in
    its column (the photo stands in the story), the caption (there also one in body type with
    a credit right under it) goes after that sentence instead."""
    h = median(b.height for b in boxes)
    body_pitch = median(pitches)
    small = [p <= CAPTION_PITCH * body_pitch for p in pitches]

    def under_a_hole(i: int) -> bool:
        b = boxes[i]
        over = [j for j in range(len(boxes)) if boxes[j].y1 <= b.y0 + 1
                and min(boxes[j].x1, b.x1) - max(boxes[j].x0, b.x0) > X_OVERLAP * min(boxes[j].width, b.width)]
        return bool(over) and b.y0 - max(boxes[j].y1 for j in over) >= PHOTO_HOLE * h

    def credit(i: int) -> bool:
        text = texts[i].strip()
        return is_byline(text) and (text.endswith("摄") or "/图" in text)

    def goes_on_under(j: int, caption: int) -> bool:
        """Whether line `j` goes on with a sentence under `caption`, in its column."""
        return (boxes[j].y0 >= boxes[caption].y1 and min(boxes[j].x1, boxes[caption].x1) - max(boxes[j].x0, boxes[caption].x0)
                > X_OVERLAP * boxes[caption].width and not is_byline(texts[j].strip()) and not opens_paragraph(texts[j]))

    def credited(k: int) -> bool:
        """Whether the line read `k`th has a credit right under it (a caption in body type)."""
        return k + 1 < len(out) and credit(out[k + 1]) and not credit(out[k]) and (
            boxes[out[k + 1]].y0 - boxes[out[k]].y1 < CAPTION_STEP * h)

    out, k = list(order), 0
    while k < len(out):
        i = out[k]
        if not ((small[i] or credited(k)) and not display[i] and under_a_hole(i)):
            k += 1
            continue
        end = k + 1
        while end < len(out) and (small[out[end]] or credit(out[end])) and (
                boxes[out[end]].y0 - boxes[out[end - 1]].y1 < CAPTION_STEP * h):
            end += 1
        before = texts[out[k - 1]].strip() if k else ""
        interrupts = bool(before) and not display[out[k - 1]] and not ends_sentence(before) \
            and end < len(out) and not display[out[end]]
        heads = [m for m in range(k) if display[out[m]] and boxes[out[m]].y1 <= boxes[i].y0]
        if interrupts and heads and small[i]:
            m = heads[-1]
            # the stack over the photo: display lines, and lines above the caption over its x-range
            while m + 1 < k and (display[out[m + 1]] or (boxes[out[m + 1]].y1 <= boxes[i].y0 and min(
                    boxes[out[m + 1]].x1, boxes[i].x1) - max(boxes[out[m + 1]].x0, boxes[i].x0) > X_OVERLAP * boxes[i].width)):
                m += 1
            if m + 1 < k:
                out = out[:m + 1] + out[k:end] + out[m + 1:k] + out[end:]
                k = end
                continue
        if interrupts and goes_on_under(out[end], out[end - 1]):
            # the photo stands in the story's text (the lines over it are the column's) and the
            # sentence goes on under it: the caption goes after that sentence
            e = end
            while e < len(out) and not display[out[e]] and not ends_sentence(texts[out[e]].strip()):
                e += 1
            e = e + 1 if e < len(out) and not display[out[e]] else e
            out = out[:k] + out[end:e] + out[k:end] + out[e:]
            k = e
            continue
        k = end
    return out


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


def page_header(boxes: list[Box], texts: list[str] | None = None) -> list[int]:
    """The lines above the first white space across the whole page that parts bands
    (`HEADER_GAP`): a masthead or a header band, read before the stories under it
    (its items beside the paper's name are no column beside the stories); else the page's
    top row when two of its items or more are page furniture by their text
    (`header_row`). Empty when there is none.

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
            if reach - spans[0][0] <= HEADER_ROW * tallest:
                return header
            break
        reach = max(reach, y1)
    return header_row(boxes, texts) if texts else []


def header_row(boxes: list[Box], texts: list[str]) -> list[int]:
    """The page's top row (the lines level with its topmost line, and with those) when two of
    its items or more are page furniture: a page label (`第4版`, `A13`), the page's date or
    editor credits. Such a row heads the page however little white lies under it.

    >>> header_row([Box(0, 0, 90, 40), Box(300, 5, 600, 35), Box(700, 8, 900, 34), Box(200, 50, 500, 90)],
    ...            ["第4版", "2026年4月24日星期五", "责任编辑：曹禾", "母亲的菜园"])
    [0, 1, 2]
    """
    order = sorted(range(len(boxes)), key=lambda i: boxes[i].y0)
    bottom, row = boxes[order[0]].y1, []
    for i in order:
        if boxes[i].y0 >= bottom:
            break
        row.append(i)
        bottom = max(bottom, boxes[i].y1)
    furniture = [i for i in row if is_header_item(texts[i]) or is_page_date(texts[i]) or _opens_with_label(texts[i])]
    return sorted(row) if len(furniture) >= 2 and len(row) < len(boxes) else []


def _opens_with_label(text: str) -> bool:
    """Header items the engine read as one line, the page's label first or last among
    them, apart by spaces (`第12版 文史 栖桐日报`).

    >>> _opens_with_label("第12版 文史 栖桐日报"), _opens_with_label("栖桐日报 A3"), _opens_with_label("第12版文史")
    (True, True, False)
    """
    words = text.split()
    return len(words) > 1 and (is_header_item(words[0]) or is_header_item(words[-1]))


# A page of a spread is at least this share of the scan's width.
SPREAD_SIDE = 0.3
# A page's header lies in the top this share of its height.
SPREAD_HEADER = 0.15


def _dates_the_page(text: str) -> bool:
    """A page date, alone or in a header row (`砚溪晚报 2026年10月25日 星期日`)."""
    return "日" in text and (is_page_date(text.strip()) or any(is_page_date(item) for item in _header_dates(text)))


def _header_dates(text: str) -> list[str]:
    """The dates with their weekdays a header row's text holds (its items apart by spaces)."""
    words = text.split()
    return [f"{a} {b}" if b.startswith(("星期", "周")) else a for a, b in zip(words, [*words[1:], ""], strict=True)]


def spread_pages(boxes: list[Box], texts: list[str]) -> list[list[int]]:
    """The lines of each page of a two-page spread scanned as one image, left page first; one
    list of all lines when the scan is one page. A spread is cut at a white column from the top
    line to the bottom one, with a page date in the top rows of each side (a page prints its
    own), each side a good share of the width.

    >>> left = [Box(0, 0, 80, 10), Box(0, 20, 400, 30), Box(0, 40, 400, 50)]
    >>> right = [Box(b.x0 + 460, b.y0, b.x1 + 460, b.y1) for b in left]
    >>> texts = ["2026年10月25日 星期日", "正文", "正文"] * 2
    >>> spread_pages(left + right, texts), spread_pages(left + right, ["城事", "正文", "正文"] * 2)
    ([[0, 1, 2], [3, 4, 5]], [[0, 1, 2, 3, 4, 5]])
    """
    everything = list(range(len(boxes)))
    if len(boxes) < 4:
        return [everything]
    x0 = min(b.x0 for b in boxes)
    width = max(b.x1 for b in boxes) - x0
    y0 = min(b.y0 for b in boxes)
    top = y0 + SPREAD_HEADER * (max(b.y1 for b in boxes) - y0)
    pieces = _runs(everything, [b.x0 for b in boxes], [b.x1 for b in boxes], 0.0)
    for k in range(1, len(pieces)):
        left = sorted(i for piece in pieces[:k] for i in piece)
        right = sorted(i for piece in pieces[k:] for i in piece)
        sides = [max(boxes[i].x1 for i in left) - x0, x0 + width - min(boxes[i].x0 for i in right)]
        if min(sides) >= SPREAD_SIDE * width and all(
                any(boxes[i].y0 <= top and _dates_the_page(texts[i]) for i in side) for side in (left, right)):
            return [left, right]
    return [everything]


def header_in_rows(header: list[int], boxes: list[Box]) -> list[int] | None:
    """A page header set in rows, read row by row, each row left to right (`第8版` and `芷岸日报`,
    then the date and the editors under them), or None when it is not: rows (runs of lines
    whose middles share a height), one of two items or more, no two items of a row over each
    other (boxes that touch by half a line height are side by side). A masthead with stacks of
    lines beside it is none: the cuts read it."""
    rows: list[list[int]] = []
    for i in sorted(header, key=lambda i: boxes[i].y0):
        middle = (boxes[i].y0 + boxes[i].y1) / 2
        if rows and any(boxes[j].y0 < middle < boxes[j].y1 for j in rows[-1]):
            rows[-1].append(i)
        else:
            rows.append([i])
    rows = [sorted(row, key=lambda i: boxes[i].x0) for row in rows]
    slack = 0.5 * median(boxes[i].height for i in header)  # (an engine's boxes may touch)
    side_by_side = all(boxes[a].x1 <= boxes[b].x0 + slack for row in rows for a, b in pairwise(row))
    if not side_by_side or max(len(row) for row in rows) < 2:
        return None
    return [i for row in rows for i in row]


def reading_order(order_boxes: list[Box], display: list[bool], texts: list[str],
                  pitches: list[float] | None = None, padded: bool = True) -> list[Placed]:
    """The lines' reading order, each with its block and column. `order_boxes`: each line's
    box on the straightened page, a line merged across a gutter narrowed to the column it
    starts in; `display`: whether each line is display type (a headline, not body text);
    `texts`: the lines' texts (a caption read mid-sentence is moved); `pitches`: each line's
    box width per glyph (a caption is set in smaller glyphs); `padded`: the engine pads its
    line boxes (PP-OCR; a line of word boxes, as Tesseract's, is as wide as its glyphs).

    >>> two_columns = [Box(0, 0, 100, 10), Box(120, 0, 220, 10), Box(0, 14, 100, 24), Box(120, 14, 220, 24)]
    >>> [p.index for p in reading_order(two_columns, [False] * 4, [""] * 4)]
    [0, 2, 1, 3]
    >>> with_headline = [Box(0, 0, 220, 20), *[Box(b.x0, b.y0 + 30, b.x1, b.y1 + 30) for b in two_columns]]
    >>> [(p.index, p.block, p.column) for p in reading_order(with_headline, [True] + [False] * 4, [""] * 5)]
    [(0, 0, 0), (1, 0, 0), (3, 0, 0), (2, 0, 1), (4, 0, 1)]
    """
    if not order_boxes:
        return []
    order: list[int] = []
    for page in spread_pages(order_boxes, texts):
        page_boxes = [order_boxes[i] for i in page]
        # a page set vertically (竖排) has its header cut off by its cutter: the lines set
        # across over its columns, the paper's name among them (`header_over_vertical`)
        vertical = 2 * sum(set_vertically(order_boxes[i], texts[i]) for i in page) > len(page)
        header = [] if vertical else [page[k] for k in page_header(page_boxes, [texts[i] for i in page])]
        in_rows = header_in_rows(header, order_boxes) if header else None
        order += in_rows or []
        for part in ([] if in_rows else header, [i for i in page if i not in set(header)]):
            if part:
                cutter = _Cutter([order_boxes[i] for i in part], [display[i] for i in part], padded,
                                 [texts[i] for i in part], [pitches[i] for i in part] if pitches else None)
                order += [part[k] for k in cutter.order()]
    if pitches:
        order = captions_after_headline(order, order_boxes, display, texts, pitches)
    # blocks and columns part at headlines by their boxes' height: a glyph boxed tall in a
    # body line (Tesseract) is no headline that parts a column
    return columns_and_blocks(order, order_boxes, display_lines([b.height for b in order_boxes]))
