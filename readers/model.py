"""The page model every reader produces: lines with boxes, confidences and (where the format
has them) words. Coordinates are the engine's pixels, y growing downwards."""

from dataclasses import dataclass, field


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
    """A line as the engine read it; `block` is the engine's block number (-1: none given)."""

    text: str
    box: Box
    confidence: float | None = None  # 0..1
    words: tuple[OcrWord, ...] = ()
    block: int = -1


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
