"""A page's per-line yes/no evidence as Python ints, one bit per line (bit i: line i).

Reflow weighs a few hundred and/or/not steps over a page's lines. On arrays of a page's
size (some hundred lines) each numpy step costs about a microsecond, nearly all of it the
call; the same step on an int costs some tens of nanoseconds. So reflow packs its line
tests into ints once and does its logic there.

Conventions: an int's bits past the last line mean nothing until masked (`all_lines`);
`~x` is an int with infinitely many high bits set, harmless once masked. The line after
each line is `x >> 1` (bit i: line i + 1), the line before `x << 1`.

>>> rows = as_ints(np.array([[True, False, True], [False, False, True]]))
>>> rows, ones(rows[0]), as_row(rows[0] >> 1, 3).tolist()
([5, 4], [0, 2], [False, True, False])
"""

import numpy as np


def all_lines(count: int) -> int:
    """The bits of `count` lines, all set."""
    return (1 << count) - 1


def as_ints(table: np.ndarray) -> list[int]:
    """Each row of a 2-D boolean table as an int (bit i: the row's entry i)."""
    packed = np.packbits(table, axis=1, bitorder="little")
    size, raw = packed.shape[1], packed.tobytes()
    if not size:
        return [0] * len(table)
    return [int.from_bytes(raw[start : start + size], "little") for start in range(0, len(raw), size)]


def as_row(bits: int, count: int) -> np.ndarray:
    """The first `count` bits of `bits` as a boolean array."""
    raw = np.frombuffer((bits & all_lines(count)).to_bytes((count + 7) // 8, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=count, bitorder="little").view(bool)


def ones(bits: int) -> list[int]:
    """The places of the set bits of a non-negative int, in order."""
    found = []
    while bits:
        lowest = bits & -bits
        found.append(lowest.bit_length() - 1)
        bits ^= lowest
    return found
