"""Tesseract's hOCR (`tesseract page.png out -l chi_sim hocr`) to the page model.

Lines are the elements of class `ocr_line`, `ocr_header`, `ocr_caption` or `ocr_textfloat`
(Tesseract's), or `ocrx_line` (the spec's engine-specific line, as OCRopus and kraken write it);
their `title` carries `bbox x0 y0 x1 y1`, words (`ocrx_word`) add `x_wconf` (0–100); a word's
glyphs may be elements of their own (`ocrx_cinfo`), one a line.
Parsed with lxml's HTML parser, which takes both the XHTML Tesseract writes and plain HTML.
"""

import math

import regex
from lxml import etree, html

from readers.errors import OcrFormatError
from readers.model import Box, OcrLine, OcrPage, OcrWord, without_line_level_words

# hOCR is UTF-8 (Tesseract writes it so); without a declaration lxml would guess Latin-1.
_PARSER = html.HTMLParser(encoding="utf-8")

LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat", "ocrx_line"}

# `bbox 36 92 580 122` inside an hOCR title.
TITLE_BBOX = regex.compile(r"\bbbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
# `x_wconf 96` inside a word's title: the word's confidence in percent.
TITLE_WCONF = regex.compile(r"\bx_wconf\s+(\d+(?:\.\d+)?)")
# `baseline 0.012 -9` inside a line's title: the baseline's slope (y down) and offset.
TITLE_BASELINE = regex.compile(r"\bbaseline\s+(-?\d+(?:\.\d+)?)\s")


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _bbox(element, source: str) -> Box:
    match = TITLE_BBOX.search(element.get("title") or "")
    if not match:
        raise OcrFormatError(source, f"hOCR element {element.get('id') or element.tag} has no bbox")
    return Box(*map(float, match.groups()))


def _word(element, source: str) -> OcrWord | None:
    # the white space between its glyphs' elements (`ocrx_cinfo`, with Tesseract's
    # `hocr_char_boxes`) is the file's indentation, not the word's
    text = "".join(piece for piece in element.itertext() if piece.strip()).strip()
    if not text:
        return None
    conf = TITLE_WCONF.search(element.get("title") or "")
    return OcrWord(text, _bbox(element, source), float(conf.group(1)) / 100 if conf else None)


def _baseline_angle(element) -> float | None:
    """The line's turn in degrees from its baseline's slope (None when the title has none)."""
    match = TITLE_BASELINE.search((element.get("title") or "") + " ")
    return round(math.degrees(math.atan(float(match.group(1)))), 2) if match else None


def read_hocr(data: bytes, source: str) -> OcrPage:
    """The lines of an hOCR page, in the engine's order; blocks numbered by `ocr_carea`.

    >>> page = read_hocr(("<html><body><div class='ocr_page' title='bbox 0 0 200 100'>"
    ...   "<div class='ocr_carea'><span class='ocr_line' title='bbox 10 10 90 30'>"
    ...   "<span class='ocrx_word' title='bbox 10 10 30 30; x_wconf 90'>核</span>"
    ...   "<span class='ocrx_word' title='bbox 32 10 52 30; x_wconf 80'>酸</span>"
    ...   "</span></div></div></body></html>").encode(), "p.hocr")
    >>> [(l.text, l.box.as_list(), round(l.confidence, 2), l.block) for l in page.lines], page.width
    ([('核 酸', [10.0, 10.0, 90.0, 30.0], 0.85, 0)], 200.0)
    """
    try:
        root = html.fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        raise OcrFormatError(source, f"not hOCR: {err}") from None
    pages = [e for e in root.iter() if isinstance(e.tag, str) and "ocr_page" in _classes(e)]
    if not pages:
        raise OcrFormatError(source, "not hOCR: no element of class ocr_page")
    page_box = _bbox(pages[0], source)
    lines, block = [], -1
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        classes = _classes(element)
        if "ocr_carea" in classes:
            block += 1
        elif classes & LINE_CLASSES:
            words = tuple(w for w in (_word(e, source) for e in element.iter()
                                      if isinstance(e.tag, str) and "ocrx_word" in _classes(e)) if w)
            text = " ".join(w.text for w in words) if words else " ".join("".join(element.itertext()).split())
            if not text:
                continue
            scores = [w.confidence for w in words if w.confidence is not None]
            # A line whose title holds no bbox (some tools box only the words) is the box
            # around its words.
            if TITLE_BBOX.search(element.get("title") or "") or not words:
                box = _bbox(element, source)
            else:
                box = Box(min(w.box.x0 for w in words), min(w.box.y0 for w in words),
                          max(w.box.x1 for w in words), max(w.box.y1 for w in words))
            lines.append(OcrLine(text, box, sum(scores) / len(scores) if scores else None, words, max(block, 0),
                                 _baseline_angle(element)))
    return OcrPage(tuple(without_line_level_words(lines)), "hocr", page_box.width, page_box.height)
