"""Unicode hygiene: the first and last steps of the plan (contract rule 7)."""

import re
import unicodedata

import numpy as np
import regex

from cleaners.charclasses import CELL_GAP, CJK, HSPACE

# Line breaks of every kind become "\n": CRLF/CR from Windows and old Mac files, U+2028/U+2029.
LINE_BREAKS = regex.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")

# BOM, zero-width and bidi marks and soft hyphens are invisible OCR/editor debris.
INVISIBLES = regex.compile(r"[\ufeff\u200b-\u200f\u2060-\u2064\u202a-\u202e\u00ad]")

# Control characters other than tab and newline carry no text.
CONTROLS = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")

# A tab is a space that OCR or an editor widened.
TABS = regex.compile(r"\t")

# Any character that one of the four patterns above starts with: a page without one (most
# pages) is left as it is by all four, so one search replaces four passes. (The stdlib engine:
# it scans for a set of many characters and ranges several times faster than `regex`.)
DEBRIS = re.compile(
    r"[\r\u2028\u2029\x85\x0b\x0c"  # LINE_BREAKS
    r"\ufeff\u200b-\u200f\u2060-\u2064\u202a-\u202e\u00ad"  # INVISIBLES
    r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"  # CONTROLS
    r"\t]"  # TABS
)
# DEBRIS as a table of the BMP (it matches no character beyond): a page's UTF-16 code units
# looked up in one numpy step cost less than the stdlib engine's scan of the set. (A character
# beyond the BMP is two surrogates, which the table does not hold, as DEBRIS does not.)
_IS_DEBRIS = np.zeros(0x10000, dtype=bool)
_IS_DEBRIS[[match.start() for match in DEBRIS.finditer("".join(map(chr, range(0x10000))))]] = True


def _has_debris(text: str) -> bool:
    """Whether DEBRIS matches somewhere in `text`.

    >>> _has_debris("本报讯\u200b（记者）"), _has_debris("本报讯（记者）\U00020000")
    (True, False)
    """
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    return bool(np.count_nonzero(_IS_DEBRIS.take(units)))

# Whitespace at the start or end of a line (indentation, U+3000 included) carries no text.
LINE_EDGE_SPACE = regex.compile(rf"^[{HSPACE}]+|[{HSPACE}]+$", regex.MULTILINE)

# A line edge's space inside the text: after or before a line break. A fast test for
# LINE_EDGE_SPACE (most cleaned pages have none): these open with the line break, which the
# engine finds fast, where a class of spaces first has it try every position.
_SPACE_AFTER_BREAK = regex.compile(rf"\n[{HSPACE}]")
_SPACE_BEFORE_BREAK = regex.compile(rf"\n(?<=[{HSPACE}]\n)")
_HSPACE_CHARS = tuple(HSPACE.encode().decode("unicode_escape"))  # HSPACE's characters

# A Markdown heading mark (`## 标题`): the line stays a heading, the mark goes.
MARKDOWN_HEADING_MARK = regex.compile(r"^#{1,6}[ \t\u3000]+(?=\S)", regex.MULTILINE)

# A column rule the engine read as a glyph (`|`, `¦`; not the full-width `｜` some titles print
# as a separator) beside Han or CJK punctuation, or at a line's edge: the engine ran two
# columns' rows into one line across it (`杯中的|自58家`), and a rule is no text.
COLUMN_RULE_GLYPH = regex.compile(
    rf"(?<=[{CJK}]|^)(?:[{HSPACE}]*[|¦])+[{HSPACE}]*|(?:[{HSPACE}]*[|¦])+[{HSPACE}]*(?=[{CJK}]|$)", regex.MULTILINE)


def count_changed_chars(before: str, after: str) -> int:
    """Positions, up to the shorter text's length, where two texts differ (as
    `sum(map(operator.ne, before, after))`, but code points compared in numpy: many times
    faster on a page).

    >>> count_changed_chars("許昌戰疫", "许昌战疫"), count_changed_chars("ab", "abc")
    (2, 0)
    """
    old = np.frombuffer(before.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    new = np.frombuffer(after.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    shorter = min(len(old), len(new))
    return int(np.count_nonzero(old[:shorter] != new[:shorter]))


def normalize_unicode(text: str) -> tuple[str, int]:
    """NFC; unify line breaks; drop BOM, zero-width and control characters.

    Leading indentation is kept here: paragraph reflow reads it as a paragraph
    start, and `strip_layout_marks` removes it at the end of the plan.

    >>> normalize_unicode("\\ufeff本报讯\\u200b（记者 高伟山）\\r\\n")
    ('本报讯（记者 高伟山）\\n', 3)
    """
    count = 0
    if unicodedata.is_normalized("NFC", text):  # most pages: nothing to normalize or count
        nfc = text
    else:
        nfc = unicodedata.normalize("NFC", text)
        count += count_changed_chars(text, nfc) + abs(len(nfc) - len(text))
    if not _has_debris(nfc):
        return nfc, count
    out, n = LINE_BREAKS.subn("\n", nfc)
    count += n
    out, n = INVISIBLES.subn("", out)
    count += n
    out, n = CONTROLS.subn("", out)
    count += n
    out, n = TABS.subn(" ", out)
    count += n
    return out, count


def strip_column_rules(text: str) -> tuple[str, int]:
    """Remove column rules read as glyphs (`COLUMN_RULE_GLYPH`), before punctuation and
    spacing are repaired: the glyphs a rule parted meet (`?|核` reads `？核`, and so again).

    >>> strip_column_rules("杯中的|自58家企业\\n?|核")
    ('杯中的自58家企业\\n?核', 2)
    """
    if "|" not in text and "¦" not in text:  # a fast test first: no rule glyph without one
        return text, 0
    return COLUMN_RULE_GLYPH.subn("", text)


def strip_layout_marks(text: str) -> tuple[str, int]:
    """Remove line-edge whitespace (U+3000 indentation), column rules read as glyphs and
    Markdown heading marks; a table's cell gaps left (no spacing rule ran) become spaces.

    Runs after reflow, which needs both as evidence of paragraph and heading starts.

    >>> strip_layout_marks("## 全省数字化疫情防控系统现场观摩会在郑召开\\n\\u3000\\u3000通告明确")
    ('全省数字化疫情防控系统现场观摩会在郑召开\\n通告明确', 2)
    >>> strip_layout_marks("杯中的|自58家企业\\n维修 |\\nA|B 与 x | y\\n0¦¦")
    ('杯中的自58家企业\\n维修\\nA|B 与 x | y\\n0', 3)
    """
    if CELL_GAP in text:  # a table's cell gaps a profile without spacing left: spaces
        text = text.replace(CELL_GAP, " ")
    if (text.startswith(_HSPACE_CHARS) or text.endswith(_HSPACE_CHARS) or _SPACE_AFTER_BREAK.search(text)
            or _SPACE_BEFORE_BREAK.search(text)):
        out, n_space = LINE_EDGE_SPACE.subn("", text)
    else:  # no line starts or ends with a space
        out, n_space = text, 0
    n_rules = 0
    if "|" in out or "¦" in out:  # a fast test first: no rule glyph without one
        out, n_rules = COLUMN_RULE_GLYPH.subn("", out)
    if "#" not in out:  # a fast test first: no heading mark without it
        return out, n_space + n_rules
    out, n_marks = MARKDOWN_HEADING_MARK.subn("", out)
    return out, n_space + n_rules + n_marks
