"""Scoring the cleaner against hand-checked gold pages (`NAME.txt` / `NAME.gold.txt`)."""

from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from cleaners import clean
from cleaners.metrics import ascii_punct_beside_han, leftover_markers, residual_gaps


@dataclass(frozen=True)
class PageScore:
    """Figures for one text against its gold: the raw input's or the cleaner's."""

    edit_distance: int
    gold_chars: int
    residual_gaps: int
    ascii_punct_beside_han: int
    leftover_markers: int
    boundary_tp: int
    boundary_fp: int
    boundary_fn: int
    spaces_kept: int = 0  # spaces of the gold (bylines, headline phrases, Latin) found aligned
    gold_spaces: int = 0

    @property
    def cer(self) -> float:
        return self.edit_distance / self.gold_chars if self.gold_chars else 0.0

    @property
    def paragraph_f1(self) -> float:
        return f1(self.boundary_tp, self.boundary_fp, self.boundary_fn)

    @property
    def spaces_kept_share(self) -> float:
        """Share of the gold's spaces the text has in the same place (1.0 when it has none)."""
        return self.spaces_kept / self.gold_spaces if self.gold_spaces else 1.0


def f1(tp: int, fp: int, fn: int) -> float:
    if tp == 0:
        return 1.0 if fp == 0 and fn == 0 else 0.0
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return 2 * precision * recall / (precision + recall)


def _stream_and_boundaries(text: str) -> tuple[str, set[int]]:
    """Text with line breaks removed, and the offsets in it where a paragraph ended."""
    paragraphs = [line for line in text.split("\n") if line.strip()]
    boundaries, offset = set(), 0
    for paragraph in paragraphs[:-1]:
        offset += len(paragraph)
        boundaries.add(offset)
    return "".join(paragraphs), boundaries


def _position_map(source: str, target: str, opcodes) -> list[int]:
    """For each index 0..len(source) of `source`, the aligned index in `target`."""
    mapping = [0] * (len(source) + 1)
    for tag, s1, s2, d1, d2 in opcodes:
        for k in range(s1, s2 + 1):
            if tag in ("equal", "replace"):
                mapping[k] = min(d1 + (k - s1), d2)
            elif tag == "delete":
                mapping[k] = d1
    mapping[len(source)] = len(target)
    return mapping


def _insert_starts(opcodes) -> dict[int, int]:
    """For each index of the source where the target has characters the source lacks, where
    those characters start in the target."""
    return {s1: d1 for tag, s1, _, d1, _ in opcodes if tag == "insert"}


def _matched_boundaries(hyp_bounds: set[int], gold_bounds: set[int], mapping: list[int], opcodes) -> int:
    """Hypothesis boundaries that fall on a gold one. A boundary where the gold has characters
    the hypothesis lacks (a bullet the engine never read) matches on either side of them:
    the missing characters already count in the CER."""
    inserted = _insert_starts(opcodes)
    matched = set()
    for b in hyp_bounds:
        hit = next((g for g in range(inserted.get(b, mapping[b]), mapping[b] + 1)
                    if g in gold_bounds and g not in matched), None)
        if hit is not None:
            matched.add(hit)
    return len(matched)


def _spaces_kept(target: str, opcodes) -> int:
    """Spaces of `target` that an `equal` block of the alignment covers."""
    return sum(target.count(" ", d1, d2) for tag, _, _, d1, d2 in opcodes if tag == "equal")


def score_text(hypothesis: str, gold: str) -> PageScore:
    """CER with line breaks ignored, residual defects, and paragraph-boundary counts.

    >>> s = score_text("核酸检测，\\n居民有序排队。", "核酸检测，居民有序排队。")
    >>> s.cer, s.boundary_fp, s.paragraph_f1
    (0.0, 1, 0.0)
    >>> score_text("记者林晓 通讯员 周航", "记者 林晓 通讯员 周航").spaces_kept_share
    0.6666666666666666

    A break before a bullet the engine dropped is in the right place (the bullet counts once,
    as a missing character):

    >>> s = score_text("一条河的“逆袭”\\n课后服务丰富多彩", "■一条河的“逆袭”\\n■课后服务丰富多彩")
    >>> s.edit_distance, s.paragraph_f1
    (2, 1.0)
    """
    hyp_stream, hyp_bounds = _stream_and_boundaries(hypothesis)
    gold_stream, gold_bounds = _stream_and_boundaries(gold)
    opcodes = Levenshtein.opcodes(hyp_stream, gold_stream)
    mapping = _position_map(hyp_stream, gold_stream, opcodes)
    mapped = {mapping[b] for b in hyp_bounds}
    tp = _matched_boundaries(hyp_bounds, gold_bounds, mapping, opcodes)
    return PageScore(
        edit_distance=Levenshtein.distance(hyp_stream, gold_stream),
        gold_chars=len(gold_stream),
        residual_gaps=residual_gaps(hypothesis),
        ascii_punct_beside_han=ascii_punct_beside_han(hypothesis),
        leftover_markers=leftover_markers(hypothesis),
        boundary_tp=tp,
        boundary_fp=len(mapped) - tp,
        boundary_fn=len(gold_bounds) - tp,
        spaces_kept=_spaces_kept(gold_stream, opcodes),
        gold_spaces=gold_stream.count(" "),
    )


@dataclass(frozen=True)
class GoldPage:
    name: str
    raw: PageScore
    cleaned: PageScore


def page_kinds(directory: Path) -> dict[str, str]:
    """Page name → kind, from a `manifest.csv` (columns name, kind) in the folder or above it."""
    import csv

    for folder in (directory, directory.parent):
        manifest = folder / "manifest.csv"
        if manifest.is_file():
            with manifest.open(encoding="utf-8", newline="") as handle:
                return {row["name"]: row["kind"] for row in csv.DictReader(handle)
                        if row.get("name") and row.get("kind")}
    return {}


# The input file of a gold pair, by input format: plain text or an OCR engine's own file.
INPUT_SUFFIXES = {"text": ".txt", "hocr": ".hocr", "alto": ".alto.xml", "paddleocr": ".paddle.json"}


def gold_pairs(directory: Path, input_format: str = "text") -> list[tuple[str, Path, Path]]:
    """(name, input, gold) for every `NAME.gold.txt` with an input beside it: `NAME.txt`, or
    the engine file of `input_format` (`NAME.hocr`, `NAME.alto.xml`, `NAME.paddle.json`)."""
    suffix = INPUT_SUFFIXES[input_format]
    pairs = []
    for gold in sorted(directory.glob("*.gold.txt")):
        name = gold.name.removesuffix(".gold.txt")
        source = gold.with_name(f"{name}{suffix}")
        if source.is_file():
            pairs.append((name, source, gold))
    return pairs


def evaluate_pair(name: str, raw_text: str, gold_text: str, profile: str | None = None) -> GoldPage:
    cleaned = clean(raw_text, profile=profile).text
    return GoldPage(name, score_text(raw_text, gold_text), score_text(cleaned, gold_text))


def evaluate_engine_file(name: str, source: Path, gold_text: str, profile: str | None = None) -> GoldPage:
    """Score an engine file: raw is its lines in the engine's order, cleaned what the geometry
    path makes of it."""
    from layout.compose import clean_ocr_page
    from readers import read_ocr_file

    page = read_ocr_file(source)
    raw = "\n".join(line.text for line in page.lines)
    cleaned, _ = clean_ocr_page(page, profile)
    return GoldPage(name, score_text(raw, gold_text), score_text(cleaned.text, gold_text))


def unreadable_page(name: str, gold_text: str) -> GoldPage:
    """A page whose input could not be read, scored as what a user gets of it: no text."""
    nothing = score_text("", gold_text)
    return GoldPage(name, nothing, nothing)


def totals(pages: list[GoldPage], which: str) -> PageScore:
    """Micro-averaged figures over pages: sums of distances and counts."""
    scores = [getattr(p, which) for p in pages]
    return PageScore(**{k: sum(asdict(s)[k] for s in scores) for k in asdict(scores[0])})
