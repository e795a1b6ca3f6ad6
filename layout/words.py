"""Word boxes as evidence: which to trust, and what a line's type size is.

Tesseract's Chinese word boxes are loose: a word of one glyph may be boxed across three, and a
column rule comes back as a word `|` (PP-OCR, with no words, prints it inside a line it
merged across the rule: the line is cut there). A rule is no text (it is dropped from its line), and a
box much wider than its glyphs says nothing about where the white space is. A line merged
across columns, or slanted over two rows, has a tall box though its glyphs are body size:
its type size is its words' median height.
"""

from dataclasses import replace
from statistics import median

from cleaners.lines import visible_width
from readers.model import Box, OcrLine, OcrWord

# A vertical rule between columns, read as a glyph (ASCII bar, full-width bar, broken bar).
RULE_GLYPHS = frozenset("|｜¦")

# A word box wider than this many glyph heights per glyph cell is not where its glyphs are.
LOOSE_BOX = 2.0


def is_rule(word: OcrWord) -> bool:
    """A word that is a column rule read as a glyph.

    >>> is_rule(OcrWord("|", Box(0, 0, 3, 40))), is_rule(OcrWord("核|", Box(0, 0, 30, 20)))
    (True, False)
    """
    return all(ch in RULE_GLYPHS for ch in word.text.strip())


def drop_placeless(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines without those whose every word box is loose: such a box has no place on the
    page (Tesseract writes a `人` boxed across all columns over a photo), and it would cut
    the page across where nothing is.

    >>> tight = OcrLine("全转移。", Box(0, 0, 100, 25), 0.9, (OcrWord("全转移。", Box(0, 0, 100, 25)),))
    >>> loose = OcrLine("人", Box(0, 30, 900, 60), 0.0, (OcrWord("人", Box(0, 30, 900, 60)),))
    >>> [line.text for line in drop_placeless([tight, loose])]
    ['全转移。']
    """
    return [line for line in lines if not line.words or not all(is_loose(w) for w in line.words)]


def drop_rules(lines: list[OcrLine]) -> tuple[list[OcrLine], list[Box]]:
    """The lines without the column rules read as words (each line's box and text made again
    from the words left; a line of rules only goes), and the rules' boxes.

    >>> words = (OcrWord("核", Box(0, 0, 20, 20)), OcrWord("|", Box(30, -5, 33, 30)), OcrWord("酸", Box(40, 0, 60, 20)))
    >>> kept, rules = drop_rules([OcrLine("核 | 酸", Box(0, -5, 60, 30), 0.9, words)])
    >>> kept[0].text, kept[0].box.as_list(), [r.x0 for r in rules]
    ('核 酸', [0, 0.0, 60, 20.0], [30])
    """
    out, rules = [], []
    for line in lines:
        if not line.words or not any(is_rule(w) for w in line.words):
            out.append(line)
            continue
        kept = tuple(w for w in line.words if not is_rule(w))
        rules += [w.box for w in line.words if is_rule(w)]
        if kept:
            out.append(with_words(line, kept))
    return out, rules


def split_at_rule_glyphs(lines: list[OcrLine]) -> tuple[list[OcrLine], int]:
    """The lines without words (PP-OCR's) with each column rule the engine read as a glyph
    inside its text (`|`) taken out: the line cut there into pieces, the first set from the
    line's left end, the last up to its right end, those between spread evenly, each as wide
    as its glyph cells at the page's usual pitch (the white of the gutters is unknown); a
    rule at a line's end is dropped. Returns the lines and how many were cut.

    >>> body = [OcrLine("正文四字", Box(0, y, 80, y + 25)) for y in (0, 30)]
    >>> lines, cut = split_at_rule_glyphs([*body, OcrLine("左栏末句|右栏", Box(0, 60, 160, 85), 0.9)])
    >>> cut, [(line.text, line.box.x0, line.box.x1) for line in lines[2:]]
    (1, [('左栏末句', 0, 80.0), ('右栏', 120.0, 160)])
    """
    plain = [line.box.width / visible_width(line.text) for line in lines if not line.words
             and visible_width(line.text) and not any(ch in RULE_GLYPHS for ch in line.text)]
    pitch = median(plain) if plain else None
    out, cut = [], 0
    for line in lines:
        if line.words or not any(ch in RULE_GLYPHS for ch in line.text):
            out.append(line)
            continue
        texts = [t.strip() for t in "".join("|" if ch in RULE_GLYPHS else ch for ch in line.text).split("|")]
        texts = [t for t in texts if t]
        cells = [visible_width(t) for t in texts]
        each = pitch or line.box.width / max(sum(cells) + len(texts) - 1, 1.0)
        widths = [min(c * each, line.box.width) for c in cells]
        spare = max(line.box.width - sum(widths), 0.0) / max(len(texts) - 1, 1)
        left = line.box.x0
        for text, width in zip(texts, widths, strict=True):
            out.append(replace(line, text=text, box=Box(left, line.box.y0, left + width, line.box.y1)))
            left += width + spare
        if len(texts) > 1:
            out[-1] = replace(out[-1], box=Box(out[-1].box.x0, line.box.y0, line.box.x1, line.box.y1))
        cut += len(texts) > 1
    return out, cut


def is_loose(word: OcrWord, h: float | None = None) -> bool:
    """Whether the word's box is much wider than its glyphs (of height `h`, else its own).

    >>> is_loose(OcrWord("是", Box(51, 750, 131, 774))), is_loose(OcrWord("笑意", Box(0, 0, 50, 24)))
    (True, False)
    """
    return word.box.width > LOOSE_BOX * (h or word.box.height) * max(visible_width(word.text), 1.0)


def with_words(line: OcrLine, words: tuple[OcrWord, ...]) -> OcrLine:
    """The line made of these of its words: from the first to the last of them (the tight
    ones, where there are any), from their median top to their median bottom (a mark or a
    glyph boxed with its neighbour's descender reaches further), text and confidence from
    them."""
    placed = [w for w in words if not is_loose(w)] or list(words)
    box = Box(min(w.box.x0 for w in placed), median(w.box.y0 for w in placed),
              max(w.box.x1 for w in placed), median(w.box.y1 for w in placed))
    scores = [w.confidence for w in words if w.confidence is not None]
    return replace(line, text=" ".join(w.text for w in words), box=box, words=words,
                   confidence=sum(scores) / len(scores) if scores else line.confidence)


def type_height(line: OcrLine) -> float:
    """The height of the line's glyphs: the lower quartile of its words' heights (Tesseract
    boxes a comma or a glyph with its neighbour's descender taller, a flat glyph like 一 low),
    at most its line's box (Tesseract boxes a line's glyphs taller than the line it found
    them on, 43 px in a line of 32: body type, no headline); without words its box's.

    >>> words = tuple(OcrWord(c, Box(0, 0, 28, h)) for c, h in zip("会议，部署开展", [28, 28, 46, 46, 28, 46, 29]))
    >>> type_height(OcrLine("会议，部署开展", Box(0, 0, 200, 46), None, words))
    28
    >>> tall = tuple(OcrWord(c, Box(0, -5, 28, 38)) for c in "处理厂座")
    >>> type_height(OcrLine("处理厂座", Box(0, 0, 112, 32), None, tall))
    32
    """
    if not line.words:
        return line.box.height
    heights = sorted(w.box.height for w in line.words)
    return min(heights[len(heights) // 4], line.box.height)


def tight_boxes(lines: list[OcrLine], h: float) -> list[Box]:
    """The word boxes that sit where their glyphs are (not much wider than their glyphs).

    >>> line = OcrLine("是笑", Box(0, 0, 60, 20), None, (OcrWord("是", Box(0, 0, 60, 20)), OcrWord("笑", Box(40, 0, 60, 20))))
    >>> [b.x0 for b in tight_boxes([line], 20)]
    [40]
    """
    return [w.box for line in lines for w in line.words if not is_loose(w, h)]


# A line's box at least this many times taller than wide is a column of glyphs set vertically.
VERTICAL = 2.5


def set_vertically(box: Box, text: str) -> bool:
    """Whether a line is a column of glyphs set top to bottom (竖排): a box much taller than
    wide, holding two glyphs or more.

    >>> set_vertically(Box(0, 0, 30, 300), "其实一直在心里亮着"), set_vertically(Box(0, 0, 300, 30), "其实一直在")
    (True, False)
    """
    return box.height >= VERTICAL * box.width and len(text.strip()) >= 2
