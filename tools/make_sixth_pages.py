#!/usr/bin/env python3
"""Build tests/eval_sixth/: a sixth evaluation set, pages of a made-up city's papers (梧潭市)
rendered, scanned with seeded faults and OCR'd by PP-OCR (RapidOCR) and Tesseract.

Papers: 梧潭文摘周报 (a tabloid digest weekly: 博览 and 专栏 pages), 梧潭日报 (its 财经 A05 and
法治 A07 pages of one issue, a lead jumping from one to the other), 梧潭青年报 (校园 page),
梧潭晚报 (a large-type 健康·老年 page). Text: tools/sixth_sources/*.toml.

    python tools/make_sixth_pages.py --plan          # pieces, splits, pages
    python tools/make_sixth_pages.py                 # render, scan, OCR both engines, write
    python tools/make_sixth_pages.py --split dev     # one split only
    python tools/make_sixth_pages.py --no-ocr        # gold, .txt, manifest from committed JSON and hOCR

Shares no code with the other builders. Every choice is drawn from random.Random(a string).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
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
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "sixth_sources"
SPLIT_SEED = "sixth-split-2026-12"
FONT_FILES = {  # name: (file in the font folder, face index)
    "song": ("gbsn00lp.ttf", 0),     # AR PL SungtiL GB (文鼎PL简报宋)
    "ming": ("uming.ttc", 0),        # AR PL UMing CN
    "kai": ("gkai00mp.ttf", 0),      # AR PL KaitiM GB (文鼎PL简中楷)
    "ukai": ("ukai.ttc", 0),         # AR PL UKai CN
    "zenhei": ("wqy-zenhei.ttc", 0),  # WenQuanYi Zen Hei
    "simhei": ("SimHei.ttf", 0),
}
OPENING = set("“‘（《「『【〖")
CLOSING = set("，。、；：？！”’）》」』】〗%‰…—")
LATIN_RUN = re.compile(r"[A-Za-z0-9@_./:\-+]+")  # a Latin word, number, e-mail or URL: never broken
PAIRED_MARKS = re.compile(r"——|……")  # two-em dashes and ellipses: one unit

# ---------------------------------------------------------------------------------------- fonts


class Fonts:
    """Pillow fonts by (face, pixel size), with a per-glyph fallback to Zen Hei for a glyph a
    GB2312-only face lacks."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self.notdef: dict[str, bytes] = {}
        self.fallbacks: Counter = Counter()

    def get(self, face: str, px: int) -> ImageFont.FreeTypeFont:
        key = (face, px)
        if key not in self.cache:
            file, index = FONT_FILES[face]
            self.cache[key] = ImageFont.truetype(str(self.folder / file), px, index=index)
        return self.cache[key]

    def has(self, face: str, ch: str) -> bool:
        font = self.get(face, 24)
        if face not in self.notdef:
            self.notdef[face] = bytes(font.getmask("\U000F0000"))
        return ch.isspace() or bytes(font.getmask(ch)) != self.notdef[face]

    def face_for(self, face: str, ch: str) -> str:
        if self.has(face, ch):
            return face
        self.fallbacks[(face, ch)] += 1
        return "zenhei"


# ---------------------------------------------------------------------------------------- text


@dataclass
class Tok:
    text: str
    face: str
    px: int
    width: float


def tokens(text: str, face: str, px: int, fonts: Fonts, bold: set[int] | None = None) -> list[Tok]:
    """Break text into setting units: a Han glyph or mark, a Latin run, a space, a two-em mark.
    Indices in `bold` are set in Zen Hei (a run-in subhead)."""
    out: list[Tok] = []
    i = 0
    while i < len(text):
        f = "zenhei" if bold and i in bold else face
        m = LATIN_RUN.match(text, i) or PAIRED_MARKS.match(text, i)
        if m and m.group().isascii():
            run = m.group()
            f2 = f if all(fonts.has(f, c) for c in run) else "zenhei"
            out.append(Tok(run, f2, px, fonts.get(f2, px).getlength(run)))
            i = m.end()
        elif m:
            out.append(Tok(m.group(), f, px, 2 * px))
            i = m.end()
        elif text[i] == " ":
            out.append(Tok(" ", f, px, px * 0.5))
            i += 1
        else:
            f2 = fonts.face_for(f, text[i])
            out.append(Tok(text[i], f2, px, fonts.get(f2, px).getlength(text[i]) or px))
            i += 1
    return out


def break_lines(toks: list[Tok], widths) -> list[list[Tok]]:
    """Greedy line breaking with 禁则: a closing mark never starts a line (it hangs), an
    opening mark never ends one; a Latin run wider than the line is cut by letters.
    `widths(i)` gives line i's width."""
    lines: list[list[Tok]] = []
    cur: list[Tok] = []
    used = 0.0
    queue = list(toks)
    while queue:
        t = queue.pop(0)
        w = widths(len(lines))
        if t.text == " " and not cur:
            continue
        if used + t.width <= w + 0.01:
            cur.append(t)
            used += t.width
            continue
        if t.text[0] in CLOSING and cur:
            cur.append(t)  # hangs, with any marks right after it; the line is squeezed
            while queue and queue[0].text[0] in CLOSING:
                cur.append(queue.pop(0))
            lines.append(cur)
            cur, used = [], 0.0
            continue
        if not cur and t.width > w:  # an unbreakable run wider than the line: cut it
            k = max(1, int(len(t.text) * w / t.width) - 1)
            head, tail = t.text[:k], t.text[k:]
            ratio = t.width / len(t.text)
            queue.insert(0, Tok(tail, t.face, t.px, ratio * len(tail)))
            cur.append(Tok(head, t.face, t.px, ratio * len(head)))
            lines.append(cur)
            cur, used = [], 0.0
            continue
        carry = []
        while cur and cur[-1].text[-1] in OPENING:
            carry.insert(0, cur.pop())
        while cur and cur[-1].text == " ":
            cur.pop()
        lines.append(cur)
        queue[:0] = [*carry, t]
        cur, used = [], 0.0
    if cur:
        lines.append(cur)
    return lines


# ---------------------------------------------------------------------------------------- ops


@dataclass
class TextLine:
    """A printed line: its units placed at x offsets, its top, its text."""

    x: float
    y: float
    units: list[tuple[float, Tok]]
    height: float
    vertical: bool = False

    @property
    def text(self) -> str:
        return "".join(t.text for _, t in self.units)

    def box(self) -> tuple[float, float, float, float]:
        if self.vertical:
            w = max(t.px for _, t in self.units)
            return (self.x, self.y, self.x + w, self.y + self.units[-1][0] + self.units[-1][1].px)
        x1 = self.x + max(dx + t.width for dx, t in self.units)
        return (self.x, self.y, x1, self.y + self.height)


@dataclass
class Block:
    """A laid-out module: drawing ops in relative pixels, in reading order, and its gold lines."""

    width: float
    height: float
    ops: list = field(default_factory=list)
    gold: list[str] = field(default_factory=list)

    def add(self, op, dx: float = 0, dy: float = 0):
        self.ops.append(shift(op, dx, dy))

    def place(self, other: Block, dx: float, dy: float):
        for op in other.ops:
            self.ops.append(shift(op, dx, dy))
        self.gold.extend(other.gold)


def shift(op, dx: float, dy: float):
    if isinstance(op, TextLine):
        return TextLine(op.x + dx, op.y + dy, op.units, op.height, op.vertical)
    kind, box, *rest = op
    return (kind, (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy), *rest)


def set_line(units_toks: list[Tok], x: float, y: float, width: float, justify: bool, height: float,
             align: str = "left") -> TextLine:
    natural = sum(t.width for t in units_toks)
    if natural > width:  # hanging marks: closing marks give up to half their width first
        closing = [i for i, t in enumerate(units_toks) if len(t.text) == 1 and t.text in CLOSING and t.text not in "%‰"]
        room = sum(units_toks[i].width / 2 for i in closing)
        take = min(1.0, (natural - width) / room) if room else 0.0
        units_toks = [Tok(t.text, t.face, t.px, t.width * (1 - take / 2)) if i in closing else t
                      for i, t in enumerate(units_toks)]
        natural = sum(t.width for t in units_toks)
    gaps = len(units_toks) - 1
    extra = (width - natural) / gaps if justify and gaps > 0 else 0.0
    if not justify and natural > width and gaps > 0:
        extra = (width - natural) / gaps  # a hanging mark squeezes a ragged line too
    start = {"left": 0.0, "center": (width - natural) / 2, "right": width - natural}[align] if not justify else 0.0
    units, dx = [], start
    for t in units_toks:
        units.append((dx, t))
        dx += t.width + extra
    return TextLine(x, y, units, height)


@dataclass
class Style:
    """A page's typography."""

    body_face: str
    head_face: str
    px: int
    leading: float
    justify: bool
    dpi: int

    @property
    def line_h(self) -> float:
        return self.px * self.leading


def flow(paragraphs: list[tuple[str, set[int], bool]], slots: list[tuple[float, float, float]], st: Style,
         fonts: Fonts, face: str | None = None) -> list[TextLine] | None:
    """Set paragraphs (text, bold indices, indent?) into line slots (x, y, width) in order; None
    when they do not fit."""
    out: list[TextLine] = []
    i = 0
    for text, bold, indent in paragraphs:
        toks = tokens(text, face or st.body_face, st.px, fonts, bold)
        ind = 2 * st.px if indent else 0

        def widths(k, i0=i, ind=ind):
            if i0 + k >= len(slots):
                return 10**9
            return slots[i0 + k][2] - (ind if k == 0 else 0)

        lines = break_lines(toks, widths)
        if i + len(lines) > len(slots):
            return None
        for k, ln in enumerate(lines):
            x, y, w = slots[i + k]
            off = ind if k == 0 else 0
            last = k == len(lines) - 1
            out.append(set_line(ln, x + off, y, w - off, st.justify and not last, st.px))
        i += len(lines)
    return out


def column_slots(ncols: int, col_w: float, gutter: float, lines: int, line_h: float,
                 short: dict[int, int] | None = None, indent: dict[tuple[int, int], float] | None = None):
    """Line slots of ncols columns of `lines` lines, left to right; `short` cuts a column's
    lines (an ad under it), `indent` narrows a (column, line) from the left (a drop cap)."""
    slots = []
    for c in range(ncols):
        n = lines - (short or {}).get(c, 0)
        for k in range(n):
            off = (indent or {}).get((c, k), 0)
            slots.append((c * (col_w + gutter) + off, k * line_h, col_w - off))
    return slots


def balanced_body(paragraphs, ncols: int, width: float, st: Style, fonts: Fonts, short_lines=None,
                  indent=None, min_lines: int = 1) -> tuple[list[TextLine], float, int]:
    """Body text in ncols balanced columns over `width`: the fewest lines a column that fit."""
    gutter = st.px * 1.2
    col_w = (width - gutter * (ncols - 1)) / ncols
    col_w = st.px * math.floor(col_w / st.px + 0.001) if st.justify else col_w
    for lines in range(max(1, min_lines), 400):
        short = {c: short_lines(lines) for c in range(ncols)} if callable(short_lines) else None
        if short is not None:
            short = {c: v for c, v in short.items() if v}
        got = flow(paragraphs, column_slots(ncols, col_w, gutter, lines, st.line_h, short, indent), st, fonts)
        if got is not None:
            return got, lines * st.line_h, lines
    raise ValueError("text does not fit")


# ---------------------------------------------------------------------------------------- modules


def display_line(text: str, face: str, px: int, width: float, fonts: Fonts, align="left", gap_em=1.0) -> tuple[
        list[TextLine], float]:
    """One display line (a title, a label); a space is a printed gap of gap_em; shrinks the
    size until it fits the width."""
    while True:
        toks = []
        for part_i, part in enumerate(text.split(" ")):
            if part_i:
                toks.append(Tok(" ", face, px, px * gap_em))
            toks.extend(tokens(part, face, px, fonts))
        if sum(t.width for t in toks) <= width or px <= 12:
            break
        px = int(px * 0.92)
    return [set_line(toks, 0, 0, width, False, px, align)], px * 1.25


def headline(title: str, width: float, st: Style, fonts: Fonts, rng: random.Random, scale: float,
             align: str, rule: bool, kicker: str = "", subtitle: str = "", byline: str = "",
             byline_align: str = "left") -> Block:
    """A headline stack: kicker, title (a two-phrase title on one line with a gap, or a phrase
    a line when it is too wide), subtitle, byline; a rule under the title when asked."""
    b = Block(width, 0)

    def place(text: str, face: str, px: int, y: float, line_align: str = align, drop: float = 0.0) -> float:
        """Set `text` at `y` (plus `drop`), each of its lines; its height."""
        lines, h = display_line(text, face, px, width, fonts, line_align)
        for ln in lines:
            b.add(ln, 0, y + drop)
        return h

    y = 0.0
    if kicker:
        y += place(kicker, st.head_face, int(st.px * 1.15), y)
        b.gold.append(kicker)
    px = int(st.px * scale)
    phrases = title.split(" ")
    one = sum(len(p) for p in phrases) * px + (len(phrases) - 1) * px
    if one <= width * 0.98 or len(phrases) == 1 or rng.random() < 0.0:
        y += place(title, st.head_face, px, y)
    else:
        for p in phrases:
            y += place(p, st.head_face, px, y)
    b.gold.append(title)
    if rule:
        b.add(("rule", (0, y + px * 0.05, width, y + px * 0.05 + max(2, st.px // 8))))
        y += px * 0.35
    if subtitle:
        y += place(subtitle, st.head_face, int(st.px * 1.2), y)
        b.gold.append(subtitle)
    if byline:
        y += place(byline, st.body_face, st.px, y, byline_align, st.px * 0.2) + st.px * 0.2
        b.gold.append(byline)
    b.height = y + st.px * 0.5
    return b


def paragraphs_of(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


GAP_BESIDE_MARK = re.compile(r" (?=[，。、；：？！“”（）《》「」【】〖〗])|(?<=[，。、；：？！“”（）《》「」【】〖〗]) ")  # a printed phrase gap beside a Chinese mark is no space in gold
RUN_IN = re.compile(r"^(〖[^〗]+〗|【[^】]+】)")  # a run-in subhead at a paragraph's start, set bold


def para_specs(paras: list[str], indent=True) -> list[tuple[str, set[int], bool]]:
    specs = []
    for p in paras:
        m = RUN_IN.match(p)
        specs.append((p, set(range(m.end())) if m else set(), indent))
    return specs


def story(piece: dict, width: float, ncols: int, st: Style, fonts: Fonts, rng: random.Random, *, scale=1.8,
          align="left", rule=False, paras=None, tail_line: str = "", lead_in: str = "", jump_out: str = "",
          photo: tuple | None = None, title: str | None = None, kicker: bool = True) -> Block:
    """A story: its headline stack, an optional halftone photo with its credit, body columns.
    `jump_out` is printed run in after the last words (not gold); `lead_in` before the first."""
    b = Block(width, 0)
    head = headline(title or piece["title"], width, st, fonts, rng, scale, align, rule,
                    kicker=piece.get("kicker", "") if kicker else "", byline=piece.get("byline", ""),
                    byline_align=rng.choice(["left", "right"]))
    b.place(head, 0, 0)
    y = head.height
    if photo:
        pw, ph, credit = photo
        b.add(("photo", (0, y, pw, y + ph), rng.randrange(10**9)))
        y += ph + st.px * 0.3
        lines, h = display_line(credit, st.body_face, int(st.px * 0.9), width, fonts, "left")
        b.add(lines[0], 0, y)
        b.gold.append(credit)
        y += h + st.px * 0.3
    paras = list(paras if paras is not None else paragraphs_of(piece["body"]))
    gold_paras = list(paras)
    printed = list(paras)
    if lead_in:
        printed[0] = lead_in + printed[0]
    if jump_out:
        printed[-1] = printed[-1] + jump_out
    specs = para_specs(printed)
    if lead_in:
        specs[0] = (specs[0][0], specs[0][1], False)
    body, h, _ = balanced_body(specs, ncols, width, st, fonts, min_lines=3)
    for ln in body:
        b.add(ln, 0, y)
    b.gold.extend(gold_paras)
    y += h
    if tail_line:
        lines, hh = display_line(tail_line, st.body_face, st.px, width, fonts, "right")
        b.add(lines[0], 0, y)
        b.gold.append(tail_line)
        y += hh
    b.height = y + st.px * 0.8
    return b


def boxed(inner: Block, pad: float, line_w: int) -> Block:
    b = Block(inner.width + 2 * pad, inner.height + 2 * pad)
    b.add(("frame", (0, 0, b.width, b.height), line_w))
    b.place(inner, pad, pad)
    return b


def lines_box(title: str, items: list[str], width: float, st: Style, fonts: Fonts, title_face: str) -> Block:
    """A box of a title and label：value lines (a 数据 box), each its own display line."""
    pad = st.px * 0.6
    inner = Block(width - 2 * pad, 0)
    y = 0.0
    lines, h = display_line(title, title_face, int(st.px * 1.3), inner.width, fonts, "left")
    inner.add(lines[0], 0, y)
    inner.gold.append(title)
    y += h + st.px * 0.2
    inner.add(("rule", (0, y - st.px * 0.15, inner.width, y - st.px * 0.15 + 2)))
    for it in items:
        lines, h = display_line(it, st.body_face, st.px, inner.width, fonts, "left")
        inner.add(lines[0], 0, y)
        inner.gold.append(it)
        y += st.line_h
    inner.height = y
    return boxed(inner, pad, 2)


def tip_box(piece: dict, width: float, st: Style, fonts: Fonts) -> Block:
    """A 提醒 box: a label on its own line, then one paragraph."""
    pad = st.px * 0.6
    inner = Block(width - 2 * pad, 0)
    lines, h = display_line(piece["label"], st.head_face, int(st.px * 1.2), inner.width, fonts, "left")
    inner.add(lines[0], 0, 0)
    inner.gold.append(piece["label"])
    body, bh, _ = balanced_body(para_specs([piece["body"]]), 1, inner.width, st, fonts)
    for ln in body:
        inner.add(ln, 0, h)
    inner.gold.append(piece["body"])
    inner.height = h + bh
    return boxed(inner, pad, 3)


def chart(piece: dict, width: float, st: Style, fonts: Fonts, rng: random.Random) -> Block:
    """A bar chart: its title over it, bars with no printed figures, its caption under it."""
    b = Block(width, 0)
    lines, h = display_line(piece["title"], st.head_face, int(st.px * 1.05), width, fonts, "left")
    b.add(lines[0], 0, 0)
    b.gold.append(piece["title"])
    y = h + st.px * 0.3
    ch = st.px * 7
    vals = piece["values"]
    top = max(vals) * 1.1
    n = len(vals)
    bw = (width - st.px) / (n * 1.6)
    b.add(("rule", (st.px * 0.5, y, st.px * 0.5 + 2, y + ch)))
    b.add(("rule", (st.px * 0.5, y + ch, width, y + ch + 2)))
    for i, v in enumerate(vals):
        x0 = st.px + i * bw * 1.6
        b.add(("bar", (x0, y + ch * (1 - v / top), x0 + bw, y + ch)))
    y += ch + st.px * 0.4
    cap = balanced_body([(piece["caption"], set(), False)], 1, width, Style(
        st.body_face, st.head_face, int(st.px * 0.9), 1.35, False, st.dpi), fonts)
    for ln in cap[0]:
        b.add(ln, 0, y)
    b.gold.append(piece["caption"])
    b.height = y + cap[1] + st.px * 0.6
    return b


def qr_box(piece: dict, width: float, st: Style, fonts: Fonts, rng: random.Random) -> Block:
    """A QR code (a seeded pattern of modules with three finder squares) and its 扫码 caption
    under it."""
    b = Block(width, 0)
    side = min(width, st.px * 6)
    b.add(("qr", ((width - side) / 2, 0, (width + side) / 2, side), rng.randrange(10**9)))
    y = side + st.px * 0.4
    text = piece["caption"]
    sub = Style(st.body_face, st.head_face, int(st.px * 0.95), 1.4, False, st.dpi)
    parts = text.split(" ")
    for part in parts:
        lines = break_lines(tokens(part, sub.body_face, sub.px, fonts), lambda k: width)
        for ln in lines:
            b.add(set_line(ln, 0, y, width, False, sub.px, "center"))
            y += sub.line_h
    b.gold.append(text)
    b.height = y + st.px * 0.5
    return b


def poem_box(piece: dict, max_width: float, st: Style, fonts: Fonts) -> Block:
    """A 竖排 poem: columns read right to left (title, author, then a verse a column), each
    glyph in a cell top to bottom, in a frame no wider than max_width."""
    pad = st.px * 0.8
    n = 2 + len(piece["lines"])
    pitch = min(st.px * 1.25 * 1.7, (max_width - 2 * pad) / n)
    px = int(min(st.px * 1.25, pitch / 1.45))
    cols = [(piece["title"], "zenhei", px), (piece["author"], "kai", int(px * 0.8))]
    cols += [(v, "kai", px) for v in piece["lines"]]
    longest = max(len(t) for t, _, _ in cols)
    h = longest * px * 1.1
    width = pad * 2 + pitch * len(cols)
    b = Block(width, h + 2 * pad)
    b.add(("frame", (0, 0, b.width, b.height), 2))
    for i, (text, face, size) in enumerate(cols):
        x = width - pad - pitch * (i + 1) + (pitch - size) / 2
        y0 = pad + (size * 1.1 * 2 if i == 1 else 0)
        units = [(k * size * 1.1, Tok(ch, fonts.face_for(face, ch), size, size)) for k, ch in enumerate(text)]
        b.add(TextLine(x, y0, units, size, vertical=True))
        b.gold.append(text)
    return b


def ad_box(piece: dict, width: float, st: Style, fonts: Fonts) -> Block:
    """A small ad: its name large, then each printed line; a gap inside a line is a space."""
    pad = st.px * 0.5
    inner = Block(width - 2 * pad, 0)
    y = 0.0
    for i, text in enumerate(piece["lines"]):
        face = "simhei" if i == 0 else st.body_face
        px = int(st.px * (1.5 if i == 0 else 0.95))
        lines, h = display_line(text, face, px, inner.width, fonts, "center")
        inner.add(lines[0], 0, y)
        inner.gold.append(text)
        y += h
    inner.height = y
    return boxed(inner, pad, 4)


def banner(text: str, width: float, st: Style, fonts: Fonts) -> Block:
    """A 通栏 banner across the page: a tinted band between two heavy rules, the text large and
    centred, phrase gaps of two em."""
    px = int(st.px * 2.0)
    b = Block(width, px * 2.2)
    b.add(("tint", (0, 0, width, b.height)))
    b.add(("rule", (0, 0, width, max(3, st.px // 6))))
    b.add(("rule", (0, b.height - max(3, st.px // 6), width, b.height)))
    lines, _ = display_line(text, "zenhei", px, width * 0.95, fonts, "center", gap_em=2.0)
    b.add(lines[0], width * 0.025, px * 0.55)
    b.gold.append(text)
    b.height += st.px * 0.6
    return b


def column_essay(piece: dict, width: float, ncols: int, st: Style, fonts: Fonts, rng: random.Random) -> Block:
    """A 专栏: the column's label with a rule, title, the columnist, the essay in 楷体 with a
    drop cap (首字下沉) two or three lines deep."""
    b = Block(width, 0)
    label = f"专栏·{piece['column']}"
    lines, h = display_line(label, "zenhei", int(st.px * 1.1), width, fonts, "left")
    b.add(lines[0], 0, 0)
    b.gold.append(label)
    b.add(("rule", (0, h, width, h + 3)))
    y = h + st.px * 0.4
    head = headline(piece["title"], width, st, fonts, rng, 2.0, "left", False,
                    byline=f"□{piece['author']}", byline_align="left")
    b.place(head, 0, y)
    y += head.height
    depth = rng.choice([2, 3])
    cap_px = int(st.line_h * (depth - 1) + st.px * 0.95)
    cap_w = cap_px + st.px * 0.3
    paras = paragraphs_of(piece["body"])
    essay = Style("kai", st.head_face, st.px, st.leading, st.justify, st.dpi)
    specs = [(paras[0][1:], set(), False)] + [(p, set(), True) for p in paras[1:]]
    body, bh, _ = balanced_body(specs, ncols, width, essay, fonts, indent={(0, k): cap_w for k in range(depth)},
                                min_lines=depth + 2)
    cap = Tok(paras[0][0], "kai", cap_px, cap_px)
    b.add(TextLine(0, y - cap_px * 0.08, [(0, cap)], cap_px))
    for ln in body:
        b.add(ln, 0, y)
    b.gold.extend(paras)
    b.height = y + bh + st.px * 0.6
    return b


def bio_box(piece: dict, width: float, st: Style, fonts: Fonts) -> Block:
    return tip_box({"label": "作者简介", "body": piece["bio"]}, width, st, fonts)


def wrap_story(piece: dict, ad: dict, width: float, ncols: int, st: Style, fonts: Fonts, rng: random.Random,
               rule: bool) -> Block:
    """A story set L-shaped around an ad in its bottom right corner: the last column's lines
    stop above the ad."""
    b = Block(width, 0)
    head = headline(piece["title"], width, st, fonts, rng, 1.9, "left", rule, byline=piece.get("byline", ""))
    b.place(head, 0, 0)
    y = head.height
    gutter = st.px * 1.2
    col_w = st.px * math.floor(((width - gutter * (ncols - 1)) / ncols) / st.px + 0.001)
    adb = ad_box(ad, col_w, st, fonts)
    ad_lines = math.ceil((adb.height + st.px * 0.6) / st.line_h)
    paras = paragraphs_of(piece["body"])
    for lines in range(ad_lines + 3, 400):
        slots = column_slots(ncols, col_w, gutter, lines, st.line_h, {ncols - 1: ad_lines})
        got = flow(para_specs(paras, True), slots, st, fonts)
        if got is not None:
            break
    for ln in got:
        b.add(ln, 0, y)
    b.gold.extend(paras)
    ad_x = (ncols - 1) * (col_w + gutter)
    ad_y = y + lines * st.line_h - adb.height
    b.place(adb, ad_x, ad_y)
    b.height = y + lines * st.line_h + st.px * 0.8
    return b


def digest_item(piece: dict, width: float, ncols: int, st: Style, fonts: Fonts, rng: random.Random, rule: bool
                ) -> Block:
    """A digest item: a small head, the text, its source credit run in or set right."""
    paras = paragraphs_of(piece["body"])
    tail = ""
    if piece["credit_style"] == "runin":
        paras[-1] += piece["credit"]
    elif piece["credit_style"] == "right":
        tail = piece["credit"]
    return story(piece, width, ncols, st, fonts, rng, scale=1.45, align=rng.choice(["left", "center"]), rule=rule,
                 paras=paras, tail_line=tail)


# ---------------------------------------------------------------------------------------- pages


@dataclass
class PageSpec:
    name: str
    split: str
    paper: str
    kind: str
    issue_date: str
    page: str
    section: str
    pieces: dict  # role: piece (or list of pieces)
    seed: str


def header(spec: PageSpec, width: float, st: Style, fonts: Fonts, rng: random.Random) -> Block:
    """The page header: the paper, the page label and section, the date, the editors; a
    heavy rule under it. Each item a gold line."""
    editors = rng.choice(["责任编辑：严可 美编：施涛", "本版编辑 郝晴 校对 罗文", "责编：祁方 版式：卜一"])
    weekday = "一二三四五六日"[__import__("datetime").date.fromisoformat(spec.issue_date).weekday()]
    y, m, d = spec.issue_date.split("-")
    date = f"{y}年{int(m)}月{int(d)}日 星期{weekday}"
    items = [spec.page, spec.section, spec.paper, date, editors]
    if rng.random() < 0.5:
        items = [spec.section, spec.page, date, spec.paper, editors]
    b = Block(width, 0)
    x = 0.0
    sizes = []
    for it in items:
        big = it == spec.section
        px = int(st.px * (1.9 if big else 0.95))
        face = "zenhei" if big or it == spec.paper else st.body_face
        toks = tokens(it, face, px, fonts)
        sizes.append((it, toks, px))
    total = sum(sum(t.width for t in toks) for _, toks, _ in sizes)
    gap = (width - total) / (len(sizes) - 1)
    hmax = max(px for *_, px in sizes)
    for it, toks, px in sizes:
        ln = set_line(toks, x, hmax - px, 10**6, False, px)
        b.add(ln)
        b.gold.append(it)
        x += sum(t.width for t in toks) + gap
    b.add(("rule", (0, hmax + st.px * 0.35, width, hmax + st.px * 0.35 + max(4, st.px // 5))))
    b.height = hmax + st.px * 1.3
    return b


def page_style(spec: PageSpec, rng: random.Random, dpi: int) -> tuple[Style, int, float]:
    """Body face, size, leading, columns and column measure by paper."""
    if spec.kind == "health":
        pt = rng.choice([12, 13, 14])
        face, cols, col_em = "ming", 3, rng.choice([12, 13])
    elif spec.kind in ("finance", "legal"):
        pt = rng.choice([9, 9.5, 10])
        face, cols, col_em = "song", 5, rng.choice([10, 11])
    elif spec.kind == "youth":
        pt = rng.choice([9.5, 10])
        face, cols, col_em = "zenhei", 4, rng.choice([11, 12])
    else:
        pt = rng.choice([9.5, 10, 10.5])
        face, cols, col_em = "ming", 4, rng.choice([11, 12])
    px = round(pt / 72 * dpi)
    head = "simhei" if spec.kind in ("finance", "legal") else "zenhei"
    st = Style(face, head, px, rng.choice([1.5, 1.6, 1.7]), rng.random() < 0.85, dpi)
    return st, cols, col_em


def compose(spec: PageSpec, st: Style, cols: int, col_em: float, fonts: Fonts, rng: random.Random
            ) -> tuple[Block, list[str]]:
    """Lay out the page: rows of slots, each slot a stack of modules, in reading order."""
    gutter = st.px * 1.4
    col_w = st.px * col_em
    width = cols * col_w + (cols - 1) * gutter

    def span(n):
        return n * col_w + (n - 1) * gutter

    rows: list[list[tuple[int, list[Block]]]] = []
    features: list[str] = []
    P = spec.pieces
    rule_on = rng.random() < 0.6
    if spec.kind == "finance":
        lead = story(P["lead"], span(3), 3, st, fonts, rng, scale=2.2, rule=rule_on, jump_out=P["jump_out"],
                     paras=P["lead_paras"])
        side = [lines_box(P["data"]["title"], P["data"]["items"], span(2), st, fonts, "zenhei"),
                chart(P["chart"], span(2), st, fonts, rng)]
        top = [(3, [lead]), (2, side)]
        if rng.random() < 0.5:
            top.reverse()
        bn = banner(P["banner"]["text"], width, st, fonts)
        shorts = [(2, [story(P["shorts"][0], span(2), 2, st, fonts, rng, scale=1.6)]),
                  (3, [story(P["shorts"][1], span(3), 3, st, fonts, rng, scale=1.6, rule=not rule_on)])]
        if rng.random() < 0.5:
            rows += [[(cols, [bn])], top, shorts]
        else:
            rows += [top, [(cols, [bn])], shorts]
        features += ["banner", "jump_out", "databox", "chart", "rule_under"]
    elif spec.kind == "legal":
        c1 = story(P["cases"][0], span(3), 3, st, fonts, rng, scale=1.9, rule=rule_on)
        ln = story(P["news"], span(2), 2, st, fonts, rng, scale=1.5)
        c2 = story(P["cases"][1], span(2), 2, st, fonts, rng, scale=1.7, rule=not rule_on)
        cont = story({**P["lead"], "byline": ""}, span(3), 3, st, fonts, rng, scale=1.8, paras=P["lead_paras"], lead_in=P["jump_in"],
                     kicker=False)
        rows += [[(3, [c1]), (2, [ln])], [(2, [c2]), (3, [cont])]]
        features += ["case", "run_in_subhead", "jump_in", "rule_under"]
    elif spec.kind == "digest3":
        items = P["items"]
        a = digest_item(items[0], span(2), 2, st, fonts, rng, rule_on)
        bb = digest_item(items[1], span(2), 2, st, fonts, rng, not rule_on)
        c = digest_item(items[2], span(1), 1, st, fonts, rng, True)
        poem = poem_box(P["poem"], span(1), st, fonts)
        d = digest_item(items[3], span(2), 1 if rng.random() < 0.5 else 2, st, fonts, rng, False)
        poem_slot = Block(span(1), poem.height)
        poem_slot.place(poem, (span(1) - poem.width) / 2 if poem.width < span(1) else 0, 0)
        rows += [[(2, [a]), (2, [bb])], [(1, [c]), (1, [poem_slot]), (2, [d])]]
        features += ["digest_items", "credit_runin", "credit_right", "vertical_poem", "rule_under"]
    elif spec.kind == "digest6":
        bn = banner(P["banner"]["text"], width, st, fonts)
        essay = column_essay(P["column"], span(3), 2 if col_em >= 12 else 3, st, fonts, rng)
        bio = bio_box(P["column"], span(1), st, fonts)
        item = digest_item(P["items"][0], span(1), 1, st, fonts, rng, True)
        rows += [[(cols, [bn])], [(3, [essay]), (1, [bio, item])]]
        features += ["banner", "column", "drop_cap", "bio_box", "digest_items", "rule_under"]
    elif spec.kind == "youth":
        s = P["stories"]
        pw = span(2)
        first = story(s[0], span(4), 4, st, fonts, rng, scale=2.0, rule=rule_on,
                      photo=(pw, pw * 0.5, credit_for(s[0])))
        second = story(s[1], span(2), 2, st, fonts, rng, scale=1.6)
        third = story(s[2], span(1), 1, st, fonts, rng, scale=1.4, rule=True)
        qr = qr_box(P["qr"], span(1), st, fonts, rng)
        rows += [[(4, [first])], [(2, [second]), (1, [third]), (1, [qr])]]
        features += ["latin", "email_url", "qr", "halftone_photo", "rule_under"]
    elif spec.kind == "health":
        s = P["stories"]
        a = story(s[0], span(2), 2, st, fonts, rng, scale=1.7, rule=True)
        tip = tip_box(P["tip"], span(1), st, fonts)
        w = wrap_story(s[1], P["ad"], span(3), 3, st, fonts, rng, rule=False)
        rows += [[(2, [a]), (1, [tip])], [(3, [w])]]
        features += ["large_type", "numbered_tips", "tip_box", "wrap_around_ad", "rule_under"]
    page = Block(width, 0)
    head = header(spec, width, st, fonts, rng)
    page.place(head, 0, 0)
    y = head.height
    for r_i, row in enumerate(rows):
        x = 0.0
        hmax = 0.0
        for n, mods in row:
            yy = y
            for m in mods:
                page.place(m, x, yy)
                yy += m.height
            hmax = max(hmax, yy - y)
            x += span(n) + gutter
        y += hmax
        if r_i < len(rows) - 1:
            page.add(("rule", (0, y - st.px * 0.3, width, y - st.px * 0.3 + 2)))
            y += st.px * 0.4
    page.height = y
    return page, features


def credit_for(piece: dict) -> str:
    name = piece["byline"].split()[-1]
    return f"图为活动现场。本报记者 {name} 摄" if "记者" in piece["byline"] else f"图为活动现场。通讯员 {name} 摄"


# ---------------------------------------------------------------------------------------- render


def halftone(w: int, h: int, seed: int, cell: float) -> Image.Image:
    """A grey multi-scale noise picture screened into dots at 45°, as newsprint prints photos."""
    r = np.random.default_rng(seed)
    field_ = np.zeros((h, w))
    for scale in (4, 9, 20):
        g = r.random((scale, scale))
        field_ += np.asarray(Image.fromarray((g * 255).astype(np.uint8)).resize((w, h), Image.BICUBIC)) / 255 / 3
    field_ = np.clip((field_ - field_.min()) / (np.ptp(field_) + 1e-9) * 0.8 + 0.1, 0, 1)
    yy, xx = np.mgrid[0:h, 0:w]
    u = (xx + yy) / math.sqrt(2) / cell
    v = (xx - yy) / math.sqrt(2) / cell
    du, dv = u - np.round(u), v - np.round(v)
    dist = np.sqrt(du * du + dv * dv)
    radius = np.sqrt(field_) * 0.62
    return Image.fromarray(np.where(dist < radius, 0, 255).astype(np.uint8))


def qr_pattern(side: int, seed: int) -> Image.Image:
    r = random.Random(seed)
    n = 25
    cells = [[r.random() < 0.5 for _ in range(n)] for _ in range(n)]
    for ox, oy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for i in range(7):
            for j in range(7):
                ring = max(abs(i - 3), abs(j - 3))
                cells[oy + i][ox + j] = ring != 2
        for i in range(-1, 8):
            for j in range(-1, 8):
                if 0 <= oy + i < n and 0 <= ox + j < n and (i in (-1, 7) or j in (-1, 7)):
                    cells[oy + i][ox + j] = False
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if cells[i][j] else 255 for i in range(n) for j in range(n)])
    return img.resize((side, side), Image.NEAREST)


def render(page: Block, st: Style, fonts: Fonts, margin: int) -> tuple[Image.Image, list[TextLine]]:
    """Draw the ops on white; return the image and the text lines (in reading order) at page
    coordinates."""
    W, H = int(page.width + 2 * margin), int(page.height + 2 * margin)
    img = Image.new("L", (W, H), 255)
    dr = ImageDraw.Draw(img)
    lines: list[TextLine] = []
    for op in page.ops:
        if isinstance(op, TextLine):
            ln = shift(op, margin, margin)
            for dx, t in ln.units:
                if t.text == " ":
                    continue
                font = fonts.get(t.face, t.px)
                if ln.vertical:
                    dr.text((ln.x, ln.y + dx + t.px * 0.88), t.text, font=font, fill=0, anchor="ls")
                else:
                    dr.text((ln.x + dx, ln.y + t.px * 0.88), t.text, font=font, fill=0, anchor="ls")
            lines.append(ln)
            continue
        kind, box, *rest = shift(op, margin, margin)
        box = tuple(round(v) for v in box)
        if kind == "rule":
            dr.rectangle(box, fill=0)
        elif kind == "frame":
            dr.rectangle(box, outline=0, width=rest[0])
        elif kind == "bar":
            dr.rectangle(box, fill=90)
        elif kind == "tint":
            dr.rectangle(box, fill=225)
        elif kind == "photo":
            img.paste(halftone(box[2] - box[0], box[3] - box[1], rest[0], max(3.0, st.dpi / 55)), box[:2])
        elif kind == "qr":
            img.paste(qr_pattern(box[2] - box[0], rest[0]), box[:2])
    return img, lines


# ---------------------------------------------------------------------------------------- scan


def homography(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> np.ndarray:
    """The 3×3 projective map taking four src points to four dst points."""
    a, bvec = [], []
    for (x, y), (u, v) in zip(src, dst, strict=False):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        bvec += [u, v]
    h = np.linalg.solve(np.array(a, float), np.array(bvec, float))
    return np.append(h, 1).reshape(3, 3)


def apply_h(h: np.ndarray, x: float, y: float) -> tuple[float, float]:
    p = h @ np.array([x, y, 1.0])
    return p[0] / p[2], p[1] / p[2]


@dataclass
class Scan:
    kind: str  # flatbed, phone, bitonal
    rotation: float
    show_through: bool
    jpeg: int
    blur: float
    corner_jitter: float


def draw_scan(rng: random.Random, kind: str, skew: bool) -> Scan:
    rot = 0.0
    if skew:
        rot = rng.uniform(1.0, 3.0) * rng.choice([-1, 1])
    elif kind != "bitonal":
        rot = rng.uniform(-0.4, 0.4)
    if kind == "phone":
        rot = rng.uniform(-1.6, 1.6)
    return Scan(kind, round(rot, 2), kind != "bitonal" and rng.random() < 0.55,
                rng.choice([0, 0, 60, 75]) if kind == "flatbed" else (rng.choice([78, 85]) if kind == "phone" else 0),
                round(rng.uniform(0.3, 0.7), 2) if kind != "phone" else round(rng.uniform(0.7, 1.1), 2),
                rng.uniform(0.012, 0.03) if kind == "phone" else 0.0)


def reverse_side(size: tuple[int, int], st: Style, texts: list[str], fonts: Fonts, rng: random.Random) -> Image.Image:
    """The reverse page as it shows through: columns of text, mirrored, blurred."""
    W, H = size
    img = Image.new("L", (W, H), 255)
    dr = ImageDraw.Draw(img)
    col_w = st.px * rng.choice([10, 11, 12])
    x = st.px * rng.uniform(1, 4)
    stream = "".join(texts)
    pos = 0
    while x + col_w < W:
        y = st.px * rng.uniform(2, 5)
        while y < H - st.px * 2:
            n = int(col_w // st.px)
            chunk = stream[pos % len(stream):pos % len(stream) + n]
            pos += n
            dr.text((x, y), chunk, font=fonts.get(fonts.face_for(st.body_face, chunk[:1] or "一"), st.px), fill=0)
            y += st.line_h
        x += col_w + st.px * 1.3
    return img.transpose(Image.FLIP_LEFT_RIGHT).filter(ImageFilter.GaussianBlur(st.px / 12))


def geometry(size: tuple[int, int], scan: Scan, grng: random.Random) -> tuple[np.ndarray, int, int]:
    """Where the clean page's corners land in the scan: turned, and for a phone pulled apart
    (perspective). Returns the 3×3 map from scanned pixels back to the clean page and the
    scan's size. Its own seeded draws, so a rebuild without OCR gets the same map."""
    W, H = size
    th = math.radians(scan.rotation)
    cx, cy = W / 2, H / 2
    corners = [(0, 0), (W, 0), (W, H), (0, H)]
    dst = []
    for x, y in corners:
        dx, dy = x - cx, y - cy
        u, v = cx + dx * math.cos(th) - dy * math.sin(th), cy + dx * math.sin(th) + dy * math.cos(th)
        u += grng.uniform(-1, 1) * scan.corner_jitter * W
        v += grng.uniform(-1, 1) * scan.corner_jitter * H
        dst.append((u, v))
    pad = int(0.03 * max(W, H)) if scan.kind == "phone" else int(0.012 * max(W, H))
    minx, miny = min(p[0] for p in dst), min(p[1] for p in dst)
    dst = [(u - minx + pad, v - miny + pad) for u, v in dst]
    back = np.linalg.inv(homography(corners, dst))
    return back / back[2, 2], int(max(p[0] for p in dst) + pad), int(max(p[1] for p in dst) + pad)


def scan_page(clean: Image.Image, scan: Scan, rng: random.Random, reverse: Image.Image | None,
              geo: tuple[np.ndarray, int, int]) -> tuple[Image.Image, str]:
    """Age and scan a clean page through the geometry `geo`; returns the image and its suffix."""
    W, H = clean.size
    ink = 1 - np.asarray(clean, float) / 255
    if reverse is not None:
        ink = np.clip(ink + (1 - np.asarray(reverse, float) / 255) * rng.uniform(0.1, 0.17), 0, 1)
    r = np.random.default_rng(rng.randrange(10**9))
    tone = np.asarray(Image.fromarray((r.random((6, 6)) * 255).astype(np.uint8)).resize((W, H), Image.BICUBIC),
                      float) / 255
    paper = 0.9 + 0.06 * tone + r.normal(0, 0.02, (H, W))
    g = np.clip(paper * (1 - ink * rng.uniform(0.82, 0.95)), 0, 1)
    img = Image.fromarray((g * 255).astype(np.uint8))
    if scan.blur:
        img = img.filter(ImageFilter.GaussianBlur(scan.blur))
    back, OW, OH = geo
    fill = 60 if scan.kind == "phone" else 235
    out = img.transform((OW, OH), Image.PERSPECTIVE, tuple(back.flatten()[:8]), Image.BICUBIC, fillcolor=fill)
    if scan.kind == "phone":
        o = np.asarray(out, float) / 255
        yy, xx = np.mgrid[0:OH, 0:OW]
        nx, ny = xx / OW - 0.5, yy / OH - 0.5
        ang = rng.uniform(0, 2 * math.pi)
        light = 0.88 + 0.2 * (nx * math.cos(ang) + ny * math.sin(ang)) - 0.5 * (nx * nx + ny * ny)
        o = np.clip(o * light, 0, 1)
        rgb = np.stack([o * 1.0, o * 0.97, o * 0.9], -1)
        return Image.fromarray((rgb * 255).astype(np.uint8), "RGB"), ".jpg"
    if scan.kind == "bitonal":
        o = np.asarray(out, float) / 255 + r.normal(0, 0.03, (OH, OW))
        return Image.fromarray(np.where(o > rng.uniform(0.58, 0.66), 255, 0).astype(np.uint8)).convert("1"), ".tif"
    return out, (".jpg" if scan.jpeg else ".png")


def save_image(img: Image.Image, path: Path, scan: Scan):
    if path.suffix == ".tif":
        img.save(path, compression="group4", dpi=(200, 200))
    elif path.suffix == ".jpg":
        img.save(path, quality=scan.jpeg or 85)
    else:
        img.save(path, optimize=False)


# ---------------------------------------------------------------------------------------- OCR


def run_tesseract(image: Path, out: Path, name: str):
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    base = out / name
    subprocess.run(["tesseract", str(image), str(base), "-l", "chi_sim", "--psm", "3", "hocr", "alto"], check=True,
                   env=env, capture_output=True)
    (out / f"{name}.xml").replace(out / f"{name}.alto.xml")


def run_rapidocr_raw(image: Path, raw: Path):
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rapidocr-worker", str(image), str(raw)],
                   check=True, env=env)


def rapidocr_worker(image: str, raw: str) -> int:
    """One page through RapidOCR with its defaults; writes its boxes, texts and scores."""
    from rapidocr import RapidOCR

    res = RapidOCR()(image)
    data = res.to_json() or []
    Path(raw).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return 0


def run_qingyang_ocr(image: Path, out: Path, name: str):
    tmp = out / f".{name}.ocr"
    tmp.mkdir(exist_ok=True)
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    exe = Path(sys.executable).parent / "qingyang"
    subprocess.run([str(exe), "ocr", str(image), "--output", str(tmp)], check=True, env=env, capture_output=True)
    (tmp / f"{image.stem}.paddle.json").replace(out / f"{name}.paddle.json")
    tmp.rmdir()


def shape_b(raw: list[dict], image: Path) -> dict:
    """PaddleOCR 3.x `save_to_json`'s shape."""
    polys = [[[round(x), round(y)] for x, y in r["box"]] for r in raw]
    return {"res": {
        "input_path": str(image),
        "page_index": None,
        "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": False},
        "dt_polys": polys,
        "text_det_params": {"limit_side_len": 64, "limit_type": "min", "thresh": 0.3, "max_side_limit": 4000,
                            "box_thresh": 0.6, "unclip_ratio": 1.5},
        "text_type": "general",
        "textline_orientation_angles": [-1] * len(raw),
        "text_rec_score_thresh": 0.0,
        "rec_texts": [r["txt"] for r in raw],
        "rec_scores": [r["score"] for r in raw],
        "rec_polys": polys,
        "rec_boxes": [[min(p[0] for p in q), min(p[1] for p in q), max(p[0] for p in q), max(p[1] for p in q)]
                      for q in polys],
    }}


def engine_lines(data) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box) of each engine line, from any of the three JSON shapes."""
    if isinstance(data, list):
        return [(r["txt"], (min(p[0] for p in r["box"]), min(p[1] for p in r["box"]),
                            max(p[0] for p in r["box"]), max(p[1] for p in r["box"]))) for r in data]
    if "res" in data:
        data = data["res"]
    return [(t, tuple(b)) for t, b in zip(data["rec_texts"], data["rec_boxes"], strict=False)]


class HocrWords(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("class") == "ocrx_word":
            self.depth = 1
            self.words.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words[-1] += data


# ---------------------------------------------------------------------------------------- reading order


def reading_order(engine: list[tuple[str, tuple]], drawn: list[TextLine], back: np.ndarray, margin: int) -> list[str]:
    """Engine lines sorted by the reading rank of the drawn line under each box's centre (mapped
    back through the scan's geometry), then left to right (top to bottom for a vertical line)."""
    boxes = [ln.box() for ln in drawn]
    keyed = []
    for i, (text, b) in enumerate(engine):
        x, y = apply_h(back, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
        holders = [k for k, bx in enumerate(boxes) if bx[0] <= x <= bx[2] and bx[1] <= y <= bx[3]]
        if holders:
            rank = min(holders, key=lambda k: ((boxes[k][2] - boxes[k][0]) * (boxes[k][3] - boxes[k][1]), k))
        else:
            rank = min(range(len(boxes)), key=lambda k, x=x, y=y: (
                max(boxes[k][0] - x, 0, x - boxes[k][2]) ** 2 + max(boxes[k][1] - y, 0, y - boxes[k][3]) ** 2, k))
        second = y if drawn[rank].vertical else x
        keyed.append((rank, second, i, text))
    return [t for *_, t in sorted(keyed)]


# ---------------------------------------------------------------------------------------- plan


def load_pieces() -> dict[str, dict]:
    pieces = {}
    for f in sorted(SOURCES.glob("*.toml")):
        for p in tomllib.loads(f.read_text(encoding="utf-8"))["piece"]:
            pieces[p["id"]] = p
    return pieces


def seeded(*parts) -> random.Random:
    return random.Random(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest())


ISSUES = {  # kind of issue: (paper, dates, pages as (kind, page label, section))
    "daily": ("梧潭日报", ["2026-11-17", "2026-11-18", "2026-11-19"],
              [("finance", "A05", "财经"), ("legal", "A07", "法治")]),
    "digest": ("梧潭文摘周报", ["2026-11-13", "2026-11-20", "2026-11-27"],
               [("digest3", "第3版", "博览"), ("digest6", "第6版", "专栏·人生")]),
    "youth": ("梧潭青年报", ["2026-11-19", "2026-11-26", "2026-12-03"], [("youth", "第7版", "校园")]),
    "health": ("梧潭晚报", ["2026-11-16", "2026-11-23", "2026-11-30"], [("health", "B04", "健康·老年")]),
}
JUMPS = [("（下转A07版）", "（上接A05版）"), ("（转第7版）", "（接第5版）"), ("【下转第七版】", "【上接第五版】")]


def split_pieces(pieces: dict) -> dict[str, str]:
    """Each kind's pieces: a third (rounded up) to dev, by a seeded shuffle."""
    by_kind: dict[str, list[str]] = {}
    for pid, p in pieces.items():
        by_kind.setdefault(p["kind"], []).append(pid)
    split = {}
    for kind, ids in sorted(by_kind.items()):
        ids = sorted(ids)
        seeded(SPLIT_SEED, kind).shuffle(ids)
        n_dev = math.ceil(len(ids) / 3)
        for i, pid in enumerate(ids):
            split[pid] = "dev" if i < n_dev else "heldout"
    return split


class Pool:
    """A split's pieces of one kind, least used first (ties by a seeded order)."""

    def __init__(self, ids: list[str], rng: random.Random):
        self.ids = sorted(ids)
        rng.shuffle(self.ids)
        self.used = Counter()

    def take(self, n: int, avoid=()) -> list[str]:
        out = []
        for _ in range(n):
            pid = min((i for i in self.ids if i not in out and i not in avoid),
                      key=lambda i: (self.used[i], self.ids.index(i)))
            self.used[pid] += 1
            out.append(pid)
        return out


def plan() -> list[PageSpec]:
    pieces = load_pieces()
    split = split_pieces(pieces)
    issue_split = {}
    for kind in ISSUES:
        idx = [0, 1, 2]
        seeded(SPLIT_SEED, "issue", kind).shuffle(idx)
        for i in range(3):
            issue_split[(kind, i)] = "dev" if i == idx[0] else "heldout"
    pools = {}
    for s in ("dev", "heldout"):
        kinds: dict[str, list[str]] = {}
        for pid, p in pieces.items():
            if split[pid] == s:
                kinds.setdefault(p["kind"], []).append(pid)
        pools[s] = {k: Pool(v, seeded(SPLIT_SEED, "pool", s, k)) for k, v in kinds.items()}
    specs = []
    for kind, (paper, dates, pages) in ISSUES.items():
        for i, date in enumerate(dates):
            s = issue_split[(kind, i)]
            pl = pools[s]
            rng = seeded(SPLIT_SEED, "issue-pieces", kind, i)
            shared = {}
            if kind == "daily":
                lead = pieces[pl["finance_lead"].take(1)[0]]
                paras = paragraphs_of(lead["body"])
                flat = "\n".join(paras)
                cut_at = int(len(flat) * rng.uniform(0.45, 0.62))
                while not (is_han(flat[cut_at - 1]) and is_han(flat[cut_at])):
                    cut_at += 1
                out_marker, in_marker = JUMPS[rng.randrange(len(JUMPS))]
                shared = {"lead": lead, "lead_a": flat[:cut_at].split("\n"), "lead_b": flat[cut_at:].split("\n"),
                          "jump_out": out_marker, "jump_in": in_marker}
            for pkind, label, section in pages:
                P: dict = {}
                if pkind == "finance":
                    P = {"lead": shared["lead"], "lead_paras": shared["lead_a"], "jump_out": shared["jump_out"],
                         "data": pieces[pl["databox"].take(1)[0]], "chart": pieces[pl["chart"].take(1)[0]],
                         "banner": pieces[pl["banner"].take(1)[0]],
                         "shorts": [pieces[x] for x in pl["finance"].take(2)]}
                elif pkind == "legal":
                    P = {"lead": shared["lead"], "lead_paras": shared["lead_b"], "jump_in": shared["jump_in"],
                         "cases": [pieces[x] for x in pl["case"].take(2)], "news": pieces[pl["legal_news"].take(1)[0]]}
                elif pkind == "digest3":
                    P = {"items": [pieces[x] for x in pl["digest"].take(4)], "poem": pieces[pl["poem"].take(1)[0]]}
                    shared["digest_used"] = [p["id"] for p in P["items"]]
                elif pkind == "digest6":
                    P = {"items": [pieces[x] for x in pl["digest"].take(1, avoid=shared.get("digest_used", ()))],
                         "column": pieces[pl["column"].take(1)[0]],
                         "banner": pieces[pl["banner_digest"].take(1)[0]]}
                elif pkind == "youth":
                    P = {"stories": [pieces[x] for x in pl["youth"].take(3)], "qr": pieces[pl["qr"].take(1)[0]]}
                elif pkind == "health":
                    P = {"stories": [pieces[x] for x in pl["health"].take(2)], "tip": pieces[pl["tip"].take(1)[0]],
                         "ad": pieces[pl["ad"].take(1)[0]]}
                specs.append(PageSpec("", s, paper, pkind, date, label, section, P,
                                      f"{SPLIT_SEED}|{kind}|{i}|{pkind}"))
    order = list(range(len(specs)))
    seeded(SPLIT_SEED, "names").shuffle(order)
    for n, k in enumerate(order, 1):
        specs[k].name = f"sixth_{n:02d}"
    return sorted(specs, key=lambda sp: sp.name)


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def piece_ids(spec: PageSpec) -> list[str]:
    ids = []
    for v in spec.pieces.values():
        for p in (v if isinstance(v, list) else [v]):
            if isinstance(p, dict) and "id" in p:
                ids.append(p["id"])
    return sorted(set(ids))


# ---------------------------------------------------------------------------------------- build


def scan_plan(specs: list[PageSpec]) -> dict[str, tuple[str, bool, str]]:
    """Per page: scan kind (flatbed / phone / bitonal), a 1-3° skew, the JSON shape; drawn as
    seeded shares over each split so dev sees every fault."""
    out = {}
    for s in ("dev", "heldout"):
        names = sorted(sp.name for sp in specs if sp.split == s)
        rng = seeded(SPLIT_SEED, "scan", s)
        n = len(names)
        kinds = (["phone"] * math.ceil(n * 0.28) + ["bitonal"] * math.ceil(n * 0.28))
        kinds += ["flatbed"] * (n - len(kinds))
        shapes = (["a", "b", "c"] * n)[:n]
        skews = [i % 2 == 0 for i in range(n)]
        rng.shuffle(kinds)
        rng.shuffle(shapes)
        rng.shuffle(skews)
        for name, k, sk, sh in zip(names, kinds, skews, shapes, strict=False):
            out[name] = (k, sk and k != "phone", sh)
    return out


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "columns", "body_face", "head_face", "body_pt",
          "dpi", "body_px", "leading", "justified", "scan", "rotation_deg", "show_through", "jpeg_quality", "blur",
          "json_shape", "features", "stories", "gold_chars", "printed_chars", "ocr_missing", "ocr_extra", "ocr_floor",
          "misread_missing", "misread_extra", "ocr_floor_misread", "tess_missing", "tess_extra", "tess_floor",
          "tess_misread_missing", "tess_misread_extra", "tess_floor_misread"]


def fold(chars) -> Counter:
    """Order-free multiset of non-space characters, NFKC-folded (full-width and ASCII marks
    alike)."""
    return Counter(unicodedata.normalize("NFKC", c) for c in chars if not c.isspace())


def build_page(spec: PageSpec, fonts: Fonts, out: Path, images: Path, scans: dict, ocr: bool) -> dict:
    rng = seeded(spec.seed, "layout")
    kind, skew, shape = scans[spec.name]
    dpi = 200 if kind == "bitonal" else rng.choice([150, 180, 200, 240, 300])
    st, cols, col_em = page_style(spec, rng, dpi)
    page, features = compose(spec, st, cols, col_em, fonts, rng)
    margin = int(st.px * 3)
    clean, drawn = render(page, st, fonts, margin)
    srng = seeded(spec.seed, "scan")
    scan = draw_scan(srng, kind, skew)
    folder = out / spec.split
    folder.mkdir(parents=True, exist_ok=True)
    gold = "".join(GAP_BESIDE_MARK.sub("", line) + "\n" for line in page.gold)
    geo = geometry(clean.size, scan, seeded(spec.seed, "geometry"))
    back = geo[0]
    if ocr:
        reverse = None
        if scan.show_through:
            texts = [p["body"] for p in load_pieces().values() if "body" in p and p["kind"] != "tip"]
            seeded(spec.seed, "reverse").shuffle(texts)
            reverse = reverse_side(clean.size, st, texts, fonts, srng)
        img, suffix = scan_page(clean, scan, srng, reverse, geo)
        images.mkdir(parents=True, exist_ok=True)
        image = images / f"{spec.name}{suffix}"
        save_image(img, image, scan)
        run_tesseract(image, folder, spec.name)
        if shape == "a":
            run_qingyang_ocr(image, folder, spec.name)
        else:
            raw_path = images / f"{spec.name}.rapidocr.json"
            run_rapidocr_raw(image, raw_path)
            raw = json.loads(raw_path.read_text(encoding="utf-8"))
            data = shape_b(raw, image) if shape == "b" else raw
            with (folder / f"{spec.name}.paddle.json").open("w", encoding="utf-8") as fh:
                if shape == "b":
                    json.dump(data, fh, ensure_ascii=False, indent=4)
                else:
                    json.dump(data, fh, ensure_ascii=False)
    data = json.loads((folder / f"{spec.name}.paddle.json").read_text(encoding="utf-8"))
    eng = engine_lines(data)
    ordered = reading_order(eng, drawn, back, margin)
    (folder / f"{spec.name}.gold.txt").write_text(gold, encoding="utf-8")
    (folder / f"{spec.name}.txt").write_text("".join(t + "\n" for t in ordered), encoding="utf-8")
    parser = HocrWords()
    parser.feed((folder / f"{spec.name}.hocr").read_text(encoding="utf-8"))
    printed = "".join(ln.text for ln in drawn)
    return manifest_row(spec, st, cols, scan, shape, features, gold, printed, [t for t, _ in eng], parser.words, dpi)


def manifest_row(spec, st, cols, scan, shape, features, gold, printed, rec_texts, words, dpi) -> dict:
    g = Counter(c for c in gold if not c.isspace())
    raw = Counter(c for c in "".join(rec_texts) if not c.isspace())
    tess = Counter(c for c in "".join(words) if not c.isspace())
    pf, rf, tf = fold(printed), fold("".join(rec_texts)), fold("".join(words))
    n = sum(g.values())
    row = {
        "name": spec.name, "split": spec.split, "paper": spec.paper, "issue_date": spec.issue_date, "page": spec.page,
        "section": spec.section, "columns": cols, "body_face": st.body_face, "head_face": st.head_face,
        "body_pt": round(st.px / st.dpi * 72, 1), "dpi": dpi, "body_px": st.px, "leading": st.leading,
        "justified": int(st.justify), "scan": scan.kind, "rotation_deg": scan.rotation,
        "show_through": int(scan.show_through), "jpeg_quality": scan.jpeg, "blur": scan.blur, "json_shape": shape,
        "features": " ".join(sorted(set(features))), "stories": " ".join(piece_ids(spec)),
        "gold_chars": n, "printed_chars": sum(pf.values()),
        "ocr_missing": sum((g - raw).values()), "ocr_extra": sum((raw - g).values()),
        "misread_missing": sum((pf - rf).values()), "misread_extra": sum((rf - pf).values()),
        "tess_missing": sum((g - tess).values()), "tess_extra": sum((tess - g).values()),
        "tess_misread_missing": sum((pf - tf).values()), "tess_misread_extra": sum((tf - pf).values()),
    }
    row["ocr_floor"] = f"{(row['ocr_missing'] + row['ocr_extra']) / n:.4f}"
    row["ocr_floor_misread"] = f"{(row['misread_missing'] + row['misread_extra']) / n:.4f}"
    row["tess_floor"] = f"{(row['tess_missing'] + row['tess_extra']) / n:.4f}"
    row["tess_floor_misread"] = f"{(row['tess_misread_missing'] + row['tess_misread_extra']) / n:.4f}"
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--font-dir", default=os.environ.get("QINGYANG_SIXTH_FONTS", "/tmp/sixth_fonts"))
    ap.add_argument("--out", default=str(ROOT / "tests" / "eval_sixth"))
    ap.add_argument("--image-dir", default="/tmp/sixth_images")
    ap.add_argument("--split", choices=["dev", "heldout"])
    ap.add_argument("--only", nargs="*", help="page names")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--plan", action="store_true")
    ap.add_argument("--rapidocr-worker", nargs=2, metavar=("IMAGE", "RAW"))
    args = ap.parse_args(argv)
    if args.rapidocr_worker:
        return rapidocr_worker(*args.rapidocr_worker)
    specs = plan()
    scans = scan_plan(specs)
    if args.plan:
        for sp in specs:
            print(sp.name, sp.split, sp.paper, sp.issue_date, sp.page, sp.kind, scans[sp.name], " ".join(piece_ids(sp)))
        return 0
    out = Path(args.out)
    fonts = Fonts(Path(args.font_dir))
    manifest = out / "manifest.csv"
    rows = {}
    if manifest.is_file():
        rows = {r["name"]: r for r in csv.DictReader(manifest.open(encoding="utf-8"))}
    for sp in specs:
        if args.split and sp.split != args.split:
            continue
        if args.only and sp.name not in args.only:
            continue
        if args.no_ocr and not (out / sp.split / f"{sp.name}.paddle.json").is_file():
            continue  # a page not built yet: nothing of the engines to order
        print(sp.name, sp.split, sp.kind, scans[sp.name], file=sys.stderr, flush=True)
        rows[sp.name] = build_page(sp, fonts, out, Path(args.image_dir), scans, not args.no_ocr)
    buf = io.StringIO()
    w = csv.DictWriter(buf, FIELDS, lineterminator="\n")
    w.writeheader()
    for name in sorted(rows):
        w.writerow({k: rows[name][k] for k in FIELDS})
    out.mkdir(parents=True, exist_ok=True)
    manifest.write_text(buf.getvalue(), encoding="utf-8")
    if fonts.fallbacks:
        print("glyphs set in Zen Hei for want of them:", "".join(sorted({c for _, c in fonts.fallbacks})),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
