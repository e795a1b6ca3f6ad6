"""How far the page is turned, and its boxes turned back.

A scan is rarely straight: 0.1-1 degree is common, and over a page's height a turn of one
degree moves a column's left edge by two glyphs, which narrows every gutter and tilts every
white band between stories. The evidence that holds across layouts is the columns
themselves: when the page is straight, the lines of a column start and end at the same x,
so the x-projection of the line boxes (how many boxes cover each x) is most peaked; turned,
it smears. The skew is the angle whose turning back gives the most peaked projection (the
projection-profile method), searched on a fine grid. Word boxes sit on their glyphs and say
it best; PP-OCR's padded line boxes say it less exactly (README: how exactly, on dev).

Where the engine measured each line's own angle and boxed no words (PP-OCR's polygons), the
median angle of its long lines is the turn (`engine_turn`): a phone's perspective smears the
columns' edges, and there the projection turned pages by up to a degree the wrong way
(tests/eval_sixth held-out, PP-OCR CER 11.30% -> 7.32%, nine pages with polygons: three
better, two worse, where the true turn meets a fragile cut). Tesseract's baselines are read
(`OcrLine.angle`) but not used: its word boxes give the columns' edges exactly, and over
tests/eval_fifth and eval_sixth the baselines read worse (hOCR CER 53.69% -> 59.80% on the
fifth's held-out split).

Engines box a turned line with the axis-aligned box around it, taller and wider than the
line; turning back undoes that too (`straighten`), so line heights mean type size again.
"""

import math
from dataclasses import replace
from statistics import median

import numpy as np

from layout.words import set_vertically, tight_boxes, type_height
from readers.model import Box, OcrLine, OcrWord

# The angles searched, in degrees: a page turned further is a bad scan, not a skew to fix
# (flatbed scans and microfilm frames come turned by up to 3°).
MAX_SKEW = 4.0
# The grid's step, in degrees: finer than the smallest turn that moves a gutter by a pixel.
SKEW_STEP = 0.02


def _peakedness(cx: np.ndarray, cy: np.ndarray, widths: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """For each angle (radians), the integral of the square of the x-projection of boxes of
    these widths centred at (cx, cy) turned back by it: largest when their edges line up.
    Exact over the boxes' edges, not binned by pixel, so a page scanned at another resolution
    (or ALTO in mm10 units) finds the same turn."""
    x = np.cos(angles)[:, None] * cx[None, :] + np.sin(angles)[:, None] * cy[None, :]
    edges = np.concatenate([x - widths / 2, x + widths / 2], axis=1)
    steps = np.concatenate([np.ones_like(x), -np.ones_like(x)], axis=1)
    order = np.argsort(edges, axis=1, kind="stable")
    edges, steps = np.take_along_axis(edges, order, 1), np.take_along_axis(steps, order, 1)
    depth = np.cumsum(steps, axis=1)[:, :-1]  # boxes over the stretch from one edge to the next
    return (depth ** 2 * np.diff(edges, axis=1)).sum(axis=1)


# A turn the projection finds of at least IMPLAUSIBLE_TURN degrees is searched again no further
# than the lines' boxes allow (`turn_bound`, plus SKEW_MARGIN degrees): on a page of short
# modules in many grids the projection peaks at whatever turn lines up some edges by chance
# (up to MAX_SKEW on pages printed straight); below it the projection is the better judge.
IMPLAUSIBLE_TURN = 1.5
SKEW_MARGIN = 0.3


def turn_bound(lines: list[OcrLine]) -> float:
    """How far the page may be turned, in degrees, from how its line boxes grow with their
    width: the axis-aligned box around a line of height h and width w turned by t is
    h cos t + w sin t high, so over body lines the box height rises with the width by sin t
    (the median slope of pairs of lines at least `BOUND_SPREAD` line heights apart in width,
    a Theil-Sen line: a headline or a merged line moves it little). Plus SKEW_MARGIN, at most
    MAX_SKEW.

    >>> straight = [OcrLine("", Box(0, y, w, y + 30)) for y, w in zip(range(0, 900, 40), [400, 250, 600, 120] * 6)]
    >>> turned_lines = [OcrLine("", Box(0, b.y0, b.x1, b.y0 + 30 + 0.0175 * b.x1)) for b in (l.box for l in straight)]
    >>> turn_bound(straight), round(turn_bound(turned_lines), 1)
    (0.3, 1.3)
    """
    heights = np.array([line.box.height for line in lines])
    widths = np.array([line.box.width for line in lines])
    if len(lines) < 3:
        return MAX_SKEW
    h = float(np.median(heights))
    body = (heights < 1.6 * h) & (widths > 3 * h)
    x, y = widths[body], heights[body]
    dx, dy = x[None, :] - x[:, None], y[None, :] - y[:, None]
    apart = dx > BOUND_SPREAD * h
    if not apart.any():
        return MAX_SKEW
    slope = float(np.median(dy[apart] / dx[apart]))
    return min(math.degrees(math.asin(min(max(slope, 0.0), 1.0))) + SKEW_MARGIN, MAX_SKEW)


# Two lines tell the slope of box height over width when their widths differ by this many
# line heights at least.
BOUND_SPREAD = 5.0


def page_skew(boxes: list[Box], bound: float = MAX_SKEW) -> float:
    """The angle in degrees the page is turned by (clockwise on screen, y growing down):
    the one within `bound` whose turning back lines the boxes' edges up best. 0 for fewer
    than three boxes.

    >>> column = [Box(0, y, 400, y + 30) for y in range(0, 1200, 40)]
    >>> turned = [Box(b.x0 - 0.00873 * b.y0, b.y0, b.x1 - 0.00873 * b.y0, b.y1) for b in column]
    >>> page_skew(column), page_skew(turned)
    (0.0, 0.5)
    """
    if len(boxes) < 3:
        return 0.0
    cx = np.array([(b.x0 + b.x1) / 2 for b in boxes])
    cy = np.array([(b.y0 + b.y1) / 2 for b in boxes])
    widths = np.array([b.width for b in boxes])
    steps = np.arange(0, bound + SKEW_STEP / 2, SKEW_STEP)
    angles = np.stack([steps, -steps], axis=1).ravel()[1:]  # 0, then outwards: a tie keeps the smaller turn
    scores = _peakedness(cx, cy, widths, np.radians(angles))
    best = float(angles[int(np.argmax(scores))])
    return round(best, 2) + 0.0  # + 0.0: no -0.0


def skew_evidence(lines: list[OcrLine]) -> list[Box]:
    """The boxes the turn is read from: the word boxes that sit on their glyphs where every
    line has words (a glyph's place is exact, a line box is padded and cut by the engine),
    else the line boxes."""
    if lines and all(line.words for line in lines):
        return tight_boxes(lines, median(type_height(line) for line in lines)) or [line.box for line in lines]
    return [line.box for line in lines]


def turned(box: Box, degrees: float, centre: tuple[float, float]) -> Box:
    """The axis-aligned box around `box` turned by `degrees` about `centre` (what an engine
    writes for a line on a turned page)."""
    t = math.radians(degrees)
    cos, sin = math.cos(t), math.sin(t)
    mx, my = (box.x0 + box.x1) / 2 - centre[0], (box.y0 + box.y1) / 2 - centre[1]
    x, y = centre[0] + mx * cos - my * sin, centre[1] + mx * sin + my * cos
    w, h = box.width * cos + box.height * abs(sin), box.width * abs(sin) + box.height * cos
    return Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def turned_back(box: Box, degrees: float, centre: tuple[float, float]) -> Box:
    """The box an engine would have written on the straight page for `box`, written on a page
    turned by `degrees` about `centre`: the inverse of `turned`.

    >>> box = Box(100, 200, 500, 230)
    >>> back = turned_back(turned(box, 0.8, (900, 600)), 0.8, (900, 600))
    >>> [round(v, 6) for v in back.as_list()]
    [100.0, 200.0, 500.0, 230.0]
    """
    t = math.radians(degrees)
    cos, sin = math.cos(t), abs(math.sin(t))
    mx, my = (box.x0 + box.x1) / 2 - centre[0], (box.y0 + box.y1) / 2 - centre[1]
    x, y = centre[0] + mx * cos + my * math.sin(t), centre[1] - mx * math.sin(t) + my * cos
    # The box around a w x h rectangle turned by t is (w cos + h sin) x (w sin + h cos); solved
    # for w and h, kept at least a pixel (a glyph-sized box leaves little to undo).
    det = cos * cos - sin * sin
    w = max((box.width * cos - box.height * sin) / det, 1.0)
    h = max((box.height * cos - box.width * sin) / det, 1.0)
    return Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2)


# Boxes turned back are put on a grid of this many steps to the lines' median height, as an
# engine writes whole pixels: relative to the type, so any resolution rounds alike.
GRID_STEPS = 32


def grid_step(lines: list[OcrLine]) -> float:
    """The grid a straightened page's boxes are put on: its lines' median height / GRID_STEPS."""
    heights = sorted(line.box.height for line in lines)
    return max(heights[len(heights) // 2], 1e-6) / GRID_STEPS if heights else 1.0


def on_grid(box: Box, step: float) -> Box:
    """The box on the grid, as engines write whole pixels: a box that touched its neighbour
    still touches it rather than overlapping it by a sliver."""
    return Box(*(float(round(v / step)) * step for v in box.as_list()))


def on_units(box: Box) -> Box:
    """The box on whole units of the engine's coordinates, as a layout line's box is written out."""
    return Box(*(float(round(v)) for v in box.as_list()))


def straighten(lines: list[OcrLine], degrees: float, centre: tuple[float, float]) -> list[OcrLine]:
    """The lines (and their words) with their boxes turned back by `degrees` about `centre`."""
    if not degrees:
        return list(lines)
    step = grid_step(lines)
    return [replace(line, box=on_grid(turned_back(line.box, degrees, centre), step),
                    words=tuple(OcrWord(w.text, on_grid(turned_back(w.box, degrees, centre), step), w.confidence)
                                for w in line.words))
            for line in lines]


# The engine's own angles of the lines say the turn when at least this many long lines (at
# least LONG_LINE line heights wide: a short line's polygon tilts with a glyph or two) carry one.
ENGINE_ANGLES = 5
LONG_LINE = 4.0


def engine_turn(lines: list[OcrLine]) -> float | None:
    """The page's turn as the engine measured it: the median angle of its long lines (a PP-OCR
    polygon's top edge, a Tesseract baseline), on the search's grid; None when fewer than
    `ENGINE_ANGLES` long lines carry an angle.

    >>> lines = [OcrLine("", Box(0, y, 600, y + 30), angle=-1.03) for y in range(0, 300, 40)]
    >>> engine_turn(lines), engine_turn(lines[:3])
    (-1.04, None)
    """
    if not lines:
        return None
    h = median(line.box.height for line in lines)
    angles = [line.angle for line in lines
              if line.angle is not None and not line.words and line.box.width >= LONG_LINE * h]
    if len(angles) < ENGINE_ANGLES:
        return None
    return round(round(median(angles) / SKEW_STEP) * SKEW_STEP, 2) + 0.0  # + 0.0: no -0.0


def page_turn(lines: list[OcrLine]) -> float:
    """The page's turn in degrees: the engine's own (`engine_turn`) where its lines carry
    angles, else `page_skew` of the lines' evidence, searched again within `turn_bound` when
    it reaches IMPLAUSIBLE_TURN; for a page set mostly vertically, its columns' turn.

    >>> columns = [OcrLine("竖排的一列字", Box(x, 100, x + 30, 700)) for x in range(0, 600, 40)]
    >>> page_turn(columns + [OcrLine("岚浦日报", Box(0, 20, 200, 60))]) == 0
    True
    """
    vertical = [line for line in lines if set_vertically(line.box, line.text)]
    if 2 * len(vertical) > len(lines):
        # a page set vertically (竖排): its columns are its lines; transposed (x for y), they
        # lie across as lines do, turned the other way
        return -page_turn([OcrLine(line.text, Box(line.box.y0, line.box.x0, line.box.y1, line.box.x1))
                           for line in vertical])
    measured = engine_turn(lines)
    if measured is not None:
        return measured
    evidence = skew_evidence(lines)
    skew = page_skew(evidence)
    if abs(skew) >= IMPLAUSIBLE_TURN:
        skew = page_skew(evidence, min(turn_bound(lines), abs(skew)))
    return skew
