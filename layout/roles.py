"""Line roles from geometry, through the same boundary as the text path (`cleaners.roles`).

Within a column: a line indented from the column's left edge, or after a line that stopped
short of its right edge, starts a paragraph; a line of display height (taller than the body
lines) is a display line, and a caption is set smaller. What only the text tells (a lead, a
guide bullet, a byline) still counts.
"""

from dataclasses import dataclass
from statistics import median

from cleaners.lines import (
    GUIDE_ITEM,
    LEAD,
    NEVER_STARTS_LINE_SET,
    SPEAKER,
    ends_list_clause,
    ends_sentence,
    is_byline,
    is_list_item,
    visible_width,
)
from cleaners.markers import find_jump_markers
from cleaners.roles import CONTINUES, STARTS_PARAGRAPH, DisplayKind, LineRole, Role
from layout.words import set_vertically
from readers.model import Box

# Taller than the body lines by this share, glyphs wider by the second: display type.
# Smaller: a caption.
DISPLAY_HEIGHT = 1.25
DISPLAY_GLYPH = 1.1
CAPTION_HEIGHT = 0.85

# An indentation or a short end, in glyph widths (a glyph is about a body line's height).
INDENT_GLYPHS = 1.2
# Lines whose left edges are this many glyph widths apart, at most, share a margin.
INDENT_SLACK = 0.5
SHORT_END_GLYPHS = 1.5


@dataclass(frozen=True)
class ColumnLine:
    """A line in reading order with its box and place; `across`: its glyphs stand across a
    column gutter (set over two columns or more)."""

    text: str
    box: Box
    block: int
    column: int
    across: bool = False


def left_edge(starts: list[float]) -> float:
    """A column's left edge from its lines' left ends: the lower quartile (most lines start at
    the edge; indented starts are fewer, a loose box or a hanging mark rarer still); the
    leftmost of three lines or fewer.

    >>> left_edge([552, 497, 499, 551]), left_edge([40, 0, 3])
    (499, 0)
    """
    xs = sorted(starts)
    return xs[0] if len(xs) <= 3 else xs[len(xs) // 4]


def right_edge(ends: list[float]) -> float:
    """A column's right edge from its lines' right ends: the upper quartile (short last lines
    are fewer than full ones, a mark hanging past the edge rarer); the rightmost of three or
    fewer.

    >>> right_edge([390, 392, 300, 440, 388, 390])
    392
    """
    xs = sorted(ends)
    return xs[-1] if len(xs) <= 3 else xs[(3 * len(xs)) // 4]


def _column_edges(lines: list[ColumnLine], h: float) -> dict[tuple[int, int], tuple[float, float]]:
    """Each (block, column)'s left and right edge, read off its body lines."""
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    groups: dict[tuple[int, int], list[Box]] = {}
    for line in lines:
        if line.box.height < DISPLAY_HEIGHT * h:
            groups.setdefault((line.block, line.column), []).append(line.box)
    for key, boxes in groups.items():
        edges[key] = (left_edge([b.x0 for b in boxes]), right_edge([b.x1 for b in boxes]))
    return edges


def _display_kind(heights: list[float], i: int, start: int, end: int) -> DisplayKind:
    """In a stack of display lines [start, end), the tallest is the headline; above it a
    kicker, below it a subheadline."""
    tallest = max(range(start, end), key=lambda k: heights[k])
    if i == tallest:
        return DisplayKind.HEADLINE
    return DisplayKind.KICKER if i < tallest else DisplayKind.SUBHEADLINE


def ends_with_marker(text: str) -> bool:
    """Whether a jump marker ends the line (the story jumps away, or a guide item ends).

    >>> ends_with_marker("问题 〈下转第三版)"), ends_with_marker("课后服务“菜单”丰富多彩因5版"), ends_with_marker("共有12版。")
    (True, True, False)
    """
    markers = find_jump_markers(text)
    return bool(markers) and not text[markers[-1].offset + len(markers[-1].raw):].strip()


def geometry_roles(lines: list[ColumnLine]) -> list[LineRole]:
    """A role per line in reading order.

    >>> body = [ColumnLine(t, Box(x0, y, x1, y + 20), 0, 0) for t, x0, x1, y in [
    ...     ("标题在这里", 0, 300, 0), ("第一段开头，", 40, 200, 40), ("接着写完。", 0, 120, 62),
    ...     ("第二段正文", 40, 200, 84), ("写到这里。", 0, 200, 106)]]
    >>> tall = ColumnLine("标题在这里", Box(0, 0, 300, 36), 0, 0)
    >>> [str(r) for r in geometry_roles([tall, *body[1:]])]
    ['display:headline', 'starts_paragraph', 'continues', 'starts_paragraph', 'continues']
    """
    if not lines:
        return []
    h = median(line.box.height for line in lines)
    edges = _column_edges(lines, h)
    heights = [line.box.height for line in lines]
    # Display type is taller and its glyphs wider than body type (a short line's box is padded
    # taller by some engines, its glyphs are not wider), and it ends no sentence.
    glyph_widths = [line.box.width / max(visible_width(line.text), 1.0) for line in lines]
    body_glyph = median(glyph_widths)
    # A line set across columns is display type too, whatever its size (a kicker set hardly
    # larger than the body).
    display = [(line.across or (height >= DISPLAY_HEIGHT * h and glyph >= DISPLAY_GLYPH * body_glyph))
               and not ends_sentence(line.text)
               for height, glyph, line in zip(heights, glyph_widths, lines, strict=True)]
    roles: list[LineRole] = []
    for i, line in enumerate(lines):
        left, right = edges.get((line.block, line.column), (line.box.x0, line.box.x1))
        previous = lines[i - 1] if i else None
        # Where the line above stops short is read against its own column's right edge.
        previous_right = edges.get((previous.block, previous.column), (0, previous.box.x1))[1] if previous else right
        if GUIDE_ITEM.match(line.text):
            roles.append(LineRole(Role.GUIDE))
        elif display[i]:
            start = i
            while start > 0 and display[start - 1]:
                start -= 1
            end = i
            while end < len(lines) and display[end]:
                end += 1
            wrapped = (previous is not None and display[i - 1] and not ends_with_marker(previous.text)
                       and abs(heights[i - 1] - heights[i]) <= 0.1 * heights[i]
                       and previous.box.x1 >= right - 2 * h and line.box.x0 <= left + h)
            roles.append(CONTINUES if wrapped else LineRole(Role.DISPLAY, _display_kind(heights, i, start, end)))
        elif (previous is not None and roles[-1].role is Role.BYLINE
              and previous.box.x1 >= previous_right - SHORT_END_GLYPHS * h and len(line.text.strip()) <= 4):
            roles.append(CONTINUES)  # a byline wrapped at the column's end: its last name's end
        elif is_byline(line.text):
            roles.append(LineRole(Role.CREDIT if line.text.rstrip().endswith("摄") or "/图" in line.text
                                  else Role.BYLINE))
        elif heights[i] <= CAPTION_HEIGHT * h:
            roles.append(CONTINUES if previous is not None and roles[-1].role is Role.CAPTION
                         and previous.box.x1 >= previous_right - SHORT_END_GLYPHS * h else LineRole(Role.CAPTION))
        elif previous is None or display[i - 1] or LEAD.match(line.text) or ends_with_marker(previous.text):
            roles.append(STARTS_PARAGRAPH)
        elif line.box.x0 >= left + INDENT_GLYPHS * h:
            roles.append(STARTS_PARAGRAPH)
        elif previous.box.x1 <= previous_right - SHORT_END_GLYPHS * h or roles[-1].role in (
                Role.BYLINE, Role.CREDIT, Role.CAPTION):
            roles.append(STARTS_PARAGRAPH)
        else:
            roles.append(CONTINUES)
    return roles


def _edges(lines: list[ColumnLine]) -> dict[tuple[int, int], tuple[float, float]]:
    """Each (block, column)'s left and right edge, read off all its lines."""
    boxes: dict[tuple[int, int], list[Box]] = {}
    for line in lines:
        boxes.setdefault((line.block, line.column), []).append(line.box)
    return {key: (left_edge([b.x0 for b in column]), _full_width_end([b.x1 for b in column]))
            for key, column in boxes.items()}


def _full_width_end(ends: list[float]) -> float:
    """Where a column's full lines end: its second rightmost line end (a mark hanging past
    the edge aside), the rightmost of three or fewer. (Not `right_edge`'s quartile: in a
    column holding a block quote, many lines stop short.)

    >>> _full_width_end([549, 502, 502, 502, 534, 560]), _full_width_end([300, 310])
    (549, 310)
    """
    xs = sorted(ends)
    return xs[-1] if len(xs) <= 3 else xs[-2]


def mark_indented_starts(lines: list[ColumnLine], roles: list[LineRole]) -> list[LineRole]:
    """The roles with each `continues` line of body text (body-sized glyphs, after a body
    line) that is indented from its column's left edge made a paragraph start. For roles
    read off the text (lines without word boxes): the indentation the engine dropped from the
    text is still in its boxes, padded or not. A wrapped headline or byline is centred or
    set right, not indented: it goes on.

    >>> lines = [ColumnLine(t, Box(x0, y, x1, y + 30), 0, 0) for t, x0, y, x1 in [
    ...     ("会议指出，今年上半", 50, 0, 330), ("年全市形势平稳。", 50, 40, 290),
    ...     ("会议要求，要聚焦", 106, 80, 330), ("危险化学品等领域。", 50, 120, 320), ("“做到不留死角。”", 64, 160, 300)]]
    >>> [str(r) for r in mark_indented_starts(lines, [STARTS_PARAGRAPH] + [CONTINUES] * 4)]
    ['starts_paragraph', 'continues', 'starts_paragraph', 'continues', 'continues']
    """
    if not lines:
        return roles
    lines = [_along_reading(line) for line in lines]
    glyph = median(line.box.width / max(visible_width(line.text), 1.0) for line in lines)
    edges = _edges(lines)
    marked = list(roles)
    body = (Role.CONTINUES, Role.STARTS_PARAGRAPH)
    for i, (line, role) in enumerate(zip(lines, roles, strict=True)):
        text = line.text.lstrip()
        pitch = line.box.width / max(visible_width(line.text), 1.0)
        if (i and role.role is Role.CONTINUES and marked[i - 1].role in body and text
                and text[0] not in NEVER_STARTS_LINE_SET and pitch <= DISPLAY_GLYPH * glyph
                and line.box.x0 >= edges[(line.block, line.column)][0] + INDENT_GLYPHS * glyph
                and not _in_a_block_quote(lines, i, glyph, edges[(line.block, line.column)][1])):
            marked[i] = STARTS_PARAGRAPH
    return marked


def _in_a_block_quote(lines: list[ColumnLine], i: int, glyph: float, right: float) -> bool:
    """Whether line `i` is a line of a block quote indented on both sides, other than its
    first: it stops short of the column's right edge `right` by an indent (a paragraph's
    indented first line runs to the edge), and it goes on into the next line at its own
    margin (`_goes_on_at_its_margin`), or, the quote's last line, the line above it does and
    stops short too. Only a line set further in than the quote's lines opens a paragraph
    there; a line opening with a speaker's label (a question, an answer) or a list item's
    number opens one all the same."""
    line = lines[i]
    if SPEAKER.match(line.text) or is_list_item(line.text) or line.box.x1 > right - INDENT_GLYPHS * glyph:
        return False
    return _goes_on_at_its_margin(lines, i, glyph) or (
        i > 0 and lines[i - 1].box.x1 <= right - INDENT_GLYPHS * glyph and _goes_on_at_its_margin(lines, i - 1, glyph))


def _goes_on_at_its_margin(lines: list[ColumnLine], i: int, glyph: float) -> bool:
    """Whether line `i` ends in mid-sentence (no sentence or list clause ends on it) and the
    next line of its column starts where it does (within `INDENT_SLACK` glyphs): the two
    share a margin of their own. (Indented one-line paragraphs and list items end their
    sentence or clause.)"""
    if i + 1 >= len(lines):
        return False
    line, below = lines[i], lines[i + 1]
    return ((below.block, below.column) == (line.block, line.column)
            and not ends_sentence(line.text) and not ends_list_clause(line.text)
            and abs(below.box.x0 - line.box.x0) <= INDENT_SLACK * glyph)


def _along_reading(line: ColumnLine) -> ColumnLine:
    """A line set vertically (竖排) with its box turned to read across: its top edge is where
    its indentation shows, as a line's left edge does."""
    if not set_vertically(line.box, line.text):
        return line
    b = line.box
    return ColumnLine(line.text, Box(b.y0, b.x0, b.y1, b.x1), line.block, line.column, line.across)


# A guide item's wrapped line starts within this many glyphs of the item's own left edge and
# at most this many line heights under the line above it.
GUIDE_WRAP_INDENT = 1.5
GUIDE_WRAP_GAP = 0.6


def join_guide_wraps(lines: list[ColumnLine], roles: list[LineRole]) -> list[LineRole]:
    """The roles with each guide item's wrapped lines going on with it: a line right under a
    guide item (or under its wrapped line) in the same column, starting where the item starts
    (no bullet of its own, no lead), after a line that ends no sentence, continues the item —
    a guide box is narrower than its column, so its short lines say nothing of paragraphs.

    >>> box = [ColumnLine(t, Box(74, y, x1, y + 32), 0, 0) for t, y, x1 in [
    ...     ("■金沙湖湿地迎", 292, 237), ("来今春首批候鸟", 327, 238), ("■前两个月PM2.5", 365, 256),
    ...     ("平均浓度同比下", 399, 236), ("降8.1%", 433, 158)]]
    >>> roles = [LineRole(Role.GUIDE), STARTS_PARAGRAPH, LineRole(Role.GUIDE), CONTINUES,
    ...          LineRole(Role.DISPLAY, DisplayKind.HEADLINE)]
    >>> [str(r) for r in join_guide_wraps(box, roles)]
    ['guide', 'continues', 'guide', 'continues', 'continues']
    """
    if not lines:
        return roles
    out = list(roles)
    h = median(line.box.height for line in lines)
    glyph = median(line.box.width / max(visible_width(line.text), 1.0) for line in lines)
    item = None  # the guide item the lines above belong to, while they wrap
    for i, (line, role) in enumerate(zip(lines, roles, strict=True)):
        if role.role is Role.GUIDE:
            item = line
            continue
        above = lines[i - 1] if i else None
        if (item is not None and above is not None and role.role in (Role.STARTS_PARAGRAPH, Role.DISPLAY,
                                                                        Role.CONTINUES)
                and (line.block, line.column) == (item.block, item.column)
                and 0 <= line.box.y0 - above.box.y1 + 0.5 * h <= (GUIDE_WRAP_GAP + 0.5) * h
                and abs(line.box.x0 - item.box.x0) <= GUIDE_WRAP_INDENT * glyph
                and not ends_sentence(above.text) and not ends_with_marker(above.text)
                and not LEAD.match(line.text)):
            out[i] = CONTINUES
        else:
            item = None
    return out

