"""The page model every reader produces: lines with boxes, confidences and (where the format
has them) words. Coordinates are the engine's pixels, y growing downwards."""

import math
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Box:
    """An axis-aligned box: left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_list(self) -> list[float]:
        return [self.x0, self.y0, self.x1, self.y1]

    @classmethod
    def around(cls, points: list[list[float]]) -> "Box":
        """The box around a polygon's points (`rec_polys`).

        >>> Box.around([[10, 5], [60, 7], [59, 30], [9, 28]])
        Box(x0=9, y0=5, x1=60, y1=30)
        """
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return cls(min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True)
class OcrWord:
    """A word (for Chinese often a glyph or a few) as the engine boxed it."""

    text: str
    box: Box
    confidence: float | None = None  # 0..1


@dataclass(frozen=True)
class OcrLine:
    """A line as the engine read it; `block` is the engine's block number (-1: none given);
    `angle` the engine's own measure of how far the line runs turned, in degrees clockwise on
    screen (y growing down): a PP-OCR polygon's top edge, a Tesseract baseline (None: not given)."""

    text: str
    box: Box
    confidence: float | None = None  # 0..1
    words: tuple[OcrWord, ...] = ()
    block: int = -1
    angle: float | None = None


@dataclass(frozen=True)
class OcrPage:
    """One page of OCR output: its lines in the engine's order."""

    lines: tuple[OcrLine, ...]
    source_format: str  # hocr | alto | paddleocr | image
    width: float | None = None
    height: float | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def confidence(self) -> float | None:
        """Mean line confidence (None when the engine gave none)."""
        scores = [line.confidence for line in self.lines if line.confidence is not None]
        return sum(scores) / len(scores) if scores else None


def without_line_level_words(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines, their words dropped when no line has two: a file that boxes each line as one
    word (PaddleOCR's lines converted to hOCR or ALTO, one `ocrx_word` or `String` a line)
    tells nothing of where the glyphs sit, and the layout must read its boxes as the padded
    line boxes of an engine without words (PP-OCR lines as such hOCR, tests/eval_third dev:
    CER 8.86% against 4.52% as JSON; with this, the same).

    >>> line = OcrLine("核酸", Box(0, 0, 40, 20), 0.9, (OcrWord("核酸", Box(0, 0, 40, 20), 0.9),))
    >>> [l.words for l in without_line_level_words([line])]
    [()]
    """
    if any(len(line.words) > 1 for line in lines):
        return lines
    return [replace(line, words=()) for line in lines]


def polygon_angle(points) -> float | None:
    """How far a polygon's line runs turned, in degrees: the slope of its top edge (PP-OCR
    lists a line's corners clockwise from its top left); None for a box or a degenerate edge.

    >>> polygon_angle([[0, 0], [100, 2], [100, 32], [0, 30]]), polygon_angle([10, 5, 60, 30])
    (1.15, None)
    """
    try:
        (x0, y0), (x1, y1) = points[0][:2], points[1][:2]
        run, rise = float(x1) - float(x0), float(y1) - float(y0)
    except (TypeError, ValueError, IndexError):
        return None
    return round(math.degrees(math.atan2(rise, run)), 2) if run > abs(rise) else None


def polygon_of(box: Box, angle: float) -> list[list[float]]:
    """The corners, clockwise from the top left, of the rectangle turned by `angle` degrees
    whose axis-aligned box is `box` (how PP-OCR's polygon is written back from a line).

    >>> polygon_of(Box(0, 0, 100, 30), 0.0)
    [[0.0, 0.0], [100.0, 0.0], [100.0, 30.0], [0.0, 30.0]]
    >>> polygon_angle(polygon_of(Box(0, 0, 100, 32), 1.15))
    1.15
    """
    t = math.radians(angle)
    c, s = math.cos(t), abs(math.sin(t))
    # the box around a w × h rectangle turned by t is w c + h s wide and w s + h c high
    w = (box.width * c - box.height * s) / (c * c - s * s)
    h = (box.height * c - box.width * s) / (c * c - s * s)
    if angle >= 0:  # turned clockwise: the top left corner is the topmost, on the top edge
        corners = [(box.x0 + h * s, box.y0), (box.x1, box.y0 + w * s), (box.x1 - h * s, box.y1), (box.x0, box.y1 - w * s)]
    else:  # anticlockwise: the top left corner is the leftmost, on the left edge
        corners = [(box.x0, box.y0 + w * s), (box.x1 - h * s, box.y0), (box.x1, box.y1 - w * s), (box.x0 + h * s, box.y1)]
    return [[round(float(x), 1), round(float(y), 1)] for x, y in corners]

