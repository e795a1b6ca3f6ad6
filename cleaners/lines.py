"""What kind of line is this? Shared evidence for paragraph reflow and spacing.

A newspaper page gives no markup, only evidence: sentence punctuation, line width
against the column, letter-spacing of display type, bylines, leads and guide bullets.
"""

from functools import lru_cache

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
CLAUSE_PUNCT = regex.compile(r"[，。、；：！？,;:!?]")

# A line that ends a sentence: `。` `！` `？` `…` `；` (or ASCII `.!?;` after Han), maybe closed by `”）`.
ENDS_SENTENCE = regex.compile(
    rf"(?:[{SENTENCE_END}]|(?<={HAN})[.!?;])[{CLOSING_AFTER_END}\"')]*[{HSPACE}]*$"
)

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

_NAME = r"[\p{Han}·]{2,4}(?:/[文图])?"
# A stand-alone byline or photo credit: `记者 蔺洋`, `通讯员 李雪/文 连敬春/图`, `签约摄影师 马宁 摄`.
BYLINE = regex.compile(
    rf"""^[{HSPACE}]*(?:
        (?:{BYLINE_ROLES})[{HSPACE}]*{_NAME}(?:[{HSPACE}]+(?:(?:{BYLINE_ROLES})[{HSPACE}]*)?{_NAME}){{0,5}}
          (?:[{HSPACE}]*摄)?
      | {_NAME}(?:[{HSPACE}]+{_NAME}){{0,5}}[{HSPACE}]*摄
      | \p{{Han}}{{2,4}}/[文图](?:[{HSPACE}]+\p{{Han}}{{2,4}}/[文图])+
    )[{HSPACE}]*$""",
    regex.VERBOSE,
)

_TOKEN_CORE = regex.compile(r"[^\p{Han}A-Za-z0-9]")
_HAN_GLYPH = regex.compile(HAN)


def visible_width(line: str) -> float:
    """Width in CJK cells: full-width glyphs 1, ASCII ½, whitespace 0.

    >>> visible_width("390 名隔离群众。")
    7.5
    """
    width = 0.0
    for ch in line:
        if ch.isspace() or ch == HARD_BREAK:
            continue
        width += 0.5 if ord(ch) < 0x2E80 and ch not in "“”‘’" else 1.0
    return width


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation.

    >>> ends_sentence("打赢疫情防控阻击战。”"), ends_sentence("市政协秘书长")
    (True, False)
    """
    return bool(ENDS_SENTENCE.search(line))


@lru_cache(maxsize=4096)
def is_letter_spaced(line: str) -> bool:
    """Display type OCR'd glyph by glyph: most space-separated tokens hold one Han glyph.

    >>> is_letter_spaced("坚 定 信 心 再 接 再 厉"), is_letter_spaced("紧盯薄弱环节 落实防控措施")
    (True, False)
    """
    tokens = line.split()
    if len(tokens) < 3:
        return False
    single = sum(1 for t in tokens if len(_TOKEN_CORE.sub("", t)) <= 1)
    return single / len(tokens) >= 0.6


# A space between two Chinese glyphs: the only kind that can part a headline's phrases
# (spaces beside digits and Latin are OCR's, not the typesetter's).
PHRASE_GAP = regex.compile(rf"(?<=[\p{{Han}}”’）》])[{HSPACE}]+(?=[\p{{Han}}“‘（《])")


@lru_cache(maxsize=4096)
def is_phrase_spaced_heading(line: str) -> bool:
    """A headline whose phrases are set apart by spaces (`紧盯薄弱环节 落实防控措施`).

    >>> is_phrase_spaced_heading("抗击疫情 我们始终在一起")
    True
    >>> is_phrase_spaced_heading("本报讯（记者 高伟山）5 月 12 日是国际护士节。")
    False
    >>> is_phrase_spaced_heading("个村（社区）共设置卡点 453个，下沉驻点")
    False
    """
    if SENTENCE_PUNCT.search(line) or LEAD.match(line) or visible_width(line) > 80:
        return False
    if len(CLAUSE_PUNCT.findall(line)) > 1 or is_letter_spaced(line):
        return False
    tokens = PHRASE_GAP.split(line.strip())
    return len(tokens) >= 2 and all(len(_HAN_GLYPH.findall(t)) >= 2 for t in tokens)


def is_byline(line: str) -> bool:
    """A stand-alone byline or credit line.

    >>> is_byline("通讯员 李雪/文 连敬春/图"), is_byline("签约摄影师 马宁 摄"), is_byline("李海峰等参加调研")
    (True, True, False)
    """
    return visible_width(line) <= 30 and bool(BYLINE.match(line))


def is_display_type(line: str) -> bool:
    """Headline evidence that holds whatever the column: Markdown mark, letter-spaced line
    without punctuation, phrase-spaced headline, byline."""
    if MARKDOWN_HEADING.match(line) or is_byline(line):
        return True
    if is_letter_spaced(line) and not CLAUSE_PUNCT.search(line):
        return True
    return is_phrase_spaced_heading(line)


def opens_paragraph(line: str) -> bool:
    """A line that always starts a paragraph: lead, guide item, indentation, Markdown heading."""
    return bool(
        LEAD.match(line) or GUIDE_ITEM.match(line) or INDENTED.match(line)
        or MARKDOWN_HEADING.match(line) or line.startswith(HARD_BREAK)
    )
