"""Display lines an engine cut in pieces along one row, joined again.

A headline or subheadline set across columns often comes back as two or three boxes on the
same row: PP-OCR cuts it at a phrase space wider than the gutter, or before an opening quote
whose ink sits on its right half. Read one by one, each piece lands in the column below it
and the headline is torn apart (`压实责任链条` above one column, `筑牢安全防线` above the
next, the body text between). Pieces that share a row, are set in the same display type
(larger than the body's) and stand closer than a phrase break, are one line.
"""

from dataclasses import replace
from statistics import median

import regex

from cleaners.lines import is_header_item, visible_width
from layout.words import set_vertically
from readers.model import Box, OcrLine

# Display type: glyphs this much wider than the body's (pitch: box width per glyph cell),
# or boxes this much taller (a line of a few glyphs has a loose pitch).
DISPLAY_PITCH = 1.2
DISPLAY_HEIGHT = 1.25

# Two pieces share a row when their boxes overlap by this share of the lower one's height,
# and are one type size when their heights differ by at most this share.
ROW_OVERLAP = 0.6
SAME_SIZE = 0.2

# At most this many glyph heights apart: wider than a phrase space is a different headline.
MAX_GAP = 1.5

# A piece of at most this many Han glyphs is judged by its box's height, not its pitch (a
# bullet or mark keeps the pitch test).
TINY_PIECE = 2
# A piece of Han glyphs only (the tiny-piece test's own: a bullet or mark is none).
_HAN = regex.compile(r"\p{Han}+")

# A line starting within this many glyph heights of the x where the display line right above
# it starts is aligned with it (the next line of a left-aligned stack).
ALIGNED = 0.5

# Between two pieces of word boxes, a gap of at least this share of their height is a printed
# space (the phrase break of a headline); touching, one word cut before a quote. Two PP-OCR
# boxes (no words) always have one between them: the engine cuts a row only at white wider
# than the glyphs' spacing, however much of it its padding hides (a space beside a quote goes
# in cleaning, which keeps phrase spaces only between Han).
SPACE_GAP = 0.25


def pitch(line: OcrLine) -> float:
    """Box width per glyph cell (full-width 1, ASCII ½).

    >>> pitch(OcrLine("核酸检测", Box(0, 0, 120, 30)))
    30.0
    """
    return line.box.width / max(visible_width(line.text), 1.0)


def _is_display(line: OcrLine, body_pitch: float, body_height: float) -> bool:
    return (pitch(line) >= DISPLAY_PITCH * body_pitch and line.box.height >= 1.05 * body_height
            ) or line.box.height >= DISPLAY_HEIGHT * body_height


def _same_row(a: Box, b: Box) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    low = min(a.height, b.height)
    return overlap >= ROW_OVERLAP * low and abs(a.height - b.height) <= SAME_SIZE * max(a.height, b.height)


def _heads_a_stack(line: OcrLine, above: list[OcrLine]) -> bool:
    """Whether a display line sits right below another display line that starts where it
    starts: it is the next line of that stack (a wrapped headline), not a piece of its row.
    """
    h = line.box.height
    return any(abs(other.box.x0 - line.box.x0) <= ALIGNED * h and 0 <= line.box.y0 - other.box.y1 <= h
               for other in above)


# A row of at least GRID_ROW short lines (at most GRID_CELL glyph cells each) of one size is a
# grid's (a 公示's names): a headline's row is cut in two or three pieces at most, and a body
# line is longer.
GRID_ROW = 4
GRID_CELL = 4


def _in_a_grid_row(line: OcrLine, lines: list[OcrLine]) -> bool:
    """Whether a short line stands in a row of GRID_ROW short lines of its size or more."""
    if visible_width(line.text) > GRID_CELL:
        return False
    h = line.box.height
    return GRID_ROW <= sum(_same_row(line.box, other.box) and abs(other.box.height - h) <= SAME_SIZE * h
                           and visible_width(other.text) <= GRID_CELL for other in lines)


def _same_type(a: OcrLine, b: OcrLine, on_one_row: bool = False) -> bool:
    """Whether two pieces without word boxes are set in one type size: their glyphs are as
    wide (box width per glyph cell). PP-OCR pads a box's height by a few pixels either way,
    so a kicker in one column and the next story's headline beside it can look one size by
    height; the run of glyphs across the box says more. With word boxes (Tesseract) the glyph
    heights are exact and a misread glyph (`册 2` for `“逆袭”`) makes the pitch say nothing.

    >>> kicker, headline = OcrLine("项目建设跑出“加", Box(46, 1207, 312, 1251)), OcrLine("一季度重大项目完成投资186.4亿元", Box(359, 1226, 1178, 1272))
    >>> _same_type(kicker, headline), _same_type(OcrLine("放心消", Box(418, 1220, 561, 1262)), OcrLine("消费维权进商圈", Box(47, 1221, 383, 1261)))
    (False, True)
    """
    if a.words or b.words:
        return True
    tiny = [line for line in (a, b) if visible_width(line.text) <= TINY_PIECE]
    if on_one_row and tiny and all(_HAN.fullmatch(line.text.strip()) for line in tiny):
        # a glyph or two on the row: the engine's padding is most of its box's width, its
        # height says more (a row under it may be a figure under its label: pitch decides)
        return abs(a.box.height - b.box.height) <= SAME_SIZE * max(a.box.height, b.box.height)
    return abs(_ink_pitch(a) - _ink_pitch(b)) <= SAME_SIZE * max(_ink_pitch(a), _ink_pitch(b))


# A mark whose ink sits on one half of its cell: an opening one at a box's start, a closing one
# at its end leaves that half outside the box (the engine boxes ink).
_OPENING_MARKS, _CLOSING_MARKS = "“‘（《〈「『【", "”’）》〉」』】，。、；：！？"


def _ink_pitch(line: OcrLine) -> float:
    """Box width per glyph cell, a mark at either end counted as the half cell its ink takes
    (`“小电驴”` is four cells of ink, not five).

    >>> _ink_pitch(OcrLine("“小电驴”", Box(0, 0, 320, 80))), pitch(OcrLine("岚浦造", Box(0, 0, 240, 80)))
    (80.0, 80.0)
    """
    text = line.text.strip()
    cells = visible_width(text) - 0.5 * (text[:1] in _OPENING_MARKS) - 0.5 * (len(text) > 1 and text[-1] in _CLOSING_MARKS)
    return line.box.width / max(cells, 1.0)


def _join(a: OcrLine, b: OcrLine) -> OcrLine:
    box = Box(min(a.box.x0, b.box.x0), min(a.box.y0, b.box.y0), max(a.box.x1, b.box.x1), max(a.box.y1, b.box.y1))
    spaced = not (a.words or b.words) or b.box.x0 - a.box.x1 >= SPACE_GAP * min(a.box.height, b.box.height)
    scores = [s for s in (a.confidence, b.confidence) if s is not None]
    return replace(a, text=a.text + (" " if spaced else "") + b.text, box=box, words=a.words + b.words,
                   confidence=sum(scores) / len(scores) if scores else None)


# A title set vertically (竖排) in two or three columns side by side: columns of display type
# (wider than the body's type by DISPLAY_HEIGHT: a vertical line's type is its box's width),
# as tall within SAME_SIZE and as wide within SAME_SIZE, at most VERTICAL_TITLE_GAP of their
# width apart, at most VERTICAL_TITLE_COLUMNS of them.
VERTICAL_TITLE_GAP = 0.5
VERTICAL_TITLE_COLUMNS = 3


def join_vertical_titles(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """The lines with a title set vertically in columns side by side joined into one line,
    right column first, a phrase space between (at the place of its right column); how many
    joins. A story set vertically in body type stays column by column. (PP-OCR reads
    vertical type; on tests/eval_fifth held-out fifth_10 CER 6.01% -> 4.04%.)

    >>> title = [OcrLine("举行第二十三次会议", Box(60, 1000, 116, 1440)), OcrLine("县十九届人大常委会", Box(113, 1000, 170, 1440))]
    >>> body = [OcrLine("本报讯县人大常委会昨日举行会议", Box(200, y, 800, y + 30)) for y in range(1000, 1400, 40)]
    >>> joined, count = join_vertical_titles([*title, *body])
    >>> count, joined[0].text, joined[0].box.as_list()
    (1, '县十九届人大常委会 举行第二十三次会议', [60, 1000, 170, 1440])
    """
    vertical = [set_vertically(line.box, line.text) for line in lines]
    if not any(vertical):
        return list(lines), 0
    body = median(line.box.width if up else line.box.height for line, up in zip(lines, vertical, strict=True))
    # (lines of word boxes aside: Tesseract's `chi_sim` reads no vertical type, its tall boxes
    # there hold a misreading, no title's column)
    titles = sorted((i for i, line in enumerate(lines)
                     if vertical[i] and not line.words and line.box.width >= DISPLAY_HEIGHT * body),
                    key=lambda i: -lines[i].box.x1)
    runs: list[list[int]] = []
    for i in titles:
        if runs and len(runs[-1]) < VERTICAL_TITLE_COLUMNS and _beside(lines[runs[-1][-1]].box, lines[i].box):
            runs[-1].append(i)
        else:
            runs.append([i])
    joined: dict[int, OcrLine] = {}
    for run in (run for run in runs if len(run) > 1):
        first = lines[run[0]]
        box = Box(min(lines[i].box.x0 for i in run), min(lines[i].box.y0 for i in run),
                  first.box.x1, max(lines[i].box.y1 for i in run))
        scores = [lines[i].confidence for i in run if lines[i].confidence is not None]
        joined[run[0]] = replace(first, text=" ".join(lines[i].text.strip() for i in run), box=box,
                                 confidence=sum(scores) / len(scores) if scores else None)
        joined.update((i, None) for i in run[1:])
    out = [joined.get(i, line) for i, line in enumerate(lines)]
    return [line for line in out if line is not None], sum(len(run) - 1 for run in runs if len(run) > 1)


def _beside(right: Box, left: Box) -> bool:
    """Whether the column `left` stands right beside `right`, as tall and as wide."""
    gap = right.x0 - left.x1
    return (-VERTICAL_TITLE_GAP * right.width <= gap <= VERTICAL_TITLE_GAP * right.width
            and abs(right.height - left.height) <= SAME_SIZE * max(right.height, left.height)
            and abs(right.width - left.width) <= SAME_SIZE * max(right.width, left.width)
            and min(right.y1, left.y1) - max(right.y0, left.y0) >= ROW_OVERLAP * min(right.height, left.height))


def join_display_fragments(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """The lines with display pieces on one row joined (at the place of the leftmost piece),
    and how many joins were made. Body lines side by side in two columns stay apart.

    >>> body = [OcrLine("正文正文正文正文", Box(x, y, x + 200, y + 25)) for x in (0, 230) for y in range(60, 300, 30)]
    >>> heads = [OcrLine("压实责任链条", Box(0, 0, 240, 40)), OcrLine("筑牢安全防线", Box(270, 0, 510, 40))]
    >>> joined, count = join_display_fragments([*heads, *body])
    >>> count, joined[0].text, joined[0].box.as_list(), len(joined)
    (1, '压实责任链条 筑牢安全防线', [0, 0, 510, 40], 17)
    >>> padded = [heads[0], OcrLine("筑牢安全防线", Box(252, 0, 492, 40))]
    >>> join_display_fragments([*padded, *body])[0][0].text
    '压实责任链条 筑牢安全防线'

    The next story's headline, wrapped beside it (its second line under its first), stays:

    >>> other = [OcrLine("课后服务丰", Box(560, -50, 760, -10)), OcrLine("富多彩", Box(560, 0, 680, 40))]
    >>> [line.text for line in join_display_fragments([*heads, *other, *body])[0][:4]]
    ['压实责任链条 筑牢安全防线', '课后服务丰', '富多彩', '正文正文正文正文']
    """
    if len(lines) < 2:
        return list(lines), 0
    body_pitch = median(pitch(line) for line in lines)
    body_height = median(line.box.height for line in lines)
    # (a column of glyphs set vertically, 竖排, is tall, not display type: its neighbours
    # stand beside it as the next columns)
    display = [_is_display(line, body_pitch, body_height) and not set_vertically(line.box, line.text) for line in lines]
    order = sorted((i for i in range(len(lines)) if display[i]), key=lambda i: lines[i].box.x0)
    shown = [lines[i] for i in order]
    joined: dict[int, OcrLine] = {}
    absorbed: set[int] = set()
    for i in order:
        if i in absorbed:
            continue
        current = lines[i]
        for j in order:
            if j in absorbed or j == i or lines[j].box.x0 < current.box.x0:
                continue
            gap = lines[j].box.x0 - current.box.x1
            height = max(current.box.height, lines[j].box.height)
            if (-0.5 * height <= gap <= MAX_GAP * height and _same_row(current.box, lines[j].box)
                    and _same_type(lines[i], lines[j], on_one_row=True) and not _heads_a_stack(lines[j], shown)
                    and not (is_header_item(current.text) or is_header_item(lines[j].text))
                    and not _in_a_grid_row(lines[i], lines)):
                current = _join(current, lines[j])
                absorbed.add(j)
        joined[i] = current
    out = [joined.get(i, line) for i, line in enumerate(lines) if i not in absorbed]
    return out, len(absorbed)


# A display line at most this share of its height below another, of the same type, under
# most of it (`WRAP_OVERLAP` of the narrower) and no wider (but for `WRAP_SLACK` of its
# height), is that line wrapped because it was full: one headline, wrapped inside a phrase. A
# wider line under a shorter one is the next line of a stack (a subheadline, the next guide
# item), or a phrase the typesetter chose to put on a line of its own.
WRAP_GAP = 0.5
WRAP_OVERLAP = 0.5
WRAP_SLACK = 0.5


def _wraps(a: OcrLine, b: OcrLine) -> bool:
    """Whether display line `b` is display line `a` wrapped onto the next row. Lines with
    word boxes never are: their type test has no pitch to go by (`_same_type`), and on the
    Tesseract pages of tests/eval it joined misread guide items (hOCR CER 9.70 -> 10.12)."""
    if a.words or b.words:
        return False
    gap = b.box.y0 - a.box.y1
    shared = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
    return (-0.2 * a.box.height <= gap <= WRAP_GAP * a.box.height
            and b.box.width <= a.box.width + WRAP_SLACK * a.box.height
            and abs(a.box.height - b.box.height) <= SAME_SIZE * max(a.box.height, b.box.height)
            and shared >= WRAP_OVERLAP * min(a.box.width, b.box.width) and _same_type(a, b))


# A display line at least this many times as wide as the one above it is no next phrase of
# that one's headline: the line above is a label over it (`评论`, `本期提要`, a kicker). The
# next phrase is set in the headline's type: glyph pitches within `PHRASE_PITCH` of each
# other (a subheadline is a size smaller).
PHRASE_WIDER = 2.0
PHRASE_PITCH = 0.12


def _next_phrase(a: OcrLine, b: OcrLine) -> bool:
    """Whether display line `b` is the next phrase of the headline whose last row is `a`:
    set right under it in the same type, wider than it (no wrap of a full row), but not so
    much wider that `a` is a label over it (`PHRASE_WIDER`)."""
    if a.words or b.words:
        return False
    gap = b.box.y0 - a.box.y1
    shared = min(a.box.x1, b.box.x1) - max(a.box.x0, b.box.x0)
    return (-0.2 * a.box.height <= gap <= WRAP_GAP * a.box.height
            and a.box.width + WRAP_SLACK * a.box.height < b.box.width < PHRASE_WIDER * a.box.width
            and abs(a.box.height - b.box.height) <= SAME_SIZE * max(a.box.height, b.box.height)
            and shared >= WRAP_OVERLAP * min(a.box.width, b.box.width)
            and abs(pitch(a) - pitch(b)) <= PHRASE_PITCH * max(pitch(a), pitch(b)))


def join_wrapped_headlines(lines: list[OcrLine], texts: list[str]) -> tuple[list[OcrLine], list[str], int]:
    """The lines with each display line wrapped onto the next row joined to the row above
    (a headline set in a narrow module: `市第一人` / `民医院`; a guide item in larger type),
    and the headline's next phrase set on the row under its short last row joined with a
    space (`民医院` / `互联网医`); their texts (`texts`: each line's text from its word gaps)
    joined, and how many joins were made. A kicker or subheadline in another type size, or
    a line under a label (`PHRASE_WIDER`), stays.

    >>> body = [OcrLine("正文正文正文正文", Box(0, y, 200, y + 25)) for y in range(160, 400, 30)]
    >>> heads = [OcrLine("市第一人", Box(0, 0, 180, 45)), OcrLine("民医院", Box(20, 46, 155, 91)),
    ...          OcrLine("互联网医", Box(0, 93, 180, 138)), OcrLine("院上线", Box(20, 139, 155, 184))]
    >>> lines, texts, count = join_wrapped_headlines([*heads, *body], [line.text for line in [*heads, *body]])
    >>> count, texts[0], lines[0].box.as_list()
    (3, '市第一人民医院 互联网医院上线', [0, 0, 180, 184])
    """
    if len(lines) < 2:
        return list(lines), list(texts), 0
    body_pitch = median(pitch(line) for line in lines)
    body_height = median(line.box.height for line in lines)
    display = [_is_display(line, body_pitch, body_height) for line in lines]
    # (a grid's cells stand in rows: a 公示's short names, boxed tall, are no headline's rows)
    display = [shown and not _in_a_grid_row(line, lines) for line, shown in zip(lines, display, strict=True)]
    order = sorted((i for i in range(len(lines)) if display[i]), key=lambda i: lines[i].box.y0)
    out_lines, out_texts = list(lines), list(texts)
    absorbed: set[int] = set()
    for i in order:
        if i in absorbed:
            continue
        tail = lines[i]  # the row the next one must wrap from
        for j in order:
            if j in absorbed or j == i:
                continue
            if _wraps(tail, lines[j]):
                joint = ""
            elif _next_phrase(tail, lines[j]):
                joint = " "
            else:
                continue
            a, b, tail = out_lines[i], lines[j], lines[j]
            box = Box(min(a.box.x0, b.box.x0), a.box.y0, max(a.box.x1, b.box.x1), b.box.y1)
            scores = [s for s in (a.confidence, b.confidence) if s is not None]
            out_texts[i] = out_texts[i] + joint + texts[j]
            out_lines[i] = replace(a, text=out_texts[i], box=box,
                                   confidence=sum(scores) / len(scores) if scores else None)
            absorbed.add(j)
    kept = [k for k in range(len(lines)) if k not in absorbed]
    return [out_lines[k] for k in kept], [out_texts[k] for k in kept], len(absorbed)
