"""What the cleaner changed on a page, as spans of the raw and the clean text.

`clean(text, explain=True)` hands the composer's chain of texts (the raw text, then the
text after each rule that changed it) to `explain_chain`, which diffs each rule's input
and output and maps every change back through the chain to the raw text. The result is
a list of `Edit`s in the manner of ftfy's `fix_and_explain`: sorted, not overlapping,
each naming its rule, and replayable: `replay(raw, edits) == clean_text`.

How a character is followed: every character of the current text is either a raw
character no rule has touched (its raw offset is known) or one a rule wrote (the rule is
known). A raw character a rule deletes or replaces is charged to that rule. At the end
the surviving raw characters are anchors that align raw and clean text; what lies
between two anchors, on either side, is one edit (split by rule when the rules' changes
there do not interleave). A character written by one rule and rewritten by a later one
is charged to the later rule.

Not for the bulk path: diffing every step costs more than cleaning (only when asked).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rapidfuzz.distance import Levenshtein

# The composer's last step (blank lines dropped, marker breaks removed), named for spans.
FINAL_STEP = "blank_lines"


@dataclass(frozen=True)
class Edit:
    """One change: raw_text[raw_start:raw_end] (`before`) became
    text[clean_start:clean_end] (`after`) by `rule`."""

    rule: str
    raw_start: int
    raw_end: int
    clean_start: int
    clean_end: int
    before: str
    after: str

    def to_dict(self) -> dict:
        return asdict(self)


def explain_chain(raw: str, steps: list[tuple[str, str]]) -> list[Edit]:
    """The edits that turn `raw` into the last text of `steps` ((rule, text after it)).

    >>> [(e.rule, e.before, e.after) for e in explain_chain(
    ...     "核 酸,检测", [("punctuation", "核 酸，检测"), ("spacing", "核酸，检测")])]
    [('spacing', ' ', ''), ('punctuation', ',', '，')]
    """
    origin: list[int | None] = list(range(len(raw)))  # raw offset per current character
    written: list[str | None] = [None] * len(raw)     # rule that wrote it (None: raw)
    removed_by: dict[int, str] = {}                    # raw offset -> rule that removed it
    current = raw
    for rule, after in steps:
        if after == current:
            continue
        new_origin: list[int | None] = []
        new_written: list[str | None] = []
        for op in Levenshtein.opcodes(current, after):
            if op.tag == "equal":
                new_origin += origin[op.src_start:op.src_end]
                new_written += written[op.src_start:op.src_end]
                continue
            for offset in origin[op.src_start:op.src_end]:
                if offset is not None:
                    removed_by[offset] = rule
            width = op.dest_end - op.dest_start
            new_origin += [None] * width
            new_written += [rule] * width
        origin, written, current = new_origin, new_written, after
    return _edits(raw, current, origin, written, removed_by)


def _edits(raw: str, clean: str, origin: list[int | None], written: list[str | None],
           removed_by: dict[int, str]) -> list[Edit]:
    """Edits between consecutive anchors (raw characters that survived to the clean text)."""
    anchors = [(offset, i) for i, offset in enumerate(origin) if offset is not None]
    anchors.append((len(raw), len(clean)))  # the end closes the last gap
    edits: list[Edit] = []
    raw_at = clean_at = 0
    for raw_anchor, clean_anchor in anchors:
        if raw_anchor > raw_at or clean_anchor > clean_at:
            raw_rules = [removed_by.get(r, FINAL_STEP) for r in range(raw_at, raw_anchor)]
            clean_rules = [written[c] or FINAL_STEP for c in range(clean_at, clean_anchor)]
            edits += _split_gap(raw, clean, raw_at, clean_at, raw_rules, clean_rules)
        raw_at, clean_at = raw_anchor + 1, clean_anchor + 1
    return edits


def _runs(rules: list[str]) -> list[tuple[str, int]]:
    """Maximal runs of one rule: [(rule, length)]."""
    runs: list[tuple[str, int]] = []
    for rule in rules:
        if runs and runs[-1][0] == rule:
            runs[-1] = (rule, runs[-1][1] + 1)
        else:
            runs.append((rule, 1))
    return runs


def _split_gap(raw: str, clean: str, raw_at: int, clean_at: int, raw_rules: list[str],
               clean_rules: list[str]) -> list[Edit]:
    """One gap between anchors as edits: one per rule when each rule's removals and
    writings are single runs in the same order on both sides; otherwise one edit whose
    rule names every rule involved (`punctuation+spacing`)."""
    raw_runs, clean_runs = _runs(raw_rules), _runs(clean_rules)
    order = list(dict.fromkeys([rule for rule, _ in raw_runs] + [rule for rule, _ in clean_runs]))
    raw_order = [rule for rule, _ in raw_runs]
    clean_order = [rule for rule, _ in clean_runs]
    consistent = (len(set(raw_order)) == len(raw_order)
                  and len(set(clean_order)) == len(clean_order)
                  and [r for r in order if r in raw_order] == raw_order
                  and [r for r in order if r in clean_order] == clean_order)
    if not consistent:
        order = ["+".join(order)]
        raw_runs = [(order[0], len(raw_rules))] if raw_rules else []
        clean_runs = [(order[0], len(clean_rules))] if clean_rules else []
    raw_width, clean_width = dict(raw_runs), dict(clean_runs)
    edits = []
    for rule in order:
        raw_end = raw_at + raw_width.get(rule, 0)
        clean_end = clean_at + clean_width.get(rule, 0)
        edits.append(Edit(rule, raw_at, raw_end, clean_at, clean_end,
                          raw[raw_at:raw_end], clean[clean_at:clean_end]))
        raw_at, clean_at = raw_end, clean_end
    return edits


def replay(raw: str, edits: list[Edit]) -> str:
    """`raw` with every edit applied: the clean text, when the edits explain it.

    >>> replay("核 酸,检测", explain_chain("核 酸,检测", [("spacing", "核酸,检测"),
    ...                                                  ("punctuation", "核酸，检测")]))
    '核酸，检测'
    """
    pieces, at = [], 0
    for edit in sorted(edits, key=lambda e: (e.raw_start, e.clean_start)):
        pieces += [raw[at:edit.raw_start], edit.after]
        at = edit.raw_end
    pieces.append(raw[at:])
    return "".join(pieces)
