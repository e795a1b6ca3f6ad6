"""Build the fourth evaluation set (tests/eval_fourth/): PP-OCR on rendered 柘湾 pages.

Two papers of kinds the older sets do not print: a metropolitan tabloid (柘湾都市报, pages
A01-A03) and a weekly trade paper (柘湾物流周报, pages 1-4). Pages are laid out here from
the pieces in tools/fourth_sources/zhewan.toml, drawn with Pillow, put through seeded scan
faults, read by `qingyang ocr` (RapidOCR, one page at a time), and written as
NAME.paddle.json / NAME.txt / NAME.gold.txt with a manifest of the engine's floor.

How the files relate: every drawn line and every gold line is emitted into one stream in
the page's reading order, so a drawn line's place in the stream is its reading rank. The
engine's boxes are mapped back through the page's distortion to the drawn line that holds
their centre (the nearest one when none does); NAME.txt is the engine's lines sorted by
that rank (then left to right). The gold is the stream's gold lines in order.

    python tools/make_fourth_pages.py --plan          # pieces, splits, pages
    python tools/make_fourth_pages.py                 # render, OCR, write everything
    python tools/make_fourth_pages.py --split dev     # one split only
    python tools/make_fourth_pages.py --no-ocr        # gold, .txt, manifest from the committed JSON
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
import os
import random
import re
import subprocess
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "fourth_sources" / "zhewan.toml"
SPLIT_SEED = "fourth|split|2026-12-01"
FACES = {
    "serif": "SourceHanSerifSC-Regular.otf",
    "notoserif": "NotoSerifCJKsc-Regular.otf",
    "sans": "NotoSansCJKsc-Regular.otf",
    "hei": "SimHei.ttf",
}
FONT_DIR = Path(os.environ.get("QINGYANG_FOURTH_FONTS", "/tmp/fourth_fonts"))
IMAGE_DIR = Path("/tmp/qingyang_fourth_images")
PAPER = 247  # the grey of clean newsprint

# Latin words and numbers are set unbroken (6:30, PM2.5, 14.7%); every other glyph is a token.
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:%/\-]*[A-Za-z0-9%]|[A-Za-z0-9]|.", re.S)
# 禁则: these never start a line (closing marks) ...
NO_START = set("，。、；：？！”’）》」』…—%℃·")
# ... and these never end one (opening marks).
NO_END = set("“‘（《「『")
# A space in a source headline that touches Chinese punctuation is printed as a gap but
# the gold has none (the contract puts no space beside Chinese punctuation).
SPACE_BY_PUNCT = re.compile(r" (?=[，。、；：？！“”（）《》—])|(?<=[，。、；：？！“”（）《》—]) ")
# A Q&A paragraph opens with its speaker and a full-width colon, set in bold.
SPEAKER = re.compile(r"^(记者|[\u4e00-\u9fff]{2,4})：")
ROLE_WORDS = {"本报记者", "记者", "通讯员", "实习生", "摄", "文", "图"}


def seeded(*keys) -> random.Random:
    """A generator seeded from a string: the same keys give the same draws on any machine."""
    return random.Random("|".join(map(str, keys)))


def gold_display(text: str) -> str:
    return SPACE_BY_PUNCT.sub("", text)


# ------------------------------------------------------------------ fonts and measures

@functools.cache
def font(face: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / FACES[face]), size)


@functools.cache
def advance(face: str, size: int, token: str) -> float:
    return font(face, size).getlength(token)


# ------------------------------------------------------------------ what a page holds

@dataclass
class Run:
    x: float
    text: str
    face: str
    size: int
    stroke: int = 0


@dataclass
class Printed:
    """One drawn line: its runs, its box (x0, top, x1, bottom), white on black or not."""

    runs: list[Run]
    top: float
    size: int
    fill: int = 0

    @property
    def box(self) -> tuple[float, float, float, float]:
        x0 = min(r.x for r in self.runs)
        x1 = max(r.x + advance(r.face, r.size, r.text) for r in self.runs)
        return (x0, self.top, x1, self.top + self.size)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Sheet:
    """A page being laid out: the reading-order stream of gold and drawn lines, and shapes."""

    width: int
    stream: list = field(default_factory=list)
    shapes: list = field(default_factory=list)

    def gold(self, text: str) -> None:
        assert text and text == text.strip(), repr(text)
        self.stream.append(("gold", text))

    def draw(self, line: Printed) -> Printed:
        self.stream.append(("line", line))
        return line

    def rect(self, box, fill=None, outline=None, width=1) -> None:
        self.shapes.append(("rect", tuple(box), fill, outline, width))

    def rule(self, x0, y0, x1, y1, width=1) -> None:
        self.shapes.append(("rule", (x0, y0, x1, y1), width))

    def photo(self, box, seed: str) -> None:
        self.shapes.append(("photo", tuple(box), seed))

    @property
    def lines(self) -> list[Printed]:
        return [item for kind, item in self.stream if kind == "line"]

    @property
    def gold_text(self) -> str:
        return "".join(item + "\n" for kind, item in self.stream if kind == "gold")


@dataclass
class Style:
    """A page's typography: faces, sizes in pixels, the grid, and its habits."""

    dpi: int
    body_pt: float
    body_face: str
    small_face: str
    head_face: str
    leading: float
    col_em: float
    gutter_em: float
    columns: int
    justified: bool
    rules: bool
    pad_names: bool
    tracked: bool

    @property
    def body(self) -> int:
        return round(self.body_pt / 72 * self.dpi)

    @property
    def pitch(self) -> int:
        return round(self.body * self.leading)

    @property
    def col(self) -> int:
        return round(self.col_em * self.body)

    @property
    def gutter(self) -> int:
        return round(self.gutter_em * self.body)

    @property
    def margin(self) -> int:
        return 3 * self.body

    @property
    def page_width(self) -> int:
        return 2 * self.margin + self.span(self.columns)

    def span(self, n: int) -> int:
        return n * self.col + (n - 1) * self.gutter

    def x(self, column: int) -> int:
        return self.margin + column * (self.col + self.gutter)


# ------------------------------------------------------------------ setting text

def text_run_line(x: float, top: float, text: str, face: str, size: int, *, tracking: float = 0.0,
                  gap: float = 1.0, stroke: int = 0, fill: int = 0) -> Printed:
    """A single line: glyphs advanced by `tracking` em more than their width, a space drawn as
    a gap of `gap` em."""
    runs, pen = [], x
    for i, phrase in enumerate(text.split(" ")):
        if i:
            pen += gap * size
        for ch in (TOKEN.findall(phrase) if not tracking else list(phrase)):
            runs.append(Run(pen, ch, face, size, stroke))
            pen += advance(face, size, ch) + tracking * size
    return Printed(runs, top, size, fill)


def measure(text: str, face: str, size: int, *, tracking: float = 0.0, gap: float = 1.0) -> float:
    line = text_run_line(0, 0, text, face, size, tracking=tracking, gap=gap)
    return line.box[2] - line.box[0]


def place(sheet: Sheet, x: float, width: float, top: float, text: str, face: str, size: int, *,
          align: str = "left", **kw) -> Printed:
    w = measure(text, face, size, tracking=kw.get("tracking", 0.0), gap=kw.get("gap", 1.0))
    dx = {"left": 0, "centre": (width - w) / 2, "right": width - w}[align]
    return sheet.draw(text_run_line(x + dx, top, text, face, size, **kw))


@dataclass
class BodyLine:
    para: int
    tokens: list[str]
    indent: float
    last: bool  # a paragraph's last line: not justified
    bold: int  # how many leading tokens are bold (a Q&A speaker)


def break_paragraph(text: str, face: str, size: int, width: float, indent_em: float) -> list[list[str]]:
    """Greedy lines of whole tokens with 禁则: a closing mark never starts a line, an opening
    one never ends it (the token before moves down instead)."""
    tokens = TOKEN.findall(text)
    lines, start = [], 0
    while start < len(tokens):
        pen, end = (indent_em * size if not lines else 0.0), start
        while end < len(tokens) and (end == start or pen + advance(face, size, tokens[end]) <= width):
            pen += advance(face, size, tokens[end])
            end += 1
        while start + 1 < end < len(tokens) and (tokens[end] in NO_START or tokens[end - 1] in NO_END):
            end -= 1
        lines.append(tokens[start:end])
        start = end
    return lines


def set_paragraphs(paras: list[str], face: str, size: int, width: float, *, indent_first: bool = True,
                   prefix: str = "", suffix: str = "") -> list[BodyLine]:
    """Body lines of paragraphs: two-em indents (not for a paragraph that starts mid-sentence
    when indent_first is false); `prefix` / `suffix` are run into the first / last paragraph."""
    out = []
    for i, text in enumerate(paras):
        printed = (prefix if i == 0 else "") + text + (suffix if i == len(paras) - 1 else "")
        indent = 0.0 if (i == 0 and not indent_first) else 2.0
        m = SPEAKER.match(text)
        bold = len(TOKEN.findall(m.group(0))) if m else 0
        rows = break_paragraph(printed, face, size, width, indent)
        for j, toks in enumerate(rows):
            out.append(BodyLine(i, toks, indent if j == 0 else 0.0, j == len(rows) - 1, bold if j == 0 else 0))
    return out


def draw_body_line(line: BodyLine, x: float, top: float, width: float, style: Style, face: str,
                   justified: bool) -> Printed:
    size = style.body
    widths = [advance(face, size, t) for t in line.tokens]
    start = x + line.indent * size
    natural = sum(widths)
    spare = x + width - start - natural
    step = spare / (len(widths) - 1) if (justified and not line.last and len(widths) > 1 and spare > 0) else 0.0
    runs, pen = [], start
    for i, (tok, w) in enumerate(zip(line.tokens, widths, strict=True)):
        bold = i < line.bold
        runs.append(Run(pen, tok, "hei" if bold else face, size))
        pen += w + step
    return Printed(runs, top, size)


@dataclass
class Block:
    """Something the body flows around: a photo with its caption, or a pull quote."""

    col: int  # first column of the story it covers
    span: int
    start: int  # first body slot it takes
    slots: int
    draw: object  # callable(sheet, x, top) -> None: draws it, emitting gold and lines


def fit_columns(n_lines: int, ncols: int, block: Block | None) -> int:
    """The fewest slots per column that hold every line with the block's slots taken; with
    a block, at least one line under it in its first column."""
    height = max(1, math.ceil(n_lines / ncols))
    if block:
        height = max(height, block.start + block.slots + 1)
    while True:
        taken = block.slots * min(block.span, ncols - block.col) if block else 0
        if height * ncols - taken >= n_lines:
            return height
        height += 1


def flow_columns(sheet: Sheet, style: Style, x: float, top: float, ncols: int, lines: list[BodyLine],
                 paras_gold: list[str], *, face: str, justified: bool, block: Block | None = None,
                 col_width: float | None = None, gutter: float | None = None,
                 tail: str | None = None, tail_align: str = "right", head: str | None = None) -> float:
    """Set body lines into `ncols` balanced columns round a block, emitting each paragraph's
    gold line before its drawn lines; a block's gold comes after the paragraph its first
    column interrupts. `head` / `tail` are jump lines drawn on their own line at the start /
    end (no gold). Returns the bottom."""
    col_w = col_width or style.col
    gut = style.gutter if gutter is None else gutter
    pitch = style.pitch
    extra = (1 if head else 0) + (1 if tail else 0)
    height = fit_columns(len(lines) + extra, ncols, block)
    slots = []  # (column, slot) per item in reading order
    for c in range(ncols):
        for s in range(height):
            if block and block.col <= c < block.col + block.span and block.start <= s < block.start + block.slots:
                continue
            slots.append((c, s))
    items = ([("head", head)] if head else []) + [("body", ln) for ln in lines] + ([("tail", tail)] if tail else [])
    placed = list(zip(items, slots, strict=False))  # slots run past the last item
    anchor = None
    if block:
        before = [i for i, ((kind, ln), (c, s)) in enumerate(placed)
                  if kind == "body" and (c < block.col or (c == block.col and s < block.start))]
        anchor = placed[before[-1]][0][1].para if before else -1
    emitted_para = None
    if block and anchor == -1:
        block.draw(sheet, x + block.col * (col_w + gut), top + block.start * pitch)
    for i, ((kind, item), (c, s)) in enumerate(placed):
        cx, cy = x + c * (col_w + gut), top + s * pitch
        if kind == "body":
            if item.para != emitted_para:
                emitted_para = item.para
                sheet.gold(paras_gold[item.para])
            sheet.draw(draw_body_line(item, cx, cy, col_w, style, face, justified))
            last_of_para = i + 1 >= len(placed) or placed[i + 1][0][0] != "body" or placed[i + 1][0][1].para != item.para
            if block and last_of_para and item.para == anchor:
                block.draw(sheet, x + block.col * (col_w + gut), top + block.start * pitch)
        else:
            place(sheet, cx, col_w, cy, item, face, style.body, align=tail_align if kind == "tail" else "left")
    used = max(s for _, (c, s) in placed) + 1 if placed else 0
    bottom = top + max(used, block.start + block.slots if block else 0) * pitch
    if style.rules:  # a rule in each gutter, broken where a block spans the gutter
        end = bottom - pitch + style.body
        for c in range(1, ncols):
            gx = x + c * (col_w + gut) - gut / 2
            if block and block.col < c < block.col + block.span:
                sheet.rule(gx, top, gx, top + block.start * pitch, 1)
                sheet.rule(gx, top + (block.start + block.slots) * pitch, gx, end, 1)
            else:
                sheet.rule(gx, top, gx, end, 1)
    return bottom


# ------------------------------------------------------------------ display matter

def headline(sheet: Sheet, style: Style, x: float, width: float, top: float, text: str, size: int, *,
             face: str | None = None, align: str = "left", tracked: bool = False, stroke: int = 0) -> float:
    """A headline fitted to `width`: phrases on one line with a gap, else one phrase a line,
    else shrunk, else wrapped inside a phrase. The gold line is the source's."""
    face = face or style.head_face
    tracking, gap = (0.35, 1.6) if tracked else (0.0, 1.0)
    sheet.gold(gold_display(text))
    phrases = text.split(" ")
    min_size = max(style.body + 2, int(size * 0.62))
    while True:
        if measure(text, face, size, tracking=tracking, gap=gap) <= width:
            rows = [text]
            break
        if len(phrases) > 1 and all(measure(p, face, size, tracking=tracking) <= width for p in phrases):
            rows = phrases
            break
        if size <= min_size:
            rows = []
            for p in phrases:
                toks = break_paragraph(p, face, size, width * (1 - tracking / 1.35), 0)
                rows += ["".join(t) for t in toks]
            break
        size -= 2
    y = top
    for row in rows:
        place(sheet, x, width, y, row, face, size, align=align, tracking=tracking, gap=gap, stroke=stroke)
        y += round(size * 1.25)
    return y


def byline_text(words: list[str], pad: bool) -> str:
    """A byline as printed: words a gap apart, a two-glyph name padded to three (王 伟)."""
    shown = []
    for w in words:
        if pad and w not in ROLE_WORDS and len(w) == 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w):
            w = w[0] + "\u2003" + w[1]
        shown.append(w)
    return " ".join(shown)


def draw_byline(sheet: Sheet, style: Style, x: float, width: float, top: float, byline: str, *,
                align: str = "left", face: str | None = None) -> float:
    sheet.gold(byline)
    shown = byline_text(byline.split(" "), style.pad_names)
    face = face or style.small_face
    runs, pen = [], 0.0
    size = style.body
    for i, word in enumerate(shown.split(" ")):
        if i:
            pen += size
        for part_i, part in enumerate(word.split("\u2003")):
            if part_i:
                pen += size  # the pad: one em, as set in the composing room
            for ch in TOKEN.findall(part):
                runs.append(Run(pen, ch, face, size))
                pen += advance(face, size, ch)
    dx = {"left": 0, "centre": (width - pen) / 2, "right": width - pen}[align]
    for r in runs:
        r.x += x + dx
    sheet.draw(Printed(runs, top, size))
    return top + round(size * 1.6)


def reversed_label(sheet: Sheet, x: float, top: float, text: str, face: str, size: int, *,
                   width: float | None = None) -> float:
    """White glyphs on a black bar (a section label); its gold is the label."""
    sheet.gold(text)
    w = measure(text, face, size, tracking=0.2)
    bar_w = width or (w + size * 1.2)
    pad = size * 0.35
    sheet.rect((x, top, x + bar_w, top + size + 2 * pad), fill=0)
    sheet.draw(text_run_line(x + (bar_w - w) / 2, top + pad, text, face, size, tracking=0.2, fill=255))
    return top + size + 2 * pad


# ------------------------------------------------------------------ photos and pull quotes

def photo_block(style: Style, piece: dict, col: int, span: int, width: float, start: int, rng: random.Random,
                photo_id: str, max_slots: int) -> Block:
    """A photo `span` columns wide with its caption and credit under it, no taller than
    `max_slots` body lines (a flatter crop when the story is short)."""
    small = max(10, round(style.body * 0.88))
    run_in = rng.random() < 0.5
    caption = piece["caption"] + (" " + piece["credit"] if run_in else "")
    cap_lines = break_paragraph(caption.replace(" ", "\u3000"), style.small_face, small, width, 0)
    cap_h = (len(cap_lines) + (0 if run_in else 1)) * round(small * 1.35)
    room = max_slots * style.pitch - round(style.body * 1.5) - cap_h
    height = max(round(width * 0.3), min(round(width * rng.uniform(0.55, 0.75)), room))
    total = height + round(style.body * 0.5) + cap_h + style.body
    slots = math.ceil(total / style.pitch)

    def draw(sheet: Sheet, x: float, top: float) -> None:
        top += round(style.pitch - style.body) / 2
        sheet.photo((x, top, x + width, top + height), photo_id)
        y = top + height + round(style.body * 0.5)
        sheet.gold(piece["caption"])
        for toks in cap_lines:
            sheet.draw(text_run_line(x, y, "".join(toks).replace("\u3000", " "), style.small_face, small))
            y += round(small * 1.35)
        sheet.gold(piece["credit"])
        if not run_in:
            place(sheet, x, width, y, byline_text(piece["credit"].split(" "), style.pad_names).replace("\u2003", " "),
                  style.small_face, small, align="right")

    return Block(col, span, start, slots, draw)


def pull_quote_block(style: Style, quote: str, col: int, span: int, width: float, start: int) -> Block:
    """A quotation set large between two rules inside the story's columns."""
    size = round(style.body * 1.55)
    rows = break_paragraph(quote, style.head_face, size, width - style.body, 0)
    height = len(rows) * round(size * 1.3) + 2 * style.body
    slots = math.ceil(height / style.pitch) + 1

    def draw(sheet: Sheet, x: float, top: float) -> None:
        top += style.pitch // 2
        sheet.rule(x, top, x + width, top, 3)
        sheet.gold(quote)
        y = top + style.body
        for toks in rows:
            place(sheet, x, width, y, "".join(toks), style.head_face, size, align="centre")
            y += round(size * 1.3)
        sheet.rule(x, y + style.body // 2, x + width, y + style.body // 2, 3)

    return Block(col, span, start, slots, draw)


# ------------------------------------------------------------------ modules

def stack(sheet: Sheet, style: Style, rng: random.Random, piece: dict, x: float, width: float, top: float, *,
          ncols: int, title_only: bool = False, title_px: int | None = None) -> float:
    """引题 / 主题 / 副题 over the story (or over 2-4 of its columns, set left, centred or
    right); a rule under the stack on some stories."""
    span = ncols if ncols <= 2 or rng.random() < 0.5 else rng.randint(2, min(4, ncols))
    sw = style.span(span) if span < ncols else width
    align = rng.choice(["left", "centre", "right"]) if span < ncols else rng.choice(["left", "centre", "centre"])
    sx = {"left": x, "centre": x + (width - sw) / 2, "right": x + width - sw}[align]
    inner = "left" if span < ncols else align
    y = top
    body = style.body
    if piece.get("kicker") and not title_only:
        y = headline(sheet, style, sx, sw, y, piece["kicker"], round(body * 1.2), face=style.small_face, align=inner)
    size = title_px or round(body * rng.uniform(2.1, 3.0 if ncols > 1 else 1.8))
    tracked = style.tracked and rng.random() < 0.6 and not title_only
    y = headline(sheet, style, sx, sw, y, piece["title"], size, align=inner, tracked=tracked,
                 stroke=1 if style.head_face == "sans" else 0)
    if piece.get("sub") and not title_only:
        y = headline(sheet, style, sx, sw, y + body * 0.2, piece["sub"], round(body * 1.4), face=style.small_face,
                     align=inner)
    if rng.random() < 0.4:
        sheet.rule(x, y + body * 0.3, x + width, y + body * 0.3, 2)
        y += body * 0.6
    return y + body * 0.5


def story(sheet: Sheet, style: Style, rng: random.Random, piece: dict, col0: int, ncols: int, top: float, *,
          paras: list[str] | None = None, indent_first: bool = True, photo: str | None = None,
          quote: bool = False, head: str | None = None, tail: str | None = None, run_in_head: str = "",
          run_in_tail: str = "", title_only: bool = False, byline: bool = True, section: str | None = None) -> float:
    """A story module over columns [col0, col0 + ncols): label, stack, byline, body round a
    photo or a pull quote, jump lines at its start or end."""
    x, width = style.x(col0), style.span(ncols)
    y = top
    if section:
        y = reversed_label(sheet, x, y, section, "hei", round(style.body * 1.2)) + style.body * 0.6
    y = stack(sheet, style, rng, piece, x, width, y, ncols=ncols, title_only=title_only)
    if byline and piece.get("byline"):
        y = draw_byline(sheet, style, x, width, y, piece["byline"], align=rng.choice(["left", "left", "right"]))
    paras = piece["paras"] if paras is None else paras
    face, gut = style.body_face, style.gutter
    k = ncols  # a short story takes fewer, wider columns (never wider than 24 em)
    while True:
        col_w = (width - (k - 1) * gut) / k
        lines = set_paragraphs(paras, face, style.body, col_w, indent_first=indent_first, prefix=run_in_head,
                               suffix=run_in_tail)
        wider = (width - (k - 2) * gut) / (k - 1) if k > 1 else 0
        if k == 1 or len(lines) / k >= (9 if photo or quote else 6) or wider > 24 * style.body:
            break
        k -= 1
    block = None
    natural = math.ceil(len(lines) / k)  # lines a column holds without the block
    if photo:
        span = min(k, rng.choice([1, 2, 2, 3]))
        if span == k > 1 and rng.random() < 0.7:
            span -= 1  # leave the text a column beside the photo
        bcol = rng.choice([0, k - span])
        start = rng.randint(2, 4)
        block = photo_block(style, piece, bcol, span, span * col_w + (span - 1) * gut, start, rng, photo,
                            max(5, natural + 2 - start))
    elif quote:
        span = 1 if k < 3 or rng.random() < 0.6 else 2
        bcol = rng.randint(0, k - span)
        block = pull_quote_block(style, piece["quote"], bcol, span, span * col_w + (span - 1) * gut,
                                 rng.randint(3, max(3, min(7, natural - 4))))
    if block and block.col > 0:  # a block the text would not reach moves to the first column
        height = fit_columns(len(lines) + bool(head) + bool(tail), k, block)
        if len(lines) < block.col * height + block.start + 1:
            block.col = 0
    return flow_columns(sheet, style, x, y, k, lines, paras, face=face, justified=style.justified, block=block,
                        head=head, tail=tail, col_width=col_w)


def guide_box(sheet: Sheet, style: Style, rng: random.Random, x: float, width: float, top: float, title: str,
              items: list[tuple[str, str]], *, bullet: str, pointer) -> float:
    """A framed 导读 box: a reversed title, then each item and its page pointer, run in after
    the item or on its own line set right. Gold: the title, each item (with its bullet) but
    never its pointer."""
    pad = style.body * 0.6
    y = reversed_label(sheet, x, top, title, "hei", round(style.body * 1.3), width=width) + pad
    size = round(style.body * 1.05)
    inner = width - 2 * pad
    for teaser, page in items:
        text = bullet + teaser
        sheet.gold(gold_display(text))
        ptr = pointer(page)
        rows = break_paragraph(text, style.head_face, size, inner, 0)
        last = "".join(rows[-1])
        fits = measure(last, style.head_face, size) + size + measure(ptr, style.body_face, size) <= inner
        run_in = fits and rng.random() < 0.5
        for i, toks in enumerate(rows):
            line = text_run_line(x + pad, y, "".join(toks), style.head_face, size)
            if run_in and i == len(rows) - 1:  # the pointer in the body face: 黑体 has no ▶
                line.runs += text_run_line(line.box[2] + size, y, ptr, style.body_face, size).runs
            sheet.draw(line)
            y += round(size * 1.4)
        if not run_in:
            place(sheet, x + pad, inner, y, ptr, style.body_face, style.body, align="right")
            y += round(style.body * 1.4)
        y += pad * 0.5
    sheet.rect((x, top, x + width, y + pad * 0.5), outline=0, width=2)
    return y + pad


def briefs(sheet: Sheet, style: Style, rng: random.Random, x: float, width: float, top: float, label: str,
           pieces: list[dict], *, bullet: str) -> float:
    """A 短讯 column: a reversed label, then notes, each a bold lead-in with its bullet, on its
    own line or run into the note. Gold: the lead-in (bullet kept) and the note, a line each."""
    y = reversed_label(sheet, x, top, label, "hei", round(style.body * 1.3), width=width) + style.body * 0.6
    run_in = rng.random() < 0.5
    for piece in pieces:
        lead = bullet + piece["title"]
        sheet.gold(gold_display(lead))
        para = piece["paras"][0]
        if run_in:
            printed = lead.replace(" ", "\u3000") + "\u3000" + para
            rows = break_paragraph(printed, style.body_face, style.body, width, 0)
            bold = len(TOKEN.findall(lead.replace(" ", "\u3000") + "\u3000"))
            sheet.gold(para)
            for i, toks in enumerate(rows):
                line = BodyLine(0, toks, 0.0, i == len(rows) - 1, min(bold, len(toks)))
                bold -= len(toks)
                sheet.draw(draw_body_line(line, x, y, width, style, style.body_face, style.justified))
                y += style.pitch
        else:
            phrases = lead.split(" ")
            row_text = lead if measure(lead, "hei", style.body) <= width else None
            for row in ([row_text] if row_text else phrases):
                for toks in break_paragraph(row, "hei", style.body, width, 0):
                    place(sheet, x, width, y, "".join(toks), "hei", style.body)
                    y += style.pitch
            sheet.gold(para)
            for line in set_paragraphs([para], style.body_face, style.body, width):
                sheet.draw(draw_body_line(line, x, y, width, style, style.body_face, style.justified))
                y += style.pitch
        y += style.body * 0.5
    return y


def masthead(sheet: Sheet, style: Style, issue: Issue) -> float:
    """The front page's name block: each printed item is a gold line of its own."""
    b, x, width, y = style.body, style.margin, style.span(style.columns), style.margin
    if issue.paper == "柘湾都市报":
        size = round(b * 4.4)
        sheet.gold(issue.paper)
        place(sheet, x, width, y, issue.paper, "hei", size, tracking=0.05)
        sheet.gold("ZHEWAN METROPOLIS DAILY")
        place(sheet, x, width, y + size * 1.1, "ZHEWAN METROPOLIS DAILY", "sans", b, tracking=0.25)
        right = [issue.date_line, issue.lunar, f"第{issue.number}期", f"今日{issue.total_pages}版",
                 "国内统一连续出版物号：CN36-0118"]
        ry = y
        for item in right:
            sheet.gold(item)
            place(sheet, x, width, ry, item, style.small_face, round(b * 1.05), align="right")
            ry += round(b * 1.45)
        bottom = max(y + size * 1.1 + b * 1.6, ry)
    else:
        size = round(b * 4.0)
        sheet.gold(issue.paper)
        place(sheet, x, width, y, issue.paper, "hei", size, align="centre", tracking=0.3)
        sheet.gold("ZHEWAN LOGISTICS WEEKLY")
        place(sheet, x, width, y + size * 1.15, "ZHEWAN LOGISTICS WEEKLY", "serif", b, align="centre", tracking=0.3)
        ry = y + size * 1.15 + b * 1.8
        sheet.rule(x, ry, x + width, ry, 3)
        items = [issue.date_line, f"第{issue.number}期（总第{issue.number + 853}期）", f"本期{issue.total_pages}版",
                 "柘湾市交通运输局主管"]
        slot = width / len(items)
        for i, item in enumerate(items):
            sheet.gold(item)
            place(sheet, x + i * slot, slot, ry + b * 0.5, item, style.small_face, b, align="centre")
        bottom = ry + b * 2.0
        sheet.rule(x, bottom, x + width, bottom, 1)
    sheet.rule(x, bottom + b * 0.4, x + width, bottom + b * 0.4, 4)
    return bottom + b * 1.2


def header_band(sheet: Sheet, style: Style, rng: random.Random, issue: Issue, page: str, section: str) -> float:
    """An inside page's head: page label, reversed section, date, paper, editors, a heavy
    rule. Each item is a gold line of its own, left to right."""
    b, x, width, y = style.body, style.margin, style.span(style.columns), style.margin
    pen = x
    if issue.paper == "柘湾都市报":
        big = round(b * 2.4)
        sheet.gold(page)
        sheet.draw(text_run_line(pen, y, page, "hei", big))
        pen += measure(page, "hei", big) + b
        reversed_label(sheet, pen, y + (big - round(b * 1.5) - b * 0.7) / 2, section, "hei", round(b * 1.5))
        pen += measure(section, "hei", round(b * 1.5), tracking=0.2) + b * 3
        items = [issue.date_line, issue.paper]
        editors = [f"责编 {issue.editor}", f"美编 {issue.designer}"]
    else:
        big = round(b * 1.6)
        page = f"第{page}版"
        sheet.gold(page)
        sheet.draw(text_run_line(pen, y + b * 0.3, page, "hei", big))
        pen += measure(page, "hei", big) + b * 2
        sheet.gold(section)
        sheet.draw(text_run_line(pen, y + b * 0.3, section, "hei", big, tracking=0.5))
        pen += measure(section, "hei", big, tracking=0.5) + b * 3
        items = [issue.paper, issue.date_line]
        editors = [f"责任编辑 {issue.editor}"]
    for item in items:
        sheet.gold(item)
        sheet.draw(text_run_line(pen, y + b * 0.6, item, style.small_face, b))
        pen += measure(item, style.small_face, b) + b * 2.5
    right = x + width
    texts = [byline_text(e.split(" "), style.pad_names).replace("\u2003", " ") for e in editors]
    widths = [measure(t, style.small_face, b) for t in texts]
    ex = right - sum(widths) - b * 2 * (len(texts) - 1)
    for e, t, w in zip(editors, texts, widths, strict=True):
        sheet.gold(e)
        sheet.draw(text_run_line(ex, y + b * 0.6, t, style.small_face, b))
        ex += w + b * 2
    bottom = y + max(round(b * 2.4), b * 2.2) + b * 0.3
    sheet.rule(x, bottom, right, bottom, 4)
    return bottom + b * 1.0


# ------------------------------------------------------------------ issues, splits, pages

WEEKDAYS = "一二三四五六日"
# The trade weekly prefers these pieces when it draws (they are about its trade).
TRADE = {"qa_drone", "qa_truckers", "qa_warehouse", "ph_forklift", "ph_harvest", "pq_dispatch", "pq_ecommerce",
         "n_express", "n_container", "n_fuel", "n_evcharge", "b_etc", "b_training", "b_warehouse", "b_customs"}
# Issues: (key, paper, date, number, lunar, lead, editor, designer).
ISSUES = [
    ("T0512", "柘湾都市报", (2026, 5, 12), 6217, "农历三月廿六", "metro_line3", "周琪", "陈冉"),
    ("T0513", "柘湾都市报", (2026, 5, 13), 6218, "农历三月廿七", "school_meals", "邵华", "陈冉"),
    ("T0514", "柘湾都市报", (2026, 5, 14), 6219, "农历三月廿八", "night_market", "周琪", "顾朗"),
    ("T0515", "柘湾都市报", (2026, 5, 15), 6220, "农历三月廿九", "heat_wave", "邵华", "顾朗"),
    ("W0508", "柘湾物流周报", (2026, 5, 8), 18, "", "cold_chain", "庞雪", "易帆"),
    ("W0515", "柘湾物流周报", (2026, 5, 15), 19, "", "port_volume", "庞雪", "易帆"),
]
# Each page's slots: name -> the kinds it takes, in order of preference, and how many pieces.
SLOTS = {
    "A01": {"main": (["pull", "photo"], 1), "briefs": (["brief"], 3)},
    "A02": {"main": (["qa", "pull"], 1), "side": (["news"], 1)},
    "A03": {"photo": (["photo"], 1), "main": (["pull", "news"], 1), "side": (["news"], 1), "briefs": (["brief"], 3)},
    "1": {"side": (["news"], 2), "briefs": (["brief"], 3)},
    "2": {"main": (["qa", "pull"], 1), "side": (["news"], 1)},
    "3": {"photo": (["photo"], 1), "main": (["pull", "news"], 1)},
    "4": {"photo": (["photo"], 1), "side": (["news"], 1), "briefs": (["brief"], 4)},
}


@dataclass
class Issue:
    key: str
    paper: str
    ymd: tuple
    number: int
    lunar: str
    lead: str
    editor: str
    designer: str
    split: str = ""
    slots: dict = field(default_factory=dict)  # page label -> slot -> [piece ids]
    continuation: dict = field(default_factory=dict)

    @property
    def tabloid(self) -> bool:
        return self.paper == "柘湾都市报"

    @property
    def pages(self) -> list[str]:
        return ["A01", "A02", "A03"] if self.tabloid else ["1", "2", "3", "4"]

    @property
    def total_pages(self) -> int:
        return 24 if self.tabloid else 8

    @property
    def date_line(self) -> str:
        import datetime

        d = datetime.date(*self.ymd)
        return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"

    @property
    def iso(self) -> str:
        return "{:04d}-{:02d}-{:02d}".format(*self.ymd)


@dataclass
class PageJob:
    name: str
    issue: Issue
    label: str

    @property
    def split(self) -> str:
        return self.issue.split


def load_pieces() -> dict[str, dict]:
    with SOURCES.open("rb") as f:
        return {p["id"]: p for p in tomllib.load(f)["piece"]}


def draw_splits(pieces: dict[str, dict]) -> dict[str, str]:
    """A third of each kind (rounded up) for dev; a lead goes with its issue's split."""
    split = {}
    leads = {i[5]: i[0] for i in ISSUES}
    issue_split = draw_issue_splits()
    for kind in sorted({p["kind"] for p in pieces.values()}):
        ids = sorted(i for i, p in pieces.items() if p["kind"] == kind)
        if kind == "lead":
            for i in ids:
                split[i] = issue_split[leads[i]]
            continue
        seeded(SPLIT_SEED, kind).shuffle(ids)
        n_dev = math.ceil(len(ids) / 3)
        for k, i in enumerate(ids):
            split[i] = "dev" if k < n_dev else "heldout"
    return split


def draw_issue_splits() -> dict[str, str]:
    """One tabloid issue (3 pages) and one weekly issue (4 pages) are dev: 7 of 20 pages."""
    rng = seeded(SPLIT_SEED, "issues")
    tabloid = sorted(i[0] for i in ISSUES if i[1] == "柘湾都市报")
    weekly = sorted(i[0] for i in ISSUES if i[1] != "柘湾都市报")
    dev = {rng.choice(tabloid), rng.choice(weekly)}
    return {i: ("dev" if i in dev else "heldout") for i in tabloid + weekly}


def plan_issues() -> tuple[list[Issue], dict[str, dict], dict[str, str]]:
    """Issues with their split and each page's pieces, drawn only from the split's pool;
    within a split a piece is reused only when the pool runs short (least used first)."""
    pieces = load_pieces()
    split = draw_splits(pieces)
    issue_split = draw_issue_splits()
    issues = [Issue(*spec) for spec in ISSUES]
    used = Counter()
    for issue in issues:
        issue.split = issue_split[issue.key]
        order = sorted(pieces)
        seeded(SPLIT_SEED, issue.key, "draw").shuffle(order)
        in_issue = Counter()
        for label in issue.pages:
            issue.slots[label] = {}
            for slot, (kinds, count) in SLOTS[label].items():
                chosen = []
                for _ in range(count):
                    cands = [i for i in order if pieces[i]["kind"] in kinds and split[i] == issue.split
                             and i not in chosen]
                    best = min(cands, key=lambda i: (in_issue[i], used[i], kinds.index(pieces[i]["kind"]),
                                                     issue.tabloid == (i in TRADE), order.index(i)))
                    chosen.append(best)
                    in_issue[best] += 1
                    used[best] += 1
                issue.slots[label][slot] = chosen
    return issues, pieces, split


def page_jobs(issues: list[Issue]) -> list[PageJob]:
    """Every page, named fourth_NN in a seeded shuffle: a name says nothing of split or paper."""
    keys = [(i, label) for i in issues for label in i.pages]
    order = list(range(len(keys)))
    seeded(SPLIT_SEED, "names").shuffle(order)
    return [PageJob(f"fourth_{order[k] + 1:02d}", issue, label) for k, (issue, label) in enumerate(keys)]


def low_resolution_pages(jobs: list[PageJob]) -> set[str]:
    """One page a split scanned at 120 dpi with 8 pt body (13 px glyphs: PP-OCR misreads more)."""
    rng = seeded(SPLIT_SEED, "low-resolution")
    return {rng.choice(sorted(j.name for j in jobs if j.split == s and j.issue.tabloid)) for s in ("dev", "heldout")}


def page_style(job: PageJob, low_resolution: bool = False) -> Style:
    rng = seeded("style", job.name)
    tabloid = job.issue.tabloid
    wide = not tabloid and job.label == "3"
    columns = 3 if wide else (rng.choice([4, 5, 5]) if tabloid else rng.choice([5, 6]))
    col_em = rng.uniform(18, 24) if wide else (rng.uniform(11, 15) if tabloid else rng.uniform(9, 12))
    body_face = rng.choice(["serif", "notoserif", "sans"] if tabloid else ["serif", "notoserif"])
    dpi, body_pt = rng.choice([120, 135, 150, 150, 170, 200]), rng.choice([8, 8.5, 9, 9.5, 10])
    return Style(
        dpi=120 if low_resolution else dpi,
        body_pt=8 if low_resolution else body_pt,
        body_face=body_face,
        small_face="sans" if body_face != "sans" else "serif",
        head_face=rng.choice(["hei", "hei", "sans"]),
        leading=round(rng.uniform(1.3, 1.9), 2),
        col_em=round(col_em, 1),
        gutter_em=round(rng.uniform(1.0, 1.6), 2),
        columns=columns,
        justified=rng.random() < 0.6,
        rules=rng.random() < 0.5,
        pad_names=rng.random() < 0.6,
        tracked=rng.random() < 0.4,
    )


# ------------------------------------------------------------------ page layouts

JUMP_OUT = {True: ["（下转A02版）", "下转A02版", "（紧转A02版）"],
            False: ["（下转第2版）", "转第2版", "(紧转第2版)", "（下转第二版）"]}
JUMP_IN = {True: ["（上接A01版）", "上接A01版", "（紧接A01版）"],
           False: ["（上接第1版）", "（紧接第一版）", "上接第1版", "(上接第1版)"]}


def cut_lead(style: Style, piece: dict, frac: float) -> tuple[list[str], list[str], bool]:
    """Page 1 shows the first `frac` of the lead's lines: its paragraphs up to the cut (the
    last one ending mid-sentence when the cut falls inside it), the rest, and whether it did."""
    lines = set_paragraphs(piece["paras"], style.body_face, style.body, style.col)
    show = max(6, round(len(lines) * frac))
    cut = lines[show - 1]
    paras = piece["paras"]
    if cut.last:
        return paras[:cut.para + 1], paras[cut.para + 1:], False
    shown = "".join("".join(ln.tokens) for ln in lines[:show] if ln.para == cut.para)
    return [*paras[:cut.para], shown], [paras[cut.para][len(shown):], *paras[cut.para + 1:]], True


def row_rule(sheet: Sheet, style: Style, y: float) -> float:
    sheet.rule(style.margin, y + style.body * 0.5, style.margin + style.span(style.columns), y + style.body * 0.5, 1)
    return y + style.body * 1.3


def module_rule(sheet: Sheet, style: Style, col: int, top: float, bottom: float) -> None:
    if style.rules:
        gx = style.x(col) - style.gutter / 2
        sheet.rule(gx, top, gx, bottom, 1)


def guide_items(issue: Issue, pieces: dict[str, dict]) -> list[tuple[str, str]]:
    items = []
    for label in issue.pages[1:]:
        for slot, ids in issue.slots[label].items():
            if slot != "briefs":
                items += [(pieces[i]["teaser"], label) for i in ids]
    return items[:4]


def front_page(sheet: Sheet, style: Style, rng: random.Random, issue: Issue, pieces: dict[str, dict]) -> float:
    """Masthead; the lead (turning to page 2) beside a 导读 box; a story and a 短讯 column."""
    n = style.columns
    y = masthead(sheet, style, issue)
    lead = pieces[issue.lead]
    guide_cols = 1 if issue.tabloid or n < 6 else 2
    lead_cols = n - guide_cols
    shown, rest, mid = cut_lead(style, lead, rng.uniform(0.45, 0.65))
    marker = rng.choice(JUMP_OUT[issue.tabloid])
    run_in = not mid and rng.random() < 0.5
    issue.continuation = {"paras": rest, "mid": mid}
    top = y
    bottom = story(sheet, style, rng, lead, 0, lead_cols, top, paras=shown,
                   photo=f"{issue.key}-lead" if lead.get("caption") else None,
                   tail=None if run_in else marker, run_in_tail=(" " + marker) if run_in else "")
    if issue.tabloid:
        pointer = lambda page: rng.choice(["▶", "▶ "]) + page  # noqa: E731
        title, bullet = rng.choice(["今日导读", "要闻导读"]), ""
    else:
        pointer = lambda page: rng.choice(["▶ 详见第{}版", "见第{}版", "▶{}版"]).format(page)  # noqa: E731
        title, bullet = "本期导读", "●"
    gx = style.x(lead_cols)
    g_bottom = guide_box(sheet, style, rng, gx, style.span(guide_cols), top, title, guide_items(issue, pieces),
                         bullet=bullet, pointer=pointer)
    module_rule(sheet, style, lead_cols, top, max(bottom, g_bottom))
    y = row_rule(sheet, style, max(bottom, g_bottom))
    slots = issue.slots[issue.pages[0]]
    brief_cols = 1 if n < 6 else 2
    if issue.tabloid:
        main = pieces[slots["main"][0]]
        b1 = story(sheet, style, rng, main, 0, n - brief_cols, y, photo=f"{issue.key}-front" if main.get("caption") else None,
                   quote=main["kind"] == "pull")
    else:
        b1 = y
        c = 0
        width = (n - brief_cols) // 2
        for k, pid in enumerate(slots["side"]):
            cols = width if k == 0 else n - brief_cols - width
            b1 = max(b1, story(sheet, style, rng, pieces[pid], c, cols, y))
            c += cols
            module_rule(sheet, style, c, y, b1)
    bx = style.x(n - brief_cols)
    b2 = briefs(sheet, style, rng, bx, style.span(brief_cols), y, rng.choice(["短讯", "简讯"] if issue.tabloid else ["行业短讯"]),
                [pieces[i] for i in slots["briefs"]], bullet=rng.choice(["■", "●"]))
    module_rule(sheet, style, n - brief_cols, y, max(b1, b2))
    return max(b1, b2)


def continuation_page(sheet: Sheet, style: Style, rng: random.Random, issue: Issue,
                      pieces: dict[str, dict]) -> float:
    """Page 2: the lead's continuation (its headline repeated on some pages) beside a
    story, and an interview (or a pull-quote story) across the page."""
    n = style.columns
    section = rng.choice(["要闻", "城事"]) if issue.tabloid else rng.choice(["要闻", "行业观察"])
    y = header_band(sheet, style, rng, issue, issue.pages[1], section)
    lead = pieces[issue.lead]
    cont = issue.continuation
    marker = rng.choice(JUMP_IN[issue.tabloid])
    run_in = rng.random() < 0.5
    cols = min(n - 1, 3)
    bottom = story(sheet, style, rng, lead, 0, cols, y, paras=cont["paras"], indent_first=not cont["mid"],
                   title_only=True, byline=False, head=None if run_in else marker,
                   run_in_head=marker if run_in else "")
    slots = issue.slots[issue.pages[1]]
    side = pieces[slots["side"][0]] if "side" in slots else None
    b2 = bottom
    if side:
        b2 = story(sheet, style, rng, side, cols, n - cols, y)
        module_rule(sheet, style, cols, y, max(bottom, b2))
    y = row_rule(sheet, style, max(bottom, b2))
    main = pieces[slots["main"][0]]
    return story(sheet, style, rng, main, 0, n, y, quote=main["kind"] == "pull",
                 section=rng.choice([None, "访谈" if main["kind"] == "qa" else "关注"]))


def feature_page(sheet: Sheet, style: Style, rng: random.Random, issue: Issue, pieces: dict[str, dict],
                 label: str) -> float:
    """A photo story with the body round its photo, notes or a story beside or under it.
    Tabloid A03: photo story and a 短讯 column, then a story and a side story. Weekly page 3:
    wide columns, a photo story over a story. Weekly page 4: a 简讯 column beside a photo
    story, then a story across the page."""
    n = style.columns
    section = rng.choice(["社会", "城事"]) if issue.tabloid else rng.choice(["产业", "一线"])
    y = header_band(sheet, style, rng, issue, label, section)
    slots = issue.slots[label]
    photo = pieces[slots["photo"][0]]
    notes = [pieces[i] for i in slots.get("briefs", [])]
    if issue.tabloid:
        b1 = story(sheet, style, rng, photo, 0, n - 1, y, photo=f"{issue.key}-{label}")
        b2 = briefs(sheet, style, rng, style.x(n - 1), style.span(1), y, rng.choice(["城事速递", "简讯", "短讯"]),
                    notes, bullet=rng.choice(["■", "●"]))
        module_rule(sheet, style, n - 1, y, max(b1, b2))
        y = row_rule(sheet, style, max(b1, b2))
        main, side = pieces[slots["main"][0]], pieces[slots["side"][0]]
        b3 = story(sheet, style, rng, main, 0, n - 2, y, quote=main["kind"] == "pull")
        b4 = story(sheet, style, rng, side, n - 2, 2, y)
        module_rule(sheet, style, n - 2, y, max(b3, b4))
        return max(b3, b4)
    if label == "3":
        b1 = story(sheet, style, rng, photo, 0, n, y, photo=f"{issue.key}-{label}")
        y = row_rule(sheet, style, b1)
        main = pieces[slots["main"][0]]
        return story(sheet, style, rng, main, 0, n, y, quote=main["kind"] == "pull")
    b1 = briefs(sheet, style, rng, style.x(0), style.span(1), y, "简讯", notes, bullet="●")
    b2 = story(sheet, style, rng, photo, 1, n - 1, y, photo=f"{issue.key}-{label}")
    module_rule(sheet, style, 1, y, max(b1, b2))
    y = row_rule(sheet, style, max(b1, b2))
    return story(sheet, style, rng, pieces[slots["side"][0]], 0, n, y)


def lay_out(job: PageJob, issues_pieces: dict[str, dict], low_resolution: bool = False) -> tuple[Sheet, Style, int]:
    style = page_style(job, low_resolution)
    rng = seeded("layout", job.name)
    sheet = Sheet(style.page_width)
    issue = job.issue
    if job.label == issue.pages[0]:
        bottom = front_page(sheet, style, rng, issue, issues_pieces)
    elif job.label == issue.pages[1]:
        bottom = continuation_page(sheet, style, rng, issue, issues_pieces)
    else:
        bottom = feature_page(sheet, style, rng, issue, issues_pieces, job.label)
    return sheet, style, int(bottom + style.margin)


# ------------------------------------------------------------------ drawing and scan faults

@dataclass
class Faults:
    rotation: float = 0.0  # degrees, counter-clockwise
    keystone: float = 0.0  # share of the width the top edge loses
    blur: float = 0.0  # Gaussian radius in pixels
    speckle: int = 0  # dust specks per megapixel
    uneven: bool = False  # a slow grey gradient over the sheet
    binarised: bool = False  # microfilm-like: every pixel black or white
    showthrough: bool = False  # the mirrored page behind, faintly

    def names(self) -> str:
        return " ".join(k for k, v in vars(self).items() if v) or "none"


def draw_faults(jobs: list[PageJob]) -> dict[str, Faults]:
    """Seeded scan faults: 2 binarised pages (one per split), 1 show-through, 1 keystone, then
    turns, blur, speckle and uneven paper on a share of the rest."""
    rng = seeded(SPLIT_SEED, "faults")
    names = sorted(j.name for j in jobs)
    split = {j.name: j.split for j in jobs}
    faults = {n: Faults() for n in names}
    binar = [rng.choice([n for n in names if split[n] == s]) for s in ("dev", "heldout")]
    others = [n for n in names if n not in binar]
    show = rng.choice(others)
    keystone = rng.choice([n for n in others if n != show])
    for n in binar:
        faults[n].binarised = True
    faults[show].showthrough = True
    faults[keystone].keystone = round(rng.uniform(0.012, 0.022), 4)
    for n in names:
        f, r = faults[n], seeded("faults", n)
        if r.random() < 0.45:
            f.rotation = round(r.choice([-1, 1]) * r.uniform(0.2, 1.0), 2)
        if r.random() < 0.4:
            f.blur = round(r.uniform(0.5, 1.1), 2)
        if r.random() < 0.35 or f.binarised:
            f.speckle = r.randint(40, 160)
        f.uneven = r.random() < 0.3
    return faults


def perspective(width: int, height: int, f: Faults) -> list[float]:
    """PIL's perspective coefficients for the page's turn and keystone: they map a pixel of
    the scanned image back to the laid-out page (the inverse the reading order needs)."""
    import numpy as np

    k = f.keystone * width / 2
    src = [(0, 0), (width, 0), (width, height), (0, height)]
    bent = [(k, 0), (width - k, 0), (width, height), (0, height)]
    a = math.radians(f.rotation)
    cx, cy = width / 2, height / 2
    dst = [(cx + (x - cx) * math.cos(a) + (y - cy) * math.sin(a), cy - (x - cx) * math.sin(a) + (y - cy) * math.cos(a))
           for x, y in bent]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows, float), np.array(rhs, float))]


def unwarp(coeffs: list[float], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f_, g, h = coeffs
    w = g * x + h * y + 1
    return (a * x + b * y + c) / w, (d * x + e * y + f_) / w


def photo_texture(width: int, height: int, seed: str):
    """A photo-like grey field: noise at several scales, a light gradient, a few soft blobs
    and film grain; no glyphs."""
    import numpy as np
    from PIL import Image, ImageFilter

    gen = np.random.default_rng(int.from_bytes(seed.encode("utf-8"), "big") % (2 ** 63))
    field_ = np.zeros((height, width))
    for scale, weight in ((64, 1.0), (24, 0.6), (8, 0.35), (3, 0.2)):
        small = gen.random((max(2, height // scale), max(2, width // scale)))
        img = Image.fromarray((small * 255).astype("uint8")).resize((width, height), Image.BICUBIC)
        field_ += weight * np.asarray(img, float) / 255
    yy, xx = np.mgrid[0:height, 0:width]
    field_ += 0.8 * (yy / height) * gen.uniform(-1, 1) + 0.5 * (xx / width) * gen.uniform(-1, 1)
    for _ in range(gen.integers(3, 7)):
        cx, cy = gen.uniform(0, width), gen.uniform(0, height)
        rx, ry = gen.uniform(0.08, 0.3) * width, gen.uniform(0.1, 0.4) * height
        field_ += gen.uniform(-0.9, 0.9) * np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2))
    field_ = (field_ - field_.min()) / (np.ptp(field_) or 1)
    tone = 45 + field_ * 170 + gen.normal(0, 7, field_.shape)
    img = Image.fromarray(np.clip(tone, 0, 255).astype("uint8"))
    return img.filter(ImageFilter.GaussianBlur(0.8))


def render(sheet: Sheet, height: int):
    from PIL import Image, ImageDraw

    img = Image.new("L", (sheet.width, height), PAPER)
    draw = ImageDraw.Draw(img)
    for shape in sheet.shapes:
        if shape[0] == "photo":
            x0, y0, x1, y1 = map(round, shape[1])
            img.paste(photo_texture(x1 - x0, y1 - y0, shape[2]), (x0, y0))
        elif shape[0] == "rect":
            _, box, fill, outline, width = shape
            draw.rectangle(tuple(map(round, box)), fill=fill, outline=outline, width=width)
        else:
            _, (x0, y0, x1, y1), width = shape
            draw.line((x0, y0, x1, y1), fill=30, width=width)
    for line in sheet.lines:
        ink = 255 if line.fill else 20
        for r in line.runs:
            draw.text((r.x, line.top + 0.88 * r.size), r.text, font=font(r.face, r.size), fill=ink, anchor="ls",
                      stroke_width=r.stroke, stroke_fill=ink)
    return img


def scan(img, f: Faults, seed: str):
    """The page as a worn scanner sees it; returns the image and the coefficients that map
    its pixels back to the layout."""
    import numpy as np
    from PIL import Image, ImageFilter, ImageOps

    gen = np.random.default_rng(int.from_bytes(seed.encode("utf-8"), "big") % (2 ** 63))
    w, h = img.size
    arr = np.asarray(img, float)
    if f.showthrough:
        behind = np.asarray(ImageOps.mirror(img).filter(ImageFilter.GaussianBlur(2.0)), float)
        arr = arr * (1 - 0.11 * (1 - behind / 255))
    if f.uneven:
        yy, xx = np.mgrid[0:h, 0:w]
        tilt = gen.uniform(0.08, 0.16)
        arr = arr * (1 - tilt * (0.6 * xx / w + 0.4 * yy / h)) - gen.uniform(0, 12)
    img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"))
    if f.blur:
        img = img.filter(ImageFilter.GaussianBlur(f.blur))
    coeffs = perspective(w, h, f)
    if f.rotation or f.keystone:
        img = img.transform((w, h), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC, fillcolor=200)
    arr = np.asarray(img, float)
    if f.speckle:
        n = int(f.speckle * w * h / 1e6)
        ys, xs = gen.integers(0, h - 2, n), gen.integers(0, w - 2, n)
        for y, x, s in zip(ys, xs, gen.integers(1, 3, n), strict=True):
            arr[y:y + s, x:x + s] = gen.uniform(10, 90)
    if f.binarised:
        arr = arr + gen.normal(0, 10, arr.shape)
        arr = np.where(arr < 150, 12, 238)
    return Image.fromarray(np.clip(arr, 0, 255).astype("uint8")), coeffs


# ------------------------------------------------------------------ reading order and floors

def reading_order(engine: dict, sheet: Sheet, coeffs: list[float]) -> list[str]:
    """The engine's lines sorted by the rank of the drawn line holding each box's centre
    (mapped back through the distortion; the nearest drawn line when none holds it), then
    left to right."""
    lines = sheet.lines
    boxes = [ln.box for ln in lines]
    keyed = []
    for k, (text, box) in enumerate(zip(engine["rec_texts"], engine["rec_boxes"], strict=True)):
        x, y = unwarp(coeffs, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)

        def distance(b, x=x, y=y):
            return math.hypot(max(b[0] - x, 0, x - b[2]), max(b[1] - y, 0, y - b[3]))

        rank = min(range(len(boxes)), key=lambda i: (distance(boxes[i]), i))
        keyed.append(((rank, x, k), text))
    return [text for _, text in sorted(keyed)]


# Both sides of the misread floor: compatibility forms folded, ASCII marks as the CJK mark.
ASCII_MARKS = str.maketrans({",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）",
                             '"': "“", "”": "“", "'": "‘", "’": "‘"})


def order_free(a: str, b: str, fold: bool = False) -> tuple[int, int, int]:
    """(characters of a, of a missing from b, of b extra to a), whitespace ignored."""
    if fold:
        a, b = (unicodedata.normalize("NFKC", s).translate(ASCII_MARKS) for s in (a, b))
    ca = Counter(c for c in a if not c.isspace())
    cb = Counter(c for c in b if not c.isspace())
    return sum(ca.values()), sum((ca - cb).values()), sum((cb - ca).values())


MANIFEST = ["name", "split", "paper", "issue_date", "page", "columns", "body_face", "body_pt", "dpi", "body_px",
            "leading", "col_em", "justified", "column_rules", "padded_names", "tracked_headlines", "rotation_deg",
            "keystone", "blur", "speckle", "uneven", "binarised", "showthrough", "features", "stories",
            "gold_chars", "ocr_missing", "ocr_extra", "ocr_floor", "printed_chars", "misread_missing",
            "misread_extra", "ocr_floor_misread"]


def features(sheet: Sheet, job: PageJob) -> str:
    gold = sheet.gold_text
    have = [
        ("masthead", job.label == job.issue.pages[0]),
        ("header_band", job.label != job.issue.pages[0]),
        ("jump_out", job.label == job.issue.pages[0]),
        ("jump_in", job.label == job.issue.pages[1]),
        ("guide", "导读" in gold),
        ("briefs", any(k in gold for k in ("短讯", "简讯", "速递"))),
        ("photo", any(s[0] == "photo" for s in sheet.shapes)),
        ("pull_quote", any(s[0] == "rule" and s[2] == 3 for s in sheet.shapes)),
        ("qa", "\n记者：" in gold),
        ("reversed_label", any(ln.fill for ln in sheet.lines)),
    ]
    return " ".join(name for name, on in have if on)


def manifest_row(job: PageJob, style: Style, f: Faults, sheet: Sheet, engine: dict, stories: list[str]) -> dict:
    gold = sheet.gold_text
    raw = "".join(engine["rec_texts"])
    printed = "".join(ln.text for ln in sheet.lines)
    g, gm, ge = order_free(gold, raw)
    p, pm, pe = order_free(printed, raw, fold=True)
    return {
        "name": job.name, "split": job.split, "paper": job.issue.paper, "issue_date": job.issue.iso,
        "page": job.label, "columns": style.columns, "body_face": style.body_face, "body_pt": style.body_pt,
        "dpi": style.dpi, "body_px": style.body, "leading": style.leading, "col_em": style.col_em,
        "justified": int(style.justified), "column_rules": int(style.rules), "padded_names": int(style.pad_names),
        "tracked_headlines": int(style.tracked), "rotation_deg": f.rotation, "keystone": f.keystone, "blur": f.blur,
        "speckle": f.speckle, "uneven": int(f.uneven), "binarised": int(f.binarised),
        "showthrough": int(f.showthrough), "features": features(sheet, job), "stories": " ".join(stories),
        "gold_chars": g, "ocr_missing": gm, "ocr_extra": ge, "ocr_floor": round((gm + ge) / g, 4),
        "printed_chars": p, "misread_missing": pm, "misread_extra": pe, "ocr_floor_misread": round((pm + pe) / p, 4),
    }


def page_stories(job: PageJob) -> list[str]:
    issue = job.issue
    ids = [issue.lead] if job.label in issue.pages[:2] else []
    for ids_ in issue.slots[job.label].values():
        ids += [i for i in ids_ if i not in ids]
    return ids


# ------------------------------------------------------------------ the command

def run_ocr(image: Path, out_dir: Path) -> dict:
    """`qingyang ocr` on one page (one process at a time: the machine is shared)."""
    subprocess.run([sys.executable, "-m", "qingyang", "ocr", "--output", str(out_dir), str(image)], check=True,
                   cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads((out_dir / f"{image.stem}.paddle.json").read_text(encoding="utf-8"))


def print_plan(issues: list[Issue], jobs: list[PageJob], split: dict[str, str], faults: dict[str, Faults]) -> None:
    pieces = load_pieces()
    for kind in ("lead", "qa", "photo", "pull", "news", "brief"):
        ids = sorted(i for i, p in pieces.items() if p["kind"] == kind)
        dev = [i for i in ids if split[i] == "dev"]
        print(f"{kind:6} dev {len(dev)}/{len(ids)}: {' '.join(dev)}")
    for job in sorted(jobs, key=lambda j: j.name):
        print(job.name, job.split, job.issue.paper, job.issue.iso, job.label, " ".join(page_stories(job)),
              "|", faults[job.name].names())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "eval_fourth")
    parser.add_argument("--font-dir", type=Path, default=None)
    parser.add_argument("--image-dir", type=Path, default=IMAGE_DIR)
    parser.add_argument("--split", choices=["dev", "heldout"])
    parser.add_argument("--pages", nargs="*", help="only these page names (for a look)")
    parser.add_argument("--no-ocr", action="store_true", help="take NAME.paddle.json from --out instead of OCR")
    parser.add_argument("--plan", action="store_true")
    args = parser.parse_args(argv)
    global FONT_DIR
    if args.font_dir:
        FONT_DIR = args.font_dir
        font.cache_clear()
        advance.cache_clear()
    issues, pieces, split = plan_issues()
    jobs = page_jobs(issues)
    faults = draw_faults(jobs)
    if args.plan:
        print_plan(issues, jobs, split, faults)
        return 0
    args.image_dir.mkdir(parents=True, exist_ok=True)
    sheets, low = {}, low_resolution_pages(jobs)
    for job in jobs:  # in issue order: a front page sets its continuation before page 2
        sheets[job.name] = lay_out(job, pieces, job.name in low)
    wanted = [j for j in jobs if (not args.split or j.split == args.split) and (not args.pages or j.name in args.pages)]
    rows = {}
    manifest = args.out / "manifest.csv"
    if manifest.is_file():
        rows = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))}
    for job in sorted(wanted, key=lambda j: j.name):
        sheet, style, height = sheets[job.name]
        folder = args.out / job.split
        folder.mkdir(parents=True, exist_ok=True)
        f = faults[job.name]
        if args.no_ocr:
            coeffs = perspective(sheet.width, height, f)
            engine = json.loads((folder / f"{job.name}.paddle.json").read_text(encoding="utf-8"))
        else:
            image, coeffs = scan(render(sheet, height), f, job.name)
            png = args.image_dir / f"{job.name}.png"
            image.save(png)
            engine = run_ocr(png, args.image_dir)
            (folder / f"{job.name}.paddle.json").write_text(json.dumps(engine, ensure_ascii=False) + "\n",
                                                             encoding="utf-8")
        (folder / f"{job.name}.gold.txt").write_text(sheet.gold_text, encoding="utf-8")
        (folder / f"{job.name}.txt").write_text("".join(t + "\n" for t in reading_order(engine, sheet, coeffs)),
                                                encoding="utf-8")
        rows[job.name] = manifest_row(job, style, f, sheet, engine, page_stories(job))
        print(job.name, job.split, rows[job.name]["ocr_floor"], rows[job.name]["ocr_floor_misread"], flush=True)
    with manifest.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, MANIFEST, lineterminator="\n")
        writer.writeheader()
        for name in sorted(rows):
            writer.writerow({k: rows[name][k] for k in MANIFEST})
    return 0


if __name__ == "__main__":
    sys.exit(main())
