"""Inter-character spacing (contract rule 2).

No space between two CJK characters, between CJK and a digit or Latin letter, or
next to CJK punctuation; letter-spaced lines collapse. Spaces that carry meaning
stay, one each: between names in bylines and credits, between a headline's
phrases, after a dateline lead with no bracket, and between Latin words.
"""

import regex

from cleaners.charclasses import BYLINE_ROLES, CJK_PUNCT, CJK_QUOTES, HAN, HSPACE
from cleaners.lines import PHRASE_GAP, is_byline, is_phrase_spaced_heading

# Placeholder for a space that carries meaning, set before the removals and restored after.
_KEPT_SPACE = "\ue001"

# Whitespace between two Chinese characters, punctuation or quotes: OCR's letter-spacing.
GAP_BETWEEN_CJK = regex.compile(
    rf"(?<=[{HAN}{CJK_PUNCT}{CJK_QUOTES}])[{HSPACE}]+(?=[{HAN}{CJK_PUNCT}{CJK_QUOTES}])"
)

# Whitespace between CJK and a digit or Latin letter (`5 月 12 日`, `共发现 23 例`, `APP 办理`).
GAP_CJK_ALNUM = regex.compile(
    rf"(?<=[{HAN}{CJK_PUNCT}])[{HSPACE}]+(?=[0-9A-Za-z+])"
    rf"|(?<=[0-9A-Za-z%‰℃+])[{HSPACE}]+(?=[{HAN}{CJK_PUNCT}])"
    rf"|(?<=[“‘])[{HSPACE}]+(?=[0-9])|(?<=[0-9])[{HSPACE}]+(?=[”’])"
)

# GAP_BETWEEN_CJK and GAP_CJK_ALNUM in one pass. Each matches a whole run of spaces by the
# characters on its two sides, which removing other runs leaves as they are: one pass removes
# what the two did one after the other, and counts as many.
_GAP_BESIDE_CJK = regex.compile(f"{GAP_BETWEEN_CJK.pattern}|{GAP_CJK_ALNUM.pattern}")

# Whitespace inside a number or before its unit sign (`4. 2亿元`, `317 .7`, `100 %`).
GAP_IN_NUMBER = regex.compile(rf"(?<=[0-9][.．])[{HSPACE}]+(?=[0-9])|(?<=[0-9])[{HSPACE}]+(?=[.．][0-9]|[%‰℃])")

# Single digits spaced apart between Chinese text are one letter-spaced number (`2 0 2 3青阳`,
# `2  0  2  3青阳`: a run of spaces too, or collapsing runs would leave a new match behind);
# trailing space before a line's end counts as its end (hygiene strips it later: idempotence).
# (MULTILINE: `^` and `$` are line edges, so one pass over a whole page reads each line alone.)
GAP_IN_SPACED_DIGITS = regex.compile(
    rf"(?<=(?:^|[{HAN}{CJK_PUNCT}])[{HSPACE}]*[0-9](?:[{HSPACE}]+[0-9])*)[{HSPACE}]+"
    rf"(?=[0-9](?:[{HSPACE}]+[0-9])*[{HSPACE}]*(?:[{HAN}{CJK_PUNCT}]|$))",
    regex.MULTILINE,
)

# Runs of whitespace between Latin words collapse to one space.
SPACE_RUN = regex.compile(rf"[{HSPACE}]{{2,}}")

# A bracketed byline (`（记者 毛迎 孙江锋）`): its spaces between names carry meaning.
BYLINE_BRACKET = regex.compile(
    rf"[（(](?=[^（）()\n]{{0,20}}(?:{BYLINE_ROLES}))[^（）()\n]{{1,60}}[）)]"
)

# A line with a horizontal space: only such a line has spaces to protect, remove or collapse.
_HAS_HSPACE = regex.compile(rf"[{HSPACE}]")

# Space between two Han glyphs, inside a byline.
_GAP_BETWEEN_HAN = regex.compile(rf"(?<={HAN})[{HSPACE}]+(?={HAN})")

# A dateline lead with no bracket keeps one space before what follows (`本报讯 11月7日`).
DATELINE_GAP = regex.compile(rf"^[{HSPACE}]*(?:本报讯|又讯)\K[{HSPACE}]+(?=[^（(\s])")


def _protect_meaningful_spaces(line: str) -> str:
    if is_byline(line):
        return _GAP_BETWEEN_HAN.sub(_KEPT_SPACE, line.strip())
    if is_phrase_spaced_heading(line):
        line = PHRASE_GAP.sub(_KEPT_SPACE, line)
    if "（" in line or "(" in line:  # fast tests first: BYLINE_BRACKET opens with one
        line = BYLINE_BRACKET.sub(lambda m: _GAP_BETWEEN_HAN.sub(_KEPT_SPACE, m.group(0)), line)
    if "讯" in line:  # DATELINE_GAP follows 本报讯 or 又讯
        line = DATELINE_GAP.sub(_KEPT_SPACE, line)
    return line


def repair_line_spacing(line: str) -> tuple[str, int]:
    """Spacing of one paragraph line.

    >>> repair_line_spacing("核 酸 检 测 ，居 民 有 序 排 队 、依 次 采样 。")
    ('核酸检测，居民有序排队、依次采样。', 13)
    >>> repair_line_spacing("本报讯（记者 毛迎 孙江锋）5 月 12 日上午，共 4. 2亿元")[0]
    '本报讯（记者 毛迎 孙江锋）5月12日上午，共4.2亿元'
    >>> repair_line_spacing("紧盯薄弱环节  落实防控措施")[0], repair_line_spacing("切 实 织 密 战“ 疫 ”防 线")[0]
    ('紧盯薄弱环节 落实防控措施', '切实织密战“疫”防线')
    >>> repair_line_spacing("本报讯 11月7日, 9:00 in Hello  World")[0]
    '本报讯 11月7日, 9:00 in Hello World'
    """
    return _remove_gaps(_protect_meaningful_spaces(line))


def _remove_gaps(protected: str) -> tuple[str, int]:
    """Drop meaningless gaps and collapse space runs in text whose meaningful spaces are
    protected; the kept spaces come back. Returns (text, removals)."""
    count, out = 0, protected
    for pattern in (_GAP_BESIDE_CJK, GAP_IN_NUMBER, GAP_IN_SPACED_DIGITS):
        out, n = pattern.subn("", out)
        count += n
    # A fast test first: a run of two needs two ASCII spaces or a space of another kind.
    if "  " in out or "\t" in out or "\u3000" in out or "\u00a0" in out:
        out, n = SPACE_RUN.subn(" ", out)
        count += n
    return out.replace(_KEPT_SPACE, " "), count


def repair_intercharacter_spacing(text: str) -> tuple[str, int]:
    """Spacing of every line (one paragraph per line after reflow).

    >>> repair_intercharacter_spacing("史 根 治 向 在“ 战 地 ”过 节 的“ 大白”们\\n签约摄影师 马宁 摄")[0]
    '史根治向在“战地”过节的“大白”们\\n签约摄影师 马宁 摄'
    """
    # The removals never cross a line break, so after each spaced line's meaningful spaces are
    # protected they run once over the whole page: the same as line by line, in fewer calls.
    # A line with no horizontal space has nothing to protect, remove or collapse.
    lines = text.split("\n")
    out = "\n".join(
        _protect_meaningful_spaces(line) if _HAS_HSPACE.search(line) else line for line in lines
    )
    return _remove_gaps(out)


def count_residual_gaps(text: str) -> int:
    """Spaces between CJK characters that carry no meaning (what this rule would remove).

    >>> count_residual_gaps("核 酸 检 测，居民\\n紧盯薄弱环节 落实防控措施\\n（记者 毛迎 孙江锋）")
    3
    """
    return sum(
        len(GAP_BETWEEN_CJK.findall(_protect_meaningful_spaces(line)))
        for line in text.split("\n")
        if _HAS_HSPACE.search(line)
    )
