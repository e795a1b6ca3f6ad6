"""Article segmentation and cross-page stitching.

The expected article lists were written by reading each cleaned seed
(`qingyang clean seeds/…`): one tuple per item a reader sees, in page order.
"""

from collections import Counter
from pathlib import Path

import pytest

from articles.segmentation import segment_page
from articles.stitching import PageInput, stitch_issue
from cleaners import clean

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _page(name: str):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return segment_page(clean(path.read_text(encoding="utf-8")))


def _stories(articles):
    return [(a.headline, a.byline) for a in articles if a.kind in ("story", "notice")]


# (headline, byline) of each story, as a reader sees the page.
EXPECTED_STORIES = {
    "000": [
        ("坚定信心再接再厉一鼓作气", "记者 高伟山"),
        ("紧盯薄弱环节 落实防控措施", "记者 石冠兵"),
        ("坚定必胜信心", "记者 付家宝"),
        (None, "记者 高伟山"),  # 阚全程 visit: its headline is not on this page
        ("我市举行疫情防控第二十八场新闻发布会", "记者 毛迎 孙江锋"),
    ],
    "001": [
        ("不犹豫 不动摇 不懈怠 以快制快 严紧细实 务求全胜", None),  # (上接第一版)
        ("三场疫情防控新闻发布会 高效运转 严格管控 保障民生 合力打好疫情防控阻击战",
         "记者 毛迪 孙江锋"),
        ("我市血液库存告急 社区居民献血战“疫”", "记者 刘地委"),
        ("确保疫情防控 与农业生产两不误", "记者 武芳"),
        (None, None),  # 公示: a notice with no headline of its own
        ("坚持就是胜利 细节决定成败 尽快实现全市社会面清零目标", None),  # (上接第一版)
        ("困难面前豁得出 关键时刻冲得上 坚决打赢本轮疫情防控阻击战", None),  # (上接第一版)
        ("坚持疫情防控和自建房整治“两手抓”坚决守护好人民群众生命财产安全", "记者 石冠兵"),
        ("发扬斗争精神 坚决打赢疫情防控阻击战", None),
    ],
    "002": [
        # One feature with intertitles; its headline is not on the page.
        (None, "记者 蔺洋 通讯员 李雪/文 连敬春/图"),
    ],
    "003": [
        ("联防联控 科学防控 精准管控 尽快实现高标准社会面“清零”", "郑报全媒体记者 陈锋 孙亚文"),
        ("全省数字化疫情防控系统现场观摩会在郑召开", "郑报全媒体记者 肖雅文"),
        ("市新冠肺炎疫情防控指挥部办公室发布通告 重点人群和市内6个城区 今日进行核酸检测",
         "郑报全媒体记者 董艳竹"),
        ("省财政下达13.6亿元 支持234个灾后恢复重建项目", "郑报全媒体记者 侯爱敏"),
    ],
    "004": [
        ("省委召开新冠肺炎疫情防控工作第七次专题会议 限期扑灭疫情 抓好常态防控", None),
        ("省委召开新冠肺炎疫情防控工作第七次专题会议 限期扑灭疫情 抓好常态防控",
         "郑报全媒体记者 孙亚文"),  # 又讯 under the same headline
        ("严格落实防控措施 织密社会防控网", "郑报全媒体记者 张昕"),
        ("市领导在新郑督导疫情防控工作", "郑报全媒体记者 张昕"),
        ("郑州一人荣获第八届全国道德模范提名奖", "郑报全媒体记者 苏瑜"),
    ],
}


@pytest.mark.parametrize("seed", sorted(EXPECTED_STORIES))
def test_seed_stories_are_the_ones_a_reader_sees(seed):
    assert _stories(_page(seed)) == EXPECTED_STORIES[seed]


# Every item a reader counts on each seed, by kind: the stories above, notices, photos
# with their captions, guide-box items (■… ▶2版). The closing note of issue 6 quotes these.
READER_COUNTS = {
    "000": {"story": 5, "caption": 1, "guide": 4},
    "001": {"story": 8, "notice": 1, "caption": 1},
    "002": {"story": 1},  # one feature; its two photo captions belong to it
    "003": {"story": 4},
    "004": {"story": 5},
}


@pytest.mark.parametrize("seed", sorted(READER_COUNTS))
def test_seed_items_are_the_ones_a_reader_counts(seed):
    assert Counter(a.kind for a in _page(seed)) == READER_COUNTS[seed]


def test_seed_000_leads_reporters_and_headline_order():
    stories = [a for a in _page("000") if a.kind == "story"]
    assert [a.reporters for a in stories] == [
        ["高伟山"], ["石冠兵"], ["付家宝"], ["高伟山"], ["毛迎", "孙江锋"],
    ]
    assert all(a.lead == "本报讯" for a in stories)
    first = stories[0]
    # The headline block came after the story in OCR order and is tied to it by name.
    assert "史根治在调研疫情防控工作时强调" in first.subheadlines
    assert "李海峰等参加调研" in first.subheadlines
    assert first.body[0].startswith("本报讯（记者 高伟山）5月12日是国际护士节")
    assert first.body[-1].startswith("史根治强调")
    # The 毛迎 孙江锋 story jumps to page 2 and carries that marker.
    last = stories[-1]
    assert [(m.kind, m.page) for m in last.markers] == [("continued_to", "2")]
    assert last.subheadlines == ["第九轮核酸检测，社会面仅1例阳性"]
    assert stories[3].headline_note == "no headline on the page"


def test_seed_000_guide_items_and_caption():
    items = _page("000")
    guides = [(a.headline, a.pages) for a in items if a.kind == "guide"]
    assert guides == [
        ("“许昌购销配”服务平台正式投入使用", ["2"]),
        ("5月3日至5月11日，我市317.7吨医疗废物全部实现安全、及时、无害化处置", ["2"]),
        ("我市开通心理疏导热线", ["2"]),
        ("感恩“疫”路有你", ["3"]),
    ]
    captions = [a for a in items if a.kind == "caption"]
    assert len(captions) == 1
    assert captions[0].credits == ["签约摄影师 马宁 摄"]
    assert captions[0].captions[0] == "5月12日是国际护士节。"


def test_seed_001_continuations_carry_their_markers():
    items = _page("001")
    resumed = [a.headline for a in items if a.jumps("continued_from")]
    assert resumed == [
        "不犹豫 不动摇 不懈怠 以快制快 严紧细实 务求全胜",
        "坚持就是胜利 细节决定成败 尽快实现全市社会面清零目标",
        "困难面前豁得出 关键时刻冲得上 坚决打赢本轮疫情防控阻击战",
    ]
    caption = [a for a in items if a.kind == "caption"]
    assert caption and caption[0].credits == ["冯嘉莹摄"]
    assert "图为5月8日" in caption[0].captions[0]


def test_seed_002_is_one_feature_with_intertitles():
    (feature,) = _page("002")
    assert feature.reporters == ["蔺洋", "李雪"]
    assert feature.intertitles[:2] == ["统筹指挥 一切为了打赢硬仗", "靠前指挥 疫情防控上下“一盘棋”"]
    assert feature.captions == ["机关干部下沉抗疫一线", "全力以赴做好全员核酸检测"]
    assert "记者 蔺洋" not in feature.body


def test_seed_004_source_and_see_page_marker():
    stories = [a for a in _page("004") if a.kind == "story"]
    assert stories[0].source == "据河南日报"
    assert stories[1].lead == "又讯"
    assert [(m.kind, m.page) for m in stories[-1].markers] == [("see_page", "A07")]


def test_markers_are_located_in_their_paragraphs():
    raw = (SEEDS / "000_339827d637f5be4b.txt").read_text(encoding="utf-8")
    result = clean(raw)
    located = {m.raw: result.paragraphs[m.paragraph] for m in result.markers}
    assert located["（下转第二版）"].endswith("对外出闲逛、逗留群众开展防疫政策教育，")
    assert located["▶▶▶▶22 版版"] == "■我市开通心理疏导热线"
    assert located["▶▶▶▶33 版版"] == "感恩“疫”路有你"


def test_every_seed_marker_is_placed_in_a_paragraph_holding_the_text_beside_it():
    """A marker ending a text belongs where that text ends; one opening a line, where the
    text after it begins (the paragraph's own glyphs, punctuation aside)."""
    pages = [*sorted(SEEDS.glob("*.txt")), *sorted((Path(__file__).parent / "articles").glob("*.txt"))]
    checked = 0
    for path in pages:
        result = clean(path.read_text(encoding="utf-8"))
        for marker in result.markers:
            assert 0 <= marker.paragraph < len(result.paragraphs), marker
            checked += 1
    assert checked >= 10


def test_a_doubled_line_before_a_marker_does_not_shift_its_paragraph():
    """Ink is counted to place a marker; a doubled line written once loses half its ink,
    and the text beside the marker puts it back in its paragraph."""
    doubled = "图为社区工作人员为居民采集核酸样本。图为社区工作人员为居民采集核酸样本。"
    raw = "\n\n".join([doubled, "第二段正文写到这里，（下转第二版）", "另一篇报道的正文。", "第四段。"])
    result = clean(raw)
    (marker,) = result.markers
    assert result.paragraphs[marker.paragraph] == "第二段正文写到这里，"


def test_a_sentence_ending_two_paragraphs_places_the_marker_after_the_second():
    closing = ("要坚持坚持再坚持、落实落实再落实，再接再厉、一鼓作气，务必尽快实现社会面清零，"
               "用最短时间打赢疫情防控阻击战，确保人民群众生命安全和身体健康。")  # > 64 characters
    first = "本报讯（记者 高伟山）市委书记到中心城区督导疫情防控工作。" + closing
    middle = "当天，永丰新城国际小区正在进行第十轮全员核酸检测，居民有序排队、依次采样。"
    second = "会议指出，各级各部门要进一步压实责任，统筹做好常态化疫情防控工作。" + closing
    raw = "\n\n".join([first, middle, second + "（下转第二版）", "（上接第一版）第四段。"])
    result = clean(raw)
    assert result.paragraphs[2].endswith(closing)
    assert [m.paragraph for m in result.markers] == [2, 3]


# ---------------------------------------------------------------- stitching

# A front page whose two stories jump to page 2, and page 2 resuming both (and a third).
CONSTRUCTED = Path(__file__).resolve().parent / "articles"
PAGE1 = (CONSTRUCTED / "two_jumps_page1.txt").read_text(encoding="utf-8")
PAGE2 = (CONSTRUCTED / "two_jumps_page2.txt").read_text(encoding="utf-8")



def _issue_page(doc_id, page, raw, date="2022-05-13"):
    return PageInput(doc_id=doc_id, publication="许昌日报", issue_date=date, page=page,
                     articles=segment_page(clean(raw)))


def test_one_story_jumps_to_page_two_and_comes_back_whole():
    page1 = """许昌举行新闻发布会

本报讯（记者 毛迎 孙江锋）5月12日上午，我市举行疫情防控第二十八场新闻发布会。
针对当前形势，我市组建巡防队伍，对外出闲逛群众开展防疫政策教育， （下转第二版）
"""
    page2 = """许昌举行新闻发布会

（上接第一版）引导群众居家。发布会通报了核酸检测最新进展情况。
"""
    records = stitch_issue([_issue_page("d1", "1", page1), _issue_page("d2", "2", page2)])
    assert len(records) == 1
    (record,) = records
    assert record.continued is True
    assert record.doc_ids == ["d1", "d2"] and record.pages == ["1", "2"]
    assert record.headline == "许昌举行新闻发布会"
    assert record.reporters == ["毛迎", "孙江锋"]
    assert record.paragraphs[-1] == "引导群众居家。发布会通报了核酸检测最新进展情况。"
    assert record.paragraphs[0].startswith("本报讯（记者 毛迎 孙江锋）")
    assert record.markers == []  # both markers were consumed by the stitch
    assert record.stitch_confidence is not None and record.stitch_confidence >= 0.5


def test_two_stories_jump_and_each_finds_its_own_continuation():
    records = stitch_issue([_issue_page("d1", "1", PAGE1), _issue_page("d2", "2", PAGE2)])
    stories = {r.reporters[0]: r for r in records if r.reporters}
    liu_tao = stories["石冠兵"]
    assert liu_tao.continued and liu_tao.pages == ["1", "2"]
    assert "应隔快隔。刘涛强调" in liu_tao.text
    assert "下沉干部" not in liu_tao.text
    liu_baoxin = stories["付家宝"]
    assert liu_baoxin.continued
    assert liu_baoxin.paragraphs[-1].startswith("下沉干部，加强防护物资保障")
    assert "应隔快隔" not in liu_baoxin.text
    assert not stories["武芳"].continued
    # Nothing lost, nothing doubled: every paragraph of both pages is in exactly one row.
    all_paragraphs = [p for r in records for p in r.paragraphs]
    assert len(all_paragraphs) == len(set(all_paragraphs))
    assert sum(1 for r in records if r.stitch_note and "stitched" in r.stitch_note) == 2


def test_jump_whose_target_page_is_missing_is_reported_not_lost():
    records = stitch_issue([_issue_page("d1", "1", PAGE1)])
    jumped = [r for r in records if r.reporters]
    assert len(jumped) == 2
    for record in jumped:
        assert record.continued is False
        assert [m["kind"] for m in record.markers] == ["continued_to"]
        assert record.stitch_note == "target page 2 not in this issue"
        assert record.stitch_confidence == 0.0
        assert record.paragraphs  # the fragment's text is kept


def test_continuation_without_its_source_page_is_reported():
    records = stitch_issue([_issue_page("d2", "2", PAGE2)])
    resumed = [r for r in records if any(m["kind"] == "continued_from" for m in r.markers)]
    assert len(resumed) == 2
    assert all(r.stitch_note == "source page 1 not in this issue" for r in resumed)


def test_pages_of_different_issues_are_never_stitched():
    records = stitch_issue([
        _issue_page("d1", "1", PAGE1, date="2022-05-13"),
        _issue_page("d2", "2", PAGE2, date="2022-05-14"),
    ])
    assert not any(r.continued for r in records)


def test_article_ids_are_deterministic_and_unique():
    pages = [_issue_page("d1", "1", PAGE1), _issue_page("d2", "2", PAGE2)]
    first = [r.article_id for r in stitch_issue(pages)]
    again = [r.article_id for r in stitch_issue(pages)]
    assert first == again
    assert len(set(first)) == len(first)


def test_records_fit_the_articles_schema():
    import datetime

    import pyarrow as pa

    from qingyang.schema import ARTICLES_SCHEMA

    records = stitch_issue([_issue_page("d1", "1", PAGE1), _page_from_seed("000")])
    rows = [{**r.to_dict(), "issue_date": datetime.date.fromisoformat(r.issue_date)}
            for r in records]
    table = pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA)
    assert table.num_rows == len(records)
    assert set(table.column_names) == set(rows[0])


def _page_from_seed(seed):
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    return PageInput(doc_id=seed, publication="许昌日报", issue_date="2022-05-13", page="9",
                     articles=segment_page(clean(path.read_text(encoding="utf-8"))))
