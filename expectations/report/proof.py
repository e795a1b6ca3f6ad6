"""A proof view of one page: what the cleaner did to it, for a person to check.

One self-contained HTML file per page (no script, no external resource): the raw text with
every edit marked and labelled with its rule (line breaks joined by reflow and breaks kept
as paragraph ends both visible), beside the clean paragraphs with their role (display,
byline, guide, body) and their jump markers with the page each points to.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from articles.segmentation import is_headline_line
from cleaners import clean
from cleaners.charclasses import GUIDE_BULLETS
from cleaners.lines import is_byline
from cleaners.metrics import quality_metrics
from expectations.report import render
from expectations.report.faults import fault_spans
from qingyang.parquet_io import write_bytes_atomic

# Where proof views go, under the reports folder (the report links to them there).
PROOFS_DIR = "proofs"
# How whitespace an edit removed or wrote is shown (it would be invisible otherwise).
_VISIBLE = {" ": "␣", "\u3000": "□", "\t": "⇥", "\n": "↵"}
# Failed expectations on these columns name a fault the proof can mark in the clean text.
_MARKED_COLUMNS = ("residual_gaps", "ascii_punct_beside_han", "leftover_markers",
                   "replacement_chars", "unbalanced_brackets")


def proof_name(doc_id: str | None, source_path: str) -> str:
    """The proof file's name: the doc_id's first 16 hex digits (or the file's name).

    >>> proof_name("d94d03168ebcdc99aa", "seeds/x.txt"), proof_name(None, "a/b c.txt")
    ('d94d03168ebcdc99.html', 'b_c.txt.html')
    """
    stem = doc_id[:16] if doc_id else Path(source_path).name.replace(" ", "_")
    return f"{stem}.html"


def visible(text: str) -> str:
    """Whitespace shown as a glyph (a line break also keeps its break).

    >>> visible("a \\nb")
    'a␣↵\\nb'
    """
    return "".join(_VISIBLE.get(c, c) + ("\n" if c == "\n" else "") for c in text)


def role_of(paragraph: str) -> str:
    """What a clean paragraph is on the page, as the articles step reads it.

    >>> role_of("紧盯薄弱环节 落实防控措施"), role_of("本报记者 陈默 摄"), role_of("今天，居民有序排队。")
    ('display', 'byline', 'body')
    """
    if paragraph[:1] in GUIDE_BULLETS:
        return "guide"
    if is_byline(paragraph):
        return "byline"
    return "display" if is_headline_line(paragraph) else "body"


def raw_tokens(raw: str, spans, markers) -> list[dict]:
    """The raw text as tokens: kept text, kept line breaks (paragraph ends), and edits
    (with the markers an edit removed)."""
    tokens: list[dict] = []

    def kept(text: str) -> None:
        for i, line in enumerate(text.split("\n")):
            if i:
                tokens.append({"kind": "break"})
            if line:
                tokens.append({"kind": "text", "text": line})

    at = 0
    for span in spans:
        kept(raw[at:span.raw_start])
        inside = [m for m in markers if span.raw_start <= m.offset < span.raw_end]
        tokens.append({"kind": "edit", "rule": span.rule, "before": visible(span.before),
                       "after": visible(span.after), "markers": inside,
                       "joined": "\n" in span.before and "\n" not in span.after})
        at = span.raw_end
    kept(raw[at:])
    return tokens


def clean_paragraphs(text: str, spans, faults: list[tuple[int, int]],
                     placed: dict[int, list]) -> list[dict]:
    """The paragraphs of a clean `text`, each with its role, its markers (`placed`, by
    paragraph index) and its text as tokens: kept text, text an edit wrote (`spans`, with
    the rule) and faults the validation counted."""
    marks = [("ins", s.clean_start, s.clean_end, s.rule) for s in spans if s.after]
    marks += [("fault", start, end, "") for start, end in faults]
    marks.sort(key=lambda m: (m[1], m[0] != "fault"))
    paragraphs, offset = [], 0
    for number, paragraph in enumerate(text.split("\n")):
        end, tokens, at = offset + len(paragraph), [], offset
        for kind, start, stop, rule in marks:
            start, stop = max(start, at), min(stop, end)
            if stop <= start:
                continue
            if start > at:
                tokens.append({"kind": "text", "text": text[at:start]})
            tokens.append({"kind": kind, "text": text[start:stop], "rule": rule})
            at = stop
        if at < end:
            tokens.append({"kind": "text", "text": text[at:end]})
        paragraphs.append({"number": number + 1, "role": role_of(paragraph), "tokens": tokens,
                           "markers": placed.get(number, [])})
        offset = end + 1
    return paragraphs


def _profile_of(row: dict):
    """The row's profile when it can be loaded by name; a profile read from a user's file
    (`FILE.toml:NAME`) is stored by name only, so the default stands in (the stored text is
    shown if the cleaner gives another)."""
    from cleaners import ProfileError, load_profile

    try:
        return load_profile(row.get("profile"))
    except ProfileError:
        return None


def proof_html(row: dict, *, report_href: str | None = None) -> str:
    """The proof view of one page. `row`: a pages row (raw_text, doc_id, source_path,
    publication, issue_date, page, profile, failed_expectations), or a quarantined input
    ({source_path, reason, raw?}); `report_href` links back to the report."""
    raw = row.get("raw_text") or row.get("raw") or ""
    result = clean(raw, profile=_profile_of(row), explain=True,
                   paragraphs_given=(row.get("source_format") or "text") != "text")
    failed = list(row.get("failed_expectations") or [])
    columns = {name[name.find("(") + 1:-1] for name in failed if "(" in name}
    # A stored text that is not what the cleaner gives now (edited by hand, or written by
    # another version) is shown as stored: that is what the validation judged.
    stored = row.get("text")
    differs = isinstance(stored, str) and stored != result.text
    text = stored if differs else result.text
    faults = sorted({span for column in columns if column in _MARKED_COLUMNS
                     for span in fault_spans(text, column)})
    placed: dict[int, list] = {}
    for marker in ([] if differs else result.markers):
        placed.setdefault(marker.paragraph, []).append(marker)
    tokens = raw_tokens(raw, result.spans, result.markers)
    return render(
        "proof.html.j2", row=row, result=result, failed=failed, raw_tokens=tokens,
        paragraphs=clean_paragraphs(text, [] if differs else result.spans, faults, placed),
        differs=differs, rules=Counter(span.rule for span in result.spans).most_common(),
        metrics=quality_metrics(text), report_href=report_href,
        joined=sum(t.get("joined", False) for t in tokens),
        kept=sum(t["kind"] == "break" for t in tokens))


def write_proof(row: dict, folder: Path, *, report_href: str | None = None) -> Path:
    """Write `row`'s proof view into `folder`; its path."""
    path = Path(folder) / proof_name(row.get("doc_id"), row.get("source_path") or "page")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(path, proof_html(row, report_href=report_href).encode())
    return path
