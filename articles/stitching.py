"""Join jump-continued stories across the pages of one issue (pure, no I/O).

A fragment that ends in `（下转第二版）` is joined with the fragment on page 2 that
opens with `（上接第一版）`. When page 2 resumes several stories from page 1, each
jump is matched to its continuation by the repeated jump headline and by content
overlap (rapidfuzz), best pairs first. A fragment that finds no partner stays a row
of its own, keeps its marker, and says why in `stitch_note`: nothing is lost.

Not for: joining across issues, or stories continued without a printed marker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

from rapidfuzz import fuzz

from articles.bigrams import han_bigrams
from articles.segmentation import Article
from cleaners.markers import JumpMarker
from cleaners.pagelabels import page_key

# The marker kinds a stitch joins and consumes; `see_page` is a cross-reference, never joined.
JUMP_KINDS = ("continued_to", "continued_from")

# A stitch with no headline or content evidence still has both markers agreeing.
MARKER_AGREEMENT = 0.5
# With several candidates on the target page, below this evidence a pair is not trusted.
MIN_EVIDENCE = 0.2


@dataclass
class PageInput:
    """One cleaned, segmented page of an issue."""

    doc_id: str
    publication: str | None
    issue_date: str | None  # ISO date, or None when unknown
    page: str | None
    articles: list[Article] = field(default_factory=list)


@dataclass
class ArticleRecord:
    """One output row: an article, whole when its fragments were stitched."""

    article_id: str
    doc_ids: list[str]
    publication: str | None
    issue_date: str | None
    pages: list[str]
    kind: str
    headline: str | None
    subheadlines: list[str]
    byline: str | None
    reporters: list[str]
    text: str
    paragraphs: list[str]
    captions: list[str]
    credits: list[str]
    markers: list[dict]
    continued: bool
    stitch_confidence: float | None
    stitch_note: str | None
    headline_note: str | None

    def to_dict(self) -> dict:
        """The fields as a dict, lists shared, not copied (`asdict` deep-copied every row)."""
        return {name: getattr(self, name) for name in _RECORD_FIELDS}


_RECORD_FIELDS = tuple(f.name for f in fields(ArticleRecord))
def marker_row(marker: JumpMarker, page: str | None) -> dict:
    """A marker as a row of the articles' markers, with the page of its fragment."""
    row = marker.to_dict()
    row["page_of_fragment"] = page
    return row


def _evidence(source: Article, target: Article) -> float:
    """How surely `target` continues `source`: repeated headline, else shared wording."""
    heads = [h for h in (source.headline, *source.subheadlines) if h]
    targets = [h for h in (target.headline, *target.subheadlines) if h]
    headline = max((fuzz.ratio(a, b) / 100 for a in heads for b in targets), default=0.0)
    if not source.body or not target.body:
        return headline
    # The jump cuts a sentence: the story's wording (names, places, terms) runs on.
    content = fuzz.token_set_ratio(" ".join(han_bigrams(source.text)), " ".join(han_bigrams(target.text))) / 100
    return max(headline, content * 0.8)


@dataclass
class _Fragment:
    page: PageInput
    article: Article
    next: _Fragment | None = None
    previous: _Fragment | None = None
    confidence: float | None = None
    notes: list[str] = field(default_factory=list)


def stitch_issue(pages: Sequence[PageInput]) -> list[ArticleRecord]:
    """All articles of the given pages as records, jump-continued fragments joined.

    Pages are grouped by (publication, issue_date); a jump never crosses issues.
    """
    issues: dict[tuple, list[PageInput]] = {}
    for page in pages:
        issues.setdefault((page.publication, page.issue_date), []).append(page)
    records: list[ArticleRecord] = []
    for key in sorted(issues, key=lambda k: (str(k[0]), str(k[1]))):
        records.extend(_stitch_one_issue(issues[key]))
    return records


def _stitch_one_issue(pages: list[PageInput]) -> list[ArticleRecord]:
    fragments = [_Fragment(page, a) for page in pages for a in page.articles]
    keys = {page.page: page_key(page.page) for page in pages}  # each label's key, found once
    by_page: dict[tuple | None, list[tuple[int, _Fragment]]] = {}  # key → (index, fragment)
    for j, frag in enumerate(fragments):
        by_page.setdefault(keys[frag.page.page], []).append((j, frag))

    # Candidate pairs: a jump to page N and a resumption on page N from this page.
    pairs: list[tuple[float, int, int, tuple[str, int] | None]] = []
    jumps = [(i, f) for i, f in enumerate(fragments) if f.article.jumps("continued_to")]
    for i, source in jumps:
        target_label = source.article.jumps("continued_to")[-1].page
        target_page, here = page_key(target_label), keys[source.page.page]
        if target_page not in by_page:
            source.notes.append(f"target page {target_label} not in this issue")
            continue
        candidates = [
            (j, f) for j, f in by_page[target_page]
            if f is not source
            and any(here is None or page_key(m.page) == here
                    for m in f.article.jumps("continued_from"))
        ]
        if not candidates:
            source.notes.append(
                f"no fragment on page {target_label} resumes from page {source.page.page}")
            continue
        for j, target in candidates:
            pairs.append((_evidence(source.article, target.article), i, j, target_page))
        if len(candidates) == 1:
            # One candidate: the markers agree, so evidence only raises confidence.
            j = candidates[0][0]
            pairs[-1] = (max(pairs[-1][0], MIN_EVIDENCE), i, j, target_page)

    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    for evidence, i, j, _ in pairs:
        source, target = fragments[i], fragments[j]
        if source.next is not None or target.previous is not None:
            continue
        if evidence < MIN_EVIDENCE:
            continue
        source.next, target.previous = target, source
        target.confidence = round(MARKER_AGREEMENT + (1 - MARKER_AGREEMENT) * evidence, 3)
    for _, source in jumps:
        if source.next is None and not source.notes:
            source.notes.append("no continuation matched well enough")
    for frag in fragments:
        if frag.article.jumps("continued_from") and frag.previous is None:
            froms = {m.page for m in frag.article.jumps("continued_from")}
            missing = [p for p in sorted(froms) if page_key(p) not in by_page]
            frag.notes.append(
                f"source page {', '.join(map(str, missing))} not in this issue" if missing
                else "no jump on the source page matched this continuation"
            )

    records: list[ArticleRecord] = []
    for frag in fragments:
        if frag.previous is not None:
            continue  # written with the chain's head
        chain = [frag]
        while chain[-1].next is not None and len(chain) <= len(fragments):
            chain.append(chain[-1].next)
        records.append(_record(chain))
    return records


def _record(chain: list[_Fragment]) -> ArticleRecord:
    head = chain[0].article
    doc_ids = list(dict.fromkeys([f.page.doc_id for f in chain]))
    pages = [p for p in dict.fromkeys([f.page.page for f in chain]) if p is not None]
    paragraphs = [p for f in chain for p in f.article.body]
    captions = [c for f in chain for c in f.article.captions]
    credits = [c for f in chain for c in f.article.credits]
    reporters = list(dict.fromkeys([r for f in chain for r in f.article.reporters]))
    # Markers consumed by a stitch are dropped; every other marker stays with its row.
    markers: list[dict] = []
    for k, f in enumerate(chain):
        for m in f.article.markers:
            joined_to = m.kind == "continued_to" and k + 1 < len(chain)
            joined_from = m.kind == "continued_from" and k > 0
            if not (joined_to or joined_from):
                markers.append(marker_row(m, f.page.page))
    notes = [n for f in chain for n in f.notes]
    confidences = [f.confidence for f in chain[1:] if f.confidence is not None]
    continued = len(chain) > 1
    if continued:
        confidence: float | None = min(confidences)
        notes.insert(0, "stitched pages " + " → ".join(str(f.page.page) for f in chain))
    elif notes:
        confidence = 0.0
    else:
        confidence = None
    first = paragraphs[0] if paragraphs else (head.headline or "\n".join(head.captions))
    seed = "\n".join([*doc_ids, head.kind, str(head.first_paragraph), first])
    return ArticleRecord(
        article_id=hashlib.sha256(seed.encode("utf-8")).hexdigest(),
        doc_ids=doc_ids,
        publication=chain[0].page.publication,
        issue_date=chain[0].page.issue_date,
        pages=[str(p) for p in pages] or list(head.pages),
        kind=head.kind,
        headline=head.headline,
        subheadlines=list(head.subheadlines),
        byline=head.byline,
        reporters=reporters,
        text="\n".join(paragraphs),
        paragraphs=paragraphs,
        captions=captions,
        credits=credits,
        markers=markers,
        continued=continued,
        stitch_confidence=confidence,
        stitch_note="; ".join(notes) or None,
        headline_note=head.headline_note,
    )
