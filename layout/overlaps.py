"""Rows an engine read twice. Two lines cannot share the same place on paper: when Tesseract
segments a row two ways it writes both readings, one usually with invented glyphs
(`想象，5年前这里还是一条` and, over it, `前; 还是一条黑`). Of two lines that lie on one row
and cover mostly the same stretch of it, the narrower one is the second reading and goes.
"""

from bisect import bisect_left, bisect_right

from readers.model import OcrLine

# One row: the boxes overlap by this share of the lower one's height.
SAME_ROW = 0.6

# The same stretch: the narrower line lies over the wider one by this share of its width.
SAME_STRETCH = 0.6


def _overlaps(narrow: OcrLine, wide: OcrLine) -> bool:
    a, b = narrow.box, wide.box
    rows = min(a.y1, b.y1) - max(a.y0, b.y0) >= SAME_ROW * min(a.height, b.height)
    stretch = min(a.x1, b.x1) - max(a.x0, b.x0) >= SAME_STRETCH * a.width
    return rows and stretch


def drop_second_readings(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """The lines without those lying over a wider line of the same row, and how many went.

    >>> from readers.model import Box
    >>> first = OcrLine("想象，5年前这里还是一条", Box(52, 381, 407, 424))
    >>> second = OcrLine("前; 还是一条黑", Box(226, 382, 446, 421))
    >>> below = OcrLine("黑臭河。", Box(52, 430, 160, 460))
    >>> kept, dropped = drop_second_readings([first, second, below])
    >>> [line.text for line in kept], dropped
    (['想象，5年前这里还是一条', '黑臭河。'], 1)
    """
    by_width = sorted(range(len(lines)), key=lambda i: -lines[i].box.width)
    rank_of = {i: rank for rank, i in enumerate(by_width)}
    # the wider lines asked of each line are those on its row only (found by their tops)
    by_top = sorted(range(len(lines)), key=lambda i: lines[i].box.y0)
    tops = [lines[i].box.y0 for i in by_top]
    tallest = max((line.box.height for line in lines), default=0.0)
    dropped: set[int] = set()
    for rank, i in enumerate(by_width):
        box = lines[i].box
        row = by_top[bisect_left(tops, box.y0 - tallest):bisect_right(tops, box.y1)]
        wider = sorted((j for j in row if rank_of[j] < rank), key=rank_of.__getitem__)
        if any(j not in dropped and _overlaps(lines[i], lines[j]) for j in wider):
            dropped.add(i)
    return [line for i, line in enumerate(lines) if i not in dropped], len(dropped)
