"""Reading order by cuts along the page's white space (`layout.cuts`), on small synthetic
pages as PP-OCR boxes them (line boxes, no words, listed row by row across the page): a
headline across two columns between two stories, a front page (a masthead, a framed box and
the briefs beside the lead story) straight and turned half a degree, columns whose lines do
not line up, a photo's caption and credit; then each check that keeps a story whole, on a
page where the plain cut would part it."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout import lay_out
from layout.cuts import header_in_rows, reading_order
from layout.skew import turned
from readers.model import Box, OcrLine, OcrPage

LINE, PITCH, GUTTER = 30, 40, 30


def _column(name: str, x0: float, width: float, top: float, rows: int) -> list[OcrLine]:
    """A column of body lines, named `name` and numbered."""
    return [OcrLine(f"{name}行{row:02d}", Box(x0, top + row * PITCH, x0 + width, top + row * PITCH + LINE))
            for row in range(rows)]


def _page(lines: list[OcrLine], degrees: float = 0.0) -> OcrPage:
    """The page as an engine lists it (across the page, row by row), turned by `degrees`."""
    width = max(line.box.x1 for line in lines) + 40
    height = max(line.box.y1 for line in lines) + 40
    across = sorted(lines, key=lambda line: (round(line.box.y0), line.box.x0))
    centre = (width / 2, height / 2)
    return OcrPage(tuple(OcrLine(line.text, turned(line.box, degrees, centre) if degrees else line.box)
                         for line in across), "paddleocr", width, height)


def _read(lines: list[OcrLine], degrees: float = 0.0) -> list[str]:
    return [line.text for line in lay_out(_page(lines, degrees)).lines]


def test_a_headline_across_two_columns_parts_the_story_above_from_the_one_below():
    first = _column("甲左", 0, 300, 0, 6) + _column("甲右", 330, 300, 0, 4)  # the right column ends early
    headline = [OcrLine("乙标题跨两栏", Box(40, 270, 590, 320))]
    second = _column("乙左", 0, 300, 340, 5) + _column("乙右", 330, 300, 340, 5)
    assert _read(first + headline + second) == [line.text for line in first + headline + second]


def _front_page() -> list[OcrLine]:
    """A front page in reading order: the paper's name with its lines stacked at the right;
    under it at the left a framed guide box (its title, items of two lines) and the briefs
    under it, at the right the lead story (a headline of two lines, a byline, two columns
    that start at different heights). The lines of the box and of the story share rows."""
    masthead = [OcrLine("澜川晚报", Box(20, 0, 400, 120))]
    masthead += [OcrLine(f"报头信息{k}", Box(640, 5 + k * 30, 900, 30 + k * 30)) for k in range(4)]
    top = 170
    guide = [OcrLine("今日导读", Box(70, top, 210, top + 45))]
    for k in range(5):
        y = top + 60 + k * (2 * PITCH + 5)
        guide += [OcrLine(f"■导读条目{k}前半", Box(20, y, 240, y + LINE)),
                  OcrLine(f"条目{k}后半", Box(20, y + PITCH, 150, y + PITCH + LINE))]
    y = top + 60 + 5 * (2 * PITCH + 5)
    briefs = [OcrLine("本市简讯", Box(15, y + 40, 150, y + 85)), *_column("简讯", 15, 250, y + 100, 8)]
    story = [OcrLine("春风行动招聘会", Box(480, top, 760, top + 45)),
             OcrLine("提供岗位1.8万个", Box(460, top + 50, 780, top + 95)),
             OcrLine("本报记者 韩露", Box(300, top + 110, 420, top + 140)),
             *_column("头条左", 300, 285, top + 150, 5), *_column("头条右", 615, 285, top + 110, 6)]
    return masthead + guide + briefs + story


def _front_page_order(lines: list[OcrLine]) -> list[str]:
    """The front page's texts in reading order: the headline's two phrases are one line."""
    texts = [line.text for line in lines]
    at = texts.index("春风行动招聘会")
    return [*texts[:at], "春风行动招聘会 提供岗位1.8万个", *texts[at + 2:]]


def test_a_framed_box_and_the_briefs_under_it_are_read_before_the_story_beside_them():
    # the band/gutter order read the story between the box and the briefs
    lines = _front_page()
    assert _read(lines) == _front_page_order(lines)


@pytest.mark.parametrize("degrees", [0.5, -0.5])
def test_a_page_turned_half_a_degree_is_read_as_the_straight_one(degrees):
    lines = _front_page()
    assert _read(lines, degrees) == _front_page_order(lines)


def test_columns_whose_lines_do_not_line_up_are_read_column_by_column():
    """A story continued from page 1: its left column opens with a short `(上接第一版)`, its
    right column starts a line higher, its lines between the left one's rows; the next
    story's headline beside it, a band of three columns under both (they cover the narrow
    gutter: no gutter across the page)."""
    first = [OcrLine("甲报道标题跨两栏", Box(40, 0, 560, 45)), OcrLine("(上接第一版)", Box(15, 60, 165, 90)),
             *_column("甲左", 0, 300, 100, 6), *_column("甲右", 318, 300, 62, 6)]
    beside = [OcrLine("乙报道标题", Box(700, 0, 960, 45)), *_column("乙", 660, 340, 60, 7)]
    below = [OcrLine("丙报道标题通栏", Box(100, 400, 900, 450)),
             *_column("丙一", 0, 320, 470, 5), *_column("丙二", 340, 320, 470, 5), *_column("丙三", 680, 320, 470, 5)]
    lines = first + beside + below
    # the band/gutter order read the next story's headline before this story's columns
    assert _read(lines) == [line.text for line in lines]


def test_a_photos_caption_and_credit_come_right_after_the_headline_it_hangs_under():
    """A photo at the right under the headline, its caption (smaller glyphs) and credit (set
    right) under it, the second column under those; the first column runs beside the photo."""
    lines = [OcrLine("金沙湖湿地迎来今春首批候鸟", Box(40, 0, 600, 50)),
             OcrLine("图为湿地里的白鹭在湖面觅食。", Box(330, 230, 620, 258)),
             OcrLine("通讯员 苏夏 摄", Box(480, 262, 620, 290)),
             *_column("左栏", 0, 300, 70, 10), *_column("右栏", 330, 290, 310, 4)]
    # the band/gutter order read the first column before the caption
    assert _read(lines) == [line.text for line in lines]


def test_white_under_a_photo_beside_a_column_is_no_band_edge():
    """A story at the left whose photo hangs under its headline, its caption and columns under
    the photo; beside it a short story that ends level with the photo. The white row under
    the short story runs across the page, but the line above the caption is a headline."""
    left = [OcrLine("甲标题配图", Box(0, 0, 600, 50)), OcrLine("图为甲地一景", Box(0, 310, 280, 340)),
            *_column("甲左", 0, 290, 360, 6), *_column("甲右", 310, 290, 360, 6)]
    right = [OcrLine("乙标题", Box(760, 0, 1000, 50)), *_column("乙", 700, 300, 70, 5)]
    assert _read(left + right) == [line.text for line in left + right]


def test_briefs_under_a_guide_box_stay_a_rail_beside_the_story_and_its_photo():
    """A rail at the left (a guide box, then briefs), the lead story at the right over a
    photo as deep as the briefs, then a story across the page. The white row between the lead
    story and the photo runs across the page, but what lies under it spans only the rail."""
    rail = [OcrLine("今日导读", Box(60, 0, 240, 45)), *_column("导读", 0, 300, 60, 8),
            OcrLine("本市简讯", Box(0, 420, 200, 465)), *_column("简讯", 0, 300, 480, 10)]
    lead = [OcrLine("头条标题", Box(340, 0, 1000, 50)), *_column("头条左", 340, 310, 70, 8),
            *_column("头条右", 690, 310, 70, 8)]
    below = [OcrLine("丙标题通栏", Box(0, 900, 1000, 950)), *_column("丙左", 0, 480, 970, 4),
             *_column("丙右", 520, 480, 970, 4)]
    lines = rail + lead + below
    assert _read(lines) == [line.text for line in lines]


def test_a_folio_row_at_the_foot_is_read_last():
    """The date, page and editor set in one row under the columns, narrower than them."""
    story = [OcrLine("甲标题", Box(0, 0, 1000, 50)), *_column("甲左", 0, 480, 70, 6), *_column("甲右", 520, 480, 70, 6)]
    folio = [OcrLine("2026年4月8日", Box(0, 360, 200, 390)), OcrLine("第3版", Box(240, 360, 320, 390))]
    assert _read(story + folio) == [line.text for line in story + folio]


def test_a_folio_row_under_tightly_set_columns_beside_a_rail_is_read_last():
    """Lines set tight (PP-OCR's boxes of a line and the next overlap): the white over the
    folio is less than a line, still more than none between the lines of a column."""
    def tight(name: str, x0: float, top: float, rows: int) -> list[OcrLine]:
        return [OcrLine(f"{name}行{row:02d}", Box(x0, top + row * 32, x0 + 290, top + row * 32 + 34))
                for row in range(rows)]
    story = [OcrLine("甲标题", Box(0, 0, 600, 50)), *tight("甲左", 0, 60, 8), *tight("甲右", 310, 60, 8)]
    rail = [OcrLine("乙标题", Box(660, 0, 900, 50)), *tight("乙", 660, 60, 6)]
    folio = [OcrLine("2026年4月9日", Box(0, 340, 200, 370)), OcrLine("第1版", Box(240, 340, 320, 370))]
    assert _read(story + rail + folio) == [line.text for line in story + rail + folio]


def test_a_folio_row_under_a_headline_block_beside_its_story_is_read_last():
    """A headline set in a narrow block left of its story, as deep as the story: the folio
    under it is no body under a headline."""
    block = [OcrLine("标题上行", Box(0, 0, 130, 120)), OcrLine("副题在下", Box(0, 130, 100, 240))]
    story = [*_column("甲左", 160, 300, 0, 6), *_column("甲右", 490, 300, 0, 6)]
    folio = [OcrLine("2026年4月9日", Box(0, 290, 200, 320)), OcrLine("第2版", Box(240, 290, 320, 320))]
    assert _read(block + story + folio) == [line.text for line in block + story + folio]


def _stopping_column(rows: int) -> list[OcrLine]:
    """A story's first column of `rows` full lines whose last stops in mid-sentence."""
    lines = [OcrLine(f"甲一栏第{row}行文字，", Box(0, 70 + row * PITCH, 300, 70 + row * PITCH + LINE)) for row in range(rows - 1)]
    top = 70 + (rows - 1) * PITCH
    return [*lines, OcrLine("甲一栏末行话没说完", Box(0, top, 300, top + LINE))]


def _figures_box(x0: float, top: float) -> list[OcrLine]:
    """A 数说 box: its title, a figure in display type, the figure's label."""
    return [OcrLine("数说", Box(x0, top, x0 + 180, top + 45)), OcrLine("78.2亿元", Box(x0, top + 60, x0 + 200, top + 105)),
            OcrLine("全市生产总值", Box(x0, top + 115, x0 + 240, top + 145))]


def test_a_box_under_a_column_the_story_goes_on_from_is_read_after_the_story():
    """A figures box set under the first column of a story: that column's last line ends in
    mid-sentence at the column's edge, and the story goes on at the top of the next one."""
    headline = [OcrLine("甲标题跨三栏", Box(0, 0, 980, 50))]
    first, box = _stopping_column(4), _figures_box(20, 300)
    rest = _column("甲二", 340, 300, 70, 6) + _column("甲三", 680, 300, 70, 6)
    assert _read(headline + first + box + rest) == [line.text for line in headline + first + rest + box]


def test_a_box_over_the_column_the_story_goes_on_in_is_read_after_the_story():
    """A figures box set at the top of a story's second column: the first column's last line
    stops in mid-sentence at its edge, and the story goes on under the box, flush left."""
    headline = [OcrLine("甲标题跨三栏", Box(0, 0, 980, 50))]
    first, box = _stopping_column(8), _figures_box(360, 70)
    rest = _column("甲二", 340, 300, 270, 3) + _column("甲三", 680, 300, 70, 8)
    assert _read(headline + first + box + rest) == [line.text for line in headline + first + rest + box]


def test_a_story_under_a_guide_box_is_read_before_the_column_beside_them():
    """A guide box's items end short of their column's edge, ending no sentence: the story
    under the box is read before the next column, not after."""
    guide = [OcrLine(f"■导读条目{row}", Box(0, row * PITCH, 180, row * PITCH + LINE)) for row in range(4)]
    story = [OcrLine("乙标题", Box(20, 200, 260, 245)), *_column("乙", 0, 300, 260, 4)]
    beside = _column("丙", 340, 300, 0, 10)
    assert _read(guide + story + beside) == [line.text for line in guide + story + beside]


def test_a_column_going_on_under_a_photo_in_one_line_is_no_folio():
    """The first column's text goes on under a photo set in it for one last line (with a
    comma: body text), lower than the second column ends: it is read before that column."""
    headline = [OcrLine("甲标题跨两栏", Box(0, 0, 640, 50))]
    first = _column("甲左", 0, 300, 70, 3)
    under = [OcrLine("晨，不少摄影爱好者早早架起", Box(0, 430, 300, 460))]
    second = _column("甲右", 340, 300, 70, 6)
    assert _read(headline + first + under + second) == [line.text for line in headline + first + under + second]


def _text_column(name: str, x0: float, top: float, rows: int, last: str = "，") -> list[OcrLine]:
    """A column of body lines of ten glyphs in 300 px (the body's pitch), the last ending in
    `last`: a comma goes on, a full stop ends the story's sentence."""
    return [OcrLine(f"{name}第{row}行正文{'，' if row < rows - 1 else last}", Box(x0, top + row * PITCH, x0 + 300, top + row * PITCH + LINE))
            for row in range(rows)]


def test_a_story_goes_on_under_a_photo_across_its_columns_column_by_column():
    """A photo across both columns of a story, its caption and credit under it: each column
    stops in mid-sentence over the photo and goes on under it, flush, so each is read whole
    before the next (the white row over the caption is no band edge, nor a cut at the widest
    white when the next story is set close under it), and the caption goes after the
    sentence it parts."""
    headline = [OcrLine("甲标题跨两栏", Box(0, 0, 640, 50))]
    tops = _text_column("甲左栏", 0, 70, 3, "、"), _text_column("甲右栏", 340, 70, 3, "、")
    caption = [OcrLine("图为甲地新建的物流园。", Box(0, 430, 220, 452)), OcrLine("本报记者 甲乙 摄", Box(140, 456, 300, 480))]
    under = _text_column("左栏图下", 0, 500, 3, "。"), _text_column("右栏图下", 340, 500, 3, "。")
    lines = headline + tops[0] + tops[1] + caption + under[0] + under[1]
    # bands at the photo's white read the tops of both columns before either goes on
    assert _read(lines) == [line.text for line in headline + tops[0] + under[0] + caption + tops[1] + under[1]]
    below = [OcrLine("乙标题跨两栏", Box(0, 625, 640, 675)), *_text_column("乙左栏", 0, 690, 2, "。"),
             *_text_column("乙右栏", 340, 690, 2, "。")]
    assert _read(lines + below) == [line.text for line in headline + tops[0] + under[0] + caption + tops[1] + under[1] + below]


def test_a_caption_in_body_type_with_a_credit_goes_after_the_sentence_it_parts():
    """A photo in the first column of a story, its caption in body type with a credit right
    under it; the column's sentence goes on under them: the caption and credit are read after
    that sentence, not inside it."""
    headline = [OcrLine("甲标题跨两栏", Box(0, 0, 640, 50))]
    top = _text_column("甲左栏", 0, 70, 3, "、")
    caption = [OcrLine("游客在荷塘边。", Box(0, 430, 240, 460)), OcrLine("本报记者 甲乙 摄", Box(140, 465, 300, 490))]
    under = _text_column("左栏图下", 0, 510, 3, "。")
    right = _text_column("甲右栏", 340, 70, 12, "。")
    assert _read(headline + top + caption + under + right) == [line.text for line in headline + top + under + caption + right]


def _story_module(name: str, x0: float, top: float, columns: int, rows: int) -> list[OcrLine]:
    """A story: its headline over its columns, the columns of body lines, the last column's
    last line short and ending the story, its box padded taller (PP-OCR pads a short line's
    box more)."""
    lines = [OcrLine(f"{name}标题", Box(x0, top, x0 + 200, top + 50))]
    for k in range(columns):
        left = x0 + k * 340
        lines += _text_column(f"{name}{k}栏", left, top + 70, rows, "，")
    last = lines[-1].box
    lines[-1] = OcrLine(f"{name}完。", Box(last.x0, last.y0 - 3, last.x0 + 90, last.y1 + 3))
    return lines


def test_stories_stacked_with_only_a_rule_between_are_read_row_by_row():
    """Two rows of stories with a narrow white between them (a rule, no more white than
    between lines, once the short last lines' padding is taken off) and a gutter running
    down both rows: every story over the white ends and a headline stands at the top of each
    column of stories under it, so the rows are read in turn, not the gutter's sides."""
    top_left, top_right = _story_module("甲", 0, 0, 2, 4), _story_module("乙", 700, 0, 1, 4)
    foot = max(line.box.y1 for line in top_left + top_right)
    bottom_left, bottom_right = _story_module("丙", 0, foot + 16, 2, 3), _story_module("丁", 700, foot + 16, 1, 3)
    lines = top_left + top_right + bottom_left + bottom_right
    assert _read(lines) == [line.text for line in lines]


def test_a_page_header_set_close_over_a_title_is_read_first():
    """A page header row (page label, date, editor credits) with no more white under it than
    between lines, a centred title under it over two columns: the header's furniture reads it
    first, left to right, then the story."""
    header = [OcrLine("第4版", Box(0, 0, 90, 40)), OcrLine("2026年4月24日星期五", Box(260, 6, 520, 34)),
              OcrLine("责任编辑：曹禾", Box(560, 6, 640, 34))]
    title = [OcrLine("母亲的菜园", Box(200, 48, 440, 98))]
    body = _text_column("左栏", 0, 110, 5, "。") + _text_column("右栏", 340, 110, 5, "。")
    assert _read(header + title + body) == [line.text for line in header + title + body]


def test_a_header_row_whose_items_the_engine_read_as_one_line_is_read_first():
    """The page label, section and paper's name read as one tall line (`第12版 文史 栖桐日报`),
    the date beside it, the editor credits cut off by the scan's margin: the label among the
    merged items and the date make the row the page's header, read before a kicker and title."""
    header = [OcrLine("第12版 文史 栖桐日报", Box(0, 0, 300, 46)), OcrLine("2026年4月11日星期六", Box(400, 16, 560, 44)),
              OcrLine("责任编辑：顾晚 美编：", Box(580, 18, 640, 46))]
    title = [OcrLine("文史钩沉", Box(0, 52, 100, 86)), OcrLine("栖水古渡的最后一班船", Box(0, 90, 440, 160))]
    body = _text_column("左栏", 0, 170, 5, "。") + _text_column("右栏", 340, 170, 5, "。")
    assert _read(header + title + body) == [line.text for line in header + title + body]


def test_a_byline_at_the_top_of_the_second_column_is_read_before_the_story():
    """A byline set right-aligned under the headline, over the story's second column."""
    headline = [OcrLine("甲标题在左", Box(0, 0, 300, 50))]
    byline = [OcrLine("本报记者司马航", Box(400, 40, 640, 66))]
    columns = _column("甲左", 0, 300, 70, 6) + _column("甲右", 340, 300, 70, 6)
    assert _read(headline + byline + columns) == [line.text for line in headline + byline + columns]


def test_a_first_column_level_with_the_body_under_the_headline_is_read_after_it():
    """A dog-leg: the headline over the second and third columns, the first column beside it
    starting level with the body under it."""
    lines = [OcrLine("甲标题跨右两栏", Box(340, 0, 1000, 50)), *_column("甲一", 0, 300, 70, 6),
             *_column("甲二", 340, 300, 70, 6), *_column("甲三", 680, 320, 70, 6)]
    assert _read(lines) == [line.text for line in lines]


def test_a_dog_leg_under_a_section_label_reads_label_kicker_and_headline_first():
    """A dog-leg under a section label: the label (display type, narrow) over the first
    column, higher than the kicker and headline over the second and third columns; the first
    column's body starts level with the body under the headline."""
    label = [OcrLine("访谈", Box(0, 0, 90, 45))]
    stack = [OcrLine("城事对话", Box(340, 30, 480, 60)), OcrLine("甲标题跨右两栏", Box(340, 70, 1000, 120))]
    columns = [*_column("甲一", 0, 300, 140, 6), *_column("甲二", 340, 300, 140, 6), *_column("甲三", 680, 320, 140, 6)]
    # the label's top was the first column's top: the stack, lower, was read after that column
    assert _read(label + stack + columns) == [line.text for line in label + stack + columns]


def test_a_row_the_engine_read_across_a_column_rule_is_cut_at_the_rule():
    """PP-OCR reads a column rule as `|` and merges the row across it: the row is cut at the
    rule, each piece read in its column, and the rule is no text."""
    left, right = ([OcrLine(f"{side}栏第{row}行正文十个字", Box(x0, row * PITCH, x0 + 300, row * PITCH + LINE))
                    for row in range(4)] for side, x0 in (("左", 0), ("右", 340)))
    merged = OcrLine("左栏末行的话还没说|右栏末行续上", Box(0, 160, 550, 190))
    assert _read(left + right + [merged]) == [*(line.text for line in left), "左栏末行的话还没说",
                                              *(line.text for line in right), "右栏末行续上"]


def test_a_dog_leg_headline_with_its_byline_is_read_before_the_first_column():
    """An essay's title centred over the middle columns with its credit under it (`文／林清`);
    the first column's body starts level with the body under the credit: title and credit
    are read first."""
    stack = [OcrLine("母亲的菜园", Box(420, 0, 900, 50)), OcrLine("文／林清", Box(600, 55, 720, 85))]
    columns = [*_column("甲一", 0, 300, 100, 6), *_column("甲二", 340, 300, 100, 6), *_column("甲三", 680, 320, 100, 6)]
    assert _read(stack + columns) == [line.text for line in stack + columns]


def test_a_headline_and_byline_set_close_on_their_columns_are_read_before_them():
    """A commentary: its title and byline across two columns with less white under them than
    between the lines of a column."""
    lines = [OcrLine("时评标题", Box(0, 0, 620, 40)), OcrLine("本报评论员 苏砚", Box(0, 42, 240, 72)),
             *_column("评左", 0, 300, 76, 6), *_column("评右", 320, 300, 76, 6)]
    assert _read(lines) == [line.text for line in lines]


def test_columns_whose_padded_boxes_overlap_are_read_column_by_column():
    """PP-OCR pads a line's box: boxes of two columns set close overlap across the gutter."""
    lines = [OcrLine("甲标题", Box(0, 0, 600, 50)), *_column("甲左", 0, 306, 70, 6), *_column("甲右", 300, 300, 70, 6)]
    assert _read(lines) == [line.text for line in lines]


_BOXES = st.lists(st.tuples(st.integers(0, 600), st.integers(0, 900), st.integers(0, 300), st.integers(0, 60)),
                  min_size=1, max_size=40).map(lambda specs: [Box(x, y, x + w, y + h) for x, y, w, h in specs])


@settings(max_examples=300, deadline=None)
@given(_BOXES, st.data())
def test_every_line_is_read_exactly_once_whatever_the_boxes(boxes, data):
    """Overlapping, identical, empty or stacked boxes: the order is a permutation of the lines
    (nothing read twice, nothing left out), with or without captions to move."""
    display = data.draw(st.lists(st.booleans(), min_size=len(boxes), max_size=len(boxes)))
    texts = data.draw(st.lists(st.sampled_from(["", "正文。", "图为白鹭", "本报记者 温若 摄", "继续", "本报记者 司马航",
                                                "话没说完，", "2026年5月8日", "数说", "（下转第2版）"]),
                               min_size=len(boxes), max_size=len(boxes)))
    pitches = data.draw(st.one_of(st.none(), st.lists(st.floats(1, 60), min_size=len(boxes), max_size=len(boxes))))
    placed = reading_order(boxes, display, texts, pitches)
    assert sorted(p.index for p in placed) == list(range(len(boxes)))


def test_the_first_rows_of_stories_set_tight_under_a_header_are_no_headline():
    """An evening paper's page (tests/eval_fifth dev, PP-OCR): a header row, then two stories
    side by side whose rows, offset, leave no white row for lines under the header; the top
    lines with no white under them held the stories' first rows, which were read before the
    rest of each story. A headline set close on its columns holds one row of body text at most."""
    from readers import read_ocr_file

    page = read_ocr_file(Path(__file__).parent / "eval_fifth" / "dev" / "fifth_06.paddle.json")
    texts = [line.text for line in lay_out(page).lines]
    first = texts.index("本报讯（记者 邵远帆）本周末，F1中")
    assert texts[first:first + 4] == ["本报讯（记者 邵远帆）本周末，F1中", "国大奖赛将在上海国际赛车场举行。记者从",
                                      "多家旅行社了解到，汀南已有超过1200名车", "迷报名组团观赛，禾州至上海的高铁周五、"]


def test_a_headline_whose_foot_sits_beside_a_columns_first_line_is_above_it():
    """A finance page (tests/eval_sixth dev, PP-OCR): a tall headline over the first column
    and part of the second, whose first line starts a few pixels over the headline's foot.
    That line counted as the top of its column, under the chart's caption (display type) of
    the band above, so the white row between the two bands of stories was kept, and the
    gutter of the right-hand column, cut from the page's top to its foot, read that column's
    two stories after all the rest. A line is above another when its middle is."""
    from readers import read_ocr_file

    page = read_ocr_file(Path(__file__).parent / "eval_sixth" / "dev" / "sixth_02.paddle.json")
    texts = [line.text for line in lay_out(page).lines]
    second = texts.index("三样”合计出口增长27.9%。")
    assert texts[second + 1] == "“港口是外贸的晴雨"
    assert texts.index("均缩短(转第7版)") < texts.index("10月新房成交面积环比回升")


def test_a_caption_whose_box_reaches_into_the_columns_first_row_is_read_before_the_columns():
    """A photo's caption across two columns, its padded box reaching a third of a line into
    the columns' first row: no white row under it, no gutter through it. It is read first,
    then the columns one after the other (row by row they interleaved two sentences)."""
    caption = [OcrLine("图为活动现场。本报记者摄", Box(0, 0, 420, 36))]
    columns = _column("左", 0, 300, 26, 6) + _column("右", 330, 300, 26, 6)
    assert _read(caption + columns) == [line.text for line in caption + columns]


def test_a_box_under_a_column_of_a_story_is_read_before_the_next_story_beside_it():
    """The same figures box in a story that goes on from another page (no headline over its
    columns), the next story set beside it, its headline at the top of its column: all are
    columns of one cut, and the box goes after the first story's last column, not after the
    last column of the page."""
    first, box = _stopping_column(4), _figures_box(20, 300)
    rest = _column("甲二", 340, 300, 70, 6) + _column("甲三", 680, 300, 70, 6)
    beside = [OcrLine("乙标题", Box(1030, 70, 1300, 120)), *_column("乙", 1030, 300, 140, 12)]
    assert _read(first + box + rest + beside) == [line.text for line in first + rest + box + beside]


def test_a_two_page_spread_scanned_as_one_image_is_read_page_by_page():
    """Each page of the spread prints its header (a date) and its columns; the left page is read
    whole before the right one, though the two headers stand on one row."""
    pages = []
    for name, x0 in (("左", 0), ("右", 700)):
        header = [OcrLine("2026年10月25日 星期日", Box(x0, 0, x0 + 300, 30))]
        pages += header + _column(f"{name}甲", x0, 300, 60, 6) + _column(f"{name}乙", x0 + 330, 300, 60, 6)
    assert _read(pages) == [line.text for line in pages]


def test_a_story_set_vertically_is_read_right_to_left_with_its_indented_paragraphs():
    """竖排: each column of glyphs a tall narrow box; the title at the right, then the columns
    leftwards; a column that starts two glyphs lower opens a paragraph."""
    texts = ["江边的灯", "小时候住在砚江边，夜里最亮的是", "对岸码头上的那盏灯。母亲说，那是给", "夜航船照路的，有它在。",
             "后来码头搬走了，灯也熄了。我到", "外地读书、工作，一晃二十多年。"]
    lines = []
    for k, text in enumerate(texts):
        x1 = 1000 - 40 * k
        top = 100 + (60 if k in (1, 4) else 0)
        lines.append(OcrLine(text, Box(x1 - 30, top, x1, top + 30 * len(text))))
    laid = lay_out(_page(lines))
    assert [line.text for line in laid.lines] == texts
    assert laid.text.split("\n")[1:] == ["小时候住在砚江边，夜里最亮的是对岸码头上的那盏灯。母亲说，那是给夜航船照路的，有它在。",
                                         "后来码头搬走了，灯也熄了。我到外地读书、工作，一晃二十多年。"]


def test_a_page_set_vertically_reads_its_header_across_the_top_first_left_to_right():
    """A 1950s page: the paper's name, the date and the page set across the top (the paper's
    name reaching lower than the tops of the columns beside it), every story's columns set
    vertically under them: the header first, left to right, then the columns right to left."""
    header = [OcrLine("岚浦日报", Box(50, 120, 320, 220)), OcrLine("一九五六年五月十四日", Box(580, 80, 1020, 160)),
              OcrLine("第二版", Box(1450, 70, 1630, 140))]
    texts = ["苇塘乡农业社抢修水渠", "本报讯苇塘乡红星农业生产合作社社员趁春播", "前的空隙突击抢修东干渠全社出动男女劳力",
             "十多人五天完成土方一万二千多方比原计划"]
    columns = [OcrLine(text, Box(1600 - 90 * k, 190, 1680 - 90 * k, 190 + 45 * len(text))) for k, text in enumerate(texts)]
    laid = lay_out(_page(columns + header))
    assert [line.text for line in laid.lines] == [line.text for line in header] + texts


def test_a_headline_with_its_credit_over_a_photo_is_not_parted_from_its_story():
    """A headline and its `文/图` credit, a photo's white under them in the story's column, the
    story under the photo; a feature beside it ends above the photo's foot, a table under it: the
    white row there is no band's edge, the story is read before the feature."""
    headline = [OcrLine("补时阶段再进一球", Box(0, 0, 600, 60)), OcrLine("本报记者 殷若川 文/图", Box(0, 70, 250, 100))]
    story = [OcrLine("图为10月18日晚，队长带球突破。", Box(0, 480, 620, 510)),
             *_column("甲", 0, 300, 530, 6), *_column("乙", 330, 300, 530, 6)]
    feature = [OcrLine("特写", Box(700, 0, 780, 40)), *_column("丙", 700, 300, 60, 9)]
    table = [OcrLine("积分榜", Box(700, 500, 820, 540)), *_column("丁", 700, 300, 550, 5)]
    lines = headline + story + feature + table
    read = _read(lines)
    assert read[:2] == ["补时阶段再进一球", "本报记者 殷若川 文/图"]
    assert max(read.index(line.text) for line in story) < read.index("特写")


def test_a_kicker_in_body_type_beside_the_headline_leaves_the_columns_whole():
    """A kicker of two short lines in body type boxed left of the headline (`春耕正当时` /
    `农机下田忙`), a byline under the headline, three columns under them, the last one a row
    shorter: the stack is read first and each column whole."""
    kicker = [OcrLine("春耕正当时", Box(60, 0, 210, 30)), OcrLine("农机下田忙", Box(60, 34, 210, 64))]
    stack = [OcrLine("石碾镇两万亩早稻完成机插", Box(240, 0, 980, 70)), OcrLine("本报记者 许知秋", Box(420, 86, 660, 118))]
    columns = [*_column("甲一", 0, 300, 130, 8), *_column("甲二", 330, 300, 130, 8), *_column("甲三", 660, 300, 130, 7)]
    assert _read(kicker + stack + columns) == [line.text for line in kicker + stack + columns]


def test_a_real_pages_kicker_beside_its_headline_leaves_its_story_columns_whole():
    """eval_tenth dev tenth_13 (PP-OCR JSON): a two-line kicker in body type boxed left of the
    headline; the story's last row in its first two columns followed each column, where the
    widest white row had read it after the third column."""
    from readers import read_ocr_file

    page = read_ocr_file(Path(__file__).parent / "eval_tenth" / "dev" / "tenth_13.paddle.json")
    texts = [line.text for line in lay_out(page).lines]
    assert texts.index("现在一台机器一天能插40") == texts.index("十个人，弯着腰干半个月；") + 1
    assert texts.index("建成育秧大棚54座；二是") == texts.index("中心，统一供秧，全镇共") + 1


def test_a_byline_right_under_a_headline_over_a_kicker_is_read_with_the_headline():
    """A kicker over the left of the headline, the byline set close under the headline: the
    byline is read with the headline, before the columns."""
    kicker = [OcrLine("一把镊子", Box(0, 20, 140, 50)), OcrLine("五十年光阴", Box(0, 54, 175, 84))]
    stack = [OcrLine("人物专访", Box(420, 0, 560, 40)), OcrLine("钟表巷里的慢郎中", Box(200, 44, 900, 110)),
             OcrLine("本报记者 庄思远 文/图", Box(400, 110, 700, 140))]
    columns = [*_column("甲一", 0, 300, 170, 6), *_column("甲二", 330, 300, 170, 6), *_column("甲三", 660, 300, 170, 6)]
    assert _read(kicker + stack + columns) == [line.text for line in kicker + stack + columns]


def test_a_phone_directory_laid_out_from_pp_ocr_lines_is_an_entry_a_line():
    """PP-OCR lines (no word boxes) of a 便民电话 box under a story's last lines: the runs the
    text path reads (here a directory's entries) are read on laid-out lines too."""
    story = ["市图书馆即日起延长开放时间，周一至周五", "开放到晚上九点，周末全天开放。"]
    box = ["便民电话", "市民服务热线：12345", "供水服务热线：0729-8826 1150", "公交集团：0729-8851 2266"]
    lines = [OcrLine(text, Box(0, k * PITCH, 30 * len(text), k * PITCH + LINE)) for k, text in enumerate(story + box)]
    laid = lay_out(OcrPage(tuple(lines), "paddleocr", 1200, 400))
    assert laid.text.split("\n") == ["市图书馆即日起延长开放时间，周一至周五开放到晚上九点，周末全天开放。", *box]


def test_a_box_under_some_columns_of_a_story_is_read_after_all_its_columns():
    """A story in five columns under its headline; a box with a label in body type (`延伸阅读`)
    set under the first three, close under the story's foot (less white than parts bands). The
    story's columns end (the last one at a jump marker wrapped over its last two lines), so
    the box is read after the fifth column, not between the third and the fourth."""
    headline = [OcrLine("甲标题跨五栏的大标题", Box(0, 0, 1660, 60))]
    columns = []
    for k in range(5):
        rows = 7 if k < 3 else 9
        column = [OcrLine(f"甲{k}栏第{r}行的正文，还在继续写", Box(k * 340, 80 + r * PITCH, k * 340 + 300, 80 + r * PITCH + LINE))
                  for r in range(rows)]
        end = column[-1].box  # a short last line: PP-OCR pads its box
        column[-1] = OcrLine(f"甲{k}完。", Box(end.x0, end.y0 - 3, end.x0 + 120, end.y1 + 3))
        columns += column
    columns[-2] = OcrLine("甲四就等了（下接第", columns[-2].box)
    columns[-1] = OcrLine("7版)", Box(columns[-1].box.x0, columns[-1].box.y0, columns[-1].box.x0 + 60, columns[-1].box.y1))
    top = max(line.box.y1 for line in columns) + 16
    box = [OcrLine("延伸阅读", Box(10, top, 130, top + LINE))]
    box += [OcrLine(f"链接文字第{r}行，说明政策。", Box(10, top + (r + 1) * PITCH, 980, top + (r + 1) * PITCH + LINE))
            for r in range(3)]
    assert _read(headline + columns + box) == [line.text for line in headline + columns + box]


def _titled_block(name: str, x0: float, width: float, top: float, rows: int, columns: int = 1,
                  title: tuple[str, float, float] = ("标题", 200, 50)) -> list[OcrLine]:
    """A module: a title (its text, width and height: by default in display type, taller than
    body lines), then `columns` columns of `rows` body lines, each column's last line ending
    its sentence."""
    words, title_width, title_height = title
    block = [OcrLine(f"{name}{words}", Box(x0, top, x0 + min(width, title_width), top + title_height))]
    column_width = (width - GUTTER * (columns - 1)) / columns
    for c in range(columns):
        left = x0 + c * (column_width + GUTTER)
        lines = _column(f"{name}{c}栏", left, column_width, top + 70, rows)
        lines[-1] = OcrLine(f"{name}{c}栏完。", lines[-1].box)
        block += lines
    return block


def test_a_titled_strip_under_part_of_a_band_is_read_after_the_whole_band():
    """A tips box in two columns beside a weather box, both ending their text; under the tips
    box only, past the white that parts bands, a price strip with its own title, narrower than
    the box over it. The strip is a module under the band: read after the weather box, not
    between the tips and the weather."""
    tips = _titled_block("甲", 0, 630, 0, 6, columns=2)
    weather = _titled_block("乙", 700, 300, 0, 5)
    # its title in display type, or a long one in body type set flush
    for title in (("标题", 200, 50), ("石矶镇农贸市场 5月4日价格", 400, LINE)):
        strip = _titled_block("丙", 0, 450, 420, 3, title=title)
        assert _read(tips + weather + strip) == [line.text for line in tips + weather + strip]


def test_briefs_under_a_side_rail_as_wide_as_it_are_read_before_the_story_beside_it():
    """A guide in a side rail and, under it past the white, briefs with their own title as
    wide as the rail; the lead story beside the rail ends above the briefs. The rail goes on:
    guide, briefs, then the story."""
    guide = _titled_block("甲", 0, 300, 0, 4)
    story = _titled_block("乙", 340, 660, 0, 5, columns=2)
    briefs = _titled_block("丙", 0, 300, 380, 4)
    assert _read(guide + story + briefs) == [line.text for line in guide + briefs + story]


def test_a_notice_signed_at_the_right_ends_its_column_before_the_story_beside_it():
    """A notices column whose notice ends a sentence on a short line, its signature set right
    under it; beside it a story under its headline, its columns ending, a photo's caption and
    credit under the hole. The signature fills the column's right end but ends no sentence:
    no text going on under the story's caption, which stays after the story."""
    notice = [OcrLine(f"甲{k:02d}行的通告文字写到这一栏的右边", Box(0, k * PITCH, 440, k * PITCH + LINE)) for k in range(12)]
    notice += [OcrLine("置。", Box(0, 480, 60, 510)), OcrLine("渡口镇人民政府", Box(230, 530, 440, 560))]
    story = [OcrLine("乙标题写在两栏上", Box(480, 0, 900, 50))]
    story += [OcrLine(f"乙{c}栏{k}行的正文八字", Box(x, 70 + k * PITCH, x + 200, 70 + k * PITCH + LINE))
              for c, x in enumerate((480, 710)) for k in range(5)]
    story[5] = OcrLine("乙左栏完。", story[5].box)
    story[10] = OcrLine("乙右栏完。", story[10].box)
    caption = [OcrLine("乙的照片说明文字，写在图下。", Box(480, 520, 900, 550)), OcrLine("档案室 供图", Box(480, 570, 640, 600))]
    assert _read(notice + story + caption) == [line.text for line in notice + story + caption]


def test_a_header_set_in_rows_is_read_row_by_row():
    """A page header of two rows across the page (the page label and section at the left, the
    paper's name at the right; under them the date at the left, the editors at the right) is
    read row by row, each row left to right, not column by column; so is a header of one row
    whose items' boxes touch."""
    header = [OcrLine("第8版 法庭·旁听", Box(70, 60, 550, 125)), OcrLine("芷岸日报", Box(1410, 62, 1730, 128)),
              OcrLine("2026年3月17日 星期二", Box(70, 150, 390, 186)), OcrLine("责任编辑：樊知秋 美编：滕小舟", Box(1210, 150, 1730, 186))]
    body = [OcrLine(f"甲栏第{r}行的正文，还在继续写下去", Box(70, 260 + r * PITCH, 880, 260 + r * PITCH + LINE)) for r in range(6)]
    body += [OcrLine(f"乙栏第{r}行的正文，还在继续写下去", Box(920, 260 + r * PITCH, 1730, 260 + r * PITCH + LINE)) for r in range(6)]
    assert _read(header + body)[:4] == [line.text for line in header]
    # one row, the paper's name set a little higher and its box touching the section's (ALTO's
    # word boxes, unpadded: no white column between them for the cuts)
    row = [Box(455, 119, 752, 194), Box(100, 125, 466, 197), Box(1266, 127, 1615, 181), Box(1665, 126, 2114, 182)]
    assert header_in_rows([0, 1, 2, 3], row) == [1, 0, 2, 3]
