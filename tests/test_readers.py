"""Readers and the geometry path: engine files to the page model, to lines with roles, to
cleaned text; malformed files named with their problem."""

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from cleaners.lines import visible_width
from layout import lay_out
from layout.compose import clean_ocr_page
from readers import OcrFormatError, read_ocr_file, sniff_format
from readers.image import page_to_paddle_json
from readers.model import Box, OcrLine, OcrPage, OcrWord

OCR = Path(__file__).resolve().parent / "ocr"
FORMATS = {"hocr": "two_columns.hocr", "alto": "two_columns.alto.xml", "paddleocr": "two_columns.paddle.json"}
GOLD = (OCR / "two_columns.gold.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_lines_with_boxes_and_confidences(fmt):
    page = read_ocr_file(OCR / FORMATS[fmt])
    assert page.source_format == fmt
    assert len(page.lines) == 6
    assert all(line.box.x1 > line.box.x0 and line.box.y1 > line.box.y0 for line in page.lines)
    assert 0.88 <= page.confidence <= 0.95
    headline = next(line for line in page.lines if line.box.y0 == 10)
    assert headline.box.as_list() == [20, 10, 460, 50]


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_columns_come_out_column_by_column_in_the_text_contract(fmt):
    cleaned, laid = clean_ocr_page(read_ocr_file(OCR / FORMATS[fmt]))
    assert cleaned.text == GOLD
    assert [line.column for line in laid.lines] == [0, 0, 0, 0, 1, 1]
    assert laid.lines[0].role == "display:headline"


def test_word_gaps_keep_a_headline_phrase_space_and_drop_touching_glyphs():
    laid = lay_out(read_ocr_file(OCR / "two_columns.hocr"))
    assert laid.lines[0].text == "紧盯薄弱环节 落实防控措施"


def test_sniffing_reads_content_when_the_extension_is_generic():
    assert sniff_format("x.xml", (OCR / "two_columns.alto.xml").read_bytes()[:4096]) == "alto"
    assert sniff_format("x.html", (OCR / "two_columns.hocr").read_bytes()[:4096]) == "hocr"
    assert sniff_format("x.json", (OCR / "two_columns.paddle.json").read_bytes()[:4096]) == "paddleocr"
    assert sniff_format("x.json", b'{"text": "a page"}') is None
    assert sniff_format("notes.txt", b"<alto>") is None


MALFORMED = [
    ("cut.alto.xml", b'<?xml version="1.0"?><alto xmlns="x"><Layout><Page>', "not well-formed XML"),
    ("other.xml", b'<?xml version="1.0"?><svg/>', "not ALTO"),
    ("page.hocr", b"<html><body><p>no ocr classes</p></body></html>", "no element of class ocr_page"),
    ("page.json", b'{"rec_texts": ["a", "b"], "rec_scores": [1, 1], "rec_boxes": [[0, 0, 1, 1]]}',
     "2 texts but no box or polygon for each"),
    ("cut.json", b'{"rec_texts": ["a"', "not JSON"),
    ("nopos.xml", b'<alto><Layout><Page><TextBlock><TextLine><String CONTENT="a"/></TextLine>'
                  b'</TextBlock></Page></Layout></alto>', "has no position"),
]


@pytest.mark.parametrize(("name", "data", "problem"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_engine_file_is_named_with_its_problem(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(OcrFormatError) as caught:
        read_ocr_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message
    assert "\n" not in message


def test_paddle_json_nested_under_res_and_with_polygons_reads(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"res": {"rec_texts": ["核酸检测"], "rec_scores": [0.97],
                                        "rec_polys": [[[5, 5], [85, 6], [85, 25], [5, 24]]]}}))
    (line,) = read_ocr_file(path).lines
    assert (line.text, line.box.as_list(), line.confidence) == ("核酸检测", [5, 5, 85, 25], 0.97)


def _two_columns_in_shape(shape: str) -> str:
    """The two-column fixture's PP-OCR lines saved the way another tool saves them."""
    page = json.loads((OCR / "two_columns.paddle.json").read_text(encoding="utf-8"))
    rows = list(zip(page["rec_texts"], page["rec_scores"], page["rec_boxes"], strict=True))
    polys = [[[x0, y0], [x1, y0], [x1, y1], [x0, y1]] for _, _, (x0, y0, x1, y1) in rows]
    if shape == "paddleocr3":  # save_to_json: kilobytes of detection output before rec_texts
        res = {"input_path": "page.png", "page_index": None, "model_settings": {"use_doc_preprocessor": False},
               "dt_polys": polys * 40, "text_det_params": {"limit_side_len": 64}, "text_type": "general",
               "textline_orientation_angles": [-1] * len(rows), "text_rec_score_thresh": 0.0,
               "rec_texts": page["rec_texts"], "rec_scores": page["rec_scores"], "rec_polys": polys,
               "rec_boxes": page["rec_boxes"]}
        return json.dumps({"res": res}, ensure_ascii=False, indent=4)
    if shape == "ppstructure3":  # PP-StructureV3 save_to_json: layout blocks first, the OCR under overall_ocr_res
        blocks = [{"block_label": "text", "block_content": t, "block_bbox": b, "block_id": k, "block_order": k + 1}
                  for k, (t, _, b) in enumerate(rows)]
        ocr = {"input_path": "page.png", "page_index": None, "dt_polys": polys, "rec_texts": page["rec_texts"],
               "rec_scores": page["rec_scores"], "rec_polys": polys, "rec_boxes": page["rec_boxes"]}
        res = {"input_path": "page.png", "page_index": None, "model_settings": {"use_region_detection": True},
               "parsing_res_list": blocks * 20, "layout_det_res": {"boxes": []}, "overall_ocr_res": ocr}
        return json.dumps({"res": res}, ensure_ascii=False, indent=4)
    if shape == "ppstructure2":  # PP-Structure 2.x: table_engine(img) dumped, regions' img popped
        figure = {"type": "figure", "bbox": [0, 0, 10, 10], "res": [], "img_idx": 0}
        regions = [{"type": "text", "bbox": b, "img_idx": 0,
                    "res": [{"text": t, "confidence": s, "text_region": p}]} for p, (t, s, b) in zip(polys, rows, strict=True)]
        return json.dumps([figure, *regions], ensure_ascii=False)
    if shape == "rapidocr":  # RapidOCROutput.to_json()
        return json.dumps([{"box": p, "txt": t, "score": s} for p, (t, s, _) in zip(polys, rows, strict=True)],
                          ensure_ascii=False)
    if shape == "predict_system":  # PaddleOCR 2.x tools/infer/predict_system.py, as PPOCRLabel labels too
        return json.dumps([{"transcription": t, "points": p} for p, (t, _, _) in zip(polys, rows, strict=True)],
                          ensure_ascii=False)
    if shape == "system_results":  # its system_results.txt: the image's name, a tab, the list
        return "page.png\t" + _two_columns_in_shape("predict_system") + "\n"
    if shape == "paddleocr_json":  # the standalone PaddleOCR-json engine's reply
        return json.dumps({"code": 100, "data": [{"box": p, "score": s, "text": t}
                                                 for p, (t, s, _) in zip(polys, rows, strict=True)]}, ensure_ascii=False)
    if shape == "paddleocr2":  # ocr(): one list of [polygon, [text, score]] per page
        return json.dumps([[[p, [t, s]] for p, (t, s, _) in zip(polys, rows, strict=True)]], ensure_ascii=False)
    assert shape == "rapidocr1"  # rapidocr_onnxruntime: [polygon, text, score]
    return json.dumps([[p, t, s] for p, (t, s, _) in zip(polys, rows, strict=True)], ensure_ascii=False)


@pytest.mark.parametrize("shape", ["paddleocr3", "ppstructure3", "ppstructure2", "rapidocr", "paddleocr2", "rapidocr1",
                                   "predict_system", "system_results", "paddleocr_json"])
def test_json_as_other_tools_save_it_is_sniffed_and_reads_to_the_same_page(tmp_path, shape):
    path = tmp_path / "page.json"
    path.write_text(_two_columns_in_shape(shape), encoding="utf-8")
    assert sniff_format(path, path.read_bytes()[:4096]) == "paddleocr"
    cleaned, _ = clean_ocr_page(read_ocr_file(path))
    assert cleaned.text == GOLD


def test_a_paddleocr_json_reply_of_no_text_is_an_empty_page_and_an_error_reply_is_named(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"code": 101, "data": "No text found in image. Path: page.png"}), encoding="utf-8")
    assert sniff_format(path, path.read_bytes()) == "paddleocr" and read_ocr_file(path).lines == ()
    path.write_text(json.dumps({"code": 201, "data": "Image read failed. Path: page.png"}), encoding="utf-8")
    with pytest.raises(OcrFormatError, match="code 201: Image read failed"):
        read_ocr_file(path)


def test_a_paddleocr2_result_of_several_pages_is_refused_by_name(tmp_path):
    path = tmp_path / "book.json"
    page = json.loads(_two_columns_in_shape("paddleocr2"))
    path.write_text(json.dumps(page * 2), encoding="utf-8")
    with pytest.raises(OcrFormatError, match="holds 2 pages"):
        read_ocr_file(path)


def test_predict_system_results_of_several_images_are_refused_by_name(tmp_path):
    path = tmp_path / "system_results.json"
    row = _two_columns_in_shape("system_results")
    path.write_text(row + row.replace("page.png", "page2.png"), encoding="utf-8")
    with pytest.raises(OcrFormatError, match="results of 2 images"):
        read_ocr_file(path)


def _two_columns_alto(scale: float, line_positions: bool = True, string_positions: bool = True) -> bytes:
    """The two-column fixture's ALTO as other workflows write it: in other units (`scale`
    pixels to a unit, as mm10 or inch1200), maybe without positions on lines or strings."""
    tree = etree.parse(str(OCR / "two_columns.alto.xml"))
    for element in tree.iter():
        local = etree.QName(element).localname if isinstance(element.tag, str) else ""
        for key in ("HPOS", "VPOS", "WIDTH", "HEIGHT"):
            if element.get(key) is not None:
                element.set(key, f"{float(element.get(key)) * scale:.2f}")
                if (local == "TextLine" and not line_positions) or (local == "String" and not string_positions):
                    del element.attrib[key]
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8")


@pytest.mark.parametrize(("scale", "lines", "strings"), [(0.85, True, True), (4.0, True, True), (1.0, False, True)])
def test_alto_in_other_units_or_without_line_positions_reads_to_the_same_page(tmp_path, scale, lines, strings):
    path = tmp_path / "page.xml"
    path.write_bytes(_two_columns_alto(scale, lines, strings))
    cleaned, _ = clean_ocr_page(read_ocr_file(path))
    assert cleaned.text == GOLD


def test_alto_string_content_with_white_space_inside_reads_as_one_word(tmp_path):
    # a converter that copied an hOCR word's indented glyph elements into CONTENT, padded
    data = (OCR / "two_columns.alto.xml").read_text(encoding="utf-8")
    path = tmp_path / "page.xml"
    path.write_text(re.sub(r'CONTENT="([^"]+)"', lambda m: 'CONTENT="&#10;  ' + m.group(1) + '&#10;  "', data),
                    encoding="utf-8")
    assert "&#10;" in path.read_text(encoding="utf-8")
    padded, plain = read_ocr_file(path), read_ocr_file(OCR / "two_columns.alto.xml")
    assert [line.text for line in padded.lines] == [line.text for line in plain.lines]
    # its glyphs one a line inside a word (as hOCR's glyph elements are): the same words
    spread = re.sub(r'CONTENT="([^"]+)"', lambda m: 'CONTENT="' + "&#10;   ".join(m.group(1)) + '"', data)
    path.write_text(spread, encoding="utf-8")
    assert [line.text for line in read_ocr_file(path).lines] == [line.text for line in plain.lines]


def test_alto_strings_without_positions_leave_the_line_its_text(tmp_path):
    path = tmp_path / "page.xml"
    path.write_bytes(_two_columns_alto(1.0, True, False))
    page = read_ocr_file(path)
    assert len(page.lines) == 6 and not any(line.words for line in page.lines)
    assert clean_ocr_page(page)[0].text.replace(" ", "") == GOLD.replace(" ", "")


def test_hocr_lines_boxed_only_by_their_words_read_to_the_same_page(tmp_path):
    # some tools give a line's title no bbox, only its words'
    data = (OCR / "two_columns.hocr").read_text(encoding="utf-8")
    path = tmp_path / "page.hocr"
    path.write_text(re.sub(r"(class=['\"]ocr_line['\"][^>]*title=['\"])bbox [0-9 ]+;?\s*", r"\1", data),
                    encoding="utf-8")
    assert "ocr_line" in path.read_text(encoding="utf-8")
    cleaned, _ = clean_ocr_page(read_ocr_file(path))
    assert cleaned.text == GOLD


def test_hocr_engine_specific_lines_read_as_tesseracts(tmp_path):
    # OCRopus and kraken class their lines `ocrx_line` (the hOCR spec's engine-specific line)
    data = (OCR / "two_columns.hocr").read_text(encoding="utf-8")
    path = tmp_path / "page.hocr"
    path.write_text(data.replace("'ocr_line'", "'ocrx_line'"), encoding="utf-8")
    assert "ocrx_line" in path.read_text(encoding="utf-8") and "'ocr_line'" not in path.read_text(encoding="utf-8")
    engine, tesseract = read_ocr_file(path), read_ocr_file(OCR / "two_columns.hocr")
    assert [line.text for line in engine.lines] == [line.text for line in tesseract.lines]
    assert clean_ocr_page(engine)[0].text == GOLD


def test_hocr_words_with_their_glyphs_boxed_read_as_without(tmp_path):
    # Tesseract's `-c hocr_char_boxes=1` puts each glyph of a word in an `ocrx_cinfo` element,
    # one a line, indented: the indentation is no space in the word
    data = (OCR / "two_columns.hocr").read_text(encoding="utf-8")

    def glyphs(match: re.Match) -> str:
        return match.group(1) + "".join(f"\n       <span class='ocrx_cinfo' title='x_bboxes 0 0 1 1'>{c}</span>"
                                        for c in match.group(2)) + "\n      </span>"

    path = tmp_path / "page.hocr"
    path.write_text(re.sub(r"(<span class='ocrx_word'[^>]*>)([^<]+)</span>", glyphs, data), encoding="utf-8")
    assert "ocrx_cinfo" in path.read_text(encoding="utf-8")
    boxed, plain = read_ocr_file(path), read_ocr_file(OCR / "two_columns.hocr")
    assert [line.text for line in boxed.lines] == [line.text for line in plain.lines]
    assert clean_ocr_page(boxed)[0].text == GOLD


def test_a_page_image_is_read_by_rapidocr_through_the_geometry_path():
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    cleaned, laid = clean_ocr_page(read_ocr_file(OCR / "page.png"))
    assert laid.lines and all(line.confidence and line.confidence > 0.5 for line in laid.lines)
    # PP-OCR reads the page across; the layout puts it back column by column.
    assert cleaned.paragraphs[1:] == ["本报讯 全市开展核酸检测，居民有序排队、依次采样。",
                                      "记者从市卫健委获悉，检测工作有序推进。"]
    assert cleaned.paragraphs[0].replace(" ", "") == "紧盯薄弱环节落实防控措施"


def test_an_image_without_the_ocr_extra_says_how_to_get_it(monkeypatch, tmp_path):
    import builtins

    from readers import OcrExtraMissing

    real_import = builtins.__import__

    def no_rapidocr(name, *args, **kwargs):
        if name == "rapidocr":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rapidocr)
    with pytest.raises(OcrExtraMissing, match=r"pip install 'qingyang\[ocr\]'"):
        read_ocr_file(OCR / "page.png")


def test_qingyang_clean_reads_an_engine_file_through_its_geometry(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "qingyang", "clean", str(OCR / "two_columns.paddle.json"),
                           str(tmp_path / "missing.hocr")], capture_output=True, text=True)
    assert done.stdout.strip() == GOLD
    assert done.returncode == 1 and "missing.hocr" in done.stderr and "Traceback" not in done.stderr


def test_qingyang_ocr_writes_paddle_json_the_geometry_path_reads(tmp_path):
    pytest.importorskip("rapidocr", reason="the ocr extra is not installed")
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "qingyang", "ocr", str(OCR / "page.png"),
                           "--output", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    page = read_ocr_file(tmp_path / "page.paddle.json")
    assert page.source_format == "paddleocr" and len(page.lines) == 6
    assert clean_ocr_page(page)[0].paragraphs[-1] == "记者从市卫健委获悉，检测工作有序推进。"


def _column_page(heads: list[tuple[str, tuple[float, float, float, float]]]) -> OcrPage:
    """Two columns of body lines (12 a column, glyphs 25 px) under the given display lines."""
    body = []
    for column, x0 in enumerate((0, 300)):
        for row in range(12):
            y = 100 + 35 * row
            text = ("左" if column == 0 else "右") + "栏正文第" + "一二三四五六七八九十甲乙"[row] + "行内容。"[: 4 if row % 4 != 3 else 5]
            body.append(OcrLine(text, Box(x0, y, x0 + 25 * len(text), y + 25), 0.95))
    return OcrPage(tuple(OcrLine(t, Box(*b), 0.9) for t, b in heads) + tuple(body), "paddleocr", 600, 600)


def test_a_headline_the_engine_cut_in_two_along_its_row_is_one_line_above_both_columns():
    page = _column_page([("压实责任链条", (0, 30, 240, 70)), ("筑牢安全防线", (290, 30, 530, 70))])
    laid = lay_out(page)
    assert laid.lines[0].text == "压实责任链条 筑牢安全防线"
    assert laid.lines[0].role.startswith("display")
    assert [line.column for line in laid.lines[1:]] == [0] * 12 + [1] * 12


def _glyph_line(text: str, x0: float, y0: float, size: float = 25, gap: float = 3) -> list:
    from readers.model import OcrWord

    return [OcrWord(ch, Box(x0 + k * (size + gap), y0, x0 + k * (size + gap) + size, y0 + size), 0.9)
            for k, ch in enumerate(text)]


def test_lines_the_engine_read_across_a_column_rule_come_out_column_by_column_without_the_rule():
    """Tesseract reads a row of two columns as one line, the rule between them as a word `|`,
    and boxes some glyphs three glyphs wide: the gutter is still found and the lines cut."""
    from readers.model import OcrWord

    lines = []
    for row in range(10):
        y = 40 * row
        left, right = _glyph_line(f"左栏第{row}行字", 0, y), _glyph_line(f"右栏第{row}行字", 230, y)
        rule = [OcrWord("|", Box(212, y - 5, 216, y + 35), 0.3)]
        if row == 4:  # a loose box: one glyph boxed across the gutter
            right[0] = OcrWord(right[0].text, Box(150, y, 255, y + 25), 0.5)
        words = tuple(left + rule + right)
        lines.append(OcrLine(" ".join(w.text for w in words), Box(0, y - 5, 420, y + 35), 0.8, words))
    laid = lay_out(OcrPage(tuple(lines), "hocr", 450, 420))
    assert [line.text for line in laid.lines] == [f"左栏第{r}行字" for r in range(10)] + [f"右栏第{r}行字" for r in range(10)]
    assert "|" not in laid.text


def test_a_paragraph_running_from_the_foot_of_one_column_to_the_head_of_the_next_stays_one():
    from layout.roles import ColumnLine, geometry_roles

    left = [ColumnLine(t, Box(x0, y, x1, y + 25), 0, 0) for t, x0, x1, y in [
        ("本报讯　记者从市里获悉，", 50, 350, 0), ("截至九月底全市家庭医生", 0, 350, 35), ("签约服务人数达到了一百", 0, 350, 70)]]
    right = [ColumnLine(t, Box(x0, y, x1, y + 25), 0, 1) for t, x0, x1, y in [
        ("万人，覆盖率达到四成。", 400, 700, 0), ("市卫生健康委介绍，全市", 450, 750, 35), ("组建团队一千余个。", 400, 620, 70)]]
    roles = [str(r) for r in geometry_roles(left + right)]
    assert roles == ["starts_paragraph", "continues", "continues", "continues", "starts_paragraph", "continues"]


def test_a_guide_item_whose_bullet_and_arrow_ocr_misread_ends_at_its_page_reference():
    from layout.roles import ColumnLine, geometry_roles

    lines = [ColumnLine(t, Box(0, y, 400, y + 25), 0, 0)
             for t, y in [("国课后服务“菜单”丰富多彩因5版", 0), ("国《云山方志》特展开幕信5版", 35)]]
    assert [str(r) for r in geometry_roles(lines)] == ["starts_paragraph", "starts_paragraph"]


def test_a_headline_centred_over_a_story_heads_even_the_column_it_does_not_reach():
    """Four columns; the headline, centred, spans only the middle two, and the first column
    starts below it: the headline is read first, then the columns left to right."""
    lines = [OcrLine("一条河的逆袭", Box(300, 40, 700, 76), 0.9)]
    for column in range(4):
        x0 = 250 * column
        lines += [OcrLine(f"第{column}栏第{row}行正文", Box(x0, 80 + 35 * row, x0 + 225, 105 + 35 * row), 0.9)
                  for row in range(8)]
    laid = lay_out(OcrPage(tuple(lines), "paddleocr", 1000, 400))
    assert laid.lines[0].text == "一条河的逆袭"
    assert [line.text for line in laid.lines[1:9]] == [f"第0栏第{row}行正文" for row in range(8)]
    assert [line.column for line in laid.lines[1:]] == [c for c in range(4) for _ in range(8)]


def test_a_column_line_the_engine_cut_in_two_and_ran_into_the_next_column_is_cut_at_the_gutter():
    """Tesseract read `处理厂2座。如今，` as one line and `凤溪河水` (the same row's end) with
    the next column's line: that tail goes back to its column."""
    lines = []
    for row in range(8):
        y = 40 * row
        for x0, text in ((0, f"左栏第{row}行字"), (230, f"右栏第{row}行字")):
            words = tuple(_glyph_line(text, x0, y))
            lines.append(OcrLine(" ".join(w.text for w in words), Box(x0, y, words[-1].box.x1, y + 25), 0.9, words))
    head, tail = lines[0].words[:4], lines[0].words[4:]
    right = lines[1].words
    lines[0] = OcrLine("左栏第0", Box(0, 0, head[-1].box.x1, 25), 0.9, head)
    lines[1] = OcrLine("行字 右栏第0行字", Box(tail[0].box.x0, 0, right[-1].box.x1, 25), 0.9, tail + right)
    laid = lay_out(OcrPage(tuple(lines), "hocr", 450, 320))
    assert [line.text for line in laid.lines[:2]] == ["左栏第0", "行字"]
    assert [line.column for line in laid.lines] == [0] * 9 + [1] * 8


def test_without_word_boxes_an_indented_line_after_a_full_one_still_starts_a_paragraph():
    """PP-OCR drops the two-em indent from the text, and a sentence that ends at the column's
    edge leaves no short line: the box's left edge is the only evidence."""
    rows = [("就餐的居民。两荤两素一汤，", 47, 313, 393), ("老年人凭卡就餐每份只需8", 48, 357, 388),
            ("元，普通居民每份15元。", 47, 398, 345), ("据介绍，云岫市今年新", 104, 441, 387),
            ("建社区食堂42家，累计达", 47, 483, 388), ("到158家。", 48, 525, 160)]
    lines = tuple(OcrLine(t, Box(x0, y, x1, y + 34), 0.95) for t, x0, y, x1 in rows)
    cleaned, _ = clean_ocr_page(OcrPage(lines, "paddleocr", 400, 560))
    assert cleaned.paragraphs == ["就餐的居民。两荤两素一汤，老年人凭卡就餐每份只需8元，普通居民每份15元。",
                                  "据介绍，云岫市今年新建社区食堂42家，累计达到158家。"]


def test_without_word_boxes_a_block_quote_indented_on_both_sides_opens_one_paragraph():
    """An excerpt set two glyphs in from both edges of its column (22 px glyphs): its lines
    share a margin of their own, so of its lines only the first (further in) opens a
    paragraph by its indent; indented one-line paragraphs after it (each ends its sentence)
    and a question opening with its speaker's label open one each."""
    from cleaners.roles import CONTINUES, STARTS_PARAGRAPH
    from layout.roles import ColumnLine, mark_indented_starts

    glyph = 22
    rows = [("全书分十二章，每章写一", 0), ("个渡口。书中引了不少旧", 0), ("筋骨。", 0),
            ("渡口的石阶", 4), ("一共三十七级，", 2), ("涨水时只露出七", 2), ("级，老船工说的", 2), ("话。", 2),
            ("“你来了？”", 2), ("“我找哑叔。”", 2), ("记者：您为什么", 2), ("一直守在这里", 2),
            ("这样的段落让人想起克劳", 0), ("德·莫兰在《水边的人》", 0)]
    lines = [ColumnLine(t, Box(306 + cells * glyph, 36 * k, 306 + (cells + visible_width(t)) * glyph, 30 + 36 * k), 0, 0)
             for k, (t, cells) in enumerate(rows)]
    roles = mark_indented_starts(lines, [STARTS_PARAGRAPH] + [CONTINUES] * (len(lines) - 1))
    starts = [line.text for line, role in zip(lines, roles, strict=True) if role == STARTS_PARAGRAPH]
    assert starts == ["全书分十二章，每章写一", "渡口的石阶", "“你来了？”", "“我找哑叔。”", "记者：您为什么"]


def test_one_line_reaching_past_the_column_does_not_make_the_full_lines_look_short():
    from layout.roles import ColumnLine, geometry_roles

    rows = [("市政务服务中心主任魏长", 56, 390), ("川介绍，目前全市已有政", 0, 390), ("务服务事项实现网上办，其", 0, 392),
            ("中掌上办事项达到六百项，", 0, 388), ("部门现在在一个窗口就能办完。”", 0, 440), ("群众通过APP即可查询。", 0, 300)]
    lines = [ColumnLine(t, Box(x0, 40 * k, x1, 40 * k + 28), 0, 0) for k, (t, x0, x1) in enumerate(rows)]
    assert [str(r) for r in geometry_roles(lines)] == ["starts_paragraph"] + ["continues"] * 5


def test_a_line_with_a_glyph_standing_in_the_gutter_is_set_across_it_and_not_cut():
    """A subheadline from the column's left edge over the gutter (a glyph stands in it), set
    hardly larger than the body, is one line read before the columns."""
    lines = []
    for row in range(8):
        y = 60 + 40 * row
        for x0, text in ((0, f"左栏第{row}行字"), (230, f"右栏第{row}行字")):
            words = tuple(_glyph_line(text, x0, y))
            lines.append(OcrLine(" ".join(w.text for w in words), Box(x0, y, words[-1].box.x1, y + 25), 0.9, words))
    head = tuple(_glyph_line("老年人每餐最低只需八元", 0, 0, size=30, gap=2))
    lines.insert(0, OcrLine(" ".join(w.text for w in head), Box(0, 0, head[-1].box.x1, 30), 0.9, head))
    laid = lay_out(OcrPage(tuple(lines), "hocr", 450, 400))
    assert laid.lines[0].text.replace(" ", "") == "老年人每餐最低只需八元"
    assert [line.column for line in laid.lines[1:]] == [0] * 8 + [1] * 8


def test_a_kicker_set_across_columns_in_body_size_is_a_display_line_of_its_own():
    from layout.roles import ColumnLine, geometry_roles

    lines = [ColumnLine("为学校提供课后服务课程", Box(0, 0, 300, 28), 0, 0),
             ColumnLine("项目建设跑出“加速度”", Box(200, 60, 500, 90), 1, 0, across=True),
             ColumnLine("一季度重大项目完成投资", Box(50, 100, 560, 150), 1, 0, across=True)]
    assert [r.role for r in geometry_roles(lines)][1:] == ["display", "display"]


def test_guide_items_set_across_a_framed_box_do_not_run_into_each_other():
    from layout.roles import ColumnLine, geometry_roles

    lines = [ColumnLine(t, Box(60, y, 560, y + 30), 0, 0, across=True)
             for t, y in [("国老旧小区加装电梯 圆了老人“下楼梦”和3版", 0), ("图《云册方志》特展开幕因5版", 40)]]
    assert [r.role for r in geometry_roles(lines)] == ["display", "display"]


def test_a_row_read_twice_keeps_its_wider_reading_only():
    lines = [OcrLine(f"正文第{k}行内容写满", Box(0, 40 * k, 300, 40 * k + 28), 0.9) for k in range(6)]
    lines.insert(3, OcrLine("前还是一条黑", Box(150, 82, 330, 108), 0.9))
    laid = lay_out(OcrPage(tuple(lines), "hocr", 400, 260))
    assert "前还是一条黑" not in laid.text
    # the narrower reading stays in the lines column, with why it was left out
    assert [(line.text, line.role) for line in laid.lines if line.role.startswith("dropped")] == [
        ("前还是一条黑", "dropped:second_reading")]
    assert [line.text for line in laid.lines if not line.role.startswith("dropped")] == [
        f"正文第{k}行内容写满" for k in range(6)]


def test_a_gap_no_wider_than_the_lines_usual_spacing_is_no_printed_space():
    from layout.spacing import line_text

    def line_of(gaps: list[float]) -> OcrLine:
        words, x = [], 0.0
        for ch, gap in zip("前三季度逆势增长", [0.0, *gaps], strict=True):
            x += gap
            words.append(OcrWord(ch, Box(x, 0, x + 30, 34)))
            x += 30
        return OcrLine("".join(w.text for w in words), Box(0, 0, x, 34), None, tuple(words))

    assert line_text(line_of([12, 14, 12, 22, 13, 12, 12])) == "前三季度逆势增长"
    assert line_text(line_of([4, 5, 4, 40, 5, 4, 5])) == "前三季度 逆势增长"


def test_a_guide_boxs_wrapped_items_go_on_with_their_bullets():
    # a real PP-OCR page (fresh dev): the 今日导读 box is narrower than its column, so its
    # short lines say nothing of paragraphs; each item's wrapped lines go on with it
    page = read_ocr_file(OCR.parent / "eval_fresh" / "dev" / "fresh_13.paddle.json")
    items = [p for p in clean_ocr_page(page)[0].paragraphs if p.startswith("■")]
    assert "■金沙湖湿地迎来今春首批候鸟" in items and "■社区食堂让老人吃上“热乎饭”" in items


def test_a_polygon_gives_its_line_the_engines_angle_and_a_box_none(tmp_path):
    path = tmp_path / "page.json"
    path.write_text(json.dumps({"rec_texts": ["核酸检测", "复工"], "rec_scores": [0.97, 0.9],
                                "rec_boxes": [[5, 5, 205, 30], [5, 40, 60, 60]],
                                "rec_polys": [[[5, 5], [205, 9], [205, 30], [5, 26]], [[5, 40], [60, 40], [60, 60], [5, 60]]]}))
    assert [line.angle for line in read_ocr_file(path).lines] == [1.15, 0.0]
    path.write_text(json.dumps({"rec_texts": ["核酸检测"], "rec_scores": [0.97], "rec_boxes": [[5, 5, 205, 30]]}))
    assert read_ocr_file(path).lines[0].angle is None


def test_a_tesseract_baseline_gives_its_line_the_engines_angle(tmp_path):
    path = tmp_path / "page.hocr"
    path.write_text("<html><body><div class='ocr_page' title='bbox 0 0 400 100'><div class='ocr_carea'>"
                    "<span class='ocr_line' title='bbox 10 10 390 40; baseline -0.02 -6; x_size 30'>"
                    "<span class='ocrx_word' title='bbox 10 10 200 40; x_wconf 90'>核酸检测</span></span>"
                    "<span class='ocr_line' title='bbox 10 50 390 80'>"
                    "<span class='ocrx_word' title='bbox 10 50 200 80; x_wconf 90'>复工</span></span>"
                    "</div></div></body></html>", encoding="utf-8")
    assert [line.angle for line in read_ocr_file(path).lines] == [-1.15, None]


def test_the_json_qingyang_ocr_writes_keeps_each_lines_angle(tmp_path):
    lines = (OcrLine("核酸检测", Box(0, 0, 300, 40), 0.9, angle=-1.5), OcrLine("复工复产", Box(0, 50, 240, 80), 0.8, angle=0.4))
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page_to_paddle_json(OcrPage(lines, "image", 400.0, 100.0))))
    back = read_ocr_file(path).lines
    assert [line.box for line in back] == [line.box for line in lines]
    assert [line.angle for line in back] == pytest.approx([-1.5, 0.4], abs=0.02)


@pytest.mark.parametrize(("unit", "per_pixel"), [("mm10", 254 / 300), ("inch1200", 4.0)])
def test_alto_in_physical_units_reads_as_pixels_of_a_300_dpi_scan(tmp_path, unit, per_pixel):
    text = _two_columns_alto(per_pixel).decode("utf-8").replace(
        "<Layout>", f"<Description><MeasurementUnit>{unit}</MeasurementUnit></Description><Layout>", 1)
    path = tmp_path / "page.xml"
    path.write_text(text, encoding="utf-8")
    pixels = read_ocr_file(OCR / "two_columns.alto.xml").lines
    assert [v for line in read_ocr_file(path).lines for v in line.box.as_list()] == pytest.approx(
        [v for line in pixels for v in line.box.as_list()], abs=0.05)
    path.write_text(text.replace(f">{unit}<", ">furlong<"), encoding="utf-8")
    with pytest.raises(OcrFormatError, match="MeasurementUnit 'furlong'"):
        read_ocr_file(path)


def _line_level(page: OcrPage, fmt: str) -> bytes:
    """The page's lines as a converter writes PaddleOCR's output to hOCR or ALTO: one word
    (`ocrx_word`, `String`) a line, boxed as the line."""
    if fmt == "hocr":
        html = etree.Element("html")
        div = etree.SubElement(etree.SubElement(html, "body"), "div", {
            "class": "ocr_page", "title": f"bbox 0 0 {page.width:.0f} {page.height:.0f}"})
        area = etree.SubElement(div, "div", {"class": "ocr_carea"})
        for line in page.lines:
            box = " ".join(f"{v:.0f}" for v in line.box.as_list())
            span = etree.SubElement(area, "span", {"class": "ocr_line", "title": f"bbox {box}"})
            word = etree.SubElement(span, "span", {"class": "ocrx_word",
                                                   "title": f"bbox {box}; x_wconf {100 * line.confidence:.0f}"})
            word.text = line.text
        return etree.tostring(html, encoding="utf-8")
    ns = "http://www.loc.gov/standards/alto/ns-v4#"
    root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns})
    layout = etree.SubElement(root, f"{{{ns}}}Layout")
    block = etree.SubElement(etree.SubElement(etree.SubElement(layout, f"{{{ns}}}Page", {
        "WIDTH": f"{page.width:.0f}", "HEIGHT": f"{page.height:.0f}"}), f"{{{ns}}}PrintSpace"), f"{{{ns}}}TextBlock")
    for line in page.lines:
        place = {"HPOS": f"{line.box.x0:.0f}", "VPOS": f"{line.box.y0:.0f}",
                 "WIDTH": f"{line.box.width:.0f}", "HEIGHT": f"{line.box.height:.0f}"}
        text_line = etree.SubElement(block, f"{{{ns}}}TextLine", place)
        etree.SubElement(text_line, f"{{{ns}}}String", {**place, "CONTENT": line.text, "WC": f"{line.confidence:.2f}"})
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


@pytest.mark.parametrize("fmt", ["hocr", "alto"])
@pytest.mark.parametrize("name", ["third_10", "third_12"])
def test_paddleocr_lines_converted_to_line_level_hocr_or_alto_read_as_the_json_does(tmp_path, fmt, name):
    # Archives convert PaddleOCR's JSON to hOCR or ALTO with one word a line: no glyph places,
    # the engine's padded line boxes. Read as word boxes they cut the columns apart wrongly
    # (third_10 as hOCR: CER 12.64% against 0.23% as JSON).
    source = Path(__file__).resolve().parent / "eval_third" / "dev" / f"{name}.paddle.json"
    page = read_ocr_file(source)
    path = tmp_path / f"{name}.{'hocr' if fmt == 'hocr' else 'xml'}"
    path.write_bytes(_line_level(page, fmt))
    converted = read_ocr_file(path)
    assert converted.source_format == fmt and len(converted.lines) == len(page.lines)
    assert not any(line.words for line in converted.lines)
    # the boxes are the integer pixels of the JSON's: the same reading, the same text
    rounded = OcrPage(tuple(OcrLine(line.text, Box(*(round(v) for v in line.box.as_list())), line.confidence)
                            for line in page.lines), "paddleocr", page.width, page.height)
    assert clean_ocr_page(converted)[0].text == clean_ocr_page(rounded)[0].text
