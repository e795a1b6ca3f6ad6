"""Line roles: the seam between evidence and paragraphs (contract rule 1).

Reflow is two steps. First each line of a page gets a role from evidence: from the text
alone (`cleaners.paragraphs.infer_text_roles`) or from the boxes an OCR engine saw (the
layout package). Then one assembly, `assemble_paragraphs`, turns lines and roles into
paragraphs, whoever decided the roles.

A role says how a line relates to the line before it:

- `continues`: the same paragraph (or headline, or guide item) goes on: joined to it;
- `starts_paragraph`: a new body paragraph;
- `display` (kind kicker, headline, subheadline or subhead), `byline`, `caption`, `credit`,
  `guide`: a line of its own kind, which starts a new line of the output; a wrapped
  headline or guide item continues on the next line with `continues`, a headline's next
  phrase with `continues:headline` (`NEXT_PHRASE`: a space between), a listing's programme
  after its time with `continues:cell` (`NEXT_CELL`, the same).
"""

from dataclasses import dataclass
from enum import StrEnum

import regex

from cleaners.charclasses import CELL_GAP


class Role(StrEnum):
    """What a line is, relative to the line before it."""

    CONTINUES = "continues"
    STARTS_PARAGRAPH = "starts_paragraph"
    DISPLAY = "display"
    BYLINE = "byline"
    CAPTION = "caption"
    CREDIT = "credit"
    GUIDE = "guide"


class DisplayKind(StrEnum):
    """Which display line: read from position in a stack (text) or glyph size (geometry)."""

    KICKER = "kicker"
    HEADLINE = "headline"
    SUBHEADLINE = "subheadline"
    SUBHEAD = "subhead"
    CELL = "cell"  # a listing's next cell (`continues:cell`: the programme after its time)


@dataclass(frozen=True)
class LineRole:
    """A line's role; `display` is set for display lines only."""

    role: Role
    display: DisplayKind | None = None

    @property
    def starts_line(self) -> bool:
        """Whether the line opens a new line of the output (everything but `continues`)."""
        return self.role is not Role.CONTINUES

    def __str__(self) -> str:
        return f"{self.role}:{self.display}" if self.display else str(self.role)


CONTINUES = LineRole(Role.CONTINUES)
# A headline's next phrase on a line of its own: it goes on the headline, a space between.
NEXT_PHRASE = LineRole(Role.CONTINUES, DisplayKind.HEADLINE)
# A listing's next cell on a line of its own (`08:35` / `电视剧：江城往事`): a space between.
NEXT_CELL = LineRole(Role.CONTINUES, DisplayKind.CELL)
STARTS_PARAGRAPH = LineRole(Role.STARTS_PARAGRAPH)


# ASCII letters: two words when a join puts them side by side.
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
# The Latin word a line ends with, hyphens inside it (`Wi-Fi`): its letters tell a word from a code
_LATIN_WORD_END = regex.compile(r"[A-Za-z][A-Za-z-]*$")
# A line of English: at least this share of its glyphs (spaces aside) are ASCII letters, and
# this many at least. Two such lines joined are two words apart whatever ends and opens them
# (`3,000` / `books.`, `he says.` / `"They`), unless the first ends in a hyphen (`well-`).
ENGLISH_SHARE = 0.6
ENGLISH_LETTERS = 4


def is_english(line: str) -> bool:
    """Whether `line` is a line of English prose (`ENGLISH_SHARE` of it ASCII letters).

    >>> is_english("carries more than 3,000"), is_english("共有 APP"), is_english("3.5%")
    (True, False, False)
    """
    letters = sum(1 for c in line if c in _LATIN)
    return letters >= ENGLISH_LETTERS and letters >= ENGLISH_SHARE * (len(line) - line.count(" "))


def _mixed_case_word(line: str) -> bool:
    """Whether the Latin word ending `line` is a name in capitals and small letters (`Wi-Fi`,
    `iOS`), whose number stands a space after it (`Wi-Fi 7`), where a code in capitals takes it
    close (`PM2.5`) and a unit in small letters is a table's cell (`96cm` / `3月4日`).

    >>> _mixed_case_word("家里的Wi-Fi"), _mixed_case_word("细颗粒物PM"), _mixed_case_word("潮高96cm")
    (True, False, False)
    """
    word = _LATIN_WORD_END.search(line)
    return word is not None and any(c.islower() for c in word.group(0)) and any(c.isupper() for c in word.group(0))


def assemble_paragraphs(lines: list[str], roles: list[LineRole]) -> list[str]:
    """Join each `continues` line to the one before; every other role opens a new paragraph.

    Lines are stripped; a join puts nothing between CJK glyphs and one space between two
    Latin letters (two words), or between two lines of English (`is_english`). The first
    line opens a paragraph whatever its role.

    >>> assemble_paragraphs(["据悉，我市已完成", "9轮全员核酸检测。", "让群众“少跑腿”", "共有 APP", "users。"],
    ...     [STARTS_PARAGRAPH, CONTINUES, LineRole(Role.DISPLAY, DisplayKind.SUBHEAD), STARTS_PARAGRAPH, CONTINUES])
    ['据悉，我市已完成9轮全员核酸检测。', '让群众“少跑腿”', '共有 APP users。']
    """
    if len(lines) != len(roles):
        raise ValueError(f"{len(lines)} lines but {len(roles)} roles")
    paragraphs: list[str] = []
    current: list[str] = []
    continues = Role.CONTINUES  # read once: the loop runs once per line of a page
    for piece, role in zip(map(str.strip, lines), roles, strict=True):
        if not piece:
            continue
        if current and role.role is continues:
            # (piece < "\x80": its first glyph is ASCII, read without making it a string: most are Han)
            if role.display is DisplayKind.CELL:
                piece = CELL_GAP + piece  # a table's next cell: its gap stays (`cleaners.spacing`)
            elif role.display is not None or (piece < "\x80" and (
                    (current[-1][-1] in _LATIN and (piece[0] in _LATIN or (piece[0] in _DIGITS and _mixed_case_word(current[-1]))))
                    or (current[-1][-1] < "\x80" and current[-1][-1] != "-"
                        and is_english(current[-1]) and is_english(piece)))):
                piece = " " + piece  # a headline's next phrase, the next Latin word or a word's number
            current.append(piece)
        else:
            if current:
                paragraphs.append("".join(current))
            current = [piece]
    if current:
        paragraphs.append("".join(current))
    return paragraphs
