"""Quality metrics of a cleaned text: what the validation suites and `eval` read.

Each metric is a pure function of the text, so a suite can judge the text itself,
not only numbers stored beside it. `quality_metrics` computes the character counts of
a page (Han, whitespace, ASCII punctuation beside Han) in one look-up of its code points
rather than a regex pass each; the functions below are the definitions it agrees with.
"""

import numpy as np
import regex

from cleaners.charclasses import HAN
from cleaners.lines import bmp_table
from cleaners.markers import find_jump_markers
from cleaners.script import count_traditional_chars
from cleaners.spacing import count_residual_gaps

# ASCII `, ; : ! ? ( )` touching a Han character.
ASCII_PUNCT_BESIDE_HAN = regex.compile(rf"(?<={HAN})[,;:!?()]|[,;:!?()](?={HAN})")

# Not Han, and whitespace: counted (few per page) and subtracted from the length, which gives
# the Han and visible counts exactly without a list of every glyph.
_NOT_HAN = regex.compile(r"\P{Han}")
_SPACE = regex.compile(r"\s")
_PAIRS = {"（": "）", "(": ")", "“": "”", "《": "》", "【": "】", "「": "」"}

# The ASCII marks `ascii_punct_beside_han` counts, alone (for the code point table).
_ASCII_PUNCT = regex.compile(r"[,;:!?()]")
# Per BMP code point, what the counts of `quality_metrics` need: OTHER, IS_HAN (`\p{Han}`),
# IS_SPACE (`\s`), IS_ASCII_PUNCT; code points beyond the BMP (a few Han extensions) are
# not in it: a text holding any is counted by the regex functions.
OTHER, IS_HAN, IS_SPACE, IS_ASCII_PUNCT = range(4)
_CHAR_CLASSES = (bmp_table(regex.compile(HAN)) * IS_HAN + bmp_table(_SPACE) * IS_SPACE
                 + bmp_table(_ASCII_PUNCT) * IS_ASCII_PUNCT)


def han_ratio(text: str) -> float:
    """Share of non-space characters that are Han.

    >>> han_ratio("核酸检测 GDP")
    0.5714285714285714
    """
    visible = len(text) - len(_SPACE.findall(text))
    return (len(text) - len(_NOT_HAN.findall(text))) / visible if visible else 0.0


def residual_gaps(text: str) -> int:
    """Spaces between CJK characters that carry no meaning (bylines and headline phrases do).

    >>> residual_gaps("核 酸 检 测，居民"), residual_gaps("紧盯薄弱环节 落实防控措施")
    (3, 0)
    """
    return count_residual_gaps(text)


def ascii_punct_beside_han(text: str) -> int:
    """ASCII `,;:!?()` touching Han.

    >>> ascii_punct_beside_han("安全,惠济区(市)"), ascii_punct_beside_han("1,350吨，9:00")
    (3, 0)
    """
    return len(ASCII_PUNCT_BESIDE_HAN.findall(text))


def leftover_markers(text: str) -> int:
    """Jump-marker text still in the cleaned text.

    >>> leftover_markers("政策教育，（下转第二版）"), leftover_markers("政策教育，")
    (1, 0)
    """
    return len(find_jump_markers(text))


def replacement_chars(text: str) -> int:
    """U+FFFD: bytes a decoder could not read."""
    return text.count("\ufffd")


def unbalanced_brackets(text: str) -> int:
    """Per paragraph, opening marks minus closing marks, summed as absolute differences.

    >>> unbalanced_brackets("县（市）“三合一”"), unbalanced_brackets("县（市\\n“一盘棋")
    (0, 2)
    """
    # Only the pairs whose marks occur at all are counted line by line (most pages hold two).
    pairs = [(o, c) for o, c in _PAIRS.items() if o in text or c in text]
    if not pairs:
        return 0
    total = 0
    for line in text.split("\n"):
        for opening, closing in pairs:
            total += abs(line.count(opening) - line.count(closing))
    return total


def character_counts(text: str) -> tuple[float, int]:
    """`han_ratio` and `ascii_punct_beside_han` of `text` from one look-up of its code points
    (the regex functions themselves for a text with code points beyond the BMP).

    >>> character_counts("安全,惠济区(市) GDP")
    (0.5, 3)
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if points.size and int(points.max()) > 0xFFFF:
        return han_ratio(text), ascii_punct_beside_han(text)
    classes = _CHAR_CLASSES.take(points)
    counts = np.bincount(classes, minlength=4)
    visible = len(text) - int(counts[IS_SPACE])
    ratio = int(counts[IS_HAN]) / visible if visible else 0.0
    beside = 0
    if counts[IS_ASCII_PUNCT]:
        is_han = np.concatenate(([False], classes == IS_HAN, [False]))
        beside = int(np.count_nonzero((classes == IS_ASCII_PUNCT) & (is_han[:-2] | is_han[2:])))
    return ratio, beside


def quality_metrics(text: str) -> dict[str, float | int]:
    """All metrics of a cleaned text, by column name."""
    ratio, beside = character_counts(text)
    return {
        "chars": len(text),
        "han_ratio": ratio,
        "residual_gaps": residual_gaps(text),
        "ascii_punct_beside_han": beside,
        "leftover_markers": leftover_markers(text),
        "trad_chars": count_traditional_chars(text),
        "replacement_chars": replacement_chars(text),
        "unbalanced_brackets": unbalanced_brackets(text),
    }
