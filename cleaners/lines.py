"""What kind of line is this? Shared evidence for paragraph reflow and spacing.

A newspaper page gives no markup, only evidence: sentence punctuation, line width
against the column, letter-spacing of display type, bylines, leads and guide bullets.
"""

from functools import lru_cache

import numpy as np
import regex

from cleaners.charclasses import (
    BYLINE_ROLES,
    CLOSING_AFTER_END,
    GUIDE_BULLETS,
    HAN,
    HSPACE,
    LEAD_WORDS,
    SENTENCE_END,
)
from cleaners.markers import HARD_BREAK

# Clause or sentence punctuation, ASCII or full-width: body text has it, display type seldom does.
CLAUSE_MARK_CHARS = "，。、；：！？,;:!?"
CLAUSE_PUNCT = regex.compile(f"[{CLAUSE_MARK_CHARS}]")


def has_clause_punct(line: str) -> bool:
    """Whether CLAUSE_PUNCT finds a mark in `line`, asked mark by mark with `in` (body text
    mostly has the first, `，`): cheaper than a regex search.

    >>> has_clause_punct("共有23例，"), has_clause_punct("紧盯薄弱环节 落实防控措施")
    (True, False)
    """
    return "，" in line or any(map(line.__contains__, CLAUSE_MARK_CHARS))

# ASCII marks that end a sentence after Han, and the ASCII closers that may follow a sentence end.
ASCII_SENTENCE_END = ".!?;"
ASCII_CLOSING_AFTER_END = "\"')"

# A line that ends a sentence: `。` `！` `？` `…` `；` (or ASCII `.!?;` after Han, or `.!?` after
# an English word: two small letters, not `Mr.` nor a decimal's `3.`), maybe closed by `”）"`;
# or a digest item's bracketed source after its last sentence (`（摘自《梧潭日报》）`), which
# ends the item.
ENDS_SENTENCE = regex.compile(
    rf"(?:(?:[{SENTENCE_END}]|(?<={HAN})[{ASCII_SENTENCE_END}]|(?<=[a-z]{{2}})[.!?])"
    rf"[{CLOSING_AFTER_END}{ASCII_CLOSING_AFTER_END}]*"
    rf"|[（(](?:摘自|摘编自|转自|选自|原载于?|来源[：:])[^（）()\n]{{1,30}}[）)])[{HSPACE}]*$"
)

# The glyphs a line that ends a sentence can end with (ENDS_SENTENCE's classes): a line ending
# with any other glyph ends no sentence, and one ending with a SENTENCE_END mark always does.
SENTENCE_LAST_GLYPHS = regex.compile(
    rf"[{SENTENCE_END}{ASCII_SENTENCE_END}{CLOSING_AFTER_END}{ASCII_CLOSING_AFTER_END}{HSPACE}]")

# An ASCII comma or colon between digits groups a number or writes a time (`1,083`, `9:00`):
# not clause punctuation.
NUMBER_SEPARATOR_MARKS = ",:"
NUMBER_SEPARATOR = regex.compile(rf"(?<=[0-9])[{NUMBER_SEPARATOR_MARKS}](?=[0-9])")


def clause_marks(line: str) -> int:
    """Clause or sentence punctuation marks in the line, number separators not counted.

    >>> clause_marks("各地排查整改隐患点位1,083处"), clause_marks("上午9:00开始，下午结束。")
    (0, 2)
    """
    return len(CLAUSE_PUNCT.findall(line)) - len(NUMBER_SEPARATOR.findall(line))


# Sentence-final punctuation anywhere: a headline has none.
SENTENCE_PUNCT = regex.compile(r"[。！？]")

# A Markdown heading (`# 标题`, `## 标题`).
MARKDOWN_HEADING = regex.compile(rf"^[{HSPACE}]*#{{1,6}}[{HSPACE}]")

# A guide item opens with a bullet (`■我市开通心理疏导热线`).
GUIDE_ITEM = regex.compile(rf"^[{HSPACE}]*[{GUIDE_BULLETS}]")

# A news lead opens a story (`本报讯（记者 高伟山）`, `又讯`, `据河南日报`): always a new paragraph.
LEAD = regex.compile(rf"^[{HSPACE}]*(?:{LEAD_WORDS})")

# Indentation (spaces or U+3000 before text) marks a paragraph start in OCR that kept it.
INDENTED = regex.compile(rf"^[{HSPACE}]+\S")

# A list's item opens with its number (`一、`, `（一）`, `(2)`, `3．`, `①`) or, in an ad or a
# notice, a contact label (`电话：`, `地址：`), or in a Q&A column `问：` or `答：`; after a line that ends a sentence, a list's clause
# (`；`, `：`) or a number it opens a paragraph, and its `一、` is no word's broken end (`统` /
# `一、规范` follows no sentence end).
CONTACT_LABELS = ("电话|地址|邮编|传真|网址|邮箱|联系人|热线|咨询电话|报名电话|联系电话|投诉电话|服务电话|值班电话"
                  "|热线电话|来访地址|通讯地址|联系地址|办公地址|邮政编码|电子邮箱|服务热线|短信平台"
                  "|问|答")  # (and a Q&A column's question and answer: `问：…`, `答：…`)
LIST_ITEM = regex.compile(
    rf"^[{HSPACE}]*(?:[一二三四五六七八九十]{{1,3}}、|[（(](?:[一二三四五六七八九十]{{1,3}}|[0-9]{{1,2}})[）)]"
    rf"|[0-9]{{1,2}}(?:、|[．.](?![0-9A-Za-z]))|[①-⑳]|(?:{CONTACT_LABELS})[：:])")
# The glyphs a LIST_ITEM match can begin with (its spaces aside).
LIST_ITEM_FIRST = ("一二三四五六七八九十（(0123456789" + "".join(map(chr, range(ord("①"), ord("⑳") + 1)))
                   + "".join({label[0] for label in CONTACT_LABELS.split("|")}))
# A list's clause ends with `；` or `：` (the items follow).
LIST_CLAUSE_END = "；：;:"
# An interview's speaker label (`记者：`, `沈伯年：`): a name of up to four Han and a colon open
# a question or an answer.
SPEAKER = regex.compile(rf"^[{HSPACE}]*\p{{Han}}{{1,4}}[：:]")

_NAME = r"[\p{Han}·]{2,4}(?:/[文图])?"
# An outlet before a role in a byline (`本报通讯员 葛宁`, `新华社记者 王某 摄`).
OUTLETS = r"本报|新华社|中新社|人民日报|新华网|晚报|日报|晨报|商报|都市报"
# A stand-alone byline or photo credit: `记者 蔺洋`, `通讯员 李雪/文 连敬春/图`, `签约摄影师 马宁 摄`,
# `晚报记者 卫澜 文/图`, `□ 周望舒` (an essay's author after the square a 理论 or 副刊 page sets),
# `文／林清` (the credit first, as a supplement's essays print it), `县政府研究室 供稿` (a
# special page's supplier: an office, bureau or company by its name's end);
# OCR may drop the spaces before a role word or after a `/文` mark (`记者林晓通讯员周航`).
BYLINE = regex.compile(
    rf"""^[{HSPACE}]*(?:
        (?:[文图][/／][文图][{HSPACE}]*)?(?:{OUTLETS})?(?:{BYLINE_ROLES})[{HSPACE}]*{_NAME}
          (?:(?:[{HSPACE}]+|(?<=/[文图]))(?:(?:{BYLINE_ROLES})[{HSPACE}]*)?{_NAME}
             |[{HSPACE}]*(?:{BYLINE_ROLES})[{HSPACE}]*{_NAME}){{0,5}}
          (?:[{HSPACE}]*(?:摄|文[/／]图|图[/／]文))?
      | {_NAME}(?:[{HSPACE}]+{_NAME}){{0,5}}[{HSPACE}]*摄
      | [□☐][{HSPACE}]*\p{{Han}}{{2,3}}
      | \p{{Han}}{{2,4}}/[文图](?:[{HSPACE}]+\p{{Han}}{{2,4}}/[文图])+
      | (?:文|图|摄影|撰文|图文)[/／][{HSPACE}]*\p{{Han}}{{2,4}}(?:[{HSPACE}]+(?:文|图|摄影)[/／][{HSPACE}]*\p{{Han}}{{2,4}}){{0,3}}
      | \p{{Han}}{{1,12}}(?:室|局|委|会|部|办|中心|院|所|站|社|队|组|处|厅|馆|公司|集团)[{HSPACE}]*供稿
    )[{HSPACE}]*$""",
    regex.VERBOSE,
)

# Every character `str.isspace()` (and so `str.split()`) counts as whitespace; none lies above U+3000.
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

# Any whitespace at all: a line without it is neither letter- nor phrase-spaced nor `# `-marked.
_ANY_SPACE = regex.compile(rf"[{WHITESPACE}]")

# A page header's date alone on its line (`2026年3月20日 星期五`), or a notice's dated sign-off
# (`2026年4月16日`): it stands apart like display type (the section name or paper after it is
# another header item; no headline phrase).
PAGE_DATE = regex.compile(
    r"[ \t\u3000]*[0-9０-９]{4}年[0-9０-９]{1,2}月[0-9０-９]{1,2}日"
    r"(?:(?P<gap>[ \t\u3000]*)(?:星期|周)[一二三四五六日天])?[ \t\u3000]*")

# A line that always opens a paragraph, in one match: lead, guide item, Markdown heading,
# indentation, or the hard break a jump marker left (LEAD, GUIDE_ITEM, MARKDOWN_HEADING, INDENTED).
# The group `lead` or `guide` is set when the line is a lead or a guide item (at most one is).
OPENS_PARAGRAPH = regex.compile(
    rf"[{HSPACE}]*(?:(?P<lead>{LEAD_WORDS})|(?P<guide>[{GUIDE_BULLETS}])|#{{1,6}}[{HSPACE}])"
    rf"|[{HSPACE}]+\S|{HARD_BREAK}"
)

# The glyphs an OPENS_PARAGRAPH match can begin with: horizontal space, the first glyphs of the
# lead words (`据` optional before `新`), a guide bullet, `#`, the hard break (a test holds it
# equal to what regex's partial matching finds over the whole BMP).
OPENS_PARAGRAPH_FIRST = regex.compile(rf"[{HSPACE}本又据新{GUIDE_BULLETS}#{HARD_BREAK}]")

_HAN_GLYPH = regex.compile(HAN)


# Whitespace and the hard break take no width. Counted by regex in C, not char by char.
_NO_WIDTH_CHARS = WHITESPACE + HARD_BREAK

# A character with no width: whitespace or the hard break (few per line, so cheap to count).
_NO_WIDTH = regex.compile(rf"[{_NO_WIDTH_CHARS}]")

# A half-width glyph: below the CJK blocks (U+2E80), not a Chinese quote, not whitespace.
_NARROW_GLYPH = regex.compile(rf"[^\u2e80-\U0010ffff“”‘’{_NO_WIDTH_CHARS}]")


@lru_cache(maxsize=8192)
def visible_width(line: str) -> float:
    """Width in CJK cells: full-width glyphs 1, ASCII ½, whitespace 0.

    Cached: reflow, spacing and article segmentation ask for the same lines again.

    >>> visible_width("390 名隔离群众。")
    7.5
    """
    narrow = len(_NARROW_GLYPH.findall(line))
    return (len(line) - len(_NO_WIDTH.findall(line)) - narrow) + 0.5 * narrow


# The opening and closing marks of brackets and quotes, full-width and ASCII (straight quotes
# are neither: they do not say which side they are on).
PAIR_OPENERS = "（(“‘《【「『〔〈"
PAIR_CLOSERS = "）)”’》】」』〕〉"
_PAIR_OPENER = regex.compile(f"[{regex.escape(PAIR_OPENERS)}]")
_PAIR_CLOSER = regex.compile(f"[{regex.escape(PAIR_CLOSERS)}]")

# Punctuation a line never starts with in Chinese typesetting (it closes what came before):
# a line that starts with one continues the line before, across any column break.
NEVER_STARTS_LINE = "，。、；：！？）》”’】」』〕,.;:!?)%‰"
NEVER_STARTS_LINE_SET = frozenset(NEVER_STARTS_LINE)


def unclosed_pairs(line: str) -> int:
    """Brackets and quotes the line opens and does not close (negative: closes more).

    >>> unclosed_pairs("本报讯（记者赵一"), unclosed_pairs("推进“放管服”改革")
    (1, 0)
    """
    return len(_PAIR_OPENER.findall(line)) - len(_PAIR_CLOSER.findall(line))


def starts_with_closing(line: str) -> bool:
    """The line's first glyph closes something: it cannot start a line of its own.

    >>> starts_with_closing("。他说"), starts_with_closing("”改革"), starts_with_closing("改革")
    (True, True, False)
    """
    stripped = line.strip()
    return bool(stripped) and stripped[0] in NEVER_STARTS_LINE


# A line that opens with a clause of one glyph (`作，楼阳生强调`): the glyph ends a word
# broken at the line before; no paragraph or headline opens so.
_ONE_GLYPH_CLAUSE = regex.compile(rf"^[{HSPACE}]*\p{{Han}}[{HSPACE}]*[，、；：,;:]")


# How a paragraph usually opens (`“…`, `据统计，`, `今年以来，`, `在杏花社区，`, `从市场结构看，`):
# in the body paragraphs of the gold pages such a sentence opens its paragraph 0.85 of the
# time, against 0.53 for sentences at large (`tools/count_paragraph_openers.py`). A full line
# that ends a sentence, then one of these: a new paragraph whose indent OCR dropped.
PARAGRAPH_OPENER = regex.compile(
    rf"^[{HSPACE}]*(?:“|据(?:介绍|统计|了解|悉)|今年以来|截至|从[^，。\n]{{1,8}}看，|在[^，。\n]{{2,10}}，|为[^，。\n]{{2,12}}，)")
# The glyphs a PARAGRAPH_OPENER match can begin with (its spaces aside).
PARAGRAPH_OPENER_FIRST = "“据今截从在为"


def opens_like_a_paragraph(line: str) -> bool:
    """Whether the line opens as a paragraph usually does (PARAGRAPH_OPENER).

    >>> opens_like_a_paragraph("据统计，今年全县"), opens_like_a_paragraph("“我们"), opens_like_a_paragraph("其中，出口")
    (True, True, False)
    """
    return PARAGRAPH_OPENER.match(line) is not None


# An e-mail address or a web address alone on a line (`youzuo2026@qq.com.`): wrapped from the
# sentence before it, never a headline.
LINK_LINE = regex.compile(
    rf"[{HSPACE}]*(?:[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|(?:https?://|www\.)[^\s]+)[.。]?[{HSPACE}]*")
# The glyphs a LINK_LINE match can begin with.
LINK_FIRST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-"


def is_link_line(line: str) -> bool:
    """Whether the line is an e-mail or web address alone.

    >>> is_link_line("youzuo2026@qq.com."), is_link_line("www.wutan.gov.cn"), is_link_line("NBA季后赛")
    (True, True, False)
    """
    return LINK_LINE.fullmatch(line) is not None


# A byline role word at a line's end (`图为活动现场。本报记者`): its name is on the next line (a
# role word ends no paragraph); a credit's `摄` alone on a line: the end of the line before.
LONE_CREDIT_END = regex.compile(rf"[{HSPACE}]*摄[{HSPACE}]*")


_ROLE_WORD_ENDS = tuple(BYLINE_ROLES.split("|"))
_HSPACE_GLYPHS = " \t\u3000\u00a0"


def ends_with_role(line: str) -> bool:
    """Whether a byline role word ends the line (spaces after it aside), its name still to come
    (read by str methods: a pattern anchored at the end is tried from every position).

    >>> ends_with_role("图为活动现场。本报记者"), ends_with_role("本报记者 房芮"), ends_with_role("摄影")
    (True, False, True)
    """
    return line.rstrip(_HSPACE_GLYPHS).endswith(_ROLE_WORD_ENDS)


def is_lone_credit_end(line: str) -> bool:
    """Whether the line is a credit's `摄` alone (wrapped from the line before)."""
    return LONE_CREDIT_END.fullmatch(line) is not None


def starts_with_fragment(line: str) -> bool:
    """The line opens with a closing mark or a one-glyph clause: the end of the line before.

    >>> starts_with_fragment("作,楼阳生强调"), starts_with_fragment("。他说"), starts_with_fragment("但是，")
    (True, True, False)
    """
    return starts_with_closing(line) or bool(_ONE_GLYPH_CLAUSE.match(line))


# A line that opens with a byline role word (`本报记者苏晴通讯员卞`): a byline, maybe wrapped.
ROLE_AT_START = regex.compile(rf"^[{HSPACE}]*(?:{BYLINE_ROLES})")

# A news lead broken over a line end (`本报` / `讯（记者…`, `本报讯` / `（记者…）`): the head
# ends a line, the tail (the rest of the word, or the byline bracket) opens the next.
LEAD_HEAD_AT_END = regex.compile(rf"(?:本报讯|又讯|本报|本|又)[{HSPACE}]*$")
LEAD_TAIL_AT_START = regex.compile(
    rf"^[{HSPACE}]*(?:报讯|讯|[（(〈《][^）)\n]{{0,8}}?(?:{BYLINE_ROLES}))"
)


def ends_with_opening(line: str) -> bool:
    """The line's last glyph opens a bracket or quote: what it opens is on the next line.

    >>> ends_with_opening("推进“"), ends_with_opening("推进“放管服”")
    (True, False)
    """
    stripped = line.strip()
    return bool(stripped) and stripped[-1] in PAIR_OPENERS


def is_list_item(line: str) -> bool:
    """The line opens with a list item's number or a contact label.

    >>> is_list_item("二、2026年主要预期"), is_list_item("（一）做强县域产业。"), is_list_item("1.5亿元")
    (True, True, False)
    >>> is_list_item("地址：沅栖县白沙铺镇茶乡路18号"), is_list_item("地址不详")
    (True, False)
    """
    return LIST_ITEM.match(line) is not None


def ends_list_clause(line: str) -> bool:
    """The line's last glyph ends a list's clause (`；`, `：`).

    >>> ends_list_clause("对以下区域暂停供水："), ends_list_clause("暂停供水")
    (True, False)
    """
    stripped = line.strip()
    return bool(stripped) and stripped[-1] in LIST_CLAUSE_END


def digit_edges(line: str) -> tuple[bool, bool]:
    """Whether the line starts and whether it ends with an ASCII digit.

    >>> digit_edges("7家企业在12"), digit_edges("共有")
    ((True, True), (False, False))
    """
    stripped = line.strip()
    return (bool(stripped) and stripped[0].isascii() and stripped[0].isdigit(),
            bool(stripped) and stripped[-1].isascii() and stripped[-1].isdigit())


# A figure standing alone on its line, as a figures box (`数说`) sets them: a number, then a
# percent or per-mille sign or up to three glyphs of its unit (`782.6亿元`, `126.3万人次`, `8.3%`).
FIGURE_LINE = regex.compile(rf"[{HSPACE}]*[0-9]+(?:[.,][0-9]+)*(?:[%‰]|\p{{Han}}{{1,3}})?[{HSPACE}]*")


# A data box's line: a label of a few glyphs, a colon, one figure (`贷款余额：2.41万亿元`,
# `不良贷款率：1.12%`): each its own line, as a figures box sets them; a date is no figure
# (`会议强调：2026年要` is a sentence broken in its column).
LABELLED_FIGURE = regex.compile(
    rf"[{HSPACE}]*\p{{Han}}{{2,10}}[：:][{HSPACE}]*[0-9]+(?:[.,][0-9]+)*(?:[%‰]|(?![年月日时])\p{{Han}}{{1,3}})?[{HSPACE}]*")


# A labelled figure is at most this many cells wide (a data box's line, not a sentence).
LABELLED_FIGURE_CELLS = 16


def is_figure(line: str) -> bool:
    """Whether the line is one figure and nothing else, or a data box's labelled figure.

    >>> is_figure("126.3万人次"), is_figure("8.3%"), is_figure("8.3%，同比"), is_figure("2026年4月9日")
    (True, True, False, False)
    >>> is_figure("贷款余额：2.41万亿元")
    True
    """
    return FIGURE_LINE.fullmatch(line) is not None or (
        is_labelled_figure(line) and visible_width(line) <= LABELLED_FIGURE_CELLS)


def is_labelled_figure(line: str) -> bool:
    """Whether the line is a label, a colon and one figure, and nothing else.

    >>> is_labelled_figure("贷款余额：2.41万亿元"), is_labelled_figure("不良贷款率：1.12%")
    (True, True)
    >>> is_labelled_figure("会议强调：2026年要"), is_labelled_figure("电话：0739-5826618")
    (False, False)
    """
    return LABELLED_FIGURE.fullmatch(line) is not None


# -- The same evidence per code point, as look-up tables for whole-page work in numpy. --------

_BMP = "".join(map(chr, range(0x10000)))


def bmp_table(pattern: regex.Pattern) -> np.ndarray:
    """1 for each BMP code point that `pattern` matches, else 0."""
    table = np.zeros(0x10000, dtype=np.uint8)
    table[[m.start() for m in pattern.finditer(_BMP)]] = 1
    return table


# What a line's evidence counts, per BMP code point, as the rows of `CODE_POINT_EVIDENCE`:
# width in half cells by the rule of `visible_width` (0, 1 narrow or 2 full), whitespace
# (`str.isspace`), clause punctuation (`CLAUSE_PUNCT`), sentence punctuation (`SENTENCE_PUNCT`),
# and the opening and closing marks of bracket and quote pairs (`PAIR_OPENERS`, `PAIR_CLOSERS`).
HALF_CELLS, SPACES, CLAUSE_MARKS, SENTENCE_MARKS, OPENERS, CLOSERS = range(6)
CODE_POINT_EVIDENCE = np.stack(
    [
        np.where(bmp_table(_NO_WIDTH), 0, np.where(bmp_table(_NARROW_GLYPH), 1, 2)),
        bmp_table(_ANY_SPACE),
        bmp_table(CLAUSE_PUNCT),
        bmp_table(SENTENCE_PUNCT),
        bmp_table(_PAIR_OPENER),
        bmp_table(_PAIR_CLOSER),
    ]
).astype(np.uint8)  # small values: a quarter of the bytes to gather per page


def code_points(text: str) -> np.ndarray:
    """The code points of `text`, to index the table above. Those beyond the BMP read as
    U+FFFF, which like them is full-width, not whitespace and not punctuation.

    >>> code_points("a核\U00020000").tolist()
    [97, 26680, 65535]
    """
    utf32 = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.minimum(utf32, 0xFFFF)


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation.

    >>> ends_sentence("打赢疫情防控阻击战。”"), ends_sentence("市政协秘书长")
    (True, False)
    """
    return bool(ENDS_SENTENCE.search(line))


# Spaces beside a digit: OCR sets them around any number, so they say nothing of letter-spacing.
_SPACE_BESIDE_DIGIT = regex.compile(rf"(?<=[0-9])[{HSPACE}]+|[{HSPACE}]+(?=[0-9])")

# A digit: a line without one has no space beside a digit (a single range, which the engine
# scans for fast, where a class of spaces first has it try every position).
_DIGIT = regex.compile("[0-9]")

# Anything but a glyph (Han, a letter, a digit) or whitespace: what a token's glyph count leaves out.
_NOT_GLYPH_OR_SPACE = regex.compile(rf"[^\p{{Han}}A-Za-z0-9{WHITESPACE}]")


@lru_cache(maxsize=4096)
def is_letter_spaced(line: str) -> bool:
    """Display type OCR'd glyph by glyph: most space-separated tokens hold one Han glyph.

    >>> is_letter_spaced("坚 定 信 心 再 接 再 厉"), is_letter_spaced("紧盯薄弱环节 落实防控措施")
    (True, False)
    >>> is_letter_spaced("市初中学业水平体育考试将于 5 月 20 日")
    False
    """
    if len(line.split(None, 2)) < 3:  # a fast test first: dropping spaces never adds a token
        return False
    spaced = _SPACE_BESIDE_DIGIT.sub("", line) if _DIGIT.search(line) else line
    raw = spaced.split()
    tokens = len(raw)
    if tokens < 3:
        return False
    # A token of one character counts as one glyph or none, so one of a single glyph: when those
    # alone make the share (most letter-spaced lines), the glyphs need not be read.
    if list(map(len, raw)).count(1) / tokens >= 0.6:
        return True
    # Each token's glyphs, in one pass over the line; a token without any drops out of the split.
    glyphs = _NOT_GLYPH_OR_SPACE.sub("", spaced).split()
    single = tokens - len(glyphs) + list(map(len, glyphs)).count(1)  # (a token of the split has a glyph)
    return single / tokens >= 0.6


# A byline role inside an opening bracket (`（记者 …`): the spaces near it part names.
BRACKETED_ROLE = regex.compile(rf"[（(〈《][^）)\n]{{0,8}}?(?:{BYLINE_ROLES})")

# A space between two Chinese glyphs: what parts a headline's phrases when it has clause
# punctuation (a space beside a digit there is OCR's: `统计，5 天假期`).
PHRASE_GAP = regex.compile(rf"(?<=[\p{{Han}}”’）》])[{HSPACE}]+(?=[\p{{Han}}“‘（《])")
# ASCII punctuation, as OCR reads a body line's (`售额的 14%.省卫生`), a decimal point aside
# (`增长5.8%`): no bare headline.
ASCII_MARKS = regex.compile(r"[,;:!?]|(?<![0-9])\.|\.(?![0-9])")
# Without clause punctuation a phrase may also end or open with a digit or a Latin letter
# (`2026澜川马拉松 3月22日开跑`, `提速 5G基站`): Chinese on one side at least.
PHRASE_GAP_BARE = regex.compile(
    rf"(?:(?<=[\p{{Han}}”’）》])[{HSPACE}]+(?=[\p{{Han}}“‘（《0-9A-Za-z])|(?<=[0-9A-Za-z%])[{HSPACE}]+(?=[\p{{Han}}“‘（《]))")


@lru_cache(maxsize=4096)
def is_phrase_spaced_heading(line: str) -> bool:
    """A headline whose phrases are set apart by spaces (`紧盯薄弱环节 落实防控措施`).

    >>> is_phrase_spaced_heading("抗击疫情 我们始终在一起")
    True
    >>> is_phrase_spaced_heading("本报讯（记者 高伟山）5 月 12 日是国际护士节。")
    False
    >>> is_phrase_spaced_heading("个村（社区）共设置卡点 453个，下沉驻点")
    False
    >>> is_phrase_spaced_heading("2026澜川马拉松 3月22日开跑"), is_phrase_spaced_heading("据市文化广电旅游局统计，5 天假期")
    (True, False)
    """
    if "。" in line or "！" in line or "？" in line:  # SENTENCE_PUNCT; cheapest first: most lines fail these two
        return False
    stripped = line.strip()
    if not (" " in stripped or "\u3000" in stripped or "\t" in stripped or "\u00a0" in stripped):
        return False  # no space inside the line (an indented line has it only before): no PHRASE_GAP
    bare = not has_clause_punct(stripped) and not ASCII_MARKS.search(stripped)
    tokens = (PHRASE_GAP_BARE if bare else PHRASE_GAP).split(stripped)
    # (The length first: no glyph is wider than one cell, so a short line is never too wide.)
    if len(tokens) < 2 or LEAD.match(line) or (len(line) > 80 and visible_width(line) > 80):
        return False
    if len(CLAUSE_PUNCT.findall(line)) > 1 or is_letter_spaced(line):
        return False
    if BRACKETED_ROLE.search(line):  # `（记者 陶锋芳 谭杰鹏）七是`: a lead's byline, not phrases
        return False
    return all(len(_HAN_GLYPH.findall(t)) >= 2 for t in tokens)


# A digest item's source on a line of its own (`来源：滨湘广播电视台`, `稿源：新华社`): a credit
# line like a byline, nothing joins it.
SOURCE_CREDIT = regex.compile(rf"[{HSPACE}]*(?:来源|稿源|文章来源|信息来源)[：:][{HSPACE}]*[\p{{Han}}A-Za-z0-9·《》]{{2,24}}[{HSPACE}]*")


def is_source_credit(line: str) -> bool:
    """A digest item's source alone on its line.

    >>> is_source_credit("来源：滨湘广播电视台"), is_source_credit("来源：据统计，全市"), is_source_credit("资金来源：财政拨款")
    (True, False, False)
    """
    return SOURCE_CREDIT.fullmatch(line) is not None


# A column's label that opens with a role word (`记者追踪`, `记者手记`, `本报记者调查`): the words
# after the role are the column's kind, no reporter's name.
REPORTERS_COLUMN = regex.compile(
    rf"[{HSPACE}]*(?:本报)?记者[{HSPACE}]*(?:手记|观察|调查|追踪|跟踪|连线|探访|暗访|走访|再访|体验|札记|笔记|直击|实录|视线|来信)[{HSPACE}]*"
)


def is_byline(line: str) -> bool:
    """A stand-alone byline or credit line. Every BYLINE match holds 记, 通, 实, 摄 or 评
    (each role word has one), 摄 (a credit ends in it) or `/` or `／` (a `/文` `/图` credit,
    or one the credit opens: `文／林清`).

    >>> is_byline("通讯员 李雪/文 连敬春/图"), is_byline("签约摄影师 马宁 摄"), is_byline("李海峰等参加调研")
    (True, True, False)
    >>> is_byline("记者林晓通讯员周航"), is_byline("通讯员李雪/文连敬春/图"), is_byline("记者从市教育局获悉")
    (True, True, False)
    >>> is_byline("文／林清"), is_byline("图/马宁 文/李雪"), is_byline("文/图：见第3版")
    (True, True, False)
    >>> is_byline("县政府研究室 供稿"), is_byline("县政府研究室供稿"), is_byline("请各单位于月底前供稿")
    (True, True, False)
    >>> is_byline("记者追踪"), is_byline("记者手记"), is_byline("记者 赵手")
    (False, False, True)
    """
    if "源" in line and is_source_credit(line):
        return True  # a digest item's source stands alone as a byline does
    if not ("记" in line or "摄" in line or "通" in line or "实" in line or "/" in line
            or "评" in line or "／" in line or "供稿" in line or "□" in line or "☐" in line):
        return False  # a fast test first: every BYLINE match holds one of these
    if "，" in line or "。" in line:
        return False  # and none holds clause punctuation (body text mostly has some)
    if "记者" in line and REPORTERS_COLUMN.fullmatch(line):
        return False  # a column's label (`记者追踪`, `记者手记`): no name after its role
    bare = line.strip(_BYLINE_EDGES)
    if not (bare.startswith(_BYLINE_HEADS) or bare.endswith(("摄", "供稿")) or "/" in line or "／" in line
            or bare.startswith(("□", "☐"))):
        return False  # and each opens with an outlet or a role, ends with 摄, or holds a `/`
    # (The length first: no glyph is wider than one cell, so a short line is never too wide.)
    return bool(BYLINE.match(line)) and (len(line) <= 30 or visible_width(line) <= 30)


# What BYLINE's three kinds need, for a fast test: the first opens with an outlet or a role
# word after any spaces, the second ends with 摄 before any spaces, the third holds `/文` or `/图`.
_BYLINE_EDGES = HSPACE.encode().decode("unicode_escape") + "\n"  # HSPACE's characters; `$` allows a last \n
_BYLINE_HEADS = (*OUTLETS.split("|"), *BYLINE_ROLES.split("|"))


def is_spaced_heading(line: str, punctuated: bool | None = None) -> bool:
    """Headline evidence that needs a space: Markdown mark, letter-spaced line without
    punctuation, phrase-spaced headline. `punctuated`: whether the line holds a CLAUSE_PUNCT
    mark, when the caller has counted them already (`line_features` has, for every line).

    >>> is_spaced_heading("## 全省观摩会"), is_spaced_heading("坚 定 信 心"), is_spaced_heading("共有 23 例，")
    (True, True, False)
    """
    if "#" in line and MARKDOWN_HEADING.match(line):  # a fast test first: the mark is a `#`
        return True
    if punctuated is None:
        punctuated = has_clause_punct(line)
    if not punctuated and is_letter_spaced(line):
        return True
    return is_phrase_spaced_heading(line)


@lru_cache(maxsize=4096)
def is_display_type(line: str) -> bool:
    """Headline evidence that holds whatever the column: Markdown mark, letter-spaced line
    without punctuation, phrase-spaced headline, byline, a page header's date, label or
    editor credits."""
    if is_byline(line) or is_page_date(line) or is_header_item(line):
        return True
    # The other kinds all need a space (`# `, letter-spacing, phrases).
    return bool(_ANY_SPACE.search(line)) and is_spaced_heading(line)


# A page's editor credits alone on their line (`责任编辑庞雪`, `责编周琪 美编陈冉`,
# `责任编辑：曹禾 校对：霍然`, `本版主编：裴砚秋 视觉：邝南星`; a bare `主编` is no role: `主编寄语` heads a column): each role word, maybe a colon, then
# a name of two or three glyphs.
# A header item: no headline or body text joins it.
EDITOR_ROLES = (r"本版主编|本版编辑|责任编辑|美术编辑|图片编辑|版面编辑|值班编辑|责任校对|版面设计"
                r"|责编|美编|编辑|校对|版式|组版|排版|视觉"
                # roles that are words of prose too (`设计理念`): only with their colon (`设计：陆野`)
                r"|(?:设计|制图|审读|审校|数据)(?=[ \t\u3000]*[:：])")
# (a name of two or three Han, four after a colon: a compound surname, `图片编辑：司徒一苇`; after
# `数据：` its source, `芷岸证券研究所`)
EDITOR_CREDITS = regex.compile(
    rf"[ \t\u3000]*(?:(?:{EDITOR_ROLES})[ \t\u3000]*(?:[:：][ \t\u3000]*\p{{Han}}{{2,4}}|\p{{Han}}{{2,3}})[ \t\u3000]*)+"
    rf"(?:数据[ \t\u3000]*[:：][ \t\u3000]*\p{{Han}}{{2,10}}[ \t\u3000]*)?")


def is_editor_credits(line: str) -> bool:
    """A page's editor credits alone on the line.

    >>> is_editor_credits("责任编辑:曹禾校对:霍然"), is_editor_credits("责编周琪 美编陈冉"), is_editor_credits("编辑部的故事")
    (True, True, False)
    >>> is_editor_credits("责任编辑：严照图片编辑：司徒一苇"), is_editor_credits("责任编辑：岳千帆数据：芷岸证券研究所")
    (True, True)
    >>> is_editor_credits("本版编辑 郝晴 校对 罗文"), is_editor_credits("编辑 郝晴")
    (True, True)
    """
    return ("编" in line or "校对" in line or "版" in line) and EDITOR_CREDITS.fullmatch(line) is not None


# A page's label alone on its line (`第4版`, `第C6版`, `A14`), a masthead's registration or issue
# number (`国内统一连续出版物号：CN36-0118`, `第5823期 今日4版`, `第18期（总第871期）`), or the
# paper's name (`芷岸日报`, `澜川晚报`, `芷岸都市报`): header items.
PAGE_LABEL = regex.compile(
    r"[ \t\u3000]*(?:第[A-Z]?[0-9一二三四五六七八九十]{1,3}版|[A-Z][0-9]{1,2}|\p{Han}{2,4}(?:日|晚|早|周|时|商|都市)报"
    r"|(?:国内统一(?:连续出版物号|刊号)[：:]?[ \t\u3000]*)?CN[ \t\u3000]*[0-9]{2}-[0-9]{4}(?:/[A-Z0-9]+)?"
    r"|第[0-9]{1,5}期(?:[ \t\u3000]*[（(]总第[0-9]{1,6}期[）)])?(?:[ \t\u3000]*(?:今日|本期)[0-9]{1,3}版)?)[ \t\u3000]*")


# A page header's item (`国内统一连续出版物号：CN36-0118`, `责任编辑：曹禾 校对：霍然`) is at most this
# many cells wide.
HEADER_ITEM_CELLS = 24


def is_header_item(line: str) -> bool:
    """A page header's item other than its date: the page's label, registration or issue
    number, or editor credits, at most HEADER_ITEM_CELLS wide.

    >>> is_header_item("A14"), is_header_item("第4版"), is_header_item("责编 霍然"), is_header_item("A14版面")
    (True, True, True, False)
    >>> is_header_item("第C6版"), is_header_item("芷岸日报"), is_header_item("日报")
    (True, True, False)
    >>> is_header_item("国内统一连续出版物号：CN36-0118"), is_header_item("第5823期 今日4版"), is_header_item("第3期工程")
    (True, True, False)
    """
    return (PAGE_LABEL.fullmatch(line) is not None or is_editor_credits(line)) and visible_width(line) <= HEADER_ITEM_CELLS


def is_page_date(line: str) -> bool:
    """A page header's date and weekday alone on a line.

    >>> is_page_date("2026年3月20日 星期五"), is_page_date("2026年3月18日星期三"), is_page_date("3月18日星期三，晴")
    (True, True, False)
    >>> is_page_date("2026年4月16日"), is_page_date("2026年4月16日起施行")
    (True, False)
    """
    return "日" in line and may_be_page_date(line) and PAGE_DATE.fullmatch(line) is not None


def may_be_page_date(line: str) -> bool:
    """Whether `line` opens as every PAGE_DATE match does: with a space or a digit, ASCII or
    full-width (read by comparing the line, which takes no glyph out of it; prose opens with
    Han, and the pattern need not be asked).

    >>> may_be_page_date("2026年3月20日 星期五"), may_be_page_date("\u3000２０２６年"), may_be_page_date("5月12日上午")
    (True, True, True)
    >>> may_be_page_date("市委书记5月12日到")
    False
    """
    return line.startswith((" ", "\t", "\u3000")) or "0" <= line < ":" or "０" <= line < "："


def opens_paragraph(line: str) -> bool:
    """A line that always starts a paragraph: lead, guide item, indentation, Markdown heading."""
    return bool(OPENS_PARAGRAPH.match(line))
