#!/usr/bin/env python3
"""Build the eighth evaluation set (tests/eval_eighth/): pages of 砚溪日报 and 砚溪晚报 set from
the fictional pieces in tools/eighth_sources/, scanned with archive faults, read by Tesseract and
by PP-OCR (RapidOCR), the engines' files written in the shapes archives hand over.

Every page NAME gets NAME.gold.txt (the text contract of DESIGN.md), NAME.paddle.json (one of
six public PP-OCR JSON shapes), NAME.txt (the PP-OCR lines in reading order), NAME.hocr and
NAME.alto.xml (one Tesseract run; the ALTO in one of four forms). See tests/eval_eighth/README.md.

    python tools/make_eighth_pages.py --plan
    python tools/make_eighth_pages.py --split dev
    python tools/make_eighth_pages.py --only eighth_03
    python tools/make_eighth_pages.py --no-ocr      # gold, .txt and manifest from the committed engine files

Every choice is seeded from a string, so a rebuild makes the same bytes.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "eighth_sources"
SET_DIR = ROOT / "tests" / "eval_eighth"
IMAGE_DIR = Path("/tmp/eighth_images")
FONT_DIR = Path(os.environ.get("QINGYANG_EIGHTH_FONTS", "/tmp/eighth_fonts"))
SPLIT_SEED = "eighth-split-2026"
RENDER_DPI = 300

# face key -> (file in the font folder, collection index)
FACES = {
    "serif": ("NotoSerifCJKsc-Regular.otf", 0),
    "sans": ("NotoSansCJKsc-Regular.otf", 0),
    "ming": ("uming.ttc", 0),
    "kai": ("LXGWWenKai-Regular.ttf", 0),
    "light": ("LXGWWenKai-Light.ttf", 0),
    "mono": ("LXGWWenKaiMono-Regular.ttf", 0),
    "sharp": ("wqy-zenhei.ttc", 2),
}
FONT_FILES = tuple(sorted({f for f, _ in FACES.values()}))

# the printed issues: design -> (paper, page, section, dates); one date per design is dev
ISSUES = {
    "finance": ("砚溪日报", "B2", "财经·市场", ["2026-10-13", "2026-10-20", "2026-10-27", "2026-11-03"]),
    "sports": ("砚溪日报", "B7", "体育", ["2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02"]),
    "weekend": ("砚溪晚报", "15", "周末·人文", ["2026-10-17", "2026-10-24", "2026-10-31"]),
    "theory": ("砚溪日报", "7", "理论周刊", ["2026-10-14", "2026-10-21", "2026-10-28"]),
    "classifieds": ("砚溪晚报", "19", "分类广告", ["2026-10-15", "2026-10-22", "2026-10-29"]),
    "spread": ("砚溪晚报", "14-15", "城事｜副刊·砚边", ["2026-10-18", "2026-10-25", "2026-11-01"]),
}
DEV_FAULTS = ["showthrough", "fax", "inkspread", "torn", "lowres", "clean"]
HELDOUT_FAULTS = ["showthrough", "showthrough", "fax", "fax", "faded", "faded", "inkspread", "torn", "torn",
                  "lowres", "lowres", "moire", "moire", "clean"]
PHOTO_DESIGNS = ("weekend", "spread", "sports")
# added after the engines were found to read a sideways spread: (design, date, fault), named
# after the drawn pages so that no other page's name or draw changes
EXTRA_PAGES = [("spread", "2026-11-08", "rot90")]
JSON_SHAPES = ["a", "b", "d", "e", "f", "g"]
ALTO_SHAPES = ["tesseract", "v4", "inch1200-v2", "abbyy"]
PSMS = ["3", "1", "4", "6"]
WEEKDAYS = "一二三四五六日"
CN_DIGITS = "〇一二三四五六七八九"

# closing marks never start a line: they hang on the line before (禁则)
CLOSERS = set("，。、；：？！”’）》」』】…%·")
# opening marks never end a line: they move to the next
OPENERS = set("“‘（《「『【")
CJK_MARKS = "，。、；：？！“”‘’（）《》「」『』【】…—·"
# a run of Latin letters, digits and the marks inside numbers, URLs and times stays unbroken
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/@%+\-~～]*|\s|.")
# printed-only spans in the sources (jump markers): {…}
PRINTED_ONLY = re.compile(r"\{([^}]*)\}")
# vertical presentation forms for marks in 竖排 text
VERTICAL_FORMS = str.maketrans("，。、：；！？“”‘’（）《》—…", "︐︒︑︓︔︕︖﹁﹂﹃﹄︵︶︽︾︱︙")


def seeded(*parts) -> random.Random:
    """A random generator fixed by the strings it is named after."""
    return random.Random(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest())


def gold_of(text: str) -> str:
    """A source line as the gold keeps it: printed-only spans dropped, one space at most, none
    beside a Chinese mark."""
    text = PRINTED_ONLY.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(rf" (?=[{CJK_MARKS}])|(?<=[{CJK_MARKS}]) ", "", text)


def printed_of(text: str) -> str:
    return PRINTED_ONLY.sub(r"\1", text)


def weekday_line(date: str) -> str:
    y, m, d = map(int, date.split("-"))
    import datetime
    wd = datetime.date(y, m, d).weekday()
    return f"{y}年{m}月{d}日 星期{WEEKDAYS[wd] if wd < 6 else '日'}"


# ---------------------------------------------------------------------------------------------
# type


class Face:
    """A font at one size: widths, baseline, and an optional stroke for bold."""

    _cache: ClassVar[dict] = {}

    def __init__(self, key: str, px: int, bold: bool = False):
        from PIL import ImageFont
        file, index = FACES[key]
        cache_key = (key, px)
        if cache_key not in Face._cache:
            Face._cache[cache_key] = ImageFont.truetype(str(FONT_DIR / file), px, index=index)
        self.font = Face._cache[cache_key]
        self.key, self.px = key, px
        self.stroke = max(1, px // 28) if bold else 0
        self._widths: dict[str, float] = {}

    def w(self, s: str) -> float:
        if s not in self._widths:
            self._widths[s] = self.font.getlength(s) + (self.stroke if s.strip() else 0)
        return self._widths[s]


@dataclass
class Printed:
    """One printed line (or vertical column) on the clean sheet, with its place in reading order."""

    text: str
    box: tuple[float, float, float, float]
    rank: int
    block: int
    label: str
    vertical: bool = False


@dataclass
class Sheet:
    width: int
    height: int
    lines: list[Printed] = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    photos: list[tuple] = field(default_factory=list)
    rules: list[tuple] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    stories: list[str] = field(default_factory=list)
    ops: list[tuple] = field(default_factory=list)

    def block(self, label: str) -> int:
        self.blocks.append(label)
        return len(self.blocks) - 1

    def put(self, x: float, y: float, tokens: list[str], face: Face, block: int, avail: float | None = None,
            justify: bool = False, ink: int = 0, align: str = "left", label: str | None = None) -> float:
        """Draws one line of tokens with its top at y; returns its right edge."""
        while tokens and tokens[-1].isspace():
            tokens = tokens[:-1]
        while tokens and tokens[0].isspace():
            tokens = tokens[1:]
        if not tokens:
            return x
        widths = [face.w(t) for t in tokens]
        natural = sum(widths)
        gaps = len(tokens) - 1
        extra = 0.0
        if avail is not None and gaps and natural > avail:
            # over the measure (hung closing marks): give up to half of each Chinese mark's width,
            # let the rest hang
            give = 0.5 * sum(w for t, w in zip(tokens, widths, strict=False) if t in CJK_MARKS)
            extra = -min(natural - avail, give) / gaps
        elif avail is not None and gaps and justify:
            extra = (avail - natural) / gaps
        if avail is not None and align == "right":
            x = x + avail - natural
        elif avail is not None and align == "center":
            x = x + (avail - natural) / 2
        cursor = x
        for token, width in zip(tokens, widths, strict=False):
            if not token.isspace():
                self.ops.append(("text", cursor, y + face.px * 0.88, token, face.key, face.px, face.stroke, ink))
            cursor += width + extra
        right = cursor - extra
        self.lines.append(Printed("".join(tokens), (x, y, right, y + face.px), len(self.lines), block,
                                  label or self.blocks[block]))
        return right

    def put_text(self, x, y, text, face, block, **kw) -> float:
        return self.put(x, y, TOKEN.findall(text), face, block, **kw)

    def put_vertical(self, x: float, y: float, text: str, face: Face, block: int, pitch: float | None = None,
                     label: str | None = None) -> float:
        """One column of glyphs, top to bottom, x its left edge; returns its bottom."""
        pitch = pitch or face.px
        for i, ch in enumerate(text):
            self.ops.append(("vchar", x + face.px / 2, y + i * pitch + face.px / 2, ch.translate(VERTICAL_FORMS),
                             face.key, face.px, face.stroke, 0))
        bottom = y + len(text) * pitch
        self.lines.append(Printed(text, (x, y, x + face.px, bottom), len(self.lines), block,
                                  label or self.blocks[block], vertical=True))
        return bottom

    def rule(self, x0, y0, x1, y1, width=2, ink=0):
        self.ops.append(("rule", x0, y0, x1, y1, width, ink))

    def frame(self, x0, y0, x1, y1, width=2):
        self.ops.append(("frame", x0, y0, x1, y1, width))

    def shade(self, x0, y0, x1, y1, grey):
        self.ops.append(("shade", x0, y0, x1, y1, grey))

    def photo(self, x0, y0, x1, y1, seed):
        self.photos.append((x0, y0, x1, y1, seed))
        self.features.add("photo")


def render(sheet: Sheet, moire: bool, seed: str):
    """The clean sheet as a greyscale numpy array (paper 255, ink 0)."""
    import numpy as np
    from PIL import Image, ImageDraw
    image = Image.new("L", (sheet.width, sheet.height), 255)
    draw = ImageDraw.Draw(image)
    for op in [o for o in sheet.ops if o[0] == "shade"]:
        draw.rectangle(op[1:5], fill=op[5])
    for op in sheet.ops:
        kind = op[0]
        if kind == "text":
            _, x, y, token, key, px, stroke, ink = op
            font = Face(key, px).font
            draw.text((x, y), token, font=font, fill=ink, anchor="ls", stroke_width=stroke, stroke_fill=ink)
        elif kind == "vchar":
            _, x, y, ch, key, px, stroke, ink = op
            draw.text((x, y), ch, font=Face(key, px).font, fill=ink, anchor="mm", stroke_width=stroke,
                      stroke_fill=ink)
        elif kind == "rule":
            _, x0, y0, x1, y1, width, ink = op
            draw.line((x0, y0, x1, y1), fill=ink, width=width)
        elif kind == "frame":
            _, x0, y0, x1, y1, width = op
            draw.rectangle((x0, y0, x1, y1), outline=0, width=width)
        elif kind == "reverse":
            _, x0, y0, x1, y1 = op
            draw.rectangle((x0, y0, x1, y1), fill=0)
        elif kind == "whitetext":
            _, x, y, token, key, px, stroke = op
            draw.text((x, y), token, font=Face(key, px).font, fill=255, anchor="ls", stroke_width=stroke,
                      stroke_fill=255)
    array = np.array(image)
    for x0, y0, x1, y1, pseed in sheet.photos:
        x0, y0, x1, y1 = map(int, (x0, y0, x1, y1))
        array[y0:y1, x0:x1] = halftone(x1 - x0, y1 - y0, pseed, moire)
        array[y0:y0 + 2, x0:x1] = 0
        array[y1 - 2:y1, x0:x1] = 0
        array[y0:y1, x0:x0 + 2] = 0
        array[y0:y1, x1 - 2:x1] = 0
    return array


def halftone(w: int, h: int, seed: str, fine: bool):
    """A photograph as newsprint prints it: a smooth scene screened into dots (45°, about 85 lpi at
    300 dpi; 133 lpi at 0° on a moiré page, which the scanner's grid beats against)."""
    import cv2
    import numpy as np
    r = seeded("photo", seed)
    field_ = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    field_ += 0.55 + 0.35 * (yy / max(h, 1))  # sky to ground
    for _ in range(r.randint(5, 9)):
        cx, cy = r.uniform(0, w), r.uniform(0, h)
        sx, sy = r.uniform(w * 0.05, w * 0.3), r.uniform(h * 0.05, h * 0.3)
        field_ -= r.uniform(-0.35, 0.55) * np.exp(-(((xx - cx) / sx) ** 2 + ((yy - cy) / sy) ** 2))
    field_ = cv2.GaussianBlur(np.clip(field_, 0.05, 0.95), (0, 0), 3)
    pitch, angle = (2.25, 0.0) if fine else (3.5, math.pi / 4)
    u = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / pitch
    v = (-xx * math.sin(angle) + yy * math.cos(angle)) * 2 * math.pi / pitch
    screen = (np.cos(u) + np.cos(v) + 2) / 4  # 0..1
    return np.where(field_ > screen, 255, 0).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# setting text


def split_long(tokens: list[str], face: Face, limit: float) -> list[str]:
    """A Latin or digit run wider than most of the measure (a licence number in a narrow box) is
    broken between any two glyphs, as narrow columns print it."""
    out = []
    for t in tokens:
        out.extend(list(t) if len(t) > 1 and face.w(t) > limit * 0.8 else [t])
    return out


def break_line(tokens: list[str], i: int, avail: float, face: Face) -> int:
    """Where the line that starts at token i ends: as many tokens as fit, closing marks hung on
    this line, opening marks moved to the next, Latin and digit runs whole."""
    n, width, j = len(tokens), 0.0, i
    while j < n:
        w = face.w(tokens[j])
        if width + w > avail + 0.5 and j > i:
            break
        width += w
        j += 1
    if j < n:
        hung = 0
        while j < n and tokens[j] in CLOSERS and hung < 2:
            j, hung = j + 1, hung + 1
        while j - 1 > i + 1 and tokens[j - 1] in OPENERS:
            j -= 1
    return j


@dataclass
class Item:
    """A unit of body copy: kind para (indented, justified), plain (no indent), head (a subhead),
    right (set right), verse (a line of verse), quiet (a paragraph with no gold line of its own)."""

    kind: str
    text: str

    @classmethod
    def parse(cls, body: str) -> list[Item]:
        items = []
        for line in body.strip().splitlines():
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                items.append(cls("head", line[1:].strip()))
            elif line.startswith(">"):
                items.append(cls("right", line[1:].strip()))
            elif line.startswith("="):
                items.append(cls("plain", line[1:].strip()))
            else:
                items.append(cls("para", line))
        return items


def flow(sheet: Sheet, items: list[Item], x0: float, y0: float, width: float, ncols: int, gutter: float,
         face: Face, lead: float, block: int, head_face: Face | None = None, obstacles=(), height: float | None = None,
         draw: bool = True, indent: float = 2.0, justify: bool = True) -> float | None:
    """Sets items in ncols columns from (x0, y0), column by column, round obstacles (photos and
    their captions); with no height, the smallest height that holds them all (balanced columns).
    Returns the height used, or None when the items do not fit."""
    if height is None:
        lo, hi = 1, 400
        while lo < hi:
            mid = (lo + hi) // 2
            if flow(sheet, items, x0, y0, width, ncols, gutter, face, lead, block, head_face, obstacles,
                    mid * lead, draw=False, indent=indent, justify=justify) is None:
                lo = mid + 1
            else:
                hi = mid
        height = lo * lead
    colw = (width - gutter * (ncols - 1)) / ncols

    def slots():
        for c in range(ncols):
            cx = x0 + c * (colw + gutter)
            y = y0
            while y + face.px <= y0 + height + 0.5:
                lo_x, hi_x = cx, cx + colw
                free = [(lo_x, hi_x)]
                for ox0, oy0, ox1, oy1 in obstacles:
                    if oy0 - face.px * 0.4 < y + lead and oy1 + face.px * 0.4 > y:
                        cut = []
                        for a, b in free:
                            if ox1 + face.px * 0.6 <= a or ox0 - face.px * 0.6 >= b:
                                cut.append((a, b))
                                continue
                            if ox0 - face.px * 0.6 > a:
                                cut.append((a, ox0 - face.px * 0.6))
                            if ox1 + face.px * 0.6 < b:
                                cut.append((ox1 + face.px * 0.6, b))
                        free = cut
                free = [(a, b) for a, b in free if b - a >= face.px * 4]
                if free:
                    a, b = max(free, key=lambda ab: ab[1] - ab[0])
                    yield a, y, b - a
                y += lead

    slot_iter = slots()
    pushed: list = []

    def next_slot():
        return pushed.pop() if pushed else next(slot_iter, None)

    bottom = y0
    for item in items:
        f = head_face if (item.kind == "head" and head_face) else face
        tokens = split_long(TOKEN.findall(printed_of(item.text)), f, colw)
        i, first = 0, True
        if item.kind != "quiet":
            if draw:
                sheet.gold.append(gold_of(item.text))
        while i < len(tokens):
            slot = next_slot()
            if slot is None:
                return None
            if item.kind == "head" and first:
                # a subhead never ends a column: it goes to the next with the text it heads
                after = next_slot()
                if after is None:
                    return None
                if after[1] < slot[1]:
                    slot = after
                else:
                    pushed.append(after)
            sx, sy, sw = slot
            ind = f.px * indent if (item.kind == "para" and first) else 0
            j = break_line(tokens, i, sw - ind, f)
            last = j >= len(tokens)
            if draw:
                sheet.put(sx + ind, sy, tokens[i:j], f, block, avail=sw - ind,
                          justify=justify and not last and item.kind in ("para", "plain"),
                          align="right" if item.kind == "right" else "left",
                          label="paragraph_title" if item.kind == "head" else None)
            bottom = max(bottom, sy + lead)
            i, first = j, False
            while i < len(tokens) and tokens[i].isspace():
                i += 1
    return height if not draw else bottom - y0


def title_block(sheet: Sheet, x: float, y: float, width: float, phrases: list[str], face: Face, block: int,
                align: str, r: random.Random, lead: float = 1.25, label: str = "doc_title") -> float:
    """A headline: its phrases on one line with a gap when they fit and the seed says so, else a
    phrase a line. The gold keeps one line, phrases one space apart. Returns the next y."""
    sheet.gold.append(gold_of(" ".join(phrases)))
    one_line = "\u3000".join(phrases)
    if len(phrases) > 1 and face.w(one_line) <= width and r.random() < 0.5:
        lines = ["\u3000".join(phrases)]
    else:
        lines = []
        for phrase in phrases:
            tokens, i = TOKEN.findall(phrase), 0
            while i < len(tokens):
                j = break_line(tokens, i, width, face)
                lines.append("".join(tokens[i:j]))
                i = j
    for text in lines:
        sheet.put(x, y, TOKEN.findall(text), face, block, avail=width, align=align, label=label)
        y += face.px * lead
    return y


def own_line(sheet: Sheet, x: float, y: float, width: float, text: str, face: Face, block: int,
             align: str = "left", lead: float = 1.5, label: str | None = None, gold: bool = True) -> float:
    """A display line (byline, label, header item) that is its own gold line; wraps if it must."""
    if gold:
        sheet.gold.append(gold_of(text))
    tokens, i = split_long(TOKEN.findall(printed_of(text)), face, width), 0
    while i < len(tokens):
        j = break_line(tokens, i, width, face)
        sheet.put(x, y, tokens[i:j], face, block, avail=width, align=align, label=label)
        y += face.px * lead
        i = j
        while i < len(tokens) and tokens[i].isspace():
            i += 1
    return y


def table(sheet: Sheet, x: float, y: float, width: float, header: list[str], rows: list[list[str]], face: Face,
          head_face: Face, aligns: str, block: int, lead: float = 1.55, rules_every_row: bool = False,
          greys: list[int] | None = None) -> float:
    """A ruled table: one printed line per row, cells at fixed stops (numbers set right). The gold
    keeps each row one line, its cells one space apart. Returns the next y."""
    cols = len(header)
    need = [max(face.w(r[c]) for r in [*rows, header]) + face.px * 0.9 for c in range(cols)]
    scale = width / sum(need)
    stops = [x + sum(need[:c]) * scale for c in range(cols + 1)]
    sheet.rule(x, y, x + width, y, 3)
    y += face.px * 0.35
    for ri, row in enumerate([header, *rows]):
        f = head_face if ri == 0 else face
        ink = greys[ri - 1] if (greys and ri > 0) else 0
        sheet.gold.append(" ".join(gold_of(c) for c in row))
        tokens = []
        xs = []
        for c, cell in enumerate(row):
            cw = f.w(cell)
            a = aligns[c]
            left = stops[c] + face.px * 0.45
            if a == "r":
                left = stops[c + 1] - face.px * 0.45 - cw
            elif a == "c":
                left = (stops[c] + stops[c + 1] - cw) / 2
            xs.append(left)
            tokens.append(cell)
        for left, cell in zip(xs, tokens, strict=False):
            for tok_x, tok in zip(_advance(left, TOKEN.findall(cell), f), TOKEN.findall(cell), strict=False):
                if not tok.isspace():
                    sheet.ops.append(("text", tok_x, y + f.px * 0.88, tok, f.key, f.px, f.stroke, ink))
        sheet.lines.append(Printed(" ".join(tokens), (xs[0], y, xs[-1] + f.w(tokens[-1]), y + f.px), len(sheet.lines),
                                   block, "table"))
        y += f.px * lead
        if ri == 0:
            sheet.rule(x, y - f.px * 0.3, x + width, y - f.px * 0.3, 2)
        elif rules_every_row and ri < len(rows):
            sheet.rule(x, y - f.px * 0.3, x + width, y - f.px * 0.3, 1, 110)
    sheet.rule(x, y - face.px * 0.2, x + width, y - face.px * 0.2, 3)
    sheet.features.add("table")
    return y + face.px * 0.3


def _advance(x: float, tokens: list[str], face: Face) -> list[float]:
    out = []
    for t in tokens:
        out.append(x)
        x += face.w(t)
    return out


class Grid:
    """Columns of a page; a block takes a span of columns below whatever is already there."""

    def __init__(self, x0: float, x1: float, y0: float, ncols: int, gutter: float):
        self.x0, self.gutter, self.ncols = x0, gutter, ncols
        self.colw = (x1 - x0 - gutter * (ncols - 1)) / ncols
        self.tops = [y0] * ncols

    def span(self, c0: int, c1: int) -> tuple[float, float, float]:
        x = self.x0 + c0 * (self.colw + self.gutter)
        return x, max(self.tops[c0:c1]), (c1 - c0) * self.colw + (c1 - c0 - 1) * self.gutter

    def take(self, c0: int, c1: int, bottom: float, gap: float):
        for c in range(c0, c1):
            self.tops[c] = bottom + gap


# ---------------------------------------------------------------------------------------------
# the page designs


@dataclass
class Style:
    body: Face
    head: Face
    small: Face
    lead: float
    gutter: float
    colw_em: float


def make_style(r: random.Random, body_key: str, pt_range=(8.6, 10.0), colw=(10.5, 12.0)) -> Style:
    pt = round(r.uniform(*pt_range), 1)
    px = round(pt / 72 * RENDER_DPI)
    return Style(Face(body_key, px), Face("sans", px, bold=True), Face(body_key, round(px * 0.86)),
                 round(px * r.uniform(1.5, 1.75), 1), round(px * r.uniform(1.2, 1.6)), r.uniform(*colw))


def header_band(sheet: Sheet, x0: float, x1: float, y: float, items: list[tuple[str, Face]], r: random.Random) -> float:
    """The page's header: items across (a second row, set right, when they do not fit), a heavy
    rule under. Each item its own gold line, rows top to bottom, items left to right."""
    block = sheet.block("header")
    rows, row = [], []
    for text, f in items:
        trial = [*row, (text, f)]
        if row and sum(ff.w(t) for t, ff in trial) + ff_gap(trial) > x1 - x0:
            rows.append(row)
            row = [(text, f)]
        else:
            row = trial
    rows.append(row)
    for k, row in enumerate(rows):
        height = max(f.px for _, f in row)
        spare = x1 - x0 - sum(f.w(t) for t, f in row)
        gap = spare / (len(row) - 1) if len(row) > 1 and k == 0 else items[-1][1].px * 1.5
        x = x0 if (k == 0 and len(row) > 1) else x1 - sum(f.w(t) for t, f in row) - gap * (len(row) - 1)
        for text, f in row:
            sheet.gold.append(gold_of(text))
            sheet.put_text(x, y + height - f.px, text, f, block)
            x += f.w(text) + gap
        y += height + f.px * 0.5
    sheet.rule(x0, y, x1, y, 6)
    sheet.rule(x0, y + 10, x1, y + 10, 2)
    return y + height * 0.6


def ff_gap(row) -> float:
    """The least room between header items: a em and a half of the smallest."""
    return min(f.px for _, f in row) * 1.5 * (len(row) - 1)


def story_block(sheet: Sheet, st: Style, grid: Grid, c0: int, c1: int, piece: dict, r: random.Random,
                ncols: int | None = None, photo: str | None = None, framed: bool = False, title_em: float = 1.9,
                align: str = "left", wrap_photos: int = 0) -> float:
    """A story over columns c0..c1: kicker, title, byline, photo(s) with captions, body columns.
    photo 'top' puts a photo over the body; wrap_photos sets that many photos inside the body
    columns with the text running round them."""
    x, y, w = grid.span(c0, c1)
    y0 = y
    pad = st.body.px * 0.8 if framed else 0
    x, w, y = x + pad, w - 2 * pad, y + pad
    block = sheet.block("text")
    sheet.stories.append(piece["id"])
    if piece.get("kicker"):
        y = own_line(sheet, x, y, w, piece["kicker"], Face("sans", round(st.body.px * 1.05)), block, align=align,
                     label="paragraph_title")
    tface = Face("sans", round(st.body.px * title_em), bold=True)
    y = title_block(sheet, x, y, w, piece["title"], tface, sheet.block("doc_title"), align, r)
    if piece.get("byline"):
        y = own_line(sheet, x, y + st.body.px * 0.2, w, piece["byline"], Face("kai", round(st.body.px * 0.95)),
                     block, align=align, label="text")
    y += st.body.px * 0.4
    captions = piece.get("captions", [])
    obstacles = []
    cface = Face("kai", round(st.body.px * 0.85))
    if photo == "top" and captions:
        ph = w * r.uniform(0.42, 0.55)
        sheet.photo(x, y, x + w, y + ph, piece["id"])
        y = own_line(sheet, x, y + ph + st.body.px * 0.3, w, captions[0], cface, sheet.block("figure_title"),
                     lead=1.35, label="figure_title") + st.body.px * 0.4
        captions = captions[1:]
    ncols = ncols or (c1 - c0)
    colw = (w - st.gutter * (ncols - 1)) / ncols
    for k in range(min(wrap_photos, len(captions))):
        # photos of different sizes inside the columns: the first top right, the next lower left
        pw = colw * (1.5 if k == 0 else 1.0) + (st.gutter * 0.5 if k == 0 else 0)
        ph = pw * r.uniform(0.62, 0.8)
        px0 = x + w - pw if k % 2 == 0 else x
        py0 = y + (st.lead * 2 if k == 0 else st.lead * r.randint(10, 14))
        sheet.photo(px0, py0, px0 + pw, py0 + ph, f"{piece['id']}-{k}")
        cy = py0 + ph + st.body.px * 0.3
        cap_block = sheet.block("figure_title")
        cy = own_line(sheet, px0, cy, pw, captions[k], cface, cap_block, lead=1.3, label="figure_title")
        obstacles.append((px0, py0, px0 + pw, cy))
    items = Item.parse(piece["body"])
    used = flow(sheet, items, x, y, w, ncols, st.gutter, st.body, st.lead, block, head_face=st.head,
                obstacles=obstacles)
    bottom = y + used
    for ob in obstacles:
        bottom = max(bottom, ob[3])
    for c in range(1, ncols):
        gx = x + c * (colw + st.gutter) - st.gutter / 2
        if r.random() < 0.5:
            sheet.rule(gx, y, gx, bottom - st.lead * 0.5, 1, 90)
    if framed:
        sheet.frame(x - pad, y0, x + w + pad, bottom + pad * 0.5, 3)
        bottom += pad * 0.5
    grid.take(c0, c1, bottom, st.lead * 1.1)
    return bottom


def box_title(sheet: Sheet, x: float, y: float, w: float, text: str, face: Face, reverse: bool) -> float:
    """A box's label, reversed (white on black) or plain bold; its own gold line."""
    block = sheet.block("paragraph_title")
    sheet.gold.append(gold_of(text))
    if reverse:
        sheet.ops.append(("reverse", x, y, x + w, y + face.px * 1.45))
        tx = x + (w - face.w(text)) / 2
        for tok_x, tok in zip(_advance(tx, TOKEN.findall(text), face), TOKEN.findall(text), strict=False):
            sheet.ops.append(("whitetext", tok_x, y + face.px * 1.05, tok, face.key, face.px, face.stroke))
        sheet.lines.append(Printed(text, (tx, y + face.px * 0.2, tx + face.w(text), y + face.px * 1.2),
                                   len(sheet.lines), block, "paragraph_title"))
        return y + face.px * 1.8
    sheet.put_text(x, y, text, face, block, avail=w, align="center")
    return y + face.px * 1.5


def tables_data():
    return tomllib.loads((SOURCES / "tables.toml").read_text(encoding="utf-8"))


def stock_rows(key: str, n: int) -> tuple[list[list[str]], list[int]]:
    r = seeded("stocks", key)
    data = tables_data()["stocks"]
    picks = r.sample(data, n)
    rows, greys = [], []
    for code, name in picks:
        close = r.uniform(3, 48)
        change = r.gauss(0.3, 2.2)
        change = max(-9.9, min(9.9, change))
        rows.append([code, name, f"{close:.2f}", f"{change:+.2f}%"])
        greys.append(0 if change >= 0 else 95)  # green on the page, grey in the scan
    return rows, greys


def price_rows(key: str, n: int) -> list[list[str]]:
    r = seeded("prices", key)
    rows = []
    for name, base in r.sample(tables_data()["prices"], n):
        today = base * r.uniform(0.9, 1.12)
        change = r.uniform(-8, 9)
        rows.append([name, f"{today:.2f}", ("持平" if abs(change) < 0.4 else f"{change:+.1f}%")])
    return rows


def league(issue: dict):
    """The league table after the issue's round (teams in the order the issue gives, points that
    fall by seed, the leader ahead by the gap its report states), the round's results (the
    report's match first) and the next round's fixtures (the one the report names first)."""
    r = seeded("league", issue["date"])
    rnd = int(issue["round"])
    order = issue["order"]
    points = [r.randint(rnd * 2 - 4, rnd * 2 + 2)]
    points.append(points[0] - int(issue["lead_gap"]))
    while len(points) < len(order):
        points.append(points[-1] - r.choice([0, 1, 2, 3, 3, 4]))
    rows = []
    for pos, (team, pts) in enumerate(zip(order, points, strict=False)):
        played = rnd if r.random() < 0.85 else rnd - 1
        draws = next(d for d in range(min(played, pts) + 1) if (pts - d) % 3 == 0 and (pts - d) // 3 + d <= played)
        draws = draws + 3 if (pts - draws - 9) >= 0 and (pts - draws) // 3 - 3 + draws + 3 <= played and r.random() < 0.5 else draws
        wins = (pts - draws) // 3
        rows.append([str(pos + 1), team, str(played), str(wins), str(draws), str(played - wins - draws), str(pts)])
    others = [t for t in order if t not in issue["match"][::2]]
    r.shuffle(others)
    results = [issue["match"]] + [[others[i], f"{r.randint(0, 4)}∶{r.randint(0, 3)}", others[i + 1]]
                                  for i in range(0, len(others), 2)]
    nxt = [t for t in order if t not in issue["next"]]
    r.shuffle(nxt)
    pairs = [issue["next"]] + [nxt[i:i + 2] for i in range(0, len(nxt), 2)]
    venues = tables_data()["venues"]
    fixtures = [[issue["next_dates"][k % 2], r.choice(["15:30", "19:00", "19:35"]), f"{a}—{b}", r.choice(venues)]
                for k, (a, b) in enumerate(pairs)]
    return rows, results, fixtures


def design_finance(sheet: Sheet, issue: dict, x0: float, x1: float, y: float, st: Style, r: random.Random) -> float:
    grid = Grid(x0, x1, y, 5, st.gutter)
    pieces = {p["slot"]: p for p in issue["piece"]}
    story_block(sheet, st, grid, 0, 3, pieces["lead"], r, title_em=2.2)
    tx, ty, tw = grid.span(3, 5)
    sp = pieces["stocks"]
    block = sheet.block("table")
    sheet.stories.append(sp["id"])
    mono = Face("mono", round(st.body.px * 0.92))
    ty = own_line(sheet, tx, ty, tw, sp["title"], Face("sans", round(st.body.px * 1.15), bold=True), block,
                  align="center", label="paragraph_title")
    rows, greys = stock_rows(sp["id"], int(sp["rows"]))
    ty = table(sheet, tx, ty, tw, ["代码", "名称", "收盘", "涨跌幅"], rows, mono, Face("sans", mono.px, bold=True),
               "llrr", block, greys=greys, rules_every_row=r.random() < 0.5)
    ty = own_line(sheet, tx, ty, tw, sp["note"], Face("kai", round(st.body.px * 0.8)), block, label="footnote")
    grid.take(3, 5, ty, st.lead)
    story_block(sheet, st, grid, 0, 2, pieces["story"], r, title_em=1.6)
    px_, py, pw = grid.span(2, 5)
    pp = pieces["prices"]
    block = sheet.block("table")
    sheet.stories.append(pp["id"])
    py = own_line(sheet, px_, py, pw, pp["title"], Face("sans", round(st.body.px * 1.15), bold=True), block,
                  align="center", label="paragraph_title")
    py = table(sheet, px_, py, pw, ["品名", "今日均价", "较上周"], price_rows(pp["id"], int(pp["rows"])), mono,
               Face("sans", mono.px, bold=True), "lrr", block, rules_every_row=True)
    py = own_line(sheet, px_, py, pw, pp["note"], Face("kai", round(st.body.px * 0.8)), block, label="footnote")
    grid.take(2, 5, py, st.lead)
    c0 = 2
    story_block(sheet, st, grid, c0, 5, pieces["comment"], r, ncols=3, framed=True, title_em=1.4)
    return max(grid.tops)


def design_sports(sheet: Sheet, issue: dict, x0: float, x1: float, y: float, st: Style, r: random.Random) -> float:
    grid = Grid(x0, x1, y, 5, st.gutter)
    pieces = {p["slot"]: p for p in issue["piece"]}
    story_block(sheet, st, grid, 0, 3, pieces["report"], r, photo="top", title_em=2.2)
    story_block(sheet, st, grid, 3, 5, pieces["feature"], r, ncols=2, framed=True, title_em=1.5)
    tx, ty, tw = grid.span(3, 5)
    rows, results, fixtures = league(issue)
    mono = Face("mono", round(st.body.px * 0.92))
    hmono = Face("sans", mono.px, bold=True)
    tface = Face("sans", round(st.body.px * 1.15), bold=True)
    block = sheet.block("table")
    sheet.stories.append(pieces["table"]["id"])
    ty = own_line(sheet, tx, ty, tw, pieces["table"]["title"], tface, block, align="center", label="paragraph_title")
    ty = table(sheet, tx, ty, tw, ["排名", "球队", "场次", "胜", "平", "负", "积分"], rows, mono, hmono, "clrrrrr",
               block, rules_every_row=r.random() < 0.5)
    grid.take(3, 5, ty, st.lead)
    bx, by, bw = grid.span(0, 3)
    half = (bw - st.gutter) * 0.36
    block = sheet.block("table")
    sheet.stories.append(pieces["results"]["id"])
    yy = own_line(sheet, bx, by, half, pieces["results"]["title"], tface, block, align="center",
                  label="paragraph_title")
    for home, score, away in results:
        sheet.gold.append(f"{home} {score} {away}")
        lx = bx + half / 2 - mono.w(score) / 2
        sheet.ops.append(("text", lx - mono.px * 0.6 - mono.w(home), yy + mono.px * 0.88, home, mono.key, mono.px, 0, 0))
        for tok_x, tok in zip(_advance(lx, TOKEN.findall(score), mono), TOKEN.findall(score), strict=False):
            sheet.ops.append(("text", tok_x, yy + mono.px * 0.88, tok, mono.key, mono.px, 0, 0))
        sheet.ops.append(("text", lx + mono.w(score) + mono.px * 0.6, yy + mono.px * 0.88, away, mono.key, mono.px, 0, 0))
        sheet.lines.append(Printed(f"{home} {score} {away}", (lx - mono.px * 0.6 - mono.w(home), yy,
                                                              lx + mono.w(score) + mono.px * 0.6 + mono.w(away),
                                                              yy + mono.px), len(sheet.lines), block, "table"))
        yy += mono.px * 1.7
    fx = bx + half + st.gutter
    fw = bw - half - st.gutter
    block = sheet.block("table")
    sheet.stories.append(pieces["fixtures"]["id"])
    fy = own_line(sheet, fx, by, fw, pieces["fixtures"]["title"], tface, block, align="center",
                  label="paragraph_title")
    small = Face("mono", round(st.body.px * 0.8))
    fy = table(sheet, fx, fy, fw, ["日期", "时间", "对阵", "赛场"], fixtures, small, Face("sans", small.px, bold=True),
               "llll", block)
    grid.take(0, 3, max(yy, fy), st.lead)
    sheet.features.update({"league_table", "results", "fixtures"})
    c0 = 0 if grid.tops[0] <= grid.tops[3] else 3
    story_block(sheet, st, grid, c0, c0 + (3 if c0 == 0 else 2), pieces["brief"], r, title_em=1.5)
    return max(grid.tops)


def design_weekend(sheet: Sheet, issue: dict, x0: float, x1: float, y: float, st: Style, r: random.Random) -> float:
    grid = Grid(x0, x1, y, 6, st.gutter)
    pieces = {p["slot"]: p for p in issue["piece"]}
    side_left = r.random() < 0.5
    main = (2, 6) if side_left else (0, 4)
    side = (0, 2) if side_left else (4, 6)
    story_block(sheet, st, grid, *main, pieces["profile"], r, ncols=3, wrap_photos=2, title_em=2.6)
    # the timeline: a framed box, dates in bold on a rule with dots
    tl = pieces["timeline"]
    sx, sy, sw = grid.span(*side)
    block = sheet.block("text")
    sheet.stories.append(tl["id"])
    pad = st.body.px * 0.8
    yy = box_title(sheet, sx, sy, sw, tl["title"], Face("sans", round(st.body.px * 1.2), bold=True), r.random() < 0.6)
    dface = Face("sans", round(st.body.px * 1.0), bold=True)
    eface = Face(st.body.key, round(st.body.px * 0.9))
    lx = sx + pad
    top = yy
    for date, event in tl["entries"]:
        sheet.ops.append(("frame", lx - 6, yy + dface.px * 0.3, lx + 6, yy + dface.px * 0.3 + 12, 6))
        yy = own_line(sheet, lx + pad, yy, sw - 2 * pad - pad, date, dface, block, lead=1.3, label="paragraph_title")
        yy = flow_lines(sheet, lx + pad, yy, sw - 2 * pad - pad, event, eface, block) + st.body.px * 0.4
    sheet.rule(lx, top, lx, yy - st.body.px * 0.4, 2)
    sheet.frame(sx, sy, sx + sw, yy + pad * 0.3, 2)
    sheet.features.add("timeline")
    grid.take(*side, yy + pad * 0.3, st.lead)
    # 链接: a shaded sidebar
    lk = pieces["link"]
    lx0, ly, lw = grid.span(side[0], side[1])
    pad = st.body.px * 0.7
    block = sheet.block("aside_text")
    sheet.stories.append(lk["id"])
    start = ly
    ly = own_line(sheet, lx0 + pad, ly + pad, lw - 2 * pad, lk["title"], Face("sans", round(st.body.px * 1.1), bold=True),
                  block, label="paragraph_title")
    used = flow(sheet, Item.parse(lk["body"]), lx0 + pad, ly, lw - 2 * pad, 1, st.gutter,
                Face("kai", st.body.px), st.lead, block)
    end = ly + used + pad * 0.5
    sheet.ops.insert(0, ("shade", lx0, start, lx0 + lw, end, 222))
    sheet.features.add("sidebar")
    grid.take(side[0], side[1], end, st.lead)
    # the short story with a third photo across the rest
    if grid.tops[side[0]] < grid.tops[main[0]]:
        story_block(sheet, st, grid, *side, pieces["story"], r, photo="top", ncols=1, title_em=1.5)
    else:
        story_block(sheet, st, grid, *main, pieces["story"], r, ncols=3, wrap_photos=1, title_em=1.7)
    return max(grid.tops)


def flow_lines(sheet: Sheet, x: float, y: float, w: float, text: str, face: Face, block: int, lead: float = 1.4) -> float:
    """A short unindented paragraph, ragged right; its own gold line. Returns the next y."""
    sheet.gold.append(gold_of(text))
    tokens, i = split_long(TOKEN.findall(printed_of(text)), face, w), 0
    while i < len(tokens):
        j = break_line(tokens, i, w, face)
        sheet.put(x, y, tokens[i:j], face, block, avail=w, justify=j < len(tokens))
        y += face.px * lead
        i = j
    return y


def design_theory(sheet: Sheet, issue: dict, x0: float, x1: float, y: float, st: Style, r: random.Random) -> float:
    grid = Grid(x0, x1, y, 5, st.gutter)
    pieces = {p["slot"]: p for p in issue["piece"]}
    art = pieces["article"]
    essay_left = r.random() < 0.4
    main = (1, 5) if essay_left else (0, 4)
    es = (0, 1) if essay_left else (4, 5)
    ax, ay, aw = grid.span(*main)
    sheet.stories.append(art["id"])
    ay = title_block(sheet, ax, ay, aw, art["title"], Face("sans", round(st.body.px * 2.4), bold=True),
                     sheet.block("doc_title"), "center", r)
    block = sheet.block("text")
    ay = own_line(sheet, ax, ay + st.body.px * 0.3, aw, art["byline"], Face("kai", round(st.body.px * 1.1)), block,
                  align="center")
    # 内容提要 and 关键词 in a frame
    pad = st.body.px * 0.8
    ablock = sheet.block("abstract")
    kface = Face("kai", round(st.body.px * 0.95))
    top = ay
    used = flow(sheet, [Item("plain", art["abstract"]), Item("plain", art["keywords"])], ax + pad, ay + pad,
                aw - 2 * pad, 1, st.gutter, kface, kface.px * 1.5, ablock, justify=True)
    ay = ay + pad + used
    sheet.frame(ax, top, ax + aw, ay + pad * 0.3, 2)
    sheet.features.update({"abstract", "footnotes", "references"})
    ay += pad * 1.2
    used = flow(sheet, Item.parse(art["body"]), ax, ay, aw, 3 if r.random() < 0.5 else 4, st.gutter, st.body,
                st.lead, block, head_face=Face("sans", st.body.px, bold=True))
    ay += used + st.lead * 0.3
    sheet.rule(ax, ay, ax + aw * 0.3, ay, 2)
    ay += st.body.px * 0.5
    nblock = sheet.block("footnote")
    nface = Face(st.body.key, round(st.body.px * 0.8))
    ay = own_line(sheet, ax, ay, aw, "注释：", Face("sans", nface.px, bold=True), nblock, label="footnote")
    for note in art["notes"]:
        ay = flow_lines(sheet, ax, ay, aw, note, nface, nblock, lead=1.45)
    rblock = sheet.block("reference")
    ay = own_line(sheet, ax, ay + nface.px * 0.3, aw, "参考文献：", Face("sans", nface.px, bold=True), rblock,
                  label="reference")
    for ref in art["references"]:
        ay = flow_lines(sheet, ax, ay, aw, ref, nface, rblock, lead=1.45)
    ay = own_line(sheet, ax, ay + nface.px * 0.4, aw, art["bio"], Face("kai", nface.px), sheet.block("text"))
    grid.take(*main, ay, st.lead)
    story_block(sheet, st, grid, *es, pieces["essay"], r, framed=True, title_em=1.35)
    return max(grid.tops)


def design_classifieds(sheet: Sheet, issue: dict, x0: float, x1: float, y: float, st: Style, r: random.Random) -> float:
    ncols = 6
    grid = Grid(x0, x1, y, ncols, st.body.px * 0.6)
    face = st.body
    label_face = Face("sharp", round(face.px * 1.15), bold=True)
    phone = Face("mono", face.px)
    pad = face.px * 0.5
    boxes = issue["piece"]

    def box_height(piece) -> float:
        trial = Sheet(sheet.width, sheet.height)
        trial.blocks = ["text"]
        return _box(trial, piece, 0, 0, grid.colw, draw=True)

    def _box(target, piece, bx, by, bw, draw) -> float:
        yy = box_title(target, bx + pad, by + pad, bw - 2 * pad, piece["label"], label_face, piece.get("reverse", False))
        block = target.block("text")
        for k, text in enumerate(piece["body"]):
            if text.startswith(">"):
                yy = own_line(target, bx + pad, yy, bw - 2 * pad, text[1:].strip(), face, block, align="right", lead=1.35)
            elif k == 0:
                yy = flow_lines(target, bx + pad, yy, bw - 2 * pad, text, face, block, lead=1.35)
            else:
                yy = own_line(target, bx + pad, yy, bw - 2 * pad, text, phone if re.search(r"\d{3}", text) else face,
                              block, lead=1.35)
        return yy + pad * 0.6 - by

    for piece in boxes:
        piece["reverse"] = seeded("reverse", piece["id"]).random() < 0.45
    heights = [box_height(p) for p in boxes]
    gap = face.px * 0.5
    columns = partition([h + gap for h in heights], ncols)
    k = 0
    for col, count in enumerate(columns):
        yy = y
        bx = x0 + col * (grid.colw + grid.gutter)
        for piece in boxes[k:k + count]:
            sheet.stories.append(piece["id"])
            used = _box(sheet, piece, bx, yy, grid.colw, True)
            sheet.frame(bx, yy, bx + grid.colw, yy + used, 2)
            yy += used + gap
        grid.tops[col] = yy
        k += count
    sheet.features.add("classified_grid")
    return max(grid.tops)


def partition(heights: list[float], n: int) -> list[int]:
    """How many boxes, in order, go to each of n columns so that the tallest column is as short
    as it can be (boxes are read column by column)."""
    import functools
    prefix = [0.0]
    for h in heights:
        prefix.append(prefix[-1] + h)

    @functools.lru_cache(None)
    def best(start: int, cols: int) -> tuple[float, tuple[int, ...]]:
        if cols == 1:
            return prefix[-1] - prefix[start], (len(heights) - start,)
        choice = (float("inf"), ())
        for end in range(start + 1, len(heights) - cols + 2):
            rest, counts = best(end, cols - 1)
            cost = max(prefix[end] - prefix[start], rest)
            if cost < choice[0]:
                choice = (cost, (end - start, *counts))
        return choice

    return list(best(0, n)[1])


def design_spread_page(sheet: Sheet, issue: dict, side: str, x0: float, x1: float, y: float, st: Style,
                       r: random.Random) -> float:
    pieces = [p for p in issue["piece"] if p["page"] == side]
    grid = Grid(x0, x1, y, 4, st.gutter)
    for piece in pieces:
        if piece["slot"] == "lead":
            story_block(sheet, st, grid, 0, 4, piece, r, photo="top", ncols=4, title_em=2.2)
        elif piece["slot"] == "brief":
            story_block(sheet, st, grid, 0, 4, piece, r, ncols=4, title_em=1.5)
        elif piece["slot"] == "vertical":
            vertical_piece(sheet, st, grid, piece, r)
        elif piece["slot"] == "across":
            x, yy, w = grid.span(0, 1)
            yy += st.lead * 2
            block = sheet.block("text")
            sheet.stories.append(piece["id"])
            yy = title_block(sheet, x, yy, w, piece["title"], Face("kai", round(st.body.px * 1.6), bold=True),
                             sheet.block("doc_title"), "center", r)
            yy = own_line(sheet, x, yy, w, piece["byline"], Face("kai", st.body.px), block, align="center")
            vface = Face("kai", st.body.px)
            left = x + vface.px * 1.5
            for verse in piece["verse"]:
                yy = own_line(sheet, left, yy, w - vface.px * 1.5, verse, vface, block, lead=1.7)
            sheet.features.add("verse")
            grid.take(0, 1, yy, st.lead)
    return max(grid.tops)


def vertical_piece(sheet: Sheet, st: Style, grid: Grid, piece: dict, r: random.Random):
    """A prose piece set 竖排: title and author in columns at the right, then the text in columns
    right to left, each paragraph a new column indented two glyphs."""
    x, y, w = grid.span(1, 4)
    face = Face("light", round(st.body.px * 1.05))
    pitch = face.px * 1.02
    colstep = face.px * 1.75
    sheet.stories.append(piece["id"])
    paras = [printed_of(p.strip()) for p in piece["body"].strip().splitlines() if p.strip()]
    room = int((w - face.px * 4.5) / colstep) - 1
    per_col = max(int(r.uniform(16, 20)), math.ceil(sum(len(p) + 3 for p in paras) / room) + 1)
    columns = []
    for p in paras:
        text = "\u3000\u3000" + p
        while text:
            cut = per_col
            # a closing mark never starts a column: it stays at the foot of the one before
            while cut < len(text) and text[cut] in CLOSERS:
                cut += 1
            columns.append(text[:cut])
            text = text[cut:]
    tface = Face("kai", round(st.body.px * 1.6), bold=True)
    right = x + w - face.px
    top = y + face.px * 0.8
    tblock = sheet.block("doc_title")
    sheet.gold.append(gold_of(piece["title"]))
    sheet.put_vertical(right - tface.px, top, piece["title"], tface, tblock, pitch=tface.px * 1.15)
    ablock = sheet.block("text")
    sheet.gold.append(gold_of(piece["byline"]))
    sheet.put_vertical(right - tface.px - colstep * 1.2, top + tface.px * 2, piece["byline"], face, ablock)
    block = sheet.block("vertical_text")
    cx = right - tface.px - colstep * 2.6
    for p in paras:
        sheet.gold.append(gold_of(p))
    for col in columns:
        glyphs = col.replace("\u3000", " ")
        drawn = glyphs.lstrip(" ")
        offset = len(glyphs) - len(drawn)
        sheet.put_vertical(cx, top + offset * pitch, drawn, face, block, pitch=pitch)
        cx -= colstep
    bottom = top + per_col * pitch + face.px * 1.2
    sheet.frame(cx + colstep - face.px * 0.9, y, x + w, bottom, 2)
    sheet.features.add("vertical_text")
    grid.take(1, 4, bottom, st.lead)


# ---------------------------------------------------------------------------------------------
# pages


@dataclass
class Page:
    name: str
    split: str
    design: str
    date: str
    paper: str
    page: str
    section: str
    fault: str = ""
    json_shape: str = ""
    alto_shape: str = ""
    psm: str = "3"
    spaces: int = 0
    langs: str = "chi_sim"
    dpi: int = 300
    rotation: float = 0.0
    body_key: str = "serif"
    body_pt: float = 9.0

    @property
    def key(self) -> str:
        return f"{self.design}-{self.date}"


BODY_FACES = {"finance": "serif", "sports": "ming", "weekend": "serif", "theory": "serif", "classifieds": "ming",
              "spread": "ming"}


def plan() -> list[Page]:
    """Every page, its split (one issue of each design is dev, drawn by seed), its fault, its OCR
    settings and its JSON and ALTO shapes, all seeded."""
    pages = []
    for design, (paper, page, section, dates) in ISSUES.items():
        dev = seeded(SPLIT_SEED, design).choice(dates)
        for date in dates:
            pages.append(Page("", "dev" if date == dev else "heldout", design, date, paper, page, section))
    order = list(range(len(pages)))
    seeded(SPLIT_SEED, "names").shuffle(order)
    for number, index in enumerate(order, 1):
        pages[index].name = f"eighth_{number:02d}"
    for split, faults in (("dev", DEV_FAULTS), ("heldout", HELDOUT_FAULTS)):
        group = [p for p in pages if p.split == split]
        r = seeded(SPLIT_SEED, "faults", split)
        faults = faults[:]
        moire = [f for f in faults if f == "moire"]
        rest = [f for f in faults if f != "moire"]
        photo_pages = [p for p in group if p.design in PHOTO_DESIGNS]
        r.shuffle(photo_pages)
        for p, f in zip(photo_pages, moire, strict=False):
            p.fault = f
        others = [p for p in group if not p.fault]
        r.shuffle(rest)
        for p, f in zip(others, rest, strict=False):
            p.fault = f
        shapes = JSON_SHAPES[:] if split == "dev" else JSON_SHAPES * 2 + r.sample(JSON_SHAPES, 2)
        altos = ALTO_SHAPES + r.sample(ALTO_SHAPES, 2) if split == "dev" else ALTO_SHAPES * 3 + r.sample(ALTO_SHAPES, 2)
        psms = PSMS + r.sample(PSMS, 2) if split == "dev" else PSMS * 3 + r.sample(PSMS, 2)
        r.shuffle(shapes)
        r.shuffle(altos)
        r.shuffle(psms)
        for p, shape, alto, psm in zip(sorted(group, key=lambda p: p.name), shapes, altos, psms, strict=False):
            p.json_shape, p.alto_shape, p.psm = shape, alto, psm
    for number, (design, date, fault) in enumerate(EXTRA_PAGES, len(pages) + 1):
        paper, page_label, section, _ = ISSUES[design]
        extra = Page(f"eighth_{number:02d}", "heldout", design, date, paper, page_label, section, fault)
        r = seeded(SPLIT_SEED, "extra", extra.name)
        extra.json_shape, extra.alto_shape, extra.psm = r.choice(JSON_SHAPES), r.choice(ALTO_SHAPES), r.choice(PSMS)
        pages.append(extra)
    for p in pages:
        r = seeded(SPLIT_SEED, "scan", p.name)
        p.spaces = int(r.random() < 0.5)
        p.langs = "chi_sim+eng" if p.design in ("finance", "sports") else "chi_sim"
        p.dpi = {"lowres": r.choice([120, 135, 150]), "fax": 200, "clean": 300}.get(p.fault, r.choice([200, 240, 300]))
        p.rotation = 0.0 if p.fault == "clean" else round(r.choice([-1, 1]) * r.uniform(0.3, 3.0), 2)
        p.body_key = BODY_FACES[p.design]
    return sorted(pages, key=lambda p: p.name)


def load_issue(design: str, date: str) -> dict:
    source = "spread" if design == "spread" else design
    data = tomllib.loads((SOURCES / f"{source}.toml").read_text(encoding="utf-8"))
    for issue in data["issue"]:
        if issue["date"] == date:
            return copy.deepcopy(issue)
    raise SystemExit(f"no issue {design} {date} in {source}.toml")


DESIGNS = {"finance": design_finance, "sports": design_sports, "weekend": design_weekend, "theory": design_theory,
           "classifieds": design_classifieds}


def compose(page: Page) -> tuple[Sheet, Style]:
    """The clean sheet of a page: its header band and its design, at RENDER_DPI."""
    issue = load_issue(page.design, page.date)
    r = seeded("layout", page.key)
    pt_range = (7.8, 8.6) if page.design == "classifieds" else (8.6, 10.0)
    st = make_style(r, page.body_key, pt_range)
    page.body_pt = round(st.body.px * 72 / RENDER_DPI, 1)
    margin = round(st.body.px * 2.2)
    ncols = {"finance": 5, "sports": 5, "weekend": 6, "theory": 5, "classifieds": 6, "spread": 4}[page.design]
    colw = st.body.px * st.colw_em * (0.85 if page.design == "classifieds" else 1)
    page_w = round(ncols * colw + (ncols - 1) * st.gutter)
    if page.design == "spread":
        spine = round(st.body.px * 5)
        sheet = Sheet(2 * (page_w + 2 * margin) + spine, 10)
        bottoms = []
        for side, x0 in (("left", margin), ("right", page_w + 3 * margin + spine)):
            num = issue[side]
            sec = issue[f"{side}_section"]
            items = [(num, Face("sans", round(st.body.px * 2.6), bold=True)), (sec, Face("sans", round(st.body.px * 1.7), bold=True)),
                     ("砚溪晚报", Face("kai", round(st.body.px * 1.2), bold=True)),
                     (weekday_line(page.date), Face("ming", st.body.px)),
                     (issue[f"editor_{side}"], Face("ming", round(st.body.px * 0.9)))]
            if side == "right":
                items = [*items[2:], items[1], items[0]]
            y = header_band(sheet, x0, x0 + page_w, margin, items, r)
            bottoms.append(design_spread_page(sheet, issue, side, x0, x0 + page_w, y, st, r))
        sheet.height = round(max(bottoms) + margin)
        sheet.features.add("two_page_spread")
        sheet.spine = (page_w + 2 * margin, page_w + 2 * margin + spine)
        return sheet, st
    sheet = Sheet(page_w + 2 * margin, 10)
    label = f"第{page.page}版" if page.paper == "砚溪日报" and page.page.isdigit() else page.page
    items = [(label, Face("sans", round(st.body.px * 2.6), bold=True)),
             (page.section, Face("sans", round(st.body.px * 1.8), bold=True)),
             (page.paper, Face("kai", round(st.body.px * 1.25), bold=True)),
             (weekday_line(page.date), Face("ming", st.body.px)),
             (issue["editor"], Face("ming", round(st.body.px * 0.9)))]
    if r.random() < 0.5:
        items = items[2:] + items[:2]
    y = header_band(sheet, margin, margin + page_w, margin, items, r)
    bottom = DESIGNS[page.design](sheet, issue, margin, margin + page_w, y, st, r)
    sheet.height = round(bottom + margin)
    sheet.spine = None
    return sheet, st


# ---------------------------------------------------------------------------------------------
# scanning


class Geometry:
    """Clean sheet -> scan: scaled to the scan's dpi, turned about the centre, and on a landscape
    spread scanned sideways turned a quarter clockwise. to_clean undoes it."""

    def __init__(self, width: int, height: int, dpi: int, rotation: float, quarter: bool = False):
        import numpy as np
        self.quarter = quarter
        self.scale = dpi / RENDER_DPI
        self.size = (round(width * self.scale), round(height * self.scale))
        import cv2
        m = cv2.getRotationMatrix2D((self.size[0] / 2, self.size[1] / 2), rotation, 1.0)
        forward = np.vstack([m, [0, 0, 1]]) @ np.diag([self.scale, self.scale, 1.0])
        self.matrix = m
        self.inverse = np.linalg.inv(forward)

    def to_clean(self, x: float, y: float) -> tuple[float, float]:
        if self.quarter:  # a quarter turn clockwise took (x, y) to (height - 1 - y, x)
            x, y = y, self.size[1] - 1 - x
        v = self.inverse @ [x, y, 1.0]
        return float(v[0]), float(v[1])


def verso(width: int, height: int, seed: str, px: int):
    """The back of the leaf as it shows through: random text columns, mirrored."""
    import numpy as np
    from PIL import Image, ImageDraw
    r = seeded("verso", seed)
    common = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理"
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = Face("serif", px).font
    y = px * 3
    while y < height - px * 3:
        x = px * 2
        while x < width - px * 2:
            if r.random() < 0.92:
                draw.text((x, y), r.choice(common), font=font, fill=0)
            x += px
        y += px * 1.6
    return np.array(image)[:, ::-1]


def scan(page: Page, sheet: Sheet, st: Style):
    """The scanned image of a clean sheet under the page's fault; returns (image array, Geometry)."""
    import cv2
    import numpy as np
    r = seeded(SPLIT_SEED, "fault", page.name)
    clean = render(sheet, page.fault == "moire", page.name).astype(np.float32)
    if sheet.spine:
        s0, s1 = sheet.spine
        xs = np.arange(sheet.width, dtype=np.float32)
        mid = (s0 + s1) / 2
        dark = np.clip(1 - np.abs(xs - mid) / ((s1 - s0) * 1.6), 0, 1) ** 1.5 * 0.55
        clean *= (1 - dark)[None, :]
    fault = page.fault
    if fault == "showthrough":
        back = verso(sheet.width, sheet.height, page.name, st.body.px).astype(np.float32)
        back = cv2.GaussianBlur(back, (0, 0), 1.6)
        strength = r.uniform(0.14, 0.22)
        clean = np.minimum(clean, 255 - (255 - back) * strength)
    elif fault == "inkspread":
        k = r.choice([3, 4])
        clean = cv2.erode(clean, np.ones((k, k), np.uint8))
        clean = cv2.GaussianBlur(clean, (0, 0), 1.2)
        clean = np.where(clean < 200, clean * 0.7, clean)
    elif fault == "faded":
        clean = cv2.dilate(clean, np.ones((2, 2), np.uint8))
        ink = r.uniform(0.38, 0.5)
        clean = 255 - (255 - clean) * ink
        noise = cv2.GaussianBlur(np.random.default_rng(r.randint(0, 2**31)).normal(0, 1, clean.shape).astype(np.float32), (0, 0), 6)
        clean = clean + noise * 60
    geo = Geometry(sheet.width, sheet.height, page.dpi, page.rotation, page.fault == "rot90")
    interp = cv2.INTER_LINEAR if fault == "moire" else cv2.INTER_AREA
    img = cv2.resize(np.clip(clean, 0, 255), geo.size, interpolation=interp) if geo.scale != 1 else clean
    if fault == "torn":
        h, w = img.shape
        mask = np.zeros((h, w), np.uint8)
        rr = np.random.default_rng(r.randint(0, 2**31))
        if r.random() < 0.5:
            cx = r.choice([0, w])
            cy = r.choice([0, h])
            a, b = w * r.uniform(0.18, 0.28), h * r.uniform(0.12, 0.2)
            n = 24
            pts = [(cx, cy)]
            for k in range(n + 1):
                t = k / n
                x = cx + (a * (1 - t)) * (1 if cx == 0 else -1)
                y = cy + (b * t) * (1 if cy == 0 else -1)
                pts.append((x + rr.normal(0, w * 0.006), y + rr.normal(0, h * 0.004)))
            cv2.fillPoly(mask, [np.array(pts, np.int32)], 1)
        else:
            depth = w * r.uniform(0.06, 0.1)
            side = r.choice(["left", "right"])
            ys = np.arange(0, h, 8)
            edge = depth + np.cumsum(rr.normal(0, depth * 0.05, len(ys)))
            pts = [(0 if side == "left" else w, 0)] + [((e if side == "left" else w - e), y) for e, y in zip(edge, ys, strict=False)] \
                + [(0 if side == "left" else w, h)]
            cv2.fillPoly(mask, [np.array(pts, np.int32)], 1)
        img = np.where(mask == 1, 58.0, img)
    if page.rotation:
        img = cv2.warpAffine(img, geo.matrix, geo.size, flags=cv2.INTER_LINEAR, borderValue=250)
    rng = np.random.default_rng(r.randint(0, 2**31))
    if fault != "clean":
        img = cv2.GaussianBlur(img, (0, 0), r.uniform(0.35, 0.6))
        img = img + rng.normal(0, 4, img.shape)
    if fault == "fax":
        img = cv2.GaussianBlur(img, (0, 0), 0.5)
        img = img + rng.normal(0, 10, img.shape)
        binary = np.where(img < r.uniform(140, 165), 0, 255).astype(np.uint8)
        for _ in range(r.randint(3, 7)):  # a few dropped scan lines, as fax transmissions show
            y = r.randint(0, binary.shape[0] - 3)
            binary[y:y + r.randint(1, 2), :] = 255
        return binary, geo
    if fault == "lowres":
        img = img * 0.92 + 10
    img = np.clip(img, 0, 255).astype(np.uint8)
    if fault == "rot90":
        img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
    return img, geo


# ---------------------------------------------------------------------------------------------
# OCR


CHILD = r"""
import json, sys
from rapidocr import RapidOCR
engine = RapidOCR()
result = engine(sys.argv[1], return_word_box=True)
boxes = [] if result.boxes is None else result.boxes.tolist()
words = []
for line in (result.word_results or ()):
    words.append([[w[0], float(w[1]), [list(map(float, p)) for p in w[2]]] for w in line if w[2] is not None])
json.dump({"boxes": boxes, "txts": list(result.txts or ()), "scores": [float(s) for s in (result.scores or ())],
           "words": words, "rapidocr": __import__("rapidocr").__version__ if hasattr(__import__("rapidocr"), "__version__") else ""},
          open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
"""


def run_rapidocr(image: Path, work: Path) -> dict:
    script = work / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    out = work / "rapid.json"
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_THREAD_LIMIT="1")
    subprocess.run([sys.executable, str(script), str(image), str(out)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads(out.read_text(encoding="utf-8"))


def run_tesseract(page: Page, image: Path, work: Path) -> tuple[bytes, bytes]:
    base = work / page.name
    cmd = ["tesseract", str(image), str(base), "-l", page.langs, "--psm", page.psm]
    if page.spaces:
        cmd += ["-c", "preserve_interword_spaces=1"]
    subprocess.run([*cmd, "hocr", "alto"], check=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (base.with_suffix(".hocr")).read_bytes(), (base.with_suffix(".xml")).read_bytes()


def quad(box) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in box]


def rect(box) -> list[int]:
    xs = [p[0] for p in box]
    ys = [p[1] for p in box]
    return [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))]


def ocr_res(rapid: dict, input_path, word_box: bool) -> dict:
    """PaddleOCR 3.x's OCR result as save_to_json writes it (keys in its order)."""
    polys = [[[round(x), round(y)] for x, y in b] for b in rapid["boxes"]]
    res = {
        "input_path": input_path,
        "page_index": None,
        "model_settings": {"use_doc_preprocessor": False, "use_textline_orientation": False},
        "dt_polys": polys,
        "text_det_params": {"limit_side_len": 64, "limit_type": "min", "thresh": 0.3, "max_side_limit": 4000,
                            "box_thresh": 0.6, "unclip_ratio": 1.5},
        "text_type": "general",
        "textline_orientation_angles": [-1] * len(polys),
        "text_rec_score_thresh": 0.0,
        "return_word_box": word_box,
        "rec_texts": rapid["txts"],
        "rec_scores": rapid["scores"],
        "rec_polys": polys,
        "rec_boxes": [rect(b) for b in rapid["boxes"]],
    }
    if word_box:
        res["text_word"] = [[w[0] for w in line] for line in rapid["words"]]
        res["text_word_region"] = [[[[round(x), round(y)] for x, y in w[2]] for w in line]
                                   for line in rapid["words"]]
    return res


LAYOUT_IDS = {"paragraph_title": 0, "image": 1, "text": 2, "abstract": 4, "figure_title": 6, "table": 8,
              "reference": 9, "doc_title": 10, "footnote": 11, "header": 12, "aside_text": 18, "vertical_text": 21}


def paddle_json(page: Page, rapid: dict, assigned: list[Printed | None], image_name: str) -> object:
    """The engine's result in the page's public shape (a is written by `qingyang ocr` itself)."""
    shape = page.json_shape
    if shape == "b":
        return {"res": ocr_res(rapid, image_name, False)}
    if shape == "f":
        return {"res": ocr_res(rapid, image_name, True)}
    if shape == "e":
        return [[[quad(b), [t, s]] for b, t, s in zip(rapid["boxes"], rapid["txts"], rapid["scores"], strict=False)]]
    if shape == "g":
        return [{"box": quad(b), "txt": t, "score": s} for b, t, s in zip(rapid["boxes"], rapid["txts"], rapid["scores"], strict=False)]
    if shape == "d":
        overall = ocr_res(rapid, None, False)
        groups: dict[int, list[int]] = {}
        for i, line in enumerate(assigned):
            groups.setdefault(line.block if line else -1, []).append(i)
        blocks, layout = [], []
        for order, (_block, members) in enumerate(sorted(groups.items(), key=lambda kv: min(
                (assigned[i].rank if assigned[i] else 10**6) for i in kv[1]))):
            label = assigned[members[0]].label if assigned[members[0]] else "text"
            label = {"vertical_text": "text"}.get(label, label)
            xs = [p[0] for i in members for p in rapid["boxes"][i]]
            ys = [p[1] for i in members for p in rapid["boxes"][i]]
            bbox = [int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))]
            texts = [rapid["txts"][i] for i in sorted(members, key=lambda i: _order_key(assigned[i], rapid["boxes"][i]))]
            content = "\n".join(texts) if label != "table" else \
                "<html><body><table>" + "".join(f"<tr><td>{t}</td></tr>" for t in texts) + "</table></body></html>"
            blocks.append({"block_label": label, "block_content": content, "block_bbox": bbox, "block_id": order,
                           "block_order": order + 1 if label not in ("header", "footnote") else None})
            layout.append({"cls_id": LAYOUT_IDS.get(label, 2), "label": label, "score": round(0.8 + 0.19 * seeded(
                page.name, order).random(), 4), "coordinate": [float(v) for v in bbox]})
        return {"res": {"input_path": image_name, "page_index": None,
                        "model_settings": {"use_doc_preprocessor": False, "use_seal_recognition": False,
                                           "use_table_recognition": True, "use_formula_recognition": False,
                                           "use_chart_recognition": False, "use_region_detection": True},
                        "parsing_res_list": blocks,
                        "layout_det_res": {"input_path": None, "page_index": None, "boxes": layout},
                        "overall_ocr_res": overall}}
    raise ValueError(shape)


def engine_lines(engine: object) -> list[tuple[str, list[list[float]]]]:
    """(text, quadrilateral) of each recognised line, from any shape this builder writes."""
    if isinstance(engine, list):
        if engine and isinstance(engine[0], dict):
            return [(e["txt"], e["box"]) for e in engine]
        return [(row[1][0], row[0]) for row in (engine[0] or [])] if engine else []
    res = engine.get("res", engine)
    res = res.get("overall_ocr_res", res)
    if "rec_polys" in res:
        return list(zip(res["rec_texts"], res["rec_polys"], strict=False))
    return [(t, [[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]]) for t, b in zip(res["rec_texts"], res["rec_boxes"], strict=False)]


def assign(lines: list[Printed], boxes: list, geo: Geometry) -> list[Printed | None]:
    """Each engine box's centre, mapped back to the clean sheet, to the printed line holding it (the
    smaller of two, the nearest when none)."""
    out = []
    for box in boxes:
        cx = sum(p[0] for p in box) / len(box)
        cy = sum(p[1] for p in box) / len(box)
        x, y = geo.to_clean(cx, cy)
        holding = [ln for ln in lines if ln.box[0] - 2 <= x <= ln.box[2] + 2 and ln.box[1] - 2 <= y <= ln.box[3] + 2]
        if holding:
            out.append(min(holding, key=lambda ln: (ln.box[2] - ln.box[0]) * (ln.box[3] - ln.box[1])))
            continue
        out.append(min(lines, key=lambda ln, x=x, y=y: _distance(ln, x, y)) if lines else None)
    return out


def _distance(line: Printed, x: float, y: float) -> float:
    dx = max(line.box[0] - x, 0, x - line.box[2])
    dy = max(line.box[1] - y, 0, y - line.box[3])
    return math.hypot(dx, dy)


def _order_key(line: Printed | None, box) -> tuple:
    cx = sum(p[0] for p in box) / len(box)
    cy = sum(p[1] for p in box) / len(box)
    return (line.rank if line else 10**6, cy if (line and line.vertical) else cx)


def reading_order(engine: object, lines: list[Printed], geo: Geometry) -> list[str]:
    found = engine_lines(engine)
    owners = assign(lines, [b for _, b in found], geo)
    keyed = [(_order_key(owner, box), i, text) for i, ((text, box), owner) in enumerate(zip(found, owners, strict=False))]
    return [text for _, _, text in sorted(keyed)]


# ---------------------------------------------------------------------------------------------
# ALTO forms


ALTO_NS = {"v2": "http://www.loc.gov/standards/alto/ns-v2#", "v3": "http://www.loc.gov/standards/alto/ns-v3#",
           "v4": "http://www.loc.gov/standards/alto/ns-v4#"}
ALTO_XSD = {"v2": "http://www.loc.gov/standards/alto/alto-v2.0.xsd",
            "v4": "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
POSITION = ("HPOS", "VPOS", "WIDTH", "HEIGHT")


def alto_form(raw: bytes, page: Page) -> bytes:
    """Tesseract's ALTO in the page's form: its own; moved to the v4 namespace; v2 in inch1200
    units; or ABBYY-like (a String per CJK glyph, SP only at a real gap, blocks in ComposedBlocks,
    WC and CC confidences)."""
    from lxml import etree
    if page.alto_shape == "tesseract":
        return raw
    root = etree.fromstring(raw)
    version = "v4" if page.alto_shape == "v4" else "v2"
    if page.alto_shape == "inch1200-v2":
        factor = 1200 / page.dpi
        for el in root.iter():
            for attr in POSITION:
                if el.get(attr) is not None:
                    el.set(attr, str(round(float(el.get(attr)) * factor)))
        for el in root.iter():
            if isinstance(el.tag, str) and el.tag.endswith("MeasurementUnit"):
                el.text = "inch1200"
    if page.alto_shape == "abbyy":
        abbyy_strings(root)
    return renamespace(root, version)


def renamespace(root, version: str) -> bytes:
    from lxml import etree
    ns = ALTO_NS[version]
    new_root = etree.Element(f"{{{ns}}}alto", nsmap={None: ns, "xsi": XSI})
    new_root.set(f"{{{XSI}}}schemaLocation", f"{ns} {ALTO_XSD[version]}")

    def copy_into(src, dst):
        for k, v in src.attrib.items():
            if not k.startswith("{"):
                dst.set(k, v)
        dst.text = src.text
        for child in src:
            if not isinstance(child.tag, str):
                continue
            local = etree.QName(child).localname
            node = etree.SubElement(dst, f"{{{ns}}}{local}")
            copy_into(child, node)
            node.tail = child.tail

    copy_into(root, new_root)
    return etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def abbyy_strings(root):
    """Splits each String into a String per CJK glyph (Latin and digit runs stay whole), keeps SP
    only where the gap between two of Tesseract's words is wider than a third of the line height,
    wraps each TextBlock in a ComposedBlock, and writes WC (0-1) and CC (a digit per glyph, 0 sure
    to 9 unsure)."""
    from lxml import etree
    q = lambda el: etree.QName(el).localname  # noqa: E731
    for line in [el for el in root.iter() if isinstance(el.tag, str) and q(el) == "TextLine"]:
        ns = etree.QName(line).namespace
        strings = [el for el in line if q(el) == "String"]
        height = float(line.get("HEIGHT", "20"))
        for el in list(line):
            line.remove(el)
        previous_end = None
        for s in strings:
            x, y, w, h = (float(s.get(a)) for a in POSITION)
            wc = float(s.get("WC", "0.9"))
            if previous_end is not None and x - previous_end > height / 3:
                etree.SubElement(line, f"{{{ns}}}SP", WIDTH=str(round(x - previous_end)), VPOS=str(round(y)),
                                 HPOS=str(round(previous_end)))
            parts = re.findall(r"[A-Za-z0-9.,%:+\-/]+|.", s.get("CONTENT"))
            step = w / max(len(parts), 1)
            for k, part in enumerate(parts):
                etree.SubElement(line, f"{{{ns}}}String", ID=f"{s.get('ID')}_{k}", HPOS=str(round(x + k * step)),
                                 VPOS=str(round(y)), WIDTH=str(max(1, round(step))), HEIGHT=str(round(h)),
                                 WC=f"{wc:.2f}", CC=" ".join(str(round((1 - wc) * 9)) for _ in part), CONTENT=part)
            previous_end = x + w
    for block in [el for el in root.iter() if isinstance(el.tag, str) and q(el) == "TextBlock"]:
        parent = block.getparent()
        if q(parent) == "ComposedBlock":
            continue
        ns = etree.QName(block).namespace
        wrapper = etree.Element(f"{{{ns}}}ComposedBlock", ID=f"cblock_{block.get('ID')}", TYPE="text",
                                **{a: block.get(a) for a in POSITION if block.get(a) is not None})
        parent.replace(block, wrapper)
        wrapper.append(block)
    for el in root.iter():
        if isinstance(el.tag, str) and q(el) == "softwareName":
            el.text = f"{el.text} (glyph strings, ABBYY-like layout)"


def hocr_words(raw: bytes) -> list[str]:
    from lxml import html
    tree = html.fromstring(raw, parser=html.HTMLParser(encoding="utf-8"))
    return [e.text_content() for e in tree.iter() if isinstance(e.tag, str) and "ocrx_word" in (e.get("class") or "").split()]


# ---------------------------------------------------------------------------------------------
# floors and the manifest


def difference(gold: str, read: str, fold: bool = False) -> tuple[int, int]:
    norm = (lambda s: unicodedata.normalize("NFKC", s)) if fold else (lambda s: s)
    g = Counter(c for c in norm(gold) if not c.isspace())
    o = Counter(c for c in norm(read) if not c.isspace())
    return sum((g - o).values()), sum((o - g).values())


FIELDS = ["name", "split", "paper", "issue_date", "page", "section", "design", "body_face", "body_pt", "dpi", "body_px",
          "scan", "rotation_deg", "json_shape", "alto_shape", "tesseract_langs", "tesseract_psm",
          "tesseract_preserve_spaces", "features", "stories", "gold_chars", "printed_chars", "ocr_missing", "ocr_extra",
          "ocr_floor", "misread_missing", "misread_extra", "ocr_floor_misread", "tess_missing", "tess_extra",
          "tess_floor", "tess_misread_missing", "tess_misread_extra", "tess_floor_misread"]


def manifest_row(page: Page, sheet: Sheet, st: Style, gold: str, engine: object, words: list[str]) -> dict:
    printed = "".join(ln.text for ln in sheet.lines)
    read = "".join(t for t, _ in engine_lines(engine))
    tess = "".join(words)
    gold_chars = sum(1 for c in gold if not c.isspace())
    printed_chars = sum(1 for c in printed if not c.isspace())
    om, oe = difference(gold, read)
    mm, me = difference(printed, read, fold=True)
    tm, te = difference(gold, tess)
    tmm, tme = difference(printed, tess, fold=True)
    return {
        "name": page.name, "split": page.split, "paper": page.paper, "issue_date": page.date,
        "page": page.page, "section": page.section, "design": page.design, "body_face": page.body_key,
        "body_pt": page.body_pt, "dpi": page.dpi, "body_px": round(st.body.px * page.dpi / RENDER_DPI),
        "scan": page.fault, "rotation_deg": page.rotation, "json_shape": page.json_shape,
        "alto_shape": page.alto_shape, "tesseract_langs": page.langs, "tesseract_psm": page.psm,
        "tesseract_preserve_spaces": page.spaces, "features": " ".join(sorted(sheet.features)),
        "stories": " ".join(sheet.stories), "gold_chars": gold_chars, "printed_chars": printed_chars,
        "ocr_missing": om, "ocr_extra": oe, "ocr_floor": f"{(om + oe) / gold_chars:.4f}",
        "misread_missing": mm, "misread_extra": me, "ocr_floor_misread": f"{(mm + me) / printed_chars:.4f}",
        "tess_missing": tm, "tess_extra": te, "tess_floor": f"{(tm + te) / gold_chars:.4f}",
        "tess_misread_missing": tmm, "tess_misread_extra": tme, "tess_floor_misread": f"{(tmm + tme) / printed_chars:.4f}",
    }


def build_page(page: Page, out: Path, image_dir: Path, ocr: bool) -> dict:
    sheet, st = compose(page)
    gold = "\n".join(sheet.gold) + "\n"
    folder = out / page.split
    folder.mkdir(parents=True, exist_ok=True)
    geo = Geometry(sheet.width, sheet.height, page.dpi, page.rotation, page.fault == "rot90")
    if ocr:
        import cv2
        image_dir.mkdir(parents=True, exist_ok=True)
        img, geo = scan(page, sheet, st)
        image = image_dir / f"{page.name}.png"
        if page.fault == "fax":
            from PIL import Image
            Image.fromarray(img).convert("1").save(image)
        else:
            cv2.imwrite(str(image), img)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            if page.json_shape == "a":
                env = dict(os.environ, OMP_NUM_THREADS="1", OMP_THREAD_LIMIT="1")
                subprocess.run([sys.executable, "-m", "qingyang", "ocr", str(image), "--output", str(work)], check=True,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                engine = json.loads((work / f"{page.name}.paddle.json").read_text(encoding="utf-8"))
                text = (work / f"{page.name}.paddle.json").read_text(encoding="utf-8")
            else:
                rapid = run_rapidocr(image, work)
                owners = assign(sheet.lines, rapid["boxes"], geo)
                engine = paddle_json(page, rapid, owners, image.name)
                # PaddleX writes indent=4; here without indentation, to keep the set small
                text = json.dumps(engine, ensure_ascii=False)
            (folder / f"{page.name}.paddle.json").write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            hocr, alto = run_tesseract(page, image, work)
            (folder / f"{page.name}.hocr").write_bytes(hocr)
            (folder / f"{page.name}.alto.xml").write_bytes(alto_form(alto, page))
    engine = json.loads((folder / f"{page.name}.paddle.json").read_text(encoding="utf-8"))
    words = hocr_words((folder / f"{page.name}.hocr").read_bytes())
    (folder / f"{page.name}.gold.txt").write_text(gold, encoding="utf-8")
    (folder / f"{page.name}.txt").write_text("\n".join(reading_order(engine, sheet.lines, geo)) + "\n", encoding="utf-8")
    return manifest_row(page, sheet, st, gold, engine, words)


def write_manifest(out: Path, rows: list[dict]):
    path = out / "manifest.csv"
    old = {}
    if path.is_file():
        old = {r["name"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    for row in rows:
        old[row["name"]] = {k: str(v) for k, v in row.items()}
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, FIELDS, lineterminator="\n")
        writer.writeheader()
        for name in sorted(old):
            writer.writerow(old[name])


def main(argv: list[str] | None = None) -> int:
    global FONT_DIR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", action="store_true", help="print the pages, splits, faults and shapes")
    parser.add_argument("--split", choices=["dev", "heldout"])
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--no-ocr", action="store_true", help="gold, .txt and manifest from the engines' files in --out")
    parser.add_argument("--font-dir", type=Path, default=FONT_DIR)
    parser.add_argument("--out", type=Path, default=SET_DIR)
    parser.add_argument("--image-dir", type=Path, default=IMAGE_DIR)
    parser.add_argument("--sheet", type=Path, help="write the clean sheets (PNG) here and stop")
    args = parser.parse_args(argv)
    FONT_DIR = args.font_dir
    Face._cache.clear()
    pages = plan()
    if args.plan:
        for p in pages:
            print(p.name, p.split, p.design, p.date, p.fault, p.dpi, p.rotation, p.json_shape, p.alto_shape,
                  f"psm{p.psm}", "spaces" if p.spaces else "", p.langs)
        return 0
    chosen = [p for p in pages if (not args.split or p.split == args.split) and (not args.only or p.name in args.only)]
    if args.no_ocr:
        chosen = [p for p in chosen if (args.out / p.split / f"{p.name}.paddle.json").is_file()]
    if args.sheet:
        from PIL import Image
        args.sheet.mkdir(parents=True, exist_ok=True)
        for p in chosen:
            sheet, _ = compose(p)
            Image.fromarray(render(sheet, False, p.name)).save(args.sheet / f"{p.name}.png")
            (args.sheet / f"{p.name}.gold.txt").write_text("\n".join(sheet.gold) + "\n", encoding="utf-8")
        return 0
    rows = []
    for p in chosen:
        rows.append(build_page(p, args.out, args.image_dir, ocr=not args.no_ocr))
        print(p.name, "done", flush=True, file=sys.stderr)
    write_manifest(args.out, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
