"""qingyang layout: the page model (readers) to lines with roles, in reading order.

`lay_out(page)` drops what is no text (column rules read as words, boxes with no place, a
row's second reading: `layout.words`, `layout.overlaps`), turns the boxes of a page scanned
askew straight (`layout.skew`; the `lines` column keeps the engine's boxes), joins display
pieces cut along a row and a title set vertically in columns (`layout.fragments`), cuts lines run across a gutter where their words
allow (`layout.order`), rebuilds each line's text from its word gaps (`layout.spacing`),
cuts a line without words run across a gutter by its text where the glyphs' pitch allows
(`layout.order`),
joins a headline wrapped onto the next row (`layout.fragments`), joins a table's cells read
one by one into one line a row (`layout.tables`), orders the lines by cutting
the page along its white space (`layout.cuts`), gives each line a role from its box
(`layout.roles`) and assembles paragraphs with the text path's assembly. The cleaning rules
then run on those paragraphs as on any text, reflow aside. Without word boxes (PP-OCR)
the line roles come from the text evidence on the lines in that reading order
(`line_roles` says why).
"""

from dataclasses import dataclass

from cleaners.roles import LineRole, assemble_paragraphs
from layout.cuts import display_lines, reading_order
from layout.fragments import (
    join_display_fragments,
    join_vertical_titles,
    join_wrapped_headlines,
    pitch,
)
from layout.order import (
    narrow_merged,
    page_gutters,
    set_across,
    split_at_gutters,
    split_at_word_gaps,
    split_merged,
)
from layout.overlaps import drop_second_readings
from layout.roles import ColumnLine, geometry_roles, join_guide_wraps, mark_indented_starts
from layout.skew import on_units, page_turn, straighten, turned
from layout.spacing import line_text
from layout.tables import join_table_rows
from layout.words import drop_placeless, drop_rules, split_at_rule_glyphs, type_height
from readers.model import OcrLine, OcrPage


@dataclass(frozen=True)
class LaidOutLine:
    """A line in reading order, as stored in the pages table's `lines` column."""

    text: str
    bbox: list[float]
    confidence: float | None
    block: int
    column: int
    role: str

    def to_dict(self) -> dict:
        return {"text": self.text, "bbox": self.bbox, "confidence": self.confidence,
                "block": self.block, "column": self.column, "role": self.role}


@dataclass(frozen=True)
class LaidOutPage:
    """A page's lines in reading order with roles, and its text one paragraph per line."""

    lines: list[LaidOutLine]
    text: str
    merged_lines: int  # lines the engine merged across a column gutter, kept whole (no words)
    split_lines: int = 0  # lines the engine merged across a gutter, cut there by their words or text


def line_roles(lines: list[ColumnLine], with_words: bool) -> list[LineRole]:
    """The roles the paragraphs are built from. With word boxes (hOCR, ALTO) the boxes tell
    indentation and type size; PP-OCR pads each line's box (a short line's box is taller,
    its left edge loose), so without words the text evidence decides, on the lines in the
    reading order the boxes gave (on the dev split: paragraph F1 0.88 against 0.73 by box),
    with the runs the text path reads (a directory's entries, lists of names and units,
    signatures, listings) but not its headlines of two phrases: the geometry joined those."""
    if with_words:
        return join_guide_wraps(lines, geometry_roles(lines))
    from cleaners.paragraphs import line_features, text_roles

    texts = [line.text for line in lines]
    text = "\n".join(texts)
    kept, features = line_features(text)
    if len(kept) != len(texts):  # a blank line (an engine's empty box): fall back on the boxes
        return join_guide_wraps(lines, geometry_roles(lines))
    roles = text_roles(features, kept, text, phrases=False)[0]
    return join_guide_wraps(lines, mark_indented_starts(lines, roles))


def _left_out(before: list[OcrLine], after: list[OcrLine], why: str, on_page=lambda box: box) -> list[LaidOutLine]:
    """The lines of `before` a filter left out of `after`, kept for the `lines` column with
    the reason as their role (`dropped:placeless`, `dropped:second_reading`): nothing an
    engine read leaves the row unrecorded. `on_page`: a box back in the engine's coordinates."""
    kept = {id(line) for line in after}
    return [LaidOutLine(line.text, [float(v) for v in on_page(line.box).as_list()], line.confidence,
                        -1, -1, f"dropped:{why}") for line in before if id(line) not in kept]


def _on_page(degrees: float, centre: tuple[float, float]):
    """A box of the straightened page back in the engine's coordinates (turned again)."""
    if not degrees:
        return lambda box: box
    return lambda box: on_units(turned(box, degrees, centre))


def _type_evidence(lines: list[OcrLine]) -> tuple[set[int], list[bool], list[float]]:
    """The lines set across a gutter (by their words), whether each is display type, and each
    line's glyph pitch."""
    across = set_across(lines, page_gutters(lines))
    display = display_lines([type_height(line) for line in lines], across)
    return across, display, [pitch(line) for line in lines]


def lay_out(page: OcrPage) -> LaidOutPage:
    """Reading order, line texts, roles and paragraphs of an engine's page. The lines the
    layout leaves out (no place on the page, a second reading of a row) follow the others
    in `lines`, with why as their role; column rules read as words or glyphs (`|`) are no text."""
    engine_lines = list(page.lines)
    with_place = drop_placeless(engine_lines)
    left_out = _left_out(engine_lines, with_place, "placeless")
    skew = page_turn(with_place)
    centre = ((page.width or 0.0) / 2, (page.height or 0.0) / 2)
    on_page = _on_page(skew, centre)
    with_place = straighten(with_place, skew, centre)
    ocr_lines, _ = drop_rules(with_place)
    ocr_lines, _ = split_at_rule_glyphs(ocr_lines)
    once, _ = drop_second_readings(ocr_lines)
    left_out += _left_out(ocr_lines, once, "second_reading", on_page)
    ocr_lines, _ = join_display_fragments(once)
    ocr_lines, _ = join_vertical_titles(ocr_lines)
    ocr_lines, split = split_at_gutters(ocr_lines)
    ocr_lines, split_by_gaps = split_at_word_gaps(ocr_lines)
    split += split_by_gaps
    once, _ = drop_second_readings(ocr_lines)
    left_out += _left_out(ocr_lines, once, "second_reading", on_page)
    texts = [line_text(line) for line in once]
    ocr_lines, texts, _ = join_wrapped_headlines(once, texts)
    ocr_lines, texts, _ = join_table_rows(ocr_lines, texts)
    across, display, pitches = _type_evidence(ocr_lines)
    ocr_lines, texts, cut_by_text = split_merged(ocr_lines, texts, display, pitches)
    if cut_by_text:
        across, display, pitches = _type_evidence(ocr_lines)
    boxes, merged = narrow_merged([line.box for line in ocr_lines], display, pitches)
    with_words = any(line.words for line in ocr_lines)
    placed = reading_order(boxes, display, texts, pitches, padded=not with_words)
    column_lines = [ColumnLine(texts[p.index], ocr_lines[p.index].box, p.block, p.column, p.index in across)
                    for p in placed]
    roles = line_roles(column_lines, with_words=with_words)
    paragraphs = assemble_paragraphs([line.text for line in column_lines], roles)
    lines = [LaidOutLine(cl.text.replace("\t", " "), [float(v) for v in on_page(cl.box).as_list()], ocr_lines[p.index].confidence,
                         cl.block, cl.column, str(role))
             for p, cl, role in zip(placed, column_lines, roles, strict=True)]
    return LaidOutPage(lines + left_out, "\n".join(paragraphs), merged, split + cut_by_text)


__all__ = ["LaidOutLine", "LaidOutPage", "lay_out"]
