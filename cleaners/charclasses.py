"""Named Unicode classes the cleaners' patterns are built from.

Each constant is a fragment for use inside a `regex` character class (no
brackets), so patterns read as ``rf"[{HAN}{CJK_PUNCT}]"``.
"""

# Han ideographs (all CJK blocks, including extensions and compatibility forms).
HAN = r"\p{Han}"

# Full-width CJK punctuation that never takes a space beside it.
CJK_PUNCT = "，。、；：！？（）《》〈〉【】「」『』〔〕〖〗…—·～"

# Chinese quotation marks: no space between them and Han, but they also serve Latin text.
CJK_QUOTES = "“”‘’"

# Punctuation that ends a sentence in Chinese prose.
SENTENCE_END = "。！？…；"

# Closing marks that may follow a sentence end (`。”`, `。）`).
CLOSING_AFTER_END = "”’）》」』】"

# Any Chinese-context character: Han, CJK punctuation or Chinese quotes.
CJK = HAN + CJK_PUNCT + CJK_QUOTES

# Horizontal whitespace OCR puts between glyphs (ASCII space, tab, ideographic space, NBSP).
HSPACE = r" \t\u3000\u00a0"

# ASCII digits (full-width digits are folded to these first).
DIGIT = "0-9"

# Latin letters (ASCII; full-width letters are folded to these first).
LATIN = "A-Za-z"

# Guide-box bullets that open a guide item (`■我市开通心理疏导热线`).
GUIDE_BULLETS = "■□●◆◇▲△►▶★☆◎"

# Chinese numerals used in page numbers (`第二版`, `第十二版`).
CHINESE_NUMERALS = "〇零一二两三四五六七八九十"

# Roles that precede reporters' names in bylines and credits.
BYLINE_ROLES = (
    "本报记者|见习记者|特约记者|实习记者|摄影记者|全媒体记者|记者|通讯员|实习生|"
    "签约摄影师|摄影师|摄影|通讯|特约评论员|评论员"
)


# Agency leads that open a news story (`本报讯`, `又讯`, `新华社北京十二日电`), and datelines
# with a date in figures (`新华社日内瓦3月24日电`, `本报柏林3月23日电`, `本报3月24日讯`), maybe
# wrapped before their 电 (a line that ends at the date).
LEAD_WORDS = (r"本报讯|又讯|本报消息|据?新华社\p{Han}{0,8}电"
              r"|(?:据?新华社|本报)\p{Han}{0,8}(?:[0-9０-９]{1,2}月)?[0-9０-９]{1,2}日(?:电|讯|(?=[ \t\u3000]*$))")

# The gap between two cells of a table's row, set where reflow joins a row's cells read one a
# line (a private-use character: hygiene makes one in the input a space); spacing keeps it as
# one space (`鹤屿 晴转多云 18~24℃ 北风2级`: a cell beside a figure keeps its space).
CELL_GAP = "\ue002"

# Marks a table's cell never holds (clause and sentence punctuation, full- and half-width):
# a line with one is running text.
NOT_IN_A_CELL = "，。；！？、,;!?"

# Common Chinese surnames (single glyphs): a run of short lines is a list of names when most
# open with one (a headline's short pieces, `菜篮子` / `早春蔬`, seldom do).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浮"
)

# How a unit's name ends (`石榴区新桥街道长堤社区`, `市公安局鹭门分局滨江派出所`, `岚浦外国语学校`): a run
# of bare lines that most end so is a list of units (a 公示's 先进集体), no wrapped sentence.
UNIT_SUFFIXES = (
    "社区", "街道", "派出所", "卫生院", "医院", "学校", "小学", "中学", "幼儿园", "大学", "学院", "车队", "大队",
    "中队", "总队", "支队", "服务部", "服务站", "文化站", "公司", "集团", "委员会", "居委会", "村委会", "办公室",
    "办事处", "中心", "协会", "研究院", "研究所", "图书馆", "博物馆", "分馆", "分局", "管理局", "局", "镇", "乡",
    "村", "站", "所", "厂", "处", "科", "队", "部", "组",
)
