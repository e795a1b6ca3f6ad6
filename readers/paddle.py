"""PaddleOCR-style JSON to the page model, in the shapes engines and users save it:

- PaddleOCR 3.x `save_to_json` (`rec_texts`, `rec_scores`, and `rec_boxes` or `rec_polys`,
  maybe under `res`) and what `qingyang ocr` writes (the same keys, with `width`, `height`);
- PP-StructureV3's `save_to_json`: its OCR lines (`overall_ocr_res`, the same keys); its layout
  blocks (`parsing_res_list`) are not read: the layout comes from the lines' boxes, as for
  every engine;
- RapidOCR's `RapidOCROutput.to_json()`: a list of `{"box": polygon, "txt", "score"}`;
- PaddleOCR 2.x `ocr()` results dumped as they are: `[[polygon, [text, score]], ...]`, maybe
  inside the one-page list `ocr()` returns, and RapidOCR 1.x's `[[polygon, text, score], ...]`;
- PaddleOCR 2.x `tools/infer/predict_system.py` results and PPOCRLabel's labels: a list of
  `{"transcription", "points"}` (maybe a `score`), maybe as a line of its `system_results.txt`
  (`image name<TAB>[...]`);
- PaddleOCR-json's (the standalone engine's) replies: `{"code": 100, "data": [{"box", "score",
  "text"}, ...]}`; code 101 is a page with no text, any other code the engine's error, named;
- PP-Structure 2.x's result list (`table_engine(img)` dumped, each region's `img` popped): a
  list of regions `{"type", "bbox", "res"}`, a text region's `res` its lines `{"text",
  "confidence", "text_region"}` in page coordinates, a table's `res` `{"html", ...}` (its rows
  become lines, each a row's share of the region's box: the cells' boxes are the crop's), a
  figure's nothing. The regions' order is kept as each line's block; the reading order still
  comes from the boxes.

Lines only: the format has no words."""

import json

from lxml import html as lxml_html

from readers.errors import OcrFormatError
from readers.model import Box, OcrLine, OcrPage, polygon_angle

# One recognised line before it becomes an OcrLine: text, box, score, angle (None: not given).
Recognised = tuple[str, Box, float | None, float | None]


def _load(data: bytes, source: str):
    """The JSON of the file, or of its one `image name<TAB>JSON` line (`system_results.txt`)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise OcrFormatError(source, f"not JSON: {err}") from None
    rows = [row for row in text.splitlines() if row.strip()]
    if rows and "\t" in rows[0] and not rows[0].lstrip().startswith(("[", "{")):
        if len(rows) > 1:
            raise OcrFormatError(source, f"PaddleOCR results of {len(rows)} images: save one file per page")
        text = rows[0].split("\t", 1)[1]
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise OcrFormatError(source, f"not JSON: {err}") from None


def _shape(points, source: str) -> Box:
    """A box from `[x0, y0, x1, y1]` or from a polygon's points."""
    try:
        if len(points) == 4 and all(isinstance(v, int | float) for v in points):
            return Box(*map(float, points))
        return Box.around([[float(p[0]), float(p[1])] for p in points])
    except (TypeError, ValueError, IndexError):
        raise OcrFormatError(source, f"PaddleOCR JSON: {str(points)[:40]} is not a box or polygon") from None


def _from_rec_lists(payload: dict, source: str) -> list[Recognised]:
    texts = payload["rec_texts"]
    boxes = payload.get("rec_boxes")
    polys = payload.get("rec_polys") or payload.get("dt_polys")
    scores = payload.get("rec_scores") or [None] * len(texts)
    has_polys = polys is not None and len(polys) == len(texts)
    if boxes is not None and len(boxes) == len(texts):
        shapes = [_shape(box[:4], source) for box in boxes]
    elif has_polys:
        shapes = [_shape(poly, source) for poly in polys]
    else:
        raise OcrFormatError(source, f"PaddleOCR JSON: {len(texts)} texts but no box or polygon for each")
    if len(scores) != len(texts):
        raise OcrFormatError(source, f"PaddleOCR JSON: {len(texts)} texts but {len(scores)} scores")
    angles = [polygon_angle(poly) for poly in polys] if has_polys else [None] * len(texts)
    return list(zip(texts, shapes, scores, angles, strict=True))


def _is_result_row(item) -> bool:
    """`[polygon, [text, score]]` or `[polygon, text, score]`: a polygon is a list of points."""
    return (isinstance(item, list) and len(item) in (2, 3) and isinstance(item[0], list)
            and bool(item[0]) and isinstance(item[0][0], list))


def _from_line_list(items: list, source: str) -> list[Recognised]:
    """RapidOCR's `to_json()` dicts, PaddleOCR 2.x `predict_system` dicts, or PaddleOCR 2.x /
    RapidOCR 1.x result rows."""
    if len(items) == 1 and (items[0] is None or (isinstance(items[0], list) and items[0]
                                                  and _is_result_row(items[0][0]))):
        items = items[0] or []  # PaddleOCR 2.x: one list of lines per page, None for none
    elif len(items) > 1 and all(isinstance(i, list) and i and _is_result_row(i[0]) for i in items):
        raise OcrFormatError(source, f"PaddleOCR JSON holds {len(items)} pages: save one file per page")
    lines = []
    for item in items:
        if isinstance(item, dict) and "box" in item and ("txt" in item or "text" in item):
            text = item["txt"] if "txt" in item else item["text"]
            lines.append((text, _shape(item["box"], source), item.get("score"), polygon_angle(item["box"])))
        elif isinstance(item, dict) and "transcription" in item and "points" in item:
            lines.append((item["transcription"], _shape(item["points"], source), item.get("score"),
                          polygon_angle(item["points"])))
        elif isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], list | tuple):
            lines.append((item[1][0], _shape(item[0], source), item[1][1] if len(item[1]) > 1 else None,
                          polygon_angle(item[0])))
        elif isinstance(item, list | tuple) and len(item) == 3 and isinstance(item[1], str):
            lines.append((item[1], _shape(item[0], source), item[2], polygon_angle(item[0])))
        else:
            raise OcrFormatError(source, f"PaddleOCR JSON: a line {str(item)[:40]} is none of "
                                         "{box, txt, score}, {transcription, points}, [polygon, [text, score]]")
    return lines


def _is_structure_region(item) -> bool:
    """A PP-Structure 2.x region: `{"type", "bbox", "res"}`."""
    return isinstance(item, dict) and "type" in item and "bbox" in item and "res" in item


def _table_rows(table: str, box: Box) -> list[tuple[str, Box]]:
    """A PP-Structure table's rows (its `html`) as lines, cells a space apart, each row an equal
    share of the table's box from the top (its cells' boxes are the crop's, not the page's)."""
    rows = [" ".join(" ".join(cell.text_content().split()) for cell in row.xpath("./td|./th"))
            for row in lxml_html.fromstring(table).xpath("//tr")] if table.strip() else []
    rows = [row for row in rows if row.strip()]
    step = box.height / max(len(rows), 1)
    return [(row, Box(box.x0, box.y0 + k * step, box.x1, box.y0 + (k + 1) * step)) for k, row in enumerate(rows)]


def _from_structure_regions(regions: list, source: str) -> list[tuple[Recognised, int]]:
    """PP-Structure 2.x regions' lines, each with its region's place in the list (its block)."""
    lines = []
    for block, region in enumerate(regions):
        if not _is_structure_region(region):
            raise OcrFormatError(source, f"PP-Structure JSON: a region {str(region)[:40]} is not {{type, bbox, res}}")
        found = region["res"]
        if isinstance(found, dict) and isinstance(found.get("html"), str):
            lines += [((text, row, None, None), block) for text, row in _table_rows(found["html"], _shape(region["bbox"], source))]
            continue
        for line in found if isinstance(found, list) else []:  # (a figure's res: nothing read)
            if not (isinstance(line, dict) and "text" in line and "text_region" in line):
                raise OcrFormatError(source, f"PP-Structure JSON: a line {str(line)[:40]} is not {{text, text_region}}")
            lines.append(((line["text"], _shape(line["text_region"], source), line.get("confidence"),
                           polygon_angle(line["text_region"])), block))
    return lines


# PaddleOCR-json's reply codes: the lines found, or none found in the image.
ENGINE_FOUND, ENGINE_FOUND_NONE = 100, 101


def _engine_reply(payload: dict, source: str) -> list:
    """The lines of a PaddleOCR-json reply (`{"code", "data"}`): none for code 101, an error
    naming the engine's code and message for any code but 100."""
    if payload["code"] == ENGINE_FOUND_NONE:
        return []
    if payload["code"] != ENGINE_FOUND or not isinstance(payload["data"], list):
        raise OcrFormatError(source, f"PaddleOCR-json reply code {payload['code']}: {str(payload['data'])[:80]}")
    return payload["data"]


def read_paddle(data: bytes, source: str) -> OcrPage:
    """The recognised lines with their boxes and scores.

    >>> page = read_paddle(b'{"rec_texts": ["\\\\u6838\\\\u9178"], "rec_scores": [0.9], '
    ...                    b'"rec_polys": [[[10, 5], [60, 5], [60, 30], [10, 30]]]}', "p.json")
    >>> [(l.text, l.box.as_list(), l.confidence) for l in page.lines]
    [('核酸', [10.0, 5.0, 60.0, 30.0], 0.9)]
    >>> read_paddle(b'[[[[[10, 5], [60, 5], [60, 30], [10, 30]], ["AB", 0.8]]]]', "p.json").lines[0].text
    'AB'
    >>> regions = (b'[{"type": "title", "bbox": [0, 0, 90, 40], "res": [{"text": "AB", "confidence": 0.9, '
    ...            b'"text_region": [[5, 5], [85, 5], [85, 35], [5, 35]]}], "img_idx": 0}, {"type": "figure", '
    ...            b'"bbox": [0, 50, 90, 90], "res": []}, {"type": "table", "bbox": [0, 100, 90, 140], '
    ...            b'"res": {"html": "<table><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>"}}]')
    >>> [(l.text, l.block, l.box.y0) for l in read_paddle(regions, "s.json").lines]
    [('AB', 0, 5.0), ('a 1', 2, 100.0), ('b 2', 2, 120.0)]
    """
    payload = _load(data, source)
    if isinstance(payload, dict) and "code" in payload and "data" in payload:
        payload = _engine_reply(payload, source)
    if isinstance(payload, dict) and isinstance(payload.get("res"), dict):
        payload = payload["res"]  # PaddleOCR 3.x save_to_json nests the result
    if isinstance(payload, dict) and isinstance(payload.get("overall_ocr_res"), dict):
        payload = payload["overall_ocr_res"]  # PP-StructureV3: the OCR of the whole page
    blocks: list[int] | None = None
    if isinstance(payload, dict) and isinstance(payload.get("rec_texts"), list):
        recognised = _from_rec_lists(payload, source)
    elif isinstance(payload, list) and payload and _is_structure_region(payload[0]):
        found = _from_structure_regions(payload, source)
        recognised, blocks = [line for line, _ in found], [block for _, block in found]
        payload = {}
    elif isinstance(payload, list):
        recognised = _from_line_list(payload, source)
        payload = {}
    else:
        raise OcrFormatError(source, "not PaddleOCR JSON: no rec_texts list, nor a list of lines")
    blocks = blocks or [-1] * len(recognised)
    lines = tuple(
        OcrLine(str(text), box, float(score) if score is not None else None, block=block, angle=angle)
        for (text, box, score, angle), block in zip(recognised, blocks, strict=True) if str(text).strip()
    )
    shapes = [box for _, box, _, _ in recognised]
    width = payload.get("width") or (max((b.x1 for b in shapes), default=0) or None)
    height = payload.get("height") or (max((b.y1 for b in shapes), default=0) or None)
    return OcrPage(lines, "paddleocr", width, height)
