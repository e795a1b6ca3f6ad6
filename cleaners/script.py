"""Script normalisation with OpenCC (contract rule 6)."""

from functools import lru_cache
from importlib import resources

import numpy as np
import opencc

from cleaners.hygiene import count_changed_chars


@lru_cache(maxsize=8)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# Each config's sentinel table, made on first use (a plain dict, not a functools cache: a
# constant of the installed OpenCC, which emptying the cleaners' caches must not rebuild).
_SENTINEL_TABLES: dict[str, np.ndarray | None] = {}


def _sentinel_table(config: str) -> np.ndarray | None:
    """For `config`, True at each code point of which a line must hold one for OpenCC to change
    it (`opencc_sentinels.txt`, made by tools/make_opencc_sentinels.py from the dictionaries),
    when the file was made for this config and the installed OpenCC's version; else None."""
    if config not in _SENTINEL_TABLES:
        head, _, chars = resources.files("cleaners").joinpath("opencc_sentinels.txt").read_text("utf-8").partition("\n")
        table = None
        if head == f"opencc {opencc.__version__} {config}":
            table = np.zeros(0x110000, dtype=bool)
            table[[ord(c) for c in chars.rstrip("\n")]] = True
        _SENTINEL_TABLES[config] = table
    return _SENTINEL_TABLES[config]


def _convert_lines_holding(text: str, converter: opencc.OpenCC, sentinels: np.ndarray) -> str:
    """`converter.convert(text)`, asked only of the lines holding a sentinel (a page has few:
    a stray traditional character here and there). No dictionary key holds a line break, so
    OpenCC converts each line as it would alone, and a line without a sentinel holds no key
    that changes it."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)  # (a lone surrogate fails, as in OpenCC)
    held = sentinels.take(points).nonzero()[0]
    if not len(held):  # most pages
        return text
    newlines = (points == 10).nonzero()[0]
    at = newlines.searchsorted(held)  # the line of each, in order (line k ends at line break k)
    rows = at[np.concatenate(([True], at[1:] != at[:-1]))].tolist()  # (np.unique imports numpy.ma)
    if 2 * len(rows) > len(newlines) + 1:  # most of the page: in one call
        return converter.convert(text)
    starts = [0, *(newlines + 1).tolist()]
    ends = [*newlines.tolist(), len(text)]
    converted = converter.convert("\n".join([text[starts[k] : ends[k]] for k in rows])).split("\n")
    pieces, done = [], 0
    for k, line in zip(rows, converted, strict=True):
        pieces += [text[done : starts[k]], line]
        done = ends[k]
    pieces.append(text[done:])
    return "".join(pieces)


def convert_script(text: str, config: str | None) -> tuple[str, int]:
    """Convert with the OpenCC `config` (`t2s` for simplified profiles); None does nothing.

    Counts the characters that changed.

    >>> convert_script("許昌戰疫周記", "t2s")
    ('许昌战疫周记', 3)
    >>> convert_script("許昌", None)
    ('許昌', 0)
    >>> convert_script("本报讯\\n許昌戰疫\\n心情深沈", "t2s")  # (沈 alone stays: `沈阳`)
    ('本报讯\\n许昌战疫\\n心情深沉', 3)
    """
    if not config:
        return text, 0
    sentinels = _sentinel_table(config)
    if sentinels is None:  # no sentinels for this config or this OpenCC: the whole page
        out = _converter(config).convert(text)
    else:
        out = _convert_lines_holding(text, _converter(config), sentinels)
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
