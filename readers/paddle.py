"""PaddleOCR-style JSON to the page model: PaddleOCR 3.x `save_to_json` (`rec_texts`,
`rec_scores`, and `rec_boxes` or `rec_polys`, maybe under `res`) and RapidOCR's output in the
same shape. Lines only: the format has no words."""

import json

from readers.errors import OcrFormatError
from readers.model import Box, OcrLine, OcrPage


def _payload(data: bytes, source: str) -> dict:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise OcrFormatError(source, f"not JSON: {err}") from None
    if isinstance(payload, dict) and isinstance(payload.get("res"), dict):
        payload = payload["res"]  # PaddleOCR 3.x save_to_json nests the result
    if not isinstance(payload, dict) or not isinstance(payload.get("rec_texts"), list):
        raise OcrFormatError(source, "not PaddleOCR JSON: no rec_texts list")
    return payload


def read_paddle(data: bytes, source: str) -> OcrPage:
    """The recognised lines with their boxes and scores.

    >>> page = read_paddle(b'{"rec_texts": ["\\\\u6838\\\\u9178"], "rec_scores": [0.9], '
    ...                    b'"rec_polys": [[[10, 5], [60, 5], [60, 30], [10, 30]]]}', "p.json")
    >>> [(l.text, l.box.as_list(), l.confidence) for l in page.lines]
    [('核酸', [10, 5, 60, 30], 0.9)]
    """
    payload = _payload(data, source)
    texts = payload["rec_texts"]
    boxes = payload.get("rec_boxes")
    polys = payload.get("rec_polys") or payload.get("dt_polys")
    scores = payload.get("rec_scores") or [None] * len(texts)
    if boxes is not None and len(boxes) == len(texts):
        shapes = [Box(*box[:4]) for box in boxes]
    elif polys is not None and len(polys) == len(texts):
        shapes = [Box.around(poly) for poly in polys]
    else:
        raise OcrFormatError(source, f"PaddleOCR JSON: {len(texts)} texts but no box or polygon for each")
    if len(scores) != len(texts):
        raise OcrFormatError(source, f"PaddleOCR JSON: {len(texts)} texts but {len(scores)} scores")
    lines = tuple(
        OcrLine(str(text), box, float(score) if score is not None else None)
        for text, box, score in zip(texts, shapes, scores, strict=True) if str(text).strip()
    )
    width = payload.get("width") or (max((b.x1 for b in shapes), default=0) or None)
    height = payload.get("height") or (max((b.y1 for b in shapes), default=0) or None)
    return OcrPage(lines, "paddleocr", width, height)
