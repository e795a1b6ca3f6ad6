"""Display lines an engine split, joined again (`layout.fragments`): a headline wrapped onto
the next rows of a narrow module is one headline; a stack's next line (wider, another size)
and lines with word boxes stay apart."""

from layout import lay_out
from layout.fragments import join_display_fragments, join_wrapped_headlines
from readers.model import Box, OcrLine, OcrPage, OcrWord


def _body(x0: float, top: float, rows: int) -> list[OcrLine]:
    return [OcrLine(f"正文正文正文第{row:02d}行", Box(x0, top + 40 * row, x0 + 300, top + 40 * row + 30))
            for row in range(rows)]


def _joined(lines: list[OcrLine]) -> list[str]:
    return join_wrapped_headlines(lines, [line.text for line in lines])[1]


def test_a_headline_wrapped_in_a_narrow_module_is_one_line_per_full_row_run():
    heads = [OcrLine("市第一人", Box(0, 0, 180, 45)), OcrLine("民医院", Box(20, 46, 155, 91))]
    texts = _joined([*heads, *_body(0, 120, 8)])
    assert texts[0] == "市第一人民医院" and "民医院" not in texts[1:]


def test_a_wider_line_in_smaller_type_under_a_headline_is_the_next_line_of_its_stack():
    heads = [OcrLine("老旧小区改造惠及万余户居民", Box(0, 0, 500, 45)),
             OcrLine("加装电梯圆了老人“下楼梦”的心愿", Box(0, 50, 540, 90))]  # pitch 36 under 38.5
    assert _joined([*heads, *_body(0, 120, 8)])[:2] == [line.text for line in heads]


def test_the_next_phrase_of_a_headline_in_its_type_joins_it_with_a_space():
    """A headline set in a narrow block: a wrapped row joins with nothing between, the next
    phrase (a wider row under the short last one) with a space."""
    heads = [OcrLine("泠江博物馆", Box(0, 0, 180, 40)), OcrLine("新馆", Box(0, 42, 75, 82)),
             OcrLine("推出夜场", Box(0, 84, 145, 124))]
    assert _joined([*heads, *_body(0, 150, 8)])[0] == "泠江博物馆新馆 推出夜场"


def test_a_label_over_a_much_wider_headline_stays_apart():
    heads = [OcrLine("评论", Box(0, 0, 72, 36)), OcrLine("老树留下来城市更有味", Box(0, 40, 360, 76))]
    assert _joined([*heads, *_body(0, 100, 8)])[:2] == [line.text for line in heads]


def test_a_smaller_kicker_over_its_headline_stays_apart():
    heads = [OcrLine("项目建设跑出加速度", Box(0, 0, 300, 34)), OcrLine("重大项目", Box(0, 38, 240, 98))]
    assert _joined([*heads, *_body(0, 120, 8)])[:2] == [line.text for line in heads]


def test_lines_with_word_boxes_are_never_joined_across_rows():
    def worded(text: str, box: Box) -> OcrLine:
        step = box.width / len(text)
        return OcrLine(text, box, None, tuple(OcrWord(c, Box(box.x0 + k * step, box.y0, box.x0 + (k + 1) * step, box.y1))
                                             for k, c in enumerate(text)))
    heads = [worded("市第一人", Box(0, 0, 180, 45)), worded("民医院", Box(20, 46, 155, 91))]
    assert _joined([*heads, *_body(0, 120, 8)])[:2] == ["市第一人", "民医院"]


def test_the_joined_headline_reads_as_one_line_on_the_page():
    lines = [OcrLine("市第一人", Box(0, 0, 180, 45)), OcrLine("民医院", Box(20, 46, 155, 91)), *_body(0, 120, 8)]
    page = OcrPage(tuple(lines), "paddleocr", 400, 500)
    assert lay_out(page).text.splitlines()[0] == "市第一人民医院"


def test_header_items_on_one_row_stay_apart():
    """A folio's editor credits and a header's page label are items of their own, however
    close they stand on their row and however alike their type."""
    row = [OcrLine("责编周琪", Box(900, 60, 1060, 105)), OcrLine("美编陈冉", Box(1080, 60, 1240, 105)),
           OcrLine("第3版", Box(40, 60, 140, 105)), OcrLine("柘湾都市报", Box(160, 60, 360, 105))]
    joined, count = join_display_fragments([*row, *_body(0, 150, 8)])
    assert count == 0 and {line.text for line in row} <= {line.text for line in joined}


def test_a_headline_in_two_pieces_keeps_its_phrase_space_however_close_the_padded_boxes():
    """PP-OCR cut a headline's row at its phrase gap into two boxes whose padding all but
    closes the gap (8 px of a 90 px glyph): the pieces join with a space; pieces of word
    boxes that touch (a word cut before a quote) join without one."""
    body = [OcrLine("正文正文正文正文正文正文", Box(0, y, 500, y + 30)) for y in range(200, 600, 40)]
    heads = [OcrLine("F1中国大奖赛", Box(57, 60, 597, 150)), OcrLine("汀南车迷组团观赛", Box(605, 60, 1269, 150))]
    joined, count = join_display_fragments([*heads, *body])
    assert (count, joined[0].text) == (1, "F1中国大奖赛 汀南车迷组团观赛")
    words = [OcrLine("推出企业开办", Box(0, 60, 540, 150), None, (OcrWord("推出企业开办", Box(0, 60, 540, 150)),)),
             OcrLine("“一窗通办”", Box(540, 60, 990, 150), None, (OcrWord("“一窗通办”", Box(540, 60, 990, 150)),))]
    assert join_display_fragments([*words, *body])[0][0].text == "推出企业开办“一窗通办”"


def test_a_one_glyph_piece_of_a_headline_joins_its_row_by_height():
    """PP-OCR boxed the last glyph of a headline's first row apart (`散文集《沅栖山水》` / `首`):
    its padding makes its pitch half as wide again, but its box is the headline's height, so
    it joins the row it stands on."""
    body = [OcrLine("正文正文正文正文正文正文", Box(0, y, 500, y + 30)) for y in range(200, 600, 40)]
    heads = [OcrLine("散文集《沅栖山水》", Box(1511, 613, 1935, 666)), OcrLine("首", Box(1980, 615, 2054, 666))]
    joined, count = join_display_fragments([*heads, *body])
    assert (count, joined[0].text) == (1, "散文集《沅栖山水》 首")


def test_a_headline_cut_before_its_opening_quote_is_one_line():
    """PP-OCR cuts `岚浦造“小电驴”驶进欧洲街巷` before the quote; the quoted piece's box holds the
    quotes' ink only (half a cell each), so its pitch is the headline's once they count half."""
    pieces = [OcrLine("岚浦造", Box(300, 0, 558, 100)), OcrLine("“小电驴”", Box(558, 0, 892, 100)),
              OcrLine("驶进欧洲街巷", Box(892, 0, 1404, 100))]
    joined, count = join_display_fragments([*pieces, *_body(300, 130, 8), *_body(700, 130, 8)])
    assert count == 2 and joined[0].text.replace(" ", "") == "岚浦造“小电驴”驶进欧洲街巷"
