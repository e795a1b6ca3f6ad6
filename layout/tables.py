"""Table rows read across: the cells an engine read one by one, joined into one line a row.

A listings page (a TV guide's times beside its programmes, a weather table, a quote or league
table, a box of phone numbers) prints rows of short cells. Engines read each cell as a line of
its own, and cutting the page along its white space reads each column of cells down before the
next (`06:00`, `07:30`, … then `朝闻鹤屿`, `早安岭东`, …). A reader reads such a table row by row,
and the text keeps one row a line, its cells one space apart (`06:00 朝闻鹤屿`).

The evidence is geometric and holds for any table, not one layout:

- two lines are **row mates** when they stand side by side on one row (their boxes share most
  of the lower one's height, in one type size) with no line between them;
- a **stack** is three or more such pairs one under the other, the left cells of each pair in
  one column and the right cells in another: the cells' rows line up across the columns;
- a stack is a table's when neither of its columns is a column of running text (lines that
  fill the column's width, justified, with several Han glyphs each; or lines with clause
  punctuation), each column holds no other lines beside the stack's rows (a table fills its
  columns row by row; a story beside a guide box goes on in its own leading), its columns are
  no two columns of one list (each cell a whole row: `06:30 东岭早新闻`), and one of them
  holds figures (times, temperatures, prices, scores, phone numbers) or both hold short items;
- two columns with no punctuation in any cell are a table's however long their cells (a
  公示's units, a fixture list's venues) when running text's test would take them for two
  columns: beside a column of figures, or set wider apart than a page's gutters
  (`ITEM_GAP`) in a grid of three columns or more.

Two columns of running text set on one baseline grid make stacks too; the first test keeps
them apart. A row is cut where its cells stand much further apart than its closest cells (two
programme guides side by side, each a column of times and a column of titles).
"""

from bisect import bisect_left, bisect_right
from dataclasses import replace
from statistics import median

import regex

from cleaners.charclasses import NOT_IN_A_CELL
from cleaners.lines import is_header_item, is_page_date
from layout.words import set_vertically
from readers.model import Box, OcrLine

# Two lines are on one row when their boxes share this share of the lower one's height, and are
# in one type size when the taller is at most this many times the other's height.
ROW_OVERLAP = 0.5
SAME_SIZE = 1.6

# Row mates stand at most this many line heights apart (a table's columns are set wide apart,
# and a one-glyph cell in a left-aligned column stands as far from the next column's).
MAX_CELL_GAP = 20.0

# The right cells of a stack's pairs stand level with their left cells, give or take this many
# line heights over the stack (a table's rows share one baseline; two boxes side by side in
# their own leading drift apart row by row: a lottery box beside a weather table).
LEVEL_SPREAD = 0.3

# Pairs one under the other belong to one stack when their rows are at most this many line
# heights apart, and a stack is a table's when it has at least this many pairs.
STACK_STEP = 2.5
MIN_ROWS = 3

# A column is running text when at least this share of its lines fill its width to this share
# and, holding no figures, are at least this many line heights wide (a narrow column's lines,
# some ten glyphs; a fixture's `桐湾队一砚江队` is narrower); or when this share of its lines hold
# clause punctuation (a table's cells hold none).
FULL_SHARE = 0.7
FULL_WIDTH = 0.85
TEXT_WIDTH = 7.5
CLAUSE_SHARE = 0.25
# clause or sentence punctuation: running text, never a table's cell
_CLAUSE = regex.compile(f"[{NOT_IN_A_CELL}]")

# A table's head cell at least this many times wider than the column's other cells is set
# across two columns.
HEAD_SPAN = 1.5

# A column of a table holds at most this share of other lines (not the stack's cells) beside
# the stack's rows.
STRAY_SHARE = 0.25

# A cell is a figure when more than half its visible glyphs are digits or the signs set with
# them (times, ranges, percentages, temperatures, phone numbers, scores); a column holds
# figures when this share of its cells are figures.
FIGURE_SHARE = 0.6
# digits and the signs figures carry: clock and ratio colons, decimal points, ranges, signs, units
_FIGURE_GLYPH = regex.compile(r"[0-9０-９:：.．~～\-－—–+＋%％℃°/∶]")

# A cell that is a listing's whole row already: a figure (a time, a number), a space, then words
# (`06:30 东岭早新闻`, as Tesseract reads a guide's row). Two columns of such rows side by side
# are one list set in two columns (two channels' guides), read down, not a table.
_LISTING_ROW = regex.compile(r"^[0-9０-９][0-9０-９:：.．~～\-－]*\s+[\p{Han}\p{Latin}]")

# Two columns of short items (both medians at most this many line heights wide) make a table
# without figures (a weather table's city and sky columns), when one of them is a column of a
# table with figures.
SHORT_CELL = 5.0

# Two columns of items without punctuation, however long (a 公示's units: `苇塘镇渔港街道柳岸社区`),
# stand at least this many line heights apart (wider than a page's gutters, about one glyph).
ITEM_GAP = 2.0

# A row is cut where two of its columns stand this many times further apart than its closest
# two, and more than this many line heights (the white between columns, over the stack).
WIDE_GAP_RATIO = 3.0
WIDE_GAP = 1.5


def _is_figure(text: str) -> bool:
    glyphs = [c for c in text if not c.isspace()]
    return bool(glyphs) and 2 * sum(bool(_FIGURE_GLYPH.match(c)) for c in glyphs) > len(glyphs)


def _row_mates(a: Box, b: Box) -> bool:
    """Whether b stands right of a on a's row, in a's type size, within a table's spacing."""
    low, high = sorted((a.height, b.height))
    gap = b.x0 - a.x1
    return (high <= SAME_SIZE * max(low, 1.0) and _shared_height(a, b) >= ROW_OVERLAP * low
            and -0.2 * low <= gap <= MAX_CELL_GAP * high)


def _shared_height(a: Box, b: Box) -> float:
    return min(a.y1, b.y1) - max(a.y0, b.y0)


def _right_mates(boxes: list[Box]) -> dict[int, int]:
    """Each line's nearest row mate to its right (none between them); a line is the right mate
    of one line at most, the one whose row it shares most."""
    by_top = sorted(range(len(boxes)), key=lambda i: boxes[i].y0)
    tops = [boxes[i].y0 for i in by_top]
    mates: dict[int, int] = {}
    for i, a in enumerate(boxes):
        # a row mate's top lies above a's bottom: only lines starting from a little above a
        first = bisect_left(tops, a.y0 - SAME_SIZE * a.height)
        last = bisect_left(tops, a.y1)
        near = [j for j in by_top[first:last] if j != i and _row_mates(a, boxes[j])]
        if near:
            mates[i] = min(near, key=lambda j: boxes[j].x0)
    best: dict[int, int] = {}
    for i, j in mates.items():
        if j not in best or _shared_height(boxes[i], boxes[j]) > _shared_height(boxes[best[j]], boxes[j]):
            best[j] = i
    return {i: j for j, i in best.items()}


def _middle(box: Box) -> float:
    return (box.y0 + box.y1) / 2


def _x_overlap(a: Box, b: Box) -> bool:
    shared = min(a.x1, b.x1) - max(a.x0, b.x0)
    return shared > 0.5 * max(1.0, min(a.width, b.width))


def _stacks(boxes: list[Box], mates: dict[int, int], height: float) -> list[list[int]]:
    """The pairs (by their left line) grouped into stacks: pairs one under the other, their left
    cells in one column and their right cells in another."""
    left = sorted(mates, key=lambda i: boxes[i].y0)
    parent = {i: i for i in left}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for k, i in enumerate(left):
        for j in left[k + 1:]:
            if boxes[j].y0 - boxes[i].y1 > STACK_STEP * height:
                break
            if _x_overlap(boxes[i], boxes[j]) and _x_overlap(boxes[mates[i]], boxes[mates[j]]):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in left:
        groups.setdefault(root(i), []).append(i)
    return [group for group in groups.values() if len(group) >= MIN_ROWS]


def _running_text(cells: list[int], boxes: list[Box], texts: list[str]) -> bool:
    if sum(bool(_CLAUSE.search(texts[i])) for i in cells) >= CLAUSE_SHARE * len(cells):
        return True
    widest = max(boxes[i].width for i in cells)
    if sum(boxes[i].width >= FULL_WIDTH * widest for i in cells) < FULL_SHARE * len(cells):
        return False
    wide = median(boxes[i].width / max(boxes[i].height, 1.0) for i in cells) >= TEXT_WIDTH
    return wide and not _holds_figures(cells, texts)


def _holds_figures(cells: list[int], texts: list[str]) -> bool:
    return sum(_is_figure(texts[i]) for i in cells) >= FIGURE_SHARE * len(cells)


def _strays(cells: list[int], rows: list[int], boxes: list[Box], by_middle: tuple[list[int], list[float]]) -> int:
    """How many other lines stand in the cells' column beside the rows (`rows`: every cell of
    the stack): their middles within the rows' height, most of their width within the column.
    `by_middle`: the lines in order of their middles, and those middles (only the rows' height
    is looked at: a page of many small tables asks this for each)."""
    # the column's width without a head cell set across two columns (`单位价格` over `元/斤` and
    # its prices): its cells but the first row's when that one is far wider than the others
    ordered = sorted(cells, key=lambda i: boxes[i].y0)
    head, body = ordered[0], ordered[1:]
    if body and boxes[head].width > HEAD_SPAN * max(boxes[i].width for i in body):
        ordered = body
    x0, x1 = min(boxes[i].x0 for i in ordered), max(boxes[i].x1 for i in ordered)
    y0, y1 = min(boxes[i].y0 for i in rows), max(boxes[i].y1 for i in rows)
    order, middles = by_middle
    taken = set(cells)
    beside = order[bisect_right(middles, y0):bisect_left(middles, y1)]
    return sum(1 for j in beside if j not in taken
               and min(x1, boxes[j].x1) - max(x0, boxes[j].x0) > 0.5 * max(boxes[j].width, 1.0))


def _table_kind(stack: list[int], mates: dict[int, int], boxes: list[Box], texts: list[str],
                by_middle: tuple[list[int], list[float]]) -> str | None:
    """Whether a stack is a table's: "figures" (one column holds figures), "short" (both hold
    short items: a table's only beside a column of figures, `join_table_rows`), or None."""
    columns = (stack, [mates[i] for i in stack])
    height = median(boxes[i].height for i in stack)
    white = min(boxes[mates[i]].x0 for i in stack) - max(boxes[i].x1 for i in stack)
    bare = not any(_CLAUSE.search(texts[i]) for cells in columns for i in cells)
    if not bare and any(_running_text(cells, boxes, texts) for cells in columns):
        return None
    offsets = [_middle(boxes[mates[i]]) - _middle(boxes[i]) for i in stack]
    if max(offsets) - min(offsets) > LEVEL_SPREAD * height:
        return None
    if all(sum(bool(_LISTING_ROW.match(texts[i])) for i in cells) >= FIGURE_SHARE * len(cells) for cells in columns):
        return None
    rows = [*columns[0], *columns[1]]
    if any(_strays(cells, rows, boxes, by_middle) > STRAY_SHARE * len(cells) for cells in columns):
        return None
    if any(_holds_figures(cells, texts) for cells in columns):
        return "figures"
    if all(median(boxes[i].width / max(boxes[i].height, 1.0) for i in cells) <= SHORT_CELL for cells in columns):
        return "short"
    if bare:
        return "short" if white >= ITEM_GAP * height else "items"
    return None


def _rows(links: dict[int, tuple[int, float]], boxes: list[Box]) -> list[list[int]]:
    """The chains of table links (each link: its right cell and the white between its stack's
    two columns), each cut where its columns stand much further apart than its closest two
    (two tables side by side on one row)."""
    targets = {j for j, _ in links.values()}
    rows = []
    for start in (i for i in links if i not in targets):
        chain, gaps = [start], []
        while chain[-1] in links:
            cell, gap = links[chain[-1]]
            chain.append(cell)
            gaps.append(gap)
        closest = max(min(gaps), 0.0)
        height = median(boxes[i].height for i in chain)
        row = [chain[0]]
        for gap, cell in zip(gaps, chain[1:], strict=True):
            if gap > WIDE_GAP * height and gap > WIDE_GAP_RATIO * max(closest, 0.25 * height):
                rows.append(row)
                row = []
            row.append(cell)
        rows.append(row)
    return [row for row in rows if len(row) > 1]


def join_table_rows(lines: list[OcrLine], texts: list[str]) -> tuple[list[OcrLine], list[str], int]:
    """The lines with each table row's cells joined, left to right, one space apart, into the
    row's first cell (its box the row's hull); their texts joined alike by tabs (the cleaning
    keeps each as one space, `cleaners.plan`); how many rows.

    >>> times = [OcrLine(t, Box(0, 40 * k, 60, 40 * k + 30)) for k, t in enumerate(["06:00", "07:30", "09:10"])]
    >>> shows = [OcrLine(t, Box(70, 40 * k, 70 + 30 * len(t), 40 * k + 30)) for k, t in enumerate(["朝闻鹤屿", "早安", "午间新闻"])]
    >>> lines, texts, rows = join_table_rows([*times, *shows], [line.text for line in [*times, *shows]])
    >>> rows, texts
    (3, ['06:00\\t朝闻鹤屿', '07:30\\t早安', '09:10\\t午间新闻'])
    """
    if len(lines) < 2 * MIN_ROWS:
        return list(lines), list(texts), 0
    boxes = [line.box for line in lines]
    height = median(b.height for b in boxes)
    # page furniture (a masthead's date, issue and page count beside its weather ear) is no
    # cell, nor a column of glyphs set vertically (竖排 columns stand side by side, as tall)
    furniture = {i for i, text in enumerate(texts) if is_page_date(text.strip()) or is_header_item(text.strip())
                 or set_vertically(boxes[i], text)}
    mates = {i: j for i, j in _right_mates(boxes).items() if i not in furniture and j not in furniture}
    by_middle = sorted(range(len(boxes)), key=lambda i: _middle(boxes[i]))
    middles = [_middle(boxes[i]) for i in by_middle]
    kinds = [(stack, _table_kind(stack, mates, boxes, texts, (by_middle, middles)))
             for stack in _stacks(boxes, mates, height)]
    # two columns of short items are a table's only beside a column of figures (a weather
    # table's cities and skies beside its temperatures); alone they are verse or a list
    with_figures = {j for stack, kind in kinds if kind == "figures" for i in stack for j in (i, mates[i])}
    # or in a grid of three columns or more of short items (a 公示's names, row by row): a
    # stack whose cells go on in the next stack of short items, or come on from the one before
    shorts = [stack for stack, kind in kinds if kind == "short"]
    lefts, rights = {i for stack in shorts for i in stack}, {mates[i] for stack in shorts for i in stack}
    in_grid = {j for stack in shorts if any(mates[i] in lefts or i in rights for i in stack)
               for i in stack for j in (i, mates[i])}
    links: dict[int, tuple[int, float]] = {}
    for stack, kind in kinds:
        if kind == "figures" or (kind == "short" and any(i in with_figures or mates[i] in with_figures
                                                         or i in in_grid for i in stack)) or (
                kind == "items" and any(i in with_figures for i in stack)):
            white = min(boxes[mates[i]].x0 for i in stack) - max(boxes[i].x1 for i in stack)
            links.update((i, (mates[i], white)) for i in stack)
    rows = _rows(links, boxes)
    if not rows:
        return list(lines), list(texts), 0
    joined: dict[int, list[int]] = {row[0]: row for row in rows}
    absorbed = {i for row in rows for i in row[1:]}
    out_lines, out_texts = [], []
    for i, line in enumerate(lines):
        if i in absorbed:
            continue
        if i in joined:
            cells = [lines[j] for j in joined[i]]
            text = "\t".join(texts[j] for j in joined[i])
            box = Box(min(c.box.x0 for c in cells), min(c.box.y0 for c in cells),
                      max(c.box.x1 for c in cells), max(c.box.y1 for c in cells))
            scores = [c.confidence for c in cells if c.confidence is not None]
            line = replace(line, text=text, box=box, words=tuple(w for c in cells for w in c.words),
                           confidence=min(scores) if scores else None)
            out_texts.append(text)
        else:
            out_texts.append(texts[i])
        out_lines.append(line)
    return out_lines, out_texts, len(rows)
