"""Which cleaned paragraph each jump marker belongs to, found while cleaning.

The articles step needs it (a story jumps away from a paragraph, or resumes in one), and
the raw offset alone does not say it once reflow has joined lines. Letters, digits and
Han glyphs ("ink") survive every rule after marker removal one for one (doubled lines
aside), so a marker's place is the number of ink glyphs before it in the raw text,
counted again through the cleaned paragraphs.
"""

from bisect import bisect_right

import numpy as np
import regex

from cleaners.lines import bmp_table
from cleaners.markers import JumpMarker

# Ink: what no rule after marker removal drops or adds (OpenCC and width folding map it one
# for one; only a doubled line loses its copy).
INK = regex.compile(r"[\p{L}\p{N}]")

# What is not ink, removed to read a stretch's ink as one string (twice as fast as joining
# INK's findall, one string per glyph).
_NOT_INK = regex.compile(r"[^\p{L}\p{N}]+")

# Horizontal whitespace before a marker on its line: the marker still starts the line.
_INDENT = " \t\u3000"


def _starts_line(raw: str, offset: int) -> bool:
    """Whether only horizontal whitespace stands between the line's start and `offset` (read
    backwards over that whitespace only: linear in the page however many markers it has)."""
    while offset > 0 and raw[offset - 1] in _INDENT:
        offset -= 1
    return offset == 0 or raw[offset - 1] == "\n"


# Ink glyphs read on either side of a marker to check its place (a doubled line written once
# shifts the count): enough to be unique near the place, few enough to stay inside a line.
CONTEXT_INK = 6

# Paragraphs on either side of the counted place searched for that context.
NEARBY = 3


def _meets(paragraph_ink: str, context: str, edge) -> bool:
    """Whether the context beside a marker meets the paragraph's edge (`str.startswith` or
    `str.endswith`): it stands at that edge, or the whole paragraph stands in it."""
    return bool(paragraph_ink) and (edge(paragraph_ink, context) or edge(context, paragraph_ink))


def anchor_markers(raw: str, markers: list[JumpMarker], paragraphs: list[str]) -> list[JumpMarker]:
    """The markers with `paragraph` set: a marker that starts a line (`（上接第一版）整改…`)
    belongs to the paragraph of the first glyph after it, any other (`…教育，（下转第二版）`)
    to the paragraph of the last glyph before it.

    The place is counted in ink glyphs, then checked against the few ink glyphs beside the
    marker: when a doubled line written once shifted the count, the nearest paragraph that
    holds them wins.

    >>> from cleaners.markers import find_jump_markers
    >>> raw = "第一段。\\n\\n第二段开头，（下转第二版）\\n\\n（上接第一版）第三段。"
    >>> [m.paragraph for m in anchor_markers(raw, find_jump_markers(raw), ["第一段。", "第二段开头，", "第三段。"])]
    [1, 2]
    """
    if not markers or not paragraphs:
        return [m.placed(0) for m in markers]
    # Ink before each index of the raw text, then of the paragraphs joined, in one pass over both.
    running = _running_ink(raw + "\n" + "\n".join(paragraphs))
    raw_ink = running[: len(raw) + 1]  # raw_ink[k]: ink glyphs in raw[:k]
    # Where each paragraph ends in the joined text (the line break after it, or the text's end).
    breaks = np.cumsum(np.fromiter(map(len, paragraphs), dtype=np.int64, count=len(paragraphs)) + 1) - 1
    joined_ink = running[len(raw) + 1 :]  # (the line break between the two is no ink)
    ends = (joined_ink.take(breaks) - joined_ink[0]).tolist()  # ink up to each paragraph's end
    heads: dict[int, str] = {}
    tails: dict[int, str] = {}

    def ink_of(j: int, edge) -> str:  # a paragraph's edge ink, only for the few checked
        seen = heads if edge is str.startswith else tails
        if j not in seen:
            seen[j] = _edge_ink(paragraphs[j], at_start=edge is str.startswith)
        return seen[j]

    anchored, inside = [], 0  # ink inside the markers before this one
    for marker in sorted(markers, key=lambda m: m.offset):
        ink = int(raw_ink[marker.offset]) - inside
        done = marker.offset + len(marker.raw)
        inside += int(raw_ink[done] - raw_ink[marker.offset])
        if _starts_line(raw, marker.offset):
            context = _NOT_INK.sub("", raw[done : done + 4 * CONTEXT_INK])[:CONTEXT_INK]
            counted, edge = bisect_right(ends, ink), str.startswith
        else:
            context = _NOT_INK.sub("", raw[max(0, marker.offset - 4 * CONTEXT_INK) : marker.offset])[-CONTEXT_INK:]
            counted, edge = bisect_right(ends, max(ink - 1, 0)), str.endswith
        counted = min(counted, len(paragraphs) - 1)
        index = counted
        if not _meets(ink_of(counted, edge), context, edge):  # mostly it does: nothing to search
            near = range(max(0, counted - NEARBY), min(len(paragraphs), counted + NEARBY + 1))
            fitting = [j for j in near if _meets(ink_of(j, edge), context, edge)]
            if fitting:
                index = min(fitting, key=lambda j: abs(j - counted))
        anchored.append(marker.placed(index))
    return anchored


def _edge_ink(paragraph: str, at_start: bool) -> str:
    """The first (or last) CONTEXT_INK + 1 ink glyphs of a paragraph: all `_meets` can use,
    since a context holds at most CONTEXT_INK of them (fewer: the paragraph's whole ink).
    Read from a window at that edge that grows until it holds enough.

    >>> _edge_ink("（一）加强领导，落实责任。", True), _edge_ink("加强领导，落实责任。", False)
    ('一加强领导落实', '强领导落实责任')
    """
    want, window = CONTEXT_INK + 1, 4 * (CONTEXT_INK + 1)
    while True:
        part = paragraph[:window] if at_start else paragraph[-window:]
        ink = _NOT_INK.sub("", part)
        if len(ink) >= want or window >= len(paragraph):
            return ink[:want] if at_start else ink[-want:]
        window *= 2


# 1 for each BMP code point that is ink (a letter or a digit of any script), and 1 for every
# code point beyond the BMP (Han, nearly all of them): the table covers every code point, so a
# page's code points index it as they are.
_INK_TABLE = np.ones(0x110000, dtype=np.uint8)
_INK_TABLE[:0x10000] = bmp_table(INK)


def _running_ink(text: str) -> np.ndarray:
    """Ink glyphs before each index of `text` (length len(text) + 1); beyond the BMP, Han."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    running = np.zeros(len(points) + 1, dtype=np.int32)
    _INK_TABLE.take(points).cumsum(out=running[1:], dtype=np.int32)  # (summed in int32, not int64 then cast)
    return running
