"""Doubled OCR artifacts (contract rule 5): a line printed twice in a row."""

from itertools import compress
from operator import eq

import regex

from cleaners.charclasses import HAN, HSPACE

# Horizontal whitespace, ignored when comparing the two halves of a line.
_SPACES = regex.compile(rf"[{HSPACE}]+")
_HSPACE_CHARS = " \t\u3000\u00a0"  # the characters of HSPACE, one by one

# Han glyphs, counted to tell a doubled phrase from real reduplication.
_HAN_GLYPH = regex.compile(HAN)

# A doubled phrase has at least this many Han glyphs per half: `谢谢`, `看看`, `落实落实` stay.
MIN_HAN_PER_HALF = 4


def undouble_line(line: str) -> str:
    """The line written once if it is one string written twice, else the line unchanged.

    >>> undouble_line("机关干部下沉抗疫一线机关干部下沉抗疫一线")
    '机关干部下沉抗疫一线'
    >>> undouble_line("全力以赴做好全员核酸检测 全力以赴做好全员核酸检测")
    '全力以赴做好全员核酸检测'
    >>> undouble_line("落实落实"), undouble_line("坚持坚持再坚持")
    ('落实落实', '坚持坚持再坚持')
    """
    compact = _SPACES.sub("", line)
    half = len(compact) // 2
    if len(compact) % 2 or _fold(compact[:half]) != _fold(compact[half:]):
        return line
    if len(_HAN_GLYPH.findall(compact[:half])) < MIN_HAN_PER_HALF:
        return line
    if _is_repetition(compact[:half]):  # `核核核核核核核核`: a run of one phrase, not a copy
        return line
    # Keep the first half with its own spacing: walk the line until `half` glyphs are seen.
    seen = 0
    for index, ch in enumerate(line):
        if ch not in _HSPACE_CHARS:
            seen += 1
            if seen == half:
                return line[: index + 1]
    return line  # pragma: no cover - unreachable: the line holds 2*half glyphs


# Copies are compared with ASCII punctuation read as its full-width form: OCR may print the
# two copies of a line with different widths (`要求,要` / `要求，要`). One character for one.
_FOLD_ONE = dict(zip(",.;:!?()", "，。；：！？（）", strict=True))


def _fold(text: str) -> str:
    """The text with ASCII punctuation read as full-width (str.replace per mark: much faster
    than str.translate on Chinese text, and the same, the marks and their forms being apart).

    >>> _fold("要求,要(一)")
    '要求，要（一）'
    """
    for ascii_mark, wide in _FOLD_ONE.items():
        if ascii_mark in text:
            text = text.replace(ascii_mark, wide)
    return text


def _is_repetition(text: str) -> bool:
    """Whether `text` is one shorter string written over and over (`核核核核`, `谢谢谢谢`):
    halving such a line again and again would never stop at a copy.

    >>> _is_repetition("核核核核"), _is_repetition("机关干部下沉抗疫一线")
    (True, False)
    """
    return len(text) > 1 and (text + text).find(text, 1) < len(text)


def _without_hspace(text: str) -> str:
    """`text` without its horizontal spaces, as `_SPACES.sub("", text)` (str.replace: faster).

    >>> spaced = "核 酸\\t检\\u3000测\\u00a0"
    >>> _without_hspace(spaced), _without_hspace(spaced) == _SPACES.sub("", spaced)
    ('核酸检测', True)
    """
    for space in _HSPACE_CHARS:
        text = text.replace(space, "")
    return text


def remove_doubled_lines(text: str) -> tuple[str, int]:
    """Write each line that OCR doubled once, whether the copies share a line or stand on two
    lines in a row (one of them maybe letter-spaced: the copy with fewer spaces stays); real
    reduplication in prose stays.

    >>> remove_doubled_lines("机关干部下沉抗疫一线机关干部下沉抗疫一线\\n要坚持坚持再坚持")
    ('机关干部下沉抗疫一线\\n要坚持坚持再坚持', 1)
    >>> remove_doubled_lines("全 力 做 好 核 酸 检 测\\n全力做好核酸检测\\n谢谢\\n谢谢")
    ('全力做好核酸检测\\n谢谢\\n谢谢', 1)
    """
    # Spaces never hold a line break, so one pass gives every line without its spaces, and one
    # more with ASCII punctuation read as full-width (`_fold`, one character for one): two
    # copies are then equal strings. Only a line whose folded halves are equal is undoubled
    # (their first glyphs compared first: most lines differ there).
    bare_page = _without_hspace(text)
    folded = _fold(bare_page).split("\n")
    doubled = [i for i, line in enumerate(folded) if len(line) >= 2 * MIN_HAN_PER_HALF and not len(line) % 2
               and line[0] == line[len(line) // 2] and line.endswith(line[: len(line) // 2])]
    if not doubled and not _copies_in_a_row(folded):
        return text, 0  # most pages: the text as it is, not split and joined again
    lines = text.split("\n")
    out = list(lines)
    changed = 0
    for i in doubled:
        out[i] = undouble_line(lines[i])
        changed += out[i] != lines[i]
        folded[i] = _fold(_without_hspace(out[i]))
    if doubled and not _copies_in_a_row(folded):  # (without doubled lines there are copies: asked above)
        return "\n".join(out), changed
    kept, dropped = _drop_repeated_lines(out, folded)
    return "\n".join(kept), changed + dropped


def _copies_in_a_row(folded: list[str]) -> bool:
    """Whether two non-blank lines in a row are alike (`folded`: each line without spaces, ASCII
    punctuation read as full-width): most pages have none."""
    filled = list(filter(None, folded))  # the non-blank lines
    return any(map(eq, filled, filled[1:]))  # (operator.eq: str.__eq__ builds a tuple per call)


def _drop_repeated_lines(lines: list[str], folded: list[str]) -> tuple[list[str], int]:
    """Lines without a copy of the non-blank line before them (`folded`: each line without
    spaces, ASCII punctuation read as full-width): of two copies the one with fewer spaces
    stays, where the first stood. Copies need MIN_HAN_PER_HALF Han glyphs."""
    inked = list(compress(range(len(folded)), map(str.strip, folded)))  # the non-blank lines
    inked_folded = list(map(folded.__getitem__, inked))
    kept = list(lines)
    dropped: list[int] = []
    keeper = -1  # where the copy kept of the last run of copies stands
    # Only the few pairs of non-blank lines in a row that are alike are read one by one.
    for k in compress(range(len(inked) - 1), map(eq, inked_folded, inked_folded[1:])):
        before, line = inked[k], inked[k + 1]
        if len(_HAN_GLYPH.findall(folded[line])) < MIN_HAN_PER_HALF:
            continue
        if not dropped or dropped[-1] != before:  # a new run: its first line is kept
            keeper = before
        dropped.append(line)
        if len(lines[line]) < len(kept[keeper]):  # fewer spaces: the plain copy
            kept[keeper] = lines[line]
    for line in reversed(dropped):
        del kept[line]
    return kept, len(dropped)
