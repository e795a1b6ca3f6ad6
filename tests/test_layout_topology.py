"""Reading order by a topological sort of the lines (`layout.topology`), on small synthetic
pages as PP-OCR boxes them (line boxes, no words, listed row by row across the page): the
two rules on their own, a headline across two columns between two stories, a front page (a
masthead, a framed box and the briefs beside the lead story) straight and turned half a
degree, columns whose lines do not line up, a photo's caption and credit."""

import pytest

from layout import lay_out
from layout.skew import turned
from layout.topology import precedence
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


def test_rule_1_a_line_comes_before_the_lines_below_it_that_it_overlaps():
    before = precedence([Box(0, 0, 300, 30), Box(40, 40, 300, 70), Box(0, 80, 120, 110)])
    assert before[0, 1] and before[1, 2] and before[0, 2]
    assert not before[1, 0] and not before[2, 0]


def test_rule_2_a_column_comes_before_the_one_to_its_right_unless_a_line_between_spans_both():
    left = [line.box for line in _column("左", 0, 300, 0, 6)]
    right = Box(330, 0, 630, 30)
    assert precedence([*left, right])[5, 6]  # the foot of the left column before the head of the right
    headline = Box(0, 100, 630, 150)  # a headline across both, lying between them
    before = precedence([*left, right, headline])
    assert not before[5, 6] and before[6, 7] and before[7, 5]


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


def test_a_framed_box_and_the_briefs_under_it_are_read_before_the_story_beside_them():
    # the band/gutter order read the story between the box and the briefs
    lines = _front_page()
    assert _read(lines) == [line.text for line in lines]


@pytest.mark.parametrize("degrees", [0.5, -0.5])
def test_a_page_turned_half_a_degree_is_read_as_the_straight_one(degrees):
    lines = _front_page()
    assert _read(lines, degrees) == [line.text for line in lines]


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
