"""Build the third evaluation set (tests/eval_third/): rendered 泠江 pages read by PP-OCR.

A page is laid out from a tree of modules on a column grid (stacks top to bottom, rows of
modules left to right), drawn with Pillow glyph by glyph, distorted like a scan (turn,
keystone, blur, speckle, JPEG, grey paper), then read by `qingyang ocr` (RapidOCR, run as
a subprocess: the project's own path). The gold is written from the sources in the text
contract of /work/shared/DESIGN.md, in the reading order of the layout tree; NAME.txt is
the engine's lines sorted into the rendered zones. Shares no code with the other builders.

    python tools/make_third_pages.py --plan
    python tools/make_third_pages.py --font-dir DIR [--split dev|heldout] [--no-ocr]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "third_sources" / "lingjiang.toml"
OUT = ROOT / "tests" / "eval_third"
IMAGES = Path("/tmp/qingyang_third_images")
SPLIT_SEED = "third-split-2026"
FACES = {
    "serif": "SourceHanSerifSC-Regular.otf",
    "sans": "NotoSansCJKsc-Regular.otf",
    "hei": "SimHei.ttf",
}
CN_DIGITS = "〇一二三四五六七八九"
WEEKDAYS = "一二三四五六日"

# a line may not start with these (closing marks) nor end with the openers (禁则)
NO_START = set("，。、；：？！”’）》」』%…—·")
NO_END = set("“‘（《「『")
# unbreakable runs: Latin letters and digits with their inner marks (PM2.5, 19:30, 6.1%),
# doubled dashes and ellipses; anything else is one glyph
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:/+%-]*[A-Za-z0-9%]|[A-Za-z0-9]|——|……| |.")

FONT_DIR = Path("/tmp/third_fonts")
_FONTS: dict = {}


def font(face: str, size: int) -> ImageFont.FreeTypeFont:
    key = (face, size)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(str(FONT_DIR / FACES[face]), size)
    return _FONTS[key]


# ---------------------------------------------------------------- text setting


@dataclass
class Tok:
    text: str
    width: float


@dataclass
class SetLine:
    toks: list
    indent: float
    justify: bool
    para: int = 0  # index of the paragraph, and the character span it covers
    start: int = 0
    end: int = 0
    align: str = "left"


def tokens(text: str, face: str, size: int) -> list[Tok]:
    f = font(face, size)
    out = []
    for t in TOKEN.findall(text):
        out.append(Tok(t, size * 0.5 if t == " " else f.getlength(t)))
    return out


def break_paragraph(text: str, face: str, size: int, width: float, indent: float,
                    justify: bool, para: int = 0) -> list[SetLine]:
    """Greedy line breaking with 禁则; justified lines except the paragraph's last."""
    toks = tokens(text, face, size)
    lines: list[list[Tok]] = []
    cur: list[Tok] = []
    used = indent
    for tok in toks:
        if cur and used + tok.width > width:
            carry: list[Tok] = []
            nxt = tok
            while len(cur) > 1 and (nxt.text[0] in NO_START or cur[-1].text[-1] in NO_END):
                nxt = cur.pop()
                carry.insert(0, nxt)
            lines.append(cur)
            cur = [t for t in carry if t.text != " "]
            used = sum(t.width for t in cur)
            if tok.text == " " and not cur:
                continue
        cur.append(tok)
        used += tok.width
    if cur:
        lines.append(cur)
    out, pos = [], 0
    for i, ln in enumerate(lines):
        start = text.index(ln[0].text, pos)
        end = start + len("".join(t.text for t in ln))
        # a space dropped at a break sits between pos and start
        out.append(SetLine(ln, indent if i == 0 else 0.0, justify and i < len(lines) - 1,
                           para, start, end))
        pos = end
    return out


class Page:
    """A tall white canvas that records what is drawn: zones (reading order), gold lines,
    printed text."""

    def __init__(self, width: int, rng: random.Random):
        self.width = width
        self.img = Image.new("L", (width, 7000), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.rng = rng
        self.zones: list[list[float]] = []
        self.gold: list[str] = []
        self.printed: list[str] = []
        self.bottom = 0

    def zone(self, x0, y0, x1, y1):
        self.zones.append([round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)])
        self.bottom = max(self.bottom, y1)

    def glyphs(self, x, y, toks, face, size, fill=0, stroke=0, gap=0.0):
        """Draw tokens left to right from (x, top y); returns the end x."""
        f = font(face, size)
        base = y + size * 0.88
        for t in toks:
            if t.text != " ":
                self.draw.text((x, base), t.text, font=f, fill=fill, anchor="ls",
                               stroke_width=stroke, stroke_fill=fill)
            x += t.width + gap
        self.printed.append("".join(t.text for t in toks))
        return x

    def set_line(self, x, y, width, line: SetLine, face, size, fill=0):
        natural = line.indent + sum(t.width for t in line.toks)
        gap = 0.0
        if line.justify and len(line.toks) > 1:
            gap = max(0.0, (width - natural) / (len(line.toks) - 1))
        if line.align == "right":
            x = x + width - natural
        elif line.align == "center":
            x = x + (width - natural) / 2
        self.glyphs(x + line.indent, y, line.toks, face, size, fill, gap=gap)

    def hrule(self, x0, x1, y, w=1):
        self.draw.line([(x0, y), (x1, y)], fill=0, width=w)

    def vrule(self, x, y0, y1, w=1):
        self.draw.line([(x, y0), (x, y1)], fill=0, width=w)

    def box(self, x0, y0, x1, y1, w=2):
        self.draw.rectangle([x0, y0, x1, y1], outline=0, width=w)


# ---------------------------------------------------------------- page style


@dataclass
class Style:
    paper: str
    latin: str
    body_face: str
    body_px: int
    leading: float
    justify: bool
    col_em: float
    gutter: int
    ncols: int
    rules: bool
    head_px: int
    small_face: str

    @property
    def col_w(self) -> int:
        return round(self.col_em * self.body_px)

    def span(self, k: int) -> int:
        return k * self.col_w + (k - 1) * self.gutter

    def column_width(self, width: float, cols: int) -> float:
        """The width of each of `cols` columns set across `width`, gutters between."""
        return (width - (cols - 1) * self.gutter) / cols

    @property
    def line_h(self) -> int:
        return round(self.body_px * self.leading)


# ---------------------------------------------------------------- modules
# each module: fn(page, style, x, y, k) -> height; draws, adds zones and gold in order


def text_columns(st: Style, width: float, em: float = 14) -> int:
    """How many text columns a module of this width sets: none wider than about em*1.4."""
    return max(1, round(width / (st.body_px * em)))


def set_paragraphs(paras, face, size, width, justify, first_indent=True):
    lines = []
    for i, p in enumerate(paras):
        ind = 2 * size if (first_indent or i > 0) else 0.0
        lines += break_paragraph(p, face, size, width, ind, justify, i)
    return lines


def flow_columns(page: Page, st: Style, x, y, width, lines, ncols, face=None, size=None,
                 rows=None, extra_last=None):
    """Lines into ncols balanced columns; each column a zone. Returns height."""
    face = face or st.body_face
    size = size or st.body_px
    lh = round(size * st.leading)
    gut = st.gutter
    cw = (width - (ncols - 1) * gut) / ncols
    total = len(lines) + (1 if extra_last else 0)
    rows = rows or max(1, math.ceil(total / ncols))
    slots = list(lines) + ([extra_last] if extra_last else [])
    for c in range(ncols):
        part = slots[c * rows:(c + 1) * rows]
        if not part:
            continue
        cx = x + c * (cw + gut)
        for r, ln in enumerate(part):
            page.set_line(cx, y + r * lh, cw, ln, face, size)
        page.zone(cx, y, cx + cw, y + len(part) * lh)
        if st.rules and c > 0:
            page.vrule(cx - gut / 2, y, y + rows * lh)
    return rows * lh


def headline_lines(phrases, face, size, width):
    """Phrases packed into lines (a gap of one em between phrases); a phrase too wide
    for the line is wrapped inside. Returns list of token lists."""
    f = font(face, size)
    lines, cur, used = [], [], 0.0
    for ph in phrases:
        w = f.getlength(ph)
        if w > width:  # wrap inside the phrase
            if cur:
                lines.append(cur)
                cur, used = [], 0.0
            chunk = ""
            for ch in ph:
                if f.getlength(chunk + ch) > width and chunk and ch not in NO_START:
                    carry = ""
                    while len(chunk) > 1 and chunk[-1] in NO_END:  # no opener at a line end
                        chunk, carry = chunk[:-1], chunk[-1] + carry
                    lines.append([Tok(chunk, f.getlength(chunk))])
                    chunk = carry
                chunk += ch
            cur, used = [Tok(chunk, f.getlength(chunk))], f.getlength(chunk)
            continue
        need = w + (size if cur else 0)
        if cur and used + need > width:
            lines.append(cur)
            cur, used = [], 0.0
            need = w
        if cur:
            cur.append(Tok(" ", size))
        cur.append(Tok(ph, w))
        used += need
    if cur:
        lines.append(cur)
    return lines


def draw_headline(page: Page, x, y, width, text, size, align="left", stroke=1, face="hei"):
    """A headline (phrases split on spaces); shrinks to fit two lines (four in a narrow
    module). Returns height."""
    phrases = text.split(" ")
    s = size
    most = 2 if width > 8 * size else 4
    while s > size * 0.7:
        lines = headline_lines(phrases, face, s, width)
        if len(lines) <= most:
            break
        s -= 2
    lh = round(s * 1.25)
    for i, ln in enumerate(lines):
        w = sum(t.width for t in ln)
        lx = x + (width - w) / 2 if align == "center" else x
        page.glyphs(lx, y + i * lh, ln, face, s, stroke=stroke)
    page.zone(x, y, x + width, y + len(lines) * lh)
    page.gold.append(text)
    return len(lines) * lh


def draw_small_line(page: Page, x, y, width, text, face, size, align="left", gold=True,
                    stroke=0):
    toks = tokens(text, face, size)
    w = sum(t.width for t in toks)
    lx = x + width - w if align == "right" else (x + (width - w) / 2 if align == "center"
                                                 else x)
    page.glyphs(lx, y, toks, face, size, stroke=stroke)
    page.zone(x, y, x + width, y + round(size * 1.3))
    if gold:
        page.gold.append(text)
    return round(size * 1.35)


def headline_stack(page, st: Style, x, y, width, story, size, rule_under, lead=False):
    h = 0
    if story.get("kicker"):
        h += draw_small_line(page, x, y, width, story["kicker"], "hei",
                             round(size * 0.5))
    h += draw_headline(page, x, y + h, width, story["headline"], size,
                       stroke=1 if lead else 0)
    if story.get("subheadline"):
        h += 4
        h += draw_small_line(page, x, y + h, width, story["subheadline"], "sans",
                             round(size * 0.48))
    if rule_under:
        page.hrule(x, x + width, y + h + 6, 2)
        h += 10
    return h + round(st.body_px * 0.6)


def story_module(story, *, body_cols=None, side=False, boxed=False, rule_under=False,
                 head_scale=0.8):
    """A news story: headline stack (top, or a narrow block at the left), body in columns."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        pad = 0
        if boxed:
            pad = round(st.body_px * 0.7)
        ix, iy, iw = x + pad, y + pad, width - 2 * pad
        hsize = round(st.head_px * head_scale)
        cols = body_cols or k
        if side:
            hw = round(hsize * 3.2)
            hy = iy
            if story.get("kicker"):
                hy += draw_small_line(page, ix, hy, hw, story["kicker"], "hei",
                                      round(hsize * 0.45))
            phrases = story["headline"].split(" ")
            f = font("hei", hsize)
            hl = []
            for ph in phrases:  # each phrase starts a line; wrapped every 3 glyphs
                for i in range(0, len(ph), 3):
                    hl.append(ph[i:i + 3])
            lh = round(hsize * 1.2)
            for i, s in enumerate(hl):
                page.glyphs(ix, hy + i * lh, [Tok(s, f.getlength(s))], "hei", hsize)
            page.zone(ix, hy, ix + hw, hy + len(hl) * lh)
            page.gold.append(story["headline"])
            bx = ix + hw + st.gutter
            bw = iw - hw - st.gutter
            cols = body_cols or text_columns(st, bw, 18)
            lines = byline_and_body(page, st, story, bw / cols - st.gutter * (cols - 1) / cols)
            h = flow_columns(page, st, bx, iy, bw, lines, cols)
            h = max(h, len(hl) * lh + (hy - iy))
            page.vrule(bx - st.gutter / 2, iy, iy + h)
        else:
            h = headline_stack(page, st, ix, iy, iw, story, hsize, rule_under)
            cw = st.column_width(iw, cols)
            lines = byline_and_body(page, st, story, cw)
            h += flow_columns(page, st, ix, iy + h, iw, lines, cols)
        if boxed:
            page.box(x, y, x + width, y + h + 2 * pad)
            h += 2 * pad
        return h

    return build


def dogleg_module(story, neighbour, k_left: int, head_scale=0.62):
    """A dog-leg: the story's headline and first columns at the left, the neighbour module
    at the top right, the story's last columns running on under the neighbour. Read: the
    story (headline, its left columns, its tail columns), then the neighbour."""

    def build(page: Page, st: Style, x, y, k):
        k_right = k - k_left
        lw = st.span(k_left)
        rx = x + lw + st.gutter
        z0, g0 = len(page.zones), len(page.gold)
        nh = neighbour(page, st, rx, y, k_right)
        later_zones, later_gold = page.zones[z0:], page.gold[g0:]
        del page.zones[z0:], page.gold[g0:]
        hh = headline_stack(page, st, x, y, lw, story, round(st.head_px * head_scale),
                            False)
        lines = byline_and_body(page, st, story, st.col_w)
        lh = st.line_h
        top_left, top_right = y + hh, y + nh + round(st.body_px * 1.2)
        step = math.ceil((top_right - top_left) / lh)  # rows the left runs deeper
        rows_right = max(2, math.ceil((len(lines) - k_left * step) / k))
        rows_left = max(1, math.ceil((len(lines) - k_right * rows_right) / k_left))
        at = 0
        for c in range(k):
            left = c < k_left
            rows = rows_left if left else rows_right
            cx = x + c * (st.col_w + st.gutter)
            cy = top_left if left else top_right
            part = lines[at:at + rows]
            at += rows
            for r, ln in enumerate(part):
                page.set_line(cx, cy + r * lh, st.col_w, ln, st.body_face, st.body_px)
            if part:
                page.zone(cx, cy, cx + st.col_w, cy + len(part) * lh)
        assert at >= len(lines)
        page.hrule(rx, x + st.span(k), top_right - round(st.body_px * 0.6), 1)
        if st.rules:
            page.vrule(rx - st.gutter / 2, y, top_right - round(st.body_px * 0.6))
        page.zones += later_zones
        page.gold += later_gold
        return max(top_left + rows_left * lh, top_right + rows_right * lh) - y

    return build


def byline_and_body(page, st: Style, story, col_width):
    lines = []
    if story.get("byline"):
        # a stand-alone byline wraps at the column's width (names unbroken at a space)
        lines += break_paragraph(story["byline"], st.body_face, st.body_px, col_width, 0,
                                 False)
        page.gold.append(story["byline"])
    lines += set_paragraphs(story["body"], st.body_face, st.body_px, col_width, st.justify)
    page.gold.extend(story["body"])
    return lines


def jump_front(story, to_page: int, marker: str, frac: float, cut_out: dict):
    """The lead: headline stack across the module, the first part of the body, then the
    printed pointer in the last column. Records the cut in cut_out."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        h = headline_stack(page, st, x, y, width, story, st.head_px, True, lead=True)
        cw = st.col_w
        lines = set_paragraphs(story["body"], st.body_face, st.body_px, cw, st.justify)
        rows = max(3, math.ceil(len(lines) * frac / k))
        shown = lines[:rows * k - 1]
        last = shown[-1]
        cut_out.update(para=last.para, end=last.end)
        paras = [*story["body"][:last.para], story["body"][last.para][:last.end]]
        page.gold.extend(paras)
        text = marker.format(n=to_page, cn=CN_DIGITS[to_page])
        ml = SetLine(tokens(text, st.body_face, st.body_px), 0, False, align="right")
        h += flow_columns(page, st, x, y + h, width, shown, k, rows=rows, extra_last=ml)
        return h

    return build


def jump_back(story, from_page: int, marker: str, run_in: bool, repeat_head: bool,
              cut: dict, body_cols=None):
    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        h = 0
        if repeat_head:
            h += draw_headline(page, x, y, width, story["headline"],
                               round(st.head_px * 0.6))
            h += round(st.body_px * 0.5)
        p, e = cut["para"], cut["end"]
        rest_first = story["body"][p][e:]
        paras = ([rest_first] if rest_first else []) + story["body"][p + 1:]
        mid = bool(rest_first)
        text = marker.format(n=from_page, cn=CN_DIGITS[from_page])
        cols = body_cols or k
        cw = st.column_width(width, cols)
        lines = []
        if run_in:
            first = text + paras[0]
            first_lines = break_paragraph(first, st.body_face, st.body_px, cw,
                                          0 if mid else 2 * st.body_px, st.justify)
            lines += first_lines
            lines += set_paragraphs(paras[1:], st.body_face, st.body_px, cw, st.justify)
        else:
            lines.append(SetLine(tokens(text, st.body_face, st.body_px), 0, False))
            lines += set_paragraphs(paras, st.body_face, st.body_px, cw, st.justify,
                                    first_indent=not mid)
        page.gold.extend(paras)
        h += flow_columns(page, st, x, y + h, width, lines, cols)
        return h

    return build


def reversed_label(page: Page, x, y, text, size, width, height, inset, drop):
    """A label set white on a black bar `width` x `height` (a column's or a box's title),
    the text `inset` from the bar's left and `drop` from its top; a zone and a gold line."""
    page.draw.rectangle([x, y, x + width, y + height], fill=0)
    f = font("hei", size)
    page.glyphs(x + inset, y + drop, [Tok(text, f.getlength(text))], "hei", size, fill=255)
    page.zone(x, y, x + width, y + height)
    page.gold.append(text)


def comment_module(story):
    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        lsize = round(st.body_px * 1.05)
        label = story["label"]
        lw = font("hei", lsize).getlength(label) + lsize
        reversed_label(page, x, y, label, lsize, lw, lsize * 1.5, lsize / 2, lsize * 0.25)
        h = round(lsize * 1.5) + 8
        h += draw_headline(page, x, y + h, width, story["headline"],
                           round(st.head_px * 0.7))
        h += 6
        h += draw_small_line(page, x, y + h, width, story["byline"], st.small_face,
                             st.body_px)
        h += 4
        cols = text_columns(st, width)
        cw = st.column_width(width, cols)
        lines = set_paragraphs(story["body"], st.body_face, st.body_px, cw, st.justify)
        page.gold.extend(story["body"])
        note = SetLine(tokens(story["author_note"], st.body_face, st.body_px), 0, False,
                       align="right")
        h += flow_columns(page, st, x, y + h, width, lines, cols)
        h += flow_columns(page, st, x, y + h, width, [note], 1)
        page.gold.append(story["author_note"])
        return h

    return build


def editor_module(story, cols=None):
    """Headline, byline, a 编者按 in a smaller other face across the module, then body."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        h = headline_stack(page, st, x, y, width, story, round(st.head_px * 0.75), False)
        other = "sans" if st.body_face == "serif" else "serif"
        size = max(16, st.body_px - 3)
        note = break_paragraph(story["editor_note"], other, size, width, 0, True)
        lh = round(size * 1.4)
        for i, ln in enumerate(note):
            page.set_line(x, y + h + i * lh, width, ln, other, size)
        page.zone(x, y + h, x + width, y + h + len(note) * lh)
        page.gold.append(story["editor_note"])
        h += len(note) * lh + 6
        page.hrule(x, x + width, y + h, 1)
        h += 10
        n = cols or k
        cw = st.column_width(width, n)
        lines = byline_and_body(page, st, story, cw)
        h += flow_columns(page, st, x, y + h, width, lines, n)
        return h

    return build


def figures_module(story):
    """数说: a framed box, title reversed, each figure large over its description."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        pad = round(st.body_px * 0.6)
        tsize = round(st.body_px * 1.1)
        reversed_label(page, x, y, story["title"], tsize, width, tsize * 1.6, pad, tsize * 0.3)
        h = round(tsize * 1.6) + pad
        for num, desc in story["items"]:
            h += draw_small_line(page, x + pad, y + h, width - 2 * pad, num, "hei",
                                 round(st.body_px * 1.5), stroke=1)
            h += draw_small_line(page, x + pad, y + h, width - 2 * pad, desc,
                                 st.small_face, st.body_px - 2)
            h += pad // 2
        page.box(x, y, x + width, y + h + pad, 2)
        return h + pad

    return build


def correction_module(story):
    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        pad = round(st.body_px * 0.5)
        h = pad + draw_small_line(page, x, y + pad, width, story["title"], "hei",
                                  round(st.body_px * 1.15), align="center")
        size = st.body_px - 2
        lines = set_paragraphs(story["body"], st.small_face, size, width - 2 * pad, True)
        page.gold.extend(story["body"])
        h += flow_columns(page, st, x + pad, y + h, width - 2 * pad, lines, 1,
                          face=st.small_face, size=size)
        page.box(x, y, x + width, y + h + pad, 1)
        return h + pad

    return build


def weather_module(story):
    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        pad = round(st.body_px * 0.6)
        h = pad + draw_small_line(page, x + pad, y + pad, width - 2 * pad, story["title"],
                                  "hei", round(st.body_px * 1.2), stroke=1)
        for ln in story["lines"]:
            h += draw_small_line(page, x + pad, y + h, width - 2 * pad, ln, st.small_face,
                                 st.body_px)
        page.draw.rounded_rectangle([x, y, x + width, y + h + pad], radius=12,
                                    outline=0, width=2)
        return h + pad

    return build


def photo_box(page: Page, rng: random.Random, x, y, w, h):
    ph = Image.new("L", (int(w), int(h)), rng.randint(150, 200))
    d = ImageDraw.Draw(ph)
    for _ in range(9):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(h * 0.1, h * 0.45)
        d.ellipse([cx - r, cy - r * 0.7, cx + r, cy + r * 0.7], fill=rng.randint(60, 230))
    ph = ph.filter(ImageFilter.GaussianBlur(7))
    page.img.paste(ph, (int(x), int(y)))


def photo_strip(photos, credit_inline: list[bool]):
    """图片新闻: a titled strip of two photos, each with its caption under it; the credit
    on its own line at the right, or run in after the caption."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        tsize = round(st.body_px * 1.3)
        h = draw_small_line(page, x, y, width, "图片新闻", "hei", tsize, stroke=1)
        page.hrule(x, x + width, y + h, 3)
        h += 12
        pw = (width - st.gutter) / 2
        phh = round(pw * 0.58)
        size = st.body_px - 2
        heights = []
        for i, (ph, inline) in enumerate(zip(photos, credit_inline, strict=True)):
            px = x + i * (pw + st.gutter)
            photo_box(page, page.rng, px, y + h, pw, phh)
            cy = y + h + phh + 8
            if inline:
                text = ph["caption"] + " " + ph["credit"]
                lines = break_paragraph(text, st.small_face, size, pw, 0, False)
            else:
                lines = break_paragraph(ph["caption"], st.small_face, size, pw, 0, False)
                lines.append(SetLine(tokens(ph["credit"], st.small_face, size), 0, False,
                                     align="right"))
            lh = round(size * 1.4)
            for j, ln in enumerate(lines):
                page.set_line(px, cy + j * lh, pw, ln, st.small_face, size)
            page.zone(px, y + h, px + pw, cy + len(lines) * lh)
            page.gold += [ph["caption"], ph["credit"]]
            heights.append(phh + 8 + len(lines) * lh)
        return h + max(heights)

    return build


def teasers_module(items, pointer_inline: bool):
    """本期提要: each item a headline, a one-sentence summary and a ▶ pointer."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        tsize = round(st.body_px * 1.15)
        h = draw_small_line(page, x, y, width, "本期提要", "hei", tsize, stroke=1)
        page.hrule(x, x + width, y + h + 2, 2)
        h += 10
        for story, pg in items:
            h += 6
            h += draw_headline(page, x, y + h, width, story["headline"],
                               round(st.body_px * 1.2))
            ptr = f"▶ 详见第{pg}版"
            size = st.body_px - 1
            if pointer_inline:
                lines = break_paragraph(story["teaser"] + ptr, st.small_face, size, width,
                                        0, st.justify)
            else:
                lines = break_paragraph(story["teaser"], st.small_face, size, width, 0,
                                        st.justify)
                lines.append(SetLine(tokens(ptr, st.small_face, size), 0, False,
                                     align="right"))
            page.gold.append(story["teaser"])
            h += flow_columns(page, st, x, y + h, width, lines, 1, face=st.small_face,
                              size=size)
        return h

    return build


def masthead(issue, with_side=None, side_k=0):
    def build(page: Page, st: Style, x, y, k):
        width = st.span(k - side_k)
        nsize = round(st.head_px * 1.9)
        f = font("hei", nsize)
        name = issue["paper"]
        page.glyphs(x, y, [Tok(name, f.getlength(name))], "hei", nsize, stroke=2)
        page.zone(x, y, x + f.getlength(name), y + nsize * 1.1)
        page.gold.append(name)
        h = round(nsize * 1.15)
        h += draw_small_line(page, x, y + h, width * 0.6, st.latin, "sans",
                             round(st.body_px * 0.9))
        ix = x + f.getlength(name) + st.body_px * 2
        iy = y + 8
        for item in (issue["date_line"], issue["serial"], issue["pages"]):
            iy += draw_small_line(page, ix, iy, width - (ix - x), item, st.small_face,
                                  st.body_px)
        h = max(h, iy - y)
        if with_side:
            sx = x + st.span(k - side_k) + st.gutter
            h = max(h, with_side(page, st, sx, y, side_k))
        page.hrule(x, x + st.span(k), y + h + 8, 4)
        return h + 14

    return build


def header_band(items):
    """Inside page header: items spread over the width, a heavy rule under."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        size = st.body_px
        f = font(st.small_face, size)
        widths = [f.getlength(t) + (size * 0.5 if " " in t else 0) for t in items]
        space = (width - sum(widths)) / (len(items) - 1)
        cx = x
        for t, w in zip(items, widths, strict=True):
            page.glyphs(cx, y, tokens(t, st.small_face, size), st.small_face, size)
            page.zone(cx, y, cx + w, y + size * 1.3)
            page.gold.append(t)
            cx += w + space
        page.hrule(x, x + width, y + size * 1.6, 3)
        return round(size * 1.6) + 10

    return build


def folio(items):
    """The folio line at the foot of the page: a rule, then items left to right."""

    def build(page: Page, st: Style, x, y, k):
        width = st.span(k)
        size = st.body_px - 2
        page.hrule(x, x + width, y, 1)
        f = font(st.small_face, size)
        cx = x
        for t in items:
            w = f.getlength(t) + (size * 0.5 if " " in t else 0)
            page.glyphs(cx, y + 8, tokens(t, st.small_face, size), st.small_face, size)
            page.zone(cx, y + 8, cx + w, y + 8 + size * 1.3)
            page.gold.append(t)
            cx += w + size * 3
        return round(size * 1.3) + 12

    return build


def vstack(*children, rules=False):
    def build(page: Page, st: Style, x, y, k):
        h = 0
        for i, ch in enumerate(children):
            if i:
                gap = round(st.body_px * 1.2)
                if rules:
                    page.hrule(x, x + st.span(k), y + h + gap / 2, 1)
                h += gap
            h += ch(page, st, x, y + h, k)
        return h

    return build


def hrow(*parts, rules=False):
    """Modules side by side; parts are (grid columns, module)."""

    def build(page: Page, st: Style, x, y, k):
        assert sum(p[0] for p in parts) == k
        h, cx, edges = 0, x, []
        for kk, ch in parts:
            h = max(h, ch(page, st, cx, y, kk))
            cx += st.span(kk) + st.gutter
            edges.append(cx - st.gutter / 2)
        if rules:
            for e in edges[:-1]:
                page.vrule(e, y, y + h)
        return h

    return build


# ---------------------------------------------------------------- plan


def load_stories():
    with SOURCES.open("rb") as f:
        return {s["id"]: s for s in tomllib.load(f)["story"]}


def draw_split(stories) -> dict[str, str]:
    """A third of each kind (rounded, at least one) goes to dev, the rest to held-out."""
    rng = random.Random(SPLIT_SEED)
    split = {}
    kinds = sorted({s["kind"] for s in stories.values()})
    for kind in kinds:
        ids = sorted(i for i, s in stories.items() if s["kind"] == kind)
        rng.shuffle(ids)
        n_dev = math.ceil(len(ids) / 3)
        for j, i in enumerate(ids):
            split[i] = "dev" if j < n_dev else "heldout"
    return split


ISSUES = [
    ("泠江日报", "LINGJIANG DAILY", "2026-04-08", 6231),
    ("泠江日报", "LINGJIANG DAILY", "2026-04-09", 6232),
    ("泠江日报", "LINGJIANG DAILY", "2026-04-10", 6233),
    ("泠江晚报", "LINGJIANG EVENING NEWS", "2026-04-08", 3518),
    ("泠江晚报", "LINGJIANG EVENING NEWS", "2026-04-09", 3519),
    ("泠江晚报", "LINGJIANG EVENING NEWS", "2026-04-10", 3520),
]
EDITORS = ["林默", "许晴", "殷岚", "韩松", "贺知", "钱悦", "蒋澄", "邓禾"]
SECTIONS = ["要闻", "经济", "民生", "城事", "文化", "社会"]


def date_line(iso: str) -> str:
    import datetime

    d = datetime.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def plan(stories):
    """Issues → pages: each page a dict with its style seed, modules and stories."""
    split = draw_split(stories)
    rng = random.Random(SPLIT_SEED + "/issues")
    daily = [i for i in range(6) if ISSUES[i][0] == "泠江日报"]
    evening = [i for i in range(6) if ISSUES[i][0] == "泠江晚报"]
    dev_issues = {rng.choice(daily), rng.choice(evening)}
    pages = []
    n = 0
    for idx, (paper, latin, iso, serial) in enumerate(ISSUES):
        sp = "dev" if idx in dev_issues else "heldout"
        prng = random.Random(f"{SPLIT_SEED}/{iso}/{paper}")
        pool = {}
        for kind in ("news", "jump", "comment", "editor", "figures", "correction", "photo",
                     "weather"):
            ids = sorted(i for i in stories if stories[i]["kind"] == kind and split[i] == sp)
            prng.shuffle(ids)
            pool[kind] = ids
        news = pool["news"][:5]
        boxes = [pool["figures"][0], pool["correction"][0]]
        prng.shuffle(boxes)
        issue = {
            "paper": paper, "latin": latin, "date": iso, "date_line": date_line(iso),
            "serial": f"第{serial}期", "pages": "今日8版" if paper == "泠江日报" else "今日16版",
            "split": sp, "evening": paper == "泠江晚报",
            "jump": pool["jump"][0],
            "comment": pool["comment"][0], "editor": pool["editor"][0],
            "box2": boxes[0], "box3": boxes[1], "photos": pool["photo"][:2],
            "weather": pool["weather"][0], "news": news,
        }
        for pg in (1, 2, 3):
            n += 1
            pages.append({"issue": issue, "page": pg, "order": n})
    # names: shuffled by seed so that a name says nothing of split or paper
    order = list(range(len(pages)))
    random.Random(SPLIT_SEED + "/names").shuffle(order)
    for name_no, i in enumerate(order, 1):
        pages[i]["name"] = f"third_{name_no:02d}"
    return pages, split


def page_style(pg) -> Style:
    issue = pg["issue"]
    rng = random.Random(f"style/{issue['paper']}/{issue['date']}/{pg['page']}")
    if issue["evening"]:
        body_px = rng.randint(19, 21)
        return Style(issue["paper"], issue["latin"], "sans", body_px,
                     rng.choice([1.35, 1.5, 1.65]), rng.random() < 0.4,
                     rng.choice([7.5, 8.0, 8.5, 9.0]), round(body_px * 1.4),
                     rng.choice([6, 7]), rng.random() < 0.5, rng.randint(40, 46), "serif")
    body_px = rng.randint(21, 24)
    return Style(issue["paper"], issue["latin"], "serif", body_px,
                 rng.choice([1.3, 1.45, 1.6]), rng.random() < 0.75,
                 rng.choice([10.5, 11.0, 12.0, 13.0]), round(body_px * 1.1),
                 5, rng.random() < 0.5, rng.randint(46, 52), "sans")


def build_tree(pg, stories, st: Style, cuts: dict):
    issue = pg["issue"]
    rng = random.Random(f"tree/{issue['paper']}/{issue['date']}/{pg['page']}")
    S = stories
    n = st.ncols
    news = issue["news"]
    jump = S[issue["jump"]]
    feats = []
    ed = rng.choice(EDITORS)
    art = rng.choice([e for e in EDITORS if e != ed])
    folio_items = [issue["date_line"], f"第{pg['page']}版", f"责任编辑 {ed}", f"美术编辑 {art}"]
    section = "要闻" if pg["page"] == 1 else rng.choice(SECTIONS[1:])
    header_items = ([f"第{pg['page']}版", section, issue["paper"], issue["date_line"]]
                    if rng.random() < 0.5 else
                    [issue["date_line"], issue["paper"], section, f"第{pg['page']}版"])
    top, bottom = [], []
    if issue["evening"]:
        bottom.append(folio(folio_items))
        feats.append("folio_bottom")
    elif pg["page"] > 1:
        top.append(header_band(header_items))
        feats.append("header_top")
    used = []
    if pg["page"] == 1:
        teaser_targets = [(S[news[2]], 3), (S[news[3]], 3), (S[news[1]], 2)]
        teaser_targets = [t for t in teaser_targets if t[0].get("teaser")][:3]
        marker = rng.choice(["（下转第{n}版）", "（转第{cn}版）", "下转第{n}版", "（下转第{cn}版）"])
        frac = rng.uniform(0.45, 0.65)
        cuts.setdefault(issue["jump"] + issue["date"] + issue["paper"], {})
        cut = cuts[issue["jump"] + issue["date"] + issue["paper"]]
        lead = jump_front(jump, 2, marker, frac, cut)
        inline = rng.random() < 0.5
        a = 3 if n == 5 else 4
        if issue["evening"]:
            head = masthead(issue, weather_module(S[issue["weather"]]), 2)
            used.append(issue["weather"])
            feats.append("weather")
        else:
            head = masthead(issue)
        side = teasers_module(teaser_targets, inline) if teaser_targets else \
            comment_module(S[issue["comment"]])
        feats += ["masthead", "jump_out", "teasers" + ("_inline" if inline else "")]
        second_boxed = rng.random() < 0.5
        second = story_module(S[news[0]], boxed=second_boxed, rule_under=rng.random() < 0.5,
                              body_cols=None)
        if second_boxed:
            feats.append("boxed")
        third = (story_module(S[news[4]], head_scale=0.62) if issue["evening"]
                 else comment_module(S[issue["comment"]]))
        tree = vstack(*top, head,
                      hrow((a, lead), (n - a, side), rules=st.rules),
                      hrow((a, second), (n - a, third), rules=st.rules),
                      *bottom, rules=st.rules)
        used += [issue["jump"]] + [t[0]["id"] for t in teaser_targets] + [news[0]]
        used.append(news[4] if issue["evening"] else issue["comment"])
        feats.append("side_story" if issue["evening"] else "comment")
    elif pg["page"] == 2:
        cut = cuts[issue["jump"] + issue["date"] + issue["paper"]]
        marker = rng.choice(["（上接第{n}版）", "（接第{cn}版）", "上接第{n}版", "（上接第{cn}版）"])
        run_in = rng.random() < 0.5
        repeat = rng.random() < 0.5
        a = 3 if n == 5 else 4
        back = jump_back(jump, 1, marker, run_in, repeat, cut)
        box = S[issue["box2"]]
        boxm = figures_module(box) if box["kind"] == "figures" else correction_module(box)
        sidestory = story_module(S[news[1]], side=True)  # columns of about 18 em
        tree = vstack(*top,
                      hrow((a, vstack(back, boxm, rules=st.rules)),
                           (n - a, editor_module(S[issue["editor"]])), rules=st.rules),
                      sidestory, *bottom, rules=st.rules)
        feats += ["jump_in" + ("_runin" if run_in else "") + ("+headline" if repeat else ""),
                  "editor_note", box["kind"], "side_headline", "wide_columns"]
        used += [issue["jump"], issue["editor"], issue["box2"], news[1]]
    else:
        box = S[issue["box3"]]
        boxm = figures_module(box) if box["kind"] == "figures" else correction_module(box)
        photos = [S[p] for p in issue["photos"]]
        inline = [rng.random() < 0.5, rng.random() < 0.5]
        left = 3
        top_story = story_module(S[news[2]], rule_under=True, boxed=False)
        under = dogleg_module(S[news[3]], boxm, 1)
        right = (comment_module(S[issue["comment"]]) if issue["evening"] else
                 story_module(S[news[4]], head_scale=0.62, boxed=rng.random() < 0.5))
        tree = vstack(*top, photo_strip(photos, inline),
                      hrow((left, vstack(top_story, under, rules=st.rules)), (n - left, right),
                           rules=st.rules),
                      *bottom, rules=st.rules)
        feats += ["photo_strip" + ("_inline_credit" if any(inline) else ""),
                  "three_over_dogleg", box["kind"]]
        used += issue["photos"] + [news[2], news[3], issue["box3"]]
        used.append(issue["comment"] if issue["evening"] else news[4])
    return tree, feats, used


# ---------------------------------------------------------------- scan faults


def perspective_coeffs(src, dst):
    """Coefficients mapping output points dst to input points src (Pillow's PERSPECTIVE)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return solve(rows, rhs)


def solve(a, b):
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [m[r][j] - f * m[c][j] for j in range(n + 1)]
    return [m[i][n] / m[i][i] for i in range(n)]


def to_source(coeffs, x, y):
    a, b, c, d, e, f, g, h = coeffs
    w = g * x + h * y + 1
    return (a * x + b * y + c) / w, (d * x + e * y + f) / w


def scan(img: Image.Image, rng: random.Random, fault: dict):
    """Apply the page's faults; returns the image and output→source coefficients."""
    w, h = img.size
    coeffs = [1, 0, 0, 0, 1, 0, 0, 0]
    if fault["rotation"] or fault["keystone"]:
        t = math.radians(fault["rotation"])
        cx, cy = w / 2, h / 2
        src = [(0, 0), (w, 0), (w, h), (0, h)]
        k = fault["keystone"] * w  # top edge narrower: photographed from below
        dst0 = [(k, 0), (w - k, 0), (w, h), (0, h)]
        dst = [(cx + (x - cx) * math.cos(t) - (y - cy) * math.sin(t),
                cy + (x - cx) * math.sin(t) + (y - cy) * math.cos(t)) for x, y in dst0]
        coeffs = perspective_coeffs(src, dst)
        img = img.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BICUBIC, fillcolor=255)
    if fault["grey"]:
        # a square gradient turned by a right angle, then stretched: no hard edge
        grad = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
        grad = grad.resize((w, h))
        lo = rng.randint(200, 225)
        paper = grad.point(lambda v: lo + (255 - lo) * v // 255)
        img = Image.composite(img, paper, img.point(lambda v: 255 - v))
    if fault["blur"]:
        img = img.filter(ImageFilter.GaussianBlur(fault["blur"]))
    if fault["speckle"]:
        px = img.load()
        for _ in range(int(w * h * 0.0008)):
            x, y = rng.randrange(w), rng.randrange(h)
            px[x, y] = rng.choice([0, 60, 110])
    if fault["jpeg"]:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=fault["jpeg"])
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return img, coeffs


def page_faults(pages):
    """A seeded share of pages gets each fault; two pages are photographed in perspective."""
    rng = random.Random(SPLIT_SEED + "/faults")
    names = sorted(p["name"] for p in pages)
    keystone = {rng.choice(sorted(p["name"] for p in pages if p["issue"]["split"] == sp))
                for sp in ("dev", "heldout")}
    out = {}
    for nm in names:
        r = random.Random(SPLIT_SEED + "/fault/" + nm)
        out[nm] = {
            "rotation": round(r.choice([-1, 1]) * r.uniform(0.2, 1.0), 2) if r.random() < 0.45
            else 0.0,
            "keystone": round(r.uniform(0.012, 0.022), 3) if nm in keystone else 0.0,
            "blur": round(r.uniform(0.5, 1.0), 2) if r.random() < 0.5 else 0.0,
            "speckle": r.random() < 0.4,
            "jpeg": r.randint(30, 55) if r.random() < 0.4 else 0,
            "grey": r.random() < 0.4,
        }
    return out


# ---------------------------------------------------------------- render one page


def render(pg, stories, cuts):
    st = page_style(pg)
    tree, feats, used = build_tree(pg, stories, st, cuts)
    margin = 60
    width = st.span(st.ncols) + 2 * margin
    page = Page(width, random.Random("photos/" + pg["name"]))
    h = tree(page, st, margin, margin, st.ncols)
    img = page.img.crop((0, 0, width, int(h + 2 * margin)))
    return page, img, st, feats, used


def assign_lines(engine: dict, zones, coeffs) -> list[str]:
    """Engine lines in reading order: each box to the zone holding its centre (turned back
    to the unturned page), the nearest zone else; zones in order; inside, rows top to
    bottom and left to right."""
    per_zone: dict[int, list] = {}
    for text, box in zip(engine["rec_texts"], engine["rec_boxes"], strict=True):
        cx, cy = to_source(coeffs, (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        best, dist = 0, float("inf")
        for i, (x0, y0, x1, y1) in enumerate(zones):
            dx = max(x0 - cx, 0, cx - x1)
            dy = max(y0 - cy, 0, cy - y1)
            d = math.hypot(dx, dy)
            if d < dist:
                best, dist = i, d
                if d == 0:
                    break
        per_zone.setdefault(best, []).append((cy, cx, box[3] - box[1], text))
    out = []
    for i in sorted(per_zone):
        items = sorted(per_zone[i])
        rows: list[list] = []
        for it in items:
            if rows and it[0] - rows[-1][0][0] < 0.5 * max(it[2], 1):
                rows[-1].append(it)
            else:
                rows.append([it])
        for row in rows:
            out += [t for _, _, _, t in sorted(row, key=lambda r: r[1])]
    return out


# ---------------------------------------------------------------- floors

ASCII_TO_CJK = {",": "，", ".": "。", ";": "；", ":": "：", "!": "！", "?": "？",
                "(": "（", ")": "）", '"': "“", "”": "“"}


def chars(text: str, normalise=False) -> Counter:
    if normalise:
        text = unicodedata.normalize("NFKC", text)
        text = "".join(ASCII_TO_CJK.get(c, c) for c in text)
    return Counter(c for c in text if not c.isspace())


def floors(gold: str, printed: str, rec_texts: list[str]) -> dict:
    raw = "".join(rec_texts)
    g, r = chars(gold), chars(raw)
    p, rn = chars(printed, True), chars(raw, True)
    gc, pc = sum(g.values()), sum(p.values())
    miss, extra = sum((g - r).values()), sum((r - g).values())
    mm, me = sum((p - rn).values()), sum((rn - p).values())
    return {"gold_chars": gc, "ocr_missing": miss, "ocr_extra": extra,
            "ocr_floor": round((miss + extra) / gc, 4), "printed_chars": pc,
            "misread_missing": mm, "misread_extra": me,
            "ocr_floor_misread": round((mm + me) / pc, 4)}


# ---------------------------------------------------------------- main


def run_ocr(images: list[Path], out_dir: Path):
    cmd = [str(Path(sys.executable).parent / "qingyang"), "ocr", "--output", str(out_dir),
           *map(str, images)]
    subprocess.run(cmd, check=True)


def main(argv=None) -> int:
    global FONT_DIR
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font-dir", default=str(FONT_DIR))
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--image-dir", default=str(IMAGES))
    ap.add_argument("--split", choices=["dev", "heldout"], help="build only this split")
    ap.add_argument("--no-ocr", action="store_true",
                    help="gold, .txt and manifest from the JSON already in --out")
    ap.add_argument("--plan", action="store_true", help="print the plan and stop")
    args = ap.parse_args(argv)
    FONT_DIR = Path(args.font_dir)
    stories = load_stories()
    pages, split = plan(stories)
    out, imgdir = Path(args.out), Path(args.image_dir)
    if args.plan:
        for k in ("dev", "heldout"):
            print(k, sorted(i for i, s in split.items() if s == k))
        for p in sorted(pages, key=lambda p: p["name"]):
            i = p["issue"]
            print(p["name"], i["split"], i["paper"], i["date"], p["page"])
        return 0
    faults = page_faults(pages)
    cuts: dict = {}
    built = []
    for pg in sorted(pages, key=lambda p: p["order"]):  # front pages first: they fix cuts
        page, img, st, feats, used = render(pg, stories, cuts)
        built.append((pg, page, img, st, feats, used))
    todo = [b for b in built if not args.split or b[0]["issue"]["split"] == args.split]
    imgdir.mkdir(parents=True, exist_ok=True)
    coeffs_of = {}
    for pg, page, img, _st, _feats, _used in todo:
        rng = random.Random(SPLIT_SEED + "/scan/" + pg["name"])
        scanned, coeffs = scan(img, rng, faults[pg["name"]])
        coeffs_of[pg["name"]] = coeffs
        scanned.save(imgdir / f"{pg['name']}.png")
        (imgdir / f"{pg['name']}.zones.json").write_text(
            json.dumps({"zones": page.zones, "to_source": coeffs}), encoding="utf-8")
    if not args.no_ocr:
        run_ocr([imgdir / f"{b[0]['name']}.png" for b in todo], imgdir)
    rows = []
    man = out / "manifest.csv"
    if man.is_file():
        rows = [r for r in csv.DictReader(man.open(encoding="utf-8"))
                if args.split and r["split"] != args.split]
    for pg, page, _img, st, feats, used in todo:
        sp = pg["issue"]["split"]
        name = pg["name"]
        folder = out / sp
        folder.mkdir(parents=True, exist_ok=True)
        if not args.no_ocr:
            shutil.copyfile(imgdir / f"{name}.paddle.json", folder / f"{name}.paddle.json")
        engine = json.loads((folder / f"{name}.paddle.json").read_text(encoding="utf-8"))
        gold = "\n".join(page.gold) + "\n"
        (folder / f"{name}.gold.txt").write_text(gold, encoding="utf-8")
        lines = assign_lines(engine, page.zones, coeffs_of[name])
        (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        f = faults[name]
        row = {"name": name, "split": sp, "paper": st.paper, "issue_date": pg["issue"]["date"],
               "page": pg["page"], "columns": st.ncols, "body_face": st.body_face,
               "body_px": st.body_px, "leading": st.leading, "col_em": st.col_em,
               "justified": int(st.justify), "column_rules": int(st.rules),
               "rotation_deg": f["rotation"], "keystone": f["keystone"], "blur": f["blur"],
               "speckle": int(f["speckle"]), "jpeg_quality": f["jpeg"], "grey": int(f["grey"]),
               "features": " ".join(feats), "stories": " ".join(dict.fromkeys(used))}
        row.update(floors(gold, "".join(page.printed), engine["rec_texts"]))
        rows.append(row)
    rows.sort(key=lambda r: r["name"])
    with man.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
