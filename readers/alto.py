"""ALTO XML (v2–v4, as Tesseract and library workflows write it) to the page model.

`TextLine` elements hold `String` (CONTENT, WC 0–1; a converter's line breaks between the
glyphs of a CONTENT are no space, other white space inside one is one space) and `SP` children, each with HPOS, VPOS, WIDTH and HEIGHT; the namespace differs by version, so elements are matched by local
name. Parsed with lxml, entities and network access off.

Positions are in the file's `MeasurementUnit`: `pixel` (Tesseract), or `mm10` (tenths of a
millimetre) and `inch1200`, as library workflows often write them. Those two are turned into
pixels of a 300 dpi scan (`NOMINAL_DPI`: the file does not say the scan's resolution), so a
page reads as the pixel ALTO of a 300 dpi scan does (tests/eval_seventh dev, a page converted
to mm10 read 58.13% CER against 47.48% for the same Tesseract run in pixels).
"""

import regex
from lxml import etree

from readers.errors import OcrFormatError
from readers.model import Box, OcrLine, OcrPage, OcrWord, without_line_level_words

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)

# Pixels per unit of each ALTO MeasurementUnit, the physical ones at a nominal resolution.
NOMINAL_DPI = 300.0
PIXELS_PER_UNIT = {"pixel": 1.0, "mm10": NOMINAL_DPI / 254.0, "inch1200": NOMINAL_DPI / 1200.0}


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _unit_scale(root, source: str) -> float:
    """Pixels per unit of the file's positions (`MeasurementUnit`, pixel when absent)."""
    unit = next((e for e in root.iter() if _local(e) == "MeasurementUnit"), None)
    name = (unit.text or "").strip() if unit is not None else "pixel"
    if name not in PIXELS_PER_UNIT:
        raise OcrFormatError(source, f"ALTO MeasurementUnit {name!r} is none of {', '.join(PIXELS_PER_UNIT)}")
    return PIXELS_PER_UNIT[name]


def _box(element, source: str, scale: float = 1.0) -> Box:
    try:
        x, y = float(element.get("HPOS")) * scale, float(element.get("VPOS")) * scale
        return Box(x, y, x + float(element.get("WIDTH")) * scale, y + float(element.get("HEIGHT")) * scale)
    except (TypeError, ValueError):
        raise OcrFormatError(source, f"ALTO {_local(element)} {element.get('ID') or ''} has no position") from None


# White space with a line break inside a String's CONTENT: a converter's formatting of the
# glyphs it copied one a line (as hOCR's `ocrx_cinfo`), no space of the word's.
_FORMATTING = regex.compile(r"\s*\n\s*")


def _content(text: str) -> str:
    """A String's CONTENT as its word: a converter's line breaks between glyphs gone, other
    white space one space.

    >>> _content("\\n   停\\n   水\\n  "), _content("Hello   World")
    ('停水', 'Hello World')
    """
    return " ".join(_FORMATTING.sub("", text).split())


def _has_position(element) -> bool:
    return all(element.get(key) is not None for key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))


def read_alto(data: bytes, source: str) -> OcrPage:
    """The text lines of an ALTO page, blocks numbered by `TextBlock`.

    >>> page = read_alto(b'<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#"><Layout><Page WIDTH="200" '
    ...   b'HEIGHT="100"><PrintSpace><TextBlock><TextLine HPOS="10" VPOS="10" WIDTH="80" HEIGHT="20">'
    ...   b'<String HPOS="10" VPOS="10" WIDTH="20" HEIGHT="20" WC="0.9" CONTENT="AB"/><SP/>'
    ...   b'<String HPOS="40" VPOS="10" WIDTH="20" HEIGHT="20" WC="0.7" CONTENT="CD"/>'
    ...   b'</TextLine></TextBlock></PrintSpace></Page></Layout></alto>', "p.xml")
    >>> [(l.text, l.box.as_list(), round(l.confidence, 2)) for l in page.lines], page.height
    ([('AB CD', [10.0, 10.0, 90.0, 30.0], 0.8)], 100.0)
    """
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise OcrFormatError(source, f"not well-formed XML: {err}") from None
    if _local(root) != "alto":
        raise OcrFormatError(source, f"not ALTO: the root element is <{_local(root)}>")
    page = next((e for e in root.iter() if _local(e) == "Page"), None)
    scale = _unit_scale(root, source)
    lines, block = [], -1
    for element in root.iter():
        name = _local(element)
        if name == "TextBlock":
            block += 1
        elif name == "TextLine":
            strings = [child for child in element
                       if _local(child) == "String" and (child.get("CONTENT") or "").strip()]
            if not strings:
                continue
            texts = [_content(child.get("CONTENT")) for child in strings]
            scores = [float(child.get("WC")) for child in strings if child.get("WC")]
            # Strings without positions leave the line its text alone (no word boxes); a line
            # without a position of its own is the box around its strings.
            words = (tuple(OcrWord(text, _box(child, source, scale), float(child.get("WC")) if child.get("WC") else None)
                           for text, child in zip(texts, strings, strict=True))
                     if all(_has_position(child) for child in strings) else ())
            if _has_position(element):
                box = _box(element, source, scale)
            elif words:
                box = Box(min(w.box.x0 for w in words), min(w.box.y0 for w in words),
                          max(w.box.x1 for w in words), max(w.box.y1 for w in words))
            else:
                raise OcrFormatError(source, f"ALTO TextLine {element.get('ID') or ''} has no position")
            lines.append(OcrLine(" ".join(texts), box, sum(scores) / len(scores) if scores else None,
                                 words, max(block, 0)))
    width = float(page.get("WIDTH")) * scale if page is not None and page.get("WIDTH") else None
    height = float(page.get("HEIGHT")) * scale if page is not None and page.get("HEIGHT") else None
    return OcrPage(tuple(without_line_level_words(lines)), "alto", width, height)
