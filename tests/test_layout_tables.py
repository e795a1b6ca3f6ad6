"""Table rows read across (`layout.tables`): the evidence that a stack of row mates is a table's,
and what keeps running text, parallel lists and boxes side by side apart."""

from cleaners import clean
from layout import lay_out
from layout.tables import join_table_rows
from readers.model import Box, OcrLine, OcrPage

ROW = 40  # leading of every row below: 30 px type, 10 px between rows


def _column(x0: float, texts: list[str], top: float = 0.0, pitch: float = 30.0, leading: float = ROW) -> list[OcrLine]:
    """A column of cells, one a row, left-aligned at x0, each glyph cell `pitch` wide (ASCII half)."""
    out = []
    for k, text in enumerate(texts):
        width = pitch * sum(0.5 if ord(c) < 128 else 1.0 for c in text)
        out.append(OcrLine(text, Box(x0, top + leading * k, x0 + width, top + leading * k + 30)))
    return out


def _joined(lines: list[OcrLine]) -> list[str]:
    _, texts, _ = join_table_rows(lines, [line.text for line in lines])
    return [text.replace("\t", " ") for text in texts]


CITIES = ["城市", "鹤屿", "临湖", "青石", "松门"]
SKIES = ["天气", "晴转多云", "雷阵雨", "阴", "阴转小雨"]
TEMPERATURES = ["气温", "18~24℃", "22~31℃", "22~27℃", "18~28℃"]


def test_a_weather_table_read_cell_by_cell_is_one_line_a_row():
    lines = _column(0, CITIES) + _column(200, SKIES) + _column(500, TEMPERATURES)
    assert _joined(lines) == ["城市 天气 气温", "鹤屿 晴转多云 18~24℃", "临湖 雷阵雨 22~31℃",
                              "青石 阴 22~27℃", "松门 阴转小雨 18~28℃"]


def test_the_table_reads_row_by_row_on_the_page():
    """Through `lay_out`: each row one paragraph line, not each column down."""
    lines = _column(0, CITIES) + _column(200, SKIES) + _column(500, TEMPERATURES)
    page = OcrPage(tuple(lines), "paddleocr", 800, 400)
    laid = lay_out(page)
    assert laid.text.splitlines()[:2] == ["城市\t天气\t气温", "鹤屿\t晴转多云\t18~24℃"]
    assert [line.text for line in laid.lines][:2] == ["城市 天气 气温", "鹤屿 晴转多云 18~24℃"]
    assert clean(laid.text, paragraphs_given=True).text.splitlines()[:2] == ["城市 天气 气温", "鹤屿 晴转多云 18～24℃"]  # (a range widened)


def test_two_columns_of_running_text_on_one_baseline_grid_stay_apart():
    left = ["全市今年新增就业岗位", "三万余个，其中高校毕", "业生占比超过四成，", "各区同步开展招聘活动"]
    right = ["市人社局相关负责人表", "示，下一步将继续扩大", "见习岗位规模，帮助更", "多青年实现稳定就业。"]
    lines = _column(0, left) + _column(330, right)
    assert _joined(lines) == left + right


def test_a_column_of_page_numbers_beside_a_story_in_its_own_leading_stays_apart():
    """A guide's page numbers beside a story's lines: the story goes on between the rows."""
    refs = _column(0, ["2版", "5版", "7版", "6版"], leading=60)
    story = _column(120, ["本报讯 记者从市交通局", "获悉 地铁三号线今日起", "全线试运行 沿线站点", "同步开通 市民可凭卡",
                          "乘车 首班车六时发车"], leading=45)
    lines = refs + story
    assert _joined(lines) == [line.text for line in lines]


def test_two_programme_guides_side_by_side_are_read_one_after_the_other():
    """Each cell a whole row already (a time and its programme, as Tesseract reads them): one list
    set in two columns, not a table."""
    first = ["06:30 岭东早新闻", "09:00 美食地图", "12:30 午间新闻", "18:00 岭东新闻"]
    second = ["07:00 早高峰直通车", "09:00 车友会", "13:00 音乐下午茶", "17:00 晚高峰路况"]
    lines = _column(0, first) + _column(400, second)
    assert _joined(lines) == first + second


def test_times_beside_their_programmes_join_but_not_the_next_channel():
    """Two channels side by side: each row joins its time and programme; the wide white between the
    channels cuts the row."""
    times_a, shows_a = _column(0, ["06:00", "07:30", "09:10"]), _column(80, ["朝闻鹤屿", "早安岭东", "午间新闻"])
    times_b, shows_b = _column(500, ["06:30", "09:00", "12:30"]), _column(580, ["岭东早新闻", "美食地图", "午后书场"])
    texts = _joined(times_a + shows_a + times_b + shows_b)
    assert texts == ["06:00 朝闻鹤屿", "07:30 早安岭东", "09:10 午间新闻",
                     "06:30 岭东早新闻", "09:00 美食地图", "12:30 午后书场"]


def test_a_box_beside_a_table_in_its_own_leading_stays_apart():
    """A lottery box set beside the weather table in a slightly larger leading: level at the top,
    half a line off by the fifth row; its lines are no cells of the table's rows."""
    winds = _column(0, ["风力", "北风2级", "北风1级", "西北风4级", "南风3级", "东风1级"])
    lottery = _column(300, ["大乐透 第26106期", "03 06 16 17 25", "双色球 第2026106期", "红球 02 06 10 11",
                            "蓝球 10", "开奖 9月13日"], leading=ROW + 3)
    lines = winds + lottery
    assert _joined(lines) == [line.text for line in lines]


def test_a_masthead_beside_its_weather_ear_is_no_table():
    """The date, issue number and page count stacked beside the weather ear line up row by row,
    with figures on the right: page furniture is no table's cell."""
    masthead = _column(0, ["2026年4月8日 星期三", "第3518期", "今日16版"])
    ear = _column(1400, ["今日天气", "阵雨", "16℃至22℃"])
    lines = masthead + ear
    assert _joined(lines) == [line.text for line in lines]


def test_a_wide_price_table_joins_its_far_apart_columns():
    """A price table set across the page: the name column right of the figures by some twenty
    line heights still makes one row a line."""
    names = _column(0, ["品名", "早籼米", "土豆", "晚粳米"])
    prices = _column(560, ["今日均价", "5.08", "3.09", "5.84"])
    changes = _column(840, ["较上周", "+5.3%", "-7.0%", "+8.9%"])
    assert _joined(names + prices + changes) == ["品名 今日均价 较上周", "早籼米 5.08 +5.3%", "土豆 3.09 -7.0%",
                                                 "晚粳米 5.84 +8.9%"]


def test_a_poem_set_in_two_columns_on_one_baseline_grid_is_no_table():
    """Short lines without figures side by side: verse in two columns, read down."""
    left = _column(0, ["白日依山尽", "黄河入海流", "欲穷千里目", "更上一层楼"])
    right = _column(300, ["春眠不觉晓", "处处闻啼鸟", "夜来风雨声", "花落知多少"])
    assert _joined(left + right) == [line.text for line in left + right]


def test_a_grid_of_names_reads_row_by_row_its_names_one_space_apart():
    """A 公示's names in a grid (twelve columns, names of two or three glyphs, PP-OCR's boxes of
    the two-glyph ones as tall as the others' and so judged by their height): one line a row,
    read across, under the list's head; not joined down a column as a wrapped headline, nor a
    row's names joined as a headline's pieces before the rows are read."""
    names = ["覃博明", "高远静", "覃伟平", "张涛", "谢国俊", "廖新刚", "陈菊勇", "于秋秀", "方春", "金雨洋", "汤欣", "陶秋娜",
             "黄娟", "陆娜雪", "江凯娜", "薛红秀", "韩梅帆", "田英秋", "汪学", "谢军洋", "石志", "陈雨静", "张雪", "贺建",
             "杜健英", "郑健", "马志", "梁成", "程生生", "侯英", "黎子", "贾芳", "魏雪丽", "蔡凯涵", "陆娜", "沈勇娜"]
    head = OcrLine("二、先进个人（36名）", Box(0, 0, 360, 44))
    cells = [OcrLine(name, Box(190 * (k % 12), 60 + 56 * (k // 12), 190 * (k % 12) + 120, 60 + 56 * (k // 12) + 46))
             for k, name in enumerate(names)]
    laid = lay_out(OcrPage(tuple([head, *cells]), "paddleocr", 2400, 300))
    assert laid.text.replace("\t", " ").split("\n") == ["二、先进个人（36名）", *(" ".join(names[r * 12:(r + 1) * 12]) for r in range(3))]


UNITS = ["石榴区新桥街道长堤社区", "雁回山镇北坪街道东堤社区", "市图书馆社区分馆服务部", "苇塘镇渔港街道柳岸社区",
         "石榴区望湖街道长堤社区", "市公安局鹭门分局滨江派出所", "苇塘镇卫生院", "苇塘镇榴花街道龙井社区",
         "苇塘镇渔港街道新村社区", "白沙湾区新桥街道望湖社区", "岚浦公交集团215路车队", "石榴区城市管理执法大队"]


def test_a_grid_of_long_items_without_punctuation_reads_row_by_row():
    """A 公示's units in a grid (four columns of names of seven to thirteen glyphs, set far
    wider apart than a page's gutters, no punctuation in any): one line a row, read across."""
    columns = [_column(600 * c, UNITS[c::4]) for c in range(4)]
    assert _joined([line for column in columns for line in column]) == [" ".join(UNITS[r * 4:(r + 1) * 4]) for r in range(3)]


def test_columns_of_unpunctuated_lines_a_gutter_apart_stay_apart():
    """Lines without punctuation in columns set a gutter apart (about a glyph: headline pieces,
    a list read down) are no grid, however wide their lines."""
    columns = [_column(360 * c, UNITS[c::4]) for c in range(3)]
    lines = [line for column in columns for line in column]
    assert _joined(lines) == [line.text for line in lines]


def test_a_column_of_items_beside_a_table_of_figures_joins_its_rows():
    """A fixture list's venues beside its dates, times and matches: the venues join the rows,
    however close they stand."""
    dates = _column(0, ["10月17日", "10月18日", "10月17日"])
    times = _column(180, ["19:00", "19:35", "15:30"])
    matches = _column(300, ["砚江队—北港队", "岳州队—墨池队", "青砚队—龙首队"])
    venues = _column(540, ["岳州市民球场", "北港足球场", "墨池体育公园"])
    assert _joined(dates + times + matches + venues) == ["10月17日 19:00 砚江队—北港队 岳州市民球场",
                                                         "10月18日 19:35 岳州队—墨池队 北港足球场",
                                                         "10月17日 15:30 青砚队—龙首队 墨池体育公园"]


def test_a_price_table_whose_head_cell_spans_two_columns_reads_row_by_row():
    """A price table whose head `单位价格` is read as one cell over the unit and price columns
    (it stands over both): the column's width is its body cells', so the prices beside the
    units are no strays, and every row is one line."""
    names = _column(0, ["品名", "早籼稻", "土鸡蛋", "大白菜", "生猪"])
    head = [OcrLine("单位价格", Box(150, 0, 420, 30))]
    units = _column(150, ["元/斤"] * 4, top=ROW)
    prices = _column(300, ["1.42", "6.80", "0.95", "7.35"], top=ROW)
    changes = _column(460, ["涨跌", "+0.02", "↑0.20", "↓0.10", "-0.12"])
    assert _joined(names + head + units + prices + changes) == [
        "品名 单位价格 涨跌", "早籼稻 元/斤 1.42 +0.02", "土鸡蛋 元/斤 6.80 ↑0.20", "大白菜 元/斤 0.95 ↓0.10",
        "生猪 元/斤 7.35 -0.12"]
