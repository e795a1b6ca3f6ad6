"""Doubled OCR artifacts (contract rule 5): a line printed twice in a row."""

from itertools import pairwise

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
    if len(compact) % 2 or not _same(compact[:half], compact[half:]):
        return line
    if len(_HAN_GLYPH.findall(compact[:half])) < MIN_HAN_PER_HALF:
        return line
    if _is_repetition(compact[:half]):  # `核核核核核核核核`: a run of one phrase, not a copy
        return line
    # Keep the first half with its own spacing: walk the line until `half` glyphs are seen.
    seen = 0
    for index, ch in enumerate(line):
        if not _SPACES.fullmatch(ch):
            seen += 1
            if seen == half:
                return line[: index + 1]
    return line  # pragma: no cover - unreachable: the line holds 2*half glyphs


# Copies are compared with ASCII punctuation read as its full-width form: OCR may print the
# two copies of a line with different widths (`要求,要` / `要求，要`). One character for one.
_ONE_WIDTH = str.maketrans(",.;:!?()", "，。；：！？（）")
_FOLD_ONE = dict(zip(",.;:!?()", "，。；：！？（）", strict=True))


# ASCII punctuation that `_ONE_WIDTH` folds: a page without any needs no folding.
_ASCII_MARKS = regex.compile(r"[,.;:!?()]")


def _fold(line: str) -> str:
    """The line with ASCII punctuation read as full-width, when it has any."""
    return line.translate(_ONE_WIDTH) if _ASCII_MARKS.search(line) else line


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
    lines = text.split("\n")
    # Spaces never hold a line break, so one pass gives every line without its spaces; only a
    # line whose spaceless halves are equal (ASCII punctuation read as full-width) is a
    # candidate, and only a candidate is undoubled.
    compact = _without_hspace(text).split("\n")
    out = list(lines)
    changed = 0
    for i in [i for i, bare in enumerate(compact) if _may_be_doubled(bare)]:
        half = len(compact[i]) // 2
        if _same(compact[i][:half], compact[i][half:]):
            out[i] = undouble_line(lines[i])
            changed += out[i] != lines[i]
            compact[i] = _without_hspace(out[i])
    # Two copies on two lines in a row need equal lengths and first glyphs: most pages have none.
    keys = [(len(bare), _FOLD_ONE.get(bare[0], bare[0])) for bare in compact if bare]
    if all(a != b for a, b in pairwise(keys)):
        return "\n".join(out), changed
    kept, dropped = _drop_repeated_lines(out, compact)
    return "\n".join(kept), changed + dropped


def _may_be_doubled(bare: str) -> bool:
    """A cheap first test of a doubled line: even, long enough, the halves' first glyphs equal."""
    size = len(bare)
    if size < 2 * MIN_HAN_PER_HALF or size % 2:
        return False
    first, middle = bare[0], bare[size // 2]
    return _FOLD_ONE.get(first, first) == _FOLD_ONE.get(middle, middle)


def _same(a: str, b: str) -> bool:
    """Two copies of one string, ASCII punctuation read as full-width (cheap tests first)."""
    if a == b:
        return True
    if len(a) != len(b) or not a:
        return False
    first_a, first_b = a[0], b[0]
    if _FOLD_ONE.get(first_a, first_a) != _FOLD_ONE.get(first_b, first_b):
        return False
    return _fold(a) == _fold(b)


def _drop_repeated_lines(lines: list[str], compact: list[str]) -> tuple[list[str], int]:
    """Lines without a copy of the non-blank line before them (spaces ignored): of two copies
    the one with fewer spaces stays. Copies need MIN_HAN_PER_HALF Han glyphs."""
    kept: list[str] = []
    kept_compact = ""
    dropped = 0
    for line, bare in zip(lines, compact, strict=True):
        if not bare.strip():
            kept.append(line)
            continue
        if (len(bare) == len(kept_compact) and _same(bare, kept_compact)
                and len(_HAN_GLYPH.findall(bare)) >= MIN_HAN_PER_HALF):
            dropped += 1
            last = max(i for i, x in enumerate(kept) if x.strip())
            if len(line) < len(kept[last]):  # fewer spaces: the plain copy
                kept[last] = line
            continue
        kept.append(line)
        kept_compact = bare
    return kept, dropped
