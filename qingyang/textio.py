"""Reading input pages: encoding detection with a clear error naming the file."""

import codecs
from dataclasses import dataclass
from pathlib import Path

import regex
from charset_normalizer import from_bytes

# Control characters other than tab, newline and carriage return: many of them mean binary data.
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Share of control characters above which decoded bytes are taken for binary data.
MAX_CONTROL_SHARE = 0.01


class UnreadableInput(ValueError):
    """A file that cannot be read as text; the message names the file and the problem."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    raw_bytes: bytes


def _looks_binary(text: str) -> bool:
    return len(_CONTROL.findall(text)) > MAX_CONTROL_SHARE * max(len(text), 1)


def decode_bytes(data: bytes, name: str) -> DecodedText:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM) or GB18030; else say why not.

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
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return DecodedText(text, encoding, data)
    best = from_bytes(data).best()
    if best is not None and best.encoding and not _looks_binary(str(best)):
        return DecodedText(str(best), best.encoding, data)
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
