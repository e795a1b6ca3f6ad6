"""Script normalisation with OpenCC (contract rule 6)."""

from functools import lru_cache

import opencc

from cleaners.hygiene import count_changed_chars


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def convert_script(text: str, config: str | None) -> tuple[str, int]:
    """Convert with the OpenCC `config` (`t2s` for simplified profiles); None does nothing.

    Counts the characters that changed.

    >>> convert_script("許昌戰疫周記", "t2s")
    ('许昌战疫周记', 3)
    >>> convert_script("許昌", None)
    ('許昌', 0)
    """
    if not config:
        return text, 0
    out = _converter(config).convert(text)
    if out == text:  # most pages: nothing to count
        return out, 0
    changed = count_changed_chars(text, out)  # position by position
    if len(out) != len(text):  # a phrase mapping changed the length: count by position anyway
        return out, max(1, changed)
    return out, changed


def count_traditional_chars(text: str, config: str = "t2s") -> int:
    """How many characters `config` would still change (stray traditional characters).

    >>> count_traditional_chars("许昌戰疫")
    1
    """
    return convert_script(text, config)[1]
