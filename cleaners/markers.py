"""Jump markers (contract rule 4): `（下转第二版）`, `(上接第一版)`, `▶▶▶▶22 版版`.

Markers are found in the text exactly as the user gave it, so each marker's
`offset` indexes `raw_text`: ``raw_text[m.offset:m.offset + len(m.raw)] == m.raw``.
"""

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from cleaners.charclasses import CHINESE_NUMERALS, HSPACE
from cleaners.pagelabels import normalize_page_label

# Placeholder left where a marker ended or began a line: reflow must break a
# paragraph there (a story jumps away or resumes), then removes it.
HARD_BREAK = "\ue000"

# Between two glyphs of a marker OCR may put spaces, one line break or zero-width debris.
_GAP = r"[\s\u200b-\u200d\ufeff]{0,3}"

_OPEN_BRACKETS = r"（(〈<\[【〔［"
_OPEN = rf"[{_OPEN_BRACKETS}]"
_CLOSE = r"[）)〉>\]】〕］]"
# Arrows papers print before a marker (`→下转A3版`, `←上接A1版`) or after it (`转A3版▶`).
_ARROW_GLYPHS = "→←⇒⇐⟶⟵➡➔➜▶►◀"
# Triangles a paper points with before a marker only (`▲转第6版`).
_POINTERS = "▲△▼▽"


def _glyphs(word: str) -> str:
    """Pattern for `word` letter-spaced and/or with each glyph doubled (`下下转转`)."""
    return _GAP.join(f"{regex.escape(c)}(?:{_GAP}{regex.escape(c)})?" for c in word)


def _alternatives(*words: str) -> str:
    return "|".join(_glyphs(w) for w in sorted(words, key=len, reverse=True))


# A jump marker, bracketed or bare, letter-spaced, split over lines or with doubled glyphs,
# maybe saying the story is unfinished first (`（未完 转第7版）`); the kind is read from the
# named group that matched. Leading spaces on its line go with it.
# (The lookahead, first, asks for a bracket or the first glyph of a kind after the spaces,
# as the marker needs: one cheap test rules out most positions of a page.)
JUMP_MARKER = regex.compile(
    rf"""
    (?=[{HSPACE}]*[{_OPEN_BRACKETS}{_ARROW_GLYPHS}{_POINTERS}下上紧相继续转接详见请未])
    (?P<lead>[{HSPACE}]*)
    (?P<marker>
      (?P<open>{_OPEN}{_GAP})?
      (?P<point>[→←⇒⇐⟶⟵➡➔➜◀{_POINTERS}]+{_GAP})?
      (?P<unfinished>{_glyphs("未完")}{_GAP})?
      (?:
        (?P<to_strong>{_alternatives("下转", "紧转", "下接", "续转", "续见")})
      | (?P<from_strong>{_alternatives("上接", "紧接")})
      | (?P<see_strong>{_alternatives("相关报道继续阅读", "相关报道见", "继续阅读")})
      | (?P<arrow>[▶►]+(?:{_GAP}(?:{_alternatives("详见", "请看", "见")}))?)
      | (?P<to_weak>{_glyphs("转")})
      | (?P<from_weak>{_glyphs("接")})
      | (?P<on_weak>{_glyphs("续")})
      | (?P<see_weak>{_alternatives("详见", "请看", "见")})
      )
      {_GAP}(?:{_glyphs("第")}{_GAP})?
      (?P<page>
        [A-Za-zＡ-Ｚａ-ｚ]?(?:{_GAP}[0-9０-９]){{1,8}}
      | (?:[{CHINESE_NUMERALS}]{_GAP}){{1,6}}
      )
      {_GAP}(?P<ban>版(?:{_GAP}版)?|页)
      (?P<trail>[{HSPACE}]{{0,3}}[{_ARROW_GLYPHS}]+)?
      (?P<close>{_GAP}{_CLOSE})?
    )
    """,
    regex.VERBOSE,
)

# The Han glyphs a jump marker can hold: those its pattern writes out (no class of it holds Han).
_MARKER_HAN = "".join(regex.findall(r"\p{Han}", "".join(sorted(set(JUMP_MARKER.pattern)))))

# A glyph no jump marker holds: Han other than the marker's own. Every marker lies inside one
# stretch of text without such a glyph that holds a 版 (a `(?r)` copy searches backwards).
_NO_MARKER_GLYPH = regex.compile(rf"[\p{{Han}}--[{_MARKER_HAN}]]", regex.V1)
_NO_MARKER_GLYPH_BEFORE = regex.compile(rf"(?r)[\p{{Han}}--[{_MARKER_HAN}]]", regex.V1)

_KIND_OF_GROUP = {
    "to_strong": "continued_to",
    "to_weak": "continued_to",
    "from_strong": "continued_from",
    "from_weak": "continued_from",
    "on_weak": "continued_to",  # (`续A10版` opening a line: continued_from, `_marker_from_match`)
    "see_strong": "see_page",
    "see_weak": "see_page",
    "arrow": "see_page",
}

# Whitespace and zero-width debris inside a marker, dropped before reading its page.
_MARKER_GAPS = regex.compile(r"[\s\u200b-\u200d\ufeff]+")


@dataclass(frozen=True)
class JumpMarker:
    """One jump marker: where the story goes or comes from."""

    kind: str  # continued_to | continued_from | see_page
    page: str  # "2", "12", "A07"
    raw: str  # the marker exactly as it stood in the raw text
    offset: int  # index of `raw` in the raw text
    paragraph: int = -1  # index of the cleaned paragraph it belongs to (-1: not placed yet)

    def to_dict(self) -> dict:
        """The marker's fields by name (read one by one: `asdict` deep-copies, several times
        slower, and a page's rows hold every marker).

        >>> from dataclasses import asdict
        >>> marker = JumpMarker("see_page", "3", "▶3版", 5, 1)
        >>> marker.to_dict() == asdict(marker)
        True
        """
        return {"kind": self.kind, "page": self.page, "raw": self.raw, "offset": self.offset,
                "paragraph": self.paragraph}

    def placed(self, paragraph: int) -> "JumpMarker":
        """The marker with its paragraph set (as `dataclasses.replace`, a few times faster)."""
        return JumpMarker(self.kind, self.page, self.raw, self.offset, paragraph)


def _undouble(page: str) -> str:
    """`22` → `2`, `1122` → `12`: every glyph was written twice."""
    if len(page) % 2 == 0 and page[0::2] == page[1::2]:
        return page[0::2]
    return page


@lru_cache(maxsize=1024)
def marker_page_label(page: str, doubled: bool) -> str:
    """The page label a marker names, its doubled glyphs read once. (Cached: a corpus's
    markers name the same few pages, printed the same few ways.)

    >>> marker_page_label("二", False), marker_page_label("22", True), marker_page_label("ａ０７", False)
    ('2', '2', 'A07')
    """
    page = unicodedata.normalize("NFKC", _MARKER_GAPS.sub("", page))
    if doubled:
        page = _undouble(page)
    return normalize_page_label(page)


# Where a bare pointer (`详见第3版`, `转第2版`) stands apart from prose: after a sentence's end
# or at a line's start, and before the line's end or a full stop (prose runs into it:
# `具体办法详见第3版相关报道`).
_ENDS_BEFORE_POINTER = frozenset("。！？；…!?;\n")
_AFTER_POINTER = regex.compile(rf"[{HSPACE}]*(?:[。.]|\n|$)")  # spaces, then a full stop or the line's end
_LINE_END_AFTER = regex.compile(rf"[{HSPACE}]*(?:\n|$)")  # spaces, then the line's end


def _stands_apart(match: regex.Match) -> bool:
    r"""Whether a bare weak marker stands apart from the prose around it.

    >>> [m.raw for m in find_jump_markers("可申请贴息贷款。详见第3版\n具体办法详见第3版相关报道")]
    ['详见第3版']
    """
    text, before = match.string, match.start("marker")
    while before > 0 and text[before - 1] in " \t\u3000\u00a0":
        before -= 1
    return (before == 0 or text[before - 1] in _ENDS_BEFORE_POINTER) and bool(
        _AFTER_POINTER.match(text, match.end("marker")))


def _opens_its_line(match: regex.Match) -> bool:
    """Whether nothing but spaces stands before the marker on its line."""
    text, before = match.string, match.start("marker")
    while before > 0 and text[before - 1] in " \t\u3000\u00a0":
        before -= 1
    return before == 0 or text[before - 1] == "\n"


def _marker_from_match(match: regex.Match) -> JumpMarker | None:
    group = next(name for name in _KIND_OF_GROUP if match.group(name))
    pointed = (bool(match.group("open")) and bool(match.group("close"))) or bool(match.group("point") or match.group("trail"))
    ends_line = group == "to_weak" and bool(_LINE_END_AFTER.match(match.string, match.end("marker")))
    if group.endswith("_weak") and not pointed and not ends_line and not _stands_apart(match):
        # bare 转/接/见 + 第N版 in prose; brackets, an arrow, standing apart, or (转) a story
        # jumping at the line's end in mid-word (`…岭转A3版`) make it a marker
        return None
    ban = match.group("ban")
    doubled = ban != "版" and len(_MARKER_GAPS.sub("", ban)) == 2  # (one 版 alone, most: not doubled)
    kind = _KIND_OF_GROUP[group]
    if group == "on_weak" and _opens_its_line(match):
        kind = "continued_from"  # `（续A10版）` over a story's first line: it goes on from there
    return JumpMarker(
        kind=kind,
        page=marker_page_label(match.group("page"), doubled),
        raw=match.group("marker"),
        offset=match.start("marker"),
    )


# A guide item's page reference whose arrow OCR lost (`一条河的“逆袭”6版`): a page number
# (no page 0) and 版 ending a line; it counts when the line holds nothing else (`3版`) or is short, without
# clause punctuation and with Han or a closing mark before the number (`_orphan_markers`).
# Prose puts 第 or 见 before a page, and punctuation after it.
PAGE_REF_AT_LINE_END = regex.compile(
    rf"[{HSPACE}]*(?P<page>[A-ZＡ-Ｚ][0-9０-９]{{1,2}}|[1-9１-９][0-9０-９]?)[{HSPACE}]*版[{HSPACE}]*$",
    regex.MULTILINE
)
# 版 ending a line: where an orphan reference can end (found first: few per page).
_BAN_AT_LINE_END = regex.compile(rf"版[{HSPACE}]*$", regex.MULTILINE)

# Characters a page reference before 版 may span (spaces, a letter, two digits).
_REF_SPAN = 12

# What a line before an orphan page reference may hold: no clause punctuation, and it ends in
# Han (not 版: two references in a row are no guide item; not 第 or 见: prose names a page
# so, `刊登在第6版`), a closing mark or a percent sign (`同比下降8.1% 6版`).
_ORPHAN_HEAD = regex.compile(r"[^，。；：！？,;:!?]{0,30}[\p{Han}”’》」』）)%％--[版第见]]", regex.V1)

# A page count under a masthead (`今日12版`, `本期共16版`, `今日出版8版`), no page reference:
# these words before the number say how many pages the issue has.
_PAGE_COUNT_HEAD = regex.compile(r"(?:今日|本期|出版|共|计)$")

# The longest line head an orphan page reference may have (a guide item's width).
_ORPHAN_HEAD_CHARS = 32


# A guide pointer to a page named by a letter and two digits, printed with no 版 (`▶A03`,
# `▶ 详见A02`): a tabloid's page label. Not followed by a digit or letter (a longer code).
ARROW_PAGE_LABEL = regex.compile(
    rf"[▶►]+[{HSPACE}]*(?:(?:详见|请看|见)[{HSPACE}]*)?(?P<page>[A-ZＡ-Ｚ][0-9０-９]{{2}})(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ版])"
)


# The same for a page with no `►` (most): opening with `▶` alone, a literal the engine scans for
# fast, where the class of two has it try every position of the page.
_BLACK_ARROW_PAGE_LABEL = regex.compile(ARROW_PAGE_LABEL.pattern.replace("[▶►]+", "▶[▶►]*", 1))


def _arrow_page_labels(text: str) -> regex.Pattern:
    """ARROW_PAGE_LABEL, or its `▶` form when `text` has no `►`."""
    return ARROW_PAGE_LABEL if "►" in text else _BLACK_ARROW_PAGE_LABEL


def _arrow_label_markers(text: str) -> list[tuple[int, int, JumpMarker]]:
    """Guide pointers to a lettered page with no 版 (`▶A03`), as (start, end, marker)."""
    return [(match.start(), match.end(), JumpMarker(kind="see_page", page=marker_page_label(match.group("page"), False),
                                                    raw=match.group(0), offset=match.start()))
            for match in _arrow_page_labels(text).finditer(text)]


def _after_arrow_markers(head: str) -> bool:
    """Whether a line's head is nothing but `▶N版` markers: an engine ran two guide pointers
    into one row (`▶11版6版`), and the second lost its arrow."""
    return ("▶" in head or "►" in head) and not JUMP_MARKER.sub("", head).strip(" \t\u3000\u00a0")


def _orphan_markers(text: str) -> list[tuple[int, int, JumpMarker]]:
    """Page references at line ends whose arrow OCR lost, as (start, end, marker)."""
    found = []
    for ban in _BAN_AT_LINE_END.finditer(text):
        window = max(0, ban.start() - _REF_SPAN)
        window = text.rfind("\n", window, ban.start()) + 1 or window  # not into the line above
        match = PAGE_REF_AT_LINE_END.search(text, window, ban.end())
        if match is None or match.end() != ban.end():
            continue
        start = match.start()
        line_start = text.rfind("\n", max(0, start - _ORPHAN_HEAD_CHARS - 1), start) + 1
        if line_start == 0 and start > _ORPHAN_HEAD_CHARS:
            continue  # the line is longer than a guide item
        head = text[line_start:start].strip(" \t\u3000\u00a0")
        if head and not _after_arrow_markers(head) and (
                not _ORPHAN_HEAD.fullmatch(head) or _PAGE_COUNT_HEAD.search(head)):
            continue
        raw = match.group(0).strip(" \t\u3000\u00a0")
        marker = JumpMarker(kind="see_page", page=marker_page_label(match.group("page"), False),
                            raw=raw, offset=start + match.group(0).index(raw))
        found.append((start, match.end(), marker))
    return found


# What a marker's page ends with: 版 (a newspaper's page), or 页 (a weekly's or magazine's).
_PAGE_WORD = regex.compile("[版页]")


def jump_marker_matches(text: str):
    """The matches of JUMP_MARKER in `text`, as `JUMP_MARKER.finditer(text)` finds them, but
    searched only in the stretches that can hold one: around each 版, between the nearest
    glyphs no marker holds (a pattern of positive tests, cut to a stretch that holds all its
    matches, finds the same ones there). Most of a page is Han prose and never searched.

    >>> [m.group("marker") for m in jump_marker_matches("政策教育，（下转第二版）。相关报道见第3版")]
    ['（下转第二版）', '相关报道见第3版']
    """
    end = 0  # where the last stretch searched ends (past the 版 or 页 it holds)
    ban = _PAGE_WORD.search(text)
    while ban is not None:
        before = _NO_MARKER_GLYPH_BEFORE.search(text, end, ban.start())
        after = _NO_MARKER_GLYPH.search(text, ban.start())
        start, end = before.end() if before else end, after.start() if after else len(text)
        yield from JUMP_MARKER.finditer(text, start, end)
        ban = _PAGE_WORD.search(text, end)


def _all_markers(text: str) -> list[tuple[int, int, JumpMarker]]:
    """(start, end, marker) of every marker, the orphan page references among them, in order."""
    found = []
    for match in jump_marker_matches(text):
        marker = _marker_from_match(match)
        if marker is not None:
            found.append((match.start(), match.end(), marker))
    orphans = _orphan_markers(text) if "版" in text else []
    if "▶" in text or "►" in text:
        orphans += _arrow_label_markers(text)
    if not orphans:
        return found
    taken = sorted((start, end) for start, end, _ in found)
    for start, end, marker in orphans:
        k = bisect_right(taken, (start, end))
        if not any(a < end and start < b for a, b in taken[max(0, k - 1) : k + 1]):
            found.append((start, end, marker))
    return sorted(found, key=lambda item: item[0])


def find_jump_markers(text: str) -> list[JumpMarker]:
    """All jump markers in `text`, in order.

    >>> [(m.kind, m.page) for m in find_jump_markers("政策教育， （下转第二版）")]
    [('continued_to', '2')]
    >>> [(m.kind, m.page) for m in find_jump_markers("■我市开通心理疏导热线 ▶▶▶▶22 版版")]
    [('see_page', '2')]
    >>> [(m.raw, m.page) for m in find_jump_markers("一条河的“逆袭”6版\\n3版\\n全市共有12版。")]
    [('6版', '6'), ('3版', '3')]
    >>> find_jump_markers("澜川日报\\n今日12版\\n本期共16版")
    []
    >>> [m.raw for m in find_jump_markers("▶11版6版\\n▶2版")]
    ['▶11版', '6版', '▶2版']
    >>> [(m.kind, m.page) for m in find_jump_markers("排放同比下降9.4%。▶ 详见第3版")]
    [('see_page', '3')]
    >>> [(m.kind, m.page) for m in find_jump_markers("投入使用（紧接第一版）\\n外卖骑手有了“歇脚驿站”▶A03")]
    [('continued_from', '1'), ('see_page', 'A03')]
    """
    return [marker for _, _, marker in _all_markers(text)]


def _touches_line_edge(text: str, start: int, end: int) -> bool:
    """Whether only whitespace stands between the marker and its line's start or end (read
    over that whitespace only: linear in the page however many markers it has)."""
    before = start
    while before > 0 and text[before - 1] in " \t\u3000\u00a0\r":
        before -= 1
    after = end
    while after < len(text) and text[after] in " \t\u3000\u00a0\r":
        after += 1
    return before == 0 or text[before - 1] == "\n" or after == len(text) or text[after] == "\n"


def remove_jump_markers(text: str) -> tuple[str, int, list[JumpMarker]]:
    """Remove jump markers from `text` and return them as records.

    A marker that began or ended its line leaves a hard paragraph break behind,
    so the story it ends is not glued to whatever the page prints next.

    >>> text, n, found = remove_jump_markers("(上接第一版)整改失管漏管现象")
    >>> text.replace(HARD_BREAK, "|"), n, found[0].kind, found[0].page
    ('|整改失管漏管现象', 1, 'continued_from', '1')
    """
    if "版" not in text and "页" not in text and "▶" not in text and "►" not in text:  # every marker ends in 版 or 页 or opens with ▶
        return text, 0, []
    pieces: list[str] = []
    found: list[JumpMarker] = []
    last = 0
    for start, end, marker in _all_markers(text):
        found.append(marker)
        pieces.append(text[last:start])
        if _touches_line_edge(text, start, end):
            pieces.append(HARD_BREAK)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), len(found), found
