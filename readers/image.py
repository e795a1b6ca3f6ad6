"""Page images (PNG, JPEG, TIFF) through RapidOCR's PP-OCR models: the `ocr` extra.

`pip install qingyang[ocr]` adds rapidocr and onnxruntime; the rapidocr wheel carries the
models, so nothing is downloaded at run time. Without the extra an image is refused with
that advice. The engine is built once per process (its first call takes seconds).
"""

from functools import lru_cache

from readers.errors import OcrFormatError
from readers.model import Box, OcrLine, OcrPage, polygon_angle, polygon_of

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

# Pages larger than this many pixels on their long side are refused (a scan at 600 dpi of a
# broadsheet is ~14,000 px): decoding alone would take gigabytes.
MAX_IMAGE_SIDE = 20_000


class OcrExtraMissing(OcrFormatError):
    """An image input on an installation without the `ocr` extra."""


@lru_cache(maxsize=1)
def _engine():
    from rapidocr import RapidOCR

    return RapidOCR(params={"Global.log_level": "warning", "Global.max_side_len": 4000})


def read_image(path: str) -> OcrPage:
    """OCR one page image into the page model (lines, boxes, scores)."""
    try:
        import rapidocr  # noqa: F401
        from PIL import Image
    except ImportError:
        raise OcrExtraMissing(path, "page images need the OCR extra: pip install 'qingyang[ocr]'") from None
    try:
        with Image.open(path) as image:
            if max(image.size) > MAX_IMAGE_SIDE:
                raise OcrFormatError(path, f"image of {image.size[0]}×{image.size[1]} px is larger "
                                           f"than {MAX_IMAGE_SIDE} px on a side")
            width, height = image.size
            result = _engine()(image.convert("RGB"))
    except (OSError, Image.DecompressionBombError) as err:
        raise OcrFormatError(path, f"not a readable image: {err}") from None
    texts = [str(t) for t in (result.txts or ())]
    scores = [float(s) for s in (result.scores or ())]
    polys = result.boxes if result.boxes is not None else []
    lines = tuple(OcrLine(text, Box.around([[float(x), float(y)] for x, y in poly]), score,
                          angle=polygon_angle([[float(x), float(y)] for x, y in poly]))
                  for text, score, poly in zip(texts, scores, polys, strict=True) if text.strip())
    return OcrPage(lines, "image", float(width), float(height))


def page_to_paddle_json(page: OcrPage) -> dict:
    """The PaddleOCR-style JSON of a page (what `qingyang ocr` writes, so OCR runs once)."""
    return {
        "rec_texts": [line.text for line in page.lines],
        "rec_scores": [line.confidence for line in page.lines],
        "rec_boxes": [[round(v, 1) for v in line.box.as_list()] for line in page.lines],
        "width": page.width,
        "height": page.height,
    } | ({"rec_polys": [polygon_of(line.box, line.angle or 0.0) for line in page.lines]}
         if any(line.angle is not None for line in page.lines) else {})
