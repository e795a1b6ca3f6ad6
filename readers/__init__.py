"""qingyang readers: OCR engines' files to one page model (lines with boxes, confidences and
words where the format has them). Chosen by extension, confirmed by content.

`read_ocr_file(path)` reads hOCR, ALTO, PaddleOCR-style JSON or (with the `ocr` extra) a page
image; `sniff_format` says which, or None for plain text. A file that claims a format but is
not one raises `OcrFormatError` naming the file and the problem.
"""

from pathlib import Path

import regex

from readers.alto import read_alto
from readers.errors import OcrFormatError
from readers.hocr import read_hocr
from readers.image import IMAGE_SUFFIXES, OcrExtraMissing, read_image
from readers.model import Box, OcrLine, OcrPage, OcrWord
from readers.paddle import read_paddle

# What a file's first bytes say, by format (read after a BOM and leading whitespace).
_HOCR_MARKS = (b"ocr_page", b"ocr-system", b"ocr_line")
_ALTO_MARK = b"<alto"
# PaddleOCR 3.x writes `dt_polys` (kilobytes) before `rec_texts`; RapidOCR's to_json has `txt`;
# PP-StructureV3 writes its layout blocks (`parsing_res_list`) before its OCR; PaddleOCR 2.x's
# predict_system (and PPOCRLabel) `transcription`.
_PADDLE_MARKS = (b'"rec_texts"', b'"dt_polys"', b'"rec_polys"', b'"txt"', b'"parsing_res_list"',
                 b'"layout_det_res"', b'"overall_ocr_res"', b'"transcription"')
# PP-Structure 2.x's regions (`[{"type", "bbox", "res": [{"text", "confidence", "text_region"}]}]`):
# a text line's key, or (a figure first) the region's three keys.
_STRUCTURE_LINE = b'"text_region"'
_STRUCTURE_REGION = (b'"type"', b'"bbox"', b'"res"')
# PaddleOCR-json's reply (`{"code": 100, "data": [{"box", "score", "text"}, …]}`): its code, or
# its lines' three keys.
_PADDLE_REPLY = regex.compile(rb'"code"\s*:\s*(?:10[01]|20[01]|300)\b')
_PADDLE_REPLY_LINE = (b'"box"', b'"score"', b'"text"')
# `[[[[x, y], …`: a PaddleOCR 2.x or RapidOCR 1.x result (rows of [polygon, text…], maybe in a
# page's list): three to five brackets open before the first coordinate.
_PADDLE_ROWS = regex.compile(rb"^\s*(?:\[\s*){3,5}-?\d")

# Extensions that name a format outright.
_SUFFIX_FORMATS = {".hocr": "hocr", ".alto": "alto", **{s: "image" for s in IMAGE_SUFFIXES}}


def sniff_format(path: str | Path, head: bytes) -> str | None:
    """The OCR format of a file from its name and first bytes; None: plain text.

    >>> sniff_format("p.xml", b'<?xml version="1.0"?><alto xmlns="...">'), sniff_format("p.txt", b"abc")
    ('alto', None)
    >>> sniff_format("p.json", b'{"rec_texts": []}'), sniff_format("scan.PNG", b"")
    ('paddleocr', 'image')
    """
    suffix = Path(path).suffix.lower()
    if suffix in _SUFFIX_FORMATS:
        return _SUFFIX_FORMATS[suffix]
    if suffix in (".xml", ".html", ".htm", ".xhtml", ".json"):
        if _ALTO_MARK in head:
            return "alto"
        if any(mark in head for mark in _HOCR_MARKS):
            return "hocr"
        if (any(mark in head for mark in _PADDLE_MARKS) or _PADDLE_ROWS.match(head.lstrip(b"\xef\xbb\xbf"))
                or _PADDLE_REPLY.search(head) or all(mark in head for mark in _PADDLE_REPLY_LINE)
                or _STRUCTURE_LINE in head or all(mark in head for mark in _STRUCTURE_REGION)):
            return "paddleocr"
        if suffix == ".xml":
            return "alto"  # an XML input must be ALTO: the reader says why it is not
    return None


def read_ocr_file(path: str | Path, data: bytes | None = None, fmt: str | None = None) -> OcrPage:
    """Read one engine file (or page image) into the page model."""
    source = str(path)
    if data is None and fmt != "image":
        data = Path(path).read_bytes()
    fmt = fmt or sniff_format(path, (data or b"")[:4096])
    if fmt == "hocr":
        return read_hocr(data, source)
    if fmt == "alto":
        return read_alto(data, source)
    if fmt == "paddleocr":
        return read_paddle(data, source)
    if fmt == "image":
        return read_image(source)
    raise OcrFormatError(source, "not an OCR engine file (hOCR, ALTO, PaddleOCR JSON or image)")


__all__ = [
    "Box", "OcrExtraMissing", "OcrFormatError", "OcrLine", "OcrPage", "OcrWord",
    "read_ocr_file", "sniff_format",
]
