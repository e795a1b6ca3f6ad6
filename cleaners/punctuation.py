"""Punctuation width (contract rule 3): ASCII punctuation in Chinese context becomes
full-width; full-width letters and digits become ASCII. Chinese punctuation is never
mapped to ASCII (`，` and `、` would both become `,` and the difference is lost).
"""

import regex

from cleaners.charclasses import BYLINE_ROLES, CJK, HAN, HSPACE

# Full-width letters and digits (`ＧＤＰ２０２２`) are ASCII in any modern typesetting.
FULLWIDTH_ALNUM = regex.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")

# Each full-width letter and digit to its ASCII form (0xFEE0 below it).
_FULLWIDTH_TO_ASCII = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}

# Runs of each of the three blocks of FULLWIDTH_ALNUM: a single range, which the engine scans
# many times faster than a class of several. Folded block by block (each glyph on its own,
# the blocks apart), they fold what FULLWIDTH_ALNUM finds.
_FULLWIDTH_BLOCKS = [regex.compile(r"[\uff10-\uff19]+"), regex.compile(r"[\uff21-\uff3a]+"),
                     regex.compile(r"[\uff41-\uff5a]+")]

# Half-width CJK punctuation forms (`､` `｡` `｢` `｣`) are OCR reading full-width marks too narrowly.
HALFWIDTH_CJK_PUNCT = regex.compile(r"[\uff61-\uff64]")
_HALFWIDTH_TO_FULL = {"｡": "。", "｢": "「", "｣": "」", "､": "、"}

# Mismatched brackets from OCR (`〈…)`, `(…〉`, `（…)`, `(…）`) are one pair of round brackets;
# so is a book-title mark OCR read for a byline's bracket (`《记者 周晓燕）`: no title opens so).
LOOKALIKE_BRACKET_PAIR = regex.compile(
    r"(?:〈(?P<a>[^〈〉()（）\n]{0,80})[)）]"
    r"|[(（](?P<b>[^〈〉()（）\n]{0,80})〉"
    r"|（(?P<c>[^()（）\n]{0,80})\)"
    r"|\((?P<d>[^()（）\n]{0,80})）"
    rf"|《(?P<e>(?:{BYLINE_ROLES})[^《》()（）\n]{{0,40}})[)）])"
)

# The opening of LOOKALIKE_BRACKET_PAIR's last kind (a role word after `《`): with none of `〈`,
# `〉`, `(` or `)` on the page, only it can start a pair (and book titles seldom open with a role).
_BYLINE_AFTER_TITLE_MARK = regex.compile(rf"《(?:{BYLINE_ROLES})")

# A look-alike of the middle dot between two Han (a foreign name's separator, `卢卡斯·霍夫曼`):
# OCR reads `·` as a bullet `•`, a katakana `・` or an operator dot.
LOOKALIKE_MIDDLE_DOT = regex.compile(r"(?<=\p{Han})[•・‧∙⋅](?=\p{Han})")
_MIDDLE_DOT_LOOKALIKES = "•・‧∙⋅"

# A range's tilde between figures in Chinese text (`18~27℃`, `2〜3级`): PP-OCR reads the
# full-width ～ as ASCII `~` or the wave dash 〜, and every set's gold prints ～ (43 of 43).
# A Han glyph on the line tells Chinese text; a tilde in a run of ASCII with a slash or an at
# sign is an address's (`a.cn/1~2`).
RANGE_TILDE = regex.compile(r"(?<![/@][!-.0-?A-~]*)(?<=[0-9][℃%‰]?)[~〜](?=[0-9])(?![!-.0-?A-~]*[/@])")
_HAN_ON_LINE = regex.compile(HAN)

# An ASCII bracket pair; converted when it holds Han or stands beside Han (`县(市)` → `县（市）`).
ASCII_BRACKET_PAIR = regex.compile(r"\((?P<inner>[^()\n]{0,200})\)")

# A straight double-quote pair; converted to “…” when it holds Han or stands beside it.
STRAIGHT_DOUBLE_QUOTES = regex.compile(r'"(?P<inner>[^"\n]{1,200})"')

# A lone straight double quote before Han whose partner OCR read curly (`"没想到…。”`) opens
# the pair; one after Han whose partner is a curly opening (`“没想到…"`) closes it.
LONE_STRAIGHT_OPENING = regex.compile(r'"(?=\p{Han}[^"“”\n]{0,200}”)')
LONE_STRAIGHT_CLOSING = regex.compile(r'(?<=“[^"“”\n]{0,200}[\p{Han}。！？，])"')

# A straight single-quote pair holding Han (`'一盘棋'`); Latin apostrophes are left alone, and
# so is a pair around text already in curly quotes (`'‘核’'`, from `''核''`: idempotence).
STRAIGHT_SINGLE_QUOTES = regex.compile(
    rf"'(?![‘“])(?P<inner>[^'\n]{{0,100}}{HAN}[^'\n]{{0,100}})(?<![’”])'")

# Three or more ASCII dots beside Chinese text are a Chinese ellipsis.
ASCII_ELLIPSIS = regex.compile(rf"(?<=[{CJK}][{HSPACE}]*)\.{{3,}}|\.{{3,}}(?=[{HSPACE}]*[{CJK}])")

# `, ; : ! ?` with Chinese text on either side (spaces and other ASCII marks skipped);
# `1,350` and `9:00` have none.
_CLAUSE_MARK, _SKIPPED = "[,;:!?]", rf"[{HSPACE},;:!?().]"  # a mark; what its context reads through
ASCII_CLAUSE_PUNCT = regex.compile(
    rf"(?<=[{CJK}]{_SKIPPED}*){_CLAUSE_MARK}+|{_CLAUSE_MARK}+(?={_SKIPPED}*[{CJK}])"
)
_CLAUSE_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_CLAUSE_TO_FULL_TABLE = str.maketrans(_CLAUSE_TO_FULL)  # for str.translate, one call per match

# ASCII_CLAUSE_PUNCT's runs by the mark each opens with: a pattern that opens with a literal,
# which the engine scans for fast (the class of five has it try every position). One after the
# other they widen what ASCII_CLAUSE_PUNCT widens in one pass: a run's context reads through
# the marks around it, so widening another run first never decides whether it has one.
_CLAUSE_RUNS_OPENING_WITH = {
    mark: regex.compile(rf"(?<!{_CLAUSE_MARK}){regex.escape(mark)}{_CLAUSE_MARK}*+"
                        rf"(?:(?<=[{CJK}]{_SKIPPED}*)|(?={_SKIPPED}*[{CJK}]))")
    for mark in _CLAUSE_TO_FULL
}

# A full stop after Han that does not start a number or a Latin word (`情况.下一步`, not `3.5`).
ASCII_FULL_STOP = regex.compile(rf"(?<=[{HAN}”’）》][{HSPACE}]*)\.(?![{HSPACE}]*[0-9A-Za-z.])")

# An ASCII bracket or quote left unpaired right beside Han.
LONE_ASCII_BRACKET = regex.compile(
    rf"(?<=[{CJK}][{HSPACE},;:!?().]*)[()]+|[()]+(?=[{HSPACE},;:!?().]*[{CJK}])"
)

_HAN_RE = regex.compile(HAN)
_CJK_RE = regex.compile(rf"[{CJK}]")


def fold_fullwidth_alphanumerics(text: str) -> tuple[str, int]:
    """Full-width letters and digits become ASCII.

    >>> fold_fullwidth_alphanumerics("２０２２年ＧＤＰ增长")
    ('2022年GDP增长', 7)
    """
    count = 0

    def fold(match: regex.Match) -> str:
        nonlocal count
        count += len(match.group(0))
        return match.group(0).translate(_FULLWIDTH_TO_ASCII)

    for block in _FULLWIDTH_BLOCKS:
        text = block.sub(fold, text)
    return text, count


def repair_lookalike_brackets(text: str) -> tuple[str, int]:
    """OCR's mismatched brackets become one full-width pair.

    >>> repair_lookalike_brackets("各县〈市)适时开展")
    ('各县（市）适时开展', 1)
    >>> repair_lookalike_brackets("本报讯《记者周晓燕陈立新）5月12日，《人民日报》")
    ('本报讯（记者周晓燕陈立新）5月12日，《人民日报》', 1)
    """
    if "〈" not in text and "〉" not in text and "(" not in text and ")" not in text and (
            "《" not in text or not _BYLINE_AFTER_TITLE_MARK.search(text)):
        return text, 0  # a fast test first: each pair has one of these four, or `《` and a role

    def pair(match: regex.Match) -> str:
        inner = next(g for g in match.groups() if g is not None)
        return f"（{inner}）"

    return LOOKALIKE_BRACKET_PAIR.subn(pair, text)


def widen_ascii_punctuation(text: str) -> tuple[str, int]:
    """ASCII punctuation in Chinese context becomes full-width.

    Numbers (`3.5`, `1,350`), times (`9:00`), URLs and Latin text are untouched. A mark
    widened is Chinese context for its neighbours (`核,"0"`: the quotes stand beside `，`
    only once the comma is widened), so passes repeat until one changes nothing, as a
    second clean would find it (idempotence). Each pass only widens, so they end.

    >>> widen_ascii_punctuation('本报讯(记者 武芳)5月6日,在收听"一喷三防"后.')[0]
    '本报讯（记者 武芳）5月6日，在收听“一喷三防”后。'
    >>> widen_ascii_punctuation("1,350吨, 9:00开始, 约3.5亿元, 见http://www.example.cn")[0]
    '1,350吨， 9:00开始， 约3.5亿元， 见http://www.example.cn'
    >>> widen_ascii_punctuation('核,"0"')[0], widen_ascii_punctuation('"0",核')[0]
    ('核，“0”', '“0”，核')
    >>> widen_ascii_punctuation("''核''")[0], widen_ascii_punctuation("'‘核’'")[0]
    ("'‘核’'", "'‘核’'")
    """
    if not _gives_new_context(text):  # most pages: the first pass reaches the fixpoint
        out, count = _widen_once(text)
        return (out, count) if out != text else (text, 0)
    count = 0
    while True:
        out, n = _widen_once(text)
        if out == text:
            return out, count
        text, count = out, count + n


# What a widening pass can turn into Chinese context that the pass itself did not read:
# quotes and brackets (pairs), an ellipsis, half-width CJK forms. Clause marks and full stops
# give none: a run of clause marks reads its context through the marks and full stops beside
# it, and a full stop widens after Han or a closing mark only, so what one pass widens
# already held for the others in that pass.
_CONTEXT_MAKERS = ('"', "'", "(", ")", "...", *_HALFWIDTH_TO_FULL)


def _gives_new_context(text: str) -> bool:
    """Whether a widening pass over `text` may leave work for another pass (a mark of
    `_CONTEXT_MAKERS` in it); without one, the second pass would change nothing."""
    return any(mark in text for mark in _CONTEXT_MAKERS)


def _widen_once(text: str) -> tuple[str, int]:
    count = 0

    def bracket_pair(match: regex.Match) -> str:
        nonlocal count
        inner = match.group("inner")
        before = match.string[match.start() - 1 : match.start()]
        after = match.string[match.end() : match.end() + 1]
        if _HAN_RE.search(inner) or _CJK_RE.match(before) or _CJK_RE.match(after):
            count += 1
            return f"（{inner}）"
        return match.group(0)

    # Fast tests first: a pass whose trigger character is absent cannot match.
    out = ASCII_BRACKET_PAIR.sub(bracket_pair, text) if "(" in text else text

    def quote_pair(match: regex.Match) -> str:
        nonlocal count
        before = match.string[match.start() - 1 : match.start()]
        after = match.string[match.end() : match.end() + 1]
        if _HAN_RE.search(match.group("inner")) or _CJK_RE.match(before) or _CJK_RE.match(after):
            count += 1
            return f"“{match.group('inner')}”"
        return match.group(0)

    if '"' in out:
        out = STRAIGHT_DOUBLE_QUOTES.sub(quote_pair, out)
    if '"' in out:
        out, n = LONE_STRAIGHT_OPENING.subn("“", out)
        out, m = LONE_STRAIGHT_CLOSING.subn("”", out)
        count += n + m
    if "'" in out:
        out, n = STRAIGHT_SINGLE_QUOTES.subn(lambda m: f"‘{m.group('inner')}’", out)
        count += n
    if "(" in out or ")" in out:  # a fast test first: this pattern's scan is slow
        out, n = LONE_ASCII_BRACKET.subn(lambda m: m.group(0).replace("(", "（").replace(")", "）"), out)
        count += n
    if "..." in out:
        out, n = ASCII_ELLIPSIS.subn("……", out)
        count += n
    out, n = _widen_clause_marks(out)
    count += n
    out, n = ASCII_FULL_STOP.subn("。", out)
    count += n
    out, n = HALFWIDTH_CJK_PUNCT.subn(lambda m: _HALFWIDTH_TO_FULL[m.group(0)], out)
    count += n
    return out, count


def _widen_run(match: regex.Match) -> str:
    return match.group(0).translate(_CLAUSE_TO_FULL_TABLE)


def _widen_clause_marks(text: str) -> tuple[str, int]:
    """`ASCII_CLAUSE_PUNCT.subn` widening each run, found run by run of the marks on the page."""
    count = 0
    for mark, runs in _CLAUSE_RUNS_OPENING_WITH.items():
        if mark in text:
            text, n = runs.subn(_widen_run, text)
            count += n
    return text, count


def repair_punctuation_width(text: str) -> tuple[str, int]:
    """Look-alike brackets first (they pair across ASCII and full-width), then ASCII → full-width,
    then look-alike pairs again: widening one half of an ASCII pair beside Han makes one
    (`核 (0)` → `核（0)`), which a second clean would pair; and again while a pair so made
    widens the mark beside it (`,(0，)` → `，（0，）`).

    >>> repair_punctuation_width("核 (0)")
    ('核 （0）', 2)
    """
    out, n_brackets = repair_lookalike_brackets(text)
    out, n_widened = widen_ascii_punctuation(out)
    while n_widened:  # and a bracket paired so may widen the mark beside it (`,(0，)`): to the end
        out, n_paired = repair_lookalike_brackets(out)
        n_brackets += n_paired
        if not n_paired:
            break
        out, n_widened_again = widen_ascii_punctuation(out)
        n_widened += n_widened_again
        if not n_widened_again:
            break
    out, n_dots = repair_lookalike_middle_dots(out)
    out, n_tildes = widen_range_tildes(out)
    return out, n_brackets + n_widened + n_dots + n_tildes


def widen_range_tildes(text: str) -> tuple[str, int]:
    """A range's tilde between figures (`RANGE_TILDE`) becomes ～ on a line with Han.

    >>> widen_range_tildes("多云 18~27℃，东风2〜3级\\nhttp://a.cn/1~2")
    ('多云 18～27℃，东风2～3级\\nhttp://a.cn/1~2', 2)
    """
    if "~" not in text and "〜" not in text:
        return text, 0  # a fast test first: most pages hold none
    count = 0

    def widen(line: str) -> str:
        nonlocal count
        if not _HAN_ON_LINE.search(line):
            return line
        line, n = RANGE_TILDE.subn("～", line)
        count += n
        return line

    return "\n".join(widen(line) if ("~" in line or "〜" in line) else line for line in text.split("\n")), count


def repair_lookalike_middle_dots(text: str) -> tuple[str, int]:
    """A bullet or other dot OCR read for the middle dot between two Han becomes `·`; a bullet
    opening a line (a brief's `●`) stays.

    >>> repair_lookalike_middle_dots("店主卢卡斯•霍夫曼说，●本报讯")
    ('店主卢卡斯·霍夫曼说，●本报讯', 1)
    """
    if not any(dot in text for dot in _MIDDLE_DOT_LOOKALIKES):
        return text, 0  # a fast test first: most pages hold none
    return LOOKALIKE_MIDDLE_DOT.subn("·", text)
