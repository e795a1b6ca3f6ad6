"""Reading input pages: encoding detection with a clear error naming the file.

A decoding is accepted only when it is plausible text (`implausibility`): mojibake, such
as UTF-8 read as GB18030 (`许昌日报` → `璁告槍鏃ユ姤`), never passes as a page. An
incomplete last character (a file cut mid-character) is repaired, not a reason to switch
encodings: the rest is decoded and the repair recorded.
"""

import codecs
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex
from charset_normalizer import from_bytes
from charset_normalizer.cd import coherence_ratio

# Control characters other than tab, newline and carriage return: many of them mean binary data.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same characters as bytes. In UTF-8 and GB18030 a byte below 0x20 is always that
# character (their multi-byte sequences use bytes from 0x30 up), so bytes either decodes
# whole are checked as bytes (`bytes.translate`, several times faster than a pass over the
# text); a repaired decoding is checked in its text (the dropped tail may hold such a byte).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_ASCII_SAFE = ("utf-8", "utf-8-sig", "gb18030")
# Han characters: the share of common ones tells Chinese text from mojibake.
_HAN = regex.compile(r"\p{Han}")
# Private Use Area code points: no font or OCR engine's text has them; GB18030 mojibake does.
_PRIVATE_USE = regex.compile(r"[\p{Co}]")

# Share of control characters above which decoded bytes are taken for binary data.
MAX_CONTROL_SHARE = 0.01
# Common Han (`common_han`) in real text, simplified or traditional: 0.99 on the seeds
# and gold pages; in UTF-8 pages read as GB18030: 0.13–0.31. Checked from MIN_HAN Han on.
# Below MIN_COMMON_HAN_SHARE a decoding is mojibake; below CLEAR_COMMON_HAN_SHARE it must
# also be coherent CJK text by charset-normalizer's measure (alone that measure is too
# fragile: a page repeated, or a list of names, can name no language at all).
MIN_COMMON_HAN_SHARE = 0.6
CLEAR_COMMON_HAN_SHARE = 0.9
MIN_HAN = 8
COHERENCE_SAMPLE_CHARS = 4000
# The common-Han share is taken over a page's first this many characters: a wrong
# decoding garbles a whole page alike, and the check stays cheap on a long one.
SHARE_SAMPLE_CHARS = 20_000
CJK_LANGUAGES = ("Chinese", "Japanese", "Korean")
# What a decoding error at the end of the data says when only the last character is cut.
_TRUNCATED = ("unexpected end of data", "truncated data", "incomplete multibyte sequence")


class UnreadableInput(ValueError):
    """A file that cannot be read as text; the message names the file and the problem."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    raw_bytes: bytes
    repair: str | None = None  # what was repaired to decode it (an incomplete last character)


@cache
def common_han() -> frozenset[str]:
    """The frequently used Han characters: GB2312 level 1 (3,755 simplified) and Big5's
    frequently used block (5,401 traditional), about 6,800 in all."""
    chars = {bytes([lead, trail]).decode("gb2312")
             for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)
             if not (lead == 0xD7 and trail > 0xF9)}
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                chars.add(bytes([lead, trail]).decode("big5"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def implausibility(text: str, min_han: int = MIN_HAN) -> str | None:
    """Why `text` cannot be a real page (mojibake), or None when it can. The share of
    common Han is judged from `min_han` Han characters on: from MIN_HAN for a decoding the
    bytes prove (UTF-8, a BOM), from the first for a guessed one (GB18030 and others),
    where two bytes of a cut UTF-8 character already make one rare Han (`鏍`).

    >>> implausibility("许昌日报专讯（记者 毛迎）5月12日，市委书记") is None
    True
    >>> implausibility("许昌日报专讯（记者".encode()[:26].decode("gb18030"))  # 璁告槍鏃ユ姤…
    'Private Use Area characters (2)'
    >>> implausibility("璁告槍鏃ユ姤涓撹锛堣鑰")
    'few common Han characters (50%)'
    """
    private = len(_PRIVATE_USE.findall(text))
    if private:
        return f"Private Use Area characters ({private})"
    han = _HAN.findall(text, 0, SHARE_SAMPLE_CHARS)
    if len(han) < max(min_han, 1):
        return None
    common = common_han()
    share = sum(char in common for char in han) / len(han)
    if share < MIN_COMMON_HAN_SHARE:
        return f"few common Han characters ({share:.0%})"
    if share < CLEAR_COMMON_HAN_SHARE:
        languages = [name for name, _ in coherence_ratio(text[:COHERENCE_SAMPLE_CHARS])]
        if not any(name in CJK_LANGUAGES for name in languages):
            return f"not coherent CJK text ({share:.0%} common Han)"
    return None


# What two-byte UTF-8 sequences decode to (U+0080-U+07FF: Latin-1 and Latin Extended,
# modifier letters, Greek, Cyrillic, Armenian, Hebrew, Arabic…), which a Chinese page seldom
# prints but GB18030 bytes read as UTF-8 give; the symbols Chinese pages do print (· × ÷ °
# ± § © ® µ, no-break space) aside.
_OTHER_SCRIPT = regex.compile(r"[\u0080-\u07ff--[\u00a0\u00a7\u00a9\u00ae\u00b0\u00b1\u00b5\u00b7\u00d7\u00f7]]", regex.V1)
_NON_ASCII = regex.compile(r"[^\x00-\x7f]")


def _mostly_other_scripts(text: str) -> bool:
    """Whether most non-ASCII characters of a UTF-8 reading are letters of other scripts
    (then a GB18030 reading that is plausible Chinese is the right one).

    >>> _mostly_other_scripts("սսսս"), _mostly_other_scripts("ʵ"), _mostly_other_scripts("许昌日报专讯 5·12 Мос")
    (True, True, False)
    """
    sample = text[:SHARE_SAMPLE_CHARS]
    other = len(_OTHER_SCRIPT.findall(sample))
    return other > 0 and other * 2 > len(_NON_ASCII.findall(sample))


def _looks_binary(text: str, data: bytes | None = None) -> bool:
    """Whether control characters are over MAX_CONTROL_SHARE of `text`; counted in `data`,
    the bytes `text` was decoded from whole, when given (by an encoding of _ASCII_SAFE).

    >>> page = "许昌" + chr(0)
    >>> _looks_binary(page), _looks_binary(page, page.encode()), _looks_binary("许昌\t")
    (True, True, False)
    """
    controls = (len(data) - len(data.translate(None, _CONTROL_BYTES)) if data is not None
                else len(_CONTROL.findall(text)))
    return controls > MAX_CONTROL_SHARE * max(len(text), 1)


def decode_repairing_tail(data: bytes, encoding: str) -> tuple[str, str | None] | None:
    """`data` decoded strictly, or, when only its last character is cut, the rest decoded
    and the repair named; None when it is not this encoding.

    >>> decode_repairing_tail("许昌".encode()[:-1], "utf-8")
    ('许', 'incomplete last character (2 bytes) dropped')
    """
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as err:
        if err.reason not in _TRUNCATED or err.end != len(data):
            return None
        cut = err.start
    try:
        text = data[:cut].decode(encoding)
    except UnicodeDecodeError:
        return None
    return text, f"incomplete last character ({len(data) - cut} bytes) dropped"


def decode_bytes(data: bytes, name: str) -> DecodedText:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030 into plausible text;
    else say why not.

    >>> decode_bytes("许昌".encode("gb18030"), "p.txt").encoding
    'gb18030'
    >>> decode_bytes(codecs.BOM_UTF8 + "许昌".encode(), "p.txt").text
    '许昌'
    """
    if not data.strip():
        raise UnreadableInput(f"{name}: empty file")
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    problems = []
    for encoding in candidates:
        decoded = decode_repairing_tail(data, encoding)
        whole = encoding in _ASCII_SAFE and decoded is not None and decoded[1] is None
        if decoded is None or _looks_binary(decoded[0], data if whole else None):
            continue
        text, repair = decoded
        if repair and not text.strip():
            raise UnreadableInput(f"{name}: no text, only an incomplete {encoding} character")
        problem = implausibility(text, 1 if encoding == "gb18030" else MIN_HAN)
        if problem is None and encoding == "utf-8" and _mostly_other_scripts(text):
            other = decode_repairing_tail(data, "gb18030")  # `战战战战` in GB18030 is UTF-8 `սսսս`
            if other is not None and _HAN.search(other[0]) and implausibility(other[0], 1) is None:
                return DecodedText(other[0], "gb18030", data, other[1])
        if problem is None:
            return DecodedText(text, encoding, data, repair)
        problems.append(f"as {encoding}: {problem}")
        if repair:  # valid up to a cut last character: this encoding, garbled or not
            break
    best = from_bytes(data).best()
    if best is not None and best.encoding and not _looks_binary(str(best)):
        problem = implausibility(str(best), 1)
        if problem is None:
            return DecodedText(str(best), best.encoding, data)
        problems.append(f"as {best.encoding}: {problem}")
    if problems:  # text, but garbled in every encoding that decodes it
        raise UnreadableInput(f"{name}: no plausible decoding, mojibake ({'; '.join(problems)})")
    if b"\x00" in data or (best is not None and _looks_binary(str(best))):
        raise UnreadableInput(f"{name}: binary data, not text")
    raise UnreadableInput(f"{name}: not UTF-8, UTF-16 or GB18030 text")


def read_text_file(path: str | Path) -> DecodedText:
    """Read and decode one file; raises UnreadableInput naming it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnreadableInput(f"{path}: cannot read: {err.strerror or err}") from err
    return decode_bytes(data, str(path))
