"""A line's text from its word boxes: a printed space is a gap wider than the line's normal
spacing, so names in a byline and a headline's phrases keep theirs and glyph boxes that touch
(or overlap, as Tesseract's often do) are one word."""

from statistics import median

from readers.model import OcrLine

# Between two CJK words, a gap of at least this share of the line's height is a printed space
# (an em space or more); between two Latin words much less is.
CJK_SPACE = 0.6
LATIN_SPACE = 0.15

# And, between CJK words, at least this many times the line's median gap, when the line has
# this many gaps or more (a letter-spaced headline's gaps are all wide; its phrase break is
# wider still).
SPACE_OVER_USUAL = 2.0
MIN_GAPS = 3


def _is_latin_edge(char: str) -> bool:
    return char.isascii() and char.isalnum()


def line_text(line: OcrLine) -> str:
    """The line's text with spaces only where the gaps between its words are printed spaces;
    a line without words keeps the engine's text.

    >>> from readers.model import Box, OcrWord
    >>> words = [OcrWord("记者", Box(0, 0, 40, 20)), OcrWord("林", Box(41, 0, 60, 20)),
    ...          OcrWord("晓", Box(60, 0, 80, 20)), OcrWord("通讯员", Box(100, 0, 160, 20))]
    >>> line_text(OcrLine("记者 林 晓 通讯员", Box(0, 0, 160, 20), None, tuple(words)))
    '记者林晓 通讯员'
    """
    if not line.words:
        return line.text
    height = max(line.box.height, 1.0)
    gaps = [word.box.x0 - before.box.x1 for before, word in zip(line.words, line.words[1:], strict=False)]
    # The line's usual spacing: a printed space stands out of it (twice as wide at least).
    usual = median(gaps) if len(gaps) >= MIN_GAPS else 0.0
    pieces = [line.words[0].text]
    for before, word, gap in zip(line.words, line.words[1:], gaps, strict=False):
        latin = _is_latin_edge(before.text[-1]) and _is_latin_edge(word.text[0])
        if gap >= (LATIN_SPACE if latin else CJK_SPACE) * height and (latin or gap >= SPACE_OVER_USUAL * usual):
            pieces.append(" ")
        pieces.append(word.text)
    return "".join(pieces)
