"""Where on a cleaned text each failed expectation's fault is: spans a report highlights.

The suites count faults (`cleaners.metrics`); a reader needs to see one. These functions
find the characters behind a count with the metrics' own definitions, so what is
highlighted is what was counted.
"""

from __future__ import annotations

from cleaners.markers import find_jump_markers
from cleaners.metrics import ASCII_PUNCT_BESIDE_HAN, unbalanced_brackets
from cleaners.spacing import count_residual_gaps

# Characters of context either side of a fault in a report's snippet.
CONTEXT = 24
# Faults shown per row: enough to see the pattern, few enough to read.
MAX_FAULTS = 3


def residual_gap_spans(text: str) -> list[tuple[int, int]]:
    """Spaces counted as residual gaps: a space whose removal lowers its line's count.

    >>> residual_gap_spans("核 酸检测，居民")
    [(1, 2)]
    """
    spans, start = [], 0
    for line in text.split("\n"):
        count = count_residual_gaps(line) if " " in line or "\u3000" in line else 0
        for i, char in enumerate(line):
            if count and char.isspace() and count_residual_gaps(line[:i] + line[i + 1:]) < count:
                spans.append((start + i, start + i + 1))
                if len(spans) >= MAX_FAULTS:
                    return spans
        start += len(line) + 1
    return spans


def fault_spans(text: str, column: str | None) -> list[tuple[int, int]]:
    """`faults_of` with touching faults merged into one (`���` is one place to look)."""
    merged: list[tuple[int, int]] = []
    for start, end in faults_of(text, column):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged[:MAX_FAULTS]


def faults_of(text: str, column: str | None) -> list[tuple[int, int]]:
    """(start, end) offsets in `text` of the faults the expectation on `column` counts;
    [] when the fault has no place (a ratio, a null, a date).

    >>> faults_of("安全,惠济区（下转第二版）", "ascii_punct_beside_han")
    [(2, 3)]
    >>> faults_of("安全,惠济区（下转第二版）", "leftover_markers")
    [(6, 13)]
    """
    if column == "residual_gaps":
        return residual_gap_spans(text)
    if column == "ascii_punct_beside_han":
        return [m.span() for m in ASCII_PUNCT_BESIDE_HAN.finditer(text)][:MAX_FAULTS]
    if column == "leftover_markers":
        return [(m.offset, m.offset + len(m.raw)) for m in find_jump_markers(text)][:MAX_FAULTS]
    if column == "replacement_chars":
        return [(i, i + 1) for i, char in enumerate(text) if char == "\ufffd"]
    if column == "unbalanced_brackets":
        spans, start = [], 0
        for line in text.split("\n"):
            if unbalanced_brackets(line):
                spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans[:MAX_FAULTS]
    return []


def snippets(text: str, spans: list[tuple[int, int]]) -> list[dict]:
    """Each fault in context: {"before", "fault", "after"} (CONTEXT characters each side,
    line breaks shown as ↵); with no span, the text's opening as context alone.

    >>> snippets("核 酸检测", [(1, 2)])
    [{'before': '核', 'fault': ' ', 'after': '酸检测'}]
    """
    def shown(part: str) -> str:
        return part.replace("\n", "↵")

    if not spans:
        return [{"before": shown(text[:2 * CONTEXT]), "fault": "", "after": ""}] if text else []
    return [{"before": shown(text[max(0, start - CONTEXT):start]),
             "fault": shown(text[start:end]),
             "after": shown(text[end:end + CONTEXT])} for start, end in spans]
