"""Reading order on pages that are not straight, and between stories set close: a small
synthetic page of two stories, each a headline set across two columns (the second with a
kicker), turned as a scanner turns a page."""

from dataclasses import replace
from pathlib import Path

import pytest

from layout import lay_out
from layout.skew import page_skew, page_turn, turned
from readers import read_ocr_file
from readers.model import Box, OcrLine, OcrPage, OcrWord

EVAL_FIFTH = Path(__file__).resolve().parent / "eval_fifth" / "dev"

COLUMN_WIDTH, GUTTER, LINE, PITCH = 400, 26, 30, 40


def _story(top: float, name: str, rows: int, kicker: bool) -> tuple[list[OcrLine], list[str]]:
    """A story: (a kicker,) a headline across both columns, then two columns of body lines;
    and its lines' texts in reading order."""
    lines = []
    if kicker:
        lines.append(OcrLine(f"{name}引题", Box(0, top, 300, top + LINE)))
        top += PITCH
    lines.append(OcrLine(f"{name}标题", Box(0, top, 2 * COLUMN_WIDTH + GUTTER - 100, top + 2 * LINE)))
    top += 2 * LINE + 20
    for column in range(2):
        x0 = column * (COLUMN_WIDTH + GUTTER)
        lines += [OcrLine(f"{name}栏{column}行{row:02d}", Box(x0, top + row * PITCH, x0 + COLUMN_WIDTH, top + row * PITCH + LINE))
                  for row in range(rows)]
    return lines, [line.text for line in lines]


def _page(degrees: float, between: float = 0.4) -> tuple[OcrPage, list[str]]:
    """The page turned by `degrees`, its second story `between` line heights further below
    the first than a line below the one above it; and its texts in reading order."""
    first, first_order = _story(0, "甲", 12, kicker=False)
    second, second_order = _story(first[-1].box.y1 + PITCH - LINE + between * LINE, "乙", 12, kicker=True)
    lines = first + second
    width, height = 2 * COLUMN_WIDTH + GUTTER, max(line.box.y1 for line in lines)
    centre = (width / 2, height / 2)
    # the engine's order: across the page row by row, as PP-OCR lists lines
    across = sorted(lines, key=lambda line: (round(line.box.y0), line.box.x0))
    page = OcrPage(tuple(OcrLine(line.text, turned(line.box, degrees, centre)) for line in across),
                   "paddleocr", width, height)
    return page, first_order + second_order


@pytest.mark.parametrize("degrees", [0.0, 0.5, -0.5])
def test_a_turned_page_is_read_column_by_column(degrees):
    page, order = _page(degrees)
    assert [line.text for line in lay_out(page).lines] == order


@pytest.mark.parametrize("between", [0.2, 1.0])
def test_a_headline_across_the_columns_opens_a_band_however_narrow_the_white(between):
    # 0.2 line heights: a white space no wider than the one between paragraphs on some pages
    page, order = _page(0.0, between)
    assert [line.text for line in lay_out(page).lines] == order


def test_the_turn_is_found_from_the_columns():
    page, _ = _page(0.5)
    assert page_skew([line.box for line in page.lines]) == pytest.approx(0.5, abs=0.06)
    assert page_skew([line.box for line in _page(0.0)[0].lines]) == 0.0


def test_a_page_turned_three_degrees_is_turned_back_and_read_in_order():
    # flatbed scans come turned by up to 3°: the search reaches that far
    page, order = _page(3.0)
    assert page_turn(list(page.lines)) == pytest.approx(3.0, abs=0.1)
    assert [line.text for line in lay_out(page).lines] == order


def test_a_turned_page_keeps_the_engines_boxes():
    page, _ = _page(0.5)
    engine = {line.text: line.box.as_list() for line in page.lines}
    for line in lay_out(page).lines:
        assert line.bbox == pytest.approx(engine[line.text], abs=1.0)


def test_a_line_merged_across_a_gutter_is_cut_by_its_text_into_its_two_columns():
    """PP-OCR read one row of two columns as one line (no word boxes): its text is cut where
    the body's glyph pitch puts the gutter, and each piece is read in its own column."""
    left = [OcrLine(f"左栏第{k}行正文内容", Box(0, 40 * k, 250, 40 * k + 30)) for k in (0, 1, 3, 4)]
    right = [OcrLine(f"右栏第{k}行正文内容", Box(280, 40 * k, 530, 40 * k + 30)) for k in (0, 1, 3, 4)]
    merged = OcrLine("左栏第2行正文内容右栏第2行正文内", Box(0, 80, 505, 110))
    page = OcrPage(tuple(sorted([*left, *right, merged], key=lambda line: (line.box.y0, line.box.x0))),
                   "paddleocr", 560, 220)
    laid = lay_out(page)
    texts = [line.text for line in laid.lines]
    assert texts.index("左栏第2行正文内容") == texts.index("左栏第1行正文内容") + 1
    assert texts.index("右栏第2行正文内") == texts.index("右栏第1行正文内容") + 1
    assert laid.split_lines == 1


def test_a_line_merged_across_two_gutters_is_cut_into_its_three_columns():
    """Three narrow columns set close, one row read as one line: one piece per column."""
    columns = [[OcrLine(f"{name}栏第{k}行正文", Box(x, 40 * k, x + 200, 40 * k + 30)) for k in (0, 1, 3, 4)]
               for name, x in (("甲", 0), ("乙", 215), ("丙", 430))]
    merged = OcrLine("甲栏第2行正文乙栏第2行正文丙栏第2行正", Box(0, 80, 605, 110))
    page = OcrPage(tuple(sorted([*(line for column in columns for line in column), merged], key=lambda line: (line.box.y0, line.box.x0))),
                   "paddleocr", 660, 220)
    texts = [line.text for line in lay_out(page).lines]
    for name, piece in (("甲", "甲栏第2行正文"), ("乙", "乙栏第2行正文"), ("丙", "丙栏第2行正")):
        assert texts.index(piece) == texts.index(f"{name}栏第1行正文") + 1


def _over_columns(above: list[tuple[str, float]], first_row: int = 0) -> tuple[OcrPage, list[str]]:
    """Lines (text, right edge) set from x 0 right above three columns of 10-glyph lines
    (30 px glyphs, 20 px gutters), at body leading; the columns' rows from `first_row` on."""
    lines = [OcrLine(text, Box(0, 40 * k, right, 40 * k + 30)) for k, (text, right) in enumerate(above)]
    top = 40 * len(above)
    for name, x in (("甲", 0), ("乙", 320), ("丙", 640)):
        lines += [OcrLine(f"{name}栏第{k}行正文内容了", Box(x, top + 40 * (k - first_row), x + 300, top + 40 * (k - first_row) + 30))
                  for k in range(first_row, first_row + 5)]
    page = OcrPage(tuple(sorted(lines, key=lambda line: (line.box.y0, line.box.x0))), "paddleocr", 960, top + 200)
    return page, [line.text for line in lines]


def test_a_lead_set_across_the_columns_is_not_cut_as_a_merged_row():
    """A 导语 of two lines over a story's three columns, in the body's glyphs (32 of them
    over 940 px: a pitch under the body's 30, no gutters in it): each line is one line,
    read before the columns."""
    page, order = _over_columns([("导语第一行说明本文要点的文字共三十二个字这一行到这里就算结束了吧", 940),
                                 ("导语的最后一行短", 400)])
    laid = lay_out(page)
    assert [line.text for line in laid.lines] == order
    assert laid.split_lines == 0


def test_the_top_rows_of_columns_merged_across_them_are_cut():
    """The columns' first two rows each read as one line (its pitch takes in two gutters:
    30 glyphs over 940 px): both are cut into their columns."""
    page, _ = _over_columns([("甲栏第0行正文内容了乙栏第0行正文内容了丙栏第0行正文内容了", 940),
                             ("甲栏第1行正文内容了乙栏第1行正文内容了丙栏第1行正文内容了", 940)], first_row=2)
    texts = [line.text for line in lay_out(page).lines]
    for name in "甲乙丙":
        assert texts.index(f"{name}栏第0行正文内容了") + 1 == texts.index(f"{name}栏第1行正文内容了")


def test_a_row_merged_where_the_right_columns_story_ends_is_cut_though_only_the_left_goes_on():
    """The right column's last line (`右栏完。`, three glyphs) read into the left column's row;
    the left column goes on below it, the right one has ended: the merged line is cut by its
    text, and each piece is read in its own column."""
    left = [OcrLine(f"左栏第{k}行正文内容", Box(0, 40 * k, 250, 40 * k + 30)) for k in (0, 1, 2, 4, 5)]
    right = [OcrLine(f"右栏第{k}行正文内容", Box(280, 40 * k, 530, 40 * k + 30)) for k in (0, 1, 2)]
    merged = OcrLine("左栏第3行正文内容右栏完。", Box(0, 120, 398, 150))  # 29.4 px a glyph cell
    page = OcrPage(tuple(sorted([*left, *right, merged], key=lambda line: (line.box.y0, line.box.x0))),
                   "paddleocr", 560, 260)
    texts = [line.text for line in lay_out(page).lines]
    assert texts.index("左栏第3行正文内容") == texts.index("左栏第2行正文内容") + 1
    assert texts.index("左栏第4行正文内容") == texts.index("左栏第3行正文内容") + 1
    assert texts.index("右栏完。") == texts.index("右栏第2行正文内容") + 1


def test_rows_tesseract_read_across_columns_whose_loose_boxes_cover_the_gutters_are_cut():
    """Tesseract (`--psm 3`) read each row of three columns as one line of word boxes, some
    word boxes loose enough to cover a gutter in some rows: the rows are cut where their
    wide gaps line up, and the page is read column by column."""
    from readers.model import OcrWord

    glyph, pitch, gutter, cells = 20, 22, 40, 12
    lefts = [k * (cells * pitch + gutter) for k in range(3)]
    rows = []
    for row in range(6):
        y = row * 36
        words = []
        for k, left in enumerate(lefts):
            for cell in range(cells):
                x = left + cell * pitch
                # a glyph boxed wide into the gutter: a column's last in even rows, the next
                # column's first in odd rows (two rows cover each side of every gutter)
                out = cell == cells - 1 and row % 2 == 0 and k < 2
                back = cell == 0 and row % 2 == 1 and k > 0
                x0, x1 = x - (18 if back else 0), x + glyph + (18 if out else 0)
                words.append(OcrWord(f"{'甲乙丙'[k]}", Box(x0, y, x1, y + glyph)))
        rows.append(OcrLine(" ".join(w.text for w in words), Box(0, y, words[-1].box.x1, y + glyph), 0.9, tuple(words)))
    page = OcrPage(tuple(rows), "hocr", lefts[-1] + cells * pitch + 20, 240)
    laid = lay_out(page)
    texts = [line.text.replace(" ", "") for line in laid.lines if not line.role.startswith("dropped")]
    assert texts == ["甲" * cells] * 6 + ["乙" * cells] * 6 + ["丙" * cells] * 6


def _scaled(page: OcrPage, k: float) -> OcrPage:
    """The page as an engine would write it at k times the resolution (or in other units)."""
    def box(b: Box) -> Box:
        return Box(b.x0 * k, b.y0 * k, b.x1 * k, b.y1 * k)
    return OcrPage(tuple(replace(line, box=box(line.box), words=tuple(replace(w, box=box(w.box)) for w in line.words))
                         for line in page.lines), page.source_format, page.width * k, page.height * k)


@pytest.mark.parametrize("k", [0.3, 0.5, 2.0, 4.0])
def test_a_turned_page_reads_the_same_at_any_resolution(k):
    # a real PP-OCR page turned by its scan: the turn (found to 0.01° at 1-px bins before) and
    # the straightened boxes (rounded to whole pixels before) now hold at any scale
    page = read_ocr_file(EVAL_FIFTH / "fifth_05.paddle.json")
    assert page_turn(list(_scaled(page, k).lines)) == page_turn(list(page.lines)) != 0
    assert [line.text for line in lay_out(_scaled(page, k)).lines] == [line.text for line in lay_out(page).lines]


def test_the_engines_own_line_angles_say_the_turn_where_lines_have_no_words():
    # PP-OCR's polygons: the median angle of the long lines, whatever the projection says;
    # a line with word boxes (Tesseract) is turned back by the projection of its words
    page, _ = _page(0.0)
    angled = [replace(line, angle=-0.52 if line.box.width > 300 else 3.0) for line in page.lines]
    assert page_turn(angled) == -0.52
    words = [replace(line, words=(OcrWord(line.text, line.box),)) for line in angled]
    assert page_turn(words) == 0.0


def test_a_phone_capture_is_straightened_by_the_engines_angles():
    """A campus page photographed with a phone (tests/eval_sixth, PP-OCR as RapidOCR's
    `to_json()` writes it, polygons): the perspective smears the columns' edges and the
    projection turned the page 0.8° the wrong way, tilting its rows; the white row under a
    story spread over four columns closed, and the gutter between its second and third
    columns, cut from there to the page's foot, read the stories under it first."""
    page = read_ocr_file(Path(__file__).parent / "eval_sixth" / "heldout" / "sixth_09.paddle.json")
    assert page_turn(list(page.lines)) == pytest.approx(-0.5, abs=0.1)
    texts = [line.text for line in lay_out(page).lines]
    second = texts.index("个作品已经入围全国青少")
    assert texts[second + 1] == "年科技创新大赛。学校食"


def test_a_letters_last_row_merged_across_the_gutter_over_its_signature_is_cut():
    """A reader's letter in two narrow columns (tests/eval_seventh dev, a 1996 page): PP-OCR
    read the last row of both columns as one line, and under it only the signature, set at
    the right of the second column. The row is cut at the gutter as any merged row is."""
    left = [OcrLine(f"左栏第{k}行正文内容", Box(0, 40 * k, 250, 40 * k + 30)) for k in range(4)]
    right = [OcrLine(f"右栏第{k}行正文内容", Box(280, 40 * k, 530, 40 * k + 30)) for k in range(4)]
    merged = OcrLine("左栏第4行正文内容右栏末行。", Box(0, 160, 440, 190))
    signature = OcrLine("石坊区读者 汪立平", Box(330, 205, 530, 235))
    page = OcrPage(tuple(sorted([*left, *right, merged, signature], key=lambda line: (line.box.y0, line.box.x0))),
                   "paddleocr", 560, 260)
    texts = [line.text for line in lay_out(page).lines]
    assert texts.index("左栏第4行正文内容") == texts.index("左栏第3行正文内容") + 1
    assert texts.index("右栏第0行正文内容") == texts.index("左栏第4行正文内容") + 1
    assert texts[-2:] == ["右栏末行。", "石坊区读者 汪立平"]
