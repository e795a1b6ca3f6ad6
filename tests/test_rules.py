"""Small named cases per rule of the text contract, traps included."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners import clean, find_jump_markers
from cleaners.markers import JUMP_MARKER, jump_marker_matches
from cleaners.paragraphs import DIRECTORY_ENTRY

# (name, input, expected cleaned text)
CASES = [
    # spacing
    ("letter-spaced body collapses", "核 酸 检 测 ，居 民 有 序 排 队", "核酸检测，居民有序排队"),
    ("Han-digit spaces go", "截至 5 月 12 日 8 时，共 23 例。", "截至5月12日8时，共23例。"),
    ("space inside a number goes", "下达资金 4. 2亿元。", "下达资金4.2亿元。"),
    # found by Hypothesis: `0  0` gave `0 0`, which a second clean joined (not idempotent)
    ("spaced digits join over runs of spaces", "2  0  2  3青阳", "2023青阳"),
    ("a line of spaced digits joins in one clean", "0  0", "00"),
    ("letter-spaced headline collapses", "坚 定 信 心", "坚定信心"),
    ("a wide gap in a letter-spaced headline is its phrase break", "以 赛 促 练   人 人 参 与", "以赛促练 人人参与"),
    ("spaced decimal joins", "同比增长3 . 5%，其中", "同比增长3.5%，其中"),
    ("spaced acronym joins", "5月份CP I同比上涨2.1%。", "5月份CPI同比上涨2.1%。"),
    ("acronyms with words between stay apart", "NBA CBA 联赛", "NBA CBA联赛"),
    # a list's, table's or box's row keeps the spaces between its cells (cells of two glyphs or
    # more, a figure among them), but not a number's before its unit nor a date's inside it
    ("a recipe's row keeps its cell gap", "面粉 500克\n菜干 80克", "面粉 500克\n菜干 80克"),
    ("a timetable's row keeps its cell gaps", "6月7日 9:00—11:30 语文", "6月7日 9:00—11:30 语文"),
    ("a directory's row keeps its cell gaps", "燃气抢修 0736-8888 6666", "燃气抢修 0736-8888 6666"),
    ("a rating's row keeps its cell gaps", "★★★★☆ 豆瓣 8.1", "★★★★☆ 豆瓣 8.1"),
    ("a list item's number takes no space before its text", "1. 炮二平五\n12．双肩同时向上", "1.炮二平五\n12．双肩同时向上"),
    ("a row's number and unit join", "新增就业 1.2 万人", "新增就业 1.2万人"),
    ("a row's date joins", "2026年 5月16日 星期六", "2026年5月16日 星期六"),
    ("a row keeps no gap between Latin and Han", "星澜 EV 纯电 150", "星澜EV纯电 150"),
    ("prose loses its row-like gaps", "全市新增 500 家，同比增长 3%。", "全市新增500家，同比增长3%。"),
    ("a figure's unit before a word in capitals stays apart from it (no acronym the engine spaced)",
     "接口：2.5G WAN ×1", "接口：2.5G WAN ×1"),
    ("a notice's signature gets its space back before the notice's verb, its closing words none",
     "丧事从简，特此敬告。\n韩叙舟亲属敬告", "丧事从简，特此敬告。\n韩叙舟亲属 敬告"),
    ("a name in both cases run into its number gets its space back, a code in capitals none",
     "手机也得支持Wi-Fi7，PM2.5下降", "手机也得支持Wi-Fi 7，PM2.5下降"),
    ("a phone number's groups the engine ran together go apart where a phone label names it",
     "电话：18707453321\n广告热线：0745-28601234\n编号18707453321", "电话：187 0745 3321\n广告热线：0745-2860 1234\n编号18707453321"),
    ("a row of fields keeps the gap before each label", "联系人：甄先生 电话：139 4527 6618",
     "联系人：甄先生 电话：139 4527 6618"),
    ("a bare credit keeps its space before 摄", "白鹭溪畔。闻钟 摄", "白鹭溪畔。闻钟 摄"),
    ("a word ending in 摄 is no credit", "周六上午在公园拍 摄", "周六上午在公园拍摄"),
    ("an author's and a translator's credits keep their spaces", "方砚秋 著\n[法] 让-吕克·贝尔纳 著\n顾晴 译",
     "方砚秋 著\n[法] 让-吕克·贝尔纳 著\n顾晴 译"),
    ("a listing's time keeps its gap before a programme opening with a numeral",
     "19:30 新闻联播\n19:35 百姓热线", "19:30 新闻联播\n19:35 百姓热线"),
    # spaces OCR dropped, restored where the rule is certain (rule 8)
    ("byline roles get their spaces back", "本报讯（记者林晓通讯员周航）5月8日，",
     "本报讯（记者 林晓 通讯员 周航）5月8日，"),
    ("credit with a role gets spaces", "本报记者陈默摄", "本报记者 陈默 摄"),
    ("credit without a role stays as printed", "冯嘉莹摄", "冯嘉莹摄"),
    ("an outlet before the role is one word", "新华社记者王某摄", "新华社记者 王某 摄"),
    ("an outlet before a correspondent", "本报通讯员葛宁", "本报通讯员 葛宁"),
    ("dateline lead gets its space", "又讯为确保安全，全市开会。", "又讯 为确保安全，全市开会。"),
    ("picture and text credits part", "通讯员李雪/文连敬春/图", "通讯员 李雪/文 连敬春/图"),
    ("prose about a reporter is untouched", "记者从市教育局获悉，", "记者从市教育局获悉，"),
    ("byline names keep their spaces", "本报讯（记者 毛迎 孙江锋）5 月 12 日上午，",
     "本报讯（记者 毛迎 孙江锋）5月12日上午，"),
    ("photo credit keeps its spaces", "签约摄影师 马宁 摄", "签约摄影师 马宁 摄"),
    ("text and picture credits keep spaces", "通讯员 李雪/文 连敬春/图", "通讯员 李雪/文 连敬春/图"),
    ("headline phrases keep one space", "紧盯薄弱环节   落实防控措施", "紧盯薄弱环节 落实防控措施"),
    ("dateline lead without bracket keeps its space", "本报讯 11月7日,省委召开会议。",
     "本报讯 11月7日，省委召开会议。"),
    ("Latin words keep one space", "他说 Hello  World 。", "他说Hello World。"),
    ("spaces beside CJK punctuation go", "史 根 治 向 在“ 战 地 ”过 节", "史根治向在“战地”过节"),
    # punctuation width
    ("a range's tilde between figures is full-width", "多云18~27℃，东风2〜3级", "多云18～27℃，东风2～3级"),
    ("a tilde in a URL stays", "网址：http://a.cn/~lib/1~2", "网址：http://a.cn/~lib/1~2"),
    ("ASCII comma beside Han widens", "安全,惠济区", "安全，惠济区"),
    ("ASCII brackets around Han widen", "各县(市)适时开展", "各县（市）适时开展"),
    ("look-alike brackets pair up", "各县〈市)适时开展", "各县（市）适时开展"),
    ("straight quotes pair up", '坚持"一盘棋"原则', "坚持“一盘棋”原则"),
    ("a straight quote pairs with a curly one", '他说"没想到。”又说“好了"', "他说“没想到。”又说“好了”"),
    ("full stop after Han widens", "工作.下一步", "工作。下一步"),
    ("number with thousands comma untouched", "共1,350吨。", "共1,350吨。"),
    ("time untouched", "上午9:00开始采样。", "上午9:00开始采样。"),
    ("decimal untouched", "增长3.5个百分点。", "增长3.5个百分点。"),
    ("URL untouched", "登录www.12306.cn购票。", "登录www.12306.cn购票。"),
    ("full-width letters and digits fold", "ＧＤＰ增长２０２２年", "GDP增长2022年"),
    ("Chinese punctuation never becomes ASCII", "一、二，三。", "一、二，三。"),
    # jump markers
    ("continued-to marker removed", "开展防疫政策教育， （下转第二版）", "开展防疫政策教育，"),
    ("continued-from marker removed", "(上接第一版)整改失管漏管现象。", "整改失管漏管现象。"),
    ("doubled-glyph guide marker removed", "■我市开通心理疏导热线 ▶▶▶▶22 版版", "■我市开通心理疏导热线"),
    ("marker split over lines removed", "政策教育。（下转\n第二版）", "政策教育。"),
    # doubled artifacts and reduplication
    ("doubled line written once", "机关干部下沉抗疫一线机关干部下沉抗疫一线", "机关干部下沉抗疫一线"),
    ("real reduplication stays", "要坚持坚持再坚持、落实落实再落实。", "要坚持坚持再坚持、落实落实再落实。"),
    ("short reduplication stays", "谢谢", "谢谢"),
    # found by Hypothesis: 核×16 was halved at every clean (not idempotent)
    ("a run of one glyph is no doubled line", "核" * 16, "核" * 16),
    # found by Hypothesis: `0版0版` lost a page reference at each clean
    ("two page references in a row are no guide item", "0版0版\n1版1版", "0版0版\n1版1版"),
    ("常常 and 看看 stay", "常常去看看。", "常常去看看。"),
    # script
    ("stray traditional characters become simplified", "許昌戰疫周記", "许昌战疫周记"),
    # hygiene
    ("BOM, zero-width and controls go", "\ufeff核酸\u200b检测\x07。", "核酸检测。"),
    ("U+3000 indentation goes", "\u3000\u3000通告明确，", "通告明确，"),
    ("Markdown heading mark goes, the line stays", "## 全省数字化疫情防控系统现场观摩会在郑召开\n本报讯，开会。",
     "全省数字化疫情防控系统现场观摩会在郑召开\n本报讯，开会。"),
    # paragraphs
    ("a price table read one cell a line, its prices with their unit, is one row a line",
     "品名\n单价\n品名\n单价\n青菜\n2.40元/斤\n春笋\n4.50元/斤\n蚕豆\n5.00元/斤\n鸡蛋\n5.80元/斤",
     "品名 单价 品名 单价\n青菜 2.40元/斤 春笋 4.50元/斤\n蚕豆 5.00元/斤 鸡蛋 5.80元/斤"),
    ("an auction table read one cell a line, its header's first label Latin, is one row a line",
     "成交前五\nLot\n作品\n作者\n成交价（万元）\n1208\n溪山访友图\n钱慕远\n132.25\n1176\n荷塘清夏\n苏映禾\n96.6\n注：含佣金。",
     "成交前五\nLot 作品 作者 成交价（万元）\n1208 溪山访友图 钱慕远 132.25\n1176 荷塘清夏 苏映禾 96.6\n注：含佣金。"),
    ("a box's rows of cells a space apart are a line each, its title and its note apart from them",
     "小满时节，农人看着地里的麦\n粒一天天饱满，心里有盼头。\n如今水车早已进了民俗馆，稻\n田里换成了电动泵站，手机一\n点就能放水，省了不少力气。\n"
     "天气与农事\n5月21日晴 20～31℃\n5月22日 多云 21～30℃\n5月23日 雷阵雨 20～27℃\n气温明显升高，23日午后有强对\n流天气，请提前加固大棚。",
     "小满时节，农人看着地里的麦粒一天天饱满，心里有盼头。如今水车早已进了民俗馆，稻田里换成了电动泵站，手机一点就能放水，省了不少力气。\n"
     "天气与农事\n5月21日晴 20～31℃\n5月22日 多云 21～30℃\n5月23日 雷阵雨 20～27℃\n气温明显升高，23日午后有强对流天气，请提前加固大棚。"),
    ("a name in capitals and small letters wrapped before its number keeps the space (`Wi-Fi 6`)",
     "今年春季，多家厂商在芷岸\n上市了支持新标准的路由器，\n售价从399元到1999元不等。不\n少读者来信问：家里的Wi-Fi\n6还要不要换？记者做了对比。",
     "今年春季，多家厂商在芷岸上市了支持新标准的路由器，售价从399元到1999元不等。不少读者来信问：家里的Wi-Fi 6还要不要换？记者做了对比。"),
    ("a spec list's last row, narrower than the others, runs on into no heading under it",
     "参数速览\n标准：IEEE 802.11be\n频段：2.4GHz/5GHz/6GHz\n接口：2.5G WAN ×1\n售价：399元起\n网友问答\n问：Mesh组网需要买同一个品牌吗？",
     "参数速览\n标准：IEEE 802.11be\n频段：2.4GHz/5GHz/6GHz\n接口：2.5G WAN ×1\n售价：399元起\n网友问答\n问：Mesh组网需要买同一个品牌吗？"),
    ("a ferry table read one cell a line, two times with a slash in a cell, is one row a line",
     "客运航班\n航线\n开航时间\n票价\n芷岸—白沙洲\n07:30/13:00\n35元\n芷岸—箬屿\n08:15/15:45\n68元\n如遇大风停航，以港口公告为准",
     "客运航班\n航线 开航时间 票价\n芷岸—白沙洲 07:30/13:00 35元\n芷岸—箬屿 08:15/15:45 68元\n如遇大风停航，以港口公告为准"),
    ("a header's section and the paper's name on lines of their own stay apart (no headline of two phrases)",
     "第10版\n港口·航运\n芷岸日报\n2026年3月3日星期二\n芷岸港今年一季度集装箱吞\n吐量同比增长百分之十二，\n新开通的两条外贸航线已\n经常态化运营，港区道路\n也完成了改造。",
     "第10版\n港口·航运\n芷岸日报\n2026年3月3日 星期二\n芷岸港今年一季度集装箱吞吐量同比增长百分之十二，新开通的两条外贸航线已经常态化运营，港区道路也完成了改造。"),
    ("a photo story's captions, wrapped where no column shows, join their wraps (a line stopping in a word)",
     '老街裁缝铺 一把剪刀五十年\n文/图见习记者单宁\n桐溪镇老街的“秀英裁缝铺”只有十二平方米，店主林秀英今年七\n十一岁，从二十一岁起就在这里给街坊量体裁衣。\n林秀英用的还是出嫁时母亲送的那把铁剪刀，刀刃磨\n了无数次，依然锋利。\n墙上挂满了待取的衣服，每件都别着一张写有名字和\n日期的小纸条。\n傍晚收工前，老街坊来取改好的裤子，两人坐在门口聊起了老街的旧事。',
     '老街裁缝铺 一把剪刀五十年\n文/图 见习记者 单宁\n桐溪镇老街的“秀英裁缝铺”只有十二平方米，店主林秀英今年七十一岁，从二十一岁起就在这里给街坊量体裁衣。\n林秀英用的还是出嫁时母亲送的那把铁剪刀，刀刃磨了无数次，依然锋利。\n墙上挂满了待取的衣服，每件都别着一张写有名字和日期的小纸条。\n傍晚收工前，老街坊来取改好的裤子，两人坐在门口聊起了老街的旧事。'),
    ("numbered moves ending in a figure are an item a line (an item's number before Han continues no number)",
     "棋局回顾\n1. 炮二平五马8进7\n2.马二进三车9平8\n3.车一平二马2进3\n4.兵七进一卒7进1\n5.车二进六炮8平9\n第七回合红方稍缓。",
     "棋局回顾\n1.炮二平五马8进7\n2.马二进三车9平8\n3.车一平二马2进3\n4.兵七进一卒7进1\n5.车二进六炮8平9\n第七回合红方稍缓。"),
    # text one paragraph per line: its lines are about as wide as each other, but most end a
    # sentence, as a column's full lines seldom do (a gold page cleans to itself)
    ("paragraphs one per line stay, however alike their widths",
     "渡口的老周每天清晨五点开船，三十年来从没误过一班。\n今年开春，镇里给渡船换了新的柴油机，噪声小了一半。\n"
     "“船稳了，人心也稳了。”老周一边系缆绳一边说。\n过了河就是菜市场，赶早市的人挑着担子排队上船。",
     "渡口的老周每天清晨五点开船，三十年来从没误过一班。\n今年开春，镇里给渡船换了新的柴油机，噪声小了一半。\n"
     "“船稳了，人心也稳了。”老周一边系缆绳一边说。\n过了河就是菜市场，赶早市的人挑着担子排队上船。"),
    ("column lines join", "当天，永丰新城国际小区、鼎鑫\n运河鑫城小区正在进行第十轮全员\n核酸检测，居民有序排队、依次采\n样。史根治向在“战地”过节的“大\n白”们送上节日慰问。",
     "当天，永丰新城国际小区、鼎鑫运河鑫城小区正在进行第十轮全员核酸检测，居民有序排队、依次采样。"
     "史根治向在“战地”过节的“大白”们送上节日慰问。"),
    ("mid-sentence blank line joins",
     "徐立毅指出,当前我市疫情防控工作正处于平台期、攻坚期,要进一步提高政治站位,扛稳政治责任,进\n\n"
     "一步采取坚决果断、科学精准的措施,尽快圈住封死扑灭疫情,坚决守护人民群众生命健康安全。",
     "徐立毅指出，当前我市疫情防控工作正处于平台期、攻坚期，要进一步提高政治站位，扛稳政治责任，进"
     "一步采取坚决果断、科学精准的措施，尽快圈住封死扑灭疫情，坚决守护人民群众生命健康安全。"),
    ("headline stays on its own line", "史根治在调研疫情防控工作时强调\n\n本报讯（记者 高伟山）5月12日，开会。",
     "史根治在调研疫情防控工作时强调\n本报讯（记者 高伟山）5月12日，开会。"),
    ("a commentator's byline is a byline: its own line, its space put back",
     "让“一次办成”成为常态\n本报评论员苏砚\n前不久，一位市民在网上留言。",
     "让“一次办成”成为常态\n本报评论员 苏砚\n前不久，一位市民在网上留言。"),
    ("a page date's weekday read as its own line goes back on the date's line",
     "柘湾物流周报\n2026年5月8日\n星期五\n本期8版", "柘湾物流周报\n2026年5月8日 星期五\n本期8版"),
    ("no space stays beside a quote in a phrase-spaced headline", "外卖骑手有了 “歇脚驿站”", "外卖骑手有了“歇脚驿站”"),
    ("a credit the engine ran onto its caption gets its own line",
     "4月6日，茶农在茶园里采摘明前茶。通讯员蒋雨禾摄", "4月6日，茶农在茶园里采摘明前茶。\n通讯员 蒋雨禾 摄"),
]

ALREADY_CLEAN = [
    "本报讯（记者 毛迎 孙江锋）5月12日上午，我市举行疫情防控第二十八场新闻发布会。",
    "紧盯薄弱环节 落实防控措施",
    "签约摄影师 马宁 摄",
    "通告明确，1月14日上午9:00开始采样工作，18:00完成。",
    "在2021年“7·30”和“11·2”两轮新冠疫情防控过程中，完成6170万人次核酸检测。",
    "要坚持坚持再坚持、落实落实再落实。",
    "共1,350吨，增长3.5%，详见www.example.gov.cn。",
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_case(name, raw, expected):
    assert clean(raw).text == expected


@pytest.mark.parametrize("text", ALREADY_CLEAN)
def test_already_clean_text_stays_unchanged(text):
    result = clean(text)
    assert result.text == text
    assert result.edits == {}


@pytest.mark.parametrize(
    ("raw", "kind", "page"),
    [
        ("（下转第二版）", "continued_to", "2"),
        ("（未完 转第7版）", "continued_to", "7"),  # the story said unfinished first
        ("(上接第一版)", "continued_from", "1"),
        ("〈下转第二版)", "continued_to", "2"),
        ("（下 转 第 二 版）", "continued_to", "2"),
        ("▶▶▶▶22 版版", "see_page", "2"),
        ("▶▶▶▶1122 版版", "see_page", "12"),
        ("(相关报道继续阅读A07版)", "see_page", "A07"),
        ("（转第十二版）", "continued_to", "12"),
        ("（接第3版）", "continued_from", "3"),
        ("相关报道见5版", "see_page", "5"),
        ("▶ 详见第3版", "see_page", "3"),  # a pointer run in after a guide item's sentence
        ("详见第2版", "see_page", "2"),  # bare, standing apart: after a full stop, ending its line
        ("（详见第4版）", "see_page", "4"),
        ("→下转A3版", "continued_to", "A3"),  # arrows printed before or after a marker
        ("←上接A1版", "continued_from", "A1"),
        ("（转A3版▶）", "continued_to", "A3"),
        ("请看A2版", "see_page", "A2"),
        ("（下接第8版）", "continued_to", "8"),  # other words for "continued on" (session 14)
        ("(续见第15版)", "continued_to", "15"),
        ("（续转第3版）", "continued_to", "3"),
        ("（转第26页）", "continued_to", "26"),  # a weekly's or magazine's page: 页
        ("（续见第30页）", "continued_to", "30"),
        ("▲转第6版", "continued_to", "6"),  # a triangle pointing, no bracket (session 15)
        ("【转第4版】", "continued_to", "4"),
        ("（续A10版）", "continued_to", "A10"),  # 续 after the story's last words: goes on there
    ],
)
def test_jump_marker_forms(raw, kind, page):
    text = f"防控工作。{raw}"
    found = find_jump_markers(text)
    assert [(m.kind, m.page, m.raw) for m in found] == [(kind, page, raw)]
    assert text[found[0].offset : found[0].offset + len(raw)] == raw


def test_a_credit_run_onto_a_laid_out_caption_gets_its_own_line():
    # laid out from an engine's geometry: no reflow, the credit rule still runs
    assert clean("连日来，杜鹃花竞相开放。本报记者温若摄", paragraphs_given=True).paragraphs == [
        "连日来，杜鹃花竞相开放。", "本报记者 温若 摄"]


def test_a_magazine_pages_marker_goes_where_no_other_page_word_stands():
    """A weekly's page with no 版 anywhere: its 页 marker, split over two lines, still goes."""
    result = clean("手里还攥着（转第\n26页)\n凌晨的城市")
    assert [(m.kind, m.page) for m in result.markers] == [("continued_to", "26")]
    assert "页" not in result.text and "转" not in result.text


def test_a_continued_marker_opening_a_story_is_where_it_comes_from():
    """`（续A10版）` on a story's first line, before its text: continued from A10."""
    result = clean("（续A10版）\n据了解，景区今年新修栈道。")
    assert [(m.kind, m.page) for m in result.markers] == [("continued_from", "A10")]
    assert result.text == "据了解，景区今年新修栈道。"
    assert find_jump_markers("手续第3版") == find_jump_markers("连续第3版") == []  # 续 in prose


def test_bare_weak_marker_words_in_prose_are_not_markers():
    assert find_jump_markers("迎接第二版本发布，转第3版时") == []
    assert find_jump_markers("具体办法详见第3版相关报道。") == []  # prose runs into the pointer
    assert find_jump_markers("办法详见第3版。") == []  # no sentence end before it
    assert find_jump_markers("该文已转第2版。然后") == []  # 转 in prose, a sentence going on
    assert find_jump_markers("书中第5页写道，见第6页的注释") == []  # a book's pages named in prose


def test_a_story_jumping_in_mid_word_at_a_lines_end_leaves_its_marker():
    # `…岭` + `转A3版` closing the column: the story goes on at A3 with `东师范大学`
    result = clean("授课志愿者、岭转A3版\n下一篇文章。")
    assert [(m.kind, m.page, m.raw) for m in result.markers] == [("continued_to", "A3", "转A3版")]
    assert result.text.startswith("授课志愿者、岭\n")
    # an arrow on the next line is that line's guide pointer, not the marker's tail
    assert [m.raw for m in find_jump_markers("▶9版\n▶10版")] == ["▶9版", "▶10版"]


def test_marker_offsets_index_raw_text():
    raw = "\ufeff开展防疫政策教育，\r\n （下转第二版）\n■热线 ▶▶▶▶22 版版"
    result = clean(raw)
    assert [m.kind for m in result.markers] == ["continued_to", "see_page"]
    for marker in result.markers:
        assert raw[marker.offset : marker.offset + len(marker.raw)] == marker.raw


def test_edits_are_counted_per_rule_only_when_text_changed():
    result = clean("核 酸 检 测,居民")
    assert result.text == "核酸检测，居民"
    assert set(result.edits) == {"punctuation", "spacing"}
    assert all(count > 0 for count in result.edits.values())


def test_traditional_profile_keeps_script():
    assert clean("許昌戰疫", profile="zh-Hant-newspaper").text == "許昌戰疫"


def test_raw_text_travels_with_result():
    raw = "核 酸 检 测"
    assert clean(raw).raw == raw


# Jump markers built from their parts (lead spaces, bracket, kind word, gap, 第, page, 版, closing
# bracket), some broken, between pieces of prose, spaces and line breaks: what moves a match.
_MARKERS = st.tuples(*(st.sampled_from(parts) for parts in (
    ["", " ", "\u3000"], ["", "（", "(", "〈", "【"], ["下转", "上接", "相关报道见", "继续阅读", "转", "接", "详见", "▶▶", "►", "下 转", "▶详见", "▶ 见",
                                                   "下接", "续见"],
    ["", " ", "\n", "\u200b"], ["", "第"], ["二", "十二", "12", "Ａ０7", "3", ""], ["", " "], ["版", "版版", "版 版", "页", ""],
    ["", "）", ")", "〉", "］"]))).map("".join)
_PROSE = st.sampled_from(["核酸", "的", "，", "。", "A", "下", "上", "第", "版", "页", "续", " ", "\n", "7"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(_MARKERS, _PROSE), max_size=12).map("".join))
def test_jump_markers_searched_in_stretches_are_the_whole_text_matches(text):
    assert [m.span() for m in jump_marker_matches(text)] == [m.span() for m in JUMP_MARKER.finditer(text)]


def test_the_fast_space_test_is_the_hspace_class():
    from cleaners.spacing import _HAS_HSPACE, _has_hspace

    assert [c for c in map(chr, range(0x10000)) if _has_hspace(c)] == _HAS_HSPACE.findall(
        "".join(map(chr, range(0x10000))))


def test_a_credit_run_onto_a_caption_row_parts_it_from_the_next_caption():
    """In hard-wrapped columns the engine ran a credit onto a caption's last row: the credit
    gets its own line before the rows are joined, so the next caption is not glued to it."""
    column = ("本报讯（记者 林晓）4月7日，全市重点项目集中开工，共有\n36个项目参加，总投资达到128亿元，涉及\n"
              "产业升级、城市更新和民生保障等领域，\n预计年内完成投资46亿元。市发展改革委\n"
              "有关负责人表示，将加强要素保障，推动\n项目早开工、早投产、早见效，为全年经\n济增长提供有力支撑。\n")
    raw = ("图片新闻\n4月7日，泠江四桥主塔施工现场，工人们正在进行钢筋绑扎作业。该桥预计明\n"
           "年建成通车。本报记者乔岩摄\n4月3日，消防救援人员在青梧中学开展应急疏散演练。\n通讯员庞安 摄\n" + column)
    lines = clean(raw).text.splitlines()
    assert "本报记者 乔岩 摄" in lines
    assert "4月3日，消防救援人员在青梧中学开展应急疏散演练。" in lines


def test_an_english_passage_keeps_a_space_at_each_join_and_its_paragraphs():
    """An English-learning page's hard-wrapped passage: two lines of English joined are two
    words apart whatever ends and opens them (a number, a comma, a quote); a short line
    ending a sentence closes its paragraph, `Mr.` at a line's end does not."""
    raw = ("Every Saturday morning, a green bus stops\noutside Qingshi Middle School in Heyu. It does not\n"
           "carry passengers. Instead, it carries more than 3,000\nbooks.\n"
           "The bus is run by the city library. Its driver, Mr.\nZhou, has been driving it for six years. \"Some\n"
           "children walk for half an hour to get here,\" he says.")
    assert clean(raw).text == (
        "Every Saturday morning, a green bus stops outside Qingshi Middle School in Heyu. It does not carry "
        "passengers. Instead, it carries more than 3,000 books.\n"
        "The bus is run by the city library. Its driver, Mr. Zhou, has been driving it for six years. \"Some "
        "children walk for half an hour to get here,\" he says.")
    # a Chinese line ending in a number or Latin word joins its next line with nothing between
    assert clean("据统计，我市今年新增城市绿地面积约12\n7公顷，并在全市推广预约服务App，市民\n"
                 "可以通过手机App预约公园导览和讲解服务。").text == (
        "据统计，我市今年新增城市绿地面积约127公顷，并在全市推广预约服务App，市民可以通过手机App预约公园导览和讲解服务。")


@pytest.mark.parametrize(("raw", "expected"), [
    ("本报鹤屿9月15日讯 15日上午，随着一声汽笛，货轮靠泊。", "本报鹤屿9月15日讯 15日上午，随着一声汽笛，货轮靠泊。"),
    ("本报鹤屿9月15日讯15日上午，随着一声汽笛。", "本报鹤屿9月15日讯 15日上午，随着一声汽笛。"),  # dropped: restored
    ("新华社北京3月17日电 记者从会上获悉。", "新华社北京3月17日电 记者从会上获悉。"),
    ("梧潭讯 11月12日，市里开会。", "梧潭讯 11月12日，市里开会。"),
    ("9月15日电视台播出。", "9月15日电视台播出。"),  # no lead: 电视
    ("本报讯“手机挂号原来这么简单！”", "本报讯“手机挂号原来这么简单！”"),  # no space before a mark
])
def test_a_dateline_lead_with_its_place_and_date_keeps_one_space_after_it(raw, expected):
    assert clean(raw).text == expected


def test_a_listings_rows_are_one_line_each_the_time_a_space_before_the_programme():
    # the engine boxed each time apart from its programme: one row per line, one space between
    raw = "鹤屿新闻综合频道\n06:00\n朝闻鹤屿\n07:30\n早安岭东\n08:35\n电视剧：江城往事（12）\n10:20 健康大讲堂"
    cleaned = clean(raw).text
    assert cleaned == "鹤屿新闻综合频道\n06:00 朝闻鹤屿\n07:30 早安岭东\n08:35 电视剧：江城往事（12）\n10:20 健康大讲堂"
    assert clean(cleaned).text == cleaned
    # prose wraps before a time with no space after it: joined as before
    column = ("本报讯 市政府新闻办定于明天上\n午9:00在市民中心召开新闻发布\n会，介绍今年以来全市经济运行的\n"
              "有关情况。发布会将邀请市发展改\n革委、市统计局有关负责人出席，\n并回答记者提问。市民可通过市政\n"
              "府网站观看直播，会议定于明天上\n午\n9:00准时开始，欢迎大家收看直播。")
    assert "\n" not in clean(column).text



def test_an_itinerarys_rows_opening_with_a_time_the_engine_ran_into_them_open_a_line_each():
    """A day's itinerary in a hard-wrapped column, the space after each time dropped by the
    engine (`07:30市民广场`): two times or more opening lines close together make each a row;
    a row's wrapped end goes on with it."""
    raw = ("我们按两天设计了一条路线，\n适合带老人和孩子的家庭。\n第一天\n07:30市民广场北门集合，乘旅游\n专线Y2出发\n"
           "09:10抵达雁丘山南门游客中心，\n换乘景区观光车\n09:40步行松风谷栈道，全长2.6公里")
    paragraphs = clean(raw).paragraphs
    assert paragraphs[-3:] == ["07:30市民广场北门集合，乘旅游专线Y2出发", "09:10抵达雁丘山南门游客中心，换乘景区观光车",
                               "09:40步行松风谷栈道，全长2.6公里"]
    # an exam timetable: the day, then the time range, run together
    timetable = ("今年高考我市共设考点32个，考场1378\n个，考生应提前熟悉考场，核对准考证\n信息，按时参加考试。\n"
                 "6月9日8:30—9:45化学\n6月9日11:00—12:15地理\n6月9日14:30—15:45思想政治")
    assert clean(timetable).paragraphs[1:] == ["6月9日8:30—9:45化学", "6月9日11:00—12:15地理", "6月9日14:30—15:45思想政治"]


def test_an_information_boxs_labelled_rows_and_an_interviews_speakers_open_a_line_each():
    """Three labelled rows close together (an information box; a value may wrap) open a line
    each; so does every line opening with a speaker's label that comes back (an interview).
    Two labels alone, neither coming back, are prose or one printed line the engine cut."""
    box = ("出行提示\n交通：旅游专线Y2每周六、日\n07:30发车，单程票价25元\n门票：成人票80元，老人、儿童免票\n"
           "开放时间：8:00—17:30\n观光车：往返30元")
    assert clean(box).paragraphs[1:] == ["交通：旅游专线Y2每周六、日07:30发车，单程票价25元", "门票：成人票80元，老人、儿童免票",
                                         "开放时间：8:00—17:30", "观光车：往返30元"]
    interview = ("记者：“黑灯仓库”里真的一个人\n都没有吗？\n鲁明远：存储区和拣选区基本实现了\n无人化，夜间可以关灯作业，但\n"
                 "整个仓库仍然有80多名员工。\n记者：改造投入大，企业算过账\n吗？\n鲁明远：仓库改造总投资1.6亿元，\n预计6年收回成本。")
    assert [p[:4] for p in clean(interview).paragraphs] == ["记者：“", "鲁明远：", "记者：改", "鲁明远："]
    prose = "他打开烟盒，里面是一把生了锈\n的钥匙，钥匙柄上刻着\n两个字：东窑。\n插图：韦一苇"
    assert clean(prose).paragraphs[0] == "他打开烟盒，里面是一把生了锈的钥匙，钥匙柄上刻着两个字：东窑。"

def test_a_poems_lines_stay_lines_and_a_narrow_boxs_wrapped_titles_still_join():
    """A 副刊's free verse after an essay: short lines of unequal length, no punctuation, no
    word run across their breaks: each stays a line (stanzas aside). Titles wrapped in a
    narrow box look alike, but a word runs across most of their breaks: they join."""
    essay = "像一块表，有人守着，它就不会停。"
    poem = ["鹤江的早晨", "江雾还没有醒来", "第一班渡船", "已经把汽笛", "折成一只白鹭", "卖豆浆的阿婆",
            "在码头边支起炉子", "蒸汽升起来", "像是给这座城", "打了一个温暖的哈欠"]
    column = ["我市今年以来持续推进营商环境改", "革，企业开办时间由原来的三个工", "作日压缩至半个工作日，群众满意", "度明显提升。"]
    cleaned = clean("\n".join([*column, essay, *poem])).text.split("\n")
    assert cleaned[-len(poem):] == poem
    boxed = ["本报记者宋知远实习", "生田野", "新型储能材料研", "发取得突破", "一季度重大项目完", "成投资186.4亿元"]
    assert clean("\n".join([*column, *boxed])).text.split("\n")[-3:] == [
        "本报记者 宋知远 实习生 田野", "新型储能材料研发取得突破", "一季度重大项目完成投资186.4亿元"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("A3 要闻\n岭东日报\n2026年9月16日 星期三", "A3\n要闻\n岭东日报\n2026年9月16日 星期三"),
    ("第3版 阅读 Reading\n岭东英语周报", "第3版\n阅读Reading\n岭东英语周报"),  # CJK–Latin spaces go (README)
])
def test_a_page_label_and_its_section_read_as_one_header_line_are_two(raw, expected):
    assert clean(raw).text == expected


def test_a_page_header_read_as_one_row_keeps_its_items_apart():
    """Label, date with weekday, paper and editors on one line: one line each, the date's and the
    credits' own spaces kept; a dated line of prose stays whole."""
    raw = "健康·老年\nB04 2026年11月16日 星期一 梧潭晚报 责任编辑：严可 美编：施涛\n入冬护心"
    assert clean(raw).text.split("\n")[:5] == ["健康·老年", "B04", "2026年11月16日 星期一", "梧潭晚报", "责任编辑：严可 美编：施涛"]
    assert clean("2026年5月8日 星期五 上午 市委召开会议，部署工作。").text == "2026年5月8日星期五上午市委召开会议，部署工作。"


def test_a_table_read_one_cell_a_line_is_one_line_a_row():
    """A header of labels, then rows with their figures in the same columns: a row a line, its
    cells one space apart (beside a figure too). A figures box (a figure over its label, no
    header) keeps a line each."""
    cells = ["城市天气预报", "城市", "天气", "气温", "风力", "鹤屿", "晴转多云", "18~24℃", "北风2级",
             "临湖", "雷阵雨", "22~31℃", "北风1级", "彩票开奖"]
    rows = clean("\n".join(cells)).text.split("\n")
    assert rows[0] == "城市天气预报" and rows[1] == "城市 天气 气温 风力" and rows[-1] == "彩票开奖"
    assert rows[2:4] == ["鹤屿 晴转多云 18～24℃ 北风2级", "临湖 雷阵雨 22～31℃ 北风1级"]  # cell gaps kept, ranges widened
    figures = ["数说清明假期", "126.3万人次", "全市接待游客", "9.8亿元", "实现旅游收入", "31.6%", "乡村游占比"]
    assert clean("\n".join(figures)).text.split("\n") == figures


def test_a_price_table_read_one_cell_a_line_with_two_labels_read_as_one_is_one_line_a_row():
    """A price table's header read with two labels as one (`单位价格`), its changes printed
    with arrows and `持平`, its first row's name a label too: the header one line, a row a
    line, the source line after it its own."""
    cells = ["农产品价格", "品名", "单位价格", "涨跌", "早籼稻", "元/斤", "1.42", "+0.02", "土鸡蛋", "元/斤", "6.80",
             "↑0.20", "草鱼", "元/斤", "8.60", "持平", "香菇", "元/斤", "12.50", "↓0.80", "数据来源：市农业农村局"]
    assert clean("\n".join(cells)).text.split("\n") == [
        "农产品价格", "品名 单位价格 涨跌", "早籼稻 元/斤 1.42 +0.02", "土鸡蛋 元/斤 6.80 ↑0.20",
        "草鱼 元/斤 8.60 持平", "香菇 元/斤 12.50 ↓0.80", "数据来源：市农业农村局"]


def test_a_spec_table_read_one_cell_a_line_with_units_in_its_labels_is_one_line_a_row():
    """Labels with their units (`功率kW`), a column mixing words with a digit and words
    (`1.5T`, `纯电`): a row a line, and the note under the table a line of its own."""
    cells = ["车型", "排量", "功率kW", "售价万元", "岳驰X3", "2.0T", "185", "19.68", "凌川ES6", "纯电", "210", "22.99",
             "星澜L", "1.5T", "180", "14.38", "注：售价为厂商指导价", "汽车消费投诉渠道"]
    cleaned = clean("\n".join(cells)).text
    assert cleaned.split("\n")[:4] == [
        "车型 排量 功率kW 售价万元", "岳驰X3 2.0T 185 19.68", "凌川ES6 纯电 210 22.99", "星澜L 1.5T 180 14.38"]
    assert clean(cleaned).text == cleaned  # its rows, a row a line, are still a table


def test_a_subhead_whose_last_word_and_the_next_lines_first_make_a_word_stays_apart():
    """`三看地面找平` / `铺木地板前，…`: jieba reads `平铺` across the break, but a line of body text
    (punctuated, full or indented) under a subhead is no display line's wrap."""
    raw = ("柜体板材的封边不严，潮气\n就会从边缝钻进去，几个月后板\n材起鼓。验收时用手摸一摸封边，\n看有没有翘起。\n"
           "三看地面找平\n铺木地板前，地面要先做防\n潮层，一般用0.2毫米以上的PE\n膜，接缝处重叠不少于20厘米，\n再用胶带封好。")
    assert clean(raw).paragraphs[1:] == ["三看地面找平", "铺木地板前，地面要先做防潮层，一般用0.2毫米以上的PE膜，接缝处重叠不少于20厘米，再用胶带封好。"]


def test_a_deck_wider_than_the_column_with_a_comma_stays_in_its_stack_over_the_byline():
    """Kicker, title and a deck wider than the column holding a comma (no sentence end),
    right over the byline: each its own line, not one paragraph."""
    raw = ("车市观察\n星澜L上市插混车型再添新兵\n纯电续航125公里，综合油耗3.8L/100km\n本报记者庞亦舟\n"
           "本报凫川5月17日电凫川本地车\n企星澜汽车的新款中型SUV星澜L昨\n天在东坝区的总装基地下线，同时开\n"
           "启预售。新车提供1.5T插电混动\n和纯电两种版本，预售价14.38\n万元至18.98万元。")
    assert clean(raw).paragraphs[:4] == ["车市观察", "星澜L上市插混车型再添新兵", "纯电续航125公里，综合油耗3.8L/100km",
                                         "本报记者 庞亦舟"]


def test_a_short_line_ending_a_list_clause_ends_its_paragraph_unless_its_value_wraps_under_it():
    """A notice's salutation (`各村民小组：`) and a list's items ending `；` stop there; a label
    whose number or address wrapped onto the next line goes on with it."""
    body = ("为做好今年水利设施维修工作，村委\n会定于4月25日上午在村党群服务中\n心召开村民代表会议，讨论杏坪村\n"
            "水渠维修方案，请各村民小组推选\n代表按时参加，会上将通报资金使\n用情况，听取大家的意见和建议。")
    raw = f"各村民小组：\n{body}\n热线电话：\n0736-96399\n电子邮箱：\nnsmx@lanpumb.cn"
    assert clean(raw).paragraphs == ["各村民小组：", body.replace("\n", ""), "热线电话：0736-96399", "电子邮箱：nsmx@lanpumb.cn"]


def test_a_table_set_one_row_a_line_keeps_its_cells_apart_and_cleans_to_itself():
    """Rows whose cells stand spaces apart (a cleaned table, or a row an engine read across):
    each row a line, one space between cells, beside figures too; cleaned again, the same."""
    rows = ["排名 球队 场次 胜 平 负 积分", "1 砚江队 17 10 5 2 35", "2 北港队 16 10 3 3 33", "3 桐湾队 16 10 2 4 32"]
    quotes = ["600817 砚溪港务 17.12 -0.76%", "000519 江岳高速 10.19 +2.41%", "600943 江岳建工 46.90 -3.60%"]
    weather = ["鹤屿  晴转多云  18~24℃  北风2级", "青石 阴 22~27℃ 西北风4级", "柳湾 晴 24~34℃ 东风1级"]
    page = "积分榜\n" + "\n".join(rows + quotes + weather) + "\n今年联赛还剩三轮，砚江队只需再拿1分。"
    once = clean(page).text
    widened = [row.replace("~", "～") for row in weather]  # a range's tilde is full-width
    assert once.split("\n") == ["积分榜", *rows, *quotes, "鹤屿 晴转多云 18～24℃ 北风2级", *widened[1:],
                                 "今年联赛还剩三轮，砚江队只需再拿1分。"]
    assert clean(once).text == once


@pytest.mark.parametrize(("raw", "expected"), [
    ("据悉 , 我市 5 月 12 日\n开展 第 9 轮 检测\n共 发现 23 例 阳性", "据悉，我市5月12日\n开展第9轮检测\n共发现23例阳性"),
    ("2 . 5 万 人\n3 . 6 万 人\n4 . 1 万 人", "2.5万人\n3.6万人\n4.1万人"),  # a lone mark, single Han side by side
])
def test_lines_an_engine_spaced_apart_are_no_table(raw, expected):
    assert clean(raw).text == expected


@pytest.mark.parametrize("dateline", ["新华社日内瓦3月24日电", "本报柏林3月23日电", "本报3月24日讯", "新华社日内瓦3月24日\n电"])
def test_a_dateline_with_its_date_in_figures_is_a_lead_under_its_headline(dateline):
    """An agency's dateline with a date in figures opens the story as 本报讯 does: the headline
    over it stands apart, the byline's bracket and the body go on after it (wrapped before its
    电, too)."""
    body = ["世界卫生组织第七十九届世界卫", "生大会筹备会议二十四日在瑞士", "日内瓦开幕，来自一百六十多个",
            "国家和地区的代表出席会议。会", "议将讨论疫苗生产能力布局等议", "题，多国代表呼吁加强合作，推", "动疫苗生产能力就近布局。"]
    page = "\n".join(["多国呼吁疫苗生产能力就近布局", dateline + "（记者 傅远舟 安禾）", *body])
    head, story = clean(page).text.split("\n")
    assert head == "多国呼吁疫苗生产能力就近布局"
    assert story.startswith(dateline.replace("\n", "") + "（记者 傅远舟 安禾）世界卫生组织") and story.endswith("就近布局。")


def test_a_letters_signature_wrapped_before_its_name_is_one_line():
    """`——读者` / `何素琴` under a letter: one line, a space between; the column's label under it
    (`记者追踪`, a role word and no name) stays apart, unspaced."""
    letter = ["我们向社区反映过两次，得到", "的答复都是“再协调”。希望", "有关部门能出台更细的补偿", "办法，让一楼住户也有说话", "的地方。"]
    page = "\n".join([*letter, "——读者", "何素琴", "记者追踪", "3月10日，记者来到石榴路17号院。"])
    assert clean(page).text.split("\n")[1:] == ["——读者 何素琴", "记者追踪", "3月10日，记者来到石榴路17号院。"]


@pytest.mark.parametrize("mark", ["二", "＊＊＊"])
def test_a_storys_section_break_stands_alone_and_the_next_section_opens_a_paragraph(mark):
    """A serial's section number or row of stars between two sections: a line of its own (its
    one glyph is no word with the next line's first); a headline's first glyph wrapped alone is
    none (no sentence ends above it, no prose under it)."""
    before = ["上个月，我爹的柜子里多了一封。", "杜鹃的声音很轻，“一样的信封，", "一样没写名字。我爹看完就烧了", "，烧之前只说了一句，还是来了。"]
    after = ["回镇上的路有四里半。两个人谁", "也没说话，只听见脚下的冻土咯", "吱咯吱地响。走到供销社门口，", "杜鹃忽然站住了，说你看。"]
    lines = clean("\n".join([*before, mark, *after])).text.split("\n")
    assert lines[-2:] == [mark, "".join(after)]


def test_a_notices_contact_lines_each_open_a_paragraph():
    """A notice's contact labels with a word before them (`联系电话：`, `来访地址：`, `邮政编码：`)
    open a line each after a number, as `电话：` does (the number's groups apart, as its gold page
    prints them: `0736-2258 4471`)."""
    notice = ["公示期间，如对公示对象有异议，请以书", "面、电话或来访等方式向市领导小组办公", "室反映。反映情况要实事求是，以个人名",
              "义反映的请署真实姓名。", "联系电话：0736-22584471", "来访地址：岚浦市鹭门区滨江路88号市民中心B",
              "座507室", "邮政编码：417003"]
    assert clean("\n".join(notice)).text.split("\n")[1:] == [
        "联系电话：0736-2258 4471", "来访地址：岚浦市鹭门区滨江路88号市民中心B座507室", "邮政编码：417003"]


def test_names_read_one_a_line_are_one_line_and_a_headlines_short_pieces_are_not_names():
    """A 公示's names one a line (an engine's reading of its grid, in reading order): one line, a
    space between names, under the list's head, however long the list (spacing would take the
    spaces of a long line of two-glyph names). Short lines that do not open with surnames (a
    headline's pieces) are no list."""
    names = ["覃博明", "高远静", "覃伟平", "张涛", "谢国俊", "廖新刚", "陈菊勇", "于秋秀", "方春", "金雨洋",
             "汤欣", "陶秋娜", "黄娟", "陆娜雪", "江凯娜", "薛红秀", "韩梅帆", "田英秋", "汪学", "谢军洋",
             "石志", "陈雨静", "张雪", "贺建", "杜健英", "郑健", "马志", "梁成", "程生生", "侯英",
             "黎子", "贾芳", "魏雪丽", "蔡凯涵", "陆娜", "沈勇娜", "梁英", "向建", "秦琳敏", "史萍"]
    lines = clean("\n".join(["二、先进个人（40名）", *names, "三、公示期间接受社会监督。"])).text.split("\n")
    assert lines == ["二、先进个人（40名）", " ".join(names), "三、公示期间接受社会监督。"]
    pieces = ["菜篮子", "早春蔬", "菜集中", "上市", "价格稳", "中有降"]
    assert " ".join(pieces) not in clean("\n".join(pieces)).text


def test_units_read_one_a_line_are_one_line_and_a_headlines_bare_lines_are_not_units():
    """A 公示's units one a line (its 先进集体 grid in reading order): one line, a space between
    units, never glued (`…长堤社区雁回山镇…`). Bare lines that do not end as units' names (a
    headline stack) are no list."""
    units = ["石榴区新桥街道长堤社区", "雁回山镇北坪街道东堤社区", "市图书馆社区分馆服务部", "苇塘镇卫生院",
             "岚浦公交集团215路车队", "石榴区城市管理执法大队"]
    lines = clean("\n".join(["一、先进集体（6个）", *units, "二、先进个人（40名）"])).text.split("\n")
    assert lines == ["一、先进集体（6个）", " ".join(units), "二、先进个人（40名）"]
    stack = ["春耕备耕正当时", "全市新建高标准农田", "十二万亩良田披绿装", "本报记者 宁书瑶"]
    assert " ".join(stack[:3]) not in clean("\n".join(stack)).text


def test_a_qa_columns_question_opens_a_paragraph_under_the_columns_label():
    column = ["专家门诊", "问：我今年62岁，体检", "发现骨密度T值为-2.6，", "医生说是骨质疏松。每", "天补多少钙合适？",
              "答：50岁以上人群每天", "钙的推荐摄入量为1000", "～1200 mg，日常饮食大", "约能提供400 mg。"]
    assert [line[:4] for line in clean("\n".join(column)).text.split("\n")] == ["专家门诊", "问：我今", "答：50"]


def test_a_lead_alone_on_its_line_goes_on_with_its_story():
    """`本报讯` alone on a line under a byline, the story's first sentence (opening with a quote,
    its first line short) on the next: one paragraph (tests/eval_ninth dev ninth_10's top)."""
    page = (Path(__file__).resolve().parent / "eval_ninth" / "dev" / "ninth_10.txt").read_text(encoding="utf-8")
    top = "\n".join(page.splitlines()[:24])
    lead = next(line for line in clean(top).text.split("\n") if line.startswith("本报讯"))
    assert lead.startswith("本报讯“空腹血糖5.8 mmol/L，餐后两小")


def test_a_digest_item_ends_at_its_bracketed_source_and_the_next_title_stands_alone():
    """`（摘自《…》）` ends an item; the next item's title (no punctuation, over an indented first
    line: exactly two cells short) is a line of its own, in a column of eleven cells."""
    column = ["到座位的小学生。他开这", "条线路已有12年，认得沿", "线三所小学的大部分孩子。",
              "爱等的就是“陈叔叔的车”。", "(摘自《梧潭日报》)", "一碗米粉的标准", "梧潭米粉有了团体标",
              "准。标准规定，一碗合格", "的梧潭米粉，粉要用早灿", "米制作，汤头熬制不少于"]
    lines = clean("\n".join(column)).text.split("\n")
    assert lines[0].endswith("“陈叔叔的车”。（摘自《梧潭日报》）")
    assert lines[1:] == ["一碗米粉的标准", "梧潭米粉有了团体标准。标准规定，一碗合格的梧潭米粉，粉要用早灿米制作，汤头熬制不少于"]
    titled = ["有家长说，孩子放学后最", "爱等的就是“陈叔叔的车”。", "公交司机的“爱心座”", "28路公交车司机陈卫",
              "东在驾驶座旁放了一只小", "板凳，专门留给上车找不", "到座位的小学生。他开这"]
    assert clean("\n".join(titled)).text.split("\n")[1] == "公交司机的“爱心座”"


@pytest.mark.parametrize(("raw", "expected"), [
    ("本版主编：裴砚秋责任编辑：邵迟", "本版主编：裴砚秋 责任编辑：邵迟"),
    ("本版编辑：柴映雪视觉：邝南星", "本版编辑：柴映雪 视觉：邝南星"),
    ("主编称赞了他们", "主编称赞了他们"),  # prose: no credits
])
def test_editor_credits_get_back_the_space_between_their_roles(raw, expected):
    assert clean(raw).text == expected


def test_an_author_after_a_square_is_a_byline_of_its_own():
    """`□ 周望舒` under a 理论 page's headline (PP-OCR reads the square as ☐): a line of its own."""
    raw = "以县域商业体系建设\n畅通城乡经济循环\n☐ 周望舒\n内容提要：县域是连接城市与乡村的枢纽。"
    assert clean(raw).text.split("\n")[2] == "☐ 周望舒"


def test_a_title_over_a_table_read_one_cell_a_line_stays_its_own_line():
    cells = ["天气预报", "城市", "天气", "气温", "风力", "鹤屿", "晴转多云", "18~24℃", "北风2级",
             "岭东", "多云", "16~22℃", "东风3级"]
    assert clean("\n".join(cells)).text.split("\n")[:2] == ["天气预报", "城市 天气 气温 风力"]


def test_a_phone_directory_read_in_a_column_is_an_entry_a_line():
    """A 便民电话 box (a name, a colon and a number a line, one number wrapped after its
    area code's group): each entry a line, the wrapped group back on its entry; a contact
    line whose number wrapped after its first digits (`电话：139`) is no entry of its own."""
    box = ["便民电话", "市民服务热线：12345", "供水服务热线：0729-8826 1150", "燃气抢修：0729-8817", "0119",
           "公交集团：0729-8851 2266", "市中心医院急诊：120"]
    assert clean("\n".join(box)).text.split("\n") == [
        "便民电话", "市民服务热线：12345", "供水服务热线：0729-8826 1150", "燃气抢修：0729-88170119",
        "公交集团：0729-8851 2266", "市中心医院急诊：120"]
    assert DIRECTORY_ENTRY.fullmatch("电话：139") is None and DIRECTORY_ENTRY.fullmatch("电话：139 7362 0581")


@pytest.mark.parametrize(("raw", "header"), [
    ("便民服务 第9版 栖桐晚报\n2026年4月16日星期四", ["便民服务", "第9版", "栖桐晚报", "2026年4月16日 星期四"]),
    ("第12版 文史 栖桐日报\n2026年4月11日星期六", ["第12版", "文史", "栖桐日报", "2026年4月11日 星期六"]),
    ("文化·读书 第16版\n栖桐晚报", ["文化·读书", "第16版", "栖桐晚报"]),
    ("城市笔记 24\n栖桐周刊\n编辑：许眠设计：陆野", ["城市笔记", "24", "栖桐周刊", "编辑：许眠 设计：陆野"]),
])
def test_a_header_row_without_a_date_is_an_item_a_line(raw, header):
    """A page header's row of a page label and names (a weekly's bare page number on the
    page's first line), read as one line: an item a line, the editors' roles apart; clean
    again, the same."""
    body = "\n本报讯 全市今年新增就业岗位三万余个。"
    once = clean(raw + body).text
    assert once.split("\n")[:len(header)] == header
    assert clean(once).text == once


@pytest.mark.parametrize(("raw", "first_line"), [
    ("主编寄语\n今年是本报创刊七十周年，感谢读者。", "主编寄语"),  # a bare 主编 is no editor's role
    ("设计理念\n新馆的设计理念来自古渡口。", "设计理念"),  # nor a 设计 without its colon
    ("本报讯 2026年11月16日 记者 王某\n今天开会。", None),  # a lead with its date is no header row
])
def test_lines_that_only_look_like_page_furniture_keep_their_words_together(raw, first_line):
    lines = clean(raw).text.split("\n")
    if first_line is not None:
        assert lines[0] == first_line
    else:
        assert lines[0].startswith("本报讯") and "王某" in lines[0]


def test_a_subhead_after_a_square_is_no_byline():
    from cleaners.lines import is_byline

    assert is_byline("□ 周望舒") and not is_byline("□ 深化改革") and not is_byline("□ 守正 创新")


def test_a_laid_out_guide_row_loses_its_page_reference_as_a_marker():
    """A guide box laid out as a table (`要闻\t2版`): the page reference is a marker still."""
    result = clean("要闻\t2版\n城事\t3版\n文体\t5版", paragraphs_given=True)
    assert "版" not in result.text and [m.page for m in result.markers] == ["2", "3", "5"]


def test_a_narrow_column_piece_goes_on_into_the_sentence_end_under_it():
    """Pieces of a narrow column where no column shows (widths 6 to 12 around a 10-cell
    column): a piece with a clause mark that stops in a word goes on into the line under it
    that ends the sentence (`农资，直播成了` / `新农活。`)."""
    page = '具，数据成了新农资，直播\n成了新农活。\n电商的火热也带动了快\n递业务。县邮政分公司在全\n县建成村级寄递服务站186\n个，快递进村比例达到\n100%，农产品从田间到消\n费者手中的时间平均缩短了\n一天。\n手机成了新农\n具，数据成了新\n农资，直播成了\n新农活。\n不过，也有从业者坦\n言，直播带货竞争激烈，品\n控和售后是最大的考验。县\n里今年将建设农产品质量检'
    assert "农资，直播成了新农活。" in clean(page).text.split("\n")

