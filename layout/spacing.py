"""A line's text from its word boxes: a printed space is a gap wider than the line's normal
spacing, so names in a byline and a headline's phrases keep theirs and glyph boxes that touch
(or overlap, as Tesseract's often do) are one word."""

from readers.model import OcrLine

# Between two CJK words, a gap of at least this share of the line's height is a printed space
# (an em space or more); between two Latin words much less is.
CJK_SPACE = 0.6
LATIN_SPACE = 0.15


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
    pieces = [line.words[0].text]
    for before, word in zip(line.words, line.words[1:], strict=False):
        gap = word.box.x0 - before.box.x1
        latin = _is_latin_edge(before.text[-1]) and _is_latin_edge(word.text[0])
        if gap >= (LATIN_SPACE if latin else CJK_SPACE) * height:
            pieces.append(" ")
        pieces.append(word.text)
    return "".join(pieces)
