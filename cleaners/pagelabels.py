"""Page labels, read one way for the whole project: markers, manifests and stitching.

A label is printed as Arabic or full-width digits (`2`, `02`, `２`), Chinese numerals
(`二`, `十二`), or with a letter prefix (`A07`). Stored labels keep a letter prefix as printed
(`A07`) and drop the leading zeros of a bare number (`02` → `2`); labels are compared and
sorted by (prefix, number), so `A07` and `A7` are one page.
"""

import unicodedata

import regex

from cleaners.charclasses import CHINESE_NUMERALS

# A page label once folded: an optional letter prefix, then a number (leading zeros allowed).
PAGE_LABEL = regex.compile(r"^\s*(?P<prefix>[A-Za-z]*)\s*(?P<number>\d+)\s*$")

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral_to_int(numeral: str) -> int:
    """Read a Chinese page numeral: 二 → 2, 十二 → 12, 二十 → 20, 二十一 → 21.

    >>> [chinese_numeral_to_int(n) for n in ("二", "十", "十二", "二十", "二十一", "一〇")]
    [2, 10, 12, 20, 21, 10]
    """
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    value = 0
    for ch in numeral:
        value = value * 10 + _DIGITS[ch]
    return value


def normalize_page_label(label: str) -> str:
    """A printed label as stored: Arabic digits, or a capital letter prefix kept as printed.

    >>> normalize_page_label("二"), normalize_page_label("ａ０７"), normalize_page_label("02")
    ('2', 'A07', '2')
    """
    label = unicodedata.normalize("NFKC", label).strip()
    if label and label[0] in CHINESE_NUMERALS:
        return str(chinese_numeral_to_int(label))
    if label and label[0].isalpha():
        return label[0].upper() + label[1:]
    return str(int(label)) if label.isdigit() else label


def page_key(label: str | None) -> tuple[str, int] | None:
    """(prefix, number) of a label, to compare labels: `A07` and `A7` are one page; a label
    that is no number compares as itself, number -1; None when the label is missing.

    >>> page_key("A07") == page_key("a7"), page_key("十二"), page_key(None), page_key("封面")
    (True, ('', 12), None, ('封面', -1))
    """
    if label is None:
        return None
    text = unicodedata.normalize("NFKC", str(label)).strip()
    if text and all(ch in CHINESE_NUMERALS for ch in text):
        return ("", chinese_numeral_to_int(text))
    match = PAGE_LABEL.match(text)
    return (match["prefix"].upper(), int(match["number"])) if match else (text.upper(), -1)


def page_order(label: str | None) -> tuple[int, str, int, str]:
    """Sort key of a page label: letter prefix, then number (2 before 10); unknown last.

    >>> sorted(["10", "2", "A07", None, "A1", "01"], key=page_order)
    ['01', '2', '10', 'A1', 'A07', None]
    """
    key = page_key(label)
    if key is None:
        return (1, "", 0, "")
    return (0, key[0], key[1], str(label))
