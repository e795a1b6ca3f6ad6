"""Which cleaned paragraph each jump marker belongs to, found while cleaning.

The articles step needs it (a story jumps away from a paragraph, or resumes in one), and
the raw offset alone does not say it once reflow has joined lines. Letters, digits and
Han glyphs ("ink") survive every rule after marker removal one for one (doubled lines
aside), so a marker's place is the number of ink glyphs before it in the raw text,
counted again through the cleaned paragraphs.
"""

from bisect import bisect_right
from dataclasses import replace
from itertools import accumulate

import regex

from cleaners.markers import JumpMarker

# Ink: what no rule after marker removal drops or adds (OpenCC and width folding map it one
# for one; only a doubled line loses its copy).
INK = regex.compile(r"[\p{L}\p{N}]")

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
        return [replace(m, paragraph=0) for m in markers]
    inks = ["".join(INK.findall(p)) for p in paragraphs]
    ends = list(accumulate(map(len, inks)))  # ink up to each paragraph's end
    anchored, ink, done, before = [], 0, 0, ""
    for marker in sorted(markers, key=lambda m: m.offset):
        between = "".join(INK.findall(raw, done, marker.offset))
        ink, before = ink + len(between), (before + between)[-CONTEXT_INK:]
        done = marker.offset + len(marker.raw)
        if _starts_line(raw, marker.offset):
            context = "".join(INK.findall(raw[done : done + 4 * CONTEXT_INK]))[:CONTEXT_INK]
            counted, fits = bisect_right(ends, ink), lambda j, c=context: _meets(inks[j], c, str.startswith)
        else:
            counted, fits = bisect_right(ends, max(ink - 1, 0)), lambda j, c=before: _meets(inks[j], c, str.endswith)
        counted = min(counted, len(paragraphs) - 1)
        near = [j for j in range(max(0, counted - NEARBY), min(len(paragraphs), counted + NEARBY + 1)) if fits(j)]
        index = min(near, key=lambda j: abs(j - counted)) if near and not fits(counted) else counted
        anchored.append(replace(marker, paragraph=index))
    return anchored
